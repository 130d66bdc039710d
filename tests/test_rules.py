"""Reporting rules at chosen dates, on the real bundled councils, with and without evidence.

Rules a bundled council once made but its documents do not (an annual review counted from a
guessed month, a hub in every town, one quota for all of Thurrock's forums, B&NES's phase order)
are kept on small councils written here with the same data, so their logic stays tested.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.fakes import FakeEvidence

from engagekit.definition import load_definition_text
from engagekit.model import Council
from engagekit.plugins import PluginHost
from engagekit.report import council_report
from engagekit.rules import Evidence, EvidenceItem, Finding, NoEvidence, Rule, RuleContext, Status, evaluate
from engagekit.rules.context import RecordedInstance
from engagekit.rules.obligations import DUE_SOON_DAYS

D = dt.date


def review(day: dt.date, summary: str = "Review approved") -> EvidenceItem:
    return EvidenceItem(day, "review", summary)


def meeting(day: dt.date, kind: str = "public") -> EvidenceItem:
    return EvidenceItem(day, kind, f"{kind} meeting")


def started(day: dt.date) -> EvidenceItem:
    return EvidenceItem(day, "engagement", "first engagement in the cluster")


def findings_for(
    council: Council, as_of: dt.date, host: PluginHost | None = None, evidence: Evidence | None = None
) -> list[Finding]:
    extra = host.rules(council) if host else []
    return evaluate(council, as_of, evidence=evidence, extra_rules=extra)


def finding(
    council: Council,
    as_of: dt.date,
    rule_id: str,
    *,
    host: PluginHost | None = None,
    evidence: Evidence | None = None,
) -> Finding:
    matches = [f for f in findings_for(council, as_of, host, evidence) if f.rule_id == rule_id]
    assert len(matches) == 1, f"expected one finding for {rule_id!r}, got {matches}"
    return matches[0]


@pytest.fixture
def basildon(bundled_councils: dict[str, Council]) -> Council:
    return bundled_councils["basildon"]


@pytest.fixture
def thurrock(bundled_councils: dict[str, Council]) -> Council:
    return bundled_councils["thurrock"]


@pytest.fixture
def bathnes(bundled_councils: dict[str, Council]) -> Council:
    return bundled_councils["bathnes"]


def test_fake_evidence_implements_the_protocol(bathnes: Council) -> None:
    evidence: Evidence = FakeEvidence(recorded_reviews={"x": [review(D(2020, 1, 1)), review(D(2020, 2, 1))]})
    assert evidence.reviews("x", D(2020, 1, 15)) == [review(D(2020, 1, 1))]
    assert RuleContext(council=bathnes, as_of=D(2020, 1, 1), evidence=evidence).has_evidence
    assert not RuleContext(council=bathnes, as_of=D(2020, 1, 1)).has_evidence


def test_the_rules_each_council_has(host: PluginHost, bundled_councils: dict[str, Council]) -> None:
    ids = {
        council_id: [f.rule_id for f in findings_for(council, D(2022, 1, 1), host)]
        for council_id, council in bundled_councils.items()
    }
    assert ids == {
        "basildon": [
            "action-plan-annual-review",
            "strategy-review",
            "sia-review",
            "indicators-on-target",  # one finding per indicator: no reading recorded yet
            "indicators-on-target",
            "indicators-on-target",
        ],
        "bathnes": ["progress-report-to-cabinet", "toolkit-kept-up-to-date"],
        "thurrock": [
            "strategy-four-yearly-review",
            "draft-strategy-to-committee",
            "draft-strategy-to-cabinet",
            "community-forums-meeting-quota",  # none registered yet: one finding saying so
        ],
    }


def test_host_councils_are_the_package_definitions(host: PluginHost, bundled_councils: dict[str, Council]) -> None:
    for council_id, council in bundled_councils.items():
        assert host.council(council_id) == council


# -- B&NES: the progress report to Cabinet, six months after the meeting of 8 May 2013 --------


def test_bathnes_progress_report_not_yet_due(bathnes: Council) -> None:
    result = finding(bathnes, D(2013, 6, 1), "progress-report-to-cabinet")
    assert result.status is Status.GREY
    assert result.message == "Not yet due: due by 8 November 2013; no report recorded yet."
    assert result.due == D(2013, 11, 8)
    assert result.rule_title == (
        "Further report updating on progress in implementing Connecting Communities to Cabinet, "
        "6 months after the meeting of 8 May 2013"
    )
    assert result.source is not None
    assert result.source.section == "2 Recommendation, 2.5"


def test_bathnes_progress_report_due_soon(bathnes: Council) -> None:
    result = finding(bathnes, D(2013, 10, 1), "progress-report-to-cabinet")
    assert result.status is Status.AMBER
    assert result.message == "Due soon: due by 8 November 2013 (in 38 days); no report recorded yet."


def test_bathnes_progress_report_overdue(bathnes: Council) -> None:
    result = finding(bathnes, D(2013, 11, 9), "progress-report-to-cabinet")
    assert result.status is Status.RED
    assert "due by 8 November 2013" in result.message
    assert result.message.startswith("Overdue:")


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (D(2013, 11, 8) - dt.timedelta(days=DUE_SOON_DAYS + 1), Status.GREY),
        (D(2013, 11, 8) - dt.timedelta(days=DUE_SOON_DAYS), Status.AMBER),
        (D(2013, 11, 8), Status.AMBER),
        (D(2013, 11, 9), Status.RED),
        (D(2026, 11, 22), Status.RED),
    ],
)
def test_bathnes_progress_report_boundaries(bathnes: Council, as_of: dt.date, status: Status) -> None:
    assert DUE_SOON_DAYS == 60
    assert finding(bathnes, as_of, "progress-report-to-cabinet").status is status


def test_bathnes_progress_report_done_on_time_and_late(bathnes: Council) -> None:
    on_time = FakeEvidence(recorded_reviews={"progress-report-to-cabinet": [review(D(2013, 11, 6), "Report")]})
    result = finding(bathnes, D(2013, 12, 1), "progress-report-to-cabinet", evidence=on_time)
    assert result.status is Status.GREEN
    assert result.message == "Done: report recorded on 6 November 2013, due by 8 November 2013."
    assert result.evidence == on_time.recorded_reviews["progress-report-to-cabinet"]

    late = FakeEvidence(recorded_reviews={"progress-report-to-cabinet": [review(D(2014, 1, 15), "Report")]})
    result = finding(bathnes, D(2014, 2, 1), "progress-report-to-cabinet", evidence=late)
    assert result.status is Status.AMBER
    assert result.message.startswith("Done late: report recorded on 15 January 2014")
    # Before the late report was recorded, the same evidence store still says overdue.
    assert finding(bathnes, D(2014, 1, 1), "progress-report-to-cabinet", evidence=late).status is Status.RED


def test_bathnes_toolkit_python_rule_from_the_plugin(host: PluginHost, bathnes: Council) -> None:
    rules = host.rules(bathnes)
    assert [(rule.id, rule.origin) for rule in rules] == [("toolkit-kept-up-to-date", "bathnes")]
    result = finding(bathnes, D(2014, 1, 1), "toolkit-kept-up-to-date", host=host)
    assert result.status is Status.GREY
    assert result.message == "No update of the Toolkit recorded yet. The report sets no interval for updates."
    assert result.source is not None
    assert result.source.section == "2 Recommendation, 2.4"
    # Without the host, only the definition's rules run.
    assert "toolkit-kept-up-to-date" not in [f.rule_id for f in findings_for(bathnes, D(2014, 1, 1))]


def test_bathnes_toolkit_green_with_an_update_since_adoption(host: PluginHost, bathnes: Council) -> None:
    evidence = FakeEvidence(
        recorded_reviews={
            "toolkit-kept-updated": [review(D(2013, 1, 1), "Before adoption"), review(D(2014, 1, 10), "Update")]
        }
    )
    result = finding(bathnes, D(2014, 3, 1), "toolkit-kept-up-to-date", host=host, evidence=evidence)
    assert result.status is Status.GREEN
    assert result.message.startswith("Last updated 10 January 2014 (1 update recorded).")
    before_adoption_only = finding(bathnes, D(2013, 4, 1), "toolkit-kept-up-to-date", host=host, evidence=evidence)
    assert before_adoption_only.status is Status.GREY


# -- Basildon: strategy review, SIA review, annual action plan review ---------------------


def test_basildon_strategy_review_red_after_march_2022(basildon: Council) -> None:
    result = finding(basildon, D(2022, 4, 1), "strategy-review")
    assert result.status is Status.RED
    assert result.message == "Overdue: due by March 2022; no review recorded."
    assert result.due == D(2022, 3, 31)
    assert result.rule_title == "The Connected Communities Strategy reviewed by March 2022"


def test_basildon_strategy_review_not_red_on_the_last_day_of_march(basildon: Council) -> None:
    result = finding(basildon, D(2022, 3, 31), "strategy-review")
    assert result.status is not Status.RED
    assert result.status is Status.AMBER
    assert result.message == "Due soon: due by March 2022 (in 0 days); no review recorded yet."


def test_basildon_sia_review(basildon: Council) -> None:
    assert finding(basildon, D(2021, 11, 1), "sia-review").status is Status.GREY
    due_soon = finding(basildon, D(2022, 2, 1), "sia-review")
    assert due_soon.status is Status.AMBER
    assert due_soon.message == "Due soon: due by February 2022 (in 27 days); no review recorded yet."
    assert finding(basildon, D(2022, 2, 28), "sia-review").status is Status.AMBER
    overdue = finding(basildon, D(2022, 3, 1), "sia-review")
    assert overdue.status is Status.RED
    assert overdue.message == "Overdue: due by February 2022; no review recorded."
    assert overdue.rule_title == "The Service Impact Assessment reviewed by February 2022"


def test_basildon_annual_action_plan_review_is_not_yet_placed(basildon: Council) -> None:
    # "The strategy action plan will undergo an annual review": the documents do not say when the
    # cycle counts from, so no review falls due at any date, with or without a review recorded.
    recorded = FakeEvidence(recorded_reviews={"action-plan-annual-review": [review(D(2022, 3, 15))]})
    for as_of in (D(2021, 6, 1), D(2022, 4, 1), D(2026, 11, 22)):
        for evidence in (None, recorded):
            result = finding(basildon, as_of, "action-plan-annual-review", evidence=evidence)
            assert result.status is Status.GREY, as_of
            assert result.message == (
                "Not yet placed: reviewed every year, but the date the cycle counts from is not known, "
                "so no review can be placed yet."
            )
            assert result.due is None
            assert result.rule_title == "The strategy action plan reviewed every year"


def test_basildon_has_no_hub_coverage_rule(basildon: Council) -> None:
    # The strategy plans "a series of pilots to establish five community hubs across the five
    # towns"; it does not require a hub in every town, so no coverage rule is made.
    assert basildon.programme.rules == []
    assert "hub-coverage" not in [f.rule_id for f in findings_for(basildon, D(2026, 11, 22))]


def test_strategy_review_evidence_in_window_is_green(basildon: Council) -> None:
    evidence = FakeEvidence(recorded_reviews={"strategy-review": [review(D(2022, 3, 10))]})
    result = finding(basildon, D(2022, 5, 1), "strategy-review", evidence=evidence)
    assert result.status is Status.GREEN
    assert result.message == "Done: review recorded on 10 March 2022, due by March 2022."
    assert result.evidence == [review(D(2022, 3, 10))]


def test_strategy_review_evidence_recorded_late_is_amber(basildon: Council) -> None:
    evidence = FakeEvidence(recorded_reviews={"strategy-review": [review(D(2022, 4, 20))]})
    result = finding(basildon, D(2022, 5, 1), "strategy-review", evidence=evidence)
    assert result.status is Status.AMBER
    assert result.message == "Done late: review recorded on 20 April 2022, due by March 2022."


def test_evidence_for_another_obligation_does_not_count(basildon: Council) -> None:
    evidence = FakeEvidence(recorded_reviews={"sia-review": [review(D(2022, 2, 10))]})
    assert finding(basildon, D(2022, 5, 1), "strategy-review", evidence=evidence).status is Status.RED
    assert finding(basildon, D(2022, 5, 1), "sia-review", evidence=evidence).status is Status.GREEN


# -- Thurrock: forum quota, four-yearly review, draft strategy --------------------------


# The report does not name the forums, so officers register each one in the records store and
# each is judged on its own meetings, recorded under community-forums.<local id>.
EAST_FORUM = RecordedInstance("community-forums.east", "east", "East Forum", D(2015, 1, 1), ref="instance #1")
WEST_FORUM = RecordedInstance("community-forums.west", "west", "West Forum", D(2015, 1, 1), ref="instance #2")
FORUM_QUOTA = "community-forums-meeting-quota"


def a_forum_year(public: int = 4, agm: bool = True, year: int = 2021) -> list[EvidenceItem]:
    held = [meeting(D(year, 1 + 2 * n, 10)) for n in range(public)]
    if agm:
        held.append(meeting(D(year, 6, 1), "agm"))
    return held


def forum_quota(council: Council, as_of: dt.date, evidence: Evidence) -> dict[str | None, Finding]:
    return {f.subject_id: f for f in findings_for(council, as_of, evidence=evidence) if f.rule_id == FORUM_QUOTA}


def test_thurrock_forum_quota_with_no_forum_registered_says_none_is_known(thurrock: Council) -> None:
    # Meetings recorded for the forums as a whole belong to no forum, so they change nothing.
    as_a_whole = FakeEvidence(recorded_meetings={"community-forums": a_forum_year()})
    for evidence in (None, FakeEvidence(), as_a_whole):
        result = finding(thurrock, D(2022, 3, 31), FORUM_QUOTA, evidence=evidence)
        assert result.status is Status.GREY
        assert result.message == (
            "None known yet: which Community Forums exist comes from the records store (an officer registers "
            "each one with 'engagekit record instance'), not from the documents, and none is registered."
        )
        assert result.subject_id == "community-forums"
        assert result.due is None
        assert result.evidence == []


def test_thurrock_one_forum_meeting_its_quota_turns_only_that_forum_green(thurrock: Council) -> None:
    registered = FakeEvidence(registered={"community-forums": [EAST_FORUM, WEST_FORUM]})
    before = forum_quota(thurrock, D(2022, 3, 31), registered)
    assert list(before) == ["community-forums.east", "community-forums.west"]
    assert {f.status for f in before.values()} == {Status.GREY}

    evidence = FakeEvidence(
        registered={"community-forums": [EAST_FORUM, WEST_FORUM]},
        recorded_meetings={"community-forums.east": a_forum_year()},
    )
    quota = forum_quota(thurrock, D(2022, 3, 31), evidence)
    east, west = quota["community-forums.east"], quota["community-forums.west"]
    assert east.status is Status.GREEN
    assert east.message == "Met for 2021: 4 public meetings and 1 AGM."
    assert east.subject == "East Forum"
    assert east.due == D(2021, 12, 31)
    assert east.evidence == sorted(a_forum_year(), key=lambda item: item.date)
    assert west == before["community-forums.west"]
    assert west.status is Status.GREY
    assert west.message == (
        "No meetings recorded for 2021; the commitment is at least 4 public meetings and an AGM a year."
    )


def test_thurrock_forum_quota_judges_no_year_before_2020(thurrock: Council) -> None:
    # The report is dated 3 September 2019; 2020 is the first calendar year wholly after it.
    evidence = FakeEvidence(
        registered={"community-forums": [EAST_FORUM]},
        recorded_meetings={"community-forums.east": a_forum_year(year=2019) + a_forum_year(year=2020)},
    )
    too_early = forum_quota(thurrock, D(2020, 3, 31), evidence)["community-forums.east"]
    assert too_early.status is Status.GREY
    assert too_early.message.startswith(
        "Not yet judged: the first year judged is 2020 (the year the commitment applies from"
    )
    assert too_early.evidence == []
    judged = forum_quota(thurrock, D(2021, 3, 31), evidence)["community-forums.east"]
    assert judged.status is Status.GREEN
    assert judged.message == "Met for 2020: 4 public meetings and 1 AGM."


def test_thurrock_four_yearly_review_not_yet_placed(thurrock: Council) -> None:
    for as_of in (D(2019, 9, 3), D(2026, 11, 22)):
        result = finding(thurrock, as_of, "strategy-four-yearly-review")
        assert result.status is Status.GREY
        assert result.message.startswith("Not yet placed: reviewed every 4 years")
        assert result.due is None


def test_thurrock_draft_strategy_to_cabinet(thurrock: Council) -> None:
    assert finding(thurrock, D(2019, 9, 3), "draft-strategy-to-cabinet").status is Status.GREY
    assert finding(thurrock, D(2019, 12, 31), "draft-strategy-to-cabinet").status is Status.AMBER
    for as_of in (D(2020, 1, 1), D(2020, 6, 30), D(2020, 12, 31)):
        result = finding(thurrock, as_of, "draft-strategy-to-cabinet")
        assert result.status is Status.RED
        assert result.message == "Overdue: due by 2019; no report recorded."
    assert finding(thurrock, D(2020, 1, 1), "draft-strategy-to-committee").status is Status.RED


# -- rules the bundled councils no longer make, kept on small councils of the same shape ------


FIVE_TOWNS = """\
id: five-towns
name: "Five Towns Borough Council"
areas:
  - {id: borough, name: "Five Towns Borough", kind: borough}
  - {id: basildon-town, name: "Basildon", kind: town, parent: borough}
  - {id: billericay, name: "Billericay", kind: town, parent: borough}
  - {id: wickford, name: "Wickford", kind: town, parent: borough}
  - {id: laindon, name: "Laindon", kind: town, parent: borough}
  - {id: pitsea, name: "Pitsea", kind: town, parent: borough}
hubs:
  - id: community-hubs
    name: "Community hubs"
    status: proposed
    count: 5
    areas: [basildon-town, billericay, wickford, laindon, pitsea]
programme:
  id: strategy
  name: "A five-year strategy"
  governance:
    review_cycles:
      - {id: action-plan-annual-review, subject: "the strategy action plan", every_months: 12, starts: 2021-03}
  rules:
    - {kind: coverage, id: hub-coverage, title: "Every town has a community hub", area_kind: town, target: hub}
"""
"""An annual review counted from March 2021 and a hub wanted in every town, by no date: Basildon as first defined."""


@pytest.fixture(scope="module")
def five_towns() -> Council:
    return load_definition_text(FIVE_TOWNS, "five-towns.yaml")


@pytest.mark.parametrize(
    ("as_of", "status", "message"),
    [
        (D(2021, 6, 1), Status.GREY, "Not yet due: due by March 2022; no review recorded yet."),
        (D(2022, 1, 29), Status.GREY, "Not yet due: due by March 2022; no review recorded yet."),
        (D(2022, 1, 30), Status.AMBER, "Due soon: due by March 2022 (in 60 days); no review recorded yet."),
        (D(2022, 3, 15), Status.AMBER, "Due soon: due by March 2022 (in 16 days); no review recorded yet."),
        (D(2022, 4, 1), Status.RED, "Overdue: due by March 2022; no review recorded. Next due by March 2023."),
        (D(2022, 4, 30), Status.RED, "Overdue: due by March 2022; no review recorded. Next due by March 2023."),
    ],
)
def test_annual_review_from_march_2021(five_towns: Council, as_of: dt.date, status: Status, message: str) -> None:
    result = finding(five_towns, as_of, "action-plan-annual-review")
    assert (result.status, result.message) == (status, message)
    assert result.rule_title == "The strategy action plan reviewed every year"


def test_annual_review_counts_missing_years(five_towns: Council) -> None:
    result = finding(five_towns, D(2026, 11, 22), "action-plan-annual-review")
    assert result.status is Status.RED
    assert result.message == (
        "Overdue: due by March 2026; no review recorded. Next due by March 2027. "
        "5 of the 5 reviews due since March 2021 have no record."
    )


def test_annual_review_with_evidence(five_towns: Council) -> None:
    evidence = FakeEvidence(recorded_reviews={"action-plan-annual-review": [review(D(2022, 3, 15))]})
    on_time = finding(five_towns, D(2022, 4, 15), "action-plan-annual-review", evidence=evidence)
    assert on_time.status is Status.GREEN
    assert on_time.message == "Done: review recorded on 15 March 2022, due by March 2022. Next due by March 2023."
    assert on_time.evidence == [review(D(2022, 3, 15))]

    # A year on, the 2022 review does not count for 2023.
    next_year = finding(five_towns, D(2023, 4, 15), "action-plan-annual-review", evidence=evidence)
    assert next_year.status is Status.RED
    assert next_year.message.endswith("1 of the 2 reviews due since March 2021 have no record.")


def test_hub_coverage_grey_with_no_hub_open(five_towns: Council) -> None:
    for as_of in (D(2021, 6, 1), D(2022, 3, 31), D(2026, 11, 22)):
        result = finding(five_towns, as_of, "hub-coverage")
        assert result.status is Status.GREY, as_of
        assert "0 of 5 towns" in result.message
        assert "Without one: Basildon, Billericay, Wickford, Laindon, Pitsea." in result.message
        assert result.subject == "Towns of Five Towns Borough Council"


def test_hub_coverage_without_a_deadline_never_turns_red(five_towns: Council) -> None:
    # The rule gives no date by which every town has a hub, so the finding has none.
    result = finding(five_towns, D(2030, 1, 1), "hub-coverage")
    assert result.due is None
    assert result.status is Status.GREY
    assert "Due by" not in result.message


def test_a_hubs_entry_for_five_hubs_is_not_credited_to_any_town(five_towns: Council) -> None:
    evidence = FakeEvidence(opened_hubs={"community-hubs": EvidenceItem(D(2023, 1, 1), "hub", "Hubs opened")})
    result = finding(five_towns, D(2023, 5, 1), "hub-coverage", evidence=evidence)
    assert result.status is Status.GREY
    assert "0 of 5 towns" in result.message
    assert result.evidence == [evidence.opened_hubs["community-hubs"]]


FORUM_TOWN = """\
id: forum-town
name: "Forum Town Council"
bodies:
  - id: community-forums
    name: Community Forums
    kind: community forum
    quota: {public_meetings: 4, agm: true}
programme:
  id: approach
  name: "An approach to engagement"
"""
"""One body entry standing for all the forums, judged every year: Thurrock's forums as first defined."""


@pytest.fixture(scope="module")
def forum_town() -> Council:
    return load_definition_text(FORUM_TOWN, "forum-town.yaml")


def test_forum_quota_grey_without_meetings(forum_town: Council) -> None:
    result = finding(forum_town, D(2022, 3, 31), FORUM_QUOTA)
    assert result.status is Status.GREY
    assert result.message == (
        "No meetings recorded for 2021; the commitment is at least 4 public meetings and an AGM a year."
    )
    assert result.due == D(2021, 12, 31)
    assert result.subject_id == "community-forums"


def test_forum_quota_counts_the_year_ending_on_31_december(forum_town: Council) -> None:
    assert "for 2021" in finding(forum_town, D(2021, 12, 31), FORUM_QUOTA).message
    assert "for 2021" in finding(forum_town, D(2022, 1, 1), FORUM_QUOTA).message
    assert "for 2020" in finding(forum_town, D(2021, 12, 30), FORUM_QUOTA).message


def forum_meetings(public: int, agm: bool = True, year: int = 2021) -> FakeEvidence:
    return FakeEvidence(recorded_meetings={"community-forums": a_forum_year(public, agm, year)})


def test_forum_quota_met(forum_town: Council) -> None:
    evidence = forum_meetings(4)
    result = finding(forum_town, D(2022, 3, 31), FORUM_QUOTA, evidence=evidence)
    assert result.status is Status.GREEN
    assert result.message == "Met for 2021: 4 public meetings and 1 AGM."
    assert len(result.evidence) == 5
    assert [item.date for item in result.evidence] == sorted(item.date for item in result.evidence)


def test_forum_quota_three_meetings_is_red(forum_town: Council) -> None:
    result = finding(forum_town, D(2022, 3, 31), FORUM_QUOTA, evidence=forum_meetings(3))
    assert result.status is Status.RED
    assert result.message.startswith("Not met for 2021: 3 public meetings and 1 AGM recorded;")


def test_forum_quota_without_agm_is_red(forum_town: Council) -> None:
    result = finding(forum_town, D(2022, 3, 31), FORUM_QUOTA, evidence=forum_meetings(5, agm=False))
    assert result.status is Status.RED
    assert "0 AGM" in result.message


def test_forum_meetings_in_other_years_do_not_count(forum_town: Council) -> None:
    evidence = forum_meetings(4, year=2022)
    assert finding(forum_town, D(2022, 3, 31), FORUM_QUOTA, evidence=evidence).status is Status.GREY
    assert finding(forum_town, D(2023, 1, 1), FORUM_QUOTA, evidence=evidence).status is Status.GREEN


THREE_CLUSTERS = """\
id: three-clusters
name: "Three Clusters Council"
clusters:
  - {id: keynsham-area, name: "Keynsham Area Cluster", phase: phase-one}
  - {id: south-east-bath, name: "South East Bath Cluster", phase: phase-one}
  - {id: somer-valley, name: "Somer Valley Cluster", phase: phase-one}
phases:
  - {id: phase-one, name: "Phase One", order: 1, clusters: [keynsham-area, south-east-bath, somer-valley]}
  - {id: later-phases, name: "Later phases", order: 2, clusters: null}
programme:
  id: framework
  name: "A local engagement framework"
  rules:
    - {kind: phase-order, id: phase-one-first, title: "Phase One clusters start before later phases"}
"""
"""Three Phase One clusters, later phases not yet known, and a phase-order rule: B&NES as first defined."""


@pytest.fixture(scope="module")
def three_clusters() -> Council:
    return load_definition_text(THREE_CLUSTERS, "three-clusters.yaml")


def test_phase_one_first_grey_without_evidence(three_clusters: Council) -> None:
    result = finding(three_clusters, D(2014, 1, 1), "phase-one-first")
    assert result.status is Status.GREY
    assert result.message == "No cluster has a recorded start yet."


def test_phase_one_partly_started_is_amber(three_clusters: Council) -> None:
    evidence = FakeEvidence(started_clusters={"keynsham-area": started(D(2013, 9, 1))})
    result = finding(three_clusters, D(2013, 10, 1), "phase-one-first", evidence=evidence)
    assert result.status is Status.AMBER
    assert result.message == (
        "Under way: Phase One clusters not yet started: South East Bath Cluster, Somer Valley Cluster."
    )
    assert result.evidence == [started(D(2013, 9, 1))]


def test_phase_one_fully_started_is_green(three_clusters: Council) -> None:
    evidence = FakeEvidence(
        started_clusters={
            "keynsham-area": started(D(2013, 9, 1)),
            "south-east-bath": started(D(2013, 9, 15)),
            "somer-valley": started(D(2013, 10, 1)),
        }
    )
    assert finding(three_clusters, D(2013, 10, 1), "phase-one-first", evidence=evidence).status is Status.GREEN
    # As of a day before the last start, Phase One is only under way.
    assert finding(three_clusters, D(2013, 9, 30), "phase-one-first", evidence=evidence).status is Status.AMBER


# -- places: phase order and coverage with evidence -----------------------------------------


PHASETON = """\
id: phaseton
name: "Phaseton Council"
areas:
  - {id: north-town, name: "North Town", kind: town}
  - {id: south-town, name: "South Town", kind: town}
  - {id: east-ward, name: "East Ward", kind: ward, parent: north-town}
clusters:
  - {id: c1, name: "Cluster One", phase: first}
  - {id: c2, name: "Cluster Two", phase: first}
  - {id: c3, name: "Cluster Three", phase: second}
phases:
  - {id: first, name: "First Phase", order: 1, clusters: [c1, c2]}
  - {id: second, name: "Second Phase", order: 2, clusters: [c3]}
hubs:
  - {id: north-hub, name: "North hub", status: proposed, areas: [north-town]}
  - {id: south-hub, name: "South hub", status: proposed, areas: [south-town]}
programme:
  id: phaseton-plan
  name: "Phaseton Plan"
  rules:
    - {kind: phase-order, id: phases-in-order, title: "Phases start in order"}
    - {kind: coverage, id: town-hubs, title: "Every town has a hub", area_kind: town, by: 2024}
"""


@pytest.fixture(scope="module")
def phaseton() -> Council:
    return load_definition_text(PHASETON, "phaseton.yaml")


def test_a_later_phase_cluster_starting_first_is_red(phaseton: Council) -> None:
    evidence = FakeEvidence(started_clusters={"c1": started(D(2023, 1, 5)), "c3": started(D(2023, 1, 10))})
    result = finding(phaseton, D(2023, 2, 1), "phases-in-order", evidence=evidence)
    assert result.status is Status.RED
    assert result.message == (
        "Out of order: Cluster Three (Second Phase) started on 10 January 2023 before Cluster Two of an earlier phase."
    )


def test_a_later_phase_cluster_starting_before_an_earlier_ones_start_is_red(phaseton: Council) -> None:
    evidence = FakeEvidence(
        started_clusters={
            "c1": started(D(2023, 1, 5)),
            "c2": started(D(2023, 3, 1)),
            "c3": started(D(2023, 2, 1)),
        }
    )
    result = finding(phaseton, D(2023, 4, 1), "phases-in-order", evidence=evidence)
    assert result.status is Status.RED
    assert "Cluster Three (Second Phase)" in result.message
    assert "before Cluster Two" in result.message


def test_phases_in_order(phaseton: Council) -> None:
    evidence = FakeEvidence(
        started_clusters={
            "c1": started(D(2023, 1, 5)),
            "c2": started(D(2023, 1, 6)),
            "c3": started(D(2023, 2, 1)),
        }
    )
    result = finding(phaseton, D(2023, 4, 1), "phases-in-order", evidence=evidence)
    assert result.status is Status.GREEN
    assert len(result.evidence) == 3


def test_coverage_with_opened_hubs(phaseton: Council) -> None:
    assert finding(phaseton, D(2023, 1, 1), "town-hubs").status is Status.GREY

    one = FakeEvidence(opened_hubs={"north-hub": EvidenceItem(D(2023, 3, 1), "hub", "North hub opened")})
    partial = finding(phaseton, D(2023, 4, 1), "town-hubs", evidence=one)
    assert partial.status is Status.AMBER
    assert partial.message.startswith("In progress: 1 of 2 towns have an open hub. Without one: South Town.")
    assert partial.message.endswith("Due by 2024.")
    late = finding(phaseton, D(2025, 1, 1), "town-hubs", evidence=one)
    assert late.status is Status.RED
    assert late.message.startswith("Not met by 2024: 1 of 2 towns")

    both = FakeEvidence(
        opened_hubs={
            "north-hub": EvidenceItem(D(2023, 3, 1), "hub", "North hub opened"),
            "south-hub": EvidenceItem(D(2024, 6, 1), "hub", "South hub opened"),
        }
    )
    met = finding(phaseton, D(2024, 7, 1), "town-hubs", evidence=both)
    assert met.status is Status.GREEN
    assert met.message == "Met: 2 of 2 towns have an open hub."


# -- evaluation ---------------------------------------------------------------------------


def test_a_rule_that_raises_gives_a_grey_finding_and_the_others_still_run(bathnes: Council) -> None:
    def broken(context: RuleContext) -> list[Finding]:
        raise ValueError("bad data")

    def after(context: RuleContext) -> list[Finding]:
        return [
            Finding(
                rule_id="after",
                rule_title="After",
                subject="After",
                status=Status.GREY,
                message=f"Saw {len(context.findings)} findings before me.",
            )
        ]

    rules = [Rule(id="broken", title="A broken rule", check=broken), Rule(id="after", title="After", check=after)]
    findings = evaluate(bathnes, D(2013, 11, 9), extra_rules=rules)
    assert [f.rule_id for f in findings] == ["progress-report-to-cabinet", "broken", "after"]
    grey = findings[1]
    assert grey.status is Status.GREY
    assert grey.message == "Could not be evaluated: ValueError: bad data"
    assert grey.rule_title == "A broken rule"
    assert findings[0].status is Status.RED
    assert findings[2].message == "Saw 2 findings before me."


def test_a_rule_failing_on_a_lookup_does_not_take_the_report_down(bathnes: Council) -> None:
    def looks_up_a_missing_area(context: RuleContext) -> list[Finding]:
        context.council.area("no-such-area")
        return []

    oops = Rule(id="oops", title="Oops", check=looks_up_a_missing_area)
    findings = evaluate(bathnes, D(2013, 11, 9), extra_rules=[oops])
    assert findings[-1].message == "Could not be evaluated: KeyError: 'no-such-area'"
    assert [f.rule_id for f in findings] == ["progress-report-to-cabinet", "oops"]
    report = council_report(bathnes, D(2013, 11, 9))
    assert report.status_counts == {"green": 0, "amber": 0, "red": 1, "grey": 0}


@pytest.mark.parametrize("council_id", ["basildon", "bathnes", "thurrock"])
@pytest.mark.parametrize("as_of", [D(2013, 1, 1), D(2019, 12, 31), D(2022, 3, 31), D(2026, 11, 22)])
def test_no_finding_is_green_without_evidence(
    host: PluginHost, bundled_councils: dict[str, Council], council_id: str, as_of: dt.date
) -> None:
    council = bundled_councils[council_id]
    for evidence in (None, NoEvidence(), FakeEvidence()):
        findings = findings_for(council, as_of, host, evidence)
        assert findings, "every bundled council has reporting rules"
        green = [f for f in findings if f.status is Status.GREEN]
        assert green == []
    report = council_report(council, as_of, host=host)
    assert report.status_counts["green"] == 0
    assert sum(report.status_counts.values()) == len(findings_for(council, as_of, host))


def test_findings_are_the_same_however_often_evaluated(host: PluginHost, bathnes: Council) -> None:
    first = findings_for(bathnes, D(2013, 10, 1), host)
    second = findings_for(bathnes, D(2013, 10, 1), host)
    assert first == second
