"""What every scenario's plots share: writing a figure as PNG and SVG."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

__all__ = ["save_figure"]


def save_figure(
    figure: Figure, directory: Path, name: str, *, dpi: int = 110, tight: bool = True
) -> list[Path]:
    """Write ``figure`` as ``name.png`` and ``name.svg`` into ``directory`` (created if
    missing) and return both paths. ``tight`` lays it out first (slow with many tick labels:
    a figure with fixed margins passes ``False``)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.png", directory / f"{name}.svg"]
    if tight:
        figure.tight_layout()
    for path in paths:
        figure.savefig(path, dpi=dpi)
    figure.clear()
    return paths
