"""Write a city's reports into a folder: bulletins, HTML report, ledger, charts, OC4IDS, checkpoint.

Used by ``projlife demo`` (the ``reports`` section) and by the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import attrs

from projlife.application import Projlife
from projlife.audit.keys import SigningKey
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import PeriodKind
from projlife.plugins.types import CityProfile
from projlife.reports.bulletin import Bulletin, QuotaSource, StaticQuotas, build_bulletin
from projlife.reports.charts import find_cjk_font, render_png
from projlife.reports.layout import AmountUnit
from projlife.reports.ledger_export import export_ledger_xlsx
from projlife.reports.ledger_rows import LedgerRow, ledger_rows, project_as_of, project_ids
from projlife.reports.log_checkpoint import event_log_checkpoint
from projlife.reports.oc4ids import project_package
from projlife.reports.render_html import bulletin_charts, bulletin_html
from projlife.reports.render_md import bulletin_json, bulletin_markdown

__all__ = ["SEED_QUOTAS", "ReportFiles", "write_reports"]

SEED_QUOTAS: dict[str, StaticQuotas] = {
    "zhumadian": StaticQuotas(
        kind=PeriodKind.QUARTER,
        county={Stage.STARTED: 5},
        zone={Stage.STARTED: 3},
        industry_only=True,
        source="驻马店 001：各县区每季度开工的产业项目个数不少于5个，示范区、开发区不少于3个",
    )
}
"""Quotas quoted from the seed documents, used until the city rule engine supplies them."""


@attrs.frozen
class ReportFiles:
    folder: Path
    files: tuple[Path, ...]


def write_reports(
    app: Projlife,
    city: CityProfile,
    out: Path,
    *,
    as_of: date,
    quotas: QuotaSource | None = None,
    key: SigningKey | None = None,
    lang: str = "zh",
    status: Callable[[str], None] | None = None,
) -> ReportFiles:
    """Write every report for ``city`` as of ``as_of`` into ``out``."""
    say = status or (lambda _: None)
    out.mkdir(parents=True, exist_ok=True)
    quotas = quotas if quotas is not None else SEED_QUOTAS.get(city.slug)
    quota_source = getattr(quotas, "source", None)
    written: list[Path] = []
    say("reading the ledger as of the date …")
    ids = project_ids(app, city.code)
    rows: list[LedgerRow] = list(ledger_rows(app, city, as_of, ids=ids))
    say("signing the audit checkpoint …")
    key = key or SigningKey.generate()
    checkpoint = event_log_checkpoint(app, key)
    (out / "checkpoint.json").write_text(checkpoint.to_json(), encoding="utf-8")
    (out / "checkpoint-public-key.pem").write_bytes(key.public_key_pem())
    written += [out / "checkpoint.json", out / "checkpoint-public-key.pem"]
    bulletins: dict[str, Bulletin] = {}
    for kind in ("weekly", "monthly", "quarterly", "half_year"):
        bulletins[kind] = build_bulletin(
            rows,
            city,
            kind=kind,
            as_of=as_of,
            quotas=quotas,
            quota_source=quota_source,
            checkpoint=checkpoint,
        )
    say("writing bulletins …")
    font = find_cjk_font()
    files = {
        "bulletin.md": bulletin_markdown(bulletins["weekly"], lang),
        "bulletin.json": bulletin_json(bulletins["weekly"]),
        "monthly.md": bulletin_markdown(bulletins["monthly"], lang),
        "quarterly.md": bulletin_markdown(bulletins["quarterly"], lang),
        "half_year.md": bulletin_markdown(bulletins["half_year"], lang),
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
    export_ledger_xlsx(rows, out / "ledger.xlsx", city=city, as_of=as_of, unit=AmountUnit.WAN)
    written.append(out / "ledger.xlsx")
    say("exporting OC4IDS …")
    package = project_package([project_as_of(app, pid, as_of) for pid in ids], city, as_of=as_of)
    (out / "oc4ids.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    written.append(out / "oc4ids.json")
    return ReportFiles(out, tuple(written))
