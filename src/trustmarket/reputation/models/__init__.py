"""The reputation models, one per module (SPEC section 4), and their registry by name.

Each module defines one model class and names it ``MODEL``; :func:`make_model` builds a model by
its registered name with its default parameters (or the keyword arguments given).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.model import ReputationModel

__all__ = ["MODEL_MODULES", "make_model", "model_class", "model_names"]

#: Registered name -> the module that defines it.
MODEL_MODULES: dict[str, str] = {
    "accumulative": "trustmarket.reputation.models.accumulative",
    "ratio": "trustmarket.reputation.models.ratio",
    "weighted": "trustmarket.reputation.models.rater_weighted",
    "coefficient": "trustmarket.reputation.models.reputation_coefficient",
    "beta": "trustmarket.reputation.models.beta",
    "eigentrust": "trustmarket.reputation.models.eigentrust",
    "beta-filtered": "trustmarket.reputation.models.unfair_rater_filter",
}


def model_names() -> tuple[str, ...]:
    """Every registered model name, in registry order."""
    return tuple(MODEL_MODULES)


def model_class(name: str) -> type[ReputationModel]:
    """The model class registered as ``name``."""
    if name not in MODEL_MODULES:
        raise InvalidReputation(
            f"unknown reputation model {name!r}; choose one of {', '.join(MODEL_MODULES)}"
        )
    cls: type[ReputationModel] = importlib.import_module(MODEL_MODULES[name]).MODEL
    return cls


def make_model(name: str, **parameters: Any) -> ReputationModel:
    """A new model of the registered kind ``name``; a parameter the model does not have is an
    :class:`InvalidReputation` that lists the ones it has."""
    cls = model_class(name)
    allowed = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    unknown = sorted(set(parameters) - set(allowed))
    if unknown:
        raise InvalidReputation(
            f"model {name} has no parameter {', '.join(unknown)}; its parameters: "
            f"{', '.join(allowed) or 'none'}"
        )
    return cls(**parameters)
