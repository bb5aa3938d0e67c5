"""Mechanism analysis tools (SPEC section 5).

- :mod:`trustmarket.analysis.games`: bimatrix and n-player normal-form games and their equilibria.
- :mod:`trustmarket.analysis.incentives`: the threat-indicator sharing game (Simmons) and the least
  incentive that makes sharing an equilibrium.
- :mod:`trustmarket.analysis.commitment`: leveled commitment contracts (eCommitter).
- :mod:`trustmarket.analysis.safe_exchange`: safe exchange planning (eExchangeHouse).
- :mod:`trustmarket.analysis.fixed_points`: every fixed point of a scalar map on an interval.

Analysis code works in floats, or in exact ``fractions.Fraction`` where that is asked for
(SPEC section 2).
"""
