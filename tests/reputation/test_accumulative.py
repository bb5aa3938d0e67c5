"""The accumulative model (eBay's feedback score): sums by hand, star-level boundaries, and an
independent recomputation over random feedback streams."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_contract import ModelContract, snapshot

from trustmarket.core.errors import InvalidFeedback, InvalidReputation
from trustmarket.reputation import Feedback, FeedbackLog, Transaction
from trustmarket.reputation.models.accumulative import (
    STAR_LEVELS,
    AccumulativeModel,
    StarLevel,
    star_level,
)


class TestAccumulativeContract(ModelContract):
    def make(self) -> AccumulativeModel:
        return AccumulativeModel()


def rate(model: AccumulativeModel, ratings: list[int], subject: str = "s") -> None:
    for k, rating in enumerate(ratings):
        model.update(Feedback(f"t{k}", f"r{k}", subject, rating, time=k))


def test_score_is_positives_minus_negatives() -> None:
    model = AccumulativeModel()
    rate(model, [1, 1, 1, -1, 0, 1, 0, -1])
    # 4 positives, 2 negatives, 2 neutrals: 4 - 2 = 2
    assert model.score("s") == 2.0
    assert isinstance(model.score("s"), float)
    assert model.subjects() == frozenset({"s"})


def test_unrated_subject_scores_zero_and_is_not_a_subject() -> None:
    model = AccumulativeModel()
    assert model.score("nobody") == 0.0
    rate(model, [1])
    assert model.score("nobody") == 0.0
    assert "nobody" not in model.subjects()


def test_only_neutrals_score_zero_but_the_subject_is_known() -> None:
    model = AccumulativeModel()
    rate(model, [0, 0, 0])
    assert model.score("s") == 0.0
    assert model.subjects() == frozenset({"s"})


def test_score_can_go_negative_and_has_no_star() -> None:
    model = AccumulativeModel()
    rate(model, [-1, -1, -1, 1])
    assert model.score("s") == -2.0
    assert model.star("s") == StarLevel(0, "no star")


def test_the_score_is_the_same_for_every_viewer() -> None:
    model = AccumulativeModel()
    rate(model, [1, 1, -1])
    assert {model.score("s", by) for by in (None, "r0", "r1", "stranger")} == {1.0}


def test_subjects_are_scored_separately() -> None:
    model = AccumulativeModel()
    model.update(Feedback("t1", "a", "b", 1))
    model.update(Feedback("t1", "b", "a", -1))
    model.update(Feedback("t2", "c", "b", 1))
    assert model.scores() == {"a": -1.0, "b": 2.0}


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (-5, 0),
        (0, 0),
        (9, 0),
        (9.99, 0),
        (10, 1),
        (49, 1),
        (50, 2),
        (99, 2),
        (100, 3),
        (499, 3),
        (500, 4),
        (999, 4),
        (1000, 5),
        (4999, 5),
        (5000, 6),
        (9999, 6),
        (10000, 7),
        (24999, 7),
        (25000, 8),
        (49999, 8),
        (50000, 9),
        (99999, 9),
        (100000, 10),
        (10**9, 10),
    ],
)
def test_star_level_boundaries(score: float, level: int) -> None:
    assert star_level(score).level == level


def test_star_thresholds_are_spec_s_and_names_are_distinct() -> None:
    assert [t for t, _ in STAR_LEVELS] == [
        10,
        50,
        100,
        500,
        1000,
        5000,
        10000,
        25000,
        50000,
        100000,
    ]
    names = [name for _, name in STAR_LEVELS]
    assert len(set(names)) == len(names) == 10
    assert star_level(9) == StarLevel(0, "no star")
    assert star_level(10) == StarLevel(1, names[0])
    assert star_level(100000) == StarLevel(10, names[-1])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), True, "10", None])
def test_star_level_refuses_what_is_not_a_finite_score(bad: object) -> None:
    with pytest.raises(InvalidReputation, match="finite score"):
        star_level(bad)  # type: ignore[arg-type]


def test_model_star_follows_the_score_across_the_first_threshold() -> None:
    model = AccumulativeModel()
    rate(model, [1] * 9)
    assert model.star("s").level == 0
    model.update(Feedback("t9", "r9", "s", 1))
    assert model.score("s") == 10.0
    assert model.star("s").level == 1
    model.update(Feedback("t10", "r10", "s", -1))
    assert model.star("s").level == 0


def test_explain_counts_and_lists_every_rating() -> None:
    model = AccumulativeModel()
    rate(model, [1, 0, -1, 1, 1])
    explanation = model.explain("s")
    assert explanation.score == 2.0
    assert dict(explanation.quantities) == {
        "positive": 3.0,
        "neutral": 1.0,
        "negative": 1.0,
        "star_level": 0.0,
    }
    assert "3 - 1 = 2" in explanation.formula
    assert len(explanation.contributions) == 5
    assert {c.weight for c in explanation.contributions} == {1.0}
    # neutrals move nothing: listed last
    assert explanation.contributions[-1].rating == 0.0
    assert sorted(c.transaction for c in explanation.contributions) == [f"t{k}" for k in range(5)]
    empty = model.explain("nobody")
    assert empty.score == 0.0 and empty.contributions == ()


def test_refused_feedback_through_the_log_changes_nothing() -> None:
    model = AccumulativeModel()
    log = FeedbackLog(models=[model])
    log.record(Transaction("t1", buyer="ann", seller="bo", value=100))
    log.leave("t1", "ann", 1)
    with pytest.raises(InvalidFeedback):
        log.add(Feedback("t1", "ann", "cy", 1, value=100))
    with pytest.raises(InvalidFeedback):
        model.update_many([Feedback("t2", "cy", "bo", 1), "not feedback"])  # type: ignore[list-item]
    assert model.scores() == {"bo": 1.0}


def test_attach_replays_earlier_feedback() -> None:
    log = FeedbackLog()
    log.record(Transaction("t1", buyer="ann", seller="bo"))
    log.record(Transaction("t2", buyer="cy", seller="bo"))
    log.leave("t1", "ann", 1)
    log.leave("t2", "cy", -1)
    log.leave("t2", "bo", 1)
    model = AccumulativeModel()
    log.attach(model)
    assert model.scores() == {"bo": 0.0, "cy": 1.0}


streams = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from([-1, 0, 1]),
    ).filter(lambda t: t[0] != t[1]),
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(streams)
def test_incremental_equals_a_recount_from_scratch(stream: list[tuple[str, str, int]]) -> None:
    model = AccumulativeModel()
    feedback = [Feedback(f"t{k}", r, s, v) for k, (r, s, v) in enumerate(stream)]
    for k, f in enumerate(feedback):
        model.update(f)
        if k % 7 == 0:
            seen = feedback[: k + 1]
            for agent in "abcde":
                expected = sum(g.rating for g in seen if g.subject == agent)
                assert model.score(agent) == expected
    batch = AccumulativeModel()
    batch.update_many(feedback)
    assert snapshot(batch) == snapshot(model)
    for agent in "abcde":
        positives = sum(1 for g in feedback if g.subject == agent and g.rating == 1)
        negatives = sum(1 for g in feedback if g.subject == agent and g.rating == -1)
        assert model.score(agent) == positives - negatives
        assert model.star(agent) == star_level(positives - negatives)
