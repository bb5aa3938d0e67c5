"""The legacy distributions L1-L7 of the CATS paper (Leyton-Brown, Pearson, Shoham, EC 2000,
section 2, "legacy data distributions").

Each legacy distribution draws every bid on its own: a bundle size from a size distribution, that
many distinct goods uniformly at random, and a price from a price distribution:

======  ============================  =============================================
name    bundle size                   price
======  ============================  =============================================
L1      uniform on [1, goods]         fixed random: uniform on [0, 1]
        (Sandholm "random")
L2      uniform on [1, goods]         linear random: uniform on [0, n] for n goods
        (Sandholm "weighted random")
L3      constant, ``constant_goods``  fixed random: uniform on [0, 1]
        = 3 (Sandholm "uniform")
L4      decay, alpha = 0.55           linear random: uniform on [0, n]
        (Sandholm "decay")
L5      normal, mean 4, sd 1          normal, mean 16, sd 3
        (Boutilier, Goldszmidt, Sabata)
L6      exponential, q = 5            linear random: uniform on [0.5 n, 1.5 n]
        (Fujishima, Leyton-Brown, Shoham)
L7      binomial, p = 0.2             linear random: uniform on [0.5 n, 1.5 n]
        (Fujishima, Leyton-Brown, Shoham)
======  ============================  =============================================

Size distributions as the paper defines them: *decay* starts at one good and adds one more while a
uniform draw is below ``alpha``; *exponential* gives n goods with probability proportional to
``exp(-n / q)``; *binomial* includes each good independently with probability ``p``.

Choices where the paper is silent (ours, documented):

* Every bid is its own bidder (an OR bid), as in the original papers.
* Prices are unitless in the paper; we multiply them by ``price_scale`` (default 100) and round
  to cents, so a fixed-random price lies between 0.01 and 100.00.
* A bid whose price rounds below one cent (or is negative, possible under L5's normal price) is
  discarded and drawn again; so is an empty binomial bundle (L7).
* A normal bundle size (L5) is rounded to the nearest integer and clipped to [1, goods]; decay
  stops at ``goods`` goods.
* Dominated bids are kept by default, as the generators of the original papers made them; with
  ``remove_dominated=True`` a bid is dropped when another bid asks for a subset of its goods at a
  price at least as high (of identical bundles the dearer, or the first, stays) and drawing goes
  on until ``bids`` undominated bids remain (at most ``10 * bids + 1000`` draws). Off by default
  because under L1 almost every large bundle is dominated: at 256 goods, 200,000 draws leave
  about 1,500 undominated bids, so 4,000 could not be had. Removal also skews the bundle sizes
  (under L4 the mean size goes from 2.2 to 3.3 at 256 goods x 4,000 bids, as the 256 distinct
  singletons fill up). The solvers remove dominated bids themselves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from trustmarket.combinatorial.generate_assembly import Bid, cents
from trustmarket.combinatorial.generate_dominance import DominanceFilter
from trustmarket.combinatorial.generate_draws import Draws
from trustmarket.combinatorial.generate_params import Param, Params, positive, probability
from trustmarket.core.errors import InvalidInput

_COMMON = {
    "price_scale": positive(100.0, "money units per unit of the paper's prices"),
    "remove_dominated": Param(False, "drop bids dominated by a subset bid as dear or dearer", bool),
}


def _fixed(low: float, high: float) -> dict[str, Param]:
    return {
        "low_fixed": Param(low, "lowest price (fixed random)", float, 0.0),
        "hi_fixed": Param(high, "highest price (fixed random)", float, 0.0),
    }


def _linear(low: float, high: float) -> dict[str, Param]:
    return {
        "low_linearly": Param(low, "lowest price per good (linear random)", float, 0.0),
        "hi_linearly": Param(high, "highest price per good (linear random)", float, 0.0),
    }


#: Parameters of each legacy distribution, with the paper's values as defaults.
LEGACY_PARAMS: dict[str, dict[str, Param]] = {
    "L1": {**_fixed(0.0, 1.0), **_COMMON},
    "L2": {**_linear(0.0, 1.0), **_COMMON},
    "L3": {
        "constant_goods": Param(3, "goods in every bundle", int, 1),
        **_fixed(0.0, 1.0),
        **_COMMON,
    },
    "L4": {
        "alpha": probability(0.55, "probability of adding one more good (decay)", high_open=True),
        **_linear(0.0, 1.0),
        **_COMMON,
    },
    "L5": {
        "mu_goods": Param(4.0, "mean bundle size (normal)", float, 0.0),
        "sigma_goods": Param(1.0, "standard deviation of the bundle size", float, 0.0),
        "mu_price": Param(16.0, "mean price (normal)", float, 0.0),
        "sigma_price": Param(3.0, "standard deviation of the price", float, 0.0),
        **_COMMON,
    },
    "L6": {
        "q": positive(5.0, "decay constant of the exponential bundle size"),
        **_linear(0.5, 1.5),
        **_COMMON,
    },
    "L7": {
        "p": Param(
            0.2,
            "probability that each good is in a bundle (binomial)",
            float,
            0.0,
            1.0,
            low_open=True,
        ),
        **_linear(0.5, 1.5),
        **_COMMON,
    },
}

LEGACY_DESCRIPTIONS = {
    "L1": "legacy random (Sandholm): uniform size on [1, goods], price uniform on [0, 1]",
    "L2": "legacy weighted random (Sandholm): uniform size, price uniform on [0, size]",
    "L3": "legacy uniform (Sandholm): 3 goods per bid, price uniform on [0, 1]",
    "L4": "legacy decay (Sandholm): decay size with alpha 0.55, price uniform on [0, size]",
    "L5": "legacy normal (Boutilier et al.): size normal(4, 1), price normal(16, 3)",
    "L6": "legacy exponential (Fujishima et al.): size ~ exp(-n/5), price on [0.5, 1.5] x size",
    "L7": "legacy binomial (Fujishima et al.): each good with p 0.2, price on [0.5, 1.5] x size",
}


def legacy_min_goods(name: str, params: Params) -> int:
    return params.i("constant_goods") if name == "L3" else 1


def _check_ranges(name: str, params: Params) -> None:
    for low, high in (("low_fixed", "hi_fixed"), ("low_linearly", "hi_linearly")):
        values = params.as_dict()
        if low in values and params.f(low) > params.f(high):
            raise InvalidInput(
                f"{name}: {low} ({params.f(low):g}) must not exceed {high} ({params.f(high):g})"
            )


def _size_sampler(name: str, goods: int, params: Params, draws: Draws) -> Callable[[], int]:
    if name in ("L1", "L2"):
        return lambda: draws.integer(1, goods)
    if name == "L3":
        constant = params.i("constant_goods")
        return lambda: constant
    if name == "L4":
        alpha = params.f("alpha")

        def decay() -> int:
            size = 1
            while size < goods and draws.uniform() < alpha:
                size += 1
            return size

        return decay
    if name == "L5":
        mu, sigma = params.f("mu_goods"), params.f("sigma_goods")
        rng = draws.rng
        return lambda: min(goods, max(1, round(mu + sigma * float(rng.standard_normal()))))
    if name == "L6":
        q = params.f("q")
        sizes = np.arange(1, goods + 1, dtype=float)
        weights = np.exp(-(sizes - 1.0) / q)  # exp(-n/q), rescaled to avoid underflow
        return lambda: draws.weighted_array(weights) + 1
    raise AssertionError(name)  # L7 draws its bundle directly


def _price_sampler(name: str, params: Params, draws: Draws) -> Callable[[int], float]:
    if name in ("L1", "L3"):
        low, high = params.f("low_fixed"), params.f("hi_fixed")
        return lambda n: draws.between(low, high)
    if name == "L5":
        mu, sigma = params.f("mu_price"), params.f("sigma_price")
        rng = draws.rng
        return lambda n: mu + sigma * float(rng.standard_normal())
    low, high = params.f("low_linearly"), params.f("hi_linearly")
    return lambda n: draws.between(low * n, high * n)


def generate_legacy(
    name: str, rng: np.random.Generator, goods: int, bids: int, params: Params
) -> list[list[Bid]]:
    """Draw ``bids`` bids of legacy distribution ``name`` (L1-L7), each its own bidder.

    See the module docstring for the distributions (paper section 2) and our choices.
    """
    _check_ranges(name, params)
    draws = Draws(rng)
    price_of = _price_sampler(name, params, draws)
    scale = params.f("price_scale")
    if name == "L7":
        p = params.f("p")

        def bundle() -> tuple[int, ...]:
            while True:
                chosen = np.flatnonzero(rng.random(goods) < p)
                if chosen.size:
                    return tuple(chosen.tolist())

    else:
        size_of = _size_sampler(name, goods, params, draws)

        def bundle() -> tuple[int, ...]:
            size = size_of()
            return tuple(sorted(rng.choice(goods, size, replace=False).tolist()))

    dominance = DominanceFilter(goods) if params.b("remove_dominated") else None
    plain: list[Bid] = []
    attempts = 0
    limit = 10 * bids + 1000
    while (dominance.size if dominance is not None else len(plain)) < bids:
        attempts += 1
        if attempts > limit:
            have = dominance.size if dominance is not None else len(plain)
            raise InvalidInput(
                f"{name}: after {limit} draws only {have} of the {bids} bids asked for are "
                "undominated; allowed: more goods, fewer bids, or remove_dominated=False"
            )
        goods_of = bundle()
        price = cents(price_of(len(goods_of)) * scale)
        if price < 1:
            continue
        if dominance is not None:
            dominance.offer(goods_of, price)
        else:
            plain.append((goods_of, price))
    kept = dominance.kept() if dominance is not None else plain
    return [[bid] for bid in kept]
