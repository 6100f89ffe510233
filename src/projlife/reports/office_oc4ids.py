"""The office's facts of each project, gathered for the exports (OC4IDS, the 台账 workbook).

:func:`project_office_facts` reads the office read model (``app.office``) as of a date and
groups, per project id, its list stays (名单: level, funding source, year status, 三个一批
batch, 储备库), sponsorship work (分包调研), funding applications (资金申报), certificates
(竣工即发证), accepted parts and parts producing (分批验收), 亩均 figures, and from the city's
target book (``app.targets.book(city)``) its 目标责任书 targets in force and its 形象进度 reports.

In OC4IDS (``docs/reports.md``):

* the lists a project is on at the as-of date → ``additionalClassifications`` with the scheme
  ``projlife-list`` (id ``<list>`` or ``<list>:<period>``, description the Chinese name);
* funding applications → ``budget.budgetBreakdowns`` (group ``funding-applications``), one
  ``budgetBreakdown`` per application: the amount approved once approved (else applied), the
  ``approvalDate`` once approved;
* everything, with its dates and statuses, → ``projlife.office`` (``oc4ids_extension.json``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from projlife.domain.project import project_id_for
from projlife.domain.project_office import FundingStatus
from projlife.domain.targets import ProgressEntry, TargetBook, TargetEntry, TargetMeasure, TargetSubject
from projlife.projections.office import (
    FundingApplication,
    ListMembership,
    OfficeReads,
    PerMuRow,
    SponsorWorkRow,
)

__all__ = [
    "ProjectOfficeFacts",
    "office_budget",
    "office_classifications",
    "office_extension",
    "project_office_facts",
]


@attrs.frozen
class ProjectOfficeFacts:
    """One project's office facts known as of a date."""

    as_of: date | None
    lists: tuple[ListMembership, ...] = ()
    sponsor_work: tuple[SponsorWorkRow, ...] = ()
    funding: tuple[FundingApplication, ...] = ()
    certificates: tuple[tuple[str, date], ...] = ()
    """(certificate, issued on)."""
    parts_accepted: tuple[tuple[str, date], ...] = ()
    parts_producing: tuple[tuple[str, date], ...] = ()
    per_mu: tuple[PerMuRow, ...] = ()
    targets: tuple[TargetEntry, ...] = ()
    """目标责任书: the project's targets in force on the as-of date (001: 每年初…递交《重点项目建设目标责任书》)."""
    progress: tuple[ProgressEntry, ...] = ()
    """形象进度: its monthly reports made by the as-of date."""

    def current_lists(self) -> tuple[ListMembership, ...]:
        """The stays open on the as-of date (every open stay without one)."""
        return tuple(
            m for m in self.lists if (m.on_list(self.as_of) if self.as_of is not None else m.left_on is None)
        )


def project_office_facts(
    reads: OfficeReads,
    city_code: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    per_mu_years: Iterable[int] = (),
    targets: TargetBook | None = None,
) -> dict[str, ProjectOfficeFacts]:
    """Every project of ``city_code`` with an office fact as of ``as_of`` and as recorded by ``known_at``,
    by project id (the 亩均 of the years asked; with ``targets``, the city's target book, each
    project's targets in force on ``as_of`` and its 形象进度 reports made by then — the book as it
    stands, ``known_at`` does not apply to it)."""
    groups: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for m in reads.list_memberships(city_code, as_of=as_of, known_at=known_at):
        groups[m.project_id]["lists"].append(m)
    for w in reads.sponsor_work(city_code, end=as_of, known_at=known_at):
        groups[w.project_id]["sponsor_work"].append(w)
    for a in reads.funding(city_code, as_of=as_of, known_at=known_at):
        groups[a.project_id]["funding"].append(a)
    for key, topic in (
        ("certificates", "CertificateIssued"),
        ("parts_accepted", "PartAccepted"),
        ("parts_producing", "PartProductionBegan"),
    ):
        for pid, _code, item, on in reads.project_dates(city_code, topic, as_of=as_of, known_at=known_at):
            groups[pid][key].append((item or "", on))
    for year in sorted(set(per_mu_years)):
        for pm in reads.per_mu(city_code, year, as_of=as_of, known_at=known_at):
            groups[pm.project_id]["per_mu"].append(pm)
    if targets is not None:
        day = as_of or date.max
        for t in sorted(targets.targets_as_of(day).values(), key=lambda t: (t.period, t.measure.value)):
            if t.subject_kind is TargetSubject.PROJECT:
                groups[str(project_id_for(city_code, t.subject))]["targets"].append(t)
        for p in targets.progress:
            if p.occurred_on <= day:
                groups[str(project_id_for(city_code, p.project_code))]["progress"].append(p)
    return {
        pid: ProjectOfficeFacts(as_of=as_of, **{k: tuple(v) for k, v in g.items()})
        for pid, g in groups.items()
    }


def office_classifications(facts: ProjectOfficeFacts) -> list[dict[str, str]]:
    """The lists the project is on, as OC4IDS ``Classification`` objects (scheme ``projlife-list``)."""
    out: list[dict[str, str]] = []
    for m in facts.current_lists():
        out.append(
            {
                "scheme": "projlife-list",
                "id": m.list_name.value if m.period is None else f"{m.list_name.value}:{m.period}",
                "description": m.list_name.label_zh
                if m.period is None
                else f"{m.period}{m.list_name.label_zh}",
            }
        )
    return out


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _value(yuan: Decimal) -> dict[str, Any]:
    return {"amount": _number(yuan), "currency": "CNY"}


def office_budget(facts: ProjectOfficeFacts, dt: Callable[[date], str]) -> list[dict[str, Any]]:
    """The funding applications as an OC4IDS ``budgetBreakdowns`` group (``dt``: date → date-time text)."""
    items: list[dict[str, Any]] = []
    for a in facts.funding:
        item: dict[str, Any] = {
            "id": a.application_ref,
            "description": f"{a.program.label_zh}申报（{a.status.label_zh}）",
            "amount": _value(a.amount_approved if a.amount_approved is not None else a.amount_applied),
        }
        if a.status is FundingStatus.APPROVED:
            item["approvalDate"] = dt(a.status_on)
        items.append(item)
    if not items:
        return []
    return [
        {
            "id": "funding-applications",
            "description": "争取国家资金：专项债、中央预算内申报",
            "budgetBreakdown": items,
        }
    ]


def office_extension(facts: ProjectOfficeFacts) -> dict[str, Any]:
    """The ``projlife.office`` extension object (every fact with its business date)."""
    out: dict[str, Any] = {}
    if facts.lists:
        out["lists"] = [
            {
                "list": m.list_name.value,
                "listLabel": m.list_name.label_zh,
                **({"period": m.period} if m.period is not None else {}),
                "enteredDate": m.entered_on.isoformat(),
                **(
                    {"leftDate": m.left_on.isoformat()}
                    if m.left_on is not None and (facts.as_of is None or m.left_on <= facts.as_of)
                    else {}
                ),
                **({"catalogueRef": m.catalogue_ref} if m.catalogue_ref else {}),
            }
            for m in facts.lists
        ]
    if facts.sponsor_work:
        out["sponsorWork"] = [
            {
                "work": w.work.value,
                "workLabel": w.work.label_zh,
                "date": w.on.isoformat(),
                "by": w.by,
                "findings": w.findings,
                **({"ticketCodes": list(w.ticket_codes)} if w.ticket_codes else {}),
            }
            for w in facts.sponsor_work
        ]
    if facts.funding:
        out["funding"] = [
            {
                "applicationRef": a.application_ref,
                "program": a.program.value,
                "programLabel": a.program.label_zh,
                "appliedDate": a.applied_on.isoformat(),
                "amountApplied": _value(a.amount_applied),
                "status": a.status.value,
                "statusLabel": a.status.label_zh,
                "statusDate": a.status_on.isoformat(),
                **({"amountApproved": _value(a.amount_approved)} if a.amount_approved is not None else {}),
                **({"amountArrived": _value(a.amount_arrived)} if a.amount_arrived is not None else {}),
            }
            for a in facts.funding
        ]
    for key, pairs, name in (
        ("certificates", facts.certificates, "certificate"),
        ("partsAccepted", facts.parts_accepted, "part"),
        ("partsProducing", facts.parts_producing, "part"),
    ):
        if pairs:
            out[key] = [{name: text, "date": on.isoformat()} for text, on in pairs]
    if facts.per_mu:
        out["perMu"] = [
            {
                "year": pm.year,
                "landMu": _number(pm.land_mu),
                "output": _value(pm.output),
                "revenue": _value(pm.revenue),
                "tax": _value(pm.tax),
                "reportedDate": pm.reported_on.isoformat(),
            }
            for pm in facts.per_mu
        ]
    if facts.targets:
        out["targets"] = [
            {
                "measure": t.measure.value,
                "measureLabel": _MEASURE_LABEL[t.measure],
                "period": t.period,
                "value": _number(t.value),
                "unit": _UNIT[t.measure],
                **({"engineeringTarget": t.note} if t.note else {}),
                **({"source": t.source} if t.source else {}),
                "setDate": t.occurred_on.isoformat(),
            }
            for t in facts.targets
        ]
    if facts.progress:
        out["progress"] = [
            {
                "month": f"{p.month:%Y-%m}",
                "percent": _number(p.percent),
                "stageNote": p.stage_note,
                "reportedDate": p.occurred_on.isoformat(),
            }
            for p in facts.progress
        ]
    return out


_MEASURE_LABEL = {
    TargetMeasure.INVESTMENT: "年度计划投资",
    TargetMeasure.STARTS: "开工目标",
    TargetMeasure.PROGRESS: "工程进度目标",
}
_UNIT = {TargetMeasure.INVESTMENT: "CNY", TargetMeasure.STARTS: "projects", TargetMeasure.PROGRESS: "percent"}
