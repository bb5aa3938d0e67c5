"""A real service on a free loopback port, in a thread of the test process (uvicorn), for API
tests over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from trustmarket.client import Client
from trustmarket.service.app import create_app
from trustmarket.service.settings import Settings
from trustmarket.service.state import Service

PASSWORD = "a-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running server: its address and the service behind it."""

    url: str
    app: Any

    @property
    def service(self) -> Service:
        service: Service = self.app.state.service
        return service

    def client(self, token: str | None = None) -> Client:
        return Client(self.url, token=token)

    def user(self, name: str, roles: list[str] | None = None) -> Client:
        """A new account, logged in."""
        client = self.client()
        client.register(name, PASSWORD, roles)
        client.login(name, PASSWORD)
        return client


@contextmanager
def live_server(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.time,
    tick_interval: float = 0.05,
    **options: Any,
) -> Iterator[LiveServer]:
    """Serve the app on a free port until the block ends (``options`` go to create_app)."""
    port = free_port()
    options.setdefault("stream_keepalive", 0.5)
    app = create_app(settings, clock=clock, tick_interval=tick_interval, **options)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(30)
