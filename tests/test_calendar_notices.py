"""Holiday notices: the real 2024–2026 State Council notices, a synthetic 2027 one, versions, warnings."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import chinese_calendar
import pytest

from projlife.app.application import connect
from projlife.calendar import (
    DeadlineRule,
    HolidayNotice,
    NoticeError,
    StoredNotice,
    WorkdayCalendar,
    calendar_with_notices,
)
from projlife.cli.app import main
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.engine import ProjectFacts, evaluate_deadlines
from projlife.plugins.rules import DeadlineSpec, EventRef, RuleSet
from projlife.plugins.types import CityProfile

DATA = Path(__file__).parent / "data" / "calendar"
REAL = {2024: "notice-2024.toml", 2025: "notice-2025.json", 2026: "notice-2026.toml"}
SYNTHETIC_2027 = DATA / "notice-2027-synthetic.json"
NINETY = DeadlineRule.parse("90 working days")


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", sorted(REAL))
def test_the_real_notice_alone_gives_every_day_of_its_year_as_chinesecalendar_does(year: int) -> None:
    notice = HolidayNotice.from_file(DATA / REAL[year])
    assert notice.year == year
    cal = notice.calendar()
    assert cal.has_official_data(year)
    differing = [d for d in _days(year) if cal.is_workday(d) != chinese_calendar.is_workday(d)]
    assert differing == []
    # the make-up days are weekend days the package also calls working days (调休)
    assert notice.workdays and all(
        d.weekday() >= 5 and chinese_calendar.is_workday(d) for d in notice.workdays
    )


def test_the_installed_chinesecalendar_covers_2026_but_not_2027() -> None:
    cal = WorkdayCalendar.china()
    assert cal.has_official_data(2026)
    assert not cal.has_official_data(2027)
    assert cal.calendar_version.startswith("chinesecalendar ")


def test_a_notice_round_trips_through_its_stored_form_with_the_same_hash() -> None:
    notice = HolidayNotice.from_file(DATA / REAL[2024])
    again = HolidayNotice.from_mapping(json.loads(notice.canonical_json()))
    assert again == notice
    assert again.sha256 == notice.sha256
    assert (date(2024, 2, 10), "春节") in notice.names


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        ({"year": 2027, "holidays": [], "workdays": ["2027-02-15"]}, "not a Saturday or Sunday"),
        ({"year": 2027, "holidays": ["2029-05-01"], "workdays": []}, "outside the notice's year"),
        ({"year": 2027, "holidays": ["2027-13-01"], "workdays": []}, "not an ISO date"),
        ({"year": 2027, "holidays": [], "workdays": [], "typo": 1}, "unknown keys"),
        ({"year": 2027, "holidays": []}, "missing keys"),
        ({"year": 2027, "holidays": ["2027-02-13"], "workdays": ["2027-02-13"]}, "both off and working"),
        (
            {"year": 2027, "holidays": [{"from": "2027-03-01", "to": "2027-02-01"}], "workdays": []},
            "reversed",
        ),
    ],
)
def test_a_malformed_notice_is_refused_with_what_is_wrong(doc: dict[str, object], says: str) -> None:
    with pytest.raises(NoticeError, match=says):
        HolidayNotice.from_mapping(doc)


def test_a_deadline_into_a_year_without_data_warns_and_a_loaded_notice_settles_it() -> None:
    bare = WorkdayCalendar.china()
    before = NINETY.due(date(2026, 11, 2), bare)
    assert before.provisional and before.years_without_data == (2027,)
    assert before.warning is not None and "2027" in before.warning

    notice = HolidayNotice.from_file(SYNTHETIC_2027)
    loaded = calendar_with_notices(bare, [StoredNotice(notice, 1, "张三", "2026-12-01T00:00:00+00:00")])
    after = NINETY.due(date(2026, 11, 2), loaded)
    assert not after.provisional and after.warning is None
    assert after.calendar_version.endswith("notice 2027 v1")
    # inside the 90 days: 元旦 (Fri 2027-01-01, -1) and the synthetic Spring Festival
    # (2027-02-05..12: 6 weekdays off, -6; Sunday 02-14 a make-up day, +1): 6 days later
    assert loaded.working_days_between(before.due_on, after.due_on) == 6
    assert loaded.is_workday(date(2027, 2, 14)) and not loaded.is_workday(date(2027, 2, 8))


def test_the_latest_version_of_a_year_replaces_the_earlier_one_entirely() -> None:
    v1 = HolidayNotice.from_file(SYNTHETIC_2027)
    v2 = HolidayNotice.from_mapping({"year": 2027, "holidays": ["2027-01-01"], "workdays": []})
    cal = calendar_with_notices(
        WorkdayCalendar.china(), [StoredNotice(v2, 2, "b", "t2"), StoredNotice(v1, 1, "a", "t1")]
    )
    assert cal.is_workday(date(2027, 2, 8))  # v1's Spring Festival is gone
    assert "notice 2027 v2" in cal.calendar_version and "v1" not in cal.calendar_version


TREE = AreaTree(
    [Area("990000", "示例市", AreaLevel.CITY), Area("990001", "甲县", AreaLevel.COUNTY, "990000")]
)
CITY = CityProfile("demo", "990000", "示例市", "Demo", TREE)
SPEC = DeadlineSpec(
    "start-90wd", "签约后90个工作日内开工", EventRef.stage("signed"), EventRef.stage("started"), NINETY
)


class _Facts:
    def project_facts(self, city: CityProfile) -> list[ProjectFacts]:
        return [
            ProjectFacts(
                project_id=uuid4(),
                code="P1",
                area_code="990001",
                category=ProjectCategory.INDUSTRIAL,
                planned_investment=Money.yi("2"),
                conceived_on=date(2026, 9, 1),
                signed_amount=None,
                stage_dates={Stage.CONCEIVED: date(2026, 9, 1), Stage.SIGNED: date(2026, 11, 2)},
                removed={},
                cancelled_on=None,
                investment={},
            )
        ]


def _verdict(calendar: WorkdayCalendar) -> tuple[date, str, tuple[int, ...]]:
    rules = RuleSet(city="demo", city_code="990000", period=Period.parse("2026"), deadlines=(SPEC,))
    (r,) = evaluate_deadlines(_Facts(), CITY, date(2026, 12, 1), rules=rules, calendar=calendar).results
    return r.due_on, r.calendar_version, r.years_without_data


def test_loading_notices_stores_versions_and_never_changes_a_verdict_already_made(db_url: str) -> None:
    with connect(db_url, create_tables=True) as pl:
        past = _verdict(pl.calendar)
        assert past[1] == WorkdayCalendar.china().calendar_version and past[2] == (2027,)

        notice = HolidayNotice.from_file(SYNTHETIC_2027)
        first = pl.load_calendar_notice(notice, loaded_by="张三", reason="2027 notice published")
        assert first is not None and first.label == "notice 2027 v1" and first.loaded_by == "张三"
        assert pl.load_calendar_notice(notice, loaded_by="李四") is None  # identical: nothing stored
        now = _verdict(pl.calendar)
        assert now[1].endswith("notice 2027 v1") and now[2] == ()
        assert now[0] != past[0]
        assert past[1] == WorkdayCalendar.china().calendar_version  # the old verdict still names its data

        fixed = HolidayNotice.from_mapping({**notice.as_dict(), "workdays": []})
        second = pl.load_calendar_notice(fixed, loaded_by="李四", reason="correction: no make-up days")
        assert second is not None and second.version == 2

    with connect(db_url) as pl:  # a new connection builds its calendar from the stored notices
        stored = pl.calendar_notices.stored()
        assert [(s.label, s.loaded_by) for s in stored] == [
            ("notice 2027 v1", "张三"),
            ("notice 2027 v2", "李四"),
        ]
        assert stored[0].notice == HolidayNotice.from_file(SYNTHETIC_2027)  # v1 kept as loaded
        assert _verdict(pl.calendar)[1].endswith("notice 2027 v2")
        assert not pl.calendar.is_workday(date(2027, 2, 14))


def test_the_cli_loads_a_notice_and_refuses_a_bad_file_without_storing(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(sqlite_url, create_tables=True).close()
    bad = tmp_path / "bad.json"
    bad.write_text('{"year": 2027, "holidays": [], "workdays": ["2027-02-15"]}', encoding="utf-8")
    assert main(["calendar", "load", str(bad), "--db", sqlite_url]) == 2
    assert "not a Saturday or Sunday" in capsys.readouterr().err
    assert main(["calendar", "load", str(SYNTHETIC_2027), "--db", sqlite_url, "--by", "王五"]) == 0
    assert "notice 2027 v1" in capsys.readouterr().out
    assert main(["calendar", "show", "--db", sqlite_url]) == 0
    shown = capsys.readouterr().out
    assert "王五" in shown and "in force: chinesecalendar" in shown and "notice 2027 v1" in shown
    with connect(sqlite_url) as pl:
        assert [s.version for s in pl.calendar_notices.stored()] == [1]


def test_a_bulletin_in_a_year_without_data_warns_in_its_text_json_and_on_the_console(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from decimal import Decimal

    from projlife.app.commands import ConceiveProject
    from projlife.domain.actor import Actor, Role

    with connect(sqlite_url, create_tables=True) as pl:
        county = next(a.code for a in pl.city("xiaogan").areas if a.level is AreaLevel.COUNTY)
        pl.projects.execute(
            ConceiveProject(
                code="420900-2026-00001",
                project_name="孝感示例产业园项目",
                city_code="420900",
                area_code=county,
                category=ProjectCategory.INDUSTRIAL,
                planned_investment_yuan=Decimal("200000000"),
                occurred_on=date(2026, 12, 1),
                actor=Actor("clerk", Role.CLERK, county),
            )
        )
    args = ["report", "weekly", "--db", sqlite_url, "--city", "xiaogan", "--as-of", "2027-03-01"]
    assert main(args) == 0
    out = capsys.readouterr()
    assert "2027年尚无国务院节假日安排数据" in out.out
    assert "warning" in out.err and "2027" in out.err
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["deadlines"]["years_without_data"] == [2027] and "2027" in data["warnings"][0]
    assert main(["calendar", "load", str(SYNTHETIC_2027), "--db", sqlite_url, "--by", "王五"]) == 0
    capsys.readouterr()
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["warnings"] == [] and data["deadlines"]["calendar_version"].endswith("notice 2027 v1")
