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
