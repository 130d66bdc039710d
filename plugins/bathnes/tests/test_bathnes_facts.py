"""The B&NES definition states what the Cabinet report of 8 May 2013 (E 2545) says, and no more.

Each expected value is copied from the report ("Connecting Communities: A Local Engagement
Framework for Bath and North East Somerset", ../shared/seeds/004_9f58889641bd14a1.txt).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import engagekit_bathnes
from engagekit.definition import load_definition
from engagekit.model import (
    Council,
    HubStatus,
    PartialDate,
    items_without_source,
    sourced_items,
)
from engagekit.model.certainty import Certainty
from engagekit.model.checks import format_path
from engagekit.model.local import PlaceKind
from engagekit.model.sources import DocumentRole

DEFINITION = Path(engagekit_bathnes.__file__).parent / "bathnes.yaml"
REPORT = "connecting-communities-2013"


@pytest.fixture(scope="module")
def council() -> Council:
    return load_definition(DEFINITION)


def by_id(items: Any, item_id: str) -> Any:
    matches = [item for item in items if item.id == item_id]
    assert len(matches) == 1, f"expected one item with id {item_id!r}, found {len(matches)}"
    return matches[0]


def test_identity(council: Council) -> None:
    assert council.id == "bathnes"
    assert council.name == "Bath & North East Somerset Council"
    assert council.gss_code == "E06000022"
    assert council.council_type is not None
    assert council.council_type.value == "unitary"
    ons = council.document("ons-lad-2021")
    assert ons.kind == "dataset"
    assert ons.role is DocumentRole.SECONDARY
    report = council.document(REPORT)
    assert report.date == PartialDate(2013, 5, 8)
    assert report.role is DocumentRole.PRIMARY
    # The council type is the ONS lookup's, not the cover sheet's.
    assert council.source is not None
    assert council.source.document == "ons-lad-2021"


def test_five_commitments_in_order_with_taglines_and_statements(council: Council) -> None:
    got = [(c.id, c.name, c.tagline, c.statement) for c in council.programme.commitments]
    assert got == [
        (
            "listen",
            "To LISTEN",
            "always being open to ideas",
            "Our commitment is to understand what it is that communities are asking for, rather "
            "than making assumptions based on existing ways of working.",
        ),
        (
            "prioritise",
            "To PRIORITISE",
            "making sure local needs come first",
            "Our commitment is to work with local communities to identify the different needs of "
            'each area, rather than adopting a "one size fits all" approach to deciding priorities. '
            "We will support communities to make decisions grounded in the best possible evidence.",
        ),
        (
            "join-up",
            "To JOIN UP",
            "working in partnership with our local communities",
            'Our commitment is to act as "one Council", and increasingly as "one public service", '
            "so that when communities talk to someone who works for a public service they can gain "
            "access to all public service resources without duplication of effort",
        ),
        (
            "work-with-you",
            "To WORK WITH YOU",
            "helping communities find the best way to tackle local issues",
            "Our commitment is to always be open to new ideas and to look for solutions rather than barriers",
        ),
        (
            "share-ideas",
            "To SHARE IDEAS",
            "building on what works",
            "Our commitment is to share information and best practice across our area and to "
            "encourage learning and innovation",
        ),
    ]
    assert {c.kind.value for c in council.programme.commitments} == {"commitment"}


def test_public_services_board_members_and_vcs_recruitment(council: Council) -> None:
    board = by_id(council.bodies, "public-services-board")
    assert board.kind == "board"
    partners = {p.id: p for p in council.partners}
    members = [(partners[m].name, partners[m].kind) for m in board.members]
    assert members == [
        ("Bath & North East Somerset Council", "council"),
        ("Avon and Somerset Police", "police"),
        ("Avon Fire and Rescue Service", "fire"),
        ("Bath & North East Somerset Clinical Commissioning Group", "health"),
        ("Curo", None),  # the report does not say what Curo is
    ]
    assert board.membership_note is not None
    assert "voluntary and community sector membership currently subject to an open recruitment process" in (
        board.membership_note
    )
    # The VCS is a partner, but not (yet) a member of the Board.
    assert "voluntary-and-community-sector" in partners
    assert "voluntary-and-community-sector" not in board.members
    # No meeting quota is given for any body.
    assert all(body.quota is None for body in council.bodies)
    # Built from 5.4 (members), 5.5 (its initiative), 5.6 (adoption) and 10.2 (its agreement).
    assert [s.section for s in board.all_sources()] == [
        "5 The Report, 5.4",
        "5 The Report, 5.5",
        "5 The Report, 5.6",
        "10 Consultation, 10.2",
    ]


def test_public_services_board_adopted_the_framework_on_24_april_2013(council: Council) -> None:
    adoption = by_id(council.programme.key_dates, "psb-adoption")
    assert adoption.date == PartialDate(2013, 4, 24)
    assert adoption.source is not None
    assert adoption.source.document == REPORT
    # "24th April": the year is the report's, an inference shown with its reasoning.
    assert adoption.qualifiers["date"].certainty is Certainty.INFERRED


def test_cabinet_adoption_is_recommended_not_recorded(council: Council) -> None:
    programme = council.programme
    assert programme.name == "Connecting Communities"
    assert programme.kind == "framework"
    # "The Cabinet agrees that: 2.1 It adopt ...": a recommendation; the decision is not recorded.
    assert programme.adopted is None
    assert programme.qualifiers["adopted"].certainty is Certainty.NOT_STATED
    assert programme.adopted_by == "Cabinet"
    assert programme.qualifiers["adopted_by"].certainty is Certainty.PROPOSED
    assert programme.status is not None
    assert programme.status.startswith("recommended for adoption")
    cabinet = by_id(council.bodies, "cabinet")
    assert "received" not in (cabinet.description or "").lower()
    assert "requests a further report" not in (cabinet.description or "")
    # The date is the cover's, the Cabinet member the end block's.
    sections = [s.section for s in cabinet.all_sources()]
    assert sections[:2] == ["Cover sheet", "End of report: Contact person, Sponsoring Cabinet Member"]
    recommendations = by_id(programme.statements, "recommendations")
    assert recommendations.certainty is Certainty.PROPOSED
    dates = {k.id: k.date for k in programme.key_dates}
    assert dates["strengths-workshop"] == PartialDate(2013, 2, 20)
    assert dates["funding-agreed"] == PartialDate(2012, 5)  # "Cabinet in May 2012": month precision
    assert dates["asset-transfer-reported"] == PartialDate(2013, 2)
    meeting = by_id(programme.key_dates, "cabinet-decision")
    assert "Taken as the adoption date" not in (meeting.note or "")


def test_phase_one_has_three_clusters_and_its_rationale(council: Council) -> None:
    phase_one = by_id(council.phases, "phase-one")
    assert phase_one.order == 1
    clusters = {c.id: c for c in council.clusters}
    assert [clusters[c].name for c in phase_one.clusters] == [
        "Keynsham Area Cluster",
        "South East Bath Cluster",
        "Somer Valley Cluster",
    ]
    assert phase_one.rationale == "in order to maximise the benefits of current regeneration and investment initiatives"
    assert phase_one.starts is None  # not given
    # "it is currently expected that ... Phase One will include ...".
    assert phase_one.qualifiers["clusters"].certainty is Certainty.EXPECTED
    assert phase_one.qualifiers["clusters"].wording == "currently expected"
    for cluster in council.clusters:
        assert cluster.phase == "phase-one"
        assert cluster.qualifiers["phase"].wording == "currently expected"
        assert cluster.wards is None  # the report does not say which wards are in each cluster
        # Nor its localities: not yet known (null), and a qualifier says the report does not give them.
        assert cluster.localities is None
        assert cluster.qualifiers["localities"].certainty is Certainty.NOT_STATED


def test_later_phases_clusters_are_not_yet_known(council: Council) -> None:
    later = [phase for phase in council.phases if phase.order > 1]
    assert len(later) == 1
    assert later[0].clusters is None
    assert later[0].starts is None
    assert later[0].description is not None
    assert "Further discussions will take place on the phasing" in (later[0].description)


def test_no_rule_the_report_does_not_make(council: Council) -> None:
    # The report sets no order or dates for the phases, so there is no phase-order rule.
    assert council.programme.rules == []


def test_core_offer_and_local_offer(council: Council) -> None:
    offers = {o.id: o for o in council.programme.offers}
    assert set(offers) == {"core-offer", "local-offer"}
    core = offers["core-offer"]
    assert core.scope == "whole area"
    assert core.items == [
        "working through local elected members and the democratic process",
        "formal consultation mechanisms",
        "engagement with “communities of interest” including equalities groups",
    ]
    assert [s.section for s in core.all_sources()] == [
        "5 The Report, 5.7",
        "2 Recommendation, 2.2",
        "7 Equalities, 7.1",
    ]
    local = offers["local-offer"]
    assert local.scope == "clusters"
    assert local.items == []  # its content is in Appendix Two, whose text is not in the source
    # 2.2 asks officers to publicise the Core Offer: a request, with no date.
    request = by_id(council.programme.statements, "core-offer-publicising")
    assert request.kind == "request"
    assert request.certainty is Certainty.PROPOSED
    assert request.source is not None
    assert request.source.section == "2 Recommendation, 2.2"


def test_funding_from_the_community_empowerment_fund(council: Council) -> None:
    (funding,) = council.programme.funding
    assert funding.amount_gbp == 105_000
    assert funding.fund == "Community Empowerment Fund"
    assert funding.agreed_by == "Cabinet"
    assert funding.agreed == PartialDate(2012, 5)


def test_progress_report_due_six_months_after_the_meeting_of_8_may_2013(council: Council) -> None:
    programme = council.programme
    report = by_id(programme.governance.reports_due, "progress-report-to-cabinet")
    assert report.to == "Cabinet"
    # Dated from the meeting, not from an adoption the report does not record.
    assert report.months_after_adoption is None
    assert report.due is None
    assert (report.months_after, report.after) == (6, PartialDate(2013, 5, 8))
    assert report.after_what == "the meeting of 8 May 2013"
    assert report.after.add_months(report.months_after) == PartialDate(2013, 11, 8)
    assert report.certainty is Certainty.PROPOSED
    assert report.qualifiers["after"].certainty is Certainty.INFERRED


def test_board_reports_on_each_cluster_have_no_date(council: Council) -> None:
    # 10.2: the Board "agreed to receive future reports focusing on the needs of individual Clusters".
    report = by_id(council.programme.governance.reports_due, "psb-cluster-needs-reports")
    assert report.to == "Public Services Board"
    assert report.for_each is not None
    assert report.for_each.place is PlaceKind.CLUSTER
    assert not report.timed
    assert report.source is not None
    assert report.source.section == "10 Consultation, 10.2"


def test_only_2_3_delegates_2_4_is_a_request(council: Council) -> None:
    governance = council.programme.governance
    (local,) = governance.delegations
    assert local.id == "local-offer-plans"
    assert local.to == "Divisional Director, Policy and Partnerships"
    assert local.consulting == "the Council Leader"
    # 2.4 "It request the Divisional Director ... to keep updated the Connecting Communities
    # Toolkit": an upkeep with no interval, shown but never judged.
    toolkit = by_id(governance.review_cycles, "toolkit-kept-updated")
    assert toolkit.every_months is None
    assert toolkit.starts is None
    assert toolkit.certainty is Certainty.PROPOSED
    assert "keep updated the Connecting Communities Toolkit" in (toolkit.note or "")
    recommendations = by_id(council.programme.statements, "recommendations")
    assert [item.split(" ", 1)[0] for item in recommendations.items] == ["2.1", "2.2", "2.3", "2.4", "2.5"]


def test_three_corporate_priorities(council: Council) -> None:
    priorities = [(o.name, o.description) for o in council.programme.objectives if o.kind == "corporate priority"]
    assert priorities == [
        (
            "Promoting independence and positive lives for everyone",
            "by providing opportunities for local people to be involved in shaping their communities "
            "and to build local projects",
        ),
        (
            "Creating neighbourhoods where people are proud to live",
            "by celebrating the successes and strengths of community projects and facilities",
        ),
        (
            "Building a stronger economy",
            "by increasing local skills and establishing and growing successful social enterprises",
        ),
    ]


def test_expected_benefits_and_one_conversation_presumption(council: Council) -> None:
    statements = {s.id: s for s in council.programme.statements}
    assert len(statements["expected-benefits"].items) == 5
    assert statements["expected-benefits"].items[-1] == (
        "More support for local innovation - for example the Proud of Your Doorstep initiative in Whiteway"
    )
    presumption = statements["one-conversation-presumption"].text
    assert presumption is not None
    assert "no longer support mechanisms which do not contribute to tackling local solutions" in presumption


def test_three_key_drivers_each_structured(council: Council) -> None:
    # 5.4: "key drivers such as the Placemaking Plan, Connecting Families and Community Budgets".
    programme = council.programme
    assert "Placemaking Plan" in [d.title for d in programme.linked_documents]
    initiatives = {i.id: i for i in programme.initiatives}
    assert initiatives["connecting-families"].name == "Connecting Families"
    assert (initiatives["community-budgets"].name, initiatives["community-budgets"].kind) == (
        "Community Budgets",
        "key driver",
    )


def test_paulton_library_is_the_only_named_hub(council: Council) -> None:
    (hub,) = council.hubs
    assert hub.venue == "Paulton library"
    assert hub.co_located_with is None  # the hub is the library itself
    assert hub.cluster is None  # the report does not place it in a cluster
    # "with more local community hubs such as the new Paulton library" does not say it is open.
    assert hub.status is HubStatus.PROPOSED
    assert not hub.status.open
    assert hub.qualifiers["status"].certainty is Certainty.NOT_STATED


def test_equality_impact_assessment_completed(council: Council) -> None:
    (eqia,) = council.programme.assessments
    assert (eqia.kind, eqia.status) == ("EqIA", "completed")
    assert by_id(council.bodies, "independent-equalities-advisory-group").independent is True


def test_every_item_has_a_source(council: Council) -> None:
    items = list(sourced_items(council))
    paths = {format_path(path) for path, _ in items}
    # The walk really reaches nested items.
    assert "programme.commitments[4]" in paths
    assert "programme.governance.reports_due[1]" in paths
    assert "programme.governance.review_cycles[0]" in paths
    assert len(items) > 50
    assert items_without_source(council) == []
    known = {document.id for document in council.documents}
    for path, item in items:
        for source in item.all_sources():
            assert source.document in known, path
            assert source.section.strip(), path
            # One section per citation: an item built from several cites each in `sources`.
            assert ";" not in source.section, path
        if item.certainty is Certainty.INFERRED:
            assert (item.reasoning or "").strip(), path
        for name, qualifier in item.qualifiers.items():
            if qualifier.certainty is Certainty.INFERRED:
                assert (qualifier.reasoning or "").strip(), (path, name)
