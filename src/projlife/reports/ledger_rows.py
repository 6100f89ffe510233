"""Ledger rows (台账) as of a business date, read from the project histories.

This is the reports package's own small read of the event store: it replays each
project's events whose business date (``occurred_on``) is on or before ``as_of``. It
serves the Excel export, the OC4IDS export and the bulletin until (and alongside) the
projections' ledger read model; the answers are the same for every fact recorded in
business-date order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs

from projlife.application import Projlife
from projlife.domain.lifecycle import Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.domain.project import Project
from projlife.plugins.types import CityProfile

__all__ = ["LedgerRow", "ledger_row", "ledger_rows", "project_as_of", "project_ids"]


@attrs.frozen
class LedgerRow:
    """One project in the ledger as of a date."""

    project_id: UUID
    code: str
    name: str
    area_code: str
    area_name: str
    county_code: str
    county_name: str
    category: str
    category_zh: str
    investors_zh: tuple[str, ...]
    enterprise_code: str | None
    area_mu: Decimal | None
    planned_investment: Money
    stage: Stage
    verified_stage: Stage
    stage_dates: dict[Stage, date]
    signed_amount: Money | None
    counterparty: str | None
    batch: str | None
    investment: Money
    leader: str | None
    department: str | None
    team: str | None
    team_lead: str | None
    flags: dict[str, date]
    removals: dict[Pool, tuple[RemovalReason, date]]
    cancelled_on: date | None
    cancel_reason: str | None
    planned_stage_dates: dict[Stage, date]

    def reached(self, stage: Stage, within: tuple[date, date] | None = None) -> bool:
        """Whether the project reached ``stage`` (optionally with its date in ``[start, end]``)."""
        d = self.stage_dates.get(stage)
        if d is None:
            return False
        return within is None or within[0] <= d <= within[1]


def project_ids(app: Projlife, city_code: str, *, page: int = 1000) -> list[UUID]:
    """The ids of every project of a city, in the order they were first recorded."""
    ids: list[UUID] = []
    start: int | None = None
    recorder = app.store.recorder
    while True:
        notes = recorder.select_notifications(
            start, page, topics=[Project.Conceived.TOPIC], inclusive_of_start=start is None
        )
        for note in notes:
            event: Any = app.store.mapper.to_domain_event(note)
            if event.city_code == city_code:
                ids.append(event.originator_id)
        if len(notes) < page:
            return ids
        start = notes[-1].id


def project_as_of(app: Projlife, project_id: UUID, as_of: date | None) -> Project:
    """The project with only the facts whose business date is on or before ``as_of``."""
    return _replay(app, project_id, as_of)[0]


def _replay(app: Projlife, project_id: UUID, as_of: date | None) -> tuple[Project, str | None]:
    project: Any = None
    cancel_reason: str | None = None
    events: list[Any] = list(app.store.repository.event_store.get(project_id))
    for event in events:
        if project is None:
            project = event.mutate(None)
        elif as_of is None or event.occurred_on <= as_of:
            event.apply(project)
            if isinstance(event, Project.Cancelled):
                cancel_reason = event.reason
    assert isinstance(project, Project)
    return project, cancel_reason


def ledger_row(city: CityProfile, project: Project, cancel_reason: str | None = None) -> LedgerRow:
    """One project as a ledger row (its county found in the city's area tree)."""
    area = city.areas.get(project.area_code)
    county = city.areas.county_of(project.area_code) if area is not None else None
    county = county or area
    return LedgerRow(
        project_id=project.id,
        code=project.code,
        name=project.name,
        area_code=project.area_code,
        area_name=area.name if area else project.area_code,
        county_code=county.code if county else project.area_code,
        county_name=county.name if county else project.area_code,
        category=project.category.value,
        category_zh=project.category.label_zh,
        investors_zh=tuple(c.label_zh for c in project.investor_classes),
        enterprise_code=project.enterprise_code,
        area_mu=project.area_mu,
        planned_investment=project.planned_investment,
        stage=project.stage,
        verified_stage=project.verified_stage,
        stage_dates={s: c.occurred_on for s, c in project.claims.items()},
        signed_amount=project.signed_amount if Stage.SIGNED in project.claims else None,
        counterparty=project.counterparty if Stage.SIGNED in project.claims else None,
        batch=project.signing_batch if Stage.SIGNED in project.claims else None,
        investment=project.cumulative_investment,
        leader=project.sponsor[0] if project.sponsor else None,
        department=project.sponsor[1] if project.sponsor else None,
        team=project.team[0] if project.team else None,
        team_lead=project.team[1] if project.team else None,
        flags=dict(project.flags),
        removals=dict(project.removed_from),
        cancelled_on=project.cancelled_on,
        cancel_reason=cancel_reason if project.cancelled_on else None,
        planned_stage_dates=dict(project.stages_planned),
    )


def ledger_rows(
    app: Projlife, city: CityProfile, as_of: date | None = None, ids: Iterable[UUID] | None = None
) -> Iterator[LedgerRow]:
    """Every project of the city conceived on or before ``as_of``, as ledger rows in code order."""
    replayed = [_replay(app, pid, as_of) for pid in (ids if ids is not None else project_ids(app, city.code))]
    for project, cancel_reason in sorted(replayed, key=lambda pr: pr[0].code):
        if as_of is None or project.conceived_on <= as_of:
            yield ledger_row(city, project, cancel_reason)
