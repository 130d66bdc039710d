"""Records checked against the council (``engagekit.records.checks``): what an unknown id's message
offers instead, and the ids a record must name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from engagekit.records.checks import LIST_ALL_UP_TO, Vocabulary, known_ids
from engagekit.records.kinds import ActionStatus, ActionUpdate, EngagementEvent, EventKind

WARDS = [f"ward-{n:02d}-panel" for n in range(38)]


def vocabulary(**ids: list[str]) -> Vocabulary:
    kinds = ("actions", "indicators", "bodies", "areas", "clusters", "hubs", "obligations")
    return Vocabulary(**{kind: frozenset(ids.get(kind, [])) for kind in kinds})


def meeting(**fields: Any) -> EngagementEvent:
    return EngagementEvent(
        council_id="testshire", date=dt.date(2025, 6, 1), recorded_by="tester", event_kind=EventKind.MEETING, **fields
    )


# -- what an unknown id's message offers ----------------------------------------------------


def test_with_no_ids_of_the_kind_it_says_so() -> None:
    assert known_ids(frozenset(), "forum") == "known: none"


def test_up_to_twenty_ids_are_all_listed_in_order() -> None:
    twenty = [f"id-{n:02d}" for n in range(LIST_ALL_UP_TO)]
    assert LIST_ALL_UP_TO == 20
    assert known_ids(frozenset(reversed(twenty)), "nothing-like-it") == "known: " + ", ".join(twenty)


def test_fifteen_actions_are_all_listed_not_only_the_first_twelve() -> None:
    actions = [f"CN-{n}" for n in range(1, 16)]
    [(column, message)] = vocabulary(actions=actions).problems(
        ActionUpdate(
            council_id="testshire",
            date=dt.date(2025, 1, 1),
            recorded_by="tester",
            action_id="CN-99",
            status=ActionStatus.DELAYED,
        )
    )
    assert column == "action"
    assert message == f"no action 'CN-99' in this council (known: {', '.join(sorted(actions))})"
    assert "..." not in message


def test_more_than_twenty_gives_the_closest_and_counts_the_rest() -> None:
    known = vocabulary(bodies=["forums", "forum-a", *WARDS])
    assert known.problems(meeting(body_id="forumz")) == [
        ("body", "no body 'forumz' in this council (closest: forums, forum-a; 38 others)")
    ]


def test_closest_names_at_most_five() -> None:
    many = [f"forum-{letter}" for letter in "abcdefgh"] + WARDS
    assert known_ids(frozenset(many), "forum-z") == "closest: forum-a, forum-b, forum-c, forum-d, forum-e; 41 others"


def test_one_other_is_singular_and_no_close_match_is_counted() -> None:
    known = frozenset(f"hub-{n:02d}" for n in range(LIST_ALL_UP_TO + 1))
    assert known_ids(known - {"hub-00"} | {"library"}, "librar") == "closest: library; 20 others"
    assert known_ids(known, "zzzzzzzz") == "21 known, none close to it"
    assert known_ids(known) == "21 known"


# -- an AGM names its body ------------------------------------------------------------------


def test_an_agm_with_no_body_is_refused_on_the_body_column() -> None:
    known = vocabulary(bodies=["town-forums", "partnership-board"])
    assert known.problems(meeting(agm=True, public=True)) == [
        ("body", "missing: an AGM must name the body that held it (known: partnership-board, town-forums)")
    ]


def test_an_agm_with_its_body_and_a_meeting_with_no_body_are_accepted() -> None:
    known = vocabulary(bodies=["town-forums"])
    assert known.problems(meeting(agm=True, body_id="town-forums")) == []
    assert known.problems(meeting(public=True)) == []


@pytest.mark.parametrize("bodies", [[], ["forums", "forum-a", *WARDS]], ids=["no-bodies", "many-bodies"])
def test_an_agm_with_no_body_says_what_there_is_to_name(bodies: list[str]) -> None:
    [(column, message)] = vocabulary(bodies=bodies).problems(meeting(agm=True))
    assert column == "body"
    assert message.endswith("(known: none)" if not bodies else "(40 known)")
