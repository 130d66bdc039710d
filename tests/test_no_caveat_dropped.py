"""No description or caveat of a definition is dropped by any report format.

For each bundled council, the fictional Fernbridge and a small hostile definition that sets
every kind of qualifier, every prose text of the model (found by walking its items and picking
the text fields by name, not by listing items) and the words of every qualifier that is not a
plain "stated" must appear, whitespace aside, in the text, Markdown, HTML, Word and JSON
reports. Long texts must therefore sit in paragraphs or lists: the text renderer wraps table
cells, so a long text in a cell would be found broken up and fail here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from tests.conftest import BUNDLED

from engagekit.definition import load_definition_bytes, load_definition_text
from engagekit.model import Council, Qualified, body_instances, sourced_items
from engagekit.model.certainty import Certainty
from engagekit.model.certainty import qualifier_words as model_qualifier_words
from engagekit.report import Report, council_report
from engagekit.report.docx import render_docx
from engagekit.report.html import render_html
from engagekit.report.json_format import render_json
from engagekit.report.markdown import render_markdown
from engagekit.report.text import render_text

ROOT = Path(__file__).resolve().parent.parent
FERNBRIDGE = ROOT / "examples" / "fernbridge" / "fernbridge.yaml"
AS_OF = dt.date(2026, 11, 22)

TEXT_FIELDS = {
    "description",
    "note",
    "rationale",
    "membership_note",
    "coverage",
    "reasoning",
    "wording",
    "role",
    "summary",
    "status",
    "statement",
    "tagline",
    "text",
    "relation",
    "purpose",
    "shift",
    "after_what",
}
"""The prose fields of the model: descriptions, notes, reasons, caveats and the statements' own text."""

NAMES_IN_TABLES = {("Action", "text")}
"""An action's text is its name in the action table, as every item's name is in its table:
not a caveat, and cut into lines there by the text renderer."""

ROLE_WORDS = {"primary": "the council's own", "secondary": "another's"}

HOSTILE = """
id: hostile
name: "Hostile <b>Council</b> & *friends*"
certainty: expected
wording: "(TBC)"
description: "A council with *stars*, _underscores_, [brackets], <tags> & pipes | everywhere."
documents:
  - {id: own, title: "Our strategy", role: primary, url: "https://example.org/strategy_2026.pdf",
     note: "The text held is the **draft**; the final was never published."}
  - {id: theirs, title: "A partner's review", role: secondary, note: "Someone else's view of us."}
source: {document: own, section: "1"}
areas:
  - id: north
    name: North
    kind: ward
    description: "Shared: a ward whose boundary is under review."
    source: {document: own, section: "2"}
  - id: south
    name: South
    kind: ward
    description: "Shared: a ward whose boundary is under review."
    certainty: inferred
    reasoning: "the map shows it but the text never names it"
    source: {document: own, section: "2"}
clusters:
  - id: c1
    name: "Cluster <One>"
    localities: [Upper, Lower]
    wards: null
    phase: p1
    certainty: proposed
    wording: "the proposed areas are"
    description: "Proposed | shared cluster text, with a web address https://example.org/a_b."
    qualifiers:
      wards: {certainty: not-stated, reasoning: "the wards are in an appendix we do not hold"}
    source: {document: own, section: "3"}
  - id: c2
    name: "Cluster Two"
    description: "Proposed | shared cluster text, with a web address https://example.org/a_b."
    source: {document: own, section: "3"}
phases:
  - id: p1
    name: Phase One
    order: 1
    clusters: [c1]
    rationale: "to make the most of current regeneration and investment initiatives"
    description: "The first phase; its membership is currently expected, not final."
    certainty: expected
    wording: currently expected
    qualifiers:
      clusters: {certainty: expected, wording: currently expected}
      starts: {certainty: not-stated, wording: "not given in the report", reasoning: "no month or year is given"}
    source: {document: own, section: "4"}
  - id: p2
    name: Later phases
    order: 2
    description: "Which clusters come later is not yet known."
    source: {document: own, section: "4"}
communities:
  - id: interest
    name: Communities of interest
    kind: interest
    description: "Equalities groups and others who share an interest; the list is not complete."
    examples: [equalities groups]
    certainty: inferred
    reasoning: "named only as an example of the core offer's reach"
    source: {document: own, section: "5"}
hubs:
  - id: library
    name: The library hub
    status: proposed
    description: "A hub the strategy hopes for; it does not say when it opens."
    qualifiers:
      status:
        certainty: not-stated
        wording: "\\"with more local hubs such as the library\\": open or not is not said"
    source: {document: own, section: "6"}
partners:
  - {id: cvs, name: "Hostile CVS", kind: voluntary, role: "Leads the forum; it is not its membership.",
     source: {document: theirs, section: "p. 3"}}
bodies:
  - id: network
    name: "{place} Network"
    kind: network
    for_each: {place: area, area_kind: ward}
    description: "Each ward has a network, the strategy hopes, meeting as it sees fit."
    membership_note: "Open to anyone living or working in the ward."
    coverage: "Most wards, the strategy says, or sooner."
    instances:
      - place: south
        name: South and District Network
        pilot: true
        description: "The pilot network; its area is larger than the ward."
        membership_note: "Not the full membership: only the steering group is listed."
        certainty: proposed
        wording: "to be piloted"
        source: {document: own, section: "7"}
    source: {document: own, section: "7"}
  - id: forums
    name: Community Forums
    kind: forum
    for_each: recorded
    led_by: cvs
    description: "As many forums as there are; the documents do not list them."
    quota: {public_meetings: 4, agm: true, certainty: expected, wording: "commit to",
            source: {document: own, section: "8"}}
    source: {document: own, section: "8"}
methods:
  - id: portal
    name: Consultation portal
    description: "An online portal; the levels it reaches are not stated by the documents."
    qualifiers:
      levels: {certainty: inferred, reasoning: "no participation scale is used in the documents"}
    levels: [inform]
    source: {document: own, section: "9"}
abcd:
  description: "Asset-based working, as the strategy describes it in a paragraph of its own."
  shift: "From a deficit model to a strength-based model, or so the strategy hopes."
  questions:
    - {question: themselves, wording: "What can citizens do for themselves?", certainty: proposed,
       source: {document: own, section: "10"}}
  source: {document: own, section: "10"}
earlier_programmes:
  - id: old
    name: The old policy
    summary: "The earlier policy, kept for the record, whose review was never dated."
    status: "replaced; the documents do not say when"
    certainty: not-stated
    reasoning: "only named in passing by the new strategy"
    governance:
      review_cycles:
        - {id: old-review, subject: the old policy, every_months: null, note: "reviewed as needed, never on a date",
           source: {document: own, section: "11"}}
    source: {document: own, section: "11"}
programme:
  id: plan
  name: The plan
  status: "recommended to Cabinet; the documents do not record the decision"
  summary: "A plan whose every caveat matters, set out in a summary paragraph."
  adopted_by: Cabinet
  qualifiers:
    adopted_by: {certainty: proposed, wording: "recommended to Cabinet"}
  source: {document: own, section: "12"}
  sources:
    - {document: theirs, section: "Annex"}
  key_dates:
    - {id: approval, label: Member approval, date: 2026-03, note: "Planned for March (TBC); no decision is recorded.",
       qualifiers: {date: {certainty: expected, wording: "(TBC)"}}, source: {document: own, section: "13"}}
  commitments:
    - id: listen
      name: To LISTEN
      tagline: "always being open to ideas"
      statement: "We will listen before we decide, as far as we can."
      certainty: proposed
      source: {document: own, section: "14"}
      sources:
        - {document: theirs, section: "Further source, p. 9"}
  action_plan:
    pillars:
      - id: p
        name: People
        description: "A pillar the documents call a theme, with a description of its own."
        outcomes:
          - id: o
            statement: "People are heard"
            certainty: expected
            actions:
              - id: A-1
                text: "Hold listening events in every ward"
                note: "The number of events is not given; due dates are not set."
                qualifiers:
                  owner: {certainty: not-stated, wording: "no owner named"}
                source: {document: own, section: "15"}
            source: {document: own, section: "15"}
        source: {document: own, section: "15"}
    source: {document: own, section: "15"}
  indicators:
    - {id: heard, name: People heard, kind: numeric, unit: people, description: "A measure the documents only suggest.",
       qualifiers: {target: {certainty: not-stated, wording: "no target set"}}, source: {document: own, section: "16"}}
  governance:
    monitored_by: "the Board"
    qualifiers:
      monitored_by: {certainty: inferred, reasoning: "the Board is the only body that meets on delivery"}
    review_cycles:
      - id: annual
        subject: the action plan
        every_months: 12
        starts: 2026-03
        note: "An annual review, counted from the approval month (TBC)."
        qualifiers:
          starts: {certainty: inferred, reasoning: "the strategy says 'annual' but not from when"}
        source: {document: own, section: "17"}
      - id: toolkit
        subject: the toolkit
        every_months: null
        note: "to be tested, reviewed and revised over time"
        source: {document: own, section: "17"}
    reports_due:
      - id: progress
        title: Progress report
        to: Cabinet
        months_after: 6
        after: 2026-05-08
        after_what: "the Cabinet meeting of 8 May 2026"
        certainty: proposed
        wording: "recommended"
        qualifiers:
          after: {certainty: inferred, reasoning: "the report says 'in 6 months' without saying from when"}
        source: {document: own, section: "18"}
        sources:
          - {document: theirs, section: "Minutes, item 4"}
      - id: cluster-reports
        title: "Report on the needs of the {place}"
        to: the Board
        for_each: cluster
        source: {document: own, section: "18"}
    delegations:
      - {id: toolkit-upkeep, to: "the Director", matter: "keeping the toolkit up to date", certainty: proposed,
         wording: "a request, not a delegation", source: {document: own, section: "19"}}
  rules:
    - {kind: coverage, id: every-ward, title: Every ward has an open hub, area_kind: ward, certainty: inferred,
       reasoning: "the strategy hopes for it but sets no such rule", source: {document: own, section: "20"}}
  statements:
    - {id: vision, kind: vision, title: Our vision, text: "A place where *everyone* is heard, or nearly.",
       certainty: expected, wording: "aspiration", source: {document: own, section: "21"}}
  offers:
    - {id: core, name: Core offer, scope: area, description: "What everyone gets, as far as the budget allows.",
       source: {document: own, section: "22"}}
  initiatives:
    - {id: pilot, name: The pilot, kind: pilot, status: "planned, not started", partners: [cvs],
       description: "A pilot the strategy proposes in one ward, for a year.", certainty: proposed,
       source: {document: own, section: "23"}}
  funding:
    - {id: fund, amount_gbp: 1000, fund: Small fund, purpose: "For venue hire at the listening events, one year only.",
       qualifiers: {amount_gbp: {certainty: expected, wording: "up to"}}, source: {document: own, section: "24"}}
  assessments:
    - {id: eqia, kind: EqIA, name: Equality impact assessment, status: draft,
       description: "A draft assessment; the final is to follow.", source: {document: own, section: "25"}}
  legal:
    - {id: gunning, name: The Gunning principles,
       description: "Four principles for fair consultation, as case law sets them.", certainty: inferred,
       reasoning: "the strategy cites consultation law but not Gunning by name",
       source: {document: theirs, section: "Case law"}}
  linked_documents:
    - {title: The local plan, relation: "shapes where hubs can go, the strategy says", certainty: expected,
       source: {document: own, section: "26"}}
  objectives:
    - {id: obj, name: A fairer place, kind: corporate promise, description: "A promise the plan contributes to.",
       source: {document: own, section: "27"}}
"""


COUNCIL_IDS = [*BUNDLED, "fernbridge", "hostile"]


@pytest.fixture(scope="module")
def councils(bundled_councils: dict[str, Council]) -> dict[str, Council]:
    """The bundled councils (from conftest), Fernbridge and the hostile definition, by id."""
    return {
        **bundled_councils,
        "fernbridge": load_definition_bytes(FERNBRIDGE.read_bytes(), FERNBRIDGE.name),
        "hostile": load_definition_text(HOSTILE, "hostile.yaml"),
    }


# -- what must appear ---------------------------------------------------------------------


def flat(text: str) -> str:
    return " ".join(text.split())


def prose(council: Council) -> Iterator[tuple[str, str]]:
    """Every prose text of the model, with where it is: ``(path, text)``."""
    for path, item in sourced_items(council):
        for field in attrs.fields(type(item)):
            value = getattr(item, field.name)
            chosen = field.name in TEXT_FIELDS and (type(item).__name__, field.name) not in NAMES_IN_TABLES
            if chosen and isinstance(value, str) and value.strip():
                yield f"{_where(path)}.{field.name}", value
        for name, qualifier in getattr(item, "qualifiers", {}).items():
            for part in ("reasoning", "wording"):
                if text := getattr(qualifier, part):
                    yield f"{_where(path)}.qualifiers.{name}.{part}", text
    for index, document in enumerate(council.documents):
        for name in ("note", "url"):
            if text := getattr(document, name):
                yield f"documents[{index}].{name}", text
        if document.role is not None:
            yield f"documents[{index}].role", ROLE_WORDS[document.role.value]


def qualifier_words(council: Council) -> Iterator[tuple[str, str]]:
    """The words the model gives every qualifier that is not a plain "stated"."""
    for path, item in sourced_items(council):
        if isinstance(item, Qualified) and (words := _item_words(item)):
            yield _where(path), words
        for name, qualifier in getattr(item, "qualifiers", {}).items():
            if words := qualifier.words():
                yield f"{_where(path)}.qualifiers.{name}", words


def _item_words(item: Qualified) -> str:
    """The item's qualifier words; an ABCD question's ``wording`` is its text, not a qualifier."""
    wording = attrs.fields_dict(type(item))["wording"]
    if wording.metadata.get("qualifier"):
        return item.qualifier()
    return model_qualifier_words(item.certainty, None, item.reasoning)


def instance_labels(council: Council) -> Iterator[tuple[str, str]]:
    """The label of every instance a body declared for each place stands for."""
    for body in council.bodies:
        if body.for_each is not None:
            for placed in body_instances(council, body):
                yield placed.id, placed.label


def _where(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".") or "council"


def expected(council: Council) -> list[tuple[str, str]]:
    return [*prose(council), *qualifier_words(council), *instance_labels(council)]


# -- the formats as plain text ------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "svg")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "svg")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(report: Report) -> str:
    parser = _Text()
    parser.feed(render_html(report))
    return " ".join(parser.parts)


def markdown_text(report: Report) -> str:
    return re.sub(r"\\(.)", r"\1", render_markdown(report))


def docx_text(report: Report) -> str:
    docx = pytest.importorskip("docx")
    document = docx.Document(io.BytesIO(render_docx(report)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def json_text(report: Report) -> str:
    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    return "\n".join(strings(json.loads(render_json(report))))


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "markdown": markdown_text,
    "html": html_text,
    "docx": docx_text,
    "json": json_text,
}


@pytest.fixture(scope="module")
def reports(councils: dict[str, Council]) -> dict[str, Report]:
    return {council_id: council_report(council, AS_OF) for council_id, council in councils.items()}


def missing_from(report: Report, council: Council, render: Callable[[Report], str]) -> list[str]:
    rendered = flat(render(report))
    return [f"{where}: {text!r}" for where, text in expected(council) if flat(text) not in rendered]


# -- the tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", list(FORMATS))
@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_no_description_or_caveat_is_dropped(
    councils: dict[str, Council], reports: dict[str, Report], council_id: str, format_name: str
) -> None:
    missing = missing_from(reports[council_id], councils[council_id], FORMATS[format_name])
    assert missing == [], f"{len(missing)} texts missing from the {format_name} report:\n" + "\n".join(missing)


def test_the_hostile_fixture_sets_every_kind_of_qualifier(councils: dict[str, Council]) -> None:
    """Otherwise the test above would not be checking every kind."""
    council = councils["hostile"]
    items = [item for _, item in sourced_items(council) if isinstance(item, Qualified)]
    own = {item.certainty for item in items}
    by_field = {q.certainty for item in items for q in item.qualifiers.values()}
    assert own == set(Certainty)
    assert by_field >= set(Certainty) - {Certainty.STATED}
    assert any(item.sources for item in items)
    assert {d.role.value for d in council.documents if d.role} == {"primary", "secondary"}
    assert len(list(expected(council))) > 60


def test_untimed_obligations_are_listed_as_not_judged(reports: dict[str, Report]) -> None:
    text = flat(render_text(reports["hostile"]))
    assert "The toolkit — not judged: the documents set no interval" in text
    assert (
        "Report on the needs of the cluster to the Board — one for each cluster: Cluster <One>, Cluster Two"
        " — not judged: the documents set no date" in text
    )
    assert "the old policy (no fixed interval)" in text
    assert not [f for f in reports["hostile"].findings if f.rule_id in ("toolkit", "cluster-reports")]


def test_further_sources_are_cited_beside_the_main_one(reports: dict[str, Report]) -> None:
    text = flat(render_text(reports["hostile"]))
    assert "Source: Our strategy, 14; also A partner's review, Further source, p. 9" in text
    json_rows = json_text(reports["hostile"])
    assert "Our strategy, 18; also A partner's review, Minutes, item 4" in json_rows


def test_a_shared_description_is_printed_once_naming_every_item(
    councils: dict[str, Council], reports: dict[str, Report]
) -> None:
    text = render_text(reports["hostile"])
    shared = "Proposed | shared cluster text"
    assert flat(text).count(shared) == 1
    assert "Cluster <One>, Cluster Two: Proposed | shared cluster text" in flat(text)
    thurrock = flat(render_text(reports["thurrock"]))
    description = flat(councils["thurrock"].clusters[0].description or "")
    assert thurrock.count(description) == 1


def test_adoption_not_recorded_is_not_worded_as_not_adopted(reports: dict[str, Report]) -> None:
    for council_id, report in reports.items():
        text = flat(render_text(report))
        assert "not adopted in the documents" not in text, council_id
    hostile = flat(render_text(reports["hostile"]))
    assert (
        "Adopted: adoption not recorded in the documents "
        "(recommended to Cabinet; the documents do not record the decision)" in hostile
    )
    assert "Adoption by: Cabinet (recommended to Cabinet)" in hostile
