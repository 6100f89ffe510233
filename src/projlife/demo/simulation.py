"""A seeded synthetic drive: realistic project histories for demos, tests and benchmarks.

Many projects stall; some are removed at the quarterly check, corrected, rejected by a
verifier or cancelled; started ones report investment monthly. The same seed always
gives the same commands.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

import attrs

from projlife.app.commands import (
    AssignSponsor,
    BecomeAboveScale,
    BeginProduction,
    CancelProject,
    Command,
    CompleteProject,
    ConceiveProject,
    CorrectFact,
    EnterStatistics,
    FlagProject,
    FormTeam,
    LandProject,
    MeetMilestone,
    ReachCapacity,
    RejectClaim,
    RemoveFromPool,
    ReportInvestment,
    ReserveProject,
    ScheduleStage,
    SignProject,
    StartConstruction,
    VerifyStage,
)
from projlife.demo.flavour import flavour_for
from projlife.domain.actor import Actor, Role
from projlife.domain.areas import AreaLevel
from projlife.domain.classification import InvestorClass
from projlife.domain.credit_code import make_credit_code
from projlife.domain.lifecycle import (
    PREPARATION_MILESTONES,
    Pool,
    RemovalReason,
    Stage,
    VerificationMethod,
)
from projlife.domain.money import YI
from projlife.domain.project import CorrectableField, project_id_for
from projlife.plugins.types import CityProfile

__all__ = ["SimulatedProject", "Simulation", "simulate"]

T = TypeVar("T")

_INVESTORS = [
    (InvestorClass.PRIVATE, 55),
    (InvestorClass.LOCAL_SOE, 12),
    (InvestorClass.CENTRAL_SOE, 6),
    (InvestorClass.CHINA_500, 6),
    (InvestorClass.FORTUNE_500, 3),
    (InvestorClass.FOREIGN, 5),
    (InvestorClass.TAIWANESE, 3),
    (InvestorClass.GAZELLE, 5),
    (InvestorClass.UNICORN, 2),
    (InvestorClass.GOVERNMENT, 3),
]


@attrs.frozen
class SimulatedProject:
    """One generated project's key facts (handy for checking what the read models show)."""

    code: str
    area_code: str
    final_stage: Stage
    removed: bool
    cancelled: bool


@attrs.define
class Simulation:
    """The commands of a generated drive, in business-date order, and what they amount to."""

    city: CityProfile
    commands: list[Command]
    projects: list[SimulatedProject]

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)


def _credit_code(area_code: str, city_code: str, pid: UUID) -> str:
    """A 统一社会信用代码 with valid check digits, registered in the project's county (from its id,
    so that it takes nothing from the simulation's random stream)."""
    region = area_code if len(area_code) == 6 and area_code.isdigit() else city_code
    return make_credit_code(region, f"{pid.int % 10**8:08d}")


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    items = [item for item, _ in weighted]
    return rng.choices(items, weights=[w for _, w in weighted])[0]


def simulate(
    city: CityProfile,
    n_projects: int,
    *,
    seed: int = 1,
    start: date = date(2023, 1, 1),
    as_of: date = date(2024, 12, 31),
    with_investment: bool = True,
    number_from: int = 1,
) -> Simulation:
    """Generate ``n_projects`` project histories for ``city`` between ``start`` and ``as_of``.

    The city's :func:`~projlife.demo.flavour.flavour_for` gives its category mix, project names
    that fit each category, its leaders and departments.

    Projects are numbered from ``number_from`` (their codes end in it): a large drive can be
    generated in slices (each with its own ``seed``) that share no project code.
    """
    rng = random.Random(f"{seed}/{city.slug}")
    flavour = flavour_for(city.slug)
    units = list(city.areas.units) or list(city.areas)
    towns = [a for a in city.areas if a.level is AreaLevel.TOWN]
    if towns:
        units = towns
    verifier = Actor(f"verifier-{city.slug}", Role.VERIFIER, city.code)
    verifier2 = Actor(f"inspector-{city.slug}", Role.VERIFIER, city.code)
    system = Actor("projlife", Role.SYSTEM, city.code)
    span = (as_of - start).days
    per_project: list[list[Command]] = []
    summaries: list[SimulatedProject] = []
    for i in range(n_projects):
        area = rng.choice(units)
        clerk = Actor(f"clerk-{area.code}", Role.CLERK, area.code)
        conceived = start + timedelta(days=rng.randrange(max(1, span - 30)))
        size = Decimal(str(round(rng.lognormvariate(0.9, 1.0), 2)))  # in 亿, median ~2.5
        size = max(Decimal("0.3"), min(size, Decimal("120")))
        planned = (size * YI).quantize(Decimal(1))
        category = _pick(rng, flavour.category_weights)
        investor = _pick(rng, _INVESTORS)
        code = f"{city.code}-{conceived.year}-{i + number_from:05d}"  # e.g. 420900-2024-00017: unique across cities
        pid = project_id_for(city.code, code)
        subjects, suffixes = flavour.names[category]
        name = f"{rng.choice(flavour.prefixes)}{rng.choice(subjects)}{rng.choice(suffixes)}"
        cmds: list[Command] = [
            ConceiveProject(
                code=code,
                project_name=name,
                city_code=city.code,
                area_code=area.code,
                category=category,
                planned_investment_yuan=planned,
                investor_classes=(investor,),
                enterprise_code=_credit_code(area.code, city.code, pid),
                area_mu=Decimal(rng.randrange(20, 600)),
                occurred_on=conceived,
                actor=clerk,
            )
        ]
        version = 1
        stage = Stage.CONCEIVED
        removed = cancelled = landed = False
        day = conceived
        stage_versions: dict[Stage, int] = {}

        def at(delta_lo: int, delta_hi: int) -> date | None:
            nonlocal day
            d = day + timedelta(days=rng.randint(delta_lo, delta_hi))
            if d > as_of:
                return None
            day = d
            return d

        def add(cmd: Command, cmds: list[Command] = cmds) -> None:
            nonlocal version
            cmds.append(cmd)
            version += 1

        meta = {"project_id": pid, "actor": clerk}
        # reserve
        if rng.random() < 0.85 and (d := at(3, 40)):
            # 003: 严格执行项目预评审制度 — the reserve cites the project's pre-review
            add(ReserveProject(occurred_on=d, evidence=(f"pre-review:{code}",), **meta))
            stage = Stage.RESERVED
            for m in rng.sample(list(PREPARATION_MILESTONES), rng.randint(1, 4)):
                if (d := at(2, 25)) is None:
                    break
                add(MeetMilestone(milestone=m, occurred_on=d, **meta))
        plan_start = day + timedelta(days=rng.randint(60, 200))
        if stage is Stage.RESERVED or rng.random() < 0.4:
            if rng.random() < 0.72 and (d := at(10, 120)):
                amount = (planned * Decimal(str(rng.uniform(0.8, 1.1)))).quantize(Decimal(1))
                add(
                    SignProject(
                        amount_yuan=amount,
                        counterparty=f"{rng.choice(flavour.prefixes)}实业有限公司",
                        batch=f"{d:%Y-%m}集中签约",
                        occurred_on=d,
                        **meta,
                    )
                )
                stage = Stage.SIGNED
                stage_versions[Stage.SIGNED] = version
                add(
                    AssignSponsor(
                        leader=flavour.leader.format(n=rng.randint(1, 12)),
                        department=rng.choice(flavour.departments),
                        occurred_on=d,
                        **meta,
                    )
                )
                if rng.random() < 0.8:
                    add(
                        FormTeam(
                            team=f"{name}专班",
                            lead=f"专班长{rng.randint(1, 40)}",
                            occurred_on=d + timedelta(days=min(rng.randint(1, 10), (as_of - d).days)),
                            **meta,
                        )
                    )
                    day = cmds[-1].occurred_on
                add(
                    ScheduleStage(
                        stage=Stage.STARTED,
                        planned_on=plan_start if plan_start > d else d + timedelta(days=60),
                        occurred_on=day,
                        **meta,
                    )
                )
                if rng.random() < 0.04:
                    add(
                        CorrectFact(
                            target_version=stage_versions[Stage.SIGNED],
                            field=CorrectableField.SIGNED_AMOUNT,
                            new_value=str(amount + Decimal(10_000_000)),
                            reason="季度核查更正签约金额",
                            occurred_on=day,
                            **meta,
                        )
                    )
        if stage is Stage.SIGNED and rng.random() < 0.55 and (d := at(5, 50)):
            add(LandProject(occurred_on=d, **meta))
            stage = Stage.LANDED
            landed = True
        if stage in (Stage.SIGNED, Stage.LANDED) and rng.random() < 0.68 and (d := at(15, 170)):
            add(StartConstruction(occurred_on=d, **meta))
            stage = Stage.STARTED
            stage_versions[Stage.STARTED] = version
        if Stage.SIGNED in stage_versions and rng.random() < 0.6 and (d := at(5, 60)):
            add(
                VerifyStage(
                    stage=Stage.SIGNED,
                    method=VerificationMethod.DOCUMENTS,
                    occurred_on=d,
                    project_id=pid,
                    actor=verifier,
                )
            )
        started_on = day if stage is Stage.STARTED else None
        if stage is Stage.STARTED:
            roll = rng.random()
            if roll < 0.03 and (d := at(10, 60)):
                add(
                    RejectClaim(
                        stage=Stage.STARTED,
                        reason="现场核查未见实质性开工",
                        occurred_on=d,
                        project_id=pid,
                        actor=verifier2,
                    )
                )
                stage = Stage.LANDED if landed else Stage.SIGNED
            elif roll < 0.80 and (d := at(15, 130)):
                add(EnterStatistics(occurred_on=d, **meta))
                stage = Stage.IN_STATISTICS
            elif started_on is not None:
                check = _next_quarter_check(started_on + timedelta(days=92))
                if check <= as_of and rng.random() < 0.7:
                    day = max(day, check)
                    add(
                        RemoveFromPool(
                            pool=Pool.STARTED,
                            reason_code=RemovalReason.NOT_IN_STATISTICS_IN_TIME,
                            reason="开工三个月以上仍未纳统",
                            occurred_on=check,
                            project_id=pid,
                            actor=system,
                        )
                    )
                    removed = True
        if stage is Stage.IN_STATISTICS and rng.random() < 0.5 and (d := at(5, 40)):
            add(
                VerifyStage(
                    stage=Stage.STARTED,
                    method=VerificationMethod.SITE,
                    occurred_on=d,
                    project_id=pid,
                    actor=verifier,
                )
            )
        if stage is Stage.IN_STATISTICS and rng.random() < 0.55 and (d := at(90, 400)):
            add(CompleteProject(occurred_on=d, **meta))
            stage = Stage.COMPLETED
            if rng.random() < 0.85 and (d := at(5, 60)):
                add(BeginProduction(occurred_on=d, **meta))
                stage = Stage.PRODUCING
                if rng.random() < 0.5 and (d := at(30, 200)):
                    add(BecomeAboveScale(occurred_on=d, **meta))
                    stage = Stage.ABOVE_SCALE
                if rng.random() < 0.3 and (d := at(60, 300)):
                    add(ReachCapacity(occurred_on=d, **meta))
                    stage = Stage.AT_CAPACITY
        if stage in (Stage.SIGNED, Stage.LANDED) and rng.random() < 0.2 and (d := at(100, 200)):
            add(FlagProject(flag="lagging", reason="签约后长期未开工,挂牌提醒", occurred_on=d, **meta))
        if (
            stage in (Stage.CONCEIVED, Stage.RESERVED, Stage.SIGNED)
            and rng.random() < 0.05
            and (d := at(30, 200))
        ):
            add(CancelProject(reason="企业投资意向变化,项目终止", occurred_on=d, **meta))
            cancelled = True
        reports: list[Command] = []
        if with_investment and started_on is not None and not removed:
            month = date(started_on.year, started_on.month, 1)
            spent = Decimal(0)
            while True:
                report_on = _month_after(month) + timedelta(days=4)
                if report_on > as_of or spent >= planned or cancelled:
                    break
                amount = (planned * Decimal(str(rng.uniform(0.02, 0.08)))).quantize(Decimal(1))
                spent += amount
                reports.append(
                    ReportInvestment(month=month, amount_yuan=amount, occurred_on=report_on, **meta)
                )
                month = _month_after(month)
        cmds = sorted(cmds + reports, key=lambda c: c.occurred_on)
        per_project.append(cmds)
        summaries.append(SimulatedProject(code, area.code, stage, removed, cancelled))
    ordered = [c for cmds in per_project for c in cmds]
    ordered.sort(key=lambda c: c.occurred_on)  # stable: a project's own order is kept per day
    return Simulation(city=city, commands=ordered, projects=summaries)


def _month_after(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _next_quarter_check(d: date) -> date:
    """The first day of the quarter after ``d`` (when the quarterly check 季核查 happens)."""
    q_month = ((d.month - 1) // 3 + 1) * 3 + 1
    return date(d.year + (q_month > 12), (q_month - 1) % 12 + 1, 1)
