"""What every demo section is handed: the open app, the city, the simulated drive, the output folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
from rich.console import Console

from projlife.app.application import Projlife
from projlife.demo.simulation import Simulation
from projlife.plugins.types import CityProfile

__all__ = ["DEMO_AS_OF", "DemoContext"]

DEMO_AS_OF = date(2024, 12, 31)
"""The business date the demo drive runs up to."""


@attrs.define
class DemoContext:
    app: Projlife
    city: CityProfile
    simulation: Simulation
    out: Path
    console: Console
    as_of: date
    seed: int
