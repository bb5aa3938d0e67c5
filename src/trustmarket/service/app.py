"""The FastAPI application of the marketplace service (SPEC section 9).

:func:`create_app` builds the app for some :class:`~trustmarket.service.settings.Settings`; the
service starts (migrations, replay of open auctions, writer and scheduler) when the app's
lifespan begins and stops when it ends. ``trustmarket serve`` runs it under uvicorn.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, ClassVar

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import trustmarket
from trustmarket.service.errors import BodyLimit, install_error_handlers
from trustmarket.service.fastpath import BidFastPath
from trustmarket.service.routes import (
    accounts,
    agents,
    auctions,
    exchanges,
    health,
    ledger,
    reputation,
    sharing,
    tools,
)
from trustmarket.service.settings import Settings, load_settings
from trustmarket.service.state import Service
from trustmarket.service.web import install_pages

__all__ = ["MAX_BODY_BYTES", "JsonLogFormatter", "create_app"]

#: The largest request body the API reads.
MAX_BODY_BYTES = 256 * 1024

_access = logging.getLogger("trustmarket.service.access")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    _STANDARD: ClassVar[frozenset[str]] = frozenset(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in self._STANDARD})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


class AccessLog:
    """Log each request's method, path, status and duration as one structured record."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _access.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            _access.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], float] = time.time,
    tick_interval: float = 0.25,
    on_start: Callable[[Service], None] | None = None,
    access_log: bool = True,
    fast_path: bool = True,
    stream_keepalive: float = 15.0,
    webhook_backoff: float = 0.5,
) -> FastAPI:
    """The service's app. ``clock`` (Unix seconds) and ``tick_interval`` (how often the
    scheduler looks for due closings) are for tests; ``on_start`` runs once the service is up
    (``trustmarket serve --demo`` seeds its demo market there); ``access_log`` logs every
    request as a structured record (off, the middleware is not even installed); ``fast_path``
    serves participants' actions through :mod:`trustmarket.service.fastpath` (off: through the
    FastAPI routes alone, which answer the same); ``stream_keepalive`` is the seconds between
    keep-alive comments on a quiet stream; ``webhook_backoff`` the first pause (seconds, then
    doubling) between an agent's webhook attempts."""
    chosen = load_settings() if settings is None else settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = Service(
            chosen,
            clock=clock,
            tick_interval=tick_interval,
            stream_keepalive=stream_keepalive,
            webhook_backoff=webhook_backoff,
        )
        app.state.service = service
        service.start()
        try:
            if on_start is not None:
                on_start(service)
            yield
        finally:
            service.stop()

    app = FastAPI(
        title="trustmarket",
        version=trustmarket.__version__,
        summary="Trustworthy agent-mediated electronic markets",
        description=(
            "Auctions of every kind, accounts and roles, the transparency log and live "
            "streams. Amounts are decimal strings in the auction's currency; every refusal is "
            'a 4xx with `{"error": code, "message": text}`.'
        ),
        lifespan=lifespan,
        # FastAPI's OpenTelemetry hooks look up the providers on every request; a deployment
        # that wants traces wraps the app in its own instrumentation instead.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)
    for router in (
        health.router,
        accounts.router,
        auctions.router,
        agents.router,
        reputation.router,
        exchanges.router,
        sharing.router,
        ledger.router,
        tools.router,
    ):
        app.include_router(router)
    install_pages(app)
    if fast_path:
        app.add_middleware(BidFastPath)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    if access_log:
        app.add_middleware(AccessLog)
    return app
