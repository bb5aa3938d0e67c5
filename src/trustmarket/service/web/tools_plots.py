"""The tools pages' plots as inline SVG: a leveled commitment contract's payoffs against the
price (eCommitter's figure) and the credit bureau's reputation T(L).

Both are drawn by the library's own matplotlib figures
(:func:`~trustmarket.analysis.commitment.plot.plot_payoffs`,
:func:`~trustmarket.reputation.bureau.plots.plot_reputation`) and saved with matplotlib's SVG
backend, then trimmed so a page can put the ``<svg>`` element straight into its HTML. Input
comes from a query string: it is checked with the JSON API's own request models and limits
(:mod:`trustmarket.service.routes.tools`), so a plot refuses exactly what the API refuses, with
its message; an unknown parameter is refused too.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Mapping
from html import escape
from typing import Any

import numpy as np
from pydantic import ValidationError

from trustmarket.analysis.commitment import CommitmentGame, Mechanism, plot_payoffs
from trustmarket.core.errors import InvalidInput
from trustmarket.reputation.bureau import ReputationFunction
from trustmarket.reputation.bureau.plots import plot_reputation
from trustmarket.service.errors import validation_message

# The API's checks of a distribution and of a cdf (family whitelist, sizes, magnitudes): reused
# rather than copied, so the plots cannot drift from what the API accepts.
from trustmarket.service.routes.tools import (
    MAX_VALUE,
    BureauQuery,
    ContractBody,
    cdf_text,
    distribution_of,
)

__all__ = [
    "BUREAU_PARAMETERS",
    "CONTRACT_PARAMETERS",
    "InvalidPlot",
    "bureau_svg",
    "contract_svg",
]

#: The query parameters of each plot (anything else is refused).
CONTRACT_PARAMETERS = ("contractor", "contractee", "mechanism", "normalize", "points")
BUREAU_PARAMETERS = ("C", "L", "F", "G", "L_max")
#: Prices on the contract plot's axis: each is a tailored-penalty optimisation, so few.
MIN_POINTS, MAX_POINTS, DEFAULT_POINTS = 5, 81, 41
#: Losses on the bureau plot's axis.
BUREAU_GRID = 101

# matplotlib's global state (rcParams, font caches) is not safe across threads; one plot at a
# time also keeps two plotting requests from taking both cores of a small machine.
_LOCK = threading.Lock()
_ROOT = re.compile(r"<svg\b[^>]*>")


class InvalidPlot(InvalidInput):
    """A plot's query string is malformed, names an unknown parameter or is out of range."""

    code = "invalid_plot"


def _only(query: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise InvalidPlot(f"unknown parameter {', '.join(unknown)}; allowed: {', '.join(allowed)}")


def _validated(model: Any, data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidPlot(validation_message(list(exc.errors()))) from None


def _flag(value: str | None, name: str) -> bool:
    if value is None or value.lower() in ("", "false", "0", "off", "no"):
        return False
    if value.lower() in ("true", "1", "on", "yes"):
        return True
    raise InvalidPlot(f"{name} must be true or false, got {value!r}")


def _points(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_POINTS
    if not value.isdigit() or not MIN_POINTS <= int(value) <= MAX_POINTS:
        raise InvalidPlot(
            f"points must be a whole number from {MIN_POINTS} to {MAX_POINTS}, got {value!r}"
        )
    return int(value)


def _number(value: str | None, name: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise InvalidPlot(f"{name} must be a number, got {value!r}") from None
    if not 0 < number <= MAX_VALUE:
        raise InvalidPlot(f"{name} must be above 0 and at most {MAX_VALUE:g}, got {value!r}")
    return number


def _svg(figure: Any, label: str) -> str:
    """``figure`` as an inline ``<svg class="chart">`` element, labelled for screen readers;
    without its fixed size (the page's CSS sizes it from the viewBox) and its metadata."""
    out = io.StringIO()
    import matplotlib  # here, not at the top: the service starts without it (about a second)

    # Text as <text> (smaller, selectable) and a fixed id salt, so the same plot is the same
    # bytes (clip-path ids are otherwise random).
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "trustmarket"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    root = _ROOT.search(text)
    assert root is not None  # matplotlib always writes one
    opening = re.sub(r'\s(width|height)="[^"]*"', "", root.group(0))
    opening = opening.replace(
        "<svg", f'<svg class="chart" role="img" aria-label="{escape(label)}"', 1
    )
    return f"{opening}\n <title>{escape(label)}</title>{text[root.end() :]}"


def contract_svg(query: Mapping[str, str]) -> str:
    """Each party's expected gain against the price with tailored penalties, for one
    mechanism: ``contractor`` and ``contractee`` as the API's distributions (pdf points as
    ``x:density`` text, or a scipy.stats call), ``mechanism``, ``normalize``, ``points``."""
    _only(query, CONTRACT_PARAMETERS)
    mechanism = query.get("mechanism") or Mechanism.SIMULTANEOUS_BOTH_PAY.value
    if mechanism == "all":
        raise InvalidPlot("the plot is of one mechanism; choose one, not 'all'")
    # an empty distribution is a missing one (the API's message for a missing field, rather
    # than the union's two complaints about an empty string)
    given = {k: query[k] for k in ("contractor", "contractee") if query.get(k)}
    body = _validated(
        ContractBody,
        {**given, "mechanism": mechanism, "normalize": _flag(query.get("normalize"), "normalize")},
    )
    points = _points(query.get("points"))
    f = distribution_of(body.contractor, body.normalize, "contractor")
    g = distribution_of(body.contractee, body.normalize, "contractee")
    curve = CommitmentGame(f, g).payoff_curve(body.mechanism, points=points)
    from matplotlib.figure import Figure  # on the first plot only, as above

    with _LOCK:
        figure = plot_payoffs(curve, figure=Figure(figsize=(7.0, 6.0)))
        return _svg(
            figure,
            f"Expected gains of the contractor and the contractee against the price rho, "
            f"with the penalties a and b tailored to each price ({body.mechanism})",
        )


def bureau_svg(query: Mapping[str, str]) -> str:
    """T(L) for ``L`` from 0 to ``L_max`` (default 1) with the API's ``C``, ``F`` and ``G``,
    and the point (L, T(L)) marked."""
    _only(query, BUREAU_PARAMETERS)
    params = _validated(BureauQuery, {k: v for k, v in query.items() if k != "L_max"})
    f, g = cdf_text(params.F, "F"), cdf_text(params.G, "G")
    top = _number(query.get("L_max"), "L_max", max(1.0, params.L))
    function = ReputationFunction(params.C, f, g)
    marked = function.fixed_points(params.L)
    with _LOCK:
        figure = plot_reputation((params.C,), F=f, G=g, losses=np.linspace(0.0, top, BUREAU_GRID))
        axes = figure.axes[0]
        if marked and top >= params.L:
            axes.plot(
                [params.L],
                [marked[0]],
                "o",
                color="black",
                label=f"T({params.L:g}) = {marked[0]:.4f}",
            )
            axes.legend(loc="lower right")
        return _svg(
            figure,
            f"The reputation T(L) against the merchant's loss L from 0 to {top:g} "
            f"for C = {params.C:g}, F = {f}, G = {g}",
        )
