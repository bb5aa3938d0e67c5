"""Unfair-rater filtering: bad-mouthers lose credibility and their weight on the score."""

from __future__ import annotations

import pytest
from model_contract import ModelContract

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation import Feedback
from trustmarket.reputation.models.beta import BetaModel
from trustmarket.reputation.models.unfair_rater_filter import FilteredBetaModel


class TestFilteredBetaContract(ModelContract):
    def make(self) -> FilteredBetaModel:
        return FilteredBetaModel()


def test_first_rating_sets_no_credibility_and_second_is_compared_with_the_consensus() -> None:
    model = FilteredBetaModel(exclude_below=0.0)
    model.update(Feedback("t0", "a", "s", 1))
    assert model.credibility("a") == 0.5
    # consensus after a's +1 with weight 0.5: (0.5 + 1) / (0.5 + 2) = 0.6
    assert model.consensus("s") == pytest.approx(0.6)
    model.update(Feedback("t1", "b", "s", -1))
    # b disagrees by 0.6: g = 0.4, b = 0.6 -> credibility 1.4 / 3
    assert model.credibility("b") == pytest.approx(1.4 / 3.0)
    # score re-weights with current credibilities: a 0.5 (P=1), b 1.4/3 (N=1)
    expected = (0.5 * 1 + 1) / (0.5 + 1.4 / 3 + 2)
    assert model.score("s") == pytest.approx(expected)
    assert model.explain("s").score == pytest.approx(expected)


def market_with_bad_mouthers(model: FilteredBetaModel | BetaModel) -> None:
    """Ten honest raters praise every seller they use; three bad-mouthers slam seller s0."""
    k = 0
    for round_ in range(20):
        for honest in range(10):
            for seller in range(3):
                model.update(Feedback(f"t{k}", f"h{honest}", f"s{seller}", 1, time=round_))
                k += 1
        for liar in range(3):
            model.update(Feedback(f"t{k}", f"liar{liar}", "s0", -1, time=round_))
            k += 1


def test_bad_mouthers_lose_credibility_and_the_filter_beats_plain_beta() -> None:
    filtered = FilteredBetaModel()
    plain = BetaModel()
    market_with_bad_mouthers(filtered)
    market_with_bad_mouthers(plain)
    assert filtered.credibility("liar0") < 0.3 < 0.9 < filtered.credibility("h0")
    assert filtered.score("s0") > plain.score("s0")
    assert filtered.score("s0") == pytest.approx(filtered.score("s1"), abs=0.01)
    notes = [c.note for c in filtered.explain("s0").contributions if c.rater.startswith("liar")]
    assert notes and all("excluded" in note for note in notes)


@pytest.mark.parametrize("bad", [-0.1, 1.0, float("nan"), True, "0.3"])
def test_exclude_below_out_of_range_is_refused(bad: object) -> None:
    with pytest.raises(InvalidReputation, match=r"\[0, 1\)"):
        FilteredBetaModel(exclude_below=bad)  # type: ignore[arg-type]
