"""Values that city plugins return from their hooks."""

from __future__ import annotations

import attrs

from projlife.domain.areas import AreaTree

__all__ = ["CityProfile"]


@attrs.frozen
class CityProfile:
    """A city's identity and its areas.

    ``slug`` is the short ASCII name used on the command line (``--city xiaogan``);
    ``code`` is the city's administrative code, which every project of the city carries.
    ``source`` cites the seed document the city's rules come from.
    """

    slug: str
    code: str
    name_zh: str
    name_en: str
    areas: AreaTree
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.areas.city.code != self.code:
            raise ValueError(f"city {self.slug}: area tree's city is {self.areas.city.code}, not {self.code}")
