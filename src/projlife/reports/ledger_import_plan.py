"""Planning a ledger row's import: the commands for the facts not yet recorded, applied in memory."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from projlife.app.commands import (
    STAGE_ENTRY_COMMANDS,
    AssignSponsor,
    CancelProject,
    Command,
    ConceiveProject,
    FlagProject,
    FormTeam,
    ProjectCommand,
    RemoveFromPool,
    ReportInvestment,
    SignProject,
)
from projlife.app.results import validate
from projlife.domain.errors import CommandRejected, ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.domain.project import Project
from projlife.plugins.types import CityProfile
from projlife.reports.layout import (
    CATEGORY_BY_LABEL,
    STAGE_DATE_COLUMNS,
)
from projlife.reports.ledger_import_check import SheetRow

__all__ = ["RowPlan", "plan_row"]

# which ledger column a command field comes from, for problems raised by command validation
_FIELD_COLUMN = {
    "code": "code",
    "project_name": "name",
    "area_code": "area",
    "category": "category",
    "investor_classes": "investors",
    "enterprise_code": "enterprise_code",
    "area_mu": "area_mu",
    "planned_investment_yuan": "planned_investment",
    "counterparty": "counterparty",
    "batch": "batch",
    "leader": "leader",
    "department": "department",
    "team": "team",
    "lead": "team_lead",
    "flag": "flags",
}


def _first_of_month(d: date) -> date:
    return date(d.year, d.month, 1)


@attrs.frozen
class RowPlan:
    """The project after applying a row's new facts in memory, and how many were new."""

    project: Project
    new_events: int


def _validated(
    row: SheetRow, model: type[Command], data: Mapping[str, Any], default_key: str
) -> Command | None:
    try:
        return validate(model, data)
    except CommandRejected as exc:
        for p in exc.problems:
            key = _FIELD_COLUMN.get(p.field.split(".")[0], default_key)
            row.problem(key, p.message, p.value)
        return None


def plan_row(
    row: SheetRow, city: CityProfile, existing: Project | None, source: Mapping[str, Any]
) -> RowPlan | None:
    """Apply the row's facts (those not already recorded) to the project in memory."""
    v = row.values
    dates: dict[Stage, date] = {s: v[k] for s, k in STAGE_DATE_COLUMNS.items() if k in v}
    conceived_on = dates.get(Stage.CONCEIVED) or min(dates.values())
    latest = max(dates.values())
    meta = {**source, "evidence": (f"{source['evidence_prefix']}!R{row.row}",)}
    meta.pop("evidence_prefix")
    project = existing
    before = existing.version if existing is not None else 0
    conceive = _validated(
        row,
        ConceiveProject,
        {
            "code": v["code"],
            "project_name": v["name"],
            "city_code": city.code,
            "area_code": v["area_code"],
            "category": CATEGORY_BY_LABEL[v["category"]],
            "planned_investment_yuan": v["planned_investment"],
            "investor_classes": v.get("investor_classes", ()),
            "enterprise_code": v.get("enterprise_code"),
            "area_mu": v.get("area_mu"),
            "occurred_on": conceived_on,
            **meta,
        },
        "code",
    )
    if conceive is None:
        return None
    assert isinstance(conceive, ConceiveProject)
    if project is None:
        project = conceive.create()
    else:
        recorded = {
            "name": (project.name, conceive.project_name),
            "area": (project.area_code, conceive.area_code),
            "category": (project.category, conceive.category),
            "planned_investment": (project.planned_investment.yuan, conceive.planned_investment_yuan),
        }
        if Stage.CONCEIVED in dates:
            recorded["conceived_on"] = (project.conceived_on, conceive.occurred_on)
        for key, (old, new) in recorded.items():
            if old != new:
                row.problem(key, f"contradicts the recorded value {old} (record a correction instead)", new)
    pid = project.id
    commands: list[tuple[str, dict[str, Any], type[Command]]] = []
    for stage in sorted(dates):
        if stage is Stage.CONCEIVED:
            continue
        key = STAGE_DATE_COLUMNS[stage]
        recorded_claim = project.claims.get(stage)
        if recorded_claim is not None:
            if recorded_claim.occurred_on != dates[stage]:
                row.problem(key, f"contradicts the recorded date {recorded_claim.occurred_on}", dates[stage])
            if (
                stage is Stage.SIGNED
                and project.signed_amount is not None
                and project.signed_amount.yuan != v.get("signed_amount")
            ):
                row.problem(
                    "signed_amount",
                    f"contradicts the recorded amount {project.signed_amount}",
                    v.get("signed_amount"),
                )
            continue
        if stage is Stage.SIGNED:
            data = {
                "amount_yuan": v.get("signed_amount"),
                "counterparty": v.get("counterparty"),
                "batch": v.get("batch"),
            }
            commands.append((key, data | {"occurred_on": dates[stage]}, SignProject))
        else:
            commands.append((key, {"occurred_on": dates[stage]}, STAGE_ENTRY_COMMANDS[stage]))
    fact_day = dates.get(Stage.SIGNED, conceived_on)
    if "leader" in v and "department" in v and project.sponsor != (v["leader"], v["department"]):
        commands.append(
            (
                "leader",
                {"leader": v["leader"], "department": v["department"], "occurred_on": fact_day},
                AssignSponsor,
            )
        )
    if "team" in v and "team_lead" in v and project.team != (v["team"], v["team_lead"]):
        commands.append(
            ("team", {"team": v["team"], "lead": v["team_lead"], "occurred_on": fact_day}, FormTeam)
        )
    investment: Decimal | None = v.get("investment")
    if investment:
        recorded_total = project.cumulative_investment.yuan
        month = _first_of_month(row.as_of if row.as_of and row.as_of >= latest else latest)
        if investment < recorded_total:
            row.problem("investment", f"less than the {recorded_total} yuan already recorded", investment)
        elif investment > recorded_total:
            if month in project.investment_reports:
                row.problem(
                    "investment", f"{month:%Y-%m} is already reported; record a correction", investment
                )
            else:
                data = {
                    "month": month,
                    "amount_yuan": investment - recorded_total,
                    "occurred_on": max(month, latest),
                }
                commands.append(("investment", data, ReportInvestment))
    for flag in v.get("flag_list", []):
        if flag not in project.flags:
            commands.append(("flags", {"flag": flag, "occurred_on": latest}, FlagProject))
    for pool, reason_code, when in v.get("removal_list", []):
        recorded_removal = project.removed_from.get(pool)
        if recorded_removal is None:
            commands.append(
                ("removals", {"pool": pool, "reason_code": reason_code, "occurred_on": when}, RemoveFromPool)
            )
        elif recorded_removal != (reason_code, when):
            row.problem("removals", f"contradicts the recorded removal {recorded_removal}", v["removals"])
    if "cancelled_on" in v:
        if project.cancelled_on is None:
            commands.append(
                (
                    "cancelled_on",
                    {"occurred_on": v["cancelled_on"], "reason": v.get("cancel_reason")},
                    CancelProject,
                )
            )
        elif project.cancelled_on != v["cancelled_on"]:
            row.problem(
                "cancelled_on",
                f"contradicts the recorded cancellation on {project.cancelled_on}",
                v["cancelled_on"],
            )
    if row.problems:
        return None
    for key, data, model in commands:
        full = {"project_id": pid, **meta, **data}
        if model is CancelProject:
            full["reason"] = data["reason"]
        cmd = _validated(row, model, full, key)
        if cmd is None:
            return None
        assert isinstance(cmd, ProjectCommand)
        try:
            cmd.apply(project)
        except ProjlifeError as exc:
            row.problem(key, str(exc), data.get("occurred_on"))
            return None
    return RowPlan(project, project.version - before)
