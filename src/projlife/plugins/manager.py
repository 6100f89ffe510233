"""Gather a city's rule set, calendar and policies from the plugins (loading: `loading`; calling: `hook_calls`).

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
import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.areas import AreaLevel
from projlife.domain.errors import Problem
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.plugins.counting_policy import CountingPolicy, DriveScope
from projlife.plugins.hook_calls import (
    PluginError,
    PluginFailure,
    T,
    _all_seq,
    _contract,
    _first,
    _first_seq,
    _typed,
    _typed_seq,
    call_first,
    call_hook,
    is_bound,
    jurisdictions,
)
from projlife.plugins.loading import (
    DISABLE_ENV,
    ENTRY_POINT_GROUP,
    ONLY_ENV,
    TRACE_ENV,
    get_plugin_manager,
    hook_names,
    plugin_failures,
    plugin_hooks,
    register,
)
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

if TYPE_CHECKING:
    from pydantic import TypeAdapter

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


@functools.cache
def _flag_name() -> TypeAdapter[str]:
    """The validator of a flag name, as ``FlagProject`` checks it (built once: a few hundred µs each)."""
    from pydantic import TypeAdapter

    from projlife.app.commands import Code

    return TypeAdapter(Code)


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
    from pydantic import ValidationError

    topics = _readable_topics()
    flag_name = _flag_name()
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
                + f", where {city.slug} has no areas, so it would evaluate nothing"
                + (
                    f" ({city.slug}'s county is its top level: its towns and parks compete at the town level)"
                    if city.areas.top_is_county and scope.level is AreaLevel.COUNTY
                    else ""
                ),
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
