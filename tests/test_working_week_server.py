"""The weekly meeting and the working-week project commands over HTTP, with the token's actor and area scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

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
