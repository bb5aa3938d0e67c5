"""``trustmarket serve``: run the marketplace service (HTTP API) under uvicorn."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from trustmarket.cli.common import reports_errors


def _configure_logging(access_log: bool) -> None:
    from trustmarket.service.app import JsonLogFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("trustmarket.service.access").setLevel(
        logging.INFO if access_log else logging.WARNING
    )
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


@reports_errors
def serve_command(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on [default: TRUSTMARKET_HOST or 127.0.0.1]."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port [default: TRUSTMARKET_PORT or 8000].", min=1, max=65535),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Data directory of the embedded database "
            "[default: TRUSTMARKET_DATA_DIR or ./trustmarket-data]."
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option(help="Seed a demo market (accounts, auctions) into an empty database.")
    ] = False,
    access_log: Annotated[
        bool, typer.Option(help="Log every request as a JSON line on stderr.")
    ] = True,
    admin: Annotated[
        str | None,
        typer.Option(
            help="Make this admin account at start unless it exists; its password comes "
            "from TRUSTMARKET_ADMIN_PASSWORD."
        ),
    ] = None,
) -> None:
    """Run the marketplace service: the HTTP API, its scheduler and live streams."""
    import os

    import uvicorn

    from trustmarket.service.app import create_app
    from trustmarket.service.bootstrap import ADMIN_PASSWORD_VARIABLE, ensure_admin, prepare_admin
    from trustmarket.service.demo import DEMO_PASSWORD, seed_demo
    from trustmarket.service.settings import load_settings

    environ = dict(os.environ)
    admin_password = environ.get(ADMIN_PASSWORD_VARIABLE, "")
    if admin is not None and not admin_password:
        typer.echo(
            f"error: --admin {admin} needs the password in {ADMIN_PASSWORD_VARIABLE} "
            "(it is never read from the command line)",
            err=True,
        )
        raise typer.Exit(2)
    first_admin = None if admin is None else prepare_admin(admin, admin_password)
    if data_dir is not None:
        environ["TRUSTMARKET_DATA_DIR"] = str(data_dir)
    settings = load_settings(environ)
    settings = replace(
        settings,
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
    )
    _configure_logging(access_log)
    address = f"http://{settings.host}:{settings.port}"

    def started(service: object) -> None:
        from trustmarket.service.state import Service

        assert isinstance(service, Service)
        where = "PostgreSQL" if not settings.is_sqlite else f"SQLite in {settings.data_dir}"
        typer.echo(f"trustmarket service on {address} ({where})", err=True)
        typer.echo(f"  web pages: {address}/   (open it in a browser)", err=True)
        typer.echo(f"  API reference: {address}/docs   health: {address}/readyz", err=True)
        if first_admin is not None:
            made = ensure_admin(service, first_admin)
            state = "made" if made else "exists already; unchanged"
            typer.echo(f"  admin account {admin!r}: {state}", err=True)
        if demo:
            seeded = seed_demo(service)
            if seeded.accounts:
                typer.echo(
                    f"  demo market: accounts {', '.join(seeded.accounts)} "
                    f"(password {DEMO_PASSWORD!r}), {len(seeded.auctions)} open auctions",
                    err=True,
                )
            else:
                typer.echo("  demo market: the database already has accounts; not seeded", err=True)

    app = create_app(settings, on_start=started, access_log=access_log)
    # Open streams would hold a shutdown forever: give them 5 s, then close them.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
