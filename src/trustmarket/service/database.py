"""Opening the service's database (SPEC section 9).

SQLite is the embedded default; every connection turns on write-ahead logging (readers do not
block the writer), ``synchronous=FULL`` (a committed transaction survives a power cut, which an
acknowledged bid needs) and foreign keys (off by default in SQLite). PostgreSQL is used as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from trustmarket.core.errors import InvalidConfiguration
from trustmarket.service.settings import Settings, normalise_database_url

__all__ = ["SQLITE_PRAGMAS", "open_engine"]

#: What every SQLite connection is set to, in order (WAL first: it persists in the file).
SQLITE_PRAGMAS = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", "5000"),
)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def open_engine(settings: Settings | str) -> Engine:
    """A SQLAlchemy engine for ``settings`` (or a database URL). For SQLite the file's
    directory is created and every connection gets :data:`SQLITE_PRAGMAS`; an in-memory
    SQLite database is refused, because the service's data must outlive the process."""
    url = normalise_database_url(settings if isinstance(settings, str) else settings.database_url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = parsed.database
    if not path or path == ":memory:":
        raise InvalidConfiguration(
            "the service needs a database file: give sqlite:///PATH, not an in-memory database"
        )
    directory = Path(path).parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidConfiguration(
            f"cannot create the database directory {str(directory)!r}: {error.strerror}"
        ) from None
    engine = create_engine(url)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine
