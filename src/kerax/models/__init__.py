"""Models: ``Model`` (Functional or subclassed) and ``Sequential``; cloning, JSON, and saving (see ``kerax.saving``)."""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.models._cloning import clone_model, model_from_json
from kerax.models._functional import Functional
from kerax.models._model import Model
from kerax.models._sequential import Sequential
from kerax.saving._api import load_model, save_model

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]

_register_builtins("models", {"Functional": Functional, "Model": Model, "Sequential": Sequential})


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
