"""The CATS-style instance generators: counts, determinism, CATS round trip, the structure of
each distribution, agreement of the two solvers, and refusals of bad input."""

from __future__ import annotations

import itertools
import math
import statistics
from collections import defaultdict

import pytest

from trustmarket.combinatorial import Instance, solve
from trustmarket.combinatorial.cats import format_cats, parse_cats
from trustmarket.combinatorial.generate import DISTRIBUTIONS, generate, parameters
from trustmarket.combinatorial.generate_assembly import prune_bidder
from trustmarket.combinatorial.generate_matching import matching_slots
from trustmarket.combinatorial.generate_paths import paths_network
from trustmarket.combinatorial.generate_regions import regions_network
from trustmarket.core.errors import InvalidInput

ALL = sorted(DISTRIBUTIONS)
DOMAIN = ["arbitrary", "matching", "paths", "regions", "scheduling"]
LEGACY = [f"L{k}" for k in range(1, 8)]


def goods_of(bid: object) -> list[int]:
    return [g for g, _ in bid.bundle]  # type: ignore[attr-defined]


def by_bidder(inst: Instance) -> dict[str, list[list[int]]]:
    out: dict[str, list[list[int]]] = defaultdict(list)
    for bid in inst.bids:
        out[bid.bidder].append(goods_of(bid))
    return out


def test_the_distributions_are_the_papers() -> None:
    assert set(DISTRIBUTIONS) == set(DOMAIN + LEGACY)
    assert all(isinstance(text, str) and text for text in DISTRIBUTIONS.values())


@pytest.mark.parametrize("name", ALL)
def test_exact_counts_names_and_shapes(name: str) -> None:
    inst = generate(name, 40, 150, 7)
    assert [g.name for g in inst.goods] == [str(g) for g in range(40)]
    assert all(g.units == 1 for g in inst.goods)
    assert [b.bid_id for b in inst.bids] == [str(k) for k in range(150)]
    assert inst.decimals == 2
    assert not inst.exchange
    for bid in inst.bids:
        goods = goods_of(bid)
        assert goods, bid
        assert goods == sorted(set(goods))
        assert all(0 <= g < 40 for g in goods)
        assert all(u == 1 for _, u in bid.bundle)
        assert isinstance(bid.price, int)
        assert bid.price > 0


@pytest.mark.parametrize("name", ALL)
def test_bidders_and_groups_follow_the_cats_convention(name: str) -> None:
    inst = generate(name, 40, 150, 11)
    members: dict[int, list[int]] = defaultdict(list)
    for index, bid in enumerate(inst.bids):
        if bid.group is None:
            assert bid.bidder == bid.bid_id
        else:
            members[bid.group].append(index)
    for group, indices in members.items():
        assert len(indices) >= 2, "a lone bid is an OR bid, not a group"
        assert indices == list(range(indices[0], indices[-1] + 1)), "a bidder's bids are together"
        assert {inst.bids[k].bidder for k in indices} == {str(indices[0])}
        assert group >= len(inst.goods)


@pytest.mark.parametrize("name", ALL)
def test_cats_round_trip_gives_an_equal_instance(name: str) -> None:
    inst = generate(name, 48, 200, 3)
    assert parse_cats(format_cats(inst)) == inst


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_instance_other_seed_other_instance(name: str) -> None:
    first = generate(name, 32, 100, 5)
    assert generate(name, 32, 100, 5) == first
    assert generate(name, 32, 100, 6) != first


@pytest.mark.parametrize("name", ALL)
def test_search_and_mip_agree_on_a_small_instance(name: str) -> None:
    inst = generate(name, 16, 40, 2)
    ours = solve(inst)
    plain = solve(inst, solver="mip")
    assert ours.value == plain.value
    inst.check_feasible(ours.winners)
    assert inst.value_of(ours.winners) == ours.value


@pytest.mark.parametrize("name", ALL)
def test_parameters_have_defaults_that_generate(name: str) -> None:
    specs = parameters(name)
    defaults = {key: spec.default for key, spec in specs.items()}
    assert generate(name, 24, 30, 1, **defaults) == generate(name, 24, 30, 1)


# --- structure of each distribution ---------------------------------------------------------


def is_simple_path(links: list[tuple[int, int]]) -> bool:
    degree: dict[int, int] = defaultdict(int)
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in links:
        degree[a] += 1
        degree[b] += 1
        neighbours[a].append(b)
        neighbours[b].append(a)
    ends = [c for c, d in degree.items() if d == 1]
    if len(ends) != 2 or any(d > 2 for d in degree.values()) or len(degree) != len(links) + 1:
        return False
    seen = {ends[0]}
    stack = [ends[0]]
    while stack:
        for other in neighbours[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return len(seen) == len(degree)


def test_paths_bundles_are_routes_between_one_pair_of_cities() -> None:
    inst = generate("paths", 90, 400, 4)
    network = paths_network(90, 4)
    assert len(network.links) == 90
    assert len(set(network.links)) == 90
    for bids in by_bidder(inst).values():
        assert len(bids) <= 5
        ends = []
        for goods in bids:
            links = [network.links[g] for g in goods]
            assert is_simple_path(links), links
            degree: dict[int, int] = defaultdict(int)
            for a, b in links:
                degree[a] += 1
                degree[b] += 1
            ends.append(frozenset(c for c, d in degree.items() if d == 1))
        assert len(set(ends)) == 1, "every route of a bidder joins the same two cities"
        assert len({frozenset(g) for g in bids}) == len(bids)


def test_paths_route_prices_fall_as_routes_get_longer() -> None:
    inst = generate("paths", 60, 300, 8)
    network = paths_network(60, 8)

    def cost(goods: list[int]) -> float:
        total = 0.0
        for g in goods:
            a, b = network.links[g]
            total += math.dist(network.cities[a], network.cities[b])
        return total

    for bidder, bids in by_bidder(inst).items():
        prices = [b.price for b in inst.bids if b.bidder == bidder]
        costs = [cost(g) for g in bids]
        for k in range(1, len(bids)):
            assert costs[k] >= costs[k - 1] - 1e-9
            assert prices[k] <= prices[k - 1]


def test_paths_small_goods_counts_still_give_exact_networks() -> None:
    for goods in (3, 4, 5, 7, 10):
        assert len(paths_network(goods, 1).links) == goods
        assert len(generate("paths", goods, 12, 1).goods) == goods


def connected(goods: list[int], adjacency: list[list[int]]) -> bool:
    inside = set(goods)
    seen = {goods[0]}
    stack = [goods[0]]
    while stack:
        for other in adjacency[stack.pop()]:
            if other in inside and other not in seen:
                seen.add(other)
                stack.append(other)
    return seen == inside


def test_regions_bundles_are_connected_on_the_map() -> None:
    inst = generate("regions", 64, 400, 9)
    adjacency = regions_network(64, 9)
    assert all(a in adjacency[b] for a in range(64) for b in adjacency[a])
    for bids in by_bidder(inst).values():
        assert len(bids) <= 1 + 5
        assert len({len(g) for g in bids}) == 1, "substitutes have the first bundle's size"
        assert len({frozenset(g) for g in bids}) == len(bids)
        for goods in bids:
            assert connected(goods, adjacency), goods


def test_regions_map_is_a_grid_with_some_diagonals() -> None:
    plain = regions_network(49, 1, additional_neighbor=0.0)
    assert sum(len(n) for n in plain) // 2 == 2 * 7 * 6
    full = regions_network(49, 1, additional_neighbor=1.0)
    assert sum(len(n) for n in full) // 2 == 2 * 7 * 6 + 6 * 6


def test_regions_bundle_size_follows_additional_location() -> None:
    small = generate("regions", 64, 200, 1, additional_location=0.0)
    assert all(len(b.bundle) == 1 for b in small.bids)
    assert all(b.group is None for b in small.bids), "one-good bundles have no substitutes"


def test_arbitrary_bidders_bid_on_substitutes_of_one_size() -> None:
    inst = generate("arbitrary", 50, 500, 12)
    sizes = []
    for bids in by_bidder(inst).values():
        assert len(bids) <= 1 + 10
        assert len({len(g) for g in bids}) == 1
        assert len({frozenset(g) for g in bids}) == len(bids)
        sizes.append(len(bids[0]))
    assert max(sizes) > 1
    few = generate("arbitrary", 50, 300, 12, max_substitutable_bids=2)
    assert max(len(b) for b in by_bidder(few).values()) <= 3


def test_matching_bundles_are_a_takeoff_and_a_landing_slot() -> None:
    goods = 64
    inst = generate("matching", goods, 400, 5)
    slots = matching_slots(goods)
    assert len(slots) == goods
    assert sorted({a for a, _ in slots}) == ["DCA", "JFK", "LGA", "ORD"]
    for bids in by_bidder(inst).values():
        routes = set()
        takeoffs = set()
        for goods_of_bid in bids:
            assert len(goods_of_bid) == 2
            (a, t), (b, u) = sorted((slots[g] for g in goods_of_bid), key=lambda s: s[1])
            assert a != b, "take-off and landing at two airports"
            assert u > t, "landing after take-off"
            routes.add(frozenset((a, b)))
            takeoffs.add(t)
        assert len(routes) == 1, "one flight per bidder"
        assert max(takeoffs) - min(takeoffs) <= 1 + 2


def test_matching_slots_split_goods_between_the_four_airports() -> None:
    for goods in (8, 9, 10, 11, 31):
        slots = matching_slots(goods)
        counts = [sum(1 for a, _ in slots if a == code) for code in ("ORD", "DCA", "LGA", "JFK")]
        assert sum(counts) == goods
        assert max(counts) - min(counts) <= 1
        inst = generate("matching", goods, 30, 2)
        assert len(inst.goods) == goods


def test_scheduling_bundles_are_consecutive_slots_in_the_jobs_window() -> None:
    inst = generate("scheduling", 48, 400, 6)
    for bidder, bids in by_bidder(inst).items():
        prices = [b.price for b in inst.bids if b.bidder == bidder]
        length = len(bids[0])
        assert 1 <= length <= 10
        starts = []
        for goods in bids:
            assert goods == list(range(goods[0], goods[0] + length)), "one job, consecutive slots"
            starts.append(goods[0])
        assert starts == list(range(len(starts))), "every start from 0 up to the last deadline"
        assert all(p >= q for p, q in itertools.pairwise(prices)), "later is cheaper"


def sizes(inst: Instance) -> list[int]:
    return [len(b.bundle) for b in inst.bids]


def test_legacy_constant_sizes_are_the_parameter() -> None:
    assert set(sizes(generate("L3", 30, 200, 1))) == {3}
    assert set(sizes(generate("L3", 30, 200, 1, constant_goods=5))) == {5}


def test_legacy_size_distributions_have_the_papers_means() -> None:
    n = 200
    uniform = sizes(generate("L1", n, 3000, 1))
    assert min(uniform) >= 1
    assert max(uniform) <= n
    assert abs(statistics.mean(uniform) - (n + 1) / 2) < 5
    decay = sizes(generate("L4", n, 3000, 1))
    assert abs(statistics.mean(decay) - 1 / (1 - 0.55)) < 0.15
    normal = sizes(generate("L5", n, 3000, 1))
    assert abs(statistics.mean(normal) - 4) < 0.1
    exponential = sizes(generate("L6", n, 3000, 1))
    weights = [math.exp(-k / 5) for k in range(1, n + 1)]
    expected = sum(k * w for k, w in zip(range(1, n + 1), weights, strict=True)) / sum(weights)
    assert abs(statistics.mean(exponential) - expected) < 0.3
    binomial = sizes(generate("L7", n, 3000, 1))
    assert abs(statistics.mean(binomial) - 0.2 * n) < 1


def test_legacy_prices_follow_their_ranges() -> None:
    scale = 100 * 100  # price_scale x cents
    for bid in generate("L1", 30, 300, 2).bids:
        assert 1 <= bid.price <= 1 * scale
    for bid in generate("L2", 30, 300, 2).bids:
        assert bid.price <= len(bid.bundle) * scale
    for bid in generate("L6", 30, 300, 2).bids:
        n = len(bid.bundle)
        assert 0.5 * n * scale <= bid.price <= 1.5 * n * scale
    dear = generate("L1", 30, 300, 2, low_fixed=2.0, hi_fixed=3.0, price_scale=1.0)
    assert all(200 <= b.price <= 300 for b in dear.bids)


def test_legacy_can_remove_dominated_bids() -> None:
    inst = generate("L4", 20, 60, 3, remove_dominated=True)
    for a in inst.bids:
        for b in inst.bids:
            if a is not b:
                assert not (set(goods_of(b)) <= set(goods_of(a)) and b.price >= a.price)
    assert len(inst.bids) == 60


def test_pruning_a_bidder_drops_duplicates_and_dominated_bids() -> None:
    kept = prune_bidder([((1, 2), 50), ((1, 2), 40), ((1,), 60), ((3,), 0), ((1, 2, 3), 70)])
    assert kept == [((1,), 60), ((1, 2, 3), 70)]


# --- bad input ------------------------------------------------------------------------------


def test_unknown_distribution_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidInput, match=r"allowed: .*arbitrary.*L7"):
        generate("random", 10, 10, 1)


@pytest.mark.parametrize(
    ("goods", "bids", "seed"),
    [
        (0, 10, 1),
        (-3, 10, 1),
        (2.5, 10, 1),
        (True, 10, 1),
        (10, 0, 1),
        (10, "5", 1),
        (10, 10, -1),
        (10, 10, 1.0),
        (10, 10, None),
        (5000, 10, 1),
    ],
)
def test_bad_counts_and_seeds_are_refused(goods: object, bids: object, seed: object) -> None:
    with pytest.raises(InvalidInput, match="must be an int"):
        generate("regions", goods, bids, seed)  # type: ignore[arg-type]


def test_unknown_and_bad_parameters_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"unknown parameter 'colour'.*allowed: .*additivity"):
        generate("regions", 10, 10, 1, colour=3)
    with pytest.raises(InvalidInput, match=r"deviation.*\[0, 1\)"):
        generate("regions", 10, 10, 1, deviation=1.5)
    with pytest.raises(InvalidInput, match="an int"):
        generate("paths", 10, 10, 1, max_bid_set_size=2.5)
    with pytest.raises(InvalidInput, match="true or false"):
        generate("L1", 10, 10, 1, remove_dominated=1)
    with pytest.raises(InvalidInput, match="must be a number"):
        generate("L4", 10, 10, 1, alpha=math.nan)
    with pytest.raises(InvalidInput, match="must not exceed"):
        generate("L1", 10, 10, 1, low_fixed=2.0, hi_fixed=1.0)


def test_too_few_goods_for_the_distribution_are_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 8 goods"):
        generate("matching", 7, 10, 1)
    with pytest.raises(InvalidInput, match="at least 3 goods"):
        generate("paths", 2, 10, 1)
    with pytest.raises(InvalidInput, match="at least 5 goods"):
        generate("L3", 4, 10, 1, constant_goods=5)


def test_a_request_the_distribution_cannot_fill_is_refused() -> None:
    # four goods hold only four distinct three-good bundles, so at most four undominated bids
    with pytest.raises(InvalidInput, match="only 4 of the 10 bids"):
        generate("L3", 4, 10, 1, remove_dominated=True)
