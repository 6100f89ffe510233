"""The audit-log row is what the old write path built from the same stored state.

``log_fields`` (and ``entry_from_state`` on it) against ``reference_write_path.entry``, the entry as
commit 6982852 built it, on event states the transcoder writes and on bytes nobody should store.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference_write_path as reference
from projlife.audit.auditlog import LOG_COLUMNS, entry_from_state, log_fields
from projlife.audit.sealing import _log_values
from projlife.store.dialect import sql_dialect
from test_transcoding_fast_path import STOCK, _values

_TOPICS = st.sampled_from(
    ["projlife:Project.Signed", "projlife:Project", "plugin.mod:Ticket.Raised", "no-colon", "a:b.c.d", ""]
)
_actor = st.one_of(
    st.fixed_dictionaries({"id": st.text(), "role": st.sampled_from(["clerk", "verifier"])}),
    st.fixed_dictionaries({"id": st.integers(), "role": st.none(), "area_code": st.text()}),
    _values,
)
_base = st.fixed_dictionaries(
    {},
    optional={
        "timestamp": st.one_of(st.datetimes(), st.text(), st.integers()),
        "originator_topic": st.text(),
        "occurred_on": st.one_of(st.dates(), st.text(), st.none()),
        "actor": _actor,
        "reason": st.one_of(st.none(), st.text(), st.integers()),
        "evidence": st.one_of(st.lists(st.one_of(st.text(), st.integers())), st.text(), st.none()),
        "code": st.one_of(st.text(), st.integers()),
        "area_code": st.one_of(st.text(), st.none()),
        "name": st.text(),
        "planned_investment": _values,
        "category": st.text(),
        "_type_": st.text(),
        "_data_": _values,
    },
)
_events = st.tuples(_base, st.dictionaries(st.text(max_size=12), _values, max_size=6)).map(
    lambda parts: {**parts[0], **parts[1]}
)


def _encoded(state: dict[str, Any]) -> bytes | None:
    try:
        return STOCK.encode(state)
    except Exception:  # a state the store cannot write is not stored
        return None


_stored_states = _events.map(_encoded).filter(lambda b: b is not None)
_odd_states = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda t: t.encode("utf-8")),
    _events.map(_encoded).filter(lambda b: b is not None).map(lambda b: b" " + b + b"\n"),  # type: ignore[operator]
    st.sampled_from([b"{", b"{}", b"[]", b"null", b'{"a":1} x', b"{} ", b'{"_type_":"cny","_data_":"1"}']),
    st.sampled_from([b'{"_type_":"date","_data_":{"x":1}}', b'{"_type_":"x","_data_":null}', b"\xff{}"]),
)
_subjects = st.dictionaries(
    st.sampled_from(["id-1", "id-2"]),
    st.tuples(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text())),
)


def _old(state: bytes, version: int, topic: str, subjects: dict[str, Any]) -> dict[str, Any]:
    return reference.entry(7, "id-1", version, topic, state, subjects=subjects, hashed=b"h" * 32)


def _new(state: bytes, version: int, topic: str, subjects: dict[str, Any]) -> dict[str, Any]:
    fields = log_fields(7, "id-1", version, topic, state, subjects=subjects, hashed=b"h" * 32)
    return dict(zip(LOG_COLUMNS, fields, strict=True))


class _DB:
    def __init__(self, dialect: str) -> None:
        self.dialect = sql_dialect(dialect)


@given(st.one_of(_stored_states, _odd_states), st.sampled_from([1, 2, 9]), _TOPICS, _subjects)
def test_the_log_row_is_the_one_the_old_path_built(
    state: bytes, version: int, topic: str, subjects: dict[str, Any]
) -> None:
    old, new = _old(state, version, topic, subjects), _new(state, version, topic, subjects)
    assert new == old
    assert attrs.asdict(
        entry_from_state(7, "id-1", version, topic, state, subjects=subjects, hashed=b"h" * 32)
    ) == {**old}
    for dialect in ("sqlite", "postgresql", "mysql"):
        db: Any = _DB(dialect)
        assert _log_values(db, tuple(new.values())) == reference.log_values(db, old)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [0, -3, 2**70, True, 1.5, float("nan"), [], [1, "二"], {"b": 1, "a": [None]}, "x" * 200, "值 ", "a:"],
)
def test_a_detail_reads_as_the_old_summary_wrote_it(value: Any) -> None:
    state = STOCK.encode({"actor": {"id": "a", "role": "clerk"}, "detail": value})
    assert _new(state, 2, "projlife:Project.Changed", {}) == _old(state, 2, "projlife:Project.Changed", {})


def test_dates_and_times_that_do_not_parse_are_left_out_as_before() -> None:
    state = json.dumps({"occurred_on": "2024-13-01", "timestamp": "yesterday"}).encode()
    new = _new(state, 1, "projlife:Project", {})
    assert new == _old(state, 1, "projlife:Project", {})
    assert new["occurred_on"] is None and new["recorded_at"] is None
    good = json.dumps({"occurred_on": "2024-02-29", "timestamp": "2024-03-01T08:00:00+08:00"}).encode()
    row = _new(good, 1, "projlife:Project", {})
    assert row["occurred_on"] == date(2024, 2, 29)
    assert row["recorded_at"] == datetime.fromisoformat("2024-03-01T08:00:00+08:00")


@pytest.mark.parametrize(
    "state",
    [
        b"",
        b"{",
        b"{}",
        b"[]",
        b"null",
        b'{"a":1} x',
        b'{"a":1} ',
        b' {"a":1}',
        b"\xff{}",
        b'{"_type_":"cny","_data_":"1"}',
        b'{"_type_":"date","_data_":{"x":1}}',
        b'{"_type_":"x","_data_":null}',
        b'{"actor":{"_type_":"actor","_data_":{"id":"a","role":"clerk"}},"n":{"_type_":"cny","_data_":"2"}}',
    ],
)
def test_a_state_that_is_not_one_json_object_is_logged_as_before(state: bytes) -> None:
    for version in (1, 2):
        assert _new(state, version, "projlife:Project.X", {}) == _old(
            state, version, "projlife:Project.X", {}
        )
