"""Every common mistake at the command line: one ``error:`` line on stderr, exit code 2, no
traceback, nothing left behind, and an answer instead of a hang.

Each case runs the real ``projlife`` console entry point in a fresh process, in an empty
working folder, and compares the folder before and after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

import projlife
from projlife.store.database import CONNECT_TIMEOUT, DatabaseURL

HANG_GUARD = 60
"""Seconds after which a case counts as hanging (a guard, not a speed measurement)."""

CLERK = {"id": "clerk-420902", "role": "clerk", "area_code": "420902"}


@pytest.fixture(scope="module")
def xiaogan_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small initialised database holding one Xiaogan project."""
    path = tmp_path_factory.mktemp("xiaogan") / "drive.db"
    with projlife.connect(f"sqlite:///{path}", create_tables=True) as app:
        app.projects.execute(
            {
                "command": "conceive",
                "code": "XG-2024-001",
                "project_name": "新能源电池产业园",
                "city_code": "420900",
                "area_code": "420902",
                "category": "industrial",
                "planned_investment_yuan": "1200000000",
                "occurred_on": "2024-03-01",
                "actor": CLERK,
            }
        )
        app.projections.run()
    return path


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROJLIFE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(projlife.__file__).parents[1]), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", "import sys; from projlife.cli import main; sys.exit(main())", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for text in expected:
        assert text in lines[0], lines[0]
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    return lines[0]


def _no_ledger_xlsx(folder: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "电话"])
    ws.append(["张三", "123"])
    path = folder / "contacts.xlsx"
    wb.save(path)
    return path


CASES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "postgres-unreachable": (
        ["report", "weekly", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/test"],
        ("127.0.0.1:1/test", "refused"),
    ),
    "postgres-database-missing": (
        ["report", "weekly", "--db", "postgresql+psycopg://postgres@127.0.0.1:5432/projlife_no_such_db"],
        ("projlife_no_such_db",),
    ),
    "sqlite-folder-missing": (
        ["report", "weekly", "--db", "sqlite:///no/such/dir/x.db"],
        ("no/such/dir", "does not exist"),
    ),
    "report-on-a-new-file": (["report", "weekly", "--db", "sqlite:///new.db"], ("new.db", "projlife init")),
    "import-a-missing-file": (
        ["import", "ledger", "missing.xlsx", "--city", "xiaogan", "--db", "sqlite:///new.db"],
        ("missing.xlsx", "no such file"),
    ),
    "import-a-text-file-named-xlsx": (
        ["import", "ledger", "notes.xlsx", "--city", "xiaogan", "--db", "sqlite:///new.db"],
        ("not an .xlsx workbook",),
    ),
    "import-into-an-uninitialised-database": (
        ["import", "ledger", "contacts.xlsx", "--city", "xiaogan", "--db", "sqlite:///new.db"],
        ("projlife init", "--init"),
    ),
    "import-a-sheet-that-is-not-a-ledger": (
        ["import", "ledger", "contacts.xlsx", "--city", "xiaogan", "--db", "sqlite:///{db}"],
        ("台账 header",),
    ),
    "export-a-bad-date": (
        ["export", "ledger", "--city", "xiaogan", "--out", "l.xlsx", "--as-of", "2024-13-01"],
        ("--as-of", "2024-13-01", "YYYY-MM-DD"),
    ),
    "export-a-bad-unit": (
        [
            "export",
            "ledger",
            "--city",
            "xiaogan",
            "--out",
            "l.xlsx",
            "--unit",
            "千元",
            "--db",
            "sqlite:///{db}",
        ],
        ("千元", "万元"),
    ),
    "demo-a-misspelt-city": (["demo", "--city", "xiaogna", "--out", "demo"], ("xiaogna", "xiaogan")),
    "report-a-city-the-database-does-not-hold": (
        ["report", "weekly", "--city", "zhumadian", "--db", "sqlite:///{db}"],
        ("驻马店", "xiaogan"),
    ),
    "postgres-url-without-dialect-name": (
        ["report", "weekly", "--db", "postgres://postgres@127.0.0.1/test"],
        ("postgresql+psycopg://",),
    ),
    "sqlite-url-with-two-slashes": (["report", "weekly", "--db", "sqlite://x.db"], ("sqlite:///x.db",)),
    "rich-markup-in-the-input": (
        ["report", "weekly", "--city", "[/]bad[bold]", "--db", "sqlite:///{db}"],
        ("[/]bad[bold]",),
    ),
    "unknown-format": (["report", "weekly", "--format", "xml"], ("xml", "md", "json", "html")),
    "unknown-command": (["frobnicate"], ("frobnicate",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_common_mistake_gets_one_clear_line_and_leaves_nothing_behind(
    case: str, tmp_path: Path, xiaogan_db: Path
) -> None:
    if case.startswith("postgres-database"):
        pytest.importorskip("psycopg")
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.xlsx").write_text("not a workbook\n", encoding="utf-8")
    _no_ledger_xlsx(work)
    db = tmp_path / "db" / "drive.db"
    db.parent.mkdir()
    shutil.copy(xiaogan_db, db)
    args, expected = CASES[case]
    args = [a.replace("{db}", str(db)) for a in args]
    before, db_before = _tree(work), _tree(db.parent)
    result = _run(args, work)
    _assert_one_clear_line(result, *expected)
    assert _tree(work) == before
    assert _tree(db.parent) == db_before


def test_the_postgres_connect_timeout_is_short_for_both_the_events_and_the_read_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import projlife.store.database as database

    seen: dict[str, object] = {}

    def fake_create_engine(url: object, **kwargs: object) -> object:
        seen.update(kwargs)
        return object()

    monkeypatch.setattr(database, "create_engine", fake_create_engine)
    url = DatabaseURL.parse("postgresql+psycopg://postgres@10.255.255.1:5432/test")
    url.create_engine()
    assert 0 < CONNECT_TIMEOUT <= 10
    assert seen["connect_args"] == {"connect_timeout": CONNECT_TIMEOUT}
    assert url.eventsourcing_env()["POSTGRES_CONNECT_TIMEOUT"] == str(CONNECT_TIMEOUT)


def test_a_ledger_exports_in_yuan_as_officials_say_it(tmp_path: Path, xiaogan_db: Path) -> None:
    from openpyxl import load_workbook

    db = tmp_path / "drive.db"
    shutil.copy(xiaogan_db, db)
    out = tmp_path / "ledger.xlsx"
    result = _run(
        [
            *("export", "ledger", "--city", "420900", "--out", str(out)),
            *("--unit", "元", "--as-of", "2024-06-30", "--db", f"sqlite:///{db}"),
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # status goes to stderr
    cells = [str(c.value) for row in load_workbook(out).worksheets[0].iter_rows() for c in row if c.value]
    assert any("(元)" in c for c in cells), cells[:40]
    assert "1200000000" in "".join(c.replace(",", "").split(".")[0] for c in cells)


def test_error_lines_do_not_wrap_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    long_name = "x" * 300
    result = _run(["demo", "--city", long_name, "--out", "demo"], tmp_path)
    line = _assert_one_clear_line(result, long_name)
    assert len(line) > 300
