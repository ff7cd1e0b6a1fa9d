"""Keras's core ops (control flow, scatter/slice updates, ``stop_gradient``, ...) and its math ops."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kerax.ops._registry import op, unwrap_variables

__all__ = [
    "associative_scan",
    "cdist",
    "cond",
    "custom_gradient",
    "dtype",
    "erf",
    "erfc",
    "erfinv",
    "extract_sequences",
    "fft",
    "fft2",
    "fori_loop",
    "ifft2",
    "in_top_k",
    "irfft",
    "is_tensor",
    "istft",
    "logdet",
    "logsumexp",
    "map",
    "rearrange",
    "rfft",
    "rsqrt",
    "saturate_cast",
    "scan",
    "scatter",
    "scatter_update",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "slice",
    "slice_update",
    "stft",
    "stop_gradient",
    "switch",
    "top_k",
    "vectorized_map",
    "view_as_complex",
    "view_as_real",
    "while_loop",
]


# -- Control flow -------------------------------------------------------------------------------------
@op("Cond")
def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    """``true_fn()`` if ``pred`` is true, else ``false_fn()``; both are traced, one is run.

    Args:
        pred: A scalar boolean.
        true_fn: Callable with no arguments.
        false_fn: Callable with no arguments, returning the same structure, shapes and dtypes as ``true_fn``.
    """
    return lax.cond(pred, true_fn, false_fn)


@op("Switch")
def switch(index: Any, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """``branches[index](*operands)``: run the branch that ``index`` selects.

    Args:
        index: A scalar integer, clamped to ``[0, len(branches) - 1]``.
        branches: A sequence of callables returning the same structure, shapes and dtypes.
        *operands: The arguments given to the selected branch.
    """
    return lax.switch(index, branches, *operands)


@op("Map")
def map(f: Callable[[Any], Any], xs: Any) -> Any:  # noqa: A001
    """``f`` applied to each slice of ``xs`` along its first axis, in sequence; the results stacked.

    Args:
        f: Callable taking one slice (a tensor or a nested structure of them).
        xs: A tensor, or a nested structure of tensors with the same first dimension.
    """
    return lax.map(f, xs)


@op("VectorizedMap")
def vectorized_map(function: Callable[[Any], Any], elements: Any) -> Any:
    """``function`` applied to each slice of ``elements`` along its first axis, in parallel (``jax.vmap``).

    Args:
        function: Callable taking one slice.
        elements: A tensor, or a nested structure of tensors with the same first dimension.
    """
    return jax.vmap(function)(elements)


@op("Scan")
def scan(
    f: Callable[[Any, Any], tuple[Any, Any]],
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
) -> tuple[Any, Any]:
    """Loop ``f`` over the first axis of ``xs`` carrying a state: ``carry, y = f(carry, x)``.

    Args:
        f: Callable ``(carry, x) -> (carry, y)``; the carry keeps its structure, shapes and dtypes.
        init: The initial carry.
        xs: Values to loop over along their first axis; ``None`` (default) loops ``length`` times with ``x=None``.
        length: Number of iterations; needed when ``xs`` is ``None`` (default ``None``).
        reverse: Whether to loop from the end (default ``False``).
        unroll: Iterations unrolled per loop step: a positive int (default 1), or ``True`` for all.
    """
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"scan: `unroll` must be a positive int or a bool, received {unroll!r}.")
    return lax.scan(f, init, xs, length=length, reverse=reverse, unroll=unroll)


@op("AssociativeScan")
def associative_scan(f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Parallel prefix scan of ``elems`` with an associative binary function (cumulative sums, products...).

    Args:
        f: Associative callable ``(a, b) -> c`` on slices of ``elems``.
        elems: A tensor, or a nested structure of tensors with the same size along ``axis``.
        reverse: Whether to scan from the end (default ``False``).
        axis: Axis to scan along (default 0).
    """
    return lax.associative_scan(f, elems, reverse=reverse, axis=axis)


@op("WhileLoop")
def while_loop(
    cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Any, maximum_iterations: int | None = None
) -> Any:
    """Run ``body`` while ``cond`` is true, starting from ``loop_vars``.

    Args:
        cond: Callable taking the loop variables (unpacked) and returning a scalar boolean.
        body: Callable taking the loop variables (unpacked) and returning their new values.
        loop_vars: A tuple or list of loop variables, or a single one.
        maximum_iterations: Most iterations to run; ``None`` (default) sets no limit.
    """
    packed = isinstance(loop_vars, tuple | list)
    state = tuple(loop_vars) if packed else (loop_vars,)

    def step(values: tuple) -> tuple:
        out = body(*values)
        return tuple(out) if packed else (out,)

    if maximum_iterations is None:
        out = lax.while_loop(lambda values: cond(*values), step, state)
    else:
        out, _ = lax.while_loop(
            lambda s: jnp.logical_and(cond(*s[0]), s[1] < maximum_iterations),
            lambda s: (step(s[0]), s[1] + 1),
            (state, 0),
        )
    return out if packed else out[0]


@op("ForiLoop")
def fori_loop(lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any) -> Any:
    """``init_val`` updated by ``body_fun(i, val)`` for ``i`` from ``lower`` to ``upper - 1``.

    Args:
        lower: First loop index.
        upper: Loop index to stop at (excluded).
        body_fun: Callable ``(i, val) -> val``.
        init_val: The initial value.
    """
    return lax.fori_loop(lower, upper, body_fun, init_val)


@op("StopGradient")
def stop_gradient(variable: Any) -> Any:
    """``variable``'s value, with no gradient flowing back through it.

    Args:
        variable: A tensor or Variable.
    """
    return lax.stop_gradient(variable)


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate ``f`` returning ``(output, grad_fn)``; ``grad_fn(upstream)`` returns the inputs' gradients.

    Args:
        f: Function returning ``(output, grad_fn)``.
    """
    with_gradient = jax.custom_gradient(f)

    @functools.wraps(f)
    def call(*args: Any, **kwargs: Any) -> Any:
        args, kwargs = unwrap_variables((args, kwargs))
        return with_gradient(*args, **kwargs)

    return call


# -- Tensors ------------------------------------------------------------------------------------------
def dtype(x: Any) -> str:
    """The dtype of ``x`` as a string (``"float32"``).

    Args:
        x: A tensor.
    """
    return jnp.dtype(x.dtype).name


def is_tensor(x: Any) -> bool:
    """True for arrays of the backend (JAX arrays, tracers included).

    Args:
        x: Any object.
    """
    return isinstance(x, jax.Array)


def _range_of(dtype: Any) -> tuple[Any, Any]:
    if dtype == jnp.bool_:
        return 0, 1
    info = jnp.iinfo(dtype) if jnp.issubdtype(dtype, jnp.integer) else jnp.finfo(dtype)
    return info.min, info.max


@op("SaturateCast")
def saturate_cast(x: Any, dtype: Any) -> jax.Array:
    """``x`` cast to ``dtype``, with values outside ``dtype``'s range clipped to it.

    Args:
        x: Input tensor.
        dtype: The target data type.
    """
    x = jnp.asarray(x)
    source, target = jnp.dtype(x.dtype), jnp.dtype(dtype)
    (in_min, in_max), (out_min, out_max) = _range_of(source), _range_of(target)
    # NumPy's promotion rules decide, as in Keras, whether a limit rounded in the source dtype overshoots; the
    # final cast saturates whatever rounding leaves at the target's edge.
    with np.errstate(over="ignore", invalid="ignore"):
        low, high = np.maximum(in_min, out_min).astype(source), np.minimum(in_max, out_max).astype(source)
        if low < out_min:
            low = np.nextafter(low, np.zeros((), source))
        if high > out_max:
            high = np.nextafter(high, np.zeros((), source))
    if source == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(x, low, high).astype(target)


@op("Scatter")
def scatter(indices: Any, values: Any, shape: Any) -> jax.Array:
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (repeated indices add up).

    Args:
        indices: Integer tensor ``(N, k)``: the coordinates of each value in the first ``k`` axes.
        values: Tensor ``(N, *shape[k:])`` of values.
        shape: Shape of the result.
    """
    indices, values = jnp.asarray(indices), jnp.asarray(values)
    return jnp.zeros(shape, values.dtype).at[tuple(jnp.moveaxis(indices, -1, 0))].add(values)


@op("ScatterUpdate")
def _scatter_update(inputs: Any, indices: Any, updates: Any, reduction: str | None = None) -> jax.Array:
    inputs, indices = jnp.asarray(inputs), jnp.asarray(indices)
    at = inputs.at[tuple(jnp.moveaxis(indices, -1, 0))]
    apply = {None: at.set, "add": at.add, "max": at.max, "min": at.min, "mul": at.multiply}[reduction]
    return apply(updates)


def scatter_update(inputs: Any, indices: Any, updates: Any, reduction: str | None = None) -> Any:
    """``inputs`` with the entries at ``indices`` replaced by (or combined with) ``updates``.

    Args:
        inputs: The tensor to update.
        indices: Integer tensor ``(N, k)``: the coordinates of each update in the first ``k`` axes.
        updates: Tensor ``(N, *inputs.shape[k:])`` of new values.
        reduction: ``None`` (default) replaces; ``"add"``, ``"max"``, ``"min"`` or ``"mul"`` combines the updates with
            the current values.
    """
    if reduction is not None:
        reduction = reduction.lower()
        if reduction not in ("add", "max", "min", "mul"):
            raise ValueError(
                f"scatter_update: `reduction` must be None, 'add', 'max', 'min' or 'mul', received {reduction!r}."
            )
    return _scatter_update(inputs, indices, updates, reduction=reduction)


@op("Slice")
def slice(inputs: Any, start_indices: Any, shape: Any) -> jax.Array:  # noqa: A001
    """A slice of ``inputs`` of size ``shape`` starting at ``start_indices``.

    Args:
        inputs: Input tensor.
        start_indices: Start of the slice, one index per axis (may be tensors).
        shape: Size of the slice, one per axis; -1 takes the rest of the axis.
    """
    inputs = jnp.asarray(inputs)
    shape = tuple(shape)
    if len(shape) != inputs.ndim or len(start_indices) != inputs.ndim:
        raise ValueError(
            f"slice: `start_indices` and `shape` need one entry per axis of `inputs` (shape {inputs.shape}), "
            f"received start_indices={start_indices!r} and shape={shape!r}."
        )
    sizes = tuple(inputs.shape[i] - int(start_indices[i]) if s == -1 else s for i, s in enumerate(shape))
    return lax.dynamic_slice(inputs, tuple(start_indices), sizes)


@op("SliceUpdate")
def slice_update(inputs: Any, start_indices: Any, updates: Any) -> jax.Array:
    """``inputs`` with the block starting at ``start_indices`` replaced by ``updates``.

    Args:
        inputs: Input tensor.
        start_indices: Start of the block, one index per axis (may be tensors).
        updates: The new values, with the rank of ``inputs``.
    """
    inputs = jnp.asarray(inputs)
    updates = jnp.asarray(updates, dtype=inputs.dtype)
    if updates.ndim != inputs.ndim or len(start_indices) != inputs.ndim:
        raise ValueError(
            f"slice_update: `updates` and `start_indices` need one entry per axis of `inputs` (shape {inputs.shape}), "
            f"received updates.shape={updates.shape} and start_indices={start_indices!r}."
        )
    return lax.dynamic_update_slice(inputs, updates, tuple(start_indices))


# -- Math ---------------------------------------------------------------------------------------------
def _segment_checks(data: Any, segment_ids: Any, num_segments: Any, who: str) -> None:
    if len(segment_ids.shape) != 1:
        raise ValueError(f"{who}: `segment_ids` must be a 1D vector, received shape {segment_ids.shape}.")
    if segment_ids.shape[0] is not None and data.shape[0] is not None and segment_ids.shape[0] != data.shape[0]:
        raise ValueError(
            f"{who}: `segment_ids` and `data` must have the same leading dimension, received shapes "
            f"{segment_ids.shape} and {data.shape}."
        )
    if num_segments is None:
        raise ValueError(f"{who}: `num_segments` must be given (static output shapes), received None.")


def _segment_op(reduce: Callable[..., jax.Array]) -> Callable[..., Any]:
    """Decorator: the op named after the decorated ``segment_<name>`` function (class ``Segment<Name>``), reducing
    ``data``'s rows per segment with ``reduce`` (``jax.ops.segment_sum``...).

    The decorated function gives the op its name, signature and docstring; its body is never run.
    """

    def wrap(stub: Callable[..., Any]) -> Callable[..., Any]:
        who = stub.__name__

        def impl(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> jax.Array:  # noqa: A002
            data, segment_ids = jnp.asarray(data), jnp.asarray(segment_ids)
            _segment_checks(data, segment_ids, num_segments, who)
            return reduce(data, segment_ids, num_segments, indices_are_sorted=sorted)

        impl.__name__ = impl.__qualname__ = who
        impl.__doc__ = stub.__doc__
        return op("Segment" + who.removeprefix("segment_").capitalize())(impl)

    return wrap


@_segment_op(jax.ops.segment_sum)
def segment_sum(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> jax.Array:  # noqa: A002
    """The sum of ``data``'s rows within each segment of ``segment_ids``.

    Args:
        data: Tensor whose rows (first axis) are reduced.
        segment_ids: 1-D integer tensor: the segment of each row of ``data`` (as many entries as ``data`` has rows).
        num_segments: Number of segments; required, as it fixes the output shape.
        sorted: Whether ``segment_ids`` is sorted, which may be faster (default ``False``).
    """


@_segment_op(jax.ops.segment_max)
def segment_max(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> jax.Array:  # noqa: A002
    """The maximum of ``data``'s rows within each segment of ``segment_ids``.

    Args:
        data: Tensor whose rows (first axis) are reduced.
        segment_ids: 1-D integer tensor: the segment of each row of ``data`` (as many entries as ``data`` has rows).
        num_segments: Number of segments; required, as it fixes the output shape.
        sorted: Whether ``segment_ids`` is sorted, which may be faster (default ``False``).
    """


@_segment_op(jax.ops.segment_min)
def segment_min(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> jax.Array:  # noqa: A002
    """The minimum of ``data``'s rows within each segment of ``segment_ids``.

    Args:
        data: Tensor whose rows (first axis) are reduced.
        segment_ids: 1-D integer tensor: the segment of each row of ``data`` (as many entries as ``data`` has rows).
        num_segments: Number of segments; required, as it fixes the output shape.
        sorted: Whether ``segment_ids`` is sorted, which may be faster (default ``False``).
    """


@_segment_op(jax.ops.segment_prod)
def segment_prod(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> jax.Array:  # noqa: A002
    """The product of ``data``'s rows within each segment of ``segment_ids``.

    Args:
        data: Tensor whose rows (first axis) are reduced.
        segment_ids: 1-D integer tensor: the segment of each row of ``data`` (as many entries as ``data`` has rows).
        num_segments: Number of segments; required, as it fixes the output shape.
        sorted: Whether ``segment_ids`` is sorted, which may be faster (default ``False``).
    """


@op("TopK")
def top_k(x: Any, k: int, sorted: bool = True) -> tuple[jax.Array, jax.Array]:  # noqa: A002
    """The ``k`` largest values along the last axis, and their indices.

    Args:
        x: Input tensor.
        k: Number of values to return.
        sorted: Whether the values are returned sorted; they always are here (default ``True``).
    """
    return lax.top_k(jnp.asarray(x), k)


@op("InTopK")
def in_top_k(targets: Any, predictions: Any, k: int) -> jax.Array:
    """Whether each target class is among the ``k`` highest predictions.

    Args:
        targets: Integer class indices, shape ``(batch,)``.
        predictions: Scores, shape ``(batch, num_classes)``.
        k: Number of top predictions to consider.
    """
    targets, predictions = jnp.asarray(targets), jnp.asarray(predictions)
    at_target = jnp.take_along_axis(predictions, targets[..., None], axis=-1)
    at_target = jnp.where(jnp.isnan(at_target), -jnp.inf, at_target)
    return jnp.sum(predictions > at_target, axis=-1) < k


@op("Logsumexp")
def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """``log(sum(exp(x)))`` over ``axis``, computed stably.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jax.scipy.special.logsumexp(jnp.asarray(x), axis=axis, keepdims=keepdims)


@op("CDist")
def cdist(x: Any, y: Any) -> jax.Array:
    """Euclidean distances between each row of ``x`` and each row of ``y``.

    Args:
        x: Tensor ``(..., P, M)``.
        y: Tensor ``(..., R, M)``; the result is ``(..., P, R)``.
    """
    x, y = jnp.asarray(x), jnp.asarray(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(f"cdist: inputs must have rank >= 2, received x.shape={x.shape} and y.shape={y.shape}.")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"cdist: inputs' last dimensions must match, received x.shape={x.shape}, y.shape={y.shape}.")
    difference = x[..., :, None, :] - y[..., None, :, :]
    return jnp.sqrt(jnp.sum(difference * difference, axis=-1))


def _frames(x: jax.Array, length: int, step: int) -> jax.Array:
    """Frames of ``length`` samples every ``step`` samples along the last axis: (..., frames, length)."""
    count = 1 + (x.shape[-1] - length) // step
    return x[..., np.arange(count)[:, None] * step + np.arange(length)[None, :]]


@op("ExtractSequences")
def extract_sequences(x: Any, sequence_length: int, sequence_stride: int) -> jax.Array:
    """Frames of ``sequence_length`` samples every ``sequence_stride`` samples along the last axis.

    Args:
        x: Tensor ``(..., samples)``.
        sequence_length: Length of each frame.
        sequence_stride: Step between frames.
    """
    x = jnp.asarray(x)
    if x.ndim < 1:
        raise ValueError("extract_sequences: `x` must have rank >= 1, received a scalar.")
    return _frames(x, sequence_length, sequence_stride)


def _complex(x: Any, who: str, min_rank: int = 1) -> jax.Array:
    if not isinstance(x, tuple | list) or len(x) != 2:
        raise ValueError(f"{who}: `x` must be a tuple of two tensors (real, imaginary), received {x!r}.")
    real, imag = jnp.asarray(x[0]), jnp.asarray(x[1])
    if real.shape != imag.shape:
        raise ValueError(
            f"{who}: the real and imaginary parts must have the same shape, received {real.shape} and {imag.shape}."
        )
    if not (jnp.issubdtype(real.dtype, jnp.floating) and jnp.issubdtype(imag.dtype, jnp.floating)):
        raise ValueError(f"{who}: the real and imaginary parts must be float tensors, received {real.dtype}.")
    if real.ndim < min_rank:
        raise ValueError(f"{who}: inputs must have rank >= {min_rank}, received shape {real.shape}.")
    return lax.complex(real, imag)


def _parts(z: jax.Array) -> tuple[jax.Array, jax.Array]:
    return jnp.real(z), jnp.imag(z)


@op("FFT")
def fft(x: Any) -> tuple[jax.Array, jax.Array]:
    """Fast Fourier transform along the last axis of a complex tensor given as two real ones.

    Args:
        x: A pair ``(real, imag)`` of float tensors of the same shape.
    """
    return _parts(jnp.fft.fft(_complex(x, "fft")))


@op("FFT2")
def fft2(x: Any) -> tuple[jax.Array, jax.Array]:
    """2-D fast Fourier transform over the last two axes of a complex tensor given as two real ones.

    Args:
        x: A pair ``(real, imag)`` of float tensors of the same shape.
    """
    return _parts(jnp.fft.fft2(_complex(x, "fft2", 2)))


@op("IFFT2")
def ifft2(x: Any) -> tuple[jax.Array, jax.Array]:
    """2-D inverse fast Fourier transform over the last two axes of a complex tensor given as two real ones.

    Args:
        x: A pair ``(real, imag)`` of float tensors of the same shape.
    """
    return _parts(jnp.fft.ifft2(_complex(x, "ifft2", 2)))


@op("RFFT")
def rfft(x: Any, fft_length: int | None = None) -> tuple[jax.Array, jax.Array]:
    """Fast Fourier transform of a real signal along the last axis (the non-negative frequencies).

    Args:
        x: Real tensor.
        fft_length: Length of the FFT; the signal is cut or zero-padded to it. ``None`` (default) uses the last axis's
            length.
    """
    return _parts(jnp.fft.rfft(jnp.asarray(x), n=fft_length, axis=-1))


@op("IRFFT")
def irfft(x: Any, fft_length: int | None = None) -> jax.Array:
    """Inverse of ``rfft``: a real signal from its non-negative frequencies.

    Args:
        x: A pair ``(real, imag)`` of float tensors of the same shape. holding the non-negative frequencies.
        fft_length: Length of the output signal; ``None`` (default) means ``2 * (n - 1)`` for ``n`` input frequencies.
    """
    return jnp.fft.irfft(_complex(x, "irfft"), n=fft_length, axis=-1)


def _window(window: Any, sequence_length: int, fft_length: int, dtype: Any, who: str) -> jax.Array | None:
    """The analysis window, zero-padded on both sides to ``fft_length``; ``None`` for no window."""
    if window is None:
        return None
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"{who}: a string `window` must be 'hann' or 'hamming', received {window!r}.")
        alpha = 0.5 if window == "hann" else 0.54
        values = alpha - (1.0 - alpha) * np.cos(2.0 * np.pi * np.arange(sequence_length) / sequence_length)
        win = jnp.asarray(values, dtype=dtype)
    else:
        win = jnp.asarray(window, dtype=dtype)
    if win.shape != (sequence_length,):
        raise ValueError(f"{who}: `window` must have shape ({sequence_length},), received {win.shape}.")
    left = (fft_length - sequence_length) // 2
    return jnp.pad(win, (left, fft_length - sequence_length - left))


def _check_stride(sequence_stride: Any, who: str) -> None:
    if isinstance(sequence_stride, bool) or not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(f"{who}: `sequence_stride` must be a positive int, received {sequence_stride!r}.")


@op("STFT")
def stft(
    x: Any, sequence_length: int, sequence_stride: int, fft_length: int, window: Any = "hann", center: bool = True
) -> tuple[jax.Array, jax.Array]:
    """Short-time Fourier transform of real signals along the last axis.

    Args:
        x: Signals ``(..., samples)``, float32 or float64.
        sequence_length: Length of each frame (at most ``fft_length``).
        sequence_stride: Step between frames, a positive int.
        fft_length: Length of the FFT of each frame.
        window: ``"hann"`` (default), ``"hamming"``, a 1-D tensor of ``sequence_length`` values, or ``None`` for no
            window.
        center: Whether the signal is padded by ``fft_length // 2`` on each side (reflecting) so frames are centred on
            their times (default ``True``).
    """
    who = "stft"
    _check_stride(sequence_stride, who)
    x = jnp.asarray(x)
    if x.dtype not in (jnp.float32, jnp.float64):
        raise TypeError(f"{who}: `x` must be float32 or float64, received {x.dtype}.")
    if fft_length < sequence_length:
        raise ValueError(f"{who}: `fft_length` ({fft_length}) must be at least `sequence_length` ({sequence_length}).")
    win = _window(window, sequence_length, fft_length, x.dtype, who)
    if center:
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)], mode="reflect")
    frames = _frames(x, fft_length, sequence_stride)
    return _parts(jnp.fft.rfft(frames if win is None else frames * win, n=fft_length, axis=-1))


def _overlap_add(frames: jax.Array, step: int) -> jax.Array:
    count, length = frames.shape[-2:]
    positions = np.arange(count)[:, None] * step + np.arange(length)[None, :]
    out = jnp.zeros(frames.shape[:-2] + (step * (count - 1) + length,), frames.dtype)
    return out.at[..., positions].add(frames)


@op("ISTFT")
def istft(
    x: Any,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    length: int | None = None,
    window: Any = "hann",
    center: bool = True,
) -> jax.Array:
    """Inverse short-time Fourier transform: signals from their ``stft``.

    Args:
        x: A pair ``(real, imag)`` of float tensors of the same shape. ``(..., frames, fft_length // 2 + 1)``.
        sequence_length: Length of each frame (at most ``fft_length``).
        sequence_stride: Step between frames, a positive int.
        fft_length: Length of the FFT of each frame.
        length: Length of the output signals; ``None`` (default) keeps all reconstructed samples.
        window: ``"hann"`` (default), ``"hamming"``, a 1-D tensor of ``sequence_length`` values, or ``None`` for no
            window.
        center: Whether the signal is padded by ``fft_length // 2`` on each side (reflecting) so frames are centred on
            their times (default ``True``).
    """
    who = "istft"
    _check_stride(sequence_stride, who)
    spectrum = _complex(x, who, 2)
    dtype = jnp.real(spectrum).dtype
    win = _window(window, sequence_length, fft_length, dtype, who)
    taper = jnp.ones((fft_length,), dtype) if win is None else win
    frames = jnp.fft.irfft(spectrum, n=fft_length, axis=-1) * jnp.sum(taper)
    signal = _overlap_add(frames * taper, sequence_stride)
    norm = _overlap_add(jnp.broadcast_to(taper * taper, frames.shape[-2:]), sequence_stride)
    signal = signal / jnp.where(norm > 1e-10, norm, 1.0)
    signal = signal / (sequence_stride if win is None else jnp.sum(taper))
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = signal.shape[-1] - fft_length // 2
    else:
        end = signal.shape[-1]
    return signal[..., start:end]


@op("Rsqrt")
def rsqrt(x: Any) -> jax.Array:
    """Reciprocal square root ``1 / sqrt(x)``, element by element.

    Args:
        x: Input tensor.
    """
    return lax.rsqrt(jnp.asarray(x))


@op("Erf")
def erf(x: Any) -> jax.Array:
    """Gauss error function, element by element.

    Args:
        x: Input tensor.
    """
    return lax.erf(jnp.asarray(x))


@op("Erfc")
def erfc(x: Any) -> jax.Array:
    """Complementary error function ``1 - erf(x)``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.scipy.special.erfc(jnp.asarray(x))


@op("Erfinv")
def erfinv(x: Any) -> jax.Array:
    """Inverse of the error function, element by element.

    Args:
        x: Input tensor.
    """
    return jax.scipy.special.erfinv(jnp.asarray(x))


@op("Logdet")
def logdet(x: Any) -> jax.Array:
    """Natural log of the (absolute) determinant of a square matrix or a batch of them.

    Args:
        x: Tensor ``(..., n, n)``.
    """
    return jnp.linalg.slogdet(jnp.asarray(x))[1]


@op("ViewAsComplex")
def view_as_complex(x: Any) -> jax.Array:
    """A complex64 tensor from real and imaginary parts stacked on the last axis.

    Args:
        x: Real tensor whose last axis has size 2 (real, imaginary).
    """
    x = jnp.asarray(x)
    if x.ndim < 1 or x.shape[-1] != 2:
        raise ValueError(f"view_as_complex: the last axis of `x` must have size 2 (real, imag), received {x.shape}.")
    return lax.complex(x[..., 0].astype("float32"), x[..., 1].astype("float32"))


@op("ViewAsReal")
def view_as_real(x: Any) -> jax.Array:
    """Real and imaginary parts of a complex tensor, stacked on a new last axis of size 2.

    Args:
        x: Complex tensor.
    """
    x = jnp.asarray(x)
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


# -- rearrange ----------------------------------------------------------------------------------------
def _pattern_groups(side: str, pattern: str) -> list[list[str]]:
    groups = []
    for grouped, single in re.findall(r"\(([^()]*)\)|([^\s()]+)", side):
        names = grouped.split() if grouped or not single else [single]
        for name in names:
            if not name.isidentifier():
                raise ValueError(f"rearrange: axis names must be identifiers, received {name!r} in {pattern!r}.")
        groups.append(names)
    return groups


@op("Rearrange")
def rearrange(tensor: Any, pattern: str, **axes_lengths: int) -> jax.Array:
    """Reorder, split and merge axes as an einops pattern says (``"b h w c -> b (h w) c"``).

    Args:
        tensor: Input tensor.
        pattern: ``"<input axes> -> <output axes>"``; parentheses group axes that are merged (or, on the left, split).
        **axes_lengths: Lengths of named axes, needed to split an axis into several.
    """
    tensor = jnp.asarray(tensor)
    sides = re.split(r"\s*->\s*", pattern.strip())
    if len(sides) != 2:
        raise ValueError(f"rearrange: `pattern` must look like 'a (b c) -> (a b) c', received {pattern!r}.")
    inputs, outputs = (_pattern_groups(side, pattern) for side in sides)
    if len(inputs) != tensor.ndim:
        raise ValueError(
            f"rearrange: the input side of {pattern!r} names {len(inputs)} axes but the tensor has shape "
            f"{tensor.shape}."
        )
    in_names = [name for group in inputs for name in group]
    out_names = [name for group in outputs for name in group]
    if sorted(in_names) != sorted(out_names) or len(set(in_names)) != len(in_names):
        raise ValueError(f"rearrange: both sides of {pattern!r} must name the same axes, each once.")
    sizes: dict[str, int] = {}
    for group, dim in zip(inputs, tensor.shape, strict=True):
        unknown = [name for name in group if name not in axes_lengths]
        if len(group) == 1:
            sizes[group[0]] = dim
            continue
        if len(unknown) > 1:
            raise ValueError(f"rearrange: give the lengths of all but one of the axes {group} in {pattern!r}.")
        known = math.prod(axes_lengths[name] for name in group if name in axes_lengths)
        if dim % known or (not unknown and dim != known):
            raise ValueError(f"rearrange: axis of size {dim} cannot be split into {group} with lengths {axes_lengths}.")
        sizes.update({name: axes_lengths[name] for name in group if name in axes_lengths})
        if unknown:
            sizes[unknown[0]] = dim // known
    split = tensor.reshape([sizes[name] for name in in_names])
    moved = jnp.transpose(split, [in_names.index(name) for name in out_names])
    return moved.reshape([math.prod(sizes[name] for name in group) for group in outputs])
