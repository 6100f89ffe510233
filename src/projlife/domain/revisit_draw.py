"""Revisit draws (随机抽取部分企业进行回访复核): a seeded, re-derivable random sample of enterprises.

000: 针对相关单位反馈问题的解决情况,随机抽取部分企业进行回访复核 — the draw samples *enterprises*,
then revisits their answered tickets. A draw takes the answered tickets waiting for a draw,
groups them by enterprise (the ticket's 统一社会信用代码; a ticket that names only a project
stands for that project's enterprise, key ``project:<id>``), and picks ``ceil(rate × n)`` of the
``n`` enterprises; every waiting ticket of a drawn enterprise is revisited. The algorithm
(``sha256-rank-v1``) is simple enough to redo by hand or in any language:

1. write every key in its canonical form (an enterprise key as recorded; a ticket id in its
   lower-case hyphenated UUID form);
2. for each key compute ``SHA-256(seed + "|" + key)`` over UTF-8 bytes, as a hex string;
3. sort the keys by that hex digest (ties, which do not happen in practice, by key);
4. take the first ``ceil(rate × n)`` (rate is a decimal; ``n`` the population size).

The :class:`RevisitDraw` aggregate records the seed, the rate, the algorithm, the whole
population (each ticket with its enterprise) and the drawn enterprises and tickets, so anyone
can re-run the draw and compare (:meth:`RevisitDraw.rederive`). Draws recorded before version 2
of ``Drawn`` sampled tickets (``unit`` ``"ticket"``) and re-derive as they were made.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor
from projlife.domain.errors import ProjlifeError

__all__ = [
    "DRAW_ALGORITHM",
    "RevisitDraw",
    "draw_enterprises",
    "draw_sample",
    "enterprise_key",
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


def enterprise_key(enterprise_code: str | None, project_id: UUID | None) -> str:
    """The enterprise a ticket is about: its credit code, or ``project:<id>`` for a ticket that
    names only a project (that project's enterprise)."""
    if enterprise_code:
        return enterprise_code.strip().upper()
    if project_id is None:
        raise ValueError("a ticket names an enterprise or a project")
    return f"project:{UUID(str(project_id))}"


def draw_enterprises(
    seed: str, tickets: Iterable[tuple[UUID, str]], rate: Decimal
) -> tuple[tuple[str, ...], tuple[UUID, ...]]:
    """Draw ``ceil(rate × n)`` of the ``n`` enterprises of ``tickets`` ((ticket id, enterprise key)
    pairs) in ``sha256-rank-v1`` order; returns the drawn enterprises (rank order) and every
    ticket of theirs (by id)."""
    pairs = {UUID(str(t)): e for t, e in tickets}
    ranked = rank_by_seed(seed, pairs.values())
    chosen = ranked[: sample_size(rate, len(ranked))]
    wanted = set(chosen)
    return chosen, tuple(sorted((t for t, e in pairs.items() if e in wanted), key=str))


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
        """The draw was made: ``unit`` ``"enterprise"`` (version 2) drew ``enterprises_drawn`` among
        the enterprises of ``population`` (``population_enterprises`` is each ticket's enterprise)
        and ``drawn`` holds all their tickets; ``"ticket"`` (version 1) drew tickets."""

        TOPIC = "projlife:RevisitDraw.Drawn"
        class_version: ClassVar[int] = 2
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
        unit: str
        population_enterprises: tuple[str, ...]
        enterprises_drawn: tuple[str, ...]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Version 1 sampled tickets, not enterprises: it re-derives as it was made.
            state["unit"] = "ticket"
            state["population_enterprises"] = ()
            state["enterprises_drawn"] = ()

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
        unit: str = "ticket",
        population_enterprises: tuple[str, ...] = (),
        enterprises_drawn: tuple[str, ...] = (),
    ) -> None:
        self.unit = unit
        self.population_enterprises = tuple(population_enterprises)
        self.enterprises_drawn = tuple(enterprises_drawn)
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
        population: Iterable[UUID] | Mapping[UUID, str],
        occurred_on: date,
        actor: Actor,
        window_start: date | None = None,
        window_end: date | None = None,
    ) -> RevisitDraw:
        """Draw with ``seed`` at ``rate`` and record everything needed to redo it.

        ``population`` maps each waiting ticket to its enterprise (:func:`enterprise_key`): the
        draw samples enterprises and takes all their tickets (000: 随机抽取部分企业进行回访复核).
        A plain collection of ticket ids samples tickets (the version-1 draw, kept for callers
        that sample tickets on purpose).
        """
        attempted = f"draw revisit sample {seed!r}"
        if not seed or not seed.strip():
            raise ProjlifeError(attempted, "the seed must not be empty", "a non-empty seed string")
        value = _check_rate(attempted, rate)
        by_enterprise = isinstance(population, Mapping)
        pairs = {UUID(str(t)): (population[t] if by_enterprise else "") for t in population}  # type: ignore[index]
        ids = tuple(sorted(pairs, key=str))
        if not ids:
            raise ProjlifeError(attempted, "the population is empty", "at least one answered ticket")
        if by_enterprise:
            chosen, drawn = draw_enterprises(seed, pairs.items(), value)
        else:
            chosen, drawn = (), draw_sample(seed, ids, value)
        return cls._create(
            cls.Drawn,
            id=revisit_draw_id_for(city_code, seed),
            city_code=city_code,
            seed=seed,
            rate=value,
            algorithm=DRAW_ALGORITHM,
            population=ids,
            drawn=drawn,
            window_start=window_start,
            window_end=window_end,
            occurred_on=occurred_on,
            actor=actor,
            unit="enterprise" if by_enterprise else "ticket",
            population_enterprises=tuple(pairs[i] for i in ids) if by_enterprise else (),
            enterprises_drawn=chosen,
        )

    def rederive(self) -> tuple[UUID, ...]:
        """Re-run the recorded algorithm on the recorded seed, population and rate."""
        if self.algorithm != DRAW_ALGORITHM:
            raise ProjlifeError(
                f"re-derive draw {self.seed!r}", f"unknown algorithm {self.algorithm!r}", DRAW_ALGORITHM
            )
        if self.unit == "enterprise":
            return draw_enterprises(
                self.seed, zip(self.population, self.population_enterprises, strict=True), self.rate
            )[1]
        return draw_sample(self.seed, self.population, self.rate)

    def rederive_enterprises(self) -> tuple[str, ...]:
        """The drawn enterprises, re-derived (empty for a version-1 draw of tickets)."""
        if self.unit != "enterprise":
            return ()
        return draw_enterprises(
            self.seed, zip(self.population, self.population_enterprises, strict=True), self.rate
        )[0]

    @property
    def is_reproducible(self) -> bool:
        """Whether re-running the draw gives exactly the recorded sample (enterprises and tickets)."""
        return self.rederive() == self.drawn and self.rederive_enterprises() == self.enterprises_drawn
