"""The sharing exchange page in a real browser (issue 10): a member submits a STIX 2.1 indicator
in the page, panel members review it (one of them in another browser), and the submitter's page
shows the verdict, the payout the reward rules give and the pool, without a reload. Plain-HTTP
tests cover the page's fragment and its refusals."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from browser import expect, screenshot, sign_up
from live_server import PASSWORD, LiveServer

from trustmarket.client import Client
from trustmarket.service.deps import SESSION_COOKIE
from trustmarket.sharing import RewardRules

pytestmark = pytest.mark.slow


PATTERN = "[ipv4-addr:value = '198.51.100.7']"


def log_in(page: Any, name: str) -> None:
    page.goto("/login?next=/sharing")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#account-link")).to_have_text(name)


def _panel(site: LiveServer, names: tuple[str, ...]) -> dict[str, Client]:
    """Members the admin made panel members (small businesses)."""
    admin = site.admin()
    clients = {}
    for name in names:
        clients[name] = site.user(name)
        admin.set_roles(name, ["participant", "panel_member"])
        clients[name].request("POST", "/api/sharing/members", json={"tier": "small-business"})
    return clients


def _join(page: Any, tier: str) -> None:
    page.goto("/sharing")
    page.get_by_label("Your company's tier").select_option(label=tier)
    page.get_by_role("button", name="Join the exchange").click()
    expect(page.locator("#member-tier")).to_have_text(tier)


def _submit(page: Any, name: str, pattern: str) -> None:
    form = page.locator("#indicator-form")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Pattern", exact=True).fill(pattern)
    form.get_by_label("Pattern type").select_option("stix")
    form.get_by_label("malicious-activity").check()
    form.get_by_label("Valid from (UTC)").fill("2026-11-01T00:00:00")
    form.get_by_role("button", name="Submit indicator").click()


def test_submit_review_and_the_submitter_sees_the_payout(browse: Any, site: LiveServer) -> None:
    panel = _panel(site, ("bank", "shop", "mill"))
    grid = browse()
    sign_up(grid, "grid")
    _join(grid, "Critical infrastructure")
    expect(grid.locator("#member-balance")).to_have_text("0.00")

    _submit(grid, "C2 of a phishing campaign", PATTERN)
    notice = grid.locator("#indicator-form .notice")
    # with four members, the panel is the three others
    expect(notice).to_contain_text("Its panel: bank, mill, shop")
    row = grid.locator("#submissions-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("under review")
    expect(row).to_contain_text(PATTERN)
    submission = row.get_attribute("data-submission")
    assert submission is not None and submission.startswith("indicator--")
    expect(grid.locator("#empty-pool")).to_be_visible()

    # Two reviewers vote through the API; the third, a panel member, in her browser.
    for name, severity in (("bank", "high"), ("shop", "critical")):
        panel[name].request(
            "POST",
            f"/api/sharing/submissions/{submission}/reviews",
            json={"valid": True, "severity": severity, "scope": "root"},
        )
    mill = browse(width=390)  # on a phone
    log_in(mill, "mill")
    card = mill.locator(f'article.review[data-submission="{submission}"]')
    expect(card).to_contain_text(PATTERN)
    expect(card).to_contain_text("2 of 3 votes in")
    expect(mill.locator("#reviews")).not_to_contain_text("with or without the panel member role")
    card.get_by_label("Valid", exact=True).check()
    card.get_by_label("Severity").select_option("medium")
    card.get_by_label("Scope").select_option("root")
    overflow = mill.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(mill, "sharing-review-phone")
    card.get_by_role("button", name="Send review").click()
    expect(mill.locator("#sharing-status")).to_contain_text("the panel verified it (high, root)")
    expect(mill.locator("#no-reviews")).to_be_visible()

    # The submitter's page was not reloaded: it asks the service again on its own.
    # base 1000.00 x high 4 x root 3 x critical infrastructure 3 x novel 1 x dynamic 1
    paid = RewardRules().reward(
        "high", "root", "critical-infrastructure", novel=True, recent_incidents=0
    )
    assert paid == 3_600_000
    expect(grid.locator("#member-balance")).to_have_text("36000.00", timeout=15_000)
    expect(row).to_contain_text("verified")
    expect(row).to_contain_text("high · root")
    expect(row.locator("td.num")).to_have_text("36000.00")
    expect(grid.locator("#member-access")).to_contain_text("you see the whole pool")
    pool = grid.locator("#pool-table tbody tr")
    expect(pool).to_have_count(1)
    expect(pool).to_contain_text("C2 of a phishing campaign")
    expect(pool).to_contain_text("malicious-activity")
    screenshot(grid, "sharing")

    # the API agrees with the page
    grid_api = site.client()
    grid_api.login("grid", PASSWORD)
    me = grid_api.request("GET", "/api/sharing/me")
    assert me["balance"] == paid and me["contributor"] and me["submitted"] == [submission]
    shown = grid_api.request("GET", f"/api/sharing/submissions/{submission}")
    assert shown["indicator"]["name"] == "C2 of a phishing campaign"
    assert shown["indicator"]["indicator_types"] == ["malicious-activity"]
    assert shown["indicator"]["valid_from"] == "2026-11-01T00:00:00Z"
    # the outsider without a verified indicator sees the pool only after the embargo
    assert panel["bank"].request("GET", "/api/sharing/pool") == []


def test_the_api_refusal_shows_in_the_form(browse: Any, site: LiveServer) -> None:
    page = browse()
    sign_up(page, "grid")
    _join(page, "Core business")
    # alone in the exchange: no panel can be drawn
    _submit(page, "lonely", PATTERN)
    expect(page.locator("#indicator-form .error")).to_contain_text(
        "a panel needs 3 reviewers other than grid; eligible: 0"
    )
    expect(page.locator("#indicator-form .error")).to_contain_text("panel_member role")
    _panel(site, ("bank", "shop", "mill"))
    _submit(page, "bad pattern", "not a pattern")
    expect(page.locator("#indicator-form .error")).to_contain_text("not a valid STIX 2.1 Indicator")
    # no incident form for a participant
    expect(page.locator("#incident-form")).to_have_count(0)


def test_an_admin_records_an_incident(browse: Any, site: LiveServer) -> None:
    site.admin()
    page = browse()
    log_in(page, "root")
    expect(page.get_by_role("heading", name="Join the exchange")).to_be_visible()
    page.get_by_label("Category").fill("malicious-activity")
    page.get_by_role("button", name="Record incident").click()
    expect(page.locator("#incident-form .notice")).to_contain_text(
        "1 recent incident in malicious-activity"
    )
    page.get_by_role("button", name="Record incident").click()
    expect(page.locator("#incident-form .notice")).to_contain_text("2 recent incidents")


def test_the_page_and_its_fragment_over_http(site: LiveServer) -> None:
    member = site.user("grid")
    member.request("POST", "/api/sharing/members", json={"tier": "small-business"})
    outsider = site.user("stranger")
    with httpx.Client(base_url=site.url) as http:
        # a visitor who is not logged in is sent to log in; the fragment says so instead
        away = http.get("/sharing")
        assert away.status_code == 303
        assert away.headers["location"] == "/login?next=%2Fsharing"
        fragment = http.get("/sharing", params={"fragment": "live"})
        assert fragment.status_code == 401 and 'role="alert"' in fragment.text
        assert "log in again" in fragment.text
        # a member's fragment holds the parts the script swaps in, and nothing else
        http.cookies.set(SESSION_COOKIE, str(member.token))
        live = http.get("/sharing", params={"fragment": "live"})
        assert live.status_code == 200 and live.headers["cache-control"] == "no-store"
        assert re.findall(r'data-part="(\w+)"', live.text) == ["status", "activity"]
        assert "<html" not in live.text and 'id="member-balance"' in live.text
        page = http.get("/sharing")
        assert page.status_code == 200 and 'id="indicator-form"' in page.text
        assert 'id="join-form"' not in page.text and "The exchange has 1 member." in page.text
        # someone who has not joined gets the join form, not a membership
        http.cookies.set(SESSION_COOKIE, str(outsider.token))
        joining = http.get("/sharing")
        assert 'id="join-form"' in joining.text and 'id="member-balance"' not in joining.text
