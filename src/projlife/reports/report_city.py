"""Which city a city-wide report is about: the one asked for, or the only one the database holds.

Shared by ``projlife report`` and ``projlife serve`` (the bulletins and rules endpoints).
"""

from __future__ import annotations

import sqlalchemy as sa

from projlife.domain.errors import ProjlifeError
from projlife.ports import ReadModelSources
from projlife.projections.facts import projects_table

__all__ = ["report_city"]


def report_city(pl: ReadModelSources, city: str | None) -> str:
    """The slug of ``city`` (slug or code) if the database holds projects of it, else of its only city.

    Refused when the asked city has no project, or when none is asked and the database holds
    projects of no city or of several.
    """
    with pl.engine.connect() as conn:
        codes = sorted(conn.execute(sa.select(projects_table.c.city_code).distinct()).scalars())
    held = ", ".join(pl.city(c).slug if pl.city_by_code(c) else c for c in codes)
    if city is not None:
        profile = pl.city(city)
        if profile.code not in codes:
            raise ProjlifeError(
                f"report on {profile.slug} ({profile.name_zh})",
                "the database holds no project of that city",
                f"a city it holds: {held or 'none yet'}",
            )
        return profile.slug
    if len(codes) == 1:
        return pl.city(codes[0]).slug
    raise ProjlifeError(
        "report without naming a city",
        f"the database holds projects of {len(codes)} cities" if codes else "the database holds no project",
        f"name one city: {held}" if codes else "a database with projects",
    )
