"""The ``Ticket`` commands of the revisit side: the draw's outcome, the call-back and closing (销号)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from projlife.domain import ticket_events as events
from projlife.domain.actor import Actor
from projlife.domain.errors import IllegalTransition
from projlife.domain.ticket_base import TicketBase, text
from projlife.domain.ticket_values import CloseBasis, Satisfaction, TicketStatus

__all__ = ["RevisitCommands"]


class RevisitCommands(TicketBase):
    """Commands that check an answered ticket: revisit it and strike it off, or reopen it."""

    def sample_for_revisit(
        self, *, draw_id: UUID, drawn: bool, occurred_on: date, actor: Actor, reason: str | None = None
    ) -> None:
        """Record the outcome of revisit draw ``draw_id`` for this answered ticket."""
        attempted = f"record revisit draw for ticket {self.code}"
        self._check_status(attempted, TicketStatus.ANSWERED)
        self._check_date(attempted, occurred_on)
        if self.draw_after_answer is not None:
            raise IllegalTransition(
                attempted, f"already in draw {self.draw_after_answer[0]} since its last answer", "nothing"
            )
        event = events.RevisitSampled if drawn else events.RevisitNotSampled
        self.trigger_event(event, draw_id=draw_id, **self._meta(occurred_on, actor, reason, ()))

    def revisit(
        self,
        *,
        satisfaction: Satisfaction | int,
        satisfaction_bar: Satisfaction | int,
        reopen_due_on: date,
        reopen_due_rule: str,
        occurred_on: date,
        actor: Actor,
        allow_unsampled: bool = False,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """回访复核: record the enterprise's rating; below the bar reopens the ticket.

        Needs the revisit role and an actor who never answered the ticket. The ticket must
        have been drawn for a revisit, unless ``allow_unsampled`` (a city that revisits
        every ticket). An unsatisfactory rating also records ``Reopened`` (reason required),
        due again on ``reopen_due_on``.
        """
        attempted = f"revisit ticket {self.code}"
        rating = self._rating(attempted, "satisfaction", satisfaction)
        bar = self._rating(attempted, "satisfaction_bar", satisfaction_bar)
        self._check_status(attempted, TicketStatus.ANSWERED)
        self._check_checker(attempted, actor, need_revisitor=True)
        if not self.sampled and not allow_unsampled:
            raise IllegalTransition(
                attempted, "not drawn for a revisit", "revisit tickets drawn in a revisit draw"
            )
        if self.revisit_after_last_answer() is not None:
            raise IllegalTransition(attempted, "already revisited since its last answer", "close it")
        self._check_date(attempted, occurred_on)
        meta = self._meta(occurred_on, actor, reason, evidence)
        if rating < bar:
            why = text(attempted, "reason (an unsatisfactory revisit reopens the ticket)", reason)
            self._check_due(attempted, reopen_due_on, occurred_on)
            self.trigger_event(events.Revisited, satisfaction=rating, satisfaction_bar=bar, **meta)
            self.trigger_event(
                events.Reopened, due_on=reopen_due_on, due_rule=reopen_due_rule, **{**meta, "reason": why}
            )
        else:
            self.trigger_event(events.Revisited, satisfaction=rating, satisfaction_bar=bar, **meta)

    def close(
        self,
        *,
        satisfaction_bar: Satisfaction | int,
        close_unsampled_on_answer: bool,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """销号: only on a revisit of the last answer that meets ``satisfaction_bar``, or when the
        ticket was not drawn for a revisit and the city closes such tickets on their answer."""
        attempted = f"close ticket {self.code}"
        bar = self._rating(attempted, "satisfaction_bar", satisfaction_bar)
        self._check_status(attempted, TicketStatus.ANSWERED)
        self._check_checker(attempted, actor, need_revisitor=False)
        self._check_date(attempted, occurred_on)
        revisit = self.revisit_after_last_answer()
        if revisit is not None:
            if revisit.satisfaction < bar:
                raise IllegalTransition(
                    attempted,
                    f"rated {revisit.satisfaction.value} ({revisit.satisfaction.label_zh}), below the bar {bar.value}",
                    "nothing: the ticket is reopened",
                )
            basis = CloseBasis.REVISIT
        elif self.sampled:
            raise IllegalTransition(
                attempted, "drawn for a revisit and not yet revisited", "revisit it first"
            )
        elif self.draw_after_answer is None:
            raise IllegalTransition(
                attempted, "answered but not yet through a revisit draw", "run a revisit draw first"
            )
        elif not close_unsampled_on_answer:
            raise IllegalTransition(
                attempted,
                "not drawn, and this city does not close unsampled tickets on their answer",
                "revisit it",
            )
        else:
            basis = CloseBasis.NOT_SAMPLED
        self.trigger_event(events.Closed, basis=basis, **self._meta(occurred_on, actor, reason, evidence))
