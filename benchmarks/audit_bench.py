"""Audit-trail benchmark: ingest vs. the hash chain's cost, and whole-log verification speed.

    PYTHONPATH=src python benchmarks/audit_bench.py --projects 10000 [--db URL]

``run_audit_benchmark(url, n_projects)`` is importable for the benchmarks suite. In one
run on one database it measures, in order:

1. ``ingest``: ``app.projects.ingest`` of a seeded drive (``projlife.demo.simulation``);
2. ``chain``: sealing the hash chain and Merkle frontier alone (``seal(with_log=False)``),
   reported as a share of the ingest time: the chain's cost on ingest;
3. ``log``: rebuilding the chain plus the who/what/when/why rows (the full ``app.audit.seal()``);
4. ``verify``: re-hashing and checking the whole log (``app.audit.verify()``), events/s;
5. ``checkpoint`` and one inclusion proof.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from projlife.app.application import connect
from projlife.audit.keys import SigningKey
from projlife.audit.sealing import seal
from projlife.demo.simulation import simulate

__all__ = ["run_audit_benchmark"]


def _clear_audit_tables(app: Any) -> None:
    with app.engine.begin() as conn:
        for table in ("audit_chain", "audit_log", "audit_head", "audit_checkpoints"):
            conn.execute(text(f"DELETE FROM {table}"))


def run_audit_benchmark(url: str, n_projects: int, *, seed: int = 7, city: str = "xiaogan") -> dict[str, Any]:
    """Run the measurements on a fresh database at ``url``; returns the numbers.

    The ingest runs with ``chain_on_write=False`` so that the chain's cost is measured apart
    (``benchmarks/chain_on_write.py`` measures chaining inside the write transaction).
    """
    with connect(url, create_tables=True, chain_on_write=False) as app:
        sim = simulate(app.city(city), n_projects, seed=seed, as_of=date(2024, 12, 31))
        commands = list(sim.commands)
        t = time.perf_counter()
        report = app.projects.ingest(commands)
        ingest_s = time.perf_counter() - t
        events = report.events

        t = time.perf_counter()
        seal(app.audit.db, with_log=False)
        chain_s = time.perf_counter() - t

        _clear_audit_tables(app)
        t = time.perf_counter()
        app.audit.seal()
        full_s = time.perf_counter() - t

        t = time.perf_counter()
        verdict = app.audit.verify()
        verify_s = time.perf_counter() - t
        assert verdict.ok, str(verdict)

        key = SigningKey.generate()
        t = time.perf_counter()
        cp = app.audit.checkpoint(key)
        checkpoint_s = time.perf_counter() - t
        t = time.perf_counter()
        app.audit.prove_inclusion(events // 2, cp)
        proof_s = time.perf_counter() - t
    return {
        "database": url.split(":", 1)[0],
        "projects": n_projects,
        "events": events,
        "ingest_s": round(ingest_s, 3),
        "ingest_events_per_s": round(events / ingest_s),
        "chain_s": round(chain_s, 3),
        "chain_share_of_ingest_pct": round(100 * chain_s / ingest_s, 1),
        "chain_and_log_s": round(full_s, 3),
        "chain_and_log_share_of_ingest_pct": round(100 * full_s / ingest_s, 1),
        "verify_s": round(verify_s, 3),
        "verify_events_per_s": round(events / verify_s),
        "checkpoint_s": round(checkpoint_s, 4),
        "inclusion_proof_s": round(proof_s, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        print(json.dumps(run_audit_benchmark(url, args.projects), indent=1))


if __name__ == "__main__":
    main()
