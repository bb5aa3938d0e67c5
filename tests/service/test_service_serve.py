"""``trustmarket serve``: the command the README's ``make run`` starts. It migrates an empty
database, seeds the demo market with ``--demo`` (once), prints its address and serves."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from live_server import free_port

from trustmarket.client import ApiError, Client
from trustmarket.service.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


def _serve(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {**os.environ, "TRUSTMARKET_DATA_DIR": str(data_dir)}
    env.pop("TRUSTMARKET_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from trustmarket.cli.app import main; main()",
            "serve",
            "--port",
            str(port),
            *extra,
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"serve did not start: {process.communicate()[1]}")


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        return process.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.mark.slow
def test_serve_seeds_the_demo_once_and_prints_its_address(tmp_path: Path) -> None:
    process, url = _serve(tmp_path, "--demo")
    try:
        alice = Client(url)
        alice.login("alice", DEMO_PASSWORD)
        listing = alice.auctions(status="open")
        assert len(listing) == 4
        english = next(a for a in listing if a["mechanism"] == "english")
        view = alice.auction(english["auction_id"])
        assert view["price"] is not None and view["your_bids"]
        assert httpx.get(f"{url}/openapi.json").json()["info"]["title"] == "trustmarket"
    finally:
        log = _stop(process)
    assert f"trustmarket service on {url}" in log
    assert "demo market: accounts " + ", ".join(DEMO_ACCOUNTS) in log
    assert '"path": "/api/sessions"' in log  # the structured access log
    process, url = _serve(tmp_path, "--demo", "--no-access-log")
    try:
        assert len(Client(url).auctions()) == 4  # not seeded twice
    finally:
        log = _stop(process)
    assert "not seeded" in log and '"path"' not in log


def test_serve_refuses_bad_settings(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from trustmarket.cli.app import main; main()",
            "serve",
            "--data-dir",
            str(not_a_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "is not a directory" in result.stderr


def _serve_fails(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from trustmarket.cli.app import main; main()", "serve", *extra],
        env={**os.environ, "TRUSTMARKET_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_makes_the_first_admin_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTMARKET_ADMIN_PASSWORD", raising=False)
    refused = _serve_fails(tmp_path, "--admin", "root")
    assert refused.returncode == 2 and "TRUSTMARKET_ADMIN_PASSWORD" in refused.stderr
    monkeypatch.setenv("TRUSTMARKET_ADMIN_PASSWORD", "short")
    weak = _serve_fails(tmp_path, "--admin", "root")
    assert weak.returncode == 2 and "password must be" in weak.stderr
    monkeypatch.setenv("TRUSTMARKET_ADMIN_PASSWORD", "the first admin's password")
    process, url = _serve(tmp_path, "--admin", "root")
    try:
        root = Client(url)
        root.login("root", "the first admin's password")
        assert "admin" in root.me()["roles"]
        Client(url).register("alice", "alice's password")
        granted = root.set_roles("alice", ["participant", "panel_member"])
        assert granted["roles"] == ["participant", "panel_member"]
    finally:
        log = _stop(process)
    assert "admin account 'root': made" in log
    monkeypatch.setenv("TRUSTMARKET_ADMIN_PASSWORD", "another password entirely")
    process, url = _serve(tmp_path, "--admin", "root")
    try:
        with pytest.raises(ApiError) as refused_login:  # an existing account is not taken over
            Client(url).login("root", "another password entirely")
        assert refused_login.value.status == 401
    finally:
        log = _stop(process)
    assert "exists already; unchanged" in log
