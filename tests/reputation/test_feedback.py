"""Feedback records and the log: one transaction, one feedback per side, and bad input refused
with nothing changed."""

from __future__ import annotations

import pytest

from trustmarket.core.errors import DuplicateFeedback, InvalidFeedback, InvalidId, InvalidInput
from trustmarket.reputation import AttributeScale, Feedback, FeedbackLog, Transaction


def log_with_trade() -> FeedbackLog:
    log = FeedbackLog(scale=AttributeScale())
    log.record(Transaction("t1", buyer="ann", seller="bo", value=2500, time=100))
    return log


def test_each_side_rates_the_other_once() -> None:
    log = log_with_trade()
    first = log.leave("t1", "ann", 1, attributes=(5, 4, 4))
    assert (first.subject, first.value, first.time) == ("bo", 2500, 100)
    second = log.leave("t1", "bo", 0, time=130)
    assert (second.subject, second.time) == ("ann", 130)
    assert len(log) == 2 and log.about("bo") == (first,)
    with pytest.raises(DuplicateFeedback, match="one feedback per side"):
        log.leave("t1", "ann", -1)
    assert len(log) == 2


@pytest.mark.parametrize(
    ("feedback", "message"),
    [
        (Feedback("t9", "ann", "bo", 1, value=2500), "unknown transaction t9"),
        (Feedback("t1", "cy", "bo", 1, value=2500), "cy is not a party to transaction t1"),
        (Feedback("t1", "ann", "cy", 1, value=2500), "ann can only rate bo"),
        (Feedback("t1", "ann", "bo", 1, value=99), "differs from transaction t1's value 2500"),
        (Feedback("t1", "ann", "bo", 1, value=2500, attributes=(5, 4)), "must have 3 scores"),
        (Feedback("t1", "ann", "bo", 1, value=2500, attributes=(5, 4, 6)), "off the scale"),
    ],
)
def test_feedback_that_does_not_fit_is_refused(feedback: Feedback, message: str) -> None:
    log = log_with_trade()
    with pytest.raises(InvalidFeedback, match=message):
        log.add(feedback)
    assert len(log) == 0
    log.leave("t1", "ann", 1)  # the refused feedback did not use up ann's side


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"rating": 2}, InvalidFeedback, "rating must be -1, 0 or \\+1"),
        ({"rating": True}, InvalidFeedback, "rating must be"),
        ({"rating": 0.5}, InvalidFeedback, "rating must be"),
        ({"subject": "ann"}, InvalidFeedback, "cannot rate itself"),
        ({"rater": ""}, InvalidId, "invalid rater"),
        ({"time": -1}, InvalidInput, "time must be a non-negative integer"),
        ({"value": -5}, InvalidFeedback, "non-negative integer of minor units"),
        ({"value": 2.5}, InvalidFeedback, "non-negative integer of minor units"),
        ({"attributes": [1, 2, 3]}, InvalidFeedback, "must be a tuple"),
        ({"attributes": (1, float("nan"), 3)}, InvalidFeedback, "finite"),
        ({"attributes": (1, "x", 3)}, InvalidFeedback, "must be numbers"),
    ],
)
def test_malformed_feedback_is_refused(
    fields: dict[str, object], error: type[Exception], message: str
) -> None:
    base: dict[str, object] = {"transaction": "t1", "rater": "ann", "subject": "bo", "rating": 1}
    with pytest.raises(error, match=message):
        Feedback(**{**base, **fields})  # type: ignore[arg-type]


def test_transactions_and_scales_are_checked() -> None:
    log = log_with_trade()
    with pytest.raises(InvalidFeedback, match="already recorded"):
        log.record(Transaction("t1", buyer="cy", seller="di"))
    with pytest.raises(InvalidFeedback, match="buyer and seller are both"):
        Transaction("t2", buyer="cy", seller="cy")
    with pytest.raises(InvalidFeedback, match="expected a Transaction"):
        log.record("t3")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="low < high"):
        AttributeScale(low=5, high=0)
    with pytest.raises(InvalidInput, match="distinct"):
        AttributeScale(names=("a", "a"))
    with pytest.raises(InvalidInput, match="non-empty"):
        AttributeScale(names=())
