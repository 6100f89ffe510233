"""Optional parts of projlife and the clear error when one is not installed.

The core install (``pip install projlife``) holds the domain, the application, the SQLite event
store, the projections, the plugins and the audit trail. Everything else is an extra:

=============  ==========================================================
extra          for
=============  ==========================================================
``postgres``   PostgreSQL event store and read models (psycopg, needs libpq)
``excel``      台账 ledger export and import (.xlsx, openpyxl)
``charts``     PNG charts and the HTML report's embedded font (matplotlib)
``cli``        the ``projlife`` command line (typer, rich)
``oc4ids``     validating OC4IDS packages against their schema (jsonschema)
``all``        every extra above
=============  ==========================================================
"""

from __future__ import annotations

from projlife.domain.errors import ProjlifeError

__all__ = ["EXTRAS", "MODULE_EXTRAS", "MissingExtra", "missing_extra", "require"]

EXTRAS: dict[str, str] = {
    "postgres": "a PostgreSQL database",
    "excel": "reading and writing .xlsx ledgers",
    "charts": "charts and the HTML report",
    "cli": "the projlife command line",
    "oc4ids": "validating OC4IDS packages",
}

MODULE_EXTRAS: dict[str, str] = {
    "psycopg": "postgres",
    "psycopg_pool": "postgres",
    "openpyxl": "excel",
    "matplotlib": "charts",
    "notojp_matplotlib": "charts",
    "fontTools": "charts",
    "typer": "cli",
    "click": "cli",
    "rich": "cli",
    "jsonschema": "oc4ids",
    "referencing": "oc4ids",
}
"""Which extra installs each optional top-level module."""


class MissingExtra(ProjlifeError, ImportError):
    """A feature needs an optional extra that is not installed; the message names it."""

    def __init__(self, extra: str, module: str) -> None:
        self.extra = extra
        self.module = module
        ProjlifeError.__init__(
            self,
            f"use {EXTRAS.get(extra, extra)}",
            f"the Python package {module!r} is not installed",
            f"pip install 'projlife[{extra}]'",
        )


def missing_extra(extra: str, exc: ImportError) -> MissingExtra:
    """The error to raise when importing a module of ``extra`` failed with ``exc``."""
    module = (exc.name or str(exc)).split(".")[0]
    return MissingExtra(MODULE_EXTRAS.get(module, extra), module)


def require(extra: str, *modules: str) -> None:
    """Raise :class:`MissingExtra` unless every one of ``modules`` (of ``extra``) can be imported."""
    import importlib.util

    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingExtra(extra, module)
