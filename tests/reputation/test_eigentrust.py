"""EigenTrust against an independent dense computation, pre-trust against a clique."""

from __future__ import annotations

import numpy as np
import pytest
from model_contract import ModelContract, market_stream

from trustmarket.core.errors import InvalidInput, SolverLimit
from trustmarket.reputation import Feedback
from trustmarket.reputation.models.eigentrust import EigenTrustModel


class TestEigenTrustContract(ModelContract):
    def make(self) -> EigenTrustModel:
        return EigenTrustModel(pretrusted=("ann",))


def dense_eigentrust(
    feedback: list[Feedback], agents: list[str], pretrusted: list[str], a: float
) -> np.ndarray:
    """The fixed point of t = (1 - a) C^T t + a p as the eigenvector of the full Markov
    matrix, computed independently of the model (dense, no iteration)."""
    n = len(agents)
    index = {x: k for k, x in enumerate(agents)}
    s = np.zeros((n, n))
    for f in feedback:
        s[index[f.rater], index[f.subject]] += f.rating
    s = np.maximum(s, 0)
    p = np.zeros(n)
    for x in pretrusted or agents:
        p[index[x]] = 1.0 / len(pretrusted or agents)
    c = np.empty((n, n))
    for i in range(n):
        c[i] = s[i] / s[i].sum() if s[i].sum() > 0 else p
    markov = (1 - a) * c.T + a * np.outer(p, np.ones(n))
    values, vectors = np.linalg.eig(markov)
    v = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    return v / v.sum()


@pytest.mark.parametrize("pretrusted", [[], ["ann", "bo"]])
def test_matches_the_dense_eigenvector(pretrusted: list[str]) -> None:
    stream = market_stream(120, seed=3)
    model = EigenTrustModel(pretrusted, pretrust_weight=0.2, tolerance=1e-13)
    model.update_many(stream)
    agents = model.solve().agents
    expected = dense_eigentrust(stream, agents, pretrusted, 0.2)
    got = np.array([model.score(x) for x in agents])
    assert got == pytest.approx(expected, abs=1e-10)
    assert got.sum() == pytest.approx(1.0)


def test_warm_start_gives_the_same_vector_as_a_cold_start() -> None:
    stream = market_stream(200, seed=5)
    warm = EigenTrustModel(tolerance=1e-13)
    warm.update_many(stream[:150])
    warm.solve()
    warm.update_many(stream[150:])
    cold = EigenTrustModel(tolerance=1e-13)
    cold.update_many(stream)
    assert warm.scores() == pytest.approx(cold.scores(), abs=1e-10)


def clique_market(model: EigenTrustModel) -> None:
    """Honest agents h0..h9 rate each other +1; a clique m0..m2 rates only itself +1 many
    times and gets one lucky positive from an honest agent."""
    k = 0
    for _ in range(3):
        for i in range(10):
            for j in range(10):
                if i != j:
                    model.update(Feedback(f"t{k}", f"h{i}", f"h{j}", 1))
                    k += 1
    for _ in range(30):
        for i in range(3):
            for j in range(3):
                if i != j:
                    model.update(Feedback(f"t{k}", f"m{i}", f"m{j}", 1))
                    k += 1
    model.update(Feedback(f"t{k}", "h0", "m0", 1))


def test_pretrusted_peers_keep_a_clique_from_capturing_trust() -> None:
    open_market = EigenTrustModel()
    founded = EigenTrustModel(pretrusted=["h0", "h1"])
    clique_market(open_market)
    clique_market(founded)
    clique = sum(founded.score(f"m{i}") for i in range(3))
    honest = sum(founded.score(f"h{i}") for i in range(10))
    assert honest > 0.8 and clique < 0.2
    assert clique < sum(open_market.score(f"m{i}") for i in range(3))


def test_explain_lists_the_raters_and_adds_up() -> None:
    model = EigenTrustModel()
    clique_market(model)
    explanation = model.explain("h3")
    assert {c.rater for c in explanation.contributions} == {f"h{i}" for i in range(10)} - {"h3"}
    assert explanation.quantities["from_raters"] <= explanation.score
    assert model.score("never-seen") == 0.0


def test_the_iteration_limit_is_a_clear_error() -> None:
    model = EigenTrustModel(max_iterations=2, tolerance=1e-15)
    model.update_many(market_stream(60))
    with pytest.raises(SolverLimit, match="did not converge in 2 iterations"):
        model.score("ann")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pretrusted": "ann"}, "not the string"),
        ({"pretrusted": ["a b"]}, "pre-trusted peer"),
        ({"pretrust_weight": 0.0}, r"\(0, 1\)"),
        ({"pretrust_weight": 1.0}, r"\(0, 1\)"),
        ({"tolerance": 0}, "positive"),
        ({"max_iterations": 0}, ">= 1"),
        ({"max_iterations": 2.5}, "integer"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    # InvalidReputation for parameters, InvalidId for a malformed peer: both InvalidInput.
    with pytest.raises(InvalidInput, match=message):
        EigenTrustModel(**kwargs)  # type: ignore[arg-type]
