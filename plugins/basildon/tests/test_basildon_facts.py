"""Basildon's definition against its documents: each assertion is a fact a source states.

The expected values are copied from the Connected Communities Strategy 2021 – 2026 (undated;
the draft), the Housing and Communities Committee report recommending its adoption and the
Strengthening Communities Policy (March 2016), so a change to the definition that drifts from
them fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import engagekit_basildon
from engagekit.definition import load_definition
from engagekit.model import (
    AreaKind,
    CommitmentKind,
    Council,
    CouncilType,
    HubStatus,
    ImpactLevel,
    IndicatorKind,
    PartialDate,
    Programme,
    items_without_source,
    sourced_items,
)
from engagekit.model.certainty import Certainty
from engagekit.model.local import PlaceKind
from engagekit.model.sources import DocumentRole

DEFINITION = Path(engagekit_basildon.__file__).parent / "basildon.yaml"
# The seed documents, where the shared folder sits beside the project (as in CI).
SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
SEED_FILES = {
    "cc-strategy-2021": "000_3202c1be0f01d296.txt",
    "cc-committee-report-2021": "001_511c6301f63055dd.txt",
    "sc-policy-2016": "002_eea0adfba8c3299b.txt",
}

STRATEGY = "cc-strategy-2021"
COMMITTEE_REPORT = "cc-committee-report-2021"
POLICY_2016 = "sc-policy-2016"


@pytest.fixture(scope="module")
def council() -> Council:
    return load_definition(DEFINITION)


@pytest.fixture(scope="module")
def earlier(council: Council) -> Programme:
    (programme,) = council.earlier_programmes
    return programme


def date(value: str) -> PartialDate:
    return PartialDate.parse(value)


def text(value: str | None) -> str:
    """A text field the definition must fill in."""
    assert value is not None
    return value


# --- the council -------------------------------------------------------------------------


def test_identity(council: Council) -> None:
    assert council.id == "basildon"
    assert council.name == "Basildon Borough Council"
    assert council.gss_code == "E07000066"
    assert council.council_type is CouncilType.DISTRICT


def test_documents(council: Council) -> None:
    documents = council.documents_by_id()
    assert set(documents) == {STRATEGY, COMMITTEE_REPORT, POLICY_2016, "ons-lad-2021"}
    assert documents["ons-lad-2021"].kind == "dataset"
    assert council.source is not None
    assert council.source.document == "ons-lad-2021"
    assert {d.id: d.role for d in council.documents} == {
        STRATEGY: DocumentRole.PRIMARY,
        COMMITTEE_REPORT: DocumentRole.PRIMARY,
        POLICY_2016: DocumentRole.PRIMARY,
        "ons-lad-2021": DocumentRole.SECONDARY,
    }
    # The strategy is undated (2021 – 2026 is its period) and the text held is the draft.
    strategy = documents[STRATEGY]
    assert strategy.date is None
    assert "undated" in text(strategy.note)
    assert "overview of the draft Connected Communities Strategy" in text(strategy.note)


def test_borough_and_five_towns_in_order(council: Council) -> None:
    borough = council.area("basildon-borough")
    assert borough.kind is AreaKind.BOROUGH
    towns = [area for area in council.areas if area.kind is AreaKind.TOWN]
    assert [town.name for town in towns] == ["Basildon", "Billericay", "Wickford", "Laindon", "Pitsea"]
    assert all(town.parent == "basildon-borough" for town in towns)
    # No GSS codes are invented for towns.
    assert all(town.gss_code is None for town in towns)


def test_five_hubs_planned_not_assigned_to_towns(council: Council) -> None:
    (hubs,) = council.hubs
    assert hubs.count == 5
    assert hubs.status is HubStatus.PROPOSED
    assert not hubs.status.open
    assert hubs.delivery_model == "test and learn"
    assert hubs.venue is None
    assert hubs.venue_kinds == ["business", "communal space", "local school", "GP practice"]
    town_ids = [area.id for area in council.areas if area.kind is AreaKind.TOWN]
    assert hubs.areas == town_ids
    assert "community information hub" in text(hubs.description)
    assert "not yet known" in text(hubs.description)
    # "These could be within ...": possible venues, not chosen ones; "across the five towns",
    # not one in each.
    assert hubs.qualifiers["venue_kinds"].certainty is Certainty.PROPOSED
    assert "not one in each" in text(hubs.qualifiers["areas"].wording)
    assert [s.section for s in hubs.all_sources()] == [
        "2. Strategic Context: Connected Neighbourhoods",
        "Appendix 2. Strategy Action Plan",
    ]


def test_no_rule_the_documents_do_not_make(council: Council) -> None:
    # "a series of pilots to establish five community hubs across the five towns" is neither
    # one hub per town nor a requirement, so there is no coverage rule (nor any other).
    assert council.programme.rules == []


# --- the Connected Communities programme --------------------------------------------------


def test_programme_period_and_adoption(council: Council) -> None:
    p = council.programme
    assert p.period is not None
    assert p.period.start == date("2021")
    assert p.period.end == date("2026")
    # "March 2021 (TBC)" is a planned approval; the documents do not record the decision, and
    # do not say it was not adopted either.
    assert p.adopted is None
    assert p.qualifiers["adopted"].certainty is Certainty.NOT_STATED
    assert p.qualifiers["adopted"].wording == "adoption not recorded in the documents"
    assert p.status is not None
    assert "March 2021 (TBC)" in p.status
    assert p.adopted_by == "Housing and Communities Committee"
    assert p.qualifiers["adopted_by"].certainty is Certainty.PROPOSED
    # The summary is the Introduction's; the period and approval are Key Information's.
    assert [s.section for s in p.all_sources()] == ["1. Introduction", "Key Information", "RECOMMENDATION"]


def test_key_dates(council: Council) -> None:
    dates = {kd.id: kd for kd in council.programme.key_dates}
    assert dates["policy-published"].date == date("2021-01")
    assert dates["policy-approved"].date == date("2021-01-12")
    assert dates["service-impact-assessment"].date == date("2021-02-19")
    consultation = dates["external-consultation-vcs"]
    assert (consultation.date, consultation.end) == (date("2020-12-11"), date("2021-02-16"))
    assert dates["internal-consultation-managers-group"].date == date("2020-09")
    assert dates["internal-consultation-senior-leadership-team"].date == date("2021-02")
    assert dates["internal-consultation-covid-19-prdg"].date == date("2021-02")
    assert dates["officer-approval"].date == date("2021-02")
    assert "Head of Innovation" in dates["officer-approval"].label
    member = dates["member-approval"]
    assert member.date == date("2021-03")
    assert "TBC" in text(member.note)
    assert member.qualifiers["date"].certainty is Certainty.EXPECTED
    assert member.qualifiers["date"].wording == "March 2021 (TBC)"
    assert dates["strategy-review-date"].date == date("2022-03")
    assert dates["sia-review-date"].date == date("2022-02")


OUTCOMES_INTRODUCTION = [
    "Community leaders and groups are engaged and empowered to effect positive change in their communities.",
    "Communities feel listened to and as a result are effectively supported in their localities.",
    "Basildon Council is considered an open, flexible and accountable Council by the Borough's communities.",
    "Partnership opportunities are embraced and encouraged in order to benefit the Borough's communities.",
]


def test_four_policy_outcomes(council: Council) -> None:
    commitments = council.programme.commitments
    assert [c.name for c in commitments] == OUTCOMES_INTRODUCTION
    assert all(c.kind is CommitmentKind.OUTCOME for c in commitments)


def test_three_focus_areas(council: Council) -> None:
    plan = council.programme.action_plan
    assert plan.pillar_label == "focus area"
    assert [p.name for p in plan.pillars] == ["Connected Neighbourhoods", "Connected Council", "Connected Partnerships"]
    assert plan.outcomes == []


PRIORITIES = {
    "Connected Neighbourhoods": [
        ("Encourage communities to continue supporting each other", 1),
        ("Intelligently allocate resources to particular neighbourhoods using insight", 1),
        ("Connect people to local assets", 1),
        ("Empower community leaders", 1),
    ],
    "Connected Council": [
        ("Enhance openness and flexibility into the ethos of the Council", 3),
        ("Embrace digital opportunities", 2),
        ("Engage communities to work with us", 1),
    ],
    "Connected Partnerships": [
        ("Strategic collaboration and co-production with cross-sector partners", 1),
        ("Support our VCS effectively to meet their emerging needs", 1),
        ("Connect major programmes of work and funding opportunities", 1),
        ("Co-commission activity with partners and communities", 1),
    ],
}


def test_appendix_1_priorities(council: Council) -> None:
    for pillar in council.programme.action_plan.pillars:
        assert [(p.name, len(p.explanation)) for p in pillar.priorities] == PRIORITIES[pillar.name]
        for priority in pillar.priorities:
            assert priority.source is not None
            assert priority.source.section == "Appendix 1. Policy priorities"
    huddles = council.programme.action_plan.pillars[0].priorities[1].explanation[0]
    assert huddles.startswith("Working with ‘community huddles’ made up of residents and services")


# (action id, pillar, outcome as Appendix 2 words it, first words of the action)
ACTIONS = [
    ("CN-1", "Connected Neighbourhoods", 0, "Co-create a communications campaign plan to mobilise communities"),
    ("CN-2", "Connected Neighbourhoods", 0, "Conduct an in-depth community mapping exercise"),
    (
        "CN-3",
        "Connected Neighbourhoods",
        0,
        "Use findings from above to influence an Asset-Based Community Development (ABCD) Pilot",
    ),
    (
        "CN-4",
        "Connected Neighbourhoods",
        0,
        "Work with VCS partners to develop an inclusive, digital community directory",
    ),
    ("CN-5", "Connected Neighbourhoods", 0, "Influence and support the establishment of a community information hub"),
    (
        "CN-6",
        "Connected Neighbourhoods",
        1,
        "Introduce a community voice(s) to an internal funding panel and an event planning team",
    ),
    (
        "CN-7",
        "Connected Neighbourhoods",
        1,
        "Influence and support the development of the Community Involvement Network (CIN)",
    ),
    ("CN-8", "Connected Neighbourhoods", 1, "Provide a platform for community leaders to meet outside of the CIN"),
    ("CC-1", "Connected Council", 2, "Encourage the adoption of an openness and flexibility behaviour framework"),
    ("CC-2", "Connected Council", 2, "Utilise the corporate service reviews and co-design tools"),
    ("CC-3", "Connected Council", 2, "Support frontline service managers to promote their services in communities."),
    ("CC-4", "Connected Council", 2, "Utilise the CRM system in order to better share the digital community directory"),
    ("CP-1", "Connected Partnerships", 3, "Work to align the various funding opportunities"),
    (
        "CP-2",
        "Connected Partnerships",
        3,
        "Work with key partners delivering programmes in the borough "
        "(i.e. Local Delivery Pilot and Creative People and Places)",
    ),
    (
        "CP-3",
        "Connected Partnerships",
        3,
        "Work with SLA service providers to identify opportunities to deliver the policy outcomes",
    ),
]

OUTCOMES_APPENDIX_2 = [
    "Community leaders and groups are engaged and empowered to affect positive change in their communities",
    "Communities feel listened to and as a result are effectively supported in their localities",
    "Basildon Council is considered an open, flexible and accountable Council by the Borough's communities",
    "Partnership opportunities are embraced and encouraged in order to benefit the Borough's communities",
]


def test_outcomes_under_pillars(council: Council) -> None:
    plan = council.programme.action_plan
    assert [len(p.outcomes) for p in plan.pillars] == [2, 1, 1]
    assert [o.statement for o, _ in plan.all_outcomes()] == OUTCOMES_APPENDIX_2
    commitment_ids = [c.id for c in council.programme.commitments]
    assert [o.serves for o, _ in plan.all_outcomes()] == [[cid] for cid in commitment_ids]


def test_all_fifteen_actions_in_order_and_place(council: Council) -> None:
    planned = list(council.programme.action_plan.all_actions())
    assert len(planned) == 15
    commitment_ids = [c.id for c in council.programme.commitments]
    for item, (action_id, pillar, outcome_index, opening) in zip(planned, ACTIONS, strict=True):
        assert item.action.id == action_id
        assert item.pillar is not None
        assert item.pillar.name == pillar
        assert item.outcome.statement == OUTCOMES_APPENDIX_2[outcome_index]
        assert item.action.text.startswith(opening), action_id
        assert item.action.serves == [commitment_ids[outcome_index]]
        # Nothing the documents do not give.
        assert (item.action.owner, item.action.due, item.action.level, item.action.abcd) == (None, None, None, None)
    cp2 = planned[13].action
    assert cp2.partners == ["local-delivery-pilot", "creative-people-and-places"]


def test_action_full_texts_spot_checks(council: Council) -> None:
    texts = {pa.action.id: pa.action.text for pa in council.programme.action_plan.all_actions()}
    assert texts["CN-5"] == (
        "Influence and support the establishment of a community information hub using a test and "
        "learn model with a view to establish five hubs in total across the five towns."
    )
    assert texts["CP-3"] == (
        "Work with SLA service providers to identify opportunities to deliver the policy outcomes "
        "through their agreements with us."
    )


def test_indicators(council: Council) -> None:
    directory, principles, tracker = council.programme.indicators
    assert directory.kind is IndicatorKind.NUMERIC
    assert directory.name == "Number of services included in the Community Directory"
    assert directory.unit == "services"
    assert directory.target is None
    assert directory.baseline is None
    # Only an example KPI: the strategy ties it to no action.
    assert directory.actions == []
    assert "example" in text(directory.description)
    assert principles.kind is IndicatorKind.MILESTONE
    assert principles.name == "Creation of new principles and models"
    assert principles.actions == []
    # "future tracker surveys will allow us to measure how connected communities feel ...".
    assert tracker.name == "How connected communities feel to various assets and the council itself"
    assert tracker.certainty is Certainty.EXPECTED
    assert tracker.qualifiers["kind"].certainty is Certainty.INFERRED
    assert (tracker.unit, tracker.baseline, tracker.target) == (None, None, None)


def test_governance(council: Council) -> None:
    g = council.programme.governance
    assert g.monitored_by == "Communities Manager"
    assert g.supported_by == ["Corporate Programme Management Office", "Service Design Lead"]
    assert g.approves_revisions == "Head of Innovation"
    assert len(g.measures) == 3
    assert any("tracker surveys" in m for m in g.measures)
    assert any("Benchmarking and best practice against other local authorities" in m for m in g.measures)
    # Who approves revisions is in the Governance section, beside Performance management.
    assert [s.section for s in g.all_sources()] == [
        "3. Strategy action plan: Performance management and monitoring",
        "3. Strategy action plan: Governance",
    ]
    (cycle,) = g.review_cycles
    # "The strategy action plan will undergo an annual review": the documents do not say from
    # when, so the cycle is not placed (March 2021 was only the "(TBC)" approval month).
    assert (cycle.id, cycle.every_months, cycle.starts) == ("action-plan-annual-review", 12, None)
    assert cycle.qualifiers["starts"].certainty is Certainty.NOT_STATED
    assert "annual readdressing of the strategy action plan" in text(cycle.note)
    reviews = {r.id: r.date for r in g.review_dates}
    assert reviews == {"strategy-review": date("2022-03"), "sia-review": date("2022-02")}


def test_service_impact_assessment(council: Council) -> None:
    (sia,) = council.programme.assessments
    assert sia.date == date("2021-02-19")
    assert sia.review_date == date("2022-02")
    # The dates are Key Information's; the description is the committee report's.
    assert [(s.document, s.section) for s in sia.all_sources()] == [
        (STRATEGY, "Key Information"),
        (COMMITTEE_REPORT, "Diversity, Inclusion and Community Cohesion Implications"),
    ]


def test_corporate_plan_promises(council: Council) -> None:
    objectives = council.programme.objectives
    assert [(o.name, o.kind) for o in objectives] == [
        ("A place for everyone to call home", "corporate plan promise"),
        ("A place where everyone prospers", "corporate plan promise"),
    ]
    assert objectives[0].outcomes == [
        "Increased levels of neighbourliness",
        "Increased sense of belonging to local neighbourhoods",
        "Increased ability to fulfil personal needs and interests within local area",
    ]
    assert objectives[1].outcomes == [
        "Community leaders are engaged and empowered to affect positive change in their communities",
        "Increased levels of community-led activity and participation",
        "People connected to like-minded individuals and local assets",
        "Opportunities for strategic partnerships that benefit communities actioned",
    ]
    assert all(o.source is not None and o.source.document == COMMITTEE_REPORT for o in objectives)


def test_barrier_and_six_ways_of_raising_awareness(council: Council) -> None:
    statements = {s.id: s for s in council.programme.statements}
    barrier = statements["barrier-lack-of-awareness"]
    assert barrier.kind == "barrier"
    assert len(barrier.items) == 6
    assert barrier.items[0] == "Developing an inclusive and accessible directory of services and opportunities"
    assert barrier.items[4] == "Using the Community Involvement Network to share information"
    assert text(statements["funding"].text).startswith(
        "The strategy will be delivered within existing service resources"
    )
    assert council.programme.funding == []


def test_linked_documents(council: Council) -> None:
    titles = [d.title for d in council.programme.linked_documents]
    for title in (
        "Inclusion and Diversity Strategy 2021",
        "Local Delivery Pilot Basildon Plan",
        "Creative People and Places Basildon Plan",
        "Health and Wellbeing Policy 2018",
        "Digital Inclusion Policy 2021-24",
        "Financial Inclusion Policy 2020-23",
        "Corporate Plan 2019– 22",
        "Social Value Policy 2020-23",
        "Leisure and Cultural Policy 2020-23",
        "Housing and Regeneration Strategy 2018- 2023",
        "Climate and Environment Strategy 2021- 2050",
    ):
        assert title in titles
    linked = council.programme.linked_documents
    inclusion = next(d for d in linked if d.title == "Inclusion and Diversity Strategy 2021")
    assert "emerging" in text(inclusion.relation)
    assert inclusion.wording == "emerging"
    # The eight further links are in both the strategy (section 4) and the committee report.
    corporate_plan = next(d for d in council.programme.linked_documents if d.title == "Corporate Plan 2019– 22")
    assert [s.document for s in corporate_plan.all_sources()] == [STRATEGY, COMMITTEE_REPORT]
    statements = {s.id: s for s in council.programme.statements}
    assert text(statements["approved-policies-in-place"].text).startswith(
        "There are a number of approved Council policies and strategies in place"
    )
    assert len(statements["approved-policies-in-place"].items) == 8
    assert text(statements["listen-and-share-information"].text).startswith(
        "It is essential that the Council and its partners continue to actively listen and share information."
    )


def test_community_huddles_agree_local_priorities(council: Council) -> None:
    # "Working with 'community huddles' made up of residents and services to agree local
    # priorities and co-delivery of action plans": the documents name none, so officers
    # register each; what each agrees is kept as records. No interval is given, so no rule.
    huddles = next(b for b in council.bodies if b.id == "community-huddles")
    assert huddles.for_each is not None
    assert huddles.for_each.place is PlaceKind.RECORDED
    assert huddles.local_plans is True
    assert huddles.instances == []
    assert huddles.source is not None
    assert huddles.source.section == "Appendix 1. Policy priorities"


def test_no_iap2_levels_the_documents_do_not_state(council: Council) -> None:
    assert [m.id for m in council.methods if m.levels or "levels" in m.qualifiers] == []


def test_methods_keep_separate_passages_apart(council: Council) -> None:
    methods = {m.id: m for m in council.methods}
    # The five planned hubs and shops, cafes and barbers as information points are two passages.
    assert "shops, cafes and barbers" not in text(methods["community-information-hubs"].description)
    assert methods["community-information-hubs"].certainty is Certainty.PROPOSED
    assert "shops, cafes and barbers" in text(methods["local-businesses-as-information-hubs"].description)
    # Front line services within communities: a consultation comment, and what both documents
    # say is already delivered (the committee report: "were already being delivered").
    outreach = methods["frontline-service-outreach"]
    assert "Comments were received about a need for front line services" in text(outreach.description)
    assert [s.document for s in outreach.all_sources()] == [STRATEGY, COMMITTEE_REPORT, STRATEGY]


def test_bodies_partners_and_initiatives(council: Council) -> None:
    bodies = {b.id: b for b in council.bodies}
    assert bodies["community-involvement-network"].name == "Community Involvement Network (CIN)"
    assert bodies["community-huddles"].membership_note == "made up of residents and services"
    assert all(b.quota is None for b in council.bodies)
    # The CIN rests on four sections of the strategy.
    assert len(bodies["community-involvement-network"].all_sources()) == 4
    assert "recommends" in text(bodies["housing-and-communities-committee"].description)
    partners = {p.id: p for p in council.partners}
    assert partners["nurture-development"].name == "Nurture Development"
    assert "Local Delivery Pilot's national partner" in text(partners["nurture-development"].role)
    initiatives = {i.id: i for i in council.programme.initiatives}
    assert initiatives["local-delivery-pilot"].partners == ["nurture-development"]
    assert initiatives["digital-inclusion-pilot"].status == "taking place in Spring 2021"
    assert {"creative-people-and-places", "community-mapping", "volunteering-mobile-app"} <= set(initiatives)
    assert len(initiatives["local-delivery-pilot"].all_sources()) == 4
    assert {"local-delivery-pilot", "creative-people-and-places"} <= set(partners)


# --- the Strengthening Communities Policy (2016) ------------------------------------------


def test_2016_programme(earlier: Programme) -> None:
    assert earlier.id == "strengthening-communities-2016"
    assert earlier.kind == "policy"
    assert earlier.adopted == date("2016-03-10")
    assert earlier.adopted_by == "Cabinet"
    # The summary is the Policy Statement; the adoption is Key Information's.
    assert [s.section for s in earlier.all_sources()] == ["3. Policy Statement", "Key Information"]
    assert text(earlier.summary).startswith(
        "Basildon Council will seek to enable citizens at an individual, community and Borough level"
    )
    dates = {kd.id: kd.date for kd in earlier.key_dates}
    assert dates["service-impact-assessment"] == date("2015-10-07")
    assert dates["officer-approval"] == date("2016-01-20")
    assert dates["policy-review-date"] == date("2018-03")
    reviews = {r.id: r.date for r in earlier.governance.review_dates}
    assert reviews == {"policy-review-2018": date("2018-03"), "sia-review-2018": date("2018-03")}


def test_2016_three_realms_without_outcomes(earlier: Programme) -> None:
    plan = earlier.action_plan
    assert plan.pillar_label == "realm"
    assert [p.name for p in plan.pillars] == ["Individual Realm", "Community Realm", "Borough Realm"]
    assert all(p.outcomes == [] for p in plan.pillars)


def test_2016_outcomes_and_priorities(earlier: Programme) -> None:
    outcomes = earlier.action_plan.outcomes
    assert [(o.statement, len(o.evidenced_by)) for o in outcomes] == [
        (
            "Individuals supported within their community to fulfil their potential and have ownership of their future",
            6,
        ),
        (
            "Collaborative and co-designed approach to services led by the community who take ownership and "
            "understand their individual and collective contribution to service delivery",
            3,
        ),
        ("Reduction in the demand placed upon Public Sector institutions and associated services", 3),
    ]
    assert outcomes[0].evidenced_by[-1] == "Children get the best start in life"
    assert outcomes[1].evidenced_by[1].startswith("Behavioral change in Basildon Council's approach")


def test_2016_council_promises_impact(earlier: Programme) -> None:
    promises = [(o.name, o.impact) for o in earlier.objectives if o.kind == "council promise"]
    assert promises == [
        ("We will support residents to develop stronger communities", ImpactLevel.HIGH),
        ("We will enhance and build pride in the local environment", ImpactLevel.MEDIUM),
        ("We will secure homes and enable regeneration with supporting infrastructure", ImpactLevel.LOW),
        ("We will grow the local economy", ImpactLevel.MEDIUM),
        ("We will strive to keep communities safe and healthy", ImpactLevel.MEDIUM),
    ]


def test_2016_volunteering(earlier: Programme) -> None:
    statements = {s.id: s for s in earlier.statements}
    types = statements["types-of-volunteering"]
    assert types.items == [
        "mutual aid or self-help",
        "philanthropy or service to others",
        "participation or civic engagement",
        "advocacy or campaigning",
    ]
    assert "participation / civic engagement and mutual aid / self-help" in text(types.text)


def test_communities_2016(council: Council, earlier: Programme) -> None:
    # Only the community the policy names as one: no coined "communities of values" etc.
    assert [(c.name, c.kind.value) for c in council.communities] == [("The residential neighbourhood", "place")]
    statements = {s.id: s for s in earlier.statements}
    assert statements["community-connections"].items == ["interest", "values", "place", "identity"]
    assert statements["community-spectrum"].items == ["intentional", "communities of limited liability"]
    kinds = [item.split(":", 1)[0] for item in statements["kinds-of-community"].items]
    assert kinds == [
        "the residential neighbourhood",
        "intentional",
        "communities of limited liability",
        "fledgling and established communities",
        "organised communities",
    ]


def test_2016_vcs_and_capacity_building(earlier: Programme) -> None:
    statements = {s.id: s for s in earlier.statements}
    assert "Working more closely with the Voluntary and Community Sector (VCS)" in text(
        statements["working-with-the-vcs"].text
    )
    essex = statements["essex-findings"]
    assert essex.items == [
        "patchy and short term, sometimes duplicative, with limited evidence of a joined-up approach to planning "
        "or commissioning",
        "hampered by short term funding arrangements, or by a lack of capacity to create sustainable models",
    ]
    assert text(statements["council-vcs-relationship"].text).startswith(
        "This picture indicates a strong need at a strategic level to further develop the relationship "
        "between Basildon Council and the VCS"
    )
    assert "organised communities would not benefit nor require intervention" in text(
        statements["level-of-capacity-building"].text
    )
    titles = [d.title for d in earlier.linked_documents]
    assert "Corporate Plan 2016-2020" in titles


# --- provenance ---------------------------------------------------------------------------


def test_every_item_has_a_source(council: Council) -> None:
    assert items_without_source(council) == []
    assert len(list(sourced_items(council))) > 200  # the walk reached the whole graph
    known = set(council.documents_by_id())
    for path, item in sourced_items(council):
        for source in item.all_sources():
            assert source.document in known, path
            assert source.section.strip(), path
        if item.certainty is Certainty.INFERRED:
            assert text(item.reasoning).strip(), path


def test_sources_name_known_documents_and_sections(council: Council) -> None:
    known = set(council.documents_by_id())
    seen = 0

    def walk(value: Any) -> None:
        nonlocal seen
        if attrs.has(type(value)):
            source = getattr(value, "source", None)
            if source is not None and type(value).__name__ != "Source":
                seen += 1
                assert source.document in known
                assert source.section.strip()
            for field in attrs.fields(type(value)):
                walk(getattr(value, field.name))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(council)
    assert seen > 150


# --- wording ------------------------------------------------------------------------------


def _normalise(value: str) -> str:
    """The seed's text without page-break footnotes, footnote marks or Markdown emphasis."""
    lines = [line for line in value.splitlines() if line.strip() != "---" and not line.strip().startswith("<sup>")]
    joined = re.sub(r"<sup>\d+</sup>", "", "\n".join(lines))
    joined = re.sub(r"\*\*|^#+ ", "", joined, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", joined).strip()


@pytest.mark.skipif(not SEEDS.exists(), reason="the shared seed documents are not beside the project")
def test_wording_is_copied_from_the_documents(council: Council) -> None:
    seeds = {doc: _normalise((SEEDS / name).read_text(encoding="utf-8")) for doc, name in SEED_FILES.items()}

    def in_sources(value: str, item: Any) -> bool:
        return any(_normalise(value) in seeds[s.document] for s in item.all_sources() if s.document in seeds)

    for programme in [council.programme, *council.earlier_programmes]:
        for statement in programme.statements:
            if statement.text and "…" not in statement.text:  # an elided quote is checked by its parts
                assert in_sources(statement.text, statement), statement.id
            for item in statement.items:
                quoted = re.findall(r'"([^"]+)"', item) if statement.kind == "kinds of community" else [item]
                for part in quoted:
                    assert in_sources(part, statement), (statement.id, part)
        for planned in programme.action_plan.all_actions():
            assert in_sources(planned.action.text, planned.action), planned.action.id
        for pillar in programme.action_plan.pillars:
            for priority in pillar.priorities:
                for line in priority.explanation:
                    assert in_sources(line, priority), priority.name
        for outcome in programme.action_plan.outcomes:
            for line in outcome.evidenced_by:
                assert in_sources(line, outcome), outcome.id
        for objective in programme.objectives:
            for line in [objective.name, *objective.outcomes]:
                assert in_sources(line, objective), objective.id
