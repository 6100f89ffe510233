"""The tickets read model answers overdue/summary exactly as replaying every ticket does.

Random ticket histories (raise, assign, escalate, pause, resume, answer, draw, revisit,
close, withdraw; refusals ignored) are written through ``app.tickets``; for random business
dates the projection's answers are compared with the brute-force aggregate replay.
"""

from __future__ import annotations

import contextlib
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import ticket_reference as ref
from projlife.app.application import Projlife, connect
from projlife.domain.errors import ProjlifeError
from projlife.tickets.projection import TICKETS_PROJECTION, tickets_table

CITY = "420900"
AREAS = ["420902", "420921", "420922"]
CATEGORIES = ["用能用地", "政府履约", "融资贷款", "其他"]
CLERK = {"id": "clerk-1", "role": "clerk"}
REVISITOR = {"id": "revisitor-1", "role": "revisitor"}
START = date(2024, 9, 2)


def write_random_history(app: Projlife, seed: int, n_tickets: int = 14) -> list[date]:
    """Random histories; returns the business dates used (to query around)."""
    rng = random.Random(seed)
    ids: list[tuple[Any, date]] = []
    days: list[date] = []
    for n in range(n_tickets):
        on = START + timedelta(days=rng.randrange(0, 40))
        tid = app.tickets.execute(
            {
                "command": "raise_ticket",
                "code": f"R-{n:03d}",
                "city_code": CITY,
                "area_code": rng.choice(AREAS),
                "category": rng.choice(CATEGORIES),
                "description": "问题",
                "raised_by": "热线",
                "enterprise_code": "91420900MA49ABCD1X",
                "occurred_on": on.isoformat(),
                "actor": CLERK,
            }
        ).aggregate_id
        app.tickets.execute(
            {
                "command": "assign_ticket",
                "ticket_id": str(tid),
                "assignee_kind": "department",
                "assignee": rng.choice(["市发改委", "市财政局"]),
                "occurred_on": on.isoformat(),
                "actor": CLERK,
            }
        )
        ids.append((tid, on))
        days.append(on)
    cursor = {tid: on for tid, on in ids}
    for step in range(n_tickets * 10):
        tid, _ = rng.choice(ids)
        day = cursor[tid] + timedelta(days=rng.randrange(0, 9))
        cursor[tid] = day
        days.append(day)
        handler = {"id": f"handler-{rng.randrange(1, 4)}", "role": "handler"}
        kind = rng.choice(
            [
                "assign",
                "escalate",
                "pause",
                "resume",
                "answer",
                "answer",
                "answer",
                "revisit",
                "revisit",
                "close",
                "close",
                "withdraw",
            ]
        )
        fields: dict[str, Any]
        if kind == "assign":
            who = rng.choice(
                [("locality", rng.choice(AREAS)), ("department", "市发改委"), ("department", "市财政局")]
            )
            command, actor, fields = "assign_ticket", CLERK, {"assignee_kind": who[0], "assignee": who[1]}
        elif kind == "escalate":
            command, actor, fields = "escalate_ticket", CLERK, {}
        elif kind == "pause":
            command, actor, fields = "pause_ticket_clock", CLERK, {"reason": "企业补充材料"}
        elif kind == "resume":
            command, actor, fields = "resume_ticket_clock", CLERK, {"reason": "材料已补齐"}
        elif kind == "answer":
            command, actor, fields = "answer_ticket", handler, {"resolution": "已办理"}
        elif kind == "revisit":
            rating = rng.randint(1, 5)
            command, actor = "revisit_ticket", REVISITOR
            fields = {"satisfaction": rating, "reason": "未解决" if rating < 4 else None}
        elif kind == "close":
            command, actor, fields = "close_ticket", REVISITOR, {}
        else:
            if rng.random() > 0.2:
                continue
            command, actor, fields = "withdraw_ticket", CLERK, {"reason": "企业撤回"}
        if kind in ("revisit", "close") and rng.random() < 0.6:
            with contextlib.suppress(ProjlifeError):
                app.tickets.draw(
                    {
                        "city_code": CITY,
                        "seed": f"s{step}",
                        "rate": "0.5",
                        "occurred_on": day.isoformat(),
                        "actor": CLERK,
                    }
                )
        with contextlib.suppress(ProjlifeError):  # refusals are part of random histories
            app.tickets.execute(
                {
                    "command": command,
                    "ticket_id": str(tid),
                    "occurred_on": day.isoformat(),
                    "actor": actor,
                    **fields,
                }
            )
        if kind == "revisit" and rng.random() < 0.8:
            with contextlib.suppress(ProjlifeError):
                app.tickets.execute(
                    {
                        "command": "close_ticket",
                        "ticket_id": str(tid),
                        "occurred_on": day.isoformat(),
                        "actor": REVISITOR,
                    }
                )
        if step % 23 == 0:
            app.projections.run()  # the projection catches up in several batches
    return days


def projected_overdue(app: Projlife, as_of: date, **filters: Any) -> list[tuple[Any, ...]]:
    return [
        (
            o.code,
            o.due_on,
            o.effective_due_on,
            o.paused_working_days,
            o.overdue_working_days,
            o.escalation_level,
            o.reopen_count,
        )
        for o in app.tickets.overdue(as_of=as_of, **filters)
    ]


def projected_summary(app: Projlife, as_of: date) -> dict[str, Any]:
    s = app.tickets.summary(as_of=as_of, city_code=CITY)
    states = app.tickets.states_as_of(as_of, city_code=CITY)
    return {
        "raised": s.raised,
        "open": s.open,
        "answered": s.answered,
        "closed": s.closed,
        "withdrawn": s.withdrawn,
        "overdue": s.overdue,
        "reopened": s.reopened,
        "satisfaction": dict(s.satisfaction),
        "satisfied": sum(t.satisfied_revisits for t in states),
        "by_category": dict(s.by_category),
    }


def check_against_replay(app: Projlife, days: list[date], rng: random.Random) -> None:
    probes = sorted(
        {*rng.sample(days, min(6, len(days))), START - timedelta(days=1), max(days) + timedelta(days=30)}
    )
    for as_of in probes:
        assert projected_overdue(app, as_of) == ref.overdue(app, as_of), as_of
        assert projected_overdue(app, as_of, department="市发改委") == ref.overdue(
            app, as_of, department="市发改委"
        )
        assert projected_overdue(app, as_of, area=AREAS[0]) == ref.overdue(app, as_of, area=AREAS[0])
        assert projected_summary(app, as_of) == ref.summary(app, as_of, CITY), as_of


@settings(max_examples=6)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_projection_answers_equal_the_aggregate_replay_on_random_histories(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = connect(f"sqlite:///{Path(tmp) / 'p.db'}", create_tables=True)
        try:
            days = write_random_history(app, seed)
            check_against_replay(app, days, random.Random(seed))
        finally:
            app.close()


def test_projection_equals_the_replay_on_each_database_and_after_a_rebuild(app: Projlife) -> None:
    days = write_random_history(app, 20240902, n_tickets=20)
    check_against_replay(app, days, random.Random(1))
    with app.engine.connect() as conn:
        before = conn.execute(sa.select(tickets_table).order_by(tickets_table.c.ticket_id)).all()
    app.projections.rebuild(TICKETS_PROJECTION)
    with app.engine.connect() as conn:
        after = conn.execute(sa.select(tickets_table).order_by(tickets_table.c.ticket_id)).all()
    assert before == after and len(after) == 20
    check_against_replay(app, days, random.Random(2))


def test_one_row_per_ticket_holds_its_latest_state(app: Projlife) -> None:
    write_random_history(app, 7, n_tickets=5)
    app.projections.run()
    with app.engine.connect() as conn:
        rows = {r.code: r for r in conn.execute(sa.select(tickets_table))}
    assert len(rows) == 5
    for tid in app.tickets.ticket_ids():
        t = app.tickets.get(tid)
        row = rows[t.code]
        assert (row.status, row.version, row.reopen_count, row.category) == (
            t.status.value,
            t.version,
            t.reopen_count,
            t.category,
        )
        assert row.last_satisfaction == (None if t.last_satisfaction is None else int(t.last_satisfaction))
        assert row.paused_working_days == t.paused_working_days(t.last_fact_on, app.tickets.calendar)
