"""Combinatorial markets (SPEC 3.4): bidding languages, exact winner determination,
Clarke-Groves payments, exchanges, price-quantity curves and CATS-style instances."""

from trustmarket.combinatorial.cats import format_cats, parse_cats, read_cats, write_cats
from trustmarket.combinatorial.curves import (
    OBJECTIVES,
    CurveAllocation,
    CurveClearing,
    DemandCurve,
    DoubleCurveClearing,
    InvalidCurve,
    SupplyCurve,
    aggregate,
    clear_double,
    clear_single,
)
from trustmarket.combinatorial.exchange import (
    ExchangeResult,
    Settlement,
    Transfer,
    clear_exchange,
    split_surplus,
)
from trustmarket.combinatorial.generate import DISTRIBUTIONS, generate, parameters
from trustmarket.combinatorial.instance import BundleBid, Good, Instance, make_instance
from trustmarket.combinatorial.language import (
    Atom,
    BidExpr,
    Language,
    Pricing,
    build_instance,
    check_pricing,
    format_bid,
    from_tables,
    parse_bid,
    to_tables,
)
from trustmarket.combinatorial.solution import Solution, Status
from trustmarket.combinatorial.vcg import VCGResult, vcg
from trustmarket.combinatorial.wdp import SOLVERS, solve

__all__ = [
    "DISTRIBUTIONS",
    "OBJECTIVES",
    "SOLVERS",
    "Atom",
    "BidExpr",
    "BundleBid",
    "CurveAllocation",
    "CurveClearing",
    "DemandCurve",
    "DoubleCurveClearing",
    "ExchangeResult",
    "Good",
    "Instance",
    "InvalidCurve",
    "Language",
    "Pricing",
    "Settlement",
    "Solution",
    "Status",
    "SupplyCurve",
    "Transfer",
    "VCGResult",
    "aggregate",
    "build_instance",
    "check_pricing",
    "clear_double",
    "clear_exchange",
    "clear_single",
    "format_bid",
    "format_cats",
    "from_tables",
    "generate",
    "make_instance",
    "parameters",
    "parse_bid",
    "parse_cats",
    "read_cats",
    "solve",
    "split_surplus",
    "to_tables",
    "vcg",
    "write_cats",
]
