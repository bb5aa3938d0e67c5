"""Migrations: a new database reaches the newest schema, a second run changes nothing, and the
migrated schema is the one the code declares (SQLite; PostgreSQL when its URL is set)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from trustmarket.core.errors import InvalidConfiguration
from trustmarket.service.migrate import current_revision, head_revision, migrate
from trustmarket.service.schema import Base


def test_a_new_database_reaches_the_newest_revision_and_a_rerun_changes_nothing(
    empty_engine: Engine,
) -> None:
    assert current_revision(empty_engine) is None
    assert migrate(empty_engine) == head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate(empty_engine) == head_revision()
    assert set(inspect(empty_engine).get_table_names()) == tables


def test_the_migrated_columns_are_the_declared_ones(empty_engine: Engine) -> None:
    migrate(empty_engine)
    inspector = inspect(empty_engine)
    for name, table in Base.metadata.tables.items():
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert set(columns) == {c.name for c in table.columns}, name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (name, column.name)


def test_the_event_log_refuses_an_event_for_an_unknown_auction(empty_engine: Engine) -> None:
    migrate(empty_engine)
    with pytest.raises(Exception, match=r"(?i)foreign key"), empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO auction_events (auction_id, seq, event_id, event_json) "
                "VALUES ('nope', 1, 'e1', '{}')"
            )
        )


def test_an_unknown_revision_is_refused_and_the_database_is_untouched(
    empty_engine: Engine,
) -> None:
    with pytest.raises(
        InvalidConfiguration, match="unknown schema revision 'r9999'; allowed: head"
    ):
        migrate(empty_engine, "r9999")
    assert current_revision(empty_engine) is None
    assert inspect(empty_engine).get_table_names() == []
