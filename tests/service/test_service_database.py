"""The service's settings and database: SQLite with WAL, synchronous FULL and foreign keys;
PostgreSQL when TRUSTMARKET_TEST_DATABASE_URL is set; bad settings refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from trustmarket.core.errors import InvalidConfiguration
from trustmarket.service.database import open_engine
from trustmarket.service.settings import load_settings, normalise_database_url


def test_the_default_is_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings({"TRUSTMARKET_DATA_DIR": str(tmp_path / "data")})
    assert settings.is_sqlite
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'trustmarket.db'}"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_sqlite_connections_use_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    settings = load_settings({"TRUSTMARKET_DATA_DIR": str(tmp_path / "nested" / "data")})
    engine = open_engine(settings)
    try:
        with engine.connect() as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar()
            sync = connection.execute(text("PRAGMA synchronous")).scalar()
            keys = connection.execute(text("PRAGMA foreign_keys")).scalar()
        assert (mode, sync, keys) == ("wal", 2, 1)  # synchronous 2 is FULL
        assert (tmp_path / "nested" / "data" / "trustmarket.db").exists()
    finally:
        engine.dispose()


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE a (id INTEGER PRIMARY KEY)"))
            connection.execute(text("CREATE TABLE b (a_id INTEGER REFERENCES a(id))"))
        with pytest.raises(Exception, match="FOREIGN KEY"), engine.begin() as connection:
            connection.execute(text("INSERT INTO b VALUES (42)"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM b")).scalar() == 0
    finally:
        engine.dispose()


def test_postgresql_urls_get_the_psycopg_driver() -> None:
    for url in ("postgresql://u@h:5432/db", "postgres://u@h:5432/db"):
        assert normalise_database_url(url) == "postgresql+psycopg://u@h:5432/db"


def test_postgresql_is_used_when_a_url_names_it(postgres_url: str) -> None:
    settings = load_settings({"TRUSTMARKET_DATABASE_URL": postgres_url})
    assert not settings.is_sqlite
    engine = open_engine(settings)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1 + 1")).scalar() == 2
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TRUSTMARKET_DATABASE_URL": "mysql://root@localhost/test"}, "not supported; allowed"),
        ({"TRUSTMARKET_DATABASE_URL": "trustmarket.db"}, "has no scheme"),
        ({"TRUSTMARKET_DATABASE_URL": "postgresql://"}, "names no server"),
        ({"TRUSTMARKET_PORT": "eighty"}, "whole number from 1 to 65535"),
        ({"TRUSTMARKET_PORT": "70000"}, "from 1 to 65535, got 70000"),
        ({"TRUSTMARKET_PORT": "0"}, "from 1 to 65535, got 0"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(environ: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidConfiguration, match=message):
        load_settings(environ)


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(InvalidConfiguration, match="is not a directory"):
        load_settings({"TRUSTMARKET_DATA_DIR": str(blocker)})


def test_an_in_memory_database_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(InvalidConfiguration, match="needs a database file"):
            open_engine(url)
    assert list(tmp_path.iterdir()) == []
