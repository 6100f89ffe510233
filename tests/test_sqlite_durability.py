"""The SQLite event store's ``PRAGMA synchronous`` follows the URL; NORMAL unless asked for more."""

from __future__ import annotations

from pathlib import Path

import pytest

from projlife.app.application import connect
from projlife.store.database import DatabaseURL, UnsupportedDatabase

LEVELS = {"1": "NORMAL", "2": "FULL", "3": "EXTRA"}


def _event_store_level(app: object) -> str:
    recorder = app.store.recorder  # type: ignore[attr-defined]
    with recorder.datastore.transaction(commit=False) as cur:
        cur.execute("PRAGMA synchronous")
        return LEVELS[str(cur.fetchone()[0])]


def _read_model_level(app: object) -> str:
    with app.engine.connect() as conn:  # type: ignore[attr-defined]
        return LEVELS[str(conn.exec_driver_sql("PRAGMA synchronous").scalar())]


@pytest.mark.parametrize(
    ("query", "level"), [("", "NORMAL"), ("?synchronous=full", "FULL"), ("?synchronous=EXTRA", "EXTRA")]
)
def test_event_store_and_read_models_commit_with_the_urls_synchronous_level(
    tmp_path: Path, query: str, level: str
) -> None:
    with connect(f"sqlite:///{tmp_path / 'p.db'}{query}", create_tables=True) as app:
        assert _event_store_level(app) == level
        assert _read_model_level(app) == level


def test_an_unsafe_or_unknown_synchronous_level_is_refused(tmp_path: Path) -> None:
    for bad in ("off", "fast"):
        with pytest.raises(UnsupportedDatabase, match=f"synchronous={bad}"):
            DatabaseURL.parse(f"sqlite:///{tmp_path / 'p.db'}?synchronous={bad}")


def test_events_written_with_normal_are_read_back_by_a_new_connection(tmp_path: Path) -> None:
    from datetime import date

    url = f"sqlite:///{tmp_path / 'p.db'}"
    with connect(url, create_tables=True) as app:
        city = app.city("xiaogan")
        county = city.areas.counties[0].code
        result = app.projects.execute(
            {
                "command": "conceive",
                "code": "XG-2024-001",
                "project_name": "测试项目",
                "city_code": city.code,
                "area_code": county,
                "category": "industrial",
                "planned_investment_yuan": "300000000",
                "occurred_on": date(2024, 3, 1).isoformat(),
                "actor": {"id": "c1", "role": "clerk", "area_code": county},
            }
        )
    with connect(url) as app:
        assert app.projects.get(result.aggregate_id).code == "XG-2024-001"
