"""Hand-built project facts for the city rule tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import uuid4

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.engine.facts import ProjectFacts
from projlife.plugins.types import CityProfile


class ListFacts:
    """A facts source over a fixed list."""

    def __init__(self, facts: Sequence[ProjectFacts]) -> None:
        self.facts = list(facts)

    def project_facts(self, city: CityProfile) -> list[ProjectFacts]:
        return self.facts


def fact(
    code: str,
    area: str,
    yi: str | int = 2,
    *,
    category: ProjectCategory = ProjectCategory.INDUSTRIAL,
    investors: tuple[InvestorClass, ...] = (),
    conceived: date = date(2020, 1, 1),
    investment: dict[date, Money] | None = None,
    verified: tuple[str, ...] = (),
    signed_yi: str | int | None = None,
    **stages: date,
) -> ProjectFacts:
    """A project of ``yi`` 亿 in ``area`` that entered each stage named in ``stages`` on its date."""
    return ProjectFacts(
        project_id=uuid4(),
        code=code,
        area_code=area,
        category=category,
        planned_investment=Money.yi(Decimal(str(yi))),
        conceived_on=conceived,
        investor_classes=investors,
        stage_dates={Stage.CONCEIVED: conceived, **{Stage(k): v for k, v in stages.items()}},
        investment=investment or {},
        verified=frozenset(Stage(v) for v in verified),
        signed_amount=None if signed_yi is None else Money.yi(Decimal(str(signed_yi))),
    )
