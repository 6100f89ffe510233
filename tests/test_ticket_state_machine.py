"""A hypothesis state machine over ticket commands, checking the loop's invariants after every step.

- a closed ticket has a satisfactory revisit after its last answer (or was closed unsampled
  on its answer, and only where the city allows that);
- the reopen count equals the number of unsatisfactory revisits;
- no ticket is answered and revisited (or closed) by the same actor;
- a refused command changes nothing;
- replaying a ticket's events rebuilds an equal aggregate.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from projlife.domain.actor import Actor, Role
from projlife.domain.errors import ProjlifeError
from projlife.domain.revisit_draw import RevisitDraw
from projlife.domain.ticket import AssigneeKind, CloseBasis, Ticket, TicketStatus
from projlife.tickets.policy import DEFAULT_TICKET_POLICY

CATEGORIES = DEFAULT_TICKET_POLICY.category_labels
LADDER = ("县区", "分管副市长", "市重点项目办", "周例会")
START = date(2024, 1, 2)

actor_ids = st.sampled_from(["a", "b", "c", "d"])
roles = st.sampled_from([Role.HANDLER, Role.HANDLER, Role.REVISITOR, Role.REVISITOR, Role.CLERK, Role.SCORER])
actors = st.builds(Actor, id=actor_ids, role=roles)
day_steps = st.sampled_from([0, 0, 1, 1, 2, 3, 5, 9, 15, -2])
indexes = st.integers(min_value=0, max_value=1_000)
ratings = st.sampled_from([1, 2, 3, 4, 5, 4, 5, 0, 6])
texts = st.sampled_from(["企业反映用地指标未落实", "已协调解决", "等待企业补充材料", "", "  "])


class TicketLoop(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tickets: list[Ticket] = []
        self.events: dict[UUID, list[Any]] = {}
        self.today = START
        self.bar = 4
        self.close_unsampled = True
        self.draws = 0

    @initialize(bar=st.integers(min_value=1, max_value=5), close_unsampled=st.booleans())
    def configure(self, bar: int, close_unsampled: bool) -> None:
        self.bar = bar
        self.close_unsampled = close_unsampled
        for category in CATEGORIES[:3]:
            self.raise_ticket(category, "企业反映用地指标未落实", Actor("clerk", Role.CLERK), 0)

    # -- helpers ----------------------------------------------------------------

    def _day(self, step: int) -> date:
        day = self.today + timedelta(days=step)
        if step >= 0:
            self.today = day
        return day

    def _try(self, ticket: Ticket, command: Any) -> bool:
        """Run ``command``; if refused, the ticket must be exactly as before."""
        before = copy.deepcopy(ticket.__dict__)
        try:
            command()
        except ProjlifeError as exc:
            assert ticket.__dict__ == before, "a refused command changed the ticket"
            assert not ticket._pending_events
            event(f"refused: {type(exc).__name__}")
            return False
        new = ticket.collect_events()
        for e in new:
            event(f"recorded: {type(e).__name__}")
        self.events[ticket.id].extend(new)
        return True

    def _pick(self, i: int, *statuses: TicketStatus) -> Ticket:
        """Mostly a ticket in one of ``statuses`` (so the loop moves on), sometimes any ticket."""
        fitting = [t for t in self.tickets if t.status in statuses]
        if fitting and i % 5:
            return fitting[i % len(fitting)]
        return self.tickets[i % len(self.tickets)]

    # -- commands ------------------------------------------------------------------

    @rule(
        category=st.sampled_from([*CATEGORIES, "不存在的类别"]),
        description=texts,
        actor=actors,
        step=day_steps,
    )
    def raise_ticket(self, category: str, description: str, actor: Actor, step: int) -> None:
        code = f"T{len(self.tickets) + 1}-{len(self.events)}"
        try:
            ticket = Ticket.raise_(
                code=code,
                city_code="420900",
                area_code="420902",
                category=category,
                categories=CATEGORIES,
                description=description,
                raised_by="企业",
                enterprise_code="91420900MA49ABCD1X",
                occurred_on=self._day(max(step, 0)),
                actor=actor,
            )
        except ProjlifeError:
            assert category not in CATEGORIES or not description.strip()
            return
        self.tickets.append(ticket)
        self.events[ticket.id] = list(ticket.collect_events())

    @rule(i=indexes, actor=actors, step=day_steps, days=st.integers(min_value=-5, max_value=30))
    def assign(self, i: int, actor: Actor, step: int, days: int) -> None:
        ticket = self._pick(i, TicketStatus.RAISED)
        day = self._day(step)
        self._try(
            ticket,
            lambda: ticket.assign(
                assignee_kind=AssigneeKind.DEPARTMENT,
                assignee="市发改委",
                due_on=day + timedelta(days=days),
                due_rule="test",
                occurred_on=day,
                actor=actor,
            ),
        )

    @rule(i=indexes, actor=actors, step=day_steps)
    def escalate(self, i: int, actor: Actor, step: int) -> None:
        ticket = self._pick(i, TicketStatus.ASSIGNED)
        day = self._day(step)
        self._try(
            ticket,
            lambda: ticket.escalate(
                ladder=LADDER, scheduled_on=day + timedelta(days=2), occurred_on=day, actor=actor
            ),
        )

    @rule(i=indexes, actor=actors, step=day_steps, resolution=texts)
    def answer(self, i: int, actor: Actor, step: int, resolution: str) -> None:
        ticket = self._pick(i, TicketStatus.ASSIGNED)
        day = self._day(step)
        self._try(ticket, lambda: ticket.answer(resolution=resolution, occurred_on=day, actor=actor))

    @rule(
        seed=st.text(min_size=1, max_size=8), rate=st.sampled_from(["0", "0.3", "0.5", "1"]), step=day_steps
    )
    def draw(self, seed: str, rate: str, step: int) -> None:
        day = self._day(max(step, 0))
        population = [
            t
            for t in self.tickets
            if t.status is TicketStatus.ANSWERED and t.draw_after_answer is None and not t.sampled
        ]
        if not population:
            return
        self.draws += 1
        draw = RevisitDraw.make(
            city_code="420900",
            seed=f"{self.draws}-{seed}",
            rate=Decimal(rate),
            population=[t.id for t in population],
            occurred_on=day,
            actor=Actor("clerk", Role.CLERK),
        )
        assert draw.is_reproducible
        for ticket in population:
            done = self._try(
                ticket,
                lambda t=ticket: t.sample_for_revisit(
                    draw_id=draw.id,
                    drawn=t.id in draw.drawn,
                    occurred_on=day,
                    actor=Actor("clerk", Role.CLERK),
                ),
            )
            assert done

    @rule(i=indexes, actor=actors, step=day_steps, rating=ratings, reason=texts)
    def revisit(self, i: int, actor: Actor, step: int, rating: int, reason: str) -> None:
        ticket = self._pick(i, TicketStatus.ANSWERED)
        day = self._day(step)
        before = ticket.reopen_count
        ok = self._try(
            ticket,
            lambda: ticket.revisit(
                satisfaction=rating,
                satisfaction_bar=self.bar,
                reopen_due_on=day + timedelta(days=14),
                reopen_due_rule="test",
                occurred_on=day,
                actor=actor,
                allow_unsampled=not self.close_unsampled,
                reason=reason or None,
            ),
        )
        if ok:
            assert actor.role is Role.REVISITOR
            assert ticket.reopen_count == before + (1 if rating < self.bar else 0)

    @rule(i=indexes, actor=actors, step=day_steps)
    def close(self, i: int, actor: Actor, step: int) -> None:
        ticket = self._pick(i, TicketStatus.ANSWERED)
        day = self._day(step)
        self._try(
            ticket,
            lambda: ticket.close(
                satisfaction_bar=self.bar,
                close_unsampled_on_answer=self.close_unsampled,
                occurred_on=day,
                actor=actor,
            ),
        )

    @rule(i=indexes, actor=actors, step=day_steps, reason=texts, really=st.integers(min_value=0, max_value=4))
    def withdraw(self, i: int, actor: Actor, step: int, reason: str, really: int) -> None:
        if really:  # withdrawals are rare, so that most tickets go round the loop
            return
        ticket = self._pick(i, TicketStatus.ASSIGNED, TicketStatus.ANSWERED)
        day = self._day(step)
        self._try(ticket, lambda: ticket.withdraw(occurred_on=day, actor=actor, reason=reason))

    @rule(i=indexes, actor=actors, step=day_steps, reason=texts, pause=st.booleans())
    def pause_or_resume(self, i: int, actor: Actor, step: int, reason: str, pause: bool) -> None:
        ticket = self._pick(i, TicketStatus.ASSIGNED)
        day = self._day(step)
        command = ticket.pause_clock if pause else ticket.resume_clock
        self._try(ticket, lambda: command(occurred_on=day, actor=actor, reason=reason))

    @rule(
        i=indexes,
        handler=actor_ids,
        revisitor=actor_ids,
        closer=actors,
        rating=ratings,
        reason=texts,
        step=st.integers(min_value=0, max_value=6),
    )
    def go_round_the_loop(
        self, i: int, handler: str, revisitor: str, closer: Actor, rating: int, reason: str, step: int
    ) -> None:
        """Drive one ticket through answer → draw → revisit → close, each step as a normal command."""
        ticket = self._pick(i, TicketStatus.ASSIGNED, TicketStatus.RAISED)
        clerk = Actor("clerk", Role.CLERK)
        day = self._day(step)
        if ticket.status is TicketStatus.RAISED:
            self._try(
                ticket,
                lambda: ticket.assign(
                    assignee_kind=AssigneeKind.LOCALITY,
                    assignee="420902",
                    due_on=day + timedelta(days=10),
                    due_rule="test",
                    occurred_on=day,
                    actor=clerk,
                ),
            )
        day = self._day(step)
        self._try(
            ticket,
            lambda: ticket.answer(
                resolution="已协调解决", occurred_on=day, actor=Actor(handler, Role.HANDLER)
            ),
        )
        if ticket.status is TicketStatus.ANSWERED and ticket.draw_after_answer is None and not ticket.sampled:
            self.draws += 1
            draw = RevisitDraw.make(
                city_code="420900",
                seed=f"loop-{self.draws}",
                rate=Decimal(1),
                population=[ticket.id],
                occurred_on=day,
                actor=clerk,
            )
            self._try(
                ticket,
                lambda: ticket.sample_for_revisit(draw_id=draw.id, drawn=True, occurred_on=day, actor=clerk),
            )
        day = self._day(step)
        before = ticket.reopen_count
        if self._try(
            ticket,
            lambda: ticket.revisit(
                satisfaction=rating,
                satisfaction_bar=self.bar,
                reopen_due_on=day + timedelta(days=14),
                reopen_due_rule="test",
                occurred_on=day,
                actor=Actor(revisitor, Role.REVISITOR),
                allow_unsampled=not self.close_unsampled,
                reason=reason or None,
            ),
        ):
            assert ticket.reopen_count == before + (1 if rating < self.bar else 0)
        self._try(
            ticket,
            lambda: ticket.close(
                satisfaction_bar=self.bar,
                close_unsampled_on_answer=self.close_unsampled,
                occurred_on=day,
                actor=closer,
            ),
        )

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def closed_only_when_satisfied(self) -> None:
        for t in self.tickets:
            if t.status is not TicketStatus.CLOSED:
                continue
            revisit = t.revisit_after_last_answer()
            if t.close_basis is CloseBasis.REVISIT:
                assert revisit is not None and revisit.satisfaction >= self.bar
                assert revisit.after_answer_version == t.answers[-1][0]
            else:
                assert t.close_basis is CloseBasis.NOT_SAMPLED
                assert self.close_unsampled and not t.sampled and revisit is None
                assert t.draw_after_answer is not None and t.draw_after_answer[1] is False

    @invariant()
    def reopens_equal_unsatisfactory_revisits(self) -> None:
        for t in self.tickets:
            assert t.reopen_count == sum(1 for r in t.revisits if r.satisfaction < r.satisfaction_bar)

    @invariant()
    def answerers_never_check(self) -> None:
        for t in self.tickets:
            answerers = {a[1] for a in t.answers}
            assert answerers.isdisjoint(r.called_by for r in t.revisits)
            assert t.closed_by not in answerers

    @invariant()
    def replay_rebuilds_an_equal_aggregate(self) -> None:
        for t in self.tickets:
            rebuilt: Any = None
            for recorded in self.events[t.id]:
                rebuilt = recorded.mutate(rebuilt)
            assert rebuilt == t

    @invariant()
    def business_dates_never_go_backwards(self) -> None:
        for t in self.tickets:
            days = [e.occurred_on for e in self.events[t.id]]
            assert days == sorted(days)


TicketLoop.TestCase.settings = settings(
    max_examples=150, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_ticket_loop_invariants = TicketLoop.TestCase
