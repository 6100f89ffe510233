"""The 台账 ledger: one row per project, now, as of a business date, or as known at a time.

``app.ledger.rows(city=…, county=…, stage=…, category=…, size_class=…, as_of=…, known_at=…)``
reads the fact rows of the scope with one indexed query (``business <= as_of`` and
``recorded <= known_at`` in SQL) and folds them (:mod:`projlife.projections.state`).
Every figure carries the log positions (event ids) behind it in ``sources``. The row and
summary values are in :mod:`projlife.projections.ledger_rows` (re-exported here).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from projlife.domain.classification import ProjectCategory
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.projections import timeline
from projlife.projections.contract import tracking_table
from projlife.projections.counting.plan import PlanStatus, summarise_plans
from projlife.projections.details import DETAILS_PROJECTION, details
from projlife.projections.facts import (
    LEDGER_PROJECTION,
    OPEN_END,
    STAGES,
    facts_table,
    meta_table,
    projects_table,
    recorded_micros,
    rows_table,
    timeline_table,
)
from projlife.projections.ledger_rows import (
    DEFAULT_SIZE_BANDS,
    LedgerRow,
    LedgerSummary,
    Rejection,
    Removal,
    Scope,
    SizeBands,
    stored_row,
    to_row,
    yuan_of_fen,
)
from projlife.projections.rebuilds import rebuilds_table, refuse_unservable
from projlife.projections.state import QUERY_COLUMNS, FactRow, ProjectState, fold, no_cyclic_gc
from projlife.store.dialect import sql_dialect

if TYPE_CHECKING:
    from projlife.ports import CityDirectory, SqlDatabase

PlanSource = Callable[[str, date, "datetime | None"], Mapping[str, PlanStatus]]
"""``(city_code, as_of, known_at) → plan statuses by project id`` (the application's counting layer)."""

__all__ = [
    "DEFAULT_SIZE_BANDS",
    "Ledger",
    "LedgerRow",
    "LedgerSummary",
    "Rejection",
    "Removal",
    "Scope",
    "SizeBands",
    "timeline_conditions",
]


class Ledger:
    """The 台账: ``app.ledger``."""

    def __init__(
        self,
        database: SqlDatabase,
        cities: CityDirectory,
        size_bands: SizeBands = DEFAULT_SIZE_BANDS,
        plans: PlanSource | None = None,
    ) -> None:
        """Read the ledger tables in ``database``; resolve cities and areas with ``cities``;
        ``plans(city_code, as_of, known_at)`` gives the plan statuses (``with_plan=True``)."""
        self._database = database
        self._cities = cities
        self.size_bands = size_bands
        self._plans = plans

    def _plan_statuses(
        self, city_codes: Iterable[str], as_of: date | None, known_at: datetime | None
    ) -> dict[str, PlanStatus]:
        if self._plans is None:
            raise ProjlifeError(
                "read the ledger with its annual plan",
                "this ledger was built without a target book",
                "app.ledger of a connected Projlife",
            )
        day = as_of or date.today()
        out: dict[str, PlanStatus] = {}
        for code in sorted(set(city_codes)):
            out.update(self._plans(code, day, known_at))
        return out

    # -- public -----------------------------------------------------------------------

    def scope(self, city: str | None = None, county: str | None = None, area: str | None = None) -> Scope:
        """Resolve a city slug/code and check the county/area codes belong to it."""
        code = self._cities.city(city).code if city is not None else None
        for what, value in (("county", county), ("area", area)):
            if value is not None and code is not None and value not in self._cities.city(code).areas:
                raise ProjlifeError(
                    f"query the ledger for {what} {value}",
                    f"{value} is not an area of city {code}",
                    ", ".join(a.code for a in self._cities.city(code).areas),
                )
        return Scope(code, county, area)

    def rows(
        self,
        *,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        stage: Stage | str | None = None,
        category: ProjectCategory | str | None = None,
        size_class: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        size_bands: SizeBands | None = None,
        with_details: bool = False,
        with_plan: bool = False,
    ) -> list[LedgerRow]:
        """The ledger rows in scope, ordered by project code (``with_details``: with their details;
        ``with_plan``: with their annual plan and 形象进度, :attr:`LedgerRow.plan`, as of ``as_of``
        or today)."""
        bands = size_bands or self.size_bands
        if size_class is not None and size_class not in bands.labels:
            raise ProjlifeError(
                f"filter by size class {size_class!r}", "unknown size class", ", ".join(bands.labels)
            )
        want_stage = Stage(stage) if stage is not None else None
        want_category = ProjectCategory(category) if category is not None else None
        scope = self.scope(city, county, area)
        with no_cyclic_gc():  # the fold and the rows allocate many objects and free none
            out = self._rows(scope, as_of, known_at, None, bands)
        if want_stage is not None or want_category is not None or size_class is not None:
            out = [
                r
                for r in out
                if (want_stage is None or r.stage is want_stage)
                and (want_category is None or r.category is want_category)
                and (size_class is None or r.size_class == size_class)
            ]
        out.sort(key=_CODE)
        if with_details:
            found = details(self._database, [r.project_id for r in out], as_of=as_of, known_at=known_at)
            out = [attrs.evolve(r, details=found[r.project_id]) for r in out]
        if with_plan:
            plans = self._plan_statuses((r.city_code for r in out), as_of, known_at)
            out = [attrs.evolve(r, plan=plans.get(r.project_id)) for r in out]
        return out

    def row(
        self, project_id: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> LedgerRow | None:
        found = self._rows(Scope(), as_of, known_at, [str(project_id)], self.size_bands)
        return found[0] if found else None

    def _rows(
        self,
        scope: Scope,
        as_of: date | None,
        known_at: datetime | None,
        project_ids: Sequence[str] | None,
        bands: SizeBands,
    ) -> list[LedgerRow]:
        """The rows in scope, unordered: read from ``pl_ledger_rows`` (one indexed query) when
        the timeline is fresh and the question is "as known now", else folded from the facts.
        Both build the row with :func:`~projlife.projections.ledger_rows.row_from` from the
        same :func:`~projlife.projections.ledger_rows.row_figures` of the same fold."""
        if known_at is None:
            stored = self._stored_rows(scope, as_of, project_ids, bands)
            if stored is not None:
                return stored
        states = self.states(scope, as_of=as_of, known_at=known_at, project_ids=project_ids)
        statics = self.statics(scope, states)
        return [to_row(st, statics[pid], bands) for pid, st in states.items()]

    def _stored_rows(
        self, scope: Scope, as_of: date | None, project_ids: Sequence[str] | None, bands: SizeBands
    ) -> list[LedgerRow] | None:
        """The rows from ``pl_ledger_rows`` joined to ``pl_projects`` (None while the timeline is stale)."""
        day = OPEN_END - 1 if as_of is None else as_of.toordinal()
        place = _place(scope)
        with self._database.engine.connect() as conn:
            mark = sql_dialect(conn).mark
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                if not _servable_fresh(conn, cursor, mark):
                    return None
                params = [day, day, *(v for _, v in place)]
                if project_ids is None:
                    cursor.execute(_stored_rows_sql(mark, tuple(c for c, _ in place), 0), params)
                    found = cursor.fetchall()
                else:
                    found = []
                    for chunk in _chunks(list(project_ids), 500):
                        sql = _stored_rows_sql(mark, tuple(c for c, _ in place), len(chunk))
                        cursor.execute(sql, [*params, *chunk])
                        found.extend(cursor.fetchall())
            finally:
                cursor.close()
        return [stored_row(t[7], t, bands) for t in found]

    def summary(
        self,
        *,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        with_plan: bool = False,
    ) -> LedgerSummary:
        """Counts and amounts of the scope (``with_plan``: with its annual plan line,
        :attr:`LedgerSummary.plan`, summed from the same plan statuses as the rows')."""
        found = self._summary(city, county, area, as_of, known_at)
        if not with_plan:
            return found
        scope = self.scope(city, county, area)
        states = self.states(scope, as_of=as_of, known_at=known_at)
        statics = self.statics(scope, states)
        cities = [s.city_code for s in statics.values()]
        plans = self._plan_statuses(cities, as_of, known_at)
        day = as_of or date.today()
        line = summarise_plans((plans[p] for p in states if p in plans), day)
        return attrs.evolve(found, plan=line)

    def _summary(
        self,
        city: str | None,
        county: str | None,
        area: str | None,
        as_of: date | None,
        known_at: datetime | None,
    ) -> LedgerSummary:
        scope = self.scope(city, county, area)
        attempted = "summarise the ledger"
        if known_at is None:
            # Its one round trip refuses, as below, read models rebuilding or stopped.
            fast = self._timeline_summary(scope, as_of, attempted)
            if fast is not None:
                return fast
        self._refuse_unservable(attempted)
        states = self.states(scope, as_of=as_of, known_at=known_at)
        by_stage = dict.fromkeys(STAGES, 0)
        by_verified = dict.fromkeys(STAGES, 0)
        planned = signed = reported = Decimal(0)
        removed = cancelled = flagged = 0
        for st in states.values():
            by_stage[st.stage] += 1
            by_verified[st.verified_stage] += 1
            planned += st.planned[0] if st.planned else Decimal(0)
            signed += st.signed[0] if st.signed and 2 in st.claims else Decimal(0)
            reported += st.investment_total()
            removed += bool(st.removed)
            cancelled += st.cancelled is not None
            flagged += bool(st.flags)
        return LedgerSummary(
            projects=len(states),
            by_stage=by_stage,
            by_verified_stage=by_verified,
            planned_investment=planned,
            signed_amount=signed,
            investment_reported=reported,
            removed=removed,
            cancelled=cancelled,
            flagged=flagged,
        )

    def _timeline_summary(
        self, scope: Scope, as_of: date | None, attempted: str = "summarise the ledger"
    ) -> LedgerSummary | None:
        """The summary as one SQL aggregate over the timeline (None if it is stale or inexact;
        refused, as ``attempted``, while a read model is rebuilding or stopped)."""
        day = OPEN_END - 1 if as_of is None else as_of.toordinal()
        place = [(c, v) for c, v in _place(scope)]
        params = [day, day, *(v for _, v in place)]
        with self._database.engine.connect() as conn:
            mark = sql_dialect(conn).mark
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                if not _servable_fresh(conn, cursor, mark, attempted):
                    return None
                shape = tuple(c for c, _ in place)
                split = conn.dialect.name == "sqlite"
                try:
                    # SQLite's integer SUM raises past 2⁶³ − 1; the split sums cannot overflow.
                    # PostgreSQL and MariaDB sum BIGINT into NUMERIC/DECIMAL, exactly.
                    cursor.execute(_summary_sql(mark, shape, split=False), params)
                    split = False
                except conn.dialect.loaded_dbapi.Error:
                    if not split:
                        raise
                    conn.rollback()
                    cursor.execute(_summary_sql(mark, shape, split=True), params)
                groups = cursor.fetchall()
            finally:
                cursor.close()
        by_stage = dict.fromkeys(STAGES, 0)
        by_verified = dict.fromkeys(STAGES, 0)
        projects = removed = cancelled = flagged = 0
        planned = signed = reported = 0
        for stage, verified, n, rm, cn, fl, exact, *sums in groups:
            if not exact:
                return None
            if split:
                p, sg, rp = (timeline.join_split_sum(sums[i], sums[i + 1]) for i in (0, 2, 4))
            else:
                p, sg, rp = (int(x or 0) for x in sums)
            by_stage[STAGES[stage]] += n
            by_verified[STAGES[verified]] += n
            projects += n
            planned, signed, reported = planned + p, signed + sg, reported + rp
            removed, cancelled, flagged = removed + int(rm), cancelled + int(cn), flagged + int(fl)
        return LedgerSummary(
            projects=projects,
            by_stage=by_stage,
            by_verified_stage=by_verified,
            planned_investment=yuan_of_fen(planned),
            signed_amount=yuan_of_fen(signed),
            investment_reported=yuan_of_fen(reported),
            removed=removed,
            cancelled=cancelled,
            flagged=flagged,
        )

    # -- building blocks (used by the metrics) -----------------------------------------

    def states(
        self,
        scope: Scope,
        *,
        as_of: date | None = None,
        known_at: datetime | None = None,
        project_ids: Sequence[str] | None = None,
    ) -> dict[str, ProjectState]:
        """The folded state of each project in scope, as of ``as_of`` and as known at ``known_at``.

        Raises :class:`~projlife.projections.runner.ProjectionRebuilding` while the ledger's
        projections are being rebuilt (or a rebuild was interrupted): never partial figures.
        """
        self._refuse_unservable("read the ledger")
        return fold(
            self._fact_rows(scope, as_of, known_at, project_ids),
            None if as_of is None else as_of.toordinal(),
        )

    def _refuse_unservable(self, attempted: str) -> None:
        with self._database.engine.connect() as conn:
            refuse_unservable(conn, (LEDGER_PROJECTION, DETAILS_PROJECTION), attempted)

    def statics(self, scope: Scope, states: dict[str, ProjectState]) -> dict[str, Any]:
        """The ``pl_projects`` rows of the given states."""
        t = projects_table
        query = sa.select(t)
        out: dict[str, Any] = {}
        with self._database.engine.connect() as conn:
            if len(states) > 500:
                # One indexed range of the scope (or the whole table) beats many IN lists.
                if scope.city_code is not None:
                    query = query.where(t.c.city_code == scope.city_code)
                if scope.county_code is not None:
                    query = query.where(t.c.county_code == scope.county_code)
                if scope.area_code is not None:
                    query = query.where(t.c.area_code == scope.area_code)
                for r in conn.execute(query).all():
                    if r.project_id in states:
                        out[r.project_id] = r
            else:
                ids = list(states)
                for chunk in _chunks(ids, 500):
                    for r in conn.execute(query.where(t.c.project_id.in_(chunk))):
                        out[r.project_id] = r
        return out

    def _fact_rows(
        self, scope: Scope, as_of: date | None, known_at: datetime | None, project_ids: Sequence[str] | None
    ) -> Iterator[FactRow]:
        f = facts_table
        cols = [f.c[c] for c in QUERY_COLUMNS]
        conds: list[Any] = []
        if scope.city_code is not None:
            conds.append(f.c.city_code == scope.city_code)
        if scope.county_code is not None:
            conds.append(f.c.county_code == scope.county_code)
        if scope.area_code is not None:
            conds.append(f.c.area_code == scope.area_code)
        if as_of is not None:
            conds.append(f.c.business <= as_of.toordinal())
        if known_at is not None:
            conds.append(f.c.recorded <= recorded_micros(known_at))
        with self._database.engine.connect() as conn:
            if project_ids is None:
                yield from _fetch_tuples(conn, sa.select(*cols).where(*conds).order_by(f.c.pos))
                return
            # By project only (the project index), then the scope in Python: with the scope in
            # SQL a planner may scan the whole city's facts instead.
            conds = conds[len(conds) - (as_of is not None) - (known_at is not None) :]
            place = [f.c.city_code, f.c.county_code, f.c.area_code]
            want = (scope.city_code, scope.county_code, scope.area_code)
            rows: list[FactRow] = []
            for chunk in _chunks(list(project_ids), 500):
                for r in conn.execute(sa.select(*cols, *place).where(*conds, f.c.project_id.in_(chunk))):
                    if all(w is None or w == got for w, got in zip(want, r[-3:], strict=True)):
                        rows.append(tuple(r[:-3]))
            rows.sort(key=lambda r: r[0])
            yield from rows


_CODE = operator.attrgetter("code")


_READ_MODELS = (LEDGER_PROJECTION, DETAILS_PROJECTION)


def _servable_fresh(conn: sa.Connection, cursor: Any, mark: str, attempted: str = "read the ledger") -> bool:
    """Whether the ledger's read models are whole (none rebuilding or stopped) and its timeline
    fresh, in one round trip; raises what :func:`refuse_unservable` raises when they are not
    whole (it is asked only then, or when the one query fails, e.g. on a database without the
    tables yet, and names the cause)."""
    names = ", ".join([mark] * len(_READ_MODELS))
    try:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {rebuilds_table.name} WHERE name IN ({names})), "
            f"(SELECT COUNT(*) FROM {tracking_table.name} WHERE name IN ({names}) "
            "AND failed_event_id IS NOT NULL), "
            f"(SELECT value FROM {meta_table.name} WHERE name = {mark})",
            [*_READ_MODELS, *_READ_MODELS, timeline.STALE_FLAG],
        )
        busy, broken, stale = cursor.fetchone()
    except conn.dialect.loaded_dbapi.Error:
        conn.rollback()
        busy = broken = 1
        stale = None
    if busy or broken:
        refuse_unservable(conn, _READ_MODELS, attempted)
        return not timeline.is_stale(conn)
    return stale is not None and int(stale) == 0


def _place(scope: Scope) -> list[tuple[str, str]]:
    """The scope's place columns and values (those given)."""
    given = (
        ("city_code", scope.city_code),
        ("county_code", scope.county_code),
        ("area_code", scope.area_code),
    )
    return [(c, v) for c, v in given if v is not None]


@functools.lru_cache(maxsize=64)
def _summary_sql(mark: str, place: tuple[str, ...], *, split: bool) -> str:
    """DB-API SQL of the summary's groups over the timeline rows valid on a day (bound twice)."""
    where = [f"valid_to > {mark}", f"valid_from <= {mark}", *(f"{c} = {mark}" for c in place)]
    amounts = ("planned_fen", "signed_fen", "reported_fen")
    if split:
        sums = [f"SUM({a} >> 32), SUM({a} & 4294967295)" for a in amounts]
    else:
        sums = [f"SUM({a})" for a in amounts]
    return (
        "SELECT stage, verified_stage, COUNT(*), SUM(CASE WHEN removed_mask <> 0 THEN 1 ELSE 0 END), "
        f"SUM(cancelled), SUM(flagged), MIN(exact), {', '.join(sums)} FROM {timeline_table.name} "
        f"WHERE {' AND '.join(where)} GROUP BY stage, verified_stage"
    )


@functools.lru_cache(maxsize=64)
def _stored_rows_sql(mark: str, place: tuple[str, ...], ids: int) -> str:
    """DB-API SQL of the rows valid on a day (bound twice), in a place, of ``ids`` projects (0: any)."""
    r, p = rows_table.name, projects_table.name
    where = [f"r.valid_to > {mark}", f"r.valid_from <= {mark}", *(f"r.{c} = {mark}" for c in place)]
    if ids:
        where.append(f"r.project_id IN ({', '.join([mark] * ids)})")
    return (
        "SELECT p.project_id, p.code, p.city_code, p.area_code, p.county_code, p.category, "
        f"p.investor_classes, r.figures FROM {r} r JOIN {p} p ON p.project_id = r.project_id "
        f"WHERE {' AND '.join(where)}"
    )


def timeline_conditions(scope: Scope, as_of: date | None) -> list[Any]:
    """Timeline rows of the projects in scope valid on ``as_of`` (the latest ones if None)."""
    t = timeline_table
    day = OPEN_END - 1 if as_of is None else as_of.toordinal()
    conds: list[Any] = [t.c.valid_to > day, t.c.valid_from <= day]
    if scope.city_code is not None:
        conds.append(t.c.city_code == scope.city_code)
    if scope.county_code is not None:
        conds.append(t.c.county_code == scope.county_code)
    if scope.area_code is not None:
        conds.append(t.c.area_code == scope.area_code)
    return conds


def _fetch_tuples(conn: sa.Connection, query: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """All rows of ``query`` as plain tuples from the DB-API cursor (SQLAlchemy's rows cost
    ~2.7× the driver's fetch here). Only for columns without result processing (integers and
    strings), which come back from the driver exactly as SQLAlchemy would return them."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
