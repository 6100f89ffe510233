"""The one-pass verification accepts exactly what the reference walk accepts.

``fastwalk.fast_pass`` reads each table once and only says "intact" or not; the reference walk
(``integrity._walk`` and ``logcheck.check_audit_log``) says what is wrong. Any tamper of a random
event row, chain row, log row or head must make the pass refuse, and ``verify()`` then report it
at its position; ``log_fields`` must equal the writer's derivation on any state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_helpers import drive, event_count, sql
from projlife.app.application import Projlife, connect
from projlife.audit import SigningKey
from projlife.audit.fastwalk import fast_pass
from projlife.audit.integrity import _load_checkpoints, _walk
from projlife.audit.logcheck import check_audit_log
from projlife.audit.logfields import LOG_FIELDS, log_fields, reference_fields

KEY = SigningKey.generate()
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _passes(app: Projlife) -> tuple[tuple[int, int] | None, Any]:
    """(the one pass's verdict, the reference walk's (checked, unsealed, problem))."""
    db = app.audit.db
    with db.transaction() as cur:
        checkpoints, problem = _load_checkpoints(db, cur, None)
        assert problem is None
        fast = fast_pass(db, cur, checkpoints, 7)
        checked, unsealed, problem = _walk(db, cur, checkpoints, 7)
        if problem is None:
            problem = check_audit_log(db, cur, batch_size=7)
    return fast, (checked, unsealed, problem)


@pytest.fixture(scope="module")
def sealed_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Projlife]:
    """About 50 events with checkpoints, then a few written while chaining was off (unsealed)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pass') / 'p.db'}"
    with connect(url, create_tables=True) as app:
        drive(app, n_projects=2, seed=1)
        app.audit.checkpoint(KEY)
        drive(app, n_projects=2, seed=5, city="xiamen")
        app.audit.checkpoint(KEY)
    with connect(url, chain_on_write=False) as legacy:
        drive(legacy, n_projects=1, seed=7, city="jiangyan")
    app = connect(url)
    yield app
    app.close()


def test_the_one_pass_and_the_reference_walk_agree_on_an_intact_log(app: Projlife) -> None:
    drive(app, n_projects=3)
    app.audit.checkpoint(KEY)
    fast, (checked, unsealed, problem) = _passes(app)
    assert problem is None and fast == (checked, unsealed) == (event_count(app), 0)
    report = app.audit.verify(public_key=KEY.public_key)
    assert report.ok and (report.checked, report.unsealed, report.checkpoints) == (checked, 0, 1)


def test_unsealed_events_after_the_chain_are_counted_alike(sealed_log: Projlife) -> None:
    fast, (checked, unsealed, problem) = _passes(sealed_log)
    assert problem is None and unsealed > 0
    assert fast == (checked, unsealed)


def _flip(value: str, index: int) -> str:
    i = index % len(value)
    return value[:i] + ("x" if value[i] != "x" else "y") + value[i + 1 :]


@SETTINGS
@given(data=st.data(), column=st.sampled_from(LOG_FIELDS))
def test_any_change_to_a_log_row_is_refused_and_found_at_its_position(
    sealed_log: Projlife, data: st.DataObject, column: str
) -> None:
    app = sealed_log
    positions = [int(r[0]) for r in sql(app, "SELECT position FROM audit_log ORDER BY position")]
    position = data.draw(st.sampled_from(positions), label="position")
    original = sql(app, f"SELECT {column} FROM audit_log WHERE position = :p", p=position).scalar_one()
    if original is None or data.draw(st.booleans(), label="replace whole value"):
        changed: object = data.draw(
            st.sampled_from(["", "x", "伪造", "[]", None]).filter(lambda v: v != original)
        )
    else:
        changed = _flip(original, data.draw(st.integers(0, max(0, len(original) - 1)), label="char"))
    try:
        sql(app, f"UPDATE audit_log SET {column} = :v WHERE position = :p", v=changed, p=position)
    except Exception:  # NULL in a NOT NULL column: not storable, nothing to detect
        return
    try:
        fast, (_, _, problem) = _passes(app)
        assert fast is None, f"the one pass accepted a changed audit_log.{column} at {position}"
        assert problem is not None and problem.position == position and column in problem.detail
        report = app.audit.verify()
        assert report.problem == problem
    finally:
        sql(app, f"UPDATE audit_log SET {column} = :v WHERE position = :p", v=original, p=position)
    assert app.audit.verify().ok


_TAMPERS = [
    ("event", "state"),
    ("event", "topic"),
    ("event", "originator_id"),
    ("event", "originator_version"),
    ("chain", "event_hash"),
    ("chain", "chain_hash"),
    ("chain", "seq"),
    ("head", "chain_hash"),
    ("head", "frontier"),
    ("head", "last_position"),
]


def _tamper(app: Projlife, table: str, column: str, position: int, data: st.DataObject) -> tuple[str, Any]:
    """Change one value; returns the statement and value that put it back."""
    pos = "rowid" if app.url.dialect == "sqlite" else "notification_id"
    where = {
        "event": (app.url.events_table, f"{pos} = :p"),
        "chain": ("audit_chain", "position = :p"),
        "head": ("audit_head", "id = 1 AND :p = :p"),
    }[table]
    name, cond = where
    original = sql(app, f"SELECT {column} FROM {name} WHERE {cond}", p=position).scalar_one()
    if isinstance(original, int):
        changed: Any = original + data.draw(st.sampled_from([-1, 1, 7]), label="delta")
    elif isinstance(original, str):
        changed = _flip(original, data.draw(st.integers(0, len(original) - 1), label="char"))
    else:
        blob = bytearray(original)
        blob[data.draw(st.integers(0, len(blob) - 1), label="byte")] ^= data.draw(
            st.integers(1, 255), label="mask"
        )
        changed = bytes(blob)
    sql(app, f"UPDATE {name} SET {column} = :v WHERE {cond}", v=changed, p=position)
    return f"UPDATE {name} SET {column} = :v WHERE {cond}", original


@SETTINGS
@given(data=st.data(), target=st.sampled_from(_TAMPERS))
def test_any_single_change_to_an_event_the_chain_or_the_head_is_refused_by_the_one_pass(
    sealed_log: Projlife, data: st.DataObject, target: tuple[str, str]
) -> None:
    app = sealed_log
    head = int(sql(app, "SELECT size FROM audit_head WHERE id = 1").scalar_one())
    position = data.draw(st.integers(1, head), label="position")
    try:
        restore, original = _tamper(app, *target, position, data)
    except Exception:  # the change collides with another row's key: not storable, nothing to detect
        return
    try:
        fast, (_, _, problem) = _passes(app)
        assert problem is not None, f"{target} at {position}: the reference walk found nothing"
        assert fast is None, f"{target} at {position}: the one pass accepted it"
        assert app.audit.verify().problem == problem
    finally:
        sql(app, restore, v=original, p=position)
    assert app.audit.verify().ok


# -- the log fields, derived fast, are the writer's --------------------------------------------------

_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.text(max_size=130)
)


def _wrapped(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    kinds = st.sampled_from(["cny", "date", "datetime_iso", "decimal_str", "actor", "uuid"])
    return st.builds(lambda k, d: {"_type_": k, "_data_": d}, kinds, inner)


_json = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["id", "role", "area_code", "_type_", "_data_", "x"]), inner, max_size=3
        ),
        _wrapped(inner),
    ),
    max_leaves=6,
)
_actor = st.one_of(
    _json,
    st.builds(
        lambda d: {"_type_": "actor", "_data_": d},
        st.fixed_dictionaries({}, optional={"id": _json, "role": _json, "area_code": _json}),
    ),
)
_keys = st.sampled_from(
    [
        "timestamp",
        "occurred_on",
        "actor",
        "reason",
        "evidence",
        "code",
        "name",
        "area_code",
        "amount",
        "month",
        "k",
    ]
)
_state = st.one_of(
    st.dictionaries(_keys, st.one_of(_json, _actor), max_size=7),
    _json,
)


@settings(max_examples=500, deadline=None)
@given(
    state=_state,
    version=st.sampled_from([1, 2, 7]),
    topic=st.sampled_from(["projlife:Project.Conceived", "projlife:Ticket.Filed", "x:Y.Z: ", "plain"]),
    blanks=st.booleans(),
)
def test_log_fields_are_the_writers_for_any_json_state(
    state: Any, version: int, topic: str, blanks: bool
) -> None:
    text = json.dumps(state, ensure_ascii=bool(version == 7))
    raw = (f" {text}\n" if blanks else text).encode("utf-8")
    assert log_fields(topic, version, raw) == reference_fields(topic, version, raw)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=60), version=st.integers(0, 3))
def test_log_fields_are_the_writers_for_any_bytes(raw: bytes, version: int) -> None:
    assert log_fields("projlife:Project.Signed", version, raw) == reference_fields(
        "projlife:Project.Signed", version, raw
    )
