"""Amounts the API accepts can be stored and summed on every database, exactly.

The largest accepted amount is 10¹⁵ yuan (10¹⁷ fen). A hundred projects at that maximum sum
to 10¹⁹ fen, past SQLite's 64-bit ``SUM`` (which raised "integer overflow" and stopped
``ledger.summary``); a cumulative investment of more months at the maximum than a 64-bit
column holds is kept out of the timeline's integer columns and summed in ``Decimal``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain_helpers import CLERK, new_project
from projlife.app.application import Projlife
from projlife.domain import Money
from projlife.projections.facts import timeline_table
from projlife.projections.timeline import MAX_FEN, join_split_sum, split_sum

MAXIMUM = Decimal("1e15")  # the bound of projlife.app.commands.Yuan


def _maximal_project(code: str, months: int = 1) -> object:
    project = new_project(code, on=date(2015, 1, 5), planned_investment=Money(MAXIMUM))
    project.reserve(occurred_on=date(2015, 1, 6), actor=CLERK)
    project.sign(amount=Money(MAXIMUM), counterparty="某公司", occurred_on=date(2015, 1, 7), actor=CLERK)
    for m in range(months):
        month = date(2015 + (m // 12), 1 + m % 12, 1)
        project.report_investment(month=month, amount=Money(MAXIMUM), occurred_on=month, actor=CLERK)
    return project


def test_a_hundred_projects_at_the_maximum_sum_exactly_from_the_timeline(app: Projlife) -> None:
    for i in range(100):
        app.store.save(_maximal_project(f"MAX-{i:03d}"))
    app.projections.run()

    fast = app.ledger._timeline_summary(app.ledger.scope("xiaogan"), None)
    assert fast is not None  # the SQL aggregate answered, it did not fall back
    total = 100 * MAXIMUM
    assert (fast.planned_investment, fast.signed_amount, fast.investment_reported) == (total, total, total)
    assert app.ledger.summary(city="xiaogan") == fast
    assert app.ledger.summary(city="xiaogan", known_at=datetime.now(UTC)) == fast  # the Decimal fold agrees


def test_a_cumulative_investment_past_a_64_bit_column_is_summed_exactly_in_decimal(app: Projlife) -> None:
    months = 93  # 93 × 10¹⁷ fen > 2⁶³ − 1
    assert months * MAXIMUM * 100 > MAX_FEN
    app.store.save(_maximal_project("MAX-LONG", months=months))
    app.store.save(_maximal_project("MAX-ONE"))
    app.projections.run()

    with app.database.engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.max(timeline_table.c.reported_fen))).scalar()
    assert stored is not None and stored <= MAX_FEN
    summary = app.ledger.summary(city="xiaogan")
    assert summary.investment_reported == (months + 1) * MAXIMUM
    assert summary.planned_investment == 2 * MAXIMUM


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.integers(min_value=0, max_value=MAX_FEN), min_size=0, max_size=40))
def test_the_split_sum_is_the_exact_sum_of_any_bigint_values(app: Projlife, values: list[int]) -> None:
    table = sa.Table("t_split_sum", sa.MetaData(), sa.Column("v", sa.BigInteger, nullable=False))
    with app.database.engine.begin() as conn:
        table.drop(conn, checkfirst=True)
        table.create(conn)
        if values:
            conn.execute(table.insert(), [{"v": v} for v in values])
        high, low = conn.execute(sa.select(*split_sum(table.c.v))).one()
        table.drop(conn)
    assert join_split_sum(high, low) == sum(values)


@pytest.mark.parametrize("months", [1, 12])
def test_the_summary_of_maximal_projects_equals_the_decimal_fold(app: Projlife, months: int) -> None:
    for i in range(3):
        app.store.save(_maximal_project(f"MAX-{months}-{i}", months=months))
    app.projections.run()
    assert app.ledger.summary(city="xiaogan") == app.ledger.summary(
        city="xiaogan", known_at=datetime.now(UTC)
    )
