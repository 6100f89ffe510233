"""Quotas, deadlines and rankings at any as-of date, each stamped with its rule-set hash.

Each function takes either a :class:`~projlife.ports.CountingSource`, such as the application
(facts from the one counting layer, :class:`~projlife.projections.counting.Counting`, as of the
date and optionally as known at ``known_at``; rules from its plugins) or an in-memory :class:`~projlife.engine.facts.FactsSource` together with
a :class:`~projlife.plugins.rules.RuleSet` (and optionally the calendar). Every result carries
``rule_set_sha256``: the same facts and the same hash give the same result, and a change of
rules shows as a change of hash.
"""

from __future__ import annotations

from projlife.engine.deadlines import DeadlineReport, DeadlineResult, evaluate_deadlines
from projlife.engine.inputs import EngineError
from projlife.engine.quotas import QuotaReport, QuotaResult, QuotaStatus, evaluate_quotas
from projlife.engine.ranking import RankedArea, Ranking, rank

__all__ = [
    "DeadlineReport",
    "DeadlineResult",
    "EngineError",
    "QuotaReport",
    "QuotaResult",
    "QuotaStatus",
    "RankedArea",
    "Ranking",
    "evaluate_deadlines",
    "evaluate_quotas",
    "rank",
]
