"""``Lambda``: wraps a function of arrays as a layer. Its config names the function, never its bytecode."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from kerax import activations, ops
from kerax._serialization._registry import get_registered_object, registered_name_of
from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.layers._layer import Layer


def _known_functions() -> dict[str, Callable[..., Any]]:
    """Functions a Lambda config may name: kerax's own activations and ops (nothing imported by name)."""
    found: dict[str, Callable[..., Any]] = {}
    for module, prefix in ((ops, "kerax.ops"), (activations, "kerax.activations")):
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            if callable(value):
                found[f"{prefix}.{name}"] = value
    return found


def _function_name(function: Callable[..., Any]) -> str:
    """The name a config records for ``function``: kerax's own name, or the registered one."""
    name = next((key for key, fn in _known_functions().items() if fn is function), None)
    name = name or registered_name_of(function)
    if name is None:
        module = getattr(function, "__module__", "?")
        name = f"{module}.{getattr(function, '__qualname__', repr(function))}"
    return name


def _resolve_function(name: Any, what: str) -> Callable[..., Any]:
    """The function a config names: kerax's own or a registered one; never code carried by the file.

    The name is a string, or Keras's entry for a registered function (``{"class_name": "function",
    "config": "package>name"}``); Keras's ``__lambda__`` entries carry bytecode and are refused.
    """
    if isinstance(name, dict) and name.get("class_name") == "function":
        name = name.get("config")
    if not isinstance(name, str):
        raise ValueError(
            f"Lambda config must name its {what} by a string; received {type(name).__name__}. kerax never "
            "loads a function's code (bytecode) from a file."
        )

    function = _known_functions().get(name) or get_registered_object(name)
    if function is None and "." in name:
        # An unregistered function is recorded as "module.name"; Keras users pass it by its bare name.
        function = get_registered_object(name.rsplit(".", 1)[1])
    if function is None:
        raise ValueError(
            f"Lambda config names the {what} {name!r}, which is neither one of kerax's own functions nor "
            "registered. kerax never imports or runs code named by a file: decorate the function with "
            "@kerax.saving.register_keras_serializable() (or pass it in custom_objects) and load again."
        )
    return function


class Lambda(Layer):
    """Calls ``function(inputs, **arguments)``; the output shape is inferred by tracing it.

    The function must work on arrays (use ``kerax.ops`` or ``jax.numpy``); if it takes ``mask`` or
    ``training`` it receives them. A saved Lambda records only the function's name: loading resolves it
    among kerax's own functions and the functions registered with
    ``kerax.saving.register_keras_serializable`` (or given as ``custom_objects``), and never runs code
    from the file (Keras's Lambda stores bytecode, the subject of CVE-2024-3660).

    Args:
        function: the function to apply.
        output_shape: accepted for Keras compatibility (and kept in the config); shapes are inferred from
            the function.
        mask: the output mask: ``None`` (default: the layer does not support masking), a function
            ``mask(inputs, previous_mask)``, or a fixed array returned whatever the input.
        arguments: extra keyword arguments passed to ``function``, a dict, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Whatever ``function`` takes.

    Output shape:
        Whatever ``function`` returns.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> double = kerax.layers.Lambda(lambda x: x * 2.0)
        >>> double(np.array([1.0, 2.0]))
        Array([2., 4.], dtype=float32)
        >>> inputs = kerax.Input(shape=(3,))
        >>> kerax.layers.Lambda(lambda x: kerax.ops.sum(x, axis=-1, keepdims=True))(inputs).shape
        (None, 1)
    """

    def __init__(
        self,
        function: Callable[..., Any],
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda '{self.name}': `function` must be callable, received {function!r}.")
        self.function = function
        self.output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        self.arguments = dict(arguments or {})
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}
        self._passes = {k for k in ("mask", "training") if k in parameters}

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        extra = {k: v for k, v in (("mask", mask), ("training", training)) if k in self._passes}
        return self.function(inputs, **self.arguments, **extra)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "function": _function_name(self.function), "arguments": self.arguments}
        if self.mask is not None:
            config["mask"] = (
                _function_name(self.mask) if callable(self.mask) else serialize_keras_object(np.asarray(self.mask))
            )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Lambda:
        config = dict(config)
        function = _resolve_function(config.pop("function", None), "function")
        mask = config.pop("mask", None)
        if isinstance(mask, str) or (isinstance(mask, dict) and mask.get("class_name") == "__lambda__"):
            mask = _resolve_function(mask if isinstance(mask, str) else None, "mask function")
        elif mask is not None:
            mask = deserialize_keras_object(mask)
        return cls(function, mask=mask, **config)
