"""``InputSpec``: what a layer accepts, checked at graph-building time with a message in the user's terms."""

from __future__ import annotations

from typing import Any

import jax


class InputSpec:
    """Constraints on one input of a layer, checked when the layer is called.

    A layer sets ``self.input_spec`` (one ``InputSpec``, or a list with one per input); a call on an input
    that breaks it raises a ``ValueError`` naming the layer, the expected and the received shape. kerax
    checks the rank, the sizes and the shape.

    Args:
        ndim: the exact rank required, or ``None`` (default).
        min_ndim: the minimum rank, or ``None`` (default).
        max_ndim: the maximum rank, or ``None`` (default).
        axes: ``{axis: size}`` that the input's dimensions must have, or ``None`` (default).
        shape: the full shape required (``None`` entries match anything); it also sets ``ndim``.
        dtype: the expected dtype, kept on the spec (kerax does not check it), or ``None`` (default).
        allow_last_axis_squeeze: if ``True``, the rank is not checked and a last axis of size 1 is left out
            when comparing shapes, so inputs of rank N+1 ending in 1 (or N-1, if the spec ends in 1) pass, as
            in Keras (default ``False``).
        name: the name of the input, or ``None`` (default).

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> class Pairwise(kerax.layers.Layer):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.input_spec = kerax.layers.InputSpec(ndim=3, axes={-1: 2})
        ...     def call(self, inputs):
        ...         return inputs[..., 0] * inputs[..., 1]
        >>> Pairwise()(np.ones((4, 5, 2))).shape
        (4, 5)
        >>> Pairwise()(np.ones((4, 2)))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Input 0 of layer ... is incompatible with the layer: expected ndim=3, found ndim=2. ...
    """

    def __init__(
        self,
        ndim: int | None = None,
        min_ndim: int | None = None,
        max_ndim: int | None = None,
        axes: dict[int, int] | None = None,
        shape: tuple[int | None, ...] | None = None,
        dtype: Any = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
    ) -> None:
        self.ndim = len(shape) if shape is not None else ndim
        self.min_ndim = min_ndim
        self.max_ndim = max_ndim
        self.axes = dict(axes or {})
        self.shape = shape
        self.dtype = dtype
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name

    def __repr__(self) -> str:
        fields = {k: v for k, v in vars(self).items() if v not in (None, {}) and v is not False}
        return "InputSpec(" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")"


def check_input_spec(layer: Any, specs: Any, inputs: Any) -> None:
    """Raise a ValueError naming the layer, the input, the expectation and what was received."""
    if specs is None:
        return
    tensors = [t for t in jax.tree_util.tree_leaves(inputs) if hasattr(t, "shape")]
    if not isinstance(specs, list | tuple):
        specs = [specs] * len(tensors) if len(tensors) == 1 else [specs]
    who = f"Input {{}} of layer '{layer.name}' ({type(layer).__name__}) is incompatible with the layer"
    for i, (spec, x) in enumerate(zip(specs, tensors, strict=False)):
        if spec is None:
            continue
        shape = tuple(x.shape)
        shown = tuple(None if d is None else int(d) for d in shape)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and len(shape) != spec.ndim:
            raise ValueError(
                f"{who.format(i)}: expected ndim={spec.ndim}, found ndim={len(shape)}. Full shape received: {shown}"
            )
        if spec.min_ndim is not None and len(shape) < spec.min_ndim:
            raise ValueError(
                f"{who.format(i)}: expected min_ndim={spec.min_ndim}, found ndim={len(shape)}. "
                f"Full shape received: {shown}"
            )
        if spec.max_ndim is not None and len(shape) > spec.max_ndim:
            raise ValueError(
                f"{who.format(i)}: expected max_ndim={spec.max_ndim}, found ndim={len(shape)}. "
                f"Full shape received: {shown}"
            )
        for axis, value in spec.axes.items():
            if -len(shape) <= axis < len(shape) and shape[axis] is not None and shape[axis] != value:
                raise ValueError(
                    f"{who.format(i)}: expected axis {axis} of input shape to have value {value}, "
                    f"but received input with shape {shown}"
                )
        if spec.shape is not None:
            wanted, received = tuple(spec.shape), shape
            if spec.allow_last_axis_squeeze:  # as in Keras: a last axis of size 1 on either side is left out
                wanted = wanted[:-1] if wanted[-1:] == (1,) else wanted
                received = received[:-1] if received[-1:] == (1,) else received
            for want, got in zip(wanted, received, strict=False):  # same lengths unless squeezed
                if want is not None and got is not None and want != got:
                    raise ValueError(f"{who.format(i)}: expected shape={spec.shape}, found shape={shown}")
