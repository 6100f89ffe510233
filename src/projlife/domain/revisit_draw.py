"""Revisit draws (随机抽取部分企业进行回访复核): a seeded, re-derivable random sample.

A draw takes a population of answered tickets, a seed and a rate, and picks
``ceil(rate × n)`` of them. The algorithm (``sha256-rank-v1``) is simple enough to redo by
hand or in any language:

1. write every ticket id in its canonical lower-case hyphenated UUID form;
2. for each id compute ``SHA-256(seed + "|" + id)`` over UTF-8 bytes, as a hex string;
3. sort the ids by that hex digest (ties, which do not happen in practice, by id);
4. take the first ``ceil(rate × n)`` (rate is a decimal; ``n`` the population size).

The :class:`RevisitDraw` aggregate records the seed, the rate, the algorithm, the whole
population and the drawn ids, so anyone can re-run :func:`draw_sample` and compare
(:meth:`RevisitDraw.rederive`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor
from projlife.domain.errors import ProjlifeError

__all__ = [
    "DRAW_ALGORITHM",
    "RevisitDraw",
    "draw_sample",
    "rank_by_seed",
    "revisit_draw_id_for",
    "sample_size",
]

DRAW_ALGORITHM = "sha256-rank-v1"
"""The name recorded with every draw; a new algorithm gets a new name."""

_DRAW_NAMESPACE = uuid5(NAMESPACE_URL, "https://projlife.invalid/revisit-draw")


def revisit_draw_id_for(city_code: str, seed: str) -> UUID:
    """The id of the draw with ``seed`` in a city (a seed is used once per city)."""
    return uuid5(_DRAW_NAMESPACE, f"{city_code}/{seed}")


def sample_size(rate: Decimal, population: int) -> int:
    """``ceil(rate × population)``, computed exactly in decimal."""
    return math.ceil(Decimal(rate) * population)


def _rank_key(seed: str, key: UUID | str) -> tuple[str, str]:
    canonical = str(key)
    return hashlib.sha256(f"{seed}|{canonical}".encode()).hexdigest(), canonical


def rank_by_seed(seed: str, keys: Iterable[str]) -> tuple[str, ...]:
    """``keys`` (canonical strings) in ``sha256-rank-v1`` order: by ``SHA-256(seed + "|" + key)``.

    The one ranking every seeded draw uses (revisit draws, site-visit draws), so each can be
    redone by hand: take the first n.
    """
    return tuple(sorted(set(keys), key=lambda k: _rank_key(seed, k)))


def draw_sample(seed: str, population: Iterable[UUID], rate: Decimal) -> tuple[UUID, ...]:
    """The drawn ids, in rank order (see the module docstring for the algorithm)."""
    ids = sorted(set(population), key=str)
    ranked = sorted(ids, key=lambda i: _rank_key(seed, i))
    return tuple(ranked[: sample_size(rate, len(ranked))])


def _check_rate(attempted: str, rate: Decimal) -> Decimal:
    try:
        value = Decimal(rate)
    except (ArithmeticError, ValueError, TypeError):
        raise ProjlifeError(attempted, f"rate {rate!r} is not a decimal", "a decimal in [0, 1]") from None
    if not value.is_finite() or value < 0 or value > 1:
        raise ProjlifeError(attempted, f"rate {rate} is outside [0, 1]", "a decimal in [0, 1]")
    return value


class RevisitDraw(Aggregate):
    """One draw: who was in the population, the seed, the rate and who was drawn."""

    TOPIC = "projlife:RevisitDraw"

    class Event(Aggregate.Event):
        """Base of revisit draw events."""

        class_version: ClassVar[int] = 1

    class Drawn(Event, Aggregate.Created):
        """The draw was made."""

        TOPIC = "projlife:RevisitDraw.Drawn"
        city_code: str
        seed: str
        rate: Decimal
        algorithm: str
        population: tuple[UUID, ...]
        drawn: tuple[UUID, ...]
        window_start: date | None
        window_end: date | None
        occurred_on: date
        actor: Actor

    Created = Drawn

    def __init__(
        self,
        *,
        city_code: str,
        seed: str,
        rate: Decimal,
        algorithm: str,
        population: tuple[UUID, ...],
        drawn: tuple[UUID, ...],
        window_start: date | None,
        window_end: date | None,
        occurred_on: date,
        actor: Actor,
    ) -> None:
        self.city_code = city_code
        self.seed = seed
        self.rate = Decimal(rate)
        self.algorithm = algorithm
        self.population = tuple(UUID(str(i)) for i in population)
        self.drawn = tuple(UUID(str(i)) for i in drawn)
        self.window_start = window_start
        self.window_end = window_end
        self.occurred_on = occurred_on
        self.drawn_by = actor.id

    @classmethod
    def make(
        cls,
        *,
        city_code: str,
        seed: str,
        rate: Decimal,
        population: Iterable[UUID],
        occurred_on: date,
        actor: Actor,
        window_start: date | None = None,
        window_end: date | None = None,
    ) -> RevisitDraw:
        """Draw from ``population`` with ``seed`` at ``rate`` and record everything needed to redo it."""
        attempted = f"draw revisit sample {seed!r}"
        if not seed or not seed.strip():
            raise ProjlifeError(attempted, "the seed must not be empty", "a non-empty seed string")
        value = _check_rate(attempted, rate)
        ids = tuple(sorted(set(population), key=str))
        if not ids:
            raise ProjlifeError(attempted, "the population is empty", "at least one answered ticket")
        return cls._create(
            cls.Drawn,
            id=revisit_draw_id_for(city_code, seed),
            city_code=city_code,
            seed=seed,
            rate=value,
            algorithm=DRAW_ALGORITHM,
            population=ids,
            drawn=draw_sample(seed, ids, value),
            window_start=window_start,
            window_end=window_end,
            occurred_on=occurred_on,
            actor=actor,
        )

    def rederive(self) -> tuple[UUID, ...]:
        """Re-run the recorded algorithm on the recorded seed, population and rate."""
        if self.algorithm != DRAW_ALGORITHM:
            raise ProjlifeError(
                f"re-derive draw {self.seed!r}", f"unknown algorithm {self.algorithm!r}", DRAW_ALGORITHM
            )
        return draw_sample(self.seed, self.population, self.rate)

    @property
    def is_reproducible(self) -> bool:
        """Whether re-running the draw gives exactly the recorded sample."""
        return self.rederive() == self.drawn
