"""The HTTP API on SQLite and PostgreSQL: every endpoint and every error, through a test client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from projlife.app.application import Projlife, connect
from projlife.app.commands import PROJECT_COMMANDS
from projlife.app.meetings import MEETING_COMMANDS
from projlife.app.site_visits import SITE_VISIT_COMMANDS
from projlife.domain.errors import ProjlifeError
from projlife.server import create_app
from projlife.server.errors import error_body, error_status
from projlife.server.tokens import TokenStore
from projlife.tickets.commands import TICKET_COMMANDS
from server_helpers import (
    COUNTY,
    ENTERPRISE,
    OTHER_COUNTY,
    SIGNING_KEY,
    Tokens,
    conceive_body,
    make_tokens,
    project_lifecycle,
    ticket_lifecycle,
)


@pytest.fixture
def served(db_url: str) -> Iterator[tuple[Projlife, TestClient, Tokens]]:
    pl = connect(db_url, create_tables=True)
    client = TestClient(create_app(pl, signing_key=SIGNING_KEY))
    try:
        yield pl, client, make_tokens(pl)
    finally:
        client.close()
        pl.close()


def _h(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def _post(client: TestClient) -> Any:
    def post(path: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r = client.post(path, json=body, headers=_h(token))
        return r.status_code, r.json()

    return post


def _head(pl: Projlife) -> int:
    return pl.store.recorder.max_notification_id() or 0


def test_a_project_and_a_ticket_live_their_whole_lives_over_http(served: Any) -> None:
    pl, client, tokens = served
    pid, positions = project_lifecycle(_post(client), tokens)
    tid, _ = ticket_lifecycle(_post(client), tokens)
    assert positions == sorted(positions) and len(set(positions)) == 12
    project = pl.projects.get(UUID(pid))
    assert str(project.stage) == "at_capacity"
    assert pl.tickets.get(UUID(tid)).status.value == "closed"
    # every command recorded with the token's actor
    log = pl.audit.log(project=pid)
    assert [e.actor_id for e in log[:2]] == ["clerk-1", "clerk-1"]
    assert {e.actor_id for e in log if e.event_type.endswith("StageVerified")} == {"verifier-1", "verifier-2"}


def test_an_invalid_command_lists_every_problem_with_a_stable_code_and_writes_nothing(served: Any) -> None:
    pl, client, tokens = served
    before = _head(pl)
    r = client.post(
        "/api/projects/conceive",
        json=conceive_body("XG-1", planned_investment_yuan=1.5, category="spaceport"),
        headers=_h(tokens.clerk),
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "command_rejected" and body["error"] == "CommandRejected"
    assert {p["field"] for p in body["problems"]} >= {"planned_investment_yuan", "category"}
    assert _head(pl) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"actor": {"id": "someone-else", "role": "admin"}}, "actor"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_the_actor_comes_from_the_token_never_from_the_body(
    served: Any, body: dict[str, Any], field: str
) -> None:
    pl, client, tokens = served
    r = client.post(
        "/api/projects/conceive", json={**conceive_body("XG-2"), **body}, headers=_h(tokens.clerk)
    )
    assert r.status_code == 422
    assert field in {p["field"] for p in r.json()["problems"]}
    assert _head(pl) == 0


def test_a_body_that_is_not_a_json_object_is_rejected(served: Any) -> None:
    _, client, tokens = served
    for raw in (b"[1, 2]", b"{not json"):
        r = client.post(
            "/api/projects/conceive",
            content=raw,
            headers=_h(tokens.clerk, **{"content-type": "application/json"}),
        )
        assert r.status_code == 422 and r.json()["problems"][0]["field"] == "(body)"


def test_a_skipped_stage_is_an_illegal_transition_409_with_the_current_state(served: Any) -> None:
    pl, client, tokens = served
    pid = client.post("/api/projects/conceive", json=conceive_body("XG-3"), headers=_h(tokens.clerk)).json()[
        "aggregate_id"
    ]
    before = _head(pl)
    r = client.post(
        "/api/projects/start", json={"project_id": pid, "occurred_on": "2024-02-01"}, headers=_h(tokens.clerk)
    )
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "illegal_transition" and body["error"] == "IllegalTransition"
    assert body["current"] and body["allowed"]
    assert _head(pl) == before


def test_roles_and_separation_of_duties_are_enforced_by_the_server(served: Any) -> None:
    pl, client, tokens = served
    post = _post(client)
    pid = post("/api/projects/conceive", tokens.clerk, conceive_body("XG-4"))[1]["aggregate_id"]
    post("/api/projects/reserve", tokens.clerk, {"project_id": pid, "occurred_on": "2024-01-20"})
    post(
        "/api/projects/sign",
        tokens.clerk,
        {"project_id": pid, "occurred_on": "2024-02-01", "amount_yuan": "1", "counterparty": "某公司"},
    )
    verify = {"project_id": pid, "occurred_on": "2024-02-10", "stage": "signed", "method": "documents"}
    before = _head(pl)
    status, body = post("/api/projects/verify", tokens.clerk, verify)
    assert (status, body["code"]) == (403, "permission_denied")
    status, body = post("/api/projects/verify", tokens.clerk_as_verifier, verify)
    assert (status, body["code"]) == (403, "separation_of_duties")
    assert _head(pl) == before
    status, _ = post("/api/projects/verify", tokens.verifier, verify)
    assert status == 201


def test_unknown_commands_projects_and_tickets_are_refused(served: Any) -> None:
    pl, client, tokens = served
    r = client.post("/api/projects/demolish", json={}, headers=_h(tokens.clerk))
    assert (r.status_code, r.json()["code"]) == (422, "command_rejected")
    assert "known:" in r.json()["problems"][0]["message"]
    missing = "00000000-0000-0000-0000-000000000001"
    r = client.post(
        "/api/projects/reserve",
        json={"project_id": missing, "occurred_on": "2024-01-01"},
        headers=_h(tokens.clerk),
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = client.post(
        "/api/tickets/close_ticket",
        json={"ticket_id": missing, "occurred_on": "2024-01-01"},
        headers=_h(tokens.clerk),
    )
    # the same answer the Python API gives
    with pytest.raises(ProjlifeError) as raised:
        pl.tickets.execute(
            {
                "command": "close_ticket",
                "ticket_id": missing,
                "occurred_on": "2024-01-01",
                "actor": {"id": "clerk-1", "role": "clerk"},
            }
        )
    assert r.json() == error_body(raised.value) and r.status_code == error_status(raised.value)
    r = client.get(f"/api/projects/{missing}", headers=_h(tokens.admin))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_requests_without_a_valid_token_are_refused(served: Any) -> None:
    pl, client, tokens = served
    for headers in ({}, {"Authorization": "Bearer pl_nope_nope"}, {"Authorization": "Basic abc"}):
        r = client.post("/api/projects/conceive", json=conceive_body("XG-5"), headers=headers)
        assert (r.status_code, r.json()["code"]) == (401, "invalid_token")
    store = TokenStore(pl.engine)
    issued = store.create("temp", "clerk")
    assert client.get("/api/whoami", headers=_h(issued.token)).json()["actor"]["id"] == "temp"
    store.revoke(issued.info.token_id)
    r = client.get("/api/whoami", headers=_h(issued.token))
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")
    tampered = tokens.clerk[:-2] + ("aa" if not tokens.clerk.endswith("aa") else "bb")
    assert client.get("/api/whoami", headers=_h(tampered)).status_code == 401


def test_tokens_are_stored_hashed(served: Any) -> None:
    pl, _, tokens = served
    with pl.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.exec_driver_sql("SELECT * FROM server_tokens") for v in row)
    secret = tokens.clerk.split("_", 2)[2]
    assert secret not in stored


def test_a_retried_request_with_an_idempotency_key_writes_once(served: Any) -> None:
    pl, client, tokens = served
    headers = _h(tokens.clerk, **{"Idempotency-Key": "conceive-XG-6"})
    first = client.post("/api/projects/conceive", json=conceive_body("XG-6"), headers=headers)
    second = client.post("/api/projects/conceive", json=conceive_body("XG-6"), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (first.headers["Idempotent-Replayed"], second.headers["Idempotent-Replayed"]) == ("false", "true")
    assert _head(pl) == 1
    pid = first.json()["aggregate_id"]
    sign_headers = _h(tokens.clerk, **{"Idempotency-Key": "reserve-XG-6"})
    for _ in range(3):
        r = client.post(
            "/api/projects/reserve",
            json={"project_id": pid, "occurred_on": "2024-01-20"},
            headers=sign_headers,
        )
        assert r.status_code == 201
    assert _head(pl) == 2
    # the same key for a different request is refused, and writes nothing
    r = client.post("/api/projects/conceive", json=conceive_body("XG-7"), headers=headers)
    assert (r.status_code, r.json()["code"]) == (409, "idempotency_conflict")
    assert _head(pl) == 2
    # a refused command's answer is replayed too, never re-run
    bad = _h(tokens.clerk, **{"Idempotency-Key": "bad-start"})
    a = client.post("/api/projects/start", json={"project_id": pid, "occurred_on": "2024-02-01"}, headers=bad)
    b = client.post("/api/projects/start", json={"project_id": pid, "occurred_on": "2024-02-01"}, headers=bad)
    assert a.status_code == b.status_code == 409 and a.json() == b.json()
    # keys are per token: another token's same key is its own request
    other = client.post(
        "/api/projects/conceive",
        json=conceive_body("XG-8"),
        headers=_h(tokens.admin, **{"Idempotency-Key": "conceive-XG-6"}),
    )
    assert other.status_code in (201, 403)


def test_the_ledger_reads_as_of_a_date_as_known_at_a_time_filtered_and_paged(served: Any) -> None:
    pl, client, tokens = served
    post = _post(client)
    project_lifecycle(post, tokens, "XG-A")
    for i in range(5):
        post(
            "/api/projects/conceive",
            tokens.clerk,
            conceive_body(f"XG-B{i}", area=OTHER_COUNTY if i % 2 else COUNTY),
        )
    h = _h(tokens.admin)
    whole = client.get("/api/ledger", headers=h).json()
    assert whole["total"] == 6 and len(whole["rows"]) == 6
    page = client.get("/api/ledger?limit=4", headers=h).json()
    assert len(page["rows"]) == 4 and page["next_offset"] == 4
    rest = client.get("/api/ledger?limit=4&offset=4", headers=h).json()
    assert len(rest["rows"]) == 2 and rest["next_offset"] is None
    assert [r["code"] for r in page["rows"] + rest["rows"]] == [r["code"] for r in whole["rows"]]
    county = client.get(f"/api/ledger?city=xiaogan&county={OTHER_COUNTY}", headers=h).json()
    assert {r["area_code"] for r in county["rows"]} == {OTHER_COUNTY} and county["total"] == 2
    started = client.get("/api/ledger?stage=reserved", headers=h).json()
    assert started["total"] == 0
    march = client.get("/api/ledger?as_of=2024-03-31", headers=h).json()
    row = next(r for r in march["rows"] if r["code"] == "XG-A")
    assert row["stage"] == "started"
    assert pl.ledger.row(row["project_id"], as_of=date(2024, 3, 31)).as_dict() == row
    known = client.get("/api/ledger?known_at=2000-01-01T00:00:00%2B08:00", headers=h).json()
    assert known["total"] == 0
    r = client.get("/api/ledger?known_at=2024-01-01T00:00:00", headers=h)
    assert r.status_code == 400 and "zone" in r.json()["reason"]
    r = client.get("/api/ledger?as_of=notadate", headers=h)
    assert (r.status_code, r.json()["code"]) == (422, "command_rejected")
    r = client.get("/api/ledger?size_class=huge", headers=h)
    assert r.status_code == 400 and r.json()["code"] == "refused"


def test_a_project_shows_its_events_with_actor_and_reason_and_each_event_has_a_valid_proof(
    served: Any,
) -> None:
    _, client, tokens = served
    pid, positions = project_lifecycle(_post(client), tokens)
    body = client.get(f"/api/projects/{pid}", headers=_h(tokens.admin)).json()
    assert body["project"]["stage"] == "at_capacity"
    events = body["events"]
    assert [e["position"] for e in events] == positions
    assert events[0]["actor"]["id"] == "clerk-1" and events[0]["reason"] == "招商引资签约储备"
    proof = client.get(events[2]["proof"], headers=_h(tokens.admin)).json()
    assert proof["verified"].startswith("VALID")
    assert proof["event"]["position"] == positions[2]
    assert proof["checkpoint"]["tree_size"] >= len(positions)
    r = client.get("/api/proofs/99999", headers=_h(tokens.admin))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_rates_funnels_and_rules_carry_numerators_denominators_and_the_rule_set_hash(served: Any) -> None:
    _, client, tokens = served
    project_lifecycle(_post(client), tokens)
    h = _h(tokens.admin)
    rates = client.get("/api/metrics/rates?period=2024-Q1&city=xiaogan", headers=h).json()["rates"]
    assert rates["signed_to_started"]["numerator"] == 1 and rates["signed_to_started"]["denominator"] == 1
    funnel = client.get(
        "/api/metrics/funnel?period=2024-Q1&city=xiaogan&steps=started&steps=producing", headers=h
    ).json()
    assert [s["stage"] for s in funnel["steps"]] == ["started", "producing"] and funnel["cohort"] == 1
    rules = client.get("/api/rules?city=xiaogan&kind=quarterly&as_of=2024-12-31", headers=h).json()
    assert len(rules["rule_set_sha256"]) == 64
    assert rules["quotas"] and all(q["rule_set_sha256"] for q in rules["quotas"])
    assert rules["deadlines"]["rule_set_sha256"] and isinstance(rules["rankings"], list)
    r = client.get("/api/metrics/rates?period=nonsense", headers=h)
    assert r.status_code in (400, 422)


def test_bulletins_come_in_md_json_and_html(served: Any) -> None:
    _, client, tokens = served
    project_lifecycle(_post(client), tokens)
    h = _h(tokens.admin)
    md = client.get("/api/bulletins/weekly?format=md&city=xiaogan&as_of=2024-12-31", headers=h)
    assert (
        md.status_code == 200 and md.text.startswith("# 孝感市") and "markdown" in md.headers["content-type"]
    )
    js = client.get("/api/bulletins/monthly?format=json&city=xiaogan&as_of=2024-12-31", headers=h).json()
    assert js["kind"] == "monthly" and js["projects"] == 1
    html = client.get("/api/bulletins/quarterly?format=html&lang=en&city=xiaogan&as_of=2024-12-31", headers=h)
    assert html.text.startswith("<!DOCTYPE html>") and "<svg" in html.text
    for bad in ("/api/bulletins/daily", "/api/bulletins/weekly?format=pdf", "/api/bulletins/weekly?lang=fr"):
        assert client.get(bad, headers=h).status_code == 400


def test_ticket_queues_and_overdue_lists(served: Any) -> None:
    _, client, tokens = served
    post = _post(client)
    ticket_lifecycle(post, tokens)
    late = post(
        "/api/tickets/raise_ticket",
        tokens.clerk,
        {
            "code": "XG-T-LATE",
            "city_code": "420900",
            "area_code": COUNTY,
            "category": "融资贷款",
            "description": "贷款审批慢",
            "raised_by": "走访",
            "enterprise_code": ENTERPRISE,
            "occurred_on": "2024-09-02",
        },
    )[1]["aggregate_id"]
    post(
        "/api/tickets/assign_ticket",
        tokens.clerk,
        {
            "ticket_id": late,
            "occurred_on": "2024-09-02",
            "assignee_kind": "department",
            "assignee": "市金融办",
        },
    )
    h = _h(tokens.admin)
    queue = client.get("/api/tickets?city=xiaogan&as_of=2024-10-30", headers=h).json()
    assert {t["code"] for t in queue["tickets"]} == {"XG-T-001", "XG-T-LATE"}
    assert queue["tickets"][0]["code"] == "XG-T-LATE" and queue["tickets"][0]["overdue_working_days"] > 0
    assigned = client.get("/api/tickets?city=xiaogan&as_of=2024-10-30&status=assigned", headers=h).json()
    assert [t["code"] for t in assigned["tickets"]] == ["XG-T-LATE"]
    overdue = client.get("/api/tickets/overdue?city=xiaogan&as_of=2024-10-30", headers=h).json()["overdue"]
    assert [o["code"] for o in overdue] == ["XG-T-LATE"] and overdue[0]["assignee"] == "市金融办"
    one = client.get(f"/api/tickets/{late}", headers=h).json()
    assert one["status"] == "assigned" and [e["actor"]["id"] for e in one["events"]] == ["clerk-1", "clerk-1"]


def test_the_event_feed_gives_the_log_in_order_page_by_page(served: Any) -> None:
    pl, client, tokens = served
    project_lifecycle(_post(client), tokens)
    ticket_lifecycle(_post(client), tokens)
    seen: list[int] = []
    after = 0
    while True:
        page = client.get(f"/events?after={after}&limit=5", headers=_h(tokens.admin)).json()
        if not page["events"]:
            break
        seen += [e["position"] for e in page["events"]]
        assert all(e["event"]["actor"]["id"] for e in page["events"])
        after = page["next_after"]
    assert seen == list(range(1, _head(pl) + 1))
    assert page["head"] == _head(pl)
    assert (
        client.get("/api/events?after=0&limit=1", headers=_h(tokens.admin)).json()["events"][0]["position"]
        == 1
    )
    r = client.get("/events?limit=100000", headers=_h(tokens.admin))
    assert r.status_code == 422


def test_the_openapi_document_is_built_from_the_library_command_models(served: Any) -> None:
    _, client, _ = served
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    kinds = (
        ("projects", PROJECT_COMMANDS),
        ("tickets", TICKET_COMMANDS),
        ("meetings", MEETING_COMMANDS),
        ("site_visits", SITE_VISIT_COMMANDS),
    )
    documented = {p for p, ops in doc["paths"].items() if "post" in ops}
    assert documented == {f"/api/{kind}/{name}" for kind, commands in kinds for name in commands}
    for kind, commands in kinds:
        for name, model in commands.items():
            op = doc["paths"][f"/api/{kind}/{name}"]["post"]
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            # the model's own JSON schema, field by field, with only the actor taken out
            own = model.model_json_schema(ref_template="#/components/schemas/{model}")
            assert set(schema["properties"]) == set(model.model_fields) - {"actor"}, name
            assert schema["properties"] == {k: v for k, v in own["properties"].items() if k != "actor"}, name
            assert schema.get("required", []) == [r for r in own.get("required", []) if r != "actor"], name
            for ref, definition in own.get("$defs", {}).items():
                assert doc["components"]["schemas"][ref] == definition, (name, ref)
            assert {"401", "403", "409", "422"} <= set(op["responses"]), name
    refs = {r.rsplit("/", 1)[1] for r in _refs(doc["paths"])}
    assert refs <= set(doc["components"]["schemas"])


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_without_an_audit_key_an_event_no_checkpoint_covers_has_no_proof_yet(db_url: str) -> None:
    pl = connect(db_url, create_tables=True)
    try:
        client = TestClient(create_app(pl))
        tokens = make_tokens(pl)
        client.post("/api/projects/conceive", json=conceive_body("XG-NOKEY"), headers=_h(tokens.clerk))
        r = client.get("/api/proofs/1", headers=_h(tokens.admin))
        assert (r.status_code, r.json()["code"], r.json()["error"]) == (400, "refused", "ProofError")
        pl.audit.checkpoint(SIGNING_KEY)
        r = client.get("/api/proofs/1", headers=_h(tokens.admin))
        assert r.status_code == 200 and r.json()["verified"].startswith("VALID")
    finally:
        pl.close()
