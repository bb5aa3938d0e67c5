"""Reputation at market scale (issue targets: >= 100,000 updates/s for the incremental models,
EigenTrust to convergence under 5 s), measured in one run.

Input: ``--records`` feedback records (default 1,000,000) over ``--agents`` agents (default
100,000), seeded: each record has a rater and a different subject drawn uniformly, a rating
(80% positive, 10% neutral, 10% negative), three attribute scores on 0 to 5 consistent with the
rating, a value and a time. The records are built before any clock starts.

For every registered model: the update rate (``model.update(f)`` one by one, checks included)
against the 100,000/s target, and the time of 1,000 score lookups afterwards. EigenTrust: the
time of the power iteration to convergence (tolerance 1e-10) from the state after all updates,
against the 5 s target; baseline in the same run, networkx's PageRank with the same
personalisation (EigenTrust with pre-trust weight a is PageRank with damping 1 - a on the
positive local trust), its time and the ratio, and the largest difference between the vectors.

Run: ``make bench`` or ``python bench/reputation.py [--records 1000000] [--agents 100000]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

import numpy as np

from trustmarket.reputation import Feedback
from trustmarket.reputation.models import make_model, model_names
from trustmarket.reputation.models.eigentrust import EigenTrustModel

UPDATE_TARGET = 100_000.0
EIGENTRUST_TARGET = 5.0
PRETRUSTED = 10


def build_records(records: int, agents: int, seed: int) -> list[Feedback]:
    rng = np.random.default_rng(seed)
    raters = rng.integers(0, agents, records)
    subjects = (raters + rng.integers(1, agents, records)) % agents
    ratings = rng.choice([1, 0, -1], size=records, p=[0.8, 0.1, 0.1])
    values = rng.integers(100, 200_000, records)
    # A small shared pool of attribute vectors per rating keeps a million records compact.
    pools = {
        1: [tuple(float(x) for x in rng.integers(3, 6, 3)) for _ in range(64)],
        0: [tuple(float(x) for x in rng.integers(2, 4, 3)) for _ in range(64)],
        -1: [tuple(float(x) for x in rng.integers(0, 2, 3)) for _ in range(64)],
    }
    picks = rng.integers(0, 64, records)
    names = [f"a{k}" for k in range(agents)]
    return [
        Feedback(
            transaction=f"t{k}",
            rater=names[rater],
            subject=names[subject],
            rating=rating,
            time=k,
            value=value,
            attributes=pools[rating][pick],
        )
        for k, (rater, subject, rating, value, pick) in enumerate(
            zip(
                raters.tolist(),
                subjects.tolist(),
                ratings.tolist(),
                values.tolist(),
                picks.tolist(),
                strict=True,
            )
        )
    ]


def parameters(name: str, agents: int) -> dict[str, object]:
    if name == "eigentrust":
        return {"pretrusted": [f"a{k}" for k in range(PRETRUSTED)]}
    return {}


def bench_updates(records: list[Feedback], agents: int) -> dict[str, EigenTrustModel]:
    print(f"{'model':<14} {'updates/s':>12} {'vs target':>10} {'1000 scores':>12}")
    kept: dict[str, EigenTrustModel] = {}
    probe = [f"a{k}" for k in range(0, agents, max(1, agents // 1000))][:1000]
    for name in model_names():
        model = make_model(name, **parameters(name, agents))
        update = model.update
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        for feedback in records:
            update(feedback)
        elapsed = time.perf_counter() - start
        gc.enable()
        rate = len(records) / elapsed
        if isinstance(model, EigenTrustModel):
            kept[name] = model
            scores = "(see below)"
        else:
            start = time.perf_counter()
            for subject in probe:
                model.score(subject)
            scores = f"{(time.perf_counter() - start) * 1000:.1f} ms"
        verdict = "met" if rate >= UPDATE_TARGET else "MISSED"
        print(f"{name:<14} {rate:>12,.0f} {rate / UPDATE_TARGET:>9.2f}x {scores:>12}  {verdict}")
        del model
    return kept


def bench_eigentrust(model: EigenTrustModel, agents: int) -> None:
    import networkx as nx

    start = time.perf_counter()
    solved = model.solve()
    ours = time.perf_counter() - start
    verdict = "met" if ours < EIGENTRUST_TARGET else "MISSED"
    print(
        f"\nEigenTrust to convergence: {ours:.2f} s ({solved.iterations} iterations, L1 change "
        f"{solved.residual:.1e}; target {EIGENTRUST_TARGET:g} s: {verdict})"
    )
    local = solved.local.tocoo()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(solved.agents)))
    graph.add_weighted_edges_from(
        zip(local.row.tolist(), local.col.tolist(), local.data.tolist(), strict=True)
    )
    personalization = dict.fromkeys(range(PRETRUSTED), 1.0 / PRETRUSTED)
    start = time.perf_counter()
    theirs = nx.pagerank(
        graph,
        alpha=1.0 - model.pretrust_weight,
        personalization=personalization,
        dangling=personalization,
        tol=1e-12,
        max_iter=1000,
    )
    baseline = time.perf_counter() - start
    vector = np.array([theirs[k] for k in range(len(solved.agents))])
    gap = float(np.abs(vector - solved.trust).max())
    print(
        f"baseline networkx.pagerank (same graph, built beforehand): {baseline:.2f} s; "
        f"ratio baseline / ours {baseline / ours:.1f}x; largest difference {gap:.1e}"
    )
    if gap > 1e-6:
        sys.exit(f"EigenTrust and PageRank disagree by {gap:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    records = build_records(args.records, args.agents, args.seed)
    print(
        f"{len(records):,} feedback records over {args.agents:,} agents (seed {args.seed}), "
        f"built in {time.perf_counter() - start:.1f} s\n"
    )
    kept = bench_updates(records, args.agents)
    if "eigentrust" in kept:
        bench_eigentrust(kept["eigentrust"], args.agents)


if __name__ == "__main__":
    main()
