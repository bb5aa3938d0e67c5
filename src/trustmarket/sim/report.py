"""Writing a sweep's data, plots and Markdown report to a directory.

Layout of one scenario's output directory::

    report.md          paper vs trustmarket, the summary per setting, the plots
    summary.csv        label, metric, mean, low, high, n (95% confidence intervals over seeds)
    data/<table>.csv   every run's tidy table, with columns label and seed in front
    plots/<name>.png   and .svg, drawn by the scenario

``trustmarket sim reproduce`` writes one such directory per scenario under its output
directory and a ``report.md`` there whose first table puts every number the papers give beside
ours.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trustmarket.core.errors import InvalidSimulation
from trustmarket.sim.scenario import Comparison, RunResult, Scenario
from trustmarket.sim.stats import summarise

__all__ = ["ScenarioReport", "write_combined_report", "write_scenario_report"]

FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class ScenarioReport:
    """What :func:`write_scenario_report` wrote and found."""

    scenario: Scenario
    directory: Path
    summary: pd.DataFrame
    comparisons: list[Comparison]
    files: list[Path]


def check_format(fmt: str) -> str:
    """``csv`` or ``parquet`` (which needs pyarrow); :class:`InvalidSimulation` otherwise."""
    if fmt not in FORMATS:
        raise InvalidSimulation(f"the data format must be csv or parquet, got {fmt!r}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InvalidSimulation(
                "Parquet output needs pyarrow: pip install 'trustmarket[parquet]'"
            ) from None
    return fmt


def tidy_tables(results: Sequence[RunResult]) -> dict[str, pd.DataFrame]:
    """Each table name's rows from every run, with ``label`` and ``seed`` columns in front."""
    frames: dict[str, list[pd.DataFrame]] = {}
    for result in results:
        for name, table in result.tables.items():
            frame = table.copy()
            frame.insert(0, "seed", result.seed)
            frame.insert(0, "label", result.label)
            frames.setdefault(name, []).append(frame)
    return {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}


def _cell(value: object) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _verdict(agrees: bool | None) -> str:
    return {True: "yes", False: "no", None: "-"}[agrees]


def comparison_table(comparisons: Sequence[Comparison], *, with_scenario: bool = False) -> str:
    """The "paper vs trustmarket" table."""
    header = ["figure", "paper", "trustmarket (95% CI)", "agrees", "note"]
    if with_scenario:
        header.insert(0, "scenario")
    rows = []
    for c in comparisons:
        row: list[object] = [c.figure, c.paper, c.ours, _verdict(c.agrees), c.note]
        if with_scenario:
            row.insert(0, c.scenario)
        rows.append(row)
    return markdown_table(header, rows)


def _number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.4g}"


def summary_table(summary: pd.DataFrame) -> str:
    """The summary as Markdown: one row per setting and metric."""
    rows = [
        [
            row["label"],
            row["metric"],
            _number(float(row["mean"])),
            f"[{_number(float(row['low']))}, {_number(float(row['high']))}]",
            row["n"],
        ]
        for row in summary.to_dict(orient="records")
    ]
    return markdown_table(["setting", "metric", "mean", "95% CI", "runs"], rows)


def _write_frame(frame: pd.DataFrame, path: Path, fmt: str) -> Path:
    target = path.with_suffix(f".{fmt}")
    if fmt == "parquet":
        frame.to_parquet(target, index=False)
    else:
        frame.to_csv(target, index=False)
    return target


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def write_scenario_report(
    scenario: Scenario,
    results: Sequence[RunResult],
    directory: Path,
    *,
    fmt: str = "csv",
    command: str = "",
    comparisons: list[Comparison] | None = None,
) -> ScenarioReport:
    """Write ``results`` of ``scenario`` to ``directory`` (created if missing). The comparison
    with the paper is ``scenario.compare`` of the summary unless ``comparisons`` is given."""
    check_format(fmt)
    if not results:
        raise InvalidSimulation("there are no runs to report")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "data").mkdir(exist_ok=True)
    (directory / "plots").mkdir(exist_ok=True)
    files: list[Path] = []
    for name, frame in tidy_tables(results).items():
        files.append(_write_frame(frame, directory / "data" / name, fmt))
    summary = summarise(results)
    summary_path = directory / "summary.csv"
    summary.to_csv(summary_path, index=False)
    files.append(summary_path)
    if comparisons is None:
        comparisons = scenario.compare(summary, results)
    plots = scenario.plot(results, directory / "plots")
    files.extend(plots)
    seeds = sorted({r.seed for r in results})
    labels = list(dict.fromkeys(r.label for r in results))
    steps = sorted({r.steps for r in results})
    lines = [
        f"# {scenario.title}",
        "",
        f"Source: {scenario.paper}.",
        "",
        f"Settings: {', '.join(labels)}; {len(seeds)} seeds ({seeds[0]} to {seeds[-1]}); "
        f"steps: {', '.join(map(str, steps))}.",
    ]
    if command:
        lines += ["", f"Command: `{command}`"]
    lines += ["", "## Paper vs trustmarket", "", comparison_table(comparisons)]
    lines += ["## Summary over seeds", "", summary_table(summary)]
    pngs = [p for p in plots if p.suffix == ".png"]
    if pngs:
        lines += ["## Plots", ""]
        lines += [f"![{p.stem}]({_relative(p, directory)})\n" for p in pngs]
    report = directory / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    files.append(report)
    return ScenarioReport(scenario, directory, summary, comparisons, files)


def write_combined_report(
    reports: Sequence[ScenarioReport], directory: Path, *, command: str = ""
) -> Path:
    """The ``sim reproduce`` report: every comparison first, then each scenario's summary and
    plots (linked from the scenario's own directory)."""
    comparisons = [c for r in reports for c in r.comparisons]
    lines = ["# trustmarket reproduces the papers", ""]
    if command:
        lines += [f"Command: `{command}`", ""]
    lines += ["## Paper vs trustmarket", "", comparison_table(comparisons, with_scenario=True)]
    for report in reports:
        lines += [
            f"## {report.scenario.title}",
            "",
            f"Source: {report.scenario.paper}. Data and plots: "
            f"[{_relative(report.directory, directory)}/]"
            f"({_relative(report.directory / 'report.md', directory)}).",
            "",
            summary_table(report.summary),
        ]
        for plot in report.files:
            if plot.suffix == ".png":
                lines.append(f"![{plot.stem}]({_relative(plot, directory)})\n")
    path = directory / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
