"""The values conversion metrics answer with: rates with their numerators and denominators, entry counts, funnels, pace."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from projlife.domain.lifecycle import Pool, Stage
from projlife.domain.money import decimal_text
from projlife.domain.periods import Period
from projlife.projections.counting import (
    Count,
    pool_of,
    round_rate,
)

__all__ = [
    "RATES",
    "EntryCount",
    "Exclusion",
    "Funnel",
    "FunnelStep",
    "Pace",
    "PaceBucket",
    "Rate",
    "RateDefinition",
]


_Q = Decimal("0.0001")


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_Q, rounding=ROUND_HALF_UP)


@attrs.frozen
class Exclusion:
    """A project left out of a count because it was removed from a pool (剔除)."""

    project_id: str
    pool: Pool
    reason_code: str
    on: date
    event_id: int


@attrs.frozen
class Rate:
    """A rate with its parts. ``value`` is None ("n/a") when the denominator is 0.

    ``bounded`` is False for ratios that may exceed 1 (investment completion).
    """

    name: str
    label_zh: str
    numerator: Decimal | int
    denominator: Decimal | int
    numerator_ids: tuple[str, ...] = ()
    denominator_ids: tuple[str, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    bounded: bool = True

    @property
    def value(self) -> Decimal | None:
        return _ratio(self.numerator, self.denominator)

    def __str__(self) -> str:
        shown = round_rate(self.numerator, self.denominator)
        return f"{self.numerator}/{self.denominator} = {'n/a' if shown is None else f'{shown}%'}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label_zh": self.label_zh,
            # Counts are JSON integers; amounts are decimal strings in the named unit.
            "numerator": self.numerator if isinstance(self.numerator, int) else decimal_text(self.numerator),
            "denominator": self.denominator
            if isinstance(self.denominator, int)
            else decimal_text(self.denominator),
            "unit": "count" if isinstance(self.numerator, int) else "yuan",
            "value": None if self.value is None else decimal_text(self.value),
            "display": str(self),
            "excluded": [attrs.asdict(e, value_serializer=_ser) for e in self.excluded],
        }


def _ser(_inst: Any, _field: Any, value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Pool) else value


@attrs.frozen
class EntryCount:
    """Projects whose effective claim of ``stage`` is dated in ``period``."""

    stage: Stage
    period: Period
    count: int
    project_ids: tuple[str, ...]
    event_ids: tuple[int, ...]
    excluded: tuple[Exclusion, ...]
    """Entered in the period but since removed from the stage's pool (not counted)."""
    rejected: tuple[tuple[str, date, int], ...]
    """Claims of this stage rejected in the period: (project id, rejection date, event id)."""
    cancelled: tuple[str, ...] = ()
    """Entered in the period but cancelled, left out by the city's policy (``cancelled_entries_count``)."""


@attrs.frozen
class FunnelStep:
    stage: Stage
    rate: Rate


@attrs.frozen
class Funnel:
    """Of the projects entering ``cohort_stage`` in ``period``, how many reached each later stage."""

    cohort_stage: Stage
    period: Period
    cohort: int
    steps: tuple[FunnelStep, ...]
    excluded: tuple[Exclusion, ...]
    within_days: int | None
    by: date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "cohort_stage": str(self.cohort_stage),
            "period": str(self.period),
            "cohort": self.cohort,
            "within_days": self.within_days,
            "by": None if self.by is None else self.by.isoformat(),
            "steps": [{"stage": str(s.stage), **s.rate.as_dict()} for s in self.steps],
            "excluded": [attrs.asdict(e, value_serializer=_ser) for e in self.excluded],
        }


@attrs.frozen
class PaceBucket:
    period: Period
    count: int
    cumulative: int
    target_to_date: Decimal
    """The pro-rata share of the target due by the end of this bucket."""


@attrs.frozen
class Pace:
    stage: Stage
    period: Period
    target: int
    buckets: tuple[PaceBucket, ...]
    progress: Rate
    """Entries so far against the whole period's target (may exceed 1)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": str(self.stage),
            "period": str(self.period),
            "target": self.target,
            "progress": self.progress.as_dict(),
            "buckets": [
                {
                    "period": str(b.period),
                    "count": b.count,
                    "cumulative": b.cumulative,
                    "target_to_date": decimal_text(b.target_to_date),
                }
                for b in self.buckets
            ],
        }


@attrs.frozen
class RateDefinition:
    name: str
    label_zh: str
    cohort: Stage
    reached: Stage


RATES: dict[str, RateDefinition] = {
    d.name: d
    for d in (
        RateDefinition("reserve_to_signed", "储备转签约率", Stage.RESERVED, Stage.SIGNED),
        RateDefinition("signed_to_landed", "落地率", Stage.SIGNED, Stage.LANDED),
        RateDefinition("signed_to_started", "开工率", Stage.SIGNED, Stage.STARTED),
        RateDefinition("started_to_statistics", "纳统率", Stage.STARTED, Stage.IN_STATISTICS),
        RateDefinition("completed_to_producing", "投产率", Stage.COMPLETED, Stage.PRODUCING),
    )
}
"""The stage-conversion rates (cohort stage → reached stage)."""


def _exclusions(count: Count) -> tuple[Exclusion, ...]:
    out = []
    pool = pool_of(count.stage)
    for e in count.excluded:
        if e.why == "removed" and pool is not None and e.event_id is not None:
            out.append(Exclusion(e.project_id, pool, e.detail, e.on, e.event_id))
    return tuple(out)
