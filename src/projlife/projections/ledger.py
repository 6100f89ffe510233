"""The 台账 ledger: one row per project, now, as of a business date, or as known at a time.

``app.ledger.rows(city=…, county=…, stage=…, category=…, size_class=…, as_of=…, known_at=…)``
reads the fact rows of the scope with one indexed query (``business <= as_of`` and
``recorded <= known_at`` in SQL) and folds them (:mod:`projlife.projections.state`).
Every figure carries the log positions (event ids) behind it in ``sources``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from projlife.domain.classification import ProjectCategory
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Pool, Stage
from projlife.domain.money import YI
from projlife.projections import timeline
from projlife.projections.details import DETAILS_PROJECTION, ProjectDetails, details
from projlife.projections.facts import (
    LEDGER_PROJECTION,
    OPEN_END,
    STAGES,
    facts_table,
    projects_table,
    recorded_micros,
    timeline_table,
)
from projlife.projections.state import QUERY_COLUMNS, FactRow, ProjectState, fold

if TYPE_CHECKING:
    from projlife.app.application import Projlife

__all__ = [
    "DEFAULT_SIZE_BANDS",
    "Ledger",
    "LedgerRow",
    "LedgerSummary",
    "Rejection",
    "Removal",
    "Scope",
    "SizeBands",
]


def _decimals(values: Iterable[Any]) -> tuple[Decimal, ...]:
    return tuple(Decimal(str(x)) for x in values)


@attrs.frozen
class SizeBands:
    """Size classes by planned investment: ``thresholds_yi`` are the band limits in 亿 yuan.

    The default gives <1亿, 1–5亿, 5–10亿, 10–50亿, ≥50亿; a city plugin may pass its own.
    A project sits in the band whose lower limit it reaches (1亿 exactly is "1–5亿").
    """

    thresholds_yi: tuple[Decimal, ...] = attrs.field(
        default=(Decimal(1), Decimal(5), Decimal(10), Decimal(50)),
        converter=_decimals,
    )

    def __attrs_post_init__(self) -> None:
        if list(self.thresholds_yi) != sorted(set(self.thresholds_yi)) or any(
            t <= 0 for t in self.thresholds_yi
        ):
            raise ValueError(f"size thresholds must be positive and increasing, got {self.thresholds_yi}")

    @property
    def labels(self) -> tuple[str, ...]:
        return _labels(self.thresholds_yi)

    def classify(self, yuan: Decimal) -> str:
        return self.labels[bisect.bisect_right(_limits_yuan(self.thresholds_yi), yuan)]


def _str(_inst: Any, _field: Any, value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


@functools.lru_cache(maxsize=64)
def _labels(thresholds: tuple[Decimal, ...]) -> tuple[str, ...]:
    t = [_fmt(x) for x in thresholds]
    if not t:
        return ("all",)
    return (f"<{t[0]}亿", *(f"{a}–{b}亿" for a, b in itertools.pairwise(t)), f"≥{t[-1]}亿")


@functools.lru_cache(maxsize=64)
def _limits_yuan(thresholds: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(t * YI for t in thresholds)


def _fmt(x: Decimal) -> str:
    return format(x.normalize(), "f")


DEFAULT_SIZE_BANDS = SizeBands()


@attrs.frozen
class Removal:
    pool: Pool
    reason_code: str
    on: date
    event_id: int


@attrs.frozen
class Rejection:
    stage: Stage
    on: date
    reason: str
    event_id: int


@attrs.frozen
class LedgerRow:
    """One project in the ledger. ``sources`` maps each figure to the event ids behind it."""

    project_id: str
    code: str
    name: str
    city_code: str
    area_code: str
    county_code: str | None
    category: ProjectCategory
    investor_classes: tuple[str, ...]
    stage: Stage
    """The claimed stage (the furthest claimed and not rejected)."""
    verified_stage: Stage
    """The furthest stage up to which every claim (from signing on) is verified."""
    stage_dates: dict[Stage, date]
    verified: frozenset[Stage]
    planned_investment: Decimal
    signed_amount: Decimal | None
    investment_reported: Decimal
    size_class: str
    sponsor: tuple[str, str] | None
    flags: tuple[str, ...]
    scheduled: dict[Stage, date]
    removed: tuple[Removal, ...]
    rejections: tuple[Rejection, ...]
    cancelled_on: date | None
    land_reclaimed_on: date | None
    sources: dict[str, tuple[int, ...]]
    details: ProjectDetails | None = None
    """The descriptive details (credit code, land, counterparty, batch, team, cancel reason), when asked for."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "code": self.code,
            "name": self.name,
            "city_code": self.city_code,
            "area_code": self.area_code,
            "county_code": self.county_code,
            "category": str(self.category),
            "investor_classes": list(self.investor_classes),
            "stage": str(self.stage),
            "verified_stage": str(self.verified_stage),
            "stage_dates": {str(s): d.isoformat() for s, d in self.stage_dates.items()},
            "verified": sorted(str(s) for s in self.verified),
            "planned_investment": str(self.planned_investment),
            "signed_amount": None if self.signed_amount is None else str(self.signed_amount),
            "investment_reported": str(self.investment_reported),
            "size_class": self.size_class,
            "sponsor": list(self.sponsor) if self.sponsor else None,
            "flags": list(self.flags),
            "scheduled": {str(s): d.isoformat() for s, d in self.scheduled.items()},
            "removed": [
                {
                    "pool": str(r.pool),
                    "reason_code": r.reason_code,
                    "on": r.on.isoformat(),
                    "event_id": r.event_id,
                }
                for r in self.removed
            ],
            "rejections": [
                {"stage": str(r.stage), "on": r.on.isoformat(), "reason": r.reason, "event_id": r.event_id}
                for r in self.rejections
            ],
            "cancelled_on": None if self.cancelled_on is None else self.cancelled_on.isoformat(),
            "land_reclaimed_on": None
            if self.land_reclaimed_on is None
            else self.land_reclaimed_on.isoformat(),
            "sources": {k: list(v) for k, v in self.sources.items()},
            "details": None if self.details is None else attrs.asdict(self.details, value_serializer=_str),
        }


@attrs.frozen
class LedgerSummary:
    """Counts of the ledger by claimed and by verified stage, and its amounts."""

    projects: int
    by_stage: dict[Stage, int]
    by_verified_stage: dict[Stage, int]
    planned_investment: Decimal
    signed_amount: Decimal
    investment_reported: Decimal
    removed: int
    cancelled: int
    flagged: int


@attrs.frozen
class Scope:
    """Which projects a query covers: a city (slug or code), and optionally a county or area."""

    city_code: str | None = None
    county_code: str | None = None
    area_code: str | None = None


class Ledger:
    """The 台账: ``app.ledger``."""

    def __init__(self, app: Projlife, size_bands: SizeBands = DEFAULT_SIZE_BANDS) -> None:
        self._app = app
        self.size_bands = size_bands

    # -- public -----------------------------------------------------------------------

    def scope(self, city: str | None = None, county: str | None = None, area: str | None = None) -> Scope:
        """Resolve a city slug/code and check the county/area codes belong to it."""
        code = self._app.city(city).code if city is not None else None
        for what, value in (("county", county), ("area", area)):
            if value is not None and code is not None and value not in self._app.city(code).areas:
                raise ProjlifeError(
                    f"query the ledger for {what} {value}",
                    f"{value} is not an area of city {code}",
                    ", ".join(a.code for a in self._app.city(code).areas),
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
    ) -> list[LedgerRow]:
        """The ledger rows in scope, ordered by project code (``with_details``: with their details)."""
        bands = size_bands or self.size_bands
        if size_class is not None and size_class not in bands.labels:
            raise ProjlifeError(
                f"filter by size class {size_class!r}", "unknown size class", ", ".join(bands.labels)
            )
        want_stage = Stage(stage) if stage is not None else None
        want_category = ProjectCategory(category) if category is not None else None
        scope = self.scope(city, county, area)
        states = self.states(scope, as_of=as_of, known_at=known_at)
        statics = self.statics(scope, states)
        out = []
        for pid, st in states.items():
            row = to_row(st, statics[pid], bands)
            if want_stage is not None and row.stage is not want_stage:
                continue
            if want_category is not None and row.category is not want_category:
                continue
            if size_class is not None and row.size_class != size_class:
                continue
            out.append(row)
        out.sort(key=lambda r: r.code)
        if with_details:
            found = details(self._app, [r.project_id for r in out], as_of=as_of, known_at=known_at)
            out = [attrs.evolve(r, details=found[r.project_id]) for r in out]
        return out

    def row(
        self, project_id: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> LedgerRow | None:
        states = self.states(Scope(), as_of=as_of, known_at=known_at, project_ids=[str(project_id)])
        if not states:
            return None
        return to_row(
            next(iter(states.values())), self.statics(Scope(), states)[str(project_id)], self.size_bands
        )

    def summary(
        self,
        *,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> LedgerSummary:
        scope = self.scope(city, county, area)
        self._refuse_if_rebuilding("summarise the ledger")
        if known_at is None:
            fast = self._timeline_summary(scope, as_of)
            if fast is not None:
                return fast
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

    def _timeline_summary(self, scope: Scope, as_of: date | None) -> LedgerSummary | None:
        """The summary as one SQL aggregate over the timeline (None if it is stale or inexact)."""
        t = timeline_table
        query = (
            sa.select(
                t.c.stage,
                t.c.verified_stage,
                sa.func.count(),
                sa.func.sum(t.c.planned_fen),
                sa.func.sum(t.c.signed_fen),
                sa.func.sum(t.c.reported_fen),
                sa.func.sum(sa.case((t.c.removed_mask != 0, 1), else_=0)),
                sa.func.sum(t.c.cancelled),
                sa.func.sum(t.c.flagged),
                sa.func.min(t.c.exact),
            )
            .where(*timeline_conditions(scope, as_of))
            .group_by(t.c.stage, t.c.verified_stage)
        )
        with self._app.engine.connect() as conn:
            if timeline.is_stale(conn):
                return None
            groups = conn.execute(query).all()
        by_stage = dict.fromkeys(STAGES, 0)
        by_verified = dict.fromkeys(STAGES, 0)
        projects = removed = cancelled = flagged = 0
        planned = signed = reported = 0
        for stage, verified, n, p, sg, rp, rm, cn, fl, exact in groups:
            if not exact:
                return None
            by_stage[STAGES[stage]] += n
            by_verified[STAGES[verified]] += n
            projects += n
            planned, signed, reported = planned + int(p), signed + int(sg), reported + int(rp)
            removed, cancelled, flagged = removed + int(rm), cancelled + int(cn), flagged + int(fl)
        return LedgerSummary(
            projects=projects,
            by_stage=by_stage,
            by_verified_stage=by_verified,
            planned_investment=_yuan(planned),
            signed_amount=_yuan(signed),
            investment_reported=_yuan(reported),
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
        self._refuse_if_rebuilding("read the ledger")
        return fold(self._fact_rows(scope, as_of, known_at, project_ids))

    def _refuse_if_rebuilding(self, attempted: str) -> None:
        from projlife.projections.runner import refuse_if_rebuilding

        with self._app.engine.connect() as conn:
            refuse_if_rebuilding(conn, (LEDGER_PROJECTION, DETAILS_PROJECTION), attempted)

    def statics(self, scope: Scope, states: dict[str, ProjectState]) -> dict[str, Any]:
        """The ``pl_projects`` rows of the given states."""
        t = projects_table
        query = sa.select(t)
        out: dict[str, Any] = {}
        with self._app.engine.connect() as conn:
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
        with self._app.engine.connect() as conn:
            if project_ids is None:
                yield from conn.execute(sa.select(*cols).where(*conds).order_by(f.c.pos)).tuples().all()
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


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2) if fen else Decimal(0)


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


_CATEGORIES: dict[str, ProjectCategory] = {str(c): c for c in ProjectCategory}


def to_row(st: ProjectState, static: Any, bands: SizeBands) -> LedgerRow:
    sources: dict[str, tuple[int, ...]] = {}
    stage_dates: dict[Stage, date] = {}
    verified: set[Stage] = set()
    for rank in sorted(st.claims):
        claim = st.claims[rank]
        stage = STAGES[rank]
        stage_dates[stage] = claim.on
        if claim.verified_pos is not None:
            verified.add(stage)
        sources[f"stage:{stage}"] = claim.event_ids
    assert st.planned is not None and st.name is not None
    planned = st.planned[0]
    sources["planned_investment"] = (st.planned[1],)
    sources["name"] = (st.name[1],)
    signed = None
    if st.signed is not None and Stage.SIGNED.rank in st.claims:
        signed = st.signed[0]
        sources["signed_amount"] = (st.signed[1],)
    inv = st.investment_total()
    sources["investment_reported"] = tuple(
        sorted(p for v in st.investment.values() for p in (v[2], v[3]) if p is not None)
    )
    if st.sponsor:
        sources["sponsor"] = (st.sponsor[2],)
    for flag, (_, pos) in st.flags.items():
        sources[f"flag:{flag}"] = (pos,)
    for stage_rank, (_, pos) in st.scheduled.items():
        sources[f"scheduled:{STAGES[stage_rank]}"] = (pos,)
    removed = tuple(
        Removal(Pool(pool), reason, date.fromordinal(day), pos)
        for pool, (reason, day, pos) in sorted(st.removed.items())
    )
    rejections = tuple(
        Rejection(STAGES[rank], date.fromordinal(day), reason, pos)
        for rank, day, reason, pos in st.rejections
    )
    if st.cancelled:
        sources["cancelled"] = (st.cancelled[1],)
    if st.land_reclaimed:
        sources["land_reclaimed"] = (st.land_reclaimed[1],)
    return LedgerRow(
        project_id=st.project_id,
        code=static.code,
        name=st.name[0],
        city_code=static.city_code,
        area_code=static.area_code,
        county_code=static.county_code,
        category=_CATEGORIES.get(static.category) or ProjectCategory(static.category),
        investor_classes=tuple(c for c in static.investor_classes.split(",") if c),
        stage=st.stage,
        verified_stage=st.verified_stage,
        stage_dates=stage_dates,
        verified=frozenset(verified),
        planned_investment=planned,
        signed_amount=signed,
        investment_reported=inv,
        size_class=bands.classify(planned),
        sponsor=(st.sponsor[0], st.sponsor[1]) if st.sponsor else None,
        flags=tuple(sorted(st.flags)),
        scheduled={STAGES[r]: date.fromordinal(d) for r, (d, _) in sorted(st.scheduled.items())},
        removed=removed,
        rejections=rejections,
        cancelled_on=date.fromordinal(st.cancelled[0]) if st.cancelled else None,
        land_reclaimed_on=date.fromordinal(st.land_reclaimed[0]) if st.land_reclaimed else None,
        sources=sources,
    )
