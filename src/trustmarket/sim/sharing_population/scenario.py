"""The sharing-population scenario: runs, metrics, the paper's settings and the comparison.

Simmons, "Mechanism Design for Cooperation in Cybersecurity", section B.4 (the two printed
matrices, without and with incentives), B.5 (their equilibria as the paper states them) and
B.6 (the claim that the incentives make cooperation the equilibrium); B.1-B.3 (the exchange's
contribution-based rewards, SPEC section 7). The paper has no population and no dynamics: our
runs put its one-shot game into a population of companies that imitate the more successful
(replicator dynamics) and report where the population goes, which is what "cooperation
emerges" means here. Equilibria are computed by :mod:`trustmarket.analysis` (vertex
enumeration), the least incentive rates by
:class:`trustmarket.analysis.incentives.SharingGame`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from trustmarket.sim.params import build
from trustmarket.sim.plotting import save_figure
from trustmarket.sim.scenario import Comparison, Experiment, RunResult, Scenario
from trustmarket.sim.sharing_population.model import ROLES, SharingPopulation
from trustmarket.sim.sharing_population.setting import (
    PopulationGame,
    SharingParams,
    describe_equilibria,
    population_game,
)
from trustmarket.sim.stats import estimate, format_estimate

__all__ = ["SCENARIO", "mean_gap", "metrics", "run"]

NAME = "sharing"
#: A population has "lost" sharing below this share of sharers and "taken it up" above 1 - it.
EXTINCT = 0.05


def run(params: SharingParams, seed: int, steps: int) -> RunResult:
    """One run: ``steps`` steps of play and imitation from the seed (see :mod:`.model`), with
    the replicator map and ODE from the same initial share beside the agent-based shares."""
    game = population_game(params)
    model = SharingPopulation(
        game,
        params.companies,
        params.initial_share,
        mutation=params.mutation,
        record_agents=params.record_agents,
        seed=seed,
    )
    for _ in range(steps):
        model.step()
    population = model.population_table()
    start = round(params.initial_share * params.companies) / params.companies
    discrete = game.replicator_map(start, start, steps, params.mutation)
    continuous = game.replicator_ode(start, start, steps, params.mutation)
    role = population["role"].map({name: k for k, name in enumerate(ROLES)}).to_numpy()
    step = population["step"].to_numpy()
    population["replicator_share"] = discrete[step, role]
    population["ode_share"] = continuous[step, role]
    tables = {"population": population}
    if params.record_agents:
        tables["companies"] = model.agent_table()
    return RunResult.of(NAME, params, seed, steps, tables, metrics(population, game))


def _first_step(steps: np.ndarray, hit: np.ndarray) -> float:
    return float(steps[np.argmax(hit)]) if hit.any() else math.nan


def metrics(population: pd.DataFrame, game: PopulationGame) -> dict[str, float]:
    """Per-run numbers: final shares of sharers (overall = mean of the two equal roles), the
    first step the overall share is below 5% / above 95% (NaN if never), mean payoffs per
    company (of the last step, of all steps, and of the last step net of the incentives paid),
    the largest gap to the replicator map, and the game's facts (incentives, least rates,
    equilibria)."""
    first, second = (population[population["role"] == role] for role in ROLES)

    def column(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        one = first[name].to_numpy(dtype=float)
        two = second[name].to_numpy(dtype=float)
        return one, two, (one + two) / 2

    steps = first["step"].to_numpy()
    share_1, share_2, share = column("share")
    replicator = column("replicator_share")[2]
    payoff = column("mean_payoff")[2]
    out: dict[str, float] = {
        "final_share": float(share[-1]),
        "final_share_1": float(share_1[-1]),
        "final_share_2": float(share_2[-1]),
        "peak_share_2": float(share_2.max()),
        "steps_below_5pct": _first_step(steps, share < EXTINCT),
        "steps_above_95pct": _first_step(steps, share > 1 - EXTINCT),
        "final_payoff": float(payoff[-1]),
        "mean_payoff": float(np.nanmean(payoff[1:])) if len(payoff) > 1 else math.nan,
        "replicator_final_share": float(replicator[-1]),
        "ode_final_share": float(column("ode_share")[2][-1]),
        "max_gap_replicator": float(np.max(np.abs(share - replicator))),
        "sharing_equilibrium": float(game.sharing_is_equilibrium),
        "sharing_unique": float(game.sharing_is_unique),
        "equilibria": float(len(game.equilibria)),
    }
    if not math.isnan(game.incentive[0]) and len(steps) > 1:
        out["incentive_1"], out["incentive_2"] = game.incentive
        # The rewards are transfers from the exchange: net of them, what sharing itself earns.
        paid = share_1[-2] * game.incentive[0] + share_2[-2] * game.incentive[1]
        out["final_payoff_net"] = float(payoff[-1] - paid / 2)
    if not math.isnan(game.rate):
        out["incentive_rate"] = game.rate
        names = ("least_rate_equilibrium", "least_rate_unique", "least_rate_risk_dominance")
        out.update(zip(names, game.least_rates, strict=True))
    return out


# -- the paper's settings ------------------------------------------------------------------
EXPERIMENTS = (
    Experiment("matrix-1", {"payoffs": "matrix-1"}),
    Experiment("matrix-2", {"payoffs": "matrix-2"}, steps=600),
    Experiment("paper-incentive", {"incentive_rate": 0.2, "ledger": True}),
    Experiment("above-least", {"incentive": "unique"}),
    Experiment("below-least", {"incentive": "unique", "incentive_margin": -0.05}),
    Experiment("exchange", {"payoffs": "exchange", "severity": "low", "ledger": True}),
    Experiment("stag-hunt", {"synergy": 0.6}),
    Experiment("stag-hunt-incentive", {"synergy": 0.6, "incentive": "risk-dominance"}),
)


# -- comparison ----------------------------------------------------------------------------
def _runs(results: Sequence[RunResult], label: str) -> list[RunResult]:
    return [r for r in results if r.label == label]


def _game(results: Sequence[RunResult], label: str) -> tuple[SharingParams, PopulationGame]:
    params = build(SharingParams, _runs(results, label)[0].params)
    return params, population_game(params)


def _bounds(summary: pd.DataFrame, label: str, metric: str) -> tuple[float, float]:
    mean, low, high = estimate(summary, label, metric)
    return (mean, mean) if math.isnan(low) else (low, high)


def _dies(summary: pd.DataFrame, label: str) -> bool:
    return _bounds(summary, label, "final_share")[1] < EXTINCT


def _takes_over(summary: pd.DataFrame, label: str) -> bool:
    return _bounds(summary, label, "final_share")[0] > 1 - EXTINCT


def _outcome(summary: pd.DataFrame, results: Sequence[RunResult], label: str) -> str:
    runs = _runs(results, label)
    share = format_estimate(summary, label, "final_share", percent=True)
    text = f"sharers after {runs[0].steps} steps: {share}"
    for metric, words in (("steps_below_5pct", "below 5%"), ("steps_above_95pct", "above 95%")):
        reached = sum(not math.isnan(r.metrics.get(metric, math.nan)) for r in runs)
        if reached:
            text += f"; {words} after {format_estimate(summary, label, metric, digits=1)} steps"
            if reached < len(runs):
                text += f" (in the {reached} of {len(runs)} runs that got there)"
    return text


def _threshold(game: PopulationGame) -> float:
    """The share of sharers among companies 1 above which companies 2 prefer to share
    (the root of g_2), NaN when g_2 keeps its sign."""
    g0, g1 = game.gains(0.0, 0.0)[1], game.gains(1.0, 0.0)[1]
    return g0 / (g0 - g1) if g0 * g1 < 0 else math.nan


def _dominated(game: PopulationGame) -> bool:
    """Withholding strictly dominates sharing for company 1."""
    a = game.a
    return a[1][0] > a[0][0] and a[1][1] > a[0][1]


def _mixed_share(game: PopulationGame) -> float:
    for e in game.equilibria.equilibria:
        p = float(e.row[0])
        if 0 < p < 1:
            return p
    return math.nan


def _matrix_rows(summary: pd.DataFrame, results: Sequence[RunResult]) -> list[Comparison]:
    rows: list[Comparison] = []
    if _runs(results, "matrix-1"):
        _, game = _game(results, "matrix-1")
        note = (
            "withholding strictly dominates sharing (4 > 3.5, 1 > 0.5): the printed matrix is a "
            "prisoner's dilemma, not the stag hunt the text describes (see stag-hunt)"
            if _dominated(game)
            else ""
        )
        rows.append(
            Comparison(
                NAME,
                "B.5, matrix 1 (no incentives): Nash equilibria",
                "three: (C, C), (D, D) and a mixed one",
                describe_equilibria(game.equilibria),
                len(game.equilibria) == 3 and game.sharing_is_equilibrium,
                note,
            )
        )
        rows.append(
            Comparison(
                NAME,
                "B.5, matrix 1: sharing in a population without incentives",
                "no clear incentive to share; cooperation is not assured",
                _outcome(summary, results, "matrix-1"),
                _dies(summary, "matrix-1"),
                "imitation from 50% sharers; nothing holds sharing up, (C, C) is no equilibrium",
            )
        )
    if _runs(results, "matrix-2"):
        _, game = _game(results, "matrix-2")
        threshold = _threshold(game)
        note = (
            "company 1's withholding strictly dominates (4 > 3.9, 1 > 0.9)"
            if _dominated(game)
            else ""
        )
        if not math.isnan(threshold):
            note += f"; company 2 prefers sharing only while over {threshold:.1%} of companies 1 do"
        rows.append(
            Comparison(
                NAME,
                "B.5, matrix 2 (with incentives): Nash equilibria",
                "(C, C) only: both companies share",
                describe_equilibria(game.equilibria),
                game.sharing_is_unique,
                note,
            )
        )
        peak = format_estimate(summary, "matrix-2", "peak_share_2", percent=True)
        first = format_estimate(summary, "matrix-2", "final_share_1", percent=True)
        second = format_estimate(summary, "matrix-2", "final_share_2", percent=True)
        rows.append(
            Comparison(
                NAME,
                "B.6, matrix 2: cooperation emerges in a population",
                "with the incentives both companies share",
                _outcome(summary, results, "matrix-2")
                + f" (company 1: {first}, company 2: {second})",
                _takes_over(summary, "matrix-2"),
                f"companies 2 first take up sharing (peak {peak}), then follow companies 1 into "
                "withholding once too few of them share",
            )
        )
    return rows


def _incentive_rows(summary: pd.DataFrame, results: Sequence[RunResult]) -> list[Comparison]:
    rows: list[Comparison] = []
    if _runs(results, "paper-incentive"):
        params, game = _game(results, "paper-incentive")
        a = game.a
        rows.append(
            Comparison(
                NAME,
                f"B.4-B.6, the text's incentive (rate {params.incentive_rate:g} of own knowledge, "
                f"ledger risk {params.ledger_risk:g}) in SharingGame(k = (3, 3))",
                "(C, C): sharing is in both companies' interest",
                f"{describe_equilibria(game.equilibria)}; "
                + _outcome(summary, results, "paper-incentive"),
                game.sharing_is_unique and _takes_over(summary, "paper-incentive"),
                f"the game is A = [[{a[0][0]:g}, {a[0][1]:g}], [{a[1][0]:g}, {a[1][1]:g}]], "
                "sharing strictly dominant; the printed matrix 2 is not this game",
            )
        )
    least = ""
    if _runs(results, "above-least"):
        _, game = _game(results, "above-least")
        least = f"rate > {game.least_rates[1]:.4g} (risk 0.5 / knowledge 3)"
    if _runs(results, "paper-incentive"):
        params, game = _game(results, "paper-incentive")
        least += (", " if least else "") + (
            f"rate > {game.least_rates[1]:.4g} with the ledger's risk {params.ledger_risk:g}"
        )
    if least:
        rows.append(
            Comparison(
                NAME,
                "Least incentive rate making (C, C) the unique equilibrium (matrix 1's game)",
                "not given (the paper picks 0.2 with the ledger's risk 0.3)",
                least,
                None,
                "every rate above it makes sharing strictly dominant for both companies",
            )
        )
    for label, sign in (("above-least", "+"), ("below-least", "-")):
        if not _runs(results, label):
            continue
        params, game = _game(results, label)
        above = sign == "+"
        rows.append(
            Comparison(
                NAME,
                f"Least rate {sign} {abs(params.incentive_margin):g} (rate {game.rate:.4g}): "
                "sharing in a population",
                "incentives make sharing the equilibrium"
                if above
                else "- (the paper gives no threshold)",
                f"{describe_equilibria(game.equilibria)}; " + _outcome(summary, results, label),
                _takes_over(summary, label) if above else None,
                ""
                if above
                else "below the least rate withholding is dominant and sharing "
                "dies out: the threshold is sharp",
            )
        )
    if _runs(results, "exchange"):
        params, game = _game(results, "exchange")
        rows.append(
            Comparison(
                NAME,
                f"B.1-B.3, the exchange's rewards ({params.tier_1} {game.incentive[0]:.2f}, "
                f"{params.tier_2} {game.incentive[1]:.2f} payoff units per {params.severity}-"
                f"severity {params.scope} report"
                + (f", ledger risk {params.ledger_risk:g})" if params.ledger else ")"),
                "contribution-based rewards make sharing incentive-compatible",
                f"{describe_equilibria(game.equilibria)}; "
                + _outcome(summary, results, "exchange"),
                game.sharing_is_unique and _takes_over(summary, "exchange"),
            )
        )
    return rows


def _stag_hunt_rows(summary: pd.DataFrame, results: Sequence[RunResult]) -> list[Comparison]:
    rows: list[Comparison] = []
    if _runs(results, "stag-hunt"):
        params, game = _game(results, "stag-hunt")
        mixed = _mixed_share(game)
        rows.append(
            Comparison(
                NAME,
                f"B.5-B.6, the stag hunt the text describes (synergy {params.synergy:g}, no "
                "incentive)",
                "three equilibria, (C, C), (D, D) and a mixed one: indecision",
                f"{describe_equilibria(game.equilibria)}; "
                + _outcome(summary, results, "stag-hunt"),
                len(game.equilibria) == 3 and game.sharing_is_equilibrium,
                f"from {params.initial_share:.0%} sharers, below the mixed equilibrium's "
                f"{mixed:.1%} (the basin boundary), the population goes to (D, D)",
            )
        )
    if _runs(results, "stag-hunt-incentive"):
        params, game = _game(results, "stag-hunt-incentive")
        mixed = _mixed_share(game)
        rows.append(
            Comparison(
                NAME,
                f"B.6, the same stag hunt at the least risk-dominance rate + "
                f"{params.incentive_margin:g} (rate {game.rate:.4g})",
                "with incentives the equilibrium shifts to consistent cooperation",
                f"{describe_equilibria(game.equilibria)}; "
                + _outcome(summary, results, "stag-hunt-incentive"),
                _takes_over(summary, "stag-hunt-incentive"),
                f"(D, D) stays an equilibrium, but (C, C) risk-dominates and its basin now "
                f"starts at {mixed:.1%} sharers",
            )
        )
    return rows


def mean_gap(results: Sequence[RunResult], label: str) -> float:
    """The largest gap over the steps between the share of sharers averaged over the runs of
    ``label`` and the replicator map (both roles together)."""
    frame = pd.concat([r.tables["population"] for r in _runs(results, label)], ignore_index=True)
    by_step = frame.groupby("step")[["share", "replicator_share"]].mean()
    return float((by_step["share"] - by_step["replicator_share"]).abs().max())


def _cross_check(summary: pd.DataFrame, results: Sequence[RunResult]) -> list[Comparison]:
    labels = list(dict.fromkeys(r.label for r in results))
    if not labels:
        return []
    gaps = {label: mean_gap(results, label) for label in labels}
    worst = max(gaps, key=lambda k: gaps[k])
    companies = build(SharingParams, _runs(results, worst)[0].params).companies
    runs = len(_runs(results, worst))
    return [
        Comparison(
            NAME,
            "Agent-based share vs the replicator map (largest gap over the steps)",
            "- (the paper has no dynamics)",
            f"mean of {runs} runs: {gaps[worst]:.1%} ({worst}, the worst setting); single runs: "
            + format_estimate(summary, worst, "max_gap_replicator", percent=True),
            None,
            f"{companies} companies per role: single runs wander by the sampling noise of "
            "imitation, which shrinks as 1/sqrt(companies)",
        )
    ]


def compare(summary: pd.DataFrame, results: Sequence[RunResult]) -> list[Comparison]:
    """One row per claim of section B (and the exchange of section B.1-B.3) that runs in
    ``results`` speak to; ``agrees`` is computed from the game and the runs."""
    return [
        *_matrix_rows(summary, results),
        *_incentive_rows(summary, results),
        *_stag_hunt_rows(summary, results),
        *_cross_check(summary, results),
    ]


# -- plots ---------------------------------------------------------------------------------
def _band(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Mean of ``column`` over seeds per step with its 95% t interval."""
    grouped = frame.groupby("step")[column]
    out = pd.DataFrame({"mean": grouped.mean(), "sd": grouped.std(ddof=1), "n": grouped.count()})
    t = stats.t.ppf(0.975, np.maximum(out["n"].to_numpy() - 1, 1))
    half = np.where(out["n"] > 1, t * out["sd"].fillna(0.0) / np.sqrt(out["n"]), 0.0)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out


def _grid(count: int) -> tuple[Figure, list[object]]:
    cols = 2 if count > 1 else 1
    rows = math.ceil(count / cols)
    height = 2.8 * rows
    figure = Figure(figsize=(6 * cols, height))
    # Fixed margins: a constrained layout measures every label again and doubles the time.
    figure.subplots_adjust(
        left=0.07, right=0.98, top=1 - 0.45 / height, bottom=0.5 / height, hspace=0.55
    )
    axes = figure.subplots(rows, cols, squeeze=False).ravel().tolist()
    for extra in axes[count:]:
        extra.set_visible(False)
    return figure, axes


def plot(results: Sequence[RunResult], directory: Path) -> list[Path]:
    """``share_of_sharers``: per setting and role, the agent-based share of sharers (mean over
    seeds, 95% band) and the replicator ODE; ``payoff_per_step``: the mean payoff per company."""
    directory.mkdir(parents=True, exist_ok=True)
    labels = list(dict.fromkeys(r.label for r in results))
    frames = {
        label: pd.concat(
            [r.tables["population"].assign(seed=r.seed) for r in _runs(results, label)],
            ignore_index=True,
        )
        for label in labels
    }
    colours = {ROLES[0]: "tab:blue", ROLES[1]: "tab:orange"}
    paths: list[Path] = []
    figure, axes = _grid(len(labels))
    for ax, label in zip(axes, labels, strict=False):
        frame = frames[label]
        for role, colour in colours.items():
            part = frame[frame["role"] == role]
            band = _band(part, "share")
            ax.fill_between(band.index, band["low"], band["high"], color=colour, alpha=0.25)  # type: ignore[attr-defined]
            ax.plot(band.index, band["mean"], color=colour, label=f"{role} (agents)")  # type: ignore[attr-defined]
            ode = part.groupby("step")["ode_share"].first()
            ax.plot(ode.index, ode.to_numpy(), color=colour, ls="--", lw=1, label=f"{role} (ODE)")  # type: ignore[attr-defined]
        ax.set_title(label)  # type: ignore[attr-defined]
        ax.set_ylim(-0.02, 1.02)  # type: ignore[attr-defined]
        ax.set_xlabel("step")  # type: ignore[attr-defined]
        ax.set_ylabel("share of sharers")  # type: ignore[attr-defined]
    axes[0].legend(fontsize="small")  # type: ignore[attr-defined]
    paths += save_figure(figure, directory, tight=False, dpi=120, name="share_of_sharers")
    figure, axes = _grid(len(labels))
    for ax, label in zip(axes, labels, strict=False):
        frame = frames[label]
        overall = frame.groupby(["seed", "step"])["mean_payoff"].mean().reset_index()
        band = _band(overall.dropna(), "mean_payoff")
        ax.fill_between(band.index, band["low"], band["high"], color="tab:green", alpha=0.25)  # type: ignore[attr-defined]
        ax.plot(band.index, band["mean"], color="tab:green")  # type: ignore[attr-defined]
        ax.set_title(label)  # type: ignore[attr-defined]
        ax.set_xlabel("step")  # type: ignore[attr-defined]
        ax.set_ylabel("mean payoff per company")  # type: ignore[attr-defined]
    paths += save_figure(figure, directory, tight=False, dpi=120, name="payoff_per_step")
    return paths


SCENARIO = Scenario(
    name=NAME,
    title="The sharing game in a population (Simmons)",
    paper=(
        'A. Simmons, "Mechanism Design for Cooperation in Cybersecurity", sections B.1-B.6 '
        "(the printed matrices of B.4, the equilibria of B.5, the claim of B.6)"
    ),
    params=SharingParams,
    run=run,
    default_steps=150,
    experiments=EXPERIMENTS,
    compare=compare,
    plot=plot,
    default_seeds=20,
    description=(
        "Two roles of companies (company 1, the row player, and company 2) are matched at "
        "random every step and play the 2x2 sharing game once: the paper's printed matrix 1 "
        "or 2, the SharingGame of the analysis tools at a knowledge, risk and incentive rate "
        "(given, or the least rate for (C, C) to be an equilibrium, the unique or the "
        "risk-dominant one, plus a margin), or the game the sharing exchange's rewards induce. "
        "Each company then copies a random peer of its role with probability proportional to "
        "how much more the peer earned (pairwise proportional imitation), whose mean dynamics "
        "is the replicator equation, integrated alongside. Without incentives (both printed "
        "matrices: withholding is dominant for company 1) sharing dies out; above the least "
        "incentive rate, or with the exchange's rewards, it takes over."
    ),
)
