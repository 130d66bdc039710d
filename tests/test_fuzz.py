"""Fuzzing the definition loader and the record importers with Hypothesis.

Every input, however malformed, truncated, oversized or wrongly typed, must end in a clear
error (``DefinitionError``, ``RowProblem``, ``FileProblem`` or an ``ImportResult`` with
problems), never another exception, a hang or a partial write. See docs/fuzzing.md.

The number of examples per test comes from a profile: ``HYPOTHESIS_PROFILE=thorough`` runs
5,000 examples per test instead of the quick defaults (see ``EXAMPLES``).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import enum
import functools
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engagekit.definition import DefinitionError, load_definition_bytes, load_definition_text, structure_council
from engagekit.definition.yaml_reader import read_yaml
from engagekit.model import Council
from engagekit.model.engagement import ParticipationLevel
from engagekit.records import (
    ActionStatus,
    EventKind,
    ImportResult,
    RecordKind,
    RecordStore,
    ReviewKind,
    RowProblem,
    open_store,
    schema,
)
from engagekit.records.checks import Vocabulary
from engagekit.records.fast import FAST_KINDS, RowCompiler
from engagekit.records.files import FileProblem, csv_table, file_sha256, json_rows, read_csv, read_xlsx
from engagekit.records.kinds import Record
from engagekit.records.rows import _FIELDS, ALL_COLUMNS, COMMON_COLUMNS, parse_row

with warnings.catch_warnings():  # Hypothesis imports libcst to suggest patches for failures; it warns on import
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import libcst  # noqa: F401

# -- profiles -----------------------------------------------------------------------------

settings.register_profile(
    "engagekit-fuzz",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("thorough", settings.get_profile("engagekit-fuzz"), max_examples=5_000)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "engagekit-fuzz")
BASE = settings.get_profile("engagekit-fuzz")

QUICK = {
    "text": 300,
    "bytes": 300,
    "yamlish": 300,
    "structured": 150,
    "truncated": 100,
    "rows": 500,
    "mapping_import": 60,
    "csv_import": 80,
    "json_import": 60,
    "fast_agrees": 400,
    "xlsx_import": 40,
}
"""Examples per test in a normal run (the whole file runs in well under a minute)."""
EXAMPLES = {name: (5_000 if PROFILE == "thorough" else count) for name, count in QUICK.items()}
"""Examples per test for the chosen profile."""

PER_EXAMPLE_SECONDS = 20
"""An example that takes longer than this counts as a hang."""

BUNDLED = {
    "basildon": ("engagekit_basildon", "basildon.yaml"),
    "bathnes": ("engagekit_bathnes", "bathnes.yaml"),
    "thurrock": ("engagekit_thurrock", "thurrock.yaml"),
}


def fuzz_settings(name: str) -> settings:
    return settings(BASE, max_examples=EXAMPLES[name])


@contextlib.contextmanager
def no_hang(seconds: int = PER_EXAMPLE_SECONDS) -> Iterator[None]:
    """Fail (instead of hanging the run) if the body takes longer than ``seconds``."""

    def alarm(*_: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- bundled definitions --------------------------------------------------------------------


@functools.cache
def bundled_text(council_id: str) -> str:
    package, filename = BUNDLED[council_id]
    return (files(package) / filename).read_text(encoding="utf-8")


@functools.cache
def bundled_data(council_id: str) -> Any:
    data, _ = read_yaml(bundled_text(council_id))
    return data


@functools.cache
def bundled_council(council_id: str) -> Council:
    package, filename = BUNDLED[council_id]
    return load_definition_bytes((files(package) / filename).read_bytes(), filename)


TOLERATE_KNOWN_BUGS = os.environ.get("ENGAGEKIT_FUZZ_KNOWN_BUGS") == "tolerate"
"""Set ``ENGAGEKIT_FUZZ_KNOWN_BUGS=tolerate`` to let a run go past the bugs listed in docs/fuzzing.md
(and so count how many cases it tries, and find new bugs); by default they fail, as they should."""


def known_bug(error: BaseException) -> bool:
    """Whether ``error`` is one of the bugs found by this fuzzing and listed in docs/fuzzing.md."""
    if not TOLERATE_KNOWN_BUGS:
        return False
    if isinstance(error, RecursionError):  # bug 1: deeply nested YAML
        return True
    if isinstance(error, UnicodeDecodeError | csv.Error):  # bug 4: CsvTable.rows() does not catch these
        return True
    if isinstance(error, AttributeError | ValueError) and not isinstance(error, DefinitionError):
        # bug 6: an explicit tag (!!timestamp, !!int) on a value that does not fit it
        return "groupdict" in str(error) or "invalid literal for int()" in str(error)
    if isinstance(error, DefinitionError):  # bug 2: a reader error spread over two lines
        return any("\n" in problem.message for problem in error.problems) or any(  # bug 7: a key with a newline
            "\n" in str(step) for problem in error.problems for step in problem.path
        )
    if isinstance(error, OverflowError):  # bug 3: a whole number too big for SQLite
        return "SQLite INTEGER" in str(error)
    return False


def check_definition(call: Any, name: str) -> None:
    """``call()`` gives a Council or raises DefinitionError whose lines each name the file."""
    failure: DefinitionError | None = None
    try:
        with no_hang():
            council = call()
    except DefinitionError as error:
        failure = error
    except (RecursionError, AttributeError, ValueError) as error:
        if not known_bug(error):
            raise
        return
    if failure is not None:
        assert failure.problems, "a DefinitionError with no problems"
        if known_bug(failure):
            return
        lines = str(failure).split("\n")
        assert len(lines) == len(failure.problems), lines
        for line in lines:
            assert line.startswith(f"{name}:") or line.startswith(f"{name} "), line
    else:
        assert isinstance(council, Council)


# -- (1) arbitrary text and bytes ----------------------------------------------------------

YAML_TOKENS = st.sampled_from(
    [
        "id",
        "name",
        "programme",
        "action_plan",
        "pillars",
        "outcomes",
        "actions",
        "commitments",
        "indicators",
        "governance",
        "areas",
        "adopted",
        ": ",
        ":",
        "- ",
        "-",
        "\n",
        "\n  ",
        "\n    ",
        "\t",
        " ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "<<: *a",
        "<<: ",
        "!!python/object:os.system ",
        "!!binary ",
        "!!timestamp ",
        "!!int ",
        "!!float ",
        "!!set ",
        "? ",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "#",
        "'",
        '"',
        "|\n",
        ">\n",
        "~",
        "null",
        "true",
        "no",
        "2022-03-01",
        "2022-13",
        "1.5",
        "010",
        "0x1F",
        "1e999",
        "-.inf",
        ".nan",
        "99999999999999999999999999",
        "\ufeff",
        "\x00",
        "\x85",
        "\u2028",
        "\U0001f600",
    ]
)
yamlish = st.lists(st.one_of(YAML_TOKENS, st.text(max_size=5)), max_size=60).map("".join)


@fuzz_settings("text")
@given(text=st.text())
@example(text="[" * 600 + "]" * 600)  # BUG: RecursionError from yaml_reader._convert, not DefinitionError
@example(text="a: " + "{b: " * 600 + "1" + "}" * 600)  # BUG: the same, through mappings
@example(text="\x1f")  # BUG: the reader error's message runs over two lines and has no line number
def test_any_text_is_a_council_or_a_definition_error(text: str) -> None:
    check_definition(lambda: load_definition_text(text, "fuzz.yaml"), "fuzz.yaml")


@fuzz_settings("bytes")
@given(raw=st.binary())
@example(raw=b"\x00")  # BUG: as "\x1f" above
def test_any_bytes_are_a_council_or_a_definition_error(raw: bytes) -> None:
    text = raw.decode("utf-8", errors="replace")
    check_definition(lambda: load_definition_text(text, "fuzz.yaml"), "fuzz.yaml")
    check_definition(lambda: load_definition_bytes(raw, "raw.yaml"), "raw.yaml")


@fuzz_settings("yamlish")
@given(text=yamlish)
@example(text="!!timestamp ")  # BUG: AttributeError from PyYAML's timestamp constructor, not a DefinitionError
@example(text="!!int ")  # BUG: ValueError from yaml_reader._decimal_int, not a DefinitionError
def test_yaml_like_text_is_a_council_or_a_definition_error(text: str) -> None:
    check_definition(lambda: load_definition_text(text, "fuzz.yaml"), "fuzz.yaml")
    check_definition(lambda: load_definition_text("id: x\nname: X\nprogramme:\n  " + text, "p.yaml"), "p.yaml")


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    raw = b"id: x\nname: X\n" + b"# padding\n" * (1024 * 1024 + 1)
    check_definition(lambda: load_definition_bytes(raw, "big.yaml"), "big.yaml")
    with pytest.raises(DefinitionError, match="the limit is"):
        load_definition_bytes(raw, "big.yaml")


def test_a_very_deeply_nested_document_does_not_crash_the_process() -> None:
    """BUG (currently fails): 50,000 nested '[' (100 kB, well under the size limit) crash the
    interpreter with a segmentation fault inside libyaml's composer (yaml.CSafeLoader), so no
    DefinitionError is ever raised. Run in a subprocess so the crash cannot take pytest down."""
    if TOLERATE_KNOWN_BUGS:
        pytest.skip("known bug 5 (docs/fuzzing.md)")
    code = (
        "from engagekit.definition import DefinitionError, load_definition_text\n"
        "try:\n"
        "    load_definition_text('[' * 50_000 + ']' * 50_000, 'deep.yaml')\n"
        "except DefinitionError as error:\n"
        "    print(str(error).splitlines()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"exit status {done.returncode}: {done.stderr[-500:]}"
    assert done.stdout.startswith("deep.yaml"), done.stdout


# -- (2) structured fuzz of the bundled definitions -----------------------------------------

json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["", "2024-01-01", "2024", "2024-13", "yes", "CN-1", "borough", "x" * 10_000]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=15,
)


def node_paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from node_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from node_paths(value, (*path, index))


def get_at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def set_at(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    get_at(data, path[:-1])[path[-1]] = value
    return data


@st.composite
def mutated_definition(draw: st.DrawFn) -> tuple[str, Any]:
    council_id = draw(st.sampled_from(sorted(BUNDLED)))
    data = copy.deepcopy(bundled_data(council_id))
    for _ in range(draw(st.integers(1, 4))):
        paths = list(node_paths(data))
        path = paths[draw(st.integers(0, len(paths) - 1))]
        target = get_at(data, path)
        operation = draw(st.sampled_from(["replace", "delete", "add", "truncate", "nest"]))
        if operation == "replace":
            data = set_at(data, path, draw(json_like))
        elif operation == "delete" and path:
            parent = get_at(data, path[:-1])
            del parent[path[-1]]
        elif operation == "add" and isinstance(target, dict):
            target[draw(st.text(min_size=1, max_size=12))] = draw(json_like)
        elif operation == "truncate" and isinstance(target, list):
            del target[draw(st.integers(0, len(target))) :]
        elif operation == "nest":
            depth = draw(st.integers(1, 300))
            for _ in range(depth):
                target = [target] if draw(st.booleans()) else {"x": target}
            data = set_at(data, path, target)
        if not isinstance(data, dict):
            break
    return council_id, data


@fuzz_settings("structured")
@given(case=mutated_definition())
@example(case=("basildon", {"\n": None}))  # BUG: a key with a newline is printed raw, splitting a problem in two
def test_mutated_bundled_definitions_are_a_council_or_a_definition_error(case: tuple[str, Any]) -> None:
    council_id, data = case
    name = f"{council_id}.yaml"
    if not isinstance(data, dict):
        return  # structure_council takes a mapping; the loader refuses anything else itself
    check_definition(lambda: structure_council(data, name), name)


# -- (3) truncated YAML -----------------------------------------------------------------------


@fuzz_settings("truncated")
@given(council_id=st.sampled_from(sorted(BUNDLED)), cut=st.floats(0, 1), drop=st.integers(0, 200))
def test_truncated_bundled_definitions_are_a_council_or_a_definition_error(
    council_id: str, cut: float, drop: int
) -> None:
    text = bundled_text(council_id)
    point = int(len(text) * cut)
    truncated = text[:point]
    check_definition(lambda: load_definition_text(truncated, "cut.yaml"), "cut.yaml")
    gap = text[:point] + text[point + drop :]  # a chunk missing from the middle
    check_definition(lambda: load_definition_text(gap, "gap.yaml"), "gap.yaml")


# -- (4) rows for parse_row -------------------------------------------------------------------

ENUM_WORDS = [
    member.value for kind in (RecordKind, ActionStatus, EventKind, ReviewKind, ParticipationLevel) for member in kind
]
cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.sampled_from(ENUM_WORDS),
    st.sampled_from(["", " ", "2024-03-01", "2024-02-30", "yes", "no", "50", "101", "-1", "1e400", "nan", "inf"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
rows = st.dictionaries(st.sampled_from(ALL_COLUMNS) | st.text(max_size=10), cell_values, max_size=12)


@fuzz_settings("rows")
@given(row=rows, default_kind=st.none() | st.sampled_from(RecordKind))
def test_any_row_is_a_record_or_a_row_problem(row: dict[str, Any], default_kind: RecordKind | None) -> None:
    failure: RowProblem | None = None
    try:
        with no_hang():
            record, source_id = parse_row(row, council_id="basildon", recorded_by="fuzz", default_kind=default_kind)
    except RowProblem as problem:
        failure = problem
    if failure is not None:
        assert failure.problems
        assert all(isinstance(column, str) and message for column, message in failure.problems)
    else:
        assert isinstance(record, Record)
        assert source_id is None or isinstance(source_id, int)


# -- (5) imports into a SQLite store -----------------------------------------------------------


def record_counts(store: RecordStore) -> dict[str, int]:
    with store.engine.connect() as connection:
        counts = {
            kind: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for kind, table in schema.RECORD_TABLES.items()
        }
        counts["imports"] = connection.execute(sa.select(sa.func.count()).select_from(schema.imports)).scalar_one()
    return counts


@pytest.fixture(scope="module")
def fuzz_store() -> Iterator[RecordStore]:
    """One SQLite store for every example of a test (each import is checked against the counts before it)."""
    with (
        tempfile.TemporaryDirectory() as folder,
        open_store(f"sqlite:///{folder}/fuzz.db", busy_timeout_ms=30_000) as store,
    ):
        yield store


def check_import(store: RecordStore, make_rows: Any, source: str, sha256: str, default_kind: Any = None) -> None:
    """Import ``make_rows()``: a FileProblem or an ImportResult, and nothing written unless it is ok."""
    council = bundled_council("basildon")
    before = record_counts(store)
    try:
        with no_hang():
            result = store.import_rows(
                council, make_rows(), source_name=source, sha256=sha256, recorded_by="fuzz", default_kind=default_kind
            )
    except (OverflowError, UnicodeDecodeError, csv.Error) as error:
        if not known_bug(error):
            raise
        assert record_counts(store) == before, "a failed import left records behind"
        return
    except FileProblem as problem:
        refused = str(problem)
        assert refused
        assert record_counts(store) == before, "a FileProblem left records behind"
        return
    assert isinstance(result, ImportResult)
    after = record_counts(store)
    if not result.ok or result.already_imported:
        assert result.added == 0
        assert after == before, f"partial write: {before} -> {after} with problems {result.problems[:3]}"
    else:
        added = sum(after[kind] - before[kind] for kind in schema.RECORD_TABLES)
        assert added == result.added == result.rows
        assert after["imports"] == before["imports"] + 1


def vocabulary_words() -> list[str]:
    vocabulary = Vocabulary.of(bundled_council("basildon"))
    words: list[str] = []
    for ids in attrs_values(vocabulary):
        words += sorted(ids)[:5]
    return words


def attrs_values(vocabulary: Vocabulary) -> list[frozenset[str]]:
    return [
        vocabulary.actions,
        vocabulary.indicators,
        vocabulary.bodies,
        vocabulary.areas,
        vocabulary.clusters,
        vocabulary.hubs,
        vocabulary.obligations,
    ]


@st.composite
def import_cells(draw: st.DrawFn) -> str:
    cell: str = draw(
        st.one_of(
            st.sampled_from(["", "2024-03-01", "2024-03-09", "2023-01-01", "not a date", "yes", "no", "50", "-3"]),
            st.sampled_from(ENUM_WORDS),
            st.sampled_from(vocabulary_words()),
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
            st.floats().map(str),
            st.text(max_size=12),
            st.sampled_from(['"', '""', "a\nb", "\r", "\x00", "," * 3, "x" * 200]),
        )
    )
    return cell


@fuzz_settings("mapping_import")
@given(batch=st.lists(rows, max_size=6), default_kind=st.none() | st.sampled_from(RecordKind))
def test_importing_any_mappings_is_all_or_nothing(
    fuzz_store: RecordStore, batch: list[dict[str, Any]], default_kind: RecordKind | None
) -> None:
    digest = f"mapping-{hash(repr(batch))}-{os.urandom(4).hex()}"
    check_import(fuzz_store, lambda: iter(batch), "mappings", digest, default_kind)


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:  # now and then, text with no structure at all
        return draw(st.text()).encode("utf-8") if draw(st.booleans()) else draw(st.binary())
    header = draw(st.lists(st.sampled_from(ALL_COLUMNS), min_size=1, max_size=10, unique=True))
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(["colour", "", "Kind", *header])))
    lines = [header]
    for _ in range(draw(st.integers(0, 8))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
        lines.append([draw(import_cells()) for _ in range(max(width, 0))])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(lines)
    raw = buffer.getvalue().encode("utf-8")
    damage = draw(st.sampled_from(["none", "none", "truncate", "bad-utf8", "stray-quote", "bom"]))
    if damage == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif damage == "bad-utf8":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + b"\xff\xfe" + raw[at:]
    elif damage == "stray-quote":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + b'"' + raw[at:]
    elif damage == "bom":
        raw = b"\xef\xbb\xbf" + raw
    return raw


@fuzz_settings("csv_import")
@given(raw=csv_documents(), fast=st.booleans(), default_kind=st.none() | st.sampled_from(RecordKind))
@example(
    raw=b"kind,date,event,attendance\nevent,2024-03-01,meeting,99999999999999999999\n", fast=True, default_kind=None
)
# BUG: the same big number through the general path (an ``id`` column sends the file there)
@example(
    raw=b"kind,id,date,event,supersedes\nevent,1,2024-03-01,meeting,99999999999999999999\n",
    fast=False,
    default_kind=None,
)
# BUG: a cell over csv's field limit: _csv.Error from CsvTable.rows() (fast.py) instead of a FileProblem
@example(raw=b'kind,date,event\nevent,2024-03-01,"' + b"x" * 140_000 + b'"\n', fast=True, default_kind=None)
# BUG: bad UTF-8 after the first 8 kB: UnicodeDecodeError from CsvTable.rows() instead of a FileProblem
@example(raw=b"kind,date,event\n" + b"event,2024-03-01,meeting\n" * 500 + b"\xff\n", fast=True, default_kind=None)
def test_importing_any_csv_file_is_a_file_problem_or_all_or_nothing(
    fuzz_store: RecordStore, raw: bytes, fast: bool, default_kind: RecordKind | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(raw)
        digest = file_sha256(path) + os.urandom(4).hex()  # every example really imports
        try:
            table = csv_table(path) if fast else None
        except FileProblem:
            return
        check_import(fuzz_store, (lambda: table) if fast else (lambda: read_csv(path)), str(path), digest, default_kind)


@st.composite
def json_documents(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.binary())
    if choice == 1:
        return json.dumps(draw(json_like)).encode()
    records: list[Any] = draw(
        st.lists(st.dictionaries(st.sampled_from(ALL_COLUMNS), json_like | import_cells(), max_size=8), max_size=5)
    )
    if draw(st.booleans()):
        records.append(draw(json_like))
    return json.dumps({"schema_version": 1, "records": records}).encode()


@fuzz_settings("json_import")
@given(raw=json_documents())
def test_importing_any_json_file_is_a_file_problem_or_all_or_nothing(fuzz_store: RecordStore, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(raw)
        digest = file_sha256(path) + os.urandom(4).hex()
        check_import(fuzz_store, lambda: json_rows(path), str(path), digest)


# -- (6) the fast CSV path accepts only what the general parser accepts ----------------------

HOSTILE_CELLS = [
    "20240102",
    "2024-W01-3",
    "2023-02-29",
    "2024-02-29",
    "1899-12-31",
    "2200-01-01",
    "\u0662\u0660\u0662\u0664-01-02",
    "1_0",
    "\u0661\u0662",
    "١٠٠",
    "+5",
    "007",
    "1e15",
    "1e16",
    "-1e15",
    "1.",
    ".5",
    "0x10",
    "inf",
    "-Infinity",
    "NaN",
    "2147483647",
    "2147483648",
    "a\x00b",
    "a\x1b[2Jb",
    "a\x85b",
    "line\nbreak",
    "tab\there",
    "\ud800",
    "'=1+1",
    "''quoted",
    "'-3",
    " padded ",
    "x" * 101,
    "x" * 501,
    "y" * 20_001,
]


@st.composite
def fast_cells(draw: st.DrawFn) -> str:
    cell: str = draw(
        st.one_of(
            import_cells(),
            st.sampled_from(HOSTILE_CELLS),
            st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\x1b\x7f\x85\n\t"), max_size=8),
        )
    )
    return cell


def good_cells(kind: RecordKind) -> dict[str, list[str]]:
    """Cells each column of ``kind`` takes in Basildon (a few each), to build rows the fast path reads."""
    vocabulary = Vocabulary.of(bundled_council("basildon"))
    ids = {
        "action": vocabulary.actions,
        "indicator": vocabulary.indicators,
        "body": vocabulary.bodies - vocabulary.repeating,
        "area": vocabulary.areas,
        "cluster": vocabulary.clusters,
        "hub": vocabulary.hubs,
        "obligation": vocabulary.obligations,
    }
    cells = {column: sorted(known)[:3] for column, known in ids.items()}
    text = ["A title", "Café, 2nd floor", "'=1+1", "-3 people", "x" * 100]
    return {
        **cells,
        "kind": [kind.value, kind.value.upper()],
        "date": ["2024-03-01", "1900-01-01", "2199-12-31", "2024-02-29"],
        "end_date": ["2024-03-02", "2199-12-31"],
        "value": ["12.5", "-3", "1e15", "0", "+7", ".5"],
        "status": [member.value for member in ActionStatus],
        "percent": ["0", "40", "100", "+5"],
        "event": [member.value for member in EventKind],
        "review": [member.value for member in ReviewKind],
        "level": [member.value for member in ParticipationLevel],
        "public": ["yes", "No", "TRUE", "0"],
        "agm": ["no", "n", "false"],
        "attendance": ["0", "12", "2147483647"],
        "title": text,
        "approved_by": text[:3],
        "note": [*text, "two\nlines", "tab\there", "y" * 20_000],
        "formative": ["two\nlines", "z" * 20_000],
        "reasons": ["r"],
        "responses": ["r"],
        "considered": ["annual report; accounts"],
        "recorded_by": ["someone", "w" * 200],
    }


@st.composite
def fast_rows(draw: st.DrawFn) -> tuple[list[str], list[str], RecordKind | None]:
    """A header a fast kind reads and a row under it: sound cells, a few of them replaced by hostile ones."""
    kind = draw(st.sampled_from(FAST_KINDS))
    columns = [c for c in COMMON_COLUMNS if c not in ("id", "supersedes", "recorded_at")] + list(_FIELDS[kind])
    header = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=len(columns), unique=True))
    good = good_cells(kind)
    cells = [draw(st.sampled_from(good.get(column) or [""])) for column in header]
    for _ in range(draw(st.integers(0, 2))):
        cells[draw(st.integers(0, len(cells) - 1))] = draw(fast_cells())
    return header, cells, draw(st.none() | st.just(kind))


def _compiled_fields(compiler: RowCompiler, kind: str, values: tuple[Any, ...]) -> dict[str, Any]:
    columns, _ = compiler.plans[kind]
    skip = {"council_id", "recorded_at", "supersedes", "import_id"}
    return {column: value for column, value in zip(columns, values, strict=True) if column not in skip}


@fuzz_settings("fast_agrees")
@given(case=fast_rows(), who=st.sampled_from(["fuzz", "w" * 201, "bad\x00name"]))
@example(
    case=(["kind", "date", "indicator", "value"], ["indicator-reading", "2024-03-01", "x", "1_0"], None), who="fuzz"
)
def test_the_fast_path_accepts_exactly_what_the_general_parser_accepts(
    case: tuple[list[str], list[str], RecordKind | None], who: str
) -> None:
    header, cells, default_kind = case
    council = bundled_council("basildon")
    vocabulary = Vocabulary.of(council)
    compiler = RowCompiler(
        header,
        council_id=council.id,
        recorded_by=who,
        recorded_at=None,
        import_id=1,
        vocabulary=vocabulary,
        default_kind=default_kind,
        sqlite=False,
    )
    compiled = compiler.compile(list(cells))
    record, problems = compiler.fallback(cells)
    # The two must agree both ways: a row the fast path takes wrongly would reach the store unchecked,
    # and one it hands on needlessly costs a record object (for these kinds, none should be handed on).
    if compiled is None:
        assert record is None, f"the fast path handed on a row the general parser takes: {record}"
        return
    assert record is not None, f"the fast path took a row the general parser refuses: {problems}"
    kind, values = compiled
    assert record.kind.value == kind
    for field, value in _compiled_fields(compiler, kind, values).items():
        held = getattr(record, field)
        held = held.value if isinstance(held, enum.Enum) else held
        assert value == held, (field, value, held)


# -- (7) random XLSX workbooks ------------------------------------------------------------------

xlsx_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["=1+1", "=A1", '=HYPERLINK("http://x","click")', "'=1", "#N/A"]),
    st.sampled_from(vocabulary_words()),
    st.sampled_from(ENUM_WORDS),
    fast_cells(),
)


_WORKBOOK_CANNOT_HOLD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
"""What an XLSX cell cannot hold at all (openpyxl refuses to write it), so no workbook has it."""


@st.composite
def xlsx_documents(draw: st.DrawFn) -> bytes:
    """A workbook of one to three sheets (some named after a kind), each a header and rows of typed cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    names = draw(
        st.lists(
            st.sampled_from([k.value for k in RecordKind] + ["Sheet", "notes"]), min_size=1, max_size=3, unique=True
        )
    )
    for name in names:
        sheet = workbook.create_sheet(name)
        header = draw(st.lists(st.sampled_from(ALL_COLUMNS), min_size=1, max_size=8, unique=True))
        if draw(st.integers(0, 9)) == 0:
            header.append(draw(st.sampled_from(["colour", "", *header])))
        sheet.append(header)
        for _ in range(draw(st.integers(0, 5))):
            row = [draw(xlsx_cells) for _ in range(len(header) + draw(st.sampled_from([0, 0, 0, 1])))]
            sheet.append([_WORKBOOK_CANNOT_HOLD.sub("", c) if isinstance(c, str) else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:  # now and then, a damaged file
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=20)) + raw[at + draw(st.integers(0, 50)) :]
    return raw


@fuzz_settings("xlsx_import")
@given(raw=xlsx_documents(), default_kind=st.none() | st.sampled_from(RecordKind))
def test_importing_any_xlsx_file_is_a_file_problem_or_all_or_nothing(
    fuzz_store: RecordStore, raw: bytes, default_kind: RecordKind | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xlsx"
        path.write_bytes(raw)
        digest = file_sha256(path) + os.urandom(4).hex()
        check_import(fuzz_store, lambda: read_xlsx(path), str(path), digest, default_kind)


def test_the_examples_per_test_are_as_documented() -> None:
    """docs/fuzzing.md lists these numbers; keep the two in step."""
    assert QUICK == {
        "text": 300,
        "bytes": 300,
        "yamlish": 300,
        "structured": 150,
        "truncated": 100,
        "rows": 500,
        "mapping_import": 60,
        "csv_import": 80,
        "json_import": 60,
        "fast_agrees": 400,
        "xlsx_import": 40,
    }
