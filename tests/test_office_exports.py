"""The office's facts in the exports: the 台账 workbook (round trip) and OC4IDS (schema-valid).

The scenario is the hand-worked 驻马店 drive of ``test_working_week.py`` plus one 专项债
application of ZMD-A (applied 2024-03-01, approved 2024-05-20 at 3000万元) and 亩均 figures of
ZMD-D for 2023; ZMD-A's 一期厂房 accepted 2024-06-10 and producing from 06-20 (分批验收); the
Tuesday meeting of 驿城区 on 2024-05-14 (chair 王区长) with one decision on ticket ZMD-T-1, due
05-31, followed up as done on 05-21; as of 2024-06-30.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from projlife.app.application import Projlife, connect
from projlife.domain.meeting import FollowUp
from projlife.domain.project_office import FundingProgram, FundingStatus, ListName
from projlife.plugins import get_plugin_manager, hookimpl
from projlife.plugins.cities import zhumadian
from projlife.plugins.manager import PluginError, city_profiles
from projlife.plugins.office_settings import OfficeSettings, office_settings
from projlife.plugins.types import CityProfile
from projlife.projections.counting.office import MuBenchmarks, OfficeRateSettings
from projlife.projections.facts import LEDGER_PROJECTION
from projlife.projections.office import OFFICE_PROJECTION
from projlife.projections.rebuilds import ProjectionRebuilding
from projlife.reports.bulletin import build_bulletin
from projlife.reports.ledger_export import LEDGER_SHEET, export_ledger_xlsx, row_values
from projlife.reports.ledger_import import import_ledger
from projlife.reports.oc4ids import project_package, validate_package
from projlife.reports.office_oc4ids import project_office_facts
from projlife.reports.office_report import office_section, office_sections
from projlife.reports.office_sheets import (
    COMPLETION_SHEET,
    DECISIONS_SHEET,
    FUNDING_SHEET,
    LISTS_SHEET,
    PER_MU_SHEET,
    VISITS_SHEET,
    OfficeImportRejected,
    import_office_xlsx,
)
from projlife.reports.render_md import bulletin_json, bulletin_markdown
from projlife.reports.terms import term
from test_working_week import AREA, CITY, CLERK, drive, run

AS_OF = date(2024, 6, 30)
OC4IDS = Path("/work/shared/oc4ids")


def office_drive(app: Projlife) -> dict[str, Any]:
    ids = drive(app)
    a = ids["A"]
    run(
        app,
        "apply_for_funding",
        a,
        "2024-03-01",
        application_ref="ZXZ-2024-01",
        program="special_bond",
        amount_yuan="50000000",
    )
    run(
        app,
        "change_funding_status",
        a,
        "2024-05-20",
        application_ref="ZXZ-2024-01",
        status="approved",
        amount_yuan="30000000",
    )
    run(
        app,
        "report_per_mu",
        ids["D"],
        "2023-12-31",
        year=2023,
        land_mu="100",
        output_yuan="500000000",
        revenue_yuan="480000000",
        tax_yuan="15000000",
    )
    run(app, "accept_part", a, "2024-06-10", part="一期厂房")
    run(app, "begin_part_production", a, "2024-06-20", part="一期厂房")
    meeting = app.meetings.execute(
        {
            "command": "convene_meeting",
            "city_code": CITY,
            "area_code": AREA,
            "chair": "王区长",
            "occurred_on": "2024-05-14",
            "actor": CLERK,
        }
    ).aggregate_id
    app.meetings.execute(
        {
            "command": "record_decision",
            "meeting_id": meeting,
            "subject": "ticket:ZMD-T-1",
            "decision": "供电公司5月底前接入施工用电",
            "owner": "区发改委",
            "due_on": "2024-05-31",
            "occurred_on": "2024-05-14",
            "actor": CLERK,
        }
    )
    app.meetings.execute(
        {
            "command": "follow_up_decision",
            "meeting_id": meeting,
            "number": 1,
            "outcome": "done",
            "note": "已接入",
            "occurred_on": "2024-05-21",
            "actor": CLERK,
        }
    )
    app.projections.run()
    return ids


def _decisions(app: Projlife) -> list[Any]:
    return [
        (
            d.area_code,
            d.held_on,
            d.chair,
            d.number,
            d.subject,
            d.decision,
            d.owner,
            d.due_on,
            d.outcome,
            d.followed_up_on,
        )
        for d in app.office.decisions(CITY)
    ]


def _facts(app: Projlife) -> dict[str, Any]:
    """The office facts by project id (city and code give the id), without who recorded them (an import records them anew)."""
    out: dict[str, Any] = {}
    for pid, f in project_office_facts(app.office, CITY, as_of=AS_OF, per_mu_years=[2023]).items():
        out[pid] = (
            sorted((m.list_name, m.period, m.entered_on, m.left_on) for m in f.lists),
            sorted((w.work, w.on, w.by, w.findings, w.ticket_codes) for w in f.sponsor_work),
            [(x.application_ref, x.status, x.amount_applied, x.amount_approved) for x in f.funding],
            [(p.year, p.land_mu, p.output, p.revenue, p.tax) for p in f.per_mu],
            (f.certificates, f.parts_accepted, f.parts_producing),
        )
    return out


def test_the_ledger_workbook_carries_the_office_sheets_and_round_trips(app: Projlife, tmp_path: Path) -> None:
    office_drive(app)
    city = app.city("zhumadian")
    path = tmp_path / "ledger.xlsx"
    rows = app.ledger.rows(city=city.code, as_of=AS_OF, with_details=True)
    assert export_ledger_xlsx(rows, path, city=city, as_of=AS_OF, office=app.office, per_mu_years=[2023]) == 7
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        LEDGER_SHEET,
        LISTS_SHEET,
        VISITS_SHEET,
        FUNDING_SHEET,
        PER_MU_SHEET,
        COMPLETION_SHEET,
        DECISIONS_SHEET,
    ]
    assert [c.value for c in wb[DECISIONS_SHEET][2]][:4] == [AREA, datetime(2024, 5, 14), "王区长", 1]
    assert [[c.value for c in row][:3] for row in wb[COMPLETION_SHEET].iter_rows(min_row=2)] == [
        ["ZMD-D", "竣工发证", "不动产权证"],
        ["ZMD-A", "分批验收", "一期厂房"],
        ["ZMD-A", "部分投产", "一期厂房"],
    ]
    assert wb[LISTS_SHEET].max_row == 1 + 5  # two 市重点 stays, three 开工一批 stays
    assert wb[FUNDING_SHEET]["F2"].value == "已批复"
    assert [c.value for c in wb[PER_MU_SHEET][2]] == [
        "ZMD-D",
        2023,
        "100",
        "500000000.00",
        "480000000.00",
        "15000000.00",
    ]
    # into an empty database: the 台账 import passes over the office sheets, the office import reads them
    with connect(f"sqlite:///{tmp_path / 'copy.db'}", create_tables=True) as copy:
        report = import_ledger(copy, path, city="zhumadian")
        assert (report.rows_read, report.projects_written, report.ok) == (7, 7, True)
        office = import_office_xlsx(path, city_code=CITY, app=copy)
        # stays, one leave, visits, applied, approved, 亩均, certificate, two parts, convened, decided, followed up
        assert office.commands == 5 + 1 + 3 + 1 + 1 + 1 + 1 + 2 + 1 + 1 + 1
        copy.projections.run()
        assert _facts(copy) == _facts(app)
        assert _decisions(copy) == _decisions(app)
        copied = copy.ledger.rows(city=city.code, as_of=AS_OF, with_details=True)
        values = [{k: v for k, v in row_values(r, city).items() if k != "verified"} for r in copied]
        assert values == [{k: v for k, v in row_values(r, city).items() if k != "verified"} for r in rows]
        # a second import of the same workbook changes nothing
        again = tmp_path / "again.xlsx"
        export_ledger_xlsx(copied, again, city=city, as_of=AS_OF, office=copy.office, per_mu_years=[2023])
        assert import_ledger(copy, again, city="zhumadian").projects_written == 0
        assert import_office_xlsx(again, city_code=CITY, app=copy).commands == 0


def test_the_oc4ids_export_carries_lists_funding_and_office_facts_and_validates(app: Projlife) -> None:
    if not OC4IDS.exists():
        pytest.skip("OC4IDS schema files not present")
    ids = office_drive(app)
    city = app.city("zhumadian")
    rows = app.ledger.rows(city=city.code, as_of=AS_OF, with_details=True)
    facts = project_office_facts(app.office, CITY, as_of=AS_OF, per_mu_years=[2023])
    package = project_package(rows, city, as_of=AS_OF, office=facts)
    assert validate_package(package, OC4IDS) == []
    by_code = {p["identifiers"][0]["id"]: p for p in package["projects"]}
    a = by_code["ZMD-A"]
    lists = [c for c in a["additionalClassifications"] if c["scheme"] == "projlife-list"]
    assert [(c["id"], c["description"]) for c in lists] == [
        ("city_key:2024", "2024市重点项目"),
        ("start_batch:2024-Q2", "2024-Q2开工一批"),
    ]
    (group,) = a["budget"]["budgetBreakdowns"]
    assert group["budgetBreakdown"] == [
        {
            "id": "ZXZ-2024-01",
            "description": "专项债申报（已批复）",
            "amount": {"amount": 30000000, "currency": "CNY"},
            "approvalDate": "2024-05-20T00:00:00+08:00",
        }
    ]
    ext = a["projlife"]["office"]
    assert [w["date"] for w in ext["sponsorWork"]] == ["2024-04-10", "2024-04-17"]
    assert ext["funding"][0]["amountApplied"] == {"amount": 50000000, "currency": "CNY"}
    # C left the batch on 05-10: no current list, the stay is kept with its dates
    c = by_code["ZMD-C"]
    assert not [x for x in c["additionalClassifications"] if x["scheme"] == "projlife-list"]
    assert c["projlife"]["office"]["lists"] == [
        {
            "list": "start_batch",
            "listLabel": "开工一批",
            "period": "2024-Q2",
            "enteredDate": "2024-03-28",
            "leftDate": "2024-05-10",
        }
    ]
    d = by_code["ZMD-D"]["projlife"]["office"]
    assert d["certificates"] == [{"certificate": "不动产权证", "date": "2023-10-20"}]
    assert d["perMu"][0]["landMu"] == 100
    assert "office" not in by_code["ZMD-G"]["projlife"]
    # a made-up field in the office extension does not validate
    a["projlife"]["office"]["lists"][0]["rank"] = 1
    assert any("rank" in e for e in validate_package(package, OC4IDS))
    assert ids  # the drive ran


def test_a_row_the_rules_refuse_rejects_the_whole_workbook_with_every_refused_row(
    app: Projlife, tmp_path: Path
) -> None:
    drive(app)
    wb = openpyxl.Workbook()
    lists = wb.active
    assert lists is not None
    lists.title = LISTS_SHEET
    lists.append(["项目编号", "名单", "期间", "列入日期", "调出日期", "遴选目录条目", "依据"])
    lists.append(["ZMD-G", "预备", "2024", date(2024, 5, 6), None, None, None])  # a good row, first
    parts = wb.create_sheet(COMPLETION_SHEET)
    parts.append(["项目编号", "类别", "名称", "日期", "依据"])
    parts.append(["ZMD-B", "部分投产", "二期", date(2024, 7, 10), None])  # never accepted
    parts.append(["ZMD-G", "分批验收", "一期", date(2024, 6, 1), None])  # not started
    parts.append(["ZMD-A", "分批验收", "一期厂房", date(2024, 6, 10), None])
    parts.append(
        ["ZMD-A", "部分投产", "一期厂房", date(2024, 6, 20), "验收意见书"]
    )  # builds on the row above
    meetings = wb.create_sheet(DECISIONS_SHEET)
    meetings.append(
        [
            "会议区域",
            "会议日期",
            "主持人",
            "序号",
            "事项",
            "决定",
            "责任人",
            "完成时限",
            "督办结果",
            "督办日期",
            "督办说明",
            "新时限",
        ]
    )
    row = [
        AREA,
        date(2024, 5, 14),
        "王区长",
        1,
        "project:ZMD-B",
        "协调用地报批",
        "区自然资源局",
        date(2024, 5, 31),
    ]
    meetings.append([*row, "已落实", date(2024, 5, 10), "已报批", None])  # followed up before the meeting
    meetings.append(
        [AREA, date(2024, 5, 14), "王区长", 3, "project:ZMD-C", "重新入批", "区发改委", date(2024, 6, 30)]
    )
    path = tmp_path / "office.xlsx"
    wb.save(path)
    before = app.store.recorder.max_notification_id()
    with pytest.raises(OfficeImportRejected) as rejected:
        import_office_xlsx(path, city_code=CITY, app=app)
    assert set(rejected.value.rows) == {
        f"{COMPLETION_SHEET}!R2",
        f"{COMPLETION_SHEET}!R3",
        f"{DECISIONS_SHEET}!R2",
        f"{DECISIONS_SHEET}!R3",
    }
    assert "not after the meeting" in rejected.value.rows[f"{DECISIONS_SHEET}!R2"][0]
    assert "next decision is number 2" in rejected.value.rows[f"{DECISIONS_SHEET}!R3"][0]
    assert app.store.recorder.max_notification_id() == before  # not even the good 名单 row
    # the refused rows fixed: everything goes in, in one transaction, and a second import adds nothing
    parts.delete_rows(2, 2)
    meetings.cell(row=2, column=10, value=date(2024, 5, 21))
    meetings.cell(row=3, column=4, value=2)
    wb.save(path)
    report = import_office_xlsx(path, city_code=CITY, app=app)
    assert (report.commands, report.skipped, report.events) == (1 + 2 + 1 + 2 + 1, 0, 7)
    app.projections.run()
    assert [(d.number, d.outcome) for d in app.office.decisions(CITY)] == [(1, FollowUp.DONE), (2, None)]
    (produced,) = app.office.project_dates(CITY, "PartProductionBegan")
    assert (produced[1], produced[2], produced[3]) == ("ZMD-A", "一期厂房", date(2024, 6, 20))
    again = import_office_xlsx(path, city_code=CITY, app=app)
    assert (again.commands, again.skipped) == (0, 1 + 2 + 2 + 1)


class Crash(BaseException):
    """The process dies in the middle of a rebuild."""


@pytest.mark.parametrize("projection", [OFFICE_PROJECTION, LEDGER_PROJECTION])
def test_office_reads_refuse_while_their_read_model_is_rebuilt_and_the_next_run_restores_them(
    app: Projlife, monkeypatch: Any, projection: str
) -> None:
    office_drive(app)
    before = (_facts(app), _decisions(app))
    runner = app.projections
    real = runner._run_batch

    def dying(*args: Any, **kwargs: Any) -> Any:
        raise Crash

    monkeypatch.setattr(runner, "_run_batch", dying)
    with pytest.raises(Crash):
        runner.rebuild(projection, batch_size=5)
    monkeypatch.setattr(runner, "_run_batch", real)
    for read in (
        lambda: app.office.list_memberships(CITY),
        lambda: app.office.decisions(CITY),
        lambda: app.office.per_mu(CITY, 2023),
        lambda: app.office_figures.rates(CITY, "2024-H1"),
        lambda: project_office_facts(app.office, CITY, as_of=AS_OF),
    ):
        with pytest.raises(ProjectionRebuilding, match="rebuilding"):
            read()
    app.projections.run()
    assert (_facts(app), _decisions(app)) == before


def _with_per_mu(app: Projlife) -> None:
    ids = drive(app)
    for key, month, amount in (
        ("D", "2023-03-01", "150000000"),
        ("D", "2023-06-01", "50000000"),
        ("E", "2023-03-01", "60000000"),
    ):
        run(app, "report_investment", ids[key], month, month=month, amount_yuan=amount)
    for key, land, output, revenue, tax in (
        ("D", "100", "500000000", "480000000", "15000000"),
        ("E", "50", "100000000", "100000000", "2000000"),
    ):
        run(
            app,
            "report_per_mu",
            ids[key],
            "2023-12-31",
            year=2023,
            land_mu=land,
            output_yuan=output,
            revenue_yuan=revenue,
            tax_yuan=tax,
        )
    app.projections.run()


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_office_section_reads_in_english_with_the_per_mu_indices(app: Projlife) -> None:
    _with_per_mu(app)
    b = build_bulletin(app, "zhumadian", kind="monthly", as_of=date(2024, 4, 30))
    assert b.office is not None and b.office.per_mu is not None
    zh = bulletin_markdown(b)
    # 亩均 of 2023 (this year has none yet): D 2亿 invested on 100亩, E 6000万 on 50亩; in 万元 per 亩
    assert "## 亩均效益（2023年度）" in zh
    assert "| ZMD-D | 411702 | 100 | 200.00 | 500.00 | 480.00 | 15.00 |" in zh
    assert "| ZMD-E | 411702 | 50 | 120.00 | 200.00 | 200.00 | 4.00 |" in zh
    # 用地收益率 = tax per 亩 = 1700万 / 150亩; 财税贡献率 = tax / revenue = 1700万 / 5.8亿
    assert "| 用地收益率（万元/亩） | 11.33 |" in zh
    assert "| 财税贡献率 | 2.93% |" in zh
    assert "本市未设亩均标准，不计达标率。" in zh
    en = bulletin_markdown(b, "en")
    assert "## Key-project lists and the “three batches”" in en
    assert "| Start batch | 2024-Q2 | 1/2 = 50.0% | ZMD-B |" in en
    assert "| Survival | 1/2 = 50.0% |" in en
    assert "## Per-mu returns (2023)" in en
    assert "| ZMD-D | 411702 | 100 | 200.00 | 500.00 | 480.00 | 15.00 |" in en
    for section in office_sections(b.office, "en"):
        text = section.title + "".join(
            str(block) if isinstance(block, str) else "".join(map(str, (*block.header, *block.rows)))
            for block in section.blocks
        )
        assert not HAN.search(text), (section.key, HAN.findall(text))
    # with benchmarks, the 达标率: D's tax per 亩 15万 ≥ 10万, E's 4万 is not → 1/2
    with_bench = office_section(
        app.office_figures,
        app.office,
        CITY,
        date(2024, 4, 30),
        benchmarks=MuBenchmarks(tax_per_mu=Decimal("100000")),
    )
    assert with_bench is not None
    md = "\n".join(s.title for s in office_sections(with_bench, "en"))
    assert "Per-mu returns (2023)" in md
    assert with_bench.per_mu is not None and str(with_bench.per_mu.tax_pass) == "1/2 = 50.0%"
    assert json.loads(bulletin_json(b))["office"]["per_mu"]["projects"][0]["tax_per_mu_yuan"] == "150000.00"


def test_every_office_term_has_both_languages_and_the_chinese_is_the_domains() -> None:
    for name in ListName:
        assert term(f"list_{name.value}") == name.label_zh
        assert not HAN.search(term(f"list_{name.value}", "en"))
    for program in FundingProgram:
        assert term(f"funding_{program.value}") == program.label_zh
    for status in FundingStatus:
        assert term(f"funding_{status.value}") == status.label_zh
    for rate in ("precision", "fulfilment", "survival", "maturity", "signed_landed_same_year"):
        assert HAN.search(term(f"rate_{rate}")) and not HAN.search(term(f"rate_{rate}", "en"))


def zhumadian_with(settings: Callable[[CityProfile], Any]) -> types.ModuleType:
    """The 驻马店 plugin with an office-settings answer of its own (one plugin per jurisdiction)."""
    plugin = types.ModuleType("zhumadian_with_office_settings")
    for name in dir(zhumadian):
        if name.startswith("projlife_"):
            setattr(plugin, name, getattr(zhumadian, name))

    @hookimpl
    def projlife_office_settings(city: CityProfile) -> Any:
        return settings(city)

    plugin.projlife_office_settings = projlife_office_settings  # type: ignore[attr-defined]
    return plugin


def benchmarks(city: CityProfile) -> OfficeSettings:
    """驻马店's 亩均税收 bar at 10万元 per 亩 (illustrative), 履约 read within 60 days."""
    return OfficeSettings(
        rates=OfficeRateSettings(fulfilment_days=60),
        benchmarks=MuBenchmarks(tax_per_mu=Decimal("100000")),
    )


def test_a_city_plugin_sets_the_office_readings_and_benchmarks_the_bulletin_uses(db_url: str) -> None:
    pm = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", zhumadian_with(benchmarks))])
    with connect(db_url, create_tables=True, plugin_manager=pm) as app:
        assert office_settings(app.plugins, app.city("zhumadian")).answered_by == "zhumadian"
        assert office_settings(get_plugin_manager(), app.city("zhumadian")) == OfficeSettings()
        _with_per_mu(app)
        b = build_bulletin(app, "zhumadian", kind="monthly", as_of=date(2024, 4, 30))
        assert b.office is not None and b.office.per_mu is not None
        # D's tax per 亩 15万 ≥ 10万, E's 4万 is not
        assert str(b.office.per_mu.tax_pass) == "1/2 = 50.0%"
        zh = bulletin_markdown(b)
        assert "| 亩均税收达标率 | 1/2 = 50.0% |" in zh and "本市未设亩均标准" not in zh
        assert "| Tax per mu at benchmark | 1/2 = 50.0% |" in bulletin_markdown(b, "en")
        # 履约 within 60 days (the drive's A took 88, F 72): none of the 2024 signings so far
        fulfilment = next(r for r in b.office.rates if r.name == "fulfilment")
        assert fulfilment.numerator == 0


def test_an_office_settings_answer_of_the_wrong_type_names_the_plugin() -> None:
    wrong = zhumadian_with(lambda city: {"tax_per_mu": 100000})
    pm = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian-wrong", wrong)])
    (city,) = city_profiles(pm).values()
    with pytest.raises(PluginError, match="zhumadian-wrong"):
        office_settings(pm, city)
