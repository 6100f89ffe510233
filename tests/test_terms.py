"""One term table for every output: no internal key reaches a person, in Chinese or in English.

Outputs checked: the bulletins of every kind (Markdown and HTML text), the demo's console
sections, the Excel 台账 and the words of the web 台账. An internal key is an enum value or a
rule/rate/flag id; in English a single plain word (``signed``) is ordinary English, so there only
the ids with ``_``, ``.`` or ``-`` count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from projlife.app.application import Projlife, connect
from projlife.demo.city_rules_section import city_rules
from projlife.demo.context import DemoContext
from projlife.demo.rates_section import rates_and_funnels
from projlife.demo.simulation import simulate
from projlife.domain.actor import Role
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, RemovalReason, Stage
from projlife.domain.periods import Period
from projlife.domain.ticket import TicketStatus
from projlife.engine.evaluate import QuotaStatus
from projlife.plugins.manager import rule_set
from projlife.projections.metrics import RATES
from projlife.reports.bulletin import BULLETIN_KINDS, Bulletin, build_bulletin
from projlife.reports.ledger_export import export_ledger_xlsx
from projlife.reports.render_md import bulletin_markdown, bulletin_sections
from projlife.reports.terms import (
    _FLAGS,
    amount_term,
    flag_code,
    flag_term,
    role_term,
    ticket_status_term,
    web_words,
)

AS_OF = date(2024, 12, 31)
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def drive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Projlife]:
    app = connect(f"sqlite:///{tmp_path_factory.mktemp('terms') / 'terms.db'}", create_tables=True)
    for slug in ("xiaogan", "jiangyan"):
        app.projects.ingest(simulate(app.city(slug), 90, seed=3, as_of=AS_OF).commands)
    app.projections.run()
    yield app
    app.close()


def _keys(app: Projlife, slug: str) -> set[str]:
    city = app.city(slug)
    rules = rule_set(app.plugins, city, Period.containing("year", AS_OF))
    keys: set[str] = set()
    for enum in (Stage, ProjectCategory, InvestorClass, QuotaStatus, RemovalReason, Milestone, TicketStatus):
        keys |= {str(e.value) for e in enum}  # type: ignore[attr-defined]
    keys |= {q.id for q in rules.quotas} | {d.id for d in rules.deadlines} | {s.id for s in rules.scoring}
    keys |= set(RATES) | {"on_time_start", "investment_completion"} | set(_FLAGS)
    return keys


def _leaks(text: str, keys: set[str], lang: str) -> list[str]:
    found = []
    for key in keys:
        if lang == "en" and not re.search(r"[_.\-]", key):
            continue
        if re.search(rf"(?<![A-Za-z0-9_.\-]){re.escape(key)}(?![A-Za-z0-9_\-]|\.[A-Za-z0-9])", text):
            found.append(key)
    return sorted(found)


def _bulletins(app: Projlife, slug: str) -> dict[str, Bulletin]:
    return {kind: build_bulletin(app, slug, kind=kind, as_of=AS_OF) for kind in BULLETIN_KINDS}


def _text(b: Bulletin, lang: str) -> str:
    """The Markdown: the HTML lays out the same sections (render_md.bulletin_sections)."""
    return bulletin_markdown(b, lang)


@pytest.mark.parametrize("slug", ["xiaogan", "jiangyan"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_internal_key_reaches_a_bulletin(drive: Projlife, slug: str, lang: str) -> None:
    keys = _keys(drive, slug)
    for kind, b in _bulletins(drive, slug).items():
        assert _leaks(_text(b, lang), keys, lang) == [], (kind, lang)


def test_english_bulletins_name_quotas_and_amounts_in_english(drive: Projlife) -> None:
    b = build_bulletin(drive, "xiaogan", kind="quarterly", as_of=AS_OF)
    assert b.rules is not None and b.rules.quotas.lines
    text = bulletin_markdown(b, "en")
    for q in b.rules.quotas.lines:
        assert not CJK.search(q.title("en")), q.title("en")
        assert q.title("en") in text
    assert "亿" not in text and "本市" not in text
    assert "billion yuan" in text or "million yuan" in text
    assert "per day" in text
    for section in bulletin_sections(b, "en"):
        assert not CJK.search(section.title), section.title


def test_daily_averages_say_per_day_and_a_q4_bulletin_reports_the_last_week_inside_the_quarter(
    drive: Projlife,
) -> None:
    b = build_bulletin(drive, "xiaogan", kind="quarterly", as_of=AS_OF)
    zh = bulletin_markdown(b, "zh")
    assert "日均" in zh and "个/日" in zh
    assert "2024-12-30至2025-01-05" not in zh
    assert "2024-12-23至2024-12-29" in zh
    assert all(q.period.end <= b.period.end or q.period.start <= b.period.start for q in b.rules.quotas.lines)  # type: ignore[union-attr]
    weekly = bulletin_markdown(build_bulletin(drive, "xiaogan", kind="weekly", as_of=AS_OF), "zh")
    assert "2024-12-30至2025-01-05" in weekly  # the weekly bulletin is about that week


def test_jiangyans_half_year_bulletin_names_its_half_and_calls_itself_a_district(drive: Projlife) -> None:
    b = build_bulletin(drive, "jiangyan", kind="half-year", as_of=AS_OF)
    zh = bulletin_markdown(b, "zh")
    assert zh.startswith("# 泰州市姜堰区重大项目2024年下半年通报")
    assert bulletin_markdown(b, "en").startswith(
        "# Jiangyan (Taizhou) major projects — second half of 2024 report"
    )
    for kind, other in _bulletins(drive, "jiangyan").items():
        assert "本市" not in bulletin_markdown(other, "zh"), kind
    assert "镇街(园区)排名" in zh  # as seed 003 writes it: 等镇街(园区)围绕…


def test_the_demo_console_shows_titles_and_chinese_statuses_not_rule_ids(
    drive: Projlife, tmp_path: Path
) -> None:
    for slug in ("xiaogan", "jiangyan"):
        console = Console(record=True, width=200)
        ctx = DemoContext(
            app=drive,
            city=drive.city(slug),
            simulation=simulate(drive.city(slug), 90, seed=3, as_of=AS_OF),
            out=tmp_path,
            console=console,
            as_of=AS_OF,
            seed=3,
        )
        rates_and_funnels(ctx)
        city_rules(ctx)
        text = console.export_text()
        # the console is bilingual (an English name beside each Chinese one): ids are what must not show
        assert _leaks(text, _keys(drive, slug), "en") == [], slug
        assert not re.search(r"\b(met|not met)\b", text)


def test_the_excel_ledger_holds_no_internal_key_and_its_flags_import_back(
    drive: Projlife, tmp_path: Path
) -> None:
    city = drive.city("xiaogan")
    out = tmp_path / "ledger.xlsx"
    rows = drive.ledger.rows(city=city.code, as_of=AS_OF, with_details=True)
    export_ledger_xlsx(rows, out, city=city, as_of=AS_OF)
    ws = load_workbook(out).active
    assert ws is not None
    cells = "\n".join(str(c.value) for r in ws.iter_rows() for c in r if isinstance(c.value, str))
    assert _leaks(cells, _keys(drive, "xiaogan"), "zh") == []
    flagged = [r for r in rows if r.flags]
    assert flagged, "the drive flags some projects"
    assert flag_term("lagging") in cells
    for code in _FLAGS:
        assert flag_code(flag_term(code)) == code


def test_every_enum_a_person_reads_has_a_term_in_both_languages() -> None:
    for lang in ("zh", "en"):
        for status in TicketStatus:
            assert ticket_status_term(status.value, lang) != status.value or lang == "en"
            assert "_" not in ticket_status_term(status.value, lang)
        for role in Role:
            assert "_" not in role_term(role, lang)
        words = web_words(lang)
        assert words["ledger"] and all(words.values())
    assert role_term(Role.CLERK) == "填报员"
    assert amount_term(Decimal("169320000000"), "zh") == "1,693.20亿元"
    assert amount_term(Decimal("169320000000"), "en") == "169.32 billion yuan"
    assert amount_term(Decimal("52000000"), "en") == "52.00 million yuan"


def test_every_project_and_ticket_event_has_a_name_in_chinese_and_english() -> None:
    import importlib
    import pkgutil

    import projlife.domain
    from projlife.reports.terms import event_term

    topics: set[str] = set()
    for info in pkgutil.iter_modules(projlife.domain.__path__):
        module = importlib.import_module(f"projlife.domain.{info.name}")
        for value in vars(module).values():
            topic = getattr(value, "TOPIC", None)
            if isinstance(topic, str) and topic.startswith(("projlife:Project.", "projlife:Ticket.")):
                topics.add(topic.removeprefix("projlife:"))
    assert len(topics) > 40
    for event_type in sorted(topics):
        zh, en = event_term(event_type, "zh"), event_term(event_type, "en")
        assert zh != en and any("\u4e00" <= ch <= "\u9fff" for ch in zh), event_type
        assert en.isascii(), event_type
    assert event_term("Project.SomethingNew") == "SomethingNew"  # an unknown event as given
