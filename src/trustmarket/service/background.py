"""Running the service inside another program: :func:`serve_in_background` starts it under
uvicorn on a thread and a free loopback port, for notebooks, examples and integration tests of
code that talks to the service."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI

from trustmarket.core.errors import InvalidConfiguration
from trustmarket.service.app import create_app
from trustmarket.service.settings import Settings
from trustmarket.service.state import Service

__all__ = ["BackgroundService", "free_port", "serve_in_background"]


def free_port() -> int:
    """A TCP port nobody listens on now (on 127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BackgroundService:
    """A running service: its base URL and the app (``app.state.service`` is the Service)."""

    url: str
    app: FastAPI

    @property
    def service(self) -> Service:
        service: Service = self.app.state.service
        return service


@contextmanager
def serve_in_background(
    settings: Settings, *, port: int | None = None, timeout: float = 30.0, **options: Any
) -> Iterator[BackgroundService]:
    """Serve :func:`~trustmarket.service.app.create_app` (``options`` go to it) on 127.0.0.1
    until the block ends; the block starts once the service is ready."""
    chosen = free_port() if port is None else port
    app = create_app(settings, **options)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=chosen, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="trustmarket-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise InvalidConfiguration(
                f"the service did not start on port {chosen} within {timeout} s "
                "(is the port taken, or the database unreachable?)"
            )
        time.sleep(0.01)
    try:
        yield BackgroundService(f"http://127.0.0.1:{chosen}", app)
    finally:
        server.should_exit = True
        thread.join(timeout)
