"""Every city rule of the ticket loop, in one place: :class:`TicketPolicy`.

Categories, the escalation ladder, the due-date rule, the revisit sample rate, the
satisfaction bar and whether unsampled tickets close on their answer. The application asks
:func:`ticket_policy_for` for a city's policy and passes the plain values into the
``Ticket`` commands; the domain never consults a plugin. The policy is assembled from the
city plugins' ticket hooks (``projlife_ticket_categories``, ``projlife_escalation_ladder``,
``projlife_ticket_due_rule``, ``projlife_revisit_sample_rate``, ``projlife_satisfaction_bar``,
``projlife_close_unsampled_on_answer``): for each, the first plugin that answers wins, and
:data:`DEFAULT_TICKET_POLICY` fills what no plugin answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from projlife.calendar import DeadlineRule
from projlife.domain.money import decimal_text
from projlife.domain.ticket import Satisfaction
from projlife.plugins.manager import ticket_rules
from projlife.plugins.rules import EscalationStep, TicketCategory, TicketRules

if TYPE_CHECKING:
    from projlife.ports import CityDirectory

__all__ = [
    "DEFAULT_TICKET_POLICY",
    "XIAOGAN_CATEGORIES",
    "ZHUMADIAN_LADDER",
    "ZHUMADIAN_TICKET_POLICY",
    "EscalationStep",
    "TicketCategory",
    "TicketPolicy",
    "ticket_policy_for",
]


def _bar(value: Any) -> Satisfaction:
    return Satisfaction(value)


def _rate(value: Any) -> Decimal:
    if isinstance(value, float):
        raise ValueError("the sample rate must be a Decimal or a decimal string, never float")
    rate = Decimal(value)
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise ValueError(f"the sample rate must be in [0, 1], got {value!r}")
    return rate


@attrs.frozen
class TicketPolicy:
    """A city's rules for the ticket loop. Immutable; :meth:`as_dict` is its canonical form."""

    categories: tuple[TicketCategory, ...]
    ladder: tuple[EscalationStep, ...]
    due_rule: DeadlineRule
    """Time allowed to answer, from assignment (and again from a reopen)."""
    revisit_sample_rate: Decimal = attrs.field(converter=_rate)
    satisfaction_bar: Satisfaction = attrs.field(converter=_bar)
    close_unsampled_on_answer: bool
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.categories:
            raise ValueError("a ticket policy needs at least one category")
        labels = [c.label_zh for c in self.categories]
        if len(set(labels)) != len(labels) or len({c.code for c in self.categories}) != len(labels):
            raise ValueError("category codes and labels must be unique")
        if not self.ladder:
            raise ValueError(
                "a ticket policy needs at least one escalation step (where tickets are assigned)"
            )

    @property
    def category_labels(self) -> tuple[str, ...]:
        return tuple(c.label_zh for c in self.categories)

    @property
    def ladder_labels(self) -> tuple[str, ...]:
        return tuple(s.label_zh for s in self.ladder)

    def category(self, code_or_label: str) -> TicketCategory | None:
        for c in self.categories:
            if code_or_label in (c.code, c.label_zh):
                return c
        return None

    def as_dict(self) -> dict[str, Any]:
        """Canonical, JSON-ready form (inverse of :meth:`from_dict`)."""
        return {
            "categories": [c.as_dict() for c in self.categories],
            "ladder": [s.as_dict() for s in self.ladder],
            "due_rule": self.due_rule.as_dict(),
            "revisit_sample_rate": decimal_text(self.revisit_sample_rate),
            "satisfaction_bar": int(self.satisfaction_bar),
            "close_unsampled_on_answer": self.close_unsampled_on_answer,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketPolicy:
        return cls(
            categories=tuple(TicketCategory(**c) for c in data["categories"]),
            ladder=tuple(EscalationStep(**s) for s in data["ladder"]),
            due_rule=DeadlineRule.from_dict(data["due_rule"]),
            revisit_sample_rate=Decimal(str(data["revisit_sample_rate"])),
            satisfaction_bar=Satisfaction(data["satisfaction_bar"]),
            close_unsampled_on_answer=bool(data["close_unsampled_on_answer"]),
            source=str(data.get("source", "")),
        )

    @classmethod
    def from_rules(cls, rules: TicketRules, default: TicketPolicy | None = None) -> TicketPolicy:
        """The policy the plugins' answers make, ``default`` (or the default policy) filling gaps.

        ``source`` names the plugin that answered each hook, or says the default was used.
        """
        base = DEFAULT_TICKET_POLICY if default is None else default
        answered = ", ".join(
            f"{hook.removeprefix('projlife_')}: {plugin}" for hook, plugin in rules.answered_by
        )
        return cls(
            categories=base.categories if rules.categories is None else rules.categories,
            ladder=base.ladder if rules.ladder is None else rules.ladder,
            due_rule=base.due_rule if rules.due_rule is None else rules.due_rule,
            revisit_sample_rate=base.revisit_sample_rate
            if rules.revisit_sample_rate is None
            else rules.revisit_sample_rate,
            satisfaction_bar=base.satisfaction_bar
            if rules.satisfaction_bar is None
            else rules.satisfaction_bar,
            close_unsampled_on_answer=base.close_unsampled_on_answer
            if rules.close_unsampled_on_answer is None
            else rules.close_unsampled_on_answer,
            source=f"plugins ({answered}); the rest default" if answered else base.source,
        )


XIAOGAN_CATEGORIES = (
    TicketCategory("energy_land", "用能用地"),
    TicketCategory("government_contracts", "政府履约"),
    TicketCategory("finance_loans", "融资贷款"),
    TicketCategory("market_orders", "市场订单"),
    TicketCategory("hiring_talent", "招工引才"),
    TicketCategory("other", "其他"),
)
"""Xiaogan's six categories (seed 000: 用能用地、政府履约、融资贷款、市场订单、招工引才、其他)."""

ZHUMADIAN_LADDER = (
    EscalationStep("county", "县区政府(管委会)/市直部门"),
    EscalationStep("vice_mayor", "分管副市长", meets_on=0),
    EscalationStep("key_project_office", "市重点项目办"),
    EscalationStep("weekly_meeting", "重点项目推进周例会", meets_on=1),
)
"""Zhumadian's ladder (seed 001): county → vice-mayor on Mondays → key-project office → the Tuesday meeting."""

DEFAULT_TICKET_POLICY = TicketPolicy(
    categories=XIAOGAN_CATEGORIES,
    ladder=(
        EscalationStep("assignee", "属地/职能部门"),
        EscalationStep("sponsor_leader", "包保市级领导"),
    ),
    due_rule=DeadlineRule.parse("10 working days"),
    revisit_sample_rate=Decimal("0.3"),
    satisfaction_bar=Satisfaction.SATISFIED,
    close_unsampled_on_answer=True,
    source="000 (孝感): 问题收集分办机制, 结果回访复核机制; the due rule, rate and bar are projlife defaults",
)
"""The default policy: Xiaogan's categories, assignee → the city leader in charge (一个项目、一名市级领导),
10 working days to answer, 30 % revisited, 满意 (4) or better closes, unsampled tickets close on answer."""

ZHUMADIAN_TICKET_POLICY = attrs.evolve(
    DEFAULT_TICKET_POLICY,
    ladder=ZHUMADIAN_LADDER,
    source="001 (驻马店): 分级分类解决问题制度; categories, due rule, rate and bar as the default",
)
"""An example policy with Zhumadian's escalation ladder."""


def ticket_policy_for(cities: CityDirectory, city_code: str) -> TicketPolicy:
    """The ticket policy of ``city_code``. The ONE place the application looks policy up.

    Asks ``cities.plugins`` through :func:`projlife.plugins.ticket_rules` for the city declared
    with ``city_code`` and fills what no plugin answers from :data:`DEFAULT_TICKET_POLICY`.
    A code no plugin declares gets the default policy.
    """
    city = cities.city_by_code(city_code)
    if city is None:
        return DEFAULT_TICKET_POLICY
    return TicketPolicy.from_rules(ticket_rules(cities.plugins, city))
