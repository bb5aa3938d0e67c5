"""The web pages over plain HTTP on both databases (no browser): every page renders for the
public and for an account, bad input gets a specific message, the session cookie reads but
never changes anything, nothing comes from another site."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from live_server import PASSWORD, LiveServer

from trustmarket.service.deps import SESSION_COOKIE

OWNER = ["participant", "auction_owner"]
WEB = Path(__file__).parents[2] / "src" / "trustmarket" / "service" / "web"


def _browser(server: LiveServer, name: str | None = None) -> httpx.Client:
    """An HTTP client with a page session (the cookie) for ``name``, or none."""
    client = httpx.Client(base_url=server.url, timeout=10)
    if name is not None:
        token = server.client().login(name, PASSWORD)
        answer = client.post("/session", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 204
    return client


def _english(server: LiveServer) -> str:
    owner = server.user("house", OWNER)
    made = owner.create_auction("english", "EUR", duration=600, config={"increment": "1.00"})
    return str(made["auction_id"])


PAGES = [
    "/",
    "/login",
    "/signup",
    "/reputation",
    "/reputation/house",
    "/tools",
    "/ledger",
]
PRIVATE = ["/account", "/agents", "/auctions/new", "/sharing"]


def test_every_page_renders_for_the_public_and_for_an_account(server: LiveServer) -> None:
    auction_id = _english(server)
    public = _browser(server)
    for path in [*PAGES, f"/auctions/{auction_id}"]:
        page = public.get(path)
        assert page.status_code == 200, (path, page.text[:300])
        assert page.headers["cache-control"] == "no-store"
        assert 'name="tm-token"' not in page.text
    for path in PRIVATE:
        page = public.get(path)
        assert page.status_code == 303
        assert page.headers["location"] == f"/login?next={path.replace('/', '%2F')}"
    server.user("alice")
    alice = _browser(server, "alice")
    for path in [*PAGES, *PRIVATE, f"/auctions/{auction_id}"]:
        page = alice.get(path)
        assert page.status_code == 200, (path, page.text[:300])
        assert 'name="tm-token"' in page.text and ">alice<" in page.text


def test_bad_input_on_pages_gets_a_specific_message(server: LiveServer) -> None:
    server.user("alice")
    alice = _browser(server, "alice")
    missing = alice.get("/auctions/01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert missing.status_code == 404 and "there is no auction" in missing.text
    bad = alice.get("/auctions/not-an-id")
    assert bad.status_code == 404
    status = alice.get("/?status=sold")
    assert (
        status.status_code == 200
        and "unknown status &#39;sold&#39;; allowed: open, closed" in status.text
    )
    mechanism = alice.get("/?mechanism=raffle")
    assert "unknown mechanism &#39;raffle&#39;; allowed: english" in mechanism.text
    advice = alice.get("/auctions/new?sides=triple&goods=unit&fragment=advice")
    assert advice.status_code == 400 and "triple" in advice.text
    model = alice.get("/reputation/house?model=karma")
    assert model.status_code == 400 and "unknown reputation model &#39;karma&#39;" in model.text
    agent = alice.get("/agents/nope")
    assert agent.status_code == 404


def test_the_session_cookie_reads_but_never_changes(server: LiveServer) -> None:
    auction_id = _english(server)
    server.user("alice")
    alice = _browser(server, "alice")
    cookie = alice.cookies[SESSION_COOKIE]
    assert alice.get("/api/me").json()["name"] == "alice"
    before = server.client().auction(auction_id)["events"]
    for path, body in (
        (f"/api/auctions/{auction_id}/join", {}),
        (f"/api/auctions/{auction_id}/bids", {"amount": "5.00"}),
        ("/api/tokens", {"kind": "api"}),
    ):
        refused = alice.post(path, json=body)
        assert refused.status_code == 401, path
        assert "bearer token" in refused.json()["message"]
    assert server.client().auction(auction_id)["events"] == before
    # the cookie is HttpOnly and SameSite=Strict
    raw = httpx.post(
        f"{server.url}/session", headers={"Authorization": f"Bearer {cookie}"}
    ).headers["set-cookie"]
    assert "HttpOnly" in raw and "SameSite=strict" in raw.replace("Strict", "strict")


def test_session_needs_a_live_bearer_token(server: LiveServer) -> None:
    plain = httpx.Client(base_url=server.url)
    assert plain.post("/session").status_code == 401
    stale = plain.post("/session", headers={"Authorization": "Bearer not-a-token"})
    assert stale.status_code == 401 and "log in again" in stale.json()["message"]
    assert "set-cookie" not in stale.headers


def test_a_stale_cookie_makes_the_visitor_the_public_and_is_cleared(server: LiveServer) -> None:
    server.user("alice")
    alice = _browser(server, "alice")
    token = alice.cookies[SESSION_COOKIE]
    logout = httpx.delete(
        f"{server.url}/api/sessions/current", headers={"Authorization": f"Bearer {token}"}
    )
    assert logout.status_code == 204
    page = alice.get("/")
    assert page.status_code == 200 and "Log in" in page.text and "tm-token" not in page.text
    assert f'{SESSION_COOKIE}=""' in page.headers["set-cookie"]
    assert alice.get("/api/me").status_code == 401


def test_sealed_bids_stay_out_of_every_page(server: LiveServer) -> None:
    owner = server.user("house", OWNER)
    made = owner.create_auction("vickrey", "EUR", duration=600, rules={"reveal_during": "none"})
    auction_id = made["auction_id"]
    alice, bob = server.user("alice"), server.user("bob")
    for who in (alice, bob):
        who.join(auction_id)
    alice.bid(auction_id, "61.37")
    bob.bid(auction_id, "12.00")
    bob_pages = _browser(server, "bob")
    for path in (
        f"/auctions/{auction_id}",
        f"/auctions/{auction_id}?fragment=live",
        "/",
        "/?fragment=live",
        "/account",
        "/reputation/alice",
    ):
        text = bob_pages.get(path).text
        assert "61.37" not in text and "6137" not in text, path
    assert "12.00" in bob_pages.get(f"/auctions/{auction_id}").text  # his own bid


def test_pages_fetch_nothing_from_another_site() -> None:
    outside = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.IGNORECASE)
    files = [*WEB.glob("templates/*.html"), *WEB.glob("static/*")]
    assert files
    for path in files:
        assert not outside.search(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("asset", ["app.js", "style.css", "auction.js", "curve.js"])
def test_assets_ship_in_the_package(server: LiveServer, asset: str) -> None:
    answer = httpx.get(f"{server.url}/static/{asset}")
    assert answer.status_code == 200 and len(answer.content) > 100


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_palette_meets_wcag_aa_contrast() -> None:
    css = (WEB / "static" / "style.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    for text in ("ink", "muted", "accent", "good", "bad"):
        for background in ("paper", "tint"):
            ratio = _contrast(colours[text], colours[background])
            assert ratio >= 4.5, (text, background, round(ratio, 2))
    assert _contrast(colours["accent-ink"], colours["accent"]) >= 4.5  # button text
    assert _contrast(colours["paper"], colours["ink"]) >= 4.5  # the header


def test_an_unknown_page_is_a_page_and_an_unknown_endpoint_json(server: LiveServer) -> None:
    page = httpx.get(f"{server.url}/no/such/page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "there is no page /no/such/page" in page.text
    api = httpx.get(f"{server.url}/api/nothing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json()["error"] == "not_found"
    plain = httpx.get(f"{server.url}/no/such/page")
    assert plain.status_code == 404 and plain.json()["error"] == "not_found"


def test_views_read_as_text_not_json() -> None:
    from trustmarket.service.web.render import human_text

    price = {"minor": 10000, "currency": "EUR"}
    assert human_text([{"quantity": 4, "price": price}]) == "4 for 100.00 EUR"
    assert human_text({"quantity": 2, "unit_price": price}) == "2 for 100.00 EUR each"
    assert human_text({"a": 1, "b": 2}) == "a 1, b 2"
    assert human_text(None) == "-"
