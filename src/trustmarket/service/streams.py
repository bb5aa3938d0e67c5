"""Live updates: Server-Sent Events per auction and per account (SPEC section 9).

The writer thread calls :meth:`Broadcaster.publish` after a commit; every subscriber of the
topic is woken on its event loop. A subscriber keeps only a "something changed" flag and the set
of changed auction ids, so a burst of bids costs one message per subscriber, not one per bid,
and a slow reader never holds up the writer. What a message contains is computed when it is
sent, for that subscriber, by the same view function as the HTTP API: a stream cannot show more
than a GET would.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

__all__ = ["Broadcaster", "Subscription", "sse_message", "sse_response"]


def sse_message(event: str, data: Any) -> bytes:
    """One Server-Sent Events message (``event:`` and one ``data:`` line of JSON)."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def sse_response(
    broadcaster: Broadcaster,
    request: Request,
    topic: str,
    render: Callable[[set[str]], Awaitable[bytes]],
    first: bytes,
) -> StreamingResponse:
    """A Server-Sent Events response: ``first``, then ``render`` after each change of
    ``topic``, until the client goes away."""
    stream = broadcaster.stream(topic, render, first=first, is_disconnected=request.is_disconnected)
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@dataclass(eq=False)
class Subscription:
    """One subscriber's wake-up flag and the topics' keys changed since it last read."""

    loop: asyncio.AbstractEventLoop
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    changed: set[str] = field(default_factory=set)

    def _notify(self, key: str) -> None:
        self.changed.add(key)
        self.wake.set()

    async def next(self, timeout: float) -> set[str]:
        """The keys changed since the last call; empty after ``timeout`` seconds of quiet."""
        try:
            await asyncio.wait_for(self.wake.wait(), timeout)
        except TimeoutError:
            return set()
        self.wake.clear()
        keys, self.changed = self.changed, set()
        return keys


class Broadcaster:
    """Topics (``auction:ID``, ``account:NAME``) and their subscribers, across threads."""

    def __init__(self, keepalive: float = 15.0) -> None:
        self.keepalive = keepalive
        self._lock = threading.Lock()
        self._topics: dict[str, set[Subscription]] = {}

    def subscribe(self, topic: str) -> Subscription:
        """A subscription on the running event loop."""
        sub = Subscription(asyncio.get_running_loop())
        with self._lock:
            self._topics.setdefault(topic, set()).add(sub)
        return sub

    def unsubscribe(self, topic: str, sub: Subscription) -> None:
        with self._lock:
            subs = self._topics.get(topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._topics[topic]

    def publish(self, topic: str, key: str) -> None:
        """Tell every subscriber of ``topic`` that ``key`` changed (from any thread)."""
        with self._lock:
            subs = list(self._topics.get(topic, ()))
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub._notify, key)
            except RuntimeError:  # its loop has closed: the client is gone
                self.unsubscribe(topic, sub)

    def subscribers(self, topic: str) -> int:
        with self._lock:
            return len(self._topics.get(topic, ()))

    async def stream(
        self,
        topic: str,
        render: Callable[[set[str]], Awaitable[bytes | None]],
        *,
        first: bytes | None = None,
        is_disconnected: Callable[[], Awaitable[bool]] | None = None,
    ) -> AsyncIterator[bytes]:
        """Messages for one subscriber: ``first``, then ``render(changed keys)`` after each
        change, and a comment line every :attr:`keepalive` seconds of quiet (when a client
        that went away is noticed)."""
        sub = self.subscribe(topic)
        try:
            if first is not None:
                yield first
            while True:
                keys = await sub.next(self.keepalive)
                if is_disconnected is not None and await is_disconnected():
                    return
                if not keys:
                    yield b": keepalive\n\n"
                    continue
                message = await render(keys)
                if message is not None:
                    yield message
        finally:
            self.unsubscribe(topic, sub)
