"""The weekly meeting and the working-week project commands over HTTP, with the token's actor and area scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from projlife.app.application import Projlife, connect
from projlife.app.meetings import MEETING_COMMANDS
from projlife.server import create_app
from server_helpers import CITY, SIGNING_KEY, Tokens, conceive_body, make_tokens


@pytest.fixture
def served(db_url: str) -> Iterator[tuple[Projlife, TestClient, Tokens]]:
    pl = connect(db_url, create_tables=True)
    client = TestClient(create_app(pl, signing_key=SIGNING_KEY))
    try:
        yield pl, client, make_tokens(pl)
    finally:
        client.close()
        pl.close()


def test_meetings_and_lists_are_commanded_over_http_within_the_token_scope(served: Any) -> None:
    pl, client, tokens = served

    def post(path: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.json()

    status, made = post("/api/projects/conceive", tokens.clerk, conceive_body("XG-W-1"))
    assert status == 201, made
    status, body = post(
        "/api/projects/enter_list",
        tokens.county_clerk,
        {
            "project_id": made["aggregate_id"],
            "list_name": "city_key",
            "period": "2024",
            "occurred_on": "2024-03-01",
        },
    )
    assert status == 201, body
    status, meeting = post(
        "/api/meetings/convene_meeting",
        tokens.clerk,
        {"city_code": CITY, "area_code": CITY, "chair": "市长", "occurred_on": "2024-03-05"},
    )
    assert status == 201, meeting
    decision = {
        "meeting_id": meeting["aggregate_id"],
        "subject": "project:XG-W-1",
        "decision": "两周内完成供地",
        "owner": "市自然资源和规划局",
        "due_on": "2024-03-19",
        "occurred_on": "2024-03-05",
    }
    status, body = post("/api/meetings/record_decision", tokens.county_clerk, decision)
    assert status == 403, body  # a 孝南区 clerk may not record the city meeting's decisions
    status, body = post("/api/meetings/record_decision", tokens.clerk, decision)
    assert status == 201 and body["actor"]["id"] == "clerk-1", body
    held = pl.meetings.get(pl.meetings.id_for(CITY, CITY, date(2024, 3, 5)))
    assert held.decisions[1].owner == "市自然资源和规划局"
    status, body = post("/api/meetings/no_such_command", tokens.clerk, {})
    assert status == 422 and "record_decision" in str(body)
    doc = client.get("/openapi.json").json()
    assert {f"/api/meetings/{name}" for name in MEETING_COMMANDS} <= set(doc["paths"])


def test_a_site_visit_is_drawn_and_scored_over_http_by_city_tokens_only(served: Any) -> None:
    """观摩/拉练 over HTTP: the admin draws, a scorer fills a sheet; an area token may do neither."""
    from projlife.app.site_visits import SITE_VISIT_COMMANDS
    from projlife.server.tokens import TokenStore

    pl, client, tokens = served
    store = TokenStore(pl.engine)
    scorer = store.create("scorer-1", "scorer").token
    county_scorer = store.create("xiaonan-scorer", "scorer", "420902").token

    def post(path: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.json()

    status, made = post(
        "/api/projects/conceive",
        tokens.clerk,
        conceive_body(
            "XG-SV-1", category="industrial", planned_investment_yuan="300000000", occurred_on="2023-06-01"
        ),
    )
    assert status == 201, made
    pid = made["aggregate_id"]
    for name, extra in (
        ("sign", {"amount_yuan": "300000000", "counterparty": "某公司", "occurred_on": "2023-07-01"}),
        ("start", {"occurred_on": "2023-08-01"}),
        ("enter_statistics", {"occurred_on": "2023-09-01"}),
        ("complete", {"occurred_on": "2024-03-01"}),
    ):
        status, body = post(f"/api/projects/{name}", tokens.clerk, {"project_id": pid, **extra})
        assert status == 201, (name, body)
    draw = {"city_code": CITY, "period": "2024-H1", "seed": "2024-H1-拉练", "occurred_on": "2024-06-20"}
    status, body = post("/api/site_visits/draw_site_visit", tokens.county_clerk, draw)
    assert status == 403 and body["code"] == "out_of_area", body
    status, body = post("/api/site_visits/draw_site_visit", scorer, draw)
    assert status == 403 and body["code"] == "permission_denied", body  # a scorer does not draw
    status, drawn = post("/api/site_visits/draw_site_visit", tokens.admin, draw)
    assert status == 201, drawn
    visit = pl.site_visits.get(drawn["aggregate_id"])
    assert visit.drawn == (UUID(pid),)
    sheet = {
        "visit_id": drawn["aggregate_id"],
        "project_id": pid,
        "score": "92.5",
        "occurred_on": "2024-06-21",
    }
    status, body = post("/api/site_visits/fill_score_sheet", county_scorer, sheet)
    assert status == 403 and body["code"] == "out_of_area", body
    status, body = post("/api/site_visits/fill_score_sheet", tokens.clerk, sheet)
    assert status == 403 and body["code"] == "permission_denied", body
    head = pl.store.recorder.max_notification_id()
    status, body = post("/api/site_visits/fill_score_sheet", scorer, {**sheet, "score": 92.5})
    assert status == 422 and body["code"] == "command_rejected", body  # a float score: nothing written
    assert pl.store.recorder.max_notification_id() == head
    status, body = post("/api/site_visits/fill_score_sheet", scorer, sheet)
    assert status == 201 and body["actor"]["id"] == "scorer-1", body
    assert len(pl.site_visits.get(drawn["aggregate_id"]).sheets) == 1
    doc = client.get("/openapi.json").json()
    assert {f"/api/site_visits/{name}" for name in SITE_VISIT_COMMANDS} <= set(doc["paths"])
