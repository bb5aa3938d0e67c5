"""The marketplace service (SPEC section 9): settings, database, and (to come) the HTTP API.

:mod:`.settings` reads the configuration from the environment; :mod:`.database` opens the
embedded SQLite database in the data directory, or PostgreSQL when a URL names one.
"""
