"""Call plugin hooks within each plugin's jurisdiction, one implementation at a time, naming the plugin behind a failure."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
import pluggy

from projlife.domain.errors import ProjlifeError
from projlife.plugins import hookspecs
from projlife.plugins.types import CityProfile

T = TypeVar("T")

__all__ = ["PluginError", "PluginFailure", "call_first", "call_hook", "is_bound", "jurisdictions"]


class PluginError(ProjlifeError):
    """A plugin failed to load, misnamed a hook, raised in a hook or broke a hook's contract.

    ``plugin`` is the plugin's registered name (its entry-point name) when known; ``hook`` the
    hook involved, if any.
    """

    def __init__(
        self,
        attempted: str,
        reason: str,
        allowed: str = "",
        *,
        plugin: str | None = None,
        hook: str | None = None,
    ) -> None:
        self.plugin = plugin
        self.hook = hook
        self.cities: tuple[str, ...] = ()
        """The slugs and codes of the cities this failure takes out (set when loading)."""
        super().__init__(attempted, reason, allowed)


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded (kept when ``strict=False``).

    ``cities`` are the slugs and codes of the cities it declared, when it got that far: their
    commands and reports fail naming this plugin (see :mod:`projlife.plugins.directory`).
    """

    name: str
    value: str
    error: str
    cities: tuple[str, ...] = ()


@attrs.define
class _State:
    failures: list[PluginFailure] = attrs.field(factory=list)
    jurisdiction: dict[str, frozenset[str]] = attrs.field(factory=dict)
    """plugin name → the codes it governs"""


_STATES: weakref.WeakKeyDictionary[pluggy.PluginManager, _State] = weakref.WeakKeyDictionary()


def _state(pm: pluggy.PluginManager) -> _State:
    found = _STATES.get(pm)
    if found is None:
        found = _STATES[pm] = _State()
    return found


def _trace(pm: pluggy.PluginManager, *message: object) -> None:
    if pm.trace.root._writer is not None:  # pluggy has no public "is tracing" flag
        pm.trace.root.get("hook")(*message)


def is_bound(pm: pluggy.PluginManager, hook_name: str) -> bool:
    """Whether ``hook_name`` is asked only of the plugins governing the city (it takes ``city``
    and is not named ``projlife_cross_city_*``)."""
    if hook_name.startswith(hookspecs.CROSS_CITY_PREFIX):
        return False
    spec = getattr(pm.hook, hook_name).spec
    return spec is not None and "city" in spec.argnames


def _own_answers(pm: pluggy.PluginManager, name: str, hook_name: str) -> list[Any]:
    out = []
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        if impl.plugin_name == name:
            result = _call_impl(pm, impl, hook_name, {})
            if result is not None:
                out.append(result)
    return out


def _bind(pm: pluggy.PluginManager, plugin: object, name: str) -> list[CityProfile]:
    """Record ``name``'s jurisdiction; refuse a claim on a code another plugin holds, and bound
    hooks in a plugin that governs nothing. Returns the city profiles the plugin declares."""
    profiles = [
        _typed(name, "projlife_city", p, CityProfile) for p in _own_answers(pm, name, "projlife_city")
    ]
    codes = {p.code for p in profiles}
    for answer in _own_answers(pm, name, "projlife_jurisdiction"):
        for code in _typed_seq(name, "projlife_jurisdiction", answer, str):
            if not code.strip():
                raise _contract(name, "projlife_jurisdiction", "an empty code")
            codes.add(code)
    bound = sorted(h.name for h in pm.get_hookcallers(plugin) or () if is_bound(pm, h.name))
    if bound and not codes:
        raise PluginError(
            f"register plugin {name!r}",
            f"it implements {', '.join(bound)}, which projlife asks only of the plugins governing a city, "
            "and it governs none",
            "declare the city (projlife_city) or the codes it governs (projlife_jurisdiction), "
            "or implement the projlife_cross_city_* hooks for rules that apply to every city",
            plugin=name,
            hook=bound[0],
        )
    state = _state(pm)
    for other, held in sorted(state.jurisdiction.items()):
        if other == name:
            continue
        shared = sorted(codes & held)
        if shared:
            raise PluginError(
                f"register plugin {name!r} for {', '.join(shared)}",
                f"plugin {other!r} already governs {', '.join(shared)}; plugins {other!r} and {name!r} "
                "cannot both answer for one jurisdiction",
                "one plugin per city or county code (uninstall one, or select with PROJLIFE_PLUGINS)",
                plugin=name,
            )
    state.jurisdiction[name] = frozenset(codes)
    return profiles


def jurisdictions(pm: pluggy.PluginManager) -> dict[str, frozenset[str]]:
    """Each registered plugin's jurisdiction: the codes whose cities its bound hooks answer for."""
    state = _state(pm)
    out: dict[str, frozenset[str]] = {}
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        if name not in state.jurisdiction:  # registered with pm.register(), bypassing register()
            _bind(pm, plugin, name)
        out[name] = state.jurisdiction[name]
    return dict(sorted(out.items()))


def _governs(pm: pluggy.PluginManager, name: str, code: str) -> bool:
    state = _state(pm)
    if name not in state.jurisdiction:
        jurisdictions(pm)
    return code in state.jurisdiction.get(name, frozenset())


def _impls_in_call_order(
    pm: pluggy.PluginManager, hook_name: str, kwargs: dict[str, Any]
) -> list[pluggy.HookImpl]:
    caller = getattr(pm.hook, hook_name)
    # pluggy calls the last registered (and tryfirst) implementations first
    impls = list(reversed(caller.get_hookimpls()))
    city = kwargs.get("city")
    if isinstance(city, CityProfile) and is_bound(pm, hook_name):
        impls = [i for i in impls if _governs(pm, i.plugin_name, city.code)]
    return impls


def _call_impl(
    pm: pluggy.PluginManager, impl: pluggy.HookImpl, hook_name: str, kwargs: dict[str, Any]
) -> Any:
    if impl.hookwrapper or impl.wrapper:
        raise PluginError(
            f"call hook {hook_name}",
            f"plugin {impl.plugin_name!r} registered a wrapper; projlife hooks take plain implementations",
            "a plain @hookimpl",
            plugin=impl.plugin_name,
            hook=hook_name,
        )
    args = [kwargs[a] for a in impl.argnames]
    try:
        result = impl.function(*args)
    except Exception as exc:
        _trace(pm, f"{hook_name} [{impl.plugin_name}]", _brief(kwargs), f"raised {type(exc).__name__}: {exc}")
        raise PluginError(
            f"call hook {hook_name} of plugin {impl.plugin_name!r}",
            f"it raised {type(exc).__name__}: {exc}",
            "a hook that returns its answer (or None) without raising",
            plugin=impl.plugin_name,
            hook=hook_name,
        ) from exc
    _trace(pm, f"{hook_name} [{impl.plugin_name}]", _brief(kwargs), "->", _brief_value(result))
    return result


def _brief(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={getattr(v, 'slug', v)}" for k, v in kwargs.items() if k in ("city", "period"))


def _brief_value(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, list | tuple | set | frozenset):
        return f"{len(value)} item(s)"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def call_hook(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of ``hook_name``; return ``(plugin name, answer)`` for non-None answers.

    A hook that takes ``city`` is called only on the plugins whose jurisdiction holds
    ``city.code`` (unless it is a ``projlife_cross_city_*`` hook).

    An implementation that raises stops the call with a :class:`PluginError` naming the plugin
    (the original exception is chained as ``__cause__``).
    """
    out: list[tuple[str, Any]] = []
    for impl in _impls_in_call_order(pm, hook_name, kwargs):
        result = _call_impl(pm, impl, hook_name, kwargs)
        if result is not None:
            out.append((impl.plugin_name, result))
    return out


def call_first(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> tuple[str, Any] | None:
    """Call implementations of ``hook_name`` until one answers; ``(plugin name, answer)`` or None."""
    for impl in _impls_in_call_order(pm, hook_name, kwargs):
        result = _call_impl(pm, impl, hook_name, kwargs)
        if result is not None:
            return impl.plugin_name, result
    return None


def _contract(plugin: str, hook: str, what: str) -> PluginError:
    return PluginError(
        f"read hook {hook} of plugin {plugin!r}",
        f"it returned {what}",
        "see the hook's docs",
        plugin=plugin,
        hook=hook,
    )


def _typed(plugin: str, hook: str, value: Any, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise _contract(plugin, hook, f"{type(value).__name__}, not {kind.__name__}")
    return value


def _typed_seq(plugin: str, hook: str, value: Any, kind: type[T]) -> list[T]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | tuple | list | frozenset | set):
        raise _contract(plugin, hook, f"{type(value).__name__}, not a sequence of {kind.__name__}")
    items = list(value)
    for item in items:
        _typed(plugin, hook, item, kind)
    return items


def _first(pm: pluggy.PluginManager, hook: str, kind: type[T], **kwargs: Any) -> T | None:
    answer = call_first(pm, hook, **kwargs)
    if answer is None:
        return None
    return _typed(answer[0], hook, answer[1], kind)


def _first_seq(pm: pluggy.PluginManager, hook: str, kind: type[T], **kwargs: Any) -> list[T]:
    answer = call_first(pm, hook, **kwargs)
    if answer is None:
        return []
    return _typed_seq(answer[0], hook, answer[1], kind)


def _all_seq(pm: pluggy.PluginManager, hook: str, kind: type[T], **kwargs: Any) -> list[T]:
    out: list[T] = []
    for plugin, value in call_hook(pm, hook, **kwargs):
        out.extend(_typed_seq(plugin, hook, value, kind))
    return out
