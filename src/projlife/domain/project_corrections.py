"""Corrections of a ``Project``: superseding an earlier fact with a ``Corrected`` event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from projlife.domain import project_events as events
from projlife.domain.actor import Actor
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.project_base import CorrectableField, ProjectBase

__all__ = ["Corrections"]


class Corrections(ProjectBase):
    """The ``correct`` command, its checks, and how a correction changes the state."""

    def correct(
        self,
        *,
        target_version: int,
        field: CorrectableField,
        new_value: str,
        occurred_on: date,
        actor: Actor,
        reason: str,
        evidence: Iterable[str] = (),
    ) -> None:
        """Supersede the fact recorded at ``target_version`` (a reason is required)."""
        field = CorrectableField(field)
        attempted = f"correct {field.value} of {self.code} (version {target_version})"
        self._check_open(f"correct {field.value} (version {target_version})")
        if not reason or not reason.strip():
            raise ProjlifeError(attempted, "a correction needs a reason", "a non-empty reason")
        old_value = self._current_value(attempted, target_version, field)
        self._validate_correction(attempted, target_version, field, new_value)
        if old_value == new_value:
            raise ProjlifeError(attempted, f"the value is already {new_value}", "a different value")
        self.trigger_event(
            events.Corrected,
            target_version=target_version,
            field=field,
            old_value=old_value,
            new_value=new_value,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def _fact_at(self, version: int) -> tuple[str, Any] | None:
        for stage, claim in self.claims.items():
            if claim.version == version and version > 1:
                return ("stage", stage)
        for month, (_, v) in self.investment_reports.items():
            if v == version:
                return ("investment", month)
        for milestone, (_, v) in self.milestones_met.items():
            if v == version:
                return ("milestone", milestone)
        return None

    def _current_value(self, attempted: str, version: int, field: CorrectableField) -> str:
        if field in (CorrectableField.PLANNED_INVESTMENT, CorrectableField.AREA_MU, CorrectableField.NAME):
            if version != 1:
                raise ProjlifeError(
                    attempted, f"{field.value} is set when the project is conceived", "target_version 1"
                )
            if field is CorrectableField.PLANNED_INVESTMENT:
                return str(self.planned_investment.yuan)
            if field is CorrectableField.AREA_MU:
                return "" if self.area_mu is None else str(self.area_mu)
            return self.name
        fact = self._fact_at(version)
        if field is CorrectableField.SIGNED_AMOUNT:
            if fact != ("stage", Stage.SIGNED) or self.signed_amount is None:
                raise ProjlifeError(
                    attempted,
                    f"version {version} is not the current signing fact",
                    "the version of the Signed event",
                )
            return str(self.signed_amount.yuan)
        if field is CorrectableField.INVESTMENT_AMOUNT:
            if fact is None or fact[0] != "investment":
                raise ProjlifeError(
                    attempted,
                    f"version {version} is not an investment report",
                    "the version of an InvestmentReported event",
                )
            return str(self.investment_reports[fact[1]][0].yuan)
        # occurred_on
        if fact is None:
            raise ProjlifeError(
                attempted,
                f"version {version} is not a current stage, milestone or investment fact",
                "the version of such an event",
            )
        kind, key = fact
        if kind == "stage":
            return self.claims[key].occurred_on.isoformat()
        if kind == "milestone":
            return self.milestones_met[key][0].isoformat()
        raise ProjlifeError(
            attempted,
            "the business date of an investment report is its month",
            "correct investment_amount instead",
        )

    def _validate_correction(
        self, attempted: str, version: int, field: CorrectableField, new_value: str
    ) -> None:
        try:
            if field is CorrectableField.OCCURRED_ON:
                new_date = date.fromisoformat(new_value)
            elif field in (
                CorrectableField.SIGNED_AMOUNT,
                CorrectableField.PLANNED_INVESTMENT,
                CorrectableField.INVESTMENT_AMOUNT,
                CorrectableField.AREA_MU,
            ):
                Money(Decimal(new_value))
        except (ValueError, ArithmeticError) as exc:
            raise ProjlifeError(
                attempted,
                f"new value {new_value!r} is not valid: {exc}",
                "an ISO date or a non-negative decimal",
            ) from None
        if field is CorrectableField.NAME and not new_value.strip():
            raise ProjlifeError(attempted, "a project name cannot be empty", "a non-empty name")
        if field is CorrectableField.OCCURRED_ON:
            fact = self._fact_at(version)
            if fact is not None and fact[0] == "stage":
                ordered = sorted(self.claims)
                i = ordered.index(fact[1])
                before = self.claims[ordered[i - 1]].occurred_on if i > 0 else None
                after = self.claims[ordered[i + 1]].occurred_on if i + 1 < len(ordered) else None
                if (before and new_date < before) or (after and new_date > after):
                    raise ProjlifeError(
                        attempted,
                        f"{new_date} would put {fact[1].value} out of order with its neighbours ({before} … {after})",
                        f"a date between {before} and {after}",
                    )

    def _apply_correction(self, event: events.Corrected) -> None:
        field = CorrectableField(event.field)
        if field is CorrectableField.PLANNED_INVESTMENT:
            self.planned_investment = Money(Decimal(event.new_value))
        elif field is CorrectableField.AREA_MU:
            self.area_mu = Decimal(event.new_value) if event.new_value else None
        elif field is CorrectableField.NAME:
            self.name = event.new_value
        elif field is CorrectableField.SIGNED_AMOUNT:
            self.signed_amount = Money(Decimal(event.new_value))
        else:
            fact = self._fact_at(event.target_version)
            assert fact is not None
            kind, key = fact
            if field is CorrectableField.INVESTMENT_AMOUNT:
                self.investment_reports[key] = (Money(Decimal(event.new_value)), event.target_version)
            elif kind == "stage":
                self.claims[key].occurred_on = date.fromisoformat(event.new_value)
            else:
                self.milestones_met[key] = (date.fromisoformat(event.new_value), event.target_version)
