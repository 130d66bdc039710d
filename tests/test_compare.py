"""``engagekit compare``: councils side by side, with a note when their types differ."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engagekit.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["compare", *args, "--as-of", "2026-11-22"])
    return result.exit_code, result.stdout, result.stderr


def test_three_councils_side_by_side_with_a_note_on_types() -> None:
    code, out, _ = run("-c", "basildon", "-c", "thurrock", "-c", "bathnes")
    assert code == 0
    assert "These councils are of different types: Basildon Borough Council (district)" in out
    assert "E07000066" in out
    assert "E06000034" in out
    assert "E06000022" in out
    assert "Findings by status" in out


def test_councils_of_one_type_need_no_note() -> None:
    code, out, _ = run("-c", "thurrock", "-c", "bathnes")
    assert code == 0
    assert "different types" not in out


def test_json_comparison_counts_each_councils_findings() -> None:
    code, out, _ = run("-c", "basildon", "-c", "bathnes", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["council"]["id"] == "basildon+bathnes"
    findings = next(s for s in data["sections"] if s["id"] == "findings")["blocks"][0]
    red = next(row for row in findings["rows"] if row[0].startswith("Red"))
    # Basildon: the strategy and SIA reviews (its annual action-plan review is not yet placed);
    # B&NES: its progress report to Cabinet.
    assert red == ["Red – overdue or not met", "2", "1"]


def test_one_council_is_not_a_comparison() -> None:
    code, _, err = run("-c", "basildon", "-c", "basildon")
    assert code == 2
    assert err.strip() == "engagekit: give at least two different councils: --council A --council B"


def test_an_unknown_council_names_those_available() -> None:
    code, _, err = run("-c", "basildon", "-c", "nowhere")
    assert code == 2
    assert "no council 'nowhere'; available: basildon, bathnes, thurrock" in err


def test_a_comparison_renders_in_every_format(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from engagekit.plugins import get_plugin_host

    formats = sorted(get_plugin_host(environ={}).renderers())
    assert {"html", "docx", "xlsx", "markdown", "json", "text"} <= set(formats)
    for name in formats:
        target = tmp_path / f"compare-{name}.out"
        result = CliRunner().invoke(
            cli, ["compare", "-c", "thurrock", "-c", "bathnes", "--as-of", "2026-11-22", "-f", name, "-o", str(target)]
        )
        assert result.exit_code == 0, (name, result.output)
        assert target.stat().st_size > 0, name
    page = (tmp_path / "compare-html.out").read_text(encoding="utf-8")
    assert "<h1" in page
    assert "Comparing Thurrock Council and Bath &amp; North East Somerset Council" in page
