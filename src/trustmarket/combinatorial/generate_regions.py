"""The "regions" and "arbitrary" distributions of the CATS paper (Leyton-Brown, Pearson, Shoham,
EC 2000, section 4.2 "proximity in space" and section 4.3 "arbitrary relationships").

Both share one bidder model. Every good ``g`` has a common value ``c(g)`` drawn uniformly from
``[1, max_good_value]``; a bidder's private value is ``p(g) = c(g) * (1 + e)`` with ``e`` uniform
on ``[-deviation, deviation]``. The bidder's value for a bundle ``B`` of ``n`` goods is
``(sum of p(g) over B) * n ** additivity``: the paper's superadditivity ``S(n) = n ** (1 +
additivity)`` applied to the bundle's average good value. Its common (resale) value is the same
expression with ``c``.

A bidder's first bundle starts at a good drawn in proportion to the bidder's private values and
grows one good at a time while a uniform draw is below ``additional_location`` (regions) or
``additional_good`` (arbitrary):

* **regions**: the goods are regions on a grid (4-neighbourhood); in every complete 2 x 2 block one
  diagonal is added with probability ``additional_neighbor`` (either diagonal, with equal
  probability, so the map stays planar). A bundle grows by a neighbour of the bundle, drawn in
  proportion to the bidder's private values: bundles are connected regions of the map.
* **arbitrary**: the map is replaced by a complete graph whose edge weights ``d(g, h)`` (uniform on
  [0, 1], symmetric) are the degrees of complementarity; a bundle ``B`` grows by a good ``h`` drawn
  in proportion to ``sum of d(g, h) over g in B``.

Substitutable (XOR) bids: from every other good of the first bundle, in the order the goods were
added, the bidder grows a bundle of the same size (no early stop; a regions bundle that cannot grow
that far is dropped). A candidate is kept if it differs from the bundles already kept, costs the
bidder at most ``budget_factor`` times its value for the first bundle, and has a common value of at
least ``resale_factor`` times that value. The ``max_substitutable_bids`` dearest candidates join the
first bundle in one XOR bid; a bidder with one bid is a plain OR bid.

Choices where the paper is vague (ours): the multiplicative private deviation (it keeps private
values positive); weighting a grown good by the private value (regions) or by complementarity alone
(arbitrary); the grid of ``ceil(sqrt(goods))`` columns, whose last row may be partial; substitutes
grown from the goods of the first bundle to its size and ranked by value; no "jump" to far-away
goods, so every regions bundle is connected. Prices are the values rounded to cents.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from trustmarket.combinatorial.generate_assembly import Bid, cents, prune_bidder
from trustmarket.combinatorial.generate_draws import Draws
from trustmarket.combinatorial.generate_params import Param, Params, count, probability

_SHARED = {
    "max_good_value": Param(100.0, "highest common value of a good", float, 1.0),
    "deviation": Param(
        0.5, "largest relative deviation of a private value", float, 0.0, 1.0, high_open=True
    ),
    "additivity": Param(0.2, "superadditivity: value x size ** additivity", float, -1.0, 5.0),
    "budget_factor": Param(1.5, "substitutes cost at most this x the first bundle", float, 1.0),
    "resale_factor": Param(0.5, "substitutes resell for at least this x the first", float, 0.0),
}

REGIONS_PARAMS: dict[str, Param] = {
    "additional_neighbor": probability(0.2, "probability of a diagonal edge in a 2 x 2 block"),
    "additional_location": probability(
        0.9, "probability of adding one more region to a bundle", high_open=True
    ),
    "max_substitutable_bids": count(5, "most substitutable bids per bidder", low=0),
    **_SHARED,
}

ARBITRARY_PARAMS: dict[str, Param] = {
    "additional_good": probability(
        0.9, "probability of adding one more good to a bundle", high_open=True
    ),
    "max_substitutable_bids": count(10, "most substitutable bids per bidder", low=0),
    **_SHARED,
}

#: Grows a bundle from a start good: (start, private values, size or None) -> goods in order.
Grower = Callable[[int, list[float], int | None], list[int] | None]


def regions_map(goods: int, draws: Draws, additional_neighbor: float) -> list[list[int]]:
    """The region graph: neighbour lists of a grid with random diagonals (see module docstring)."""
    width = max(1, math.ceil(math.sqrt(goods)))
    adjacency: list[set[int]] = [set() for _ in range(goods)]

    def link(a: int, b: int) -> None:
        adjacency[a].add(b)
        adjacency[b].add(a)

    for k in range(goods):
        column = k % width
        if column + 1 < width and k + 1 < goods:
            link(k, k + 1)
        if k + width < goods:
            link(k, k + width)
    for k in range(goods):
        column = k % width
        if column + 1 < width and k + width + 1 < goods and draws.uniform() < additional_neighbor:
            if draws.uniform() < 0.5:
                link(k, k + width + 1)
            else:
                link(k + 1, k + width)
    return [sorted(n) for n in adjacency]


def regions_network(goods: int, seed: int, **params: object) -> list[list[int]]:
    """The region graph that :func:`generate` ("regions", same goods, seed, params) builds."""
    from trustmarket.combinatorial.generate import check_request

    resolved = check_request("regions", goods, 1, seed, params)
    return regions_map(goods, Draws(np.random.default_rng(seed)), resolved.f("additional_neighbor"))


def _map_grower(adjacency: list[list[int]], draws: Draws, stop: float) -> Grower:
    goods = len(adjacency)
    state = [0] * goods  # 0 outside, 1 on the frontier, 2 in the bundle; reset after each call

    def grow(start: int, private: list[float], size: int | None) -> list[int] | None:
        bundle = [start]
        state[start] = 2
        frontier: list[int] = []
        weights: list[float] = []
        total = 0.0
        for n in adjacency[start]:
            state[n] = 1
            frontier.append(n)
            weights.append(private[n])
            total += private[n]
        result: list[int] | None = bundle
        while True:
            if size is not None and len(bundle) >= size:
                break
            if size is None and draws.uniform() >= stop:
                break
            if not frontier:
                result = None if size is not None else bundle
                break
            # a neighbour of the bundle, drawn in proportion to the bidder's private value
            target = draws.uniform() * total
            at = len(frontier) - 1
            acc = 0.0
            for index, weight in enumerate(weights):
                acc += weight
                if target < acc:
                    at = index
                    break
            pick = frontier[at]
            total -= weights[at]
            frontier[at] = frontier[-1]
            weights[at] = weights[-1]
            frontier.pop()
            weights.pop()
            bundle.append(pick)
            state[pick] = 2
            for n in adjacency[pick]:
                if state[n] == 0:
                    state[n] = 1
                    frontier.append(n)
                    weights.append(private[n])
                    total += private[n]
        for g in bundle:
            state[g] = 0
        for g in frontier:
            state[g] = 0
        return result

    return grow


def _complete_grower(weights: np.ndarray, draws: Draws, stop: float) -> Grower:
    goods = weights.shape[0]
    masked = np.empty(goods)

    def grow(start: int, private: list[float], size: int | None) -> list[int] | None:
        bundle = [start]
        inside = [False] * goods
        inside[start] = True
        available = np.ones(goods)
        available[start] = 0.0
        pull = weights[start].copy()
        while len(bundle) < goods:
            if size is not None and len(bundle) >= size:
                break
            if size is None and draws.uniform() >= stop:
                break
            # a good h is drawn with probability proportional to sum of d(g, h) over g in the
            # bundle: by rejection (h uniform outside the bundle, kept with probability
            # pull / len(bundle), as every d <= 1) while the bundle is small, else by bisection
            if 2 * len(bundle) < goods:
                bound = float(len(bundle))
                while True:
                    pick = min(int(draws.uniform() * goods), goods - 1)
                    if not inside[pick] and draws.uniform() * bound < pull[pick]:
                        break
            else:
                np.multiply(pull, available, out=masked)
                cumulative = masked.cumsum()
                target = draws.uniform() * float(cumulative[-1])
                pick = min(int(cumulative.searchsorted(target, "right")), goods - 1)
                while inside[pick]:  # only when rounding lands on the very end
                    pick -= 1
            bundle.append(pick)
            inside[pick] = True
            available[pick] = 0.0
            pull += weights[pick]
        return bundle

    return grow


def _bidders(
    goods: int, draws: Draws, common: np.ndarray, grow: Grower, params: Params
) -> Iterator[list[Bid]]:
    deviation = params.f("deviation")
    additivity = params.f("additivity")
    budget = params.f("budget_factor")
    resale = params.f("resale_factor")
    most = params.i("max_substitutable_bids")
    common_list = common.tolist()

    def worth(bundle: list[int], values: list[float]) -> float:
        return sum(values[g] for g in bundle) * math.pow(len(bundle), additivity)

    while True:
        factors = 1.0 + deviation * (2.0 * draws.rng.random(goods) - 1.0)
        private = (common * factors).tolist()
        start = draws.weighted(private)
        first = grow(start, private, None)
        assert first is not None
        value = worth(first, private)
        seen = {frozenset(first)}
        candidates: list[tuple[float, list[int]]] = []
        for origin in first[1:]:
            other = grow(origin, private, len(first))
            if other is None or frozenset(other) in seen:
                continue
            seen.add(frozenset(other))
            other_value = worth(other, private)
            if other_value <= budget * value and worth(other, common_list) >= resale * value:
                candidates.append((other_value, other))
        candidates.sort(key=lambda c: -c[0])
        chosen = [(first, value)] + [(b, v) for v, b in candidates[:most]]
        yield prune_bidder((tuple(sorted(b)), cents(v)) for b, v in chosen)


def generate_regions(
    rng: np.random.Generator, goods: int, bids: int, params: Params
) -> Iterator[list[Bid]]:
    """Bidders of the regions distribution (paper section 4.2); see the module docstring."""
    draws = Draws(rng)
    adjacency = regions_map(goods, draws, params.f("additional_neighbor"))
    common = 1.0 + (params.f("max_good_value") - 1.0) * rng.random(goods)
    grow = _map_grower(adjacency, draws, params.f("additional_location"))
    return _bidders(goods, draws, common, grow, params)


def generate_arbitrary(
    rng: np.random.Generator, goods: int, bids: int, params: Params
) -> Iterator[list[Bid]]:
    """Bidders of the arbitrary distribution (paper section 4.3); see the module docstring."""
    draws = Draws(rng)
    upper = np.triu(rng.random((goods, goods)), 1)
    weights = upper + upper.T
    common = 1.0 + (params.f("max_good_value") - 1.0) * rng.random(goods)
    grow = _complete_grower(weights, draws, params.f("additional_good"))
    return _bidders(goods, draws, common, grow, params)
