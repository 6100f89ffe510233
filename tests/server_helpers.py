"""Shared by the server tests: a served projlife with tokens, and a project and ticket lifecycle as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from projlife.app.application import Projlife
from projlife.audit.keys import SigningKey
from projlife.server.tokens import TokenStore

CITY = "420900"  # 孝感
COUNTY = "420902"  # 孝南区
OTHER_COUNTY = "420921"  # 孝昌县
ENTERPRISE = "91420900MA49ABCD1X"


@attrs.frozen
class Tokens:
    clerk: str
    verifier: str
    verifier2: str
    handler: str
    revisitor: str
    admin: str
    county_clerk: str
    """A clerk of 孝南区 only."""
    clerk_as_verifier: str
    """clerk-1's id with the verifier role: the same person may not check their own claim."""


def make_tokens(app: Projlife) -> Tokens:
    store = TokenStore(app.engine)

    def t(actor: str, role: str, area: str | None = None) -> str:
        return store.create(actor, role, area).token

    return Tokens(
        clerk=t("clerk-1", "clerk"),
        verifier=t("verifier-1", "verifier"),
        verifier2=t("verifier-2", "verifier"),
        handler=t("handler-1", "handler"),
        revisitor=t("revisitor-1", "revisitor"),
        admin=t("admin-1", "admin"),
        county_clerk=t("xiaonan-clerk", "clerk", COUNTY),
        clerk_as_verifier=t("clerk-1", "verifier"),
    )


SIGNING_KEY = SigningKey.generate()


def conceive_body(code: str, area: str = COUNTY, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "project_name": "新能源电池项目",
        "city_code": CITY,
        "area_code": area,
        "category": "industrial",
        "planned_investment_yuan": "500000000",
        "occurred_on": "2024-01-10",
        "reason": "招商引资签约储备",
    }
    body.update(over)
    return body


Post = Callable[[str, str, dict[str, Any]], tuple[int, dict[str, Any]]]
"""post(path, token, body) -> (status, json)."""


def project_lifecycle(post: Post, tokens: Tokens, code: str = "XG-2024-001") -> tuple[str, list[int]]:
    """Conceive a project and take it from reserve to at-capacity, with verifications; its positions."""
    positions: list[int] = []

    def ok(path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        status, answer = post(path, token, body)
        assert status == 201, (path, status, answer)
        positions.append(int(answer["position"]))
        return answer

    pid = str(ok("/api/projects/conceive", tokens.clerk, conceive_body(code))["aggregate_id"])
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("reserve", tokens.clerk, {"occurred_on": "2024-01-20"}),
        (
            "sign",
            tokens.clerk,
            {"occurred_on": "2024-02-01", "amount_yuan": "480000000.00", "counterparty": "某电池公司"},
        ),
        ("verify", tokens.verifier, {"occurred_on": "2024-02-10", "stage": "signed", "method": "documents"}),
        ("start", tokens.clerk, {"occurred_on": "2024-03-15", "evidence": ["施工许可证 420902-2024-17"]}),
        ("verify", tokens.verifier2, {"occurred_on": "2024-03-20", "stage": "started", "method": "site"}),
        (
            "report_investment",
            tokens.clerk,
            {"occurred_on": "2024-04-05", "month": "2024-03-01", "amount_yuan": "12000000"},
        ),
        ("enter_statistics", tokens.clerk, {"occurred_on": "2024-06-01"}),
        ("complete", tokens.clerk, {"occurred_on": "2024-09-01"}),
        ("begin_production", tokens.clerk, {"occurred_on": "2024-10-01"}),
        ("become_above_scale", tokens.clerk, {"occurred_on": "2024-11-01"}),
        ("reach_capacity", tokens.clerk, {"occurred_on": "2024-12-01", "reason": "达产达效"}),
    ]
    for name, token, body in steps:
        ok(f"/api/projects/{name}", token, {"project_id": pid, **body})
    return pid, positions


def ticket_lifecycle(post: Post, tokens: Tokens, code: str = "XG-T-001") -> tuple[str, list[int]]:
    """Raise, assign, answer, draw, revisit and close a ticket; its id and positions."""
    positions: list[int] = []

    def ok(path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        status, answer = post(path, token, body)
        assert status == 201, (path, status, answer)
        if answer.get("position") is not None:
            positions.append(int(answer["position"]))
        return answer

    raised = ok(
        "/api/tickets/raise_ticket",
        tokens.clerk,
        {
            "code": code,
            "city_code": CITY,
            "area_code": COUNTY,
            "category": "用能用地",
            "description": "项目用电增容审批滞后",
            "raised_by": "政企早餐会",
            "enterprise_code": ENTERPRISE,
            "occurred_on": "2024-09-27",
        },
    )
    tid = str(raised["aggregate_id"])
    ok(
        "/api/tickets/assign_ticket",
        tokens.clerk,
        {
            "ticket_id": tid,
            "occurred_on": "2024-09-27",
            "assignee_kind": "department",
            "assignee": "市供电公司",
        },
    )
    ok(
        "/api/tickets/answer_ticket",
        tokens.handler,
        {
            "ticket_id": tid,
            "occurred_on": "2024-10-10",
            "resolution": "已完成增容",
            "evidence": ["函〔2024〕12号"],
        },
    )
    ok(
        "/api/tickets/draw_revisit_sample",
        tokens.clerk,
        {"city_code": CITY, "seed": f"{code}-W41", "rate": "1", "occurred_on": "2024-10-11"},
    )
    ok(
        "/api/tickets/revisit_ticket",
        tokens.revisitor,
        {"ticket_id": tid, "occurred_on": "2024-10-12", "satisfaction": 5},
    )
    ok("/api/tickets/close_ticket", tokens.revisitor, {"ticket_id": tid, "occurred_on": "2024-10-12"})
    return tid, positions


class LiveServer:
    """The app served by uvicorn on a free loopback port, in a thread (stopped with ``stop()``)."""

    def __init__(self, app: Projlife) -> None:
        import socket
        import threading
        import time

        import uvicorn

        from projlife.server import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            create_app(app, signing_key=SIGNING_KEY), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        for _ in range(200):
            if self._server.started:
                break
            time.sleep(0.05)
        else:  # pragma: no cover
            raise RuntimeError("the test server did not start")
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
