"""``Lambda``: wraps a function of arrays as a layer. Its config names the function, never its bytecode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerax import activations, ops
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


class Lambda(Layer):
    """Calls ``function(inputs, **arguments)``; the output shape is inferred by tracing it.

    The function must work on arrays (use ``kerax.ops`` or ``jax.numpy``). A saved Lambda records only
    the function's name: loading resolves it among kerax's own functions and the functions registered
    with ``kerax.saving.register_keras_serializable`` (or given as ``custom_objects``), and never runs
    code from the file (Keras's Lambda stores bytecode, the subject of CVE-2024-3660).

    Args:
        function: the function to apply.
        output_shape: accepted for Keras compatibility; shapes are inferred from the function.
        mask: not supported yet: a Lambda neither computes nor passes on masks.
        arguments: extra keyword arguments passed to ``function``.

    Example:
        >>> double = Lambda(lambda x: x * 2.0)
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
        self._refuse_unsupported(mask=mask)
        self.function = function
        self.output_shape = output_shape
        self.arguments = dict(arguments or {})

    def call(self, inputs: Any) -> Any:
        return self.function(inputs, **self.arguments)

    def get_config(self) -> dict[str, Any]:
        from kerax.saving._registry import _GLOBAL_CUSTOM_NAMES

        name = next((key for key, fn in _known_functions().items() if fn is self.function), None)
        name = name or _GLOBAL_CUSTOM_NAMES.get(id(self.function))
        if name is None:
            module = getattr(self.function, "__module__", "?")
            name = f"{module}.{getattr(self.function, '__qualname__', repr(self.function))}"
        return {**super().get_config(), "function": name, "arguments": self.arguments}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Lambda:
        config = dict(config)
        name = config.pop("function")
        if not isinstance(name, str):
            raise ValueError(
                f"Lambda config must name its function by a string; received {type(name).__name__}. kerax never "
                "loads a function's code (bytecode) from a file."
            )
        from kerax.saving._registry import get_registered_object

        function = _known_functions().get(name) or get_registered_object(name)
        if function is None:
            raise ValueError(
                f"Lambda config names the function {name!r}, which is neither one of kerax's own functions nor "
                "registered. kerax never imports or runs code named by a file: decorate the function with "
                "@kerax.saving.register_keras_serializable() (or pass it in custom_objects) and load again."
            )
        return cls(function, **config)
