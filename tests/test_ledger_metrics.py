"""The 台账 ledger and the metrics on a hand-built drive, with hand-counted answers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from projlife.app.application import Projlife
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Pool, Stage
from projlife.domain.money import Money
from projlife.projections.ledger import SizeBands

CLERK = {"id": "clerk-1", "role": "clerk"}
VERIFIER = {"id": "verifier-1", "role": "verifier"}


class Drive:
    def __init__(self, app: Projlife) -> None:
        self.app = app
        self.city = app.city("xiaogan")
        self.counties = [a.code for a in self.city.areas.counties]

    def do(self, kind: str, pid: UUID | None = None, **fields: Any) -> int:
        data = {"command": kind, "actor": fields.pop("actor", CLERK), **fields}
        if pid is not None:
            data["project_id"] = str(pid)
        result = self.app.projects.execute(data)
        assert result.position is not None
        return result.position

    def conceive(self, code: str, on: str, yi: str = "2", county: int = 0, reserved: bool = True) -> UUID:
        self.do(
            "conceive",
            code=code,
            project_name=f"项目{code}",
            city_code=self.city.code,
            area_code=self.counties[county],
            category="industrial",
            planned_investment_yuan=str(Decimal(yi) * 100_000_000),
            occurred_on=on,
            reserved=reserved,
        )
        return self.app.projects.find(self.city.code, code).id


@pytest.fixture
def drive(app: Projlife) -> Drive:
    d = Drive(app)
    # A: reserved Jan, signed 2024-02-10, started 2024-03-01 (20 days later), in statistics 2024-05-01
    a = d.conceive("A", "2024-01-05", yi="1.5")  # 亿元以上: inside the 211 scope (000)
    d.do("sign", a, amount_yuan="140000000", counterparty="甲公司", occurred_on="2024-02-10")
    d.do("schedule_stage", a, stage="started", planned_on="2024-03-15", occurred_on="2024-02-10")
    d.do("start", a, occurred_on="2024-03-01")
    d.do("enter_statistics", a, occurred_on="2024-05-01")
    # B: signed 2024-03-20, started 2024-07-01 (103 days later), late against its plan, removed from started pool
    b = d.conceive("B", "2024-01-06", yi="12", county=1)
    d.do("sign", b, amount_yuan="1200000000", counterparty="乙公司", occurred_on="2024-03-20")
    d.do("schedule_stage", b, stage="started", planned_on="2024-06-01", occurred_on="2024-03-20")
    d.do("start", b, occurred_on="2024-07-01")
    d.do(
        "remove_from_pool",
        b,
        pool="started",
        reason_code="not_in_statistics_in_time",
        occurred_on="2024-10-08",
        actor={"id": "sys", "role": "system"},
    )
    # C: signed 2024-01-15 (Q1), its start claim rejected by a verifier; signed amount corrected later
    c = d.conceive("C", "2024-01-07", yi="60")
    v_sign = d.do("sign", c, amount_yuan="5000000000", counterparty="丙公司", occurred_on="2024-01-15")
    d.do("start", c, occurred_on="2024-02-01")
    d.do("reject_claim", c, stage="started", reason="现场未见施工", occurred_on="2024-02-20", actor=VERIFIER)
    d.do(
        "correct",
        c,
        target_version=2,
        field="signed_amount",
        new_value="5500000000",
        reason="合同补充协议",
        occurred_on="2024-04-02",
    )
    d.do("verify", c, stage="signed", method="site", occurred_on="2024-04-03", actor=VERIFIER)
    # D: signed 2024-06-30 (Q2), start date corrected from 2024-08-01 to 2024-07-20 on 2024-09-01
    dd = d.conceive("D", "2024-01-08", yi="7")
    d.do("sign", dd, amount_yuan="700000000", counterparty="丁公司", occurred_on="2024-06-30")
    d.do("start", dd, occurred_on="2024-08-01")
    d.do(
        "correct",
        dd,
        target_version=3,
        field="occurred_on",
        new_value="2024-07-20",
        reason="开工日期录入错误",
        occurred_on="2024-09-01",
    )
    # E: only reserved (Q1), never signed
    d.conceive("E", "2024-02-01", yi="1")
    d.app.projections.run()
    d.ids = {"A": a, "B": b, "C": c, "D": dd}  # type: ignore[attr-defined]
    d.v_sign_c = v_sign  # type: ignore[attr-defined]
    return d


def _row(app: Projlife, code: str, **kw: Any) -> Any:
    return next(r for r in app.ledger.rows(city="xiaogan", **kw) if r.code == code)


def test_the_ledger_shows_claimed_and_verified_stages_amounts_and_dates(drive: Drive) -> None:
    app = drive.app
    a, c = _row(app, "A"), _row(app, "C")
    assert a.stage is Stage.IN_STATISTICS and a.verified_stage is Stage.RESERVED
    assert a.stage_dates[Stage.STARTED] == date(2024, 3, 1)
    assert a.size_class == "1–5亿" and _row(app, "B").size_class == "10–50亿" and c.size_class == "≥50亿"
    assert c.stage is Stage.SIGNED and c.verified_stage is Stage.SIGNED
    assert c.signed_amount == Decimal("5500000000")
    assert [(r.stage, r.reason) for r in c.rejections] == [(Stage.STARTED, "现场未见施工")]
    assert c.sources["signed_amount"] != (drive.v_sign_c,)  # the correction, not the original signing
    b = _row(app, "B")
    assert [(r.pool, r.reason_code) for r in b.removed] == [(Pool.STARTED, "not_in_statistics_in_time")]


def test_every_figure_traces_to_the_events_behind_it(drive: Drive) -> None:
    app = drive.app
    d = _row(app, "D")
    claim_pos, fix_pos = d.sources["stage:started"]
    notes = {n.id: n for n in app.store.recorder.select_notifications(1, 10_000)}
    assert notes[claim_pos].topic == "projlife:Project.ConstructionStarted"
    assert notes[fix_pos].topic == "projlife:Project.Corrected"
    (sign_pos,) = _row(app, "C").sources["signed_amount"]
    assert notes[sign_pos].topic == "projlife:Project.Corrected"


def test_filters_by_county_stage_category_and_size_class(drive: Drive) -> None:
    app = drive.app
    assert [r.code for r in app.ledger.rows(city="xiaogan", county=drive.counties[1])] == ["B"]
    assert [r.code for r in app.ledger.rows(city="xiaogan", stage="signed")] == ["C"]
    assert [r.code for r in app.ledger.rows(city="xiaogan", size_class="5–10亿")] == ["D"]
    assert len(app.ledger.rows(city="xiaogan", category="industrial")) == 5
    assert app.ledger.rows(city="xiaogan", category="agriculture") == []
    bands = SizeBands((Decimal(10),))
    assert [r.code for r in app.ledger.rows(city="xiaogan", size_class="≥10亿", size_bands=bands)] == [
        "B",
        "C",
    ]
    with pytest.raises(ProjlifeError, match="unknown size class"):
        app.ledger.rows(size_class="huge")


def test_as_of_a_business_date_shows_only_what_had_happened(drive: Drive) -> None:
    app = drive.app
    a = _row(app, "A", as_of=date(2024, 3, 31))
    assert a.stage is Stage.STARTED
    d = _row(app, "D", as_of=date(2024, 8, 15))
    assert d.stage_dates[Stage.STARTED] == date(
        2024, 8, 1
    )  # the correction dated 2024-09-01 is not yet visible
    d = _row(app, "D", as_of=date(2024, 9, 1))
    assert d.stage_dates[Stage.STARTED] == date(2024, 7, 20)
    assert [r.code for r in app.ledger.rows(city="xiaogan", as_of=date(2024, 1, 5))] == ["A"]


def test_as_known_at_a_time_ignores_later_corrections(drive: Drive) -> None:
    app = drive.app
    notes = app.store.recorder.select_notifications(1, 10_000)
    fix = next(
        n for n in notes if n.topic == "projlife:Project.Corrected" and n.originator_id == drive.ids["D"]
    )  # type: ignore[attr-defined]
    before = app.store.mapper.to_domain_event(notes[fix.id - 2]).timestamp
    d = _row(app, "D", known_at=before)
    assert d.stage_dates[Stage.STARTED] == date(2024, 8, 1)
    assert _row(app, "D", known_at=datetime.now(UTC)).stage_dates[Stage.STARTED] == date(2024, 7, 20)


def test_entries_count_removed_projects_out_and_show_them(drive: Drive) -> None:
    m = drive.app.metrics
    started = m.count_entries("started", period="2024", city="xiaogan")
    assert started.count == 2  # A and D; B was removed from the started pool; C's start was rejected
    assert [e.project_id for e in started.excluded] == [str(drive.ids["B"])]  # type: ignore[attr-defined]
    assert [r[0] for r in started.rejected] == [str(drive.ids["C"])]  # type: ignore[attr-defined]
    before_removal = m.count_entries("started", period="2024", city="xiaogan", as_of=date(2024, 9, 30))
    assert before_removal.count == 3 and before_removal.excluded == ()


def test_cohort_funnel_of_signed_projects(drive: Drive) -> None:
    m = drive.app.metrics
    q1 = m.funnel("2024-Q1", city="xiaogan")
    assert q1.cohort == 3  # A, B, C signed in Q1
    # B started but was removed from the started pool (剔除): it leaves the started counts (A only)
    assert [(s.stage, s.rate.numerator) for s in q1.steps] == [
        (Stage.STARTED, 1),
        (Stage.IN_STATISTICS, 1),
        (Stage.PRODUCING, 0),
    ]
    within = m.funnel("2024-Q1", city="xiaogan", within_days=30, steps=["started"])
    assert within.steps[0].rate.numerator_ids == (str(drive.ids["A"]),)  # type: ignore[attr-defined]
    by = m.funnel("2024-Q1", city="xiaogan", by=date(2024, 6, 30), steps=["started"])
    assert by.steps[0].rate.numerator == 1


def test_rates_carry_numerator_and_denominator_and_zero_gives_na(drive: Drive) -> None:
    m = drive.app.metrics
    r = m.rate("signed_to_started", period="2024-Q1", city="xiaogan")
    assert (r.numerator, r.denominator, r.value) == (1, 3, Decimal("0.3333"))  # B's start was removed
    before = m.rate("signed_to_started", period="2024-Q1", city="xiaogan", as_of=date(2024, 10, 7))
    assert (before.numerator, str(before)) == (2, "2/3 = 66.7%")  # before the removal's date it counted
    stat = m.rate("started_to_statistics", period="2024", city="xiaogan")
    assert (stat.numerator, stat.denominator) == (1, 2)  # A in statistics; D not; B removed, shown
    assert len(stat.excluded) == 1
    empty = m.rate("completed_to_producing", period="2024", city="xiaogan")
    assert (empty.numerator, empty.denominator, empty.value) == (0, 0, None)
    assert str(empty) == "0/0 = n/a"
    on_time = m.rate("on_time_start", period="2024", city="xiaogan")
    assert (on_time.numerator, on_time.denominator) == (1, 1)  # A on time; B late but removed
    landed = m.rate("signed_to_landed", period="2024-Q2", city="xiaogan")
    assert (landed.numerator, landed.denominator) == (1, 1)  # D started without a 落地 event
    with pytest.raises(ProjlifeError, match="unknown rate"):
        m.rate("happiness", period="2024")


def test_investment_completion_is_reported_over_planned(app: Projlife) -> None:
    d = Drive(app)
    a = d.conceive("A", "2024-01-05", yi="1")
    d.do("sign", a, amount_yuan="100000000", counterparty="甲", occurred_on="2024-01-10")
    d.do("start", a, occurred_on="2024-02-01")
    d.do("report_investment", a, month="2024-02-01", amount_yuan="20000000", occurred_on="2024-03-05")
    d.do("report_investment", a, month="2024-03-01", amount_yuan="30000000", occurred_on="2024-04-05")
    app.projections.run()
    # 投资完成率 = completed ÷ the year's planned investment (年度投资目标 of the 目标责任书), not total planned
    r = app.metrics.rate(
        "investment_completion", period="2024-Q1", city="xiaogan", annual_target=Money.yi("0.8")
    )
    assert (r.numerator, r.denominator) == (Decimal("50000000"), Decimal("80000000.00"))
    assert app.metrics.rate("investment_completion", period="2024-Q1", city="xiaogan").value is None
    early = app.metrics.rate(
        "investment_completion", period="2024-Q1", city="xiaogan", as_of=date(2024, 3, 31)
    )
    assert early.numerator == Decimal("20000000")


def test_pace_counts_entries_per_bucket_against_a_pro_rata_target(drive: Drive) -> None:
    pace = drive.app.metrics.pace("signed", period="2024-Q1", target=6, bucket="month", city="xiaogan")
    assert [(str(b.period), b.count, b.cumulative) for b in pace.buckets] == [
        ("2024-01", 1, 1),
        ("2024-02", 1, 2),
        ("2024-03", 1, 3),
    ]
    assert pace.buckets[-1].target_to_date == Decimal("6.00")
    assert (pace.progress.numerator, pace.progress.denominator) == (3, 6)
