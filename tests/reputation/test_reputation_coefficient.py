"""AVALANCHE's reputation coefficient (Padovan et al., section 3): the update rule by hand, the
agency's beta = alpha R_rater, the initial-value policies, the lookup cases, the decentralized
mode, the price modifiers, bad input, and the model against an independent simulation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_contract import ModelContract, snapshot

from trustmarket.core.errors import InvalidFeedback, InvalidReputation
from trustmarket.reputation import Feedback
from trustmarket.reputation.models.reputation_coefficient import (
    Lookup,
    ReputationCoefficientModel,
    modified_ask,
    modified_offer,
)


class TestCoefficientContract(ModelContract):
    def make(self) -> ReputationCoefficientModel:
        return ReputationCoefficientModel()


class TestCoefficientDecentralizedContract(ModelContract):
    def make(self) -> ReputationCoefficientModel:
        return ReputationCoefficientModel(alpha=0.5, mode="decentralized", initial=0.5)


class TestCoefficientZeroStartContract(ModelContract):
    def make(self) -> ReputationCoefficientModel:
        return ReputationCoefficientModel(alpha=1.0, initial=0.0)


class Stream:
    """Feedback with fresh transaction ids and increasing times."""

    def __init__(self, model: ReputationCoefficientModel) -> None:
        self.model = model
        self.k = 0

    def __call__(self, rater: str, subject: str, rating: int) -> None:
        self.model.update(Feedback(f"t{self.k}", rater, subject, rating, time=self.k))
        self.k += 1


# -- R <- R + alpha (r - R) ---------------------------------------------------------------------


def test_own_coefficient_follows_the_update_rule_by_hand() -> None:
    model = ReputationCoefficientModel(alpha=0.3, initial=0.5)
    rate = Stream(model)
    expected = []
    for rating in (1, -1, 1):
        rate("x", "y", rating)
        expected.append(model.coefficient("x", "y"))
    # 0.5 -> 0.5 + 0.3 (1 - 0.5) = 0.65 -> 0.65 + 0.3 (0 - 0.65) = 0.455
    #     -> 0.455 + 0.3 (1 - 0.455) = 0.6185
    assert expected == pytest.approx([0.65, 0.455, 0.6185])
    assert model.score("y", by="x") == pytest.approx(0.6185)


def test_alpha_one_jumps_to_the_last_outcome() -> None:
    model = ReputationCoefficientModel(alpha=1.0, initial=0.5, mode="decentralized")
    rate = Stream(model)
    rate("x", "y", 1)
    assert model.coefficient("x", "y") == 1.0
    rate("x", "y", -1)
    assert model.coefficient("x", "y") == 0.0


def test_a_neutral_moves_nothing_but_is_recorded() -> None:
    model = ReputationCoefficientModel(alpha=0.3, initial=0.5)
    rate = Stream(model)
    rate("x", "y", 1)
    before = (model.coefficient("x", "y"), model.agency_value("y"))
    rate("x", "y", 0)
    rate("z", "y", 0)
    assert (model.coefficient("x", "y"), model.agency_value("y")) == before
    assert model.coefficient("z", "y") is None
    rate("x", "q", 0)
    assert "q" in model.subjects()
    assert model.agency_value("q") is None
    assert model.lookup("q", "x").case == 1


# -- the agency: beta = alpha R_rater ------------------------------------------------------------


def test_agency_weights_each_rating_by_the_raters_reputation() -> None:
    model = ReputationCoefficientModel(alpha=0.5, initial=0.5)
    rate = Stream(model)
    # h is unknown to the agency: R_h = 0.5, beta = 0.25; R_g: 0.5 -> 0.625 -> 0.71875
    rate("h", "g", 1)
    assert model.agency_value("g") == pytest.approx(0.625)
    rate("h", "g", 1)
    assert model.agency_value("g") == pytest.approx(0.71875)
    # g rates k: beta = 0.5 * 0.71875; R_k = 0.5 + 0.359375 (1 - 0.5)
    rate("g", "k", 1)
    assert model.agency_value("k") == pytest.approx(0.5 + 0.359375 * 0.5)
    # h (still unknown, 0.5) rates m with the same outcome: a smaller step than g's
    rate("h", "m", 1)
    assert model.agency_value("m") == pytest.approx(0.625)
    assert model.score("m") < model.score("k")
    # the own coefficients use alpha itself, not beta
    assert model.coefficient("g", "k") == pytest.approx(0.75)
    assert model.coefficient("h", "g") == pytest.approx(0.875)


def test_a_rater_of_low_reputation_moves_the_agency_little() -> None:
    model = ReputationCoefficientModel(alpha=1.0, initial=0.5)
    rate = Stream(model)
    rate("a", "liar", -1)  # beta = 1 * 0.5: R_liar = 0.5 + 0.5 (0 - 0.5) = 0.25
    rate("a", "liar", -1)  # R_liar = 0.125
    rate("b", "liar", -1)
    assert model.agency_value("liar") == pytest.approx(0.0625)
    rate("liar", "v", -1)  # beta = 0.0625: R_v = 0.5 - 0.0625 * 0.5
    assert model.agency_value("v") == pytest.approx(0.46875)
    rate("a", "u", -1)  # a is unknown (0.5): beta = 0.5, R_u = 0.25
    assert model.agency_value("u") == pytest.approx(0.25)


def test_initial_zero_keeps_the_agency_at_zero() -> None:
    """With R_0 = 0 ([FrRe99]) every rater starts with beta = alpha * 0, so the agency's
    coefficients never move; agents' own coefficients still learn."""
    model = ReputationCoefficientModel(alpha=0.5, initial=0.0)
    rate = Stream(model)
    for _ in range(3):
        rate("x", "y", 1)
        rate("y", "x", 1)
    assert model.agency_value("y") == 0.0
    assert model.agency_value("x") == 0.0
    assert model.coefficient("x", "y") == pytest.approx(0.875)
    assert model.score("q") == 0.0


def test_both_sides_of_one_transaction_use_the_coefficients_from_before_it() -> None:
    model = ReputationCoefficientModel(alpha=0.5, initial=0.5)
    model.update(Feedback("t0", "x", "y", 1))
    model.update(Feedback("t0", "y", "x", 1))
    # eq. (3): R_y1 = 0.5 + (0.5 * R_x0) (1 - 0.5) = 0.625
    assert model.agency_value("y") == pytest.approx(0.625)
    # eq. (2): R_x1 = 0.5 + (0.5 * R_y0) (1 - 0.5) = 0.625 (the model gives 0.65625)
    assert model.agency_value("x") == pytest.approx(0.625)


# -- initial values ------------------------------------------------------------------------------


def test_initial_mean_is_the_mean_of_the_agencys_known_coefficients() -> None:
    model = ReputationCoefficientModel(alpha=0.5)
    assert model.initial == "mean"
    assert model.score("anyone") == 0.5  # nothing known yet: empty_mean
    rate = Stream(model)
    rate("h", "g", 1)  # R_h = 0.5 (empty), beta 0.25: R_g = 0.625
    assert model.score("stranger") == pytest.approx(0.625)
    # g rates k, unknown: R_k0 = mean {0.625}; beta = 0.5 * 0.625
    rate("g", "k", -1)
    r_k = 0.625 + 0.3125 * (0 - 0.625)
    assert model.agency_value("k") == pytest.approx(r_k)
    assert model.score("stranger") == pytest.approx((0.625 + r_k) / 2)
    assert model.score("stranger", by="g") == pytest.approx((0.625 + r_k) / 2)
    # g's own coefficient of k started from the lookup: the mean 0.625
    assert model.coefficient("g", "k") == pytest.approx(0.3125)


def test_empty_mean_is_used_while_nothing_is_known() -> None:
    model = ReputationCoefficientModel(alpha=0.5, empty_mean=0.2)
    assert model.score("a") == 0.2
    Stream(model)("x", "y", 1)
    # R_x = 0.2 (empty), beta = 0.1, R_y0 = 0.2: R_y = 0.2 + 0.1 * 0.8
    assert model.agency_value("y") == pytest.approx(0.28)
    assert model.coefficient("x", "y") == pytest.approx(0.6)


@pytest.mark.parametrize(("initial", "after"), [(0.5, 0.5 + 0.25 * 0.5), (0.0, 0.0)])
def test_constant_initial_values(initial: float, after: float) -> None:
    model = ReputationCoefficientModel(alpha=0.5, initial=initial)
    assert model.score("anyone") == initial
    Stream(model)("x", "y", 1)
    assert model.agency_value("y") == pytest.approx(after)
    # a constant ignores the known coefficients
    assert model.score("stranger") == initial
    assert model.coefficient("x", "y") == pytest.approx(initial + 0.5 * (1 - initial))


# -- lookup order: own experience (3), agency (2), initial (1) -----------------------------------


def test_lookup_order_own_then_agency_then_initial() -> None:
    model = ReputationCoefficientModel(alpha=0.5, initial=0.5)
    rate = Stream(model)
    rate("x", "y", 1)  # R^x_y = 0.75; R_y = 0.5 + 0.25 * 0.5 = 0.625
    own = model.lookup("y", "x")
    assert isinstance(own, Lookup)
    assert own.case == 3
    assert own.value == pytest.approx(0.75)
    assert "own experience" in own.reason
    agency = model.lookup("y", "z")
    assert agency.case == 2
    assert agency.value == pytest.approx(0.625)
    assert model.lookup("y").case == 2
    unknown = model.lookup("q", "x")
    assert (unknown.case, unknown.value) == (1, 0.5)
    assert model.lookup("q").case == 1
    assert [model.score("y", by) for by in ("x", "z", None)] == pytest.approx([0.75, 0.625, 0.625])


def test_first_own_coefficient_starts_from_the_agency_value() -> None:
    model = ReputationCoefficientModel(alpha=0.5, initial=0.5)
    rate = Stream(model)
    rate("x", "y", 1)  # R_y = 0.625
    rate("z", "y", -1)
    # R^z_y0 = R_y = 0.625 (case 2): R^z_y = 0.625 - 0.5 * 0.625
    assert model.coefficient("z", "y") == pytest.approx(0.3125)
    # agency: z unknown (0.5), beta 0.25: R_y = 0.625 + 0.25 (0 - 0.625)
    assert model.agency_value("y") == pytest.approx(0.46875)
    # x's own experience is untouched by z's rating
    assert model.score("y", by="x") == pytest.approx(0.75)


def test_explain_unrolls_own_and_agency_coefficients() -> None:
    model = ReputationCoefficientModel(alpha=0.5, initial=0.5)
    rate = Stream(model)
    for rating in (1, 1, -1):
        rate("x", "y", rating)
    own = model.explain("y", by="x")
    # R = 0.125 * 0.5 + 0.125 * 1 + 0.25 * 1 + 0.5 * 0
    assert own.score == pytest.approx(0.0625 + 0.125 + 0.25)
    assert own.quantities["case"] == 3.0
    assert own.quantities["start_weight"] == pytest.approx(0.125)
    assert sorted(c.weight for c in own.contributions) == pytest.approx([0.125, 0.25, 0.5])
    agency = model.explain("y", by="z")
    assert agency.quantities["case"] == 2.0
    # beta = 0.25 each time (x is unknown to the agency)
    assert agency.quantities["start_weight"] == pytest.approx(0.75**3)
    weights = sorted(c.weight for c in agency.contributions)
    assert weights == pytest.approx([0.25 * 0.75**2, 0.25 * 0.75, 0.25])
    total = agency.quantities["start_weight"] * 0.5 + sum(
        c.weight * c.rating for c in agency.contributions
    )
    assert total == pytest.approx(model.agency_value("y"))
    assert model.explain("q").quantities["case"] == 1.0


# -- decentralized -------------------------------------------------------------------------------


def test_decentralized_mode_has_no_agency() -> None:
    model = ReputationCoefficientModel(alpha=0.5, mode="decentralized", initial=0.5)
    rate = Stream(model)
    rate("x", "y", 1)  # 0.75
    rate("z", "y", -1)  # 0.25: no agency value to start from, so 0.5
    rate("z", "y", -1)  # 0.125
    assert model.agency_value("y") is None
    assert model.coefficient("z", "y") == pytest.approx(0.125)
    own = model.lookup("y", "x")
    assert own.case == 3
    assert own.value == pytest.approx(0.75)
    # an agent with no experience of y falls to the initial value (case 1), never case 2
    assert model.lookup("y", "w")[:2] == (0.5, 1)
    # with no asker: the mean of the agents' own coefficients (case 0)
    market = model.lookup("y")
    assert market.case == 0
    assert market.value == pytest.approx((0.75 + 0.125) / 2)
    assert model.explain("y").score == pytest.approx(0.4375)


def test_decentralized_mean_is_the_askers_own_mean() -> None:
    model = ReputationCoefficientModel(alpha=0.5, mode="decentralized")
    rate = Stream(model)
    rate("x", "y", 1)  # x knows nothing: starts at empty_mean 0.5 -> 0.75
    rate("x", "v", 1)  # starts at x's own mean 0.75 -> 0.875
    assert model.coefficient("x", "v") == pytest.approx(0.875)
    rate("z", "y", -1)  # z knows nothing: 0.5 -> 0.25
    assert model.score("q", by="x") == pytest.approx((0.75 + 0.875) / 2)
    assert model.score("q", by="z") == pytest.approx(0.25)
    assert model.score("q", by="w") == 0.5
    # no asker: the mean of every own coefficient
    assert model.score("q") == pytest.approx((0.75 + 0.875 + 0.25) / 3)


# -- p (2 - R) and R p ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "reputation", "ask", "offer"),
    [
        (100.0, 0.8, 120.0, 80.0),
        (100.0, 1.0, 100.0, 100.0),
        (100.0, 0.0, 200.0, 0.0),
        (250, 0.5, 375.0, 125.0),
        (0, 0.3, 0.0, 0.0),
    ],
)
def test_modified_ask_and_offer(price: float, reputation: float, ask: float, offer: float) -> None:
    assert modified_ask(price, reputation) == pytest.approx(ask)
    assert modified_offer(price, reputation) == pytest.approx(offer)


def test_a_buyer_prefers_a_dearer_but_trusted_seller() -> None:
    # 100 * (2 - 0.6) = 140 against 120 * (2 - 1) = 120
    assert modified_ask(120, 1.0) < modified_ask(100, 0.6)
    # a seller prefers 90 from a sure payer to 100 from one who pays with probability 0.8
    assert modified_offer(90, 1.0) > modified_offer(100, 0.8)


@pytest.mark.parametrize(
    ("price", "reputation", "message"),
    [
        (-1, 0.5, ">= 0"),
        (float("nan"), 0.5, "finite"),
        (float("inf"), 0.5, "finite"),
        (True, 0.5, "finite"),
        ("100", 0.5, "finite"),
        (100, 1.5, r"\[0, 1\]"),
        (100, -0.1, r"\[0, 1\]"),
        (100, float("nan"), "finite"),
        (100, None, "finite"),
    ],
)
def test_price_modifiers_refuse_bad_input(price: object, reputation: object, message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        modified_ask(price, reputation)  # type: ignore[arg-type]
    with pytest.raises(InvalidReputation, match=message):
        modified_offer(price, reputation)  # type: ignore[arg-type]


# -- bad parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "alpha", [0, 0.0, -0.1, 1.0001, 2, float("nan"), float("inf"), True, "0.3"]
)
def test_alpha_outside_zero_one_is_refused(alpha: object) -> None:
    with pytest.raises(InvalidReputation, match="alpha"):
        ReputationCoefficientModel(alpha=alpha)  # type: ignore[arg-type]


@pytest.mark.parametrize("alpha", [1e-9, 0.3, 1, 1.0])
def test_alpha_in_zero_one_is_accepted(alpha: float) -> None:
    assert ReputationCoefficientModel(alpha=alpha).alpha == alpha


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "central-ish"}, "'central' or 'decentralized'"),
        ({"mode": None}, "'central' or 'decentralized'"),
        ({"initial": "median"}, "initial"),
        ({"initial": 1.5}, "initial"),
        ({"initial": -0.1}, "initial"),
        ({"initial": True}, "initial"),
        ({"initial": None}, "initial"),
        ({"empty_mean": 2}, "empty_mean"),
        ({"empty_mean": float("nan")}, "empty_mean"),
    ],
)
def test_bad_parameters_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidReputation, match=message):
        ReputationCoefficientModel(**options)  # type: ignore[arg-type]


def test_refused_feedback_leaves_every_coefficient_as_it_was() -> None:
    model = ReputationCoefficientModel(alpha=0.5)
    rate = Stream(model)
    rate("x", "y", 1)
    rate("y", "x", -1)
    before = (snapshot(model), model.coefficient("x", "y"), model.agency_value("y"))
    with pytest.raises(InvalidFeedback):
        model.update({"rater": "x", "subject": "y", "rating": 1})  # type: ignore[arg-type]
    with pytest.raises(InvalidFeedback):
        model.update_many([Feedback("t9", "x", "y", -1), None])  # type: ignore[list-item]
    assert (snapshot(model), model.coefficient("x", "y"), model.agency_value("y")) == before


# -- against an independent simulation -----------------------------------------------------------


def simulate(
    feedback: list[Feedback], alpha: float, mode: str, initial: float | str, empty: float
) -> Callable[[str, str | None], float]:
    """Equations (1) to (5) and section 3.2.5, replayed from scratch; returns a lookup."""
    own: dict[tuple[str, str], float] = {}
    agency: dict[str, float] = {}

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else empty

    def init(asker: str | None) -> float:
        if initial != "mean":
            return float(initial)
        if mode == "central":
            return mean(list(agency.values()))
        if asker is None:
            return mean(list(own.values()))
        return mean([v for (rater, _), v in own.items() if rater == asker])

    def lookup(subject: str, by: str | None) -> float:
        if by is not None and (by, subject) in own:
            return own[(by, subject)]
        if mode == "central" and subject in agency:
            return agency[subject]
        if mode != "central" and by is None:
            held = [v for (_, s), v in own.items() if s == subject]
            if held:
                return mean(held)
        return init(by)

    for f in feedback:
        if f.rating == 0:
            continue
        r = 1.0 if f.rating > 0 else 0.0
        start = own.get((f.rater, f.subject), lookup(f.subject, f.rater))
        own_new = start + alpha * (r - start)
        if mode == "central":
            beta = alpha * agency.get(f.rater, init(f.rater))
            prev = agency.get(f.subject, init(f.rater))
            agency[f.subject] = prev + beta * (r - prev)
        own[(f.rater, f.subject)] = own_new
    return lookup


AGENTS = ("a", "b", "c", "d", "e")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(AGENTS), st.sampled_from(AGENTS), st.sampled_from([-1, 0, 1])
        ).filter(lambda t: t[0] != t[1]),
        max_size=40,
    ),
    st.sampled_from([0.1, 0.3, 0.5, 1.0]),
    st.sampled_from(["central", "decentralized"]),
    st.sampled_from(["mean", 0.0, 0.5, 0.8]),
    st.sampled_from([0.5, 0.2]),
)
def test_incremental_equals_an_independent_simulation(
    stream: list[tuple[str, str, int]],
    alpha: float,
    mode: str,
    initial: float | str,
    empty: float,
) -> None:
    model = ReputationCoefficientModel(alpha, mode=mode, initial=initial, empty_mean=empty)  # type: ignore[arg-type]
    feedback = [Feedback(f"t{k}", r, s, v, time=k) for k, (r, s, v) in enumerate(stream)]
    for k, f in enumerate(feedback):
        model.update(f)
        if k % 4 == 0 or k == len(feedback) - 1:
            lookup = simulate(feedback[: k + 1], alpha, mode, initial, empty)
            for subject in (*AGENTS, "new"):
                for by in (None, *AGENTS):
                    value = model.score(subject, by)
                    assert value == pytest.approx(lookup(subject, by), abs=1e-12)
                    assert 0.0 <= value <= 1.0
    batch = ReputationCoefficientModel(alpha, mode=mode, initial=initial, empty_mean=empty)  # type: ignore[arg-type]
    batch.update_many(feedback)
    assert [v for *_, v in snapshot(batch)] == pytest.approx([v for *_, v in snapshot(model)])
