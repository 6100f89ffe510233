"""Build the pluggy manager: load the city plugins' entry points, register each, refuse a misnamed hook."""

from __future__ import annotations

import difflib
import logging
import os
import sys
from collections.abc import Iterable
from datetime import date
from importlib.metadata import EntryPoint

import pluggy

from projlife.domain.periods import Period
from projlife.plugins import hookspecs
from projlife.plugins.hook_calls import (
    _STATES,
    PluginError,
    PluginFailure,
    _bind,
    _State,
    _state,
)

_log = logging.getLogger(__name__)

__all__ = [
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "ONLY_ENV",
    "TRACE_ENV",
    "get_plugin_manager",
    "hook_names",
    "installed_entry_points",
    "plugin_failures",
    "plugin_hooks",
    "register",
]

ENTRY_POINT_GROUP = "projlife"
"""The entry-point group city plugins are found in (built-in cities included)."""
DISABLE_ENV = "PROJLIFE_DISABLE_PLUGINS"
"""Set to 1 to load no entry points."""
ONLY_ENV = "PROJLIFE_PLUGINS"
"""Comma-separated entry-point names to load alone; an unknown name is an error."""
TRACE_ENV = "PROJLIFE_TRACE_PLUGINS"
"""Set to 1 to write every hook call, its plugin and its answer to standard error."""


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def get_plugin_manager(
    *,
    load_entry_points: bool = True,
    plugins: Iterable[tuple[str, object]] = (),
    strict: bool = True,
) -> pluggy.PluginManager:
    """A plugin manager with projlife's hookspecs and every installed city plugin.

    ``plugins`` registers extra ``(name, module_or_object)`` pairs directly (tests, embedding).
    Built-in cities come through the same ``projlife`` entry-point group as third-party packages.
    ``PROJLIFE_DISABLE_PLUGINS=1`` loads no entry points; ``PROJLIFE_PLUGINS=xiaogan,zhumadian``
    loads only those, and a name there that no installed plugin has raises :class:`PluginError`
    (whatever ``strict`` says: a misspelled name would otherwise load nothing, silently).

    With ``strict=True`` (the default) a plugin that fails to import, names an unknown hook,
    claims another plugin's jurisdiction, raises in a hook or gives invalid rules raises
    :class:`PluginError` naming it; with ``strict=False`` it is left out and listed by
    :func:`plugin_failures`, and the other cities keep working (``connect()`` uses this; so
    does ``projlife plugins``, to report every broken plugin).
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    _STATES[pm] = _State()
    if _env_flag(TRACE_ENV):
        _enable_tracing(pm)
    if load_entry_points and not _env_flag(DISABLE_ENV):
        allowed = {n.strip() for n in os.environ.get(ONLY_ENV, "").split(",") if n.strip()}
        _load_entry_points(pm, allowed or None, strict)
    for name, plugin in plugins:
        _register_or_record(pm, plugin, name, getattr(plugin, "__name__", type(plugin).__name__), strict)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:  # pragma: no cover - register() checks first
        raise PluginError("load plugins", str(exc), "hooks named as in projlife.plugins.hookspecs") from exc
    _log.debug("plugins loaded: %s", ", ".join(sorted(n for n, _ in pm.list_name_plugin() if n)))
    for failure in _state(pm).failures:
        _log.warning("plugin %r not loaded: %s", failure.name, failure.error)
    return pm


def _enable_tracing(pm: pluggy.PluginManager) -> None:
    def write(message: str) -> None:
        sys.stderr.write(message if message.endswith("\n") else message + "\n")

    pm.trace.root.setwriter(write)
    pm.enable_tracing()


def plugin_failures(pm: pluggy.PluginManager) -> tuple[PluginFailure, ...]:
    """Plugins left out of ``pm`` because they failed to load (only with ``strict=False``)."""
    return tuple(_state(pm).failures)


def _register_or_record(
    pm: pluggy.PluginManager, plugin: object, name: str, value: str, strict: bool
) -> None:
    try:
        register(pm, plugin, name)
    except PluginError as exc:
        if strict:
            raise
        _state(pm).failures.append(PluginFailure(name, value, str(exc), exc.cities))


_INSTALLED: dict[tuple[tuple[str, int | None], ...], tuple[EntryPoint, ...]] = {}


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path or ".").st_mtime_ns
    except OSError:
        return None


def installed_entry_points() -> tuple[EntryPoint, ...]:
    """The ``projlife`` entry points on ``sys.path``, sorted by name.

    Scanning every installed distribution's metadata is most of what building a plugin manager
    costs, so the answer is kept for the process and scanned again only when ``sys.path`` or one
    of its folders changes (its modification time: installing or removing a package adds or
    removes a ``*.dist-info`` folder there; so does a test that puts one on a new path).
    """
    key = tuple((p, _mtime(p)) for p in sys.path)
    found = _INSTALLED.get(key)
    if found is None:
        from importlib.metadata import entry_points

        found = tuple(sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name))
        _INSTALLED.clear()
        _INSTALLED[key] = found
    return found


def _load_entry_points(pm: pluggy.PluginManager, allowed: set[str] | None, strict: bool) -> None:
    found = installed_entry_points()
    if allowed is not None:
        unknown = sorted(allowed - {ep.name for ep in found})
        if unknown:
            raise PluginError(
                f"load the plugins {ONLY_ENV} names ({', '.join(sorted(allowed))})",
                f"no installed plugin is named {', '.join(repr(u) for u in unknown)}",
                ", ".join(sorted({ep.name for ep in found})) or "no plugin is installed",
            )
    for ep in found:
        if allowed is not None and ep.name not in allowed:
            continue
        if pm.get_plugin(ep.name) is not None or pm.has_plugin(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            error = PluginError(
                f"load plugin {ep.name!r} ({ep.value})",
                f"import failed: {exc!r}",
                "a plugin module that imports cleanly",
                plugin=ep.name,
            )
            if strict:
                raise error from exc
            _state(pm).failures.append(PluginFailure(ep.name, ep.value, str(error)))
            continue
        _register_or_record(pm, plugin, ep.name, ep.value, strict)


def hook_names() -> tuple[str, ...]:
    """Every hook projlife defines, sorted."""
    return tuple(sorted(n for n in dir(hookspecs) if n.startswith("projlife_")))


def register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Register ``plugin`` as ``name``; refuse it whole if any hook name or signature is wrong.

    A misspelled hook (``projlife_quota`` for ``projlife_quotas``) raises :class:`PluginError`
    naming the plugin, the hook and the closest real hook; nothing of the plugin stays registered.
    """
    known = hook_names()
    for attr in dir(plugin):
        if not attr.startswith("projlife_") or not callable(getattr(plugin, attr, None)):
            continue
        marked = pm.parse_hookimpl_opts(plugin, attr) is not None
        if attr in known:
            if not marked:
                raise PluginError(
                    f"register plugin {name!r}",
                    f"{attr} is defined without @hookimpl, so projlife would never call it",
                    "decorate it with projlife.plugins.hookimpl",
                    plugin=name,
                    hook=attr,
                )
            continue
        close = difflib.get_close_matches(attr, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "see projlife.plugins.hookspecs"
        raise PluginError(
            f"register plugin {name!r}",
            f"unknown hook {attr!r}; {hint}",
            ", ".join(known),
            plugin=name,
            hook=attr,
        )
    try:
        pm.register(plugin, name=name)
    except ValueError as exc:
        raise PluginError(f"register plugin {name!r}", str(exc), "one plugin per name", plugin=name) from exc
    except pluggy.PluginValidationError as exc:
        raise PluginError(
            f"register plugin {name!r}",
            str(exc),
            "hook implementations whose parameters are a subset of the hookspec's",
            plugin=name,
        ) from exc
    from projlife.plugins.manager import rule_set  # the rules are gathered there, over this module

    try:
        profiles = _bind(pm, plugin, name)
        today = Period.containing("year", date.today())
        for profile in profiles:
            try:
                rule_set(pm, profile, today)
            except PluginError as exc:
                exc.cities = (profile.slug, profile.code)
                raise
    except BaseException:
        pm.unregister(plugin, name=name)
        _state(pm).jurisdiction.pop(name, None)
        raise


def plugin_hooks(pm: pluggy.PluginManager) -> dict[str, list[str]]:
    """Each registered plugin's name and the hooks it implements (sorted)."""
    out: dict[str, list[str]] = {}
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        out[name] = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
    return out
