"""Mobile-agent shopping with a credit bureau (Wang, Khosla and Krishnan; SPEC sections 4.1 and
8): customers trust or trace their trade agents' results, merchants tamper when it pays, the
ledger's evidence names the culprit, and the bureau sets reputations by T(L), M1 or M2.

- :mod:`.model`: the Mesa model, its agents and parameters;
- :mod:`.bureau`: T(L) tabulated for speed, the profit functions of figures 5 and 6;
- :mod:`.scenario`: the runs, the paper's settings, the comparison and the plots.
"""

from trustmarket.sim.shopping.model import ShoppingModel, ShoppingParams
from trustmarket.sim.shopping.scenario import SCENARIO

__all__ = ["SCENARIO", "ShoppingModel", "ShoppingParams"]
