"""How on-site scoring sheets (现场评分) combine into an area's score: a city's rule, hashed.

The sheets are recorded facts (``projlife.domain.site_visit``: one ``ScoreSheetFilled`` per
project per scorer, by actors in ``Role.SCORER``); this value says how a city turns them into a
ranking. The seeds say only 实地观摩、现场评分 (000), so each choice below is a setting, and the
defaults are documented in ``docs/projections.md`` ("On-site scoring"):

* ``project_score``: ``mean`` of the scorers' sheets (default), or ``trimmed_mean`` — drop one
  highest and one lowest sheet (去掉一个最高分和一个最低分) when at least ``trim_from`` scorers scored;
* ``area_score``: ``mean`` of the area's scored drawn projects (default; an area is not favoured
  for having more completed projects), or ``sum``;
* ``places``: scores are rounded half up (四舍五入) once, from the exact value, to this precision,
  and areas are ranked on the rounded score, so scores that print equal share a rank (并列);
* ``per_area`` and ``scale_max``: the default number of projects drawn per area and the top of
  the scoring sheet (a visit records its own);
* ``completed_within_period``: the draw's population is the 211 pool's projects completed in the
  period (default) rather than ever.

Pure: standard library and attrs.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from projlife.plugins.rule_fields import canonical_decimal

__all__ = ["AreaCombination", "ProjectCombination", "SiteScoring"]


class ProjectCombination(StrEnum):
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"


class AreaCombination(StrEnum):
    MEAN = "mean"
    SUM = "sum"


def _strings(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        raise ValueError(f"expected a collection of category codes, not the string {values!r}")
    return frozenset(str(v) for v in values)


def _positive(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, got {value!r}")


@attrs.frozen
class SiteScoring:
    """A city's rule for combining on-site scoring sheets (see the module docstring)."""

    rule_id: str
    """The scoring rule (``ScoringRule.id``) whose ranking these scores decide."""
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_strings)
    """The project categories the draw takes (empty: every category in the drive's scope)."""
    project_score: ProjectCombination = attrs.field(
        default=ProjectCombination.MEAN, converter=ProjectCombination
    )
    trim_from: int = attrs.field(default=5, validator=_positive)
    area_score: AreaCombination = attrs.field(default=AreaCombination.MEAN, converter=AreaCombination)
    places: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    per_area: int = attrs.field(default=3, validator=_positive)
    scale_max: Decimal = attrs.field(default=Decimal(100), converter=Decimal, validator=_positive)
    completed_within_period: bool = True
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.trim_from < 3:
            raise ValueError(
                f"trim_from must be at least 3 (one highest and one lowest dropped), got {self.trim_from}"
            )

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "categories": sorted(self.categories),
            "project_score": self.project_score.value,
            "trim_from": self.trim_from,
            "area_score": self.area_score.value,
            "places": self.places,
            "per_area": self.per_area,
            "scale_max": canonical_decimal(self.scale_max),
            "completed_within_period": self.completed_within_period,
            "source": self.source,
        }
