"""The "paths" distribution of the CATS paper (Leyton-Brown, Pearson, Shoham, EC 2000, section 4.1
"paths in space"): goods are the links of a transport network and every bid is a route.

The network: cities are points drawn uniformly in the unit square; every city is linked to its
``initial_connections`` nearest cities; then, going through the pairs of cities from the closest
to the farthest, a direct link is built wherever the shortest route through the network so far is
more than ``building_penalty`` times the straight distance (so the network connects up and
detours stay bounded, as with real roads or rail). A link's cost is its length.

A bidder (a shipper) picks two distinct cities A and B; delivering from A to B is worth
``shipping_cost_factor`` times their straight distance to it. It bids, in one XOR bid, on the
``max_bid_set_size`` cheapest simple routes from A to B that cost less than that value; the price
of a route is the value minus the route's cost (its profit on the delivery), times
``price_scale``. A pair with no such route places no bid and another is drawn.

How ``goods`` maps to the network (the paper fixes the goods by the graph): we place
``max(round(goods / edges_per_city), the least n with n (n - 1) / 2 >= goods)`` cities and stop
adding links when there are exactly ``goods``. If the nearest-city links already reach that
number, the rest are not built; if the building rule runs out of links first, the shortest
missing links are added. Link ``k`` (good ``k``) is the k-th link built.

Other choices where the paper is vague (ours): Euclidean geometry in the unit square; the price as
value minus cost; routes found by a best-first search in order of cost that looks at no more than
``search_limit`` partial routes per bidder (a bidder then bids on the routes found so far); prices
rounded to cents, a route worth less than a cent is not bid on.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import shortest_path

from trustmarket.combinatorial.generate_assembly import Bid, cents, prune_bidder
from trustmarket.combinatorial.generate_draws import Draws
from trustmarket.combinatorial.generate_params import Param, Params, count, positive

PATHS_PARAMS: dict[str, Param] = {
    "initial_connections": count(2, "links from each city to its nearest cities"),
    "building_penalty": Param(
        1.8, "build a link when the detour exceeds this x the distance", float, 1.0
    ),
    "shipping_cost_factor": Param(
        1.5, "value of a delivery per unit of straight distance", float, 1.0, low_open=True
    ),
    "max_bid_set_size": count(5, "most routes (XOR bids) per bidder"),
    "edges_per_city": Param(1.6, "links per city, sets the number of cities", float, 0.5, 10.0),
    "price_scale": positive(100.0, "money units per unit of distance"),
    "search_limit": count(5000, "most partial routes a bidder's route search looks at", 10),
}

_CHUNK = 4096


@dataclass(frozen=True)
class PathsNetwork:
    """The transport network: city coordinates and the links, link ``k`` being good ``k``."""

    cities: np.ndarray
    links: tuple[tuple[int, int], ...]


def _city_count(goods: int, edges_per_city: float) -> int:
    complete = math.ceil((1 + math.sqrt(1 + 8 * goods)) / 2)
    while complete * (complete - 1) // 2 < goods:
        complete += 1
    return max(2, complete, round(goods / edges_per_city))


def _relax(paths: np.ndarray, a: int, b: int, length: float) -> np.ndarray:
    """All-pairs shortest route lengths after adding a link a-b of this length."""
    via_ab = paths[:, [a]] + length + paths[[b], :]
    via_ba = paths[:, [b]] + length + paths[[a], :]
    relaxed: np.ndarray = np.minimum(paths, np.minimum(via_ab, via_ba))
    return relaxed


def build_network(goods: int, rng: np.random.Generator, params: Params) -> PathsNetwork:
    """The network with exactly ``goods`` links (see the module docstring)."""
    n = _city_count(goods, params.f("edges_per_city"))
    cities = rng.random((n, 2))
    distance = np.sqrt(((cities[:, None, :] - cities[None, :, :]) ** 2).sum(axis=-1))
    links: list[tuple[int, int]] = []
    built: set[tuple[int, int]] = set()

    def add(a: int, b: int) -> None:
        key = (min(a, b), max(a, b))
        if key not in built:
            built.add(key)
            links.append(key)

    nearest = min(params.i("initial_connections"), n - 1)
    for city in range(n):
        order = np.argsort(distance[city], kind="stable")
        for other in order[order != city][:nearest].tolist():
            if len(links) < goods:
                add(city, other)
    if len(links) < goods:
        weights = np.zeros((n, n))
        for a, b in links:
            weights[a, b] = weights[b, a] = distance[a, b]
        paths = shortest_path(weights, method="D", directed=False)
        first, second = np.triu_indices(n, 1)
        by_length = np.argsort(distance[first, second], kind="stable")
        first, second = first[by_length], second[by_length]
        straight = distance[first, second]
        penalty = params.f("building_penalty")
        position = 0
        while position < len(first) and len(links) < goods:
            end = min(position + _CHUNK, len(first))
            worth = paths[first[position:end], second[position:end]] > (
                penalty * straight[position:end]
            )
            hits = np.flatnonzero(worth)
            if hits.size == 0:
                position = end
                continue
            at = position + int(hits[0])
            a, b = int(first[at]), int(second[at])
            add(a, b)
            paths = _relax(paths, a, b, float(distance[a, b]))
            position = at + 1
        for at in range(len(first)):
            if len(links) >= goods:
                break
            add(int(first[at]), int(second[at]))
    return PathsNetwork(cities, tuple(links))


def paths_network(goods: int, seed: int, **params: object) -> PathsNetwork:
    """The network that :func:`generate` ("paths", same goods, seed, params) builds."""
    from trustmarket.combinatorial.generate import check_request

    resolved = check_request("paths", goods, 1, seed, params)
    return build_network(goods, np.random.default_rng(seed), resolved)


def _cheapest_routes(
    adjacency: list[list[tuple[int, int, float]]],
    to_target: list[float],
    source: int,
    target: int,
    budget: float,
    most: int,
    limit: int,
) -> list[tuple[float, tuple[int, ...]]]:
    """Up to ``most`` simple routes source -> target cheaper than ``budget``, cheapest first.

    Best-first search on cost so far plus the shortest remaining distance (an admissible,
    consistent estimate), so complete routes leave the queue in order of cost.
    """
    found: list[tuple[float, tuple[int, ...]]] = []
    queue: list[tuple[float, float, int, int, tuple[int, ...], int]] = [
        (to_target[source], 0.0, 0, source, (), 1 << source)
    ]
    pushed = 1
    pops = 0
    while queue and len(found) < most and pops < limit:
        _, cost, _, city, route, visited = heapq.heappop(queue)
        pops += 1
        if city == target:
            found.append((cost, route))
            continue
        for other, link, length in adjacency[city]:
            if visited >> other & 1:
                continue
            so_far = cost + length
            if so_far + to_target[other] >= budget:
                continue
            heapq.heappush(
                queue,
                (
                    so_far + to_target[other],
                    so_far,
                    pushed,
                    other,
                    (*route, link),
                    visited | 1 << other,
                ),
            )
            pushed += 1
    return found


def generate_paths(
    rng: np.random.Generator, goods: int, bids: int, params: Params
) -> Iterator[list[Bid]]:
    """Bidders of the paths distribution (paper section 4.1); see the module docstring."""
    network = build_network(goods, rng, params)
    draws = Draws(rng)
    cities = network.cities
    n = len(cities)
    adjacency: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
    weights = np.zeros((n, n))
    for k, (a, b) in enumerate(network.links):
        length = float(np.hypot(*(cities[a] - cities[b])))
        adjacency[a].append((b, k, length))
        adjacency[b].append((a, k, length))
        weights[a, b] = weights[b, a] = length
    routes = shortest_path(weights, method="D", directed=False)
    linked = [c for c in range(n) if adjacency[c]]
    factor = params.f("shipping_cost_factor")
    most = params.i("max_bid_set_size")
    limit = params.i("search_limit")
    scale = params.f("price_scale")
    while True:
        source = linked[draws.integer(0, len(linked) - 1)]
        target = linked[draws.integer(0, len(linked) - 1)]
        if source == target:
            continue
        value = factor * float(np.hypot(*(cities[source] - cities[target])))
        if not routes[source, target] < value:
            yield []
            continue
        to_target = routes[:, target].tolist()
        found = _cheapest_routes(adjacency, to_target, source, target, value, most, limit)
        yield prune_bidder(
            (tuple(sorted(route)), cents((value - cost) * scale)) for cost, route in found
        )
