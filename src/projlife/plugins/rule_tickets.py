"""The values the ticket hooks return, which ``projlife.tickets.TicketPolicy`` is built from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.ticket_values import Satisfaction
from projlife.plugins.rule_fields import (
    as_opt_dec,
    as_tuple,
    check_fraction,
    check_rule_id,
    check_unique,
    opt_canonical,
)

__all__ = ["EscalationStep", "TicketCategory", "TicketRules"]


@attrs.frozen
class TicketCategory:
    """A problem category: a stable code and its Chinese label (the label is what is recorded).

    ``TicketCategory("energy_land", "用能用地")`` (000).
    """

    code: str = attrs.field(validator=check_rule_id)
    label_zh: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label_zh": self.label_zh}


def _weekday(_: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6):
        raise ValueError(f"{attribute.name} must be 0 (Monday) … 6 (Sunday) or None, got {value!r}")


@attrs.frozen
class EscalationStep:
    """One rung of the escalation ladder: who takes the ticket up, and the weekday they meet.

    The first rung is where a ticket is assigned; each escalation moves it one rung up.
    ``meets_on`` is 0 (Monday) … 6 (Sunday) for a standing slot (001: "分管副市长每周一",
    "每周二召开的重点项目推进周例会"), or ``None``. A step without a weekday takes the ticket
    up on the escalation day (or the next working day); a step with a weekday at its next
    meeting strictly after the escalation day, rolled forward to a working day.
    """

    code: str = attrs.field(validator=check_rule_id)
    label_zh: str
    meets_on: int | None = attrs.field(default=None, validator=_weekday)

    def scheduled_on(self, escalated_on: date, calendar: WorkdayCalendar) -> date:
        """The day this rung takes up a ticket escalated on ``escalated_on``."""
        if self.meets_on is None:
            return calendar.roll_forward(escalated_on)
        ahead = (self.meets_on - escalated_on.weekday() - 1) % 7 + 1
        return calendar.roll_forward(escalated_on + timedelta(days=ahead))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label_zh": self.label_zh, "meets_on": self.meets_on}


def _opt_satisfaction(value: Any) -> Satisfaction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a satisfaction bar is a point 1–5 on the fixed scale, got {value!r}")
    return Satisfaction(value)


def _opt_bool(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"expected True, False or None, got {value!r}")
    return value


def _opt_tuple(values: Iterable[Any] | None) -> tuple[Any, ...] | None:
    return None if values is None else as_tuple(values)


@attrs.frozen
class TicketRules:
    """The ticket-loop rules the plugins gave for one city; ``None`` where no plugin answered.

    :class:`projlife.tickets.TicketPolicy` fills each ``None`` from the default policy.
    ``answered_by`` maps each answered field to the plugin that answered it (not hashed).
    """

    categories: tuple[TicketCategory, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    ladder: tuple[EscalationStep, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    due_rule: DeadlineRule | None = None
    revisit_sample_rate: Decimal | None = attrs.field(
        default=None, converter=as_opt_dec, validator=check_fraction
    )
    satisfaction_bar: Satisfaction | None = attrs.field(default=None, converter=_opt_satisfaction)
    close_unsampled_on_answer: bool | None = attrs.field(default=None, converter=_opt_bool)
    answered_by: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=as_tuple, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.categories is not None:
            if not self.categories:
                raise ValueError(
                    "a city's ticket categories cannot be empty (answer None to use the default)"
                )
            check_unique("ticket categories", (c.code for c in self.categories))
            check_unique("ticket category labels", (c.label_zh for c in self.categories))
        if self.ladder is not None:
            if not self.ladder:
                raise ValueError("an escalation ladder needs at least one step (where tickets are assigned)")
            check_unique("escalation steps", (s.code for s in self.ladder))

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": None
            if self.categories is None
            else [c.as_dict() for c in sorted(self.categories, key=lambda c: c.code)],
            "ladder": None if self.ladder is None else [s.as_dict() for s in self.ladder],
            "due_rule": None if self.due_rule is None else self.due_rule.as_dict(),
            "revisit_sample_rate": opt_canonical(self.revisit_sample_rate),
            "satisfaction_bar": None if self.satisfaction_bar is None else int(self.satisfaction_bar),
            "close_unsampled_on_answer": self.close_unsampled_on_answer,
        }
