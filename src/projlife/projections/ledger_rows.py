"""The ledger's values: a 台账 row, the summary, the scope of a query and the size bands."""

from __future__ import annotations

import bisect
import functools
import itertools
import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
    "row_figures",
    "row_from",
    "stored_row",
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
    _stored: tuple[Any, Sequence[Any] | None, SizeBands | None] | None = attrs.field(
        default=None, init=False, eq=False, repr=False, alias="_stored"
    )
    """A row read from ``pl_ledger_rows`` (:func:`stored_row`): its figures' JSON, decoded on
    first access to any figure (equality, ``repr``, ``as_dict`` and ``attrs.evolve`` read them
    all) except ``sources``, whose event-id tuples are built from the decoded figures only when
    ``sources`` is read; None once all is decoded, and for every row built by :func:`row_from`."""

    if not TYPE_CHECKING:  # mypy would otherwise accept any attribute name

        def __getattr__(self, name: str) -> Any:
            # Only reached for a slot not set yet: the figures of a stored row, decoded once.
            if name in _LAZY:
                try:
                    stored = object.__getattribute__(self, "_stored")
                except AttributeError:
                    stored = None
                if stored is not None:
                    figures, static, bands = stored
                    if static is not None:  # nothing decoded yet: every figure but the sources
                        decoded = _loads(figures)
                        for field, value in _row_fields(decoded, static, bands).items():
                            _set(self, field, value)
                        _set(self, "details", None)
                        _set(self, "plan", None)
                        if name == "sources":
                            _set(self, "sources", _row_sources(decoded))
                            _set(self, "_stored", None)
                        else:
                            # Keep the JSON text, not the decoded lists: a string is not tracked
                            # by the cyclic GC, so a province of decoded rows does not make
                            # every collection walk millions of lists (measured: 1.7x slower).
                            _set(self, "_stored", (figures, None, None))
                    elif name == "sources":  # the event ids behind each figure: built when asked
                        _set(self, "sources", _row_sources(_loads(figures)))
                        _set(self, "_stored", None)
                    return object.__getattribute__(self, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

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
_POOLS: dict[str, Pool] = {str(p): p for p in Pool}
_fromordinal = date.fromordinal


def row_figures(st: ProjectState) -> list[Any]:
    """Everything a :class:`LedgerRow` shows that the facts decide, as a JSON-able list.

    The one computation behind every ledger row: :func:`to_row` builds the row of a folded state
    from it, and the ledger's per-interval row table (:mod:`projlife.projections.timeline`)
    stores it, so a stored row and a folded one are equal by construction. Amounts are exact
    ``Decimal`` strings; dates are day ordinals; the order of every list is the row's order.
    """
    assert st.planned is not None and st.name is not None
    claims = [
        [rank, c.day, c.verified_pos is not None, list(c.event_ids)] for rank, c in sorted(st.claims.items())
    ]
    has_signed = st.signed is not None and Stage.SIGNED.rank in st.claims
    return [
        st.name[0],
        st.name[1],
        str(st.planned[0]),
        st.planned[1],
        str(st.signed[0]) if has_signed and st.signed is not None else None,
        st.signed[1] if has_signed and st.signed is not None else None,
        str(st.investment_total()),
        sorted(p for v in st.investment.values() for p in (v[2], v[3]) if p is not None),
        STAGES.index(st.stage),
        STAGES.index(st.verified_stage),
        claims,
        list(st.sponsor) if st.sponsor else None,
        [[flag, pos] for flag, (_, pos) in st.flags.items()],
        [[rank, day, pos] for rank, (day, pos) in st.scheduled.items()],
        [[pool, reason, day, pos] for pool, (reason, day, pos) in sorted(st.removed.items())],
        [list(r) for r in st.rejections],
        list(st.cancelled[:2]) if st.cancelled else None,
        list(st.land_reclaimed) if st.land_reclaimed else None,
    ]


def to_row(st: ProjectState, static: Any, bands: SizeBands) -> LedgerRow:
    """The ledger row of a folded project state (``static``: its ``pl_projects`` row)."""
    return row_from(
        row_figures(st),
        (
            st.project_id,
            static.code,
            static.city_code,
            static.area_code,
            static.county_code,
            static.category,
            static.investor_classes,
        ),
        bands,
    )


def row_from(figures: Sequence[Any], static: Sequence[Any], bands: SizeBands) -> LedgerRow:
    """A :class:`LedgerRow` from :func:`row_figures` (or their JSON) and the project's static
    columns ``(project_id, code, city_code, area_code, county_code, category, investor_classes)``."""
    return LedgerRow(**_row_fields(figures, static, bands), sources=_row_sources(figures))


def _row_sources(figures: Sequence[Any]) -> dict[str, tuple[int, ...]]:
    """The event ids behind each figure of :func:`row_figures` (a row's ``sources``)."""
    (_, name_pos, _, planned_pos, signed_s, signed_pos, _, inv_pos, _, _,
     claims, sponsor, flags, scheduled, _, _, cancelled, land) = figures  # fmt: skip
    sources: dict[str, tuple[int, ...]] = {_STAGE_KEYS[c[0]]: tuple(c[3]) for c in claims}
    sources["planned_investment"] = (planned_pos,)
    sources["name"] = (name_pos,)
    if signed_s is not None:
        sources["signed_amount"] = (signed_pos,)
    sources["investment_reported"] = tuple(inv_pos)
    if sponsor:
        sources["sponsor"] = (sponsor[2],)
    for flag, pos in flags:
        sources[f"flag:{flag}"] = (pos,)
    for rank, _, pos in scheduled:
        sources[_SCHEDULED_KEYS[rank]] = (pos,)
    if cancelled:
        sources["cancelled"] = (cancelled[1],)
    if land:
        sources["land_reclaimed"] = (land[1],)
    return sources


def _row_fields(figures: Sequence[Any], static: Sequence[Any], bands: SizeBands) -> dict[str, Any]:
    """The fields of :func:`row_from`'s row but ``sources`` (:func:`_row_sources`), set straight
    onto a stored row when it is decoded."""
    (name, _, planned_s, _, signed_s, _, inv_s, _, stage, verified_stage,
     claims, sponsor, flags, scheduled, removed, rejections, cancelled, land) = figures  # fmt: skip
    stage_dates: dict[Stage, date] = {}
    verified: list[Stage] = []
    for rank, day, is_verified, _ in claims:
        s = STAGES[rank]
        stage_dates[s] = _fromordinal(day)
        if is_verified:
            verified.append(s)
    planned = Decimal(planned_s)
    signed = None if signed_s is None else Decimal(signed_s)
    pid, code, city_code, area_code, county_code, category, investors, *_ = static
    return dict(
        project_id=pid,
        code=code,
        name=name,
        city_code=city_code,
        area_code=area_code,
        county_code=county_code,
        category=_CATEGORIES.get(category) or ProjectCategory(category),
        investor_classes=tuple(c for c in investors.split(",") if c),
        stage=STAGES[stage],
        verified_stage=STAGES[verified_stage],
        stage_dates=stage_dates,
        verified=frozenset(verified),
        planned_investment=planned,
        signed_amount=signed,
        investment_reported=Decimal(inv_s),
        size_class=bands.classify(planned),
        sponsor=(sponsor[0], sponsor[1]) if sponsor else None,
        flags=tuple(sorted(f for f, _ in flags)),
        scheduled={STAGES[r]: _fromordinal(d) for r, d, _ in sorted(scheduled)},
        removed=tuple(
            Removal(_POOLS.get(p) or Pool(p), reason, _fromordinal(day), pos)
            for p, reason, day, pos in removed
        ),
        rejections=tuple(
            Rejection(STAGES[rank], _fromordinal(day), reason, pos) for rank, day, reason, pos in rejections
        ),
        cancelled_on=_fromordinal(cancelled[0]) if cancelled else None,
        land_reclaimed_on=_fromordinal(land[0]) if land else None,
    )


def stored_row(figures_json: str, static: Sequence[Any], bands: SizeBands) -> LedgerRow:
    """The row of :func:`row_from` for ``figures_json`` (the JSON of :func:`row_figures`), with
    only ``project_id`` and ``code`` set now: every other figure is decoded from the JSON, by
    :func:`row_from`, the first time one is read. A province's rows cost no more than their
    fetch until someone looks at them."""
    row: LedgerRow = _new(LedgerRow)
    _set(row, "project_id", static[0])
    _set(row, "code", static[1])
    _set(row, "_stored", (figures_json, static, bands))
    return row


_new = object.__new__
_set = object.__setattr__
_loads = json.loads
_LAZY = frozenset(f.name for f in attrs.fields(LedgerRow)) - {"project_id", "code", "_stored"}
_STAGE_KEYS = tuple(f"stage:{s}" for s in STAGES)
_SCHEDULED_KEYS = tuple(f"scheduled:{s}" for s in STAGES)
