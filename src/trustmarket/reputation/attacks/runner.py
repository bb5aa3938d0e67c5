"""The attack bench: every model against every attack, one table of metrics.

:func:`run_bench` plays each attack's seeded scenario (:func:`~.scenario.make_scenario`) against
a fresh instance of each model and scores the run (:func:`~.metrics.evaluate`). The result, a
:class:`BenchTable`, is deterministic: the same arguments and seed give the same table, and it
reports the seed. It writes itself as CSV (:meth:`BenchTable.to_csv`, read back by
:meth:`BenchTable.from_csv`) and as a heatmap PNG of one metric (:meth:`BenchTable.heatmap`);
nothing else here does I/O, and nothing reads a clock.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from trustmarket.core.errors import InvalidReputation
from trustmarket.core.randomness import check_seed
from trustmarket.reputation.attacks.bad_mouthing import BadMouthing
from trustmarket.reputation.attacks.ballot_stuffing import BallotStuffing
from trustmarket.reputation.attacks.collusion import CollusionRing
from trustmarket.reputation.attacks.metrics import evaluate
from trustmarket.reputation.attacks.oscillation import Oscillation
from trustmarket.reputation.attacks.scenario import Attack, NoAttack, check_count, make_scenario
from trustmarket.reputation.attacks.shill import ShillBidding
from trustmarket.reputation.attacks.sybil import SybilAttack
from trustmarket.reputation.attacks.whitewashing import Whitewashing
from trustmarket.reputation.model import ReputationModel
from trustmarket.reputation.models import make_model, model_names

__all__ = [
    "ATTACKS",
    "HIGHER_IS_BETTER",
    "METRICS",
    "BenchResult",
    "BenchTable",
    "ModelSpec",
    "attack_names",
    "make_attack",
    "run_bench",
]

#: Registered attack name -> its class; "none" is the no-attack baseline.
ATTACKS: dict[str, type[Attack]] = {
    cls.name: cls
    for cls in (
        NoAttack,
        BallotStuffing,
        BadMouthing,
        SybilAttack,
        Whitewashing,
        Oscillation,
        CollusionRing,
        ShillBidding,
    )
}

#: The metrics of every result, in table order.
METRICS = ("mae", "tau", "cheater_share", "welfare", "detection")
#: Whether a larger value of the metric is better for the honest side.
HIGHER_IS_BETTER = {
    "mae": False,
    "tau": True,
    "cheater_share": False,
    "welfare": True,
    "detection": False,
}
_COLUMNS = ("model", "attack", *METRICS, "trades", "seed", "rounds", "agents", "day")

#: A model for the bench: a registered name or a function that builds a fresh model.
ModelSpec = str | Callable[[], ReputationModel]


def attack_names() -> tuple[str, ...]:
    """Every registered attack name, the "none" baseline first."""
    return tuple(ATTACKS)


def make_attack(name: str, **parameters: Any) -> Attack:
    """The registered attack ``name`` with its default parameters (or those given)."""
    cls = ATTACKS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise InvalidReputation(f"unknown attack {name!r}; choose one of {', '.join(ATTACKS)}")
    try:
        return cls(**parameters)
    except TypeError as exc:  # a misspelt parameter
        raise InvalidReputation(f"attack {name}: {exc}") from None


@dataclass(frozen=True, slots=True)
class BenchResult:
    """The metrics of one model under one attack (see :mod:`.metrics`); ``None`` where a metric
    is undefined (MAE of a non-probabilistic model, a cheater never detected by half...)."""

    model: str
    attack: str
    mae: float | None
    tau: float | None
    cheater_share: float
    welfare: float
    detection: float | None
    trades: int

    def metric(self, name: str) -> float | None:
        """The value of the metric ``name`` (one of :data:`METRICS`)."""
        if name not in METRICS:
            raise InvalidReputation(f"unknown metric {name!r}; choose one of {', '.join(METRICS)}")
        value: float | None = getattr(self, name)
        return value


@dataclass(frozen=True, slots=True)
class BenchTable:
    """Results per model x attack, with the seed, rounds, agents and day length that produced
    them (``run_bench(models, attacks, seed=..., rounds=..., agents=..., day=...)`` repeats it)."""

    seed: int
    rounds: int
    agents: int
    day: int
    models: tuple[str, ...]
    attacks: tuple[str, ...]
    results: tuple[BenchResult, ...]

    def result(self, model: str, attack: str) -> BenchResult:
        """The result of ``model`` under ``attack``."""
        for item in self.results:
            if item.model == model and item.attack == attack:
                return item
        raise InvalidReputation(
            f"no result for model {model!r} under attack {attack!r}; models: "
            f"{', '.join(self.models)}; attacks: {', '.join(self.attacks)}"
        )

    def matrix(self, metric: str) -> tuple[tuple[float | None, ...], ...]:
        """The metric as a models x attacks matrix (rows in :attr:`models` order, columns in
        :attr:`attacks` order)."""
        return tuple(
            tuple(self.result(m, a).metric(metric) for a in self.attacks) for m in self.models
        )

    def to_rows(self) -> list[dict[str, object]]:
        """One dict per result: model, attack, every metric (``None`` where undefined), trades,
        seed, rounds, agents, day."""
        return [
            {
                "model": r.model,
                "attack": r.attack,
                **{name: r.metric(name) for name in METRICS},
                "trades": r.trades,
                "seed": self.seed,
                "rounds": self.rounds,
                "agents": self.agents,
                "day": self.day,
            }
            for r in self.results
        ]

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_rows` as CSV with a header; an undefined metric is an empty cell and
        floats are written exactly (``repr``), so :meth:`from_csv` reads the same table back."""
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(_COLUMNS)
            for row in self.to_rows():
                writer.writerow([_cell(row[c]) for c in _COLUMNS])

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> BenchTable:
        """Read a table written by :meth:`to_csv`."""
        with open(path, newline="", encoding="utf-8") as source:
            rows = list(csv.DictReader(source))
        if not rows or any(set(_COLUMNS) - set(row) for row in rows):
            raise InvalidReputation(
                f"{path}: expected a bench CSV with columns {', '.join(_COLUMNS)}"
            )
        try:
            results = tuple(
                BenchResult(
                    model=row["model"],
                    attack=row["attack"],
                    mae=_optional(row["mae"]),
                    tau=_optional(row["tau"]),
                    cheater_share=float(row["cheater_share"]),
                    welfare=float(row["welfare"]),
                    detection=_optional(row["detection"]),
                    trades=int(row["trades"]),
                )
                for row in rows
            )
            runs = {
                (int(row["seed"]), int(row["rounds"]), int(row["agents"]), int(row["day"]))
                for row in rows
            }
        except ValueError as exc:
            raise InvalidReputation(f"{path}: a bench CSV cell is not a number: {exc}") from None
        if len(runs) != 1:
            raise InvalidReputation(
                f"{path}: rows come from different runs (seed, rounds, agents, day)"
            )
        ((seed, rounds, agents, day),) = runs
        return cls(
            seed=seed,
            rounds=rounds,
            agents=agents,
            day=day,
            models=tuple(dict.fromkeys(r.model for r in results)),
            attacks=tuple(dict.fromkeys(r.attack for r in results)),
            results=results,
        )

    def heatmap(self, path: str | os.PathLike[str], metric: str = "cheater_share") -> None:
        """Write a PNG heatmap of ``metric`` (models as rows, attacks as columns), each cell
        labelled with its value and green where the value is good for the honest side;
        undefined cells are grey and marked "n/a". Uses matplotlib's Agg renderer (no display)."""
        if metric not in METRICS:
            raise InvalidReputation(
                f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}"
            )
        from matplotlib.figure import Figure  # imported here: only the heatmap needs it

        values = self.matrix(metric)
        data = [[math.nan if v is None else v for v in row] for row in values]
        width = 1.6 + 1.1 * len(self.attacks)
        height = 1.4 + 0.5 * len(self.models)
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.add_subplot()
        axes.set_facecolor("lightgrey")
        colours = "RdYlGn" if HIGHER_IS_BETTER[metric] else "RdYlGn_r"
        image = axes.imshow(data, cmap=colours, aspect="auto")
        axes.set_xticks(range(len(self.attacks)), self.attacks, rotation=30, ha="right")
        axes.set_yticks(range(len(self.models)), self.models)
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                label = "n/a" if value is None else f"{value:.3g}"
                axes.text(j, i, label, ha="center", va="center", fontsize=8)
        axes.set_title(
            f"{metric} (seed {self.seed}, {self.rounds} rounds, {self.agents} agents)", fontsize=9
        )
        figure.colorbar(image, ax=axes)
        figure.savefig(path, format="png", dpi=100)


def _cell(value: object) -> str:
    if value is None:
        return ""
    # repr gives the shortest text that reads back as the same float
    return repr(value) if isinstance(value, float) else str(value)


def _optional(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def _models(models: Sequence[ModelSpec] | None) -> list[tuple[str, Callable[[], ReputationModel]]]:
    specs: Sequence[ModelSpec] = model_names() if models is None else models
    if isinstance(specs, str) or not specs:
        raise InvalidReputation(
            "models must be a non-empty list of model names or factories; registered names: "
            f"{', '.join(model_names())}"
        )
    out: list[tuple[str, Callable[[], ReputationModel]]] = []
    for spec in specs:
        if isinstance(spec, str):
            make_model(spec)  # an unknown name fails here, with the allowed ones

            def factory(spec: str = spec) -> ReputationModel:
                return make_model(spec)

            out.append((spec, factory))
        elif callable(spec):
            built = spec()
            if not isinstance(built, ReputationModel):
                raise InvalidReputation(
                    f"a model factory must return a ReputationModel, got {type(built).__name__}"
                )
            out.append((built.name, spec))
        else:
            raise InvalidReputation(
                f"a model is a registered name or a factory, got {type(spec).__name__}; "
                f"registered names: {', '.join(model_names())}"
            )
    labels = [label for label, _ in out]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise InvalidReputation(f"model {', '.join(twice)} given more than once")
    return out


def _attacks(attacks: Sequence[str | Attack] | None) -> list[Attack]:
    specs: Sequence[str | Attack] = attack_names() if attacks is None else attacks
    if isinstance(specs, str) or not specs:
        raise InvalidReputation(
            f"attacks must be a non-empty list of attack names; choose from {', '.join(ATTACKS)}"
        )
    out = [spec if isinstance(spec, Attack) else make_attack(spec) for spec in specs]
    names = [a.name for a in out]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InvalidReputation(f"attack {', '.join(twice)} given more than once")
    return out


#: Most trades per bench scenario, most market participants, and most of their product: the
#: market draws a random number per round and seller up front (16 bytes each with the sort), so
#: the product bounds memory; a run at either limit peaks at about 1.6 GB.
MAX_ROUNDS = 1_000_000
MAX_AGENTS = 100_000
MAX_ROUNDS_X_AGENTS = 100_000_000


def check_bench_size(rounds: int, agents: int) -> None:
    """Refuse, before any work, a bench too large to run in memory (the limits above)."""
    for value, what, low, high in (
        (rounds, "rounds", 1, MAX_ROUNDS),
        (agents, "agents", 10, MAX_AGENTS),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            shown = f"{value:,}" if isinstance(value, int) else repr(value)
            raise InvalidReputation(
                f"{what} must be a whole number from {low} to {high:,}, got {shown}"
            )
    if rounds * agents > MAX_ROUNDS_X_AGENTS:
        raise InvalidReputation(
            f"rounds x agents must be at most {MAX_ROUNDS_X_AGENTS:,} (the market draws every "
            f"round's candidates up front), got {rounds:,} x {agents:,} = {rounds * agents:,}"
        )


def run_bench(
    models: Sequence[ModelSpec] | None = None,
    attacks: Sequence[str | Attack] | None = None,
    *,
    seed: int = 0,
    rounds: int = 1000,
    agents: int = 100,
    day: int = 25,
) -> BenchTable:
    """Score every model under every attack.

    Parameters
    ----------
    models:
        Registered model names (:func:`~trustmarket.reputation.models.model_names`) or
        functions that build a fresh model; default every registered model.
    attacks:
        Attack names (:func:`attack_names`, the "none" baseline first) or :class:`Attack`
        instances with chosen parameters; default every registered attack.
    seed:
        The scenarios' seed (an int >= 0): the population, the market draws and the attacks'
        choices all come from it, so the same seed gives the same table.
    rounds:
        Market trades per run (>= 1).
    agents:
        Market participants per run (>= 10): half buyers, half sellers of which a fifth are
        cheaters; attacks' fake identities come on top.
    day:
        Rounds between two publications of the scores (>= 1): feedback reaches the models, and
        the metrics look at the scores, once a day.

    Returns
    -------
    BenchTable
        One :class:`BenchResult` per model x attack, models in the order given.

    Raises
    ------
    InvalidReputation
        An unknown model or attack, a duplicate, rounds or agents outside
        :func:`check_bench_size`'s limits, day < 1.
    InvalidInput
        A negative or non-integer seed.
    """
    check_seed(seed)
    check_bench_size(rounds, agents)
    check_count(day, "day (rounds between publications of the scores)")
    chosen_models = _models(models)
    chosen_attacks = _attacks(attacks)
    scenarios = [
        make_scenario(attack, agents=agents, rounds=rounds, seed=seed, day=day)
        for attack in chosen_attacks
    ]
    results = []
    for label, factory in chosen_models:
        for scenario in scenarios:
            model = factory()
            played = list(scenario.play(model))
            metrics = evaluate(
                played, probabilistic=model.properties.probabilistic, surplus=scenario.surplus
            )
            results.append(
                BenchResult(
                    model=label,
                    attack=scenario.attack.name,
                    mae=metrics.mae,
                    tau=metrics.tau,
                    cheater_share=metrics.cheater_share,
                    welfare=metrics.welfare,
                    detection=metrics.detection,
                    trades=metrics.trades,
                )
            )
    return BenchTable(
        seed=seed,
        rounds=rounds,
        agents=agents,
        day=day,
        models=tuple(label for label, _ in chosen_models),
        attacks=tuple(a.name for a in chosen_attacks),
        results=tuple(results),
    )
