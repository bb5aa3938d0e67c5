"""Small SVG charts drawn on the server (no script, no external library): a line chart of
points, such as a reputation score over time. Numbers are only drawn here, never decided."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from markupsafe import Markup, escape

__all__ = ["line_chart"]

_W, _H = 600, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 16, 40


def _span(low: float, high: float) -> tuple[float, float]:
    if high - low < 1e-12:
        pad = max(abs(high), 1.0) * 0.1
        return low - pad, high + pad
    pad = (high - low) * 0.05
    return low - pad, high + pad


def _label(value: float) -> str:
    return f"{value:.3g}"


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M")


def line_chart(
    points: Sequence[tuple[float, float]],
    *,
    title: str,
    y_label: str,
    time_axis: bool = True,
) -> Markup:
    """An accessible SVG line chart of ``(x, y)`` points (x in Unix seconds when
    ``time_axis``): a title for screen readers, the y range on the axis, a marker per point
    with its value as a tooltip."""
    if not points:
        return Markup('<p class="hint">Nothing to draw yet.</p>')
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    x0, x1 = _span(min(xs), max(xs))
    y0, y1 = _span(min(ys), max(ys))
    inner_w, inner_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def sx(x: float) -> float:
        return _LEFT + (x - x0) / (x1 - x0) * inner_w

    def sy(y: float) -> float:
        return _TOP + (1 - (y - y0) / (y1 - y0)) * inner_h

    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, ys, strict=True))
    first = _when(xs[0]) if time_axis else _label(xs[0])
    last = _when(xs[-1]) if time_axis else _label(xs[-1])
    marks = "".join(
        f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="#0b5cad">'
        f"<title>{escape(_when(x) if time_axis else _label(x))}: {escape(_label(y))}</title>"
        "</circle>"
        for x, y in zip(xs, ys, strict=True)
    )
    svg = (
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" role="img" aria-labelledby="chart-title">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_H - _BOTTOM}" stroke="#4a5361"/>'
        f'<line x1="{_LEFT}" y1="{_H - _BOTTOM}" x2="{_W - _RIGHT}" y2="{_H - _BOTTOM}" '
        'stroke="#4a5361"/>'
        f'<text x="{_LEFT - 6}" y="{_TOP + 10}" text-anchor="end">{escape(_label(max(ys)))}</text>'
        f'<text x="{_LEFT - 6}" y="{_H - _BOTTOM}" text-anchor="end">'
        f"{escape(_label(min(ys)))}</text>"
        f'<text x="{_LEFT}" y="{_H - 12}">{escape(first)}</text>'
        f'<text x="{_W - _RIGHT}" y="{_H - 12}" text-anchor="end">{escape(last)}</text>'
        f'<text x="12" y="{_TOP + inner_h / 2}" transform="rotate(-90 12 {_TOP + inner_h / 2})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
        f'<polyline points="{path}" fill="none" stroke="#0b5cad" stroke-width="2"/>'
        f"{marks}</svg>"
    )
    return Markup(svg)
