"""Shared fixtures of the service tests: a migrated database on SQLite, and on PostgreSQL when
TRUSTMARKET_TEST_DATABASE_URL is set (each test in a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# The browser tests' fixtures, here so that each test process starts one browser for every file.
from browser import browse, chromium, site  # noqa: F401
from live_server import LiveServer, ManualClock, live_server
from sqlalchemy import Engine, text

from trustmarket.service.database import open_engine
from trustmarket.service.migrate import migrate
from trustmarket.service.settings import Settings, normalise_database_url

POSTGRES_URL = os.environ.get("TRUSTMARKET_TEST_DATABASE_URL")


def skip_without_postgres() -> str:
    """The PostgreSQL URL, or skip the test with how to set it."""
    if not POSTGRES_URL:
        pytest.skip(
            "PostgreSQL not tested: set TRUSTMARKET_TEST_DATABASE_URL "
            "(e.g. postgresql://postgres@127.0.0.1:5432/test); .ci/run sets it"
        )
    return POSTGRES_URL


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL URL; the test is skipped (saying how to set it) without one."""
    return skip_without_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database the service has never touched."""
    if request.param == "sqlite":
        made = open_engine(f"sqlite:///{tmp_path / 'service.db'}")
        yield made
        made.dispose()
        return
    url = skip_without_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = open_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    made = open_engine(f"{url}?options=-csearch_path%3D{schema}")
    try:
        yield made
    finally:
        made.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """A database at the newest schema."""
    migrate(empty_engine)
    return empty_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Service settings on an empty database: SQLite in a temporary data directory, or a
    PostgreSQL schema of this test's own (dropped afterwards)."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'service.db'}")
        return
    url = skip_without_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = open_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield Settings(
            data_dir=tmp_path,
            database_url=normalise_database_url(f"{url}?options=-csearch_path%3D{schema}"),
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    """A running service on a free loopback port over ``settings``."""
    with live_server(settings) as running:
        yield running


@pytest.fixture
def paused_server(settings: Settings) -> Iterator[LiveServer]:
    """A running service whose clock stands still until the test calls ``advance``: for
    tests of closing on schedule, which must not race a busy machine's wall clock."""
    with live_server(settings, clock=ManualClock()) as running:
        yield running


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the smallest costs, so a test's sign-ups and logins take milliseconds,
    not a tenth of a second each (the service's own default stays RFC 9106's second setting;
    tests of the hash format still see argon2id)."""
    from argon2 import PasswordHasher

    from trustmarket.service import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_HASHER", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("not a password of anyone"))
