"""Models: ``Model`` (Functional or subclassed) and ``Sequential``."""

from typing import Any

from kerax.models._functional import Functional
from kerax.models._model import Model
from kerax.models._sequential import Sequential


def load_model(
    filepath: Any, custom_objects: dict[str, Any] | None = None, compile: bool = True, safe_mode: bool = True  # noqa: A002
) -> Model:
    """Load a model saved with ``model.save()`` (``.kerax``) or by Keras 3 (``.keras``); see ``kerax.saving``."""
    from kerax.saving import load_model as _load_model

    return _load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


__all__ = ["Functional", "Model", "Sequential", "load_model"]
