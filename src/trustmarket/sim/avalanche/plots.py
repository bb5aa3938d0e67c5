"""The AVALANCHE figures from our runs: the paper's figures 3 to 6 and the shares per regime."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from trustmarket.sim.plotting import save_figure
from trustmarket.sim.scenario import RunResult
from trustmarket.sim.stats import confidence_interval

__all__ = ["plot_avalanche"]

GOOD_COLOURS = {"wood": "#8c564b", "boards": "#ff7f0e", "furniture": "#1f77b4"}
PAPER_SHARES = {"cheater-none": 0.57, "cheater-decentralized": 0.11, "cheater-central": 0.10}


def _first(results: Sequence[RunResult], label: str) -> RunResult | None:
    runs = [r for r in results if r.label == label]
    return min(runs, key=lambda r: r.seed) if runs else None


def _prices(run: RunResult, directory: Path) -> list[Path]:
    trades = run.tables["trades"]
    figure = Figure(figsize=(8, 4.5))
    ax = figure.add_subplot()
    for good, colour in GOOD_COLOURS.items():
        rows = trades[trades["good"] == good]
        ax.scatter(rows["step"], rows["price"] / 100, s=4, color=colour, label=good, alpha=0.6)
    ax.set_xlabel("step")
    ax.set_ylabel("price")
    ax.set_title(f"Prices along the chain, one dot per trade ({run.label}, seed {run.seed})")
    ax.legend(markerscale=3)
    return save_figure(figure, directory, "prices")


def _wealth(run: RunResult, directory: Path, name: str) -> list[Path]:
    agents = run.tables["agents"]
    figure = Figure(figsize=(8, 4.5))
    ax = figure.add_subplot()
    cheaters = {f"C{i + 1}" for i in range(int(run.params.get("cheaters", 0)))}
    for agent, rows in agents.groupby("agent", sort=True):
        cheater = agent in cheaters
        ax.plot(
            rows["step"],
            rows["wealth"] / 100,
            linewidth=2.4 if cheater else 1.0,
            color="#d62728" if cheater else None,
            label=f"{agent} (cheater)" if cheater else str(agent),
        )
    ax.set_xlabel("step")
    ax.set_ylabel("wealth")
    ax.set_title(f"Wealth per agent ({run.label}, seed {run.seed})")
    ax.legend(ncol=3, fontsize="small")
    return save_figure(figure, directory, name)


def _shares(results: Sequence[RunResult], directory: Path) -> list[Path]:
    labels = [
        label
        for label in dict.fromkeys(r.label for r in results)
        if any(
            not np.isnan(r.metrics.get("cheater_share", np.nan))
            for r in results
            if r.label == label
        )
    ]
    if not labels:
        return []
    figure = Figure(figsize=(max(7.0, 1.6 * len(labels)), 4.2))
    ax = figure.add_subplot()
    means, errors = [], []
    for label in labels:
        mean, low, high = confidence_interval(
            [r.metrics["cheater_share"] for r in results if r.label == label]
        )
        means.append(mean * 100)
        errors.append(0.0 if np.isnan(low) else (high - low) * 50)
    x = np.arange(len(labels))
    ax.bar(x, means, yerr=errors, capsize=6, color="#9ecae1", label="trustmarket (95% CI)")
    marked = [(i, PAPER_SHARES[label]) for i, label in enumerate(labels) if label in PAPER_SHARES]
    if marked:
        ax.scatter(
            [i for i, _ in marked],
            [v * 100 for _, v in marked],
            color="#d62728",
            zorder=3,
            label="paper",
            marker="D",
        )
    ax.axhline(100 / 3, color="grey", linestyle=":", label="a fair third")
    ax.set_xticks(x, [label.removeprefix("cheater-") for label in labels], fontsize="small")
    ax.set_ylabel("cheater's share of carpenters' trades (%)")
    ax.set_title("The cheating carpenter's share of trades")
    ax.legend()
    return save_figure(figure, directory, "cheater-share")


def _share_over_time(results: Sequence[RunResult], directory: Path) -> list[Path]:
    figure = Figure(figsize=(8, 4.5))
    ax = figure.add_subplot()
    drawn = False
    for label in PAPER_SHARES:
        runs = [r for r in results if r.label == label]
        if not runs:
            continue
        curves = []
        for r in runs:
            trades = r.tables["trades"]
            firm = trades[(trades["buyer"] != "consumer")]
            firm = firm[firm["seller"].str.startswith("C") | firm["buyer"].str.startswith("C")]
            per_step = firm.groupby("step")["cheater"].agg(["sum", "count"])
            per_step = per_step.reindex(range(1, r.steps + 1), fill_value=0)
            cum = per_step["sum"].cumsum() / per_step["count"].cumsum().replace(0, np.nan)
            curves.append(cum.to_numpy(dtype=float))
        with warnings.catch_warnings():  # steps before any carpenter traded have no share
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(np.vstack(curves), axis=0) * 100
        ax.plot(np.arange(1, len(mean) + 1), mean, label=label.removeprefix("cheater-"))
        drawn = True
    if not drawn:
        return []
    ax.set_xlabel("step")
    ax.set_ylabel("cheater's share so far (%)")
    ax.set_title("The cheater's cumulative share of trades, mean over seeds")
    ax.legend()
    return save_figure(figure, directory, "cheater-share-over-time")


def plot_avalanche(results: Sequence[RunResult], directory: Path) -> list[Path]:
    """Every figure the runs allow: prices (figure 3), wealth (figures 4 and 6), the shares."""
    paths: list[Path] = []
    reference = _first(results, "reference-50") or (results[0] if results else None)
    if reference is not None:
        paths += _prices(reference, directory)
    for label, name in (
        ("cooperative-3", "wealth-cooperative"),
        ("cheater-none", "wealth-cheater-none"),
        ("cheater-decentralized", "wealth-cheater-decentralized"),
        ("cheater-central", "wealth-cheater-central"),
    ):
        run = _first(results, label)
        if run is not None:
            paths += _wealth(run, directory, name)
    if not any(r.label in PAPER_SHARES for r in results) and results:
        first = results[0]
        if int(first.params.get("agents_per_type", 0)) <= 10:
            paths += _wealth(first, directory, "wealth")
    paths += _shares(results, directory)
    paths += _share_over_time(results, directory)
    return paths
