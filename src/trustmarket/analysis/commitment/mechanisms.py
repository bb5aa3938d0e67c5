"""Leveled commitment contracts and the four decommitting mechanisms (eCommitter).

Sandholm, eMediator, section 3.1; SPEC section 5. A contract ``(rho, a, b)``: the contractor pays
``rho`` to get a task done and may decommit by paying the penalty ``a`` to the contractee; the
contractee is paid ``rho`` and may decommit by paying ``b``. The contractor's best outside offer is
``a~`` (a cost, so his status quo payoff is ``-a~``), the contractee's is ``b~`` (status quo
``b~``). The payoff table (SPEC section 5):

=====================  ==================  ==================
outcome                contractor          contractee
=====================  ==================  ==================
neither decommits      ``-rho``            ``rho``
he alone               ``-a~ - a``         ``b~ + a``
she alone              ``-a~ + b``         ``b~ - b``
both, both pay         ``-a~ - a + b``     ``b~ - b + a``
both, neither pays     ``-a~``             ``b~``
=====================  ==================  ==================

Measured against the status quo every row reads the same way: **a party's gain is
``a~ - rho`` (contractor) or ``rho - b~`` (contractee) if the contract is performed, plus the
penalties received, minus the penalties paid.** The contractor decommits iff ``a~ < a*`` and the
contractee iff ``b~ > b*``; ``p_a = F(a*)`` and ``p_b = 1 - G(b*)``. In a sequential mechanism
the threshold of the second mover applies when the first did not decommit (if the first did,
the second keeps the contract: decommitting could only cost a penalty), so ``p`` of the second
mover is the conditional probability. In every mechanism the contract is performed iff
``a~ >= a*`` and ``b~ <= b*``, with probability ``(1 - p_a)(1 - p_b)``.

Each mechanism is a small class of the same shape: its two best-response thresholds (derived in
their docstrings), who pays which penalty with what probability, and the inverse map from target
thresholds back to the penalties that produce them ("tailored penalties").
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from trustmarket.core.errors import InvalidContract

__all__ = [
    "Contract",
    "Mechanism",
    "MechanismRules",
    "SequentialContracteeFirst",
    "SequentialContractorFirst",
    "SimultaneousBothPay",
    "SimultaneousNeitherPays",
    "as_mechanism",
    "rules",
]

FloatArray = npt.NDArray[np.float64]


class Mechanism(StrEnum):
    """The four decommitting mechanisms of eCommitter (Sandholm, eMediator, sections 3.1.1-2)."""

    SEQUENTIAL_CONTRACTEE_FIRST = "sequential-contractee-first"
    SEQUENTIAL_CONTRACTOR_FIRST = "sequential-contractor-first"
    SIMULTANEOUS_BOTH_PAY = "simultaneous-both-pay"
    SIMULTANEOUS_NEITHER_PAYS = "simultaneous-neither-pays"


def as_mechanism(value: Mechanism | str) -> Mechanism:
    """The :class:`Mechanism` named ``value`` (its value, e.g. ``"simultaneous-both-pay"``)."""
    if isinstance(value, Mechanism):
        return value
    try:
        return Mechanism(str(value).strip().lower().replace("_", "-"))
    except ValueError:
        allowed = ", ".join(m.value for m in Mechanism)
        raise InvalidContract(f"unknown mechanism {value!r}; allowed: {allowed}") from None


@dataclass(frozen=True)
class Contract:
    """A leveled commitment contract: price ``rho``, penalties ``a`` (contractor), ``b``.

    Raises
    ------
    InvalidContract
        If a value is not a finite number or a penalty is below zero (SPEC section 5 restricts
        to ``a, b >= 0``: nobody is paid for decommitting).
    """

    rho: float
    a: float
    b: float

    def __post_init__(self) -> None:
        for name in ("rho", "a", "b"):
            value = getattr(self, name)
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise InvalidContract(f"{name} must be a number, got {value!r}") from None
            if not math.isfinite(number):
                raise InvalidContract(f"{name} must be finite, got {number}")
            object.__setattr__(self, name, number)
        for name in ("a", "b"):
            if getattr(self, name) < 0:
                raise InvalidContract(
                    f"the penalty {name} = {getattr(self, name):g} is below zero; penalties "
                    "must be >= 0 (nobody is paid for decommitting)"
                )


class MechanismRules(ABC):
    """The rules of one decommitting mechanism, all vectorised over numpy arrays.

    ``contractor_threshold`` and ``contractee_threshold`` are the best responses: the
    threshold ``a*`` given the contractee's decommitting probability ``p_b``, and ``b*`` given
    ``p_a``. ``penalty_probabilities`` says how often each penalty is actually paid;
    ``tailored_penalties`` inverts the thresholds; ``price_range`` is the set of prices at which
    those penalties are non-negative.
    """

    mechanism: ClassVar[Mechanism]
    #: Whether one party reveals her decision before the other decides.
    sequential: ClassVar[bool]
    #: ``"contractor"`` or ``"contractee"`` for a sequential mechanism, else ``None``.
    first_mover: ClassVar[str | None]
    #: Whether both penalties are paid when both decommit (only matters when both can).
    both_pay: ClassVar[bool]

    @abstractmethod
    def contractor_threshold(self, contract: Contract, p_b: npt.ArrayLike) -> FloatArray:
        """``a*``: the contractor decommits iff ``a~ < a*``."""

    @abstractmethod
    def contractee_threshold(self, contract: Contract, p_a: npt.ArrayLike) -> FloatArray:
        """``b*``: the contractee decommits iff ``b~ > b*``."""

    @abstractmethod
    def penalty_probabilities(
        self, p_a: npt.ArrayLike, p_b: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """``(P(the contractor pays a), P(the contractee pays b))``."""

    @abstractmethod
    def tailored_penalties(
        self,
        rho: npt.ArrayLike,
        a_star: npt.ArrayLike,
        b_star: npt.ArrayLike,
        p_a: npt.ArrayLike,
        p_b: npt.ArrayLike,
    ) -> tuple[FloatArray, FloatArray]:
        """The penalties ``(a, b)`` at price ``rho`` whose best responses are ``(a*, b*)``,
        given ``p_a = F(a*) < 1`` and ``p_b = 1 - G(b*) < 1``; they may come out negative
        (then no contract at this price has these thresholds)."""

    @abstractmethod
    def price_range(
        self, a_star: float, b_star: float, p_a: float, p_b: float
    ) -> tuple[float, float]:
        """The prices at which :meth:`tailored_penalties` are both ``>= 0`` (``a* <= b*``)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _arr(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=float)


def _safe_ratio(num: FloatArray, p: FloatArray) -> FloatArray:
    """``num / (1 - p)`` where ``p < 1`` (the other entries are replaced by the caller)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(num / np.where(p < 1, 1 - p, 1.0), dtype=float)


class SequentialContracteeFirst(MechanismRules):
    """Sequential decommitting, the contractee decides first (eMediator section 3.1.1)."""

    mechanism = Mechanism.SEQUENTIAL_CONTRACTEE_FIRST
    sequential = True
    first_mover = "contractee"
    both_pay = True

    def contractor_threshold(self, contract: Contract, p_b: npt.ArrayLike) -> FloatArray:
        """``a* = rho - a`` (eMediator eq. 3a).

        The contractor moves second. If she decommitted he keeps the contract
        (``-a~ + b >= -a~ - a + b`` and ``>= -a~``). If she did not, decommitting gives
        ``-a~ - a`` against ``-rho``: he decommits iff ``a~ < rho - a``, whatever ``p_b``.
        """
        return np.full(np.shape(p_b), contract.rho - contract.a, dtype=float)

    def contractee_threshold(self, contract: Contract, p_a: npt.ArrayLike) -> FloatArray:
        """``b* = rho + (b + a p_a) / (1 - p_a)``; ``+inf`` (never) when ``p_a = 1`` (eq. 4a).

        Decommitting gives her ``b~ - b`` (he then keeps the contract); keeping it gives
        ``p_a (b~ + a) + (1 - p_a) rho``. So she decommits iff
        ``(1 - p_a) b~ > (1 - p_a) rho + b + a p_a``. With ``p_a = 1`` that reads ``0 > a + b``:
        never.
        """
        p = _arr(p_a)
        b_star = contract.rho + _safe_ratio(contract.b + contract.a * p, p)
        return np.where(p < 1, b_star, np.inf)

    def penalty_probabilities(
        self, p_a: npt.ArrayLike, p_b: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """She pays ``b`` whenever she decommits (``p_b``); he pays ``a`` when he decommits
        after she did not (``p_a (1 - p_b)``)."""
        pa, pb = _arr(p_a), _arr(p_b)
        return pa * (1 - pb), pb + 0 * pa

    def tailored_penalties(
        self,
        rho: npt.ArrayLike,
        a_star: npt.ArrayLike,
        b_star: npt.ArrayLike,
        p_a: npt.ArrayLike,
        p_b: npt.ArrayLike,
    ) -> tuple[FloatArray, FloatArray]:
        """``a = rho - a*``, ``b = (b* - rho)(1 - p_a) - a p_a``: eqs. 3a and 4a solved."""
        r, pa = _arr(rho), _arr(p_a)
        a = r - _arr(a_star) + 0 * _arr(p_b)
        return a, (_arr(b_star) - r) * (1 - pa) - a * pa

    def price_range(
        self, a_star: float, b_star: float, p_a: float, p_b: float
    ) -> tuple[float, float]:
        """``rho`` in ``[a*, a* + (1 - p_a)(b* - a*)]`` (``a >= 0``, then ``b >= 0``)."""
        return a_star, a_star + (1 - p_a) * (b_star - a_star)


class SequentialContractorFirst(MechanismRules):
    """Sequential decommitting, the contractor decides first (the mirror of section 3.1.1)."""

    mechanism = Mechanism.SEQUENTIAL_CONTRACTOR_FIRST
    sequential = True
    first_mover = "contractor"
    both_pay = True

    def contractor_threshold(self, contract: Contract, p_b: npt.ArrayLike) -> FloatArray:
        """``a* = rho - (a + b p_b) / (1 - p_b)``; ``-inf`` (never) when ``p_b = 1``.

        Decommitting gives him ``-a~ - a`` (she then keeps the contract); keeping it gives
        ``p_b (-a~ + b) + (1 - p_b)(-rho)``. So he decommits iff
        ``(1 - p_b) a~ < (1 - p_b) rho - a - b p_b``. With ``p_b = 1``: ``0 < -a - b``, never.
        """
        p = _arr(p_b)
        a_star = contract.rho - _safe_ratio(contract.a + contract.b * p, p)
        return np.where(p < 1, a_star, -np.inf)

    def contractee_threshold(self, contract: Contract, p_a: npt.ArrayLike) -> FloatArray:
        """``b* = rho + b``.

        She moves second. If he decommitted she keeps the contract (``b~ + a >= b~ - b + a``
        and ``>= b~``); if he did not, decommitting gives ``b~ - b`` against ``rho``.
        """
        return np.full(np.shape(p_a), contract.rho + contract.b, dtype=float)

    def penalty_probabilities(
        self, p_a: npt.ArrayLike, p_b: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """He pays ``a`` whenever he decommits (``p_a``); she pays ``b`` when she decommits
        after he did not (``p_b (1 - p_a)``)."""
        pa, pb = _arr(p_a), _arr(p_b)
        return pa + 0 * pb, pb * (1 - pa)

    def tailored_penalties(
        self,
        rho: npt.ArrayLike,
        a_star: npt.ArrayLike,
        b_star: npt.ArrayLike,
        p_a: npt.ArrayLike,
        p_b: npt.ArrayLike,
    ) -> tuple[FloatArray, FloatArray]:
        """``b = b* - rho``, ``a = (rho - a*)(1 - p_b) - b p_b``."""
        r, pb = _arr(rho), _arr(p_b)
        b = _arr(b_star) - r + 0 * _arr(p_a)
        return (r - _arr(a_star)) * (1 - pb) - b * pb, b

    def price_range(
        self, a_star: float, b_star: float, p_a: float, p_b: float
    ) -> tuple[float, float]:
        """``rho`` in ``[a* + p_b (b* - a*), b*]`` (``b >= 0``, then ``a >= 0``)."""
        return a_star + p_b * (b_star - a_star), b_star


class SimultaneousBothPay(MechanismRules):
    """Simultaneous decommitting; if both decommit, both pay (eMediator section 3.1.2)."""

    mechanism = Mechanism.SIMULTANEOUS_BOTH_PAY
    sequential = False
    first_mover = None
    both_pay = True

    def contractor_threshold(self, contract: Contract, p_b: npt.ArrayLike) -> FloatArray:
        """``a* = rho - a / (1 - p_b)``; ``-inf`` (never) when ``p_b = 1`` (eq. 3b).

        Decommitting: ``p_b (-a~ - a + b) + (1 - p_b)(-a~ - a)``; keeping:
        ``p_b (-a~ + b) + (1 - p_b)(-rho)``. The difference is ``(1 - p_b)(rho - a~) - a``, so he
        decommits iff ``a~ < rho - a / (1 - p_b)``; with ``p_b = 1`` iff ``-a > 0``: never.
        """
        p = _arr(p_b)
        return np.where(p < 1, contract.rho - _safe_ratio(contract.a + 0 * p, p), -np.inf)

    def contractee_threshold(self, contract: Contract, p_a: npt.ArrayLike) -> FloatArray:
        """``b* = rho + b / (1 - p_a)``; ``+inf`` (never) when ``p_a = 1`` (eq. 4b).

        Decommitting: ``p_a (b~ - b + a) + (1 - p_a)(b~ - b)``; keeping:
        ``p_a (b~ + a) + (1 - p_a) rho``. The difference is ``(1 - p_a)(b~ - rho) - b``.
        """
        p = _arr(p_a)
        return np.where(p < 1, contract.rho + _safe_ratio(contract.b + 0 * p, p), np.inf)

    def penalty_probabilities(
        self, p_a: npt.ArrayLike, p_b: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Whoever decommits pays: ``(p_a, p_b)``."""
        pa, pb = _arr(p_a), _arr(p_b)
        return pa + 0 * pb, pb + 0 * pa

    def tailored_penalties(
        self,
        rho: npt.ArrayLike,
        a_star: npt.ArrayLike,
        b_star: npt.ArrayLike,
        p_a: npt.ArrayLike,
        p_b: npt.ArrayLike,
    ) -> tuple[FloatArray, FloatArray]:
        """``a = (rho - a*)(1 - p_b)``, ``b = (b* - rho)(1 - p_a)``."""
        r = _arr(rho)
        return (r - _arr(a_star)) * (1 - _arr(p_b)), (_arr(b_star) - r) * (1 - _arr(p_a))

    def price_range(
        self, a_star: float, b_star: float, p_a: float, p_b: float
    ) -> tuple[float, float]:
        """``rho`` in ``[a*, b*]``."""
        return a_star, b_star


class SimultaneousNeitherPays(MechanismRules):
    """Simultaneous decommitting; if both decommit, neither pays (eMediator section 3.1.2)."""

    mechanism = Mechanism.SIMULTANEOUS_NEITHER_PAYS
    sequential = False
    first_mover = None
    both_pay = False

    def contractor_threshold(self, contract: Contract, p_b: npt.ArrayLike) -> FloatArray:
        """``a* = rho - a - b p_b / (1 - p_b)``; ``-inf`` (never) when ``p_b = 1`` (eq. 3c).

        Decommitting: ``p_b (-a~) + (1 - p_b)(-a~ - a)``; keeping:
        ``p_b (-a~ + b) + (1 - p_b)(-rho)``. The difference is
        ``(1 - p_b)(rho - a~ - a) - b p_b``; with ``p_b = 1`` it is ``-b <= 0``: never.
        """
        p = _arr(p_b)
        a_star = contract.rho - contract.a - _safe_ratio(contract.b * p, p)
        return np.where(p < 1, a_star, -np.inf)

    def contractee_threshold(self, contract: Contract, p_a: npt.ArrayLike) -> FloatArray:
        """``b* = rho + b + a p_a / (1 - p_a)``; ``+inf`` (never) when ``p_a = 1`` (eq. 4c).

        Decommitting: ``p_a b~ + (1 - p_a)(b~ - b)``; keeping: ``p_a (b~ + a) + (1 - p_a) rho``.
        The difference is ``(1 - p_a)(b~ - rho - b) - a p_a``, so the last term is
        ``+ a p_a / (1 - p_a)``: the paper prints a minus, the derivation gives a plus (SPEC).
        """
        p = _arr(p_a)
        b_star = contract.rho + contract.b + _safe_ratio(contract.a * p, p)
        return np.where(p < 1, b_star, np.inf)

    def penalty_probabilities(
        self, p_a: npt.ArrayLike, p_b: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """A penalty is paid only by a lone decommitter: ``(p_a (1 - p_b), p_b (1 - p_a))``."""
        pa, pb = _arr(p_a), _arr(p_b)
        return pa * (1 - pb), pb * (1 - pa)

    def tailored_penalties(
        self,
        rho: npt.ArrayLike,
        a_star: npt.ArrayLike,
        b_star: npt.ArrayLike,
        p_a: npt.ArrayLike,
        p_b: npt.ArrayLike,
    ) -> tuple[FloatArray, FloatArray]:
        """Solve ``(1 - p_b) a + p_b b = (1 - p_b) X`` and ``p_a a + (1 - p_a) b = (1 - p_a) Y``
        with ``X = rho - a*``, ``Y = b* - rho`` (eqs. 3c and 4c times ``1 - p``):

        ``a = (1 - p_a)((1 - p_b) X - p_b Y) / (1 - p_a - p_b)``,
        ``b = (1 - p_b)((1 - p_a) Y - p_a X) / (1 - p_a - p_b)``.

        When ``p_a + p_b = 1`` the two equations coincide: ``(a, b) = (X, 0)`` if they are
        consistent, else NaN.
        """
        r, pa, pb = _arr(rho), _arr(p_a), _arr(p_b)
        x, y = r - _arr(a_star), _arr(b_star) - r
        det = 1 - pa - pb
        singular = np.abs(det) < 1e-12
        safe = np.where(singular, 1.0, det)
        a = (1 - pa) * ((1 - pb) * x - pb * y) / safe
        b = (1 - pb) * ((1 - pa) * y - pa * x) / safe
        consistent = np.abs(pa * x - pb * y) <= 1e-9 * (1 + np.abs(x) + np.abs(y))
        a = np.where(singular, np.where(consistent, x, np.nan), a)
        b = np.where(singular, np.where(consistent, 0.0, np.nan), b)
        return np.asarray(a, dtype=float), np.asarray(b, dtype=float)

    def price_range(
        self, a_star: float, b_star: float, p_a: float, p_b: float
    ) -> tuple[float, float]:
        """``rho - a*`` between ``p_b (b* - a*)`` and ``(1 - p_a)(b* - a*)`` (either order)."""
        d = b_star - a_star
        ends = sorted((a_star + p_b * d, a_star + (1 - p_a) * d))
        return ends[0], ends[1]


_RULES: dict[Mechanism, MechanismRules] = {
    r.mechanism: r
    for r in (
        SequentialContracteeFirst(),
        SequentialContractorFirst(),
        SimultaneousBothPay(),
        SimultaneousNeitherPays(),
    )
}


def rules(mechanism: Mechanism | str) -> MechanismRules:
    """The rules of a mechanism (given as a :class:`Mechanism` or its name)."""
    return _RULES[as_mechanism(mechanism)]
