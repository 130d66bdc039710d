"""Hostile plugins, definition files, record text and values, through the real command line.

Each case of the December 2026 audit's "Plugins, terminal, markdown, CLI" list, its extreme
values in charts and JSON, and its unbounded definition files (``/dev/zero``, a FIFO) is here:
what is run, the exit status, the one-line message, and that no traceback reaches the user.
Where the process's own exit status is the point (a plugin calling ``sys.exit``), engagekit
runs in a subprocess with the plugin installed on ``PYTHONPATH`` through a ``.dist-info``
folder, exactly as pip would leave it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

import engagekit
from engagekit.definition import DefinitionError
from engagekit.definition.loading import MAX_BYTES, read_definition_stream
from engagekit.plugins import PluginHost, get_plugin_host

TIMEOUT_S = 60
"""Longer than any case needs; a case that hangs (a FIFO read) fails instead of blocking the suite."""

EXITS_ON_IMPORT = "import sys\nsys.exit(3)\n"


# -- helpers ------------------------------------------------------------------------------


def install_plugin(folder: Path, name: str, source: str) -> dict[str, str]:
    """Install a one-module plugin called ``name`` under ``folder``; the environment that sees it.

    The module is ``<name>_plugin.py`` and its distribution ``engagekit-test-<name>`` 1.0, with
    an ``engagekit`` entry point ``name`` in its ``.dist-info``, as an installed wheel has it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}_plugin.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = folder / f"engagekit_test_{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: engagekit-test-{name}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[engagekit]\n{name} = {name}_plugin\n", encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
    env.pop("NO_COLOR", None)
    return env


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``engagekit ARGS`` in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args],
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stderr.splitlines()


def plugin(**hooks: object) -> types.SimpleNamespace:
    """A plugin object whose attributes are the given functions, marked as hook implementations."""
    return types.SimpleNamespace(**{name: engagekit.hookimpl(function) for name, function in hooks.items()})


def leave(code: object = 4) -> None:
    sys.exit(code)  # type: ignore[arg-type]


EXITING_HOOKS = {
    "engagekit_register_councils": lambda register: leave(),
    "engagekit_register_rules": lambda council, register: leave(),
    "engagekit_report_sections": lambda council, context: leave(),
    "engagekit_register_renderers": lambda register: leave(),
    "engagekit_register_commands": lambda cli: leave(),
}
"""For each hook, an implementation that calls ``sys.exit(4)``."""


# -- a plugin that calls sys.exit ---------------------------------------------------------

EXIT_WARNING = "plugin 'exiter' (package engagekit-test-exiter): exited while loading (sys.exit(3))"


@pytest.fixture(scope="module")
def exiter_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment where a plugin called 'exiter' runs ``sys.exit(3)`` when it is imported."""
    return install_plugin(tmp_path_factory.mktemp("exiter"), "exiter", EXITS_ON_IMPORT)


def test_help_still_works_when_a_plugin_exits_on_import(exiter_env: dict[str, str]) -> None:
    result = run(["--help"], exiter_env)
    assert result.returncode == 0, result.stderr
    assert "Usage: " in result.stdout
    assert "validate" in result.stdout
    assert_no_traceback(result)


@pytest.mark.parametrize(
    "args",
    [
        ["councils"],
        ["show", "-c", "bathnes"],
        ["report", "-c", "bathnes", "--as-of", "2013-11-09", "--no-records"],
        ["validate", "-c", "bathnes"],
    ],
    ids=["councils", "show", "report", "validate-one"],
)
def test_commands_run_and_warn_when_a_plugin_exits_on_import(exiter_env: dict[str, str], args: list[str]) -> None:
    result = run(args, exiter_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert f"engagekit: warning: {EXIT_WARNING}" in stderr_lines(result)
    assert_no_traceback(result)


def test_plugins_lists_a_plugin_that_exits_on_import_as_a_problem(exiter_env: dict[str, str]) -> None:
    result = run(["plugins"], exiter_env)
    assert result.returncode == 1  # an installation with a broken plugin, as for any failure
    assert "bathnes: engagekit-bathnes" in result.stdout
    assert f"  {EXIT_WARNING}" in result.stdout.splitlines()
    assert_no_traceback(result)


def test_validating_everything_fails_on_a_plugin_that_exits(exiter_env: dict[str, str]) -> None:
    result = run(["validate"], exiter_env)
    assert result.returncode == 1
    assert f"engagekit: {EXIT_WARNING}" in stderr_lines(result)
    assert_no_traceback(result)


def test_strict_mode_still_fails_on_a_plugin_that_exits(exiter_env: dict[str, str]) -> None:
    result = run(["validate", "-c", "bathnes"], {**exiter_env, "ENGAGEKIT_STRICT_PLUGINS": "1"})
    assert result.returncode == 2
    assert stderr_lines(result) == [
        f"engagekit: {EXIT_WARNING} (strict mode: ENGAGEKIT_STRICT_PLUGINS is set)",
    ]


def test_a_hook_that_exits_when_called_is_contained_in_a_real_process(tmp_path: Path) -> None:
    env = install_plugin(
        tmp_path,
        "leaver",
        """\
        import sys

        import engagekit


        @engagekit.hookimpl
        def engagekit_register_councils(register):
            sys.exit("leaving")
        """,
    )
    result = run(["councils"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("basildon ")
    assert stderr_lines(result) == [
        "engagekit: warning: plugin 'leaver' (package engagekit-test-leaver): "
        "engagekit_register_councils exited (sys.exit('leaving'))"
    ]


@pytest.mark.parametrize("hook_name", sorted(EXITING_HOOKS))
def test_a_hook_that_calls_sys_exit_is_reported_and_the_rest_still_work(hook_name: str) -> None:
    host = get_plugin_host(environ={}, plugins={"leaver": plugin(**{hook_name: EXITING_HOOKS[hook_name]})})
    exercise(host)
    assert [str(problem) for problem in host.problems] == [f"plugin 'leaver': {hook_name} exited (sys.exit(4))"]
    assert list(host.councils()) == ["basildon", "bathnes", "thurrock"]


def exercise(host: PluginHost) -> None:
    """Call every hook once, as a report with a plugin command would."""
    import click

    from engagekit.report import council_report

    council = host.council("bathnes")
    host.renderers()
    host.add_commands(click.Group())
    council_report(council, dt.date(2013, 11, 9), host=host)


@pytest.mark.parametrize(("code", "shown"), [(None, "sys.exit()"), (0, "sys.exit(0)"), ("bye", "sys.exit('bye')")])
def test_every_kind_of_exit_code_is_named(code: object, shown: str) -> None:
    host = get_plugin_host(
        environ={}, plugins={"leaver": plugin(engagekit_register_councils=lambda register: leave(code))}
    )
    host.councils()
    assert [problem.message for problem in host.problems] == [f"engagekit_register_councils exited ({shown})"]


def test_keyboard_interrupt_in_a_hook_is_not_swallowed() -> None:
    def interrupt(register: object) -> None:
        raise KeyboardInterrupt

    host = get_plugin_host(environ={}, plugins={"stopper": plugin(engagekit_register_councils=interrupt)})
    with pytest.raises(KeyboardInterrupt):
        host.councils()


def test_terminal_escapes_in_a_plugins_error_are_not_printed() -> None:
    def hostile(register: object) -> None:
        raise RuntimeError("\x1b]0;owned\x07boom\x1b[2J")

    host = get_plugin_host(environ={}, plugins={"hostile": plugin(engagekit_register_councils=hostile)})
    host.councils()
    assert [problem.message for problem in host.problems] == ["engagekit_register_councils failed: RuntimeError: boom"]


# -- validate -c X is about X -------------------------------------------------------------

BROKEN_ON_IMPORT = "raise ImportError('no module named engagekit_missing_dependency')\n"


def test_validate_one_council_is_not_failed_by_an_unrelated_broken_plugin(tmp_path: Path) -> None:
    env = install_plugin(tmp_path, "broken", BROKEN_ON_IMPORT)
    result = run(["validate", "-c", "bathnes"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("bathnes: valid (")
    assert (
        "engagekit: warning: plugin 'broken' (package engagekit-test-broken): could not be loaded: "
        "ImportError: no module named engagekit_missing_dependency"
    ) in stderr_lines(result)
    everything = run(["validate"], env)
    assert everything.returncode == 1  # validating every plugin does count it


TINY = """\
id: tiny
name: "Tiny Council"
programme:
  id: tiny-programme
  name: "Tiny Programme"
  kind: strategy
  action_plan: {}
"""


def test_validate_one_definition_file_is_not_failed_by_a_broken_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: broken\nname: Broken\nprogramme: {}\ncolour: blue\n", encoding="utf-8")
    env = {**os.environ, "ENGAGEKIT_DEFINITIONS": str(tmp_path)}
    one = run(["validate", "-c", "tiny"], env)
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith("tiny: valid (")
    assert "engagekit: warning: plugin 'engagekit.builtins.folders' (package engagekit): " in one.stderr
    assert f"{tmp_path / 'broken.yaml'}:4: colour: unknown key 'colour'" in one.stderr
    assert run(["validate"], env).returncode == 1


def test_validate_one_council_still_fails_on_its_own_broken_definition(tmp_path: Path) -> None:
    broken = tmp_path / "tiny.yaml"
    broken.write_text(TINY + "colour: blue\n", encoding="utf-8")
    result = run(["validate", "-c", "tiny"], {**os.environ, "ENGAGEKIT_DEFINITIONS": str(broken)})
    assert result.returncode == 2  # no council 'tiny': its only definition is not valid
    assert "engagekit: no council 'tiny'; available: basildon, bathnes, thurrock" in stderr_lines(result)
    assert any(line.startswith(f"  {broken}:8: colour: unknown key 'colour'") for line in stderr_lines(result))


# -- definition files that never end or never open ---------------------------------------


@pytest.fixture
def endless(tmp_path: Path) -> Path:
    """A definition path that is a symlink to ``/dev/zero``: reading it would never end."""
    if not Path("/dev/zero").exists():
        pytest.skip("needs /dev/zero")
    link = tmp_path / "council.yaml"
    link.symlink_to("/dev/zero")
    return link


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A definition path that is a FIFO with no writer: opening it to read would wait for ever."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    path = tmp_path / "council.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(("command", "status"), [("validate", 1), ("show", 2), ("report", 2)])
def test_a_definition_linked_to_dev_zero_is_refused_in_one_line(endless: Path, command: str, status: int) -> None:
    result = run([command, "--definition", str(endless)])
    assert result.returncode == status
    message = (
        f"{endless}: is a link to /dev/zero, which is a character device, not a regular file; only a file can be read"
    )
    expected = message if command == "validate" else f"engagekit: {message}"
    assert stderr_lines(result) == [expected]
    assert result.stdout == ""


@pytest.mark.parametrize(("command", "status"), [("validate", 1), ("show", 2), ("report", 2)])
def test_a_definition_that_is_a_fifo_is_refused_without_waiting(fifo: Path, command: str, status: int) -> None:
    result = run([command, "--definition", str(fifo)])
    assert result.returncode == status
    message = f"{fifo}: is a FIFO, not a regular file; only a file can be read"
    assert stderr_lines(result) == [message if command == "validate" else f"engagekit: {message}"]


def test_a_dev_zero_link_named_in_engagekit_definitions_is_a_warning(endless: Path) -> None:
    result = run(["councils"], {**os.environ, "ENGAGEKIT_DEFINITIONS": str(endless)})
    assert result.returncode == 0
    assert result.stdout.startswith("basildon ")
    assert f"  {endless}: is a link to /dev/zero, which is a character device" in result.stderr
    assert_no_traceback(result)


def test_a_definitions_folder_skips_and_names_what_is_not_a_regular_file(tmp_path: Path) -> None:
    if not (hasattr(os, "mkfifo") and Path("/dev/zero").exists()):
        pytest.skip("needs FIFOs and /dev/zero")
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "no-such-file.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    result = run(["councils"], {**os.environ, "ENGAGEKIT_DEFINITIONS": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["basildon", "bathnes", "thurrock", "tiny"]
    note = "engagekit: note: skipped {} in ENGAGEKIT_DEFINITIONS: {}, not a regular file; only regular files are read"
    assert stderr_lines(result) == [
        note.format(tmp_path / "gone.yaml", "a link to a file that does not exist"),
        note.format(tmp_path / "pipe.yaml", "a FIFO"),
        note.format(tmp_path / "zero.yaml", "a character device"),
    ]


class EndlessStream:
    """A binary stream that never ends, and remembers how much it was asked for."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def __enter__(self) -> EndlessStream:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "an unbounded read of an endless stream never returns"
        self.asked.append(size)
        return b"#" * size


def test_a_definition_is_read_with_a_bound_whatever_its_size_claims() -> None:
    stream = EndlessStream()
    with pytest.raises(DefinitionError) as raised:
        read_definition_stream(stream, "resource/council.yaml")  # type: ignore[arg-type]
    assert stream.asked == [MAX_BYTES + 1]
    assert str(raised.value) == (
        f"resource/council.yaml: the file is more than {MAX_BYTES:,} bytes; the limit is {MAX_BYTES:,}"
    )


def test_a_plugins_packaged_definition_is_read_with_a_bound() -> None:
    class Resource:
        """Stands for an importlib.resources traversable whose file never ends."""

        def open(self, mode: str) -> EndlessStream:
            assert mode == "rb"
            return EndlessStream()

        def read_bytes(self) -> bytes:
            raise AssertionError("a traversable that can be opened is read through open(), with a bound")

        def __str__(self) -> str:
            return "resource/endless.yaml"

    host = get_plugin_host(
        environ={}, plugins={"packaged": plugin(engagekit_register_councils=lambda register: register(Resource()))}
    )
    assert list(host.councils()) == ["basildon", "bathnes", "thurrock"]
    [problem] = host.problems
    assert f"resource/endless.yaml: the file is more than {MAX_BYTES:,} bytes" in problem.message


# -- terminal escapes in what is printed ---------------------------------------------------

ESC = "\x1b"
OSC_TITLE = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"

HOSTILE_DEFINITION = f"""\
id: tiny
name: {json.dumps(f"Tiny {OSC_TITLE}Council{CLEAR}")}
programme:
  id: tiny-programme
  name: {json.dumps(f"Tiny {C1_CSI}Programme")}
  kind: strategy
  statements:
    - id: vision
      kind: vision
      title: "# Statement injection"
      items: ["# an item heading?", "1. an ordered item?", "> a quoted item?"]
  commitments:
    - {{id: c1, name: "Listen", statement: "# Commitment injection"}}
  action_plan:
    outcomes:
      - id: o1
        statement: {json.dumps(f"# Heading injection {OSC_TITLE}")}
        actions:
          - {{id: A-1, text: "1. an ordered list?"}}
          - {{id: A-2, text: "- a nested list? + and * too"}}
          - {{id: A-3, text: "> a quote? | a | table? | <b>html</b> `code` ~~struck~~ &copy;"}}
          - {{id: A-4, text: "---"}}
          - {{id: A-5, text: "    indented code?"}}
"""
"""A definition with terminal escapes (YAML's ``\\e`` and ``\\x9b`` escapes, written as JSON
strings) and Markdown markers where a reader sees them."""


@pytest.fixture
def hostile_definition(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(HOSTILE_DEFINITION, encoding="utf-8")
    return path


def has_escapes(text: str) -> bool:
    """Whether ``text`` holds anything a terminal would act on (ESC, BEL, C1 controls)."""
    return any(character == ESC or character == "\x07" or "\x80" <= character <= "\x9f" for character in text)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--as-of", "2026-03-01", "--no-records"],
        ["report", "--as-of", "2026-03-01", "--no-records", "-f", "markdown"],
        ["report", "--as-of", "2026-03-01", "--no-records", "-f", "json"],
        ["show"],
        ["show", "--json"],
    ],
    ids=["text", "markdown", "json", "show", "show-json"],
)
def test_escapes_in_a_definition_are_not_printed(hostile_definition: Path, args: list[str]) -> None:
    result = run([*args, "--definition", str(hostile_definition)])
    assert result.returncode == 0, result.stderr
    assert not has_escapes(result.stdout)
    if "json" not in args and "--json" not in args:
        assert "Tiny Council" in result.stdout  # the words stay; only the escapes go
    else:
        assert "\\u009b31mProgramme" in result.stdout  # JSON keeps the text, with the C1 control escaped
        json.loads(result.stdout)


def test_escapes_in_a_definition_are_not_printed_by_councils_or_plugins(hostile_definition: Path) -> None:
    env = {**os.environ, "ENGAGEKIT_DEFINITIONS": str(hostile_definition)}
    for args in (["councils"], ["councils", "--json"], ["validate", "-c", "tiny"]):
        result = run(args, env)
        assert result.returncode == 0, result.stderr
        assert not has_escapes(result.stdout + result.stderr), args
    listed = run(["councils"], env)
    assert "tiny      Tiny Council — Tiny Programme [engagekit.builtins.folders]" in listed.stdout.splitlines()


def test_the_colour_of_status_words_survives_the_stripping(hostile_definition: Path) -> None:
    result = run(["report", "-c", "bathnes", "--as-of", "2013-11-09", "--colour"])
    assert result.returncode == 0
    assert "\x1b[31m\x1b[1mRED:" in result.stdout  # engagekit's own colour is added after the stripping


def insert_rows(url: str, table: str, rows: list[dict[str, object]]) -> None:
    """Write rows straight into a store's table, as an older engagekit (with no record boundary) could."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as connection:
            columns = list(rows[0])
            statement = sqlalchemy.text(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
            )
            connection.execute(statement, rows)
    finally:
        engine.dispose()


@pytest.fixture
def store_env(store_url: str) -> dict[str, str]:
    """An environment whose records store exists, migrated, and is empty."""
    from engagekit.records import open_store

    open_store(store_url, busy_timeout_ms=5_000).close()  # created and migrated, as 'engagekit db upgrade' does
    return {**os.environ, "ENGAGEKIT_DATABASE_URL": store_url, "ENGAGEKIT_RECORDED_BY": "tester"}


RECORDED_AT = dt.datetime(2026, 1, 2, 12, 0)


def test_history_prints_record_text_without_terminal_escapes(store_env: dict[str, str]) -> None:
    note = f"hello {OSC_TITLE}{CLEAR}world\rX\n  #99 2026-01-01 completed 100%  [by someone else]"
    row = {
        "council_id": "basildon",
        "date": dt.date(2026, 1, 1),
        "action_id": "CN-4",
        "status": "in-progress",
        "percent": 40,
        "note": note,
        "recorded_by": f"me{C1_CSI}",
        "recorded_at": RECORDED_AT,
    }
    insert_rows(store_env["ENGAGEKIT_DATABASE_URL"], "action_updates", [row])
    result = run(["history", "-c", "basildon", "--action", "CN-4"], store_env)
    assert result.returncode == 0, result.stderr
    assert not has_escapes(result.stdout)
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # the note's line break cannot fake a second update
    assert lines[1].startswith("  #1 2026-01-01 in-progress 40% — hello worldX   #99 2026-01-01 completed")
    assert lines[1].endswith("[by me, 2026-01-02 12:00]")


# -- Markdown that stays text --------------------------------------------------------------


def markdown_html(text: str) -> str:
    """Markdown rendered to HTML by Python-Markdown (with tables), to see what a reader would get."""
    markdown = pytest.importorskip("markdown")
    html: str = markdown.markdown(text, extensions=["tables"])
    return html


def test_a_statement_starting_with_a_hash_is_not_a_heading(hostile_definition: Path) -> None:
    result = run(["report", "--definition", str(hostile_definition), "--as-of", "2026-03-01", "-f", "markdown"])
    assert result.returncode == 0, result.stderr
    for line in (
        "\\# Statement injection",
        "- \\# an item heading?",
        "- 1\\. an ordered item?",
        "\\# Commitment injection",
    ):
        assert line in result.stdout.splitlines(), line
    html = markdown_html(result.stdout)
    assert html.count("<h1>") == 1  # the report's title, and no other
    headings = "".join(re.findall(r"<h\d>.*?</h\d>", html))
    assert "Statement injection" not in headings
    assert "Commitment injection" not in headings
    assert "item heading" not in headings
    for marker in ("<ol>", "<blockquote>", "<hr", "<pre>", "<code>", "<b>", "<del>", "<s>"):
        assert marker not in html, marker
    assert "\u00a9" not in html  # &copy; stays the text "&copy;"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("# heading", "\\# heading"),
        ("## heading", "\\## heading"),
        ("#378 fixed", "#378 fixed"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("* item", "\\* item"),
        ("---", "\\---"),
        ("-5 degrees", "-5 degrees"),
        ("1. first", "1\\. first"),
        ("2) second", "2\\) second"),
        ("2.1 It adopts the framework", "2.1 It adopts the framework"),
        ("> quote", "\\> quote"),
        ("    code", "code"),
        ("```python", "\\`\\`\\`python"),
        ("a | b", "a \\| b"),
        ("<script>", "\\<script\\>"),
        ("&amp; & co", "\\&amp; & co"),
        ("~~struck~~", "\\~\\~struck\\~\\~"),
        ("Bath & North East Somerset", "Bath & North East Somerset"),
    ],
)
def test_markdown_escapes_what_would_start_markup(text: str, shown: str) -> None:
    from engagekit.report.document import BulletList, Paragraph, Report, Section
    from engagekit.report.markdown import render_markdown

    report = Report(
        "x", "X", "Title", dt.date(2026, 1, 1), [Section("s", "S", [Paragraph(text), BulletList([text])])], {}
    )
    lines = render_markdown(report).splitlines()
    assert lines[4] == shown
    assert lines[6] == f"- {shown}"


def test_a_heading_keeps_a_trailing_hash() -> None:
    from engagekit.report.document import Report, Section
    from engagekit.report.markdown import render_markdown

    report = Report("x", "X", "Learning C#", dt.date(2026, 1, 1), [Section("s", "Notes ##", [])], {})
    text = render_markdown(report)
    assert text.startswith("# Learning C\\#\n\n## Notes \\#\\#\n")
    html = markdown_html(text)
    assert "<h1>Learning C#</h1>" in html
    assert "<h2>Notes ##</h2>" in html


# -- charts, HTML and JSON that extreme values cannot break -------------------------------

INDICATOR = "services-in-community-directory"
EXTREME = [float("inf"), float("-inf"), 1e308]
"""Readings the record boundary refuses now, but an older store may hold (NaN only on PostgreSQL)."""


def reading(day: int, value: float) -> dict[str, object]:
    return {
        "council_id": "basildon",
        "date": dt.date(2026, 2, day),
        "indicator_id": INDICATOR,
        "value": value,
        "recorded_by": "tester",
        "recorded_at": RECORDED_AT,
    }


@pytest.fixture
def extreme_store(store_env: dict[str, str]) -> dict[str, str]:
    """A Basildon store holding one ordinary reading and each extreme one (and NaN where it can be stored)."""
    values = [12.0, *EXTREME]
    if store_env["ENGAGEKIT_DATABASE_URL"].startswith("postgresql"):
        values.append(float("nan"))  # SQLite stores NaN as NULL, which the column refuses
    insert_rows(
        store_env["ENGAGEKIT_DATABASE_URL"], "indicator_readings", [reading(d + 1, v) for d, v in enumerate(values)]
    )
    return store_env


SVG_NUMBERS = re.compile(r'(?:x|y|x1|y1|x2|y2|width|height|points|viewBox)="([^"]*)"')


def test_an_html_report_draws_around_extreme_readings(extreme_store: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = run(["report", "-c", "basildon", "--as-of", "2026-03-01", "-o", str(page)], extreme_store)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    html = page.read_text(encoding="utf-8")
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        for numbers in SVG_NUMBERS.findall(svg):
            assert not re.search(r"nan|inf", numbers, flags=re.I), numbers
    left_out = len(EXTREME) + extreme_store["ENGAGEKIT_DATABASE_URL"].startswith("postgresql")
    assert (
        f"{left_out} readings are left out of the chart (inf on 2026-02-02, -inf on 2026-02-03, 1e+308 on 2026-02-04"
        in html
    )
    assert "a chart draws only finite numbers of at most 1,000,000,000,000,000 either way." in html
    assert "1 reading from 2026-02-01 to 2026-02-01; the latest is 12." in html


def test_a_json_report_never_writes_infinity_or_nan(extreme_store: dict[str, str]) -> None:
    result = run(["report", "-c", "basildon", "--as-of", "2026-03-01", "-f", "json"], extreme_store)
    assert result.returncode == 0, result.stderr

    def refuse(constant: str) -> None:
        raise AssertionError(f"the JSON holds {constant}")

    data = json.loads(result.stdout, parse_constant=refuse)
    [chart] = [
        block
        for section in data["sections"]
        for block in section["blocks"]
        if block.get("title", "").endswith("over time")
    ]
    assert chart["series"][0]["values"] == [12.0]


@pytest.mark.parametrize(
    ("as_of", "output"),
    [("0001-01-01", ["-f", "html", "-o", os.devnull]), ("0001-06-30", ["-f", "text"]), ("9999-12-31", ["-f", "json"])],
)
def test_a_report_as_of_the_ends_of_the_calendar_does_not_crash(
    extreme_store: dict[str, str], as_of: str, output: list[str]
) -> None:
    result = run(["report", "-c", "basildon", "--as-of", as_of, *output], extreme_store)
    assert_no_traceback(result)
    if result.returncode != 0:  # a command line that bounds --as-of refuses it in one line
        assert result.returncode == 2
        assert len(stderr_lines(result)) == 1
        assert stderr_lines(result)[0].startswith("engagekit: ")


def api_report(evidence: object, as_of: dt.date) -> object:
    from engagekit.report import council_report

    council = get_plugin_host(environ={}).council("basildon")
    return council_report(council, as_of, evidence=evidence)  # type: ignore[arg-type]


def extreme_evidence() -> object:
    from tests.fakes import FakeEvidence

    from engagekit.rules import EvidenceItem

    values = [5.0, float("nan"), float("inf"), -1e308, 7.0]
    items = [
        EvidenceItem(dt.date(2026, 1, n + 1), "indicator-reading", f"reading {v}", value=v)
        for n, v in enumerate(values)
    ]
    return FakeEvidence(readings={INDICATOR: items})


@pytest.mark.parametrize("as_of", [dt.date.min, dt.date(1, 11, 30), dt.date(2026, 3, 1), dt.date.max])
def test_every_format_renders_extreme_readings_and_dates_through_the_api(as_of: dt.date) -> None:
    from engagekit.report.html import render_html
    from engagekit.report.json_format import render_json
    from engagekit.report.markdown import render_markdown
    from engagekit.report.text import render_text

    report = api_report(extreme_evidence(), as_of)
    for render in (render_text, render_markdown, render_html):
        assert render(report)  # type: ignore[operator]
    json.loads(render_json(report), parse_constant=lambda constant: pytest.fail(f"JSON holds {constant}"))  # type: ignore[arg-type]


def test_a_chart_leaves_out_each_reading_it_cannot_draw_and_says_which() -> None:
    from engagekit.report.charts import indicator_charts

    council = get_plugin_host(environ={}).council("basildon")
    [chart] = indicator_charts(council, extreme_evidence(), dt.date(2026, 3, 1))  # type: ignore[arg-type]
    assert chart.categories == ["2026-01-01", "2026-01-05"]
    assert chart.series[0].values == [5.0, 7.0]
    assert chart.description == (
        "2 readings from 2026-01-01 to 2026-01-05; the latest is 7. 3 readings are left out of the chart "
        "(nan on 2026-01-02, inf on 2026-01-03, -1e+308 on 2026-01-04): a chart draws only finite numbers "
        "of at most 1,000,000,000,000,000 either way."
    )


def test_a_chart_a_plugin_makes_with_extreme_values_still_renders_and_says_so() -> None:
    from engagekit.report.document import Chart, Report, Section, Series
    from engagekit.report.html import render_html
    from engagekit.report.json_format import render_json
    from engagekit.report.svg import render_svg

    chart = Chart(
        "Plugin chart", "bar", ["a", "b", "c", "d"], [Series("s", [1.0, float("inf"), float("nan"), 1e308])], "Four."
    )
    svg = render_svg(chart, "c")
    for numbers in SVG_NUMBERS.findall(svg):
        assert not re.search(r"nan|inf", numbers, flags=re.I), numbers
    report = Report("x", "X", "Title", dt.date(2026, 1, 1), [Section("s", "S", [chart])], {})
    assert "3 values are not drawn (see the table): a chart draws only finite numbers" in render_html(report)
    data = json.loads(render_json(report), parse_constant=lambda constant: pytest.fail(f"JSON holds {constant}"))
    [block] = data["sections"][0]["blocks"]
    assert block["series"][0]["values"] == [1.0, None, None, 1e308]
    assert (
        block["description"]
        == "Four. 2 values that are not a finite number (JSON has no Infinity or NaN) are written as null."
    )
