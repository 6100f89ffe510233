"""How projlife's value types are written to and read from the event log.

Registered once on every transcoder that reads or writes the log (the application,
the projection runner, the audit verifier), so there is one encoding.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from projlife.domain.actor import Actor
from projlife.domain.money import Money

__all__ = ["ActorAsDict", "DateAsISO", "FastJSONTranscoder", "MoneyAsYuan", "register_transcodings"]


class DateAsISO(Transcoding):
    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class MoneyAsYuan(Transcoding):
    type = Money
    name = "cny"

    def encode(self, obj: Money) -> str:
        return str(obj.yuan)

    def decode(self, data: str) -> Money:
        return Money(Decimal(data))


class ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, Any]:
        return obj.as_dict()

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor.from_dict(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register projlife's transcodings (eventsourcing registers UUID, Decimal, datetime)."""
    for transcoding in (DateAsISO(), MoneyAsYuan(), ActorAsDict()):
        transcoder.register(transcoding)


class FastJSONTranscoder(JSONTranscoder):
    """eventsourcing's :class:`~eventsourcing.persistence.JSONTranscoder`, writing the same bytes
    with less work per event.

    eventsourcing's ``encode`` builds a new C encoder on every call (``JSONEncoder.iterencode``)
    and hands it a callback that looks the value's class up under ``try``/``except`` and calls the
    transcoding's bound method. This one builds the C encoder once, with the same settings as
    eventsourcing's ``self.encoder``, and a callback that finds a ready function per class. What it
    writes for a value is what ``_encode_obj`` writes (``{"_type_": name, "_data_":
    transcoding.encode(value)}``), so the bytes are eventsourcing's. The one setting it cannot share,
    the circular-reference check, only matters for an object that contains itself: any error
    (or Python without the C encoder) goes through eventsourcing's own ``encode``, which raises
    what it always raised. Decoding is eventsourcing's.
    """

    def __init__(self) -> None:
        super().__init__()
        self._tagged: dict[type, Callable[[Any], dict[str, Any]]] = {}
        make: Any = getattr(json.encoder, "c_make_encoder", None)  # the C encoder, untyped (None without C)
        e = self.encoder
        self._c_encode: Callable[[Any, int], Any] | None = (
            None
            if make is None or e.indent is not None or not e.check_circular
            else make(
                None,  # markers: no circular-reference check (see the class docstring)
                self._tag,
                json.encoder.encode_basestring_ascii if e.ensure_ascii else json.encoder.encode_basestring,
                e.indent,
                e.key_separator,
                e.item_separator,
                e.sort_keys,
                e.skipkeys,
                e.allow_nan,
            )
        )

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        name, encode = transcoding.name, transcoding.encode

        def tagged(obj: Any) -> dict[str, Any]:
            return {"_type_": name, "_data_": encode(obj)}

        self._tagged[transcoding.type] = tagged

    def _tag(self, obj: Any) -> dict[str, Any]:
        tagged = self._tagged.get(type(obj))
        return self._encode_obj(obj) if tagged is None else tagged(obj)

    def encode(self, obj: Any) -> bytes:
        c_encode = self._c_encode
        if c_encode is None or type(obj) is not dict:
            return super().encode(obj)
        try:
            chunks = c_encode(obj, 0)
        except Exception:  # the same error, raised the way eventsourcing raises it
            return super().encode(obj)
        return "".join(chunks).encode("utf8")
