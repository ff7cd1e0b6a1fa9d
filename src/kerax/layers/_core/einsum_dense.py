"""``EinsumDense``: a dense layer whose contraction is an einsum equation (``"ab,bc->ac"``)."""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from kerax import activations, initializers
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer, bump_structure_version

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


class EinsumDense(Layer):
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
        if lora_rank is not None and (not isinstance(lora_rank, int) or isinstance(lora_rank, bool) or lora_rank <= 0):
            raise ValueError(f"{who}: `lora_rank` must be a positive integer or None, received {lora_rank!r}.")
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
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
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
        if self.lora_rank:
            self.built = True
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self) -> Any:
        """The kernel Variable; with LoRA enabled, the array ``kernel + (lora_alpha / lora_rank) * A @ B``."""
        if "_kernel" not in self.__dict__:
            raise AttributeError(f"EinsumDense '{self.name}': build the layer before reading `kernel`.")
        if not self.lora_enabled:
            return self._kernel
        delta = jnp.matmul(self.lora_kernel_a.value, self.lora_kernel_b.value)
        kernel = self._kernel.value + (self.lora_alpha / self.lora_rank) * delta
        return kernel.astype(self.compute_dtype)

    def enable_lora(
        self,
        rank: int,
        lora_alpha: float | None = None,
        a_initializer: Any = "he_uniform",
        b_initializer: Any = "zeros",
    ) -> None:
        """Freeze the kernel and learn a low-rank update ``(lora_alpha / rank) * A @ B`` instead (LoRA).

        ``A`` has shape ``kernel.shape[:-1] + (rank,)``, ``B`` has shape ``(rank, kernel.shape[-1])``; both are
        float32 and take the kernel's regularizer.

        Args:
            rank: the rank of the update.
            lora_alpha: the scale numerator (default ``rank``).
            a_initializer: the initializer of ``A`` (default ``"he_uniform"``).
            b_initializer: the initializer of ``B`` (default ``"zeros"``: the update starts at zero).

        Raises:
            ValueError: if the layer has a kernel constraint, is not built, or already uses LoRA, or ``rank``
                is not a positive integer.
        """
        who = f"EinsumDense '{self.name}'"
        if self.kernel_constraint is not None:
            raise ValueError(f"{who}: LoRA is incompatible with kernel constraints; remove `kernel_constraint`.")
        if not self.built:
            raise ValueError(f"{who}: cannot enable LoRA on a layer that isn't built yet; build or call it first.")
        if self.lora_enabled:
            raise ValueError(f"{who}: LoRA is already enabled; it can be enabled only once per layer.")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank <= 0:
            raise ValueError(f"{who}: the LoRA `rank` must be a positive integer, received {rank!r}.")
        shape = tuple(self._kernel.shape)
        self.lora_kernel_a = self.add_weight(
            (*shape[:-1], rank),
            initializers.get(a_initializer),
            dtype="float32",
            name="lora_kernel_a",
            regularizer=self.kernel_regularizer,
        )
        self.lora_kernel_b = self.add_weight(
            (rank, shape[-1]),
            initializers.get(b_initializer),
            dtype="float32",
            name="lora_kernel_b",
            regularizer=self.kernel_regularizer,
        )
        self._kernel.trainable = False
        bump_structure_version()
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        kernel = self.kernel
        kernel = kernel.value if not isinstance(kernel, jax.Array) else kernel
        x = jnp.einsum(self.equation, inputs, kernel)
        if self.bias is not None:
            x = x + self.bias.value
        return self.activation(x)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        return self._shapes(input_shape).output

    def save_own_variables(self, store: dict[str, Any]) -> None:
        """Write ``kernel`` (with any LoRA update merged into it) then ``bias`` under "0", "1", as Keras does.

        Args:
            store: the dict to fill, by position.
        """
        if not self.built:
            return
        kernel = self._kernel.value
        if self.lora_enabled:
            delta = jnp.matmul(self.lora_kernel_a.value, self.lora_kernel_b.value)
            kernel = (kernel + (self.lora_alpha / self.lora_rank) * delta).astype(self._kernel.dtype)
        store["0"] = np.asarray(kernel)
        if self.bias is not None:
            store["1"] = np.asarray(self.bias.value)

    def load_own_variables(self, store: Any) -> None:
        """Read what ``save_own_variables`` wrote; with LoRA enabled the saved kernel already holds the
        update, so the LoRA factors restart from zero (as in Keras).

        Args:
            store: a mapping from "0", "1"... to arrays.

        Raises:
            ValueError: if the number of arrays or a shape differs from the layer's kernel and bias.
        """
        if not self.built:
            return
        targets = [self._kernel] + ([self.bias] if self.bias is not None else [])
        keys = sorted(store.keys(), key=lambda k: int(k) if str(k).isdigit() else -1)
        arrays = [np.asarray(store[k]) for k in keys]
        want = [tuple(v.shape) for v in targets]
        got = [tuple(a.shape) for a in arrays]
        if want != got or any(not str(k).isdigit() for k in keys):
            raise ValueError(
                f"EinsumDense '{self.name}': expected arrays of shapes {want} (kernel, bias) in the weights file, "
                f"received {dict(zip(keys, got, strict=True))}."
            )
        for var, array in zip(targets, arrays, strict=True):
            var.assign(array)
        if self.lora_enabled:
            self.lora_kernel_a.assign(jnp.zeros(self.lora_kernel_a.shape, self.lora_kernel_a.dtype))
            self.lora_kernel_b.assign(jnp.zeros(self.lora_kernel_b.shape, self.lora_kernel_b.dtype))

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
        }
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
