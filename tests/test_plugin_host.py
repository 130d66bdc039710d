"""The plugin host: what plugins contribute, and how their problems are reported."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import types
from collections.abc import Callable, Iterable
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import engagekit
from engagekit import hookspecs
from engagekit.model import Council
from engagekit.plugins import PluginError, PluginHost, PluginProblem, UnknownCouncil, get_plugin_host
from engagekit.report import council_report
from engagekit.report.document import Paragraph, Section
from engagekit.report.renderers import Renderer
from engagekit.report.text import render_text
from engagekit.rules import Finding, Rule, RuleContext, Status, evaluate

BUNDLED_IDS = ["basildon", "bathnes", "thurrock"]
BUILTINS = {"engagekit.builtins.folders", "engagekit.builtins.renderers"}
HOOK_NAMES = sorted(
    name
    for name, value in vars(hookspecs).items()
    if name.startswith("engagekit_") and inspect.isfunction(value) and hasattr(value, "engagekit_spec")
)

BROKEN_YAML = """\
id: broken
name: "Broken Council"
programme:
  id: broken-programme
  name: "Broken Programme"
  colour: blue
"""
"""A definition with an unknown key on line 6."""

BUILT_IN_FORMATS = {"text", "markdown", "json", "html", "docx", "xlsx", "actions-csv", "findings-csv", "decidim-csv"}
"""The formats engagekit registers itself."""


# -- helpers ------------------------------------------------------------------------------


def plugin(**hooks: Callable[..., Any]) -> types.SimpleNamespace:
    """A plugin object whose attributes are the given functions, each marked as a hook implementation."""
    return types.SimpleNamespace(**{name: engagekit.hookimpl(function) for name, function in hooks.items()})


def kaboom(*_: object) -> None:
    raise RuntimeError("kaboom")


RAISING: dict[str, Callable[..., Any]] = {
    "engagekit_register_councils": lambda register: kaboom(),
    "engagekit_register_rules": lambda council, register: kaboom(),
    "engagekit_report_sections": lambda council, context: kaboom(),
    "engagekit_register_renderers": lambda register: kaboom(),
    "engagekit_register_commands": lambda cli: kaboom(),
}
"""For each hook, an implementation with the hook's argument names that raises ``RuntimeError('kaboom')``."""


def problems_of(host: PluginHost, name: str) -> list[PluginProblem]:
    return [problem for problem in host.problems if problem.plugin == name]


def fresh_cli() -> click.Group:
    """A new root group like ``engagekit.cli.cli``, so plugin commands do not leak between tests."""
    from engagekit.cli import COMMANDS, LazyGroup, cli

    return LazyGroup(
        name=cli.name,
        lazy=dict(COMMANDS),
        callback=cli.callback,
        params=list(cli.params),
        help=cli.help,
        context_settings=dict(cli.context_settings),
    )


def use_host(monkeypatch: pytest.MonkeyPatch, host: PluginHost) -> None:
    """Make the command line use ``host`` instead of building its own."""
    monkeypatch.setattr("engagekit.plugins.get_plugin_host", lambda **_: host)


def section_ids(sections: Iterable[Section]) -> list[str]:
    return [section.id for section in sections]


@pytest.fixture
def every_hook_host(every_hook: types.ModuleType) -> PluginHost:
    return get_plugin_host(environ={}, plugins={"every_hook": every_hook})


# -- the fixture plugin's contributions ---------------------------------------------------


def test_hook_names_are_the_five_hookspecs() -> None:
    assert HOOK_NAMES == [
        "engagekit_register_commands",
        "engagekit_register_councils",
        "engagekit_register_renderers",
        "engagekit_register_rules",
        "engagekit_report_sections",
    ]


def test_every_hook_plugin_implements_every_hook(every_hook: types.ModuleType, every_hook_host: PluginHost) -> None:
    for name in HOOK_NAMES:
        assert hasattr(getattr(every_hook, name), "engagekit_impl"), name
    info = next(info for info in every_hook_host.plugins() if info.name == "every_hook")
    assert info.hooks == HOOK_NAMES
    assert info.builtin is False
    assert every_hook_host.problems == []


def test_bundled_plugins_are_listed_with_package_and_version(host: PluginHost) -> None:
    infos = {info.name: info for info in host.plugins()}
    assert set(infos) == BUILTINS | set(BUNDLED_IDS)
    names = [info.name for info in host.plugins()]
    assert set(names[:2]) == BUILTINS, "built-ins come first"
    for council_id in BUNDLED_IDS:
        info = infos[council_id]
        assert info.package == f"engagekit-{council_id}"
        assert info.version == metadata.version(f"engagekit-{council_id}")
        assert "engagekit_register_councils" in info.hooks
        assert info.builtin is False
    assert infos["bathnes"].hooks == ["engagekit_register_councils", "engagekit_register_rules"]
    assert infos["engagekit.builtins.renderers"].hooks == ["engagekit_register_renderers"]
    assert infos["engagekit.builtins.renderers"].builtin is True


def test_fixture_plugin_council_is_listed(every_hook_host: PluginHost) -> None:
    councils = every_hook_host.councils()
    assert list(councils) == ["basildon", "bathnes", "testshire", "thurrock"]
    entry = councils["testshire"]
    assert entry.plugin == "every_hook"
    assert entry.definition is None  # registered as a ready-built Council
    assert entry.council.name == "Testshire District Council"
    assert every_hook_host.council("testshire") is entry.council
    for council_id in BUNDLED_IDS:
        assert councils[council_id].plugin == council_id
    assert every_hook_host.problems == []


def test_fixture_plugin_rule_is_evaluated(every_hook_host: PluginHost) -> None:
    council = every_hook_host.council("testshire")
    rules = every_hook_host.rules(council)
    assert [rule.id for rule in rules] == ["every-hook-rule"]
    assert rules[0].origin == "every_hook"

    findings = evaluate(council, dt.date(2021, 5, 1), extra_rules=rules)
    assert [finding.rule_id for finding in findings] == ["plan-review", "every-hook-rule"]
    plugin_finding = findings[1]
    assert plugin_finding.status is Status.GREY
    assert plugin_finding.message == "Every hook rule ran as of 2021-05-01."
    assert findings[0].status is Status.AMBER  # the definition's own review, due by June 2021

    # The plugin registers nothing for councils it does not know.
    assert every_hook_host.rules(every_hook_host.council("basildon")) == []
    bathnes_rules = every_hook_host.rules(every_hook_host.council("bathnes"))
    assert [rule.id for rule in bathnes_rules] == ["toolkit-kept-up-to-date"]
    assert bathnes_rules[0].origin == "bathnes"


def test_fixture_plugin_section_is_in_the_report(every_hook_host: PluginHost) -> None:
    council = every_hook_host.council("testshire")
    report = council_report(council, dt.date(2021, 5, 1), host=every_hook_host)
    ids = section_ids(report.sections)
    assert "every-hook-section" in ids
    assert ids.index("every-hook-section") < ids.index("findings"), "plugin sections come before the findings"
    section = report.sections[ids.index("every-hook-section")]
    assert section.title == "Every hook section"
    assert section.blocks == [Paragraph("Written by the every-hook plugin; 2 findings so far.")]

    findings_table = report.sections[ids.index("findings")].blocks[0]
    assert any("Every hook rule ran as of 2021-05-01." in row for row in findings_table.rows)  # type: ignore[union-attr]

    without_host = council_report(council, dt.date(2021, 5, 1))
    assert "every-hook-section" not in section_ids(without_host.sections)
    assert sum(without_host.status_counts.values()) == 1
    assert sum(report.status_counts.values()) == 2


def test_fixture_plugin_section_not_added_to_other_councils(every_hook_host: PluginHost) -> None:
    report = council_report(every_hook_host.council("basildon"), dt.date(2022, 1, 1), host=every_hook_host)
    assert "every-hook-section" not in section_ids(report.sections)


def test_fixture_plugin_renderer_is_usable(every_hook_host: PluginHost) -> None:
    renderers = every_hook_host.renderers()
    assert set(renderers) == BUILT_IN_FORMATS | {"shout"}
    shout = renderers["shout"]
    assert shout.extension == "txt"
    report = council_report(every_hook_host.council("testshire"), dt.date(2021, 5, 1), host=every_hook_host)
    rendered = shout.render(report)
    assert rendered == render_text(report).upper()
    assert "EVERY HOOK SECTION" in rendered


def test_fixture_plugin_command_is_in_the_cli(monkeypatch: pytest.MonkeyPatch, every_hook_host: PluginHost) -> None:
    use_host(monkeypatch, every_hook_host)
    runner = CliRunner()

    result = runner.invoke(fresh_cli(), ["every-hook"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "every-hook plugin command ran\n"

    help_result = runner.invoke(fresh_cli(), ["--help"])
    assert help_result.exit_code == 0
    assert "every-hook" in help_result.stdout
    for command in ("councils", "show", "report", "validate", "plugins"):
        assert command in help_result.stdout

    command_help = runner.invoke(fresh_cli(), ["every-hook", "--help"])
    assert command_help.exit_code == 0
    assert "Examples" in command_help.stdout


def test_fixture_plugin_council_and_renderer_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, every_hook_host: PluginHost
) -> None:
    use_host(monkeypatch, every_hook_host)
    runner = CliRunner()
    listed = runner.invoke(fresh_cli(), ["councils"])
    assert listed.exit_code == 0
    assert "testshire" in listed.stdout
    assert "[every_hook]" in listed.stdout

    result = runner.invoke(fresh_cli(), ["report", "--council", "testshire", "--as-of", "2021-05-01", "-f", "shout"])
    assert result.exit_code == 0, result.output
    assert "TESTSHIRE DISTRICT COUNCIL" in result.stdout
    assert "EVERY HOOK SECTION" in result.stdout
    assert "WRITTEN BY THE EVERY-HOOK PLUGIN; 2 FINDINGS SO FAR." in result.stdout
    assert result.stdout == result.stdout.upper()


# -- plugin problems ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "hook_name",
    [
        "engagekit_register_councils",
        "engagekit_register_rules",
        "engagekit_report_sections",
        "engagekit_register_renderers",
    ],
)
def test_a_raising_hookimpl_is_reported_and_the_bundled_councils_still_load(hook_name: str) -> None:
    host = get_plugin_host(environ={}, plugins={"exploding": plugin(**{hook_name: RAISING[hook_name]})})
    assert list(host.councils()) == BUNDLED_IDS
    assert set(host.renderers()) == BUILT_IN_FORMATS
    bathnes = host.council("bathnes")
    assert [rule.id for rule in host.rules(bathnes)] == ["toolkit-kept-up-to-date"]
    report = council_report(bathnes, dt.date(2013, 11, 9), host=host)
    assert report.status_counts["red"] == 1

    found = problems_of(host, "exploding")
    assert len(found) >= 1
    assert f"{hook_name} failed: RuntimeError: kaboom" in found[0].message
    assert str(found[0]).startswith("plugin 'exploding': ")
    assert all(problem.plugin == "exploding" for problem in host.problems)


def test_a_plugin_class_instance_works_as_a_plugin() -> None:
    class Sections:
        @engagekit.hookimpl
        def engagekit_report_sections(self, council: Council, context: RuleContext) -> list[Section]:
            return [Section("from-a-class", f"Section for {council.id} as of {context.as_of.isoformat()}")]

    host = get_plugin_host(environ={}, plugins={"classy": Sections()})
    council = host.council("thurrock")
    context = RuleContext(council=council, as_of=dt.date(2020, 1, 1))
    assert host.report_sections(council, context) == [Section("from-a-class", "Section for thurrock as of 2020-01-01")]
    assert host.problems == []


def test_a_section_that_is_not_a_section_is_reported() -> None:
    host = get_plugin_host(
        environ={}, plugins={"sloppy": plugin(engagekit_report_sections=lambda council, context: ["just text"])}
    )
    council = host.council("thurrock")
    assert host.report_sections(council, RuleContext(council=council, as_of=dt.date(2020, 1, 1))) == []
    [problem] = problems_of(host, "sloppy")
    assert "'just text'" in problem.message
    assert "not a Section" in problem.message


def test_a_misspelled_hook_is_refused_and_reported() -> None:
    module = types.ModuleType("engagekit_typo_plugin")

    @engagekit.hookimpl
    def engagekit_register_counciles(register: Callable[..., None]) -> None:  # the typo is the point
        raise AssertionError("never called")

    module.engagekit_register_counciles = engagekit_register_counciles  # type: ignore[attr-defined]
    host = get_plugin_host(environ={}, plugins={"typo": module})

    [problem] = host.problems
    assert problem.plugin == "typo"
    assert "engagekit_register_counciles" in problem.message
    assert "has a hook engagekit does not know" in problem.message
    assert "typo" not in {info.name for info in host.plugins()}, "the plugin is left out"
    assert list(host.councils()) == BUNDLED_IDS
    assert len(host.problems) == 1


def test_a_misspelled_hook_leaves_the_rest_of_that_plugin_out_too() -> None:
    typo = plugin(
        engagekit_register_renderers=lambda register: register(Renderer("csv", lambda report: "", "CSV", "csv")),
        engagekit_register_rule=lambda council, register: None,
    )
    host = get_plugin_host(environ={}, plugins={"half": typo})
    assert "csv" not in host.renderers()
    [problem] = problems_of(host, "half")
    assert "engagekit_register_rule" in problem.message


def test_an_invalid_definition_is_reported_with_file_and_line(tmp_path: Path, every_hook: types.ModuleType) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    bad = plugin(engagekit_register_councils=lambda register: register(broken))
    host = get_plugin_host(environ={}, plugins={"bad_definition": bad, "every_hook": every_hook})

    councils = host.councils()
    assert list(councils) == ["basildon", "bathnes", "testshire", "thurrock"]
    assert "broken" not in councils
    [problem] = host.problems
    assert problem.plugin == "bad_definition"
    assert "its council definition is not valid" in problem.message
    assert f"{broken}:6: programme.colour: unknown key 'colour'" in problem.message


def test_an_invalid_definition_from_a_traversable_is_reported(tmp_path: Path) -> None:
    class Resource:
        """Stands for an importlib.resources traversable: has read_bytes and a name."""

        def read_bytes(self) -> bytes:
            return BROKEN_YAML.encode("utf-8")

        def __str__(self) -> str:
            return "resource/broken.yaml"

    host = get_plugin_host(
        environ={}, plugins={"packaged": plugin(engagekit_register_councils=lambda register: register(Resource()))}
    )
    assert list(host.councils()) == BUNDLED_IDS
    [problem] = host.problems
    assert "resource/broken.yaml:6: programme.colour: unknown key 'colour'" in problem.message


def test_registering_something_that_is_not_a_definition_is_reported() -> None:
    host = get_plugin_host(
        environ={}, plugins={"odd": plugin(engagekit_register_councils=lambda register: register(42))}
    )
    assert list(host.councils()) == BUNDLED_IDS
    [problem] = host.problems
    assert problem.plugin == "odd"
    assert "TypeError" in problem.message


def test_the_same_council_from_two_plugins_is_refused_naming_both() -> None:
    definition = files("engagekit_basildon") / "basildon.yaml"
    copycat = plugin(engagekit_register_councils=lambda register: register(definition))
    host = get_plugin_host(environ={}, plugins={"copycat": copycat})

    councils = host.councils()
    assert list(councils) == ["bathnes", "thurrock"], "neither copy of basildon is available"
    [problem] = host.problems
    assert "'basildon' and 'copycat'" in problem.message
    assert "council 'basildon'" in problem.message
    with pytest.raises(UnknownCouncil, match=r"no council 'basildon'; available: bathnes, thurrock"):
        host.council("basildon")


def test_the_same_council_twice_from_one_plugin_is_refused(every_hook: types.ModuleType) -> None:
    council = every_hook.build_council()
    twice = plugin(engagekit_register_councils=lambda register: [register(council), register(council)])
    host = get_plugin_host(environ={}, plugins={"twice": twice})
    assert "testshire" not in host.councils()
    [problem] = host.problems
    assert problem.plugin == "twice"
    assert "'twice' twice" in problem.message


def test_a_renderer_name_registered_twice_is_refused_naming_the_first_owner() -> None:
    loud = plugin(
        engagekit_register_renderers=lambda register: register(
            Renderer("text", lambda report: render_text(report).upper(), "Loud", "txt")
        )
    )
    host = get_plugin_host(environ={}, plugins={"loud": loud})
    renderers = host.renderers()
    report = council_report(host.council("basildon"), dt.date(2026, 3, 31), host=host)
    assert renderers["text"].render(report) == render_text(report), "the built-in text format is kept"
    assert renderers["text"].description == "Plain text for reading at a terminal"
    [problem] = host.problems
    assert problem.plugin == "loud"
    assert "format 'text' is already registered by 'engagekit.builtins.renderers'; refused" in problem.message


@pytest.mark.parametrize("order", [("aaa", "bbb"), ("bbb", "aaa")])
def test_a_renderer_clash_between_plugins_keeps_the_first_by_name(order: tuple[str, str]) -> None:
    def csv_plugin(owner: str) -> types.SimpleNamespace:
        return plugin(
            engagekit_register_renderers=lambda register: register(
                Renderer("csv", lambda report: owner, f"CSV from {owner}", "csv")
            )
        )

    host = get_plugin_host(environ={}, plugins={name: csv_plugin(name) for name in order})
    assert host.renderers()["csv"].description == "CSV from aaa"
    [problem] = host.problems
    assert problem.plugin == "bbb"
    assert "format 'csv' is already registered by 'aaa'" in problem.message


def test_a_rule_id_clashing_with_a_definition_rule_is_refused() -> None:
    def check(context: RuleContext) -> list[Finding]:
        raise AssertionError("a refused rule is never evaluated")

    def register_rules(council: Council, register: Callable[[Rule], None]) -> None:
        if council.id == "bathnes":
            register(Rule(id="progress-report-to-cabinet", title="Impostor", check=check))
            register(Rule(id="toolkit-kept-up-to-date", title="Impostor", check=check))

    host = get_plugin_host(environ={}, plugins={"clasher": plugin(engagekit_register_rules=register_rules)})
    bathnes = host.council("bathnes")
    rules = host.rules(bathnes)
    assert [(rule.id, rule.origin) for rule in rules] == [("toolkit-kept-up-to-date", "bathnes")]
    messages = [problem.message for problem in problems_of(host, "clasher")]
    assert "rule 'progress-report-to-cabinet' is already registered by the definition; refused" in messages
    assert "rule 'toolkit-kept-up-to-date' is already registered by plugin 'bathnes'; refused" in messages
    findings = evaluate(bathnes, dt.date(2013, 6, 1), extra_rules=rules)
    assert [finding.rule_id for finding in findings].count("progress-report-to-cabinet") == 1


# -- strict mode --------------------------------------------------------------------------

STRICT = {"ENGAGEKIT_STRICT_PLUGINS": "1"}


def test_strict_mode_raises_for_a_raising_hookimpl() -> None:
    exploding = plugin(engagekit_register_councils=RAISING["engagekit_register_councils"])
    relaxed = get_plugin_host(environ={}, plugins={"exploding": exploding})
    assert list(relaxed.councils()) == BUNDLED_IDS
    assert len(relaxed.problems) == 1

    host = get_plugin_host(environ=STRICT, plugins={"exploding": exploding})
    with pytest.raises(PluginError, match=r"plugin 'exploding'.*kaboom.*strict mode"):
        host.councils()


def test_strict_mode_raises_for_a_misspelled_hook_when_the_host_is_built() -> None:
    typo = plugin(engagekit_register_counciles=lambda register: None)
    with pytest.raises(PluginError, match="engagekit_register_counciles"):
        get_plugin_host(environ=STRICT, plugins={"typo": typo})


def test_strict_mode_raises_for_an_invalid_definition(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    host = get_plugin_host(
        environ=STRICT,
        plugins={"bad_definition": plugin(engagekit_register_councils=lambda register: register(broken))},
    )
    with pytest.raises(PluginError, match=r"bad_definition") as raised:
        host.councils()
    assert f"{broken}:6: programme.colour" in str(raised.value)


@pytest.mark.parametrize("value", ["0", "", "no", "off"])
def test_strict_mode_is_off_for_falsy_values(value: str) -> None:
    host = get_plugin_host(
        environ={"ENGAGEKIT_STRICT_PLUGINS": value},
        plugins={"exploding": plugin(engagekit_register_councils=RAISING["engagekit_register_councils"])},
    )
    assert list(host.councils()) == BUNDLED_IDS
    assert len(host.problems) == 1


def test_strict_mode_is_quiet_when_nothing_is_wrong(every_hook: types.ModuleType) -> None:
    host = get_plugin_host(environ=STRICT, plugins={"every_hook": every_hook})
    assert list(host.councils()) == ["basildon", "bathnes", "testshire", "thurrock"]
    assert set(host.renderers()) == BUILT_IN_FORMATS | {"shout"}


# -- asking for one council --------------------------------------------------------------

NO_CACHE = {"ENGAGEKIT_NO_CACHE": "1"}
"""Every definition is read and checked from its file: nothing is kept between hosts."""


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each definition the loader reads and checks (YAML, structure, checks), in order."""
    from engagekit.definition import loading

    names: list[str] = []
    real = loading.load_definition_bytes

    def spy(raw: bytes, name: str = "<definition>") -> Council:
        names.append(Path(name).name)
        return real(raw, name)

    monkeypatch.setattr(loading, "load_definition_bytes", spy)
    return names


def test_asking_for_one_council_loads_only_its_definition(loaded: list[str]) -> None:
    host = get_plugin_host(environ=NO_CACHE)
    assert host.council("thurrock").id == "thurrock"
    assert loaded == ["thurrock.yaml"]
    assert host.council("basildon").id == "basildon"  # another one asked for later is loaded then
    assert loaded == ["thurrock.yaml", "basildon.yaml"]
    assert list(host.councils()) == BUNDLED_IDS  # and all of them when all are asked for, each once
    assert loaded == ["thurrock.yaml", "basildon.yaml", "bathnes.yaml"]
    assert host.problems == []


def test_another_councils_broken_definition_is_not_loaded_for_one_council(tmp_path: Path, loaded: list[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")  # its id, 'broken', is on its first line
    host = get_plugin_host(environ={**NO_CACHE, "ENGAGEKIT_DEFINITIONS": str(broken)})
    assert host.council("basildon").name == "Basildon Borough Council"
    assert loaded == ["basildon.yaml"]
    assert host.problems == []
    assert list(host.councils()) == BUNDLED_IDS  # checking every council still finds it
    [problem] = host.problems
    assert f"{broken}:6: programme.colour: unknown key 'colour'" in problem.message
    assert problem.definition == str(broken)


@pytest.mark.parametrize(
    "text",
    [
        "name: No Id Yet\nprogramme: {id: p, name: P}\n",  # no id: only a full read can say what is wrong
        "id: [not, plain]\nname: Odd\n",  # an id that is not a plain value
        "name: Early\nbad: [unclosed\nid: later\n",  # a syntax error before the id
        "<<: {id: merged}\nname: Merged\n",  # an id that only a merge gives
    ],
)
def test_a_definition_whose_id_cannot_be_read_ahead_is_loaded_and_its_problems_reported(
    tmp_path: Path, loaded: list[str], text: str
) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_text(text, encoding="utf-8")
    host = get_plugin_host(environ={**NO_CACHE, "ENGAGEKIT_DEFINITIONS": str(odd)})
    assert host.council("bathnes").id == "bathnes"
    assert "odd.yaml" in loaded
    [problem] = host.problems
    assert problem.definition == str(odd)


def test_a_council_read_ahead_by_its_id_is_still_checked(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    host = get_plugin_host(environ={**NO_CACHE, "ENGAGEKIT_DEFINITIONS": str(broken)})
    with pytest.raises(UnknownCouncil, match=r"no council 'broken'; available: basildon, bathnes, thurrock"):
        host.council("broken")
    [problem] = host.problems
    assert f"{broken}:6: programme.colour: unknown key 'colour'" in problem.message


def test_a_council_asked_for_that_two_plugins_register_is_refused_naming_both() -> None:
    definition = files("engagekit_basildon") / "basildon.yaml"
    copycat = plugin(engagekit_register_councils=lambda register: register(definition))
    host = get_plugin_host(environ=NO_CACHE, plugins={"copycat": copycat})
    with pytest.raises(UnknownCouncil, match=r"no council 'basildon'; available: bathnes, thurrock"):
        host.council("basildon")
    [problem] = host.problems
    assert "'basildon' and 'copycat'" in problem.message
    assert host.council("bathnes").id == "bathnes"
    assert len(host.problems) == 1  # reported once, however often the host is asked


def test_an_unknown_council_names_every_council_available() -> None:
    host = get_plugin_host(environ=NO_CACHE)
    with pytest.raises(UnknownCouncil, match=r"no council 'nowhere'; available: basildon, bathnes, thurrock"):
        host.council("nowhere")


def test_strict_mode_loads_every_definition_even_for_one_council(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    host = get_plugin_host(environ={**STRICT, **NO_CACHE, "ENGAGEKIT_DEFINITIONS": str(broken)})
    with pytest.raises(PluginError, match=r"engagekit.builtins.folders") as raised:
        host.council("basildon")
    assert f"{broken}:6: programme.colour" in str(raised.value)


def test_a_council_given_as_a_model_is_found_without_reading_any_definition(
    every_hook: types.ModuleType, loaded: list[str]
) -> None:
    built = plugin(engagekit_register_councils=lambda register: register(every_hook.build_council()))
    host = get_plugin_host(environ=NO_CACHE, plugins={"built": built})
    assert host.council("testshire").name == "Testshire District Council"
    assert loaded == []


def test_kept_models_are_used_for_one_council_and_for_all(tmp_path: Path, loaded: list[str]) -> None:
    environ = {"ENGAGEKIT_CACHE_DIR": str(tmp_path / "cache")}
    first = get_plugin_host(environ=environ)
    assert list(first.councils()) == BUNDLED_IDS
    assert sorted(loaded) == ["basildon.yaml", "bathnes.yaml", "thurrock.yaml"]
    loaded.clear()
    again = get_plugin_host(environ=environ)
    assert again.council("bathnes") == first.council("bathnes")
    assert list(again.councils()) == BUNDLED_IDS
    assert {council_id: entry.council for council_id, entry in again.councils().items()} == {
        council_id: entry.council for council_id, entry in first.councils().items()
    }
    assert loaded == []  # every model came from the cache
    assert again.problems == []


# -- choosing plugins ---------------------------------------------------------------------


def test_load_plugins_loads_only_those_named() -> None:
    host = get_plugin_host(environ={"ENGAGEKIT_LOAD_PLUGINS": "basildon"})
    assert list(host.councils()) == ["basildon"]
    assert {info.name for info in host.plugins()} == BUILTINS | {"basildon"}
    assert set(host.renderers()) == BUILT_IN_FORMATS, "built-ins always load"


def test_load_plugins_with_several_names_and_spaces() -> None:
    host = get_plugin_host(environ={"ENGAGEKIT_LOAD_PLUGINS": " thurrock , bathnes "})
    assert list(host.councils()) == ["bathnes", "thurrock"]


def test_load_plugins_empty_loads_none() -> None:
    host = get_plugin_host(environ={"ENGAGEKIT_LOAD_PLUGINS": ""})
    assert host.councils() == {}
    assert {info.name for info in host.plugins()} == BUILTINS


def test_disable_plugins_leaves_those_named_out() -> None:
    host = get_plugin_host(environ={"ENGAGEKIT_DISABLE_PLUGINS": "thurrock,bathnes"})
    assert list(host.councils()) == ["basildon"]
    assert {info.name for info in host.plugins()} == BUILTINS | {"basildon"}


def test_disabling_one_of_two_clashing_plugins_brings_the_council_back() -> None:
    definition = files("engagekit_basildon") / "basildon.yaml"
    copycat = plugin(engagekit_register_councils=lambda register: register(definition))
    host = get_plugin_host(environ={"ENGAGEKIT_DISABLE_PLUGINS": "basildon"}, plugins={"copycat": copycat})
    councils = host.councils()
    assert councils["basildon"].plugin == "copycat"
    assert host.problems == []


def test_entry_points_false_skips_installed_plugins(every_hook: types.ModuleType) -> None:
    host = get_plugin_host(environ={}, entry_points=False, plugins={"every_hook": every_hook})
    assert list(host.councils()) == ["testshire"]


# -- tracing ------------------------------------------------------------------------------


def test_trace_prints_each_hook_call_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    host = get_plugin_host(environ={"ENGAGEKIT_TRACE_PLUGINS": "1"})
    host.councils()
    host.renderers()
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines == [
        "engagekit: engagekit_register_councils → engagekit.builtins.folders",
        "engagekit: engagekit_register_councils → basildon",
        "engagekit: engagekit_register_councils → bathnes",
        "engagekit: engagekit_register_councils → thurrock",
        "engagekit: engagekit_register_renderers → engagekit.builtins.renderers",
    ]


def test_no_trace_without_the_variable(capsys: pytest.CaptureFixture[str]) -> None:
    host = get_plugin_host(environ={})
    host.councils()
    council = host.council("bathnes")
    council_report(council, dt.date(2013, 6, 1), host=host)
    assert capsys.readouterr().err == ""


# -- ENGAGEKIT_DEFINITIONS ----------------------------------------------------------------


@pytest.fixture
def definitions_folder(tmp_path: Path, every_hook: types.ModuleType) -> Path:
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "testshire.yaml").write_text(every_hook.DEFINITION_YAML, encoding="utf-8")
    (folder / "notes.txt").write_text("not a definition", encoding="utf-8")
    return folder


def test_definitions_folder_from_the_process_environment(
    monkeypatch: pytest.MonkeyPatch, definitions_folder: Path
) -> None:
    monkeypatch.setenv("ENGAGEKIT_DEFINITIONS", str(definitions_folder))
    host = get_plugin_host()
    councils = host.councils()
    assert list(councils) == ["basildon", "bathnes", "testshire", "thurrock"]
    entry = councils["testshire"]
    assert entry.plugin == "engagekit.builtins.folders"
    assert entry.definition == str(definitions_folder / "testshire.yaml")
    assert entry.council.name == "Testshire District Council"
    assert host.problems == []


def test_definitions_folder_from_the_environ_mapping(definitions_folder: Path) -> None:
    """``environ=`` is where the host reads the ENGAGEKIT_* controls, ENGAGEKIT_DEFINITIONS included."""
    host = get_plugin_host(environ={"ENGAGEKIT_DEFINITIONS": str(definitions_folder)})
    councils = host.councils()
    assert "testshire" in councils
    assert councils["testshire"].plugin == "engagekit.builtins.folders"


def test_definitions_list_of_files_and_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, definitions_folder: Path
) -> None:
    import os

    single = tmp_path / "other.yml"
    single.write_text(
        'id: otherton\nname: "Otherton Council"\nprogramme: {id: p, name: "Otherton Plan"}\n', encoding="utf-8"
    )
    monkeypatch.setenv("ENGAGEKIT_DEFINITIONS", os.pathsep.join([str(definitions_folder), "", str(single)]))
    host = get_plugin_host(entry_points=False)
    assert list(host.councils()) == ["otherton", "testshire"]
    assert host.problems == []


def test_definitions_broken_file_is_reported_against_the_folders_plugin(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    monkeypatch.setenv("ENGAGEKIT_DEFINITIONS", str(broken))
    host = get_plugin_host()
    assert list(host.councils()) == BUNDLED_IDS
    [problem] = host.problems
    assert problem.plugin == "engagekit.builtins.folders"
    assert problem.package == "engagekit"
    assert f"{broken}:6: programme.colour: unknown key 'colour'" in problem.message


# -- ordering -----------------------------------------------------------------------------


def section_plugin(name: str) -> types.SimpleNamespace:
    return plugin(
        engagekit_report_sections=lambda council, context: [
            Section(f"{name}-section", f"From {name}", [Paragraph(f"Written by {name}.")])
        ]
    )


@pytest.mark.parametrize("names", [("zeta", "alpha", "mid"), ("alpha", "mid", "zeta"), ("mid", "zeta", "alpha")])
def test_plugin_sections_are_ordered_by_plugin_name(names: tuple[str, ...]) -> None:
    host = get_plugin_host(environ={}, plugins={name: section_plugin(name) for name in names})
    council = host.council("basildon")
    context = RuleContext(council=council, as_of=dt.date(2022, 1, 1))
    assert section_ids(host.report_sections(council, context)) == ["alpha-section", "mid-section", "zeta-section"]

    ids = section_ids(council_report(council, dt.date(2022, 1, 1), host=host).sections)
    position = ids.index("alpha-section")
    assert ids[position : position + 4] == ["alpha-section", "mid-section", "zeta-section", "findings"]


def test_plugins_are_listed_in_the_same_order_whatever_the_registration_order(every_hook: types.ModuleType) -> None:
    first = get_plugin_host(environ={}, plugins={"zzz": section_plugin("zzz"), "every_hook": every_hook})
    second = get_plugin_host(environ={}, plugins={"every_hook": every_hook, "zzz": section_plugin("zzz")})
    assert [info.name for info in first.plugins()] == [info.name for info in second.plugins()]
    assert list(first.councils()) == list(second.councils())


# -- engagekit plugins --json -------------------------------------------------------------


def test_plugins_json_lists_plugins_and_errors(monkeypatch: pytest.MonkeyPatch, every_hook: types.ModuleType) -> None:
    host = get_plugin_host(
        environ={},
        plugins={
            "every_hook": every_hook,
            "exploding": plugin(engagekit_register_councils=RAISING["engagekit_register_councils"]),
        },
    )
    use_host(monkeypatch, host)
    result = CliRunner().invoke(fresh_cli(), ["plugins", "--json"])
    assert result.exit_code == 1, result.output  # the exploding plugin is a problem
    data = json.loads(result.stdout)
    assert set(data) == {"plugins", "errors"}
    by_name = {entry["name"]: entry for entry in data["plugins"]}
    assert list(by_name)[:2] == sorted(BUILTINS)
    assert set(by_name) == BUILTINS | set(BUNDLED_IDS) | {"every_hook", "exploding"}
    for entry in data["plugins"]:
        assert set(entry) == {"name", "package", "version", "hooks", "builtin"}
    assert by_name["every_hook"]["hooks"] == HOOK_NAMES
    assert by_name["every_hook"]["builtin"] is False
    assert by_name["basildon"]["package"] == "engagekit-basildon"
    assert by_name["basildon"]["version"] == metadata.version("engagekit-basildon")
    assert by_name["engagekit.builtins.folders"]["package"] == "engagekit"
    assert by_name["engagekit.builtins.folders"]["builtin"] is True
    assert data["errors"] == ["plugin 'exploding': engagekit_register_councils failed: RuntimeError: kaboom"]


def test_plugins_text_lists_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    host = get_plugin_host(
        environ={}, plugins={"exploding": plugin(engagekit_register_councils=RAISING["engagekit_register_councils"])}
    )
    use_host(monkeypatch, host)
    result = CliRunner().invoke(fresh_cli(), ["plugins"])
    assert result.exit_code == 1
    assert "basildon: engagekit-basildon" in result.stdout
    assert "Problems:" in result.stdout
    assert "plugin 'exploding': engagekit_register_councils failed: RuntimeError: kaboom" in result.stdout
