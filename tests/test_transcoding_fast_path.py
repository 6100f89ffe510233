"""The application's transcoder writes eventsourcing's bytes: the fast encoder equals the stock one."""

from __future__ import annotations

import enum
from datetime import UTC, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference_write_path as reference
from projlife.app.application import EventStore
from projlife.domain.actor import Actor, Role
from projlife.domain.lifecycle import Milestone, Stage
from projlife.domain.money import Money
from projlife.store.transcodings import FastJSONTranscoder, register_transcodings


class _Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class _Tagged(str):
    """A str subclass: JSON writes it as a string, whatever its class."""


def _fast() -> FastJSONTranscoder:
    transcoder = FastJSONTranscoder()
    for transcoding in reference.stock_transcoder().types.values():
        transcoder.register(transcoding)
    return transcoder


STOCK = reference.stock_transcoder()
FAST = _fast()

_zones = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-3, minutes=-30))])
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and the infinities too: both write them as JavaScript does
    st.text(),
    st.decimals(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=_zones),
    st.uuids(),
    st.decimals(min_value=0, max_value=10**12, places=2).map(Money),
    st.builds(
        Actor,
        st.text(min_size=1).filter(str.strip),
        st.sampled_from(list(Role)),
        st.one_of(st.none(), st.text()),
    ),
    st.sampled_from([*Stage, *Milestone, *_Level]),
    st.text().map(_Tagged),
)
_keys = st.one_of(st.text(), st.integers(), st.booleans(), st.none())
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(_keys, inner, max_size=4),
    ),
    max_leaves=20,
)
_states = st.dictionaries(st.text(), _values, max_size=12)


def _outcome(transcoder: Any, state: Any) -> tuple[str, Any]:
    try:
        return "bytes", transcoder.encode(state)
    except Exception as exc:  # the error is the outcome compared
        return "error", type(exc)


@given(_states)
def test_the_fast_transcoder_writes_the_stock_transcoders_bytes(state: dict[str, Any]) -> None:
    assert _outcome(FAST, state) == _outcome(STOCK, state)


@given(_states)
def test_what_the_fast_transcoder_writes_reads_back_as_the_stock_one_reads_it(state: dict[str, Any]) -> None:
    kind, data = _outcome(FAST, state)
    if kind == "bytes":
        assert repr(FAST.decode(data)) == repr(STOCK.decode(data))


@pytest.mark.parametrize(
    "state",
    [
        {"value": object()},  # no transcoding registered
        {"value": {1, 2}},
        {"value": {(1, 2): "tuple key"}},
        {"value": "\ud800"},  # a lone surrogate is not UTF-8
        {"value": Decimal("1.5"), "nested": [{"deep": frozenset()}]},
    ],
)
def test_a_state_it_cannot_write_raises_what_eventsourcing_raises(state: dict[str, Any]) -> None:
    assert _outcome(FAST, state) == _outcome(STOCK, state)
    assert _outcome(FAST, state)[0] == "error"


def test_a_state_that_contains_itself_raises_what_eventsourcing_raises() -> None:
    state: dict[str, Any] = {"a": []}
    state["a"].append(state)
    assert _outcome(FAST, state) == _outcome(STOCK, state) == ("error", ValueError)


def test_the_event_store_encodes_with_the_fast_transcoder_and_every_registration() -> None:
    store = EventStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    transcoder = store.mapper.transcoder
    assert isinstance(transcoder, FastJSONTranscoder)
    assert set(transcoder.names) == set(STOCK.names)
    store.close()


def test_a_transcoder_named_in_the_environment_is_used_instead() -> None:
    store = EventStore(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.popo",
            "TRANSCODER_TOPIC": "eventsourcing.persistence:JSONTranscoder",
        }
    )
    assert type(store.mapper.transcoder).__name__ == "JSONTranscoder"
    store.close()


def test_register_transcodings_registers_on_the_fast_transcoder_too() -> None:
    transcoder = FastJSONTranscoder()
    register_transcodings(transcoder)
    assert transcoder.encode({"m": Money(Decimal("3.10"))}) == b'{"m":{"_type_":"cny","_data_":"3.10"}}'
