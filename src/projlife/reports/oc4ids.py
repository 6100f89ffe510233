"""OC4IDS 0.9.5 export: projects as an OC4IDS project package, validated offline.

Mapping (see ``docs/reports.md``):

* ``status`` comes only from the standard's closed ``projectStatus`` codelist:
  conceived → identification; reserved, signed, landed → preparation; started,
  in statistics → implementation; completed → completion; producing, above scale,
  at capacity → maintenance (the standard's "operation"); cancelled → cancelled.
* ``sector`` uses ``projectSector`` codes where projlife's category maps to one
  (industry, commerce, science, agriculture, services → ``economy``; culture and
  tourism → ``cultureSportsAndRecreation``); categories with no faithful code
  (基础设施, 民生, 城市建设) get no sector. Every project also carries its projlife
  category in ``additionalClassifications`` (scheme ``projlife-category``).
* Lifecycle facts the standard has no code for (signing, entry into statistics,
  production, above-scale, full capacity, verification, flags, removals) go into the
  ``projlife`` extension object, described by ``oc4ids_extension.json`` — never into
  made-up status codes.
* The office's facts (``office=`` from :func:`~projlife.reports.office_oc4ids.project_office_facts`):
  the lists a project is on → ``additionalClassifications`` (scheme ``projlife-list``), funding
  applications → ``budget.budgetBreakdowns``, all of them with dates → ``projlife.office``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import RemovalReason, Stage
from projlife.extras import require
from projlife.plugins.types import CityProfile
from projlife.projections.counting.plan import PlanStatus
from projlife.projections.details import ProjectDetails
from projlife.projections.ledger import LedgerRow
from projlife.reports.layout import POOL_LABEL_ZH, REMOVAL_LABEL_ZH
from projlife.reports.office_oc4ids import (
    ProjectOfficeFacts,
    office_budget,
    office_classifications,
    office_extension,
)

__all__ = [
    "OC4IDS_VERSION",
    "Oc4idsInvalid",
    "extension_schema",
    "project_package",
    "project_to_oc4ids",
    "status_for",
    "validate_package",
]

OC4IDS_VERSION = "0.9"
"""The ``version`` a package declares (major.minor of OC4IDS 0.9.5)."""

CHINA_TZ = timezone(timedelta(hours=8), "CST")

_SECTOR: dict[ProjectCategory, str] = {
    ProjectCategory.INDUSTRIAL: "economy",
    ProjectCategory.COMMERCE_LOGISTICS: "economy",
    ProjectCategory.SCIENCE_TECHNOLOGY: "economy",
    ProjectCategory.AGRICULTURE: "economy",
    ProjectCategory.MODERN_SERVICES: "economy",
    ProjectCategory.CULTURE_TOURISM: "cultureSportsAndRecreation",
}

_STATUS: dict[Stage, str] = {
    Stage.CONCEIVED: "identification",
    Stage.RESERVED: "preparation",
    Stage.SIGNED: "preparation",
    Stage.LANDED: "preparation",
    Stage.STARTED: "implementation",
    Stage.IN_STATISTICS: "implementation",
    Stage.COMPLETED: "completion",
    Stage.PRODUCING: "maintenance",
    Stage.ABOVE_SCALE: "maintenance",
    Stage.AT_CAPACITY: "maintenance",
}

_EXTENSION_DATES: dict[Stage, str] = {
    Stage.CONCEIVED: "conceivedDate",
    Stage.RESERVED: "reservedDate",
    Stage.SIGNED: "signedDate",
    Stage.LANDED: "landedDate",
    Stage.STARTED: "startedDate",
    Stage.IN_STATISTICS: "inStatisticsDate",
    Stage.COMPLETED: "completedDate",
    Stage.PRODUCING: "productionDate",
    Stage.ABOVE_SCALE: "aboveScaleDate",
    Stage.AT_CAPACITY: "atCapacityDate",
}


class Oc4idsInvalid(Exception):
    """The export does not validate against the OC4IDS schema (a projlife bug, never user input)."""


def status_for(project: LedgerRow) -> str:
    """The ``projectStatus`` code for a ledger row."""
    return "cancelled" if project.cancelled_on is not None else _STATUS[project.stage]


def _dt(d: date) -> str:
    return datetime.combine(d, time(0), tzinfo=CHINA_TZ).isoformat()


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _value(yuan: Decimal) -> dict[str, Any]:
    return {"amount": _number(yuan), "currency": "CNY"}


def _period(start: date | None, end: date | None) -> dict[str, str] | None:
    out = {}
    if start:
        out["startDate"] = _dt(start)
    if end:
        out["endDate"] = _dt(end)
    return out or None


def project_to_oc4ids(
    project: LedgerRow,
    city: CityProfile,
    *,
    id_prefix: str = "oc4ids-projlife",
    as_of: date | None = None,
    office: ProjectOfficeFacts | None = None,
) -> dict[str, Any]:
    """One ledger row (``app.ledger.rows(…, with_details=True)``) as an OC4IDS project object,
    with the project's office facts when given."""
    d = project.details or ProjectDetails()
    area = city.areas.get(project.area_code)
    county = city.areas.county_of(project.area_code) if area is not None else None
    authority_id = f"CN-AREA-{city.code}"
    dates = project.stage_dates
    out: dict[str, Any] = {
        "id": f"{id_prefix}-{city.code}-{project.code}",
        **({"updated": d.last_recorded.astimezone(UTC).isoformat()} if d.last_recorded else {}),
        "language": "zh",
        "identifiers": [{"id": project.code, "scheme": f"projlife-{city.code}"}],
        "title": project.name,
        "description": f"{city.name_zh}{area.name if area else ''}{project.category.label_zh}项目",
        "status": status_for(project),
        "budget": {"amount": _value(project.planned_investment), "description": "计划总投资"},
        "additionalClassifications": [
            {
                "scheme": "projlife-category",
                "id": project.category.value,
                "description": project.category.label_zh,
            }
        ],
        "publicAuthority": {"id": authority_id, "name": f"{city.name_zh}人民政府"},
        "locations": [
            {
                "id": "1",
                "description": f"{city.name_zh}{area.name if area and area.code != city.code else ''}",
                "address": {
                    "region": city.name_zh,
                    **({"locality": county.name} if county else {}),
                    "countryName": "中国",
                },
            }
        ],
    }
    if project.category in _SECTOR:
        out["sector"] = [_SECTOR[project.category]]
    parties: list[dict[str, Any]] = [
        {"id": authority_id, "name": f"{city.name_zh}人民政府", "roles": ["publicAuthority"]}
    ]
    if d.counterparty and Stage.SIGNED in dates:
        parties.append({"id": "investor-1", "name": d.counterparty, "roles": ["funder"]})
    out["parties"] = parties
    planned = project.scheduled
    if period := _period(
        planned.get(Stage.STARTED), planned.get(Stage.COMPLETED) or planned.get(Stage.PRODUCING)
    ):
        out["period"] = period
    if period := _period(dates.get(Stage.CONCEIVED), dates.get(Stage.RESERVED)):
        out["identificationPeriod"] = period
    if Stage.RESERVED in dates or Stage.SIGNED in dates:
        prep_start = dates.get(Stage.RESERVED) or dates.get(Stage.SIGNED)
        if period := _period(prep_start, dates.get(Stage.STARTED)):
            out["preparationPeriod"] = period
    if Stage.STARTED in dates and (period := _period(dates[Stage.STARTED], dates.get(Stage.COMPLETED))):
        out["implementationPeriod"] = period
    if Stage.COMPLETED in dates:
        out["completion"] = {"endDate": _dt(dates[Stage.COMPLETED])}
    milestones: list[dict[str, Any]] = []
    for milestone, met_on in sorted(d.milestones_met.items(), key=lambda kv: kv[1]):
        milestones.append(
            {
                "id": f"prep-{milestone.value}",
                "title": milestone.label_zh,
                "type": "preProcurement",
                "status": "met",
                "dateMet": _dt(met_on),
            }
        )
    for milestone, planned_on in d.milestones_planned.items():
        if milestone not in d.milestones_met:
            milestones.append(
                {
                    "id": f"prep-{milestone.value}",
                    "title": milestone.label_zh,
                    "type": "preProcurement",
                    "status": "scheduled",
                    "dueDate": _dt(planned_on),
                }
            )
    if Stage.SIGNED in dates and project.signed_amount is not None:
        milestones.append(
            {
                "id": "signing",
                "title": "签约",
                "type": "approval",
                "description": "投资协议签约",
                "status": "met",
                "dateMet": _dt(dates[Stage.SIGNED]),
                "value": _value(project.signed_amount),
            }
        )
    if milestones:
        out["milestones"] = milestones
    if project.investment_reported > 0 and d.last_investment_month is not None:
        last_month = d.last_investment_month
        out["metrics"] = [
            {
                "id": "financialProgress",
                "title": "累计完成投资",
                "observations": [
                    {
                        "id": f"investment-{last_month:%Y-%m}",
                        "period": {"endDate": _dt(as_of or last_month)},
                        "value": _value(project.investment_reported),
                    }
                ],
            }
        ]
    out["projlife"] = _extension(project, d, dates)
    if office is not None:
        out["additionalClassifications"] += office_classifications(office)
        if breakdowns := office_budget(office, _dt):
            out["budget"]["budgetBreakdowns"] = breakdowns
        if ext := office_extension(office):
            out["projlife"]["office"] = ext
    return out


def _extension(project: LedgerRow, d: ProjectDetails, dates: dict[Stage, date]) -> dict[str, Any]:
    ext: dict[str, Any] = {
        "cityCode": project.city_code,
        "areaCode": project.area_code,
        "category": project.category.value,
        "claimedStage": project.stage.value,
        "claimedStageLabel": project.stage.label_zh,
        "verifiedStage": project.verified_stage.value,
    }
    for stage, key in _EXTENSION_DATES.items():
        if stage in dates:
            ext[key] = dates[stage].isoformat()
    if project.signed_amount is not None and Stage.SIGNED in dates:
        ext["signedAmount"] = _value(project.signed_amount)
    if project.investment_reported > 0:
        ext["cumulativeInvestment"] = _value(project.investment_reported)
    if d.enterprise_code:
        ext["enterpriseCode"] = d.enterprise_code
    if project.sponsor:
        ext["sponsor"] = {"leader": project.sponsor[0], "department": project.sponsor[1]}
    if d.flags_since:
        ext["flags"] = [{"flag": f, "since": on.isoformat()} for f, on in sorted(d.flags_since.items())]
    if project.removed:
        ext["removals"] = [
            {
                "pool": r.pool.value,
                "poolLabel": POOL_LABEL_ZH[r.pool],
                "reason": r.reason_code,
                "reasonLabel": REMOVAL_LABEL_ZH[RemovalReason(r.reason_code)],
                "date": r.on.isoformat(),
            }
            for r in sorted(project.removed, key=lambda r: r.pool)
        ]
    if project.cancelled_on:
        ext["cancelledDate"] = project.cancelled_on.isoformat()
    if project.plan is not None:
        ext["annualPlan"] = _annual_plan(project.plan)
    return ext


def _annual_plan(p: PlanStatus) -> dict[str, Any]:
    """The row's :class:`~projlife.projections.counting.plan.PlanStatus` (the counting layer's
    figures; amounts as OC4IDS Values, rates as fractions, percents 0–100)."""
    out: dict[str, Any] = {
        "year": p.year,
        "asOf": p.as_of.isoformat(),
        "investmentDone": _value(p.investment_done),
        "lagging": p.lagging,
    }
    if p.investment_plan is not None:
        out["investmentPlan"] = _value(p.investment_plan)
    if p.investment_due is not None:
        out["investmentDue"] = _value(p.investment_due)
    if p.completion is not None:
        out["completion"] = _number(p.completion)
    if p.progress_target is not None:
        out["progressTarget"] = _number(p.progress_target)
    if p.progress_percent is not None:
        out["progress"] = _number(p.progress_percent)
        out["progressNote"] = p.progress_note
        assert p.progress_month is not None
        out["progressMonth"] = p.progress_month.isoformat()
    if p.lag_reasons:
        out["lagReasons"] = list(p.lag_reasons)
    return out


def project_package(
    projects: Iterable[LedgerRow],
    city: CityProfile,
    *,
    published: datetime | None = None,
    uri: str | None = None,
    publisher: str | None = None,
    id_prefix: str = "oc4ids-projlife",
    as_of: date | None = None,
    office: Mapping[str, ProjectOfficeFacts] | None = None,
) -> dict[str, Any]:
    """An OC4IDS project package of ``projects`` (ledger rows of one city, with their details);
    ``office``: each project's office facts by project id (``project_office_facts(app.office, …)``)."""
    published = published or datetime.now(UTC)
    return {
        "uri": uri or f"https://projlife.invalid/oc4ids/{city.code}/{published:%Y%m%dT%H%M%SZ}.json",
        "publishedDate": published.astimezone(UTC).isoformat(),
        "version": OC4IDS_VERSION,
        "publisher": {"name": publisher or f"{city.name_zh}重大项目推进办公室"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": "https://projlife.invalid/publication-policy",
        "projects": [
            project_to_oc4ids(
                p,
                city,
                id_prefix=id_prefix,
                as_of=as_of,
                office=None if office is None else office.get(p.project_id),
            )
            for p in projects
        ],
    }


def extension_schema() -> dict[str, Any]:
    """The JSON Schema (draft-04) of the ``projlife`` extension object."""
    text = resources.files("projlife.reports").joinpath("oc4ids_extension.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def validate_package(package: dict[str, Any], schema_dir: str | Path) -> list[str]:
    """Validate offline against ``project-package-schema.json`` and ``project-schema.json`` in
    ``schema_dir`` (and each ``projlife`` extension against its schema); return the errors."""
    require("oc4ids", "jsonschema", "referencing")
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schema_dir = Path(schema_dir)
    package_schema = json.loads((schema_dir / "project-package-schema.json").read_text("utf-8"))
    project_schema = json.loads((schema_dir / "project-schema.json").read_text("utf-8"))
    registry: Registry[Any] = Registry().with_resources(
        [
            (s["id"], Resource.from_contents(s, default_specification=DRAFT4))
            for s in (package_schema, project_schema)
        ]
    )
    validator = Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())
    errors = [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)
    ]
    ext = Draft4Validator(extension_schema(), format_checker=FormatChecker())
    for i, project in enumerate(package.get("projects", [])):
        for e in ext.iter_errors(project.get("projlife", {})):
            errors.append(f"projects/{i}/projlife/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
    return errors
