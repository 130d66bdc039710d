"""The plugin host: finds plugins, loads each under a guard, and collects what they register.

Nothing happens at import. :func:`get_plugin_host` builds a fresh host each call, so tests
need no module reloads. A plugin that fails to import, has a misspelled hook, raises in a
hook or ships a broken definition is reported (name, package, error) and the rest keep
working; ``ENGAGEKIT_STRICT_PLUGINS=1`` turns any such problem into an immediate error.
"Fails" includes calling ``sys.exit`` (or raising any other ``BaseException`` but
``KeyboardInterrupt``) while being imported or in a hook: a plugin's exit would otherwise end
every command, ``--help`` included, with the plugin's status and no word of why.

Installed plugins are found through :mod:`engagekit.installed` (``importlib.metadata``'s answer,
kept between runs while the installed packages are unchanged). Asking for one council
(:meth:`PluginHost.council`) loads and checks only the definitions that may be that council's:
one whose id is known without loading it (:func:`engagekit.definition.cache.likely_id`) and is
another is left unloaded until every council is asked for (:meth:`PluginHost.councils`, as
``councils``, ``validate`` and ``plugins`` do). Valid definitions' checked models are kept
between runs (:mod:`engagekit.definition.cache`).

Environment controls, read when the host is built:

``ENGAGEKIT_LOAD_PLUGINS``
    Comma-separated entry point names: load only these (empty: load none).
``ENGAGEKIT_DISABLE_PLUGINS``
    Comma-separated entry point names not to load.
``ENGAGEKIT_STRICT_PLUGINS``
    ``1`` to fail on the first plugin problem instead of reporting it and going on.
``ENGAGEKIT_TRACE_PLUGINS``
    ``1`` to print each hook call to standard error.
``ENGAGEKIT_CACHE_DIR``, ``ENGAGEKIT_NO_CACHE``
    Where what is kept between runs goes, or ``1`` to keep nothing (:mod:`engagekit.user_cache`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
import pluggy

from engagekit import hookspecs
from engagekit.values import Model

if TYPE_CHECKING:
    import click

    from engagekit.installed import InstalledEntryPoint
    from engagekit.model import Council
    from engagekit.report.document import Section
    from engagekit.report.renderers import Renderer
    from engagekit.rules import Rule
    from engagekit.rules.context import RuleContext

ENTRY_POINT_GROUP = "engagekit"
BUILTIN_RENDERERS = "engagekit.builtins.renderers"
BUILTIN_FOLDERS = "engagekit.builtins.folders"


@attrs.frozen(repr=False, eq=False)  # repr, == and hash: Model's, so the code cache keeps the rest
class PluginProblem(Model):
    """Something wrong with one plugin."""

    plugin: str
    message: str
    package: str | None = None
    definition: str | None = None
    """The definition file the problem is about, when it is about one (so a command checking one
    council can tell a broken file beside it from a problem with its own)."""

    def __str__(self) -> str:
        package = f" (package {self.package})" if self.package and self.package != self.plugin else ""
        return f"plugin {self.plugin!r}{package}: {self.message}"


class PluginError(RuntimeError):
    """A plugin problem in strict mode, or a request the plugins cannot satisfy."""


class UnknownCouncil(PluginError):
    """No plugin or definition provides the council asked for."""


@attrs.frozen(repr=False, eq=False)  # repr, == and hash: Model's, so the code cache keeps the rest
class PluginInfo(Model):
    """What ``engagekit plugins`` lists about one plugin."""

    name: str
    package: str | None
    version: str | None
    hooks: list[str]
    builtin: bool


@attrs.frozen(repr=False, eq=False)  # repr, == and hash: Model's, so the code cache keeps the rest
class RegisteredCouncil(Model):
    """A council and where it came from."""

    council: Council
    plugin: str
    definition: str | None = None


class _Deferred(NamedTuple):
    """A registered definition not loaded yet: its bytes, and the id it seems to have."""

    plugin: str
    raw: bytes
    shown: str
    likely_id: str


@attrs.frozen(repr=False, eq=False)  # repr, == and hash: Model's, so the code cache keeps the rest
class HostSettings(Model):
    """The environment controls, read once when the host is built."""

    load_only: frozenset[str] | None = None
    disabled: frozenset[str] = frozenset()
    strict: bool = False
    trace: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> HostSettings:
        def names(value: str) -> frozenset[str]:
            return frozenset(part.strip() for part in value.split(",") if part.strip())

        load = environ.get("ENGAGEKIT_LOAD_PLUGINS")
        return cls(
            load_only=names(load) if load is not None else None,
            disabled=names(environ.get("ENGAGEKIT_DISABLE_PLUGINS", "")),
            strict=_truthy(environ.get("ENGAGEKIT_STRICT_PLUGINS")),
            trace=_truthy(environ.get("ENGAGEKIT_TRACE_PLUGINS")),
        )


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def get_plugin_manager() -> pluggy.PluginManager:
    """A plugin manager with engagekit's hook specifications and nothing registered."""
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    return pm


def get_plugin_host(
    *,
    environ: Mapping[str, str] | None = None,
    plugins: Mapping[str, object] | None = None,
    entry_points: bool = True,
) -> PluginHost:
    """Build a host: the built-ins, then each installed plugin under a guard.

    :param environ: where to read the ``ENGAGEKIT_*`` controls (default: the process environment).
    :param plugins: extra plugin objects by name, registered like installed ones (for tests
        and for applications that embed engagekit).
    :param entry_points: set ``False`` to skip installed plugins.
    """
    environ = os.environ if environ is None else environ
    host = PluginHost(get_plugin_manager(), HostSettings.from_environ(environ), environ)
    host.register_module(BUILTIN_RENDERERS)
    from engagekit.builtins.folders import DefinitionFolders

    host.register_builtin(DefinitionFolders(environ), BUILTIN_FOLDERS)
    if entry_points:
        from engagekit.installed import entry_points as installed

        for entry_point in installed(ENTRY_POINT_GROUP, environ):  # sorted by name
            host.load_entry_point(entry_point)
    for name, plugin in (plugins or {}).items():
        host.register(plugin, name=name)
    return host


class PluginHost:
    """Registered plugins and a typed view of what their hooks provide."""

    def __init__(
        self, pm: pluggy.PluginManager, settings: HostSettings, environ: Mapping[str, str] | None = None
    ) -> None:
        self.pm = pm
        self.settings = settings
        self.environ = os.environ if environ is None else environ
        """Where the cache controls are read (``ENGAGEKIT_CACHE_DIR``, ``ENGAGEKIT_NO_CACHE``)."""
        self.problems: list[PluginProblem] = []
        self._packages: dict[str, tuple[str | None, str | None]] = {}
        self._builtin: set[str] = set()
        self._registered: list[RegisteredCouncil | _Deferred] | None = None
        self._councils: dict[str, RegisteredCouncil] | None = None
        self._renderers: dict[str, Renderer] | None = None

    # -- registration ---------------------------------------------------------------------

    def problem(self, plugin: str, message: str, *, definition: str | None = None) -> None:
        """Report a plugin problem, or raise it in strict mode.

        The message is made printable (no terminal escapes) here, since it may quote a plugin's
        own exception text and every command prints it.
        """
        from engagekit.terminal_text import printable

        package = self._packages.get(plugin, (None, None))[0]
        found = PluginProblem(plugin, printable(message), package, definition)
        if self.settings.strict:
            raise PluginError(f"{found} (strict mode: ENGAGEKIT_STRICT_PLUGINS is set)")
        self.problems.append(found)

    def register_module(self, module_name: str) -> None:
        """Register a built-in plugin module by import name."""
        import importlib

        self.register_builtin(importlib.import_module(module_name), module_name)

    def register_builtin(self, plugin: object, name: str) -> None:
        """Register one of engagekit's own plugins (listed as built in, called first)."""
        self._builtin.add(name)
        self._packages[name] = ("engagekit", None)  # the version is looked up only to be listed
        self.register(plugin, name=name)

    def load_entry_point(self, entry_point: InstalledEntryPoint) -> None:
        """Load and register one installed plugin, honouring the environment controls."""
        name = entry_point.name
        if self.settings.load_only is not None and name not in self.settings.load_only:
            return
        if name in self.settings.disabled:
            return
        self._packages[name] = (entry_point.package, entry_point.version)
        try:
            plugin = entry_point.load()
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # a plugin's sys.exit is contained like any failure
            self.problem(name, _failure(error, "could not be loaded", "exited while loading"))
            return
        self.register(plugin, name=name)

    def register(self, plugin: object, *, name: str) -> None:
        """Register a plugin object; a bad hook implementation is reported and the plugin left out."""
        self._packages.setdefault(name, (None, None))
        try:
            self.pm.register(plugin, name=name)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # contained and reported, as for loading
            if isinstance(error, Exception):
                self.problem(name, f"could not be registered: {error}")
            else:
                self.problem(name, _failure(error, "could not be registered", "exited while being registered"))
            return
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as error:
            self.pm.unregister(plugin)
            self.problem(name, f"has a hook engagekit does not know: {error}")
        self._registered = None
        self._councils = None
        self._renderers = None

    # -- calling hooks, one plugin at a time ----------------------------------------------

    def _each(self, hook_name: str, only: str | None = None, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call each implementation separately, so one plugin's failure spares the others.

        Built-ins are called first, then plugins in order of name, so results never depend
        on the order plugins happened to be installed in.
        """
        caller = getattr(self.pm.hook, hook_name)
        impls = sorted(caller.get_hookimpls(), key=lambda i: (i.plugin_name not in self._builtin, i.plugin_name))
        for impl in impls:
            if only is not None and impl.plugin_name != only:
                continue
            if self.settings.trace:
                print(f"engagekit: {hook_name} → {impl.plugin_name}", file=sys.stderr)
            try:
                result = impl.function(*[kwargs[arg] for arg in impl.argnames])
            except (PluginError, KeyboardInterrupt):
                raise
            except BaseException as error:  # a hook's sys.exit spares the others too
                self.problem(impl.plugin_name, _failure(error, f"{hook_name} failed", f"{hook_name} exited"))
                continue
            yield impl.plugin_name, result

    # -- what plugins provide -------------------------------------------------------------

    def plugins(self) -> list[PluginInfo]:
        """Every registered plugin with its package, version and hooks, built-ins first."""
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            hooks = sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or [])
            package, version = self._packages.get(name, (None, None))
            if name in self._builtin:
                from engagekit.installed import versions

                version = versions(("engagekit",), self.environ)["engagekit"]
            infos.append(PluginInfo(name, package, version, hooks, name in self._builtin))
        return sorted(infos, key=lambda info: (not info.builtin, info.name))

    def councils(self) -> dict[str, RegisteredCouncil]:
        """Every council registered by exactly one plugin, by id, in order of id."""
        if self._councils is None:
            self._councils = self._collect_councils()
        return self._councils

    def _collect_councils(self) -> dict[str, RegisteredCouncil]:
        found: dict[str, list[RegisteredCouncil]] = {}
        for entry in self._load_deferred(lambda _: True):
            found.setdefault(entry.council.id, []).append(entry)
        councils: dict[str, RegisteredCouncil] = {}
        for council_id in sorted(found):
            entries = found[council_id]
            plugins = sorted({entry.plugin for entry in entries})
            if len(entries) > 1:
                who = " and ".join(repr(p) for p in plugins) if len(plugins) > 1 else f"{plugins[0]!r} twice"
                where = [entry.definition for entry in entries if entry.definition]
                files = f" (definition files: {', '.join(where)})" if where else ""
                blame = next((p for p in plugins if p not in self._builtin), plugins[0])
                self.problem(
                    blame,
                    f"council {council_id!r} is registered by {who}{files}; neither is used until one is "
                    "removed (disable a plugin with ENGAGEKIT_DISABLE_PLUGINS, or take the file out of "
                    "ENGAGEKIT_DEFINITIONS)",
                )
                continue
            councils[council_id] = entries[0]
        return councils

    def _registrations(self, wanted: str | None) -> list[RegisteredCouncil | _Deferred]:
        """What the plugins register, each definition loaded unless it is plainly another council's.

        The hooks run once per host. With ``wanted`` (a council id, outside strict mode), a
        definition whose id is known without loading it (from the cache, or read from the top
        of its YAML) and is not ``wanted`` is read but left unloaded, so asking for one council
        does not load and check the others; :meth:`councils` loads the rest.
        """
        if self._registered is not None:
            return self._registered
        from engagekit.definition import DefinitionError
        from engagekit.definition.cache import likely_id, load_council
        from engagekit.definition.loading import read_definition_file, read_definition_stream
        from engagekit.model import Council

        if self.settings.strict:
            wanted = None  # strict mode reports every problem, so every definition is loaded
        registered: list[RegisteredCouncil | _Deferred] = []
        for plugin_name in self._plugins_with("engagekit_register_councils"):

            def register(definition: object, _plugin: str = plugin_name) -> None:
                if isinstance(definition, Council):
                    registered.append(RegisteredCouncil(definition, _plugin))
                    return
                shown = str(definition)
                try:
                    if isinstance(definition, str | Path):
                        raw = read_definition_file(definition, shown)
                    elif hasattr(definition, "open") and hasattr(definition, "read_bytes"):
                        with definition.open("rb") as stream:  # a Traversable: read with a bound
                            raw = read_definition_stream(stream, shown)
                    elif hasattr(definition, "read_bytes"):
                        raw = definition.read_bytes()
                    else:
                        raise TypeError(f"register() takes a definition path or a Council, not {definition!r}")
                    seems = None if wanted is None else likely_id(raw, self.environ)
                    if seems is not None and seems != wanted:
                        registered.append(_Deferred(_plugin, raw, shown, seems))
                        return
                    council = load_council(raw, shown, self.environ)
                except DefinitionError as error:
                    self.problem(_plugin, f"its council definition is not valid:\n{error}", definition=shown)
                    return
                registered.append(RegisteredCouncil(council, _plugin, shown))

            self._run("engagekit_register_councils", only=plugin_name, register=register)
        self._registered = registered
        return registered

    def _load_deferred(self, which: Callable[[_Deferred], bool]) -> list[RegisteredCouncil]:
        """The registered councils, after loading the deferred definitions ``which`` picks (in order)."""
        from engagekit.definition import DefinitionError
        from engagekit.definition.cache import load_council

        registered = self._registrations(None)
        kept: list[RegisteredCouncil | _Deferred] = []
        for entry in registered:
            if not (isinstance(entry, _Deferred) and which(entry)):
                kept.append(entry)
                continue
            try:
                council = load_council(entry.raw, entry.shown, self.environ)
            except DefinitionError as error:
                message = f"its council definition is not valid:\n{error}"
                self.problem(entry.plugin, message, definition=entry.shown)
                continue
            kept.append(RegisteredCouncil(council, entry.plugin, entry.shown))
        registered[:] = kept
        return [entry for entry in kept if isinstance(entry, RegisteredCouncil)]

    def _plugins_with(self, hook_name: str) -> list[str]:
        caller = getattr(self.pm.hook, hook_name)
        names = {impl.plugin_name for impl in caller.get_hookimpls()}
        return sorted(names, key=lambda n: (n not in self._builtin, n))

    def _run(self, hook_name: str, only: str | None = None, **kwargs: Any) -> None:
        """Call a hook whose implementations work through ``register`` and return nothing."""
        for _ in self._each(hook_name, only=only, **kwargs):
            continue

    def council(self, council_id: str) -> Council:
        """The council with this id, or :class:`UnknownCouncil` naming the ones available.

        Only the definitions that may be this council's are loaded (see :meth:`_registrations`),
        unless it is not found once, or found more than once: then every council is loaded, so
        the error names the ones available and any clash is reported as :meth:`councils` reports it.
        """
        if self._councils is None:
            self._registrations(council_id)
            matches = [
                entry
                for entry in self._load_deferred(lambda entry: entry.likely_id == council_id)
                if entry.council.id == council_id
            ]
            if len(matches) == 1:
                return matches[0].council
        councils = self.councils()
        if council_id not in councils:
            available = ", ".join(councils) or "none (no council plugin is installed)"
            raise UnknownCouncil(f"no council {council_id!r}; available: {available}")
        return councils[council_id].council

    def rules(self, council: Council) -> list[Rule]:
        """Python rules plugins register for ``council``; ids clashing with others are refused."""
        from engagekit.rules import Rule, definition_rules

        taken = {rule.id: "the definition" for rule in definition_rules(council)}
        rules: list[Rule] = []
        for plugin_name in self._plugins_with("engagekit_register_rules"):

            def register(rule: Rule, _plugin: str = plugin_name) -> None:
                if not isinstance(rule, Rule):
                    raise TypeError(f"register() takes an engagekit.rules.Rule, not {rule!r}")
                if rule.id in taken:
                    self.problem(_plugin, f"rule {rule.id!r} is already registered by {taken[rule.id]}; refused")
                    return
                taken[rule.id] = f"plugin {_plugin!r}"
                rules.append(attrs.evolve(rule, origin=_plugin))

            self._run("engagekit_register_rules", only=plugin_name, council=council, register=register)
        return rules

    def report_sections(self, council: Council, context: RuleContext) -> list[Section]:
        """Extra report sections from plugins, in order of plugin name."""
        from engagekit.report.document import Section

        sections: list[Section] = []
        for plugin_name, result in self._each("engagekit_report_sections", council=council, context=context):
            for section in result or []:
                if isinstance(section, Section):
                    sections.append(section)
                else:
                    self.problem(plugin_name, f"engagekit_report_sections returned {section!r}, not a Section")
        return sections

    def renderers(self) -> dict[str, Renderer]:
        """Output formats by name; a name registered twice is refused."""
        if self._renderers is None:
            from engagekit.report.renderers import Renderer

            renderers: dict[str, Renderer] = {}
            owners: dict[str, str] = {}
            for plugin_name in self._plugins_with("engagekit_register_renderers"):

                def register(renderer: Renderer, _plugin: str = plugin_name) -> None:
                    if not isinstance(renderer, Renderer):
                        raise TypeError(f"register() takes an engagekit Renderer, not {renderer!r}")
                    if renderer.name in renderers:
                        self.problem(
                            _plugin,
                            f"format {renderer.name!r} is already registered by {owners[renderer.name]!r}; refused",
                        )
                        return
                    renderers[renderer.name] = renderer
                    owners[renderer.name] = _plugin

                self._run("engagekit_register_renderers", only=plugin_name, register=register)
            self._renderers = renderers
        return self._renderers

    def add_commands(self, cli: click.Group) -> None:
        """Let plugins add commands to the command line."""
        self._run("engagekit_register_commands", cli=cli)


def _failure(error: BaseException, failed: str, exited: str) -> str:
    """What went wrong, in the host's words: ``failed: RuntimeError: kaboom`` for an exception,
    ``exited (sys.exit(3))`` for a plugin that tried to end the process."""
    if isinstance(error, SystemExit):
        code = "" if error.code is None else repr(error.code)
        return f"{exited} (sys.exit({code}))"
    return f"{failed}: {type(error).__name__}: {error}"


RegisterCallback = Callable[..., None]
