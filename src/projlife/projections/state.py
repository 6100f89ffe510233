"""The fold: a project's ledger state from its fact rows, in log order.

The same fold answers the current ledger, "as of business date D" (only facts whose
business date is ≤ D) and "as known at T" (only facts recorded by T): the caller
filters the rows, the fold applies what is left, tolerating facts whose target was
filtered out (a verification or correction of a claim that is not there is ignored),
exactly as the aggregate's own ``apply`` methods would.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from projlife.domain.lifecycle import Stage
from projlife.projections.facts import STAGES, FactKind

__all__ = ["Claim", "ProjectState", "fold", "no_cyclic_gc"]

FactRow = tuple[Any, ...]
"""(pos, project_id, version, kind, stage, target_version, day, amount, text, value, business, recorded)"""

QUERY_COLUMNS = (
    "pos",
    "project_id",
    "version",
    "kind",
    "stage",
    "target_version",
    "day",
    "amount",
    "text",
    "value",
    "business",
    "recorded",
)

_CONCEIVED = int(FactKind.CONCEIVED)
_CLAIM = int(FactKind.CLAIM)
_VERIFIED = int(FactKind.VERIFIED)
_REJECTED = int(FactKind.REJECTED)
_CORRECTED = int(FactKind.CORRECTED)
_SCHEDULED = int(FactKind.SCHEDULED)
_INVESTMENT = int(FactKind.INVESTMENT)
_SPONSOR = int(FactKind.SPONSOR)
_FLAGGED = int(FactKind.FLAGGED)
_FLAG_CLEARED = int(FactKind.FLAG_CLEARED)
_REMOVED = int(FactKind.REMOVED)
_CANCELLED = int(FactKind.CANCELLED)
_LAND_RECLAIMED = int(FactKind.LAND_RECLAIMED)
_RESERVED_RANK = Stage.RESERVED.rank


class Claim:
    """One claimed stage as it stands: its date and the events behind it."""

    __slots__ = ("day", "fix_pos", "pos", "verified_pos", "version")

    def __init__(self, pos: int, version: int, day: int) -> None:
        self.pos = pos
        self.version = version
        self.day = day
        self.verified_pos: int | None = None
        self.fix_pos: int | None = None

    @property
    def on(self) -> date:
        return date.fromordinal(self.day)

    @property
    def event_ids(self) -> tuple[int, ...]:
        return tuple(p for p in (self.pos, self.fix_pos, self.verified_pos) if p is not None)


class ProjectState:
    """Everything the ledger shows about one project, with the log positions behind each figure."""

    __slots__ = (
        "cancelled",
        "claims",
        "conceived_pos",
        "flags",
        "investment",
        "land_reclaimed",
        "name",
        "planned",
        "project_id",
        "rejections",
        "removed",
        "scheduled",
        "signed",
        "sponsor",
    )

    def __init__(self, project_id: str) -> None:
        self.project_id = project_id
        self.conceived_pos: int | None = None
        self.claims: dict[int, Claim] = {}
        self.rejections: list[tuple[int, int, str, int]] = []  # (rank, day, reason, pos)
        self.name: tuple[str, int] | None = None
        self.planned: tuple[Decimal, int] | None = None
        self.signed: tuple[Decimal, int] | None = None
        self.investment: dict[int, list[Any]] = {}  # month ordinal -> [amount, version, pos, fix_pos]
        self.scheduled: dict[int, tuple[int, int]] = {}  # rank -> (planned day, pos)
        self.sponsor: tuple[str, str, int] | None = None
        self.flags: dict[str, tuple[int, int]] = {}
        self.removed: dict[str, tuple[str, int, int]] = {}  # pool -> (reason_code, day, pos)
        self.cancelled: tuple[int, int, str] | None = None
        self.land_reclaimed: tuple[int, int] | None = None

    @property
    def exists(self) -> bool:
        """Whether the project's conception is among the facts folded."""
        return self.conceived_pos is not None

    def apply(self, r: FactRow) -> None:
        kind = r[3]
        pos = r[0]
        if kind == _CLAIM:
            claim = Claim(pos, r[2], r[6])
            self.claims[r[4]] = claim
            if r[4] == 2:  # signed
                self.signed = (Decimal(r[7]), pos)
        elif kind == _CONCEIVED:
            self.conceived_pos = pos
            self.claims[0] = Claim(pos, 1, r[6])
            if r[4] == _RESERVED_RANK:
                self.claims[_RESERVED_RANK] = Claim(pos, 1, r[6])
            self.name = (r[9], pos)
            self.planned = (Decimal(r[7]), pos)
        elif kind == _VERIFIED:
            verified = self.claims.get(r[4])
            if verified is not None:
                verified.verified_pos = pos
        elif kind == _REJECTED:
            rank = r[4]
            for s in [s for s in self.claims if s >= rank]:
                del self.claims[s]
            self.rejections.append((rank, r[10], r[9] or "", pos))
        elif kind == _CORRECTED:
            self._correct(r)
        elif kind == _INVESTMENT:
            self.investment[r[6]] = [Decimal(r[7]), r[2], pos, None]
        elif kind == _SCHEDULED:
            self.scheduled[r[4]] = (r[6], pos)
        elif kind == _SPONSOR:
            self.sponsor = (r[8], r[9], pos)
        elif kind == _FLAGGED:
            self.flags[r[8]] = (r[10], pos)
        elif kind == _FLAG_CLEARED:
            self.flags.pop(r[8], None)
        elif kind == _REMOVED:
            self.removed[r[8]] = (r[9], r[10], pos)
        elif kind == _CANCELLED:
            self.cancelled = (r[10], pos, r[9] or "")
        elif kind == _LAND_RECLAIMED:
            self.land_reclaimed = (r[10], pos)

    def _correct(self, r: FactRow) -> None:
        field, pos, target = r[8], r[0], r[5]
        if field == "planned_investment":
            self.planned = (Decimal(r[7]), pos)
        elif field == "signed_amount":
            self.signed = (Decimal(r[7]), pos)
        elif field == "name":
            self.name = (r[9], pos)
        elif field == "investment_amount":
            for report in self.investment.values():
                if report[1] == target:
                    report[0] = Decimal(r[7])
                    report[3] = pos
        elif field == "occurred_on" and target > 1:
            for claim in self.claims.values():
                if claim.version == target:
                    claim.day = r[6]
                    claim.fix_pos = pos
        # area_mu and milestone dates are not ledger figures

    # -- derived ---------------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        return STAGES[max(self.claims)]

    @property
    def verified_stage(self) -> Stage:
        verified = 0
        for rank in sorted(self.claims):
            if rank >= 2 and self.claims[rank].verified_pos is None:
                break
            verified = rank
        return STAGES[verified]

    def claim(self, stage: Stage) -> Claim | None:
        return self.claims.get(stage.rank)

    def cut(self, limit: int | None) -> ProjectState:
        """This state as of business day ``limit`` (an ordinal): without the stage claims whose
        date a correction (itself dated by ``limit``) moved past it.

        The one rule every surface applies after the fold (``docs/projections.md``, "As of D"):
        a start claimed in March whose date an April correction moved to May has not happened as
        of any day before May, on the ledger as in every count. Returns ``self`` when nothing is
        cut; never changes ``self``.
        """
        if limit is None or all(c.day <= limit for c in self.claims.values()):
            return self
        out = ProjectState.__new__(ProjectState)
        for name in ProjectState.__slots__:
            setattr(out, name, getattr(self, name))
        out.claims = {rank: c for rank, c in self.claims.items() if c.day <= limit}
        return out

    def investment_total(self, through_month: int | None = None) -> Decimal:
        return sum(
            (v[0] for m, v in self.investment.items() if through_month is None or m <= through_month),
            Decimal(0),
        )


def fold(rows: Iterable[FactRow], as_of: int | None = None) -> dict[str, ProjectState]:
    """Fold fact rows (in log order) into one state per project that was conceived; with
    ``as_of`` (a business-day ordinal: the rows are those dated by it), each state is
    :meth:`~ProjectState.cut` at that day."""
    states: dict[str, ProjectState] = {}
    for r in rows:
        state = states.get(r[1])
        if state is None:
            state = states[r[1]] = ProjectState(r[1])
        state.apply(r)
    return {pid: s.cut(as_of) for pid, s in states.items() if s.exists}


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: a province's fold creates millions of objects that
    all stay alive until the rows are built, so every collection meanwhile scans them in vain
    (about half of the call's time). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
