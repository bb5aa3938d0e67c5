"""Alembic's entry point: runs the migrations on the connection the caller passes in
``config.attributes["connection"]`` (the service never reads alembic.ini)."""

from __future__ import annotations

from alembic import context

from trustmarket.service.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
