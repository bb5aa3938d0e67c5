"""``trustmarket sim``: list the scenarios, run one, reproduce the papers (SPEC section 8,
docs/sim.md).

Parameters are ``--param name=value`` (repeatable); ``name=v1,v2`` sweeps over the values. Runs
go to local worker processes (``--workers``, default one per core) or to a Ray cluster with
``--ray ADDRESS`` (``auto``, ``local``, ``host:port``); the results are identical for the same
seeds either way. A progress bar shows on a terminal.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from trustmarket.cli.common import (
    JsonFlag,
    check_output_directory,
    console,
    print_json,
    reports_errors,
)
from trustmarket.sim.params import describe, parse_assignments
from trustmarket.sim.registry import SCENARIO_NAMES, all_scenarios, get_scenario

if TYPE_CHECKING:
    from trustmarket.sim.report import ScenarioReport

sim_app = typer.Typer(
    help="The market simulator: the papers' experiments and your own sweeps.",
    no_args_is_help=True,
)

ParamOption = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="name=value, or name=v1,v2 for a sweep (repeatable)."),
]
SeedsOption = Annotated[
    int | None, typer.Option("--seeds", help="Seeds per setting (default: the scenario's, 20).")
]
FirstSeedOption = Annotated[int, typer.Option("--first-seed", help="The first seed.")]
StepsOption = Annotated[
    int | None, typer.Option("--steps", help="Steps per run (default: each experiment's).")
]
WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", help="Local worker processes (default one per core; 0: none)."),
]
RayOption = Annotated[
    str | None,
    typer.Option("--ray", help="Run on a Ray cluster: auto, local, host:port or ray://host:port."),
]
FormatOption = Annotated[str, typer.Option("--format", help="Data files: csv or parquet.")]


def _command_line() -> str:
    return "trustmarket " + " ".join(shlex.quote(a) for a in sys.argv[1:])


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on a terminal (``update(done, total)``), nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=console(),
        auto_refresh=False,  # no refresh thread: worker processes can then be forked safely
    )
    task = bar.add_task("runs", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)
        bar.refresh()

    with bar:
        yield update


def _report_json(report: ScenarioReport) -> dict[str, Any]:
    return {
        "scenario": report.scenario.name,
        "directory": str(report.directory),
        "report": str(report.directory / "report.md"),
        "comparisons": [
            {
                "figure": c.figure,
                "paper": c.paper,
                "ours": c.ours,
                "agrees": c.agrees,
                "note": c.note,
            }
            for c in report.comparisons
        ],
        "summary": report.summary.to_dict(orient="records"),
    }


def _print_comparisons(reports: list[ScenarioReport]) -> None:
    out = console(wide=True)
    table = Table(title="Paper vs trustmarket")
    for column in ("scenario", "figure", "paper", "trustmarket (95% CI)", "agrees"):
        table.add_column(column)
    for report in reports:
        for c in report.comparisons:
            verdict = {True: "yes", False: "[red]no[/red]", None: "-"}[c.agrees]
            table.add_row(report.scenario.name, c.figure, c.paper, c.ours, verdict)
    out.print(table)
    for report in reports:
        out.print(f"wrote {report.directory / 'report.md'}")


@sim_app.command("list")
@reports_errors
def list_scenarios(json_output: JsonFlag = False) -> None:
    """The scenarios, their experiments and their parameters."""
    if json_output:
        print_json(
            [
                {
                    "name": s.name,
                    "title": s.title,
                    "paper": s.paper,
                    "default_steps": s.default_steps,
                    "default_seeds": s.default_seeds,
                    "experiments": [e.label for e in s.experiments],
                    "parameters": [p.__dict__ for p in describe(s.params)],
                }
                for s in all_scenarios().values()
            ]
        )
        return
    out = console(wide=True)
    for s in all_scenarios().values():
        table = Table(
            title=f"{s.name}: {s.title}",
            caption=f"experiments: {', '.join(e.label for e in s.experiments)}",
        )
        for column in ("parameter", "default", "allowed", "meaning"):
            table.add_column(column)
        for p in describe(s.params):
            table.add_row(p.name, str(p.default), p.allowed, p.help)
        out.print(table)


@sim_app.command("run")
@reports_errors
def run(
    scenario: Annotated[str, typer.Argument(help=f"One of: {', '.join(SCENARIO_NAMES)}.")],
    param: ParamOption = None,
    experiment: Annotated[
        list[str] | None,
        typer.Option("--experiment", "-e", help="Run only this experiment (repeatable)."),
    ] = None,
    seeds: SeedsOption = None,
    first_seed: FirstSeedOption = 0,
    steps: StepsOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default sim-out/SCENARIO).")
    ] = None,
    data_format: FormatOption = "csv",
    workers: WorkersOption = None,
    ray: RayOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Run a scenario's paper experiments (or some, with your parameters) and write the data,
    plots and a report with our figures beside the paper's."""
    # Imported here: pandas and the models are only needed once something runs.
    from trustmarket.sim.report import check_format
    from trustmarket.sim.runner import plan, run_plan
    from trustmarket.sim.sweep import connect_ray

    chosen = get_scenario(scenario)
    check_format(data_format)
    if out is not None:
        check_output_directory(out, "--out")
    the_plan = plan(
        chosen,
        experiments=experiment,
        grid=parse_assignments(param or []),
        seeds=seeds,
        first_seed=first_seed,
        steps=steps,
    )
    if ray is not None:
        connect_ray(ray)  # an unreachable cluster is an error before any run
    directory = out or Path("sim-out") / chosen.name
    with _progress(not json_output) as update:
        report = run_plan(
            the_plan,
            directory,
            fmt=data_format,
            workers=workers,
            ray=ray,
            progress=update,
            command=_command_line(),
        )
    if json_output:
        print_json(_report_json(report))
        return
    _print_comparisons([report])


@sim_app.command("reproduce")
@reports_errors
def reproduce(
    seeds: SeedsOption = None,
    first_seed: FirstSeedOption = 0,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path(
        "sim-out/reproduce"
    ),
    data_format: FormatOption = "csv",
    workers: WorkersOption = None,
    ray: RayOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Run every scenario with the papers' settings and write one report whose first table
    is "paper vs trustmarket"."""
    from trustmarket.sim.report import check_format, write_combined_report
    from trustmarket.sim.runner import plan, run_plan
    from trustmarket.sim.sweep import connect_ray

    check_format(data_format)
    check_output_directory(out, "--out")
    plans = [plan(s, seeds=seeds, first_seed=first_seed) for s in all_scenarios().values()]
    if ray is not None:
        connect_ray(ray)
    reports = []
    with _progress(not json_output) as update:
        for the_plan in plans:
            reports.append(
                run_plan(
                    the_plan,
                    out / the_plan.scenario.name,
                    fmt=data_format,
                    workers=workers,
                    ray=ray,
                    progress=update,
                    command=_command_line(),
                )
            )
    combined = write_combined_report(reports, out, command=_command_line())
    if json_output:
        print_json({"report": str(combined), "scenarios": [_report_json(r) for r in reports]})
        return
    _print_comparisons(reports)
    console().print(f"wrote {combined}")
