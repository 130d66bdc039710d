"""``engagekit publish``: a council's public pages as a static site that works from disk."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

import engagekit
from engagekit.cli import cli
from engagekit.opendata.api import tree
from engagekit.web.publish import MARKER

AS_OF = "2026-06-30"


def publish(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["publish", "--no-records", *args])
    return result.exit_code, result.stderr


def links(page: Path) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', page.read_text(encoding="utf-8"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    status, errors = publish("-c", "basildon", "--as-of", AS_OF, "--output", str(target))
    assert (status, errors) == (0, "")
    return target


def test_every_link_is_relative_and_names_a_file_in_the_site(site: Path) -> None:
    pages = [site / "index.html", site / "councils" / "basildon" / "index.html"]
    for page in pages:
        found = links(page)
        assert found
        for link in found:
            if link.startswith("#"):
                continue
            assert not link.startswith(("/", "http:", "https:")), link
            target = (page.parent / unquote(link.split("#")[0])).resolve()
            assert target.is_file(), f"{page.name}: {link}"
            assert site.resolve() in target.parents


def test_the_dashboard_is_the_servers_without_the_form(site: Path) -> None:
    page = (site / "councils" / "basildon" / "index.html").read_text(encoding="utf-8")
    assert '<p class="site-header__name">Basildon Borough Council</p>' in page
    assert '<time datetime="2026-06-30">30 June 2026</time>' in page
    assert "<form" not in page
    assert "<script" not in page.lower()
    assert '<link rel="stylesheet" href="../../static/report.css">' in page


def test_the_downloads_are_the_reports_in_every_format(site: Path) -> None:
    from engagekit.report import council_report

    host = engagekit.get_plugin_host(environ={})
    report = council_report(host.council("basildon"), dt.date.fromisoformat(AS_OF), host=host)
    folder = site / "councils" / "basildon"
    for name, renderer in host.renderers().items():
        path = folder / f"basildon-{AS_OF}-{name}.{renderer.extension.rsplit('.', 1)[-1]}"
        content = renderer.render(report)
        if isinstance(content, str):
            assert path.read_bytes() == content.encode("utf-8"), name  # line ends and all
        else:
            assert path.read_bytes()[:2] == content[:2] == b"PK", name  # a zip, written whole


def test_the_open_referral_tree_is_the_opendata_one(site: Path) -> None:
    host = engagekit.get_plugin_host(environ={})
    expected = tree(host.council("basildon"), dt.date.fromisoformat(AS_OF))
    oruk = site / "councils" / "basildon" / "oruk"
    written = {str(path.relative_to(oruk)) for path in oruk.rglob("*.json")}
    assert written == set(expected)
    for path, document in expected.items():
        assert json.loads((oruk / path).read_text(encoding="utf-8")) == document


def test_a_static_site_offers_no_recording_pages(site: Path) -> None:
    """A static site has no server to record progress on, so its dashboard does not link there."""
    page = (site / "councils" / "basildon" / "index.html").read_text(encoding="utf-8")
    assert "Record progress" not in page
    assert "/record" not in page


def test_a_site_published_before_is_replaced_whole(site: Path) -> None:
    (site / "councils" / "basildon" / "stale.txt").write_text("from before", encoding="utf-8")
    status, errors = publish("-c", "basildon", "--as-of", "2026-07-01", "-o", str(site))
    assert (status, errors) == (0, "")
    assert not (site / "councils" / "basildon" / "stale.txt").exists()
    assert (site / "councils" / "basildon" / "basildon-2026-07-01-json.json").is_file()
    assert "as of 2026-07-01" in (site / MARKER).read_text(encoding="utf-8")
    assert [path.name for path in site.parent.iterdir()] == ["site"]  # no temporary folder left beside it


def test_a_folder_of_other_things_or_a_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    status, errors = publish("-c", "basildon", "-o", str(folder))
    assert status == 2
    assert errors == (
        f"engagekit: {folder}: the folder holds 'notes.txt' and is not a published site; "
        "give a new or empty folder, or one an earlier publish wrote\n"
    )
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]
    file = tmp_path / "file.html"
    file.write_text("x", encoding="utf-8")
    status, errors = publish("-c", "basildon", "-o", str(file))
    assert (status, errors) == (2, f"engagekit: {file}: exists and is not a folder; give a folder for the site\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file.html", "mine"]


def test_usage_problems_are_one_line(tmp_path: Path) -> None:
    assert publish("-c", "basildon") == (2, "engagekit: say where to write the site: --output DIR (a folder)\n")
    status, errors = publish("-c", "nowhere", "-o", str(tmp_path / "x"))
    assert status == 2
    assert errors.count("\n") == 1
    status, errors = publish("-c", "basildon", "--as-of", "2026-02-30", "-o", str(tmp_path / "x"))
    assert (status, errors) == (2, "engagekit: --as-of: 2026-02-30 does not exist: February 2026 has 28 days\n")
    assert not (tmp_path / "x").exists()


def test_the_static_dashboard_opens_from_disk_in_chromium(site: Path) -> None:
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium')")
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(java_script_enabled=False)
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto((site / "index.html").as_uri())
            with page.expect_navigation():
                page.click("text=Basildon Borough Council")
            assert page.url.endswith("/councils/basildon/index.html")
            colour = page.eval_on_selector(".site-header", "element => getComputedStyle(element).backgroundColor")
            assert colour == "rgb(11, 12, 12)"  # report.css was found and applied
            assert all(url.startswith("file:") for url in requests)
        finally:
            browser.close()
