"""The working week's figures, counted once: batch checks, the 004 rates, enterprises, lead times.

Every figure here reads the projects through the counting layer (``ProjectFacts`` from
:class:`~projlife.projections.counting.Counting`, via ``app.metrics.projects``) and the office
read model (:class:`~projlife.projections.office.OfficeReads`), and answers with a
:class:`~projlife.projections.metrics.Rate` that lists the projects in its numerator and its
denominator. The definitions (numerator / denominator) are written down in
``docs/working-week.md``; where a seed can be read two ways the reading is a field of
:class:`OfficeRateSettings`. The 亩均 figures are computed in
:mod:`~projlife.projections.counting.per_mu` and the sponsorship owed in
:mod:`~projlife.projections.counting.sponsor_work`; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import attrs

from projlife.domain.lifecycle import Milestone, Pool, Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.project_office import ListName, SponsorWork
from projlife.projections.counting.per_mu import (
    FiscalReading,
    LandYieldReading,
    MuBenchmarks,
    PerMuIndex,
    PerMuIndices,
    per_mu_indices,
)
from projlife.projections.counting.record import ProjectFacts
from projlife.projections.counting.sponsor_work import SPONSORED_LISTS, MissingWork, missing_sponsor_work
from projlife.projections.metrics import Rate
from projlife.projections.office import OfficeReads, PerMuRow

__all__ = [
    "SPONSORED_LISTS",
    "BatchCheck",
    "EnterpriseCount",
    "FiscalReading",
    "LandYieldReading",
    "LeadTime",
    "MaturityReading",
    "MissingWork",
    "MuBenchmarks",
    "OfficeFigures",
    "OfficeRateSettings",
    "PerMuIndex",
    "PerMuIndices",
    "PrecisionReading",
    "mean_days",
    "missing_sponsor_work",
]

ProjectsOf = Callable[..., list[ProjectFacts]]
"""``app.metrics.projects``: (city=, county=, area=, as_of=) → the projects, as counted."""


class PrecisionReading(StrEnum):
    """精准率 (004: "强化考核招引重点项目的精准率"): the seed does not say what a precise project is."""

    LANDED = "landed"
    """Of the projects signed in the period, those that landed (落地) by the date asked (the default)."""
    STILL_ALIVE = "still_alive"
    """Of the projects signed in the period, those neither cancelled nor removed from a pool by then."""


class MaturityReading(StrEnum):
    """成熟转化率 (004: "对规划选址、立项审批 … 招投标等重要节点跟踪服务 … 提高项目的成熟转化率")."""

    STARTED = "started"
    """Of the projects in the reserve pool at the period's start, those that started in it (the default)."""
    MILESTONES_MET = "milestones_met"
    """Of the same projects, those that met all seven preparation milestones by the period's end."""


@attrs.frozen
class OfficeRateSettings:
    """The readings a city (or an office) chooses where a seed is ambiguous."""

    precision: PrecisionReading = PrecisionReading.LANDED
    fulfilment_days: int = 90
    """履约率: days from signing to the start the contract promises (001: "原则上签约90天内实现项目开工建设";
    001 also says "签约后90个工作日内开工建设": calendar days are the default, a city can set its own)."""
    maturity: MaturityReading = MaturityReading.STARTED


@attrs.frozen
class BatchCheck:
    """三个一批: the projects on a batch list of a quarter, and which kept its promise in that quarter."""

    list_name: ListName
    quarter: Period
    rate: Rate
    late: tuple[str, ...]
    """Codes of the listed projects that did not reach the stage within the quarter."""


@attrs.frozen
class EnterpriseCount:
    """新进规上工业企业: enterprises (统一社会信用代码) that became above scale in the period."""

    period: Period
    enterprises: dict[str, tuple[str, ...]]
    """Credit code → the codes of its projects that entered 进规 in the period."""
    without_code: tuple[str, ...]
    """Projects that entered 进规 but carry no credit code: not counted, listed for the clerk."""

    @property
    def count(self) -> int:
        return len(self.enterprises)


@attrs.frozen
class LeadTime:
    """Days between two facts of one project (拿地→开工, 竣工→发证)."""

    project_id: str
    code: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _ids(facts: Iterable[ProjectFacts]) -> tuple[str, ...]:
    return tuple(sorted(str(f.project_id) for f in facts))


def _period(p: Period | str) -> Period:
    return p if isinstance(p, Period) else Period.parse(p)


def mean_days(times: Sequence[LeadTime]) -> Decimal | None:
    """The mean of the lead times in days, to one decimal (四舍五入), or ``None`` for none."""
    if not times:
        return None
    return (Decimal(sum(t.days for t in times)) / len(times)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class OfficeFigures:
    """``app.office_figures``: the working week's counts and rates for one city (optionally one county)."""

    def __init__(
        self,
        projects: ProjectsOf,
        reads: OfficeReads,
        enterprise_codes: Callable[[Sequence[str], date], dict[str, str | None]],
    ) -> None:
        self._projects = projects
        self._reads = reads
        self._enterprise_codes = enterprise_codes

    def _facts(self, city: str, county: str | None, as_of: date) -> list[ProjectFacts]:
        return self._projects(city=city, county=county, as_of=as_of)

    # -- 三个一批 -----------------------------------------------------------------------------

    def batch_check(
        self, city: str, list_name: ListName | str, quarter: Period | str, *, county: str | None = None
    ) -> BatchCheck:
        """当季按时开工 / 当季如期投产 (001: "开工项目当季按时开工,投产项目当季如期建成投产").

        Denominator: the projects on the batch list of ``quarter`` on its last day (entered by
        then and not taken off). Numerator: those of them that entered the batch's stage
        (签约/开工/投产, as counted: not rejected, removed or cancelled) within the quarter.
        """
        name = ListName(list_name)
        stage = name.batch_stage
        if stage is None:
            raise ValueError(f"{name.value} is not a 三个一批 batch list")
        q = _period(quarter)
        if q.kind is not PeriodKind.QUARTER:
            raise ValueError(f"{q} is not a quarter")
        listed = {m.project_id for m in self._reads.members(city, name, day=q.end, period=str(q))}
        facts = [f for f in self._facts(city, county, q.end) if str(f.project_id) in listed]
        kept = [f for f in facts if (d := f.entered(stage)) is not None and q.start <= d <= q.end]
        late = tuple(sorted(f.code for f in facts if f not in kept))
        label = {
            Stage.SIGNED: "当季按时签约率",
            Stage.STARTED: "当季按时开工率",
            Stage.PRODUCING: "当季如期投产率",
        }[stage]
        rate = Rate(f"batch_{name.value}", label, len(kept), len(facts), _ids(kept), _ids(facts))
        return BatchCheck(name, q, rate, late)

    # -- the rates 004 names ------------------------------------------------------------------

    def rates(
        self,
        city: str,
        period: Period | str,
        *,
        as_of: date | None = None,
        county: str | None = None,
        settings: OfficeRateSettings | None = None,
    ) -> dict[str, Rate]:
        """精准率, 履约率, 成活率, 成熟转化率 and 当年签约当年落地 for ``period`` (as of its end by default)."""
        p = _period(period)
        day = as_of or p.end
        s = settings or OfficeRateSettings()
        facts = self._facts(city, county, day)
        return {
            "precision": self._precision(facts, p, day, s),
            "fulfilment": self._fulfilment(facts, p, day, s),
            "survival": self._survival(city, facts, p, day),
            "maturity": self._maturity(facts, p, s),
            "signed_landed_same_year": self._same_year(facts, p),
        }

    @staticmethod
    def _signed_in(facts: Iterable[ProjectFacts], p: Period) -> list[ProjectFacts]:
        return [f for f in facts if (d := f.entered(Stage.SIGNED)) is not None and p.contains(d)]

    def _precision(self, facts: list[ProjectFacts], p: Period, day: date, s: OfficeRateSettings) -> Rate:
        signed = self._signed_in(facts, p)
        if s.precision is PrecisionReading.LANDED:
            hit = [f for f in signed if (d := f.reached(Stage.LANDED)) is not None and d <= day]
        else:
            hit = [f for f in signed if f.cancelled_on is None and not f.removed]
        return Rate("precision", "精准率", len(hit), len(signed), _ids(hit), _ids(signed))

    def _fulfilment(self, facts: list[ProjectFacts], p: Period, day: date, s: OfficeRateSettings) -> Rate:
        """履约率: of the projects signed in the period whose promised start (signing + N days) has come
        by the date asked, those that started by that promised day."""
        due = []
        for f in self._signed_in(facts, p):
            signed_on = f.entered(Stage.SIGNED)
            assert signed_on is not None
            if signed_on + timedelta(days=s.fulfilment_days) <= day:
                due.append((f, signed_on + timedelta(days=s.fulfilment_days)))
        kept = [f for f, by in due if (d := f.reached(Stage.STARTED)) is not None and d <= by]
        return Rate("fulfilment", "履约率", len(kept), len(due), _ids(kept), _ids(f for f, _ in due))

    def _survival(self, city: str, facts: list[ProjectFacts], p: Period, day: date) -> Rate:
        """成活率: of the projects completed by the period's end, those producing on that day
        (reached 投产, not stopped since (停产 without 复产), not cancelled)."""
        stops = self._reads.production_stops(city, as_of=day)
        done = [f for f in facts if f.reached(Stage.COMPLETED) is not None and f.cancelled_on is None]
        alive = [
            f for f in done if f.reached(Stage.PRODUCING) is not None and stops.get(str(f.project_id)) is None
        ]
        return Rate("survival", "成活率", len(alive), len(done), _ids(alive), _ids(done))

    def _maturity(self, facts: list[ProjectFacts], p: Period, s: OfficeRateSettings) -> Rate:
        pool = [
            f
            for f in facts
            if (d := f.entered(Stage.RESERVED)) is not None
            and d < p.start
            and ((started := f.reached(Stage.STARTED)) is None or started >= p.start)
            and Pool.RESERVE not in f.removed
        ]
        if s.maturity is MaturityReading.STARTED:
            hit = [f for f in pool if (d := f.reached(Stage.STARTED)) is not None and p.contains(d)]
        else:
            hit = [
                f
                for f in pool
                if all((d := f.milestone_dates.get(m)) is not None and d <= p.end for m in Milestone)
            ]
        return Rate("maturity", "成熟转化率", len(hit), len(pool), _ids(hit), _ids(pool))

    def _same_year(self, facts: list[ProjectFacts], p: Period) -> Rate:
        """当年签约当年落地 (004, quoted as written, its XXX a blank in the seed's template: "XXX个项目实现当年签约当年落地"): of the projects signed in the period's
        year up to its end, those that landed in the same year by the period's end."""
        year = Period.containing(PeriodKind.YEAR, p.start)
        signed = [f for f in facts if (d := f.entered(Stage.SIGNED)) is not None and year.start <= d <= p.end]
        landed = [
            f for f in signed if (d := f.reached(Stage.LANDED)) is not None and year.start <= d <= p.end
        ]
        return Rate(
            "signed_landed_same_year",
            "当年签约当年落地",
            len(landed),
            len(signed),
            _ids(landed),
            _ids(signed),
        )

    # -- enterprises -----------------------------------------------------------------------------

    def new_above_scale_enterprises(
        self, city: str, period: Period | str, *, county: str | None = None
    ) -> EnterpriseCount:
        """新进规上工业企业 (000: "新进规上工业企业246家"): counted per 统一社会信用代码, not per project.

        An enterprise counts once however many of its projects entered 进规 in the period;
        a project without a credit code is listed in ``without_code`` and not counted.
        """
        p = _period(period)
        facts = [
            f
            for f in self._facts(city, county, p.end)
            if f.category.is_industry and (d := f.entered(Stage.ABOVE_SCALE)) is not None and p.contains(d)
        ]
        codes = self._enterprise_codes([str(f.project_id) for f in facts], p.end)
        enterprises: dict[str, list[str]] = {}
        without: list[str] = []
        for f in facts:
            code = codes.get(str(f.project_id))
            if code:
                enterprises.setdefault(code, []).append(f.code)
            else:
                without.append(f.code)
        return EnterpriseCount(
            p, {k: tuple(sorted(v)) for k, v in sorted(enterprises.items())}, tuple(sorted(without))
        )

    # -- lead times (003: 拿地即开工、竣工即发证) ------------------------------------------------------

    def land_to_start(self, city: str, period: Period | str, *, county: str | None = None) -> list[LeadTime]:
        """Projects that started in the period: days from land secured (落地, or the 征地拆迁 milestone
        if that is earlier) to the start."""
        p = _period(period)
        out = []
        for f in self._facts(city, county, p.end):
            started = f.entered(Stage.STARTED)
            if started is None or not p.contains(started):
                continue
            land = [
                d
                for d in (f.stage_dates.get(Stage.LANDED), f.milestone_dates.get(Milestone.LAND_ACQUISITION))
                if d
            ]
            if land:
                out.append(LeadTime(str(f.project_id), f.code, min(land), started))
        return sorted(out, key=lambda t: t.code)

    def completion_to_certificate(
        self, city: str, period: Period | str, *, county: str | None = None
    ) -> list[LeadTime]:
        """Certificates issued in the period: days from 竣工 to the first certificate of the project."""
        p = _period(period)
        first: dict[str, date] = {}
        for pid, _code, _item, day in self._reads.project_dates(city, "CertificateIssued", as_of=p.end):
            first.setdefault(pid, day)
        out = []
        for f in self._facts(city, county, p.end):
            issued = first.get(str(f.project_id))
            completed = f.entered(Stage.COMPLETED)
            if issued is not None and completed is not None and p.contains(issued):
                out.append(LeadTime(str(f.project_id), f.code, completed, issued))
        return sorted(out, key=lambda t: t.code)

    # -- 亩均 (000, 003) ------------------------------------------------------------------------

    def per_mu(
        self,
        city: str,
        year: int,
        *,
        benchmarks: MuBenchmarks | None = None,
        county: str | None = None,
        as_of: date | None = None,
    ) -> PerMuIndices:
        """亩均投资强度, 亩均产值, 亩均营收, 亩均税收 per project for ``year``; the 达标率 (projects at or
        above the benchmark ÷ projects reported) and 用地收益率 / 财税贡献率 over the projects reported
        (:func:`~projlife.projections.counting.per_mu.per_mu_indices`).

        Investment is the completed investment reported up to the year's end (the monthly reports).
        The year's 亩均 data are the reports known as of ``as_of`` (default: every report recorded;
        a year's data usually arrive after it ends).
        """
        end = date(year, 12, 31)
        facts = {str(f.project_id): f for f in self._facts(city, county, end)}
        rows: list[tuple[PerMuRow, Decimal]] = []
        for r in self._reads.per_mu(city, year, as_of=as_of):
            f = facts.get(r.project_id)
            if f is None or f.cancelled_on is not None:
                continue
            invested = sum((m.yuan for month, m in f.investment.items() if month <= end), Decimal(0))
            rows.append((r, invested))
        return per_mu_indices(year, rows, benchmarks or MuBenchmarks())

    # -- sponsorship ------------------------------------------------------------------------------

    def missing_sponsor_work(
        self, city: str, work: SponsorWork | str, period: Period | str, *, county: str | None = None
    ) -> list[MissingWork]:
        """The projects owed ``work`` in ``period`` that have none recorded in it (see :func:`missing_sponsor_work`)."""
        w = SponsorWork(work)
        p = _period(period)
        facts = self._facts(city, county, p.end)
        memberships = self._reads.list_memberships(city, as_of=p.end)
        done = self._reads.sponsor_work(city, end=p.end)
        return missing_sponsor_work(facts, memberships, done, w, p)
