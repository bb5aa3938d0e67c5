"""The web pages in a real browser (issue 10): Playwright driving the machine's Chromium
against a live service on SQLite (the API tests cover both databases; these test the pages)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, screenshot  # noqa: F401 - chromium is a fixture
from live_server import PASSWORD, LiveServer, live_server

from trustmarket.service.settings import Settings

pytestmark = pytest.mark.slow

expect: Any = None


@pytest.fixture
def site(tmp_path: Path) -> Iterator[LiveServer]:
    global expect
    expect = pytest.importorskip("playwright.sync_api").expect
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'service.db'}")
    with live_server(settings, stream_keepalive=0.5) as running:
        yield running


@pytest.fixture
def browse(chromium: Any, site: LiveServer) -> Iterator[Any]:  # noqa: F811
    """``browse()`` opens a page in a new browser context (a separate visitor)."""
    contexts = []

    def open_page(width: int = 1100) -> Any:
        context = chromium.new_context(base_url=site.url, viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_up(page: Any, name: str, *, owner: bool = False) -> None:
    page.goto("/signup")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    if owner:
        page.get_by_label("Auction owner (open auctions)").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#account-link")).to_have_text(name)


def open_auction(
    page: Any,
    mechanism_title: str,
    title: str,
    fill: dict[str, str],
    *,
    setting: tuple[str, str] | None = None,
    closing: str = "When I close it (it clears then)",
) -> str:
    page.goto("/auctions/new")
    if setting is not None:
        page.get_by_label("Sides").select_option(label=setting[0])
        page.get_by_label("Goods").select_option(label=setting[1])
        page.get_by_role("button", name="Ask the advisor").click()
        expect(page.locator("#create-mechanism")).to_have_value(re.compile(".+"))
    page.get_by_label("Mechanism").select_option(label=mechanism_title)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Closing").select_option(label=closing)
    for label, value in fill.items():
        page.locator("fieldset.config:not([hidden])").get_by_label(label).fill(value)
    page.get_by_role("button", name="Open the auction").click()
    expect(page).to_have_url(re.compile(r"/auctions/[0-9A-Z]{26}$"))
    return str(page.url.rsplit("/", 1)[1])


def test_sign_up_open_english_and_two_bidders_see_the_live_price(
    browse: Any, site: LiveServer
) -> None:
    owner = browse()
    sign_up(owner, "olga", owner=True)
    screenshot(owner, "account")
    auction_id = open_auction(
        owner, "English auction", "A walnut desk", {"Minimum increment": "1.00"}
    )
    alice, bob = browse(), browse(width=390)  # bob on a phone-sized screen
    sign_up(alice, "alice")
    sign_up(bob, "bob")
    for page in (alice, bob):
        page.goto(f"/auctions/{auction_id}")
        expect(page.locator("#auction")).to_have_attribute("data-connected", "true")

    alice.get_by_label("Amount (EUR)").fill("10.00")
    alice.get_by_role("button", name="Place bid").click()
    expect(alice.locator(".notice")).to_contain_text("Bid accepted")
    # bob's page was not reloaded: the price comes from the stream
    expect(bob.locator('[data-key="price"]')).to_have_text("10.00 EUR")

    bob.get_by_label("Amount (EUR)").fill("10.50")
    bob.get_by_role("button", name="Place bid").click()
    # the API's own message, shown in the form
    expect(bob.locator("#price-form .error")).to_contain_text("11.00")
    bob.get_by_label("Amount (EUR)").fill("12.00")
    bob.get_by_role("button", name="Place bid").click()
    expect(alice.locator('[data-key="price"]')).to_have_text("12.00 EUR")
    expect(owner.locator('[data-key="price"]')).to_have_text("12.00 EUR")
    screenshot(bob, "auction-english-phone")
    screenshot(alice, "auction-english")

    # the owner closes; everyone sees the result with the payment
    owner.get_by_role("button", name="Close and clear now").click()
    expect(alice.locator("#result")).to_contain_text("bob")
    expect(alice.locator("#result")).to_contain_text("12.00 EUR")
    view = site.client().auction(auction_id)
    assert view["status"] == "closed"
    assert view["result"]["awards"][0]["bidder"] == "bob"
