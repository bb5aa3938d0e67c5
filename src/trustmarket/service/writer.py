"""The single writer: every state change of the service runs on one thread, in batches, and a
batch is committed once (group commit) before any of its callers hears back.

Why one thread: an auction is an in-memory state machine (SPEC section 1) and SQLite takes one
writer at a time anyway; a queue in front of one thread orders the events of every auction
without locks, and batching turns a burst of bids into one fsync. An accepted bid is therefore
durable before it is acknowledged: a job's future is resolved only after its batch committed.

A job is a function of a :class:`Work` (the open transaction, the time, hooks). A job that raises
a :class:`~trustmarket.core.errors.TrustmarketError` must have written nothing (every check runs
before the first write, as in the engines); its caller gets the error and the batch goes on. Any
other exception rolls the whole batch back: every caller in it gets the error, and the
``on_rollback`` hooks drop whatever in-memory state the batch touched.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from trustmarket.core.errors import TrustmarketError
from trustmarket.core.ids import ulid_from_bytes

__all__ = ["Work", "Writer"]

T = TypeVar("T")
_log = logging.getLogger("trustmarket.service.writer")


@dataclass
class Work:
    """What a job sees: the batch's connection (inside its transaction) and the time (Unix
    seconds, never earlier than the previous batch's), and hooks run after the commit or
    after a rollback."""

    connection: Connection
    now: int
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    on_rollback: list[Callable[[], None]] = field(default_factory=list)
    #: Run after the last job, inside the transaction: writes collected over the batch are
    #: done here in one statement each (a failure rolls the whole batch back).
    before_commit: list[Callable[[], None]] = field(default_factory=list)
    #: Rows collected for ``before_commit``, by kind.
    pending: dict[str, list[Any]] = field(default_factory=dict)

    def new_id(self, now: int | None = None) -> str:
        """A fresh ULID stamped ``now`` (default the batch's time), from the OS's randomness."""
        return ulid_from_bytes((self.now if now is None else now) * 1000, os.urandom(10))

    def defer(self, kind: str, item: Any, flush: Callable[[list[Any]], None]) -> int:
        """Collect ``item`` to be written with the other ``kind`` items of the batch by
        ``flush`` before the commit; return how many ``kind`` items came before it."""
        items = self.pending.get(kind)
        if items is None:
            items = self.pending[kind] = []
            self.before_commit.append(lambda: flush(items))
        items.append(item)
        return len(items) - 1


@dataclass
class _Job:
    run: Callable[[Work], Any]
    future: Future[Any]


class Writer:
    """The writer thread; :meth:`submit` queues a job and returns its future."""

    def __init__(self, engine: Engine, clock: Callable[[], float], *, max_batch: int = 512) -> None:
        self._engine = engine
        self._clock = clock
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._last_now = 0
        self.batches = 0
        self.jobs = 0

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="trustmarket-writer")
            self._thread.daemon = True
            self._thread.start()

    def stop(self) -> None:
        """Finish the queued jobs, then end the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def submit(self, run: Callable[[Work], T]) -> Future[T]:
        """Queue ``run``; its future holds the result once the batch committed."""
        future: Future[T] = Future()
        if self._thread is None:
            future.set_exception(RuntimeError("the service's writer is not running"))
            return future
        self._queue.put(_Job(run, future))
        return future

    def call(self, run: Callable[[Work], T], timeout: float | None = 30.0) -> T:
        """Run ``run`` on the writer and wait for its committed result."""
        return self.submit(run).result(timeout)

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            self._run_batch(batch)

    def _run_batch(self, batch: list[_Job]) -> None:
        self._last_now = max(self._last_now, int(self._clock()))
        results: list[tuple[_Job, bool, Any]] = []
        work: Work | None = None
        try:
            with self._engine.begin() as connection:
                work = Work(connection=connection, now=self._last_now)
                for job in batch:
                    if not job.future.set_running_or_notify_cancel():
                        continue
                    try:
                        results.append((job, True, job.run(work)))
                    except TrustmarketError as error:
                        results.append((job, False, error))
                for hook in work.before_commit:
                    hook()
        except Exception as error:  # the batch is rolled back: nobody's change was kept
            _log.exception("a batch of %d jobs was rolled back", len(batch))
            for hook in work.on_rollback if work is not None else ():
                hook()
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(error)
            return
        self.batches += 1
        self.jobs += len(batch)
        for hook in work.after_commit:
            try:
                hook()
            except Exception:  # a notification must not lose the results
                _log.exception("an after-commit hook failed")
        for job, ok, value in results:
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)
