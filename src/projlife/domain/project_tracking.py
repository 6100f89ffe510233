"""The ``Project`` commands that track it between stages: milestones, schedule, investment, owners, flags."""

from __future__ import annotations

from datetime import date
from typing import Unpack

from projlife.domain import project_events as events
from projlife.domain.errors import IllegalTransition, ProjlifeError
from projlife.domain.lifecycle import Milestone, Stage
from projlife.domain.money import Money
from projlife.domain.project_base import FactMeta, ProjectBase

__all__ = ["TrackingCommands"]


class TrackingCommands(ProjectBase):
    """Commands that record a tracked fact without moving the project's stage."""

    def plan_milestone(
        self,
        *,
        milestone: Milestone,
        planned_on: date,
        **meta: Unpack[FactMeta],
    ) -> None:
        self._check_open(f"plan milestone {Milestone(milestone).value}")
        self._record(
            events.MilestonePlanned,
            f"plan milestone {Milestone(milestone).value}",
            self.conceived_on,
            meta,
            milestone=Milestone(milestone),
            planned_on=planned_on,
        )

    def meet_milestone(
        self,
        *,
        milestone: Milestone,
        **meta: Unpack[FactMeta],
    ) -> None:
        milestone = Milestone(milestone)
        attempted = f"meet milestone {milestone.value}"
        self._check_open(attempted)
        if milestone in self.milestones_met:
            raise IllegalTransition(
                f"{attempted} of {self.code}",
                f"already met on {self.milestones_met[milestone][0]}",
                "a Corrected event to change its date",
            )
        self._record(
            events.MilestoneMet,
            attempted,
            self.conceived_on,
            meta,
            milestone=milestone,
        )

    def schedule_stage(
        self,
        *,
        stage: Stage,
        planned_on: date,
        **meta: Unpack[FactMeta],
    ) -> None:
        stage = Stage(stage)
        self._check_open(f"schedule stage {stage.value}")
        self._record(
            events.StageScheduled,
            f"schedule stage {stage.value}",
            self.conceived_on,
            meta,
            stage=stage,
            planned_on=planned_on,
        )

    def report_investment(
        self,
        *,
        month: date,
        amount: Money,
        **meta: Unpack[FactMeta],
    ) -> None:
        """Report the investment completed in ``month`` (first day of the month)."""
        attempted = f"report investment for {month:%Y-%m}"
        self._check_open(attempted)
        if month.day != 1:
            raise ProjlifeError(
                f"{attempted} of {self.code}",
                f"month {month} is not the first of a month",
                "the first day of the month reported",
            )
        if self.stage < Stage.SIGNED:
            raise IllegalTransition(
                f"{attempted} of {self.code}", f"{self.stage.value}", "signed or any later stage"
            )
        if month in self.investment_reports:
            raise IllegalTransition(
                f"{attempted} of {self.code}",
                f"{month:%Y-%m} already reported",
                "a Corrected event (field investment_amount) to change a reported month",
            )
        signed_on = (
            self.claims[Stage.SIGNED].occurred_on if Stage.SIGNED in self.claims else self.conceived_on
        )
        if month.year * 12 + month.month < signed_on.year * 12 + signed_on.month:
            raise ProjlifeError(
                f"{attempted} of {self.code}",
                f"the month is before signing on {signed_on}",
                f"months from {signed_on:%Y-%m} on",
            )
        self._record(
            events.InvestmentReported,
            attempted,
            month,
            meta,
            month=month,
            amount=amount,
        )

    def assign_sponsor(
        self,
        *,
        leader: str,
        department: str,
        **meta: Unpack[FactMeta],
    ) -> None:
        """包保: one city leader and one department (000: 一个项目、一名市级领导、一个包保部门)."""
        self._check_open("assign sponsor")
        self._record(
            events.SponsorAssigned,
            "assign sponsor",
            self.conceived_on,
            meta,
            leader=leader,
            department=department,
        )

    def form_team(
        self,
        *,
        team: str,
        lead: str,
        **meta: Unpack[FactMeta],
    ) -> None:
        self._check_open("form team")
        self._record(
            events.TeamFormed,
            "form team",
            self.conceived_on,
            meta,
            team=team,
            lead=lead,
        )

    def flag(
        self,
        *,
        flag: str,
        **meta: Unpack[FactMeta],
    ) -> None:
        self._check_open(f"flag {flag}")
        if flag in self.flags:
            raise IllegalTransition(
                f"flag {self.code} as {flag}",
                f"already flagged {flag} since {self.flags[flag]}",
                "clear the flag first",
            )
        self._record(events.Flagged, f"flag {flag}", self.conceived_on, meta, flag=flag)

    def clear_flag(
        self,
        *,
        flag: str,
        **meta: Unpack[FactMeta],
    ) -> None:
        self._check_open(f"clear flag {flag}")
        if flag not in self.flags:
            raise IllegalTransition(
                f"clear flag {flag} of {self.code}",
                "not flagged",
                ", ".join(sorted(self.flags)) or "no flags set",
            )
        self._record(
            events.FlagCleared,
            f"clear flag {flag}",
            self.flags[flag],
            meta,
            flag=flag,
        )
