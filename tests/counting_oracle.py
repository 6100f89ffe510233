"""The test oracle of the counting layer: a brute-force replay of the domain events.

Never reads a projection table. For "as of D, as known at T" it keeps the events with business
date ≤ D recorded by T, replays them through the ``Project`` aggregate's own ``apply`` methods
(skipping an event whose target the filter removed), and then answers every count from the
aggregates with its own, deliberately plain, reading of the rules in ``docs/projections.md``.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from projlife.domain.areas import AreaTree
from projlife.domain.lifecycle import Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.domain.project import Project
from projlife.plugins.counting_policy import CountingPolicy


class Oracle:
    """Every project of one city as of D, as known at T, replayed from the events."""

    def __init__(
        self,
        events: list[Any],
        city_code: str,
        as_of: date,
        known_at: datetime | None,
        policy: CountingPolicy,
        tree: AreaTree,
    ) -> None:
        self.as_of, self.policy, self.tree = as_of, policy, tree
        by_project: dict[Any, list[Any]] = defaultdict(list)
        for e in events:
            if e.occurred_on > as_of or (known_at is not None and e.timestamp > known_at):
                continue
            by_project[e.originator_id].append(e)
        self.projects: dict[str, Any] = {}
        for pid, evs in by_project.items():
            if not isinstance(evs[0], Project.Conceived) or evs[0].city_code != city_code:
                continue
            project: Any = evs[0].mutate(None)
            for e in evs[1:]:
                with contextlib.suppress(KeyError, AssertionError):  # its target was filtered out
                    e.apply(project)
            self.projects[str(pid)] = project

    # -- one project ---------------------------------------------------------------------

    def date_of(self, p: Any, stage: Stage) -> date | None:
        claim = p.claims.get(stage)
        return None if claim is None or claim.occurred_on > self.as_of else claim.occurred_on

    def amount(self, p: Any, stage: Stage) -> Money:
        if (
            stage >= Stage.SIGNED
            and self.date_of(p, Stage.SIGNED) is not None
            and p.signed_amount is not None
        ):
            amount: Money = p.signed_amount
            return amount
        planned: Money = p.planned_investment
        return planned

    def current(self, p: Any) -> Stage:
        return max(s for s in p.claims if self.date_of(p, s) is not None)

    def in_scope(self, p: Any, stage: Stage | None = None) -> bool:
        scope = self.policy.scope
        amount = self.amount(p, self.current(p) if stage is None else stage)
        if scope.min_amount is not None and amount < scope.min_amount:
            return False
        if scope.industry_only and not p.category.is_industry:
            return False
        return not (scope.categories and p.category not in scope.categories)

    def removed(self, p: Any, stage: Stage) -> bool:
        for pool, (reason, _) in p.removed_from.items():
            if stage not in Pool(pool).stages:
                continue
            lifted = (
                self.policy.removal_lifted_when_met
                and reason is RemovalReason.NOT_IN_STATISTICS_IN_TIME
                and self.date_of(p, Stage.IN_STATISTICS) is not None
            )
            if not lifted:
                return True
        return False

    def dropped(self, p: Any) -> bool:
        return p.cancelled_on is not None and not self.policy.cancelled_entries_count

    def entered(self, p: Any, stage: Stage, verified: bool = False) -> date | None:
        if self.dropped(p) or self.removed(p, stage):
            return None
        if verified and (stage not in p.claims or p.claims[stage].verified_by is None):
            return None
        return self.date_of(p, stage)

    def reached(self, p: Any, stage: Stage, verified: bool = False) -> date | None:
        if self.dropped(p) or self.removed(p, stage):
            return None
        found = [
            d
            for s in p.claims
            if s >= stage
            and (d := self.date_of(p, s)) is not None
            and not self.removed(p, s)
            and (not verified or p.claims[s].verified_by is not None)
        ]
        return min(found, default=None)

    def in_stock(self, p: Any, stage: Stage) -> bool:
        return p.cancelled_on is None and self.current(p) is stage and not self.removed(p, stage)

    def under(self, p: Any, area: str | None) -> bool:
        if area is None:
            return True
        return p.area_code == area or any(a.code == area for a in self.tree.ancestors(p.area_code))

    # -- counts ----------------------------------------------------------------------------

    def entries(
        self, stage: Stage, start: date, end: date, area: str | None = None, verified: bool = False
    ) -> list[str]:
        return sorted(
            pid
            for pid, p in self.projects.items()
            if self.under(p, area)
            and self.in_scope(p, stage)
            and (d := self.entered(p, stage, verified)) is not None
            and start <= d <= end
        )

    def stock(self, stage: Stage, area: str | None = None) -> int:
        return sum(
            1
            for p in self.projects.values()
            if self.under(p, area) and self.in_scope(p, stage) and self.in_stock(p, stage)
        )

    def rate(
        self, base: Stage, stage: Stage, start: date, end: date, bound: date, area: str | None = None
    ) -> tuple[int, int]:
        cohort = [self.projects[pid] for pid in self.entries(base, start, end, area)]
        hits = sum(1 for p in cohort if (d := self.reached(p, stage)) is not None and d <= bound)
        return hits, len(cohort)

    def share(
        self, base: Stage, stage: Stage, batch: tuple[date, date], source: tuple[date, date], area: str | None
    ) -> tuple[int, int]:
        """X 在 Y 中占比: of the ``stage`` batch, those whose ``base`` entry fell in ``source``."""
        ys = [self.projects[pid] for pid in self.entries(stage, *batch, area)]
        xs = [p for p in ys if (d := self.entered(p, base)) is not None and source[0] <= d <= source[1]]
        return len(xs), len(ys)

    def ledger_by_stage(self) -> dict[Stage, int]:
        """The ledger's register by claimed stage as of D: a claim whose date a correction (dated
        by D) moved past D has not happened as of D, on the register as in the counts."""
        out: dict[Stage, int] = defaultdict(int)
        for p in self.projects.values():
            out[self.current(p)] += 1
        return dict(out)

    def investment(self, start: date, end: date) -> Decimal:
        return sum(
            (
                a.yuan
                for p in self.projects.values()
                if self.in_scope(p)
                for m, (a, _) in p.investment_reports.items()
                if start <= m <= end and m <= self.as_of
            ),
            Decimal(0),
        )
