"""``audit verify`` checks the readable audit_log rows against the events they describe."""

from __future__ import annotations

import pytest

from audit_helpers import drive, sql
from projlife.app.application import Projlife


@pytest.mark.parametrize(
    "column, value",
    [("actor_id", "someone-else"), ("actor_role", "verifier"), ("reason", "伪造的理由"), ("summary", "x")],
)
def test_an_edited_audit_log_row_is_found_at_its_position(app: Projlife, column: str, value: str) -> None:
    drive(app, n_projects=4)
    app.audit.seal()
    assert app.audit.verify().ok
    sql(app, f"UPDATE audit_log SET {column} = :v WHERE position = 7", v=value)
    report = app.audit.verify()
    assert not report.ok
    assert report.problem is not None and report.problem.position == 7
    assert column in report.problem.detail
