"""The ledger's descriptive details (team, land, flags, milestones …) answer as of a business
date and as known at a recorded time, like the figures — on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from projlife.app.application import Projlife
from projlife.domain.lifecycle import Milestone

CITY = "420900"
ACTOR = {"id": "clerk-1", "role": "clerk", "area_code": CITY}


def _do(app: Projlife, pid: Any, command: str, on: str, *, actor: Any = None, **kw: Any) -> None:
    app.projects.execute(
        {"command": command, "project_id": str(pid), "occurred_on": on, "actor": actor or ACTOR, **kw}
    )


def _conceive(app: Projlife) -> Any:
    return app.projects.execute(
        {
            "command": "conceive",
            "code": "XG-1",
            "project_name": "新能源电池项目",
            "city_code": CITY,
            "area_code": "420902",
            "category": "industrial",
            "planned_investment_yuan": "500000000",
            "enterprise_code": "91420900MA49ABCD1X",
            "area_mu": "120",
            "occurred_on": "2024-01-10",
            "actor": ACTOR,
        }
    ).aggregate_id


def _row(app: Projlife, **kw: Any) -> Any:
    app.projections.run()
    (row,) = app.ledger.rows(city="xiaogan", with_details=True, **kw)
    return row.details


def test_details_follow_the_business_date_and_the_recorded_time(app: Projlife) -> None:
    pid = _conceive(app)
    _do(app, pid, "reserve", "2024-01-20")
    _do(
        app, pid, "sign", "2024-02-01", amount_yuan="400000000", counterparty="某某新能源公司", batch="2024-1"
    )
    _do(app, pid, "flag", "2024-03-01", flag="lagging")
    time.sleep(0.01)
    then = datetime.now(UTC)
    time.sleep(0.01)
    # recorded after `then`, dated before the as-of dates asked below
    _do(app, pid, "form_team", "2024-02-05", team="电池项目专班", lead="张三")
    _do(app, pid, "plan_milestone", "2024-02-06", milestone="site_selection", planned_on="2024-04-01")
    # clearing a flag is a verifier's act (docs/security.md, the roles table)
    _do(app, pid, "clear_flag", "2024-05-01", flag="lagging", actor={"id": "verifier-1", "role": "verifier"})

    now = _row(app, as_of=date(2024, 12, 31))
    assert (now.enterprise_code, now.area_mu) == ("91420900MA49ABCD1X", Decimal(120))
    assert (now.counterparty, now.batch, now.team, now.team_lead) == (
        "某某新能源公司",
        "2024-1",
        "电池项目专班",
        "张三",
    )
    assert now.milestones_planned == {Milestone.SITE_SELECTION: date(2024, 4, 1)}
    assert now.flags_since == {}  # cleared on 1 May

    april = _row(app, as_of=date(2024, 4, 30))
    assert april.flags_since == {"lagging": date(2024, 3, 1)} and april.team == "电池项目专班"

    january = _row(app, as_of=date(2024, 1, 31))
    assert january.counterparty is None and january.team is None and january.flags_since == {}

    known = _row(app, as_of=date(2024, 12, 31), known_at=then)
    assert known.team is None and known.milestones_planned == {}  # not yet recorded at `then`
    assert known.flags_since == {"lagging": date(2024, 3, 1)}  # the clearing came later
    assert known.last_recorded is not None and known.last_recorded <= then < now.last_recorded


def test_a_corrected_land_area_applies_from_the_correction(app: Projlife) -> None:
    pid = _conceive(app)
    _do(app, pid, "correct", "2024-06-01", target_version=1, field="area_mu", new_value="150", reason="复核")
    assert _row(app, as_of=date(2024, 5, 31)).area_mu == Decimal(120)
    assert _row(app, as_of=date(2024, 6, 30)).area_mu == Decimal(150)
