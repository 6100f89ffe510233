"""The authoring kit's strategies (issue 16): date ranges, investment reports, tickets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import uuid4

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from projlife.app.application import connect
from projlife.plugins.cities import xiaogan
from projlife.testing.strategies import date_ranges, investment_reports, tickets

CITY = xiaogan.CITY


@given(date_ranges(start=date(2024, 1, 1), end=date(2024, 12, 31), max_days=30))
def test_a_date_range_is_ordered_within_its_bounds_and_length(r: tuple[date, date]) -> None:
    first, last = r
    assert date(2024, 1, 1) <= first <= last <= date(2024, 12, 31)
    assert (last - first).days <= 30


@given(st.data())
def test_investment_reports_are_one_per_month_on_the_first_in_order(data: st.DataObject) -> None:
    reports = data.draw(investment_reports(uuid4(), CITY))
    months = [r.month for r in reports]
    assert months == sorted(set(months)) and all(m.day == 1 for m in months)
    assert all(r.amount_yuan >= 0 for r in reports)


@given(tickets(CITY))
def test_a_ticket_is_raised_in_an_area_of_its_city(t: object) -> None:
    assert t.city_code == CITY.code and t.area_code in CITY.areas  # type: ignore[attr-defined]


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_generated_tickets_and_reports_are_accepted_by_projlife(tmp_path: Path, data: st.DataObject) -> None:
    db = tmp_path / f"s{uuid4().hex}.db"
    with connect(f"sqlite:///{db}", create_tables=True) as app:
        ticket = data.draw(tickets(CITY))
        app.tickets.execute(ticket)
        app.projects.execute(
            {"command": "conceive", "code": "P1", "project_name": "甲", "city_code": CITY.code,
             "area_code": ticket.area_code, "category": "industrial", "planned_investment_yuan": "300000000",
             "occurred_on": "2020-01-01", "actor": {"id": "c", "role": "clerk"}}
        )  # fmt: skip
        pid = app.projects.find(CITY.code, "P1").id
        app.projects.execute(
            {"command": "sign", "project_id": str(pid), "amount_yuan": "300000000", "counterparty": "甲",
             "occurred_on": "2020-01-02", "actor": {"id": "c", "role": "clerk"}}
        )  # fmt: skip
        for report in data.draw(investment_reports(pid, CITY, start=date(2020, 2, 1))):
            app.projects.execute(report)
