"""The seeds' own figures, fed through the engine, meet (or come out of) the cities' rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from city_helpers import ListFacts, fact
from projlife.domain.classification import ProjectCategory
from projlife.domain.periods import Period
from projlife.engine.evaluate import QuotaStatus, evaluate_quotas
from projlife.plugins.cities import jiangyan, xiaogan
from projlife.plugins.manager import get_plugin_manager, rule_set

XIAOGAN_COUNTY = "420902"


def _spread(n: int, start: date, days: int) -> list[date]:
    """``n`` dates spread over ``days`` days from ``start`` (the i-th on day i*days//n)."""
    return [start + timedelta(days=i * days // n) for i in range(n)]


def _xiaogan_drive(signed: int, started: int, producing: int, start: date, days: int) -> ListFacts:
    """``signed`` projects signed in the window; the first ``started`` of them also started there and
    the first ``producing`` also went into production (all industrial, 2 亿)."""
    facts = []
    for i, d in enumerate(_spread(signed, start, days)):
        stages = {"reserved": date(2020, 6, 1), "signed": d}
        if i < started:
            stages |= {"started": d}
        if i < producing:
            stages |= {"in_statistics": d, "completed": d, "producing": d}
        facts.append(fact(f"XG-{start.year}-{i:04d}", XIAOGAN_COUNTY, 2, **stages))
    return ListFacts(facts)


def _pace_results(source: ListFacts, period: Period, as_of: date) -> dict[str, tuple[Decimal, QuotaStatus]]:
    pm = get_plugin_manager(load_entry_points=False, plugins=[("xiaogan", xiaogan)])
    report = evaluate_quotas(source, xiaogan.CITY, period, as_of, rules=rule_set(pm, xiaogan.CITY, period))
    out = {}
    for r in report.results:
        assert r.value.value is not None
        out[r.rule_id] = (r.value.value, r.status)
    return out


def test_xiaogan_2023_totals_meet_the_211_pace() -> None:
    # 000: 2023年签约亿元以上项目746个 … 开工建设406个,投产239个; 2023 has 365 days
    source = _xiaogan_drive(746, 406, 239, date(2023, 1, 1), 365)
    got = _pace_results(source, Period.parse("2023"), date(2023, 12, 31))
    assert Decimal(746) / 365 >= 2  # 2.04
    assert Decimal(406) / 365 >= 1  # 1.11
    assert Decimal(239) / 365 >= Decimal("0.5")  # 0.65
    assert got["pace.signed.year"] == (Decimal(746) / Decimal(365), QuotaStatus.MET)
    assert got["pace.started.year"] == (Decimal(406) / Decimal(365), QuotaStatus.MET)
    assert got["pace.producing.year"] == (Decimal(239) / Decimal(365), QuotaStatus.MET)


def test_xiaogan_january_to_july_2024_totals_meet_the_211_pace() -> None:
    # 000: 今年1—7月 … 签约亿元以上产业项目499个,开工268个,投产168个
    # 2024 is a leap year: 31 + 29 + 31 + 30 + 31 + 30 + 31 = 213 days
    days = 31 + 29 + 31 + 30 + 31 + 30 + 31
    assert days == 213
    source = _xiaogan_drive(499, 268, 168, date(2024, 1, 1), days)
    got = _pace_results(source, Period.parse("2024"), date(2024, 7, 31))
    assert got["pace.signed.year"] == (Decimal(499) / Decimal(213), QuotaStatus.MET)  # 2.34
    assert got["pace.started.year"] == (Decimal(268) / Decimal(213), QuotaStatus.MET)  # 1.26
    assert got["pace.producing.year"] == (Decimal(168) / Decimal(213), QuotaStatus.MET)  # 0.79


def test_a_pace_just_under_two_a_day_is_not_met() -> None:
    # 729 signed in 365 days = 1.997 a day < 2
    source = _xiaogan_drive(729, 365, 183, date(2023, 1, 1), 365)
    got = _pace_results(source, Period.parse("2023"), date(2023, 12, 31))
    assert got["pace.signed.year"][1] is QuotaStatus.NOT_MET
    assert got["pace.started.year"][1] is QuotaStatus.MET  # exactly 1 a day
    assert got["pace.producing.year"][1] is QuotaStatus.MET  # 183/365 = 0.501


def test_infrastructure_and_projects_under_one_yi_are_outside_the_211_scope() -> None:
    facts = [
        fact("IN", XIAOGAN_COUNTY, 2, signed=date(2024, 3, 4)),
        fact("SMALL", XIAOGAN_COUNTY, "0.99", signed=date(2024, 3, 4)),
        fact("ROAD", XIAOGAN_COUNTY, 5, category=ProjectCategory.INFRASTRUCTURE, signed=date(2024, 3, 5)),
    ]
    got = _pace_results(ListFacts(facts), Period.parse("2024-W10"), date(2024, 3, 10))
    # week 10 of 2024 runs Monday 4 March to Sunday 10 March: 1 signed in 7 days
    assert got["pace.signed.week"] == (Decimal(1) / Decimal(7), QuotaStatus.NOT_MET)


JY_TOWN = "321204-005"


def test_jiangyan_first_half_2023_counts_come_out_of_the_size_classes() -> None:
    # 003: 上半年,全区"三比一提升"新开工项目9个、新竣工项目6个,认定1亿—5亿元新开工项目29个、新竣工项目12个
    h1 = date(2023, 1, 3)
    facts = []
    facts += [
        fact(f"L-S{i}", JY_TOWN, 8, signed=date(2022, 9, 1), started=h1 + timedelta(days=15 * i))
        for i in range(9)
    ]
    facts += [
        fact(
            f"L-C{i}",
            JY_TOWN,
            5,
            signed=date(2021, 1, 4),
            started=date(2022, 1, 4),
            in_statistics=date(2022, 3, 1),
            completed=h1 + timedelta(days=20 * i),
        )
        for i in range(6)
    ]
    facts += [
        fact(
            f"S-S{i}",
            JY_TOWN,
            3,
            verified=("started",),
            signed=date(2022, 9, 1),
            started=h1 + timedelta(days=6 * i),
        )
        for i in range(29)
    ]
    facts += [
        fact(
            f"S-C{i}",
            JY_TOWN,
            "4.99",
            verified=("completed",),
            signed=date(2021, 1, 4),
            started=date(2022, 1, 4),
            in_statistics=date(2022, 3, 1),
            completed=h1 + timedelta(days=14 * i),
        )
        for i in range(12)
    ]
    # outside either class or outside the half year
    facts += [
        fact("TINY", JY_TOWN, "0.8", signed=date(2022, 9, 1), started=date(2023, 2, 1)),
        fact("JULY", JY_TOWN, 3, signed=date(2022, 9, 1), started=date(2023, 7, 1)),
        # 认定…新开工项目: a claimed 1–5 亿 start not yet recognised on check does not count
        fact("CLAIMED", JY_TOWN, 3, signed=date(2022, 9, 1), started=date(2023, 3, 1)),
    ]
    counts = jiangyan.size_class_counts(ListFacts(facts), jiangyan.CITY, Period.parse("2023-H1"))
    assert counts == {"1-5yi.started": 29, "1-5yi.completed": 12, "large.started": 9, "large.completed": 6}
