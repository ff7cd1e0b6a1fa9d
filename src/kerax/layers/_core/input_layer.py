"""``InputLayer`` and ``Input``: where a graph starts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from kerax.backend import _config
from kerax.backend._dtypes import is_string_dtype
from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._layer import Layer


def _standardize_shape(shape: Any, who: str) -> tuple[int | None, ...]:
    if isinstance(shape, int):
        shape = (shape,)
    if not isinstance(shape, Sequence) or isinstance(shape, str):
        raise ValueError(f"{who}: `shape` must be a tuple of integers or None, received {shape!r}.")
    out = []
    for d in shape:
        if d is None:
            out.append(None)
        elif isinstance(d, int) and not isinstance(d, bool) and d >= 0:
            out.append(int(d))
        else:
            raise ValueError(
                f"{who}: every entry of `shape` must be a non-negative integer or None, received {tuple(shape)!r}."
            )
    return tuple(out)


class InputLayer(Layer):
    """The layer behind ``Input``: it holds the symbolic tensor that a graph starts from.

    Use ``kerax.Input`` to start a functional model; an ``InputLayer`` can also begin a ``Sequential``.

    Args:
        shape: the shape of one sample, without the batch size, e.g. ``(28, 28)``.
        batch_size: a fixed batch size, or ``None`` (default).
        dtype: the input's dtype, or ``None`` (default) for ``kerax.config.floatx()``; ``"string"`` for text.
        sparse: accepted for Keras compatibility; kerax has no sparse inputs, so it must be falsy.
        batch_shape: the full shape including the batch size, instead of ``shape`` and ``batch_size``.
        input_tensor: an existing symbolic tensor to start from, instead of a new one.
        optional: whether the input may be given as ``None`` when the model is called (default ``False``).
        name: the layer's name, or ``None`` (default) for ``input_layer``, ``input_layer_1``...
        **kwargs: other base layer keyword arguments; Keras 2's ``input_shape`` and ``batch_input_shape``
            are accepted for ``shape`` and ``batch_shape``.

    Example:
        >>> import kerax
        >>> model = kerax.Sequential([kerax.layers.InputLayer(shape=(3,)), kerax.layers.Dense(2)])
        >>> model.output_shape
        (None, 2)
    """

    def __init__(
        self,
        shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        batch_shape: Sequence[int | None] | None = None,
        input_tensor: SymbolicTensor | None = None,
        optional: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        text = dtype is not None and is_string_dtype(dtype)
        super().__init__(name=name, dtype=None if text else dtype, **kwargs)
        if sparse:
            raise ValueError(f"InputLayer '{self.name}': sparse inputs are not supported by kerax.")
        if batch_shape is not None:
            if shape is not None or batch_size is not None:
                raise ValueError(
                    f"InputLayer '{self.name}': pass either `batch_shape` or `shape` (and `batch_size`), not both."
                )
            full = _standardize_shape(batch_shape, f"InputLayer '{self.name}'")
        elif shape is not None:
            full = (batch_size, *_standardize_shape(shape, f"InputLayer '{self.name}'"))
        elif input_tensor is not None:
            full = input_tensor.shape
        else:
            raise ValueError(f"InputLayer '{self.name}': give the shape of one sample, e.g. `Input(shape=(28, 28))`.")
        self.batch_shape = full
        self._dtype = "string" if text else jnp.dtype(dtype or _config.floatx()).name
        self.optional = optional
        tensor = input_tensor or SymbolicTensor(full, self._dtype, name=self.name)
        self._record_node((), {}, tensor)
        self._inbound_nodes[0].is_input = True
        self.built = True

    @classmethod
    def _default_name(cls) -> str:
        return "input_layer"

    @property
    def dtype(self) -> str:
        """The dtype of the input tensor (``backend.floatx()`` by default, whatever the global policy)."""
        return self._dtype

    @property
    def output(self) -> SymbolicTensor:
        return self._inbound_nodes[0].outputs

    def call(self, inputs: Any) -> Any:
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": False, "name": self.name}


def Input(  # noqa: N802 - Keras's name
    shape: Sequence[int | None] | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    batch_shape: Sequence[int | None] | None = None,
    name: str | None = None,
    tensor: SymbolicTensor | None = None,
    optional: bool = False,
) -> SymbolicTensor:
    """A symbolic input for a functional model: ``inputs = Input(shape=(28, 28))``.

    Args:
        shape: the shape of one sample, without the batch size; ``None`` entries are unknown sizes.
        batch_size: a fixed batch size, or ``None`` (default).
        dtype: the dtype of the data, or ``None`` (default) for ``kerax.config.floatx()``; ``"string"`` for
            text, which the model's first layers (``TextVectorization``, ``StringLookup``, ``Hashing``...)
            turn into numbers on the host.
        sparse: accepted for Keras compatibility; kerax has no sparse inputs, so it must be falsy.
        batch_shape: the full shape, batch size included, instead of ``shape``.
        name: the input's name, also the key of this input when data is passed as a dict; ``None``
            (default) for ``input_layer``, ``input_layer_1``...
        tensor: an existing symbolic tensor to use instead of a new one, or ``None`` (default).
        optional: whether the input may be given as ``None`` when the model is called (default ``False``).

    Returns:
        A ``SymbolicTensor`` with ``shape`` ``(batch_size, *shape)`` and the given dtype.

    Example:
        >>> import kerax
        >>> inputs = kerax.Input(shape=(28, 28))
        >>> inputs.shape
        (None, 28, 28)
        >>> outputs = kerax.layers.Dense(10)(kerax.layers.Flatten()(inputs))
        >>> outputs.shape
        (None, 10)
        >>> model = kerax.Model(inputs, outputs)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer.output
