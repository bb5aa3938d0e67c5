"""The service's configuration, read from the environment (SPEC section 9).

| variable | default | meaning |
| --- | --- | --- |
| ``TRUSTMARKET_DATA_DIR`` | ``./trustmarket-data`` | where the embedded SQLite database lives |
| ``TRUSTMARKET_DATABASE_URL`` | SQLite in the data dir | ``sqlite:///PATH``, ``postgresql://...`` |
| ``TRUSTMARKET_HOST`` | ``127.0.0.1`` | the address ``trustmarket serve`` listens on |
| ``TRUSTMARKET_PORT`` | ``8000`` | its port (1 to 65535) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from trustmarket.core.errors import InvalidConfiguration

__all__ = ["DATABASE_SCHEMES", "Settings", "load_settings", "normalise_database_url"]

#: URL schemes the service accepts, and the SQLAlchemy driver each one uses.
DATABASE_SCHEMES = {
    "sqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}


@dataclass(frozen=True)
class Settings:
    """Where the data lives and where the service listens."""

    data_dir: Path
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded database."""
        return self.database_url.startswith("sqlite")


def normalise_database_url(url: str) -> str:
    """``url`` with the SQLAlchemy driver this project uses (``postgresql://`` becomes
    ``postgresql+psycopg://``); an unknown scheme names the allowed ones."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise InvalidConfiguration(
            f"database URL {url!r} has no scheme; allowed: sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/DATABASE"
        )
    driver = DATABASE_SCHEMES.get(scheme.lower())
    if driver is None:
        raise InvalidConfiguration(
            f"database URL scheme {scheme!r} is not supported; allowed: "
            + ", ".join(sorted(DATABASE_SCHEMES))
        )
    if not rest and driver != "sqlite":
        raise InvalidConfiguration(
            f"database URL {url!r} names no server; allowed: postgresql://USER@HOST:PORT/DATABASE"
        )
    return f"{driver}://{rest}"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise InvalidConfiguration(
            f"TRUSTMARKET_PORT must be a whole number from 1 to 65535, got {text!r}"
        ) from None
    if not 1 <= port <= 65535:
        raise InvalidConfiguration(f"TRUSTMARKET_PORT must be from 1 to 65535, got {port}")
    return port


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from ``environ`` (default: the process environment); see the module's
    table. Nothing is created here: the data directory is made when the database opens."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("TRUSTMARKET_DATA_DIR") or "trustmarket-data")
    if data_dir.exists() and not data_dir.is_dir():
        raise InvalidConfiguration(
            f"TRUSTMARKET_DATA_DIR {str(data_dir)!r} exists and is not a directory"
        )
    url = env.get("TRUSTMARKET_DATABASE_URL") or f"sqlite:///{data_dir / 'trustmarket.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=normalise_database_url(url),
        host=env.get("TRUSTMARKET_HOST") or "127.0.0.1",
        port=_port(env.get("TRUSTMARKET_PORT") or "8000"),
    )
