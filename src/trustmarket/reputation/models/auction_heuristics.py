"""The online-auction trust paper's further terms, implemented as stated (SPEC section 4).

Sathiyamoorthy, Iyengar and Ramachandran, section 4.2, equations (ii) to (iv). These are the
paper's *heuristics*: it states them without derivation, and their units do not all agree (the
optimal price adds a priority in [0, 1] to a money amount). They are here so that the paper's
trust value can be reproduced and studied, not as recommended practice; the reputation models
do not use them.

- (ii) optimal price: ``P0 + sum_{d=1..n_days} (0.1 P0 - (pi - 0.5) priority)``;
- (iii) time component: ``f_prev - f_prev / (time since last auction)``;
- (iv) trust value: ``exp(W_x * W_price * time * experience)``, with
  experience = auctions won / auctions taken part in.
"""

from __future__ import annotations

import math

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.checks import finite_number, representable, unit_number

__all__ = ["experience", "optimal_price", "time_component", "trust_value"]


def optimal_price(initial_price: float, days: int, priority: float, pressure: float = 0.5) -> float:
    """The paper's optimal (expected) price, section 4.2 equation (ii):

        P0 + sum_{d=1..n_days} (0.1 P0 - (pi - 0.5) priority)

    ``initial_price`` P0 >= 0 is the auction's starting price, ``days`` the number of days
    until it ends, ``priority`` in [0, 1] the seller's urgency to sell, ``pressure`` pi in
    [0, 1] a caller-supplied market-pressure value (the paper's Pi, left undefined there;
    default 0.5, where the priority term vanishes). Every day's term is the same, so the sum is
    ``n_days`` times it.
    """
    representable(initial_price, "initial_price", "a finite number >= 0")
    representable(days, "days", "a whole number >= 0")
    representable(priority, "priority", "a finite number in [0, 1]")
    representable(pressure, "pressure", "a finite number in [0, 1]")
    p0 = finite_number(initial_price, "initial_price")
    if p0 < 0:
        raise InvalidReputation(f"initial_price must be >= 0, got {p0}")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InvalidReputation(f"days must be a whole number >= 0, got {days!r}")
    urgency = unit_number(priority, "priority")
    pi = unit_number(pressure, "pressure")
    return p0 + days * (0.1 * p0 - (pi - 0.5) * urgency)


def time_component(previous_feedback: float, time_since_last: float) -> float:
    """The paper's time component, section 4.2 equation (iii):
    ``f_prev - f_prev / (time since last auction)``.

    ``previous_feedback`` f_prev is the feedback the host had when its last auction completed;
    ``time_since_last`` must be > 0 (in whatever unit the caller uses; the paper gives none).
    """
    representable(previous_feedback, "previous_feedback", "a finite number")
    representable(time_since_last, "time_since_last", "a finite number > 0")
    f_prev = finite_number(previous_feedback, "previous_feedback")
    elapsed = finite_number(time_since_last, "time_since_last")
    if elapsed <= 0:
        raise InvalidReputation(
            f"time_since_last must be > 0 (the component divides by it), got {elapsed}"
        )
    return f_prev - f_prev / elapsed


def experience(won: int, taken_part: int) -> float:
    """The paper's experience value: auctions won / auctions taken part in (section 4.2)."""
    for value, what in ((won, "won"), (taken_part, "taken_part")):
        representable(value, what, "a whole number >= 0")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidReputation(f"{what} must be a whole number >= 0, got {value!r}")
    if taken_part == 0:
        raise InvalidReputation("experience needs at least one auction taken part in, got 0")
    if won > taken_part:
        raise InvalidReputation(
            f"won ({won}) cannot exceed the auctions taken part in ({taken_part})"
        )
    return won / taken_part


def trust_value(
    rater_weight: float, price_weight: float, time: float, experience_value: float
) -> float:
    """The paper's trust value of x, section 4.2 equation (iv):
    ``exp(W_x * W_price * time * experience)``.

    ``rater_weight`` is W_x (:meth:`RaterWeightedModel.rater_weight`), ``price_weight`` the weight
    of the optimal price (the paper leaves its derivation to the host's experience),
    ``time`` the :func:`time_component` and ``experience_value`` the :func:`experience`.
    """
    for value, what in (
        (rater_weight, "rater_weight"),
        (price_weight, "price_weight"),
        (time, "time"),
        (experience_value, "experience_value"),
    ):
        representable(value, what, "a finite number")
    product = (
        finite_number(rater_weight, "rater_weight")
        * finite_number(price_weight, "price_weight")
        * finite_number(time, "time")
        * finite_number(experience_value, "experience_value")
    )
    if not math.isfinite(product) or product >= 709.0:
        raise InvalidReputation(
            f"exp({product:g}) overflows a float; the product of the four terms must be < 709"
        )
    return math.exp(product)
