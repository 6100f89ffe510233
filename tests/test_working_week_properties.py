"""Properties of the working week's facts that hold for any sequence of commands."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from projlife.domain.actor import Actor, Role
from projlife.domain.errors import ProjlifeError
from projlife.domain.money import Money
from projlife.domain.project import Project
from projlife.domain.project_office import ListKind, ListName
from projlife.reports.half_year_pack import shared_ranks

CLERK = Actor(id="clerk-1", role=Role.CLERK)
LISTS = [n for n in ListName if n is not ListName.PROVINCIAL_RESERVE]
PERIODS = {ListKind.BATCH: ["2024-Q1", "2024-Q2"]}

op = st.tuples(
    st.sampled_from(["enter", "leave"]),
    st.sampled_from(LISTS),
    st.integers(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=3),
)


@settings(max_examples=150, deadline=None)
@given(ops=st.lists(op, max_size=25))
def test_list_stays_follow_enter_and_leave_and_replay_to_the_same_state(
    ops: list[tuple[str, ListName, int, int]],
) -> None:
    project = Project.conceive(
        code="P-1",
        name="p",
        city_code="411700",
        area_code="411702",
        category="industrial",
        planned_investment=Money(200_000_000),
        occurred_on=date(2024, 1, 1),
        actor=CLERK,
    )
    model: dict[tuple[ListName, str], date] = {}
    day = date(2024, 1, 1)
    for action, name, which, step in ops:
        day += timedelta(days=step)
        period = PERIODS.get(name.kind, ["2024", "2025"])[which]
        key = (name, period)
        same_year_status = (
            any(n.kind is ListKind.YEAR_STATUS and p == period for n, p in model)
            and name.kind is ListKind.YEAR_STATUS
        )
        if action == "enter":
            expected_ok = key not in model and not same_year_status
        else:
            expected_ok = key in model and model[key] <= day
        try:
            if action == "enter":
                project.enter_list(list_name=name, period=period, occurred_on=day, actor=CLERK)
            else:
                project.leave_list(list_name=name, period=period, occurred_on=day, actor=CLERK)
        except ProjlifeError:
            assert not expected_ok
            continue
        assert expected_ok
        if action == "enter":
            model[key] = day
        else:
            del model[key]
        assert project.lists == model
    # at most one of 新开工/续建/预备 per year, whatever was tried
    for year in ("2024", "2025"):
        assert sum(1 for n, p in project.lists if n.kind is ListKind.YEAR_STATUS and p == year) <= 1
    replayed = None
    for event in project.collect_events():
        replayed = event.mutate(replayed)
    assert replayed is not None and replayed.lists == project.lists


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=5), min_size=1))
def testshared_ranks_give_equal_figures_one_rank_and_count_only_the_better(values: dict[str, int]) -> None:
    ranks = shared_ranks(values)
    for a, va in values.items():
        assert ranks[a] == 1 + sum(1 for v in values.values() if v > va)
        for b, vb in values.items():
            assert (va == vb) == (ranks[a] == ranks[b])
            assert (va > vb) == (ranks[a] < ranks[b])
    assert min(ranks.values()) == 1
