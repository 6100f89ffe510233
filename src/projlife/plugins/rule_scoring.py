"""The rule types of scoring: how an indicator becomes points, and the weighted rule."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from projlife.domain.periods import PeriodKind
from projlife.plugins.rule_fields import (
    as_dec,
    as_opt_dec,
    as_tuple,
    canonical_decimal,
    check_non_negative,
    check_rule_id,
)
from projlife.plugins.rule_quotas import AreaScope, Metric

__all__ = ["Normalisation", "ScoringIndicator", "ScoringRule"]


class Normalisation(StrEnum):
    """How an indicator's raw value becomes points (before the weight is applied)."""

    RAW = "raw"
    """points = value."""
    SHARE_OF_MAX = "share_of_max"
    """points = value / the best area's value (0 when every area has 0)."""
    TARGET_RATIO = "target_ratio"
    """points = min(value / target, 1)."""
    COMPLEMENT = "complement"
    """points = 1 − min(value, 1): lower is better (a rate such as 滞后率); an undefined value
    still scores 0."""


@attrs.frozen
class ScoringIndicator:
    """One weighted criterion of a scoring rule: score += weight × normalised(metric value)."""

    id: str = attrs.field(validator=check_rule_id)
    title_zh: str
    metric: Metric
    weight: Decimal = attrs.field(converter=as_dec, validator=check_non_negative)
    normalisation: Normalisation = attrs.field(default=Normalisation.SHARE_OF_MAX, converter=Normalisation)
    target: Decimal | None = attrs.field(default=None, converter=as_opt_dec, validator=check_non_negative)

    def __attrs_post_init__(self) -> None:
        if (self.normalisation is Normalisation.TARGET_RATIO) != (self.target is not None):
            raise ValueError(f"indicator {self.id}: a target is required for target_ratio and only for it")
        if self.target is not None and self.target == 0:
            raise ValueError(f"indicator {self.id}: target must be positive")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "metric": self.metric.as_dict(),
            "weight": canonical_decimal(self.weight),
            "normalisation": self.normalisation.value,
            "target": None if self.target is None else canonical_decimal(self.target),
        }


@attrs.frozen
class ScoringRule:
    """How areas are scored and ranked over a period (e.g. Xiaogan's half-year on-site scoring).

    Score = Σ weight × normalised indicator. Equal scores share a rank (并列). The ``top_n`` areas
    are praised and the ``bottom_n`` must explain themselves (000: 前两名 … 后两名), everyone
    tied at the boundary included.

    ``on_site=True``: the areas are scored by on-site scoring sheets (现场评分, 000) combined by
    the city's :class:`~projlife.plugins.site_scoring.SiteScoring` (whose ``rule_id`` names this
    rule), not by indicators: such a rule has none, so no count stands in for the scores.
    """

    id: str = attrs.field(validator=check_rule_id)
    title_zh: str
    period_kind: PeriodKind = attrs.field(converter=PeriodKind)
    indicators: tuple[ScoringIndicator, ...] = attrs.field(converter=as_tuple)
    scope: AreaScope = attrs.field(factory=AreaScope)
    top_n: int = 0
    bottom_n: int = 0
    source: str = ""
    on_site: bool = False

    def __attrs_post_init__(self) -> None:
        if self.on_site and self.indicators:
            raise ValueError(f"scoring rule {self.id}: an on-site scored rule has no indicators")
        if not self.on_site and not self.indicators:
            raise ValueError(f"scoring rule {self.id}: at least one indicator (or on_site=True)")
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError(f"scoring rule {self.id}: indicator ids repeat: {ids}")
        if self.top_n < 0 or self.bottom_n < 0:
            raise ValueError(f"scoring rule {self.id}: top_n and bottom_n must not be negative")
        if self.scope.city_wide:
            raise ValueError(f"scoring rule {self.id}: ranking needs per-area scope")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title_zh": self.title_zh,
            "period_kind": self.period_kind.value,
            "indicators": [i.as_dict() for i in self.indicators],
            "scope": self.scope.as_dict(),
            "top_n": self.top_n,
            "bottom_n": self.bottom_n,
            "source": self.source,
        }
        if self.on_site:  # absent otherwise, so existing rule-set hashes stay
            out["on_site"] = True
        return out
