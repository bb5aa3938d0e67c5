"""The contract every reputation model keeps (STYLE.md: one shared contract test per interface).

A model's test module subclasses :class:`ModelContract` as ``TestXxxContract`` and defines
``make()``; it may override ``stream()`` (the feedback fed in) and ``bad_feedback()`` (feedback
this model must refuse). pytest then runs every ``test_`` method below for that model.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trustmarket.core.errors import InvalidFeedback, InvalidInput
from trustmarket.reputation import Feedback, ModelProperties, ReputationModel

AGENTS = ("ann", "bo", "cy", "di", "ed", "flo")


def market_stream(count: int = 60, seed: int = 7, attributes: int = 3) -> list[Feedback]:
    """A small seeded market: random pairs trade, each side rates the other, ``flo`` cheats."""
    rng = np.random.default_rng(seed)
    out: list[Feedback] = []
    for k in range(count // 2):
        buyer, seller = rng.choice(len(AGENTS), size=2, replace=False)
        value = int(rng.integers(100, 100_000))
        for rater, subject in ((buyer, seller), (seller, buyer)):
            cheat = AGENTS[subject] == "flo"
            rating = -1 if cheat and rng.random() < 0.8 else int(rng.choice([0, 1], p=[0.2, 0.8]))
            scores = tuple(
                float(rng.integers(0, 2) if rating < 0 else rng.integers(3, 6))
                for _ in range(attributes)
            )
            out.append(
                Feedback(
                    transaction=f"t{k}",
                    rater=AGENTS[rater],
                    subject=AGENTS[subject],
                    rating=rating,
                    time=10 * k,
                    value=value,
                    attributes=scores,
                )
            )
    return out


def snapshot(model: ReputationModel) -> list[tuple[str, str | None, float]]:
    asked: list[str | None] = [None, *AGENTS]
    return [(s, by, model.score(s, by)) for s in (*AGENTS, "nobody") for by in asked]


class ModelContract:
    def make(self) -> ReputationModel:
        raise NotImplementedError

    def stream(self) -> list[Feedback]:
        return market_stream()

    def bad_feedback(self) -> list[object]:
        """Feedback (or other objects) this model must refuse with an InvalidInput."""
        return []

    def fed(self) -> ReputationModel:
        model = self.make()
        for feedback in self.stream():
            model.update(feedback)
        return model

    def test_has_a_name_and_properties(self) -> None:
        model = self.make()
        assert isinstance(model.name, str) and model.name
        assert isinstance(model.properties, ModelProperties)

    def test_scores_are_finite_floats_for_known_and_unknown_subjects(self) -> None:
        model = self.fed()
        assert set(model.subjects()) <= set(AGENTS)
        for _, _, value in snapshot(model):
            assert isinstance(value, float) and math.isfinite(value)
            if model.properties.probabilistic:
                assert 0.0 <= value <= 1.0

    def test_update_many_equals_one_by_one(self) -> None:
        batch = self.make()
        assert batch.update_many(self.stream()) == len(self.stream())
        got, expected = snapshot(batch), snapshot(self.fed())
        assert [key[:2] for key in got] == [key[:2] for key in expected]
        assert [key[2] for key in got] == pytest.approx([key[2] for key in expected])

    def test_same_feedback_same_scores(self) -> None:
        assert snapshot(self.fed()) == snapshot(self.fed())

    def test_explain_gives_the_score(self) -> None:
        model = self.fed()
        for subject in (*AGENTS, "nobody"):
            for by in (None, "ann"):
                explanation = model.explain(subject, by)
                assert explanation.subject == subject and explanation.model == model.name
                assert explanation.score == pytest.approx(model.score(subject, by))
                assert explanation.formula
                for c in explanation.contributions:
                    assert math.isfinite(c.weight)

    def test_refused_feedback_changes_nothing(self) -> None:
        model = self.fed()
        before = snapshot(model)
        for bad in [object(), "feedback", *self.bad_feedback()]:
            with pytest.raises(InvalidInput):
                model.update(bad)  # type: ignore[arg-type]
            assert snapshot(model) == before
        # A batch with one bad item is refused whole.
        good = self.stream()[:3]
        with pytest.raises(InvalidFeedback):
            model.update_many([*good, object()])  # type: ignore[list-item]
        assert snapshot(model) == before
