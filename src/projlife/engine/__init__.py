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
from projlife.engine.facts import FactsSource, ProjectFacts, StoreFacts, facts_from_project
from projlife.engine.metrics import MetricValue, facts_by_area, measure
from projlife.engine.projection_facts import ProjectionFacts

__all__ = [
    "DeadlineReport",
    "DeadlineResult",
    "EngineError",
    "FactsSource",
    "MetricValue",
    "ProjectFacts",
    "ProjectionFacts",
    "QuotaReport",
    "QuotaResult",
    "QuotaStatus",
    "RankedArea",
    "Ranking",
    "StoreFacts",
    "evaluate_deadlines",
    "evaluate_quotas",
    "facts_by_area",
    "facts_from_project",
    "measure",
    "rank",
]
