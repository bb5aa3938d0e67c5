"""Auction engine throughput (issue 3 targets), printed as ratios against the targets.

* 1,000,000 sealed bids across 1,000 first-price sealed-bid auctions, then clearing:
  target >= 200,000 events/s.
* 1,000,000 English bids with proxy maxima across 1,000 auctions, then clearing:
  target >= 50,000 events/s.

Events are generated before the clock starts (the English ones by a dry run that asks each
auction for its minimum bid), so the measured loop is exactly ``engine.apply(event)`` for every
event, bids and closing ticks alike. Peak memory is the process's maximum resident set size,
which includes the pre-generated events.

Run: ``make bench`` or ``python bench/auctions.py [--scale 0.1]``.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from typing import Any

import numpy as np

from trustmarket.auctions import (
    EnglishAuction,
    EnglishConfig,
    FirstPriceSealed,
    RevealDuring,
    Rules,
    SealedConfig,
)
from trustmarket.core.events import Bid, InputEvent, Tick
from trustmarket.core.money import Money

SEALED_TARGET = 200_000
ENGLISH_TARGET = 50_000
CUR = "EUR"
END = 10_000_000


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_apply(engines: list[Any], events: list[tuple[int, InputEvent]]) -> float:
    # The million input events are built before the clock starts; freezing them keeps the
    # cyclic garbage collector from re-scanning the harness's own input on every pass, so the
    # figure measures the engines (a service receives events one at a time, not as a list).
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    for index, event in events:
        engines[index].apply(event)
    elapsed = time.perf_counter() - start
    gc.unfreeze()
    return elapsed


def sealed_bench(auctions: int, bids_per_auction: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    bidders = tuple(f"b{i}" for i in range(bids_per_auction))
    rules = Rules(reveal_during=RevealDuring.NONE)
    engines = [
        FirstPriceSealed(
            SealedConfig(auction_id=f"s{a}", currency=CUR, end=END, participants=bidders), rules
        )
        for a in range(auctions)
    ]
    amounts = rng.integers(100, 1_000_000, size=(bids_per_auction, auctions))
    events: list[tuple[int, InputEvent]] = []
    for k in range(bids_per_auction):
        for a in range(auctions):
            events.append(
                (
                    a,
                    Bid(
                        id=f"s{a}-{k}",
                        time=k,
                        bidder=bidders[k],
                        amount=Money(int(amounts[k, a]), CUR),
                    ),
                )
            )
    events.extend((a, Tick(id=f"close-{a}", time=END)) for a in range(auctions))
    elapsed = timed_apply(engines, events)
    assert all(e.timeline.closed for e in engines)
    return {"events": len(events), "seconds": elapsed, "per_second": len(events) / elapsed}


def english_events(
    auctions: int, bids_per_auction: int, bidders: int, seed: int
) -> list[tuple[int, InputEvent]]:
    """Valid proxy bids made by a dry run: each bid states the minimum and a random maximum."""
    rng = np.random.default_rng(seed)
    names = tuple(f"b{i}" for i in range(bidders))
    dry = [_english(a, names) for a in range(auctions)]
    extras = rng.integers(0, 400, size=(bids_per_auction, auctions))
    picks = rng.integers(0, bidders, size=(bids_per_auction, auctions))
    events: list[tuple[int, InputEvent]] = []
    for k in range(bids_per_auction):
        for a, engine in enumerate(dry):
            bidder = names[int(picks[k, a])]
            if bidder == engine.state.leader:
                bidder = names[(int(picks[k, a]) + 1) % bidders]
            minimum = engine.minimum_bid()
            event = Bid(
                id=f"e{a}-{k}",
                time=k,
                bidder=bidder,
                amount=minimum,
                max_amount=Money(minimum.minor + int(extras[k, a]), CUR),
            )
            engine.apply(event)
            events.append((a, event))
    events.extend((a, Tick(id=f"close-{a}", time=END)) for a in range(auctions))
    return events


def _english(index: int, names: tuple[str, ...]) -> EnglishAuction:
    config = EnglishConfig(
        auction_id=f"en{index}",
        currency=CUR,
        end=END,
        participants=names,
        increment=Money(10, CUR),
        reserve=Money(100, CUR),
    )
    return EnglishAuction(config)


def english_bench(auctions: int, bids_per_auction: int, seed: int) -> dict[str, float]:
    bidders = 50
    events = english_events(auctions, bids_per_auction, bidders, seed)
    names = tuple(f"b{i}" for i in range(bidders))
    engines = [_english(a, names) for a in range(auctions)]
    elapsed = timed_apply(engines, events)
    assert all(e.timeline.closed for e in engines)
    return {"events": len(events), "seconds": elapsed, "per_second": len(events) / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    auctions = 1000
    per_auction = max(1, int(1000 * args.scale))
    print(
        f"python {sys.version.split()[0]}, {auctions} auctions x {per_auction} bids, "
        f"seed {args.seed}"
    )
    sealed = sealed_bench(auctions, per_auction, args.seed)
    print(
        f"sealed bids:  {sealed['events']:>9,} events in {sealed['seconds']:6.2f} s = "
        f"{sealed['per_second']:>9,.0f} events/s; target {SEALED_TARGET:,}/s; "
        f"ratio {sealed['per_second'] / SEALED_TARGET:.2f}x"
    )
    print(f"peak memory after sealed run: {peak_rss_mib():,.0f} MiB")
    english = english_bench(auctions, per_auction, args.seed)
    print(
        f"English bids: {english['events']:>9,} events in {english['seconds']:6.2f} s = "
        f"{english['per_second']:>9,.0f} events/s; target {ENGLISH_TARGET:,}/s; "
        f"ratio {english['per_second'] / ENGLISH_TARGET:.2f}x"
    )
    print(f"peak memory after English run: {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
