"""Reading :class:`~projlife.projections.counting.record.ProjectFacts` from the read models.

"As of D, as known at T" is one rule, applied here and nowhere else: take the ledger facts
(``pl_facts``) and detail facts (``pl_project_details``) with business date ≤ D that were
recorded by T (T defaults to now), fold them in log order with the ledger's own fold
(:func:`projlife.projections.state.fold`), then drop any stage date a correction moved past D
(:meth:`~projlife.projections.state.ProjectState.cut`, which the ledger applies too).
A correction or rejection therefore takes effect from its own business date: a March start
corrected or rejected in April still counts as of 31 March.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.plugins.counting_policy import CountingPolicy
from projlife.projections.counting.record import DEFAULT_POLICY, ProjectFacts, Rejection
from projlife.projections.counting.site_scores import Sheet, SiteScores
from projlife.projections.details import DETAILS_PROJECTION, details_table
from projlife.projections.facts import (
    LEDGER_PROJECTION,
    STAGES,
    FactKind,
    facts_table,
    projects_table,
    recorded_micros,
)
from projlife.projections.rebuilds import refuse_unservable
from projlife.projections.site_scores import DRAWN, SITE_SCORES_PROJECTION, site_scores_table
from projlife.projections.state import QUERY_COLUMNS, FactRow, ProjectState, fold, no_cyclic_gc

__all__ = ["Counting", "Entering"]

_CLAIM = int(FactKind.CLAIM)
_CONCEIVED = int(FactKind.CONCEIVED)
_REJECTED = int(FactKind.REJECTED)
_CORRECTED = int(FactKind.CORRECTED)


@attrs.frozen
class Entering:
    """Narrow a read to the projects that may have entered ``stage`` within [start, end].

    Only a candidate set, found in SQL from the facts the fold would read: every project with a
    fact that can leave ``stage``'s date in [start, end] — its claim (or a conception that claims
    it), any correction of a claim's date to a day in [start, end] — or a rejection of ``stage``
    dated in [start, end]. The fold and the counting rules then decide, exactly as over every
    project: :func:`~projlife.projections.counting.select.entries` over the narrowed projects
    finds the same members and the same exclusions (removed, cancelled, rejected) as over all.
    """

    stage: Stage
    start: date
    end: date


class Counting:
    """The counting layer's reader: projects of a city as of D, as known at T, under a policy.

    Takes a SQLAlchemy engine and, optionally, ``catch_up`` (called before every read, e.g. the
    projection runner's ``run``) so the read models are current.
    """

    def __init__(self, engine: sa.Engine, *, catch_up: Callable[[], object] | None = None) -> None:
        self._engine = engine
        self._catch_up = catch_up

    def projects(
        self,
        city_code: str,
        *,
        as_of: date | None = None,
        known_at: datetime | None = None,
        policy: CountingPolicy = DEFAULT_POLICY,
        county_code: str | None = None,
        project_ids: Sequence[str] | None = None,
        entering: Entering | None = None,
    ) -> list[ProjectFacts]:
        """Every project of ``city_code`` (optionally one county) conceived by ``as_of``, in code order.

        ``entering`` reads only the projects that may have entered its stage in its period (a
        superset of those :func:`~projlife.projections.counting.select.entries` counts or leaves
        out for that stage and period, see :class:`Entering`), folded like any other.
        """
        with no_cyclic_gc():  # the fold and the facts allocate many objects and free none
            return self._projects(
                city_code,
                as_of=as_of,
                known_at=known_at,
                policy=policy,
                county_code=county_code,
                project_ids=project_ids,
                entering=entering,
            )

    def _projects(
        self,
        city_code: str,
        *,
        as_of: date | None,
        known_at: datetime | None,
        policy: CountingPolicy,
        county_code: str | None,
        project_ids: Sequence[str] | None,
        entering: Entering | None,
    ) -> list[ProjectFacts]:
        if self._catch_up is not None:
            self._catch_up()
        p, f, d = projects_table, facts_table, details_table
        place: list[Any] = [f.c.city_code == city_code]
        if county_code is not None:
            place.append(f.c.county_code == county_code)
        seen: list[Any] = []  # the facts the fold reads: dated by D, recorded by T
        dconds: list[Any] = []
        if as_of is not None:
            seen.append(f.c.business <= as_of.toordinal())
            dconds.append(d.c.business <= as_of.toordinal())
        if known_at is not None:
            seen.append(f.c.recorded <= recorded_micros(known_at))
            dconds.append(d.c.recorded <= recorded_micros(known_at))
        if entering is None:
            conds: list[Any] = [*place, *seen]
            dconds.append(d.c.city_code == city_code)
            pconds: list[Any] = [p.c.city_code == city_code]
            if county_code is not None:
                pconds.append(p.c.county_code == county_code)
        else:
            # The candidates' every fact, detail and static row, looked up by project: a
            # project's rows all carry its city and county, so the place is judged once, in
            # the subquery (which keeps the planners on the project indexes).
            cand = _entrants(entering, [*place, *seen])
            conds = [*seen, f.c.project_id.in_(cand)]
            dconds.append(d.c.project_id.in_(cand))
            pconds = [p.c.project_id.in_(cand)]
        if project_ids is not None:
            conds.append(f.c.project_id.in_(list(project_ids)))
            dconds.append(d.c.project_id.in_(list(project_ids)))
        details_wanted = sa.or_(
            d.c.field.like("met:%"), d.c.field.like("planned:%"), d.c.field.in_(("team", "date_corrected"))
        )
        with self._engine.connect() as conn:
            # Never count from partial tables: a rebuild under way (or interrupted) is refused.
            refuse_unservable(conn, (LEDGER_PROJECTION, DETAILS_PROJECTION), "count the projects")
            statics = {
                r[0]: tuple(r)
                for r in conn.execute(
                    sa.select(
                        p.c.project_id, p.c.code, p.c.area_code, p.c.category, p.c.investor_classes
                    ).where(*pconds)
                )
            }
            rows: list[FactRow] = [
                tuple(r)
                for r in conn.execute(
                    sa.select(*(f.c[c] for c in QUERY_COLUMNS)).where(*conds).order_by(f.c.pos)
                )
            ]
            details = list(
                conn.execute(
                    sa.select(d.c.project_id, d.c.field, d.c.value, d.c.version, d.c.business)
                    .where(*dconds, details_wanted)
                    .order_by(d.c.pos)
                )
            )
        first = _first_dates(rows)
        milestones = _milestones(details, first)
        out = []
        for pid, state in fold(rows, None if as_of is None else as_of.toordinal()).items():
            static = statics.get(pid)
            if static is None:
                continue
            out.append(_facts(static, state, milestones.get(pid, {}), first.get(pid, {}), as_of, policy))
        out.sort(key=lambda x: x.code)
        return out

    def recorded_after(
        self, project_ids: Sequence[str], *, after: datetime, as_of: date | None = None
    ) -> dict[str, tuple[int, ...]]:
        """Each project's ledger facts recorded after ``after`` and dated by ``as_of``: the events
        that can have revised a figure published at ``after`` (log positions, ascending)."""
        f = facts_table
        out: dict[str, list[int]] = {}
        ids = list(project_ids)
        with self._engine.connect() as conn:
            for i in range(0, len(ids), 500):
                conds: list[Any] = [
                    f.c.project_id.in_(ids[i : i + 500]),
                    f.c.recorded > recorded_micros(after),
                ]
                if as_of is not None:
                    conds.append(f.c.business <= as_of.toordinal())
                for pid, pos in conn.execute(
                    sa.select(f.c.project_id, f.c.pos).where(*conds).order_by(f.c.pos)
                ):
                    out.setdefault(pid, []).append(pos)
        return {pid: tuple(p) for pid, p in out.items()}

    def site_sheets(
        self,
        city_code: str,
        period: str,
        *,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> SiteScores:
        """The projects drawn for ``city_code``'s site visits of ``period`` and their standing
        scoring sheets, as of ``as_of``, as known at ``known_at`` (a scorer's later sheet for the
        same project replaces their earlier one once it is dated by ``as_of``)."""
        if self._catch_up is not None:
            self._catch_up()
        t = site_scores_table
        conds: list[Any] = [t.c.city_code == city_code, t.c.period == period]
        if as_of is not None:
            conds.append(t.c.business <= as_of.toordinal())
        if known_at is not None:
            conds.append(t.c.recorded <= recorded_micros(known_at))
        with self._engine.connect() as conn:
            refuse_unservable(conn, (SITE_SCORES_PROJECTION,), "count the site scores")
            rows = conn.execute(
                sa.select(
                    t.c.pos, t.c.kind, t.c.visit_id, t.c.project_id, t.c.area_code, t.c.scorer_id,
                    t.c.score, t.c.business,
                ).where(*conds).order_by(t.c.pos, t.c.seq)
            ).all()  # fmt: skip
        drawn: list[tuple[str, str, str]] = []
        standing: dict[tuple[str, str, str], Sheet] = {}
        for pos, kind, visit, pid, area, scorer, score, business in rows:
            if kind == DRAWN:
                drawn.append((visit, pid, area))
            else:
                standing[(visit, pid, scorer)] = Sheet(
                    visit, pid, area, scorer, Decimal(score), date.fromordinal(business), pos
                )
        return SiteScores(city_code, period, tuple(drawn), tuple(standing.values()))


def _entrants(entering: Entering, conds: Sequence[Any]) -> sa.Select[tuple[str]]:
    """The ids of the projects whose facts (among those ``conds`` select) may put them in
    :func:`~projlife.projections.counting.select.entries` for ``entering``, as member or as
    left out. A stage's date in the fold is the ``day`` of one of the project's facts: of its
    claim, of the conception (the conceived stage, and the reserve stage when conceived
    reserved), or of a correction of a claim's date (which claim it moves is the fold's business:
    every correction with its ``day`` in the period counts, whatever its field). A rejection's
    ``day`` is its business date, the date :func:`entries` judges it by. Removals and
    cancellations only take a project out: they need no candidate of their own. A superset is
    harmless: the fold decides."""
    f = facts_table
    rank = entering.stage.rank
    lo, hi = entering.start.toordinal(), entering.end.toordinal()
    kinds = [_CLAIM, _REJECTED, _CORRECTED]
    which: list[Any] = [f.c.stage == rank, f.c.kind == _CORRECTED]
    if rank in (Stage.CONCEIVED.rank, Stage.RESERVED.rank):
        kinds.append(_CONCEIVED)
        if rank == Stage.CONCEIVED.rank:
            which.append(f.c.kind == _CONCEIVED)
    return sa.select(f.c.project_id).where(
        *conds, f.c.kind.in_(kinds), f.c.day.between(lo, hi), sa.or_(*which)
    )


def _first_dates(rows: Iterable[FactRow]) -> dict[str, dict[str, int]]:
    """The first business date of each event topic per project (for deadline triggers)."""
    from projlife.projections.counting.topics import CLAIM_TOPICS, KIND_TOPICS

    out: dict[str, dict[str, int]] = {}
    for r in rows:
        topic = CLAIM_TOPICS[r[4]] if r[3] == _CLAIM else KIND_TOPICS[r[3]]
        _first(out, r[1], topic, r[10])
    return out


def _first(event_dates: dict[str, dict[str, int]], pid: str, topic: str, business: int) -> None:
    dates = event_dates.setdefault(pid, {})
    known = dates.get(topic)
    if known is None or business < known:
        dates[topic] = business


def _milestones(
    details: list[Any], event_dates: dict[str, dict[str, int]]
) -> dict[str, dict[Milestone, date]]:
    """Each project's milestones met, with date corrections applied (rows in log order)."""
    from projlife.projections.counting.topics import DETAIL_TOPICS

    met: dict[str, dict[Milestone, date]] = {}
    met_versions: dict[tuple[str, int], Milestone] = {}
    for pid, field, value, version, business in details:
        if field == "date_corrected":
            milestone = met_versions.get((pid, version))
            if milestone is not None:
                met[pid][milestone] = date.fromisoformat(value)
            continue
        if field == "team":
            _first(event_dates, pid, DETAIL_TOPICS["team"], business)
        elif field.startswith("planned:"):
            _first(event_dates, pid, DETAIL_TOPICS["planned:"], business)
        else:  # met:<milestone>
            _first(event_dates, pid, DETAIL_TOPICS["met:"], business)
            milestone = Milestone(field[len("met:") :])
            met.setdefault(pid, {})[milestone] = date.fromisoformat(value)
            met_versions[(pid, version)] = milestone
    return met


def _facts(
    static: tuple[Any, ...],
    state: ProjectState,
    milestones: dict[Milestone, date],
    dates: dict[str, int],
    as_of: date | None,
    policy: CountingPolicy,
) -> ProjectFacts:
    from projlife.projections.counting.topics import CONCEIVED_TOPIC

    pid, code, area_code, category, investors = static
    assert state.planned is not None  # set by the conception, which every folded state has
    limit = date.max.toordinal() if as_of is None else as_of.toordinal()
    claims = state.claims  # already cut at as_of by the fold (ProjectState.cut)
    signed = state.signed if Stage.SIGNED.rank in claims else None
    return ProjectFacts(
        project_id=UUID(pid),
        code=code,
        area_code=area_code,
        category=_category(category),
        planned_investment=_money(state.planned[0]),
        conceived_on=date.fromordinal(dates[CONCEIVED_TOPIC]),
        investor_classes=_investors(investors),
        signed_amount=None if signed is None else _money(signed[0]),
        stage_dates={STAGES[rank]: date.fromordinal(c.day) for rank, c in claims.items()},
        verified=frozenset(STAGES[rank] for rank, c in claims.items() if c.verified_pos is not None),
        milestone_dates={m: d for m, d in milestones.items() if d.toordinal() <= limit},
        event_dates={topic: date.fromordinal(day) for topic, day in dates.items()},
        investment={date.fromordinal(m): _money(r[0]) for m, r in state.investment.items() if m <= limit},
        removed={
            Pool(pool): (RemovalReason(reason), date.fromordinal(day))
            for pool, (reason, day, _) in state.removed.items()
        },
        removal_events={Pool(pool): pos for pool, (_, _, pos) in state.removed.items()},
        cancelled_on=None if state.cancelled is None else date.fromordinal(state.cancelled[0]),
        cancel_reason="" if state.cancelled is None else state.cancelled[2],
        rejections=tuple(
            Rejection(STAGES[rank], date.fromordinal(day), reason, pos)
            for rank, day, reason, pos in state.rejections
        ),
        claim_events={STAGES[rank]: c.event_ids for rank, c in claims.items()},
        scheduled={STAGES[rank]: date.fromordinal(day) for rank, (day, _) in state.scheduled.items()},
        flags=frozenset(state.flags),
        policy=policy,
        sponsor_department=None if state.sponsor is None else state.sponsor[1],
    )


@lru_cache(maxsize=256)
def _category(value: str) -> ProjectCategory:
    return ProjectCategory(value)


@lru_cache(maxsize=1024)
def _investors(value: str) -> tuple[InvestorClass, ...]:
    """``pl_projects.investor_classes`` (comma-joined values, in the event's order) as enums."""
    return tuple(InvestorClass(c) for c in value.split(",") if c)


@lru_cache(maxsize=65_536)
def _money(yuan: Decimal) -> Money:
    """Amounts repeat across projects (Money is immutable: one instance per amount will do)."""
    return Money(yuan)
