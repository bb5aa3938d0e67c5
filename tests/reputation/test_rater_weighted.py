"""The rater-weighted model of Sathiyamoorthy et al. (section 4.2): the paper's Table 2 example,
peer choice, the trust as a weighted mean, value scaling, decay, bad input, and the incremental
model against an independent from-scratch computation."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_contract import ModelContract, market_stream, snapshot

from trustmarket.core.errors import InvalidFeedback, InvalidReputation
from trustmarket.reputation import AttributeScale, Feedback, FeedbackLog, Transaction
from trustmarket.reputation.models.accumulative import AccumulativeModel
from trustmarket.reputation.models.rater_weighted import (
    RaterWeightedModel,
    agreement,
    agreement_terms,
    weight_against,
)


class TestRaterWeightedContract(ModelContract):
    def make(self) -> RaterWeightedModel:
        return RaterWeightedModel()

    def bad_feedback(self) -> list[object]:
        return [
            Feedback("t99", "ann", "bo", 1),  # no attributes
            Feedback("t99", "ann", "bo", 1, attributes=(5.0, 4.0)),  # too few
            Feedback("t99", "ann", "bo", 1, attributes=(5.0, 4.0, 3.0, 2.0)),  # too many
            Feedback("t99", "ann", "bo", 1, attributes=(5.0, 4.0, 6.0)),  # above the scale
            Feedback("t99", "ann", "bo", 1, attributes=(-1.0, 4.0, 3.0)),  # below the scale
        ]


class TestRaterWeightedMeanByValueDecayContract(ModelContract):
    def make(self) -> RaterWeightedModel:
        return RaterWeightedModel(peers="mean", by_value=True, half_life=50)

    def bad_feedback(self) -> list[object]:
        return [Feedback("t99", "ann", "bo", 1)]


class TestRaterWeightedOtherScaleContract(ModelContract):
    def make(self) -> RaterWeightedModel:
        return RaterWeightedModel(AttributeScale(names=("a", "b", "c", "d"), low=0, high=10))

    def stream(self) -> list[Feedback]:
        return market_stream(attributes=4)

    def bad_feedback(self) -> list[object]:
        return [
            Feedback("t99", "ann", "bo", 1, attributes=(5.0, 4.0, 3.0)),
            Feedback("t99", "ann", "bo", 1, attributes=(5.0, 4.0, 3.0, 11.0)),
        ]


# -- the paper's Table 2 (section 4.2): x and y over the common partners a, b, c, d ---------------
# Columns c_1, c_2, c_3 per partner, read from the extracted table:
#       a: 3.5 4 5 | 4 2 4     b: 3 5 2 | 2.5 4 3     c: 5 5 5 | 1 0 5     d: 1 4.5 4 | 2 5 4
TABLE2_X = {"a": (3.5, 4, 5), "b": (3, 5, 2), "c": (5, 5, 5), "d": (1, 4.5, 4)}
TABLE2_Y = {"a": (4, 2, 4), "b": (2.5, 4, 3), "c": (1, 0, 5), "d": (2, 5, 4)}
# SPEC section 4: R_a = 42/22.5, R_b = 33.5/19.5, R_c = 30/21, R_d = 40.5/20.5.
TABLE2_TERMS = {"a": (42.0, 22.5), "b": (33.5, 19.5), "c": (30.0, 21.0), "d": (40.5, 20.5)}
W_X = (42 / 22.5 + 33.5 / 19.5 + 30 / 21 + 40.5 / 20.5) / 4

# Table 1: y also rated e; z rated a, c, e; w rated b, d, e (their scores are not in the paper;
# these are made up for the tests).
TABLE1_Y_EXTRA = {"e": (3, 4, 5)}
TABLE1_Z = {"a": (4, 4, 4), "c": (5, 4, 3), "e": (2, 2, 2)}
TABLE1_W = {"b": (3, 3, 3), "d": (0, 5, 5), "e": (1, 1, 1)}


def test_table2_terms_by_hand() -> None:
    # a: 3.5*4 + 4*2 + 5*4 = 42 over |3.5+4+5| + |4+2+4| = 12.5 + 10 = 22.5
    for partner, (numerator, denominator) in TABLE2_TERMS.items():
        x, y = TABLE2_X[partner], TABLE2_Y[partner]
        assert sum(a * b for a, b in zip(x, y, strict=True)) == numerator
        assert abs(sum(x)) + abs(sum(y)) == denominator
        assert agreement_terms(x, y) == (numerator, denominator)
        assert agreement(x, y) == pytest.approx(numerator / denominator, rel=1e-15)


def test_table2_weight_of_x_is_1_7472() -> None:
    weight = weight_against(TABLE2_X, TABLE2_Y)
    assert round(weight, 4) == 1.7472
    exact = (
        Fraction(42) / Fraction("22.5")
        + Fraction("33.5") / Fraction("19.5")
        + Fraction(30, 21)
        + Fraction("40.5") / Fraction("20.5")
    ) / 4
    assert weight == pytest.approx(float(exact), rel=1e-14)
    assert weight == pytest.approx(W_X, rel=1e-14)


def test_weight_against_uses_only_the_common_partners_and_is_symmetric() -> None:
    y_more = {**TABLE2_Y, **TABLE1_Y_EXTRA}
    assert weight_against(TABLE2_X, y_more) == pytest.approx(W_X)
    assert weight_against(y_more, TABLE2_X) == pytest.approx(W_X)
    # two common partners only
    assert weight_against(TABLE2_X, TABLE1_Z) == pytest.approx((50 / 24.5 + 60 / 27) / 2)


def test_agreement_of_two_zero_vectors_is_zero() -> None:
    assert agreement((0, 0, 0), (0, 0, 0)) == 0.0
    assert agreement((0, 0, 0), (5, 5, 5)) == 0.0
    # the largest value on 0..5 is r_max / 2
    assert agreement((5, 5, 5), (5, 5, 5)) == 2.5


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ((1, 2, 3), (1, 2), "same attributes"),
        ((), (), "at least one"),
        ("123", (1, 2, 3), "sequence"),
        (5, (1, 2, 3), "sequence"),
        ((1, True, 3), (1, 2, 3), "numbers"),
        ((1, "2", 3), (1, 2, 3), "numbers"),
        ((1, float("nan"), 3), (1, 2, 3), "finite"),
        ((1, 2, 3), (1, 2, float("inf")), "finite"),
    ],
)
def test_agreement_refuses_bad_vectors(x: object, y: object, message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        agreement(x, y)  # type: ignore[arg-type]
    with pytest.raises(InvalidReputation, match=message):
        agreement_terms(x, y)  # type: ignore[arg-type]


def test_weight_against_needs_a_common_partner() -> None:
    with pytest.raises(InvalidReputation, match="no partner in common"):
        weight_against({"a": (1, 2, 3)}, {"b": (1, 2, 3)})
    with pytest.raises(InvalidReputation, match="no partner in common"):
        weight_against({}, TABLE2_Y)
    with pytest.raises(InvalidReputation, match="same attributes"):
        weight_against({"a": (1, 2, 3)}, {"a": (1, 2)})


# -- the same through the model ------------------------------------------------------------------


def feed(model: RaterWeightedModel, raters: Mapping[str, Mapping[str, Sequence[float]]]) -> None:
    k = 0
    for rater, ratings in raters.items():
        for partner, scores in ratings.items():
            model.update(
                Feedback(f"t{k}", rater, partner, 1, time=k, attributes=tuple(map(float, scores)))
            )
            k += 1


def table_model(**options: object) -> RaterWeightedModel:
    model = RaterWeightedModel(**options)  # type: ignore[arg-type]
    feed(
        model,
        {
            "x": TABLE2_X,
            "y": {**TABLE2_Y, **TABLE1_Y_EXTRA},
            "z": TABLE1_Z,
            "w": TABLE1_W,
        },
    )
    return model


def test_model_paper_peer_reproduces_table2() -> None:
    model = table_model()
    basis = model.weight_basis("x")
    # z and w share two partners with x, y shares four: y is the paper's peer
    assert (basis.peer, basis.common, basis.peers) == ("y", 4, 3)
    assert basis.paper == pytest.approx(W_X)
    assert round(model.rater_weight("x", normalised=False), 4) == 1.7472
    assert model.rater_weight("x") == pytest.approx(W_X / 2.5)
    assert model.rater_weight("x", peers="paper") == pytest.approx(W_X / 2.5)
    # R_a is symmetric in x and y, and x is y's largest common set (z and w share 3 with y)
    assert model.weight_basis("y").peer == "x"
    assert model.rater_weight("y", normalised=False) == pytest.approx(W_X)


def test_model_mean_over_peers_is_the_common_set_weighted_mean() -> None:
    # x against y: R_a..R_d; against z: a, c; against w: b, d (hand-computed below)
    r_y = [42 / 22.5, 33.5 / 19.5, 30 / 21, 40.5 / 20.5]
    r_z = [50 / 24.5, 60 / 27]  # a: 14+16+20 over 12.5+12; c: 25+20+15 over 15+12
    r_w = [30 / 19, 42.5 / 19.5]  # b: 9+15+6 over 10+9; d: 0+22.5+20 over 9.5+10
    mean = (sum(r_y) + sum(r_z) + sum(r_w)) / 8
    for model in (table_model(peers="mean"), table_model()):
        assert model.weight_basis("x").mean == pytest.approx(mean)
        assert model.rater_weight("x", peers="mean", normalised=False) == pytest.approx(mean)
        assert model.rater_weight("x", peers="mean") == pytest.approx(mean / 2.5)
    assert table_model(peers="mean").rater_weight("x") == pytest.approx(mean / 2.5)
    assert mean != pytest.approx(W_X)


def test_model_trust_is_the_rater_weighted_mean_of_attribute_satisfaction() -> None:
    model = table_model()
    # a was rated by x (peer y, W_X), y (peer x, W_X) and z (peer y over a, c, e)
    w_z = (40 / 22 + 20 / 18 + 24 / 18) / 3  # z vs y: a 16+8+16 / 12+10; c 5+0+15 / 12+6; e 24/18
    weights = {"x": W_X / 2.5, "y": W_X / 2.5, "z": w_z / 2.5}
    satisfaction = {"x": 12.5 / 15, "y": 10 / 15, "z": 12 / 15}  # mean score / 5
    expected = sum(weights[r] * satisfaction[r] for r in weights) / sum(weights.values())
    assert model.rater_weight("z") == pytest.approx(w_z / 2.5)
    assert model.score("a") == pytest.approx(expected)
    explanation = model.explain("a")
    assert explanation.score == pytest.approx(expected)
    assert sum(c.weight for c in explanation.contributions) == pytest.approx(1.0)
    shares = {c.rater: c.weight for c in explanation.contributions}
    assert shares == pytest.approx({r: w / sum(weights.values()) for r, w in weights.items()})
    assert explanation.quantities["numerator"] / explanation.quantities[
        "denominator"
    ] == pytest.approx(expected)


def test_paper_peer_ties_go_to_the_smallest_id() -> None:
    model = RaterWeightedModel()
    feed(
        model,
        {
            "p": {"s1": (5, 5, 5), "s2": (5, 5, 5)},
            "mo": {"s1": (1, 1, 1), "s2": (1, 1, 1)},
            "kay": {"s1": (4, 4, 4), "s2": (4, 4, 4)},
        },
    )
    basis = model.weight_basis("p")
    assert (basis.peer, basis.common, basis.peers) == ("kay", 2, 2)
    # against kay: 60 / (15 + 12) on both partners
    assert basis.paper == pytest.approx(60 / 27)
    # mean over kay and mo: (2 * 60/27 + 2 * 15/18) / 4
    assert basis.mean == pytest.approx((60 / 27 + 15 / 18) / 2)


def test_repeated_ratings_of_a_partner_use_the_mean_scores_in_r_a() -> None:
    model = RaterWeightedModel()
    feed(model, {"y": {"a": (3, 3, 3)}})
    model.update(Feedback("u1", "x", "a", 1, time=10, attributes=(5.0, 5.0, 5.0)))
    model.update(Feedback("u2", "x", "a", 1, time=11, attributes=(1.0, 1.0, 1.0)))
    # f(x, a) = (3, 3, 3): R_a = 27 / (9 + 9) = 1.5 for x and for y
    assert model.rater_weight("x", normalised=False) == pytest.approx(1.5)
    assert model.rater_weight("y", normalised=False) == pytest.approx(1.5)
    # the trust counts each feedback: v = 0.6 (y), 1.0 and 0.2 (x), all weighted 0.6
    assert model.score("a") == pytest.approx((0.6 + 1.0 + 0.2) / 3)


def test_weights_follow_new_feedback_of_a_peer() -> None:
    model = RaterWeightedModel()
    feed(model, {"x": {"a": (5, 5, 5)}, "y": {"a": (5, 5, 5)}})
    assert model.rater_weight("x") == pytest.approx(1.0)
    # y rates a again, low: y's mean for a becomes (3, 3, 3): R_a = 45 / (15 + 9)
    model.update(Feedback("late", "y", "a", 1, time=50, attributes=(1.0, 1.0, 1.0)))
    assert model.rater_weight("x", normalised=False) == pytest.approx(45 / 24)
    # a new peer with a larger common set replaces y as x's paper peer
    feed(model, {"x": {"b": (5, 5, 5)}})
    assert model.weight_basis("x").peer == "y"
    model.update(Feedback("q1", "q", "a", 1, time=60, attributes=(0.0, 0.0, 0.0)))
    model.update(Feedback("q2", "q", "b", 1, time=61, attributes=(0.0, 0.0, 0.0)))
    assert model.weight_basis("x").peer == "q"
    assert model.rater_weight("x") == 0.0


def test_a_rater_without_a_peer_gets_the_newcomer_weight() -> None:
    model = RaterWeightedModel(newcomer_weight=0.3)
    model.update(Feedback("t1", "x", "s", 1, attributes=(5.0, 4.0, 3.0)))
    assert model.weight_basis("x").peer is None
    assert model.rater_weight("x") == 0.3
    assert model.rater_weight("x", normalised=False) == pytest.approx(0.3 * 2.5)
    assert model.rater_weight("stranger") == 0.3
    # one rater: the trust is her satisfaction, 12 / 15
    assert model.score("s") == pytest.approx(0.8)


def test_unknown_subject_and_zero_weights_give_the_prior() -> None:
    model = RaterWeightedModel(prior=0.4, newcomer_weight=0.0)
    assert model.score("nobody") == 0.4
    model.update(Feedback("t1", "x", "s", 1, attributes=(5.0, 5.0, 5.0)))
    assert model.score("s") == 0.4
    assert "prior" in model.explain("s").formula


def test_the_scalar_rating_is_not_read() -> None:
    scores = []
    for rating in (-1, 0, 1):
        model = RaterWeightedModel()
        model.update(Feedback("t1", "x", "s", rating, attributes=(2.0, 3.0, 4.0)))
        scores.append(model.score("s"))
    assert scores == pytest.approx([0.6, 0.6, 0.6])


def test_normalised_weight_on_another_scale_divides_by_its_r_max_over_two() -> None:
    model = RaterWeightedModel(AttributeScale(names=("q", "t"), low=0, high=10))
    feed(model, {"x": {"a": (10, 10)}, "y": {"a": (10, 6)}})
    # R_a = (100 + 60) / (20 + 16) = 160 / 36; r_max / 2 = 5
    assert model.rater_weight("x", normalised=False) == pytest.approx(160 / 36)
    assert model.rater_weight("x") == pytest.approx(160 / 36 / 5)


# -- reputation squeeze and age ------------------------------------------------------------------


def squeeze_model(**options: object) -> RaterWeightedModel:
    """Two raters of s, each with s as their only common partner, so both weigh
    R_s = 15 / (15 + 3) (normalised: 1/3): ann is delighted on a $20 sale, bo is not on $2000."""
    model = RaterWeightedModel(**options)  # type: ignore[arg-type]
    model.update(Feedback("small", "ann", "s", 1, time=0, value=2_000, attributes=(5.0,) * 3))
    model.update(Feedback("large", "bo", "s", 1, time=100, value=200_000, attributes=(1.0,) * 3))
    return model


def test_by_value_keeps_a_20_dollar_sale_from_counting_like_a_2000_dollar_one() -> None:
    plain = squeeze_model()
    assert plain.rater_weight("ann") == pytest.approx(1 / 3)
    assert plain.rater_weight("bo") == pytest.approx(1 / 3)
    # equal weights: (1.0 + 0.2) / 2
    assert plain.score("s") == pytest.approx(0.6)
    valued = squeeze_model(by_value=True)
    assert valued.score("s") == pytest.approx((2_000 * 1.0 + 200_000 * 0.2) / 202_000)
    shares = {c.transaction: c.weight for c in valued.explain("s").contributions}
    assert shares == pytest.approx({"small": 2_000 / 202_000, "large": 200_000 / 202_000})


def test_by_value_a_free_transaction_counts_nothing() -> None:
    model = RaterWeightedModel(by_value=True, prior=0.1)
    model.update(Feedback("t1", "x", "s", 1, value=0, attributes=(5.0,) * 3))
    assert model.score("s") == 0.1
    model.update(Feedback("t2", "y", "s", 1, value=10, attributes=(2.0,) * 3))
    assert model.score("s") == pytest.approx(0.4)


def test_half_life_halves_a_feedback_weight_after_one_half_life() -> None:
    model = squeeze_model(half_life=100)
    # at now = 100: ann's feedback (t = 0) weighs 1/2, bo's (t = 100) weighs 1
    assert model.score("s") == pytest.approx((0.5 * 1.0 + 1.0 * 0.2) / 1.5)
    explanation = model.explain("s", now=100)
    # denominator sum_j W m d = (1/3) (1/2 + 1)
    assert explanation.quantities["denominator"] == pytest.approx(0.5)
    later = model.explain("s", now=200)
    assert later.quantities["denominator"] == pytest.approx(0.25)
    assert model.explain("s", now=300).quantities["denominator"] == pytest.approx(0.125)
    # both decay alike, so the mean stays put as time passes without feedback
    assert model.score("s", now=1_000) == pytest.approx(model.score("s", now=100))
    # with no decay the two count the same
    assert squeeze_model().score("s") == pytest.approx(0.6)


def test_decay_is_measured_from_now_and_out_of_order_feedback_decays_too() -> None:
    model = RaterWeightedModel(half_life=10, newcomer_weight=1.0)
    # one rater (no peer: weight 1): her newer feedback then an older one
    model.update(Feedback("t1", "x", "s", 1, time=20, attributes=(5.0,) * 3))
    model.update(Feedback("t2", "x", "s", 1, time=10, attributes=(0.0,) * 3))
    # at 20: weights 1 and 1/2, values 1 and 0
    assert model.score("s") == pytest.approx(1 / 1.5)
    assert model.score("s", now=20) == pytest.approx(1 / 1.5)
    # the default now is the latest feedback time, 20, not the last one fed (10)
    assert model.explain("s").quantities["now"] == 20.0


@pytest.mark.parametrize("now", [-1, 5, 1.5, True, "30"])
def test_score_refuses_a_bad_now(now: object) -> None:
    model = squeeze_model()
    before = snapshot(model)
    with pytest.raises(InvalidReputation, match="now"):
        model.score("s", now=now)  # type: ignore[arg-type]
    with pytest.raises(InvalidReputation, match="now"):
        model.explain("s", now=now)  # type: ignore[arg-type]
    assert snapshot(model) == before


# -- bad parameters and feedback -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scale": AttributeScale(low=-1, high=5)}, "starting at 0 or above"),
        ({"scale": ("delivery",)}, "AttributeScale"),
        ({"peers": "median"}, "'paper' or 'mean'"),
        ({"by_value": 1}, "True or False"),
        ({"half_life": 0}, "half_life"),
        ({"half_life": -5}, "half_life"),
        ({"half_life": float("inf")}, "half_life"),
        ({"half_life": True}, "half_life"),
        ({"half_life": "10"}, "half_life"),
        ({"newcomer_weight": 1.5}, r"\[0, 1\]"),
        ({"newcomer_weight": float("nan")}, r"\[0, 1\]"),
        ({"prior": -0.1}, r"\[0, 1\]"),
        ({"prior": None}, r"\[0, 1\]"),
    ],
)
def test_bad_parameters_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        RaterWeightedModel(**options)  # type: ignore[arg-type]


def test_rater_weight_refuses_an_unknown_peer_mode() -> None:
    model = table_model()
    with pytest.raises(InvalidReputation, match="'paper' or 'mean'"):
        model.rater_weight("x", peers="best")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (None, "has none"),
        ((5.0, 4.0), "must have 3 scores"),
        ((5.0, 4.0, 3.0, 1.0), "must have 3 scores"),
        ((5.0, 5.5, 3.0), "off the scale"),
        ((-0.5, 4.0, 3.0), "off the scale"),
    ],
)
def test_feedback_whose_attributes_do_not_fit_is_refused(
    attributes: tuple[float, ...] | None, message: str
) -> None:
    model = table_model()
    before = snapshot(model)
    weight = model.rater_weight("x")
    with pytest.raises(InvalidFeedback, match=message):
        model.update(Feedback("bad", "x", "a", 1, time=99, attributes=attributes))
    with pytest.raises(InvalidFeedback, match=message):
        model.update_many(
            [
                Feedback("ok", "x", "b", 1, time=99, attributes=(0.0, 0.0, 0.0)),
                Feedback("bad", "x", "a", 1, time=99, attributes=attributes),
            ]
        )
    assert snapshot(model) == before
    assert model.rater_weight("x") == weight
    assert len(model.explain("a").contributions) == 3


def test_a_feedback_the_model_refuses_is_refused_by_the_log_and_changes_no_model() -> None:
    weighted, counted = RaterWeightedModel(), AccumulativeModel()
    log = FeedbackLog(models=[counted, weighted])
    log.record(Transaction("t1", buyer="ann", seller="bo", value=500, time=3))
    with pytest.raises(InvalidFeedback, match="has none"):
        log.leave("t1", "ann", 1)
    with pytest.raises(InvalidFeedback, match="off the scale"):
        log.leave("t1", "ann", 1, attributes=(5, 5, 9))
    assert len(log) == 0
    assert counted.subjects() == weighted.subjects() == frozenset()
    # the refusals did not use up ann's side
    log.leave("t1", "ann", 1, attributes=(5, 4, 3))
    assert counted.score("bo") == 1.0
    assert weighted.score("bo") == pytest.approx(0.8)


# -- incremental against an independent computation from scratch ---------------------------------

AGENTS = ("a", "b", "c", "d", "e")


def reference_score(
    feedback: list[Feedback],
    subject: str,
    *,
    peers: str,
    by_value: bool,
    half_life: float | None,
    newcomer: float,
    prior: float,
    low: float = 0.0,
    high: float = 5.0,
) -> float:
    """SPEC section 4's trust, recomputed from the whole feedback list."""
    cells: dict[tuple[str, str], list[tuple[float, ...]]] = defaultdict(list)
    for f in feedback:
        assert f.attributes is not None
        cells[(f.rater, f.subject)].append(f.attributes)
    means = {
        key: [math.fsum(col) / len(col) for col in zip(*rows, strict=True)]
        for key, rows in cells.items()
    }
    raters = {r for r, _ in means}

    def r_a(fx: list[float], fy: list[float]) -> float:
        numerator = sum(p * q for p, q in zip(fx, fy, strict=True))
        denominator = abs(sum(fx)) + abs(sum(fy))
        return numerator / denominator if denominator else 0.0

    def weight(x: str) -> float:
        mine = {a for r, a in means if r == x}
        per_peer: dict[str, list[float]] = {}
        for y in sorted(raters - {x}):
            common = sorted(mine & {a for r, a in means if r == y})
            if common:
                per_peer[y] = [r_a(means[(x, a)], means[(y, a)]) for a in common]
        if not per_peer:
            return newcomer
        if peers == "paper":
            best = max(len(v) for v in per_peer.values())
            peer = min(y for y, v in per_peer.items() if len(v) == best)
            raw = sum(per_peer[peer]) / len(per_peer[peer])
        else:
            everything = [r for v in per_peer.values() for r in v]
            raw = sum(everything) / len(everything)
        return min(1.0, raw / (high / 2))

    now = max([f.time for f in feedback] + [0])
    numerator = denominator = 0.0
    for f in feedback:
        if f.subject != subject:
            continue
        assert f.attributes is not None
        w = weight(f.rater)
        m = float(f.value) if by_value else 1.0
        d = 1.0 if half_life is None else 2.0 ** (-(now - f.time) / half_life)
        v = (sum(f.attributes) / len(f.attributes) - low) / (high - low)
        numerator += w * m * d * v
        denominator += w * m * d
    if denominator <= 0:
        return prior
    return min(1.0, max(0.0, numerator / denominator))


feedback_items = st.tuples(
    st.sampled_from(AGENTS),
    st.sampled_from(AGENTS),
    st.tuples(*[st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5, 4.0, 5.0])] * 3),
    st.integers(min_value=0, max_value=120),
    st.sampled_from([0, 100, 2_000, 200_000]),
).filter(lambda t: t[0] != t[1])


@settings(max_examples=70, deadline=None)
@given(
    st.lists(feedback_items, min_size=1, max_size=24),
    st.sampled_from(["paper", "mean"]),
    st.booleans(),
    st.sampled_from([None, 7.0, 60.0]),
    st.sampled_from([0.0, 0.5, 1.0]),
)
def test_incremental_equals_recomputation_from_scratch(
    stream: list[tuple[str, str, tuple[float, float, float], int, int]],
    peers: str,
    by_value: bool,
    half_life: float | None,
    newcomer: float,
) -> None:
    options = {"peers": peers, "by_value": by_value, "half_life": half_life}
    model = RaterWeightedModel(newcomer_weight=newcomer, prior=0.3, **options)  # type: ignore[arg-type]
    feedback = [
        Feedback(f"t{k}", r, s, 1, time=t, value=v, attributes=a)
        for k, (r, s, a, t, v) in enumerate(stream)
    ]
    for k, f in enumerate(feedback):
        model.update(f)
        # ask between updates too, so that cached rater weights must be kept right
        if k % 3 == 0 or k == len(feedback) - 1:
            for subject in AGENTS:
                expected = reference_score(
                    feedback[: k + 1],
                    subject,
                    peers=peers,
                    by_value=by_value,
                    half_life=half_life,
                    newcomer=newcomer,
                    prior=0.3,
                )
                assert model.score(subject) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    batch = RaterWeightedModel(newcomer_weight=newcomer, prior=0.3, **options)  # type: ignore[arg-type]
    batch.update_many(feedback)
    for subject in AGENTS:
        assert batch.score(subject) == pytest.approx(model.score(subject), rel=1e-9, abs=1e-12)
