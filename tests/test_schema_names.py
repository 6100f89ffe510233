"""PostgreSQL schema names: one pattern, quoted everywhere, no tenant reads another's tables."""

from __future__ import annotations

import uuid

import pytest

from conftest import POSTGRES_URL, _drop_schema, require_postgres
from domain_helpers import new_project
from projlife.app.application import connect
from projlife.store.database import SCHEMA_PATTERN, DatabaseURL, UnsupportedDatabase, quote_schema


@pytest.mark.parametrize(
    "name", ["Drive2024", "DRIVE", "a-b", "x;drop schema public", '"q"', "1abc", "a" * 64, "drive 2024", "區"]
)
def test_a_schema_name_outside_the_pattern_is_refused(name: str) -> None:
    with pytest.raises(UnsupportedDatabase, match="schema name"):
        DatabaseURL.parse(f"postgresql+psycopg://u@h/db?schema={name}")


@pytest.mark.parametrize("name", ["drive2024", "_t", "a" * 63, "t_0123abcd"])
def test_a_schema_name_inside_the_pattern_is_accepted_and_quoted(name: str) -> None:
    url = DatabaseURL.parse(f"postgresql+psycopg://u@h/db?schema={name}")
    assert url.schema == name
    assert SCHEMA_PATTERN.fullmatch(name)
    assert quote_schema(name) == f'"{name}"'


@pytest.mark.postgres
def test_a_mixed_case_schema_never_reads_the_lowercase_tenant() -> None:
    require_postgres()
    tenant = f"drive{uuid.uuid4().hex[:8]}"
    try:
        with connect(f"{POSTGRES_URL}?schema={tenant}", create_tables=True) as app:
            app.store.save(new_project("TENANT-A-1"))
        with pytest.raises(UnsupportedDatabase, match="schema name"):
            connect(f"{POSTGRES_URL}?schema={tenant.capitalize()}")
        # and the lowercase tenant still reads only its own data, through both connections
        with connect(f"{POSTGRES_URL}?schema={tenant}") as app:
            assert app.projects.find("420900", "TENANT-A-1").code == "TENANT-A-1"
            with app.sql() as conn:
                assert conn.exec_driver_sql("SELECT current_schema()").scalar() == tenant
    finally:
        _drop_schema(tenant)
