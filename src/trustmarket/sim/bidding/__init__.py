"""Auctions with and without agents (Sathiyamoorthy et al., section 5, figures 7 to 9).

:mod:`.model` holds the Mesa model (a seller, buyers and their parameters),
:mod:`.protocols` how people and agents bid in the English, Dutch and Vickrey engines, and
:mod:`.scenario` the ``SCENARIO`` that ``trustmarket sim`` runs.
"""
