"""The converters and checks every rule type shares, and the canonical form of a number."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.money import Money, as_decimal

__all__ = [
    "as_categories",
    "as_dec",
    "as_enum_set",
    "as_investors",
    "as_money",
    "as_opt_dec",
    "as_opt_money",
    "as_tuple",
    "by_id",
    "canonical_decimal",
    "check_fraction",
    "check_non_negative",
    "check_rule_id",
    "check_unique",
    "money_text",
    "opt_canonical",
    "sorted_values",
]

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,79}$")


def canonical_decimal(value: Decimal) -> str:
    """``Decimal`` as a canonical string: ``0.60`` → ``"0.6"``, ``1E+2`` → ``"100"``."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def as_dec(value: Any) -> Decimal:
    return as_decimal(value, "rule value")


def as_opt_dec(value: Any) -> Decimal | None:
    return None if value is None else as_dec(value)


def as_money(value: Any) -> Money:
    return value if isinstance(value, Money) else Money(value)


def as_opt_money(value: Any) -> Money | None:
    return None if value is None else as_money(value)


def check_rule_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError(
            f"{attribute.name} must be 1–80 lower-case letters, digits, '_', '.', '-' "
            f"(starting with a letter or digit), got {value!r}"
        )


def check_non_negative(_: object, attribute: attrs.Attribute[Decimal], value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def check_fraction(_: object, attribute: attrs.Attribute[Decimal | None], value: Decimal | None) -> None:
    if value is not None and not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"{attribute.name} must be within [0, 1], got {value}")


def as_enum_set(enum: type[StrEnum]) -> Any:
    def convert(values: Iterable[Any]) -> frozenset[Any]:
        if isinstance(values, str):
            raise ValueError(f"expected a collection of {enum.__name__} values, not the string {values!r}")
        return frozenset(enum(v) for v in values)

    return convert


def as_categories(values: Iterable[Any]) -> frozenset[ProjectCategory]:
    converted: frozenset[ProjectCategory] = as_enum_set(ProjectCategory)(values)
    return converted


def as_investors(values: Iterable[Any]) -> frozenset[InvestorClass]:
    converted: frozenset[InvestorClass] = as_enum_set(InvestorClass)(values)
    return converted


def as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(values, str | bytes):
        raise ValueError(f"expected a collection, not the string {values!r}")
    return tuple(values)


def sorted_values(values: Iterable[StrEnum]) -> list[str]:
    return sorted(v.value for v in values)


def money_text(value: Money | None) -> str | None:
    return None if value is None else canonical_decimal(value.yuan)


def check_unique(kind: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"two {kind} share the id {i!r}; ids must be unique within a rule set")
        seen.add(i)


def opt_canonical(value: Decimal | None) -> str | None:
    return None if value is None else canonical_decimal(value)


def by_id(items: Iterable[Any], rule_id: str, kind: str) -> Any:
    for item in items:
        if item.id == rule_id:
            return item
    known = ", ".join(sorted(i.id for i in items)) or "none"
    raise KeyError(f"no {kind} {rule_id!r} in this rule set; known: {known}")
