"""projlife benchmarks: ingest, rebuild, queries and verification, measured against their targets.

    PYTHONPATH=src python benchmarks/run.py [--projects N] [--db URL] [--json] [--quick]

Builds a seeded synthetic province (the four built-in cities, N projects with realistic
lifecycles, monthly investment reports, tickets) on a temporary SQLite file (or on ``--db``),
then measures each figure next to a baseline taken in the same run, so the ratio survives
a busy machine. Every phase runs in its own subprocess, so peak memory (RSS) is per phase.
Results go to ``benchmarks/results/<date>-<database>[-quick].json`` and ``.md``.
``docs/benchmarks.md`` explains every figure and its baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

CITIES = ("xiaogan", "zhumadian", "xiamen", "jiangyan")
SEED = 2024
AS_OF = date(2024, 12, 31)
HELD_PROJECTS = 200  # projects kept out of the batched import and sent one command at a time
RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- helpers


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: first query pays for imports and SQL compilation
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return round(statistics.median(runs) * 1000, 2)


def _share(n: int, i: int) -> int:
    """Projects of the i-th city: N split over the four cities."""
    return n // len(CITIES) + (1 if i < n % len(CITIES) else 0)


def _province(app: Any, n_projects: int, hold: bool) -> Iterator[tuple[Any, list[Any], list[Any], Any]]:
    """Per city: (city, batched commands, held-out commands, simulation)."""
    from projlife.demo.simulation import simulate
    from projlife.domain.project import project_id_for

    step = max(1, n_projects // HELD_PROJECTS) if hold else 0
    for i, slug in enumerate(CITIES):
        city = app.city(slug)
        sim = simulate(city, _share(n_projects, i), seed=SEED + i, as_of=AS_OF)
        held_ids = (
            {project_id_for(city.code, p.code) for k, p in enumerate(sim.projects) if k % step == step // 2}
            if step
            else set()
        )
        batched = [c for c in sim.commands if _pid(c) not in held_ids]
        held = [c for c in sim.commands if _pid(c) in held_ids]
        # The generated input is the harness's, not projlife's: keep the garbage collector
        # from re-scanning it on every collection (a real import streams its input).
        gc.freeze()
        yield city, batched, held, sim


def _pid(cmd: Any) -> Any:
    from projlife.app.commands import ConceiveProject

    if isinstance(cmd, ConceiveProject):
        from projlife.domain.project import project_id_for

        return project_id_for(cmd.city_code, cmd.code)
    return cmd.project_id


# --------------------------------------------------------------------------- phases (subprocesses)


def phase_ingest(url: str, n_projects: int, hold: bool) -> dict[str, Any]:
    """Batched import, the hash chain's cost, the audit log, one command at a time, tickets."""
    from sqlalchemy import text

    from projlife.app.application import EventStore, connect
    from projlife.audit.sealing import seal
    from projlife.demo.ticket_simulation import simulate_tickets

    app = connect(url, create_tables=True)
    seconds = 0.0
    events = commands = 0
    held: list[Any] = []
    sims = []
    cpu = mem_seconds = 0.0
    mem_events = 0
    mem_app = connect(f"sqlite:///{tempfile.mkdtemp()}/unused.db", create_tables=True) if hold else None
    for i, (city, batched, held_here, sim) in enumerate(_province(app, n_projects, hold)):
        # Baseline, interleaved city by city (ABBA) so that the machine's load hits both alike:
        # the same commands through the same ProjectService.ingest into an in-memory store
        # (cities share no project, so a fresh store per city does the same aggregate work).
        for first_db in (i % 2 == 1,) if mem_app is not None else (True,):
            for to_db in (first_db, not first_db) if mem_app is not None else (True,):
                if to_db:
                    t, c = time.perf_counter(), time.process_time()
                    report = app.projects.ingest(batched)
                    seconds += time.perf_counter() - t
                    cpu += time.process_time() - c
                else:
                    assert mem_app is not None
                    mem_app.store.close()
                    mem_app.store = EventStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
                    t = time.perf_counter()
                    mem_events += mem_app.projects.ingest(batched).events
                    mem_seconds += time.perf_counter() - t
        events += report.events
        commands += report.commands
        held += held_here
        sims.append((city, sim.projects))
    out: dict[str, Any] = {"seconds": seconds, "cpu_seconds": cpu, "events": events, "commands": commands}
    if mem_app is not None:
        mem_app.close()
        out["baseline"] = {"seconds": mem_seconds, "events": mem_events}
    if not hold:
        out["rss_mb"] = _rss_mb()
        app.close()
        return out

    t = time.perf_counter()
    seal(app.audit.db, with_log=False)
    out["chain_seconds"] = time.perf_counter() - t
    with app.engine.begin() as conn:
        for table in ("audit_chain", "audit_log", "audit_head", "audit_checkpoints"):
            conn.execute(text(f"DELETE FROM {table}"))
    t = time.perf_counter()
    app.audit.seal()
    out["seal_seconds"] = time.perf_counter() - t

    # one command at a time: execute (validate, load, apply, save) + seal (hash chain and audit log)
    held.sort(key=lambda c: c.occurred_on)
    execute_ms: list[float] = []
    total_ms: list[float] = []
    single_events = 0
    for cmd in held:
        t0 = time.perf_counter()
        app.projects.execute(cmd)
        t1 = time.perf_counter()
        single_events += app.audit.seal().sealed
        t2 = time.perf_counter()
        execute_ms.append((t1 - t0) * 1000)
        total_ms.append((t2 - t0) * 1000)
    out["single"] = {
        "commands": len(held),
        "events": single_events,
        "seconds": sum(total_ms) / 1000,
        "execute_p50_ms": _pct(execute_ms, 0.5),
        "execute_p99_ms": _pct(execute_ms, 0.99),
        "p50_ms": _pct(total_ms, 0.5),
        "p99_ms": _pct(total_ms, 0.99),
    }

    # tickets, one command at a time, sealed each time
    ticket_ms: list[float] = []
    for city, projects in sims:
        labels = app.tickets.policy(city.code).category_labels
        n_tickets = max(10, len(projects) // 50)
        for c in simulate_tickets(city.code, projects, labels, n_tickets, seed=SEED, as_of=AS_OF):
            t0 = time.perf_counter()
            app.tickets.execute(c)
            app.audit.seal()
            ticket_ms.append((time.perf_counter() - t0) * 1000)
    out["tickets"] = {
        "commands": len(ticket_ms),
        "p50_ms": _pct(ticket_ms, 0.5),
        "p99_ms": _pct(ticket_ms, 0.99),
    }
    out["total_events"] = app.store.recorder.max_notification_id() or 0
    out["rss_mb"] = _rss_mb()
    app.close()
    return out


def phase_rebuild(url: str) -> dict[str, Any]:
    """Read and decode every projection's events (the baseline), then rebuild every read model."""
    from projlife.app.application import connect

    app = connect(url)
    runner = app.projections
    recorder = app.store.recorder
    read_s = 0.0
    read_events = 0
    for projection in runner.projections:
        topics = list(projection.topics) if projection.topics else []
        t = time.perf_counter()
        pos = 0
        while True:
            notes = recorder.select_notifications(pos + 1, 2000, topics=topics)
            if not notes:
                break
            for n in notes:
                app.store.mapper.to_domain_event(n)
            read_events += len(notes)
            pos = notes[-1].id
        read_s += time.perf_counter() - t
    rebuild_s = 0.0
    rebuilt = 0
    rebuild_cpu = 0.0
    for projection in runner.projections:
        t, c = time.perf_counter(), time.process_time()
        rebuilt += runner.rebuild(projection.name)
        rebuild_s += time.perf_counter() - t
        rebuild_cpu += time.process_time() - c
    app.close()
    return {
        "read_seconds": read_s,
        "read_events": read_events,
        "rebuild_seconds": rebuild_s,
        "rebuild_cpu_seconds": rebuild_cpu,
        "rebuilt_events": rebuilt,
        "projections": [p.name for p in runner.projections],
        "rss_mb": _rss_mb(),
    }


def phase_queries(url: str, n_projects: int) -> dict[str, Any]:
    """Ledger as of a date (one county, whole province), funnel (one city-quarter), ranking."""
    import attrs

    from projlife.app.application import connect
    from projlife.domain.periods import Period
    from projlife.engine import rank
    from projlife.plugins.manager import rule_set
    from projlife.plugins.rules import Measure, Metric, Normalisation, ScoringIndicator, ScoringRule

    app = connect(url)
    app.projections.run()
    city = app.city(CITIES[0])
    county = city.areas.counties[0].code
    mid = date(2024, 6, 30)
    repeat = 5 if n_projects <= 20_000 else 3
    out: dict[str, Any] = {
        "county_rows": len(app.ledger.rows(city=city.slug, county=county, as_of=mid)),
        "province_rows": len(app.ledger.rows(as_of=mid)),
        "ledger_county_ms": _median_ms(lambda: app.ledger.rows(city=city.slug, county=county, as_of=mid), 5),
        "ledger_province_ms": _median_ms(lambda: app.ledger.rows(as_of=mid), repeat),
        "funnel_ms": _median_ms(lambda: app.metrics.funnel("2024-Q2", city=city.slug), 5),
    }
    # Rank with the city's own scoring rule, over a period of the kind it names (孝感: half-year).
    probe = rule_set(app.plugins, city, Period.parse("2024-Q2"))
    kind = probe.scoring[0].period_kind if probe.scoring else "quarter"
    period = Period.containing(kind, mid)
    rules = rule_set(app.plugins, city, period)
    if not rules.scoring:  # a city without a scoring rule: a typical quarterly one
        scoring = ScoringRule(
            "bench-quarterly",
            "季度考评",
            "quarter",
            [
                ScoringIndicator("starts", "开工数", Metric(Measure.STAGE_ENTRIES, "started"), 60),
                ScoringIndicator(
                    "signed",
                    "签约数",
                    Metric(Measure.STAGE_ENTRIES, "signed"),
                    40,
                    normalisation=Normalisation.SHARE_OF_MAX,
                ),
            ],
        )
        rules = attrs.evolve(rules, scoring=(scoring,))
    t = time.perf_counter()
    ranking = rank(app, city, period, mid, rules=rules)
    out["rank_ms"] = round((time.perf_counter() - t) * 1000, 1)
    out["rank_areas"] = len(ranking.rows)
    out["rss_mb"] = _rss_mb()
    app.close()
    return out


def phase_audit(url: str) -> dict[str, Any]:
    from projlife.app.application import connect

    app = connect(url)
    t = time.perf_counter()
    verdict = app.audit.verify()
    seconds = time.perf_counter() - t
    if not verdict.ok:
        raise SystemExit(f"audit verification failed: {verdict}")
    events = app.store.recorder.max_notification_id() or 0
    app.close()
    return {"seconds": seconds, "events": events, "rss_mb": _rss_mb()}


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "ingest": phase_ingest,
    "rebuild": phase_rebuild,
    "queries": phase_queries,
    "audit": phase_audit,
}


def _run_phase(name: str, url: str, *args: Any) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", name, "--url", url, "--args", json.dumps(args)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  {name}: done ({result.get('rss_mb')} MB peak RSS)", file=sys.stderr)
    return result


# --------------------------------------------------------------------------- databases


@contextmanager
def _databases(db: str | None) -> Iterator[tuple[str, str, str]]:
    """(kind, main URL, scaling URL): two fresh databases, removed afterwards."""
    if db is None or db.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="projlife-bench-") as tmp:
            if db is None:
                main = Path(tmp) / "province.db"
            else:
                main = Path(db.split(":///", 1)[1])
                if main.exists():
                    raise SystemExit(f"{main} exists: give a new file, the benchmark builds its own province")
            yield "sqlite", f"sqlite:///{main}", f"sqlite:///{Path(tmp) / 'scaling.db'}"
        return
    from projlife.store.database import DatabaseURL

    base = DatabaseURL.parse(db)
    if base.dialect == "mysql":
        yield from _mysql_databases(db)
        return
    import psycopg

    params = {"host": base.host, "port": base.port, "user": base.user, "dbname": base.database}
    if base.password:
        params["password"] = base.password
    schemas = [f"bench_{uuid.uuid4().hex[:10]}", f"bench_{uuid.uuid4().hex[:10]}"]
    with psycopg.connect(**params, autocommit=True) as conn:
        for s in schemas:
            conn.execute(f'CREATE SCHEMA "{s}"')
    sep = "&" if "?" in db else "?"
    try:
        yield "postgres", f"{db}{sep}schema={schemas[0]}", f"{db}{sep}schema={schemas[1]}"
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            for s in schemas:
                conn.execute(f'DROP SCHEMA "{s}" CASCADE')


def _mysql_databases(db: str) -> Iterator[tuple[str, str, str]]:
    """Two fresh MariaDB/MySQL databases beside the one in ``db`` (dropped afterwards)."""
    import pymysql
    from sqlalchemy.engine import make_url

    from projlife.store.database import DatabaseURL

    base = DatabaseURL.parse(db)
    names = [f"bench_{uuid.uuid4().hex[:10]}", f"bench_{uuid.uuid4().hex[:10]}"]
    conn = pymysql.connect(
        host=base.host, port=base.port or 3306, user=base.user, password=base.password or "", autocommit=True
    )
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        urls = [make_url(db).set(database=n).render_as_string(hide_password=False) for n in names]
        yield "mysql", urls[0], urls[1]
    finally:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


# --------------------------------------------------------------------------- machine


def machine(url: str) -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    from importlib.metadata import version

    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": version("eventsourcing"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if url.startswith("postgresql"):
        from sqlalchemy import text

        from projlife.store.database import DatabaseURL

        engine = DatabaseURL.parse(url).create_engine()
        with engine.connect() as conn:
            info["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    if url.startswith(("mysql", "mariadb")):
        from sqlalchemy import text

        from projlife.store.database import DatabaseURL

        engine = DatabaseURL.parse(url).create_engine()
        with engine.connect() as conn:
            info["mysql"] = conn.execute(text("SELECT VERSION()")).scalar()
        engine.dispose()
    return info


# --------------------------------------------------------------------------- figures


def _fig(
    key: str,
    label: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_label: str | None = None,
    ratio: float | None = None,
    target: str | None = None,
    met: bool | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "figure": label,
        "value": round(value, 3),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 3),
        "baseline_is": baseline_label,
        "ratio": None if ratio is None else round(ratio, 3),
        "target": target,
        "met": met,
    }


def figures(n: int, small_n: int, r: dict[str, Any]) -> list[dict[str, Any]]:
    ing, reb, q, aud = r["ingest"], r["rebuild"], r["queries"], r["audit"]
    base = ing["baseline"]
    s_ing, s_reb = r["scaling_ingest"], r["scaling_rebuild"]
    mem_rate = base["events"] / base["seconds"]
    rate = ing["events"] / ing["seconds"]
    single = ing["single"]
    single_rate = single["events"] / single["seconds"]
    rebuild_rate = reb["rebuilt_events"] / reb["rebuild_seconds"]
    read_rate = reb["read_events"] / reb["read_seconds"]
    chain_share = ing["chain_seconds"] / ing["seconds"]
    log_share = ing["seal_seconds"] / ing["seconds"]
    verify_rate = aud["events"] / aud["seconds"]
    # Scaling compares two runs minutes apart: CPU time per event, so the machine's load
    # in between does not pass for the code's (wall-clock figures are in "raw").
    us_big = 1e6 * ing["cpu_seconds"] / ing["events"]
    us_small = 1e6 * s_ing["cpu_seconds"] / s_ing["events"]
    rb_big = 1e6 * reb["rebuild_cpu_seconds"] / max(1, reb["rebuilt_events"])
    rb_small = 1e6 * s_reb["rebuild_cpu_seconds"] / max(1, s_reb["rebuilt_events"])
    mem = "same commands, ProjectService.ingest, eventsourcing in-memory (POPO) store"
    return [
        _fig(
            "ingest_batched",
            "batched ingest (app.projects.ingest)",
            rate,
            "events/s",
            baseline=mem_rate,
            baseline_label=mem,
            ratio=rate / mem_rate,
            target="≥ 0.80 × in-memory",
            met=rate / mem_rate >= 0.80,
        ),
        _fig(
            "ingest_single",
            "one command at a time (execute + seal)",
            single_rate,
            "events/s",
            baseline=mem_rate,
            baseline_label=mem + " (batched)",
            ratio=single_rate / mem_rate,
        ),
        _fig(
            "command_p50",
            "one command p50 (execute + seal)",
            single["p50_ms"],
            "ms",
            target="≤ 2 ms",
            met=single["p50_ms"] <= 2,
        ),
        _fig(
            "command_p99",
            "one command p99 (execute + seal)",
            single["p99_ms"],
            "ms",
            target="≤ 10 ms",
            met=single["p99_ms"] <= 10,
        ),
        _fig("ticket_p50", "one ticket command p50 (execute + seal)", ing["tickets"]["p50_ms"], "ms"),
        _fig(
            "chain_share",
            "hash chain (seal, chain only) as a share of ingest",
            ing["chain_seconds"],
            "s",
            baseline=ing["seconds"],
            baseline_label="batched ingest time",
            ratio=chain_share,
            target="≤ 0.15",
            met=chain_share <= 0.15,
        ),
        _fig(
            "audit_log_share",
            "hash chain + who/what/when/why log as a share of ingest",
            ing["seal_seconds"],
            "s",
            baseline=ing["seconds"],
            baseline_label="batched ingest time",
            ratio=log_share,
        ),
        _fig(
            "rebuild",
            "full rebuild of all read models",
            rebuild_rate,
            "events/s",
            baseline=read_rate,
            baseline_label="reading and decoding the same events",
            ratio=rebuild_rate / read_rate,
            target="≥ 0.50 × read+decode",
            met=rebuild_rate / read_rate >= 0.50,
        ),
        _fig(
            "ledger_county",
            f"ledger as of 2024-06-30, one county ({q['county_rows']} rows)",
            q["ledger_county_ms"],
            "ms",
            target="≤ 50 ms",
            met=q["ledger_county_ms"] <= 50,
        ),
        _fig(
            "ledger_province",
            f"ledger as of 2024-06-30, whole province ({q['province_rows']} rows)",
            q["ledger_province_ms"],
            "ms",
            target="≤ 500 ms",
            met=q["ledger_province_ms"] <= 500,
        ),
        _fig(
            "funnel",
            "funnel, one city-quarter",
            q["funnel_ms"],
            "ms",
            target="≤ 20 ms",
            met=q["funnel_ms"] <= 20,
        ),
        _fig(
            "rank",
            f"ranking, one city over its scoring period ({q['rank_areas']} areas, engine)",
            q["rank_ms"],
            "ms",
        ),
        _fig(
            "verify",
            "audit verification",
            verify_rate,
            "events/s",
            target="≥ 100,000 events/s",
            met=verify_rate >= 100_000,
        ),
        _fig(
            "rss_rebuild",
            "peak RSS, rebuild phase",
            reb["rss_mb"],
            "MB",
            target="≤ 400 MB",
            met=reb["rss_mb"] <= 400,
        ),
        _fig("rss_queries", "peak RSS, queries phase", q["rss_mb"], "MB"),
        _fig("rss_ingest", "peak RSS, ingest phase (holds the generated commands)", ing["rss_mb"], "MB"),
        _fig(
            "scaling_ingest",
            f"ingest CPU time per event at N={n:,} vs N={small_n:,}",
            us_big,
            "µs/event",
            baseline=us_small,
            baseline_label=f"the same at N={small_n:,}",
            ratio=us_big / us_small,
            target="≤ 1.3×",
            met=us_big / us_small <= 1.3,
        ),
        _fig(
            "scaling_rebuild",
            f"rebuild CPU time per event at N={n:,} vs N={small_n:,}",
            rb_big,
            "µs/event",
            baseline=rb_small,
            baseline_label=f"the same at N={small_n:,}",
            ratio=rb_big / rb_small,
            target="≤ 1.3×",
            met=rb_big / rb_small <= 1.3,
        ),
    ]


def _num(v: float | None) -> str:
    if v is None:
        return ""
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"### {result['database']} · {result['projects']:,} projects · {result['events']:,} events · "
        f"{result['started'][:10]}",
        "",
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, SQLite {m['sqlite']}"
        + (f", PostgreSQL {m['postgresql']}" if m.get("postgresql") else "")
        + (f", MariaDB/MySQL {m['mysql']}" if m.get("mysql") else "")
        + f", eventsourcing {m['eventsourcing']}; load average at start {m['load_average']}; "
        f"total {result['wall_seconds']:.0f} s",
        "",
        "| figure | value | baseline | ratio | target | met |",
        "|---|---:|---:|---:|---|:-:|",
    ]
    for f in result["figures"]:
        met = "" if f["met"] is None else ("yes" if f["met"] else "**no**")
        lines.append(
            f"| {f['figure']} | {_num(f['value'])} {f['unit']} | "
            f"{_num(f['baseline'])}{' ' + f['unit'] if f['baseline'] is not None and f['unit'] != 's' else ''}"
            f"{' s' if f['baseline'] is not None and f['unit'] == 's' else ''} | "
            f"{_num(f['ratio'])} | {f['target'] or ''} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=100_000, help="projects in the province (default 100k)")
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--quick", action="store_true", help="about 5k projects; under a minute")
    ap.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--args", default="[]", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(PHASES[a.phase](a.url, *json.loads(a.args))))
        return
    n = 5_000 if a.quick else a.projects
    small_n = max(len(CITIES), n // 10)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    with _databases(a.db) as (kind, url, small_url):
        info = machine(url) if kind in ("postgres", "mysql") else machine("")
        print(f"benchmarking {n:,} projects on {kind} (scaling at {small_n:,})", file=sys.stderr)
        raw = {
            "ingest": _run_phase("ingest", url, n, True),
            "rebuild": _run_phase("rebuild", url),
            "queries": _run_phase("queries", url, n),
            "audit": _run_phase("audit", url),
            "scaling_ingest": _run_phase("ingest", small_url, small_n, False),
            "scaling_rebuild": _run_phase("rebuild", small_url),
        }
    result = {
        "database": kind,
        "projects": n,
        "scaling_projects": small_n,
        "events": raw["ingest"]["total_events"],
        "quick": a.quick,
        "started": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "machine": info,
        "figures": figures(n, small_n, raw),
        "raw": raw,
    }
    result["all_met"] = all(f["met"] for f in result["figures"] if f["met"] is not None)
    if not a.no_save:
        RESULTS.mkdir(exist_ok=True)
        stem = f"{started:%Y-%m-%d}-{kind}{'-quick' if a.quick else ''}"
        (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        (RESULTS / f"{stem}.md").write_text(markdown(result))
    if a.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(markdown(result))


if __name__ == "__main__":
    main()
