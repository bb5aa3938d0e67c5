"""The two worked examples of Sandholm, eMediator, section 4, as ready-made problems.

- :func:`dependent_items_example` (section 4.2, Table 2): a software package on four floppy disks
  and a plug-in on one, with dependent costs and values; ``P = $22``, ``e_s = e_d = $2``. The
  paper's optimal plan (fewest steps) has 5 steps: :func:`published_dependent_plan`.
- :func:`stock_example` (section 4.1, Table 1): 240 shares of five stocks with independent
  per-share costs and values; ``P = $25,864.60``, ``e_s = $1,000``, ``e_d = $1,500``. The paper's
  optimal plan (its Figure 4) has 16 steps.

The published counts are :data:`PAPER_STEPS`; they are what :attr:`~.safety.Safety.EITHER_ORDER`
gives (:attr:`~.safety.Safety.SEQUENTIAL` gives 3 and 9).
"""

from __future__ import annotations

from trustmarket.analysis.safe_exchange.plans import Plan, Step
from trustmarket.analysis.safe_exchange.problem import ExchangeProblem

#: The step counts the paper publishes for its two examples.
PAPER_STEPS: dict[str, int] = {"dependent-items": 5, "stocks": 16}

#: Table 2: (plug-in, package disks) -> (v_s, v_d) in dollars.
TABLE_2 = {
    (0, 0): ("0", "0"),
    (0, 1): ("5", "3"),
    (0, 2): ("9", "6"),
    (0, 3): ("13", "10"),
    (0, 4): ("17", "14"),
    (1, 0): ("10", "6"),
    (1, 1): ("13", "10"),
    (1, 2): ("16", "15"),
    (1, 3): ("18", "20"),
    (1, 4): ("19", "26"),
}

#: Table 1: stock, units, seller's cost per unit, buyer's value per unit (dollars).
TABLE_1 = (
    ("MSFT", 60, "90.81", "98.00"),
    ("HWP", 30, "102.63", "109.90"),
    ("DELL", 10, "41.81", "42.50"),
    ("EBAY", 100, "120.25", "127.25"),
    ("PG", 40, "85.10", "88.44"),
)


def dependent_items_example() -> ExchangeProblem:
    """Section 4.2: items ``plug-in`` (1 unit) and ``package`` (4 disks), Table 2, in USD."""
    return ExchangeProblem.dependent(
        [("plug-in", 1), ("package", 4)],
        TABLE_2,
        price="22",
        seller_forgoes="2",
        buyer_forgoes="2",
        currency="USD",
    )


def published_dependent_plan() -> Plan:
    """The paper's 5-step plan for :func:`dependent_items_example`: deliver 2 disks and pay $5;
    deliver 1 disk and pay $9; deliver 1 disk and pay $4; pay $4; deliver the plug-in."""
    return Plan(
        (
            Step((0, 2), 500),
            Step((0, 1), 900),
            Step((0, 1), 400),
            Step((0, 0), 400),
            Step((1, 0), 0),
        )
    )


def stock_example() -> ExchangeProblem:
    """Section 4.1: five stocks, Table 1, in USD (``P`` equals the buyer's total value)."""
    return ExchangeProblem.independent_units(
        TABLE_1,
        price="25864.60",
        seller_forgoes="1000",
        buyer_forgoes="1500",
        currency="USD",
    )
