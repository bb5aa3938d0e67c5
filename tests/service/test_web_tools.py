"""The tools pages (issue 10): the game solver, leveled commitment contracts, the safe exchange
planner with an exchange carried out by two accounts, and the credit bureau, in a real browser
(Playwright driving the machine's Chromium); and, over plain HTTP, the plots the pages' module
draws, its refusals, and that every form control of every tools page has a label."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser import expect, screenshot, sign_up
from live_server import PASSWORD, LiveServer

import trustmarket.service.exchanges as exchanges_module
from trustmarket.client import ApiError
from trustmarket.service.deps import SESSION_COOKIE
from trustmarket.service.web.tools_examples import EXCHANGE_EXAMPLES

pytestmark = pytest.mark.slow


PDF_CONTRACTOR = "0:0 4:1 8:1 12:0"
PDF_CONTRACTEE = "0:0 2:1 6:1 10:0"
CONTRACT_PLOT = {"contractor": PDF_CONTRACTOR, "contractee": PDF_CONTRACTEE, "normalize": "true"}
TOOL_PAGES = ("/tools", "/tools/games", "/tools/contracts", "/tools/exchange", "/tools/bureau")


@pytest.fixture
def http(site: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, timeout=60) as client:
        yield client


def fits_the_screen(page: Any) -> bool:
    """No sideways scrolling of the page itself (wide tables scroll in their own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def api_message(running: LiveServer, method: str, path: str, **kwargs: Any) -> str:
    """The message of the API's refusal of this request (what a page must show)."""
    with pytest.raises(ApiError) as refused:
        running.client().request(method, path, **kwargs)
    return refused.value.message


# -- the game solver ---------------------------------------------------------------------------
def fill_game(page: Any, a: list[list[str]], b: list[list[str]]) -> None:
    for key, who, values in (("A", "Row", a), ("B", "Column", b)):
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                label = f"{who} player's payoff {key}, row {i + 1}, column {j + 1}"
                page.get_by_label(label, exact=True).fill(value)


def test_game_solver_finds_the_equilibria_and_shows_the_apis_refusal(
    browse: Any, site: LiveServer
) -> None:
    page = browse()
    page.goto("/tools")
    page.get_by_role("link", name="Game solver").click()
    expect(page).to_have_url(re.compile("/tools/games$"))

    # matching pennies: the only equilibrium is both mixing half and half
    fill_game(page, [["1", "-1"], ["-1", "1"]], [["-1", "1"], ["1", "-1"]])
    page.get_by_label("Method").select_option("support")
    page.get_by_role("button", name="Find the equilibria").click()
    rows = page.locator("#equilibria tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(["1", "0.5", "0.5", "0.5", "0.5", "0", "0"])
    expect(page.locator("#game-degenerate")).to_have_text("not degenerate")

    page.get_by_label("Exact arithmetic (fractions)").check()
    page.get_by_role("button", name="Find the equilibria").click()
    expect(rows.first.locator("td").nth(1)).to_have_text("1/2")

    # the prisoners' dilemma, from the presets: both defect
    page.get_by_label("Start from").select_option("prisoners-dilemma")
    page.get_by_role("button", name="Load this game").click()
    page.get_by_label("Method").select_option("vertex")
    page.get_by_role("button", name="Find the equilibria").click()
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(["1", "0", "1", "0", "1", "1", "1"])

    # a degenerate game says so, with its component of equilibria
    page.get_by_label("Start from").select_option("degenerate")
    page.get_by_role("button", name="Load this game").click()
    page.get_by_role("button", name="Find the equilibria").click()
    expect(page.locator("#game-degenerate")).to_have_text("degenerate")
    expect(page.locator("#game-note")).to_contain_text("infinitely many")

    # the grids grow and shrink together, each new cell labelled
    page.get_by_role("button", name="Add column").click()
    expect(
        page.get_by_label("Column player's payoff B, row 2, column 3", exact=True)
    ).to_have_value("0")
    expect(page.locator("#game-size")).to_have_text("2 rows \N{MULTIPLICATION SIGN} 3 columns")
    page.get_by_role("button", name="Remove column").click()
    expect(page.locator("#game-size")).to_have_text("2 rows \N{MULTIPLICATION SIGN} 2 columns")
    screenshot(page, "tools-games")

    # a malformed payoff: the API's own message, in the form
    page.get_by_label("Row player's payoff A, row 1, column 2", exact=True).fill("lots")
    page.get_by_role("button", name="Find the equilibria").click()
    expected = api_message(
        site,
        "POST",
        "/api/tools/games/equilibria",
        json={"A": [[1, "lots"], [0, 1]], "B": [[1, 1], [1, 0]], "method": "vertex", "exact": True},
    )
    assert "A.0.1" in expected
    expect(page.locator("#game-form .error")).to_have_text(expected)
    expect(page.locator("#game-result")).to_be_hidden()


def test_game_solver_on_a_phone(browse: Any) -> None:
    page = browse(width=390)
    page.goto("/tools/games")
    page.get_by_label("Start from").select_option("rock-paper-scissors")
    page.get_by_role("button", name="Load this game").click()
    page.get_by_role("button", name="Find the equilibria").click()
    expect(page.locator("#equilibria tbody tr")).to_have_count(1)
    expect(page.locator("#equilibria tbody tr td").nth(1)).to_have_text("0.3333")
    assert fits_the_screen(page)
    screenshot(page, "tools-games-phone")


def test_every_tools_page_fits_a_phone(browse: Any) -> None:
    page = browse(width=390)
    sign_up(page, "carol")  # the exchange planner shows an account more
    for path in TOOL_PAGES:
        page.goto(path)
        assert fits_the_screen(page), path
    page.goto("/tools/contracts")
    page.get_by_role("button", name="Analyse the contract").click()
    expect(page.locator("#contract-plot svg.chart")).to_be_visible()
    expect(page.locator("#optimal tbody tr")).to_have_count(4)
    assert fits_the_screen(page)
    assert page.evaluate(
        "document.querySelector('#contract-plot svg').getBoundingClientRect().width <= 390"
    )


# -- leveled commitment contracts --------------------------------------------------------------
def test_contract_page_plots_the_payoffs_and_lists_equilibria(
    browse: Any, site: LiveServer
) -> None:
    page = browse()
    page.goto("/tools/contracts")
    expect(page.get_by_label("Contractor's best outside cost (distribution)")).to_have_value(
        PDF_CONTRACTOR
    )
    page.get_by_role("button", name="Analyse the contract").click()

    path = page.locator("#contract-plot svg.chart path").first
    expect(path).to_have_attribute("d", re.compile(r"^M\s*-?\d"))
    expect(page.locator("#contract-plot svg.chart")).to_have_attribute("role", "img")
    # one equilibrium per mechanism for this contract: a sequential mechanism has exactly one
    equilibria = page.locator("#equilibria tbody tr")
    expect(equilibria).to_have_count(4)
    expect(page.locator("#equilibria")).to_contain_text("sequential contractee first")
    # docs/contracts.md: a* = rho - a when the contractee decides first
    expect(equilibria.nth(0).locator("td").nth(2)).to_have_text("5")
    optimal = page.locator("#optimal tbody tr")
    expect(optimal).to_have_count(4)
    expect(optimal.nth(2).locator("td").nth(1)).to_have_text("2.0125")  # the optimum, 2.01
    expect(page.locator("#contract-optimal")).to_contain_text("Full commitment")
    screenshot(page, "tools-contracts")

    # one mechanism only
    page.get_by_label("Mechanisms (equilibria and optimal contracts)").select_option(
        "sequential-contractor-first"
    )
    page.get_by_role("button", name="Analyse the contract").click()
    expect(equilibria).to_have_count(1)
    expect(optimal).to_have_count(1)

    # a distribution the service does not evaluate: the API's message, and no stale results
    page.get_by_label("Contractor's best outside cost (distribution)").fill("beta(2, 5)")
    page.get_by_role("button", name="Analyse the contract").click()
    expected = api_message(
        site,
        "POST",
        "/api/tools/contracts/optimal",
        json={"contractor": "beta(2, 5)", "contractee": PDF_CONTRACTEE, "normalize": True},
    )
    expect(page.locator("#contract-form .error")).to_have_text(expected)
    expect(page.locator("#contract-plot")).to_be_hidden()
    expect(page.locator("#contract-equilibria")).to_be_hidden()


# -- the safe exchange planner and an exchange between two accounts -----------------------------
def confirm_next(page: Any) -> None:
    page.get_by_role("button", name=re.compile(r"^Confirm (delivery|payment) of")).click()


def test_exchange_planner_and_two_accounts_carry_out_a_plan(browse: Any, site: LiveServer) -> None:
    alice, bob = browse(), browse(width=390)  # bob on a phone-sized screen
    sign_up(alice, "alice")
    sign_up(bob, "bob")

    alice.goto("/tools/exchange")
    alice.get_by_role("button", name="Plan the exchange").click()
    steps = alice.locator("#plan-steps tbody tr")
    expect(steps).to_have_count(3)  # docs/safe-exchange.md: 3 steps under sequential safety
    expect(steps.nth(0).locator("td")).to_have_text(
        [
            "1",
            "seller delivers, then buyer pays",
            "1 package",
            "10.00 USD",
            "1 package",
            "10.00 USD",
        ]
    )
    expect(alice.locator("#plan-summary")).to_contain_text("3 steps")
    expect(alice.locator("#plan-not-proven")).to_have_count(0)  # proven optimal
    expect(alice.get_by_label("Plan (JSON)")).to_have_value(re.compile('"steps"'))

    alice.get_by_role("button", name="Check this plan").click()
    expect(alice.locator("#check-verdict")).to_have_text(re.compile("^Safe under sequential"))
    alice.get_by_label("Safety").select_option("either-order")
    alice.get_by_role("button", name="Check this plan").click()
    expect(alice.locator("#check-verdict")).to_contain_text("Not safe under either-order")
    expect(alice.locator("#check-result")).to_contain_text("the seller gains by vanishing")
    alice.get_by_label("Safety").select_option("sequential")
    screenshot(alice, "tools-exchange")

    # no safe plan: the planner says why (a 200 answer, not an error)
    alice.get_by_label("Example").select_option("dataset")
    alice.get_by_role("button", name="Load this example").click()
    problem = alice.get_by_label("The exchange (JSON)")
    problem.fill(problem.input_value().replace('"590.00"', '"580.00"').replace('"610', '"620'))
    alice.get_by_role("button", name="Plan the exchange").click()
    expect(alice.locator("#no-plan")).to_contain_text("no safe plan exists")
    # malformed JSON is refused before anything is sent
    problem.fill("{")
    alice.get_by_role("button", name="Plan the exchange").click()
    expect(alice.locator("#plan-form .error")).to_contain_text("not valid JSON")

    # alice proposes the software plan to bob, as the seller
    alice.get_by_label("Example").select_option("software")
    alice.get_by_role("button", name="Load this example").click()
    alice.get_by_role("button", name="Plan the exchange").click()
    expect(steps).to_have_count(3)
    alice.get_by_label("Counterparty (account name)").fill("nobody")
    alice.get_by_role("button", name="Propose to the counterparty").click()
    expect(alice.locator("#propose-form .error")).to_have_text("there is no account 'nobody'")
    alice.get_by_label("Counterparty (account name)").fill("bob")
    alice.get_by_label("You are the").select_option("seller")
    alice.get_by_role("button", name="Propose to the counterparty").click()
    expect(alice).to_have_url(re.compile(r"/exchanges/[0-9A-Z]{26}$"))
    exchange_id = alice.url.rsplit("/", 1)[1]
    expect(alice.locator("#turn")).to_have_text("Waiting for bob to accept the plan.")
    expect(alice.locator("#plan-actions tbody tr")).to_have_count(5)

    # bob finds it among his exchanges and accepts
    bob.goto("/tools/exchange")
    bob.get_by_role("link", name=exchange_id).click()
    expect(bob.locator("#your-role")).to_have_text("buyer")
    bob.get_by_role("button", name="Accept the plan").click()
    expect(bob.locator("#turn")).to_have_text("Waiting for alice to deliver 1 package.")
    # alice's page follows without a reload
    expect(alice.locator("#turn")).to_contain_text("Your turn: deliver 1 package.")

    # bob pays before alice has delivered: the service refuses, and nothing changes
    bob.get_by_text("Confirm an action yourself").click()
    bob.get_by_label("Action", exact=True).select_option("pay")
    bob.get_by_label("Paid (USD)").fill("10.00")
    bob.get_by_role("button", name="Confirm this action").click()
    refusal = "the plan's next action is deliver by alice, not an action of bob"
    expect(bob.locator("#manual-form .error")).to_have_text(refusal)
    expect(bob.locator("#exchange-progress")).to_have_text("0 of 5 actions done")

    # then each confirms in turn: deliver 1, pay 10, deliver 3, pay 12, deliver the plug-in
    for done, actor, other in (
        (1, alice, bob),
        (2, bob, alice),
        (3, alice, bob),
        (4, bob, alice),
        (5, alice, bob),
    ):
        expect(actor.locator("#turn")).to_contain_text("Your turn")
        confirm_next(actor)
        for page in (actor, other):
            expect(page.locator("#exchange-progress")).to_have_text(f"{done} of 5 actions done")
        if done == 2:
            # the plan table marks what is done and what comes next
            expect(bob.locator("#plan-actions tbody tr").nth(1)).to_have_class(
                re.compile(r"\bdone\b")
            )
            expect(bob.locator("#plan-actions tbody tr").nth(2)).to_have_attribute(
                "aria-current", "step"
            )
    for page in (alice, bob):
        expect(page.locator("#turn")).to_have_text("Done: everything is delivered and paid.")
        expect(page.locator("#exchange-history tbody tr")).to_have_count(6)  # accept + 5
    expect(bob.locator("#manual-action")).to_be_hidden()
    assert fits_the_screen(bob)
    screenshot(alice, "exchange")
    screenshot(bob, "exchange-phone")

    bobs = site.client()
    bobs.login("bob", PASSWORD)
    final = bobs.request("GET", f"/api/exchanges/{exchange_id}")
    assert (final["status"], final["done"]) == ("done", 5)


PUBLISHED_PLAN = (
    Path(__file__).resolve().parents[2] / "docs/examples/exchange/software-published-plan.json"
)
#: Independent units whose optimum (24 steps) takes the integer programs 20-40 s to prove: within
#: a second the planner has a safe plan of 25 steps and has proven no plan has fewer than 24.
TIGHT_EXCHANGE = {
    "form": "independent-units",
    "currency": "PTS",
    "price": "32062",
    "seller_forgoes": "180",
    "buyer_forgoes": "157",
    "items": [
        {"name": name, "units": 50, "unit_cost": cost, "unit_value": value}
        for name, cost, value in (
            ("i0", "129", "137"),
            ("i1", "144", "155"),
            ("i2", "138", "158"),
            ("i3", "117", "117"),
            ("i4", "109", "116"),
        )
    ],
}


def test_exchange_planner_says_when_its_plan_is_not_proven(browse: Any) -> None:
    page = browse()
    page.goto("/tools/exchange")
    page.get_by_label("The exchange (JSON)").fill(json.dumps(TIGHT_EXCHANGE, indent=2))
    page.get_by_label("Time limit (seconds)").fill("1")
    page.get_by_role("button", name="Plan the exchange").click()
    note = page.locator("#plan-not-proven")
    expect(note).to_contain_text("Best found, not proven optimal")
    # the lower bound comes within the second (24 so far); the greedy plan has 25 steps
    expect(note).to_contain_text(
        re.compile(r"no plan has fewer than 2[34] steps \(this one has 25\)")
    )
    expect(page.locator("#plan-steps tbody tr")).to_have_count(25)
    expect(page.locator("#plan-form .notice")).to_have_text(
        "Planned: 25 steps (best found, not proven optimal)."
    )
    # a time limit the API refuses: its message, on the form
    page.get_by_label("Time limit (seconds)").fill("11")
    page.get_by_role("button", name="Plan the exchange").click()
    expect(page.locator("#plan-form .error")).to_contain_text("time_limit")


# -- the credit bureau -------------------------------------------------------------------------
def test_bureau_page_plots_t_of_l(browse: Any, site: LiveServer) -> None:
    page = browse()
    page.goto("/tools/bureau")
    page.get_by_role("button", name="Compute T(L)").click()
    expect(page.locator("#t-of-l")).to_have_text("0.8167")  # the paper's figure 4
    expect(page.locator("#fixed-points tbody tr")).to_have_count(1)
    expect(page.locator("#bureau-plot svg.chart path").first).to_have_attribute(
        "d", re.compile(r"^M\s*-?\d")
    )
    expect(page.locator("#bureau-plot svg.chart")).to_contain_text("T(0.1) = 0.8167")
    screenshot(page, "tools-bureau")

    page.get_by_label("Merchant's loss L", exact=True).fill("1")
    page.get_by_role("button", name="Compute T(L)").click()
    expect(page.locator("#t-of-l")).to_have_text("0.9608")

    page.get_by_label("Tracing cost C", exact=True).fill("0")
    page.get_by_role("button", name="Compute T(L)").click()
    expected = api_message(site, "GET", "/api/tools/bureau/reputation", params={"C": "0"})
    expect(page.locator("#bureau-form .error")).to_have_text(expected)
    expect(page.locator("#bureau-plot")).to_be_hidden()


# -- plain HTTP: the plots, the exchange page's refusals, labels --------------------------------
def test_contract_plot_is_an_inline_svg(http: httpx.Client) -> None:
    answer = http.get("/tools/contracts/plot.svg", params=CONTRACT_PLOT)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    svg = answer.text
    assert svg.startswith('<svg class="chart" role="img" aria-label="Expected gains')
    assert "<?xml" not in svg and "<metadata>" not in svg and 'width="' not in svg[:400]
    assert "<title>" in svg and re.search(r'<path d="M\s*-?\d', svg)
    assert "simultaneous-both-pay: payoffs with tailored penalties" in svg
    # the same input draws the same bytes (no random ids, no date)
    assert http.get("/tools/contracts/plot.svg", params=CONTRACT_PLOT).text == svg
    other = http.get(
        "/tools/contracts/plot.svg",
        params={**CONTRACT_PLOT, "mechanism": "sequential-contractee-first", "points": "5"},
    )
    assert other.status_code == 200 and "sequential-contractee-first" in other.text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({}, 422, "contractor: required field is missing; contractee: required field"),
        ({**CONTRACT_PLOT, "contractee": ""}, 422, "contractee: required field is missing"),
        ({**CONTRACT_PLOT, "rho": "6"}, 422, "unknown parameter rho; allowed: contractor"),
        ({**CONTRACT_PLOT, "mechanism": "all"}, 422, "choose one, not 'all'"),
        ({**CONTRACT_PLOT, "mechanism": "auction"}, 422, "mechanism: Input should be"),
        ({**CONTRACT_PLOT, "normalize": "maybe"}, 422, "normalize must be true or false"),
        ({**CONTRACT_PLOT, "points": "1000"}, 422, "points must be a whole number from 5 to 81"),
        ({**CONTRACT_PLOT, "normalize": "false"}, 422, "contractor: the pdf integrates to 8"),
        (
            {**CONTRACT_PLOT, "contractee": "beta(2, 5)"},
            422,
            "contractee: the service evaluates the scipy.stats distributions norm",
        ),
        ({**CONTRACT_PLOT, "contractee": "0:0 oops"}, 422, "contractee: "),
        ({**CONTRACT_PLOT, "contractee": "norm(1e9, 1)"}, 422, "at most 1e+06 in magnitude"),
    ],
)
def test_contract_plot_refuses_bad_input_with_its_reason(
    http: httpx.Client, query: dict[str, str], status: int, message: str
) -> None:
    answer = http.get("/tools/contracts/plot.svg", params=query)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert message in answer.text


def test_bureau_plot_is_an_inline_svg(http: httpx.Client) -> None:
    answer = http.get("/tools/bureau/plot.svg", params={"C": "0.05", "L": "0.5", "L_max": "2"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.text.startswith('<svg class="chart" role="img"')
    assert "T(0.5) = " in answer.text and "C = 0.05" in answer.text
    assert re.search(r'<path d="M\s*-?\d', answer.text)
    # the defaults of the API: C = 0.02, L = 0.1, F and G uniform
    assert "T(0.1) = 0.8167" in http.get("/tools/bureau/plot.svg").text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"C": "0"}, "C: Input should be greater than 0"),
        ({"C": "cheap"}, "C: Input should be a valid number"),
        ({"L": "-1"}, "L: Input should be greater than or equal to 0"),
        ({"F": "beta:1,2"}, "F: the service evaluates piecewise cdfs"),
        ({"G": "piecewise:0,0;0.5,1;0.5,0;1,1"}, "the x values must be finite and rise strictly"),
        ({"L_max": "0"}, "L_max must be above 0"),
        ({"L_max": "nan"}, "L_max must be above 0"),
        ({"L_max": "lots"}, "L_max must be a number"),
        ({"cost": "1"}, "unknown parameter cost; allowed: C, L, F, G, L_max"),
    ],
)
def test_bureau_plot_refuses_bad_input_with_its_reason(
    http: httpx.Client, query: dict[str, str], message: str
) -> None:
    answer = http.get("/tools/bureau/plot.svg", params=query)
    assert answer.status_code == 422, answer.text
    assert message in answer.text


def test_exchange_page_is_for_its_parties(site: LiveServer, http: httpx.Client) -> None:
    alice, bob, eve = (site.user(name) for name in ("alice", "bob", "eve"))
    made = alice.request(
        "POST",
        "/api/exchanges",
        json={"counterparty": "bob", "role": "buyer", "problem": EXCHANGE_EXAMPLES["software"][1]},
    )
    page = f"/exchanges/{made['exchange_id']}"
    answer = http.get(page, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next={page.replace('/', '%2F')}"

    def as_(client: Any, path: str) -> httpx.Response:
        cookies = {SESSION_COOKIE: client.token}
        with httpx.Client(base_url=site.url, cookies=cookies) as browser:
            return browser.get(path)

    seen = as_(bob, page)
    assert seen.status_code == 200
    assert "bob sells to alice" in seen.text and "Accept the plan" in seen.text
    assert as_(alice, page).text.count("Waiting for bob to accept the plan.") == 1
    live = as_(bob, f"{page}?fragment=live")
    assert live.status_code == 200 and "<html" not in live.text and 'id="plan-actions"' in live.text
    refused = as_(eve, page)
    assert refused.status_code == 403
    assert "an exchange is seen by its two parties only" in refused.text
    missing = as_(eve, "/exchanges/NOPE")
    assert missing.status_code == 404 and "there is no exchange &#39;NOPE&#39;" in missing.text


def test_exchange_page_says_whether_the_services_plan_is_proven(
    site: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = site.user("alice"), site.user("bob")
    cookies = {SESSION_COOKIE: bob.token}

    def shown(problem: Any) -> tuple[dict[str, Any], str]:
        made = alice.request(
            "POST",
            "/api/exchanges",
            json={"counterparty": "bob", "role": "seller", "problem": problem},
        )
        with httpx.Client(base_url=site.url, cookies=cookies) as browser:
            page = browser.get(f"/exchanges/{made['exchange_id']}")
        assert page.status_code == 200
        return made, " ".join(page.text.split())

    _, proven = shown(EXCHANGE_EXAMPLES["software"][1])
    assert "Planned by the service for the fewest steps: 3, proven optimal." in proven
    assert "not proven" not in proven
    monkeypatch.setattr(exchanges_module, "PLAN_SECONDS", 1.0)
    made, unproven = shown(TIGHT_EXCHANGE)
    planned = made["planned"]
    assert made["proven"] is False and planned["lower_bound"] < planned["optimum"]
    assert (
        "<strong>Best found, not proven optimal:</strong> the service's planner ran out of time "
        f"first; no plan has fewer than {planned['lower_bound']} steps (this one has "
        f"{planned['optimum']}). The plan is safe all the same."
    ) in unproven
    given = alice.request(
        "POST",
        "/api/exchanges",
        json={
            "counterparty": "bob",
            "role": "seller",
            "problem": EXCHANGE_EXAMPLES["software"][1],
            "plan": json.loads(PUBLISHED_PLAN.read_text())["plan"],
        },
    )
    with httpx.Client(base_url=site.url, cookies=cookies) as browser:
        page = browser.get(f"/exchanges/{given['exchange_id']}").text
    assert 'id="plan-proven"' not in page  # the proposer's plan: nothing to say


class _Controls(HTMLParser):
    """The form controls of a page and the ids its labels name (or wrap)."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self._in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if found.get("for"):
                self.labelled.add(str(found["for"]))
        elif tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.controls.append({**found, "wrapped": "yes" if self._in_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label -= 1


@pytest.mark.parametrize("path", TOOL_PAGES)
def test_every_control_of_the_tools_pages_has_a_label(http: httpx.Client, path: str) -> None:
    answer = http.get(path)
    assert answer.status_code == 200
    parser = _Controls()
    parser.feed(answer.text)
    unlabelled = [
        c for c in parser.controls if not c["wrapped"] and c.get("id") not in parser.labelled
    ]
    assert unlabelled == []
    assert path == "/tools" or parser.controls
    assert 'role="alert"' in answer.text or path == "/tools"
