"""Incremental removal of dominated OR bids, for the legacy distributions.

Bid ``a`` dominates bid ``b`` when ``a`` asks for a subset of ``b``'s goods at a price at least as
high: any allocation that accepts ``b`` can accept ``a`` instead and lose nothing, so ``b`` is
never needed. Between OR bids (no XOR groups) this holds whoever placed them. CATS removes such
bids (Leyton-Brown, Pearson, Shoham 2000); the legacy generators keep drawing until the asked
number of undominated bids is in hand.

Sets of bids are Python integers used as bitsets over the bids' insertion order, with one bitset
per good and per bundle size, so both subset tests take a few big-integer operations per new bid.
"""

from __future__ import annotations

from trustmarket.combinatorial.generate_assembly import Bid


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class DominanceFilter:
    """Bids kept so far, none dominated by another; :meth:`offer` adds one if it is not."""

    def __init__(self, goods: int) -> None:
        self.goods = goods
        self._bundles: list[tuple[int, ...]] = []
        self._prices: list[int] = []
        self._by_good = [0] * goods
        self._by_size = [0] * (goods + 1)
        self._alive = 0
        self.size = 0

    def offer(self, bundle: tuple[int, ...], price: int) -> bool:
        """Add this bid unless a kept bid dominates it; drop the kept bids it dominates."""
        members = set(bundle)
        size = len(bundle)
        small_enough = 0
        for s in range(1, min(size, len(self._by_size) - 1) + 1):
            small_enough |= self._by_size[s]
        touching = 0
        for g in bundle:
            touching |= self._by_good[g]
        candidates = touching & small_enough & self._alive
        if candidates.bit_count() <= self.goods - size:
            subsets = [k for k in _bits(candidates) if members.issuperset(self._bundles[k])]
        else:
            outside = 0
            for g in range(self.goods):
                if g not in members:
                    outside |= self._by_good[g]
            subsets = _bits(candidates & ~outside)
        if any(self._prices[k] >= price for k in subsets):
            return False
        supersets = self._alive
        for g in bundle:
            supersets &= self._by_good[g]
        for k in _bits(supersets):
            if self._prices[k] <= price:
                self._alive &= ~(1 << k)
                self.size -= 1
        k = len(self._bundles)
        self._bundles.append(bundle)
        self._prices.append(price)
        bit = 1 << k
        for g in bundle:
            self._by_good[g] |= bit
        self._by_size[len(bundle)] |= bit
        self._alive |= bit
        self.size += 1
        return True

    def kept(self) -> list[Bid]:
        """The undominated bids in the order they were offered."""
        return [(self._bundles[k], self._prices[k]) for k in _bits(self._alive)]
