"""Rules that act: ``projlife tick --as-of DATE`` turns what is due into events.

:func:`tick` runs, for each city, in this order:

1. **挂牌提醒** — every project overdue on one of the city's deadlines is flagged with the
   deadline's flag (``overdue`` when the rule names none), unless it carries that flag already;
2. **escalation** — every ticket past its due date that has not been escalated since it fell
   due moves one rung up the city's ladder (001: 县区 → 分包市领导 → 重点项目办 → 周例会),
   unless it stands at the top already;
3. **lagging against plan** (进度不达标、时间有滞后, issue 18) — every project whose
   year-to-date reported investment (or 形象进度) is below the city's
   :class:`PlanLagRule` share of its pro-rata annual plan is flagged ``lagging.plan``;
4. **the city's own actions** — the commands its plugin returns from ``projlife_actions``
   (e.g. Xiaogan's 季核查 removal from the started pool).

Every command is issued by the SYSTEM actor with the business date ``as_of``, the reason of
the rule and the evidence ``rules:sha256:<rule-set hash>``. A command is issued only when it is
still due, so running ``tick`` twice for the same date writes nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from projlife.app.commands import Command, FlagProject
from projlife.domain.actor import SYSTEM_ACTOR, Actor
from projlife.domain.errors import ProjlifeError
from projlife.domain.periods import Period, PeriodKind
from projlife.plugins.manager import rule_set
from projlife.projections.counting.plan import LAGGING_FLAG, PlanLagRule, city_plans
from projlife.store.errors import StoreLocked

if TYPE_CHECKING:
    from projlife.plugins.types import CityProfile
    from projlife.ports import RuleSource

__all__ = ["LAGGING_FLAG", "OVERDUE_FLAG", "PlanLagRule", "TickAction", "TickReport", "tick"]

OVERDUE_FLAG = "overdue"
"""The flag of an overdue deadline whose rule names no flag of its own."""


@attrs.frozen
class TickAction:
    """One command ``tick`` issued (or would issue, with ``dry_run``)."""

    rule: str
    kind: str
    target: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "kind": self.kind, "target": self.target, "reason": self.reason}


@attrs.frozen
class TickReport:
    """What one tick did for one city."""

    city: str
    as_of: date
    rule_set_sha256: str
    actions: tuple[TickAction, ...]
    dry_run: bool
    refused: tuple[tuple[TickAction, str], ...] = ()
    """Commands the domain refused (with why); the others were still issued."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "as_of": self.as_of.isoformat(),
            "rule_set_sha256": self.rule_set_sha256,
            "dry_run": self.dry_run,
            "actions": [a.as_dict() for a in self.actions],
            "refused": [{**a.as_dict(), "error": why} for a, why in self.refused],
        }


def _deadline_flags(
    app: RuleSource, city: CityProfile, as_of: date, evidence: str
) -> list[tuple[TickAction, Command]]:
    from projlife.engine.evaluate import evaluate_deadlines
    from projlife.projections.counting import Counting

    report = evaluate_deadlines(app, city, as_of)
    facts = {f.project_id: f for f in Counting(app.engine).projects(city.code, as_of=as_of)}
    out: list[tuple[TickAction, Command]] = []
    flagged: set[tuple[Any, str]] = set()
    for r in report.overdue():
        flag = r.flag or OVERDUE_FLAG
        f = facts.get(r.project_id)
        if f is None or flag in f.flags or f.cancelled_on is not None or (r.project_id, flag) in flagged:
            continue
        flagged.add((r.project_id, flag))
        reason = (
            f"挂牌提醒: {r.rule_id} 应于{r.due_on}前完成, 截至{as_of}逾期{r.overdue_working_days}个工作日"
        )
        cmd = FlagProject(
            project_id=r.project_id,
            flag=flag,
            reason=reason,
            occurred_on=as_of,
            actor=SYSTEM_ACTOR,
            evidence=(evidence,),
        )
        out.append((TickAction(r.rule_id, "flag", r.project_code, reason), cmd))
    return out


def _escalations(
    app: RuleSource, city: CityProfile, as_of: date, evidence: str
) -> list[tuple[TickAction, Command]]:
    from projlife.tickets.commands import EscalateTicket

    steps = len(app.tickets.policy(city.code).ladder)
    out: list[tuple[TickAction, Command]] = []
    for late in app.tickets.overdue(as_of=as_of, city_code=city.code):
        if late.escalation_level + 1 >= steps:
            continue
        ticket = app.tickets.get(late.ticket_id)
        if any(on >= late.effective_due_on for _, _, _, on in ticket.escalations):
            continue
        reason = (
            f"逾期升级: 应于{late.effective_due_on}前办结, 截至{as_of}超期{late.overdue_working_days}个工作日"
        )
        cmd = EscalateTicket(
            ticket_id=late.ticket_id,
            reason=reason,
            occurred_on=as_of,
            actor=SYSTEM_ACTOR,
            evidence=(evidence,),
        )
        out.append((TickAction("tickets.escalation", "escalate_ticket", late.code, reason), cmd))
    return out


def _plan_lag(
    app: RuleSource, city: CityProfile, as_of: date, evidence: str
) -> list[tuple[TickAction, Command]]:
    """挂牌提醒 of the projects that lag their annual plan, as the counting layer's
    :func:`~projlife.projections.counting.plan.city_plans` says (the one lag figure)."""
    from projlife.plugins.city_extras import plan_lag_rule
    from projlife.projections.counting import Counting

    rule = plan_lag_rule(app.plugins, city)
    facts = {str(f.project_id): f for f in Counting(app.engine).projects(city.code, as_of=as_of)}
    statuses = city_plans(app.engine, app.plugins, app.targets, city, as_of)
    out: list[tuple[TickAction, Command]] = []
    for pid, status in sorted(statuses.items(), key=lambda kv: kv[1].project_code):
        if not status.lagging or rule.flag in facts[pid].flags:
            continue
        reason = "挂牌提醒(进度不达标、时间有滞后): " + "；".join(status.lag_reasons)
        cmd = FlagProject(
            project_id=facts[pid].project_id,
            flag=rule.flag,
            reason=reason,
            occurred_on=as_of,
            actor=SYSTEM_ACTOR,
            evidence=(evidence,),
        )
        out.append((TickAction("plan.lagging", "flag", status.project_code, reason), cmd))
    return out


def _plugin_actions(app: RuleSource, city: CityProfile, as_of: date) -> list[tuple[TickAction, Command]]:
    from projlife.plugins.manager import PluginError, call_hook

    out: list[tuple[TickAction, Command]] = []
    for plugin, value in call_hook(app.plugins, "projlife_actions", city=city, app=app, as_of=as_of):
        if isinstance(value, str | bytes) or not isinstance(value, Sequence):
            raise PluginError(
                f"read hook projlife_actions of plugin {plugin!r}",
                f"it returned {type(value).__name__}, not a sequence of commands",
                "a list of project or ticket commands",
                plugin=plugin,
                hook="projlife_actions",
            )
        for cmd in value:
            if not isinstance(cmd, Command):
                raise PluginError(
                    f"read hook projlife_actions of plugin {plugin!r}",
                    f"it returned a {type(cmd).__name__} among its commands",
                    "project or ticket commands",
                    plugin=plugin,
                    hook="projlife_actions",
                )
            target = str(getattr(cmd, "project_id", getattr(cmd, "ticket_id", "")))
            out.append((TickAction(f"{plugin}.actions", cmd.name, target, cmd.reason or ""), cmd))
    return out


def _run(app: RuleSource, cmd: Command) -> None:
    from projlife.tickets.commands import TicketCommand

    if isinstance(cmd, TicketCommand):
        app.tickets.execute(cmd)
    else:
        app.projects.execute(cmd)


def tick(
    app: RuleSource,
    as_of: date,
    *,
    cities: Sequence[str] | None = None,
    dry_run: bool = False,
    actor: Actor = SYSTEM_ACTOR,
) -> list[TickReport]:
    """Issue every command due on ``as_of`` for ``cities`` (default: every city with projects or tickets).

    Idempotent: a second run for the same date finds nothing due and writes nothing. Each
    command is its own event (a failure part-way leaves the earlier ones recorded, and the next
    run picks up the rest).
    """
    if actor != SYSTEM_ACTOR:
        actor = SYSTEM_ACTOR  # tick acts for the rules, never for a person
    app.projections.run()
    slugs = list(cities) if cities is not None else sorted(app.cities)
    reports: list[TickReport] = []
    for slug in slugs:
        city = app.city(slug)
        rules = rule_set(app.plugins, city, Period.containing(PeriodKind.YEAR, as_of))
        evidence = f"rules:sha256:{rules.sha256}"
        found: list[tuple[TickAction, Command]] = []
        found += _deadline_flags(app, city, as_of, evidence)
        found += _escalations(app, city, as_of, evidence)
        found += _plan_lag(app, city, as_of, evidence)
        found += [
            (a, c.model_copy(update={"evidence": (*c.evidence, evidence)}))
            for a, c in _plugin_actions(app, city, as_of)
        ]
        done: list[TickAction] = []
        refused: list[tuple[TickAction, str]] = []
        for action, cmd in found:
            if dry_run:
                done.append(action)
                continue
            try:
                _run(app, cmd)
            except StoreLocked:
                raise
            except ProjlifeError as exc:  # refused by the domain: report it, carry on with the rest
                refused.append((action, str(exc)))
            else:
                done.append(action)
        reports.append(TickReport(city.slug, as_of, rules.sha256, tuple(done), dry_run, tuple(refused)))
    return reports
