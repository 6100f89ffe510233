"""The two comparison rows of ``benchmarks/run.py``: the CRUD peer and the storage limit.

**The CRUD peer** is what a county's IT team would otherwise build: one ``projects`` table
holding each project's current state, updated in place per command, and a ``history`` table
with one row per project and business-date interval (``valid_from``/``valid_to``, the row
closed and a new one opened when a figure changes). It is fed the same generated commands as
projlife (already-validated command objects; it runs no input rules, no plugin checks and no
hash chain) and answers the same questions: a county's ledger now and as of a date, the
province's rows and summary as of a date, and a city-quarter funnel. It handles facts in
date order only: a back-dated fact, an "as known at" question, the event ids behind a figure
and the audit chain are what projlife gives and it does not.

**The storage limit** is the floor under any event store on the same database: the same event
rows (the bytes projlife stored) written with one ``executemany`` per city into a table with
eventsourcing's own schema, and read back with one plain ``SELECT``.

Both use the stdlib ``sqlite3`` module on a SQLite file, as a county on SQLite would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

OPEN = 10_000_000
STAGE_OF_COMMAND = {
    "reserve": 1,
    "sign": 2,
    "land": 3,
    "start": 4,
    "enter_statistics": 5,
    "complete": 6,
    "begin_production": 7,
    "become_above_scale": 8,
    "reach_capacity": 9,
}
RANK = {
    "conceived": 0,
    "reserved": 1,
    "signed": 2,
    "landed": 3,
    "started": 4,
    "in_statistics": 5,
    "completed": 6,
    "producing": 7,
    "above_scale": 8,
    "at_capacity": 9,
}
POOL_BIT = {"reserve": 1, "signed": 2, "started": 4}  # completed by ``bind_pools``
_D = [f"d{i}" for i in range(10)]
FIGURES = ("stage", "verified_stage", "verified_mask", "planned_fen", "signed_fen", "reported_fen",
           "removed_mask", "cancelled", "flagged", *_D)  # fmt: skip
_STATIC = (
    "project_id",
    "code",
    "name",
    "city_code",
    "area_code",
    "county_code",
    "category",
    "investor_classes",
)


def bind_pools(bits: dict[str, int]) -> None:
    """Use projlife's pool bits (``projlife.projections.timeline.POOL_BITS``), so masks compare."""
    POOL_BIT.clear()
    POOL_BIT.update(bits)


def _fen(yuan: Any) -> int:
    return int(Decimal(yuan) * 100)


class CrudPeer:
    """A current-state ``projects`` table plus a ``history`` table, on one SQLite file."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # projlife's SQLite default too
        figs = ", ".join(f"{c} INTEGER" for c in FIGURES)
        self.db.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS projects (
                project_id TEXT PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL,
                city_code TEXT NOT NULL, area_code TEXT NOT NULL, county_code TEXT,
                category TEXT NOT NULL, investor_classes TEXT NOT NULL,
                signed_raw INTEGER, flags TEXT NOT NULL DEFAULT '', sponsor TEXT, version INTEGER,
                {figs});
            CREATE INDEX IF NOT EXISTS ix_projects_county ON projects (county_code, code);
            CREATE INDEX IF NOT EXISTS ix_projects_city ON projects (city_code, code);
            CREATE TABLE IF NOT EXISTS history (
                project_id TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL,
                city_code TEXT NOT NULL, county_code TEXT, {figs},
                PRIMARY KEY (project_id, valid_from));
            CREATE INDEX IF NOT EXISTS ix_history_county ON history (county_code, valid_to);
            CREATE INDEX IF NOT EXISTS ix_history_city ON history (city_code, valid_to);
            """
        )
        cols = ", ".join(FIGURES)
        marks = ", ".join("?" for _ in FIGURES)
        sets = ", ".join(f"{c} = ?" for c in FIGURES)
        self._insert_project = (
            f"INSERT INTO projects ({', '.join(_STATIC)}, signed_raw, flags, version, {cols}) "
            f"VALUES ({', '.join('?' for _ in _STATIC)}, NULL, '', 1, {marks})"
        )
        self._select = (
            f"SELECT signed_raw, flags, city_code, county_code, {cols} FROM projects WHERE project_id = ?"
        )
        self._update = f"UPDATE projects SET signed_raw = ?, flags = ?, version = version + 1, {sets} WHERE project_id = ?"
        self._touch = (
            "UPDATE projects SET sponsor = coalesce(?, sponsor), version = version + 1 WHERE project_id = ?"
        )
        self._h_last = "SELECT max(valid_from) FROM history WHERE project_id = ?"
        self._h_close = f"UPDATE history SET valid_to = ? WHERE project_id = ? AND valid_to = {OPEN}"
        self._h_insert = (
            f"INSERT INTO history (project_id, valid_from, valid_to, city_code, county_code, {cols}) "
            f"VALUES (?, ?, {OPEN}, ?, ?, {marks})"
        )
        self._h_update = f"UPDATE history SET {sets} WHERE project_id = ? AND valid_from = ?"

    def close(self) -> None:
        self.db.close()

    # -- writes -------------------------------------------------------------------------

    def ingest(self, commands: Iterable[Any], county_of: dict[str, str | None], batch: int = 500) -> int:
        """Apply the commands, ``batch`` per transaction (as projlife's ingest); returns how many."""
        n = 0
        cur = self.db.cursor()
        cur.execute("BEGIN")
        for cmd in commands:
            self._apply(cur, cmd, county_of)
            n += 1
            if n % batch == 0:
                cur.execute("COMMIT")
                cur.execute("BEGIN")
        cur.execute("COMMIT")
        return n

    def _apply(self, cur: sqlite3.Cursor, cmd: Any, county_of: dict[str, str | None]) -> None:
        from projlife.domain.project import project_id_for

        name = cmd.name
        day = cmd.occurred_on.toordinal()
        if name == "conceive":
            pid = str(project_id_for(cmd.city_code, cmd.code))
            county = county_of.get(cmd.area_code)
            d: list[int | None] = [None] * 10
            d[0] = day
            if cmd.reserved:
                d[1] = day
            figs = _derive(d, 0, _fen(cmd.planned_investment_yuan), None, 0, 0, 0, "")
            cur.execute(
                self._insert_project,
                (pid, cmd.code, cmd.project_name, cmd.city_code, cmd.area_code, county, str(cmd.category),
                 ",".join(str(c) for c in cmd.investor_classes), *figs),
            )  # fmt: skip
            cur.execute(self._h_insert, (pid, day, cmd.city_code, county, *figs))
            return
        pid = str(cmd.project_id)
        if name in ("assign_sponsor", "form_team", "plan_milestone", "meet_milestone", "schedule_stage"):
            cur.execute(self._touch, (getattr(cmd, "leader", None), pid))  # no ledger figure changes
            return
        row = cur.execute(self._select, (pid,)).fetchone()
        signed_raw, flags, city, county = row[0], row[1], row[2], row[3]
        (_, _, vmask, planned, _, reported, removed, cancelled, _, *d) = row[4:]
        rank = STAGE_OF_COMMAND.get(name)
        if rank is not None:
            d[rank] = day
            if rank == 2:
                signed_raw = _fen(cmd.amount_yuan)
        elif name == "verify":
            r = RANK[str(cmd.stage)]
            if d[r] is not None:
                vmask |= 1 << r
        elif name == "reject_claim":
            r = RANK[str(cmd.stage)]
            for k in range(r, 10):
                d[k] = None
                vmask &= ~(1 << k)
        elif name == "report_investment":
            reported += _fen(cmd.amount_yuan)
        elif name == "correct":
            field = str(cmd.field)
            if field == "signed_amount":
                signed_raw = _fen(cmd.new_value)
            elif field == "planned_investment":
                planned = _fen(cmd.new_value)
        elif name == "flag":
            flags = ",".join(sorted({*filter(None, flags.split(",")), cmd.flag}))
        elif name == "clear_flag":
            flags = ",".join(f for f in flags.split(",") if f and f != cmd.flag)
        elif name == "remove_from_pool":
            removed |= POOL_BIT.get(str(cmd.pool), 0)
        elif name == "cancel":
            cancelled = 1
        figs = _derive(d, vmask, planned, signed_raw, reported, removed, cancelled, flags)
        cur.execute(self._update, (signed_raw, flags, *figs, pid))
        last = cur.execute(self._h_last, (pid,)).fetchone()[0]
        if last == day:
            cur.execute(self._h_update, (*figs, pid, day))
        else:
            cur.execute(self._h_close, (day, pid))
            cur.execute(self._h_insert, (pid, day, city, county, *figs))

    # -- reads --------------------------------------------------------------------------

    def county_now(self, county: str) -> list[tuple[Any, ...]]:
        cols = ", ".join((*_STATIC, *FIGURES))
        return self.db.execute(
            f"SELECT {cols} FROM projects WHERE county_code = ? ORDER BY code", (county,)
        ).fetchall()

    def rows_as_of(self, as_of: date, county: str | None = None) -> list[tuple[Any, ...]]:
        cols = ", ".join((*(f"p.{c}" for c in _STATIC), *(f"h.{c}" for c in FIGURES)))
        where = "h.valid_to > ? AND h.valid_from <= ?"
        params: list[Any] = [as_of.toordinal(), as_of.toordinal()]
        if county is not None:
            where = "h.county_code = ? AND " + where
            params.insert(0, county)
        return self.db.execute(
            f"SELECT {cols} FROM history h JOIN projects p ON p.project_id = h.project_id "
            f"WHERE {where} ORDER BY p.code",
            params,
        ).fetchall()

    def summary_as_of(self, as_of: date) -> dict[str, Any]:
        day = as_of.toordinal()
        groups = self.db.execute(
            "SELECT stage, verified_stage, count(*), sum(planned_fen), sum(signed_fen), sum(reported_fen), "
            "sum(removed_mask != 0), sum(cancelled), sum(flagged) FROM history "
            "WHERE valid_to > ? AND valid_from <= ? GROUP BY stage, verified_stage",
            (day, day),
        ).fetchall()
        by_stage = [0] * 10
        by_verified = [0] * 10
        totals = [0] * 7
        for stage, verified, n, *sums in groups:
            by_stage[stage] += n
            by_verified[verified] += n
            totals[0] += n
            for i, v in enumerate(sums):
                totals[i + 1] += int(v)
        return {"by_stage": by_stage, "by_verified": by_verified, "totals": totals}

    def funnel(
        self,
        city_code: str,
        start: date,
        end: date,
        steps: Sequence[int],
        min_fen: int,
        categories: Sequence[str] | None,
        drop_cancelled: bool,
    ) -> tuple[int, list[int]]:
        """Projects of the city that signed in [start, end] within the city's counting scope (its
        minimum amount, signed from signing on, and categories), and how many of them have reached
        each step (a later stage counts). A removal from a pool takes the project out from that
        pool's stages; a cancelled project counts nowhere when the city's policy drops it."""
        cond = "city_code = ? AND d2 BETWEEN ? AND ? AND coalesce(signed_raw, planned_fen) >= ?"
        params: list[Any] = [city_code, start.toordinal(), end.toordinal(), min_fen]
        if categories is not None:
            cond += f" AND category IN ({', '.join('?' for _ in categories)})"
            params.extend(categories)
        if drop_cancelled:
            cond += " AND cancelled = 0"
        rows = self.db.execute(f"SELECT removed_mask, {', '.join(_D)} FROM projects WHERE {cond}", params)
        cohort = 0
        hits = [0] * len(steps)
        for removed, *d in rows.fetchall():
            if removed & POOL_BIT.get("signed", 0):
                continue
            cohort += 1
            for i, s in enumerate(steps):
                if removed & POOL_BIT.get("started", 0) and 4 <= s < 7:
                    continue
                if removed & POOL_BIT.get("producing", 0) and s >= 7:
                    continue
                if any(d[k] is not None for k in range(s, 10)):
                    hits[i] += 1
        return cohort, hits


def _derive(
    d: list[int | None], vmask: int, planned: int, signed_raw: int | None, reported: int, removed: int,
    cancelled: int, flags: str,
) -> tuple[Any, ...]:  # fmt: skip
    """The figures in :data:`FIGURES` order (stage and verified stage derived from the dates)."""
    stage = max(k for k in range(10) if d[k] is not None)
    verified = 0
    for k in range(10):
        if d[k] is None:
            continue
        if k >= 2 and not vmask >> k & 1:
            break
        verified = k
    signed = signed_raw if signed_raw is not None and d[2] is not None else 0
    return (stage, verified, vmask, planned, signed, reported, removed, cancelled, 1 if flags else 0, *d)


# --------------------------------------------------------------------------- the storage limit


class StorageLimit:
    """Raw ``executemany`` of the stored event rows into eventsourcing's schema, and a raw read."""

    def __init__(self, path: str, create_sql: Sequence[str]) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        for sql in create_sql:
            self.db.execute(sql)

    def insert(self, rows: Sequence[tuple[Any, ...]], batch: int = 2000) -> None:
        """(originator_id, originator_version, topic, state) rows, ``batch`` per transaction."""
        for i in range(0, len(rows), batch):
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                rows[i : i + batch],
            )
            self.db.execute("COMMIT")

    def read_all(self, batch: int = 2000) -> int:
        n = 0
        pos = 0
        while True:
            rows = self.db.execute(
                "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
                "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (pos, batch),
            ).fetchall()
            if not rows:
                return n
            n += len(rows)
            pos = rows[-1][0]

    def close(self) -> None:
        self.db.close()
