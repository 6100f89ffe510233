"""How projlife's value types are written to and read from the event log.

Registered once on every transcoder that reads or writes the log (the application,
the projection runner, the audit verifier), so there is one encoding.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from projlife.domain.actor import Actor
from projlife.domain.money import Money

__all__ = ["ActorAsDict", "DateAsISO", "MoneyAsYuan", "register_transcodings"]


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
