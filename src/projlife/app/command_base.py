"""The base command models (Command, ProjectCommand, ActorIn) and the validated field types commands are built from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from projlife.app.input_rules import canonical_actor_id, check_texts, latest_business_date, nfkc
from projlife.domain.actor import Actor, Role
from projlife.domain.money import Money
from projlife.domain.project import Project

__all__ = ["MAX_AMOUNT_YUAN", "ActorIn", "Command", "ProjectCommand"]


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("money must be given as Decimal, int or a decimal string, never float")
    if isinstance(value, Money):
        return value.yuan
    return value


MAX_AMOUNT_YUAN = Decimal("1e15")
"""The largest amount accepted anywhere (commands, corrections, imported rows): 10¹⁵ yuan."""
Yuan = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    Field(ge=0, le=MAX_AMOUNT_YUAN, decimal_places=2, allow_inf_nan=False),
]
"""An amount of CNY in yuan: non-negative, at most two decimals, never float."""
Mu = Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0, le=Decimal("1e8"), allow_inf_nan=False)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[
    str,
    BeforeValidator(nfkc),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w\-./]+$"),
]
AreaCode = Annotated[
    str,
    BeforeValidator(nfkc),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9\-]+$"),
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
EvidenceRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
CreditCode = Annotated[
    str,
    BeforeValidator(nfkc),
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"),
]
"""统一社会信用代码: 18 characters."""


def _checked_texts(value: Any) -> Any:
    check_texts(value.model_dump() if isinstance(value, BaseModel) else value)
    return value


def _actor_id(value: Any) -> Any:
    return canonical_actor_id(value) if isinstance(value, str) else value


ActorId = Annotated[ShortText, BeforeValidator(_actor_id)]
"""An actor id in its canonical form (see :func:`~projlife.app.input_rules.canonical_actor_id`)."""


class ActorIn(BaseModel):
    """Who issues a command (its id canonical: NFKC, casefolded, no look-alike letters)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: ActorId
    role: Role
    area_code: AreaCode | None = None

    def to_domain(self) -> Actor:
        return Actor(id=self.id, role=self.role, area_code=self.area_code)


def _actor(value: Any) -> Any:
    if isinstance(value, Actor):
        return {"id": value.id, "role": value.role, "area_code": value.area_code}
    return value


class Command(BaseModel):
    """Fields every command carries: business date, actor, reason, evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_max_length=2000)

    name: ClassVar[str] = "command"
    occurred_on: date
    actor: Annotated[ActorIn, BeforeValidator(_actor)]
    reason: LongText | None = None
    evidence: tuple[EvidenceRef, ...] = Field(default=(), max_length=50)

    @model_validator(mode="before")
    @classmethod
    def _safe_text(cls, data: Any) -> Any:
        """Every string of the input passes the input rules (no controls, bidi, zero-width)."""
        if not isinstance(data, Mapping | BaseModel):
            raise ValueError(f"a command is a mapping of fields, not {type(data).__name__}")
        return _checked_texts(data)

    @field_validator("occurred_on")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        latest = latest_business_date()
        if value > latest:
            raise ValueError(f"business date {value} is later than today plus the tolerance ({latest})")
        return value

    def meta(self) -> dict[str, Any]:
        return {
            "occurred_on": self.occurred_on,
            "actor": self.actor.to_domain(),
            "reason": self.reason,
            "evidence": self.evidence,
        }


class ProjectCommand(Command):
    """A command on an existing project."""

    project_id: UUID

    def apply(self, project: Project) -> None:
        """Carry the command out on the aggregate (raises a domain error or records one event)."""
        raise TypeError(f"{type(self).__name__} does not define apply()")
