"""The web pages in a real browser (issue 10): Playwright driving the machine's Chromium
against a live service on SQLite (the API tests cover both databases; these test the pages)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser import expect, screenshot, sign_up
from live_server import PASSWORD, LiveServer

pytestmark = pytest.mark.slow


def open_auction(
    page: Any,
    mechanism_title: str,
    title: str,
    fill: dict[str, str],
    *,
    setting: tuple[str, str] | None = None,
    closing: str = "When I close it (it clears then)",
    shot: str | None = None,
) -> str:
    page.goto("/auctions/new")
    if setting is not None:
        page.get_by_label("Sides").select_option(label=setting[0])
        page.get_by_label("Goods", exact=True).select_option(label=setting[1])
        page.get_by_role("button", name="Ask the advisor").click()
        expect(page.locator("#create-mechanism")).to_have_value(re.compile(".+"))
    page.get_by_label("Mechanism").select_option(label=mechanism_title)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Closing").select_option(label=closing)
    for label, value in fill.items():
        page.locator("fieldset.config:not([hidden])").get_by_label(label).fill(value)
    if shot is not None:
        screenshot(page, shot)
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
        owner,
        "English auction",
        "A walnut desk",
        {"Minimum increment": "1.00"},
        shot="auction-new",
    )
    owner.goto("/")
    expect(owner.locator("#markets")).to_contain_text("A walnut desk")
    screenshot(owner, "markets")
    owner.goto(f"/auctions/{auction_id}")
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


def test_sealed_bid_is_invisible_to_the_other_bidder(browse: Any, site: LiveServer) -> None:
    owner = browse()
    sign_up(owner, "olga", owner=True)
    auction_id = open_auction(owner, "Second-price sealed-bid (Vickrey) auction", "A print", {})
    alice, bob = browse(), browse()
    sign_up(alice, "alice")
    sign_up(bob, "bob")
    alice.goto(f"/auctions/{auction_id}")
    alice.get_by_label("Amount (EUR)").fill("77.31")
    alice.get_by_role("button", name="Place bid").click()
    expect(alice.locator(".notice")).to_contain_text("Bid accepted")
    expect(alice.locator("#auction")).to_contain_text("77.31")  # she sees her own bid

    bob.goto(f"/auctions/{auction_id}")
    expect(bob.locator("#auction")).to_have_attribute("data-connected", "true")
    bob.get_by_label("Amount (EUR)").fill("50.00")
    bob.get_by_role("button", name="Place bid").click()
    expect(bob.locator(".notice")).to_contain_text("Bid accepted")
    bob.reload()
    html = bob.content()
    assert "77.31" not in html and "alice" not in html
    for fragment in (f"/auctions/{auction_id}?fragment=live", "/"):
        bob.goto(fragment)
        assert "77.31" not in bob.content()
    bob.goto(f"/auctions/{auction_id}")
    screenshot(bob, "auction-sealed")
    # after clearing the Vickrey price (the second bid) is shown to all
    owner.reload()
    owner.get_by_role("button", name="Close and clear now").click()
    bob.reload()
    expect(bob.locator("#result")).to_contain_text("alice")
    expect(bob.locator("#result")).to_contain_text("50.00 EUR")


def test_combinatorial_bid_entered_as_tables(browse: Any, site: LiveServer) -> None:
    owner = browse()
    sign_up(owner, "olga", owner=True)
    auction_id = open_auction(
        owner,
        "Combinatorial auction",
        "Three lots",
        {"Goods on sale": "a, b, c"},
        setting=("One seller, buyers bid", "Many items, one unit each"),
    )
    xena = browse()
    sign_up(xena, "xena")
    xena.goto(f"/auctions/{auction_id}")
    expect(xena.locator("#goods")).to_contain_text("a")
    form = xena.locator("#package-form")
    # table 1: {a, b} for 9.00 XOR {c} for 4.00
    form.get_by_label("a in bundle (table 1)").check()
    form.get_by_label("b in bundle (table 1)").check()
    form.get_by_label("Price (table 1)").fill("9.00")
    form.get_by_role("button", name="Add bundle").click()
    form.get_by_label("c in bundle (table 1)").nth(1).check()
    form.get_by_label("Price (table 1)").nth(1).fill("4.00")
    # table 2 (OR): {c} alone for 3.00
    form.get_by_role("button", name="Add XOR table").click()
    form.get_by_label("c in bundle (table 2)").check()
    form.get_by_label("Price (table 2)").fill("3.00")
    screenshot(xena, "auction-combinatorial-tables")
    form.get_by_role("button", name="Place package bid").click()
    expect(form.locator(".notice")).to_contain_text("Package bid accepted")
    # what the service stored is exactly the two XOR tables
    xena_api = site.client()
    xena_api.login("xena", PASSWORD)
    bid = xena_api.receipts(auction_id)[-1]["event"]["bid"]
    assert bid == "[({a,b}, 9.00) XOR ({c}, 4.00)] OR [({c}, 3.00)]"
    owner.reload()
    owner.get_by_role("button", name="Close and clear now").click()
    xena.reload()
    expect(xena.locator("#result")).to_contain_text("xena")


def test_deployed_agent_outbids(browse: Any, site: LiveServer) -> None:
    owner = browse()
    sign_up(owner, "olga", owner=True)
    auction_id = open_auction(owner, "English auction", "A lamp", {"Minimum increment": "1.00"})
    alice, bob = browse(), browse()
    sign_up(alice, "alice")
    sign_up(bob, "bob")
    alice.goto(f"/agents?auction={auction_id}")
    card = alice.locator('form.deploy[data-template="incrementor"]')
    card.get_by_label("Auction").select_option(auction_id)
    card.get_by_label("max amount").fill("30.00")
    card.get_by_role("button", name="Deploy incrementor").click()
    expect(alice).to_have_url(re.compile(r"/agents/[0-9A-Z]{26}$"))
    screenshot(alice, "agent")

    bob.goto(f"/auctions/{auction_id}")
    bob.get_by_label("Amount (EUR)").fill("20.00")
    bob.get_by_role("button", name="Place bid").click()
    # the agent answers bob's bid at once: alice leads at one increment above
    expect(bob.locator('[data-key="price"]')).to_have_text("21.00 EUR")
    # alice's agent page shows what it did without a reload (her account's stream)
    expect(alice.locator("#activity")).to_contain_text('"amount":"21.00"')
    screenshot(alice, "agent-activity")


def test_feedback_updates_the_reputation_page(browse: Any, site: LiveServer) -> None:
    owner = browse()
    sign_up(owner, "olga", owner=True)
    auction_id = open_auction(owner, "English auction", "A rug", {"Minimum increment": "1.00"})
    alice = browse()
    sign_up(alice, "alice")
    alice.goto(f"/auctions/{auction_id}")
    alice.get_by_label("Amount (EUR)").fill("15.00")
    alice.get_by_role("button", name="Place bid").click()
    expect(alice.locator(".notice")).to_contain_text("Bid accepted")
    owner.reload()
    owner.get_by_role("button", name="Close and clear now").click()
    expect(owner.locator("#result")).to_contain_text("alice")

    alice.goto("/reputation")
    card = alice.locator("form.feedback").first
    expect(card).to_contain_text("olga")
    card.get_by_label("+1 positive").check()
    card.get_by_role("button", name="Leave feedback").click()
    expect(alice.locator("form.feedback").first).to_contain_text("You rated this transaction")
    alice.goto("/reputation/olga?model=accumulative")
    expect(alice.locator('[data-model="accumulative"]')).to_have_text("1.0000")
    expect(alice.locator("#feedback-history")).to_contain_text("alice")
    expect(alice.locator("svg.chart circle")).to_have_count(1)
    expect(alice.locator("#formula")).not_to_be_empty()
    screenshot(alice, "reputation-profile")
    api = site.client().reputation("olga")
    assert api["scores"]["accumulative"]["score"] == 1


def _click_chart(page: Any, quantity: float, price: float, qmax: float, pmax: float) -> None:
    """Click the curve chart where (quantity, price) is drawn (the plot box of curve.js in
    its 600 x 320 viewBox: x 56..584, y 16..280)."""
    chart = page.locator("#curve-chart")
    box = chart.bounding_box()
    scale = box["width"] / 600
    x = (56 + quantity / qmax * (584 - 56)) * scale
    y = (280 - price / pmax * (280 - 16)) * scale
    chart.click(position={"x": x, "y": y})


def test_curve_drawn_by_clicks(browse: Any, site: LiveServer) -> None:
    owner = browse()
    sign_up(owner, "olga", owner=True)
    auction_id = open_auction(
        owner,
        "Double auction (many units per order)",
        "Grain",
        {},
        setting=("Many buyers and sellers", "Many units of one item"),
    )
    bea = browse()
    sign_up(bea, "bea")
    bea.goto(f"/auctions/{auction_id}")
    form = bea.locator("#curve-form")
    # a demand staircase: 4 units at 80, 10 at 50, 16 at 20 (axes: 20 units, 100 EUR)
    for quantity, price in ((4, 80), (10, 50), (16, 20)):
        _click_chart(bea, quantity, price, 20, 100)
    expect(bea.locator("circle.curve-point")).to_have_count(3)
    rows = form.locator("#curve-points tr")
    expect(rows).to_have_count(3)
    drawn = [
        (
            int(rows.nth(i).locator('[name="quantity"]').input_value()),
            float(rows.nth(i).locator('[name="unit_price"]').input_value()),
        )
        for i in range(3)
    ]
    assert [q for q, _ in drawn] == [4, 10, 16]
    # prices snap to a hundredth of the price axis
    assert drawn == [(4, 80.0), (10, 50.0), (16, 20.0)]
    screenshot(bea, "auction-curve")
    form.get_by_role("button", name="Place curve").click()
    expect(form.locator(".notice")).to_contain_text("Curve placed as 3 order(s)")
    api = site.client()
    api.login("bea", PASSWORD)
    book = sorted(
        ((b["quantity"], b["unit_price"]["minor"]) for b in api.auction(auction_id)["your_bids"]),
        key=lambda b: -b[1],
    )
    # stairs: the extra units at each lower price, at the prices the clicks gave
    assert [q for q, _ in book] == [4, 6, 6]
    assert [p for _, p in book] == [8000, 5000, 2000]


UNLABELLED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => {
    const labels = el.labels ? [...el.labels].map((l) => l.textContent).join('') : '';
    const name = labels || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || (el.tagName === 'BUTTON' ? el.textContent : '');
    return !(name || '').trim();
  })
  .map((el) => el.outerHTML.slice(0, 160))"""

PAGES = [
    "/",
    "/signup",
    "/login",
    "/account",
    "/agents",
    "/auctions/new",
    "/reputation",
    "/reputation/alice",
    "/tools",
    "/tools/games",
    "/tools/contracts",
    "/tools/exchange",
    "/tools/bureau",
    "/sharing",
    "/ledger",
]


def _tab_to(page: Any, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with the Tab key")


def test_keyboard_only_log_in_and_every_control_has_a_label(browse: Any, site: LiveServer) -> None:
    site.user("alice")
    page = browse(width=390)
    page.goto("/login")
    _tab_to(page, "login-name")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#account-link")).to_have_text("alice")
    for path in PAGES:
        answer = page.goto(path)
        assert answer is not None and answer.status == 200, path
        assert page.evaluate(UNLABELLED) == [], path
        # nothing wider than a phone: wide tables scroll inside their own box
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (path, width)


def test_retraction_from_the_page_where_the_rules_allow_it(browse: Any, site: LiveServer) -> None:
    owner = site.user("olga", ["participant", "auction_owner"])
    allowed = owner.create_auction(
        "vickrey", "EUR", duration=600, rules={"reveal_during": "none", "retract_before": "yes"}
    )["auction_id"]
    fixed = owner.create_auction("vickrey", "EUR", duration=600)["auction_id"]
    alice = browse()
    sign_up(alice, "alice")
    for auction_id in (allowed, fixed):
        alice.goto(f"/auctions/{auction_id}")
        alice.get_by_label("Amount (EUR)").fill("30.00")
        alice.get_by_role("button", name="Place bid").click()
        expect(alice.locator(".notice")).to_contain_text("Bid accepted")
    # the rules of the second forbid retraction: no button is offered
    expect(alice.locator("button.retract")).to_have_count(0)
    alice.goto(f"/auctions/{allowed}")
    alice.get_by_role("button", name="Retract").click()
    expect(alice.locator("#no-own-bids")).to_be_visible()
    api = site.client()
    api.login("alice", PASSWORD)
    assert api.auction(allowed)["your_bids"] == []
    assert len(api.auction(fixed)["your_bids"]) == 1
