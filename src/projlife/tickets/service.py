"""``app.tickets``: commands on the enterprise problem loop (queries in :mod:`projlife.tickets.queries`).

Every command is validated (pydantic, then the city's :class:`TicketPolicy` and the
ticket's own rules) before anything is written; a refused command raises a
:class:`~projlife.domain.errors.ProjlifeError` and records nothing. Version conflicts are
retried like :class:`~projlife.app.projects.ProjectService`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.persistence import RecordConflictError

from projlife.app.commands import Command
from projlife.app.results import CommandResult, last_position, save_new, validate
from projlife.app.retry import retry_on_conflict, save_with_retries
from projlife.domain.errors import CommandRejected, NotFound, Problem
from projlife.domain.revisit_draw import RevisitDraw, enterprise_key, revisit_draw_id_for
from projlife.domain.ticket import AssigneeKind, Ticket, TicketStatus, ticket_id_for
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
from projlife.tickets.policy import TicketPolicy
from projlife.tickets.queries import LoopSummary, OverdueTicket, TicketQueries

__all__ = ["DrawResult", "LoopSummary", "OverdueTicket", "TicketService"]


@attrs.frozen
class DrawResult:
    """What a revisit draw did."""

    draw_id: UUID
    seed: str
    rate: Decimal
    population: tuple[UUID, ...]
    drawn: tuple[UUID, ...]
    position: int | None
    enterprises: tuple[str, ...] = ()
    """The enterprises drawn (000: 随机抽取部分企业), whose tickets are ``drawn``."""


class TicketService(TicketQueries):
    """Commands and queries on tickets, at ``app.tickets``."""

    # -- commands ------------------------------------------------------------------

    def execute(self, command: Command | Mapping[str, Any], *, kind: str | None = None) -> CommandResult:
        """Run one ticket command, given as a model or as a mapping plus its ``kind`` name."""
        cmd = self._parse(command, kind)
        if isinstance(cmd, RaiseTicket):
            return save_new(
                self._store,
                self._raise(cmd),
                attempted=f"raise ticket {cmd.code}",
                code=cmd.code,
                city_code=cmd.city_code,
                kind="ticket",
            )
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
            self._store, load_and_apply, attempted=f"{cmd.name} {cmd.ticket_id}", what="ticket"
        )
        return CommandResult(ticket.id, ticket.version, last_position(recordings))

    def _parse(self, command: Command | Mapping[str, Any], kind: str | None) -> Command:
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
        city = self._cities.city_by_code(cmd.city_code)
        if city is None:
            known = ", ".join(f"{c.code} ({c.name_zh})" for c in self._cities.cities.values())
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
                city = self._cities.city_by_code(ticket.city_code)
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

        The draw samples enterprises (000: 随机抽取部分企业进行回访复核): ``ceil(rate × n)`` of the
        ``n`` enterprises with a waiting ticket, and every waiting ticket of a drawn enterprise is
        drawn for its revisit.

        The population is the city's answered tickets not yet through a draw since their last
        answer and never drawn before (a reopened ticket that was drawn stays drawn), answered
        on or before the draw date and within the window.
        """
        cmd = validate(DrawRevisitSample, command) if not isinstance(command, DrawRevisitSample) else command
        attempted = f"draw revisit sample {cmd.seed!r} in {cmd.city_code}"
        problems: list[Problem] = []
        if self._cities.city_by_code(cmd.city_code) is None:
            problems.append(Problem("city_code", "unknown city", cmd.city_code))
        if cmd.window_start and cmd.window_end and cmd.window_end < cmd.window_start:
            problems.append(Problem("window_end", "before window_start", cmd.window_end.isoformat()))
        if self._exists(revisit_draw_id_for(cmd.city_code, cmd.seed)):
            problems.append(Problem("seed", "a draw with this seed already exists in the city", cmd.seed))
        if problems:
            raise CommandRejected(attempted, problems)
        policy = self.policy(cmd.city_code)
        rate = cmd.rate if cmd.rate is not None else policy.revisit_sample_rate

        def attempt() -> DrawResult:
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
                # 000: 随机抽取部分企业进行回访复核 — enterprises are drawn, then all their tickets
                population={t.id: enterprise_key(t.enterprise_code, t.project_id) for t in population},
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
                recordings = self._store.save(draw, *population)
            except RecordConflictError:
                if self._exists(draw.id):  # a rival drew with this seed: a refusal, not a retry
                    raise CommandRejected(
                        attempted, [Problem("seed", "a draw with this seed exists", cmd.seed)]
                    ) from None
                raise  # a ticket changed under the draw: back off, then draw from the fresh population
            return DrawResult(
                draw.id, draw.seed, draw.rate, draw.population, draw.drawn, last_position(recordings),
                draw.enterprises_drawn,
            )  # fmt: skip

        return retry_on_conflict(attempt, attempted=attempted, what="tickets of the draw")

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

    # -- internals ---------------------------------------------------------------

    # -- internals ---------------------------------------------------------------

    def _load_for(self, cmd: TicketCommand) -> Ticket:
        try:
            return self.get(cmd.ticket_id, attempted=f"{cmd.name} {cmd.ticket_id}")
        except NotFound:
            raise CommandRejected(
                f"{cmd.name} {cmd.ticket_id}",
                [Problem("ticket_id", "no ticket with this id", str(cmd.ticket_id))],
            ) from None
