"""The ratio model: positive / all with each neutral policy, the prior, bad parameters, and an
independent recomputation over random feedback streams."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_contract import ModelContract, snapshot

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation import Feedback
from trustmarket.reputation.models.ratio import RatioModel


class TestRatioContract(ModelContract):
    def make(self) -> RatioModel:
        return RatioModel()


class TestRatioLeavingNeutralsOutContract(ModelContract):
    def make(self) -> RatioModel:
        return RatioModel(neutral=None, prior=0.25)


def rate(model: RatioModel, ratings: list[int], subject: str = "s") -> None:
    for k, rating in enumerate(ratings):
        model.update(Feedback(f"t{k}", f"r{k}", subject, rating, time=k))


# 3 positives, 2 neutrals, 1 negative
RATINGS = [1, 0, 1, -1, 0, 1]


@pytest.mark.parametrize(
    ("neutral", "expected"),
    [
        (0.0, 3 / 6),  # positive / all
        (0.5, (3 + 0.5 * 2) / 6),  # a neutral is half a positive
        (1.0, (3 + 2) / 6),  # a neutral is a positive
        (None, 3 / 4),  # eBay: positive / (positive + negative)
    ],
)
def test_neutral_policies(neutral: float | None, expected: float) -> None:
    model = RatioModel(neutral=neutral)
    rate(model, RATINGS)
    assert model.score("s") == pytest.approx(expected)


def test_default_is_positive_over_all() -> None:
    model = RatioModel()
    assert model.neutral == 0.0 and model.prior == 0.5
    rate(model, [1, 1, 1, 0])
    assert model.score("s") == pytest.approx(0.75)


def test_prior_for_unknown_subjects_and_for_only_neutrals_when_left_out() -> None:
    model = RatioModel(neutral=None, prior=0.2)
    assert model.score("nobody") == 0.2
    rate(model, [0, 0])
    # neutrals left out: nothing counts, so the prior
    assert model.score("s") == 0.2
    assert "s" in model.subjects()
    counted = RatioModel(neutral=0.0, prior=0.2)
    rate(counted, [0, 0])
    assert counted.score("s") == 0.0


def test_all_negative_is_zero_and_all_positive_is_one() -> None:
    model = RatioModel()
    rate(model, [-1, -1], subject="bad")
    rate(model, [1, 1, 1], subject="good")
    assert model.score("bad") == 0.0
    assert model.score("good") == 1.0


def test_explain_gives_counts_and_equal_weights() -> None:
    model = RatioModel(neutral=0.5)
    rate(model, RATINGS)
    explanation = model.explain("s")
    assert explanation.score == pytest.approx(4 / 6)
    assert dict(explanation.quantities) == {
        "positive": 3.0,
        "neutral": 2.0,
        "negative": 1.0,
        "prior": 0.5,
    }
    assert [c.weight for c in explanation.contributions] == pytest.approx([1 / 6] * 6)
    assert sorted(c.rating for c in explanation.contributions) == [0.0, 0.5, 0.5, 1.0, 1.0, 1.0]


def test_explain_with_neutrals_left_out_lists_them_with_weight_zero_last() -> None:
    model = RatioModel(neutral=None)
    rate(model, RATINGS)
    explanation = model.explain("s")
    weights = [c.weight for c in explanation.contributions]
    assert weights == pytest.approx([0.25] * 4 + [0.0, 0.0])
    assert all("left out" in c.note for c in explanation.contributions[-2:])
    assert "prior" in model.explain("nobody").formula


@pytest.mark.parametrize(
    "fields",
    [
        {"neutral": -0.1},
        {"neutral": 1.5},
        {"neutral": float("nan")},
        {"neutral": True},
        {"neutral": "half"},
        {"prior": -0.01},
        {"prior": 1.01},
        {"prior": float("inf")},
        {"prior": None},
        {"prior": False},
    ],
)
def test_bad_parameters_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(InvalidReputation, match=r"\[0, 1\]"):
        RatioModel(**fields)  # type: ignore[arg-type]


streams = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from([-1, 0, 1]),
    ).filter(lambda t: t[0] != t[1]),
    max_size=60,
)


def reference(feedback: list[Feedback], subject: str, neutral: float | None, prior: float) -> float:
    ratings = [f.rating for f in feedback if f.subject == subject]
    positive, zero, negative = ratings.count(1), ratings.count(0), ratings.count(-1)
    if neutral is None:
        return positive / (positive + negative) if positive + negative else prior
    total = positive + zero + negative
    return (positive + neutral * zero) / total if total else prior


@settings(max_examples=80, deadline=None)
@given(
    streams,
    st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_incremental_equals_a_recount_from_scratch(
    stream: list[tuple[str, str, int]], neutral: float | None, prior: float
) -> None:
    model = RatioModel(neutral=neutral, prior=prior)
    feedback = [Feedback(f"t{k}", r, s, v) for k, (r, s, v) in enumerate(stream)]
    for k, f in enumerate(feedback):
        model.update(f)
        if k % 5 == 0:
            for agent in "abcde":
                expected = reference(feedback[: k + 1], agent, neutral, prior)
                assert model.score(agent) == pytest.approx(expected)
    for agent in "abcde":
        value = model.score(agent)
        assert value == pytest.approx(reference(feedback, agent, neutral, prior))
        assert 0.0 <= value <= 1.0
    batch = RatioModel(neutral=neutral, prior=prior)
    batch.update_many(feedback)
    assert snapshot(batch) == snapshot(model)
