"""``EinsumDense``: a dense layer whose contraction is an einsum equation (``"ab,bc->ac"``)."""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from kerax import activations, initializers
from kerax.layers._core._lora import LoRAKernel
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer

# The three forms Keras accepts: no ellipsis, an ellipsis on the left, an ellipsis on the right.
_PLAIN = re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)")
_LEFT = re.compile(r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)")
_RIGHT = re.compile(r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.")


class _Equation(NamedTuple):
    inputs: str
    weight: str
    output: str
    ellipsis: str | None  # None, "left" or "right"


class _Shapes(NamedTuple):
    kernel: tuple[int, ...]
    bias: tuple[int, ...] | None
    output: tuple[int | None, ...]
    input_axes: tuple[int, ...]
    output_axes: tuple[int, ...]


def _parse_equation(equation: Any, who: str) -> _Equation:
    """Split ``equation`` into its input, weight and output subscripts and where its ellipsis is."""
    if not isinstance(equation, str):
        raise TypeError(f"{who}: `equation` must be a str such as 'ab,bc->ac', received {equation!r}.")
    for pattern, ellipsis in ((_PLAIN, None), (_LEFT, "left"), (_RIGHT, "right")):
        found = pattern.fullmatch(equation)
        if found:
            return _Equation(*found.groups(), ellipsis)
    raise ValueError(
        f"{who}: invalid einsum equation {equation!r}. Equations must be of the form '[X],[Y]->[Z]', "
        "'...[X],[Y]->...[Z]' or '[X]...,[Y]->[Z]...', where X, Y and Z are letters."
    )


def _analyze(
    eq: _Equation,
    bias_axes: str | None,
    input_shape: tuple[int | None, ...],
    partial_output: tuple[int | None, ...],
    who: str,
) -> _Shapes:
    """The kernel and bias shapes, the full output shape and the kernel's input/output axes."""
    rank = len(input_shape)
    elided = rank - len(eq.inputs)
    if elided < 0 or (eq.ellipsis is None and elided != 0):
        raise ValueError(
            f"{who}: the equation's input subscripts {eq.inputs!r} expect inputs of rank "
            f"{len(eq.inputs)}{' or more' if eq.ellipsis else ''}, received input shape {tuple(input_shape)}."
        )
    # `output_shape` omits the batch axis (the first output subscript, or the first elided axis).
    expected = len(eq.output) if eq.ellipsis == "left" else len(eq.output) - 1
    if len(partial_output) != expected:
        raise ValueError(
            f"{who}: `output_shape` must have {expected} entr{'y' if expected == 1 else 'ies'} (one per output "
            f"subscript of {eq.output!r}, without the batch axis), received output_shape={partial_output}."
        )
    if eq.ellipsis == "left":
        # The elided axes (batch first) lead the output; the subscripted axes follow them.
        in_pos = {c: elided + i for i, c in enumerate(eq.inputs)}
        out_pos = {c: elided + i for i, c in enumerate(eq.output)}
        output = [*input_shape[:elided], *partial_output]
    else:
        in_pos = {c: i for i, c in enumerate(eq.inputs)}
        out_pos = {c: i for i, c in enumerate(eq.output)}
        output = [input_shape[0], *partial_output, *input_shape[rank - elided :]]
    for c in eq.output:
        if c not in eq.inputs and c not in eq.weight:
            raise ValueError(
                f"{who}: output subscript {c!r} of {eq.output!r} appears in neither the input subscripts "
                f"{eq.inputs!r} nor the weight subscripts {eq.weight!r}."
            )
    for c in eq.inputs:
        if c in out_pos:
            given, actual = output[out_pos[c]], input_shape[in_pos[c]]
            if given is not None and actual is not None and given != actual:
                raise ValueError(
                    f"{who}: the input and output shapes do not match at the shared dimension {c!r}: the input "
                    f"has {actual} and `output_shape` gives {given} (input shape {tuple(input_shape)}, "
                    f"output_shape={partial_output})."
                )
            if given is None:
                output[out_pos[c]] = actual  # None in `output_shape`: inferred from the input
    kernel, input_axes, output_axes = [], [], []
    for i, c in enumerate(eq.weight):
        if c in out_pos:
            size = output[out_pos[c]]
            output_axes.append(i)
        elif c in in_pos:
            size = input_shape[in_pos[c]]
            input_axes.append(i)
        else:
            raise ValueError(
                f"{who}: weight subscript {c!r} of {eq.weight!r} appears in neither the input subscripts "
                f"{eq.inputs!r} nor the output subscripts {eq.output!r}; the weight must be fully specified."
            )
        if size is None:
            raise ValueError(
                f"{who}: the size of weight dimension {c!r} must be known to create the kernel; it is None "
                f"(input shape {tuple(input_shape)}, output_shape={partial_output})."
            )
        kernel.append(int(size))
    bias = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in eq.output:
                raise ValueError(f"{who}: bias dimension {c!r} is not part of the output subscripts {eq.output!r}.")
        first = min(eq.output.index(c) for c in bias_axes)
        bias_list = []
        for c in eq.output[first:]:
            size = output[out_pos[c]] if c in bias_axes else 1
            if size is None:
                raise ValueError(
                    f"{who}: the size of bias dimension {c!r} must be known to create the bias; it is None "
                    f"(input shape {tuple(input_shape)}, output_shape={partial_output})."
                )
            bias_list.append(int(size))
        if eq.ellipsis == "right":
            bias_list.extend([1] * elided)
        bias = tuple(bias_list)
    return _Shapes(tuple(kernel), bias, tuple(output), tuple(input_axes), tuple(output_axes))


class _FanAwareInit:
    """A ``VarianceScaling`` initializer whose fans are the products of the kernel's input and output axes
    (as Keras sets ``input_axes``/``output_axes`` for an einsum kernel), not the convolution-style default."""

    def __init__(self, base: initializers.VarianceScaling, input_axes: tuple[int, ...], output_axes: tuple[int, ...]):
        self.base = base
        self.input_axes = input_axes
        self.output_axes = output_axes

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        fan_in = math.prod(shape[a] for a in self.input_axes)
        fan_out = math.prod(shape[a] for a in self.output_axes)
        # The draws are independent, so drawing a (fan_in, fan_out) matrix and laying it out as the kernel
        # gives the distribution Keras draws from.
        return np.reshape(self.base((fan_in, fan_out), dtype), shape)


class EinsumDense(LoRAKernel, Layer):
    """A dense layer computing ``activation(einsum(equation, inputs, kernel) + bias)``.

    Args:
        equation: the einsum equation, ``"ab,bc->ac"``, ``"...ab,bc->...ac"`` or ``"ab...,bc->ac..."``: input
            subscripts, kernel subscripts, output subscripts.
        output_shape: the output's shape without the batch axis and without the elided axes: an int or a
            tuple; ``None`` entries are taken from the input's shared axis.
        activation: a name (``"relu"``) or callable; default none (linear).
        bias_axes: the output subscripts that get a bias (e.g. ``"c"``); default no bias.
        kernel_initializer: the initializer of the kernel (default ``"glorot_uniform"``); a
            variance-scaling initializer counts its fans over the kernel's input and output axes.
        bias_initializer: the initializer of the bias (default ``"zeros"``).
        kernel_regularizer: a regularizer applied to the kernel, or ``None`` (default).
        bias_regularizer: a regularizer applied to the bias, or ``None`` (default).
        kernel_constraint: a constraint applied to the kernel after each update, or ``None`` (default).
        bias_constraint: a constraint applied to the bias after each update, or ``None`` (default).
        lora_rank: a positive int: the layer is built with LoRA enabled at this rank (see
            ``enable_lora``); ``None`` (default) for no LoRA.
        lora_alpha: the LoRA scale numerator: the update is ``(lora_alpha / lora_rank) * (A @ B)``;
            ``None`` (default) for ``lora_rank``.
        gptq_unpacked_column_size: accepted for Keras compatibility; must be ``None`` (quantized kernels
            are not supported).
        quantization_config: accepted for Keras compatibility; must be ``None``.
        **kwargs: base layer keyword arguments such as ``name``, ``dtype`` and ``activity_regularizer``.

    Raises:
        TypeError: if ``equation`` is not a str or ``output_shape`` neither an int nor a tuple.
        ValueError: for an equation of an unsupported form, a bad ``lora_rank``, or a quantization argument.

    Input shape:
        The rank the equation's input subscripts name (or more, with an ellipsis).

    Output shape:
        The output subscripts' shape: ``output_shape``, with the batch axis and the axes an ellipsis stands
        for.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
        >>> layer(np.ones((2, 5, 3))).shape
        (2, 5, 8)
        >>> layer.kernel.shape, layer.bias.shape
        ((3, 8), (8,))
    """

    def __init__(
        self,
        equation: str,
        output_shape: Any,
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        gptq_unpacked_column_size: int | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        super().__init__(**kwargs)
        who = f"EinsumDense '{self.name}'"
        self._equation = _parse_equation(equation, who)
        if isinstance(output_shape, int) and not isinstance(output_shape, bool):
            partial: tuple = (output_shape,)
        elif isinstance(output_shape, list | tuple):
            partial = tuple(output_shape)
        else:
            raise TypeError(f"{who}: `output_shape` must be an int or a tuple, received {output_shape!r}.")
        if not all(d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in partial):
            raise ValueError(f"{who}: `output_shape` entries must be positive ints or None, received {output_shape!r}.")
        if bias_axes is not None and (not isinstance(bias_axes, str) or not bias_axes):
            raise TypeError(
                f"{who}: `bias_axes` must be a non-empty str of output subscripts or None, received {bias_axes!r}."
            )
        for name, value in (
            ("gptq_unpacked_column_size", gptq_unpacked_column_size),
            ("quantization_config", quantization_config),
        ):
            if value is not None:
                raise ValueError(
                    f"{who}: `{name}` must be None: kerax does not implement Keras's quantized kernels, received "
                    f"{name}={value!r}."
                )
        self._keep_regularization(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        self.equation = equation
        self.partial_output_shape = partial
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._init_lora(lora_rank, lora_alpha)
        self.quantization_mode = None
        self.bias = None

    def _shapes(self, input_shape: Any) -> _Shapes:
        return _analyze(
            self._equation, self.bias_axes, tuple(input_shape), self.partial_output_shape, f"EinsumDense '{self.name}'"
        )

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        shapes = self._shapes(input_shape)
        self.input_spec = InputSpec(ndim=len(input_shape))
        init = self.kernel_initializer
        if isinstance(init, initializers.VarianceScaling):
            init = _FanAwareInit(init, shapes.input_axes, shapes.output_axes)
        self._kernel = self.add_weight(shapes.kernel, init, name="kernel", **self._weight_penalties("kernel"))
        self.bias = None
        if shapes.bias is not None:
            self.bias = self.add_weight(
                shapes.bias, self.bias_initializer, name="bias", **self._weight_penalties("bias")
            )
        self._build_lora()

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        x = jnp.einsum(self.equation, inputs, self._kernel_value())
        if self.bias is not None:
            x = x + self.bias.value
        return self.activation(x)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        return self._shapes(input_shape).output

    def quantize(self, mode: Any = None, **kwargs: Any) -> None:
        """Refused: kerax has no quantized kernels.

        Raises:
            ValueError: always, naming the mode asked for.
        """
        raise ValueError(
            f"EinsumDense '{self.name}': quantize(mode={mode!r}) is not available: kerax does not implement "
            "Keras's quantized (int8, int4, float8, GPTQ, AWQ) kernels."
        )

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            **self.regularization_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "quantization_config": None,
            **self._lora_config(),
        }
        return config
