"""Attack scenarios: the market is deterministic and each attack produces its effect.

Only the accumulative, ratio, weighted and coefficient models are used here.
"""

from __future__ import annotations

import numpy as np
import pytest

from trustmarket.core.errors import InvalidInput, InvalidReputation
from trustmarket.reputation.attacks import (
    BadMouthing,
    BallotStuffing,
    CollusionRing,
    NoAttack,
    Oscillation,
    Round,
    Scenario,
    ShillBidding,
    Snapshot,
    SybilAttack,
    Whitewashing,
    evaluate,
    make_attack,
    make_scenario,
    mean_absolute_error,
)
from trustmarket.reputation.attacks.scenario import (
    ATTRIBUTE_RANGES,
    CHEATER_COOPERATION,
    HONEST_COOPERATION,
)
from trustmarket.reputation.model import ReputationModel
from trustmarket.reputation.models import make_model

SMALL = {"agents": 60, "rounds": 600, "seed": 1}


def play(
    attack: object, model: str | ReputationModel = "accumulative", **options: int
) -> list[Round]:
    scenario = make_scenario(attack, **{**SMALL, **options})  # type: ignore[arg-type]
    built = make_model(model) if isinstance(model, str) else model
    return list(scenario.play(built))


def last_snapshot(rounds: list[Round]) -> Snapshot:
    snapshots = [r.published for r in rounds if r.published is not None]
    return snapshots[-1]


def cheater_rank(rounds: list[Round]) -> float:
    """The mean rank (0 = best) of the cheaters in the last published table."""
    snap = last_snapshot(rounds)
    order = np.argsort(-np.asarray(snap.scores), kind="stable")
    rank = {snap.sellers[k]: position for position, k in enumerate(order)}
    return float(np.mean([rank[s] for s, c in zip(snap.sellers, snap.cheater, strict=True) if c]))


# -- the population and the market ---------------------------------------------------------------


def test_population_has_buyers_honest_sellers_and_cheaters() -> None:
    scenario = make_scenario(agents=100, rounds=10, seed=0)
    assert len(scenario.buyers) == 50
    assert len(scenario.sellers) == 50
    assert len(scenario.cheaters) == 10
    assert scenario.fakes == ()
    for agent in scenario.sellers:
        low, high = HONEST_COOPERATION if agent.honest else CHEATER_COOPERATION
        assert low <= agent.cooperation <= high
    assert all(a.cooperation == 1.0 and a.honest for a in scenario.buyers)
    ids = [a.id for a in scenario.agents]
    assert len(set(ids)) == len(ids)


def test_play_is_deterministic_and_the_seed_matters() -> None:
    first = play(NoAttack(), "ratio")
    again = play(NoAttack(), "ratio")
    assert first == again
    other = play(NoAttack(), "ratio", seed=2)
    assert [r.trade for r in other] != [r.trade for r in first]


def test_a_round_is_a_truthful_trade_picked_by_score() -> None:
    rounds = play(NoAttack(), "ratio")
    scenario = make_scenario(NoAttack(), **SMALL)
    truth = {a.id: a for a in scenario.agents}
    table: dict[str, float] = {}
    for item in rounds:
        if item.published is not None:
            table = dict(zip(item.published.sellers, item.published.scores, strict=True))
        trade = item.trade
        assert trade.seller in trade.candidates
        assert len(set(trade.candidates)) == 4
        # the buyer picked a best-scored candidate (ratio is not a personal view)
        assert table[trade.seller] == max(table[c] for c in trade.candidates)
        assert trade.cheater == (not truth[trade.seller].honest)
        assert len(item.feedback) == 2  # no attack: the trade's two feedbacks only
        about_seller, about_buyer = item.feedback
        assert (about_seller.rater, about_seller.subject) == (trade.buyer, trade.seller)
        assert about_seller.rating == (1 if trade.cooperated else -1)
        assert (about_buyer.rater, about_buyer.subject, about_buyer.rating) == (
            trade.seller,
            trade.buyer,
            1,
        )
        for feedback in item.feedback:
            low, high = ATTRIBUTE_RANGES[feedback.rating]
            assert feedback.attributes is not None
            assert len(feedback.attributes) == 3
            assert all(low <= score <= high for score in feedback.attributes)
            assert feedback.value == trade.value


def test_sellers_cooperate_at_their_true_rate() -> None:
    rounds = play(NoAttack(), "ratio", rounds=1500)
    honest = [r.trade.cooperated for r in rounds if not r.trade.cheater]
    assert 0.7 < np.mean(honest) < 0.98


def test_personal_view_models_are_asked_as_the_buyer() -> None:
    rounds = play(NoAttack(), "coefficient")
    assert len(rounds) == SMALL["rounds"]


def test_no_attack_baseline_a_probabilistic_model_is_accurate() -> None:
    for name in ("ratio", "coefficient"):
        rounds = play(NoAttack(), name, rounds=1000)
        metrics = evaluate(rounds, probabilistic=True, surplus=0.25)
        snapshots = [r.published for r in rounds[500:] if r.published is not None]
        # knowing nothing (every score 0.5) errs by about 0.3
        blind = np.mean([mean_absolute_error([0.5] * len(s.truth), s.truth) for s in snapshots])
        assert metrics.mae is not None
        assert metrics.mae < 0.22
        assert metrics.mae < 0.75 * blind
        assert metrics.tau is not None
        assert metrics.tau > 0.4
        assert metrics.cheater_share < 0.1


# -- each attack's effect ------------------------------------------------------------------------


def test_ballot_stuffing_lifts_the_colluders() -> None:
    baseline = play(NoAttack())
    stuffed = play(BallotStuffing())
    cheaters = {a.id for a in make_scenario(None, **SMALL).cheaters}
    praise = [f for r in stuffed for f in r.feedback[2:]]
    assert praise
    assert all(f.rater in cheaters and f.subject in cheaters and f.rating == 1 for f in praise)
    assert all(f.rater != f.subject for f in praise)
    # the accumulative model now ranks the colluders above where it did without the attack
    assert cheater_rank(stuffed) < cheater_rank(baseline) - 10
    share = evaluate(stuffed, probabilistic=False, surplus=0.25).cheater_share
    assert share > 3 * evaluate(baseline, probabilistic=False, surplus=0.25).cheater_share


def test_bad_mouthing_rates_honest_sellers_down() -> None:
    baseline = play(NoAttack(), "ratio")
    attacked = play(BadMouthing(), "ratio")
    scenario = make_scenario(None, **SMALL)
    cheaters = {a.id for a in scenario.cheaters}
    honest = {a.id for a in scenario.sellers if a.honest}
    attacks = [f for r in attacked for f in r.feedback[2:]]
    assert len(attacks) == SMALL["rounds"]  # per_round = 1
    assert all(f.rater in cheaters and f.subject in honest and f.rating == -1 for f in attacks)

    def honest_mean(rounds: list[Round]) -> float:
        snap = last_snapshot(rounds)
        return float(np.mean([s for s, c in zip(snap.scores, snap.cheater, strict=True) if not c]))

    assert honest_mean(attacked) < honest_mean(baseline) - 0.1


def test_sybil_identities_appear_as_raters_of_their_owner() -> None:
    attack = SybilAttack(sybils=5)
    scenario = make_scenario(attack, **SMALL)
    fakes = {a.id: a for a in scenario.fakes}
    assert len(fakes) == 5 * len(scenario.cheaters)
    assert all(a.role == "fake" and not a.honest for a in fakes.values())
    rounds = list(scenario.play(make_model("accumulative")))
    praise = [f for r in rounds for f in r.feedback[2:]]
    assert {f.rater for f in praise} <= set(fakes)
    assert len({f.rater for f in praise}) > len(fakes) // 2
    assert all(f.subject == fakes[f.rater].owner and f.rating == 1 for f in praise)
    # Sybils never sell.
    assert not {r.trade.seller for r in rounds} & set(fakes)


def test_whitewashing_produces_new_ids_for_found_out_cheaters() -> None:
    scenario = make_scenario(Whitewashing(), **SMALL)
    rounds = list(scenario.play(make_model("ratio")))
    cheaters = {a.id for a in scenario.cheaters}
    offered = {c for r in rounds for c in r.trade.candidates}
    new_ids = offered - {a.id for a in scenario.sellers}
    assert new_ids
    assert all(i.split(".w")[0] in cheaters and ".w" in i for i in new_ids)
    # Once an id has been left it is never offered again.
    for new in new_ids:
        persona, generation = new.split(".w")
        old = persona if generation == "1" else f"{persona}.w{int(generation) - 1}"
        first = min(r.time for r in rounds if new in r.trade.candidates)
        assert all(old not in r.trade.candidates for r in rounds if r.time >= first)
    # Whitewashing happens only when a newcomer scores better: never with a newcomer at 0.
    strict = list(scenario.play(make_model("coefficient", initial=0.0)))
    assert {c for r in strict for c in r.trade.candidates} <= {a.id for a in scenario.sellers}


def test_oscillating_cheaters_alternate_good_and_bad_periods() -> None:
    attack = Oscillation(build=100, cheat=50)
    assert [attack.building(0, 4, t) for t in (0, 99, 100, 149, 150)] == [
        True,
        True,
        False,
        False,
        True,
    ]
    # staggered: cheater 1 of 4 is a quarter period in
    assert attack.building(1, 4, 0) and not attack.building(1, 4, 100 - 37)
    scenario = make_scenario(attack, **{**SMALL, "rounds": 1200})
    rounds = list(scenario.play(make_model("ratio")))
    order = {a.id: k for k, a in enumerate(scenario.cheaters)}
    n = len(order)
    good: list[bool] = []
    bad: list[bool] = []
    for r in rounds:
        if r.trade.cheater:
            phase = attack.building(order[r.trade.seller], n, r.time)
            (good if phase else bad).append(r.trade.cooperated)
    assert good
    assert bad
    assert np.mean(good) > 0.85
    assert np.mean(bad) < 0.5
    # the truth the metrics see follows the phase
    truths = {s.truth[s.sellers.index(c)] for r in rounds if (s := r.published) for c in order}
    assert 0.95 in truths
    assert min(truths) <= CHEATER_COOPERATION[1]


def test_collusion_ring_praises_members_and_bad_mouths_outsiders() -> None:
    scenario = make_scenario(CollusionRing(), **SMALL)
    ring = {a.id for a in scenario.cheaters}
    rounds = list(scenario.play(make_model("accumulative")))
    extra = [f for r in rounds for f in r.feedback[2:]]
    praise = [f for f in extra if f.rating == 1]
    slander = [f for f in extra if f.rating == -1]
    assert praise
    assert slander
    assert all(f.rater in ring and f.subject in ring for f in praise)
    assert all(f.rater in ring and f.subject not in ring for f in slander)


def test_shill_accounts_win_cheap_sales_and_praise_their_seller() -> None:
    scenario = make_scenario(ShillBidding(shills=2, value=150), **SMALL)
    fakes = {a.id: a for a in scenario.fakes}
    assert len(fakes) == 2 * len(scenario.cheaters)
    assert all(".shill" in i for i in fakes)
    rounds = list(scenario.play(make_model("weighted")))
    shill = [f for r in rounds for f in r.feedback[2:]]
    assert shill
    assert all(f.value == 150 and f.rating == 1 for f in shill)
    assert all(f.subject == fakes[f.rater].owner for f in shill)
    baseline = list(make_scenario(None, **SMALL).play(make_model("accumulative")))
    boosted = list(scenario.play(make_model("accumulative")))
    assert cheater_rank(boosted) < cheater_rank(baseline) - 10


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: BallotStuffing(per_round=-1.0), "per_round must be >= 0"),
        (lambda: BadMouthing(per_round=float("nan")), "per_round must be a finite number"),
        (lambda: BadMouthing(per_round=10**400), "per_round must be a finite number >= 0; got an"),
        (lambda: SybilAttack(sybils=0), "sybils must be a whole number >= 1"),
        (lambda: ShillBidding(value=-5), "value"),
        (lambda: Oscillation(build=0), "build"),
        (lambda: Oscillation(high=1.5), r"high must be a probability in \[0, 1\]"),
        (lambda: CollusionRing(praise=2.0), r"praise must be a share in \[0, 1\]"),
        (lambda: make_attack("sybil", identities=3), "attack sybil"),
        (lambda: make_attack("spam"), "unknown attack 'spam'; choose one of none, ballot-stuffing"),
        (lambda: make_scenario(agents=5), "agents must be a whole number >= 10"),
        (lambda: make_scenario(rounds=0), "rounds must be a whole number >= 1"),
        (lambda: make_scenario(day=0), "day"),
        (lambda: make_scenario(candidates=1), "candidates must be a whole number >= 2"),
        (lambda: make_scenario(cheater_share=1.0), r"cheater_share must be a number in \(0, 1\)"),
        (lambda: make_scenario(agents=10, candidates=6), "only 5"),
    ],
)
def test_bad_parameters_say_what_is_allowed(build: object, message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        build()  # type: ignore[operator]


def test_a_negative_seed_is_refused() -> None:
    with pytest.raises(InvalidInput, match="non-negative int"):
        make_scenario(seed=-1)
    scenario = make_scenario(None, **SMALL)
    with pytest.raises(InvalidReputation, match="must be an Attack"):
        Scenario("none", scenario.agents, 10, 0)  # type: ignore[arg-type]
