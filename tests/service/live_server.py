"""A real service on a free loopback port, in a thread of the test process, for API tests over
HTTP (a thin layer over trustmarket.service.background)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from trustmarket.client import Client
from trustmarket.service.background import free_port, serve_in_background
from trustmarket.service.settings import Settings
from trustmarket.service.state import Service

__all__ = ["PASSWORD", "LiveServer", "ManualClock", "free_port", "live_server"]

PASSWORD = "a-test-password"


class ManualClock:
    """A clock (Unix seconds) that stands still until the test moves it, so an auction closes
    when the test says so, not when a busy machine happens to get there."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class LiveServer:
    """A running server: its address, the service behind it and the clock it reads."""

    url: str
    app: Any
    clock: Callable[[], float]

    def advance(self, seconds: float) -> None:
        """Move the service's clock forward (only a server started on a ManualClock)."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("this server reads the wall clock; start it with clock=ManualClock()")
        self.clock.advance(seconds)

    @property
    def service(self) -> Service:
        service: Service = self.app.state.service
        return service

    def client(self, token: str | None = None) -> Client:
        return Client(self.url, token=token)

    def admin(self, name: str = "root") -> Client:
        """An admin, logged in. No one may sign up as admin, so the account is made by the
        service's own code path, on the writer."""
        from sqlalchemy.orm import Session

        from trustmarket.service import accounts

        def make_admin(work: Any) -> None:
            with Session(bind=work.connection) as session:
                accounts.register(session, name, PASSWORD, work.now, ("admin",))

        self.service.writer.call(make_admin)
        client = self.client()
        client.login(name, PASSWORD)
        return client

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
    """Serve the app until the block ends (``options`` go to create_app); ticks every 50 ms
    and keep-alives every 0.5 s, so tests do not wait."""
    options.setdefault("stream_keepalive", 0.5)
    with serve_in_background(
        settings, clock=clock, tick_interval=tick_interval, **options
    ) as running:
        yield LiveServer(running.url, running.app, clock)
