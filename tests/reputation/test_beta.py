"""The beta reputation system with forgetting: hand-computed evidence and the contract."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_contract import ModelContract

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation import Feedback
from trustmarket.reputation.models.beta import BetaModel, beta_score


class TestBetaContract(ModelContract):
    def make(self) -> BetaModel:
        return BetaModel(forgetting=0.9)


def rate(model: BetaModel, ratings: list[int], subject: str = "s") -> None:
    for k, rating in enumerate(ratings):
        model.update(Feedback(f"t{k}", f"r{k}", subject, rating, time=k))


def test_no_forgetting_counts_positives_and_negatives() -> None:
    model = BetaModel()
    rate(model, [1, 1, 1, -1, 0])
    # r = 3 + 0.5, s = 1 + 0.5
    assert model.evidence("s") == (3.5, 1.5)
    assert model.score("s") == pytest.approx(4.5 / 7.0)
    assert model.score("unknown") == 0.5


def test_forgetting_weighs_the_kth_newest_by_lambda_to_the_k() -> None:
    model = BetaModel(forgetting=0.5)
    rate(model, [1, -1, -1])
    # r = 1 * 0.25; s = 0.5 + 1
    r, s = model.evidence("s")
    assert r == pytest.approx(0.25)
    assert s == pytest.approx(1.5)
    assert model.score("s") == pytest.approx(1.25 / 3.75)
    weights = {c.transaction: c.weight for c in model.explain("s").contributions}
    assert weights == pytest.approx({"t0": 0.25, "t1": 0.5, "t2": 1.0})


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([-1, 0, 1]), max_size=40),
    st.floats(min_value=0.05, max_value=1.0),
)
def test_incremental_equals_the_weighted_sums(ratings: list[int], keep: float) -> None:
    model = BetaModel(forgetting=keep)
    rate(model, ratings)
    n = len(ratings)
    r = sum(keep ** (n - 1 - k) * (v + 1) / 2 for k, v in enumerate(ratings))
    s = sum(keep ** (n - 1 - k) * (1 - v) / 2 for k, v in enumerate(ratings))
    assert model.score("s") == pytest.approx((r + 1) / (r + s + 2))


@pytest.mark.parametrize("bad", [0, 0.0, -0.5, 1.5, float("nan"), True, "0.9"])
def test_forgetting_out_of_range_is_refused(bad: object) -> None:
    with pytest.raises(InvalidReputation, match=r"\(0, 1\]"):
        BetaModel(forgetting=bad)  # type: ignore[arg-type]


def test_beta_score_and_its_bad_input() -> None:
    assert beta_score(0, 0) == 0.5
    assert beta_score(8, 0) == pytest.approx(0.9)
    for bad in (-1, float("inf"), True):
        with pytest.raises(InvalidReputation, match=">= 0"):
            beta_score(bad, 0)
