"""Money in CNY, always :class:`~decimal.Decimal`, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import attrs

__all__ = ["WAN", "YI", "Money", "as_decimal", "decimal_text"]

WAN = Decimal(10_000)
"""万: ten thousand yuan."""
YI = Decimal(100_000_000)
"""亿: one hundred million yuan."""

_CENT = Decimal("0.01")
_ROUNDING = ROUND_HALF_UP
"""四舍五入: halves round away from zero, as official statistics round."""


def decimal_text(value: Decimal) -> str:
    """A Decimal as a plain decimal string, never in exponent form: ``Decimal("5E+7")`` →
    ``"50000000"``, ``Decimal("0.50")`` → ``"0.50"`` (the scale is kept). Every JSON and
    ``as_dict`` rendering of money and figures goes through this or
    :func:`~projlife.plugins.rule_fields.canonical_decimal`."""
    text = format(value, "f")
    return "0" if text == "-0" else text


def as_decimal(value: Any, what: str = "amount") -> Decimal:
    """Convert an int, str or Decimal to Decimal; floats are refused."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"{what} must be Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{what} {value!r} is not a number") from None
    else:
        raise TypeError(f"{what} must be Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return result


def _non_negative_yuan(instance: Money, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value < 0:
        raise ValueError(f"money cannot be negative, got {value} yuan")


def _to_yuan(value: Any) -> Decimal:
    return as_decimal(value, "yuan").quantize(_CENT, rounding=_ROUNDING)


@attrs.frozen(order=True)
class Money:
    """A non-negative amount of CNY in yuan, held as Decimal to the cent.

    >>> Money.yi(5)
    Money(yuan=Decimal('500000000.00'))
    >>> Money.wan("12.5").in_wan()
    Decimal('12.50')
    """

    yuan: Decimal = attrs.field(
        converter=_to_yuan,
        validator=_non_negative_yuan,
    )

    @classmethod
    def yi(cls, amount: Decimal | int | str) -> Money:
        """An amount given in 亿元 (10^8 yuan)."""
        return cls(as_decimal(amount, "亿元 amount") * YI)

    @classmethod
    def wan(cls, amount: Decimal | int | str) -> Money:
        """An amount given in 万元 (10^4 yuan)."""
        return cls(as_decimal(amount, "万元 amount") * WAN)

    @classmethod
    def zero(cls) -> Money:
        return cls(Decimal(0))

    def in_yi(self, places: int = 4) -> Decimal:
        """The amount in 亿元, rounded to ``places`` decimals."""
        return (self.yuan / YI).quantize(Decimal(1).scaleb(-places), rounding=_ROUNDING)

    def in_wan(self, places: int = 2) -> Decimal:
        """The amount in 万元, rounded to ``places`` decimals."""
        return (self.yuan / WAN).quantize(Decimal(1).scaleb(-places), rounding=_ROUNDING)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.yuan + other.yuan)

    def __str__(self) -> str:
        if self.yuan >= YI:
            return f"{self.in_yi(2)}亿元"
        return f"{self.in_wan(2)}万元"
