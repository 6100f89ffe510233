"""Write a city's reports into a folder: bulletins, HTML report, ledger, charts, OC4IDS.

Used by ``projlife demo`` (the ``reports`` section) and by the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from projlife.plugins.types import CityProfile
from projlife.reports.bulletin import Bulletin, build_bulletin
from projlife.reports.charts import find_cjk_font, render_png
from projlife.reports.layout import AmountUnit
from projlife.reports.ledger_export import export_ledger_xlsx
from projlife.reports.oc4ids import project_package
from projlife.reports.render_html import bulletin_charts, bulletin_html
from projlife.reports.render_md import bulletin_json, bulletin_markdown

if TYPE_CHECKING:
    from projlife.ports import BulletinSource

__all__ = ["ReportFiles", "write_reports"]


@attrs.frozen
class ReportFiles:
    folder: Path
    files: tuple[Path, ...]


def write_reports(
    app: BulletinSource,
    city: CityProfile,
    out: Path,
    *,
    as_of: date,
    lang: str = "zh",
    status: Callable[[str], None] | None = None,
) -> ReportFiles:
    """Write every report for ``city`` as of ``as_of`` into ``out``.

    The projections are caught up first (which seals the audit chain); the bulletins cite the
    audit trail's latest signed checkpoint (``app.audit.latest_checkpoint()``), which the demo's
    audit section exported as ``checkpoint.json`` with ``public_key.pem``.
    """
    say = status or (lambda _: None)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    say("catching the projections up …")
    app.projections.run()
    say("reading the ledger as of the date …")
    rows = app.ledger.rows(city=city.code, as_of=as_of, with_details=True, with_plan=True)
    bulletins: dict[str, Bulletin] = {}
    for kind in ("weekly", "monthly", "quarterly", "half-year"):
        say(f"evaluating the {kind} bulletin …")
        bulletins[kind] = build_bulletin(app, city, kind=kind, as_of=as_of)
    say("writing bulletins …")
    font = find_cjk_font()
    files = {
        "bulletin.md": bulletin_markdown(bulletins["weekly"], lang),
        "bulletin.json": bulletin_json(bulletins["weekly"]),
        "monthly.md": bulletin_markdown(bulletins["monthly"], lang),
        "quarterly.md": bulletin_markdown(bulletins["quarterly"], lang),
        "half_year.md": bulletin_markdown(bulletins["half-year"], lang),
        "report.html": bulletin_html(bulletins["quarterly"], lang, font=font),
        "weekly.html": bulletin_html(bulletins["weekly"], lang, font=font),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    say("drawing charts …")
    funnel, pace, ranking = bulletin_charts(bulletins["quarterly"], lang)
    render_png(funnel, out / "funnel.png", font=font)
    render_png(ranking, out / "ranking.png", font=font)
    written += [out / "funnel.png", out / "ranking.png"]
    if pace is not None:
        render_png(pace, out / "pace.png", font=font)
        written.append(out / "pace.png")
    say("exporting the ledger …")
    office = app.office
    has_office = bool(
        office.list_memberships(city.code, as_of=as_of)
        or office.sponsor_work(city.code, end=as_of)
        or office.funding(city.code, as_of=as_of)
    )
    per_mu_years = (as_of.year - 1, as_of.year)
    targets = app.targets.book(city.code)
    has_office = has_office or targets is not None
    export_ledger_xlsx(
        rows,
        out / "ledger.xlsx",
        city=city,
        as_of=as_of,
        unit=AmountUnit.WAN,
        office=office if has_office else None,
        per_mu_years=per_mu_years,
    )
    written.append(out / "ledger.xlsx")
    if has_office:
        from projlife.reports.office_sheets import export_office_xlsx

        say("exporting the office workbook …")
        export_office_xlsx(
            office,
            out / "office.xlsx",
            city_code=city.code,
            as_of=as_of,
            per_mu_years=per_mu_years,
            targets=targets,
        )
        written.append(out / "office.xlsx")
    say("exporting OC4IDS …")
    from projlife.reports.office_oc4ids import project_office_facts

    facts = project_office_facts(office, city.code, as_of=as_of, per_mu_years=per_mu_years, targets=targets)
    package = project_package(rows, city, as_of=as_of, office=facts)
    (out / "oc4ids.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    written.append(out / "oc4ids.json")
    return ReportFiles(out, tuple(written))
