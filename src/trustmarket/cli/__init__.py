"""The ``trustmarket`` command (Typer + rich)."""
