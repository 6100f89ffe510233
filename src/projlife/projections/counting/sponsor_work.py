"""Sponsorship owed and missing: which projects owe the sponsor's visit, report or site check of a period.

001: "分包领导每月到分包项目单位进行调研 … 每季度定时向市委、市政府汇报分包项目情况"; 000:
"市人大、市政协包县(市、区)领导每周直达项目一线核查". ``app.office_figures.missing_sponsor_work``
reads its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period
from projlife.domain.project_office import ListName, SponsorWork
from projlife.projections.counting.record import ProjectFacts
from projlife.projections.office import ListMembership, SponsorWorkRow

__all__ = ["SPONSORED_LISTS", "MissingWork", "missing_sponsor_work"]


@attrs.frozen
class MissingWork:
    """A project whose sponsorship work is missing for a period."""

    project_id: str
    code: str
    area_code: str
    work: SponsorWork
    period: Period
    last_done_on: date | None


SPONSORED_LISTS = frozenset(
    {ListName.PROVINCIAL_KEY, ListName.CITY_KEY, ListName.PROVINCIAL_MAJOR_PLAN, ListName.CITY_FOCUS}
)
"""001: "对省、市重点项目和市委市政府重点关注项目 … 确定本年度市级领导联系分包方案"."""


def missing_sponsor_work(
    facts: Iterable[ProjectFacts],
    memberships: Iterable[ListMembership],
    done: Iterable[SponsorWorkRow],
    work: SponsorWork,
    period: Period,
) -> list[MissingWork]:
    """Which projects owe ``work`` for ``period`` and have none recorded in it.

    The sponsor's monthly visit and quarterly report are owed by every project on a
    provincial or city key list (or 市委市政府重点关注) on the period's last day (001); the
    人大/政协 weekly site check by every project signed and not yet producing (000: "了解签约项目落地、
    开工项目建设 … 存在的问题"). The period must be the work's own (month, quarter, week).
    """
    if period.kind is not work.period_kind:
        raise ValueError(f"{work.label_zh} is owed per {work.period_kind.value}, not per {period.kind.value}")
    by_id = {str(f.project_id): f for f in facts if f.cancelled_on is None}
    if work is SponsorWork.SITE_CHECK:
        owing = {
            pid
            for pid, f in by_id.items()
            if (s := f.entered(Stage.SIGNED)) is not None
            and s <= period.end
            and f.reached(Stage.PRODUCING) is None
        }
    else:
        owing = {
            m.project_id
            for m in memberships
            if m.list_name in SPONSORED_LISTS and m.on_list(period.end) and m.project_id in by_id
        }
    last: dict[str, date] = {}
    seen: set[str] = set()
    for row in done:
        if row.work is not work:
            continue
        if period.contains(row.on):
            seen.add(row.project_id)
        if row.on <= period.end:
            last[row.project_id] = max(last.get(row.project_id, row.on), row.on)
    out = [
        MissingWork(pid, by_id[pid].code, by_id[pid].area_code, work, period, last.get(pid))
        for pid in owing - seen
    ]
    return sorted(out, key=lambda m: (m.area_code, m.code))
