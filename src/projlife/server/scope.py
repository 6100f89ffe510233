"""Area scope: which areas a token's actor may read and write (its area and every area under it)."""

from __future__ import annotations

import attrs

from projlife.app.application import Projlife
from projlife.domain.actor import Actor
from projlife.domain.areas import AreaLevel
from projlife.plugins.types import CityProfile
from projlife.server.errors import OutOfArea

__all__ = ["AreaScope", "scope_of"]


@attrs.frozen
class AreaScope:
    """A token's reach: everything (``area_code`` None), or one area of one city and below it."""

    area_code: str | None = None
    city: CityProfile | None = None
    level: AreaLevel | None = None
    """The area's level (informational: reads are narrowed by the area's place in the tree)."""

    @property
    def unrestricted(self) -> bool:
        return self.area_code is None

    def covers(self, city_code: str | None, area_code: str | None) -> bool:
        """Whether an area of a city lies in this scope (the area itself or one below it)."""
        if self.area_code is None:
            return True
        if self.city is None or city_code != self.city.code or area_code is None:
            return False
        if area_code == self.area_code:
            return True
        return (
            any(a.code == self.area_code for a in self.city.areas.ancestors(area_code))
            if (area_code in self.city.areas)
            else False
        )

    def require(self, city_code: str | None, area_code: str | None, *, attempted: str) -> None:
        if not self.covers(city_code, area_code):
            raise OutOfArea(
                attempted,
                f"this token acts for area {self.area_code} only, not {area_code or 'an unknown area'}",
                f"area {self.area_code} and the areas under it",
            )

    def require_city(self, city: str | None, *, attempted: str) -> None:
        """A read naming a city (code or slug) outside this scope's city is refused."""
        if self.area_code is None or city is None:
            return
        if self.city is None:
            raise OutOfArea(
                attempted, f"no installed city has area {self.area_code}", "a token for a known area"
            )
        if city not in (self.city.code, self.city.slug):
            raise OutOfArea(attempted, f"this token reads city {self.city.code} only", self.city.code)

    def ledger_filters(
        self, city: str | None, county: str | None, area: str | None, *, attempted: str
    ) -> tuple[str | None, str | None, str | None]:
        """The (city, county, area) filters of a read, narrowed to this scope; outside it is refused."""
        if self.area_code is None:
            return city, county, area
        if self.city is None:
            raise OutOfArea(
                attempted, f"no installed city has area {self.area_code}", "a token for a known area"
            )
        own = self.city.code
        self.require_city(city, attempted=attempted)
        for value in (county, area):
            if value is not None:
                self.require(own, value, attempted=attempted)
        tree = self.city.areas
        if self.area_code == tree.top.code:  # the city, or a county plugin's county
            return own, county, area
        if any(u.code == self.area_code for u in tree.units):  # a 县市区, or a county's 镇街
            return own, self.area_code, area
        return own, county, area or self.area_code


def scope_of(app: Projlife, actor: Actor) -> AreaScope:
    """The scope of an actor: unrestricted without an area; its area of the city that has it."""
    if actor.area_code is None:
        return AreaScope()
    for city in app.cities.values():
        found = city.areas.get(actor.area_code)
        if found is not None:
            return AreaScope(actor.area_code, city, found.level)
    # an area no installed city knows: it covers nothing
    return AreaScope(actor.area_code, None, None)
