"""The "matching" distribution of the CATS paper (Leyton-Brown, Pearson, Shoham, EC 2000, section
4.4 "temporal matching"): airlines bid for a take-off slot at one airport and a landing slot at
another, as at the four US airports under the FAA's high-density rule.

The goods are time slots at four airports (Chicago O'Hare, Washington National, New York
LaGuardia and New York JFK, placed at their real coordinates). A flight from one to another
takes ``max(1, round(max_flight_length * distance / longest distance))`` slots.

A bidder (an airline) wants one flight: an origin and a different destination drawn uniformly, a
preferred take-off slot ``t0`` drawn uniformly among those that leave room to land, and a value
``value_per_slot * flight length * (1 + e)`` with ``e`` uniform on ``[-deviation, deviation]``
(longer flights are worth more). It bids, in one XOR bid, on every pair (take-off slot ``t``,
landing slot ``l``) with ``t`` within ``early_takeoff_deviation`` slots before and
``late_takeoff_deviation`` slots after ``t0``, ``l`` within ``early_land_deviation`` before and
``late_land_deviation`` after the preferred landing ``t0 + length``, and ``l - t`` at least the
flight length. A pair that lands ``k`` slots after the preferred landing is priced at ``value *
delay_coeff ** k``; earlier is not penalised. Every bundle has exactly two goods.

How ``goods`` maps (the paper fixes the slots by the airports): the goods are split as evenly as
possible between the four airports, the first airports taking the remainder; airport ``a``'s
slots are goods ``start_a .. start_a + slots_a - 1`` in time order (see :func:`matching_slots`).
At least two slots per airport are needed (``goods >= 8``). Flight lengths are clipped so a flight
fits in the day.

Choices where the paper is vague (ours): one kind of slot per airport used for take-off or landing;
uniform airport choice; the value proportional to the flight length; the lateness discount only on
the landing; prices rounded to cents.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from trustmarket.combinatorial.generate_assembly import Bid, cents, prune_bidder
from trustmarket.combinatorial.generate_draws import Draws
from trustmarket.combinatorial.generate_params import Param, Params, count, positive

#: The four airports: code, latitude, longitude (degrees).
AIRPORTS: tuple[tuple[str, float, float], ...] = (
    ("ORD", 41.978, -87.905),
    ("DCA", 38.852, -77.037),
    ("LGA", 40.777, -73.873),
    ("JFK", 40.640, -73.779),
)

MATCHING_PARAMS: dict[str, Param] = {
    "max_flight_length": count(10, "slots taken by the longest flight"),
    "early_takeoff_deviation": count(1, "slots a bidder will leave before it wants to", 0),
    "late_takeoff_deviation": count(2, "slots a bidder will leave after it wants to", 0),
    "early_land_deviation": count(1, "slots a bidder will land before it wants to", 0),
    "late_land_deviation": count(2, "slots a bidder will land after it wants to", 0),
    "delay_coeff": Param(
        0.9, "value kept per slot of late landing", float, 0.0, 1.0, low_open=True
    ),
    "deviation": Param(
        0.5, "largest relative deviation of a flight's value", float, 0.0, 1.0, high_open=True
    ),
    "value_per_slot": positive(10.0, "value of a flight per slot of flight time"),
}


def _distance_km(a: tuple[str, float, float], b: tuple[str, float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[1], a[2], b[1], b[2]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _slot_counts(goods: int) -> list[int]:
    base, extra = divmod(goods, len(AIRPORTS))
    return [base + (1 if a < extra else 0) for a in range(len(AIRPORTS))]


def matching_slots(goods: int) -> list[tuple[str, int]]:
    """Good index -> (airport code, slot) for a matching instance with this many goods."""
    out: list[tuple[str, int]] = []
    for airport, slots in zip(AIRPORTS, _slot_counts(goods), strict=True):
        out += [(airport[0], t) for t in range(slots)]
    return out


def generate_matching(
    rng: np.random.Generator, goods: int, bids: int, params: Params
) -> Iterator[list[Bid]]:
    """Bidders of the matching distribution (paper section 4.4); see the module docstring."""
    draws = Draws(rng)
    slots = _slot_counts(goods)
    starts = [sum(slots[:a]) for a in range(len(slots))]
    pairs = [(o, d) for o in range(len(AIRPORTS)) for d in range(len(AIRPORTS)) if o != d]
    longest = max(_distance_km(AIRPORTS[o], AIRPORTS[d]) for o, d in pairs)
    most = params.i("max_flight_length")
    early_off, late_off = params.i("early_takeoff_deviation"), params.i("late_takeoff_deviation")
    early_on, late_on = params.i("early_land_deviation"), params.i("late_land_deviation")
    delay, deviation = params.f("delay_coeff"), params.f("deviation")
    per_slot = params.f("value_per_slot")
    while True:
        origin, destination = pairs[draws.integer(0, len(pairs) - 1)]
        ratio = _distance_km(AIRPORTS[origin], AIRPORTS[destination]) / longest
        length = max(1, round(most * ratio))
        length = min(length, slots[destination] - 1)
        latest_takeoff = min(slots[origin] - 1, slots[destination] - 1 - length)
        preferred = draws.integer(0, latest_takeoff)
        value = per_slot * length * (1.0 + deviation * (2.0 * draws.uniform() - 1.0))
        on_time = preferred + length
        bidder: list[Bid] = []
        for takeoff in range(
            max(0, preferred - early_off), min(slots[origin] - 1, preferred + late_off) + 1
        ):
            first_landing = max(takeoff + length, on_time - early_on)
            for landing in range(first_landing, min(slots[destination] - 1, on_time + late_on) + 1):
                late = max(0, landing - on_time)
                bundle = tuple(sorted((starts[origin] + takeoff, starts[destination] + landing)))
                bidder.append((bundle, cents(value * delay**late)))
        yield prune_bidder(bidder)
