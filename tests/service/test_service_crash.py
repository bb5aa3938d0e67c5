"""Crash test of the service: ``kill -9`` the server in the middle of a bidding load, restart it
on the same database, and check that nothing it acknowledged was lost.

The service commits a bid, with its transparency-log entry, before it sends the 201 receipt.
So after a SIGKILL (no shutdown, no flush, no lifespan hooks) and a restart on the same SQLite
file or PostgreSQL schema:

* every acknowledged receipt is among the bidder's stored events, unchanged;
* every acknowledged receipt verifies against the log with the public key pinned *before* the
  crash, and the log after the restart extends (consistency proof) a head signed before it;
* each auction, replayed from its stored events, stands at the price of the bidder's highest
  acknowledged bid (or of the one bid in flight at the crash: committed but unacknowledged is
  allowed, acknowledged but lost is not).

The server runs as ``trustmarket serve`` in a subprocess, exactly as deployed; the load comes
from one thread per bidder, each raising its bid in an English auction of its own as fast as the
service answers. In each auction a rival holds a high proxy maximum, so the bidder never leads
and every accepted bid moves the standing price to the bid plus the increment (a leader raising
its own bid would only raise its hidden maximum, which the price does not show).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from trustmarket.client import ApiError, Client
from trustmarket.ledger.log import ConsistencyProof, TreeHead
from trustmarket.ledger.verify import LogClient
from trustmarket.service.settings import Settings

pytestmark = pytest.mark.slow

BIDDERS = 8
PASSWORD = "crash-test-password"
#: The auctions' increment, in cents; the rival's proxy maximum (never reached by the load).
INCREMENT = 1
RIVAL_MAXIMUM = "1000000.00"
#: How long the bidding load runs before the server is killed.
LOAD_SECONDS = 1.0
#: How long a (re)started server may take to answer /readyz with 200.
READY_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(settings: Settings) -> dict[str, str]:
    """The process environment with the test's database (the same for both starts)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTMARKET_")}
    env["TRUSTMARKET_DATA_DIR"] = str(settings.data_dir)
    env["TRUSTMARKET_DATABASE_URL"] = settings.database_url
    return env


def _start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """``trustmarket serve`` on ``port``, once it answers /readyz with 200; its output goes to
    ``log_path`` (appended, so both runs of the server are kept for a failure's report)."""
    command = [
        sys.executable,
        "-c",
        "from trustmarket.cli.app import main; main()",
        "serve",
        "--port",
        str(port),
        "--no-access-log",
    ]
    with log_path.open("ab") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"the service exited with {server.returncode} before it was ready:\n"
                + log_path.read_text(errors="replace")[-4000:]
            )
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.kill()
    server.wait(10)
    pytest.fail(
        f"the service was not ready within {READY_SECONDS:.0f} s:\n"
        + log_path.read_text(errors="replace")[-4000:]
    )


def _stop(server: subprocess.Popen[bytes] | None) -> None:
    if server is not None and server.poll() is None:
        server.kill()
        server.wait(10)


@dataclass
class Bidder:
    """One bidding client: its account, its own auction, and what the service acknowledged."""

    name: str
    token: str
    auction_id: str
    #: (amount in cents, receipt) of every bid answered with a 2xx, in order.
    acknowledged: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    #: A refusal of the service (none is expected: every bid tops the standing price).
    refusal: ApiError | None = None
    #: The transport error that ended the load for this bidder (the crash).
    lost: httpx.HTTPError | None = None


def _setup(url: str) -> list[Bidder]:
    """An auction owner, a rival, and BIDDERS bidders, each joined to an English auction of its
    own in which the rival already holds a proxy bid with a high maximum."""
    with Client(url) as owner, Client(url) as rival:
        owner.register("owner", PASSWORD, roles=["participant", "auction_owner"])
        owner.login("owner", PASSWORD)
        rival.register("rival", PASSWORD)
        rival.login("rival", PASSWORD)
        bidders = []
        for i in range(BIDDERS):
            name = f"bidder{i:02d}"
            auction_id = str(
                owner.create_auction(
                    "english", "EUR", duration=3600, config={"increment": f"0.{INCREMENT:02d}"}
                )["auction_id"]
            )
            rival.join(auction_id)
            rival.bid(auction_id, "0.01", max_amount=RIVAL_MAXIMUM)
            with Client(url) as client:
                client.register(name, PASSWORD)
                token = client.login(name, PASSWORD)
                client.join(auction_id)
            bidders.append(Bidder(name, token, auction_id))
        return bidders


def _bid_until_gone(url: str, bidder: Bidder, stop: threading.Event) -> None:
    """Raise the bidder's bid (1.00, 2.00, ...) until the server is gone or ``stop`` is set,
    recording every acknowledged receipt."""
    with Client(url, token=bidder.token, timeout=10) as client:
        k = 0
        while not stop.is_set():
            k += 1
            try:
                receipt = client.bid(bidder.auction_id, f"{k}.00")
            except ApiError as error:
                bidder.refusal = error
                return
            except httpx.HTTPError as error:
                bidder.lost = error
                return
            bidder.acknowledged.append((k * 100, receipt))


def _extends(pinned: str, before: TreeHead, url: str) -> TreeHead:
    """The log's head now, after checking under the pinned key that it extends ``before`` (a
    head signed before the crash): a forked, rewritten or rolled-back log raises."""
    with Client(url, log_key=pinned) as client:
        monitor = LogClient(client.log_key(), trusted=before)
        after = TreeHead.from_json(client.request("GET", "/api/ledger/head"))
        proof = None
        if 0 < before.size < after.size:
            data = client.request(
                "GET", "/api/ledger/consistency", params={"old": before.size, "new": after.size}
            )
            proof = ConsistencyProof.from_json(data["proof"])
        monitor.update(after, proof)
        return after


def _check_bidder(url: str, pinned: str, bidder: Bidder, head: TreeHead) -> None:
    """Everything the service acknowledged to ``bidder`` is stored, on the log, and stands."""
    with Client(url, log_key=pinned) as client:
        client.login(bidder.name, PASSWORD)
        stored = {r["seq"]: r for r in client.receipts(bidder.auction_id)}
        for amount, receipt in bidder.acknowledged:
            seq = receipt["seq"]
            assert seq in stored, (
                f"{bidder.name}: acknowledged bid {amount / 100:.2f} (seq {seq}, log index "
                f"{receipt['log_index']}) is missing after the restart"
            )
            for key in ("event", "salt", "log_index"):
                assert stored[seq][key] == receipt[key], (
                    f"{bidder.name}: acknowledged seq {seq} changed its {key}: "
                    f"{receipt[key]!r} before the crash, {stored[seq][key]!r} after"
                )
            assert head.size >= receipt["log_index"] + 1
            # On the restarted log, with the key pinned before the crash.
            client.verify_receipt(receipt)
        # At most the one bid in flight at the crash may have been committed without its
        # receipt reaching the client; an acknowledged bid may never be lost.
        last_seq = bidder.acknowledged[-1][1]["seq"]
        unacknowledged = sorted(seq for seq in stored if seq > last_seq)
        assert len(unacknowledged) <= 1, (
            f"{bidder.name}: events {unacknowledged} stored after the last acknowledged seq "
            f"{last_seq}, but only one bid was in flight"
        )
        # The replayed auction stands at the highest acknowledged bid plus the increment (the
        # rival's proxy answers it), or at the in-flight bid's if that one was committed.
        highest = bidder.acknowledged[-1][0]
        allowed = {highest + INCREMENT} | ({highest + 100 + INCREMENT} if unacknowledged else set())
        price = client.auction(bidder.auction_id)["price"]
        assert price is not None, f"{bidder.name}: no standing price after the restart"
        assert price["currency"] == "EUR"
        assert price["minor"] in allowed, (
            f"{bidder.name}: standing price {price['minor'] / 100:.2f} after the restart; "
            f"highest acknowledged bid {highest / 100:.2f}, allowed prices "
            f"{sorted(p / 100 for p in allowed)}"
        )


def test_acknowledged_bids_survive_kill_9(settings: Settings, tmp_path: Path) -> None:
    env = _server_env(settings)
    log_path = tmp_path / "server.log"
    server: subprocess.Popen[bytes] | None = None
    restarted: subprocess.Popen[bytes] | None = None
    try:
        port = _free_port()
        server = _start_server(env, port, log_path)
        url = f"http://127.0.0.1:{port}"
        bidders = _setup(url)
        stop = threading.Event()
        threads = [
            threading.Thread(target=_bid_until_gone, args=(url, b, stop), daemon=True)
            for b in bidders
        ]
        with Client(url) as monitor:
            pinned = monitor.log_key().hex
            for thread in threads:
                thread.start()
            time.sleep(LOAD_SECONDS / 2)
            before = monitor.tree_head()  # signed mid-load: the restarted log must extend it
            time.sleep(LOAD_SECONDS / 2)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        killed_at = time.monotonic()
        stop.set()
        for thread in threads:
            thread.join(15)
            assert not thread.is_alive(), "a bidding client did not stop after the crash"

        refusals = [(b.name, b.refusal) for b in bidders if b.refusal is not None]
        assert not refusals, f"bids were refused during the load: {refusals}"
        assert all(b.lost is not None for b in bidders), "a client was not cut off by the crash"
        acknowledged = sum(len(b.acknowledged) for b in bidders)
        assert acknowledged > 0, "no bid was acknowledged before the crash: the load never ran"
        assert all(b.acknowledged for b in bidders), "some bidder got no bid acknowledged"

        port = _free_port()  # a new port: the old one may linger in TIME_WAIT
        restarted = _start_server(env, port, log_path)
        restart_seconds = time.monotonic() - killed_at
        url = f"http://127.0.0.1:{port}"
        head = _extends(pinned, before, url)
        for bidder in bidders:
            _check_bidder(url, pinned, bidder, head)
        print(
            f"\n{settings.database_url.split(':')[0]}: {acknowledged} bids acknowledged by "
            f"{BIDDERS} clients in {LOAD_SECONDS} s before the kill; log of {head.size} entries "
            f"after the restart (ready {restart_seconds:.1f} s after the kill)"
        )
    finally:
        _stop(server)
        _stop(restarted)
