"""Load test of ``projlife serve`` on loopback: concurrent clients mixing commands and ledger reads.

    PYTHONPATH=src python benchmarks/load_server.py [--db URL] [--clients 20] [--seconds 30]
        [--read-share 0.4] [--probe-frameworks]

Starts the server in a subprocess (uvicorn, one process) on 127.0.0.1, then runs ``--clients``
threads for ``--seconds``. Each client conceives its own projects and advances them one command
at a time (reserve, sign, start, report_investment, flag, clear_flag …), every command sent with
its own ``Idempotency-Key``; a request that fails in transit is retried with the same key. The
rest of the requests read the ledger (``GET /api/ledger?limit=50``). Reported: throughput,
p50/p99 per kind, errors by status, and the check that matters: every acknowledged command is in
the event store exactly once (replaying every key afterwards writes nothing), none is lost.
Bounded: loopback only, fixed duration, fixed client count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from projlife.app.application import connect
from projlife.server.tokens import TokenStore

CITY, COUNTY = "420900", "420902"
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    # (command, the token's role, body): 摘牌 (clear_flag) is a verifier's act, the rest a clerk's
    ("reserve", "clerk", {"occurred_on": "2024-01-20"}),
    (
        "sign",
        "clerk",
        {"occurred_on": "2024-02-01", "amount_yuan": "480000000.00", "counterparty": "某电池公司"},
    ),
    ("start", "clerk", {"occurred_on": "2024-03-15"}),
    (
        "report_investment",
        "clerk",
        {"occurred_on": "2024-04-05", "month": "2024-03-01", "amount_yuan": "12000000"},
    ),
    ("flag", "clerk", {"occurred_on": "2024-04-10", "flag": "watch"}),
    ("clear_flag", "verifier", {"occurred_on": "2024-04-20", "flag": "watch"}),
    ("enter_statistics", "clerk", {"occurred_on": "2024-06-01"}),
]


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Client(threading.Thread):
    def __init__(self, n: int, base: str, tokens: dict[str, str], until: float, read_share: float) -> None:
        super().__init__(daemon=True)
        self.n, self.base, self.until, self.read_share = n, base, until, read_share
        self.tokens = tokens
        self.http = httpx.Client(base_url=base, timeout=60)
        self.rng = random.Random(n)
        self.latency: dict[str, list[float]] = {"command": [], "read": []}
        self.errors: Counter[str] = Counter()
        self.acked: list[tuple[str, str, str, dict[str, Any], int]] = []  # (role, key, path, body, position)
        self.retries = 0
        self._project: str | None = None
        self._step = 0
        self._seq = 0

    def _send(self, path: str, body: dict[str, Any], role: str = "clerk") -> None:
        self._seq += 1
        key = f"c{self.n}-{self._seq}"
        headers = {"Authorization": f"Bearer {self.tokens[role]}", "Idempotency-Key": key}
        for _attempt in range(5):
            t = time.perf_counter()
            try:
                r = self.http.post(path, json=body, headers=headers)
            except httpx.HTTPError as exc:
                self.errors[f"transport:{type(exc).__name__}"] += 1
                self.retries += 1
                continue
            self.latency["command"].append(time.perf_counter() - t)
            if r.status_code == 409 and r.json().get("code") in ("concurrent_update", "idempotency_conflict"):
                self.retries += 1
                time.sleep(0.01)
                continue
            if r.status_code != 201:
                self.errors[f"command {r.status_code} {r.json().get('code')}"] += 1
                return
            self.acked.append((role, key, path, body, int(r.json()["position"])))
            if path.endswith("/conceive"):
                self._project = r.json()["aggregate_id"]
            return

    def _command(self) -> None:
        if self._project is None or self._step >= len(STEPS):
            self._step = 0
            code = f"LOAD-{self.n}-{self._seq + 1}"
            self._send(
                "/api/projects/conceive",
                {
                    "code": code,
                    "project_name": "负载测试项目",
                    "city_code": CITY,
                    "area_code": COUNTY,
                    "category": "industrial",
                    "planned_investment_yuan": "500000000",
                    "occurred_on": "2024-01-10",
                },
            )
            return
        name, role, body = STEPS[self._step]
        self._step += 1
        self._send(f"/api/projects/{name}", {"project_id": self._project, **body}, role)

    def _read(self) -> None:
        t = time.perf_counter()
        try:
            r = self.http.get(
                "/api/ledger",
                params={"limit": 50, "offset": self.rng.randrange(0, 200)},
                headers={"Authorization": f"Bearer {self.tokens['clerk']}"},
            )
        except httpx.HTTPError as exc:
            self.errors[f"transport:{type(exc).__name__}"] += 1
            return
        self.latency["read"].append(time.perf_counter() - t)
        if r.status_code != 200:
            self.errors[f"read {r.status_code}"] += 1

    def run(self) -> None:
        while time.perf_counter() < self.until:
            if self.rng.random() < self.read_share:
                self._read()
            else:
                self._command()


def _wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


def run(db: str, clients: int, seconds: float, read_share: float, port: int) -> dict[str, Any]:
    with connect(db, create_tables=True) as pl:
        store = TokenStore(pl.engine)
        tokens = {
            "clerk": store.create("load-clerk", "clerk").token,
            "verifier": store.create("load-verifier", "verifier").token,
        }
        head0 = pl.store.recorder.max_notification_id() or 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from projlife.cli import main; sys.exit(main(sys.argv[1:]))",
            *("serve", "--db", db, "--port", str(port)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base, proc)
        workers = [Client(i, base, tokens, 0.0, read_share) for i in range(clients)]
        started = time.perf_counter()
        for w in workers:  # the clock starts once every client is built
            w.until = started + seconds
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - started
        # replay every acknowledged command with its key: nothing may be written again
        replay_http = httpx.Client(base_url=base, timeout=60)
        replay_writes = 0
        replay_mismatch = 0
        for w in workers:
            for role, key, path, body, position in w.acked:
                r = replay_http.post(
                    path,
                    json=body,
                    headers={"Authorization": f"Bearer {tokens[role]}", "Idempotency-Key": key},
                )
                if r.headers.get("Idempotent-Replayed") != "true":
                    replay_writes += 1
                elif r.json().get("position") != position:
                    replay_mismatch += 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    acked = [a for w in workers for a in w.acked]
    positions = [a[4] for a in acked]
    with connect(db) as pl:
        head = pl.store.recorder.max_notification_id() or 0
    written = head - head0
    commands = [x for w in workers for x in w.latency["command"]]
    reads = [x for w in workers for x in w.latency["read"]]
    errors: Counter[str] = Counter()
    for w in workers:
        errors.update(w.errors)
    return {
        "db": db.split("://")[0],
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(commands) + len(reads),
        "throughput_rps": round((len(commands) + len(reads)) / elapsed, 1),
        "commands_acked": len(acked),
        "commands_per_s": round(len(acked) / elapsed, 1),
        "reads": len(reads),
        "command_ms": {"p50": round(_pct(commands, 0.5), 1), "p99": round(_pct(commands, 0.99), 1)},
        "read_ms": {"p50": round(_pct(reads, 0.5), 1), "p99": round(_pct(reads, 0.99), 1)},
        "mean_ms": round(statistics.fmean(commands + reads) * 1000, 1) if commands or reads else None,
        "retries": sum(w.retries for w in workers),
        "errors": dict(errors),
        "events_written": written,
        "lost": len(acked) - len(set(positions) & set(range(head0 + 1, head + 1))),
        "doubled": (written - len(acked)) + (len(positions) - len(set(positions))) + replay_writes,
        "replay_mismatch": replay_mismatch,
    }


def probe_frameworks(requests: int = 3000) -> dict[str, float]:
    """Microseconds per request of a bare JSON endpoint with a bearer-header dependency, in process.

    The framework's own cost, on the same machine as the load test: what choosing FastAPI over
    plain Starlette costs per request (its dependency injection and response validation).
    """
    import asyncio

    from fastapi import Depends, FastAPI, Request
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def who(request: Request) -> str:
        return request.headers.get("authorization", "")

    fast = FastAPI()

    @fast.get("/x")
    def fast_x(w: str = Depends(who)) -> dict[str, Any]:
        return {"who": w, "n": 1}

    async def star_x(request: Request) -> JSONResponse:
        return JSONResponse({"who": request.headers.get("authorization", ""), "n": 1})

    star = Starlette(routes=[Route("/x", star_x)])

    async def bench(app: Any) -> float:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            for _ in range(200):
                await client.get("/x", headers={"Authorization": "Bearer t"})
            t = time.perf_counter()
            for _ in range(requests):
                await client.get("/x", headers={"Authorization": "Bearer t"})
            return (time.perf_counter() - t) / requests * 1e6

    return {
        "fastapi_us": round(asyncio.run(bench(fast)), 1),
        "starlette_us": round(asyncio.run(bench(star)), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--read-share", type=float, default=0.4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--probe-frameworks", action="store_true", help="only measure FastAPI vs Starlette")
    args = parser.parse_args()
    if args.probe_frameworks:
        print(json.dumps(probe_frameworks(), indent=2))
        return
    db = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'load.db'}"
    result = run(db, args.clients, args.seconds, args.read_share, args.port)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if result["errors"] or result["lost"] or result["doubled"] or result["replay_mismatch"]:
        sys.exit("FAILED: errors, lost or doubled commands (see above)")


if __name__ == "__main__":
    main()
