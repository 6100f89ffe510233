"""Bulletins: per-county counts for the period, quotas met or short, funnels with denominators, n/a sections."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from projlife.application import connect
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import PeriodKind
from projlife.reports.bulletin import StaticQuotas, build_bulletin
from projlife.reports.ledger_import import import_ledger
from projlife.reports.ledger_rows import ledger_rows
from projlife.reports.render_html import bulletin_html
from projlife.reports.render_md import bulletin_json, bulletin_markdown
from test_ledger_import import good_row, write_xlsx

QUOTAS = StaticQuotas(
    kind=PeriodKind.QUARTER,
    county={Stage.STARTED: 2},
    zone={Stage.STARTED: 1},
    source="test",
    industry_only=True,
)


def _bulletin(tmp_path: Path, kind: str = "quarterly", quotas: StaticQuotas | None = QUOTAS):  # type: ignore[no-untyped-def]
    rows = [
        good_row("A", 开工日期=date(2024, 11, 5)),  # 西平县, started this quarter
        good_row("B", 开工日期=date(2024, 12, 2), 行业类别="基础设施"),  # not an industry project
        good_row("C", 开工日期=date(2024, 9, 30)),  # started last quarter
        good_row("D", 县市区="驻马店经济开发区", 开工日期=date(2024, 10, 8)),
        good_row("E", 县市区="上蔡县", 开工日期=None),
    ]
    with connect(f"sqlite:///{tmp_path / 'b.db'}", create_tables=True) as app:
        import_ledger(app, write_xlsx(tmp_path / "l.xlsx", rows), city="zhumadian")
        city = app.city("zhumadian")
        ledger = list(ledger_rows(app, city, date(2024, 12, 31)))
        return build_bulletin(ledger, city, kind=kind, as_of=date(2024, 12, 31), quotas=quotas)


def test_counts_per_county_are_for_the_period_and_to_date(tmp_path: Path) -> None:
    b = _bulletin(tmp_path)
    xiping = next(c for c in b.counties if c.name == "西平县")
    assert xiping.in_period[Stage.STARTED] == 2  # A and B; C started in Q3
    assert xiping.cumulative[Stage.STARTED] == 3
    assert xiping.cumulative[Stage.SIGNED] == 3
    assert b.totals.cumulative[Stage.SIGNED] == 5
    assert b.projects == 5


def test_quotas_count_only_what_the_rule_counts_and_say_by_how_much(tmp_path: Path) -> None:
    b = _bulletin(tmp_path)
    by_name = {c.name: c for c in b.counties}
    (xiping,) = by_name["西平县"].quotas or ()
    assert (xiping.target, xiping.actual, xiping.met, xiping.gap) == (2, 1, False, 1)  # B is infrastructure
    (zone,) = by_name["驻马店经济开发区"].quotas or ()
    assert (zone.target, zone.actual, zone.met) == (1, 1, True)
    (total,) = b.totals.quotas or ()
    assert total.target == 10 * 2 + 2 * 1


def test_the_funnel_shows_each_rate_with_its_denominator(tmp_path: Path) -> None:
    b = _bulletin(tmp_path)
    signed, started, in_stats, producing = b.funnel
    assert (signed.count, signed.denominator) == (5, None)
    assert (started.count, started.denominator) == (4, 5) and started.rate == 0.8
    assert (in_stats.count, in_stats.denominator) == (0, 4)
    assert producing.rate is None  # 0 in statistics: no rate rather than a division by zero
    md = bulletin_markdown(b)
    assert "4 (80.0%，4/5)" in md


def test_missing_sources_show_as_not_available_never_as_zero(tmp_path: Path) -> None:
    b = _bulletin(tmp_path, kind="weekly", quotas=None)
    assert b.totals.quotas is None and b.ranking is None and b.tickets is None and b.checkpoint is None
    md = bulletin_markdown(b)
    assert "暂无目标任务数据" in md and "暂无诉求数据" in md and "暂无排名" in md and "暂无审计检查点" in md
    en = bulletin_markdown(b, "en")
    assert "n/a (tickets not connected)" in en and "Weekly bulletin" in en and "：" not in en
    data = json.loads(bulletin_json(b))
    assert data["tickets"] is None and data["totals"]["quotas"] is None


def test_the_html_report_is_self_contained_with_text_charts_and_an_embedded_font(tmp_path: Path) -> None:
    page = bulletin_html(_bulletin(tmp_path))
    assert page.count("<svg") == 3  # funnel, pace, ranking
    assert "@font-face" in page and "data:font/woff;base64," in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "驻马店市重大项目季度通报" in page and "未完成，差1个" in page
