"""projlife serve from another system's side: plain HTTP and JSON, a token per actor, the event feed.

    python examples/serve_and_follow.py

Serves a fresh SQLite database on a free loopback port (uvicorn in a thread, as
``projlife serve`` would), makes a clerk's and a verifier's token, conceives, reserves and signs a
project over HTTP, has the verifier confirm the signing, shows a refusal's JSON, retries a
command with its ``Idempotency-Key`` (written once), and follows ``GET /events`` the way a
follower in Java would: keep ``next_after``, ask for what comes after it. Needs
``pip install "projlife[server]"``.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import uvicorn

from projlife import connect
from projlife.server import TokenStore, create_app


def call(base: str, method: str, path: str, token: str, body: Any = None, key: str | None = None) -> Any:
    """One request, as any language's HTTP client would send it; the JSON answer and its status."""
    request = urllib.request.Request(
        base + path, method=method, data=None if body is None else json.dumps(body).encode()
    )
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def main() -> None:
    db = f"sqlite:///{Path(tempfile.mkdtemp()) / 'projlife.db'}"
    pl = connect(db, create_tables=True)
    tokens = TokenStore(pl.engine)
    clerk = tokens.create("zhang.wei", "clerk", "420902", label="孝南区 填报").token
    verifier = tokens.create("li.na", "verifier").token
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(pl), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        status, made = call(
            base,
            "POST",
            "/api/projects/conceive",
            clerk,
            {
                "code": "XG-2024-001",
                "project_name": "新能源电池项目",
                "city_code": "420900",
                "area_code": "420902",
                "category": "industrial",
                "planned_investment_yuan": "500000000",
                "occurred_on": "2024-01-10",
            },
        )
        pid = made["aggregate_id"]
        print(f"conceive → {status}, project {pid}, recorded as {made['actor']['id']}")
        call(base, "POST", "/api/projects/reserve", clerk, {"project_id": pid, "occurred_on": "2024-01-20"})
        sign = {
            "project_id": pid,
            "occurred_on": "2024-02-01",
            "amount_yuan": "480000000",
            "counterparty": "某公司",
        }
        first = call(base, "POST", "/api/projects/sign", clerk, sign, key="sign-XG-2024-001")
        again = call(base, "POST", "/api/projects/sign", clerk, sign, key="sign-XG-2024-001")
        print(
            f"sign, then its retry with the same key → positions {first[1]['position']} and {again[1]['position']}"
        )
        verify = {"project_id": pid, "occurred_on": "2024-02-10", "stage": "signed", "method": "documents"}
        status, refused = call(base, "POST", "/api/projects/verify", clerk, verify)
        print(f"the clerk verifies → {status} {refused['code']}: {refused['reason']}")
        status, _ = call(base, "POST", "/api/projects/verify", verifier, verify)
        print(f"the verifier verifies → {status}")

        after, seen = 0, []
        while True:  # a follower: what comes after the last position it processed
            _, page = call(base, "GET", f"/events?after={after}&limit=2", verifier)
            seen += [f"{e['position']}:{e['type']}" for e in page["events"]]
            after = page["next_after"]
            if not page["events"]:
                break
        print("the feed, once each:", ", ".join(seen))
        _, row = call(base, "GET", f"/api/projects/{pid}", clerk)
        print(f"the 台账 row: stage {row['project']['stage']}, verified {row['project']['verified_stage']}")
    finally:
        server.should_exit = True
        time.sleep(0.3)
        pl.close()


if __name__ == "__main__":
    main()
