"""Bringing a database to the newest schema with Alembic (run when the service starts)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from trustmarket.core.errors import InvalidConfiguration

__all__ = ["MIGRATIONS", "current_revision", "head_revision", "migrate"]

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision the package ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> str | None:
    """Upgrade the database to ``revision`` (default the newest) in one transaction; running it
        again changes nothing. Returns the revision the database is now at; an unknown revision is
    refused before the database is touched."""
    config = _config()
    known = [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]
    if revision != "head" and revision not in known:
        raise InvalidConfiguration(
            f"unknown schema revision {revision!r}; allowed: head, {', '.join(reversed(known))}"
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revision(engine)
