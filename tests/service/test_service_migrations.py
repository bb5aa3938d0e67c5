"""Migrations: a new database reaches the newest schema, a second run changes nothing, and the
migrated schema is the one the code declares (SQLite; PostgreSQL when its URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from trustmarket.service.database import open_engine
from trustmarket.service.migrate import current_revision, head_revision, migrate
from trustmarket.service.schema import Base

POSTGRES_URL = os.environ.get("TRUSTMARKET_TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = open_engine(f"sqlite:///{tmp_path / 'service.db'}")
        yield made
        made.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip(
            "PostgreSQL not tested: set TRUSTMARKET_TEST_DATABASE_URL "
            "(e.g. postgresql://postgres@127.0.0.1:5432/test); .ci/run sets it"
        )
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = open_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    made = open_engine(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield made
    finally:
        made.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_a_new_database_reaches_the_newest_revision_and_a_rerun_changes_nothing(
    engine: Engine,
) -> None:
    assert current_revision(engine) is None
    assert migrate(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == tables


def test_the_migrated_columns_are_the_declared_ones(engine: Engine) -> None:
    migrate(engine)
    inspector = inspect(engine)
    for name, table in Base.metadata.tables.items():
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert set(columns) == {c.name for c in table.columns}, name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (name, column.name)


def test_the_event_log_refuses_an_event_for_an_unknown_auction(engine: Engine) -> None:
    migrate(engine)
    with pytest.raises(Exception, match=r"(?i)foreign key"), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO auction_events (auction_id, seq, event_id, event_json) "
                "VALUES ('nope', 1, 'e1', '{}')"
            )
        )
