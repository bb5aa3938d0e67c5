"""The model registry: the four models that exist now, by name, and an unknown name refused.

(beta, eigentrust and beta-filtered are registered too but are tested in their own modules.)"""

from __future__ import annotations

import pytest

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation import Feedback, ReputationModel
from trustmarket.reputation.models import MODEL_MODULES, make_model, model_class, model_names
from trustmarket.reputation.models.accumulative import AccumulativeModel
from trustmarket.reputation.models.rater_weighted import RaterWeightedModel
from trustmarket.reputation.models.ratio import RatioModel
from trustmarket.reputation.models.reputation_coefficient import ReputationCoefficientModel

EXISTING = {
    "accumulative": AccumulativeModel,
    "ratio": RatioModel,
    "weighted": RaterWeightedModel,
    "coefficient": ReputationCoefficientModel,
}


def test_the_four_models_are_registered_in_order() -> None:
    names = model_names()
    assert isinstance(names, tuple)
    assert names == tuple(MODEL_MODULES)
    assert names[:4] == ("accumulative", "ratio", "weighted", "coefficient")


@pytest.mark.parametrize(("name", "cls"), EXISTING.items())
def test_model_class_gives_the_registered_class_whose_name_matches(
    name: str, cls: type[ReputationModel]
) -> None:
    assert model_class(name) is cls
    assert cls.name == name
    assert issubclass(cls, ReputationModel)


@pytest.mark.parametrize(("name", "cls"), EXISTING.items())
def test_make_model_builds_a_fresh_default_model(name: str, cls: type[ReputationModel]) -> None:
    first, second = make_model(name), make_model(name)
    assert type(first) is cls and type(second) is cls
    assert first is not second
    first.update(Feedback("t1", "ann", "bo", 1, attributes=(5.0, 5.0, 5.0)))
    assert first.subjects() == frozenset({"bo"})
    assert second.subjects() == frozenset()


def test_make_model_passes_parameters() -> None:
    ratio = make_model("ratio", neutral=None, prior=0.2)
    assert isinstance(ratio, RatioModel)
    assert (ratio.neutral, ratio.prior) == (None, 0.2)
    coefficient = make_model("coefficient", alpha=0.7, mode="decentralized", initial=0.0)
    assert isinstance(coefficient, ReputationCoefficientModel)
    assert (coefficient.alpha, coefficient.mode, coefficient.initial) == (0.7, "decentralized", 0.0)
    weighted = make_model("weighted", peers="mean", half_life=60)
    assert isinstance(weighted, RaterWeightedModel)
    assert (weighted.peers, weighted.half_life) == ("mean", 60.0)


def test_make_model_passes_on_the_models_own_refusals() -> None:
    with pytest.raises(InvalidReputation, match="alpha"):
        make_model("coefficient", alpha=0)
    with pytest.raises(InvalidReputation, match="neutral"):
        make_model("ratio", neutral=2)


@pytest.mark.parametrize("name", ["nope", "Ratio", "ACCUMULATIVE", "", "rater_weighted", " ratio"])
def test_an_unknown_name_is_refused_with_the_choices(name: str) -> None:
    with pytest.raises(InvalidReputation, match="unknown reputation model") as raised:
        model_class(name)
    for known in EXISTING:
        assert known in str(raised.value)
    with pytest.raises(InvalidReputation, match="unknown reputation model"):
        make_model(name)
