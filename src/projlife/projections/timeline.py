"""The ledger timeline: each project's ledger figures per business-date interval.

For the latest knowledge (no ``known_at``), a project's ledger "as of D" is the fold of
its facts with business date ≤ D (:mod:`projlife.projections.state`); it can only change
at the business dates of its facts. ``pl_ledger_timeline`` holds, per project, one row
for each interval ``[valid_from, valid_to)`` between consecutive business dates (equal
neighbours merged), with the figures the summary and the cohort metrics need: claimed and
verified stage, the effective date of each stage's claim (``d0``…``d9`` by rank), which
claims are verified, amounts in fen, removals, cancellation, flags. "As of D" is then one
indexed range query (``valid_from <= D < valid_to``) and an SQL aggregate, not a fold.

The rows are computed by the same fold as every other ledger figure, so they agree with
it by construction (and ``tests/test_projection_timeline.py`` checks it). The projection
recomputes a project's rows whenever one of its facts arrives; a rebuild skips that and
builds them all in one pass at the end, with the timeline marked stale meanwhile (queries
then fold the facts). Questions "as known at T" always fold the facts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import groupby
from typing import Any

import sqlalchemy as sa

from projlife.domain.lifecycle import Pool
from projlife.projections.facts import (
    OPEN_END,
    STAGES,
    FactKind,
    facts_table,
    meta_table,
    rows_table,
    timeline_table,
)
from projlife.projections.ledger_rows import row_figures
from projlife.projections.state import QUERY_COLUMNS, FactRow, ProjectState, no_cyclic_gc
from projlife.store.dialect import sql_dialect

__all__ = [
    "MAX_FEN",
    "POOL_BITS",
    "STALE_FLAG",
    "begin_bulk",
    "build_all",
    "bulk_pending",
    "end_bulk",
    "is_stale",
    "join_split_sum",
    "project_intervals",
    "project_timeline",
    "refresh",
    "set_stale",
    "split_sum",
    "stale_flag",
]

MAX_FEN = 2**63 - 1
"""The largest amount in fen a timeline column holds (a signed 64-bit ``BIGINT`` on every
database). An amount the API accepts is at most 10¹⁵ yuan = 10¹⁷ fen, far below it; only a
cumulative investment of more than 92 months at that maximum, or an amount stored before the
bounds, exceeds it, and that row is stored as 0 and marked inexact, so the summary folds the
facts in ``Decimal`` instead (exact, never an overflow)."""

_HALF = 32
_LOW = 2**_HALF - 1


def split_sum(column: Any) -> tuple[Any, Any]:
    """``SUM`` of a non-negative ``BIGINT`` column as two sums that cannot overflow.

    SQLite's ``SUM`` of integers raises "integer overflow" past 2⁶³ − 1 (and ``TOTAL`` is a
    float, losing fen), so a hundred projects at the maximum 10¹⁵ yuan would stop the summary.
    The high and low 32 bits are summed separately (each sum fits 64 bits for up to 2³¹ rows)
    and joined in Python by :func:`join_split_sum`; PostgreSQL and MariaDB get the same query.
    """
    high = column.op(">>")(sa.literal_column(str(_HALF)))  # inline: PostgreSQL has no bigint >> bigint
    low = column.op("&")(sa.literal_column(str(_LOW)))
    return sa.func.sum(high), sa.func.sum(low)


def join_split_sum(high: Any, low: Any) -> int:
    """The exact total from the two sums of :func:`split_sum` (``NULL`` sums count as 0)."""
    return (int(high or 0) << _HALF) + int(low or 0)


POOL_BITS: dict[str, int] = {str(p): 1 << i for i, p in enumerate(Pool)}
"""Bit of each pool in ``removed_mask``."""

STALE_FLAG = _STALE = "timeline_stale_v2"
"""(v2: with ``pl_ledger_rows``; a database whose timeline predates it is stale until a rebuild)"""
_BULK = "timeline_bulk"
_COLUMNS = (*QUERY_COLUMNS, "city_code", "area_code", "county_code")
_HUNDRED = Decimal(100)
_N = len(STAGES)
_UNSEEN = frozenset({int(FactKind.SPONSOR), int(FactKind.SCHEDULED)})
"""Fact kinds that change no figure of the timeline."""
_DATED = frozenset({int(FactKind.CLAIM), int(FactKind.CORRECTED)})
"""Fact kinds whose ``day`` is a claim's date (a claim, or a correction of its date)."""


def stale_flag(conn: sa.Connection) -> int | None:
    """1 while the timeline is not kept (a rebuild under way), 0 when it is, None if never set."""
    value = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.name == _STALE)).scalar()
    return None if value is None else int(value)


def is_stale(conn: sa.Connection) -> bool:
    """Whether queries must fold the facts instead of reading the timeline.

    The timeline is trusted only once marked fresh: by a rebuild, or by the first batch
    the projection ever applied. (Facts projected by a version without the timeline
    leave it unmarked, hence stale, until the next rebuild.)
    """
    return stale_flag(conn) != 0


def set_stale(conn: sa.Connection, stale: bool) -> None:
    upsert = sql_dialect(conn).upsert(meta_table, ["name"], ["value"])
    conn.execute(upsert, {"name": _STALE, "value": int(stale)})


def _flag(conn: sa.Connection, name: str) -> int | None:
    value = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.name == name)).scalar()
    return None if value is None else int(value)


def _set(conn: sa.Connection, name: str, value: int) -> None:
    conn.execute(sql_dialect(conn).upsert(meta_table, ["name"], ["value"]), {"name": name, "value": value})


def begin_bulk(conn: sa.Connection) -> None:
    """A bulk catch-up starts: stop recomputing per batch (queries fold the facts meanwhile)."""
    _set(conn, _BULK, 1)
    set_stale(conn, True)


def bulk_pending(conn: sa.Connection) -> bool:
    """Whether a bulk catch-up began and has not ended (also after its process died)."""
    return _flag(conn, _BULK) == 1


def end_bulk(conn: sa.Connection, insert_sql: str) -> None:
    """The bulk catch-up's end: build every project's timeline in one pass, mark it fresh."""
    build_all(conn, insert_sql)
    set_stale(conn, False)
    _set(conn, _BULK, 0)


def _fen(amount: Decimal) -> tuple[int, bool]:
    """The amount in fen and whether that is exact and fits a timeline column (else 0, False)."""
    scaled = amount * _HUNDRED
    whole = int(scaled)
    if not 0 <= whole <= MAX_FEN:
        return 0, False
    return whole, whole == scaled


def _snapshot(st: ProjectState) -> tuple[Any, ...]:
    claims = st.claims
    assert st.planned is not None
    planned, ok1 = _fen(st.planned[0])
    signed, ok2 = _fen(st.signed[0]) if st.signed is not None and 2 in claims else (0, True)
    reported, ok3 = _fen(st.investment_total()) if st.investment else (0, True)
    days: list[int | None] = [None] * _N
    verified_mask = 0
    verified_stage = 0
    open_chain = True
    for rank in sorted(claims):
        claim = claims[rank]
        days[rank] = claim.day
        if claim.verified_pos is not None:
            verified_mask |= 1 << rank
        elif rank >= 2:
            open_chain = False
        if open_chain:
            verified_stage = rank
    removed_mask = 0
    for pool in st.removed:
        removed_mask |= POOL_BITS.get(pool, 0)
    return (
        max(claims),
        verified_stage,
        verified_mask,
        planned,
        signed,
        reported,
        1 if ok1 and ok2 and ok3 else 0,
        removed_mask,
        0 if st.cancelled is None else 1,
        1 if st.flags else 0,
        *days,
    )


def project_timeline(rows: Sequence[FactRow]) -> list[tuple[int, int, tuple[Any, ...]]]:
    """``(valid_from, valid_to, figures)`` for one project's fact rows (in log order)."""
    return project_intervals(rows)[0]


def project_intervals(
    rows: Sequence[FactRow],
) -> tuple[list[tuple[int, int, tuple[Any, ...]]], list[tuple[int, int, str]]]:
    """The project's timeline intervals and its ledger-row intervals (``figures`` as JSON).

    The figures as of day b are the fold of the facts dated ≤ b, cut at b
    (:meth:`ProjectState.cut`): a claim whose date a correction moved past b does not stand yet.
    So the intervals break at the business dates of the facts *and* at every claimed day (a
    claim's corrected date may lie after every business date). Equal neighbours are merged,
    for each of the two lists on its own.
    """
    if not rows:
        return [], []
    pid = rows[0][1]
    claim_days = {r[6] for r in rows if r[3] in _DATED and r[6] is not None}
    dates = sorted({r[10] for r in rows} | claim_days)
    points: list[tuple[int, tuple[Any, ...] | None, str | None]] = []
    if all(rows[i][10] <= rows[i + 1][10] for i in range(len(rows) - 1)):
        # Business dates in log order: each state is a prefix of the log (one pass).
        st = ProjectState(pid)
        i = 0
        snap: tuple[Any, ...] | None = None
        fig: str | None = None
        for b in dates:
            changed = applied = b in claim_days
            while i < len(rows) and rows[i][10] <= b:
                st.apply(rows[i])
                changed = changed or rows[i][3] not in _UNSEEN
                applied = True
                i += 1
            if st.exists:
                cut = st.cut(b)
                if changed or snap is None:
                    snap = _snapshot(cut)
                if applied or fig is None:
                    fig = _figures(cut)
            else:
                snap = fig = None
            points.append((b, snap, fig))
    else:
        for b in dates:
            st = ProjectState(pid)
            for r in rows:
                if r[10] <= b:
                    st.apply(r)
            cut = st.cut(b)
            points.append((b, _snapshot(cut), _figures(cut)) if st.exists else (b, None, None))
    return _merged([(b, snap) for b, snap, _ in points]), _merged([(b, fig) for b, _, fig in points])


def _merged(points: list[tuple[int, Any]]) -> list[tuple[int, int, Any]]:
    out: list[tuple[int, int, Any]] = []
    for i, (b, value) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else OPEN_END
        if value is None:
            continue
        if out and out[-1][1] == b and out[-1][2] == value:
            out[-1] = (out[-1][0], end, value)
        else:
            out.append((b, end, value))
    return out


def _figures(st: ProjectState) -> str:
    return _dumps(row_figures(st))


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def _rows(group: Iterable[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    facts = list(group)  # fact rows with city, area, county after the fold's columns
    pid, place = facts[0][1], facts[0][12:15]
    spans, figures = project_intervals(facts)
    return (
        [(pid, start, end, *place, *snap) for start, end, snap in spans],
        [(pid, start, end, *place, fig) for start, end, fig in figures],
    )


def _rows_sql(conn: sa.Connection) -> str:
    return sql_dialect(conn).insert_ignore_sql(rows_table.name, [c.name for c in rows_table.columns], None)


def refresh(conn: sa.Connection, project_ids: Sequence[str], insert_sql: str) -> None:
    """Recompute the timeline rows of these projects from their facts."""
    f = facts_table
    cols = [f.c[c] for c in _COLUMNS]
    for i in range(0, len(project_ids), 500):
        chunk = list(project_ids[i : i + 500])
        facts = conn.execute(
            sa.select(*cols).where(f.c.project_id.in_(chunk)).order_by(f.c.project_id, f.c.pos)
        ).all()
        conn.execute(timeline_table.delete().where(timeline_table.c.project_id.in_(chunk)))
        conn.execute(rows_table.delete().where(rows_table.c.project_id.in_(chunk)))
        spans: list[tuple[Any, ...]] = []
        figures: list[tuple[Any, ...]] = []
        for _, g in groupby(facts, key=lambda r: r[1]):
            project_spans, project_figures = _rows(g)
            spans.extend(project_spans)
            figures.extend(project_figures)
        if spans:
            conn.exec_driver_sql(insert_sql, spans)
        if figures:
            conn.exec_driver_sql(_rows_sql(conn), figures)


def build_all(conn: sa.Connection, insert_sql: str, chunk: int = 20_000) -> None:
    """Rebuild the whole timeline in one streamed pass over the facts (by project, in log order)."""
    with no_cyclic_gc():  # every project's fold is freed by reference counting
        _build_all(conn, insert_sql, chunk)


def _build_all(conn: sa.Connection, insert_sql: str, chunk: int) -> None:
    f = facts_table
    conn.execute(timeline_table.delete())
    conn.execute(rows_table.delete())
    # Without transactional DDL (MySQL) the indexes stay: dropping one would commit half a rebuild.
    indexes = (
        sorted([*timeline_table.indexes, *rows_table.indexes], key=lambda i: str(i.name))
        if sql_dialect(conn).transactional_ddl
        else []
    )
    for index in indexes:
        index.drop(conn, checkfirst=True)
    result = conn.execute(
        sa.select(*[f.c[c] for c in _COLUMNS])
        .order_by(f.c.project_id, f.c.pos)
        .execution_options(stream_results=True, yield_per=chunk)
    )
    rows_sql = _rows_sql(conn)
    pending: list[tuple[Any, ...]] = []
    pending_rows: list[tuple[Any, ...]] = []
    for _, group in groupby(result, key=lambda r: r[1]):
        spans, figures = _rows(group)
        pending.extend(spans)
        pending_rows.extend(figures)
        if len(pending) >= chunk:
            conn.exec_driver_sql(insert_sql, pending)
            conn.exec_driver_sql(rows_sql, pending_rows)
            pending, pending_rows = [], []
    if pending:
        conn.exec_driver_sql(insert_sql, pending)
    if pending_rows:
        conn.exec_driver_sql(rows_sql, pending_rows)
    for index in indexes:
        index.create(conn, checkfirst=True)
