"""Models: ``Model`` (Functional or subclassed) and ``Sequential``."""

from kerax.models._functional import Functional
from kerax.models._model import Model
from kerax.models._sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
