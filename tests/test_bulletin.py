"""Bulletins: counts from the ledger projection, quotas/deadlines/ranking from the city rules,
the ticket loop, the audit checkpoint, and "as known at" a past time — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from projlife.app.application import Projlife
from projlife.audit.keys import SigningKey
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.evaluate import QuotaStatus, evaluate_deadlines, rank
from projlife.plugins.manager import rule_set
from projlife.reports.bulletin import Bulletin, build_bulletin
from projlife.reports.ledger_import import import_ledger
from projlife.reports.render_html import bulletin_html
from projlife.reports.render_md import bulletin_json, bulletin_markdown
from test_ledger_import import good_row, write_xlsx

AS_OF = date(2024, 12, 31)
CLERK = {"id": "clerk-1", "role": "clerk"}


def _import(app: Projlife, tmp_path: Path, rows: list[dict[str, object]], name: str = "l.xlsx") -> None:
    import_ledger(app, write_xlsx(tmp_path / name, rows), city="zhumadian")


def _scenario(app: Projlife, tmp_path: Path) -> None:
    _import(
        app,
        tmp_path,
        [
            good_row("A", 开工日期=date(2024, 11, 5)),  # 西平县, started this quarter
            good_row("B", 开工日期=date(2024, 12, 2), 行业类别="基础设施"),  # not an industry project
            good_row("C", 开工日期=date(2024, 9, 30)),  # started last quarter
            good_row("D", 县市区="驻马店经济开发区", 开工日期=date(2024, 10, 8)),
            good_row("E", 县市区="上蔡县", 开工日期=None),
        ],
    )


def _bulletin(app: Projlife, kind: str = "quarterly", **kw: object) -> Bulletin:
    app.projections.run()
    return build_bulletin(app, "zhumadian", kind=kind, as_of=AS_OF, **kw)  # type: ignore[arg-type]


def test_counts_per_county_are_for_the_period_and_to_date(app: Projlife, tmp_path: Path) -> None:
    _scenario(app, tmp_path)
    b = _bulletin(app)
    xiping = next(c for c in b.counties if c.name == "西平县")
    assert xiping.in_period[Stage.STARTED] == 2  # A and B; C started in Q3
    assert xiping.cumulative[Stage.STARTED] == 3
    assert xiping.cumulative[Stage.SIGNED] == 3
    assert b.totals.cumulative[Stage.SIGNED] == 5
    assert b.projects == 5 and b.ledger.projects == 5


def test_quotas_come_from_the_city_rules_count_only_what_the_rule_counts_and_say_by_how_much(
    app: Projlife, tmp_path: Path
) -> None:
    _scenario(app, tmp_path)
    b = _bulletin(app)
    assert b.rules is not None
    lines = {(q.rule_id, q.area_name): q for q in b.rules.quotas.lines}
    xiping = lines[("starting.industry", "西平县")]  # 驻马店: ≥5 industry projects started per quarter
    assert (xiping.value, xiping.target, xiping.margin) == (1, 5, -4)  # B is infrastructure, C was Q3
    assert xiping.status is QuotaStatus.NOT_MET and xiping.final
    zone = lines[("starting.zone-industry", "驻马店经济开发区")]
    assert (zone.value, zone.target, zone.status) == (1, 3, QuotaStatus.NOT_MET)
    assert ("starting.industry", "驻马店经济开发区") not in lines  # zones have their own quota
    quarter = Period.containing(PeriodKind.QUARTER, AS_OF)
    quarter_sha = rule_set(app.plugins, app.city("zhumadian"), quarter).sha256
    assert xiping.rule_set_sha256 == quarter_sha == b.rules.quotas.hashes[quarter]
    md = bulletin_markdown(b)
    assert "1/5 差4个" in md
    assert quarter_sha in md


def test_overdue_deadlines_and_the_ranking_are_the_engines(app: Projlife, tmp_path: Path) -> None:
    _scenario(app, tmp_path)
    b = _bulletin(app)
    assert b.rules is not None
    engine = evaluate_deadlines(app, "zhumadian", AS_OF)
    assert len(b.rules.deadlines.overdue) == len(engine.overdue()) > 0  # no 专班 recorded for any signing
    assert sum(c.deadlines_overdue or 0 for c in b.counties) == len(engine.overdue())
    assert b.totals.deadlines_overdue == len(engine.overdue())
    (ranking,) = b.rules.rankings
    quarter = Period.containing(PeriodKind.QUARTER, AS_OF)
    expected = rank(app, "zhumadian", quarter, AS_OF, rule_id=ranking.rule_id)
    assert [(e.area_code, e.score) for e in ranking.entries] == [
        (r.area_code, r.score) for r in expected.rows
    ]
    assert ranking.rule_set_sha256 == expected.rule_set_sha256
    md = bulletin_markdown(b)
    assert "七、县区排名" in md and "暂无排名" not in md


def test_ranking_marks_the_top_and_bottom_the_city_names(app: Projlife, tmp_path: Path) -> None:
    app.projections.run()
    b = build_bulletin(app, "xiaogan", kind="quarterly", as_of=AS_OF)
    assert b.rules is not None and b.rules.rankings
    r = b.rules.rankings[0]
    assert r.top_n > 0 and r.bottom_n > 0
    # Ties share a rank (并列): top/bottom N hold everyone ranked within N, ties at the boundary included.
    # With no projects every county scores 0: all share rank 1 (并列) and no one is singled out.
    assert {e.rank for e in r.entries} == {1} and all(e.tied and e.mark is None for e in r.entries)
    assert "1（并列）" in bulletin_markdown(b)


def test_the_ticket_loop_is_the_tickets_summary_with_overdue_per_county(
    app: Projlife, tmp_path: Path
) -> None:
    _scenario(app, tmp_path)
    city = app.city("zhumadian")
    xiping = next(a for a in city.areas if a.name == "西平县")
    tid = app.tickets.execute(
        {
            "command": "raise_ticket",
            "code": "T-1",
            "city_code": city.code,
            "area_code": xiping.code,
            "category": "用地",
            "enterprise_code": "91411700MA49ABCD1X",
            "description": "用地指标",
            "raised_by": "热线",
            "occurred_on": "2024-10-08",
            "actor": CLERK,
        }
    ).aggregate_id
    app.tickets.execute(
        {
            "command": "assign_ticket",
            "ticket_id": str(tid),
            "assignee_kind": "department",
            "assignee": "市自然资源和规划局",
            "occurred_on": "2024-10-08",
            "actor": CLERK,
        }
    )
    b = _bulletin(app)
    summary = app.tickets.summary(as_of=AS_OF, city_code=city.code)
    assert b.tickets is not None
    assert (b.tickets.raised, b.tickets.open, b.tickets.overdue) == (1, 1, summary.overdue)
    assert summary.overdue == 1  # assigned in October, unanswered at the year's end
    by_name = {c.name: c for c in b.counties}
    assert by_name["西平县"].tickets_overdue == 1 and by_name["上蔡县"].tickets_overdue == 0
    assert [t.code for t in b.tickets.most_overdue] == ["T-1"]
    assert "T-1" in bulletin_markdown(b)


def test_the_checkpoint_line_is_the_audit_trails_latest_and_says_whether_it_covers(
    app: Projlife, tmp_path: Path
) -> None:
    _scenario(app, tmp_path)
    app.projections.run()
    key = SigningKey.generate()
    checkpoint = app.audit.checkpoint(key, log_id="test")
    b = _bulletin(app)
    assert b.checkpoint == checkpoint == app.audit.latest_checkpoint()
    assert b.checkpoint_covers
    md = bulletin_markdown(b)
    assert f"事件数 {checkpoint.tree_size}" in md and checkpoint.root_hash.hex()[:16] in md
    assert checkpoint.key_id in md and "本通报全部数据取自上述检查点覆盖的事件记录" in md
    _import(app, tmp_path, [good_row("F", 县市区="上蔡县")], name="later.xlsx")
    later = _bulletin(app)
    assert later.checkpoint == checkpoint and not later.checkpoint_covers
    assert "请重新签署检查点" in bulletin_markdown(later)


def test_known_at_shows_the_ledger_as_recorded_then_even_for_facts_dated_earlier(
    app: Projlife, tmp_path: Path
) -> None:
    _scenario(app, tmp_path)
    app.projections.run()
    then = datetime.now(UTC)
    # recorded later, dated in the quarter: E started on 20 November
    _import(app, tmp_path, [good_row("E", 县市区="上蔡县", 开工日期=date(2024, 11, 20))], name="late.xlsx")
    now = _bulletin(app)
    past = _bulletin(app, known_at=then)
    shangcai_now = next(c for c in now.counties if c.name == "上蔡县")
    shangcai_then = next(c for c in past.counties if c.name == "上蔡县")
    assert (shangcai_now.in_period[Stage.STARTED], shangcai_then.in_period[Stage.STARTED]) == (1, 0)
    assert past.ledger.by_stage[Stage.STARTED] + 1 == now.ledger.by_stage[Stage.STARTED]
    # the rule engine counts as known at T too; only the tickets read model cannot
    assert past.rules is not None and past.tickets is None and past.not_as_known == ("tickets",)
    assert "仅支持按业务日期计算" in bulletin_markdown(past)


def test_the_funnel_shows_each_rate_with_its_denominator(app: Projlife, tmp_path: Path) -> None:
    _scenario(app, tmp_path)
    b = _bulletin(app)
    signed, started, in_stats, producing = b.funnel
    assert (signed.count, signed.denominator) == (5, None)
    assert (started.count, started.denominator) == (4, 5) and started.rate == 0.8
    assert (in_stats.count, in_stats.denominator) == (0, 4)
    assert producing.rate is None  # 0 in statistics: no rate rather than a division by zero
    assert "4 (80.0%，4/5)" in bulletin_markdown(b)
    data = json.loads(bulletin_json(b))
    assert {r["name"]: r["denominator"] for r in data["rates"].values()}  # every rate has its denominator
    assert all(Decimal(r["denominator"]) >= 0 for r in data["rates"].values())


def test_english_and_json(app: Projlife, tmp_path: Path) -> None:
    _scenario(app, tmp_path)
    b = _bulletin(app, kind="weekly")
    en = bulletin_markdown(b, "en")
    assert "Weekly bulletin" in en and "：" not in en
    data = json.loads(bulletin_json(b))
    assert data["kind"] == "weekly" and data["quotas"] and data["tickets"]["raised"] == 0


def test_the_html_report_is_self_contained_with_text_charts_and_an_embedded_font(
    app: Projlife, tmp_path: Path
) -> None:
    _scenario(app, tmp_path)
    page = bulletin_html(_bulletin(app))
    assert page.count("<svg") == 3  # funnel, pace, ranking
    assert "@font-face" in page and "data:font/woff;base64," in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "驻马店市重大项目季度通报" in page and "1/5 差4个" in page
