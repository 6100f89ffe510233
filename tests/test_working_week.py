"""The office's working week, hand-worked on one small 驻马店 drive, on SQLite, PostgreSQL and MariaDB.

The scenario (every date a business date; all industrial projects of 2亿元):

======  ==========================================================================================
ZMD-A   signed 2024-02-10, landed 03-01, on 开工一批 2024-Q2 from 03-28, started 05-08;
        on the 市重点 list of 2024 from 01-15
ZMD-B   signed 2024-02-20, landed 06-15, on 开工一批 2024-Q2 from 03-28, started 07-03 (late);
        on the 市重点 list of 2024 from 01-15
ZMD-C   signed 2024-03-05, on 开工一批 2024-Q2 from 03-28, taken off it on 05-10
ZMD-D   2023: signed 02-01, started 03-01, 纳统 04-01, completed 10-01 (certificate 10-20),
        producing 11-01; 进规 2024-03-15; enterprise E2
ZMD-E   as D but producing 2023-12-01; 进规 2024-03-20; stopped producing 2024-04-01; enterprise E2
ZMD-F   reserved 2023-06-01, signed 2024-01-20, landed 02-01, started 04-01
ZMD-G   reserved 2023-09-01, nothing since
======  ==========================================================================================
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from projlife.app.application import Projlife
from projlife.domain.credit_code import make_credit_code
from projlife.domain.errors import CommandRejected, IllegalTransition, PermissionDenied, ProjlifeError
from projlife.domain.project_office import FundingStatus, ListName, SponsorWork
from projlife.projections.counting.office import (
    FiscalReading,
    LandYieldReading,
    MaturityReading,
    MuBenchmarks,
    OfficeRateSettings,
    PrecisionReading,
    mean_days,
)
from projlife.reports.bulletin import build_bulletin
from projlife.reports.half_year_pack import pack_html, pack_markdown, write_packs_xlsx
from projlife.reports.meeting_agenda import agenda_markdown
from projlife.reports.office_sheets import (
    COMPLETION_SHEET,
    DECISIONS_SHEET,
    FUNDING_SHEET,
    LISTS_SHEET,
    PER_MU_SHEET,
    VISITS_SHEET,
    OfficeImportRejected,
    export_office_xlsx,
    import_office_xlsx,
)
from projlife.reports.outputs import write_reports
from projlife.reports.render_md import bulletin_json, bulletin_markdown

CITY = "411700"
AREA = "411702"
CLERK = {"id": "clerk-411702", "role": "clerk", "area_code": AREA}
HANDLER = {"id": "handler-1", "role": "handler"}
E2 = make_credit_code("411702", "MA40000E")


def run(app: Projlife, command: str, pid: Any, on: str, **fields: Any) -> None:
    app.projects.execute({"command": command, "project_id": pid, "occurred_on": on, "actor": CLERK, **fields})


def conceive(app: Projlife, code: str, on: str, **fields: Any) -> Any:
    return app.projects.execute(
        {
            "command": "conceive",
            "code": code,
            "project_name": f"项目{code}",
            "city_code": CITY,
            "area_code": AREA,
            "category": "industrial",
            "planned_investment_yuan": "200000000",
            "occurred_on": on,
            "actor": CLERK,
            **fields,
        }
    ).aggregate_id


def sign(app: Projlife, pid: Any, on: str) -> None:
    run(app, "sign", pid, on, amount_yuan="200000000", counterparty="某某实业有限公司")


def drive(app: Projlife) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    a = ids["A"] = conceive(app, "ZMD-A", "2024-01-05")
    b = ids["B"] = conceive(app, "ZMD-B", "2024-01-05")
    c = ids["C"] = conceive(app, "ZMD-C", "2024-01-05")
    for pid in (a, b):
        run(
            app,
            "enter_list",
            pid,
            "2024-01-15",
            list_name="city_key",
            period="2024",
            evidence=["驻政〔2024〕3号"],
        )
    sign(app, a, "2024-02-10")
    run(app, "land", a, "2024-03-01")
    sign(app, b, "2024-02-20")
    sign(app, c, "2024-03-05")
    for pid in (a, b, c):
        run(app, "enter_list", pid, "2024-03-28", list_name="start_batch", period="2024-Q2")
    run(app, "start", a, "2024-05-08")
    run(
        app,
        "leave_list",
        c,
        "2024-05-10",
        list_name="start_batch",
        period="2024-Q2",
        reason="前期手续未完成，调出",
    )
    run(app, "land", b, "2024-06-15")
    run(app, "start", b, "2024-07-03")
    for key, code, producing in (("D", "ZMD-D", "2023-11-01"), ("E", "ZMD-E", "2023-12-01")):
        pid = ids[key] = conceive(app, code, "2023-01-10", enterprise_code=E2)
        sign(app, pid, "2023-02-01")
        run(app, "start", pid, "2023-03-01")
        run(app, "enter_statistics", pid, "2023-04-01")
        run(app, "complete", pid, "2023-10-01")
        run(app, "begin_production", pid, producing)
    run(app, "issue_certificate", ids["D"], "2023-10-20", certificate="不动产权证")
    run(app, "become_above_scale", ids["D"], "2024-03-15")
    run(app, "become_above_scale", ids["E"], "2024-03-20")
    run(app, "stop_production", ids["E"], "2024-04-01", reason="订单不足停产")
    f = ids["F"] = conceive(app, "ZMD-F", "2023-06-01", reserved=True)
    sign(app, f, "2024-01-20")
    run(app, "land", f, "2024-02-01")
    run(app, "start", f, "2024-04-01")
    ids["G"] = conceive(app, "ZMD-G", "2023-09-01", reserved=True)
    # sponsorship: B's sponsor last visited in March; A's in April; one 人大 site check in week 16
    run(
        app,
        "record_sponsor_work",
        b,
        "2024-03-12",
        work="monthly_visit",
        by="李副市长",
        findings="用地报批材料不全",
    )
    run(
        app,
        "record_sponsor_work",
        a,
        "2024-04-10",
        work="monthly_visit",
        by="张副市长",
        findings="施工用电未接入",
        ticket_codes=["ZMD-T-1"],
        evidence=["调研记录2024-04-10.pdf"],
    )
    run(
        app, "record_sponsor_work", a, "2024-04-17", work="site_check", by="市人大赵主任", findings="进度正常"
    )
    app.projections.run()
    return ids


def test_lists_carry_their_own_dates_and_the_batch_check_counts_the_declared_list(app: Projlife) -> None:
    ids = drive(app)
    stays = app.office.list_memberships(CITY, list_name="start_batch", period="2024-Q2")
    by_code = {m.code: m for m in stays}
    assert by_code["ZMD-C"].entered_on == date(2024, 3, 28)
    assert by_code["ZMD-C"].left_on == date(2024, 5, 10)
    assert by_code["ZMD-A"].left_on is None
    assert [
        m.code for m in app.office.members(CITY, "start_batch", day=date(2024, 5, 1), period="2024-Q2")
    ] == ["ZMD-A", "ZMD-B", "ZMD-C"]
    # 当季按时开工: on the list at quarter end A and B; A started 05-08 (in Q2), B 07-03 (late) → 1/2
    check = app.office_figures.batch_check(CITY, "start_batch", "2024-Q2")
    assert (check.rate.numerator, check.rate.denominator) == (1, 2)
    assert str(check.rate) == "1/2 = 50.0%"
    assert check.late == ("ZMD-B",)
    assert check.rate.numerator_ids == (str(ids["A"]),)
    # the city-key list of 2024 holds A and B from 01-15
    assert {
        m.code for m in app.office.members(CITY, ListName.CITY_KEY, day=date(2024, 6, 30), period="2024")
    } == {"ZMD-A", "ZMD-B"}


def test_the_rates_004_names_have_the_hand_worked_numerators_and_denominators(app: Projlife) -> None:
    drive(app)
    rates = app.office_figures.rates(CITY, "2024-H1")
    got = {k: (r.numerator, r.denominator) for k, r in rates.items()}
    assert got == {
        # signed in H1: A, B, C, F; landed by 06-30: A (03-01), B (06-15), F (02-01)
        "precision": (3, 4),
        # promised start = signing + 90 days, due by 06-30 for all four; A 05-08 ≤ 05-10, F 04-01 ≤ 04-19
        "fulfilment": (2, 4),
        # completed by 06-30: D, E; E stopped producing on 04-01
        "survival": (1, 2),
        # in the reserve pool before 2024-01-01 and not started: F, G; F started 04-01
        "maturity": (1, 2),
        # signed in 2024 by 06-30: A, B, C, F; landed in 2024: A, B, F
        "signed_landed_same_year": (3, 4),
    }
    assert str(rates["survival"]) == "1/2 = 50.0%"
    other = app.office_figures.rates(
        CITY,
        "2024-H1",
        settings=OfficeRateSettings(
            precision=PrecisionReading.STILL_ALIVE,
            fulfilment_days=60,
            maturity=MaturityReading.MILESTONES_MET,
        ),
    )
    # none cancelled or removed → 4/4; within 60 days none: A took 88 days (02-10 → 05-08), F 72 (01-20 → 04-01)
    assert (other["precision"].numerator, other["precision"].denominator) == (4, 4)
    assert (other["fulfilment"].numerator, other["fulfilment"].denominator) == (0, 4)
    assert (other["maturity"].numerator, other["maturity"].denominator) == (0, 2)


def test_new_above_scale_enterprises_are_counted_per_credit_code(app: Projlife) -> None:
    drive(app)
    count = app.office_figures.new_above_scale_enterprises(CITY, "2024-Q1")
    assert count.count == 1
    assert count.enterprises == {E2: ("ZMD-D", "ZMD-E")}
    assert count.without_code == ()
    assert app.office_figures.new_above_scale_enterprises(CITY, "2024-Q2").count == 0


def test_lead_times_from_land_to_start_and_completion_to_certificate(app: Projlife) -> None:
    drive(app)
    times = app.office_figures.land_to_start(CITY, "2024-Q2")
    assert [(t.code, t.days) for t in times] == [("ZMD-A", 68), ("ZMD-F", 60)]
    assert mean_days(times) == Decimal("64.0")
    certs = app.office_figures.completion_to_certificate(CITY, "2023-Q4")
    assert [(t.code, t.days) for t in certs] == [("ZMD-D", 19)]


def test_missing_sponsor_work_is_listed_per_period(app: Projlife) -> None:
    ids = drive(app)
    missing = app.office_figures.missing_sponsor_work(CITY, "monthly_visit", "2024-04")
    assert [(m.code, m.last_done_on) for m in missing] == [("ZMD-B", date(2024, 3, 12))]
    # 人大/政协 weekly check: owed by every project signed and not producing (A, B, C, F); A was checked
    week = app.office_figures.missing_sponsor_work(CITY, SponsorWork.SITE_CHECK, "2024-W16")
    assert [m.code for m in week] == ["ZMD-B", "ZMD-C", "ZMD-F"]
    visit = next(
        w
        for w in app.office.sponsor_work(CITY)
        if w.project_id == str(ids["A"]) and w.work is SponsorWork.MONTHLY_VISIT
    )
    assert visit.ticket_codes == ("ZMD-T-1",)
    assert visit.evidence == ("调研记录2024-04-10.pdf",)


def test_funding_applications_keep_status_and_amounts(app: Projlife) -> None:
    ids = drive(app)
    run(
        app,
        "apply_for_funding",
        ids["A"],
        "2024-03-01",
        application_ref="ZXZ-2024-01",
        program="special_bond",
        amount_yuan="50000000",
    )
    run(
        app,
        "change_funding_status",
        ids["A"],
        "2024-05-01",
        application_ref="ZXZ-2024-01",
        status="approved",
        amount_yuan="30000000",
    )
    run(
        app,
        "apply_for_funding",
        ids["B"],
        "2024-03-02",
        application_ref="ZYYS-2024-07",
        program="central_budget",
        amount_yuan="8000000",
    )
    run(
        app,
        "change_funding_status",
        ids["B"],
        "2024-04-02",
        application_ref="ZYYS-2024-07",
        status="rejected",
    )
    with pytest.raises(IllegalTransition, match="rejected"):
        run(
            app,
            "change_funding_status",
            ids["B"],
            "2024-04-03",
            application_ref="ZYYS-2024-07",
            status="approved",
            amount_yuan="1",
        )
    app.projections.run()
    apps = {a.application_ref: a for a in app.office.funding(CITY)}
    assert apps["ZXZ-2024-01"].status is FundingStatus.APPROVED
    assert apps["ZXZ-2024-01"].amount_applied == Decimal("50000000.00")
    assert apps["ZXZ-2024-01"].amount_approved == Decimal("30000000.00")
    assert apps["ZYYS-2024-07"].status is FundingStatus.REJECTED
    # as of April only the application stood
    assert {a.application_ref: a.status for a in app.office.funding(CITY, as_of=date(2024, 4, 30))}[
        "ZXZ-2024-01"
    ] is FundingStatus.APPLIED


def test_the_reserve_gate_needs_the_catalogue_and_project_approval(app: Projlife) -> None:
    pid = conceive(app, "ZMD-R", "2024-01-05")
    with pytest.raises(ProjlifeError, match="遴选指导目录"):
        run(app, "enter_list", pid, "2024-02-01", list_name="provincial_reserve")
    with pytest.raises(IllegalTransition, match="立项备案"):
        run(
            app,
            "enter_list",
            pid,
            "2024-02-01",
            list_name="provincial_reserve",
            catalogue_ref="目录 三、先进制造业 5",
        )
    run(app, "meet_milestone", pid, "2024-02-10", milestone="project_approval")
    run(
        app,
        "enter_list",
        pid,
        "2024-02-11",
        list_name="provincial_reserve",
        catalogue_ref="目录 三、先进制造业 5",
    )
    app.projections.run()
    (stay,) = app.office.list_memberships(CITY, list_name="provincial_reserve")
    assert stay.catalogue_ref == "目录 三、先进制造业 5"


def test_phased_acceptance_lets_a_part_produce_before_completion(app: Projlife) -> None:
    pid = conceive(app, "ZMD-P", "2024-01-05")
    sign(app, pid, "2024-01-20")
    with pytest.raises(IllegalTransition, match="started"):
        run(app, "accept_part", pid, "2024-02-01", part="1号厂房")
    run(app, "start", pid, "2024-02-01")
    with pytest.raises(IllegalTransition, match="acceptance"):
        run(app, "begin_part_production", pid, "2024-05-01", part="1号厂房")
    run(app, "accept_part", pid, "2024-04-20", part="1号厂房")
    run(app, "begin_part_production", pid, "2024-05-01", part="1号厂房")
    project = app.projects.get(pid)
    assert project.stage.value == "started"
    assert project.parts_producing == {"1号厂房": date(2024, 5, 1)}


def test_bad_list_input_writes_nothing_and_says_what_is_allowed(app: Projlife) -> None:
    pid = conceive(app, "ZMD-X", "2024-01-05")
    before = app.projects.get(pid).version
    with pytest.raises(ProjlifeError, match="per quarter"):
        run(app, "enter_list", pid, "2024-02-01", list_name="start_batch", period="2024")
    with pytest.raises(CommandRejected):
        run(app, "enter_list", pid, "2024-02-01", list_name="no_such_list", period="2024")
    run(app, "enter_list", pid, "2024-02-01", list_name="new_start", period="2024")
    with pytest.raises(IllegalTransition, match="新开工"):
        run(app, "enter_list", pid, "2024-02-02", list_name="continuing", period="2024")
    with pytest.raises(PermissionDenied):
        app.projects.execute(
            {
                "command": "enter_list",
                "project_id": pid,
                "occurred_on": "2024-02-03",
                "actor": HANDLER,
                "list_name": "city_key",
                "period": "2024",
            }
        )
    assert app.projects.get(pid).version == before + 1


def ticket(app: Projlife, command: str, tid: Any, on: str, **fields: Any) -> None:
    app.tickets.execute(
        {"command": command, "ticket_id": str(tid), "occurred_on": on, "actor": CLERK, **fields}
    )


def meeting(app: Projlife, command: str, on: str, **fields: Any) -> Any:
    return app.meetings.execute(
        {"command": command, "occurred_on": on, "actor": CLERK, **fields}
    ).aggregate_id


def test_the_weekly_meeting_agenda_takes_escalated_tickets_lagging_projects_and_open_decisions(
    app: Projlife,
) -> None:
    a = conceive(app, "ZMD-A", "2024-01-05")
    b = conceive(app, "ZMD-B", "2024-01-05")
    c = conceive(app, "ZMD-C", "2024-01-05")
    run(app, "schedule_stage", a, "2024-01-10", stage="started", planned_on="2024-05-01")
    run(app, "schedule_stage", c, "2024-01-10", stage="started", planned_on="2024-04-01")
    run(app, "flag", b, "2024-04-12", flag="lagging", reason="投资完成率低于序时进度")
    tid = app.tickets.execute(
        {
            "command": "raise_ticket",
            "code": "ZMD-T-1",
            "city_code": CITY,
            "area_code": AREA,
            "category": "用地",
            "description": "项目用地报批滞后",
            "raised_by": "张副市长月度调研",
            "project_id": str(a),
            "occurred_on": "2024-04-08",
            "actor": CLERK,
        }
    ).aggregate_id
    ticket(app, "assign_ticket", tid, "2024-04-08", assignee_kind="department", assignee="市自然资源局")
    # 县区 → 分管副市长 (Monday 04-15) → 市重点项目办 → 周例会 (the next Tuesday after 04-11: 04-16)
    for on in ("2024-04-08", "2024-04-10", "2024-04-11"):
        ticket(app, "escalate_ticket", tid, on)
    # last week's meeting: three decisions; the third was done on 04-12
    last = meeting(app, "convene_meeting", "2024-04-09", city_code=CITY, area_code=CITY, chair="王市长")
    for subject, due in (
        ("project:ZMD-B", "2024-04-12"),
        ("project:ZMD-C", "2024-04-30"),
        ("project:ZMD-A", "2024-04-12"),
    ):
        meeting(
            app,
            "record_decision",
            "2024-04-09",
            meeting_id=str(last),
            subject=subject,
            decision="倒排工期，一周内报送进度",
            owner="驿城区政府",
            due_on=due,
        )
    meeting(
        app, "follow_up_decision", "2024-04-12", meeting_id=str(last), number=3, outcome="done", note="已报送"
    )

    agenda = app.meeting_agenda(CITY, date(2024, 4, 16))
    assert [i.ref for i in agenda.part("tickets")] == ["ticket:ZMD-T-1"]
    projects = {i.ref: i.detail for i in agenda.part("projects")}
    assert set(projects) == {"project:ZMD-B", "project:ZMD-C"}  # A's start is planned for May
    assert "lagging" in projects["project:ZMD-B"]
    assert "2024-04-01" in projects["project:ZMD-C"]
    follow = agenda.part("follow_up")
    assert [i.ref for i in follow] == [f"decision:{last}/1", f"decision:{last}/2"]  # overdue first
    assert "逾期" in follow[0].detail and "未到期" in follow[1].detail
    md = agenda_markdown(agenda)
    assert md.startswith("# 驻马店市重点项目推进周例会议程")
    assert "## 一、提交周例会研究的问题" in md and "| 1 | ZMD-T-1 | 411702 | 项目用地报批滞后 |" in md

    # the meeting of 04-16 works from that agenda, decides on the ticket, follows up decision 1
    now = meeting(
        app,
        "convene_meeting",
        "2024-04-16",
        city_code=CITY,
        area_code=CITY,
        chair="王市长",
        agenda=list(agenda.refs),
    )
    meeting(
        app,
        "record_decision",
        "2024-04-16",
        meeting_id=str(now),
        subject="ticket:ZMD-T-1",
        decision="市自然资源局4月底前完成用地预审",
        owner="市自然资源局",
        due_on="2024-04-30",
    )
    meeting(
        app,
        "follow_up_decision",
        "2024-04-16",
        meeting_id=str(last),
        number=1,
        outcome="carried_over",
        note="进度仍滞后",
        new_due_on="2024-04-19",
    )
    with pytest.raises(ProjlifeError, match="new due date"):
        meeting(
            app,
            "follow_up_decision",
            "2024-04-16",
            meeting_id=str(last),
            number=2,
            outcome="carried_over",
            note="x",
            new_due_on="2024-04-01",
        )
    nxt = app.meeting_agenda(CITY, date(2024, 4, 23))
    assert [i.ref for i in nxt.part("follow_up")] == [
        f"decision:{last}/1",
        f"decision:{last}/2",
        f"decision:{now}/1",
    ]
    assert "2024-04-19" in nxt.part("follow_up")[0].detail
    decided = [d for d in app.office.decisions(CITY) if d.meeting_id == str(now)]
    assert [(d.subject, d.owner, d.due_on) for d in decided] == [
        ("ticket:ZMD-T-1", "市自然资源局", date(2024, 4, 30))
    ]
    with pytest.raises(PermissionDenied):
        app.meetings.execute(
            {
                "command": "record_decision",
                "occurred_on": "2024-04-16",
                "actor": HANDLER,
                "meeting_id": str(now),
                "subject": "project:ZMD-A",
                "decision": "x",
                "owner": "y",
                "due_on": "2024-04-30",
            }
        )


def test_the_bulletin_carries_the_office_section_and_its_json(app: Projlife) -> None:
    drive(app)
    b = build_bulletin(app, "zhumadian", kind="monthly", as_of=date(2024, 4, 30))
    assert b.office is not None
    md = bulletin_markdown(b)
    assert "## 重点项目名单与“三个一批”" in md
    assert "| 开工一批 | 2024-Q2 | 1/2 = 50.0% | ZMD-B |" in md
    assert "| ZMD-B | 411702 | 2024-03-12 |" in md  # no monthly visit in April
    office = json.loads(bulletin_json(b))["office"]
    assert office["batches"][0]["late"] == ["ZMD-B"]
    assert {r["name"]: r["display"] for r in office["rates"]["values"]}["survival"] == "1/2 = 50.0%"


def test_the_office_workbook_exports_and_reimports_to_the_same_facts(app: Projlife, tmp_path: Path) -> None:
    ids = drive(app)
    run(
        app,
        "apply_for_funding",
        ids["A"],
        "2024-03-01",
        application_ref="ZXZ-2024-01",
        program="special_bond",
        amount_yuan="50000000",
    )
    app.projections.run()
    path = tmp_path / "office.xlsx"
    rows = export_office_xlsx(app.office, path, city_code=CITY)
    # two city-key stays and three batch stays; three visits; one application; D's certificate
    assert rows == 5 + 3 + 1 + 1
    again = import_office_xlsx(path, city_code=CITY, app=app)
    assert again.commands == 0
    # an office edits the sheet: G joins the 2024 预备 list, A's application is approved
    wb = openpyxl.load_workbook(path)
    wb[LISTS_SHEET].append(["ZMD-G", "预备", "2024", date(2024, 5, 6), None, None, "驻发改〔2024〕9号"])
    fund = wb[FUNDING_SHEET]
    fund.cell(row=2, column=6, value="已批复")
    fund.cell(row=2, column=7, value=date(2024, 5, 20))
    fund.cell(row=2, column=8, value="30000000")
    wb.save(path)
    report = import_office_xlsx(path, city_code=CITY, app=app)
    assert report.commands == 2
    app.projections.run()
    (g,) = app.office.list_memberships(CITY, list_name="preparatory")
    assert (g.code, g.entered_by, g.evidence[0].split(":")[0]) == ("ZMD-G", "office-import", "xlsx")
    assert app.office.funding(CITY)[0].amount_approved == Decimal("30000000")
    # a bad row rejects the file and writes nothing
    wb = openpyxl.load_workbook(path)
    wb[LISTS_SHEET].append(["ZMD-A", "不存在的名单", "2024", date(2024, 5, 6), None, None, None])
    wb[VISITS_SHEET].append(["ZMD-A", "分包领导月度调研", date(2024, 5, 6), "张副市长", None, None, None])
    wb.save(path)
    before = app.store.recorder.max_notification_id()
    with pytest.raises(OfficeImportRejected) as rejected:
        import_office_xlsx(path, city_code=CITY, app=app)
    assert len(rejected.value.problems) == 2
    assert app.store.recorder.max_notification_id() == before


def test_per_mu_figures_come_in_from_the_sheet_and_give_the_indices(app: Projlife, tmp_path: Path) -> None:
    ids = drive(app)
    for key, month, amount in (
        ("D", "2023-03-01", "150000000"),
        ("D", "2023-06-01", "50000000"),
        ("E", "2023-03-01", "60000000"),
    ):
        run(app, "report_investment", ids[key], month, month=month, amount_yuan=amount)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = PER_MU_SHEET
    ws.append(["项目编号", "年度", "用地面积（亩）", "产值（元）", "营收（元）", "税收（元）"])
    ws.append(["ZMD-D", 2023, "100", "500000000", "480000000", "15000000"])
    ws.append(["ZMD-E", 2023, "50", "100000000", "100000000", "2000000"])
    path = tmp_path / "mu.xlsx"
    wb.save(path)
    assert import_office_xlsx(path, city_code=CITY, app=app).commands == 2
    app.projections.run()
    assert import_office_xlsx(path, city_code=CITY, app=app).commands == 0
    bench = MuBenchmarks(investment_per_mu=Decimal("1500000"), tax_per_mu=Decimal("100000"))
    mu = app.office_figures.per_mu(CITY, 2023, benchmarks=bench)
    got = {
        p.code: (p.investment_per_mu, p.output_per_mu, p.revenue_per_mu, p.tax_per_mu) for p in mu.projects
    }
    # D: 2亿 invested on 100 亩; E: 0.6亿 on 50 亩
    assert got == {
        "ZMD-D": (Decimal("2000000.00"), Decimal("5000000.00"), Decimal("4800000.00"), Decimal("150000.00")),
        "ZMD-E": (Decimal("1200000.00"), Decimal("2000000.00"), Decimal("2000000.00"), Decimal("40000.00")),
    }
    assert mu.tax_pass is not None and str(mu.tax_pass) == "1/2 = 50.0%"
    assert mu.investment_pass is not None and mu.investment_pass.numerator_ids == (str(ids["D"]),)
    assert mu.output_pass is None  # no benchmark, no 达标率
    assert mu.land_yield == Decimal("113333.33")  # (1500万 + 200万) ÷ 150 亩
    assert mu.fiscal_contribution == Decimal("0.0293")  # 1700万 ÷ 5.8亿
    by_revenue = app.office_figures.per_mu(
        CITY,
        2023,
        benchmarks=MuBenchmarks(
            land_yield=LandYieldReading.REVENUE_PER_MU, fiscal=FiscalReading.TAX_OVER_INVESTMENT
        ),
    )
    assert by_revenue.land_yield == Decimal("3866666.67")  # 5.8亿 ÷ 150 亩
    assert by_revenue.fiscal_contribution == Decimal("0.0654")  # 1700万 ÷ 2.6亿
    # a second report of the year needs a reason, and supersedes the first
    with pytest.raises(IllegalTransition, match="reason"):
        run(
            app,
            "report_per_mu",
            ids["E"],
            "2024-01-10",
            year=2023,
            land_mu="50",
            output_yuan="1",
            revenue_yuan="1",
            tax_yuan="1",
        )
    run(
        app,
        "report_per_mu",
        ids["E"],
        "2024-01-10",
        year=2023,
        land_mu="40",
        output_yuan="100000000",
        revenue_yuan="100000000",
        tax_yuan="2000000",
        reason="用地面积更正为40亩",
    )
    app.projections.run()
    e = next(p for p in app.office_figures.per_mu(CITY, 2023).projects if p.code == "ZMD-E")
    assert e.tax_per_mu == Decimal("50000.00")
    out = tmp_path / "out.xlsx"
    export_office_xlsx(app.office, out, city_code=CITY, per_mu_years=[2023])
    assert [
        r[:3] for r in openpyxl.load_workbook(out)[PER_MU_SHEET].iter_rows(min_row=2, values_only=True)
    ] == [
        ("ZMD-D", 2023, "100"),
        ("ZMD-E", 2023, "40"),
    ]
    assert import_office_xlsx(out, city_code=CITY, app=app).commands == 0


def jiangyan_drive(app: Projlife) -> None:
    """Four 姜堰 projects in 2023-H1: 张甸镇 signs two and starts one, 梁徐街道 signs, starts, completes and
    produces one, 开发区(三水街道) signs one (its start is in H2)."""
    clerk = {"id": "clerk-321204", "role": "clerk"}

    def jy(code: str, area: str, *steps: tuple[str, str]) -> None:
        pid = app.projects.execute(
            {
                "command": "conceive",
                "code": code,
                "project_name": code,
                "city_code": "321200",
                "area_code": area,
                "category": "industrial",
                "planned_investment_yuan": "200000000",
                "occurred_on": "2023-01-05",
                "actor": clerk,
            }
        ).aggregate_id
        for command, on in steps:
            extra = {"amount_yuan": "200000000", "counterparty": "某公司"} if command == "sign" else {}
            app.projects.execute(
                {"command": command, "project_id": pid, "occurred_on": on, "actor": clerk, **extra}
            )

    jy("JY-1", "321204-005", ("sign", "2023-03-01"), ("start", "2023-05-01"))
    jy("JY-2", "321204-005", ("sign", "2023-04-01"))
    jy(
        "JY-3",
        "321204-002",
        ("sign", "2023-02-01"),
        ("start", "2023-03-01"),
        ("enter_statistics", "2023-03-15"),
        ("complete", "2023-06-01"),
        ("begin_production", "2023-06-20"),
    )
    jy("JY-4", "321204-001", ("sign", "2023-01-10"), ("start", "2023-08-01"))


def test_the_half_year_pack_gives_each_town_its_figures_lists_and_shared_ranks(
    app: Projlife, tmp_path: Path
) -> None:
    jiangyan_drive(app)
    packs = {p.area_name: p for p in app.half_year_packs("jiangyan", "2023-H1", county="321204")}
    towns = len(packs)
    zd, lx, kf = packs["张甸镇"], packs["梁徐街道"], packs["开发区(三水街道)"]
    assert zd.figures == {"signed": 2, "started": 1, "completed": 0, "producing": 0}
    assert lx.figures == {"signed": 1, "started": 1, "completed": 1, "producing": 1}
    assert kf.figures == {"signed": 1, "started": 0, "completed": 0, "producing": 0}  # started in H2
    assert (zd.ranks["signed"], lx.ranks["signed"], kf.ranks["signed"]) == (
        (1, towns),
        (2, towns),
        (2, towns),
    )
    assert zd.ranks["started"] == lx.ranks["started"] == (1, towns)
    assert packs["顾高镇"].ranks["signed"] == (4, towns)
    assert zd.signed_amount == Decimal("400000000")
    assert zd.lists["signing"] == (("JY-1", "2023-03-01"), ("JY-2", "2023-04-01"))
    assert zd.lists["building"] == (("JY-1", "2023-05-01"),)
    assert lx.lists["building"] == () and lx.lists["finished"] == (("JY-3", "2023-06-20"),)
    md = pack_markdown(zd)
    assert md.startswith("# 张甸镇2023年上半年项目建设述职材料") and "| 签约项目 | 2 | 1/" in md
    assert "<td>JY-1</td>" in pack_html(zd)
    write_packs_xlsx(list(packs.values()), tmp_path / "packs.xlsx")
    summary = openpyxl.load_workbook(tmp_path / "packs.xlsx")["汇总"]
    assert [c.value for c in summary[1]][:3] == ["地区", "签约项目", "签约项目排名"]
    # the review: Jiangyan's half-year rule (20 × signed + 30 × started + 30 × completed + 20 × investment,
    # each ÷ the best town's): 梁徐 20×1/2 + 30 + 30 = 70, 张甸 20×2/2 + 30 = 50, 开发区 20×1/2 = 10, the rest 0
    assert lx.review is not None and zd.review is not None and kf.review is not None
    assert (lx.review.score, zd.review.score, kf.review.score) == (Decimal(70), Decimal(50), Decimal(10))
    assert (lx.review.rank, zd.review.rank, kf.review.rank) == (1, 2, 3)
    assert (lx.review.rule_id, lx.review.of, lx.review.tied) == ("half-year.review", towns, False)
    gu = packs["顾高镇"].review
    assert gu is not None and (gu.rank, gu.tied) == (4, True)  # the towns with nothing share the 4th place
    assert dict(zd.review.points) == {
        "signed": Decimal(20),
        "started": Decimal(30),
        "completed": Decimal(0),
        "investment": Decimal(0),
    }
    assert "得分 50.00，排名 2/" in md and "上半年项目建设述职 (五比五突破考核)" in md
    assert [c.value for c in summary[1]][-2:] == ["考核得分", "考核排名"]
    assert {r[-1].value for r in summary.iter_rows(min_row=2)} == {1, 2, 3, 4}


def test_the_report_files_include_the_office_workbook_when_there_are_office_facts(
    app: Projlife, tmp_path: Path
) -> None:
    drive(app)
    files = write_reports(app, app.city("zhumadian"), tmp_path / "out", as_of=date(2024, 6, 30))
    assert tmp_path / "out" / "office.xlsx" in files.files
    book = openpyxl.load_workbook(tmp_path / "out" / "office.xlsx")
    assert book.sheetnames == [
        LISTS_SHEET,
        VISITS_SHEET,
        FUNDING_SHEET,
        PER_MU_SHEET,
        COMPLETION_SHEET,
        DECISIONS_SHEET,
    ]
    assert "重点项目名单" in (tmp_path / "out" / "bulletin.md").read_text(encoding="utf-8")
