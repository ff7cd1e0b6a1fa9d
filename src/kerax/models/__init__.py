"""Models: ``Model`` (Functional or subclassed) and ``Sequential``; ``load_model`` (see ``kerax.saving``)."""

from kerax.models._functional import Functional
from kerax.models._model import Model
from kerax.models._sequential import Sequential
from kerax.saving._api import load_model

__all__ = ["Functional", "Model", "Sequential", "load_model"]
