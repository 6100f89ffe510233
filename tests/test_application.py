"""The application layer on SQLite and PostgreSQL: the same scenario, the same refusals."""

from __future__ import annotations

import copy
import multiprocessing
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import inspect, text

import process_workers
from conftest import POSTGRES_URL, require_postgres
from domain_helpers import CLERK, VERIFIER, VERIFIER_2
from projlife.app.application import DatabaseNotInitialised, Projlife, connect
from projlife.app.commands import ConceiveProject, FlagProject, ReportInvestment, SignProject
from projlife.domain import (
    CommandRejected,
    IllegalTransition,
    Money,
    NotFound,
    Project,
    ProjectCategory,
    Stage,
    project_id_for,
)

CITY = "420900"
ACTOR = {"id": "clerk-1", "role": "clerk", "area_code": "420902"}


def _rows(app: Projlife) -> int:
    with app.sql() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {app.url.events_table}")).scalar_one())


def _conceive(app: Projlife, code: str = "XG-2024-001", **overrides: Any) -> uuid.UUID:
    command: dict[str, Any] = {
        "command": "conceive",
        "code": code,
        "project_name": "新能源电池项目",
        "city_code": CITY,
        "area_code": "420902",
        "category": "industrial",
        "planned_investment_yuan": "500000000",
        "occurred_on": "2024-01-10",
        "actor": ACTOR,
    }
    command.update(overrides)
    return app.projects.execute(command).aggregate_id


def _state(project: Project) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in vars(project).items() if k != "_pending_events"})


# -- the same lifecycle on both databases ---------------------------------------------------------


def test_a_project_lives_its_whole_life(app: Projlife) -> None:
    pid = _conceive(app)
    assert pid == project_id_for(CITY, "XG-2024-001")
    steps: list[dict[str, Any]] = [
        {"command": "reserve", "occurred_on": "2024-01-20"},
        {
            "command": "sign",
            "occurred_on": "2024-02-01",
            "amount_yuan": "480000000.00",
            "counterparty": "某电池公司",
        },
        {"command": "start", "occurred_on": "2024-03-15", "evidence": ["施工许可证 420902-2024-17"]},
        {
            "command": "report_investment",
            "occurred_on": "2024-04-05",
            "month": "2024-03-01",
            "amount_yuan": "12000000",
        },
        {
            "command": "report_investment",
            "occurred_on": "2024-05-05",
            "month": "2024-04-01",
            "amount_yuan": "8000000.50",
        },
        {"command": "enter_statistics", "occurred_on": "2024-06-01"},
    ]
    for step in steps:
        result = app.projects.execute({**step, "project_id": str(pid), "actor": ACTOR})
        assert result.aggregate_id == pid
    app.projects.execute(
        {
            "command": "verify",
            "project_id": str(pid),
            "stage": "signed",
            "method": "documents",
            "occurred_on": "2024-06-10",
            "actor": {"id": "verifier-1", "role": "verifier"},
        }
    )
    result = app.projects.execute(
        {
            "command": "verify",
            "project_id": str(pid),
            "stage": "started",
            "method": "site",
            "occurred_on": "2024-06-10",
            "actor": {"id": "verifier-2", "role": "verifier"},
        }
    )
    assert result.version == 9
    assert result.position is not None

    project = app.projects.find(CITY, "XG-2024-001")
    assert project.stage is Stage.IN_STATISTICS
    assert project.verified_stage is Stage.STARTED
    assert project.signed_amount == Money.yi("4.8")
    assert project.cumulative_investment == Money("20000000.50")
    assert project.stage_date(Stage.STARTED) == date(2024, 3, 15)
    assert project.version == 9
    assert _rows(app) == 9


def test_the_stored_topics_are_the_stable_event_topics(app: Projlife) -> None:
    pid = _conceive(app)
    app.projects.execute(
        {"command": "reserve", "project_id": str(pid), "occurred_on": "2024-01-20", "actor": ACTOR}
    )
    with app.sql() as conn:
        topics = [
            r[0]
            for r in conn.execute(
                text(f"SELECT topic FROM {app.url.events_table} ORDER BY originator_version")
            )
        ]
    assert topics == ["projlife:Project.Conceived", "projlife:Project.Reserved"]


# -- bad input: every problem listed, nothing written ------------------------------------------------


def test_a_bad_conceive_lists_every_problem_and_writes_nothing(app: Projlife) -> None:
    _conceive(app, code="XG-OK")
    before = _rows(app)
    with pytest.raises(CommandRejected) as caught:
        _conceive(
            app,
            code="XG-BAD",
            planned_investment_yuan="-5",
            occurred_on="next tuesday",
            project_name="项" * 201,
            area_code="999999",
            colour="red",
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"planned_investment_yuan", "occurred_on", "project_name", "colour", "area_code"}
    assert _rows(app) == before
    assert "nothing was written" in str(caught.value)


def test_float_money_and_an_unknown_city_are_both_reported(app: Projlife) -> None:
    with pytest.raises(CommandRejected) as caught:
        _conceive(app, planned_investment_yuan=0.1, city_code="999900")
    assert {p.field for p in caught.value.problems} == {"planned_investment_yuan", "city_code"}
    assert "never float" in str(caught.value)
    assert _rows(app) == 0


def test_an_unknown_area_alone_is_refused(app: Projlife) -> None:
    with pytest.raises(CommandRejected) as caught:
        _conceive(app, area_code="350203")  # a Xiamen district, not in Xiaogan
    assert [p.field for p in caught.value.problems] == ["area_code"]
    assert "not an area of 孝感市" in str(caught.value)
    assert _rows(app) == 0


def test_a_bad_project_command_lists_every_problem(app: Projlife) -> None:
    pid = _conceive(app)
    before = _rows(app)
    with pytest.raises(CommandRejected) as caught:
        app.projects.execute(
            {
                "command": "sign",
                "project_id": str(pid),
                "occurred_on": "2024-13-01",
                "amount_yuan": "-1",
                "counterparty": "x" * 201,
                "actor": {"id": "clerk-1", "role": "mayor"},
                "batch_number": 7,
            }
        )
    assert {p.field for p in caught.value.problems} == {
        "occurred_on",
        "amount_yuan",
        "counterparty",
        "actor.role",
        "batch_number",
    }
    assert _rows(app) == before


def test_an_unknown_command_is_refused(app: Projlife) -> None:
    with pytest.raises(CommandRejected) as caught:
        app.projects.execute({"command": "demolish", "occurred_on": "2024-01-01", "actor": ACTOR})
    assert [p.field for p in caught.value.problems] == ["command"]


def test_a_skipped_stage_is_an_illegal_transition_and_writes_nothing(app: Projlife) -> None:
    pid = _conceive(app)
    before = _rows(app)
    with pytest.raises(IllegalTransition, match=r"not allowed while conceived"):
        app.projects.execute(
            {"command": "start", "project_id": str(pid), "occurred_on": "2024-02-01", "actor": ACTOR}
        )
    assert _rows(app) == before
    assert app.projects.get(pid).version == 1


def test_an_unknown_project_id_is_not_found_and_writes_nothing(app: Projlife) -> None:
    with pytest.raises(NotFound, match="no project with id"):
        app.projects.execute(
            {
                "command": "reserve",
                "project_id": str(uuid.uuid4()),
                "occurred_on": "2024-02-01",
                "actor": ACTOR,
            }
        )
    assert _rows(app) == 0


def test_a_duplicate_project_code_is_refused(app: Projlife) -> None:
    _conceive(app)
    with pytest.raises(CommandRejected) as caught:
        _conceive(app, project_name="另一个项目")
    assert [p.field for p in caught.value.problems] == ["code"]
    assert "already exists" in str(caught.value)
    assert _rows(app) == 1
    assert app.projects.find(CITY, "XG-2024-001").name == "新能源电池项目"


# -- ingest -----------------------------------------------------------------------------------------------


def _conceive_cmd(code: str) -> ConceiveProject:
    return ConceiveProject(
        code=code,
        project_name=f"项目{code}",
        city_code=CITY,
        area_code="420902",
        category=ProjectCategory.INDUSTRIAL,
        planned_investment_yuan=Money.yi(1).yuan,
        occurred_on=date(2024, 1, 10),
        actor=CLERK,
    )


def test_ingest_commits_whole_batches_and_discards_only_the_bad_one(app: Projlife) -> None:
    commands = [_conceive_cmd(f"B-{i}") for i in range(5)]
    # the sixth command (in the second batch of 4) signs a project before... nothing: it was never conceived
    commands.insert(
        5,
        SignProject(
            project_id=uuid.uuid4(),
            amount_yuan=1,
            counterparty="x",
            occurred_on=date(2024, 2, 1),
            actor=CLERK,
        ),
    )
    commands += [_conceive_cmd("B-late")]
    with pytest.raises(NotFound) as caught:
        app.projects.ingest(commands, batch_size=4)
    assert "4 earlier command(s) were committed; this batch of 2 was not" in caught.value.__notes__
    assert _rows(app) == 4
    assert {app.projects.find(CITY, f"B-{i}").code for i in range(4)} == {"B-0", "B-1", "B-2", "B-3"}
    with pytest.raises(NotFound):
        app.projects.find(CITY, "B-4")


def test_ingest_reports_what_it_wrote(app: Projlife) -> None:
    pid = project_id_for(CITY, "I-1")
    commands = [
        _conceive_cmd("I-1"),
        SignProject(
            project_id=pid, amount_yuan=1000, counterparty="甲", occurred_on=date(2024, 2, 1), actor=CLERK
        ),
        ReportInvestment(
            project_id=pid, month=date(2024, 2, 1), amount_yuan=5, occurred_on=date(2024, 3, 1), actor=CLERK
        ),
        _conceive_cmd("I-2"),
        FlagProject(project_id=pid, flag="lagging", occurred_on=date(2024, 3, 1), actor=CLERK),
    ]
    report = app.projects.ingest(commands, batch_size=2)
    assert (report.commands, report.events, report.aggregates) == (5, 5, 4)  # I-1 is saved in two batches
    assert app.projects.get(pid).version == 4
    assert _rows(app) == 5


def test_ingest_refuses_a_duplicate_within_one_batch(app: Projlife) -> None:
    with pytest.raises(CommandRejected, match="already exists"):
        app.projects.ingest([_conceive_cmd("D-1"), _conceive_cmd("D-1")])
    assert _rows(app) == 0


# -- transcoding of every event type -------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)  # a StrEnum member becomes its value
    return value


def _every_event_project() -> Project:
    from domain_helpers import new_project
    from projlife.domain.project_office import FundingProgram, FundingStatus, ListName, SponsorWork

    p = new_project("ALL-1", on=date(2024, 1, 10))
    d = date(2024, 1, 10)
    p.plan_milestone(milestone="site_selection", planned_on=date(2024, 2, 1), occurred_on=d, actor=CLERK)
    p.meet_milestone(milestone="site_selection", occurred_on=date(2024, 1, 15), actor=CLERK)
    p.schedule_stage(stage="started", planned_on=date(2024, 4, 1), occurred_on=d, actor=CLERK, reason="计划")
    p.assign_sponsor(leader="王副市长", department="市发改委", occurred_on=d, actor=CLERK)
    p.form_team(team="电池专班", lead="李四", occurred_on=d, actor=CLERK)
    p.flag(flag="lagging", occurred_on=d, actor=CLERK)
    p.clear_flag(flag="lagging", occurred_on=date(2024, 1, 11), actor=CLERK)
    p.reserve(occurred_on=date(2024, 1, 20), actor=CLERK)
    p.sign(
        amount=Money("480000000.01"),
        counterparty="某电池公司",
        batch="第一批",
        occurred_on=date(2024, 2, 1),
        actor=CLERK,
        evidence=("合同 A-1", "照片"),
    )
    p.enter_list(list_name=ListName.CITY_KEY, period="2024", occurred_on=date(2024, 2, 2), actor=CLERK)
    p.leave_list(
        list_name=ListName.CITY_KEY, period="2024", occurred_on=date(2024, 2, 3), actor=CLERK, reason="调出"
    )
    p.record_sponsor_work(
        work=SponsorWork.MONTHLY_VISIT,
        by="王副市长",
        findings="进度正常",
        occurred_on=date(2024, 2, 5),
        actor=CLERK,
    )
    p.apply_for_funding(
        application_ref="ZXZ-1",
        program=FundingProgram.SPECIAL_BOND,
        amount=Money.wan("500"),
        occurred_on=date(2024, 2, 6),
        actor=CLERK,
    )
    p.change_funding_status(
        application_ref="ZXZ-1",
        status=FundingStatus.APPROVED,
        amount=Money.wan("400"),
        occurred_on=date(2024, 2, 7),
        actor=CLERK,
    )
    p.land(occurred_on=date(2024, 2, 10), actor=CLERK)
    p.reclaim_land(occurred_on=date(2024, 2, 11), actor=CLERK, area_mu=Decimal("12.5"))
    p.verify(stage="signed", method="documents", occurred_on=date(2024, 2, 12), actor=VERIFIER)
    p.start(occurred_on=date(2024, 3, 1), actor=CLERK)
    p.report_investment(
        month=date(2024, 3, 1), amount=Money.wan("1200.5"), occurred_on=date(2024, 4, 5), actor=CLERK
    )
    p.accept_part(part="1号厂房", occurred_on=date(2024, 3, 20), actor=CLERK)
    p.begin_part_production(part="1号厂房", occurred_on=date(2024, 4, 1), actor=CLERK)
    p.enter_statistics(occurred_on=date(2024, 4, 10), actor=CLERK)
    p.complete(occurred_on=date(2024, 8, 1), actor=CLERK)
    p.issue_certificate(certificate="不动产权证", occurred_on=date(2024, 8, 5), actor=CLERK)
    p.begin_production(occurred_on=date(2024, 9, 1), actor=CLERK)
    p.stop_production(occurred_on=date(2024, 9, 10), actor=CLERK, reason="检修")
    p.resume_production(occurred_on=date(2024, 9, 20), actor=CLERK)
    p.become_above_scale(occurred_on=date(2024, 10, 1), actor=CLERK)
    p.reach_capacity(occurred_on=date(2024, 11, 1), actor=CLERK)
    p.report_per_mu(
        year=2024,
        land_mu=Decimal("12.5"),
        output=Money.wan("3000"),
        revenue=Money.wan("3200"),
        tax=Money.wan("150"),
        occurred_on=date(2024, 11, 5),
        actor=CLERK,
    )
    p.reject_claim(
        stage="at_capacity", reason="产值未达设计", occurred_on=date(2024, 11, 20), actor=VERIFIER_2
    )
    p.correct(
        target_version=10,
        field="signed_amount",
        new_value="470000000.00",
        occurred_on=date(2024, 11, 21),
        actor=CLERK,
        reason="合同补充协议",
    )
    p.remove_from_pool(pool="producing", reason_code="other", occurred_on=date(2024, 12, 1), actor=CLERK)
    p.cancel(occurred_on=date(2024, 12, 2), actor=CLERK, reason="企业破产")
    return p


def test_every_event_type_round_trips_through_the_real_store(app: Projlife) -> None:
    project = _every_event_project()
    recorded = {type(e) for e in project.pending_events}
    declared = {
        cls
        for cls in vars(Project).values()
        if isinstance(cls, type) and issubclass(cls, Project.Event) and "TOPIC" in vars(cls)
    }
    assert recorded == declared, declared - recorded
    originals = list(project.pending_events)
    app.store.save(project)

    stored = app.store.repository.get(project.id)

    assert _state(stored) == _state(project)
    assert stored.signed_amount == Money("470000000.00")
    assert stored.verified_stage is Stage.SIGNED
    assert stored.stage is Stage.ABOVE_SCALE
    decoded = list(app.store.events.get(project.id))
    # JSON has no tuples or enums: read back, they are lists and plain strings (equal values).
    assert [(type(e), _plain(vars(e))) for e in decoded] == [(type(e), _plain(vars(e))) for e in originals]


# -- tables ----------------------------------------------------------------------------------------------


def test_opening_an_uninitialised_database_says_how_to_initialise_it(empty_db_url: str) -> None:
    with pytest.raises(DatabaseNotInitialised) as caught:
        connect(empty_db_url)
    assert "projlife init --db URL" in str(caught.value)


def test_create_tables_is_idempotent(app: Projlife) -> None:
    _conceive(app)
    app.create_tables()
    app.create_tables()
    with connect(app.url.raw, create_tables=True) as again:
        assert again.projects.find(CITY, "XG-2024-001").code == "XG-2024-001"
    assert _rows(app) == 1


@pytest.mark.parametrize("processes", [3])
def test_create_tables_from_several_processes_at_once(empty_db_url: str, processes: int) -> None:
    db_url = empty_db_url
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(processes)
        with ctx.Pool(processes) as pool:
            errors = pool.starmap(process_workers.create_tables_at_once, [(db_url, barrier)] * processes)
    assert errors == [None] * processes
    with connect(db_url) as app:
        assert inspect(app.engine).has_table(app.url.events_table, schema=app.url.schema)
        assert _conceive(app) == project_id_for(CITY, "XG-2024-001")


@pytest.mark.postgres
def test_postgres_url_without_schema_uses_public_tables() -> None:
    require_postgres()
    from projlife.store.database import DatabaseURL

    url = DatabaseURL.parse(POSTGRES_URL)
    assert url.schema is None
    assert url.events_table == "projlife_events"
