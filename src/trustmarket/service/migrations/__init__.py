"""Alembic migrations of the service's database; :func:`trustmarket.service.migrate.migrate`
runs them when the service starts."""
