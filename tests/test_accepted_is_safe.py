"""Accepted means safe: random commands that the API accepts go through the whole pipeline.

Hypothesis sends random project commands (random text in every text field, amounts up to the
bound, dates across the range, corrections of any field) to ``app.projects.execute``; what is
refused is dropped, what is accepted stays. Then projections, sealing, verification, the ledger,
the summary, a bulletin (Markdown and JSON), the Excel 台账 and the OC4IDS package run on the
result, on every database: none of them may raise, and the summary equals the Decimal fold.

The default run is short; ``pytest -m slow`` runs the long one.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from audit_helpers import AREA, XIAOGAN, actor
from projlife.app.application import Projlife
from projlife.app.commands import MAX_AMOUNT_YUAN
from projlife.domain.errors import ProjlifeError
from projlife.reports.bulletin import build_bulletin
from projlife.reports.ledger_export import export_ledger_xlsx
from projlife.reports.oc4ids import project_package
from projlife.reports.render_md import bulletin_json, bulletin_markdown

CLERK = actor("clerk-1", "clerk")
VERIFIER = actor("verifier-1", "verifier")
AS_OF = date(2025, 12, 31)

texts = st.text(min_size=0, max_size=30)  # every code point: controls, bidi, NUL, surrogates …
amounts = st.one_of(
    st.decimals(min_value=0, max_value=MAX_AMOUNT_YUAN, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), MAX_AMOUNT_YUAN, Decimal("0.01"), Decimal("999999999999999.99")]),
).map(str)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 1, 1)).map(date.isoformat)


@st.composite
def follow_up(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            [
                "reserve",
                "sign",
                "land",
                "start",
                "enter_statistics",
                "report_investment",
                "flag",
                "assign_sponsor",
                "form_team",
                "correct",
                "verify",
                "cancel",
            ]
        )
    )
    cmd: dict[str, Any] = {"command": kind, "occurred_on": draw(days), "actor": CLERK}
    if draw(st.booleans()):
        cmd["reason"] = draw(texts)
    if kind == "sign":
        cmd |= {"amount_yuan": draw(amounts), "counterparty": draw(texts)}
    elif kind == "report_investment":
        cmd |= {"month": draw(days), "amount_yuan": draw(amounts)}
    elif kind == "flag":
        cmd["flag"] = draw(texts)
    elif kind == "assign_sponsor":
        cmd |= {"leader": draw(texts), "department": draw(texts)}
    elif kind == "form_team":
        cmd |= {"team": draw(texts), "lead": draw(texts)}
    elif kind == "correct":
        field = draw(
            st.sampled_from(
                ["occurred_on", "signed_amount", "planned_investment", "investment_amount", "area_mu", "name"]
            )
        )
        new_value = draw(st.one_of(amounts, days, texts, st.sampled_from(["1e20", "0.001", "1e-400"])))
        cmd |= {"target_version": draw(st.integers(1, 8)), "field": field, "new_value": new_value}
        cmd["reason"] = draw(texts)
    elif kind == "verify":
        cmd |= {"actor": VERIFIER, "stage": draw(st.sampled_from(["reserved", "signed", "started"]))}
    elif kind == "cancel":
        cmd["reason"] = draw(texts)
    return cmd


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    conceive = {
        "command": "conceive",
        "code": draw(st.one_of(texts, st.from_regex(r"XG-[A-Z0-9]{1,8}", fullmatch=True))),
        "project_name": draw(texts),
        "city_code": XIAOGAN,
        "area_code": AREA,
        "category": draw(st.sampled_from(["industrial", "infrastructure", "agriculture", "services"])),
        "planned_investment_yuan": draw(amounts),
        "occurred_on": draw(days),
        "actor": CLERK,
    }
    return conceive, draw(st.lists(follow_up(), max_size=10))


def _execute(app: Projlife, cmd: dict[str, Any]) -> Any:
    try:
        return app.projects.execute(cmd)
    except ProjlifeError:
        return None  # refused: nothing written, which test_input_boundary checks


def _the_whole_pipeline(app: Projlife, out: Path) -> None:
    app.projections.run()
    app.projections.raise_if_stopped(attempted="run the pipeline on accepted commands")
    app.audit.seal()
    report = app.audit.verify()
    assert report.ok and report.unsealed == 0
    summary = app.ledger.summary(city="xiaogan", as_of=AS_OF)
    assert summary == app.ledger.summary(city="xiaogan", as_of=AS_OF, known_at=datetime.now(UTC))
    rows = app.ledger.rows(city="xiaogan", as_of=AS_OF, with_details=True)
    city = app.city("xiaogan")
    for unit in ("元", "万元", "亿元"):
        assert export_ledger_xlsx(rows, out / "ledger.xlsx", city=city, as_of=AS_OF, unit=unit) == len(rows)
    json.dumps(project_package(rows, city, as_of=AS_OF), ensure_ascii=False)
    bulletin = build_bulletin(app, city, kind="monthly", as_of=AS_OF)
    assert bulletin_markdown(bulletin) and json.loads(bulletin_json(bulletin))


def _accepted_is_safe(app: Projlife, out: Path, history: tuple[dict[str, Any], list[dict[str, Any]]]) -> int:
    """Run the history; return how many of its commands were accepted."""
    conceive, steps = history
    created = _execute(app, conceive)
    accepted = 0
    if created is not None:
        accepted = 1 + sum(
            _execute(app, {**step, "project_id": str(created.aggregate_id)}) is not None for step in steps
        )
    _the_whole_pipeline(app, out)
    return accepted


_AT_THE_BOUNDS = (
    {
        "command": "conceive",
        "code": "XG-MAX",
        "project_name": "項目 ① ＡＢＣ \u0301",
        "city_code": XIAOGAN,
        "area_code": AREA,
        "category": "industrial",
        "planned_investment_yuan": str(MAX_AMOUNT_YUAN),
        "occurred_on": "2020-01-06",
        "actor": CLERK,
    },
    [
        {"command": "reserve", "occurred_on": "2020-01-07", "actor": CLERK},
        {
            "command": "sign",
            "occurred_on": "2020-01-08",
            "actor": CLERK,
            "amount_yuan": "999999999999999.99",
            "counterparty": '=HYPERLINK("http://x")',
        },
        {
            "command": "report_investment",
            "occurred_on": "2020-02-01",
            "actor": CLERK,
            "month": "2020-02-01",
            "amount_yuan": str(MAX_AMOUNT_YUAN),
        },
        {
            "command": "correct",
            "occurred_on": "2020-02-02",
            "actor": CLERK,
            "target_version": 3,
            "field": "signed_amount",
            "new_value": str(MAX_AMOUNT_YUAN),
            "reason": "更正",
        },
    ],
)


_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def test_commands_at_the_bounds_are_accepted_and_pass_the_whole_pipeline(
    app: Projlife, tmp_path: Path
) -> None:
    _conceive, steps = _AT_THE_BOUNDS
    assert _accepted_is_safe(app, tmp_path, _AT_THE_BOUNDS) == 1 + len(steps)  # not a vacuous run
    summary = app.ledger.summary(city="xiaogan", as_of=AS_OF)
    assert (
        summary.planned_investment == summary.signed_amount == summary.investment_reported == MAX_AMOUNT_YUAN
    )


@settings(max_examples=12, deadline=None, suppress_health_check=_HEALTH)
@given(history=histories())
@example(history=_AT_THE_BOUNDS)
def test_random_accepted_commands_pass_projections_seal_reports_and_exports(
    app: Projlife, tmp_path: Path, history: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    _accepted_is_safe(app, tmp_path, history)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=_HEALTH)
@given(history=histories())
def test_many_random_accepted_commands_pass_the_whole_pipeline(
    app: Projlife, tmp_path: Path, history: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    _accepted_is_safe(app, tmp_path, history)
