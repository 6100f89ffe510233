"""Revisit draws can be re-derived by anyone from what the draw recorded."""

from __future__ import annotations

import hashlib
import math
from datetime import date
from decimal import Decimal
from uuid import NAMESPACE_DNS, UUID, uuid5

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.domain.actor import Actor, Role
from projlife.domain.errors import ProjlifeError
from projlife.domain.revisit_draw import DRAW_ALGORITHM, RevisitDraw, draw_enterprises, draw_sample

CLERK = Actor("clerk-1", Role.CLERK)
ids = st.lists(st.uuids(), min_size=1, max_size=40, unique=True)
rates = st.sampled_from([Decimal("0"), Decimal("0.1"), Decimal("0.3"), Decimal("0.5"), Decimal("1")])


def by_hand(seed: str, population: list[UUID], rate: Decimal) -> list[UUID]:
    """The documented algorithm, written out independently of the library."""
    digests = {i: hashlib.sha256((seed + "|" + str(i)).encode("utf-8")).hexdigest() for i in population}
    ranked = sorted(population, key=lambda i: (digests[i], str(i)))
    return ranked[: math.ceil(rate * len(population))]


def test_a_recorded_draw_re_derives_from_its_seed_population_and_rate():
    population = [uuid5(NAMESPACE_DNS, f"ticket-{n}.example") for n in range(20)]
    draw = RevisitDraw.make(
        city_code="420900",
        seed="2024-W42",
        rate=Decimal("0.3"),
        population=population,
        occurred_on=date(2024, 10, 18),
        actor=CLERK,
    )
    assert draw.algorithm == DRAW_ALGORITHM
    assert len(draw.drawn) == 6  # ceil(0.3 × 20)
    assert list(draw.drawn) == by_hand("2024-W42", population, Decimal("0.3"))
    assert draw.is_reproducible


def test_a_tampered_draw_is_detected():
    population = [uuid5(NAMESPACE_DNS, f"ticket-{n}.example") for n in range(10)]
    draw = RevisitDraw.make(
        city_code="420900",
        seed="s",
        rate=Decimal("0.5"),
        population=population,
        occurred_on=date(2024, 10, 18),
        actor=CLERK,
    )
    left_out = next(i for i in draw.population if i not in draw.drawn)
    draw.drawn = (*draw.drawn[:-1], left_out)
    assert not draw.is_reproducible


@given(population=ids, rate=rates, seed=st.text(min_size=1, max_size=12))
def test_the_sample_matches_the_documented_algorithm(population, rate, seed):
    assert list(draw_sample(seed, population, rate)) == by_hand(seed, sorted(population, key=str), rate)


@given(population=ids, rate=rates, seed=st.text(min_size=1, max_size=12), data=st.data())
def test_the_sample_does_not_depend_on_the_order_of_the_population(population, rate, seed, data):
    shuffled = data.draw(st.permutations(population))
    drawn = draw_sample(seed, population, rate)
    assert drawn == draw_sample(seed, shuffled, rate)
    assert set(drawn) <= set(population)
    assert len(drawn) == math.ceil(rate * len(population))


@pytest.mark.parametrize("rate", [Decimal("-0.1"), Decimal("1.01"), Decimal("NaN")])
def test_a_rate_outside_zero_to_one_is_refused(rate):
    with pytest.raises(ProjlifeError):
        RevisitDraw.make(
            city_code="420900",
            seed="s",
            rate=rate,
            population=[uuid5(NAMESPACE_DNS, "a")],
            occurred_on=date(2024, 10, 18),
            actor=CLERK,
        )


def test_an_empty_population_or_seed_is_refused():
    with pytest.raises(ProjlifeError, match="population is empty"):
        RevisitDraw.make(
            city_code="420900",
            seed="s",
            rate=Decimal("0.3"),
            population=[],
            occurred_on=date(2024, 1, 2),
            actor=CLERK,
        )
    with pytest.raises(ProjlifeError, match="seed"):
        RevisitDraw.make(
            city_code="420900",
            seed=" ",
            rate=Decimal("0.3"),
            population=[uuid5(NAMESPACE_DNS, "a")],
            occurred_on=date(2024, 1, 2),
            actor=CLERK,
        )


def test_a_draw_samples_enterprises_and_revisits_all_their_tickets():
    """000: 随机抽取部分企业进行回访复核 — ceil(rate × enterprises) enterprises, every ticket of theirs."""
    tickets = {uuid5(NAMESPACE_DNS, f"ticket-{n}.example"): f"ENT{n % 4}" for n in range(12)}
    draw = RevisitDraw.make(
        city_code="420900", seed="2024-W42", rate=Decimal("0.5"), population=tickets,
        occurred_on=date(2024, 10, 18), actor=CLERK,
    )  # fmt: skip
    assert draw.unit == "enterprise"
    enterprises = sorted(set(tickets.values()))
    digests = {e: hashlib.sha256(f"2024-W42|{e}".encode()).hexdigest() for e in enterprises}
    by_hand_enterprises = sorted(enterprises, key=lambda e: (digests[e], e))[:2]  # ceil(0.5 × 4)
    assert list(draw.enterprises_drawn) == by_hand_enterprises
    assert set(draw.drawn) == {t for t, e in tickets.items() if e in by_hand_enterprises}
    assert len(draw.drawn) == 6  # three tickets each: the sample is of enterprises, not of tickets
    assert draw.is_reproducible
    draw.enterprises_drawn = (enterprises[0],) * 2
    assert not draw.is_reproducible


@given(
    pairs=st.dictionaries(st.uuids(), st.sampled_from([f"E{i}" for i in range(6)]), min_size=1, max_size=30),
    rate=rates,
    seed=st.text(min_size=1, max_size=12),
)
def test_an_enterprise_is_drawn_whole_or_not_at_all(pairs, rate, seed):
    chosen, drawn = draw_enterprises(seed, pairs.items(), rate)
    n = len(set(pairs.values()))
    assert len(chosen) == math.ceil(rate * n) and set(chosen) <= set(pairs.values())
    assert set(drawn) == {t for t, e in pairs.items() if e in chosen}


def test_a_version_1_draw_of_tickets_is_upcast_and_still_re_derives():
    state = {"unit": None}
    del state["unit"]
    RevisitDraw.Drawn.upcast_v1_v2(state)
    assert state == {"unit": "ticket", "population_enterprises": (), "enterprises_drawn": ()}
    population = [uuid5(NAMESPACE_DNS, f"ticket-{n}.example") for n in range(10)]
    legacy = RevisitDraw.make(
        city_code="420900", seed="s", rate=Decimal("0.3"), population=population,
        occurred_on=date(2024, 10, 18), actor=CLERK,
    )  # fmt: skip
    assert legacy.unit == "ticket" and legacy.is_reproducible
    assert list(legacy.drawn) == by_hand("s", sorted(population, key=str), Decimal("0.3"))
