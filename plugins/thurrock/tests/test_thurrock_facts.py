"""Thurrock's definition says what the 3 September 2019 committee report says, and no more.

The facts below are checked against "Collaborative Communities – Thurrock's approach to
Community Engagement" (Corporate Overview and Scrutiny Committee, 3 September 2019, Item 7).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import engagekit_thurrock
from engagekit.definition import load_definition
from engagekit.model import (
    AbcdQuestion,
    CommitmentKind,
    Council,
    CouncilType,
    HubStatus,
    PartialDate,
    items_without_source,
    sourced_items,
)
from engagekit.model.certainty import Certainty
from engagekit.model.local import PlaceKind
from engagekit.model.sources import DocumentRole

DEFINITION = Path(engagekit_thurrock.__file__).parent / "thurrock.yaml"
REPORT = "collaborative-communities-2019"
# The seed document, where the shared folder sits beside the project (as in CI).
SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "003_7117320efa0d4c32.txt"

CLUSTERS = [
    ("Aveley", ["Aveley"]),
    ("Chafford Hundred (including North Stifford)", ["Chafford Hundred", "North Stifford"]),
    ("East and West Tilbury (including Linford and Mucking)", ["East Tilbury", "West Tilbury", "Linford", "Mucking"]),
    ("Grays (including Little Thurrock)", ["Grays", "Little Thurrock"]),
    ("Orsett, Bulphan and Horndon", ["Orsett", "Bulphan", "Horndon"]),
    ("Purfleet, West Thurrock and South Stifford", ["Purfleet", "West Thurrock", "South Stifford"]),
    ("South Ockendon", ["South Ockendon"]),
    (
        "Stanford le Hope and Corringham (including Fobbing and Homesteads)",
        ["Stanford le Hope", "Corringham", "Fobbing", "Homesteads"],
    ),
    ("Tilbury and Chadwell St Mary", ["Tilbury", "Chadwell St Mary"]),
]

PRINCIPLES = {
    "A": (
        "Improving our approach to community engagement and involvement to shape delivery and influence decision making"
    ),
    "B": (
        "Supporting resilience within communities so that the council enables rather than hinders "
        "when communities want to improve their area or conditions"
    ),
    "C": (
        "Enabling dialogue around common challenges to help explore how the council can best support "
        "communities with ideas for improvement and development"
    ),
}

EQUALITY_OBJECTIVES = [
    "Access to services",
    "Supporting community integration and cohesion",
    "Improving resilience",
    "Workforce development",
]


@pytest.fixture(scope="module")
def council() -> Council:
    return load_definition(DEFINITION)


def test_identity(council: Council) -> None:
    assert council.id == "thurrock"
    assert council.name == "Thurrock Council"
    assert council.gss_code == "E06000034"
    assert council.council_type is CouncilType.UNITARY
    assert council.source is not None
    assert council.source.document == "ons-lad-2021"
    assert council.document("ons-lad-2021").kind == "dataset"
    report = council.document(REPORT)
    assert report.date == PartialDate(2019, 9, 3)
    assert report.role is DocumentRole.PRIMARY
    assert council.document("ons-lad-2021").role is DocumentRole.SECONDARY
    assert council.document("gunning-case-law").role is DocumentRole.SECONDARY


def test_programme_is_initial_proposals_not_adopted(council: Council) -> None:
    programme = council.programme
    assert programme.name == "Collaborative Communities"
    assert programme.kind == "approach"
    assert programme.status is not None
    assert "initial proposals" in programme.status.lower()
    assert programme.adopted is None
    # The report does not say it was not adopted: it records no adoption at all.
    assert programme.qualifiers["adopted"].certainty is Certainty.NOT_STATED
    assert "not adopted" not in programme.status.lower()
    assert programme.documents == [REPORT]


def test_principles_a_to_c(council: Council) -> None:
    principles = [c for c in council.programme.commitments if c.kind is CommitmentKind.PRINCIPLE]
    assert {c.label: c.statement for c in principles} == PRINCIPLES
    assert [c.label for c in principles] == ["A", "B", "C"]
    for principle in principles:  # stated in the Executive Summary and again at 3.1
        assert [s.section for s in principle.all_sources()] == [
            "Executive Summary",
            "3.1 Issues, Options and Analysis of Options",
        ]


def test_nine_clusters_in_order_with_their_localities(council: Council) -> None:
    assert [(c.name, c.localities) for c in council.clusters] == CLUSTERS
    assert council.phases == []
    for cluster in council.clusters:
        assert cluster.source is not None
        assert cluster.source.section == "2.5.10 Clustered Neighbourhood Engagement"
        # "The proposed areas are:": a proposal, not a settled arrangement.
        assert cluster.certainty is Certainty.PROPOSED
    clustered = next(m for m in council.methods if m.id == "clustered-neighbourhood-engagement")
    assert clustered.certainty is Certainty.PROPOSED


def test_no_cluster_claims_wards(council: Council) -> None:
    for cluster in council.clusters:
        assert cluster.wards is None, cluster.id
        assert cluster.description is not None
        assert "not yet known" in cluster.description
    assert not [area for area in council.areas if area.kind.value == "ward"]
    assert [(a.id, a.kind.value) for a in council.areas] == [("thurrock", "borough")]


def test_the_ten_engagement_methods_of_section_2_5(council: Council) -> None:
    sections = [m.source.section.split(" ", 1)[0] for m in council.methods if m.source]
    assert sections == [f"2.5.{n}" for n in range(1, 11)]
    assert [m.name for m in council.methods] == [
        "The Consultation Portal",
        "Voluntary, Community and Faith Sector Engagement",
        "Thurrock's Joint Compact",
        "Joint Strategic Forum (JSF)",
        "Your Place Your Voice (YPYV)",
        "Community Forums",
        "Community Hubs",
        "Current best practice in services",
        "Asset Based Community Development (ABCD)",
        "Clustered Neighbourhood Engagement",
    ]


def test_consultation_portal_tools(council: Council) -> None:
    portal = next(m for m in council.methods if m.id == "consultation-portal")
    tools = " | ".join(portal.tools).lower()
    for tool in (
        "faq",
        "videos, photos and stories",
        "discussion forums",
        "share ideas",
        "'places'",
        "participatory budgeting",
    ):
        assert tool in tools
    assert len(portal.tools) == 6
    # The portal's role in 2.5.5, 3.5 and 5.1 as well as 2.5.1.
    assert [s.section.split(" ", 1)[0] for s in portal.all_sources()] == ["2.5.1", "2.5.5", "3.5", "5.1"]
    assert "Opportunities to invite participation through the new consultation portal" in (portal.description or "")
    clustered = next(m for m in council.methods if m.id == "clustered-neighbourhood-engagement")
    assert "Targeted e-newsletters" in clustered.tools


def test_no_method_is_graded_on_the_iap2_spectrum(council: Council) -> None:
    # The report grades no method on any participation scale; only its "ladder of engagement"
    # (inform, involve, influence) is named, as a statement.
    assert [m.id for m in council.methods if m.levels or "levels" in m.qualifiers] == []


def test_each_community_forum_commits_to_its_own_meetings(council: Council) -> None:
    forums = next(b for b in council.bodies if b.kind == "community forum")
    assert forums.id == "community-forums"
    assert forums.coverage == "Most wards in Thurrock have an active Forum"
    assert forums.independent is True
    # "all commit to at least four public meetings and an AGM each year": a commitment of each
    # forum. The report does not list the forums, so officers register them as records.
    assert forums.for_each is not None
    assert forums.for_each.place is PlaceKind.RECORDED
    assert forums.instances == []
    assert forums.quota is not None
    assert forums.quota.public_meetings == 4
    assert forums.quota.agm is True
    assert forums.represented_on == ["hub-steering-groups"]
    assert len([b for b in council.bodies if b.kind == "community forum"]) == 1
    method = next(m for m in council.methods if m.id == "community-forums")
    assert "are recognised for their potential to bring residents together" in (method.description or "")


def test_forum_quota_judges_no_year_before_the_report(council: Council) -> None:
    forums = next(b for b in council.bodies if b.id == "community-forums")
    assert forums.quota is not None
    # The report is dated 3 September 2019; 2020 is the first calendar year wholly after it.
    assert forums.quota.from_year == 2020
    qualifier = forums.quota.qualifiers["from_year"]
    assert qualifier.certainty is Certainty.INFERRED
    assert qualifier.reasoning is not None
    assert "3 September 2019" in qualifier.reasoning


def test_joint_strategic_forum_led_by_thurrock_cvs(council: Council) -> None:
    jsf = next(b for b in council.bodies if b.id == "joint-strategic-forum")
    assert jsf.led_by == "thurrock-cvs"
    # "a joint meeting between Thurrock Council and the voluntary sector led by Thurrock CVS":
    # the CVS leads it; the report does not list who attends.
    assert jsf.members == []
    assert jsf.description is not None
    assert "themed meetings" in jsf.description


def test_hub_programme_in_six_areas_five_hubs_in_libraries(council: Council) -> None:
    # "The Community Hubs programme is active in six areas. Five hubs are co-located in
    # libraries": the report never says there is a sixth hub, so none is listed.
    (hub,) = council.hubs
    assert hub.count == 5
    assert hub.co_located_with == "library"
    assert hub.status is HubStatus.ESTABLISHED
    assert hub.areas is None  # the report names no hub and no area
    assert hub.steering_group == "hub-steering-groups"
    # The steering groups come from 2.5.6, the hubs from 2.5.7.
    assert [s.section for s in hub.all_sources()] == ["2.5.7 Community Hubs", "2.5.6 Community Forums"]
    programme = next(i for i in council.programme.initiatives if i.id == "community-hubs-programme")
    assert programme.status == "active in six areas"


def test_abcd_questions_and_clean_up_example(council: Council) -> None:
    abcd = council.abcd
    assert abcd is not None
    assert [(q.question, q.wording) for q in abcd.questions] == [
        (AbcdQuestion.THEMSELVES, "What can citizens do for themselves?"),
        (AbcdQuestion.WITH_HELP, "What can citizens do with some help?"),
        (AbcdQuestion.FROM_SERVICES, "What's our remaining offer? (what is the space that citizens need us to fill?)"),
    ]
    [example] = abcd.examples
    assert example.name == "Community clean ups"
    assert example.answers == {
        AbcdQuestion.THEMSELVES: (
            "Communities are passionate to demonstrate local pride and can organise clean ups, "
            "involving residents and bringing people together"
        ),
        AbcdQuestion.WITH_HELP: "Council can help by providing equipment and arranging collections",
        AbcdQuestion.FROM_SERVICES: "Communities need us to collect refuse and enforce fly tipping.",
    }
    assert abcd.shift is not None
    assert "deficit model" in abcd.shift
    assert "strength based model" in abcd.shift
    assert abcd.principles == []  # the report lists none; nothing borrowed without a source
    # The shift is worded as in 2.5.8, to which 2.5.9 refers.
    assert [s.section.split(" ", 1)[0] for s in abcd.all_sources()] == ["2.5.9", "2.5.8"]


def test_four_equality_objectives(council: Council) -> None:
    objectives = [o for o in council.programme.objectives if o.kind == "equality objective"]
    assert [o.name for o in objectives] == EQUALITY_OBJECTIVES


def test_ladder_of_engagement(council: Council) -> None:
    ladder = next(s for s in council.programme.statements if s.id == "ladder-of-engagement")
    assert ladder.items == ["inform", "involve", "influence"]


def test_strategy_reviewed_every_four_years_from_an_unknown_start(council: Council) -> None:
    [cycle] = council.programme.governance.review_cycles
    assert cycle.id == "strategy-four-yearly-review"
    assert cycle.every_months == 48
    assert cycle.starts is None  # the strategy has not been adopted
    assert cycle.note is not None
    assert "every four years or sooner" in cycle.note
    # "or sooner" travels with the interval, so reports show it beside the 48 months.
    assert "every four years or sooner" in cycle.field_qualifier("every_months")
    assert cycle.qualifiers["starts"].certainty is Certainty.NOT_STATED
    assert cycle.source is not None
    assert cycle.source.section == "7.2 Legal"


def test_draft_strategy_to_cabinet_later_this_year(council: Council) -> None:
    report = next(r for r in council.programme.governance.reports_due if r.id == "draft-strategy-to-cabinet")
    assert report.to == "Cabinet"
    assert report.due == PartialDate(2019)
    assert report.months_after_adoption is None
    assert report.qualifiers["due"].wording == "later this year"


def test_key_dates(council: Council) -> None:
    dates = {k.id: k.date for k in council.programme.key_dates}
    assert dates["committee-2019-09-03"] == PartialDate(2019, 9, 3)
    assert dates["conference-2019-10-07"] == PartialDate(2019, 10, 7)
    conference = next(k for k in council.programme.key_dates if k.id == "conference-2019-10-07")
    assert "Thurrock CVS" in conference.label
    assert conference.qualifiers["date"].certainty is Certainty.INFERRED  # "7th October", no year


def test_bodies_and_partners_say_only_what_the_report_says(council: Council) -> None:
    bodies = {b.id: b for b in council.bodies}
    committee = bodies["corporate-overview-and-scrutiny-committee"]
    # The report is the paper for the meeting: it cannot record that the committee received it.
    assert "Received" not in (committee.description or "")
    assert committee.source is not None
    assert committee.source.section == "Executive Summary"
    cvs = next(p for p in council.partners if p.id == "thurrock-cvs")
    assert [s.section.split(" ", 1)[0] for s in cvs.all_sources()] == ["2.5.4", "3.5", "5.1"]
    social_value = next(d for d in council.programme.linked_documents if d.title.startswith("Social Value"))
    assert "Developed and reviewed through" not in (social_value.relation or "")
    assert "The council's own framework" in (social_value.relation or "")
    compact = next(d for d in council.programme.linked_documents if d.title == "Thurrock's Joint Compact")
    assert [s.section.split(" ", 1)[0] for s in compact.all_sources()] == ["2.5.3", "8."]


def test_executive_summary_and_later_sections_carried(council: Council) -> None:
    statements = {s.id: s for s in council.programme.statements}
    assert statements["programmes-in-recent-years"].items == [
        "formal consultation processes",
        "face to face engagement",
        "the development of new ways of working that empower citizens to work together to form "
        "associations to realise ambitions for their communities",
    ]
    assert "developed with the voluntary sector and communities" in (statements["next-steps"].text or "")
    assert (statements["underpins-all-council-priorities"].text or "").endswith(
        "The new strategy will underpin all council priorities."
    )
    assert statements["implications-verified-by"].items == [
        "Financial: Jo Freeman, Finance Manager",
        "Legal: Tim Hallam, Acting Head of Legal, Assistant Director of Law and Governance and Monitoring Officer",
        "Diversity and Equality: Rebecca Price, Team Manager, Community Development and Equalities",
    ]


def test_ceia_to_be_completed(council: Council) -> None:
    [ceia] = council.programme.assessments
    assert ceia.kind == "CEIA"
    assert ceia.status == "to be completed"
    assert ceia.date is None


def test_legal_frame(council: Council) -> None:
    legal = {basis.id: basis for basis in council.programme.legal}
    gunning = legal["gunning-principles"]
    assert gunning.items == [
        "consult while proposals are at a formative stage",
        "give sufficient reasons to permit intelligent consideration",
        "allow adequate time",
        "take responses conscientiously into account",
    ]
    assert gunning.source is not None
    assert gunning.source.document == "gunning-case-law"
    assert council.document("gunning-case-law").kind == "case law"
    mention = legal["gunning-principles-report"]
    assert mention.source is not None
    assert (mention.source.document, mention.source.section) == (REPORT, "7.2 Legal")
    assert {"legitimate-expectation", "equality-act-2010", "local-government-acts", "localism-act-2011"} <= set(legal)
    assert legal["local-government-acts"].items == [
        "Local Government Act 1972",
        "Local Government Act 1999",
        "Local Government Act 2000",
    ]
    assert legal["statutory-requirements-to-consult"].items == ["planning"]


def test_every_item_has_a_source(council: Council) -> None:
    assert items_without_source(council) == []
    items = list(sourced_items(council))
    assert len(items) > 90  # the walk reached the whole graph
    documents = council.documents_by_id()
    for path, item in items:
        for source in item.all_sources():
            assert source.document in documents, path
            assert source.section.strip(), path
        if item.certainty is Certainty.INFERRED:
            assert (item.reasoning or "").strip(), path


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed documents are not beside the project")
def test_wording_is_copied_from_the_report(council: Council) -> None:
    report = _normalise(SEED.read_text(encoding="utf-8"))
    quoted = [c.statement for c in council.programme.commitments]
    quoted += [o.name for o in council.programme.objectives]
    quoted += [q.wording for q in council.abcd.questions] if council.abcd else []
    quoted += [
        answer for example in (council.abcd.examples if council.abcd else []) for answer in example.answers.values()
    ]
    quoted += [cluster.name for cluster in council.clusters]
    quoted += [s.text for s in council.programme.statements if s.text]
    for text in quoted:
        assert text is not None
        assert _normalise(text) in report, text
