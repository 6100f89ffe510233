"""The rule engine: quotas, deadlines and rankings from city plugins' rules, at any as-of date."""

from projlife.engine.evaluate import (
    DeadlineReport,
    DeadlineResult,
    EngineError,
    QuotaReport,
    QuotaResult,
    QuotaStatus,
    RankedArea,
    Ranking,
    evaluate_deadlines,
    evaluate_quotas,
    rank,
)
from projlife.engine.facts import FactsSource, ProjectFacts
from projlife.engine.metrics import MetricValue, facts_by_area, measure

__all__ = [
    "DeadlineReport",
    "DeadlineResult",
    "EngineError",
    "FactsSource",
    "MetricValue",
    "ProjectFacts",
    "QuotaReport",
    "QuotaResult",
    "QuotaStatus",
    "RankedArea",
    "Ranking",
    "evaluate_deadlines",
    "evaluate_quotas",
    "facts_by_area",
    "measure",
    "rank",
]
