"""The "scheduling" distribution of the CATS paper (Leyton-Brown, Pearson, Shoham, EC 2000, section
4.5 "temporal scheduling"), after Wellman et al.'s distributed job-shop scheduling: bidders buy
consecutive time slots on one machine to run a job before a deadline.

The goods are the machine's time slots ``0 .. goods - 1`` in order (so ``goods`` is the length of
the day). A bidder has one job of ``length`` slots, uniform on ``[1, min(max_length, goods)]``, and
a first deadline ``d1`` uniform on ``[length, goods]`` (the job must end by the end of slot ``d1 -
1``) worth ``v1 = value_per_slot * length * (1 + e)``, ``e`` uniform on ``[-deviation,
deviation]``. While a uniform draw is below ``prob_additional_deadline`` and the last deadline is
before the end of the day, a later deadline is added, uniform after the last one, worth
``deadline_value_factor`` times the last deadline's value (finishing later is worth less).

The bidder bids, in one XOR bid, on every start time ``s`` from 0 to ``last deadline - length``:
the bundle is the slots ``s .. s + length - 1`` and the price is the value of the earliest deadline
the job then meets. So a bidder's bundles are all the placements of its job inside its window
``[0, last deadline)``, all of one length.

Choices where the paper is vague (ours): the uniform length and deadlines, the value
proportional to the length, the geometric fall of the value with later deadlines, no earliest
start time, prices rounded to cents.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from trustmarket.combinatorial.generate_assembly import Bid, cents, prune_bidder
from trustmarket.combinatorial.generate_draws import Draws
from trustmarket.combinatorial.generate_params import Param, Params, count, positive, probability

SCHEDULING_PARAMS: dict[str, Param] = {
    "max_length": count(10, "longest job, in slots"),
    "deviation": Param(
        0.5, "largest relative deviation of a job's value", float, 0.0, 1.0, high_open=True
    ),
    "prob_additional_deadline": probability(0.9, "probability of one more, later deadline"),
    "deadline_value_factor": Param(
        0.9, "value of a later deadline relative to the one before", float, 0.0, 1.0, low_open=True
    ),
    "value_per_slot": positive(10.0, "value of a job per slot of its length"),
}


def generate_scheduling(
    rng: np.random.Generator, goods: int, bids: int, params: Params
) -> Iterator[list[Bid]]:
    """Bidders of the scheduling distribution (paper section 4.5); see the module docstring."""
    draws = Draws(rng)
    longest = min(params.i("max_length"), goods)
    deviation = params.f("deviation")
    more = params.f("prob_additional_deadline")
    factor = params.f("deadline_value_factor")
    per_slot = params.f("value_per_slot")
    while True:
        length = draws.integer(1, longest)
        deadlines = [draws.integer(length, goods)]
        values = [per_slot * length * (1.0 + deviation * (2.0 * draws.uniform() - 1.0))]
        while deadlines[-1] < goods and draws.uniform() < more:
            deadlines.append(draws.integer(deadlines[-1] + 1, goods))
            values.append(values[-1] * factor)
        bidder: list[Bid] = []
        which = 0
        for start in range(deadlines[-1] - length + 1):
            while start + length > deadlines[which]:
                which += 1
            bundle = tuple(range(start, start + length))
            bidder.append((bundle, cents(values[which])))
        yield prune_bidder(bidder)
