"""Issue 9 benchmark: the marketplace service under 32 concurrent bidding clients, on loopback.

Starts ``trustmarket serve`` in its own process (SQLite in a temporary data directory, then
PostgreSQL when TRUSTMARKET_TEST_DATABASE_URL names one), opens one English auction per client
and lets every client raise its own bid as fast as the service acknowledges it: each bid is
accepted, committed (SQLite: WAL with synchronous=FULL) and on the transparency log before its
201 comes back. Clients are keep-alive HTTP/1.1 connections driven by one asyncio process, so
the load generator stays light. Prints sustained accepted bids/s and p50/p99 latency, and the
ratios to the targets (2,000 bids/s, p99 under 50 ms on SQLite).

    python bench/service.py [--clients 32] [--seconds 10] [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import httpx
import numpy as np

from trustmarket.service.background import free_port

TARGET_BIDS_PER_SECOND = 2000
TARGET_P99_MS = 50.0


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from trustmarket.cli.app import main; main()",
        "serve",
        "--port",
        str(port),
        "--no-access-log",
    ]
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("the service did not become ready")


def _setup(url: str, clients: int) -> list[tuple[str, str]]:
    """Accounts and one English auction per client: (token, auction id) pairs."""
    with httpx.Client(base_url=url, timeout=30) as http:
        http.post(
            "/api/accounts",
            json={"name": "house", "password": "bench-password", "roles": ["auction_owner"]},
        ).raise_for_status()
        owner = http.post(
            "/api/sessions", json={"name": "house", "password": "bench-password"}
        ).json()["token"]
        pairs = []
        for i in range(clients):
            name = f"bidder{i:02d}"
            http.post(
                "/api/accounts", json={"name": name, "password": "bench-password"}
            ).raise_for_status()
            token = http.post(
                "/api/sessions", json={"name": name, "password": "bench-password"}
            ).json()["token"]
            auction = http.post(
                "/api/auctions",
                headers={"Authorization": f"Bearer {owner}"},
                json={
                    "mechanism": "english",
                    "currency": "EUR",
                    "duration": 3600,
                    "config": {"increment": "0.01"},
                },
            ).json()["auction_id"]
            http.post(
                f"/api/auctions/{auction}/join",
                headers={"Authorization": f"Bearer {token}"},
                json={},
            ).raise_for_status()
            pairs.append((token, auction))
        return pairs


async def _client(
    port: int,
    token: str,
    auction_id: str,
    start_at: float,
    stop_at: float,
    latencies: list[float],
    counts: dict[str, int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    k = 0
    try:
        while (now := time.perf_counter()) < stop_at:
            k += 1
            body = json.dumps({"amount": f"{k}.00"}).encode()
            request = (
                f"POST /api/auctions/{auction_id}/bids HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            writer.write(request)
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            done = time.perf_counter()
            if now >= start_at:
                latencies.append(done - now)
                counts["accepted" if status == 201 else "refused"] += 1
    finally:
        writer.close()


async def _load(
    port: int, pairs: list[tuple[str, str]], warmup: float, seconds: float
) -> dict[str, float]:
    latencies: list[float] = []
    counts = {"accepted": 0, "refused": 0}
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds
    await asyncio.gather(
        *(_client(port, t, a, start_at, stop_at, latencies, counts) for t, a in pairs)
    )
    ms = np.array(latencies) * 1000
    return {
        "accepted_per_s": counts["accepted"] / seconds,
        "refused": counts["refused"],
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
    }


def _postgres_env(url: str) -> tuple[dict[str, str], str, str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    return {"TRUSTMARKET_DATABASE_URL": f"{url}?options=-csearch_path%3D{schema}"}, plain, schema


def run(database: str, clients: int, seconds: float) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("TRUSTMARKET_DATABASE_URL", None)
    cleanup = None
    with tempfile.TemporaryDirectory() as data_dir:
        env["TRUSTMARKET_DATA_DIR"] = data_dir
        if database == "postgresql":
            extra, plain, schema = _postgres_env(os.environ["TRUSTMARKET_TEST_DATABASE_URL"])
            env.update(extra)
            cleanup = (plain, schema)
        port = free_port()
        server = _start_server(env, port)
        try:
            pairs = _setup(f"http://127.0.0.1:{port}", clients)
            return asyncio.run(_load(port, pairs, warmup=2.0, seconds=seconds))
        finally:
            server.terminate()
            server.wait(30)
            if cleanup is not None:
                import psycopg

                with psycopg.connect(cleanup[0], autocommit=True) as connection:
                    connection.execute(f"DROP SCHEMA {cleanup[1]} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in databases and not os.environ.get("TRUSTMARKET_TEST_DATABASE_URL"):
        print("PostgreSQL skipped: set TRUSTMARKET_TEST_DATABASE_URL to measure it")
        databases.remove("postgresql")
    print(f"service under load: {args.clients} clients, {args.seconds:.0f} s after a 2 s warm-up")
    for database in databases:
        figures = run(database, args.clients, args.seconds)
        rate = figures["accepted_per_s"]
        print(
            f"  {database:10s} {rate:8,.0f} accepted bids/s "
            f"(target {TARGET_BIDS_PER_SECOND:,}: {rate / TARGET_BIDS_PER_SECOND:.2f}x)"
            f"  p50 {figures['p50_ms']:5.1f} ms  p99 {figures['p99_ms']:5.1f} ms"
            + (
                f" (target < {TARGET_P99_MS:.0f} ms: {TARGET_P99_MS / figures['p99_ms']:.2f}x)"
                if database == "sqlite"
                else ""
            )
            + (f"  refused {figures['refused']:.0f}" if figures["refused"] else "")
        )


if __name__ == "__main__":
    main()
