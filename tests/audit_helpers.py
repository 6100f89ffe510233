"""Helpers for the audit-trail tests: a small drive, and raw SQL tampering on both databases."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import text

from projlife.app.application import Projlife
from projlife.demo.simulation import simulate

XIAOGAN = "420900"
AREA = "420902"


def actor(actor_id: str, role: str, area: str | None = AREA) -> dict[str, Any]:
    return {"id": actor_id, "role": role, "area_code": area}


def started_project(app: Projlife, code: str = "XG-T-001", claimant: str = "clerk-1") -> UUID:
    """A project whose start was claimed by ``claimant`` (a clerk)."""
    result = app.projects.execute(
        {
            "command": "conceive",
            "code": code,
            "project_name": "测试项目",
            "city_code": XIAOGAN,
            "area_code": AREA,
            "category": "industrial",
            "planned_investment_yuan": "150000000",
            "occurred_on": "2024-01-05",
            "actor": actor(claimant, "clerk"),
            "reserved": True,
        }
    )
    pid = result.aggregate_id
    for cmd, day, extra in (
        ("sign", "2024-02-01", {"amount_yuan": "150000000", "counterparty": "某公司"}),
        ("start", "2024-03-01", {"evidence": ["photo:site-2024-03-01.jpg"]}),
    ):
        app.projects.execute(
            {
                "command": cmd,
                "project_id": str(pid),
                "occurred_on": day,
                "actor": actor(claimant, "clerk"),
                **extra,
            }
        )
    return pid


def drive(app: Projlife, n_projects: int = 12, seed: int = 3, city: str = "xiaogan") -> int:
    """Import a seeded drive; returns the number of events written."""
    sim = simulate(app.city(city), n_projects, seed=seed, as_of=date(2024, 12, 31))
    return app.projects.ingest(sim.commands).events


# -- raw SQL on the event table -------------------------------------------------------------


def _pos(app: Projlife) -> str:
    return "rowid" if app.url.dialect == "sqlite" else "notification_id"


def event_count(app: Projlife) -> int:
    with app.engine.begin() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {app.url.events_table}")).scalar_one())


def read_row(app: Projlife, position: int) -> dict[str, Any]:
    with app.engine.begin() as conn:
        row = conn.execute(
            text(
                f"SELECT originator_id, originator_version, topic, state FROM {app.url.events_table} "
                f"WHERE {_pos(app)} = :p"
            ),
            {"p": position},
        ).one()
    return {"originator_id": row[0], "originator_version": row[1], "topic": row[2], "state": bytes(row[3])}


def set_column(app: Projlife, position: int, column: str, value: Any) -> None:
    with app.engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {app.url.events_table} SET {column} = :v WHERE {_pos(app)} = :p"),
            {"v": value, "p": position},
        )


def flip_state_byte(app: Projlife, position: int, index: int, mask: int = 0x01) -> None:
    state = bytearray(read_row(app, position)["state"])
    state[index % len(state)] ^= mask
    set_column(app, position, "state", bytes(state))


def delete_row(app: Projlife, position: int) -> None:
    with app.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {app.url.events_table} WHERE {_pos(app)} = :p"), {"p": position})


def move_row(app: Projlife, src: int, dst: int) -> None:
    with app.engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {app.url.events_table} SET {_pos(app)} = :d WHERE {_pos(app)} = :s"),
            {"s": src, "d": dst},
        )


def swap_rows(app: Projlife, a: int, b: int) -> None:
    """Swap the positions of two stored events."""
    move_row(app, a, -1)
    move_row(app, b, a)
    move_row(app, -1, b)


def insert_forged(app: Projlife, position: int, like: int) -> None:
    """Shift every event from ``position`` on by one and put a forged copy of event ``like`` there.

    The forgery claims a new version of the same project, with the same state bytes.
    """
    table, pos = app.url.events_table, _pos(app)
    row = read_row(app, like)
    with app.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {pos} = -({pos} + 1) WHERE {pos} >= :p"), {"p": position})
        conn.execute(text(f"UPDATE {table} SET {pos} = -{pos} WHERE {pos} < 0"))
        conn.execute(
            text(
                f"INSERT INTO {table} ({pos}, originator_id, originator_version, topic, state) "
                "VALUES (:p, :oid, :v, :t, :s)"
            ),
            {"p": position, "oid": row["originator_id"], "v": 999, "t": row["topic"], "s": row["state"]},
        )


def append_forged(app: Projlife, like: int) -> int:
    """Append a forged copy of event ``like`` after the last stored event; returns its position."""
    table, pos = app.url.events_table, _pos(app)
    row = read_row(app, like)
    with app.engine.begin() as conn:
        last = int(conn.execute(text(f"SELECT max({pos}) FROM {table}")).scalar_one())
        conn.execute(
            text(
                f"INSERT INTO {table} ({pos}, originator_id, originator_version, topic, state) "
                "VALUES (:p, :oid, :v, :t, :s)"
            ),
            {"p": last + 1, "oid": row["originator_id"], "v": 998, "t": row["topic"], "s": row["state"]},
        )
    return last + 1


def sql(app: Projlife, statement: str, **params: Any) -> Any:
    with app.engine.begin() as conn:
        return conn.execute(text(statement), params)
