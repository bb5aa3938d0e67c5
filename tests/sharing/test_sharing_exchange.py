"""The sharing exchange: STIX validation, panels, verdicts by the median, payouts by the rules,
novelty, the dynamic factor, the log, reputations, the embargo, the induced game, bad input."""

from __future__ import annotations

from fractions import Fraction

import pytest

from trustmarket.core.errors import InvalidInput, RejectedEvent
from trustmarket.sharing import RewardRules, SharingExchange, Tier, sharing_game

DAY = 86_400
IP = {
    "pattern": "[ipv4-addr:value = '198.51.100.7']",
    "pattern_type": "stix",
    "valid_from": "2026-11-01T00:00:00Z",
    "indicator_types": ["malicious-activity"],
}


def exchange(**options: object) -> SharingExchange:
    market = SharingExchange(seed=5, **options)  # type: ignore[arg-type]
    market.join("grid", Tier.CRITICAL_INFRASTRUCTURE)
    market.join("bank", "core-business")
    market.join("shop", "small-business")
    market.join("mill", "small-business")
    market.join("port", "core-business")
    return market


def verify(
    market: SharingExchange, sid: str, votes: list[tuple[bool, str, str]], time: int
) -> None:
    panel = market.submissions[sid].panel
    for reviewer, (valid, severity, scope) in zip(panel, votes, strict=True):
        market.review(sid, reviewer, valid=valid, severity=severity, scope=scope, time=time)


def test_a_verified_indicator_pays_by_the_rules_at_once() -> None:
    market = exchange()
    sub = market.submit("grid", IP, time=100)
    assert len(sub.panel) == 3 and "grid" not in sub.panel and len(set(sub.panel)) == 3
    verify(
        market,
        sub.id,
        [(True, "high", "root"), (True, "critical", "root"), (True, "medium", "specific")],
        200,
    )
    assert sub.verdict == "verified"
    # lower median of (medium, high, critical) = high; of (specific, root, root) = root
    assert (sub.severity, sub.scope) == ("high", "root")
    assert sub.payout == 100_000 * 4 * 3 * 3 == market.balances["grid"]


def test_a_duplicate_earns_nothing_and_a_majority_no_rejects() -> None:
    market = exchange()
    first = market.submit("grid", IP, time=100)
    verify(market, first.id, [(True, "low", "specific")] * 3, 200)
    again = market.submit("bank", IP, time=300)
    verify(market, again.id, [(True, "low", "specific")] * 3, 400)
    assert again.verdict == "verified" and again.payout == 0
    other = market.submit("shop", {**IP, "pattern": "[domain-name:value = 'evil.example']"}, 500)
    verify(
        market,
        other.id,
        [(False, "low", "specific"), (True, "high", "root"), (False, "low", "specific")],
        600,
    )
    assert other.verdict == "rejected" and other.payout == 0
    assert market.reputation.score("grid") > 0.5 > market.reputation.score("shop")


def test_the_dynamic_factor_rises_with_incidents_and_is_capped() -> None:
    rules = RewardRules(incident_rate="0.25", dynamic_cap="1.5")
    assert rules.dynamic_factor(1) == Fraction(5, 4)
    assert rules.dynamic_factor(10) == Fraction(3, 2)
    market = exchange(rules=rules)
    market.record_incident("malicious-activity", 50)
    market.record_incident("malicious-activity", 60)
    market.record_incident("anomalous-activity", 70)
    sub = market.submit("shop", IP, time=100)
    verify(market, sub.id, [(True, "low", "specific")] * 3, 200)
    assert sub.payout == 100_000 * 1 * 1 * 1 * Fraction(3, 2)  # two incidents: 1.5, the cap


def test_rewards_are_integers_rounded_half_to_even() -> None:
    rules = RewardRules(base=5, scope={"specific": "0.5", "root": 1})
    assert rules.reward("low", "specific", "small-business", novel=True, recent_incidents=0) == 2
    assert rules.reward("medium", "specific", "small-business", novel=True, recent_incidents=0) == 5


def test_everything_goes_on_the_log_and_refusals_change_nothing() -> None:
    market = exchange()
    before = len(market.log)
    sub = market.submit("grid", IP, time=100)
    verify(market, sub.id, [(True, "low", "specific")] * 3, 200)
    # submission, three reviews, verdict, payout
    assert len(market.log) == before + 6
    size, balances = len(market.log), dict(market.balances)
    reviewer = sub.panel[0]
    with pytest.raises(RejectedEvent, match="already voted"):
        market.review(sub.id, reviewer, valid=True, severity="low", scope="root", time=300)
    assert len(market.log) == size and market.balances == balances


def test_pool_access_follows_contribution_with_an_embargo() -> None:
    market = exchange(embargo=7 * DAY)
    sub = market.submit("grid", IP, time=0)
    verify(market, sub.id, [(True, "low", "specific")] * 3, DAY)
    assert market.pool("grid", DAY) == [sub]
    assert market.pool("mill", DAY) == []
    assert market.pool("mill", 8 * DAY) == [sub]


def test_panels_are_seeded() -> None:
    first = exchange().submit("grid", IP, time=100).panel
    assert exchange().submit("grid", IP, time=100).panel == first


def test_the_rules_become_the_sharing_game() -> None:
    rules = RewardRules()
    tiers = ("small-business", "small-business")
    # no reward: withholding the knowledge is safer
    none = sharing_game(RewardRules(base=0), knowledge=(3, 1), risk=Fraction(1, 2), tiers=tiers)
    assert not none.sharing_is_an_equilibrium
    paid = sharing_game(
        rules, knowledge=(3, 1), risk=Fraction(1, 2), tiers=tiers, severity="medium"
    )
    assert paid.rewards == (200_000, 200_000)
    assert paid.sharing_is_the_only_equilibrium


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m: m.submit("nobody", IP, 1), RejectedEvent, "not a member"),
        (
            lambda m: m.submit("grid", {**IP, "pattern": "[bad"}, 1),
            InvalidInput,
            "not a valid STIX 2.1 Indicator",
        ),
        (
            lambda m: m.submit(
                "grid", {"pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}, 1
            ),
            InvalidInput,
            "pattern",
        ),
        (lambda m: m.submit("grid", "x", 1), InvalidInput, "mapping of STIX properties"),
        (lambda m: m.join("grid", "small-business"), InvalidInput, "already a member"),
        (lambda m: m.join("new", "giant"), InvalidInput, "unknown tier 'giant'"),
        (
            lambda m: m.review(
                "indicator--x", "bank", valid=True, severity="low", scope="root", time=1
            ),
            RejectedEvent,
            "unknown submission",
        ),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(call, error, message) -> None:  # type: ignore[no-untyped-def]
    market = exchange()
    size = len(market.log)
    with pytest.raises(error, match=message):
        call(market)
    assert len(market.log) == size


def test_reviews_on_own_or_foreign_submissions_are_refused() -> None:
    market = exchange()
    sub = market.submit("grid", IP, time=100)
    outsider = next(m for m in market.members if m not in sub.panel and m != "grid")
    with pytest.raises(RejectedEvent, match="own submission"):
        market.review(sub.id, "grid", valid=True, severity="low", scope="root", time=200)
    with pytest.raises(RejectedEvent, match="not on the panel"):
        market.review(sub.id, outsider, valid=True, severity="low", scope="root", time=200)
    with pytest.raises(InvalidInput, match="unknown severity 'huge'"):
        market.review(sub.id, sub.panel[0], valid=True, severity="huge", scope="root", time=200)
    assert sub.reviews == {}


def test_a_panel_needs_enough_other_members() -> None:
    market = SharingExchange(panel_size=3)
    market.join("a", "small-business")
    market.join("b", "small-business")
    with pytest.raises(RejectedEvent, match="needs 3 members other than a"):
        market.submit("a", IP, 1)


def test_panels_come_from_the_named_reviewers_never_the_submitter() -> None:
    market = exchange(panel_size=2)
    reviewers = ["bank", "mill", "grid"]
    for t in range(1, 9):
        made = market.submit("grid", {**IP, "name": f"ip {t}"}, t, reviewers=reviewers)
        assert set(made.panel) <= {"bank", "mill"}  # the submitter is never drawn
    with pytest.raises(RejectedEvent, match="needs 2 reviewers other than grid; eligible: 1"):
        market.submit("grid", IP, 20, reviewers=["bank", "grid"])
    with pytest.raises(InvalidInput, match="reviewers must be members; not members: zed"):
        market.submit("grid", IP, 21, reviewers=["bank", "zed"])
    assert len(market.submissions) == 8  # refusals drew nothing


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"severity": {"low": 1}}, "exactly the keys"),
        ({"base": -1}, "base must be"),
        ({"dynamic_cap": "0.5"}, "dynamic_cap must be >= 1"),
        ({"incident_rate": 0.1}, "decimal string"),
        ({"window": 0}, "window"),
    ],
)
def test_bad_rules_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        RewardRules(**kwargs)  # type: ignore[arg-type]


def test_a_payout_exists_only_for_a_verified_indicator() -> None:
    market = exchange()
    sub = market.submit("grid", IP, time=100)
    with pytest.raises(RejectedEvent, match="it is under review; only a verified indicator"):
        market.payout(sub.id)
    verify(market, sub.id, [(False, "low", "specific")] * 3, 200)
    with pytest.raises(RejectedEvent, match="it is rejected"):
        market.payout(sub.id)
    other = market.submit("bank", {**IP, "pattern": "[domain-name:value = 'x.example']"}, 300)
    verify(market, other.id, [(True, "low", "specific")] * 3, 400)
    assert market.payout(other.id) == 200_000 == market.balances["bank"]
