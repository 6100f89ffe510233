"""The rule value types city plugins return: size classes, quotas, deadlines, scoring, tickets.

Every type is an immutable attrs class with a canonical ``as_dict()`` (JSON-ready: sorted keys
when serialised, Decimals and money as normalised strings, dates as ISO strings, enums as their
values). :class:`RuleSet` gathers a city's effective rules for a period and hashes their
canonical JSON, so every quota evaluation, deadline flag and ranking can record the exact rules
it used (``RuleSet.sha256``).

Pure: standard library, attrs and the domain value types only. The types live by concern in
:mod:`~projlife.plugins.rule_quotas`, :mod:`~projlife.plugins.rule_deadlines`,
:mod:`~projlife.plugins.rule_scoring` and :mod:`~projlife.plugins.rule_tickets` (shared converters in
:mod:`~projlife.plugins.rule_fields`); this module holds :class:`RuleSet` and names them all.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import attrs

from projlife.calendar import WorkdayCalendar
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.plugins.counting_policy import CountingPolicy
from projlife.plugins.rule_deadlines import DeadlineSpec, EventRef, EventRefKind
from projlife.plugins.rule_fields import (
    as_opt_money,
    as_tuple,
    by_id,
    canonical_decimal,
    check_unique,
    money_text,
)
from projlife.plugins.rule_quotas import (
    AmountOf,
    AreaScope,
    Comparison,
    Measure,
    Metric,
    PaceUnit,
    ProjectFilter,
    QuotaRule,
    SizeClass,
)
from projlife.plugins.rule_scoring import Normalisation, ScoringIndicator, ScoringRule
from projlife.plugins.rule_tickets import EscalationStep, TicketCategory, TicketRules

__all__ = [
    "AmountOf",
    "AreaScope",
    "Comparison",
    "DeadlineSpec",
    "EscalationStep",
    "EventRef",
    "EventRefKind",
    "Measure",
    "Metric",
    "Normalisation",
    "PaceUnit",
    "ProjectFilter",
    "QuotaRule",
    "RuleSet",
    "ScoringIndicator",
    "ScoringRule",
    "SizeClass",
    "TicketCategory",
    "TicketRules",
    "canonical_decimal",
]

RULE_SET_SCHEMA = 2
"""Version of the canonical rule-set layout; part of every hash, bumped only on a layout change."""


@attrs.frozen
class RuleSet:
    """A city's effective rules for one period: what every evaluation records by hash.

    Build it with :func:`projlife.plugins.manager.rule_set` (it asks the plugins); the order in
    which plugins answered does not matter, because rules are sorted by id and collections
    sorted in the canonical form. :attr:`sha256` changes exactly when a rule does.
    """

    city: str
    city_code: str
    period: Period
    major_threshold: Money | None = attrs.field(default=None, converter=as_opt_money)
    size_classes: tuple[SizeClass, ...] = attrs.field(default=(), converter=as_tuple)
    quotas: tuple[QuotaRule, ...] = attrs.field(default=(), converter=as_tuple)
    deadlines: tuple[DeadlineSpec, ...] = attrs.field(default=(), converter=as_tuple)
    scoring: tuple[ScoringRule, ...] = attrs.field(default=(), converter=as_tuple)
    tickets: TicketRules = attrs.field(factory=TicketRules)
    calendar: WorkdayCalendar = attrs.field(factory=WorkdayCalendar)
    counting: CountingPolicy = attrs.field(factory=CountingPolicy)

    def __attrs_post_init__(self) -> None:
        check_unique("size classes", (s.id for s in self.size_classes))
        check_unique("quotas", (q.id for q in self.quotas))
        check_unique("deadlines", (d.id for d in self.deadlines))
        check_unique("scoring rules", (s.id for s in self.scoring))

    def as_dict(self) -> dict[str, Any]:
        """The canonical form: rules sorted by id, every value a JSON scalar, list or object."""
        return {
            "schema": RULE_SET_SCHEMA,
            "city": self.city,
            "city_code": self.city_code,
            "period": {"kind": self.period.kind.value, "start": self.period.start.isoformat()},
            "major_threshold": money_text(self.major_threshold),
            "size_classes": [s.as_dict() for s in sorted(self.size_classes, key=lambda s: s.id)],
            "quotas": [q.as_dict() for q in sorted(self.quotas, key=lambda q: q.id)],
            "deadlines": [d.as_dict() for d in sorted(self.deadlines, key=lambda d: d.id)],
            "scoring": [s.as_dict() for s in sorted(self.scoring, key=lambda s: s.id)],
            "tickets": self.tickets.as_dict(),
            "calendar": self.calendar.as_dict(),
            # The default policy is left out so that rule sets without one keep their hashes.
            **({} if self.counting == CountingPolicy() else {"counting": self.counting.as_dict()}),
        }

    def canonical_json(self) -> str:
        """Sorted keys, no insignificant whitespace, UTF-8 characters kept (not ``\\u`` escaped)."""
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of :meth:`canonical_json` encoded as UTF-8."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of :attr:`sha256`, for display."""
        return self.sha256[:12]

    def quota(self, rule_id: str) -> QuotaRule:
        found: QuotaRule = by_id(self.quotas, rule_id, "quota")
        return found

    def deadline(self, rule_id: str) -> DeadlineSpec:
        found: DeadlineSpec = by_id(self.deadlines, rule_id, "deadline")
        return found

    def scoring_rule(self, rule_id: str) -> ScoringRule:
        found: ScoringRule = by_id(self.scoring, rule_id, "scoring rule")
        return found

    def size_class_of(self, amount: Money) -> SizeClass | None:
        """The first size class (by id) that contains ``amount``."""
        for s in sorted(self.size_classes, key=lambda s: s.id):
            if s.contains(amount):
                return s
        return None

    def is_major(self, amount: Money) -> bool:
        """Whether ``amount`` reaches the major-project threshold (always True without one)."""
        return self.major_threshold is None or amount >= self.major_threshold
