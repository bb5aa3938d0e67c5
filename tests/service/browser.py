"""Browser tests' plumbing: Debian's Chromium driven by Playwright, a live service with the
web pages, screenshots of each page.

Chromium comes from the machine (``apt-get install chromium``; .ci/run installs it), never
from Playwright's own download, which this machine's closed network refuses. Without it the
browser tests skip and say how to install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import PASSWORD, LiveServer, live_server

from trustmarket.service.settings import Settings

__all__ = ["CHROMIUM_ARGS", "SCREENSHOTS", "chromium_path", "screenshot"]

#: Where the test run saves a screenshot of each page (the docs show a copy of them).
SCREENSHOTS = Path(os.environ.get("TRUSTMARKET_SCREENSHOTS", "build/screenshots"))

#: Chromium's flags here: no sandbox (root), no GPU, and no calls home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The machine's Chromium, or skip the test with how to install it."""
    for candidate in (os.environ.get("TRUSTMARKET_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    pytest.skip(
        "browser tests need Chromium: apt-get install chromium (.ci/run installs it), "
        "or set TRUSTMARKET_CHROMIUM to its path"
    )


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot of ``page`` as ``SCREENSHOTS/name.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for a test worker."""
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertions on ``target`` (a page or a locator)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[LiveServer]:
    """A live service on SQLite for the pages (the API tests cover both databases; these
    test the pages)."""
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'service.db'}")
    with live_server(settings, stream_keepalive=0.5) as running:
        yield running


@pytest.fixture
def browse(chromium: Any, site: LiveServer) -> Iterator[Any]:
    """``browse()`` opens a page in a new browser context (a separate visitor)."""
    contexts = []

    def open_page(width: int = 1100) -> Any:
        context = chromium.new_context(base_url=site.url, viewport={"width": width, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_up(page: Any, name: str, *, owner: bool = False) -> None:
    """Sign up ``name`` in the page (with the auction_owner role when ``owner``)."""
    page.goto("/signup")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    if owner:
        page.get_by_label("Auction owner (open auctions)").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#account-link")).to_have_text(name)
