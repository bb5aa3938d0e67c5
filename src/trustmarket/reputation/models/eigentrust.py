"""EigenTrust: global trust by power iteration with pre-trusted peers (Kamvar, Schlosser and
Garcia-Molina, 2003).

SPEC section 4, "Beyond the papers". Each rater ``i`` holds a local trust in each subject ``j``,
the sum of her ratings of ``j`` (``s_ij = sat(i, j) - unsat(i, j)``, neutrals count 0), normalised
so that only positive opinions count and each rater's opinions sum to one:

    c_ij = max(s_ij, 0) / sum_k max(s_ik, 0)      (c_ij = p_j when no s_ik is positive)

The global trust vector ``t`` is the fixed point of

    t = (1 - a) C^T t + a p

with ``p`` the pre-trust distribution (uniform over the pre-trusted peers, or over every agent
when none are named) and ``a`` the pre-trust weight. A rater with no positive opinion (or one
nobody rated, the paper's inactive peer) passes her trust on along ``p``. ``t`` sums to 1 and
scores are shares of the market's trust, so the model is not probabilistic: ranks matter.

State is kept incrementally: an update appends one (rater, subject, rating) triple, O(1). The
global vector is computed lazily when a score is asked for after updates, on scipy.sparse (the
duplicates of a pair are summed when the matrix is built), and warm-starts from the previous
vector, so a few new ratings cost a few iterations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trustmarket.core.errors import InvalidReputation, SolverLimit
from trustmarket.core.ids import check_id
from trustmarket.reputation.checks import representable
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.model import (
    Contribution,
    Explanation,
    ModelProperties,
    ReputationModel,
)

__all__ = ["EigenTrustModel", "GlobalTrust"]

FloatArray = npt.NDArray[np.float64]


class GlobalTrust:
    """One solved global trust vector: the agents in index order, ``t``, the normalised local
    trust matrix ``C`` (CSR, rows = raters) and the iterations the power method took."""

    __slots__ = ("agents", "index", "iterations", "local", "residual", "trust")

    def __init__(
        self,
        agents: list[str],
        trust: FloatArray,
        local: sp.csr_matrix,
        iterations: int,
        residual: float,
    ) -> None:
        self.agents = agents
        self.index = {agent: k for k, agent in enumerate(agents)}
        self.trust = trust
        self.local = local
        self.iterations = iterations
        self.residual = residual


class EigenTrustModel(ReputationModel):
    """EigenTrust global trust over the rating graph.

    Parameters
    ----------
    pretrusted:
        Agents trusted a priori (the network's founders, say). Their share ``a`` of trust keeps
        colluding cliques from capturing the vector. Empty: ``p`` is uniform over every agent.
    pretrust_weight:
        ``a`` in (0, 1) (default 0.15).
    tolerance:
        Stop when ``||t_(k+1) - t_k||_1`` falls below it (default 1e-10).
    max_iterations:
        Raise :class:`SolverLimit` if the power method has not converged by then (default
        1000; with ``a = 0.15`` the error shrinks by at least 0.85 per iteration).

    A subject nobody rated (but who rated others) gets what ``p`` gives it; a name the model
    has never seen scores 0.
    """

    name = "eigentrust"
    properties = ModelProperties(
        probabilistic=False,
        global_=True,
        source="Kamvar, Schlosser, Garcia-Molina: the EigenTrust algorithm (2003)",
    )

    __slots__ = (
        "_index",
        "_names",
        "_rated",
        "_raters",
        "_ratings",
        "_solved",
        "_subjects",
        "_warm",
        "max_iterations",
        "pretrust_weight",
        "pretrusted",
        "tolerance",
    )

    def __init__(
        self,
        pretrusted: Iterable[str] = (),
        *,
        pretrust_weight: float = 0.15,
        tolerance: float = 1e-10,
        max_iterations: int = 1000,
    ) -> None:
        if isinstance(pretrusted, str):
            raise InvalidReputation(
                f"pretrusted must be a collection of agent ids, not the string {pretrusted!r}"
            )
        peers = tuple(dict.fromkeys(pretrusted))
        for peer in peers:
            check_id(peer, "pre-trusted peer")
        representable(pretrust_weight, "pretrust_weight", "a number in (0, 1)")
        representable(tolerance, "tolerance", "a positive number")
        representable(max_iterations, "max_iterations", "a positive integer")
        if (
            isinstance(pretrust_weight, bool)
            or not isinstance(pretrust_weight, int | float)
            or not 0.0 < pretrust_weight < 1.0
        ):
            raise InvalidReputation(
                f"pretrust_weight must be a number in (0, 1), got {pretrust_weight!r}"
            )
        if (
            isinstance(tolerance, bool)
            or not isinstance(tolerance, int | float)
            or not math.isfinite(tolerance)
            or tolerance <= 0
        ):
            raise InvalidReputation(f"tolerance must be a positive number, got {tolerance!r}")
        if isinstance(max_iterations, bool) or not isinstance(max_iterations, int):
            raise InvalidReputation(
                f"max_iterations must be a positive integer, got {max_iterations!r}"
            )
        if max_iterations < 1:
            raise InvalidReputation(f"max_iterations must be >= 1, got {max_iterations}")
        self.pretrusted = peers
        self.pretrust_weight = float(pretrust_weight)
        self.tolerance = float(tolerance)
        self.max_iterations = max_iterations
        self._index: dict[str, int] = {}
        self._names: list[str] = []
        for peer in peers:
            self._intern(peer)
        # The rating triples, appended per update; the sparse matrix sums a pair's duplicates.
        self._raters: list[int] = []
        self._rated: list[int] = []
        self._ratings: list[int] = []
        self._subjects: set[str] = set()
        self._solved: GlobalTrust | None = None
        # The last solved vector, kept apart from _solved: an update invalidates the answer but
        # the old vector is still a good start.
        self._warm: FloatArray | None = None

    def _intern(self, agent: str) -> int:
        index = self._index.get(agent)
        if index is None:
            index = self._index[agent] = len(self._names)
            self._names.append(agent)
        return index

    def _apply(self, feedback: Feedback) -> None:
        index = self._index
        rater = index.get(feedback.rater)
        if rater is None:
            rater = self._intern(feedback.rater)
        subject = index.get(feedback.subject)
        if subject is None:
            subject = self._intern(feedback.subject)
        self._raters.append(rater)
        self._rated.append(subject)
        self._ratings.append(feedback.rating)
        self._subjects.add(feedback.subject)
        self._solved = None

    # -- the global computation ------------------------------------------------------------------

    def _pretrust(self, n: int) -> FloatArray:
        p = np.zeros(n)
        if self.pretrusted:
            p[[self._index[peer] for peer in self.pretrusted]] = 1.0 / len(self.pretrusted)
        elif n:
            p[:] = 1.0 / n
        return p

    def _local_trust(self, n: int) -> sp.csr_matrix:
        rows = np.fromiter(self._raters, dtype=np.int64, count=len(self._raters))
        cols = np.fromiter(self._rated, dtype=np.int64, count=len(self._rated))
        data = np.fromiter(self._ratings, dtype=np.float64, count=len(self._ratings))
        summed = sp.coo_matrix((data, (rows, cols)), shape=(n, n)).tocsr()
        summed.sum_duplicates()
        summed.data = np.maximum(summed.data, 0.0)
        summed.eliminate_zeros()
        row_sums = np.asarray(summed.sum(axis=1)).ravel()
        scale = np.divide(1.0, row_sums, out=np.zeros(n), where=row_sums > 0)
        return sp.csr_matrix(sp.diags(scale) @ summed)

    def solve(self) -> GlobalTrust:
        """The global trust vector for the feedback so far (cached until the next update)."""
        if self._solved is not None:
            return self._solved
        n = len(self._names)
        p = self._pretrust(n)
        local = self._local_trust(n)
        transposed = sp.csr_matrix(local.T)
        dangling = np.asarray(local.sum(axis=1)).ravel() == 0.0
        a = self.pretrust_weight
        trust = p.copy()
        previous = self._warm
        if previous is not None and previous.size <= n and previous.size:
            # Warm start: the old vector for known agents, p for new ones, renormalised.
            trust[: previous.size] = previous
            trust /= trust.sum()
        residual = math.inf
        iteration = 0
        while iteration < self.max_iterations:
            iteration += 1
            passed_on = trust[dangling].sum()
            following = (1.0 - a) * (transposed @ trust + passed_on * p) + a * p
            residual = float(np.abs(following - trust).sum())
            trust = following
            if residual < self.tolerance:
                break
        if residual >= self.tolerance:
            raise SolverLimit(
                f"EigenTrust did not converge in {self.max_iterations} iterations (last L1 "
                f"change {residual:.3g}, tolerance {self.tolerance:g}); raise max_iterations or "
                "the tolerance"
            )
        self._warm = trust
        self._solved = GlobalTrust(list(self._names), trust, local, iteration, residual)
        return self._solved

    # -- the interface -----------------------------------------------------------------------------

    def score(self, subject: str, by: str | None = None) -> float:
        """``t_subject``: the subject's share of global trust (0.0 for a name never seen)."""
        solved = self.solve()
        k = solved.index.get(subject)
        return 0.0 if k is None else float(solved.trust[k])

    def scores(self, by: str | None = None) -> dict[str, float]:
        solved = self.solve()
        return {s: float(solved.trust[solved.index[s]]) for s in sorted(self._subjects)}

    def explain(self, subject: str, by: str | None = None) -> Explanation:
        solved = self.solve()
        k = solved.index.get(subject)
        a = self.pretrust_weight
        p = self._pretrust(len(solved.agents))
        if k is None:
            return Explanation(
                subject=subject,
                model=self.name,
                score=0.0,
                formula=f"{subject} is not in the rating graph: t = 0",
                quantities={"pretrust_weight": a},
            )
        column = sp.csc_matrix(solved.local[:, [k]])
        contributions = []
        for i, c in zip(column.indices, column.data, strict=True):
            contributions.append(
                Contribution(
                    solved.agents[i],
                    "",
                    float(c),
                    float((1.0 - a) * solved.trust[i] * c),
                    f"c = {c:.4g} of rater trust t = {solved.trust[i]:.4g}",
                )
            )
        contributions.sort(key=lambda c: -c.weight)
        from_raters = math.fsum(c.weight for c in contributions)
        value = float(solved.trust[k])
        formula = (
            f"t_{subject} = (1 - a) sum_i c_i,{subject} t_i + (1 - a) (dangling trust) p + a p = "
            f"{from_raters:.6g} (from {len(contributions)} raters) + "
            f"{value - from_raters:.6g} (pre-trust and passed-on) = {value:.6g} "
            f"(a = {a:g}, {solved.iterations} iterations)"
        )
        return Explanation(
            subject=subject,
            model=self.name,
            score=value,
            formula=formula,
            quantities={
                "pretrust_weight": a,
                "pretrust": float(p[k]),
                "from_raters": from_raters,
                "iterations": float(solved.iterations),
            },
            contributions=tuple(contributions),
        )

    def subjects(self) -> frozenset[str]:
        return frozenset(self._subjects)


MODEL = EigenTrustModel
