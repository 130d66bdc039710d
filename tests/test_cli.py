"""The ``engagekit`` command line, in process (click's CliRunner) and as real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from engagekit.cli import cli

AS_OF = "2026-11-22"
COUNCIL_IDS = ["basildon", "bathnes", "thurrock"]
COMMANDS = [
    "calendar",
    "compare",
    "councils",
    "db",
    "export",
    "history",
    "import",
    "new-council",
    "opendata",
    "plugins",
    "publish",
    "record",
    "report",
    "schema",
    "serve",
    "show",
    "tokens",
    "users",
    "validate",
]
HEAVY_MODULES = ("pydantic", "sqlalchemy", "jinja2")

BASILDON_TOWNS = ["Basildon", "Billericay", "Wickford", "Laindon", "Pitsea"]
BASILDON_PILLARS = ["Connected Neighbourhoods", "Connected Council", "Connected Partnerships"]
BASILDON_OUTCOMES = [
    "Community leaders and groups are engaged and empowered to affect positive change in their communities",
    "Communities feel listened to and as a result are effectively supported in their localities",
    "Basildon Council is considered an open, flexible and accountable Council by the Borough's communities",
    "Partnership opportunities are embraced and encouraged in order to benefit the Borough's communities",
]
BASILDON_ACTIONS = (
    [f"CN-{n}" for n in range(1, 9)] + [f"CC-{n}" for n in range(1, 5)] + [f"CP-{n}" for n in range(1, 4)]
)
THURROCK_CLUSTERS = [
    "Aveley",
    "Chafford Hundred (including North Stifford)",
    "East and West Tilbury (including Linford and Mucking)",
    "Grays (including Little Thurrock)",
    "Orsett, Bulphan and Horndon",
    "Purfleet, West Thurrock and South Stifford",
    "South Ockendon",
    "Stanford le Hope and Corringham (including Fobbing and Homesteads)",
    "Tilbury and Chadwell St Mary",
]
BATHNES_COMMITMENTS = ["To LISTEN", "To PRIORITISE", "To JOIN UP", "To WORK WITH YOU", "To SHARE IDEAS"]
BATHNES_PSB_MEMBERS = [
    "Bath & North East Somerset Council",
    "Avon and Somerset Police",
    "Avon Fire and Rescue Service",
    "Bath & North East Somerset Clinical Commissioning Group",
    "Curo",
]

BROKEN_YAML = """\
id: broken
name: "Broken Council"
programme:
  id: broken-programme
  name: "Broken Programme"
  colour: blue
"""
"""A definition with an unknown key on line 6."""


# -- helpers ------------------------------------------------------------------------------


def invoke(*args: str, env: Mapping[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=dict(env or {}))


def run(*args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m engagekit ARGS`` in a subprocess, with no ENGAGEKIT_* variables but those given."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEKIT_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def thurrock_clusters_as_shown(*, brief: bool) -> list[str]:
    """Thurrock's nine clusters by name, each with how sure the definition says it is (brief in a table)."""
    from engagekit.plugins import get_plugin_host
    from engagekit.report.caveats import mark

    clusters = get_plugin_host(environ={}).council("thurrock").clusters
    assert [cluster.name for cluster in clusters] == THURROCK_CLUSTERS
    return [mark(cluster, cluster.name, brief=brief) for cluster in clusters]


def flat(text: str) -> str:
    """The text with every run of whitespace made one space, so wrapped headings read whole."""
    return " ".join(text.split())


def has_id(text: str, action_id: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(action_id)}(?!\d)", text) is not None


def sections(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for section in data["sections"]:
        yield section
        yield from sections(section)


def table_rows(report: Mapping[str, Any], section_id: str) -> list[list[str]]:
    section = next(s for s in sections(report) if s["id"] == section_id)
    table = next(block for block in section["blocks"] if block["kind"] == "table")
    rows: list[list[str]] = table["rows"]
    return rows


@pytest.fixture
def broken_definition(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")
    return path


# -- help ---------------------------------------------------------------------------------


def test_root_help_lists_commands_with_examples() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    listed = re.findall(r"^  ([\w-]+)  ", result.stdout.split("Commands:", 1)[1], flags=re.MULTILINE)
    assert listed == COMMANDS
    assert "engagekit councils" in result.stdout
    assert "engagekit report --council basildon" in result.stdout
    assert "engagekit validate --definition my.yaml" in result.stdout
    assert invoke("-h").stdout == result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_has_examples(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    examples = result.stdout.split("Examples:", 1)
    assert len(examples) == 2, f"no Examples in 'engagekit {command} --help'"
    assert f"engagekit {command}" in examples[1]


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("engagekit, version ")


# -- councils and show --------------------------------------------------------------------


def test_councils_lists_the_three_ids() -> None:
    result = invoke("councils")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == COUNCIL_IDS
    assert "Basildon Borough Council — Connected Communities Strategy 2021 – 2026 [basildon]" in result.stdout
    assert result.stderr == ""


def test_councils_json() -> None:
    result = invoke("councils", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(c["id"], c["gss_code"], c["type"], c["plugin"]) for c in data] == [
        ("basildon", "E07000066", "district", "basildon"),
        ("bathnes", "E06000022", "unitary", "bathnes"),
        ("thurrock", "E06000034", "unitary", "thurrock"),
    ]


def test_councils_honours_load_and_disable_plugins() -> None:
    only = invoke("councils", env={"ENGAGEKIT_LOAD_PLUGINS": "basildon"})
    assert [line.split()[0] for line in only.stdout.splitlines()] == ["basildon"]
    disabled = invoke("councils", env={"ENGAGEKIT_DISABLE_PLUGINS": "thurrock,bathnes"})
    assert [line.split()[0] for line in disabled.stdout.splitlines()] == ["basildon"]
    none = invoke("councils", env={"ENGAGEKIT_LOAD_PLUGINS": ""})
    assert none.exit_code == 0
    assert "No councils are installed" in none.stdout


def test_show_thurrock_lists_the_nine_clusters() -> None:
    result = invoke("show", "--council", "thurrock")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("Clusters"))
    assert line.strip() == "Clusters (9): " + ", ".join(thurrock_clusters_as_shown(brief=False))
    assert result.stdout.startswith("Thurrock Council (thurrock)\n")


def test_show_json_is_the_whole_definition() -> None:
    result = invoke("show", "--council", "thurrock", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "thurrock"
    assert [cluster["name"] for cluster in data["clusters"]] == THURROCK_CLUSTERS


def test_show_basildon_action_plan() -> None:
    result = invoke("show", "-c", "basildon")
    assert result.exit_code == 0
    assert "Action plan: 3 focus areas, 4 outcomes, 15 actions" in result.stdout
    for action_id in BASILDON_ACTIONS:
        assert has_id(result.stdout, action_id), action_id


# -- report -------------------------------------------------------------------------------


def test_report_basildon_text_has_the_key_facts() -> None:
    result = invoke("report", "--council", "basildon", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Basildon Borough Council: Connected Communities Strategy 2021 – 2026\n")
    assert "22 November 2026" in text
    for town in BASILDON_TOWNS:
        assert town in text
    for pillar in BASILDON_PILLARS:
        assert f"Focus area: {pillar}" in text
    for outcome in BASILDON_OUTCOMES:
        assert f"Outcome: {outcome}" in flat(text)
    missing = [action_id for action_id in BASILDON_ACTIONS if not has_id(text, action_id)]
    assert missing == []
    assert len(BASILDON_ACTIONS) == 15
    assert "3 focus areas, 4 outcomes, 15 actions." in text


def test_report_thurrock_has_the_nine_clusters() -> None:
    text = invoke("report", "--council", "thurrock", "--as-of", AS_OF).stdout
    for word in ("Clusters", "Aveley", "South Ockendon", "Community Forums", "Principle A", "Principle B"):
        assert word in text
    data = json.loads(invoke("report", "--council", "thurrock", "--as-of", AS_OF, "--format", "json").stdout)
    assert [row[0] for row in table_rows(data, "clusters")] == thurrock_clusters_as_shown(brief=True)
    markdown = invoke("report", "--council", "thurrock", "--as-of", AS_OF, "--format", "markdown").stdout
    for name in thurrock_clusters_as_shown(brief=True):
        assert f"| {name} |" in markdown


def test_report_bathnes_has_the_commitments_and_psb_members() -> None:
    text = invoke("report", "--council", "bathnes", "--as-of", AS_OF).stdout
    for commitment in BATHNES_COMMITMENTS:
        assert commitment in text
    assert "Public Services Board" in text
    assert "Overdue: due by 8 November 2013" in flat(text)

    data = json.loads(invoke("report", "--council", "bathnes", "--as-of", AS_OF, "--format", "json").stdout)
    commitments = next(s for s in sections(data) if s["id"] == "commitments")
    assert [s["title"] for s in commitments["sections"]] == BATHNES_COMMITMENTS
    psb = next(row for row in table_rows(data, "bodies") if row[0] == "Public Services Board")
    assert psb[2].split(", ") == BATHNES_PSB_MEMBERS


def test_report_json_shape() -> None:
    result = invoke("report", "--council", "bathnes", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["as_of"] == AS_OF
    assert data["council"] == {"id": "bathnes", "name": "Bath & North East Somerset Council"}
    # Red: the progress report to Cabinet; grey: the Toolkit kept up to date (no interval).
    assert data["status_counts"] == {"green": 0, "amber": 0, "red": 1, "grey": 1}
    assert [s["id"] for s in data["sections"]][:2] == ["header", "summary"]
    assert [s["id"] for s in data["sections"]][-2:] == ["findings", "sources"]


@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_report_json_is_identical_run_to_run(council_id: str) -> None:
    first = invoke("report", "-c", council_id, "--as-of", AS_OF, "-f", "json")
    second = invoke("report", "-c", council_id, "--as-of", AS_OF, "-f", "json")
    assert first.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    assert json.loads(first.stdout)["schema_version"] == 1


def test_report_json_is_byte_identical_across_processes() -> None:
    outputs = [
        run("report", "--council", "basildon", "--as-of", AS_OF, "--format", "json", env={"PYTHONHASHSEED": seed})
        for seed in ("1", "2")
    ]
    assert [output.returncode for output in outputs] == [0, 0]
    assert outputs[0].stdout == outputs[1].stdout
    assert json.loads(outputs[0].stdout)["as_of"] == AS_OF


def test_report_markdown_starts_with_a_heading() -> None:
    result = invoke("report", "--council", "thurrock", "--as-of", AS_OF, "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Thurrock Council: Collaborative Communities\n")


@pytest.mark.parametrize("format_name", ["text", "json", "markdown"])
def test_report_output_writes_the_file_and_prints_nothing(tmp_path: Path, format_name: str) -> None:
    target = tmp_path / f"report.{format_name}"
    args = ["report", "--council", "basildon", "--as-of", AS_OF, "--format", format_name]
    result = invoke(*args, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == ""
    assert target.read_text(encoding="utf-8") == invoke(*args).stdout
    assert [path.name for path in tmp_path.iterdir()] == [target.name], "no temporary file is left behind"


def test_report_output_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old contents", encoding="utf-8")
    result = invoke("report", "-c", "thurrock", "--as-of", AS_OF, "-f", "markdown", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Thurrock Council")


def test_report_default_date_comes_from_engagekit_today() -> None:
    result = invoke("report", "--council", "bathnes", "--format", "json", env={"ENGAGEKIT_TODAY": "2013-11-09"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2013-11-09"
    assert data["status_counts"]["red"] == 1

    earlier = json.loads(invoke("report", "-c", "bathnes", "-f", "json", env={"ENGAGEKIT_TODAY": "2013-06-01"}).stdout)
    assert earlier["as_of"] == "2013-06-01"
    assert earlier["status_counts"]["red"] == 0

    text = invoke("report", "-c", "bathnes", env={"ENGAGEKIT_TODAY": "2013-10-01"}).stdout
    assert re.search(r"Report as of:\s+1 October 2013", text)


def test_as_of_overrides_engagekit_today() -> None:
    result = invoke("report", "-c", "bathnes", "-f", "json", "--as-of", AS_OF, env={"ENGAGEKIT_TODAY": "2013-06-01"})
    assert json.loads(result.stdout)["as_of"] == AS_OF


def test_bad_engagekit_today_exits_2() -> None:
    result = invoke("report", "-c", "bathnes", env={"ENGAGEKIT_TODAY": "tomorrow"})
    assert result.exit_code == 2
    assert result.stderr == "engagekit: ENGAGEKIT_TODAY='tomorrow' is not a date written YYYY-MM-DD\n"


def test_engagekit_today_in_a_subprocess() -> None:
    result = run("report", "--council", "bathnes", "--format", "json", env={"ENGAGEKIT_TODAY": "2013-10-01"})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == "2013-10-01"
    assert data["status_counts"] == {"green": 0, "amber": 1, "red": 0, "grey": 1}


# -- errors -------------------------------------------------------------------------------


def test_unknown_council_exits_2_with_one_line() -> None:
    result = invoke("report", "--council", "nowhere", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "engagekit: no council 'nowhere'; available: basildon, bathnes, thurrock\n"


def test_unknown_council_in_a_subprocess_has_no_traceback() -> None:
    result = run("report", "--council", "nowhere")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "Traceback" not in result.stderr
    for council_id in COUNCIL_IDS:
        assert council_id in lines[0]


@pytest.mark.parametrize("command", ["show", "validate"])
def test_unknown_council_for_other_commands(command: str) -> None:
    result = invoke(command, "--council", "nowhere")
    assert result.exit_code == 2
    assert result.stderr == "engagekit: no council 'nowhere'; available: basildon, bathnes, thurrock\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "2026-13-01 is not a date: there is no month 13"),
        ("2026-02-30", "2026-02-30 does not exist: February 2026 has 28 days"),
        ("0001-01-01", "0001-01-01 is outside the dates engagekit keeps (1900-01-01 to 2199-12-31)"),
        ("yesterday", "'yesterday' is not a date written YYYY-MM-DD"),
        ("22/11/2026", "'22/11/2026' is not a date written YYYY-MM-DD"),
    ],
)
def test_bad_as_of_exits_2(value: str, message: str) -> None:
    result = invoke("report", "--council", "basildon", "--as-of", value)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_unknown_format_exits_2_listing_formats() -> None:
    result = invoke("report", "--council", "basildon", "--as-of", AS_OF, "--format", "pdf")
    assert result.exit_code == 2
    assert result.stderr == (
        "engagekit: no format 'pdf'; available: actions-csv, decidim-csv, docx, findings-csv, html, json, "
        "markdown, text, xlsx\n"
    )


def test_report_with_a_broken_definition_exits_2_with_file_line_and_path(broken_definition: Path) -> None:
    result = invoke("report", "--definition", str(broken_definition), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"engagekit: {broken_definition}:6: programme.colour: unknown key 'colour'")


def test_report_with_a_broken_definition_in_a_subprocess(broken_definition: Path) -> None:
    result = run("report", "--definition", broken_definition.name, cwd=broken_definition.parent)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert re.match(r"^engagekit: broken\.yaml:6: programme\.colour: unknown key 'colour'", result.stderr)


def test_report_with_a_missing_definition_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = invoke("report", "--definition", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"engagekit: {missing}: no such file\n"


def test_report_from_a_definition_file(tmp_path: Path) -> None:
    from importlib.resources import files

    copy = tmp_path / "thurrock.yaml"
    copy.write_bytes((files("engagekit_thurrock") / "thurrock.yaml").read_bytes())
    result = invoke("report", "--definition", str(copy), "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["council"]["id"] == "thurrock"


def test_report_needs_exactly_one_of_council_and_definition(broken_definition: Path) -> None:
    neither = invoke("report", "--as-of", AS_OF)
    assert neither.exit_code == 2
    assert "--council ID" in neither.stderr
    both = invoke("report", "--council", "basildon", "--definition", str(broken_definition))
    assert both.exit_code == 2
    assert both.stderr == "engagekit: give --council or --definition, not both\n"


# -- validate -----------------------------------------------------------------------------


def test_validate_all_is_valid() -> None:
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == COUNCIL_IDS
    assert all(": valid (" in line for line in lines)
    assert result.stderr == ""


def test_validate_one_council() -> None:
    result = invoke("validate", "--council", "bathnes")
    assert result.exit_code == 0
    assert result.stdout.startswith("bathnes: valid (")
    assert len(result.stdout.splitlines()) == 1


def test_validate_a_broken_definition_exits_1(broken_definition: Path) -> None:
    result = invoke("validate", "--definition", str(broken_definition))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken_definition}:6: programme.colour: unknown key 'colour'")


def test_validate_several_definitions(tmp_path: Path, broken_definition: Path) -> None:
    from importlib.resources import files

    good = tmp_path / "basildon.yaml"
    good.write_bytes((files("engagekit_basildon") / "basildon.yaml").read_bytes())
    result = invoke("validate", "-d", str(good), "-d", str(broken_definition))
    assert result.exit_code == 1
    assert result.stdout == f"{good}: valid (Basildon Borough Council)\n"
    assert f"{broken_definition}:6:" in result.stderr
    assert invoke("validate", "-d", str(good)).exit_code == 0


def test_validate_reports_a_broken_definitions_file(broken_definition: Path) -> None:
    result = invoke("validate", env={"ENGAGEKIT_DEFINITIONS": str(broken_definition)})
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == COUNCIL_IDS
    assert "plugin 'engagekit.builtins.folders'" in result.stderr
    assert f"{broken_definition}:6: programme.colour" in result.stderr


# -- plugins and the environment ----------------------------------------------------------


def test_plugins_json() -> None:
    result = invoke("plugins", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["errors"] == []
    names = [entry["name"] for entry in data["plugins"]]
    assert names == ["engagekit.builtins.folders", "engagekit.builtins.renderers", *COUNCIL_IDS]
    for entry in data["plugins"]:
        assert set(entry) == {"name", "package", "version", "hooks", "builtin"}
        assert entry["hooks"], entry
    bathnes = data["plugins"][names.index("bathnes")]
    assert bathnes["package"] == "engagekit-bathnes"
    assert bathnes["hooks"] == ["engagekit_register_councils", "engagekit_register_rules"]


def test_plugins_json_lists_errors(broken_definition: Path) -> None:
    result = invoke("plugins", "--json", env={"ENGAGEKIT_DEFINITIONS": str(broken_definition)})
    assert result.exit_code == 1  # a plugin problem fails the check, for scripts
    [error] = json.loads(result.stdout)["errors"]
    assert error.startswith("plugin 'engagekit.builtins.folders' (package engagekit): its council definition")
    assert f"{broken_definition}:6: programme.colour" in error


def test_a_council_from_engagekit_definitions(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(
        'id: tiny\nname: "Tiny Parish Council"\nprogramme: {id: tiny-plan, name: "Tiny Plan"}\n', encoding="utf-8"
    )
    env = {"ENGAGEKIT_DEFINITIONS": str(tmp_path)}
    listed = invoke("councils", env=env)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["basildon", "bathnes", "thurrock", "tiny"]
    assert "[engagekit.builtins.folders]" in listed.stdout
    report = invoke("report", "-c", "tiny", "--as-of", AS_OF, "-f", "markdown", env=env)
    assert report.exit_code == 0
    assert report.stdout.startswith("# Tiny Parish Council: Tiny Plan\n")


def test_a_broken_definitions_file_is_a_warning_and_the_rest_work(broken_definition: Path) -> None:
    result = invoke("councils", env={"ENGAGEKIT_DEFINITIONS": str(broken_definition)})
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == COUNCIL_IDS
    assert result.stderr.startswith("engagekit: warning: plugin 'engagekit.builtins.folders'")
    assert f"{broken_definition}:6: programme.colour" in result.stderr


@pytest.mark.parametrize("command", ["councils", "plugins"])
def test_strict_mode_with_a_broken_plugin_exits_2_without_a_traceback(command: str, broken_definition: Path) -> None:
    result = run(
        command,
        env={"ENGAGEKIT_DEFINITIONS": str(broken_definition), "ENGAGEKIT_STRICT_PLUGINS": "1"},
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.stderr.startswith("engagekit: plugin 'engagekit.builtins.folders'")
    assert "strict mode" in result.stderr


def test_strict_mode_with_a_broken_plugin_stops_a_report(broken_definition: Path) -> None:
    env = {"ENGAGEKIT_DEFINITIONS": str(broken_definition), "ENGAGEKIT_STRICT_PLUGINS": "1"}
    result = invoke("report", "-c", "basildon", "--as-of", AS_OF, env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("engagekit: plugin 'engagekit.builtins.folders'")


# -- start-up cost ------------------------------------------------------------------------


def imported_modules(importtime_stderr: str) -> set[str]:
    """Module names from ``python -X importtime`` output (``import time: self | cumulative | name``)."""
    names = set()
    for line in importtime_stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        name = line.rsplit("|", 1)[-1].strip()
        if name != "imported package":  # the header line
            names.add(name)
    return names


def run_importtime(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEKIT_")}
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagekit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("args", [("--help",), ("councils",)])
def test_startup_does_not_import_heavy_libraries(args: tuple[str, ...]) -> None:
    result = run_importtime(*args)
    assert result.returncode == 0, result.stderr
    modules = imported_modules(result.stderr)
    assert "engagekit.cli" in modules, "the importtime output was read"
    assert "click" in modules
    heavy = sorted(name for name in modules if name.split(".")[0] in HEAVY_MODULES)
    assert heavy == []


def test_help_in_a_subprocess() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout
    assert result.stderr == ""
