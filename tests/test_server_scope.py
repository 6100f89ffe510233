"""Area-scoped tokens read and write only their own area; roles come from the token, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from projlife.app.application import Projlife, connect
from projlife.server import create_app
from projlife.server.tokens import TokenStore
from server_helpers import CITY, COUNTY, OTHER_COUNTY, SIGNING_KEY, Tokens, conceive_body, make_tokens


@pytest.fixture
def served(db_url: str) -> Iterator[tuple[Projlife, TestClient, Tokens]]:
    pl = connect(db_url, create_tables=True)
    client = TestClient(create_app(pl, signing_key=SIGNING_KEY))
    try:
        yield pl, client, make_tokens(pl)
    finally:
        client.close()
        pl.close()


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _two_counties(client: TestClient, tokens: Tokens) -> tuple[str, str]:
    mine = client.post(
        "/api/projects/conceive", json=conceive_body("XG-MINE"), headers=_h(tokens.clerk)
    ).json()
    other = client.post(
        "/api/projects/conceive", json=conceive_body("XG-OTHER", area=OTHER_COUNTY), headers=_h(tokens.clerk)
    ).json()
    return mine["aggregate_id"], other["aggregate_id"]


def test_an_area_token_writes_in_its_area_and_is_refused_outside_it(served: Any) -> None:
    pl, client, tokens = served
    mine, other = _two_counties(client, tokens)
    head = pl.store.recorder.max_notification_id()
    r = client.post(
        "/api/projects/conceive",
        json=conceive_body("XG-NEW", area=OTHER_COUNTY),
        headers=_h(tokens.county_clerk),
    )
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    r = client.post(
        "/api/projects/reserve",
        json={"project_id": other, "occurred_on": "2024-01-20"},
        headers=_h(tokens.county_clerk),
    )
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    assert pl.store.recorder.max_notification_id() == head
    r = client.post(
        "/api/projects/reserve",
        json={"project_id": mine, "occurred_on": "2024-01-20"},
        headers=_h(tokens.county_clerk),
    )
    assert r.status_code == 201 and r.json()["actor"] == {
        "id": "xiaonan-clerk",
        "role": "clerk",
        "area_code": COUNTY,
    }
    r = client.post("/api/projects/conceive", json=conceive_body("XG-NEW2"), headers=_h(tokens.county_clerk))
    assert r.status_code == 201


def test_an_area_token_reads_only_its_area(served: Any) -> None:
    _, client, tokens = served
    mine, other = _two_counties(client, tokens)
    h = _h(tokens.county_clerk)
    rows = client.get("/api/ledger", headers=h).json()["rows"]
    assert [r["code"] for r in rows] == ["XG-MINE"]
    assert client.get("/api/ledger", headers=_h(tokens.admin)).json()["total"] == 2
    r = client.get(f"/api/ledger?county={OTHER_COUNTY}", headers=h)
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    r = client.get("/api/ledger?city=zhumadian", headers=h)
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    assert client.get(f"/api/projects/{mine}", headers=h).status_code == 200
    r = client.get(f"/api/projects/{other}", headers=h)
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    r = client.get("/events?after=0", headers=h)
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    other_pos = client.get(f"/api/projects/{other}", headers=_h(tokens.admin)).json()["events"][0]["position"]
    r = client.get(f"/api/proofs/{other_pos}", headers=h)
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    r = client.get("/api/bulletins/weekly?city=xiaogan&as_of=2024-03-01", headers=h)
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    rates = client.get("/api/metrics/rates?period=2024-Q1", headers=h)
    assert rates.status_code == 200


def test_an_area_token_sees_only_its_areas_tickets(served: Any) -> None:
    _, client, tokens = served
    base = {
        "city_code": CITY,
        "category": "用能用地",
        "description": "用电",
        "raised_by": "走访",
        "enterprise_code": "91420900MA49ABCD1X",
        "occurred_on": "2024-09-02",
    }
    client.post(
        "/api/tickets/raise_ticket",
        json={**base, "code": "T-MINE", "area_code": COUNTY},
        headers=_h(tokens.clerk),
    )
    other = client.post(
        "/api/tickets/raise_ticket",
        json={**base, "code": "T-OTHER", "area_code": OTHER_COUNTY},
        headers=_h(tokens.clerk),
    ).json()
    h = _h(tokens.county_clerk)
    queue = client.get("/api/tickets?as_of=2024-09-30", headers=h).json()["tickets"]
    assert [t["code"] for t in queue] == ["T-MINE"]
    r = client.get(f"/api/tickets/{other['aggregate_id']}", headers=h)
    assert r.status_code == 403
    r = client.post(
        "/api/tickets/withdraw_ticket",
        json={"ticket_id": other["aggregate_id"], "occurred_on": "2024-09-03", "reason": "重复"},
        headers=h,
    )
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    r = client.post(
        "/api/tickets/draw_revisit_sample",
        json={"city_code": CITY, "seed": "x", "occurred_on": "2024-09-30"},
        headers=h,
    )
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")


def test_a_token_for_an_area_no_city_knows_reaches_nothing(served: Any) -> None:
    pl, client, _ = served
    token = TokenStore(pl.engine).create("ghost", "clerk", "999999").token
    r = client.post("/api/projects/conceive", json=conceive_body("XG-G"), headers=_h(token))
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    client.post("/api/projects/conceive", json=conceive_body("XG-H"), headers=_h(make_tokens(pl).clerk))
    r = client.get("/api/ledger", headers=_h(token))
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    for path in ("/api/bulletins/weekly?city=xiaogan&as_of=2024-03-01", "/api/rules?city=xiaogan"):
        r = client.get(path, headers=_h(token))
        assert (r.status_code, r.json()["code"]) == (403, "out_of_area"), path
    r = client.get("/api/tickets?city=xiaogan", headers=_h(token))
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")


def test_an_area_token_cannot_link_its_ticket_to_another_areas_project(served: Any) -> None:
    pl, client, tokens = served
    _, other = _two_counties(client, tokens)
    head = pl.store.recorder.max_notification_id()
    body = {
        "code": "T-LINK",
        "city_code": CITY,
        "area_code": COUNTY,
        "category": "用能用地",
        "description": "用电",
        "raised_by": "走访",
        "occurred_on": "2024-09-02",
        "project_id": other,
    }
    r = client.post("/api/tickets/raise_ticket", json=body, headers=_h(tokens.county_clerk))
    assert (r.status_code, r.json()["code"]) == (403, "out_of_area")
    assert pl.store.recorder.max_notification_id() == head


@pytest.mark.parametrize("spelling", ["hex", "braces", "urn", "upper"], ids=lambda s: f"project id as {s}")
def test_another_spelling_of_the_project_id_does_not_get_past_the_area_check(
    served: Any, spelling: str
) -> None:
    from uuid import UUID

    pl, client, tokens = served
    _, other = _two_counties(client, tokens)
    head = pl.store.recorder.max_notification_id()
    u = UUID(other)
    given = {"hex": u.hex, "braces": "{" + other + "}", "urn": u.urn, "upper": other.upper()}[spelling]
    r = client.post(
        "/api/projects/reserve",
        json={"project_id": given, "occurred_on": "2024-01-20"},
        headers=_h(tokens.county_clerk),
    )
    assert r.json()["code"] in ("out_of_area", "command_rejected")
    assert r.status_code in (403, 422)
    assert pl.store.recorder.max_notification_id() == head


def test_an_area_token_is_refused_another_citys_tickets(served: Any) -> None:
    _, client, tokens = served
    for path in ("/api/tickets?city=zhumadian", "/api/tickets/overdue?city=zhumadian&as_of=2024-09-30"):
        r = client.get(path, headers=_h(tokens.county_clerk))
        assert (r.status_code, r.json()["code"]) == (403, "out_of_area"), path
    assert client.get("/api/tickets?city=xiaogan", headers=_h(tokens.county_clerk)).status_code == 200


def test_the_web_pages_keep_an_area_token_in_its_area(served: Any) -> None:
    _, client, tokens = served
    mine, other = _two_counties(client, tokens)
    other_position = client.get(f"/api/projects/{other}", headers=_h(tokens.admin)).json()["events"][0][
        "position"
    ]
    client.cookies.set("projlife_token", tokens.county_clerk)
    page = client.get("/")
    assert page.status_code == 200 and "XG-MINE" in page.text and "XG-OTHER" not in page.text
    assert client.get(f"/projects/{mine}").status_code == 200
    for path in (
        f"/projects/{other}",
        f"/proofs/{other_position}",
        f"/?area={OTHER_COUNTY}",
        "/bulletins?kind=weekly",
    ):
        r = client.get(path)
        assert r.status_code == 403 and "out_of_area" in r.text, path


def test_the_web_cookie_signs_in_reads_but_never_commands(served: Any) -> None:
    pl, client, tokens = served
    mine, _ = _two_counties(client, tokens)
    head = pl.store.recorder.max_notification_id()
    client.cookies.set("projlife_token", tokens.admin)
    assert client.get("/api/whoami").status_code == 200
    r = client.post("/api/projects/flag", json={"project_id": mine, "occurred_on": "2024-02-01", "flag": "x"})
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")
    assert pl.store.recorder.max_notification_id() == head
