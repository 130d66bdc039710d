"""The domain model's own invariants: partial dates, periods and the council's cross-references.

Councils here are built in Python, not loaded from YAML, so these tests pin down what
:mod:`engagekit.model.checks` reports (the exact path and message) independently of the loader.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from engagekit.model import (
    Action,
    ActionPlan,
    Area,
    AreaKind,
    Body,
    Cluster,
    Commitment,
    Council,
    CouncilInvalid,
    Document,
    Governance,
    Hub,
    HubStatus,
    Outcome,
    PartialDate,
    Partner,
    Period,
    Phase,
    Pillar,
    Programme,
    ReportDue,
    Source,
)
from engagekit.model.checks import Path

Found = list[tuple[Path, str]]


def build(**fields: Any) -> Council:
    """A council with id ``x``; ``programme`` defaults to a bare one, other fields as given."""
    fields.setdefault("programme", Programme(id="p", name="P"))
    return Council(id="x", name="X", **fields)


def problems(**fields: Any) -> Found:
    """The (path, message) pairs a council built from ``fields`` is refused with."""
    with pytest.raises(CouncilInvalid) as caught:
        build(**fields)
    return [(problem.path, problem.message) for problem in caught.value.problems]


def town(area_id: str, parent: str | None = None) -> Area:
    return Area(id=area_id, name=area_id.title(), kind=AreaKind.TOWN, parent=parent)


def date(text: str) -> PartialDate:
    return PartialDate.parse(text)


# --- PartialDate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "precision"),
    [
        ("2022", (2022, None, None), "year"),
        ("2022-03", (2022, 3, None), "month"),
        ("2022-03-31", (2022, 3, 31), "day"),
        ("2024-02-29", (2024, 2, 29), "day"),
        ("  2021-12 ", (2021, 12, None), "month"),
    ],
    ids=["year", "month", "day", "leap-day", "surrounding-space"],
)
def test_partial_date_parses_each_precision(
    text: str, parts: tuple[int, int | None, int | None], precision: str
) -> None:
    value = PartialDate.parse(text)
    assert (value.year, value.month, value.day) == parts
    assert value.precision == precision
    assert PartialDate.parse(value.iso()) == value
    assert str(value) == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2022-13", "'2022-13' is not a real date"),
        ("2022-00", "'2022-00' is not a real date"),
        ("2022-03-00", "'2022-03-00' is not a real date"),
        ("2022-02-30", "'2022-02-30' is not a real date"),
        ("2023-02-29", "'2023-02-29' is not a real date"),
        ("2022-04-31", "'2022-04-31' is not a real date"),
        ("March 2022", "'March 2022' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2022-3", "'2022-3' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        ("22", "'22' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2022/03/01", "'2022/03/01' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        ("31-03-2022", "'31-03-2022' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        ("", "'' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
    ids=[
        "month-13",
        "month-0",
        "day-0",
        "30-february",
        "29-february-not-leap",
        "31-april",
        "words",
        "one-digit-month",
        "two-digit-year",
        "slashes",
        "day-first",
        "empty",
    ],
)
def test_partial_date_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:  # noqa: PT011 - the exact message is asserted below
        PartialDate.parse(text)
    assert str(caught.value) == message


def test_partial_date_needs_a_month_for_a_day() -> None:
    with pytest.raises(ValueError, match=r"^a day needs a month$"):
        PartialDate(2022, None, 5)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2022", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
        ("2022-03", dt.date(2022, 3, 1), dt.date(2022, 3, 31)),
        ("2022-04", dt.date(2022, 4, 1), dt.date(2022, 4, 30)),
        ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2000-02", dt.date(2000, 2, 1), dt.date(2000, 2, 29)),
        ("1900-02", dt.date(1900, 2, 1), dt.date(1900, 2, 28)),
        ("2022-03-15", dt.date(2022, 3, 15), dt.date(2022, 3, 15)),
    ],
    ids=["year", "march", "april", "february", "leap-february", "leap-2000", "not-leap-1900", "day"],
)
def test_partial_date_earliest_and_latest(text: str, earliest: dt.date, latest: dt.date) -> None:
    value = PartialDate.parse(text)
    assert value.earliest == earliest
    assert value.latest == latest


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2022-01-31", 1, "2022-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2022-03-31", 1, "2022-04-30"),
        ("2022-03-31", -1, "2022-02-28"),
        ("2022-05-31", 12, "2023-05-31"),
        ("2022-01-15", 0, "2022-01-15"),
        ("2022-11", 3, "2023-02"),
        ("2022-03", -3, "2021-12"),
        ("2022-12", 1, "2023-01"),
        ("2022", 24, "2024"),
        ("2022", -12, "2021"),
    ],
    ids=[
        "31-jan-to-28-feb",
        "31-jan-to-29-feb-leap",
        "31-mar-to-30-apr",
        "backwards-clipped",
        "a-year",
        "zero",
        "month-over-year-end",
        "month-backwards",
        "december-to-january",
        "year-forwards",
        "year-backwards",
    ],
)
def test_partial_date_add_months(start: str, months: int, expected: str) -> None:
    result = PartialDate.parse(start).add_months(months)
    assert result == PartialDate.parse(expected)
    assert result.precision == PartialDate.parse(start).precision


def test_year_only_date_moves_by_whole_years_only() -> None:
    with pytest.raises(ValueError, match=r"^a year-only date can only move by whole years$"):
        PartialDate(2022).add_months(6)


@pytest.mark.parametrize(
    ("text", "human"),
    [
        ("2022", "2022"),
        ("2022-03", "March 2022"),
        ("2022-03-31", "31 March 2022"),
        ("2021-09-01", "1 September 2021"),
    ],
)
def test_partial_date_human(text: str, human: str) -> None:
    assert PartialDate.parse(text).human() == human


# --- Period -------------------------------------------------------------------------------


def test_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^the period ends \(2021\) before it starts \(2026\)$"):
        Period(start=date("2026"), end=date("2021"))
    with pytest.raises(ValueError, match=r"^the period ends \(2022-02-28\) before it starts \(2022-03\)$"):
        Period(start=date("2022-03"), end=date("2022-02-28"))


@pytest.mark.parametrize(
    ("start", "end"),
    [("2021", "2026"), ("2021", "2021"), ("2022-03", "2022"), ("2022", "2022-01-01"), (None, "2020"), ("2030", None)],
    ids=["years", "same-year", "month-inside-year", "day-inside-year", "open-start", "open-end"],
)
def test_period_that_may_overlap_is_accepted(start: str | None, end: str | None) -> None:
    period = Period(start=date(start) if start else None, end=date(end) if end else None)
    assert period.start == (date(start) if start else None)
    assert period.end == (date(end) if end else None)


def test_period_human() -> None:
    assert Period(date("2021"), date("2026")).human() == "2021 – 2026"
    assert Period(date("2021-03"), None).human() == "March 2021 – not known"


# --- a valid council -------------------------------------------------------------------------


def test_minimal_council_builds() -> None:
    council = build()
    assert council.id == "x"
    assert council.programme.id == "p"
    assert list(council.programmes()) == [council.programme]
    assert list(council.programme.action_plan.all_actions()) == []


def test_council_with_every_reference_resolved_builds() -> None:
    source = Source(document="doc", section="1")
    council = build(
        documents=[Document(id="doc", title="Doc")],
        areas=[Area(id="borough", name="B", kind=AreaKind.BOROUGH, source=source), town("t1", "borough")],
        phases=[Phase(id="one", name="One", order=1, clusters=["c1"], starts=date("2022"))],
        clusters=[Cluster(id="c1", name="C1", areas=["t1"], phase="one")],
        partners=[Partner(id="police", name="Police")],
        bodies=[Body(id="forum", name="Forum", kind="forum", members=["police"], led_by="police")],
        hubs=[Hub(id="h", name="H", status=HubStatus.PILOT, areas=["t1"], cluster="c1", steering_group="forum")],
        programme=Programme(
            id="p",
            name="P",
            adopted=date("2021-03"),
            documents=["doc"],
            commitments=[Commitment(id="listen", name="Listen")],
            action_plan=ActionPlan(
                pillars=[Pillar(id="pi", name="Pi", outcomes=[Outcome(id="o", statement="S", serves=["listen"])])]
            ),
            governance=Governance(reports_due=[ReportDue(id="r", title="R", months_after_adoption=6)]),
        ),
    )
    assert council.area("t1").parent == "borough"
    assert council.document("doc").title == "Doc"


# --- duplicate ids ---------------------------------------------------------------------------


def test_duplicate_area_ids() -> None:
    assert problems(areas=[town("a"), town("b"), town("a")]) == [(("areas", 2, "id"), "duplicate area id 'a'")]


def test_duplicate_action_ids_across_outcomes_and_pillars() -> None:
    plan = ActionPlan(
        pillars=[
            Pillar(
                id="one", name="One", outcomes=[Outcome(id="o1", statement="S", actions=[Action(id="A-1", text="t")])]
            ),
            Pillar(
                id="two", name="Two", outcomes=[Outcome(id="o2", statement="S", actions=[Action(id="A-2", text="t")])]
            ),
        ],
        outcomes=[Outcome(id="loose", statement="S", actions=[Action(id="A-3", text="t"), Action(id="A-1", text="t")])],
    )
    assert problems(programme=Programme(id="p", name="P", action_plan=plan)) == [
        (("programme", "action_plan", "outcomes", 0, "actions", 1, "id"), "duplicate action id 'A-1'"),
    ]


def test_duplicate_outcome_ids_across_pillars() -> None:
    plan = ActionPlan(
        pillars=[
            Pillar(id="one", name="One", outcomes=[Outcome(id="o", statement="S")]),
            Pillar(id="two", name="Two", outcomes=[Outcome(id="o", statement="S")]),
        ]
    )
    assert problems(programme=Programme(id="p", name="P", action_plan=plan)) == [
        (("programme", "action_plan", "pillars", 1, "outcomes", 0, "id"), "duplicate outcome id 'o'"),
    ]


def test_duplicate_commitment_ids() -> None:
    programme = Programme(id="p", name="P", commitments=[Commitment(id="c", name="C"), Commitment(id="c", name="D")])
    assert problems(programme=programme) == [(("programme", "commitments", 1, "id"), "duplicate commitment id 'c'")]


# --- references that do not resolve ------------------------------------------------------------


def test_action_serving_unknown_commitment() -> None:
    plan = ActionPlan(outcomes=[Outcome(id="o", statement="S", actions=[Action(id="A", text="t", serves=["c", "x"])])])
    programme = Programme(
        id="p", name="P", commitments=[Commitment(id="c", name="C"), Commitment(id="b", name="B")], action_plan=plan
    )
    assert problems(programme=programme) == [
        (
            ("programme", "action_plan", "outcomes", 0, "actions", 0, "serves", 1),
            "no commitment has id 'x' (known: b, c)",
        ),
    ]


def test_cluster_in_unknown_phase() -> None:
    assert problems(
        phases=[Phase(id="one", name="One", order=1)], clusters=[Cluster(id="c", name="C", phase="two")]
    ) == [(("clusters", 0, "phase"), "no phase has id 'two' (known: one)")]


def test_hub_in_unknown_area() -> None:
    hub = Hub(id="h", name="H", status=HubStatus.PROPOSED, areas=["a", "z"])
    assert problems(areas=[town("a")], hubs=[hub]) == [(("hubs", 0, "areas", 1), "no area has id 'z' (known: a)")]


def test_area_with_unknown_parent() -> None:
    assert problems(areas=[town("a"), town("b", parent="c")]) == [
        (("areas", 1, "parent"), "no area has id 'c' (known: a, b)"),
    ]


def test_source_naming_unknown_document() -> None:
    assert problems(
        documents=[Document(id="d", title="D")], areas=[Area("a", "A", AreaKind.TOWN, source=Source("e", "s"))]
    ) == [
        (("areas", 0, "source", "document"), "no document has id 'e' (known: d)"),
    ]


def test_source_with_no_documents_defined() -> None:
    assert problems(source=Source(document="e", section="s")) == [
        (("source", "document"), "no document has id 'e' (known: none are defined)"),
    ]


def test_body_with_unknown_member() -> None:
    body = Body(id="b", name="B", kind="forum", members=["fire", "police"])
    assert problems(partners=[Partner(id="fire", name="Fire")], bodies=[body]) == [
        (("bodies", 0, "members", 1), "no partner has id 'police' (known: fire)"),
    ]


# --- places in order --------------------------------------------------------------------------


def test_area_that_is_its_own_parent() -> None:
    assert problems(areas=[town("a", parent="a")]) == [(("areas", 0, "parent"), "area 'a' cannot be its own parent")]


def test_area_parent_cycle() -> None:
    # a → b → c → a is a cycle; d hangs off it without being part of it.
    areas = [town("a", "b"), town("b", "c"), town("c", "a"), town("d", "a")]
    assert problems(areas=areas) == [
        (("areas", 0, "parent"), "area 'a' is inside itself through its parents"),
        (("areas", 1, "parent"), "area 'b' is inside itself through its parents"),
        (("areas", 2, "parent"), "area 'c' is inside itself through its parents"),
    ]


def test_phases_with_the_same_order() -> None:
    phases = [Phase(id="one", name="One", order=1), Phase(id="two", name="Two", order=2), Phase("dup", "Dup", 1)]
    assert problems(phases=phases) == [(("phases", 2, "order"), "phase 'dup' has the same order as 'one'")]


def test_phase_starting_before_the_earlier_phase() -> None:
    phases = [Phase("one", "One", 1, starts=date("2023")), Phase("two", "Two", 2, starts=date("2022-06"))]
    assert problems(phases=phases) == [
        (("phases", 1, "starts"), "phase 'two' starts (2022-06) before the earlier phase 'one' (2023)"),
    ]


def test_phase_start_order_follows_order_not_list_position() -> None:
    # Listed later-phase first: the path names the list position of the offending phase.
    phases = [Phase("two", "Two", 2, starts=date("2021")), Phase("one", "One", 1, starts=date("2022"))]
    assert problems(phases=phases) == [
        (("phases", 0, "starts"), "phase 'two' starts (2021) before the earlier phase 'one' (2022)"),
    ]
    # The same dates with the orders swapped are fine.
    build(phases=[Phase("two", "Two", 2, starts=date("2022")), Phase("one", "One", 1, starts=date("2021"))])


def test_phases_whose_dates_may_overlap_are_accepted() -> None:
    build(phases=[Phase("one", "One", 1, starts=date("2022-06")), Phase("two", "Two", 2, starts=date("2022"))])


def test_phase_out_of_order_is_found_across_a_phase_without_a_start() -> None:
    # Phase 3 starts before phase 1; phase 2's start is not known, which must not hide that.
    phases = [
        Phase("one", "One", 1, starts=date("2023")),
        Phase("two", "Two", 2),
        Phase("three", "Three", 3, starts=date("2022-06")),
    ]
    assert problems(phases=phases) == [
        (("phases", 2, "starts"), "phase 'three' starts (2022-06) before the earlier phase 'one' (2023)"),
    ]


# --- governance -------------------------------------------------------------------------------


def test_report_due_after_adoption_needs_an_adopted_date() -> None:
    governance = Governance(
        reports_due=[
            ReportDue(id="fixed", title="F", due=date("2022")),
            ReportDue(id="after", title="A", months_after_adoption=6),
        ]
    )
    assert problems(programme=Programme(id="p", name="P", governance=governance)) == [
        (
            ("programme", "governance", "reports_due", 1, "months_after_adoption"),
            "a report due after adoption needs the programme's 'adopted' date",
        ),
    ]
    build(programme=Programme(id="p", name="P", governance=governance, adopted=date("2021-03")))


def test_report_due_takes_at_most_one_timing() -> None:
    message = r"^give at most one of 'due', 'months_after_adoption' and 'months_after'$"
    with pytest.raises(ValueError, match=message):
        ReportDue(id="r", title="R", due=date("2022"), months_after_adoption=3)
    with pytest.raises(ValueError, match=message):
        ReportDue(id="r", title="R", due=date("2022"), months_after=3, after=date("2021-05-08"))
    with pytest.raises(ValueError, match=r"^'months_after' and 'after' go together"):
        ReportDue(id="r", title="R", months_after=3)
    # A report the documents give no date for is allowed: it is shown and never judged.
    assert not ReportDue(id="r", title="R").timed
    assert ReportDue(id="r", title="R", months_after=6, after=date("2013-05-08")).timed


# --- several problems -------------------------------------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(CouncilInvalid) as caught:
        build(areas=[town("a"), town("a", parent="z")], clusters=[Cluster(id="c", name="C", phase="p1")])
    assert isinstance(caught.value, ValueError)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (("areas", 1, "id"), "duplicate area id 'a'"),
        (("areas", 1, "parent"), "no area has id 'z' (known: a)"),
        (("clusters", 0, "phase"), "no phase has id 'p1' (known: none are defined)"),
    ]
    assert str(caught.value) == (
        "areas[1].id: duplicate area id 'a'; "
        "areas[1].parent: no area has id 'z' (known: a); "
        "clusters[0].phase: no phase has id 'p1' (known: none are defined)"
    )


# --- the action plan --------------------------------------------------------------------------


def test_all_actions_in_plan_order_with_pillar_and_outcome() -> None:
    plan = ActionPlan(
        pillars=[
            Pillar(
                id="people",
                name="People",
                outcomes=[
                    Outcome(id="o1", statement="S1", actions=[Action("P-1", "a"), Action("P-2", "b")]),
                    Outcome(id="o2", statement="S2"),
                    Outcome(id="o3", statement="S3", actions=[Action("P-3", "c")]),
                ],
            ),
            Pillar(id="empty", name="Empty"),
            Pillar(id="place", name="Place", outcomes=[Outcome(id="o4", statement="S4", actions=[Action("Q-1", "d")])]),
        ],
        outcomes=[Outcome(id="loose", statement="S5", actions=[Action("L-1", "e")])],
    )
    council = build(programme=Programme(id="p", name="P", action_plan=plan))
    planned = list(council.programme.action_plan.all_actions())
    assert [(pa.action.id, pa.outcome.id, pa.pillar.id if pa.pillar else None) for pa in planned] == [
        ("P-1", "o1", "people"),
        ("P-2", "o1", "people"),
        ("P-3", "o3", "people"),
        ("Q-1", "o4", "place"),
        ("L-1", "loose", None),
    ]
    assert planned[0].pillar is plan.pillars[0]
    assert planned[3].outcome is plan.pillars[2].outcomes[0]
    assert [(o.id, p.id if p else None) for o, p in plan.all_outcomes()] == [
        ("o1", "people"),
        ("o2", "people"),
        ("o3", "people"),
        ("o4", "place"),
        ("loose", None),
    ]
