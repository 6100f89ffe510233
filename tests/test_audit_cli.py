"""``projlife audit …`` end to end, and the province's offline check of what it exported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit_helpers import delete_row, drive, flip_state_byte, started_project
from projlife.app.application import connect
from projlife.audit import SigningKey
from projlife.audit.offline import main as offline_main
from projlife.cli.app import main


@pytest.fixture
def county(db_url: str, tmp_path: Path) -> tuple[str, Path]:
    with connect(db_url, create_tables=True) as app:
        drive(app, n_projects=8)
    key_file = tmp_path / "county.key"
    SigningKey.generate().write_private_key(key_file)
    return db_url, key_file


def test_verify_exits_zero_on_an_intact_log_and_one_naming_the_first_bad_position(
    county: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, key = county
    assert main(["audit", "checkpoint", "--db", db, "--key", str(key)]) == 0
    assert main(["audit", "verify", "--db", db]) == 0
    assert "INTACT" in capsys.readouterr().out
    with connect(db) as app:
        flip_state_byte(app, 30, 11)
        delete_row(app, 12)
    assert main(["audit", "verify", "--db", db]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "TAMPERED" in err and "position 12" in err and "deleted" in err


def test_checkpoint_without_a_key_fails_clearly_and_signs_nothing(
    county: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = county
    monkeypatch.delenv("PROJLIFE_AUDIT_KEY", raising=False)
    assert main(["audit", "checkpoint", "--db", db]) == 2
    assert "PROJLIFE_AUDIT_KEY is not set" in " ".join(capsys.readouterr().err.split())
    assert main(["audit", "checkpoint", "--db", db, "--key", str(county[1].parent / "missing.key")]) == 2
    assert "no file at" in " ".join(capsys.readouterr().err.split())
    with connect(db) as app:
        assert app.audit.latest_checkpoint() is None


def test_checkpoint_with_a_key_file_others_may_read_fails_clearly_and_signs_nothing(
    county: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, key = county
    key.chmod(0o644)
    assert main(["audit", "checkpoint", "--db", db, "--key", str(key), "--log-id", "420902"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "mode 0644" in err and "chmod 600" in err
    with connect(db) as app:
        assert app.audit.latest_checkpoint() is None


def test_the_key_path_may_come_from_the_environment(
    county: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, key = county
    monkeypatch.setenv("PROJLIFE_AUDIT_KEY", str(key))
    assert main(["audit", "checkpoint", "--db", db]) == 0


def test_a_province_verifies_exported_checkpoints_and_proofs_offline(
    county: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, key = county
    out = tmp_path / "province"
    assert main(["audit", "checkpoint", "--db", db, "--key", str(key), "--log-id", "420902"]) == 0
    assert main(["audit", "export-checkpoint", "--db", db, "--out", str(out / "c1.json"),
                 "--public-key-out", str(out / "county.pub")]) == 0  # fmt: skip
    old_size = json.loads((out / "c1.json").read_text())["tree_size"]
    with connect(db) as app:
        started_project(app)
    assert main(["audit", "checkpoint", "--db", db, "--key", str(key)]) == 0
    assert main(["audit", "export-checkpoint", "--db", db, "--out", str(out / "c2.json")]) == 0
    assert main(["audit", "prove-inclusion", "--db", db, "--position", "5", "--checkpoint", str(old_size),
                 "--out", str(out / "inc.json")]) == 0  # fmt: skip
    assert (
        main(
            [
                "audit",
                "prove-consistency",
                "--db",
                db,
                "--old",
                str(old_size),
                "--out",
                str(out / "cons.json"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    pub = str(out / "county.pub")
    assert offline_main(["verify-inclusion", "--checkpoint", str(out / "c1.json"), "--public-key", pub,
                         "--proof", str(out / "inc.json")]) == 0  # fmt: skip
    assert offline_main(["verify-consistency", "--checkpoint", str(out / "c1.json"), "--public-key", pub,
                         "--proof", str(out / "cons.json")]) == 0  # fmt: skip
    assert main(["audit", "show-proof", str(out / "inc.json")]) == 0
    shown = capsys.readouterr().out
    assert '"position": 5' in shown
    # a proof against the wrong checkpoint is refused
    assert offline_main(["verify-inclusion", "--checkpoint", str(out / "c2.json"), "--public-key", pub,
                         "--proof", str(out / "inc.json")]) == 1  # fmt: skip


def test_log_prints_markdown_and_json(county: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = county
    with connect(db) as app:
        started_project(app, claimant="clerk-42")
    assert main(["audit", "log", "--db", db, "--actor", "clerk-42"]) == 0
    md = capsys.readouterr().out
    assert md.count("| XG-T-001 |") == 3 and "photo:site-2024-03-01.jpg" in md
    assert main(["audit", "log", "--db", db, "--project", "XG-T-001", "--from", "2024-02-01",
                 "--to", "2024-02-29", "--format", "json"]) == 0  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    assert [r["event_type"] for r in rows] == ["Project.Signed"]
    assert rows[0]["actor"] == {"id": "clerk-42", "role": "clerk", "area_code": "420902"}
