"""Draw a :class:`~trustmarket.analysis.commitment.curve.PayoffCurve` with matplotlib.

matplotlib is imported only when a plot is asked for, so the rest of the package works without
it (eMediator section 3.2's payoff-versus-price figure).
"""

from __future__ import annotations

import importlib
from typing import Any

from trustmarket.analysis.commitment.curve import PayoffCurve

__all__ = ["plot_payoffs"]


def _pyplot() -> Any:
    try:
        return importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise ImportError(
            "plot_payoffs needs matplotlib, which is not installed: pip install matplotlib "
            "(payoff_curve gives the same data without it)"
        ) from None


def plot_payoffs(curve: PayoffCurve, *, figure: Any = None) -> Any:
    """Plot each party's expected gain and the tailored penalties against the price ``rho``.

    Top panel: the contractor's, the contractee's and the total expected gain over the status
    quo, the best full commitment contract's gain (dotted) and the optimal price range (shaded).
    Bottom panel: the tailored penalties ``a`` and ``b``.

    Parameters
    ----------
    curve:
        From :func:`~trustmarket.analysis.commitment.curve.payoff_curve`.
    figure:
        A matplotlib ``Figure`` to draw into (cleared first); a new one by default.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed (the message says how to install it).
    """
    plt = _pyplot()
    fig = figure if figure is not None else plt.figure(figsize=(7.0, 6.0))
    fig.clear()
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    top.plot(curve.rho, curve.contractor_gain, label="contractor")
    top.plot(curve.rho, curve.contractee_gain, label="contractee")
    top.plot(curve.rho, curve.gain, color="black", label="total")
    full = curve.optimum.full_commitment.gain
    top.axhline(max(full, 0.0), color="grey", linestyle=":", label="full commitment")
    top.axhline(0.0, color="grey", linewidth=0.5)
    if curve.optimum.prices is not None:
        lo, hi = curve.optimum.prices
        for ax in (top, bottom):
            ax.axvspan(lo, hi, color="tab:green", alpha=0.1)
    if curve.optimum.fair is not None:
        top.axvline(curve.optimum.fair.contract.rho, color="tab:green", linestyle="--")
    top.set_ylabel("expected gain over status quo")
    top.set_title(f"{curve.mechanism.value}: payoffs with tailored penalties")
    top.legend(loc="best")
    bottom.plot(curve.rho, curve.a, label="a (contractor's penalty)")
    bottom.plot(curve.rho, curve.b, label="b (contractee's penalty)")
    bottom.set_xlabel("contract price rho")
    bottom.set_ylabel("penalty")
    bottom.legend(loc="best")
    fig.tight_layout()
    return fig
