"""Who did something: every event names its actor."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

import attrs

__all__ = ["Actor", "Role", "fact_meta", "same_actor"]


class Role(StrEnum):
    """What an actor is allowed to do."""

    CLERK = "clerk"
    """Records facts as reported (录入)."""
    VERIFIER = "verifier"
    """Checks claimed stages on documents or on site (核查)."""
    SCORER = "scorer"
    """Scores and ranks areas (考评)."""
    REVISITOR = "revisitor"
    """Calls enterprises back about their tickets (回访)."""
    HANDLER = "handler"
    """Answers tickets for a locality or department (办理)."""
    ADMIN = "admin"
    """Configures the deployment."""
    SYSTEM = "system"
    """The library itself, e.g. a scheduled removal at the quarterly check."""
    IMPORTER = "importer"
    """Loads historical facts from a ledger file."""


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or not value.strip():
        raise ValueError(f"{attribute.name} must not be empty")


@attrs.frozen
class Actor:
    """The person or system behind a fact: an id, a role and the area they act for."""

    id: str = attrs.field(validator=_non_empty)
    role: Role = attrs.field(converter=Role)
    area_code: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"id": self.id, "role": self.role.value, "area_code": self.area_code}

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> Actor:
        actor_id = data["id"]
        role = data["role"]
        if actor_id is None or role is None:
            raise ValueError(f"an actor needs an id and a role, got {data!r}")
        return cls(id=actor_id, role=Role(role), area_code=data.get("area_code"))


SYSTEM_ACTOR = Actor(id="projlife", role=Role.SYSTEM)


def same_actor(a: str, b: str) -> bool:
    """Whether two actor ids name one person: compared NFKC-casefolded, invisible characters dropped.

    New ids are canonical already (the application's input rules); this also covers ids
    stored before those rules, e.g. ``clerk-420900-LK``.
    """
    return _fold(a) == _fold(b)


def _fold(actor_id: str) -> str:
    text = unicodedata.normalize("NFKC", actor_id).casefold().strip()
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def fact_meta(
    occurred_on: date, actor: Actor, reason: str | None, evidence: Iterable[str]
) -> dict[str, object]:
    """What every fact carries (business date, who, why, evidence), as event keyword arguments."""
    return {"occurred_on": occurred_on, "actor": actor, "reason": reason, "evidence": tuple(evidence)}
