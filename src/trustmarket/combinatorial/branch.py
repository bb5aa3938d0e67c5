"""Branch-and-cut on one component of the bid graph: the search of CABOB (Sandholm, Suri,
Gilpin and Levine, "CABOB: a fast optimal algorithm for winner determination in combinatorial
auctions", Management Science 2005: LP upper bounds, branching on bids, best bound first with
depth-first dives), with the LP relaxation strengthened by clique inequalities.

The relaxation is the set-packing LP of SPEC 3.4, ``max sum(p_j x_j)`` subject to ``A x <= s``
(units per good) and one row per XOR group, ``0 <= x <= 1``. Two bids *conflict* when they can
never win together (the same XOR group, or a good whose supply their units exceed together).
For a set ``K`` of pairwise conflicting bids, ``sum(x_j for j in K) <= 1`` holds for every
allocation (a clique inequality of the conflict graph: Padberg, "On the facial structure of set
packing polyhedra", Math. Programming 5, 1973). The rows per good are such cliques; the cutting
planes found here join bids that conflict over different goods or groups, which the rows per good
cannot express. They are separated greedily from the fractional LP optimum and kept for the rest
of the search (and for the Clarke-Groves re-solves, where a bidder's absence only fixes columns at
zero, so every cut stays valid).

Exactness. HiGHS solves the LPs in floating point, and no float decides anything here: every
bound is recomputed from the LP's row duals ``y`` by weak duality, which holds for *any*
``y >= 0``: ``value(x) <= y.b + sum_j max over x_j in [l_j, u_j] of (p_j - (A^T y)_j) x_j`` for
every ``x`` within the bounds ``l <= x <= u`` and the rows. The right-hand side is computed in
float64 and then raised by a rigorous bound on its rounding error (Neumaier and Shcherbina,
"Safe bounds in linear and mixed-integer linear programming", Math. Programming 99, 2004),
so that its floor is a proven integer bound: prices are integers, so a node whose bound is below
the incumbent plus one holds nothing better. Allocations are checked in exact integers.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from trustmarket.combinatorial._highs import new_highs
from trustmarket.combinatorial.instance import Instance
from trustmarket.combinatorial.mip import build_model

#: Largest component whose conflict graph is built (a dense n x n boolean matrix).
CONFLICT_LIMIT = 6000

#: Conflict graphs denser than this get no cuts: their cliques are long rows that slow every LP
#: more than they tighten it (bench/wdp.py, arbitrary 64 x 500: density 0.8 to 0.86, where LPs
#: with the cuts took ten times longer and HiGHS on the plain rows won; regions and paths at 0.2
#: to 0.4, scheduling 0.1 to 0.2, matching below 0.05 gain from them).
DENSE = 0.6

#: Root cutting-plane rounds at most, and the relative bound improvement under which a round
#: counts as stalled (the loop stops after the third round once a round stalls).
ROOT_ROUNDS = 30

#: Root rounds on a dense conflict graph (cuts asked for with ``dense_cuts``), where each LP is
#: slow, and in a re-solve of a relaxation that has been through its root rounds already.
DENSE_ROUNDS = 10
RESOLVE_ROUNDS = 2
STALL = 1e-4

#: A root gap (bound - incumbent) / bound above this is left to HiGHS: a search tree does not
#: close it in useful time, and HiGHS's primal heuristics find better allocations than our
#: rounding (bench/wdp.py, after the root cuts: arbitrary 256 x 2,000 25% to 32%; regions 0
#: to 8%, paths, matching and scheduling under 1%).
HOPELESS = 0.15

#: Under a time limit, the root cut rounds on such a gap stop after this share of the time: the
#: rest goes to finding allocations.
ROOT_SHARE = 0.2

#: Clique cuts added per separation round at most (root, then at each node).
ROOT_CUTS = 200
NODE_CUTS = 50

#: Every this many nodes the search checks its progress; a window that closed less than this
#: share of its gap hands the component over (scheduling 128 x 4,000: 9%, then 1%; matching
#: 256 x 4,000 and regions 256 x 2,000, which the tree finishes: 25% and more per window).
PROGRESS_EVERY = 50
STALLED_WINDOW = 0.2

#: x_j within this of 0 or 1 counts as integral when choosing a branching bid.
INTEGRALITY = 1e-6

_UNIT_ROUNDOFF = 2.0**-53


@dataclass
class Outcome:
    """What a branch-and-cut run found: the best allocation (column indices), its exact value,
    a proven upper bound, and whether the search finished (``bound == value`` then)."""

    value: int
    chosen: list[int]
    bound: int
    finished: bool
    nodes: int
    gave_up: bool = False
    fixed_zero: list[int] = field(default_factory=list)
    found: list[list[int]] = field(default_factory=list)


@dataclass
class _Basis:
    cols: list[highspy.HighsBasisStatus]
    rows: list[highspy.HighsBasisStatus]


@dataclass
class _LP:
    x: np.ndarray
    y: np.ndarray
    bound: int
    objective: float


class Relaxation:
    """The LP relaxation of one component, on one HiGHS instance kept warm between solves, with
    its conflict graph and the clique cuts found so far."""

    def __init__(self, inst: Instance, bids: Sequence[int], *, dense_cuts: bool = False) -> None:
        self.inst = inst
        self.cols = list(bids)
        self.n = len(self.cols)
        lp, _ = build_model(inst, self.cols, integral=False)
        self.prices = [inst.bids[b].price for b in self.cols]
        self.cost = np.array(self.prices, dtype=float)
        starts = np.asarray(lp.a_matrix_.start_)
        index = np.asarray(lp.a_matrix_.index_)
        value = np.asarray(lp.a_matrix_.value_)
        n_rows = int(lp.num_row_)
        # Rows as a CSR matrix (the model is column-wise: its transpose, read as CSR).
        self._base = csr_matrix((value, index, starts), shape=(self.n, n_rows)).T.tocsr()
        self._base_rhs = np.asarray(lp.row_upper_, dtype=float)
        self.highs = new_highs()
        # The LP's presolve cost more than it saved on every suite of bench/wdp.py (matching
        # 128 x 1,000: 9.0 vs 6.6 ms; paths 15 vs 6 ms; regions 38 vs 26 ms).
        self.highs.setOptionValue("presolve", "off")
        self.highs.passModel(lp)
        self.cuts: list[np.ndarray] = []
        self._cut_keys: set[bytes] = set()
        self._matrix: csr_matrix | None = None
        self._rhs: np.ndarray | None = None
        self._abs_cost = float(np.abs(self.cost).sum())
        self._conflict: np.ndarray | None = None
        # Cuts are separated when the conflict graph can be built and is sparse enough, or
        # dense_cuts asks for them anyway (the Clarke-Groves re-solves reuse them); the search
        # branches itself only on sparse graphs.
        self.separable = self.n <= CONFLICT_LIMIT
        self.branching = True
        self.dense_cuts = dense_cuts
        self.density = math.nan
        self.lp_solves = 0
        self.searches = 0
        self.rounds_done = 0
        self._limited = False

    # -- LP -------------------------------------------------------------------------------

    def solve(self, lo: np.ndarray, hi: np.ndarray, deadline: float | None) -> _LP | None:
        """The LP optimum within these column bounds and its proven bound; None if HiGHS did
        not reach an optimum (time limit or numerical trouble)."""
        h = self.highs
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            # HiGHS's run clock adds up over the runs of one instance.
            h.setOptionValue("time_limit", h.getRunTime() + max(left, 1e-3))
            self._limited = True
        elif self._limited:
            h.setOptionValue("time_limit", highspy.kHighsInf)
            self._limited = False
        h.changeColsBounds(self.n, np.arange(self.n, dtype=np.int32), lo, hi)
        h.run()
        self.lp_solves += 1
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        y = np.asarray(sol.row_dual, dtype=float)
        objective = float(h.getInfo().objective_function_value)
        return _LP(x, y, self.safe_bound(y, lo, hi), objective)

    def rounds_allowed(self) -> int:
        """Root cut rounds so far allowed: up to ROOT_ROUNDS (DENSE_ROUNDS on a dense graph) in
        all, and RESOLVE_ROUNDS more in each later search of this relaxation."""
        rounds = ROOT_ROUNDS if self.branching else DENSE_ROUNDS
        return max(rounds, self.rounds_done + RESOLVE_ROUNDS) if self.searches > 1 else rounds

    def basis(self) -> _Basis:
        """The current LP basis, to restart a node from."""
        basis = self.highs.getBasis()
        return _Basis(list(basis.col_status), list(basis.row_status))

    def restore(self, basis: _Basis) -> None:
        """Start the next LP from this basis; rows added since it was taken start basic."""
        rows = self.highs.getNumRow()
        status = basis.rows
        if len(status) < rows:
            status = status + [highspy.HighsBasisStatus.kBasic] * (rows - len(status))
        new = highspy.HighsBasis()
        new.col_status = basis.cols
        new.row_status = status
        new.valid = True
        self.highs.setBasis(new)

    def _rows(self) -> tuple[csr_matrix, np.ndarray]:
        if self._matrix is None or self._rhs is None:
            if self.cuts:
                lengths = [len(c) for c in self.cuts]
                indptr = np.concatenate(([0], np.cumsum(lengths)))
                cut_rows = csr_matrix(
                    (np.ones(int(indptr[-1])), np.concatenate(self.cuts), indptr),
                    shape=(len(self.cuts), self.n),
                )
                from scipy.sparse import vstack

                self._matrix = vstack([self._base, cut_rows]).tocsr()
                self._rhs = np.concatenate((self._base_rhs, np.ones(len(self.cuts))))
            else:
                self._matrix = self._base
                self._rhs = self._base_rhs
        return self._matrix, self._rhs

    def bound_parts(
        self, y: np.ndarray, lo: np.ndarray, hi: np.ndarray
    ) -> tuple[float, float, np.ndarray]:
        """Weak duality with ``max(y, 0)``: the float bound on every allocation within
        ``lo <= x <= hi``, a rigorous bound on its rounding error, and the reduced costs."""
        matrix, rhs = self._rows()
        yy = np.maximum(y, 0.0)
        ay = matrix.T @ yy
        r = self.cost - ay
        terms = hi * np.maximum(r, 0.0) + lo * np.minimum(r, 0.0)
        total = float(yy @ rhs) + float(terms.sum())
        # Every quantity is a sum of at most `count` products of exact inputs (integer prices,
        # units and supplies, float duals); a float sum of m terms errs by at most
        # m u / (1 - m u) times the sum of the terms' magnitudes (u = 2**-53), and `scale`
        # bounds every such magnitude sum.
        count = matrix.nnz + matrix.shape[0] + 2 * self.n + 4
        scale = float(yy @ np.abs(rhs)) + self._abs_cost + float(ay.sum())
        error = 4.0 * count * _UNIT_ROUNDOFF * scale + 1e-9
        return total, error, np.asarray(r)

    def safe_bound(self, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> int:
        """The floor of a proven upper bound on every allocation within ``lo <= x <= hi``."""
        total, error, _ = self.bound_parts(y, lo, hi)
        if not math.isfinite(total + error):
            return _INFINITE
        return math.floor(total + error)

    # -- cuts -----------------------------------------------------------------------------

    @property
    def conflict(self) -> np.ndarray | None:
        """The conflict graph (built on first use), or None above :data:`CONFLICT_LIMIT`."""
        if self._conflict is None and self.separable:
            conflict = conflicts(self.inst, self.cols)
            self.density = float(conflict.mean())
            if self.density > DENSE:
                self.branching = False
                if not self.dense_cuts:
                    self.separable = False
                    return None
            self._conflict = conflict
        return self._conflict

    def separate(self, x: np.ndarray, limit: int) -> int:
        """Add up to ``limit`` clique inequalities violated by ``x``; returns how many."""
        conflict = self.conflict
        if conflict is None:
            return 0
        support = np.flatnonzero(x > INTEGRALITY)
        if len(support) < 2:
            return 0
        # Candidates in order of decreasing x, ties by index (deterministic).
        order = support[np.lexsort((support, -x[support]))]
        found: list[np.ndarray] = []
        for j in order:
            if x[j] >= 1 - INTEGRALITY:
                continue
            mask = conflict[j].copy()
            clique = [int(j)]
            total = float(x[j])
            for k in order:
                if mask[k]:
                    clique.append(int(k))
                    total += float(x[k])
                    mask &= conflict[k]
            if total <= 1.0 + 1e-6:
                continue
            # Lift: bids at zero that conflict with the whole clique, cheapest index first.
            for k in np.flatnonzero(mask):
                if mask[k]:
                    clique.append(int(k))
                    mask &= conflict[k]
            cut = np.array(sorted(clique), dtype=np.int32)
            key = cut.tobytes()
            if key in self._cut_keys:
                continue
            self._cut_keys.add(key)
            found.append(cut)
            if len(found) >= limit:
                break
        if found:
            lengths = [len(c) for c in found]
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int32)
            index = np.concatenate(found).astype(np.int32)
            self.highs.addRows(
                len(found),
                np.full(len(found), -highspy.kHighsInf),
                np.ones(len(found)),
                len(index),
                starts,
                index,
                np.ones(len(index)),
            )
            self.cuts.extend(found)
            self._matrix = None
            self._rhs = None
        return len(found)

    # -- allocations ----------------------------------------------------------------------

    def value_of(self, chosen: Sequence[int]) -> int:
        return sum(self.prices[j] for j in chosen)

    def feasible(self, chosen: Sequence[int]) -> bool:
        """Exact check: units within supply, one bid per XOR group."""
        inst = self.inst
        used: dict[int, int] = {}
        groups: set[int] = set()
        for j in chosen:
            bid = inst.bids[self.cols[j]]
            if bid.group is not None:
                if bid.group in groups:
                    return False
                groups.add(bid.group)
            for g, u in bid.bundle:
                used[g] = used.get(g, 0) + u
                if used[g] > inst.goods[g].units:
                    return False
        return True

    def rounding(self, x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[int, list[int]]:
        """A feasible allocation from an LP point: the bids fixed at one, then the others by
        decreasing x and price, each taken if it still fits (a primal heuristic)."""
        inst = self.inst
        left = [g.units for g in inst.goods]
        groups: set[int] = set()
        chosen: list[int] = []
        total = 0
        keys = np.lexsort((np.arange(self.n), -self.cost, -np.round(x, 6), -lo))
        for j in keys:
            if hi[j] < 0.5:
                continue
            bid = inst.bids[self.cols[j]]
            if bid.group is not None and bid.group in groups:
                continue
            if all(left[g] >= u for g, u in bid.bundle):
                for g, u in bid.bundle:
                    left[g] -= u
                if bid.group is not None:
                    groups.add(bid.group)
                chosen.append(int(j))
                total += self.prices[j]
        return total, chosen


_INFINITE = 2**62

#: The branching decisions of a node: (column, 0 or 1) pairs.
Fixes = tuple[tuple[int, int], ...]


def conflicts(inst: Instance, cols: Sequence[int]) -> np.ndarray:
    """The conflict graph as a dense boolean matrix: same XOR group, or a good whose supply the
    two bids' units exceed together."""
    n = len(cols)
    conflict = np.zeros((n, n), dtype=bool)
    by_good: dict[int, list[tuple[int, int]]] = {}
    groups: dict[int, list[int]] = {}
    for i, b in enumerate(cols):
        bid = inst.bids[b]
        for g, u in bid.bundle:
            by_good.setdefault(g, []).append((i, u))
        if bid.group is not None:
            groups.setdefault(bid.group, []).append(i)
    for g, users in by_good.items():
        supply = inst.goods[g].units
        idx = np.array([i for i, _ in users])
        units = np.array([u for _, u in users])
        if supply == 1 or units.min() * 2 > supply:
            conflict[np.ix_(idx, idx)] = True
        else:
            clash = units[:, None] + units[None, :] > supply
            conflict[np.ix_(idx, idx)] |= clash
    for members in groups.values():
        idx = np.array(members)
        conflict[np.ix_(idx, idx)] = True
    np.fill_diagonal(conflict, False)
    return conflict


def branch_and_cut(
    relax: Relaxation,
    *,
    start: Sequence[int] = (),
    fixed_zero: Sequence[int] = (),
    deadline: float | None = None,
    node_limit: int | None = None,
    heuristic: Callable[[], Sequence[int]] | None = None,
) -> Outcome:
    """Maximise over the component with the columns in ``fixed_zero`` excluded.

    ``start`` (column indices, exactly feasible and outside ``fixed_zero``) is the first
    incumbent; ``heuristic`` is called once if the root LP alone does not prove optimality,
    for another such allocation (a greedy one: not worth its time when the LP settles it).
    Best bound first, diving on the branch that sets a bid to one. Returns with ``gave_up``
    when ``node_limit`` nodes did not finish the search, the conflict graph is too dense for
    branching, or the root gap is too wide (the caller then hands the component to another
    method, with the columns this run proved useless in ``fixed_zero``), or unfinished when
    the deadline passed.
    """
    n = relax.n
    relax.searches += 1
    lo0 = np.zeros(n)
    hi0 = np.ones(n)
    for j in fixed_zero:
        hi0[j] = 0.0
    best_value = relax.value_of(start)
    best = sorted(start)
    nodes = 0
    found: list[list[int]] = []

    def unfinished(bound: int, gave_up: bool) -> Outcome:
        return Outcome(
            best_value,
            best,
            max(bound, best_value),
            False,
            nodes,
            gave_up,
            [j for j in range(n) if hi0[j] == 0.0],
            found,
        )

    began = time.perf_counter()
    root = relax.solve(lo0, hi0, deadline)
    nodes += 1
    if root is None:
        # Stopped before any LP bound: every positive price of the bids left is one.
        trivial = sum(max(relax.prices[j], 0) for j in range(n) if hi0[j] > 0)
        return unfinished(trivial, False)
    # Root: clique cuts while they pay.
    last = root.objective
    rounds = 0
    allowed: int | None = None
    while True:
        value, chosen = relax.rounding(root.x, lo0, hi0)
        if value > best_value:
            best_value, best = value, sorted(chosen)
            found.append(best)
        if root.bound <= best_value:
            return Outcome(best_value, best, best_value, True, nodes, found=found)
        if heuristic is not None:
            extra = list(heuristic())
            heuristic = None
            if relax.value_of(extra) > best_value and relax.feasible(extra):
                best_value, best = relax.value_of(extra), sorted(extra)
                found.append(best)
                continue
        if relax.conflict is None:  # built here, on first need; None if it gets no cuts
            break
        if allowed is None:
            allowed = relax.rounds_allowed()
        if (
            deadline is not None
            and root.bound - best_value > HOPELESS * abs(root.bound)
            and time.perf_counter() - began > ROOT_SHARE * (deadline - began)
        ):
            break
        if relax.rounds_done >= allowed or relax.separate(root.x, ROOT_CUTS) == 0:
            break
        again = relax.solve(lo0, hi0, deadline)
        if again is None:
            return unfinished(root.bound, False)
        root = again
        rounds += 1
        relax.rounds_done += 1
        stalled = last - root.objective < STALL * max(abs(root.objective), 1.0)
        last = root.objective
        if stalled and rounds >= 3:
            break
    # Reduced-cost fixing: a column whose forced inclusion bounds every allocation at the
    # incumbent's value can be dropped from the search for a better one.
    _fix_by_reduced_cost(relax, root, lo0, hi0, best_value, set(best))
    if not (relax.separable and relax.branching) or root.bound - best_value > HOPELESS * abs(
        root.bound
    ):
        # Without cuts, on a dense conflict graph, or with a gap no tree closes, branching
        # here would not pay: another method takes over, on the columns left.
        return unfinished(root.bound, True)

    # Open nodes: (-bound, sequence, fixes, basis); a fix is (column, 0 or 1), and the basis
    # is the parent's optimal one, to start the node's LP from (HiGHS warm start).
    heap: list[tuple[int, int, Fixes, _Basis | None]] = []
    counter = 0
    next_check = PROGRESS_EVERY
    window_gap: int | None = None
    dive: Fixes | None = ()
    dive_bound = root.bound
    first = True

    def stop(bound: int, fixes: Fixes, gave_up: bool) -> Outcome:
        heapq.heappush(heap, (-bound, counter, fixes, None))
        timed_out = deadline is not None and time.perf_counter() >= deadline
        return unfinished(-heap[0][0], gave_up and not timed_out)

    while True:
        if dive is None:
            while heap and -heap[0][0] <= best_value:
                heapq.heappop(heap)
            if not heap:
                return Outcome(best_value, best, best_value, True, nodes, found=found)
            neg, _, dive, basis = heapq.heappop(heap)
            dive_bound = -neg
            if basis is not None:
                relax.restore(basis)
        fixes = dive
        dive = None
        if node_limit is not None and nodes >= node_limit:
            return stop(dive_bound, fixes, True)
        if node_limit is not None and nodes >= next_check:
            # Give up early when the gap stalls: a window of nodes that closed less than
            # STALLED_WINDOW of the gap it started with, after the first window.
            next_check += PROGRESS_EVERY
            top = max(dive_bound, -heap[0][0]) if heap else dive_bound
            gap = top - best_value
            if window_gap is not None and gap > (1.0 - STALLED_WINDOW) * window_gap:
                return stop(dive_bound, fixes, True)
            window_gap = gap
        lo = lo0.copy()
        hi = hi0.copy()
        for j, v in fixes:
            lo[j] = hi[j] = float(v)
        if first:
            lp: _LP | None = root
            first = False
        else:
            lp = relax.solve(lo, hi, deadline)
            nodes += 1
        if lp is None:
            return stop(dive_bound, fixes, True)
        if lp.bound <= best_value:
            continue
        if fixes and relax.separate(lp.x, NODE_CUTS):
            again = relax.solve(lo, hi, deadline)
            if again is None:
                return stop(lp.bound, fixes, True)
            lp = again
            if lp.bound <= best_value:
                continue
        value, chosen = relax.rounding(lp.x, lo, hi)
        if value > best_value:
            best_value, best = value, sorted(chosen)
            found.append(best)
            if lp.bound <= best_value:
                continue
        free = (lo != hi) & (lp.x > INTEGRALITY) & (lp.x < 1 - INTEGRALITY)
        candidates = np.flatnonzero(free)
        if len(candidates) == 0:
            # The LP optimum is integral here but its bound is not proven below the
            # incumbent plus one (float tolerance): leave the component to another method.
            return stop(lp.bound, fixes, True)
        # Branch on the most fractional bid (ties: the dearer, then the lower index).
        frac = np.abs(lp.x[candidates] - 0.5)
        pick = int(candidates[np.lexsort((candidates, -relax.cost[candidates], frac))[0]])
        counter += 1
        heapq.heappush(heap, (-lp.bound, counter, (*fixes, (pick, 0)), relax.basis()))
        ones = [j for j, v in fixes if v == 1]
        if relax.feasible([*ones, pick]):
            dive = (*fixes, (pick, 1))
            dive_bound = lp.bound


def _fix_by_reduced_cost(
    relax: Relaxation,
    root: _LP,
    lo0: np.ndarray,
    hi0: np.ndarray,
    incumbent: int,
    keep: set[int],
) -> None:
    """Set ``hi0[j] = 0`` for each free column ``j`` whose inclusion (``lo_j = 1``) bounds every
    allocation at ``incumbent`` or below, by the same safe dual bound.

    Forcing ``x_j = 1`` on a free column changes one term of the bound from ``max(r_j, 0)`` to
    ``r_j``: the bound drops by ``-min(r_j, 0)``. The one extra float addition errs by at most
    ``u`` times the magnitude of its result, covered by doubling the error term."""
    total, error, r = relax.bound_parts(root.y, lo0, hi0)
    if not math.isfinite(total + error):
        return
    margin = 2.0 * error + 4.0 * _UNIT_ROUNDOFF * (abs(total) + float(np.abs(r).max(initial=0.0)))
    forced = total + np.minimum(r, 0.0) + margin
    for j in np.flatnonzero((hi0 > lo0) & (forced < incumbent + 1)):
        if int(j) not in keep:
            hi0[j] = 0.0
