"""Seeded winner-determination instances in the spirit of the Combinatorial Auction Test Suite.

``generate(distribution, goods, bids, seed, **params)`` builds a single-unit
:class:`~trustmarket.combinatorial.instance.Instance` after the distributions of Leyton-Brown,
Pearson and Shoham, "Towards a universal test suite for combinatorial auction algorithms" (ACM EC
2000): the five domain distributions of its section 4 (``paths``, ``regions``, ``arbitrary``,
``matching``, ``scheduling``) and the legacy distributions L1-L7 of its section 2. Each is built
from the paper's prose (the original CATS program's code is neither copied nor consulted), with
the paper's parameter values as defaults; a keyword argument overrides a parameter by name. The
modules ``generate_<family>.py`` document every choice made where the paper is vague.

The result always has exactly ``goods`` goods named ``"0"``..``"goods-1"`` and exactly ``bids``
bids with ids ``"0"``..``"bids-1"``, prices in cents (``decimals=2``), bundles of distinct goods.
The bids of one bidder that exclude each other form one XOR group named by the bidder's lowest
bid id, exactly what :func:`~trustmarket.combinatorial.cats.parse_cats` reads back from
:func:`~trustmarket.combinatorial.cats.format_cats`. Randomness comes only from
``numpy.random.default_rng(seed)``: the same arguments give the same instance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType

import numpy as np

from trustmarket.combinatorial.generate_assembly import Bid, assemble
from trustmarket.combinatorial.generate_legacy import (
    LEGACY_DESCRIPTIONS,
    LEGACY_PARAMS,
    generate_legacy,
    legacy_min_goods,
)
from trustmarket.combinatorial.generate_matching import MATCHING_PARAMS, generate_matching
from trustmarket.combinatorial.generate_params import Param, Params, resolve_params
from trustmarket.combinatorial.generate_paths import PATHS_PARAMS, generate_paths
from trustmarket.combinatorial.generate_regions import (
    ARBITRARY_PARAMS,
    REGIONS_PARAMS,
    generate_arbitrary,
    generate_regions,
)
from trustmarket.combinatorial.generate_scheduling import SCHEDULING_PARAMS, generate_scheduling
from trustmarket.combinatorial.instance import Instance
from trustmarket.core.errors import InvalidInput

#: Largest number of goods and of bids a generator accepts (the arbitrary distribution keeps a
#: goods x goods matrix; the paths network an all-pairs distance table).
MAX_GOODS = 4096
MAX_BIDS = 1_000_000

Builder = Callable[[np.random.Generator, int, int, Params], Iterable[list[Bid]]]


@dataclass(frozen=True)
class _Distribution:
    description: str
    params: Mapping[str, Param]
    min_goods: Callable[[Params], int]
    build: Builder


def _fixed(n: int) -> Callable[[Params], int]:
    return lambda params: n


_DISTRIBUTIONS: dict[str, _Distribution] = {
    "arbitrary": _Distribution(
        "goods related by random degrees of complementarity; XOR substitutes (section 4.3)",
        ARBITRARY_PARAMS,
        _fixed(1),
        generate_arbitrary,
    ),
    "matching": _Distribution(
        "airport take-off and landing slot pairs at four airports; XOR times (section 4.4)",
        MATCHING_PARAMS,
        _fixed(8),
        generate_matching,
    ),
    "paths": _Distribution(
        "routes between two cities in a transport network; XOR routes (section 4.1)",
        PATHS_PARAMS,
        _fixed(3),
        generate_paths,
    ),
    "regions": _Distribution(
        "connected regions of a planar map; XOR substitutes (section 4.2)",
        REGIONS_PARAMS,
        _fixed(1),
        generate_regions,
    ),
    "scheduling": _Distribution(
        "consecutive machine time slots for a job before its deadlines; XOR starts (section 4.5)",
        SCHEDULING_PARAMS,
        _fixed(1),
        generate_scheduling,
    ),
}
for _name, _params in LEGACY_PARAMS.items():
    _DISTRIBUTIONS[_name] = _Distribution(
        LEGACY_DESCRIPTIONS[_name],
        _params,
        partial(legacy_min_goods, _name),
        partial(generate_legacy, _name),
    )

#: Distribution name -> a one-line description.
DISTRIBUTIONS: Mapping[str, str] = MappingProxyType(
    {name: spec.description for name, spec in _DISTRIBUTIONS.items()}
)


def parameters(distribution: str) -> dict[str, Param]:
    """The parameters of a distribution with their defaults, ranges and meaning."""
    return dict(_lookup(distribution).params)


def _lookup(distribution: object) -> _Distribution:
    if not isinstance(distribution, str) or distribution not in _DISTRIBUTIONS:
        raise InvalidInput(
            f"unknown distribution {distribution!r}; allowed: {', '.join(_DISTRIBUTIONS)}"
        )
    return _DISTRIBUTIONS[distribution]


def _whole(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{name} must be an int from {low} to {high}, got {value!r}")
    return value


def check_request(
    distribution: object, goods: object, bids: object, seed: object, params: Mapping[str, object]
) -> Params:
    """Check every argument of :func:`generate` before any work; returns the resolved params."""
    spec = _lookup(distribution)
    assert isinstance(distribution, str)
    _whole("goods", goods, 1, MAX_GOODS)
    _whole("bids", bids, 1, MAX_BIDS)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInput(f"seed must be an int >= 0, got {seed!r}")
    resolved = resolve_params(distribution, spec.params, params)
    least = spec.min_goods(resolved)
    assert isinstance(goods, int)
    if goods < least:
        raise InvalidInput(
            f"distribution {distribution!r} needs at least {least} goods with these parameters, "
            f"got {goods}"
        )
    return resolved


def generate(distribution: str, goods: int, bids: int, seed: int, **params: object) -> Instance:
    """A seeded instance of ``distribution`` with exactly ``goods`` goods and ``bids`` bids.

    Parameters
    ----------
    distribution
        One of :data:`DISTRIBUTIONS`: ``arbitrary``, ``matching``, ``paths``, ``regions``,
        ``scheduling`` (paper section 4) or ``L1``..``L7`` (paper section 2).
    goods, bids
        Positive ints (at most 4,096 goods and 1,000,000 bids); some distributions need a few
        goods (paths 3, matching 8, L3 ``constant_goods``).
    seed
        An int >= 0 for ``numpy.random.default_rng``.
    **params
        Overrides of the distribution's parameters by name (see :func:`parameters`).

    Raises
    ------
    InvalidInput
        For an unknown distribution or parameter, a value out of range, or a request the
        distribution cannot fill (e.g. more undominated L3 bids than distinct bundles).
    """
    resolved = check_request(distribution, goods, bids, seed, params)
    spec = _DISTRIBUTIONS[distribution]
    rng = np.random.default_rng(seed)
    bidders = spec.build(rng, goods, bids, resolved)
    return assemble(goods, bids, bidders, what=distribution)
