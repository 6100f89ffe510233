"""The demo's ticket section: ~60 enterprise problems taken round the closed loop."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.table import Table

from projlife.calendar import WorkdayCalendar
from projlife.demo.flavour import flavour_for
from projlife.domain.errors import ProjlifeError
from projlife.domain.project import project_id_for
from projlife.domain.ticket import TicketStatus

if TYPE_CHECKING:
    from projlife.demo.context import DemoContext

__all__ = ["ticket_loop"]

_CLERK = {"id": "demo-clerk", "role": "clerk"}
_REVISITOR = {"id": "demo-revisitor", "role": "revisitor"}


def ticket_loop(ctx: DemoContext, n_tickets: int = 60) -> None:
    """Raise, assign, escalate, answer, draw, revisit, close or reopen; print the loop and what is overdue."""
    app, city = ctx.app, ctx.city
    rng = random.Random(f"demo-tickets/{ctx.seed}/{city.slug}")
    flavour = flavour_for(city.slug)
    cal = WorkdayCalendar.china()
    policy = app.tickets.policy(city.code)
    projects = [p for p in ctx.simulation.projects if not p.cancelled]
    start = ctx.as_of - timedelta(days=120)
    raised: list[tuple[Any, date]] = []
    for n in range(1, min(n_tickets, len(projects)) + 1):
        sp = rng.choice(projects)
        category = rng.choice(policy.category_labels)
        on = cal.roll_forward(start + timedelta(days=rng.randrange(0, 90)))
        tid = app.tickets.execute(
            {
                "command": "raise_ticket",
                "code": f"{sp.code}-T{n:03d}",
                "city_code": city.code,
                "area_code": sp.area_code,
                "category": category,
                "description": flavour.problem(category, rng.randrange(1000)),
                "raised_by": rng.choice(flavour.ticket_sources),
                "project_id": str(project_id_for(city.code, sp.code)),
                "occurred_on": on.isoformat(),
                "actor": _CLERK,
            }
        ).aggregate_id
        assignee = rng.choice(
            [("locality", sp.area_code), *(("department", d) for d in flavour.departments[:2])]
        )
        _do(ctx, "assign_ticket", tid, on, _CLERK, assignee_kind=assignee[0], assignee=assignee[1])
        raised.append((tid, on))

    answered_on: dict[Any, date] = {}
    for tid, on in raised:
        roll = rng.random()
        day = on + timedelta(days=rng.randrange(3, 25))
        if roll < 0.1:
            _do(ctx, "escalate_ticket", tid, day, _CLERK, reason="属地无法协调解决")
        if roll < 0.75 and day <= ctx.as_of - timedelta(days=10):
            handler = {"id": f"handler-{rng.randrange(1, 6)}", "role": "handler"}
            _do(
                ctx,
                "answer_ticket",
                tid,
                day,
                handler,
                resolution=rng.choice(flavour.resolutions),
                evidence=[f"办结单-{tid.hex[:6]}"],
            )
            answered_on[tid] = day

    draw_day = ctx.as_of - timedelta(days=8)
    draw = app.tickets.draw(
        {
            "city_code": city.code,
            "seed": f"demo-{ctx.seed}-1",
            "occurred_on": draw_day.isoformat(),
            "actor": _CLERK,
        }
    )
    for tid in draw.population:
        if tid in draw.drawn:
            rating = rng.choices([5, 4, 3, 2, 1], weights=[40, 30, 15, 10, 5])[0]
            reason = "企业反映问题未实质解决" if rating < policy.satisfaction_bar else None
            _do(
                ctx,
                "revisit_ticket",
                tid,
                draw_day + timedelta(days=1),
                _REVISITOR,
                satisfaction=rating,
                reason=reason,
            )
            ticket = app.tickets.get(tid)
            if ticket.status is TicketStatus.ANSWERED:
                _do(ctx, "close_ticket", tid, draw_day + timedelta(days=1), _REVISITOR)
            else:  # reopened: answered again by a different handler
                _do(
                    ctx,
                    "answer_ticket",
                    tid,
                    draw_day + timedelta(days=4),
                    {"id": "handler-9", "role": "handler"},
                    resolution="二次办理: 已落实",
                )
        else:
            _do(ctx, "close_ticket", tid, draw_day + timedelta(days=1), _CLERK)

    summary = app.tickets.summary(as_of=ctx.as_of, city_code=city.code)
    table = Table(title=f"{city.name_zh} 问题收集·分办·回访闭环 (as of {ctx.as_of})")
    for col in ["收集", "办理中", "已反馈", "已销号", "重新交办", "逾期", "回访", "平均满意度", "达标率"]:
        table.add_column(col, justify="right")
    table.add_row(
        str(summary.raised),
        str(summary.open),
        str(summary.answered),
        str(summary.closed),
        str(summary.reopened),
        str(summary.overdue),
        str(summary.revisits),
        str(summary.mean_satisfaction or "-"),
        f"{summary.satisfied_share:.0%}" if summary.satisfied_share is not None else "-",
    )
    ctx.console.print(table)
    ctx.console.print(
        f"revisit draw {draw.seed!r}: {len(draw.drawn)} of {len(draw.population)} answered tickets at rate "
        f"{draw.rate}; re-derived from the recorded seed: "
        f"{'identical' if app.tickets.get_draw(draw.draw_id).is_reproducible else 'MISMATCH'}"
    )
    overdue = app.tickets.overdue(as_of=ctx.as_of, city_code=city.code)
    late = Table(title=f"逾期问题 (as of {ctx.as_of}, paused days excluded)")
    for col in ["问题编号", "类别", "承办", "应办结", "逾期工作日"]:
        late.add_column(col)
    for o in overdue[:10]:
        late.add_row(
            o.code, o.category, o.assignee, o.effective_due_on.isoformat(), str(o.overdue_working_days)
        )
    ctx.console.print(late)
    if len(overdue) > 10:
        ctx.console.print(f"[dim]… and {len(overdue) - 10} more overdue[/]")


def _do(ctx: DemoContext, command: str, tid: Any, day: date, actor: dict[str, str], **fields: Any) -> None:
    try:
        ctx.app.tickets.execute(
            {
                "command": command,
                "ticket_id": str(tid),
                "occurred_on": day.isoformat(),
                "actor": actor,
                **fields,
            }
        )
    except ProjlifeError as exc:  # a refusal is part of the story, e.g. a ticket answered after the draw
        ctx.console.print(f"[dim]refused: {exc}[/]")
