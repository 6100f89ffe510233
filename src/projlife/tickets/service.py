"""``app.tickets``: commands and queries on the enterprise problem loop.

Every command is validated (pydantic, then the city's :class:`TicketPolicy` and the
ticket's own rules) before anything is written; a refused command raises a
:class:`~projlife.domain.errors.ProjlifeError` and records nothing. Version conflicts are
retried like :class:`~projlife.app.application.ProjectService`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import RecordConflictError

from projlife.app.commands import Command
from projlife.app.retry import MAX_RETRIES, save_with_retries
from projlife.calendar import WorkdayCalendar
from projlife.domain.errors import CommandRejected, ConcurrentUpdateError, NotFound, Problem
from projlife.domain.project import Project
from projlife.domain.revisit_draw import RevisitDraw, revisit_draw_id_for
from projlife.domain.ticket import AssigneeKind, Satisfaction, Ticket, TicketStatus, ticket_id_for
from projlife.tickets.commands import (
    TICKET_COMMANDS,
    AnswerTicket,
    AssignTicket,
    CloseTicket,
    DrawRevisitSample,
    EscalateTicket,
    PauseTicketClock,
    RaiseTicket,
    ResumeTicketClock,
    RevisitTicket,
    TicketCommand,
    WithdrawTicket,
)
from projlife.tickets.policy import TicketPolicy, ticket_policy_for
from projlife.tickets.projection import TICKETS_PROJECTION, TicketState, mean_and_share, states_as_of

if TYPE_CHECKING:
    from projlife.app.application import CommandResult, Projlife

__all__ = ["DrawResult", "LoopSummary", "OverdueTicket", "TicketService"]

RAISED_TOPIC = Ticket.Raised.TOPIC


@attrs.frozen
class OverdueTicket:
    """One ticket past its (pause-adjusted) due date on ``as_of``."""

    ticket_id: UUID
    code: str
    city_code: str
    area_code: str
    category: str
    assignee_kind: AssigneeKind
    assignee: str
    due_on: date
    effective_due_on: date
    paused_working_days: int
    overdue_working_days: int
    escalation_level: int
    reopen_count: int

    @property
    def department(self) -> str | None:
        return self.assignee if self.assignee_kind is AssigneeKind.DEPARTMENT else None


@attrs.frozen
class LoopSummary:
    """The loop as of one business date: how many tickets stand where, and how satisfied."""

    as_of: date
    raised: int
    open: int
    """Raised or assigned (not yet answered), not withdrawn."""
    answered: int
    """Answered, waiting for a draw, a revisit or closing."""
    closed: int
    withdrawn: int
    overdue: int
    reopened: int
    """Reopen events (a ticket reopened twice counts twice)."""
    revisits: int
    satisfaction: Mapping[int, int]
    """Revisits per rating 1…5."""
    mean_satisfaction: Decimal | None
    by_category: Mapping[str, int]
    satisfied_share: Decimal | None
    """Share of revisits that met the bar in force when they were made."""


@attrs.frozen
class DrawResult:
    """What a revisit draw did."""

    draw_id: UUID
    seed: str
    rate: Decimal
    population: tuple[UUID, ...]
    drawn: tuple[UUID, ...]
    position: int | None


class TicketService:
    """Commands and queries on tickets, at ``app.tickets``."""

    def __init__(self, app: Projlife, calendar: WorkdayCalendar | None = None) -> None:
        self._app = app
        self.calendar = calendar if calendar is not None else WorkdayCalendar.china()
        self._policies: dict[str, TicketPolicy] = {}

    def policy(self, city_code: str) -> TicketPolicy:
        """The city's policy from its plugins' ticket hooks (asked once per city, then kept)."""
        found = self._policies.get(city_code)
        if found is None:
            found = self._policies[city_code] = ticket_policy_for(self._app, city_code)
        return found

    # -- commands ------------------------------------------------------------------

    def execute(self, command: Command | Mapping[str, Any], *, kind: str | None = None) -> CommandResult:
        """Run one ticket command, given as a model or as a mapping plus its ``kind`` name."""
        from projlife.app.application import CommandResult, _last_position

        cmd = self._parse(command, kind)
        if isinstance(cmd, RaiseTicket):
            ticket = self._raise(cmd)
            try:
                recordings = self._app.store.save(ticket)
            except RecordConflictError:
                raise CommandRejected(
                    f"raise ticket {cmd.code}",
                    [Problem("code", f"ticket {cmd.code} already exists in city {cmd.city_code}", cmd.code)],
                ) from None
            return CommandResult(ticket.id, ticket.version, _last_position(recordings))
        if isinstance(cmd, DrawRevisitSample):
            result = self.draw(cmd)
            return CommandResult(result.draw_id, 1, result.position)
        if not isinstance(cmd, TicketCommand):
            raise CommandRejected(type(cmd).__name__, [Problem("(command)", "not a ticket command")])

        def load_and_apply() -> Any:
            ticket = self._load_for(cmd)
            self._apply(cmd, ticket, self.policy(ticket.city_code))
            return ticket

        ticket, recordings = save_with_retries(
            self._app.store, load_and_apply, attempted=f"{cmd.name} {cmd.ticket_id}", what="ticket"
        )
        return CommandResult(ticket.id, ticket.version, _last_position(recordings))

    def _parse(self, command: Command | Mapping[str, Any], kind: str | None) -> Command:
        from projlife.app.application import validate

        if isinstance(command, Command):
            return command
        name = kind or str(command.get("command", ""))
        model = TICKET_COMMANDS.get(name)
        if model is None:
            raise CommandRejected(
                f"run command {name!r}",
                [Problem("command", f"unknown command; known: {', '.join(sorted(TICKET_COMMANDS))}", name)],
            )
        return validate(model, {k: v for k, v in command.items() if k != "command"})

    def _raise(self, cmd: RaiseTicket) -> Ticket:
        problems: list[Problem] = []
        city = self._app.city_by_code(cmd.city_code)
        if city is None:
            known = ", ".join(f"{c.code} ({c.name_zh})" for c in self._app.cities.values())
            problems.append(
                Problem("city_code", f"unknown city; installed: {known or 'none'}", cmd.city_code)
            )
        elif cmd.area_code not in city.areas:
            problems.append(Problem("area_code", f"not an area of {city.name_zh}", cmd.area_code))
        policy = self.policy(cmd.city_code)
        category = policy.category(cmd.category)
        if category is None:
            problems.append(
                Problem(
                    "category",
                    f"unknown category; allowed: {', '.join(policy.category_labels)}",
                    cmd.category,
                )
            )
        if cmd.enterprise_code is None and cmd.project_id is None:
            problems.append(Problem("enterprise_code", "name the enterprise and/or the project", None))
        if cmd.project_id is not None:
            project = self._project(cmd.project_id)
            if project is None:
                problems.append(Problem("project_id", "no project with this id", str(cmd.project_id)))
            elif project.city_code != cmd.city_code:
                problems.append(
                    Problem("project_id", f"the project belongs to city {project.city_code}", None)
                )
        if self._exists(ticket_id_for(cmd.city_code, cmd.code)):
            problems.append(
                Problem("code", f"ticket {cmd.code} already exists in city {cmd.city_code}", cmd.code)
            )
        if problems:
            raise CommandRejected(f"raise ticket {cmd.code}", problems)
        assert category is not None
        return Ticket.raise_(
            code=cmd.code,
            city_code=cmd.city_code,
            area_code=cmd.area_code,
            category=category.label_zh,
            categories=policy.category_labels,
            description=cmd.description,
            raised_by=cmd.raised_by,
            enterprise_code=cmd.enterprise_code,
            project_id=cmd.project_id,
            **cmd.meta(),
        )

    def _apply(self, cmd: TicketCommand, ticket: Ticket, policy: TicketPolicy) -> None:
        meta = cmd.meta()
        day = cmd.occurred_on
        if isinstance(cmd, AssignTicket):
            problems: list[Problem] = []
            if cmd.assignee_kind is AssigneeKind.LOCALITY:
                city = self._app.city_by_code(ticket.city_code)
                if city is not None and cmd.assignee not in city.areas:
                    problems.append(Problem("assignee", f"not an area of {city.name_zh}", cmd.assignee))
            if cmd.due_on is not None and cmd.due_on < ticket.raised_on:
                problems.append(
                    Problem(
                        "due_on", f"before the ticket was raised ({ticket.raised_on})", cmd.due_on.isoformat()
                    )
                )
            if problems:
                raise CommandRejected(f"assign ticket {ticket.code}", problems)
            due = cmd.due_on or policy.due_rule.due(day, self.calendar).due_on
            rule = "explicit" if cmd.due_on is not None else str(policy.due_rule)
            ticket.assign(
                assignee_kind=cmd.assignee_kind, assignee=cmd.assignee, due_on=due, due_rule=rule, **meta
            )
        elif isinstance(cmd, EscalateTicket):
            level = ticket.escalation_level + 1
            scheduled = policy.ladder[min(level, len(policy.ladder) - 1)].scheduled_on(day, self.calendar)
            ticket.escalate(ladder=policy.ladder_labels, scheduled_on=scheduled, **meta)
        elif isinstance(cmd, AnswerTicket):
            ticket.answer(resolution=cmd.resolution, **meta)
        elif isinstance(cmd, RevisitTicket):
            ticket.revisit(
                satisfaction=cmd.satisfaction,
                satisfaction_bar=policy.satisfaction_bar,
                reopen_due_on=policy.due_rule.due(day, self.calendar).due_on,
                reopen_due_rule=str(policy.due_rule),
                allow_unsampled=not policy.close_unsampled_on_answer,
                **meta,
            )
        elif isinstance(cmd, CloseTicket):
            ticket.close(
                satisfaction_bar=policy.satisfaction_bar,
                close_unsampled_on_answer=policy.close_unsampled_on_answer,
                **meta,
            )
        elif isinstance(cmd, WithdrawTicket):
            ticket.withdraw(**meta)
        elif isinstance(cmd, PauseTicketClock):
            ticket.pause_clock(**meta)
        elif isinstance(cmd, ResumeTicketClock):
            ticket.resume_clock(**meta)
        else:
            raise CommandRejected(type(cmd).__name__, [Problem("(command)", "not a ticket command")])

    def draw(self, command: DrawRevisitSample | Mapping[str, Any]) -> DrawResult:
        """Draw the revisit sample and record it: one ``RevisitDraw`` and one event per ticket.

        The population is the city's answered tickets not yet through a draw since their last
        answer and never drawn before (a reopened ticket that was drawn stays drawn), answered
        on or before the draw date and within the window.
        """
        from projlife.app.application import _last_position, validate

        cmd = validate(DrawRevisitSample, command) if not isinstance(command, DrawRevisitSample) else command
        attempted = f"draw revisit sample {cmd.seed!r} in {cmd.city_code}"
        problems: list[Problem] = []
        if self._app.city_by_code(cmd.city_code) is None:
            problems.append(Problem("city_code", "unknown city", cmd.city_code))
        if cmd.window_start and cmd.window_end and cmd.window_end < cmd.window_start:
            problems.append(Problem("window_end", "before window_start", cmd.window_end.isoformat()))
        if self._exists(revisit_draw_id_for(cmd.city_code, cmd.seed)):
            problems.append(Problem("seed", "a draw with this seed already exists in the city", cmd.seed))
        if problems:
            raise CommandRejected(attempted, problems)
        policy = self.policy(cmd.city_code)
        rate = cmd.rate if cmd.rate is not None else policy.revisit_sample_rate
        for _ in range(MAX_RETRIES):
            population = [t for t in self.tickets(city_code=cmd.city_code) if self._drawable(t, cmd)]
            if not population:
                raise CommandRejected(
                    attempted,
                    [Problem("window_start", "no answered ticket waits for a draw in this window", None)],
                )
            draw = RevisitDraw.make(
                city_code=cmd.city_code,
                seed=cmd.seed,
                rate=rate,
                population=[t.id for t in population],
                occurred_on=cmd.occurred_on,
                actor=cmd.actor.to_domain(),
                window_start=cmd.window_start,
                window_end=cmd.window_end,
            )
            drawn = set(draw.drawn)
            for ticket in population:
                ticket.sample_for_revisit(
                    draw_id=draw.id,
                    drawn=ticket.id in drawn,
                    occurred_on=cmd.occurred_on,
                    actor=cmd.actor.to_domain(),
                    reason=cmd.reason,
                )
            try:
                recordings = self._app.store.save(draw, *population)
            except RecordConflictError:
                if self._exists(draw.id):
                    raise CommandRejected(
                        attempted, [Problem("seed", "a draw with this seed exists", cmd.seed)]
                    ) from None
                continue
            return DrawResult(
                draw.id, draw.seed, draw.rate, draw.population, draw.drawn, _last_position(recordings)
            )
        raise ConcurrentUpdateError(attempted, "tickets kept changing during the draw", "draw again")

    @staticmethod
    def _drawable(ticket: Ticket, cmd: DrawRevisitSample) -> bool:
        answered = ticket.answered_on
        return (
            ticket.status is TicketStatus.ANSWERED
            and ticket.draw_after_answer is None
            and not ticket.sampled
            and answered is not None
            and answered <= cmd.occurred_on
            and ticket.last_fact_on <= cmd.occurred_on
            and (cmd.window_start is None or answered >= cmd.window_start)
            and (cmd.window_end is None or answered <= cmd.window_end)
        )

    # -- queries -----------------------------------------------------------------

    def get(self, ticket_id: UUID, *, attempted: str = "load ticket") -> Ticket:
        try:
            ticket: Any = self._app.store.repository.get(ticket_id)
        except AggregateNotFoundError:
            raise NotFound(attempted, f"no ticket with id {ticket_id}", "the id of a raised ticket") from None
        if not isinstance(ticket, Ticket):
            raise NotFound(attempted, f"{ticket_id} is not a ticket", "the id of a raised ticket")
        return ticket

    def find(self, city_code: str, code: str) -> Ticket:
        return self.get(ticket_id_for(city_code, code), attempted=f"find ticket {code} in {city_code}")

    def get_draw(self, draw_id: UUID) -> RevisitDraw:
        try:
            draw: Any = self._app.store.repository.get(draw_id)
        except AggregateNotFoundError:
            raise NotFound("load revisit draw", f"no draw with id {draw_id}", "a draw id") from None
        if not isinstance(draw, RevisitDraw):
            raise NotFound("load revisit draw", f"{draw_id} is not a revisit draw", "a draw id")
        return draw

    def ticket_ids(self) -> list[UUID]:
        """Every ticket id, in the order the tickets were raised (read from the event log)."""
        ids: list[UUID] = []
        start: int | None = None
        recorder: Any = self._app.store.recorder
        while True:
            page = recorder.select_notifications(
                start, 1000, topics=[RAISED_TOPIC], inclusive_of_start=start is None
            )
            if not page:
                return ids
            ids.extend(n.originator_id for n in page)
            start = page[-1].id

    def tickets(self, *, city_code: str | None = None) -> Iterator[Ticket]:
        for ticket_id in self.ticket_ids():
            ticket = self.get(ticket_id)
            if city_code is None or ticket.city_code == city_code:
                yield ticket

    def ticket_as_of(self, ticket_id: UUID, as_of: date) -> Ticket | None:
        """The ticket rebuilt from its facts with a business date on or before ``as_of``.

        None if it was raised after ``as_of``. Business dates never go backwards within a
        ticket, so these facts are a prefix of its history.
        """
        aggregate: Any = None
        events: Any = self._app.store.events.get(ticket_id)
        for event in events:
            if event.occurred_on > as_of:
                break
            aggregate = event.mutate(aggregate)
        return aggregate if isinstance(aggregate, Ticket) else None

    def overdue(
        self,
        *,
        as_of: date,
        city_code: str | None = None,
        area: str | None = None,
        department: str | None = None,
        category: str | None = None,
    ) -> list[OverdueTicket]:
        """Tickets past their due date on ``as_of`` (paused working days excluded), most overdue first.

        Read from the tickets projection (caught up first): each ticket's state after its last
        fact with a business date on or before ``as_of``, so facts recorded later with a later
        business date do not change the answer for ``as_of``. ``area`` matches the ticket's
        area (the enterprise's locality); ``department`` the assigned department; ``category``
        the category's label or code.
        """
        found: list[OverdueTicket] = []
        for ticket in self.states_as_of(as_of, city_code=city_code):
            if area is not None and ticket.area_code != area:
                continue
            if category is not None:
                cat = self.policy(ticket.city_code).category(category)
                if ticket.category != (cat.label_zh if cat else category):
                    continue
            state = ticket.overdue_on(as_of, self.calendar)
            if state is None or not state.is_overdue:
                continue
            kind, assignee = ticket.assignee_kind, ticket.assignee
            assert kind is not None and assignee is not None
            if department is not None and ticket.department != department:
                continue
            found.append(
                OverdueTicket(
                    ticket_id=ticket.ticket_id,
                    code=ticket.code,
                    city_code=ticket.city_code,
                    area_code=ticket.area_code,
                    category=ticket.category,
                    assignee_kind=kind,
                    assignee=assignee,
                    due_on=state.due_on,
                    effective_due_on=state.effective_due_on,
                    paused_working_days=state.paused_working_days,
                    overdue_working_days=state.overdue_working_days,
                    escalation_level=ticket.escalation_level,
                    reopen_count=ticket.reopen_count,
                )
            )
        found.sort(key=lambda o: (-o.overdue_working_days, o.code))
        return found

    def summary(self, *, as_of: date, city_code: str | None = None) -> LoopSummary:
        """The loop as of ``as_of``: counts by status, overdue, reopens and satisfaction.

        Read from the tickets projection with the same as-of rule as :meth:`overdue`.
        """
        status: Counter[TicketStatus] = Counter()
        ratings: Counter[int] = Counter()
        by_category: Counter[str] = Counter()
        overdue = reopened = satisfied = 0
        for ticket in self.states_as_of(as_of, city_code=city_code):
            status[ticket.status] += 1
            by_category[ticket.category] += 1
            reopened += ticket.reopen_count
            ratings.update(ticket.ratings)
            satisfied += ticket.satisfied_revisits
            state = ticket.overdue_on(as_of, self.calendar)
            overdue += int(state is not None and state.is_overdue)
        mean, share = mean_and_share(ratings, satisfied)
        return LoopSummary(
            as_of=as_of,
            raised=sum(status.values()),
            open=status[TicketStatus.RAISED] + status[TicketStatus.ASSIGNED],
            answered=status[TicketStatus.ANSWERED],
            closed=status[TicketStatus.CLOSED],
            withdrawn=status[TicketStatus.WITHDRAWN],
            overdue=overdue,
            reopened=reopened,
            revisits=sum(ratings.values()),
            satisfaction={int(s): ratings[int(s)] for s in Satisfaction},
            mean_satisfaction=mean,
            by_category=dict(sorted(by_category.items())),
            satisfied_share=share,
        )

    def states_as_of(self, as_of: date, *, city_code: str | None = None) -> list[TicketState]:
        """Every ticket as the tickets projection holds it on ``as_of`` (caught up first)."""
        self._app.projections.run_one(TICKETS_PROJECTION)
        with self._app.engine.connect() as conn:
            return states_as_of(conn, as_of, city_code=city_code)

    # -- internals ---------------------------------------------------------------

    def _load_for(self, cmd: TicketCommand) -> Ticket:
        try:
            return self.get(cmd.ticket_id, attempted=f"{cmd.name} {cmd.ticket_id}")
        except NotFound:
            raise CommandRejected(
                f"{cmd.name} {cmd.ticket_id}",
                [Problem("ticket_id", "no ticket with this id", str(cmd.ticket_id))],
            ) from None

    def _project(self, project_id: UUID) -> Project | None:
        try:
            project: Any = self._app.store.repository.get(project_id)
        except AggregateNotFoundError:
            return None
        return project if isinstance(project, Project) else None

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self._app.store.recorder.select_events(aggregate_id, limit=1))
