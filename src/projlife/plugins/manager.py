"""Build the plugin manager, call hooks safely, and gather a city's rule set.

- :func:`get_plugin_manager`: projlife's hookspecs, then every plugin of the ``projlife``
  entry-point group (the built-in cities are registered there too), then ``check_pending()``
  so that a misspelled hook fails loudly, naming the plugin and the closest real hook.
- :func:`call_hook` / :func:`call_first`: call one hook implementation at a time so that an
  exception or a wrongly typed answer is reported with the plugin's name.
- :func:`rule_set`: a city's effective rules for a period, as a hashable
  :class:`~projlife.plugins.rules.RuleSet`.

Jurisdiction: every hook that takes a ``city`` is called only for the plugins whose
jurisdiction holds ``city.code`` (:func:`jurisdictions`); hooks named ``projlife_cross_city_*``
are asked about every city. Two plugins claiming one code are refused at load time.

Environment switches: ``PROJLIFE_DISABLE_PLUGINS=1`` loads no entry points;
``PROJLIFE_PLUGINS=xiaogan,zhumadian`` loads only those entry points (a name no installed
plugin has is an error); ``PROJLIFE_TRACE_PLUGINS=1`` writes every hook call, its plugin and
its answer to standard error (pluggy's tracing, as in datasette).
"""

from __future__ import annotations

import difflib
import logging
import os
import sys
import weakref
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pluggy

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.errors import Problem, ProjlifeError
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.plugins import hookspecs
from projlife.plugins.counting_policy import CountingPolicy, DriveScope
from projlife.plugins.rules import (
    AreaScope,
    DeadlineSpec,
    EscalationStep,
    EventRefKind,
    QuotaRule,
    RuleSet,
    ScoringRule,
    SizeClass,
    TicketCategory,
    TicketRules,
)
from projlife.plugins.types import CityProfile

_log = logging.getLogger(__name__)

__all__ = [
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "ONLY_ENV",
    "TRACE_ENV",
    "PluginError",
    "PluginFailure",
    "call_first",
    "call_hook",
    "city_calendar",
    "city_profiles",
    "counting_policy",
    "get_plugin_manager",
    "hook_names",
    "is_bound",
    "jurisdictions",
    "plugin_failures",
    "plugin_hooks",
    "register",
    "rule_set",
    "ticket_rules",
    "validate_command",
]

ENTRY_POINT_GROUP = "projlife"
"""The entry-point group city plugins are found in (built-in cities included)."""
DISABLE_ENV = "PROJLIFE_DISABLE_PLUGINS"
"""Set to 1 to load no entry points."""
ONLY_ENV = "PROJLIFE_PLUGINS"
"""Comma-separated entry-point names to load alone; an unknown name is an error."""
TRACE_ENV = "PROJLIFE_TRACE_PLUGINS"
"""Set to 1 to write every hook call, its plugin and its answer to standard error."""

T = TypeVar("T")


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


def _trace(pm: pluggy.PluginManager, *message: object) -> None:
    if pm.trace.root._writer is not None:  # pluggy has no public "is tracing" flag
        pm.trace.root.get("hook")(*message)


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


def _load_entry_points(pm: pluggy.PluginManager, allowed: set[str] | None, strict: bool) -> None:
    from importlib.metadata import entry_points

    found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
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


# -- jurisdiction -----------------------------------------------------------------------------


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


def plugin_hooks(pm: pluggy.PluginManager) -> dict[str, list[str]]:
    """Each registered plugin's name and the hooks it implements (sorted)."""
    out: dict[str, list[str]] = {}
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        out[name] = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
    return out


# -- calling hooks ----------------------------------------------------------------------------


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


def city_profiles(pm: pluggy.PluginManager) -> dict[str, CityProfile]:
    """Every city the plugins declare, by slug."""
    out: dict[str, CityProfile] = {}
    owner: dict[str, str] = {}
    for plugin, profile in call_hook(pm, "projlife_city"):
        _typed(plugin, "projlife_city", profile, CityProfile)
        if profile.slug in out:
            raise PluginError(
                f"register city {profile.slug}",
                f"plugins {owner[profile.slug]!r} and {plugin!r} both declare it",
                "one plugin per city",
                plugin=plugin,
                hook="projlife_city",
            )
        out[profile.slug] = profile
        owner[profile.slug] = plugin
    return dict(sorted(out.items()))


def city_calendar(
    pm: pluggy.PluginManager, city: CityProfile, base: WorkdayCalendar | None = None
) -> WorkdayCalendar:
    """``base`` (China's official calendar) with every plugin's overrides for ``city`` on top.

    Cross-city answers (``projlife_cross_city_calendar``) first, then the city's own plugin's,
    each in plugin-name order, so the result does not depend on registration order.
    """
    answers = [
        *sorted(call_hook(pm, "projlife_cross_city_calendar", city=city), key=lambda pa: pa[0]),
        *sorted(call_hook(pm, "projlife_calendar", city=city), key=lambda pa: pa[0]),
    ]
    cal = base if base is not None else WorkdayCalendar.china()
    if not answers:
        return cal
    for plugin, value in answers:
        cal = cal.with_overrides(_typed(plugin, "projlife_calendar", value, WorkdayCalendar))
    return cal


def validate_command(
    pm: pluggy.PluginManager, city: CityProfile, command: object, project: object | None
) -> list[Problem]:
    """Every problem the plugins find with ``command`` (``projlife_validate_command`` of the city's
    plugin, then every ``projlife_cross_city_validate_command``)."""
    kwargs = {"city": city, "command": command, "project": project}
    return [
        *_all_seq(pm, "projlife_validate_command", Problem, **kwargs),
        *_all_seq(pm, "projlife_cross_city_validate_command", Problem, **kwargs),
    ]


def _first_answer(
    pm: pluggy.PluginManager, hook: str, city: CityProfile, answered: list[tuple[str, str]]
) -> Any:
    answer = call_first(pm, hook, city=city)
    if answer is None:
        return None
    answered.append((hook, answer[0]))
    return answer


def ticket_rules(pm: pluggy.PluginManager, city: CityProfile) -> TicketRules:
    """The ticket-loop rules the plugins give for ``city`` (``None`` where none answers).

    Each ticket hook is *first result*. An answer of the wrong type, a rate outside [0, 1], a
    bar off the 1–5 scale or duplicate codes raise :class:`PluginError` naming the plugin.
    """
    answered: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    checks: list[tuple[str, str, Any, bool]] = [
        ("categories", "projlife_ticket_categories", TicketCategory, True),
        ("ladder", "projlife_escalation_ladder", EscalationStep, True),
        ("due_rule", "projlife_ticket_due_rule", DeadlineRule, False),
        ("revisit_sample_rate", "projlife_revisit_sample_rate", Decimal, False),
        ("satisfaction_bar", "projlife_satisfaction_bar", int, False),
        ("close_unsampled_on_answer", "projlife_close_unsampled_on_answer", bool, False),
    ]
    for field, hook, kind, many in checks:
        answer = _first_answer(pm, hook, city, answered)
        if answer is None:
            continue
        plugin, value = answer
        if kind is int and isinstance(value, bool):
            raise _contract(plugin, hook, "a bool, not a satisfaction point 1–5")
        values[field] = _typed_seq(plugin, hook, value, kind) if many else _typed(plugin, hook, value, kind)
        try:
            TicketRules(**{field: values[field]})
        except ValueError as exc:
            raise _contract(plugin, hook, f"{value!r}: {exc}") from exc
    return TicketRules(**values, answered_by=tuple(answered))


def rule_set(pm: pluggy.PluginManager, city: CityProfile, period: Period) -> RuleSet:
    """``city``'s effective rules during ``period``, gathered from the plugin governing it.

    Raises :class:`PluginError` naming the plugin when a hook raises, returns the wrong type, or
    gives a rule projlife could never apply (see :func:`_check_rules`: an event topic no fact
    carries, an area scope at a level where the city has no areas, a flag name ``FlagProject``
    refuses), or when the combined rules are inconsistent (e.g. two plugins define one quota id).
    """
    size_classes: list[SizeClass] = _first_seq(pm, "projlife_size_classes", SizeClass, city=city)
    quotas = _all_named(pm, "projlife_quotas", QuotaRule, city=city, period=period)
    deadlines = _all_named(pm, "projlife_deadlines", DeadlineSpec, city=city)
    scoring = _all_named(pm, "projlife_scoring", ScoringRule, city=city, period=period)
    _check_rules(city, quotas, deadlines, scoring)
    try:
        return RuleSet(
            city=city.slug,
            city_code=city.code,
            period=period,
            major_threshold=_first(pm, "projlife_major_threshold", Money, city=city),
            size_classes=size_classes,
            quotas=[q for _, q in quotas],
            deadlines=[d for _, d in deadlines],
            scoring=[r for _, r in scoring],
            tickets=ticket_rules(pm, city),
            calendar=_calendar_overrides(pm, city),
            counting=counting_policy(pm, city),
        )
    except ValueError as exc:
        owners = sorted({p for p, _ in [*quotas, *deadlines, *scoring]})
        raise PluginError(
            f"gather the rules of {city.slug} for {period}",
            str(exc),
            "consistent rules across plugins",
            plugin=owners[0] if len(owners) == 1 else None,
        ) from exc


def _all_named(pm: pluggy.PluginManager, hook: str, kind: type[T], **kwargs: Any) -> list[tuple[str, T]]:
    return [
        (plugin, item)
        for plugin, value in call_hook(pm, hook, **kwargs)
        for item in _typed_seq(plugin, hook, value, kind)
    ]


def _readable_topics() -> frozenset[str]:
    from projlife.projections.counting.topics import TOPIC_SOURCES

    return frozenset(TOPIC_SOURCES)


def _check_rules(
    city: CityProfile,
    quotas: list[tuple[str, QuotaRule]],
    deadlines: list[tuple[str, DeadlineSpec]],
    scoring: list[tuple[str, ScoringRule]],
) -> None:
    """Refuse, naming the plugin, a rule that could never be applied in ``city``."""
    from pydantic import TypeAdapter, ValidationError

    from projlife.app.commands import Code

    topics = _readable_topics()
    flag_name: TypeAdapter[str] = TypeAdapter(Code)
    for plugin, spec in deadlines:
        for end, ref in (("trigger", spec.trigger), ("target", spec.target)):
            if ref.kind is EventRefKind.EVENT and ref.name not in topics:
                close = difflib.get_close_matches(ref.name, sorted(topics), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise PluginError(
                    f"register deadline {spec.id!r} of {city.slug}",
                    f"its {end} is the event topic {ref.name!r}, which no recorded fact carries, "
                    f"so it could never {'start' if end == 'trigger' else 'be met'}{hint}",
                    ", ".join(sorted(topics)),
                    plugin=plugin,
                    hook="projlife_deadlines",
                )
        if spec.flag is not None:
            try:
                flag_name.validate_python(spec.flag)
            except ValidationError:
                raise PluginError(
                    f"register deadline {spec.id!r} of {city.slug}",
                    f"its flag {spec.flag!r} is a name FlagProject refuses",
                    "1–64 letters, digits, '_', '-', '.' or '/' (e.g. 'start-overdue')",
                    plugin=plugin,
                    hook="projlife_deadlines",
                ) from None
    scoped: list[tuple[str, str, str, AreaScope]] = [
        *((p, "projlife_quotas", f"quota {q.id!r}", q.scope) for p, q in quotas),
        *((p, "projlife_scoring", f"scoring rule {r.id!r}", r.scope) for p, r in scoring),
    ]
    for plugin, hook, what, scope in scoped:
        if not scope.city_wide and not scope.areas(city.areas):
            levels = sorted({a.level.value for a in city.areas if a.code != city.code})
            raise PluginError(
                f"register {what} of {city.slug}",
                f"it is scoped to the {scope.level.value} level"
                + ("" if scope.zones is None else (" (zones only)" if scope.zones else " (no zones)"))
                + f", where {city.slug} has no areas, so it would evaluate nothing",
                f"a level with areas ({', '.join(levels) or 'none'}) or a city-wide scope",
                plugin=plugin,
                hook=hook,
            )


def counting_policy(pm: pluggy.PluginManager, city: CityProfile) -> CountingPolicy:
    """``city``'s counting policy (the first plugin's answer, or the default policy), with the
    scope ``projlife_scope`` gives, resolved against the city's areas.

    Raises :class:`PluginError` when both the policy and ``projlife_scope`` give a scope.
    """
    policy = _first(pm, "projlife_counting_policy", CountingPolicy, city=city) or CountingPolicy()
    answer = call_first(pm, "projlife_scope", city=city)
    if answer is not None:
        plugin, value = answer
        scope = _typed(plugin, "projlife_scope", value, DriveScope)
        if not policy.scope.everything:
            raise PluginError(
                f"read the scope of {city.slug}",
                "both projlife_scope and projlife_counting_policy give a scope",
                "one scope per jurisdiction: give it with projlife_scope alone",
                plugin=plugin,
                hook="projlife_scope",
            )
        policy = attrs.evolve(policy, scope=scope)
    return attrs.evolve(policy, scope=policy.scope.resolved(city.areas))


def _calendar_overrides(pm: pluggy.PluginManager, city: CityProfile) -> WorkdayCalendar:
    """The plugins' overrides alone (the packaged official table is not part of a rule set)."""
    cal = city_calendar(pm, city)
    return WorkdayCalendar(workdays=cal.workdays, holidays=cal.holidays, official_years=cal.official_years)
