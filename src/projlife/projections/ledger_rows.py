"""The ledger's values: a 台账 row, the summary, the scope of a query and the size bands."""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Pool, Stage
from projlife.domain.money import YI, decimal_text
from projlife.projections.counting.plan import PlanStatus, PlanSummary
from projlife.projections.details import ProjectDetails
from projlife.projections.facts import STAGES
from projlife.projections.state import ProjectState

__all__ = [
    "DEFAULT_SIZE_BANDS",
    "LedgerRow",
    "LedgerSummary",
    "Rejection",
    "Removal",
    "Scope",
    "SizeBands",
    "to_row",
    "yuan_of_fen",
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
    return decimal_text(value) if isinstance(value, Decimal) else value


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
    plan: PlanStatus | None = None
    """年度计划投资, 投资完成率, 时序进度, 形象进度 and 滞后 (``with_plan=True``; ``None`` when the
    project has no annual target and no 形象进度 report). From the counting layer's
    :func:`~projlife.projections.counting.plan.city_plans`."""

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
            "planned_investment": decimal_text(self.planned_investment),
            "signed_amount": None if self.signed_amount is None else decimal_text(self.signed_amount),
            "investment_reported": decimal_text(self.investment_reported),
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
            **({} if self.plan is None else {"plan": self.plan.as_dict()}),
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
    plan: PlanSummary | None = None
    """The scope's annual plan line (``with_plan=True``): Σ 年度计划投资, Σ completed, 投资完成率,
    projects lagging, 形象进度 reported and on target."""


@attrs.frozen
class Scope:
    """Which projects a query covers: a city (slug or code), and optionally a county or area."""

    city_code: str | None = None
    county_code: str | None = None
    area_code: str | None = None


def yuan_of_fen(fen: int) -> Decimal:
    """An amount in fen (integer hundredths) as yuan."""
    return Decimal(fen).scaleb(-2) if fen else Decimal(0)


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
