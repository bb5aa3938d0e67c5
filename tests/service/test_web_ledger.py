"""The ledger explorer in a real browser (issue 10): the page checks the signed tree head, an
entry's inclusion proof (RFC 9162 section 2.1.3.2) and a visitor's receipts with WebCrypto, and a
value tampered with on the way shows as a failure. Python's trustmarket.ledger.verify checks the
same data, so the browser's verdicts are cross-checked."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx
import pytest
from browser import expect, screenshot, sign_up
from live_server import PASSWORD, LiveServer

from trustmarket.ledger import merkle
from trustmarket.ledger.keys import PublicKey
from trustmarket.ledger.log import TREE_HEAD_TYPE, InclusionProof, TreeHead
from trustmarket.ledger.verify import verify_inclusion
from trustmarket.service.web.render import STATIC_DIR

pytestmark = pytest.mark.slow


def _entry(site: LiveServer, index: int, size: int | None = None) -> dict[str, Any]:
    params = {} if size is None else {"size": size}
    response = httpx.get(f"{site.url}/api/ledger/entries/{index}", params=params)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def _log_key(site: LiveServer) -> PublicKey:
    return PublicKey.from_hex(httpx.get(f"{site.url}/api/ledger/key").json()["public_key"])


def _page_data(page: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.locator("#ledger-data").text_content())
    return data


def _flip(hex_text: str) -> str:
    """``hex_text`` with its first byte changed (one bit of it flipped)."""
    return f"{int(hex_text[:2], 16) ^ 0x01:02x}{hex_text[2:]}"


def _expect_check(page: Any, check: str, state: str, text: str | None = None) -> None:
    item = page.locator(f"#{check}")
    expect(item).to_have_attribute("data-state", state)
    expect(item).to_have_class(re.compile(rf"\b{state}\b"))
    if text is not None:
        expect(item).to_contain_text(text)


def test_an_entry_and_its_proof_verify_in_the_browser(browse: Any, site: LiveServer) -> None:
    for name in ("ann", "ben", "cat", "dan", "eve"):
        site.user(name)  # five entries on the log (account_registered)
    page = browse()
    page.goto("/ledger?entry=2")
    expect(page.get_by_role("heading", name="Entry 2")).to_be_visible()
    _expect_check(page, "check-key", "ok", "pinned this key now")
    _expect_check(page, "check-signature", "ok", "verifies")
    _expect_check(page, "check-inclusion", "ok", "folds along 3 hashes")
    _expect_check(page, "check-consistency", "unchecked", "first head")
    screenshot(page, "ledger")

    # What the browser checked, checked again in Python (trustmarket.ledger.verify).
    shown = _page_data(page)["entry"]
    data = base64.b64decode(shown["entry"])
    head = TreeHead.from_json(shown["head"])
    verify_inclusion(data, InclusionProof.from_json(shown["proof"]), head, _log_key(site))
    assert page.locator("#leaf-hash").text_content() == merkle.leaf_hash(data).hex()
    assert page.locator("#computed-root").text_content() == head.root_hash.hex()
    # the browser rebuilt exactly the bytes the Python side signs (TREE_HEAD_TYPE included)
    assert page.locator("#signed-bytes").text_content() == head.signed_bytes().decode("utf-8")
    assert f'"{TREE_HEAD_TYPE}"' in (STATIC_DIR / "ledger.js").read_text()
    # and the API gives the same entry, proof and root for that tree size
    api = _entry(site, 2, head.size)
    assert (api["entry"], api["proof"]) == (shown["entry"], shown["proof"])
    assert api["head"]["root_hash"] == shown["head"]["root_hash"]
    assert '"type":"account_registered"' in page.locator("#entry-text").text_content()

    # The log grows; on the next visit the browser proves the old tree is a prefix of the new.
    site.user("fay")
    site.user("gus")
    page.goto("/ledger?entry=6")
    _expect_check(page, "check-key", "ok", "the key your browser pinned")
    _expect_check(page, "check-consistency", "ok", "tree of 5 entries is a prefix of the tree of 7")
    _expect_check(page, "check-inclusion", "ok")
    # the newest entries link to their pages
    page.get_by_role("link", name="0", exact=True).click()
    expect(page.get_by_role("heading", name="Entry 0")).to_be_visible()
    _expect_check(page, "check-inclusion", "ok")


def test_the_ledger_page_fits_a_phone(browse: Any, site: LiveServer) -> None:
    for name in ("ann", "ben", "cat"):
        site.user(name)
    page = browse(width=390)
    page.goto("/ledger?entry=1")
    _expect_check(page, "check-inclusion", "ok")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "ledger-phone")


@pytest.mark.parametrize("tampered", ["proof", "signature"])
def test_a_tampered_value_fails_in_the_page(browse: Any, site: LiveServer, tampered: str) -> None:
    for name in ("ann", "ben", "cat", "dan"):
        site.user(name)
    truth = _entry(site, 1)
    page = browse()

    def tamper(route: Any) -> None:
        # One byte changed on the way from the service to the browser, in what the page
        # shows and in the data its script checks.
        response = route.fetch()
        body = response.text()
        if tampered == "proof":
            original = truth["proof"]["path"][0]
        else:
            found = re.search(r'"signature": "([0-9a-f]{128})"', body)
            assert found is not None
            original = found.group(1)
        assert original in body
        route.fulfill(response=response, body=body.replace(original, _flip(original)))

    page.route(re.compile(r"/ledger\?entry=1$"), tamper)
    page.goto("/ledger?entry=1")
    if tampered == "proof":
        _expect_check(page, "check-inclusion", "fail", "not to the head's root")
        _expect_check(page, "check-signature", "ok")
        assert page.locator("#computed-root").text_content() != truth["head"]["root_hash"]
    else:
        _expect_check(page, "check-signature", "fail", "does not verify")
        _expect_check(page, "check-consistency", "unchecked", "signature does not hold")
        _expect_check(page, "check-inclusion", "fail", "signature does not hold")
    screenshot(page, f"ledger-tampered-{tampered}")


def test_a_changed_key_or_another_history_fails(browse: Any, site: LiveServer) -> None:
    for name in ("ann", "ben", "cat"):
        site.user(name)
    page = browse()
    page.goto("/ledger")
    _expect_check(page, "check-consistency", "unchecked", "first head")
    head = _page_data(page)["head"]

    # What this browser remembers says the log once had another root at size 2: a fork.
    forked = {"log_id": head["log_id"], "tree_size": 2, "root_hash": "ab" * 32}
    page.evaluate(
        "seen => localStorage.setItem('trustmarket.ledger.head', JSON.stringify(seen))", forked
    )
    page.reload()
    _expect_check(page, "check-consistency", "fail", "does not reproduce the root")
    # the same size with another root
    forked["tree_size"] = head["tree_size"]
    page.evaluate(
        "seen => localStorage.setItem('trustmarket.ledger.head', JSON.stringify(seen))", forked
    )
    page.reload()
    _expect_check(page, "check-consistency", "fail", "two different roots")

    # The pinned key is another one: the page says so, and trusts the new key only when asked.
    page.evaluate(
        """() => localStorage.setItem('trustmarket.ledger.key', JSON.stringify(
               {log_id: "00", public_key: "11".repeat(32), since: "2026-01-01"}))"""
    )
    page.reload()
    _expect_check(page, "check-key", "fail", "not the one your browser pinned on 2026-01-01")
    _expect_check(page, "check-signature", "ok")  # the head is signed by the key it names
    page.get_by_role("button", name="Trust the new key").click()
    _expect_check(page, "check-key", "ok", "which is the key your browser pinned on")
    _expect_check(page, "check-consistency", "unchecked", "first head")


def _auction_with_bids(site: LiveServer, page: Any) -> str:
    owner = site.user("olga", ["auction_owner"])
    made = owner.create_auction(
        "english", "EUR", duration=3600, title="A brass lamp", config={"increment": "1.00"}
    )
    auction_id = str(made["auction_id"])
    page.goto(f"/auctions/{auction_id}")
    for amount in ("10.00", "12.00"):
        page.get_by_label("Amount (EUR)").fill(amount)
        page.get_by_role("button", name="Place bid").click()
        expect(page.locator("#price-form .notice")).to_contain_text("Bid accepted")
    return auction_id


def test_a_visitor_verifies_her_receipts(browse: Any, site: LiveServer) -> None:
    page = browse()
    sign_up(page, "alice")
    auction_id = _auction_with_bids(site, page)
    alice = site.client()
    alice.login("alice", PASSWORD)
    receipts = alice.receipts(auction_id)
    assert len(receipts) >= 2  # her bids (and the service's record of her joining)
    page.goto("/ledger")
    # her auction is offered; following it fills the form and checks at once
    page.get_by_role("link", name="A brass lamp").click()
    expect(page.get_by_label("Auction id")).to_have_value(auction_id)
    expect(page.locator("#receipts-form .notice")).to_contain_text(
        f"All {len(receipts)} receipts check out"
    )
    rows = page.locator("#receipts-table tbody tr")
    expect(rows).to_have_count(len(receipts))
    for row in range(len(receipts)):
        expect(rows.nth(row).locator("span.ok")).to_have_count(2)
    expect(rows.filter(has_text="bid")).to_have_count(2)
    expect(page.locator("#receipts-head")).to_contain_text("its signature verifies")
    screenshot(page, "ledger-receipts")

    # The Python client verifies the same receipts (trustmarket.client.Client.verify_receipt).
    shown = rows.evaluate_all("rows => rows.map(r => Number(r.dataset.seq))")
    assert [r["seq"] for r in receipts] == shown
    for receipt in receipts:
        checked = alice.verify_receipt(receipt)
        link = page.locator("#receipts-table").get_by_role(
            "link", name=str(checked.log_index), exact=True
        )
        expect(link).to_have_attribute("href", f"/ledger?entry={checked.log_index}")


def test_a_tampered_proof_of_a_receipt_fails(browse: Any, site: LiveServer) -> None:
    page = browse()
    sign_up(page, "alice")
    auction_id = _auction_with_bids(site, page)

    def tamper(route: Any) -> None:
        response = route.fetch()
        data = response.json()
        data["proof"]["path"][0] = _flip(data["proof"]["path"][0])
        route.fulfill(response=response, json=data)

    # the second receipt's entry is answered with one byte of its proof changed
    receipts = page.context.request.get(f"/api/auctions/{auction_id}/receipts").json()
    second = receipts[1]
    page.route(re.compile(rf"/api/ledger/entries/{second['log_index']}\?"), tamper)
    page.goto(f"/ledger?auction={auction_id}")
    expect(page.locator("#receipts-form .error")).to_contain_text(
        f"1 of {len(receipts)} receipts did not check out"
    )
    rows = page.locator("#receipts-table tbody tr")
    expect(rows.nth(0).locator("span.ok")).to_have_count(2)
    failed = rows.nth(1)
    expect(failed.locator("span.ok")).to_have_count(1)  # the entry is still the event's digest
    expect(failed.locator("span.fail")).to_contain_text("Failed")
    expect(failed).to_contain_text("not to the head's root")


def test_the_browser_writes_canonical_json_as_python_does(browse: Any, site: LiveServer) -> None:
    """ledger.js's canonical JSON is trustmarket.ledger.canonical's, byte for byte, on the
    cases where JavaScript and Python differ by default: key order by code point (not UTF-16
    unit), escapes, non-ASCII text, integers beyond 2^53 (kept exact from the API's text)."""
    from trustmarket.ledger.canonical import canonical_json

    page = browse()
    page.goto("/ledger")
    value = {
        "\U0001f600": 1,  # sorts after U+FFFF by code point, before it by UTF-16 unit
        "\uffff": [True, False, None, -0, -17],
        "b": {"z": 'tab\tquote"back\\slash\x01\x7f', "a": "caf\u00e9 \u2028 \U0001f600"},
        "a": [],
        "big": 12345678901234567890,
    }
    text = json.dumps(value)  # ASCII with \u escapes: the browser decodes them itself
    written = page.evaluate("text => ledger.canonical(ledger.parseExact(text))", text)
    assert written.encode("utf-8") == canonical_json(value)
    # a float is refused rather than written in a form Python might not share
    refused = page.evaluate(
        """() => { try { ledger.canonical(ledger.parseExact('{"x": 1.0}')); return "written"; }
                   catch (error) { return error.message; } }"""
    )
    assert "checks only whole numbers" in refused


def test_the_page_refuses_a_bad_index(site: LiveServer) -> None:
    with httpx.Client(base_url=site.url) as http:
        empty = http.get("/ledger")
        assert empty.status_code == 200 and "The log is empty." in empty.text
        assert (
            "there is no log entry 0; the log holds 0 entries" in http.get("/ledger?entry=0").text
        )
        site.user("ann")
        bad = http.get("/ledger", params={"entry": "two"})
        assert bad.status_code == 400
        assert "a whole number" in bad.text and 'role="alert"' in bad.text
        missing = http.get("/ledger", params={"entry": "7"})
        assert missing.status_code == 404
        assert "there is no log entry 7; the log holds 1 entries" in missing.text
        huge = http.get("/ledger", params={"entry": str(2**63)})
        assert huge.status_code == 400
        fine = http.get("/ledger", params={"entry": "0"})
        assert fine.status_code == 200 and "Entry 0" in fine.text
        # the receipts form is for a logged-in visitor
        assert "to verify the receipts of your bids" in http.get("/ledger").text
