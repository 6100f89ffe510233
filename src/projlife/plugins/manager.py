"""Build the plugin manager, call hooks safely, and gather a city's rule set.

- :func:`get_plugin_manager`: projlife's hookspecs, then every plugin of the ``projlife``
  entry-point group (the built-in cities are registered there too), then ``check_pending()``
  so that a misspelled hook fails loudly, naming the plugin and the closest real hook.
- :func:`call_hook` / :func:`call_first`: call one hook implementation at a time so that an
  exception or a wrongly typed answer is reported with the plugin's name.
- :func:`rule_set`: a city's effective rules for a period, as a hashable
  :class:`~projlife.plugins.rules.RuleSet`.

Environment switches: ``PROJLIFE_DISABLE_PLUGINS=1`` loads no entry points;
``PROJLIFE_PLUGINS=xiaogan,zhumadian`` loads only those entry points.
"""

from __future__ import annotations

import difflib
import logging
import os
import weakref
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pluggy

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.errors import Problem, ProjlifeError
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.plugins import hookspecs
from projlife.plugins.counting_policy import CountingPolicy
from projlife.plugins.rules import (
    DeadlineSpec,
    EscalationStep,
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
    "PluginError",
    "PluginFailure",
    "call_first",
    "call_hook",
    "city_calendar",
    "city_profiles",
    "counting_policy",
    "get_plugin_manager",
    "hook_names",
    "plugin_failures",
    "plugin_hooks",
    "register",
    "rule_set",
    "ticket_rules",
    "validate_command",
]

ENTRY_POINT_GROUP = "projlife"
DISABLE_ENV = "PROJLIFE_DISABLE_PLUGINS"
ONLY_ENV = "PROJLIFE_PLUGINS"

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
        super().__init__(attempted, reason, allowed)


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded (kept when ``strict=False``)."""

    name: str
    value: str
    error: str


_FAILURES: weakref.WeakKeyDictionary[pluggy.PluginManager, list[PluginFailure]] = weakref.WeakKeyDictionary()


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
    loads only those.

    With ``strict=True`` (the default) a plugin that fails to import or names an unknown hook
    raises :class:`PluginError` naming it; with ``strict=False`` it is left out and listed by
    :func:`plugin_failures` (``projlife plugins`` uses this to report every broken plugin).
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    _FAILURES[pm] = []
    if load_entry_points and not _env_flag(DISABLE_ENV):
        allowed = {n.strip() for n in os.environ.get(ONLY_ENV, "").split(",") if n.strip()}
        _load_entry_points(pm, allowed or None, strict)
    for name, plugin in plugins:
        register(pm, plugin, name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:  # pragma: no cover - register() checks first
        raise PluginError("load plugins", str(exc), "hooks named as in projlife.plugins.hookspecs") from exc
    _log.debug("plugins loaded: %s", ", ".join(sorted(n for n, _ in pm.list_name_plugin() if n)))
    for failure in _FAILURES[pm]:
        _log.warning("plugin %r not loaded: %s", failure.name, failure.error)
    return pm


def plugin_failures(pm: pluggy.PluginManager) -> tuple[PluginFailure, ...]:
    """Plugins left out of ``pm`` because they failed to load (only with ``strict=False``)."""
    return tuple(_FAILURES.get(pm, ()))


def _load_entry_points(pm: pluggy.PluginManager, allowed: set[str] | None, strict: bool) -> None:
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if allowed is not None and ep.name not in allowed:
            continue
        if pm.get_plugin(ep.name) is not None or pm.has_plugin(ep.name):
            continue
        try:
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(
                    f"load plugin {ep.name!r} ({ep.value})",
                    f"import failed: {exc!r}",
                    "a plugin module that imports cleanly",
                    plugin=ep.name,
                ) from exc
            register(pm, plugin, ep.name)
        except PluginError as exc:
            if strict:
                raise
            _FAILURES.setdefault(pm, []).append(PluginFailure(ep.name, ep.value, str(exc)))


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


def plugin_hooks(pm: pluggy.PluginManager) -> dict[str, list[str]]:
    """Each registered plugin's name and the hooks it implements (sorted)."""
    out: dict[str, list[str]] = {}
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        out[name] = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
    return out


# -- calling hooks ----------------------------------------------------------------------------


def _impls_in_call_order(pm: pluggy.PluginManager, hook_name: str) -> list[pluggy.HookImpl]:
    caller = getattr(pm.hook, hook_name)
    # pluggy calls the last registered (and tryfirst) implementations first
    return list(reversed(caller.get_hookimpls()))


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
        return impl.function(*args)
    except Exception as exc:
        raise PluginError(
            f"call hook {hook_name} of plugin {impl.plugin_name!r}",
            f"it raised {type(exc).__name__}: {exc}",
            "a hook that returns its answer (or None) without raising",
            plugin=impl.plugin_name,
            hook=hook_name,
        ) from exc


def call_hook(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of ``hook_name``; return ``(plugin name, answer)`` for non-None answers.

    An implementation that raises stops the call with a :class:`PluginError` naming the plugin
    (the original exception is chained as ``__cause__``).
    """
    out: list[tuple[str, Any]] = []
    for impl in _impls_in_call_order(pm, hook_name):
        result = _call_impl(pm, impl, hook_name, kwargs)
        if result is not None:
            out.append((impl.plugin_name, result))
    return out


def call_first(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> tuple[str, Any] | None:
    """Call implementations of ``hook_name`` until one answers; ``(plugin name, answer)`` or None."""
    for impl in _impls_in_call_order(pm, hook_name):
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

    Layered in plugin-name order, so the result does not depend on registration order.
    """
    answers = sorted(call_hook(pm, "projlife_calendar", city=city), key=lambda pa: pa[0])
    cal = base if base is not None else WorkdayCalendar.china()
    if not answers:
        return cal
    for plugin, value in answers:
        cal = cal.with_overrides(_typed(plugin, "projlife_calendar", value, WorkdayCalendar))
    return cal


def validate_command(
    pm: pluggy.PluginManager, city: CityProfile, command: object, project: object | None
) -> list[Problem]:
    """Every problem the plugins find with ``command`` (see ``projlife_validate_command``)."""
    return _all_seq(pm, "projlife_validate_command", Problem, city=city, command=command, project=project)


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
    """``city``'s effective rules during ``period``, gathered from every plugin.

    Raises :class:`PluginError` naming the plugin when a hook raises, returns the wrong type, or
    the combined rules are inconsistent (e.g. two plugins define the same quota id).
    """
    size_classes: list[SizeClass] = _first_seq(pm, "projlife_size_classes", SizeClass, city=city)
    quotas: list[QuotaRule] = _all_seq(pm, "projlife_quotas", QuotaRule, city=city, period=period)
    deadlines: list[DeadlineSpec] = _all_seq(pm, "projlife_deadlines", DeadlineSpec, city=city)
    scoring: list[ScoringRule] = _all_seq(pm, "projlife_scoring", ScoringRule, city=city, period=period)
    try:
        return RuleSet(
            city=city.slug,
            city_code=city.code,
            period=period,
            major_threshold=_first(pm, "projlife_major_threshold", Money, city=city),
            size_classes=size_classes,
            quotas=quotas,
            deadlines=deadlines,
            scoring=scoring,
            tickets=ticket_rules(pm, city),
            calendar=_calendar_overrides(pm, city),
            counting=counting_policy(pm, city),
        )
    except ValueError as exc:
        raise PluginError(
            f"gather the rules of {city.slug} for {period}", str(exc), "consistent rules across plugins"
        ) from exc


def counting_policy(pm: pluggy.PluginManager, city: CityProfile) -> CountingPolicy:
    """``city``'s counting policy (the first plugin's answer, or the default policy)."""
    return _first(pm, "projlife_counting_policy", CountingPolicy, city=city) or CountingPolicy()


def _calendar_overrides(pm: pluggy.PluginManager, city: CityProfile) -> WorkdayCalendar:
    """The plugins' overrides alone (the packaged official table is not part of a rule set)."""
    cal = city_calendar(pm, city)
    return WorkdayCalendar(workdays=cal.workdays, holidays=cal.holidays, official_years=cal.official_years)
