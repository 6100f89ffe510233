"""The hooks a city plugin implements. Every hook is prefixed ``projlife_``.

A city plugin is a module (or object) with functions decorated ``@hookimpl`` whose names are
hooks below; it is found through the ``projlife`` entry-point group. Each hook's docstring says
its parameters, what it returns, and how projlife calls it:

- *first result*: plugins are asked in turn and the first answer that is not ``None`` wins;
- *all collected*: every plugin is asked and the answers that are not ``None`` are combined.

Hooks that take ``city`` are bound to the plugin's jurisdiction: projlife asks a plugin only
about the cities whose codes it governs (the city it declares with ``projlife_city`` and any
codes it lists with ``projlife_jurisdiction``). Hooks named ``projlife_cross_city_*`` are the
exception, asked about every city. A hook implementation may accept fewer parameters than its
spec (pluggy passes only those it names).

Every hook is called through :func:`projlife.plugins.manager.call_hook`, which names the
plugin in the error when an implementation raises or returns the wrong type.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import pluggy

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.errors import Problem
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.ticket import Satisfaction
from projlife.plugins.counting_policy import CountingPolicy, DriveScope
from projlife.plugins.rules import (
    DeadlineSpec,
    EscalationStep,
    QuotaRule,
    ScoringRule,
    SizeClass,
    TicketCategory,
)
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from datetime import date

    from projlife.actions import PlanLagRule
    from projlife.app.commands import Command
    from projlife.domain.project import Project
    from projlife.plugins.indicators import Indicator, IndicatorRanking
    from projlife.plugins.labels import BulletinSection, Labels
    from projlife.ports import BulletinSource, RuleSource

__all__ = [
    "CROSS_CITY_PREFIX",
    "FIRST_RESULT_HOOKS",
    "PROJECT_NAME",
    "hookimpl",
    "hookspec",
    "projlife_actions",
    "projlife_bulletin_sections",
    "projlife_calendar",
    "projlife_city",
    "projlife_close_unsampled_on_answer",
    "projlife_counting_policy",
    "projlife_cross_city_calendar",
    "projlife_cross_city_validate_command",
    "projlife_deadlines",
    "projlife_escalation_ladder",
    "projlife_indicator_rankings",
    "projlife_indicators",
    "projlife_jurisdiction",
    "projlife_labels",
    "projlife_major_threshold",
    "projlife_plan_lag",
    "projlife_quotas",
    "projlife_revisit_sample_rate",
    "projlife_satisfaction_bar",
    "projlife_scope",
    "projlife_scoring",
    "projlife_size_classes",
    "projlife_ticket_categories",
    "projlife_ticket_due_rule",
    "projlife_validate_command",
]

PROJECT_NAME = "projlife"
"""The pluggy project name: hooks are ``projlife_*``, markers ``projlife``."""
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks projlife's hook specifications (projlife's own use)."""
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Decorate a plugin's hook functions with it: ``@hookimpl def projlife_city(): ...``."""


# --- jurisdiction (plugbind) ---


@hookspec
def projlife_jurisdiction() -> Sequence[str] | None:
    """The codes of the top jurisdictions (cities or counties) this plugin governs.

    :returns: administrative codes (``["420900"]``), or ``None``. The code of the
        :class:`~projlife.plugins.types.CityProfile` a plugin declares with :func:`projlife_city`
        is part of its jurisdiction without being listed here.

    *All collected*, once per plugin at load time. projlife calls a plugin's hooks that take a
    ``city`` only for the cities in its jurisdiction, so a plugin cannot change another city's
    rules even if it forgets to compare ``city``. Two plugins claiming one code is a
    :class:`~projlife.plugins.manager.PluginError` at load time, naming both.
    """


@hookspec(firstresult=True)
def projlife_scope(city: CityProfile) -> DriveScope | None:
    """The one scope of ``city``'s drive: which projects every rule, section, total and export counts.

    :param city: the city asked about (only plugins governing it are asked).
    :returns: a :class:`~projlife.plugins.counting_policy.DriveScope` (categories, an amount
        threshold judged by the amount that fits the stage counted, area kinds), or ``None``.

    *First result*; no answer means the scope of the city's counting policy (every project by
    default). Answering both this hook and a counting policy with a scope is an error.
    """


@hookspec
def projlife_cross_city_calendar(city: CityProfile) -> WorkdayCalendar | None:
    """Cross-city: working-day overrides for every city (e.g. a national table not yet packaged).

    :param city: the city whose deadlines are being computed; this hook is asked about *every*
        installed city, whatever the plugin's jurisdiction.
    :returns: a :class:`~projlife.calendar.WorkdayCalendar`, or ``None``.

    *All collected*, layered under the city's own ``projlife_calendar`` answers in plugin-name
    order. A cross-city answer changes every city's rule-set hash: the conformance kit
    refuses a plugin whose cross-city hooks change the built-in cities.
    """


@hookspec
def projlife_cross_city_validate_command(
    city: CityProfile, command: Command, project: Project | None
) -> Sequence[Problem] | None:
    """Cross-city: check a command of *any* city before anything is written (a province's rule).

    :param city: the city of the project the command concerns (any installed city).
    :param command: the validated command.
    :param project: the project before the command, or ``None`` for a conception.
    :returns: the :class:`~projlife.domain.errors.Problem` s found, or ``None``.

    *All collected*, after the city's own ``projlife_validate_command``: any problem rejects the
    command and nothing is written.
    """


CROSS_CITY_PREFIX = "projlife_cross_city_"
"""Hooks named ``projlife_cross_city_*`` are asked about every city; every other hook that
takes ``city`` is asked only of the plugins whose jurisdiction holds the city's code."""


# -- identity ---------------------------------------------------------------------------------


@hookspec
def projlife_city() -> CityProfile | None:
    """Declare the city this plugin serves: its identity and its areas.

    :returns: a :class:`~projlife.plugins.types.CityProfile`, or ``None`` for a plugin that
        serves no city of its own (e.g. one that only adds a calendar table).

    *All collected*, once per plugin manager: one city per plugin; two plugins declaring the
    same slug is an error.
    """


# -- sizes --------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def projlife_major_threshold(city: CityProfile) -> Money | None:
    """The planned investment from which a project of ``city`` counts as major (重大项目).

    :param city: the city asked about.
    :returns: a :class:`~projlife.domain.money.Money` (e.g. ``Money.yi(1)`` for "亿元以上"),
        or ``None`` if this plugin does not speak for ``city``.

    *First result*: the first plugin that answers decides; no answer means no threshold.
    """


@hookspec(firstresult=True)
def projlife_counting_policy(city: CityProfile) -> CountingPolicy | None:
    """How ``city`` counts: its drive's scope and its policy for removed, cancelled, rejected facts.

    :param city: the city asked about.
    :returns: a :class:`~projlife.plugins.counting_policy.CountingPolicy`, or ``None`` if this
        plugin does not speak for ``city``.

    *First result*: the first plugin that answers decides; no answer means the default policy
    (every project counts; see ``docs/projections.md``).
    """


@hookspec(firstresult=True)
def projlife_size_classes(city: CityProfile) -> Sequence[SizeClass] | None:
    """The size classes ``city`` counts separately (e.g. Jiangyan's "1–5 亿" and "5 亿以上").

    :param city: the city asked about.
    :returns: a sequence of :class:`~projlife.plugins.rules.SizeClass` with unique ids, or
        ``None`` if this plugin does not speak for ``city``.

    *First result*: one plugin defines a city's whole set of classes.
    """


# -- tickets ----------------------------------------------------------------------------------


@hookspec(firstresult=True)
def projlife_ticket_categories(city: CityProfile) -> Sequence[TicketCategory] | None:
    """The categories an enterprise's problem ticket is filed under in ``city`` (000: six).

    :param city: the city asked about.
    :returns: a non-empty sequence of :class:`~projlife.plugins.rules.TicketCategory` with
        unique codes and labels, or ``None`` if this plugin does not speak for ``city``.

    *First result*; no answer means projlife's default categories (孝感's six).
    """


@hookspec(firstresult=True)
def projlife_escalation_ladder(city: CityProfile) -> Sequence[EscalationStep] | None:
    """Who takes an unsolved ticket next in ``city`` (001: county → vice-mayor → office → meeting).

    :param city: the city asked about.
    :returns: the rungs in order as :class:`~projlife.plugins.rules.EscalationStep` (the first
        is where tickets are assigned; ``meets_on`` is the weekday a standing meeting takes
        tickets up, 0 = Monday), or ``None`` if this plugin does not speak for ``city``.

    *First result*; no answer means the default ladder (assignee → 包保市级领导).
    """


@hookspec(firstresult=True)
def projlife_ticket_due_rule(city: CityProfile) -> DeadlineRule | None:
    """The time ``city`` allows to answer a ticket, from assignment and again from a reopen.

    :param city: the city asked about.
    :returns: a :class:`~projlife.calendar.DeadlineRule` such as
        ``DeadlineRule.parse("10 working days")``, or ``None`` if this plugin does not speak for
        ``city``.

    *First result*; no answer means 10 working days.
    """


@hookspec(firstresult=True)
def projlife_revisit_sample_rate(city: CityProfile) -> Decimal | None:
    """The share of answered tickets whose enterprise is called back (回访复核), within [0, 1].

    :param city: the city asked about.
    :returns: a ``Decimal`` such as ``Decimal("0.3")``, or ``None`` if this plugin does not speak
        for ``city``.

    *First result*; no answer means 0.3.
    """


@hookspec(firstresult=True)
def projlife_satisfaction_bar(city: CityProfile) -> Satisfaction | None:
    """The rating a revisit must reach for a ticket to be closed (销号), on the fixed 1–5 scale.

    :param city: the city asked about.
    :returns: a :class:`~projlife.domain.ticket.Satisfaction` (1 非常不满意 … 5 非常满意; a plain
        int 1–5 is accepted), or ``None`` if this plugin does not speak for ``city``. A rating
        at or above the bar closes the ticket; below it reopens the ticket.

    *First result*; no answer means 4 (满意).
    """


@hookspec(firstresult=True)
def projlife_close_unsampled_on_answer(city: CityProfile) -> bool | None:
    """Whether a ticket not drawn for a revisit closes on its answer in ``city``.

    :param city: the city asked about.
    :returns: ``True`` (answered tickets outside the revisit sample close), ``False`` (every
        ticket waits for a satisfactory revisit), or ``None`` if this plugin does not speak for
        ``city``.

    *First result*; no answer means ``True``.
    """


# -- quotas, deadlines, scoring -------------------------------------------------------------------


@hookspec
def projlife_quotas(city: CityProfile, period: Period) -> Sequence[QuotaRule] | None:
    """The quotas in force for ``city`` during ``period``: counts, rates, paces and amounts.

    :param city: the city asked about.
    :param period: the period being evaluated or hashed. Return every quota in force during it,
        of any period kind; projlife evaluates those whose ``period_kind`` matches.
    :returns: a sequence of :class:`~projlife.plugins.rules.QuotaRule`, or ``None``.

    *All collected*: answers are concatenated; quota ids must be unique across plugins.
    """


@hookspec
def projlife_deadlines(city: CityProfile) -> Sequence[DeadlineSpec] | None:
    """The deadlines events trigger in ``city`` ("start within 90 working days of signing").

    :param city: the city asked about.
    :returns: a sequence of :class:`~projlife.plugins.rules.DeadlineSpec`, or ``None``.

    *All collected*: answers are concatenated; deadline ids must be unique across plugins.
    """


@hookspec
def projlife_scoring(city: CityProfile, period: Period) -> Sequence[ScoringRule] | None:
    """How ``city`` scores and ranks its areas over ``period`` (weights, top N, bottom N).

    :param city: the city asked about.
    :param period: the period being ranked or hashed; return every scoring rule in force during
        it, of any period kind.
    :returns: a sequence of :class:`~projlife.plugins.rules.ScoringRule`, or ``None``.

    *All collected*: answers are concatenated; scoring-rule ids must be unique.
    """


# -- policy -----------------------------------------------------------------------------------


@hookspec
def projlife_validate_command(
    city: CityProfile, command: Command, project: Project | None
) -> Sequence[Problem] | None:
    """Check a command against ``city``'s policy before anything is written.

    :param city: the city of the project the command concerns.
    :param command: the validated command (a :class:`projlife.app.commands.Command`).
    :param project: the project as it stands before the command, or ``None`` for
        :class:`~projlife.app.commands.ConceiveProject`.
    :returns: the :class:`~projlife.domain.errors.Problem` s found (empty or ``None`` when the
        command is acceptable).

    *All collected*: every plugin's problems are gathered; any problem rejects the command with
    :class:`~projlife.domain.errors.CommandRejected` and nothing is written. An implementation
    that raises also rejects the command, with a :class:`~projlife.plugins.manager.PluginError`
    naming the plugin, and nothing is written.
    """


# -- calendar ---------------------------------------------------------------------------------


@hookspec
def projlife_calendar(city: CityProfile) -> WorkdayCalendar | None:
    """Working-day overrides for ``city``: an official table not yet packaged, or local holidays.

    :param city: the city whose deadlines are being computed.
    :returns: a :class:`~projlife.calendar.WorkdayCalendar` whose ``workdays``, ``holidays`` and
        ``official_years`` are layered over China's official table, or ``None``.

    *All collected*: answers are layered in plugin-name order (a later plugin wins on a date
    both list). A national table (e.g. 2027, once published) for every city belongs in
    :func:`projlife_cross_city_calendar`.
    """


FIRST_RESULT_HOOKS = frozenset(
    {
        "projlife_major_threshold",
        "projlife_counting_policy",
        "projlife_scope",
        "projlife_size_classes",
        "projlife_ticket_categories",
        "projlife_escalation_ladder",
        "projlife_revisit_sample_rate",
        "projlife_satisfaction_bar",
        "projlife_ticket_due_rule",
        "projlife_close_unsampled_on_answer",
    }
)
"""The hooks called *first result*; every other hook is *all collected*."""


# --- indicators, targets, labels, actions (plugind) ------------------------------------------


@hookspec
def projlife_indicators(city: CityProfile) -> Sequence[Indicator] | None:
    """Indicators ``city`` ranks or reports by, beyond the built-in ones.

    :param city: the city asked about.
    :returns: a sequence of :class:`~projlife.plugins.indicators.Indicator` (ids unique and not
        those of :data:`~projlife.plugins.indicators.BUILTIN_INDICATORS`), or ``None``.

    *All collected*: answers are concatenated with the built-in indicators.
    """


@hookspec
def projlife_indicator_rankings(city: CityProfile, period: Period) -> Sequence[IndicatorRanking] | None:
    """Rankings of ``city``'s areas by weighted indicators over ``period`` (e.g. a quarterly 流动红旗).

    :param city: the city asked about.
    :param period: the period being ranked; return every ranking in force during it.
    :returns: a sequence of :class:`~projlife.plugins.indicators.IndicatorRanking`, or ``None``.

    *All collected*: ranking ids must be unique; every weighted indicator must exist.
    """


@hookspec(firstresult=True)
def projlife_labels(city: CityProfile) -> Labels | None:
    """The words ``city``'s bulletins use for its areas, awards and sections (全县, 镇街(园区), 流动红旗).

    :param city: the city asked about.
    :returns: a :class:`~projlife.plugins.labels.Labels`, or ``None`` to keep the library's words.

    *First result*.
    """


@hookspec
def projlife_bulletin_sections(
    city: CityProfile, app: BulletinSource, kind: str, period: Period, as_of: date
) -> Sequence[BulletinSection] | None:
    """Extra sections for ``city``'s bulletin of ``kind`` for ``period`` as of ``as_of``.

    :param app: the application (read the counting layer, ``app.targets``, the engine).
    :returns: a sequence of :class:`~projlife.plugins.labels.BulletinSection`, or ``None``.

    *All collected*, appended after the library's sections in plugin-name order.
    """


@hookspec
def projlife_actions(city: CityProfile, app: RuleSource, as_of: date) -> Sequence[Command] | None:
    """Commands ``city``'s rules make due on ``as_of`` (e.g. a removal from a pool at the 季核查).

    :param app: the application, to read the facts the rule needs.
    :returns: project or ticket commands (``RemoveFromPool``, ``FlagProject``, ``EscalateTicket``…)
        with the SYSTEM actor, or ``None``. Return only commands that are still due: ``projlife
        tick`` runs them and must write nothing new when run twice.

    *All collected*; run by :func:`projlife.actions.tick` after the built-in actions.
    """


@hookspec(firstresult=True)
def projlife_plan_lag(city: CityProfile) -> PlanLagRule | None:
    """When ``city`` flags a project as lagging against its annual plan (进度不达标、时间有滞后).

    :returns: a :class:`~projlife.actions.PlanLagRule`, or ``None`` for the default (flag
        ``lagging.plan`` when year-to-date investment is below 80% of the pro-rata plan).

    *First result*.
    """


FIRST_RESULT_HOOKS = FIRST_RESULT_HOOKS | {"projlife_labels", "projlife_plan_lag"}
