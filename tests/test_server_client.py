"""A "Java-style" client: nothing but HTTP and JSON (urllib), against a real server on loopback.

It runs a project's and a ticket's whole lifecycle and follows the event feed, as another
government system would, and checks it saw every event exactly once.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from projlife.app.application import connect
from server_helpers import LiveServer, Tokens, make_tokens, project_lifecycle, ticket_lifecycle


@pytest.fixture
def live(db_url: str) -> Iterator[tuple[str, Tokens, Any]]:
    pl = connect(db_url, create_tables=True)
    server = LiveServer(pl)
    try:
        yield server.url, make_tokens(pl), pl
    finally:
        server.stop()
        pl.close()


def _call(
    method: str, url: str, token: str, body: dict[str, Any] | None = None, **headers: str
) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json; charset=utf-8")
    for k, v in headers.items():
        request.add_header(k.replace("_", "-"), v)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read().decode("utf-8"))


class Follower:
    """What a follower in another system keeps: the last position it processed, and what it saw."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.after = 0
        self.seen: list[int] = []
        self.topics: list[str] = []

    def poll(self, limit: int = 7) -> int:
        got = 0
        while True:
            status, page = _call("GET", f"{self.base}/events?after={self.after}&limit={limit}", self.token)
            assert status == 200
            for event in page["events"]:
                self.seen.append(event["position"])
                self.topics.append(event["topic"])
            got += len(page["events"])
            self.after = page["next_after"]
            if len(page["events"]) < limit:
                return got


def test_a_plain_http_client_runs_both_lifecycles_and_follows_the_feed_without_a_miss(live: Any) -> None:
    base, tokens, pl = live

    def post(path: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _call("POST", base + path, token, body)

    follower = Follower(base, tokens.admin)
    pid, positions = project_lifecycle(post, tokens)
    assert follower.poll() == len(positions)
    tid, ticket_positions = ticket_lifecycle(post, tokens)
    follower.poll()
    head = pl.store.recorder.max_notification_id()
    assert follower.seen == list(range(1, head + 1))  # every event, once, in order
    assert set(positions) | set(ticket_positions) <= set(follower.seen)
    assert follower.topics[0] == "projlife:Project.Conceived"
    assert follower.poll() == 0  # nothing new: nothing repeated

    status, project = _call("GET", f"{base}/api/projects/{pid}", tokens.admin)
    assert status == 200 and project["project"]["stage"] == "at_capacity"
    status, proof = _call("GET", base + project["events"][-1]["proof"], tokens.admin)
    assert status == 200 and proof["verified"].startswith("VALID")
    status, ticket = _call("GET", f"{base}/api/tickets/{tid}", tokens.admin)
    assert status == 200 and ticket["status"] == "closed"

    # errors are plain JSON too, with their stable codes
    status, err = post("/api/projects/start", tokens.clerk, {"project_id": pid, "occurred_on": "2025-01-01"})
    assert status == 409 and err["code"] == "illegal_transition"
    status, err = post("/api/projects/conceive", tokens.clerk, {"code": "X"})
    assert status == 422 and err["code"] == "command_rejected" and err["problems"]

    # a retry after a lost answer writes once
    body = {"project_id": pid, "occurred_on": "2025-01-02", "flag": "watch"}
    first = _call("POST", f"{base}/api/projects/flag", tokens.clerk, body, Idempotency_Key="flag-1")
    again = _call("POST", f"{base}/api/projects/flag", tokens.clerk, body, Idempotency_Key="flag-1")
    assert first == again and first[0] == 201
    assert follower.poll() == 1


def test_concurrent_requests_with_one_idempotency_key_write_once(live: Any) -> None:
    import threading

    base, tokens, pl = live
    from server_helpers import conceive_body

    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def send() -> None:
        got = _call(
            "POST",
            f"{base}/api/projects/conceive",
            tokens.clerk,
            conceive_body("XG-RACE"),
            Idempotency_Key="race-1",
        )
        with lock:
            answers.append(got)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert pl.store.recorder.max_notification_id() == 1
    ok = [a for a in answers if a[0] == 201]
    assert ok and all(a == ok[0] for a in ok)
    # the others were told the first request was still running, never answered with a second write
    assert all(a[0] == 201 or a[1]["code"] == "idempotency_conflict" for a in answers)
