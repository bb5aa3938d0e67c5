"""Integers too large for a float (a Python int is unbounded): every numeric parameter of every
reputation model, and of the paper's formulas, refuses one with InvalidReputation naming the
parameter and its allowed range (``float(10**400)`` and ``math.isfinite(10**400)`` raised
OverflowError), and the rater-weighted model refuses feedback whose value or time it would have
to convert before it changes anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from trustmarket.core.errors import InvalidFeedback, InvalidReputation
from trustmarket.reputation import Feedback
from trustmarket.reputation.models import make_model, model_names
from trustmarket.reputation.models.auction_heuristics import (
    experience,
    optimal_price,
    time_component,
    trust_value,
)
from trustmarket.reputation.models.beta import BetaModel, beta_score
from trustmarket.reputation.models.eigentrust import EigenTrustModel
from trustmarket.reputation.models.rater_weighted import RaterWeightedModel, agreement
from trustmarket.reputation.models.ratio import RatioModel
from trustmarket.reputation.models.reputation_coefficient import (
    ReputationCoefficientModel,
    modified_ask,
    modified_offer,
)
from trustmarket.reputation.models.unfair_rater_filter import FilteredBetaModel

HUGE = [10**400, -(10**400), 10**5000]  # 10**5000 cannot even be printed in decimal
HUGE_IDS = ["1e400", "-1e400", "1e5000"]

#: (model, parameter, the allowed range its message gives): every numeric parameter.
PARAMETERS = [
    ("ratio", "neutral", "a finite number in [0, 1] or None"),
    ("ratio", "prior", "a finite number in [0, 1]"),
    ("weighted", "newcomer_weight", "a finite number in [0, 1]"),
    ("weighted", "half_life", "a positive number of seconds or None"),
    ("weighted", "prior", "a finite number in [0, 1]"),
    ("coefficient", "alpha", "a number in (0, 1]"),
    ("coefficient", "initial", "a finite number in [0, 1] or 'mean'"),
    ("coefficient", "empty_mean", "a finite number in [0, 1]"),
    ("beta", "forgetting", "a number in (0, 1]"),
    ("eigentrust", "pretrust_weight", "a number in (0, 1)"),
    ("eigentrust", "tolerance", "a positive number"),
    ("eigentrust", "max_iterations", "a positive integer"),
    ("beta-filtered", "exclude_below", "a number in [0, 1)"),
]


def test_the_table_covers_every_numeric_parameter() -> None:
    covered = {model for model, _, _ in PARAMETERS}
    # accumulative has no parameter at all; the others' non-numeric ones (pretrusted, peers,
    # by_value, mode, scale) are refused by type.
    assert covered | {"accumulative"} == set(model_names())


@pytest.mark.parametrize("value", HUGE, ids=HUGE_IDS)
@pytest.mark.parametrize(("model", "parameter", "allowed"), PARAMETERS)
def test_huge_integer_parameters_are_refused(
    model: str, parameter: str, allowed: str, value: int
) -> None:
    with pytest.raises(InvalidReputation) as refusal:
        make_model(model, **{parameter: value})
    message = refusal.value.message
    assert message.startswith(f"{parameter} must be {allowed}; got ")
    assert "digits, beyond the range of a float" in message
    assert len(message) < 200
    # The largest float-sized integer is an ordinary out-of-range value, refused as before.
    with pytest.raises(InvalidReputation, match=parameter):
        make_model(model, **{parameter: -(10**300) if parameter != "initial" else 10**300})


def test_the_classes_refuse_them_directly() -> None:
    builds: list[Callable[[], object]] = [
        lambda: BetaModel(10**400),
        lambda: RatioModel(prior=10**400),
        lambda: RaterWeightedModel(half_life=10**400),
        lambda: ReputationCoefficientModel(10**400),
        lambda: EigenTrustModel(tolerance=10**400),
        lambda: FilteredBetaModel(10**400),
    ]
    for build in builds:
        with pytest.raises(InvalidReputation, match="beyond the range of a float"):
            build()


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: beta_score(10**400, 0), "positive evidence r must be a finite number >= 0"),
        (lambda: beta_score(0, 10**400), "negative evidence s must be a finite number >= 0"),
        (lambda: modified_ask(10**400, 0.5), "price must be a finite number >= 0"),
        (lambda: modified_offer(10, 10**400), "reputation must be a finite number in [0, 1]"),
        (lambda: optimal_price(10**400, 3, 0.5), "initial_price must be a finite number >= 0"),
        (lambda: optimal_price(100, 10**400, 0.5), "days must be a whole number >= 0"),
        (lambda: optimal_price(100, 3, 10**400), "priority must be a finite number in [0, 1]"),
        (lambda: optimal_price(100, 3, 0.5, -(10**400)), "pressure must be a finite number"),
        (lambda: time_component(10**400, 2), "previous_feedback must be a finite number"),
        (lambda: time_component(1, 10**400), "time_since_last must be a finite number > 0"),
        (lambda: experience(10**400, 10**401), "won must be a whole number >= 0"),
        (lambda: trust_value(1, 1, 10**400, 1), "time must be a finite number"),
        (lambda: agreement([10**400, 1], [1, 1]), "an attribute score must be a finite number"),
    ],
)
def test_the_formulas_refuse_them(call: Callable[[], object], fragment: str) -> None:
    with pytest.raises(InvalidReputation) as refusal:
        call()
    assert fragment in refusal.value.message
    assert "beyond the range of a float" in refusal.value.message


def feedback(k: int, **fields: Any) -> Feedback:
    return Feedback(
        transaction=f"t{k}",
        rater="ann",
        subject="bo",
        rating=1,
        attributes=(4, 4, 4),
        **fields,
    )


@pytest.mark.parametrize(
    ("options", "fields", "fragment"),
    [
        ({"by_value": True}, {"value": 10**400}, "transaction value (by_value weighs by it)"),
        ({"half_life": 10}, {"time": 10**400}, "time (half_life decays by it)"),
    ],
)
def test_the_weighted_model_refuses_feedback_it_cannot_convert(
    options: dict[str, Any], fields: dict[str, int], fragment: str
) -> None:
    model = RaterWeightedModel(**options)
    model.update(feedback(0))
    before = (model.scores(), model.explain("bo").to_json())
    with pytest.raises(InvalidFeedback, match="beyond the range of a float") as refusal:
        model.update(feedback(1, **fields))  # counted half, then OverflowError, before
    assert fragment in refusal.value.message
    assert (model.scores(), model.explain("bo").to_json()) == before  # nothing half-applied
    # Without the option the number is not used, and the feedback is taken.
    plain = RaterWeightedModel()
    plain.update(feedback(1, **fields))
    assert plain.scores() == {"bo": pytest.approx(0.8)}
    with pytest.raises(InvalidReputation, match="now must be a non-negative integer"):
        model.score("bo", now=10**400)
