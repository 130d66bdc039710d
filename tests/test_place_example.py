"""The fictional council organised by place (examples/ashworth): one network per neighbourhood, declared once.

The example must validate strictly, declare each arrangement once rather than per area, tell the
story its README tells once its illustrative records are imported (one finding per network and
rule, each with the status the story intends), render in every format with and without the
records, drop none of its caveats, and refuse a broken copy of its records whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.test_no_caveat_dropped import FORMATS as READ_BACK
from tests.test_no_caveat_dropped import missing_from

from engagekit.definition import load_definition
from engagekit.definition.quality import load_with_lines, quality_warnings
from engagekit.model import Council, body_instances, items_without_source
from engagekit.model.certainty import Certainty
from engagekit.model.governance import LocalPlanRule
from engagekit.model.local import PlaceKind
from engagekit.plugins import get_plugin_host
from engagekit.records import open_store
from engagekit.report import council_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ashworth"
DEFINITION = EXAMPLE / "ashworth.yaml"
RECORDS = EXAMPLE / "records.csv"
README = EXAMPLE / "README.md"
AS_OF = dt.date(2026, 11, 30)

PILOTS = ["town-centre", "northgate", "millbrook"]
SECOND_PHASE = ["upper-moor", "heatherbank", "cobble-rise", "stonecroft", "brackenfold"]
THIRD_PHASE = ["lowfield", "willowmere", "otterby", "sedge-end"]
NOT_STARTED = ["harrow-vale"]
NEIGHBOURHOODS = PILOTS + SECOND_PHASE + THIRD_PHASE + NOT_STARTED
PLACE_NAMES = {
    "town-centre": "Ashworth Town Centre",
    "northgate": "Northgate",
    "millbrook": "Millbrook",
    "upper-moor": "Upper Moor",
    "heatherbank": "Heatherbank",
    "cobble-rise": "Cobble Rise",
    "stonecroft": "Stonecroft",
    "brackenfold": "Brackenfold",
    "lowfield": "Lowfield",
    "willowmere": "Willowmere",
    "otterby": "Otterby",
    "sedge-end": "Sedge End",
    "harrow-vale": "Harrow Vale",
}

QUOTA = "area-network-meeting-quota"
PLAN = "local-priorities"
STORY = {
    # network: (its meetings in 2025, its local priorities for 2026), as of 30 November 2026
    "town-centre": ("green", "green"),
    "northgate": ("red", "green"),  # three public meetings, the AGM postponed into January 2026
    "millbrook": ("amber", "green"),  # an AGM in the window that did not consider the annual report
    **dict.fromkeys(SECOND_PHASE, ("green", "green")),
    **dict.fromkeys(THIRD_PHASE + NOT_STARTED, ("grey", "grey")),
}
"""The status each network's two findings should have with the records imported."""

FORMATS = ["text", "markdown", "json", "html", "docx", "xlsx", "actions-csv", "findings-csv", "decidim-csv"]


def clean_environment(tmp: Path) -> dict[str, str]:
    """The process environment without a developer's ENGAGEKIT_* settings, with a home of its own."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ENGAGEKIT_")}
    env["ENGAGEKIT_CONFIG"] = str(tmp / "config.toml")
    env["ENGAGEKIT_DATA_DIR"] = str(tmp / "data")
    return env


def engagekit_cli(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def council() -> Council:
    return load_definition(DEFINITION)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose records store holds the example's records, imported from the command line."""
    tmp = tmp_path_factory.mktemp("ashworth")
    env = clean_environment(tmp)
    env["ENGAGEKIT_DATABASE_URL"] = f"sqlite:///{tmp / 'ashworth.db'}"
    env["ENGAGEKIT_DEFINITIONS"] = str(EXAMPLE)
    result = engagekit_cli(["import", str(RECORDS), "--council", "ashworth"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("added 100 records for Ashworth District Council (fictional).")
    return env


def json_report(env: dict[str, str], *extra: str) -> dict[str, Any]:
    args = ["report", "--definition", str(DEFINITION), "--as-of", AS_OF.isoformat(), "--format", "json", *extra]
    result = engagekit_cli(args, env)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def statuses(report: dict[str, Any], rule_id: str) -> dict[str, str]:
    """``{network id: status}`` for one rule, checking there is exactly one finding per network."""
    found = [f for f in report["findings"] if f["rule_id"] == rule_id]
    ids = [finding["subject_id"] for finding in found]
    assert sorted(ids) == sorted(f"area-network.{place}" for place in NEIGHBOURHOODS), ids
    return {finding["subject_id"].removeprefix("area-network."): finding["status"] for finding in found}


# -- the definition ------------------------------------------------------------------------


def test_the_example_validates_strictly_with_no_warnings(tmp_path: Path) -> None:
    result = engagekit_cli(["validate", "--strict", "--definition", str(DEFINITION)], clean_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"{DEFINITION}: valid (Ashworth District Council (fictional))\n"
    assert result.stderr == ""
    council, lines = load_with_lines(DEFINITION)
    assert quality_warnings(council, lines) == []


def test_nothing_is_presented_as_real(council: Council) -> None:
    assert council.id == "ashworth"
    assert council.name == "Ashworth District Council (fictional)"
    assert council.gss_code is None
    assert all(area.gss_code is None for area in council.areas)
    assert not re.search(r"\b[EWSN]\d{8}\b", DEFINITION.read_text(encoding="utf-8")), "no ONS-style code at all"
    assert council.documents
    for document in council.documents:
        assert document.title.endswith("(fictional example)"), document.title
        assert document.note is not None
        assert "invented" in document.note
        assert document.publisher is not None
        assert "(fictional)" in document.publisher
    assert all("(fictional)" in partner.name for partner in council.partners)
    assert items_without_source(council) == []
    with RECORDS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    assert all(row["note"].startswith("Illustrative:") for row in rows)
    assert all(row["recorded_by"].endswith("(example)") for row in rows)
    assert "Everything here is invented." in README.read_text(encoding="utf-8")


def test_the_network_is_declared_once_not_copied_per_area(council: Council) -> None:
    text = DEFINITION.read_text(encoding="utf-8")
    assert len(re.findall(r"^  - id: area-network$", text, flags=re.M)) == 1
    assert "area-network." not in text, "no instance is written out by its id"
    assert len(re.findall(r"^  - id: ", text, flags=re.M)) == len(council.documents) + len(council.areas) + len(
        council.clusters
    ) + len(council.phases) + len(council.bodies) + len(council.partners) + len(council.methods)

    assert len(council.areas) == 14
    assert [area.id for area in council.areas if area.kind.value == "neighbourhood"] == NEIGHBOURHOODS
    (network,) = [body for body in council.bodies if body.id == "area-network"]
    assert network.for_each is not None
    assert network.for_each.place is PlaceKind.AREA
    assert network.local_plans
    instances = body_instances(council, network)
    assert [placed.id for placed in instances] == [f"area-network.{place}" for place in NEIGHBOURHOODS]
    assert len(instances) == 13
    by_place = {placed.place.id: placed for placed in instances if placed.place is not None}
    assert {place: placed.place.name for place, placed in by_place.items() if placed.place} == PLACE_NAMES
    assert by_place["northgate"].name == "Northgate Network"
    assert [place for place, placed in by_place.items() if placed.pilot] == PILOTS
    # Only the places that differ have an entry; the rest inherit the body's start.
    assert {instance.place for instance in network.instances} == set(PILOTS + THIRD_PHASE + NOT_STARTED)
    assert all(str(by_place[place].starts) == "2024-04" for place in PILOTS)
    assert all(str(by_place[place].starts) == "2025-01" for place in SECOND_PHASE)
    assert all(str(by_place[place].starts) == "2026-04" for place in THIRD_PHASE)
    assert str(by_place["harrow-vale"].starts) == "2027-04"

    (groups,) = [body for body in council.bodies if body.id == "working-groups"]
    assert groups.for_each is not None
    assert groups.for_each.place is PlaceKind.RECORDED
    assert body_instances(council, groups) == [], "working groups come from the records store"


def test_the_quota_the_local_plan_rule_and_the_missing_action_plan(council: Council) -> None:
    (network,) = [body for body in council.bodies if body.id == "area-network"]
    quota = network.quota
    assert quota is not None
    assert (quota.public_meetings, quota.agm, quota.agm_considers) == (3, True, ["annual report"])
    assert quota.agm_window is not None
    assert (quota.agm_window.start, quota.agm_window.end) == (9, 11)
    (rule,) = council.programme.rules
    assert isinstance(rule, LocalPlanRule)
    assert rule.body == "area-network"
    assert rule.window is not None
    assert (rule.window.start, rule.window.end) == (4, 6)
    assert list(council.programme.action_plan.all_actions()) == []
    assert council.programme.action_plan.pillars == []
    assert council.programme.action_plan.outcomes == []
    (cycle,) = council.programme.governance.review_cycles
    assert cycle.every_months is None
    assert "to be tested, reviewed and revised over time" in (cycle.note or "")


def test_the_tentative_facts_say_how_sure_they_are(council: Council) -> None:
    phases = {phase.id: phase for phase in council.phases}
    assert phases["third-phase"].qualifiers["starts"].certainty is Certainty.EXPECTED
    assert phases["third-phase"].field_qualifier("starts") == "currently expected"
    assert phases["pilot-phase"].qualifiers == {}
    assert len(phases["second-phase"].all_sources()) == 2
    (network,) = [body for body in council.bodies if body.id == "area-network"]
    assert len(network.all_sources()) == 3
    assert network.quota is not None
    window = network.quota.qualifiers["agm_window"]
    assert window.certainty is Certainty.INFERRED
    assert window.reasoning
    assert "autumn" in window.reasoning
    entries = {instance.place: instance for instance in network.instances}
    assert entries["harrow-vale"].field_qualifier("starts") == "(TBC)"
    assert all(entries[place].qualifiers["starts"].certainty is Certainty.EXPECTED for place in THIRD_PHASE)
    roles = {document.id: document.role.value for document in council.documents if document.role}
    assert roles == {
        "ash-framework-2024": "primary",
        "ash-cabinet-2024": "primary",
        "ash-rollout-2025": "primary",
        "ash-cvs-pilots-2025": "secondary",
    }
    reports = {report.id: report for report in council.programme.governance.reports_due}
    assert reports["learning-report"].certainty is Certainty.PROPOSED
    assert not reports["learning-report"].timed
    assert reports["learning-report"].source is not None
    assert reports["learning-report"].source.document == "ash-cvs-pilots-2025"
    (health,) = [partner for partner in council.partners if partner.id == "ashworth-health"]
    assert health.certainty is Certainty.INFERRED
    assert health.reasoning


# -- the story the records tell ----------------------------------------------------------------


def test_each_network_has_the_status_the_story_intends(imported: dict[str, str]) -> None:
    report = json_report(imported)
    quota, plan = statuses(report, QUOTA), statuses(report, PLAN)
    for place, (meetings, priorities) in STORY.items():
        assert (quota[place], plan[place]) == (meetings, priorities), place
    assert report["status_counts"] == {"red": 1, "amber": 1, "grey": 10, "green": 15}
    findings = {(f["rule_id"], f["subject_id"]): f for f in report["findings"]}
    northgate = findings[(QUOTA, "area-network.northgate")]["message"]
    assert northgate.startswith("Not met for 2025: 3 public meetings and 0 AGM recorded")
    millbrook = findings[(QUOTA, "area-network.millbrook")]["message"]
    assert "does not say it considered: annual report" in millbrook
    assert "starts in April 2027" in findings[(QUOTA, "area-network.harrow-vale")]["message"]
    assert "starts in April 2026" in findings[(QUOTA, "area-network.lowfield")]["message"]
    assert findings[("pilot-evaluation", None)]["status"] == "green"
    # Neither the review with no interval nor the proposed report with no date is ever judged.
    unjudged = {"arrangements-review", "learning-report"}
    assert not [f for f in report["findings"] if f["rule_id"] in unjudged]


def test_the_pilots_have_two_years_of_history_and_one_network_has_not_started() -> None:
    with RECORDS.open(encoding="utf-8", newline="") as handle:
        meetings = [row for row in csv.DictReader(handle) if row["kind"] == "event"]
    years: dict[str, set[int]] = {}
    for row in meetings:
        years.setdefault(row["body"].removeprefix("area-network."), set()).add(int(row["date"][:4]))
    assert all({2024, 2025, 2026} <= years[place] for place in PILOTS)
    assert all(years[place] == {2025, 2026} for place in SECOND_PHASE)
    assert all(years[place] == {2026} for place in THIRD_PHASE)
    assert "harrow-vale" not in years


def test_without_the_records_the_started_networks_owe_their_priorities(imported: dict[str, str]) -> None:
    report = json_report(imported, "--no-records")
    assert set(statuses(report, QUOTA).values()) == {"grey"}
    plan = statuses(report, PLAN)
    assert {place for place, status in plan.items() if status == "red"} == set(PILOTS + SECOND_PHASE)
    assert {place for place, status in plan.items() if status == "grey"} == set(THIRD_PHASE + NOT_STARTED)
    assert report["status_counts"] == {"red": 9, "amber": 0, "grey": 18, "green": 0}


def test_the_readme_counts_the_records_it_describes() -> None:
    with RECORDS.open(encoding="utf-8", newline="") as handle:
        kinds = Counter(row["kind"] for row in csv.DictReader(handle))
    assert sum(kinds.values()) == 100
    text = " ".join(README.read_text(encoding="utf-8").split())
    expected = (
        f"{sum(kinds.values())} illustrative records (2024–2026): {kinds['event']} network meetings, "
        f"{kinds['local-priority']} local priorities, {kinds['local-action']} local actions with "
        f"{kinds['action-update']} updates, {kinds['instance']} working groups registered (one since ended) "
        f"and {kinds['review']} reviews or reports"
    )
    assert expected in text
    assert "Without records: 9 red, 0 amber, 18 grey, 0 green" in text
    assert "With them: 1 red, 1 amber, 10 grey, 15 green." in text


def test_places_at_a_glance_gives_each_network_its_worst_finding(imported: dict[str, str]) -> None:
    """Right after the summary, each network's row carries its worst finding, and the local plans are listed."""
    report = json_report(imported)
    ids = [section["id"] for section in report["sections"]]
    assert ids[:3] == ["header", "summary", "places-at-a-glance"]
    glance = report["sections"][2]
    (table,) = [block for block in glance["blocks"] if block["kind"] == "table"]
    rows = {row[1]: row for row in table["rows"]}
    order = ["red", "amber", "grey", "green"]
    for place, (meetings, priorities) in STORY.items():
        worst = min((meetings, priorities), key=order.index)
        label = f"{PLACE_NAMES[place]} Network" + (" (pilot)" if place in PILOTS else "")
        assert rows[label][0] == PLACE_NAMES[place]
        assert rows[label][2].lower().startswith(worst), (place, rows[label])
    assert "Not met for 2025" in rows["Northgate Network (pilot)"][3]
    assert "Agreed for 2026" in rows["Northgate Network (pilot)"][3]
    groups = sorted((row[0], row[1], row[2]) for row in table["rows"] if "working group" in row[1])
    assert groups == [
        ("Ashworth Town Centre", "Town Centre green spaces working group", "not judged"),
        ("Northgate", "Northgate food pantry working group", "not judged"),
        ("Upper Moor", "Upper Moor transport working group", "not judged"),
    ], "the Millbrook group ended in March 2026"
    paragraphs = [block["text"] for block in glance["blocks"] if block["kind"] == "paragraph"]
    assert any(text.startswith("Network working groups: 3 known") for text in paragraphs)

    (plans,) = glance["sections"]
    (plan_table,) = [block for block in plans["blocks"] if block["kind"] == "table"]
    agreed = {row[0]: row for row in plan_table["rows"]}
    assert len(agreed) == 13
    assert agreed["Harrow Vale Network"][1:] == ["none recorded", "0"]
    assert "Safer walking routes to the station" in agreed["Ashworth Town Centre Network (pilot)"][1]
    assert agreed["Ashworth Town Centre Network (pilot)"][2] == "3"  # every local action it agreed, 2025 and 2026
    actions = [item for block in plans["blocks"] if block["kind"] == "list" for item in block["items"]]
    assert len(actions) == 8
    assert any(item.startswith("tc-garden Reopen the Market Street community garden — completed") for item in actions)
    assert any(item.startswith("bf-hall ") and "at-risk" in item for item in actions)
    assert any(item.startswith("ng-pantry ") and "no update recorded" in item for item in actions)


def test_without_records_places_at_a_glance_still_lists_every_network(imported: dict[str, str]) -> None:
    glance = json_report(imported, "--no-records")["sections"][2]
    assert glance["id"] == "places-at-a-glance"
    (table,) = [block for block in glance["blocks"] if block["kind"] == "table"]
    networks = [(row[0], row[1]) for row in table["rows"]]
    assert networks == sorted(
        (PLACE_NAMES[place], f"{PLACE_NAMES[place]} Network" + (" (pilot)" if place in PILOTS else ""))
        for place in NEIGHBOURHOODS
    ), "one row per network, by place, and no working group is known without the records"
    paragraphs = [block["text"] for block in glance["blocks"] if block["kind"] == "paragraph"]
    assert any(text.startswith("Network working groups: none known yet") for text in paragraphs)


# -- every format --------------------------------------------------------------------------------


def check_rendered(name: str, output: str | bytes) -> None:
    """A rendered report looks like its format and names the council (where the format carries it)."""
    data = output.encode() if isinstance(output, str) else output
    assert data, name
    if name in {"docx", "xlsx"}:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert any(entry.endswith(".xml") for entry in archive.namelist())
        return
    text = data.decode("utf-8")
    if name == "json":
        assert json.loads(text)["council"]["id"] == "ashworth"
    elif name == "html":
        assert text.lstrip().lower().startswith("<!doctype html")
    elif name.endswith("csv"):
        header = next(csv.reader(io.StringIO(text)))
        assert header, name
        return
    assert "Ashworth District Council (fictional)" in text


def test_every_built_in_format_is_tested() -> None:
    assert set(FORMATS) <= set(get_plugin_host(environ={}).renderers())


@pytest.mark.parametrize("records", [True, False], ids=["with-records", "without-records"])
def test_every_format_renders(council: Council, imported: dict[str, str], records: bool) -> None:
    renderers = get_plugin_host(environ={}).renderers()
    with open_store(imported["ENGAGEKIT_DATABASE_URL"]) as store:
        report = council_report(council, AS_OF, evidence=store.evidence(council) if records else None)
    for name in FORMATS:
        check_rendered(name, renderers[name].render(report))


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_renders_from_the_command_line(imported: dict[str, str], name: str, tmp_path: Path) -> None:
    output = tmp_path / f"report.{name}"
    args = ["report", "--definition", str(DEFINITION), "--as-of", AS_OF.isoformat(), "--format", name]
    result = engagekit_cli([*args, "--output", str(output)], imported)
    assert result.returncode == 0, result.stderr
    check_rendered(name, output.read_bytes() if name in {"docx", "xlsx"} else output.read_text(encoding="utf-8"))


@pytest.mark.parametrize("format_name", list(READ_BACK))
def test_no_description_or_caveat_is_dropped(council: Council, imported: dict[str, str], format_name: str) -> None:
    """Every description, note and qualifier of the example reaches each format, as for the bundled councils."""
    with open_store(imported["ENGAGEKIT_DATABASE_URL"]) as store:
        report = council_report(council, AS_OF, evidence=store.evidence(council))
    assert missing_from(report, council, READ_BACK[format_name]) == []


# -- the import is all or nothing --------------------------------------------------------------


def broken_copies(tmp_path: Path) -> Iterator[tuple[Path, int, str]]:
    """Copies of the records with one bad cell each: (file, its row number, the column)."""
    with RECORDS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    changes = [
        # a meeting naming the body declared for every neighbourhood, not one network
        (next(i for i, row in enumerate(rows) if row["kind"] == "event" and row["body"].endswith(".millbrook")),
         "body", "area-network"),
        # a local priority for a network the council does not have
        (next(i for i, row in enumerate(rows) if row["kind"] == "local-priority"), "body", "area-network.nowhere"),
        # an update of a local action dated in a month that does not exist
        (next(i for i, row in enumerate(rows) if row["kind"] == "action-update"), "date", "2025-13-01"),
    ]  # fmt: skip
    for number, (index, column, value) in enumerate(changes):
        copy = [dict(row) for row in rows]
        copy[index][column] = value
        path = tmp_path / f"broken-{number}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(copy)
        yield path, index + 2, column  # the header is row 1


def test_a_broken_copy_of_the_records_is_refused_whole(tmp_path: Path) -> None:
    env = clean_environment(tmp_path)
    env["ENGAGEKIT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'broken.db'}"
    env["ENGAGEKIT_DEFINITIONS"] = str(EXAMPLE)
    for path, row, column in broken_copies(tmp_path):
        result = engagekit_cli(["import", str(path), "--council", "ashworth"], env)
        assert result.returncode == 1, result.stdout + result.stderr
        output = (result.stdout + result.stderr).splitlines()
        problems = [line for line in output if line.startswith(f"{path}: row ")]
        assert len(problems) == 1, output
        assert problems[0].startswith(f"{path}: row {row}, {column}: "), problems[0]
        assert f"{path}: nothing imported: 1 problem in 100 rows." in output
        exported = engagekit_cli(["export", "--council", "ashworth", "--format", "json"], env)
        assert exported.returncode == 0, exported.stderr
        assert json.loads(exported.stdout)["records"] == [], "nothing was written"
    good = engagekit_cli(["import", str(RECORDS), "--council", "ashworth"], env)
    assert good.returncode == 0, good.stderr
    assert "added 100 records" in good.stdout
