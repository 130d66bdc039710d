"""``engagekit calendar``: due dates and recorded events as an RFC 5545 calendar that parses back."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import icalendar
import pytest
from icalendar.parser import Contentline, Contentlines

from engagekit.definition import load_definition_text
from engagekit.report.calendar import calendar_entries, to_ical

TINY = """\
id: tiny
name: {name}
programme:
  id: tiny-plan
  name: Tiny Plan
  period: {{start: 2021-04, end: 2024-12}}
  adopted: 2021-03-15
  qualifiers: {{adopted: {{certainty: expected, wording: "(TBC)"}}}}
  key_dates:
    - {{id: launch, label: Launch, date: 2021-04}}
    - {{id: consultation, label: Consultation, date: 2021-01-11, end: 2021-02-19}}
  action_plan:
    outcomes:
      - id: o1
        statement: Out
        actions:
          - {{id: A-1, text: "Open a hub", due: 2022-06-30, owner: The officer}}
  governance:
    update_interval_days: 90
    review_cycles:
      - {{id: annual-review, subject: the plan, every_months: 12, starts: 2021-03}}
    reports_due:
      - {{id: six-month-report, title: Six-month report, to: Cabinet, months_after_adoption: 6}}
areas:
  - {{id: north, name: North, kind: ward}}
  - {{id: south, name: South, kind: ward}}
bodies:
  - id: forums
    name: Forums
    kind: forum
    for_each: {{place: area, area_kind: ward}}
phases:
  - {{id: one, name: Phase one, order: 1, starts: 2021-09, certainty: proposed}}
"""


def tiny(name: str = "Tiny Council") -> str:
    return TINY.format(name=json.dumps(name))


def events(text: str) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return [event for event in calendar.walk("VEVENT") if isinstance(event, icalendar.Event)]


def kind(event: icalendar.Event) -> str:
    """The kind of thing an event is, which engagekit writes as its one category."""
    (category,) = event.categories
    return str(category)


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command's result, its output decoded as UTF-8 with every CRLF kept."""
    done = subprocess.run(
        [sys.executable, "-m", "engagekit", *args], capture_output=True, check=False, timeout=120, env=env
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(tiny(), encoding="utf-8")
    return path


@pytest.fixture
def store_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ENGAGEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
        "ENGAGEKIT_RECORDED_BY": "tester",
    }


# -- what is on it -----------------------------------------------------------------------------


def test_the_definitions_dates_each_become_an_event() -> None:
    council = load_definition_text(tiny())
    entries = calendar_entries(council, dt.date(2023, 6, 1))
    found = [(entry.kind, entry.item_id, entry.start, entry.end) for entry in entries]
    assert found == [
        ("key-date", "consultation", dt.date(2021, 1, 11), dt.date(2021, 2, 19)),
        ("key-date", "launch", dt.date(2021, 4, 1), dt.date(2021, 4, 1)),  # a month: its first day
        ("phase", "one", dt.date(2021, 9, 1), dt.date(2021, 9, 1)),
        ("report", "six-month-report", dt.date(2021, 9, 15), dt.date(2021, 9, 15)),  # 6 months after adoption
        # every review the cycle owes, to the first one after the programme's period ends
        ("review", "annual-review", dt.date(2022, 3, 31), dt.date(2022, 3, 31)),
        ("action", "A-1", dt.date(2022, 6, 30), dt.date(2022, 6, 30)),
        ("review", "annual-review", dt.date(2023, 3, 31), dt.date(2023, 3, 31)),
        ("review", "annual-review", dt.date(2024, 3, 31), dt.date(2024, 3, 31)),
        ("review", "annual-review", dt.date(2025, 3, 31), dt.date(2025, 3, 31)),
    ]


def test_the_review_the_rules_judge_carries_their_verdict() -> None:
    council = load_definition_text(tiny())
    reviews = [e for e in calendar_entries(council, dt.date(2023, 6, 1)) if e.kind == "review"]
    verdicts = [line for entry in reviews for line in entry.lines if line.startswith("As of")]
    assert verdicts == [
        "As of 1 June 2023: Overdue: due by March 2023; no review recorded. Next due by March 2024. "
        "2 of the 2 reviews due since March 2021 have no record."
    ]
    (judged,) = [entry for entry in reviews if any(line.startswith("As of") for line in entry.lines)]
    assert judged.start == dt.date(2023, 3, 31)
    assert reviews[0].summary == "Review due: The plan reviewed every year"
    assert (
        reviews[0].lines[0] == "Due by March 2022: the documents give only the month, so it is shown on its last day."
    )


def test_obligations_made_for_each_place_have_an_event_each() -> None:
    text = (
        tiny()
        .replace("adopted: 2021-03-15", "adopted: 2021-03")
        .replace("months_after_adoption: 6}", "months_after_adoption: 6, for_each: {area_kind: ward, place: area}}")
    )
    entries = [e for e in calendar_entries(load_definition_text(text), dt.date(2023, 6, 1)) if e.kind == "report"]
    after = "to Cabinet, 6 months after adoption on March 2021"
    assert [(e.item_id, e.start, e.summary) for e in entries] == [
        ("six-month-report.north", dt.date(2021, 9, 30), f"Report due: Six-month report: North {after}"),
        ("six-month-report.south", dt.date(2021, 9, 30), f"Report due: Six-month report: South {after}"),
    ]
    assert (
        entries[0].lines[0]
        == "Due by September 2021: the documents give only the month, so it is shown on its last day."
    )
    assert entries[0].uid("tiny") != entries[1].uid("tiny")


def test_a_date_the_documents_only_expect_is_tentative() -> None:
    text = to_ical(
        load_definition_text(tiny()),
        calendar_entries(load_definition_text(tiny()), dt.date(2023, 6, 1)),
        dt.date(2023, 6, 1),
    )
    by_summary = {str(event["SUMMARY"]): event for event in events(text)}
    report = by_summary["Report due: Six-month report to Cabinet, 6 months after adoption on 15 March 2021"]
    assert report["STATUS"] == "TENTATIVE"
    assert str(report["DESCRIPTION"]).startswith("Tentative: (TBC).\n")  # the adoption it counts from is TBC
    assert by_summary["Phase one starts"]["STATUS"] == "TENTATIVE"
    assert by_summary["Launch"]["STATUS"] == "CONFIRMED"


def test_an_action_update_recorded_makes_the_next_one_due(definition: Path, store_env: dict[str, str]) -> None:
    recorded = run(
        ["record", "action", "--definition", str(definition), "--action", "A-1", "--status", "in-progress",
         "--date", "2023-05-01"],
        store_env,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    result = run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01"], store_env)
    assert result.returncode == 0, result.stderr
    (update,) = [event for event in events(result.stdout) if str(event["SUMMARY"]).startswith("Update due:")]
    assert str(update["SUMMARY"]) == "Update due: A-1 Open a hub"
    assert update.start == dt.date(2023, 7, 30)  # 90 days after the update


def test_recorded_events_are_on_it_corrected_and_as_of(definition: Path, store_env: dict[str, str]) -> None:
    def record(*args: str) -> None:
        result = run(["record", *args, "--definition", str(definition)], store_env)
        assert result.returncode == 0, result.stderr

    record("event", "--kind", "meeting", "--body", "forums.north", "--public", "--date", "2023-03-04")
    record("event", "--kind", "consultation", "--title", "Budget", "--date", "2023-04-03", "--closes", "2023-05-01")
    record("event", "--kind", "event", "--title", "Later fair", "--date", "2023-09-01")
    before = events(run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01"], store_env).stdout)
    record("event", "--kind", "meeting", "--body", "forums.north", "--public", "--date", "2023-03-06",
           "--supersedes", "1", "--attendance", "14")  # fmt: skip
    result = run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01"], store_env)
    assert result.returncode == 0, result.stderr
    after = events(result.stdout)
    recorded = {str(e["SUMMARY"]): e for e in after if kind(e).startswith("recorded-")}
    assert sorted(recorded) == ["Budget", "Forums: North meeting"]  # the fair is after the as-of date
    meeting = recorded["Forums: North meeting"]
    assert meeting.start == dt.date(2023, 3, 6)
    assert "Attendance: 14." in str(meeting["DESCRIPTION"])
    assert recorded["Budget"].start == dt.date(2023, 4, 3)
    assert recorded["Budget"].end == dt.date(2023, 5, 2)  # DTEND is the day after an all-day event's last
    # the correction moved the same event: its UID is the one the first record had
    first = {str(e["SUMMARY"]): str(e["UID"]) for e in before}
    assert str(meeting["UID"]) == first["Forums: North meeting"]
    assert len(after) == len(before)


def test_the_bundled_councils_count(tmp_path: Path) -> None:
    result = run(["calendar", "--council", "basildon", "--as-of", "2026-12-02", "--no-records"])
    assert result.returncode == 0, result.stderr
    kinds = Counter(kind(event) for event in events(result.stdout))
    # 11 key dates, the strategy's and the impact assessment's review dates, the assessment's own
    # review date; the annual review of the action plan has no start, so no date to place.
    assert kinds == {"key-date": 11, "review-date": 2, "assessment-review": 1}
    thurrock = events(run(["calendar", "-c", "thurrock", "--as-of", "2026-12-02", "--no-records"]).stdout)
    reports = [event for event in thurrock if kind(event) == "report"]
    assert [(event.start, str(event["STATUS"])) for event in reports] == [(dt.date(2019, 12, 31), "TENTATIVE")] * 2


# -- that it is a good calendar ---------------------------------------------------------------


def test_the_file_is_valid_icalendar(definition: Path, store_env: dict[str, str]) -> None:
    run(["record", "event", "--definition", str(definition), "--kind", "event", "--date", "2023-01-01",
         "--title", "Ünïcödé fair, with; punctuation " + "and a long title " * 8], store_env)  # fmt: skip
    result = run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01"], store_env)
    assert result.returncode == 0, result.stderr
    raw = result.stdout.encode("utf-8")
    assert raw.endswith(b"\r\n")
    bare = raw.replace(b"\r\n", b"")
    assert b"\n" not in bare  # every line ends CRLF: no bare LF
    assert b"\r" not in bare  # and no bare CR
    lines = raw.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75  # octets, folded by RFC 5545's rule
    for line in Contentlines.from_ical(result.stdout):  # type: ignore[no-untyped-call]
        if line:
            Contentline(line, strict=True).parts()  # type: ignore[no-untyped-call]  # raises if not name;params:value
    assert all(
        line.startswith((b"DTSTART;VALUE=DATE:", b"DTEND;VALUE=DATE:"))
        for line in lines
        if line.startswith((b"DTSTART", b"DTEND"))
    )
    calendar = icalendar.Calendar.from_ical(raw)
    assert not calendar.errors
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//engagekit//engagekit calendar//EN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Tiny Council: engagement calendar"
    found = events(result.stdout)
    assert len(found) == 10
    for event in found:
        assert not event.errors
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert name in event, name
        assert type(event.start) is dt.date  # all-day: a DATE value, not a DATE-TIME
        assert event.end > event.start
    assert len({str(event["UID"]) for event in found}) == len(found)
    fair = next(e for e in found if str(e["SUMMARY"]).startswith("Ünïcödé fair"))
    assert str(fair["SUMMARY"]).startswith("Ünïcödé fair, with; punctuation and a long title")


def test_uids_and_the_whole_file_are_the_same_in_two_runs(definition: Path) -> None:
    first = run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01", "--no-records"])
    second = run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01", "--no-records"])
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    later = run(["calendar", "--definition", str(definition), "--as-of", "2023-07-01", "--no-records"])
    uids = {str(event["SUMMARY"]) + str(event.start): str(event["UID"]) for event in events(first.stdout)}
    moved_on = {str(event["SUMMARY"]) + str(event.start): str(event["UID"]) for event in events(later.stdout)}
    assert uids == moved_on  # a day later the same things have the same UIDs


def test_output_goes_where_the_path_says(definition: Path, tmp_path: Path) -> None:
    target = tmp_path / "tiny.ics"
    result = run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01", "--no-records",
                  "--output", str(target)])  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    dash = run(["calendar", "--definition", str(definition), "--as-of", "2023-06-01", "--no-records", "-o", "-"])
    assert target.read_bytes() == dash.stdout.encode("utf-8")
    bad = run(["calendar", "--definition", str(definition), "--as-of", "2023-02-30"])
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1


def test_terminal_escapes_in_a_definition_do_not_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(tiny("Tiny \x1b]0;owned\x07Council\x9b31m"), encoding="utf-8")
    result = run(["calendar", "--definition", str(path), "--as-of", "2023-06-01", "--no-records"])
    assert result.returncode == 0, result.stderr
    assert not any(ch == "\x1b" or ch == "\x07" or "\x80" <= ch <= "\x9f" for ch in result.stdout)
    assert "X-WR-CALNAME:Tiny Council: engagement calendar" in result.stdout
