"""``trustmarket reputation``: score feedback under any model, list the models, run the attack
bench (SPEC section 4, docs/reputation.md).

Model parameters are given as ``--set name=value`` (repeatable): numbers, ``true``/``false``,
``none``, or text; a value with commas is a list (``--set pretrusted=ann,bo``). A parameter that
takes a collection (eigentrust's ``pretrusted``) always gets a list of text items, so one item
needs no comma (``--set pretrusted=ann``) and an empty value is the empty list.
"""

from __future__ import annotations

import collections.abc
import inspect
import typing
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustmarket.cli.common import (
    JsonFlag,
    check_output_file,
    console,
    print_json,
    reports_errors,
)
from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation import AttributeScale, ReputationModel
from trustmarket.reputation.attacks import HIGHER_IS_BETTER, METRICS, attack_names, run_bench
from trustmarket.reputation.attacks.runner import MAX_AGENTS, MAX_ROUNDS, check_bench_size
from trustmarket.reputation.feedback_csv import read_feedback_csv
from trustmarket.reputation.models import MODEL_MODULES, make_model, model_class, model_names
from trustmarket.reputation.models.accumulative import star_level

ATTACK_LIST = ", ".join(attack_names())
FORMATS = {"welfare": ",.0f", "detection": ".1f"}

reputation_app = typer.Typer(
    help="Reputation models: score feedback, list the models, run the attack bench.",
    no_args_is_help=True,
)


def parse_setting(text: str, list_parameters: Collection[str] = ()) -> tuple[str, Any]:
    """``name=value`` with the value read as a number, boolean, none, list or text; a parameter
    named in ``list_parameters`` always gets a list of the comma-separated text items."""
    name, sep, raw = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name.isidentifier():
        raise InvalidReputation(f"--set takes name=value (such as alpha=0.3), got {text!r}")
    if name in list_parameters:
        return name, _items(raw)
    return name, _value(raw.strip())


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


_COLLECTION_ORIGINS = (
    collections.abc.Iterable,
    collections.abc.Collection,
    collections.abc.Sequence,
    collections.abc.Set,
    list,
    tuple,
    set,
    frozenset,
)


def collection_parameters(cls: type[ReputationModel]) -> frozenset[str]:
    """The constructor parameters of ``cls`` that take a collection (of agent ids, say): by
    their annotation, or by a collection default when the annotation cannot be resolved."""
    parameters = inspect.signature(cls.__init__).parameters
    try:
        hints = typing.get_type_hints(cls.__init__)
    except (NameError, TypeError):  # an annotation naming what only type checkers import
        hints = {}
    found = set()
    for name, parameter in parameters.items():
        hint = hints.get(name)
        by_hint = (typing.get_origin(hint) or hint) in _COLLECTION_ORIGINS
        by_default = hint is None and isinstance(parameter.default, list | tuple | set | frozenset)
        if by_hint or by_default:
            found.add(name)
    return frozenset(found)


def _value(raw: str) -> Any:
    if "," in raw:
        return _items(raw)
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def build_model(
    name: str, settings: list[str], scale: AttributeScale | None = None
) -> tuple[ReputationModel, dict[str, Any]]:
    """The registered model ``name`` with the ``--set`` parameters, checked against its
    constructor so that a misspelt parameter is an error that lists the allowed ones. A model
    that reads attributes gets the feedback file's attribute ``scale``."""
    cls = model_class(name)
    lists = collection_parameters(cls)
    parameters = dict(parse_setting(text, lists) for text in settings)
    if "scale" in parameters:
        raise InvalidReputation("the attribute scale comes from the feedback file's columns")
    try:
        built = dict(parameters)
        if scale is not None and cls.properties.uses_attributes:
            built["scale"] = scale
        return make_model(name, **built), parameters
    except TypeError as exc:  # a value of the wrong kind the model did not check itself
        raise InvalidReputation(f"model {name}: {exc}") from None


ModelOption = Annotated[
    str, typer.Option("--model", "-m", help=f"One of: {', '.join(MODEL_MODULES)}.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="A model parameter as name=value (repeatable)."),
]


@reputation_app.command("score")
@reports_errors
def score(
    feedback: Annotated[Path, typer.Argument(help="Feedback CSV (docs/reputation.md).")],
    model: ModelOption = "beta",
    setting: SetOption = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Score as this agent sees it (personal views).")
    ] = None,
    explain: Annotated[
        str | None, typer.Option("--explain", help="Also explain this subject's score.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Score every rated agent of a feedback file under one model."""
    records, scale = read_feedback_csv(feedback)
    instance, parameters = build_model(model, setting or [], scale)
    instance.update_many(records)
    scores = instance.scores(by)
    explanation = instance.explain(explain, by) if explain is not None else None
    if json_output:
        print_json(
            {
                "model": instance.name,
                "parameters": parameters,
                "by": by,
                "feedback": len(records),
                "scores": scores,
                "explanation": None if explanation is None else explanation.to_json(),
            }
        )
        return
    received: dict[str, int] = {}
    for record in records:
        received[record.subject] = received.get(record.subject, 0) + 1
    table = Table(
        title=f"{instance.name} scores of {len(scores)} agents from {len(records)} feedback"
        + (f", as {by} sees them" if by else "")
    )
    table.add_column("agent")
    table.add_column("score", justify="right")
    table.add_column("feedback received", justify="right")
    if instance.name == "accumulative":
        table.add_column("star level")
    for subject, value in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        row = [subject, f"{value:.4f}", str(received.get(subject, 0))]
        if instance.name == "accumulative":
            row.append(star_level(value).name)
        table.add_row(*row)
    out = console()
    out.print(table)
    if explanation is not None:
        out.print(f"[bold]{explanation.subject}[/]: {explanation.formula}")
        detail = Table(title="contributions (most influential first)")
        for column in ("rater", "transaction", "rating", "weight", "note"):
            detail.add_column(column)
        for c in explanation.contributions[:20]:
            detail.add_row(c.rater, c.transaction, f"{c.rating:.4g}", f"{c.weight:.4g}", c.note)
        out.print(detail)


@reputation_app.command("models")
@reports_errors
def models(json_output: JsonFlag = False) -> None:
    """List the models with their properties and parameters."""
    rows: list[dict[str, Any]] = []
    for name in model_names():
        cls = model_class(name)
        signature = inspect.signature(cls.__init__)
        rows.append(
            {
                "name": name,
                "probabilistic": cls.properties.probabilistic,
                "personal_view": cls.properties.personal_view,
                "uses_attributes": cls.properties.uses_attributes,
                "global": cls.properties.global_,
                "parameters": {
                    p.name: None if p.default is inspect.Parameter.empty else repr(p.default)
                    for p in signature.parameters.values()
                    if p.name != "self"
                },
                "source": cls.properties.source,
            }
        )
    if json_output:
        print_json({"models": rows})
        return
    table = Table(title="reputation models")
    for column in ("name", "probability", "personal", "attributes", "global", "parameters"):
        table.add_column(column, overflow="fold")
    flags = ("probabilistic", "personal_view", "uses_attributes", "global")
    for row in rows:
        parameters: dict[str, str | None] = row["parameters"]
        shown = ", ".join(f"{k}={v}" for k, v in parameters.items() if k != "scale")
        table.add_row(str(row["name"]), *("yes" if row[key] else "" for key in flags), shown)
    console(wide=True).print(table)


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [name.strip() for name in text.split(",") if name.strip()]


@reputation_app.command("bench")
@reports_errors
def bench(
    models: Annotated[
        str | None, typer.Option("--models", help="Comma-separated model names (default all).")
    ] = None,
    attacks: Annotated[
        str | None,
        typer.Option("--attacks", help=f"Comma-separated attacks (default all): {ATTACK_LIST}."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the market.")] = 0,
    rounds: Annotated[
        int, typer.Option("--rounds", help=f"Trades per scenario (1 to {MAX_ROUNDS:,}).")
    ] = 1000,
    agents: Annotated[
        int, typer.Option("--agents", help=f"Buyers and sellers (10 to {MAX_AGENTS:,}).")
    ] = 100,
    csv_path: Annotated[
        Path, typer.Option("--csv", help="Where to write the table as CSV.")
    ] = Path("reputation-bench.csv"),
    heatmap: Annotated[
        Path, typer.Option("--heatmap", help="Where to write the heatmap PNG.")
    ] = Path("reputation-bench.png"),
    metric: Annotated[
        str, typer.Option("--metric", help=f"Metric of the heatmap: {', '.join(METRICS)}.")
    ] = "cheater_share",
    json_output: JsonFlag = False,
) -> None:
    """The attack bench: every model under every attack, as tables, a CSV and a heatmap."""
    if metric not in METRICS:
        raise InvalidReputation(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    check_output_file(csv_path, "--csv")
    check_output_file(heatmap, "--heatmap")
    check_bench_size(rounds, agents)
    table = run_bench(_names(models), _names(attacks), seed=seed, rounds=rounds, agents=agents)
    table.to_csv(csv_path)
    table.heatmap(heatmap, metric=metric)
    if json_output:
        print_json(
            {
                "seed": table.seed,
                "rounds": table.rounds,
                "agents": table.agents,
                "csv": str(csv_path),
                "heatmap": str(heatmap),
                "results": table.to_rows(),
            }
        )
        return
    out = console(wide=True)
    for name in METRICS:
        better = "higher" if HIGHER_IS_BETTER[name] else "lower"
        grid = Table(title=f"{name} ({better} is better for the honest side), seed {table.seed}")
        grid.add_column("model")
        for attack in table.attacks:
            grid.add_column(attack, justify="right")
        for model, row in zip(table.models, table.matrix(name), strict=True):
            shown = ("n/a" if v is None else format(v, FORMATS.get(name, ".3f")) for v in row)
            grid.add_row(model, *shown)
        out.print(grid)
    out.print(f"wrote {csv_path} and {heatmap} ({metric})")
