"""``projlife tokens create/list/revoke`` on a database, and the tokens they make work against the server."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from projlife.app.application import connect
from projlife.cli import main
from projlife.server import create_app


def test_tokens_are_created_listed_and_revoked_from_the_command_line(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(sqlite_url, create_tables=True).close()
    assert (
        main(
            [
                "tokens",
                "create",
                "--db",
                sqlite_url,
                "--actor",
                "li.na",
                "--role",
                "verifier",
                "--area",
                "420902",
            ]
        )
        == 0
    )
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("pl_")
    assert main(["tokens", "list", "--db", sqlite_url, "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(t["id"], t["role"], t["area_code"], t["revoked_at"]) for t in listed] == [
        ("li.na", "verifier", "420902", None)
    ]
    assert token.split("_", 2)[2] not in json.dumps(listed)
    with connect(sqlite_url) as pl:
        client = TestClient(create_app(pl))
        who = client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).json()
        assert who["actor"] == {"id": "li.na", "role": "verifier", "area_code": "420902"}
        assert main(["tokens", "revoke", "--db", sqlite_url, listed[0]["token_id"]]) == 0
        assert client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actor", "x", "--role", "mayor"], "unknown role"),
        (["--actor", "x", "--role", "clerk", "--area", "000000"], "no installed city has that area"),
    ],
)
def test_a_bad_token_request_is_refused(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    connect(sqlite_url, create_tables=True).close()
    assert main(["tokens", "create", "--db", sqlite_url, *args]) == 2
    assert message in capsys.readouterr().err


def test_revoking_an_unknown_token_is_refused(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    connect(sqlite_url, create_tables=True).close()
    assert main(["tokens", "revoke", "--db", sqlite_url, "nope"]) == 2
    assert "no token" in capsys.readouterr().err


def test_the_serve_and_follow_example_runs_end_to_end() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, str(root / "examples" / "serve_and_follow.py")],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "src"), os.environ.get("PYTHONPATH")])),
        },
        check=True,
    ).stdout
    assert "positions 3 and 3" in out  # the retry with the same key wrote nothing
    assert "403 permission_denied" in out
    assert "1:Project.Conceived, 2:Project.Reserved, 3:Project.Signed, 4:Project.StageVerified" in out
