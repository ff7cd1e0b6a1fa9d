"""Symbolic tensors: a shape, a dtype and the history of the operation that made them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from kerax.backend import _dtypes, _naming

# The ops that the operators record (``x + y`` is ``kerax.ops.add``): kerax.ops, which sits above backend,
# registers them when it is imported.
OPERATOR_OPS = (
    "absolute",
    "add",
    "divide",
    "get_item",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "matmul",
    "multiply",
    "negative",
    "power",
    "subtract",
)
_operators: dict[str, Callable[..., Any]] = {}


def register_operators(ops: dict[str, Callable[..., Any]]) -> None:
    """Give the symbolic operators their ops (called by ``kerax.ops``)."""
    _operators.update(ops)


class History(NamedTuple):
    """Where a symbolic tensor came from: ``operation._inbound_nodes[node_index].outputs[tensor_index]``."""

    operation: Any  # an ops.Operation (a Layer, an op)
    node_index: int
    tensor_index: int


class SymbolicTensor:
    """A placeholder for an array in a model graph: shape (``None`` for unknown sizes), dtype, history.

    Calling a layer or a ``kerax.ops`` function on symbolic tensors records a node and returns new
    symbolic tensors; nothing is computed.

    Args:
        shape: The shape: a tuple of ints, with ``None`` for unknown sizes.
        dtype: The dtype (default ``"float32"``); ``"string"`` for text.
        name: The tensor's name; ``None`` (default) gives ``keras_tensor``, ``keras_tensor_1``...
    """

    def __init__(self, shape: tuple[int | None, ...], dtype: Any = "float32", name: str | None = None) -> None:
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = _dtypes.STRING if _dtypes.is_string_dtype(dtype) else jnp.dtype(dtype)
        self.name = name or _naming.uniquify("keras_tensor")
        self._keras_history: History | None = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def node(self) -> Any:  # the ops.Node that made it, or None
        if self._keras_history is None:
            return None
        op, node_index, _ = self._keras_history
        return op._inbound_nodes[node_index]

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype.name}, name={self.name}>"

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic tensor has no value, so it cannot be used as a Python bool (in `if` or `while`). "
            "Use `kerax.ops.where` to choose between values inside a model."
        )

    def __iter__(self) -> Any:
        raise TypeError(
            f"A symbolic tensor of shape {self.shape} cannot be iterated. Index it (`x[0]`) or use "
            "`kerax.ops.unstack` instead."
        )

    def __len__(self) -> int:
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"len() of a symbolic tensor with unknown first dimension (shape {self.shape}).")
        return self.shape[0]

    # Arithmetic records `kerax.ops` nodes, as in Keras.
    def _op(self, name: str, *args: Any) -> Any:
        return _operators[name](*args)

    def __add__(self, o: Any) -> Any:
        return self._op("add", self, o)

    def __radd__(self, o: Any) -> Any:
        return self._op("add", o, self)

    def __sub__(self, o: Any) -> Any:
        return self._op("subtract", self, o)

    def __rsub__(self, o: Any) -> Any:
        return self._op("subtract", o, self)

    def __mul__(self, o: Any) -> Any:
        return self._op("multiply", self, o)

    def __rmul__(self, o: Any) -> Any:
        return self._op("multiply", o, self)

    def __truediv__(self, o: Any) -> Any:
        return self._op("divide", self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return self._op("divide", o, self)

    def __matmul__(self, o: Any) -> Any:
        return self._op("matmul", self, o)

    def __rmatmul__(self, o: Any) -> Any:
        return self._op("matmul", o, self)

    def __pow__(self, o: Any) -> Any:
        return self._op("power", self, o)

    def __rpow__(self, o: Any) -> Any:
        return self._op("power", o, self)

    def __neg__(self) -> Any:
        return self._op("negative", self)

    def __abs__(self) -> Any:
        return self._op("absolute", self)

    def __getitem__(self, idx: Any) -> Any:
        return self._op("get_item", self, idx)

    def __lt__(self, o: Any) -> Any:
        return self._op("less", self, o)

    def __le__(self, o: Any) -> Any:
        return self._op("less_equal", self, o)

    def __gt__(self, o: Any) -> Any:
        return self._op("greater", self, o)

    def __ge__(self, o: Any) -> Any:
        return self._op("greater_equal", self, o)


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic tensor (Keras's ``KerasTensor``): made by ``Input`` or by a call on one.

    Args:
        x: Any object.
    """
    return isinstance(x, SymbolicTensor)


def any_symbolic(tree: Any) -> bool:
    """True when any leaf of ``tree`` is a SymbolicTensor."""
    return any(isinstance(leaf, SymbolicTensor) for leaf in jax.tree_util.tree_leaves(tree))


def flatten_symbolic(tree: Any) -> list[SymbolicTensor]:
    return [leaf for leaf in jax.tree_util.tree_leaves(tree) if isinstance(leaf, SymbolicTensor)]


def to_spec(x: Any, batch: int) -> Any:
    """A SymbolicTensor as a ``jax.ShapeDtypeStruct``, with unknown sizes replaced by ``batch``."""
    if isinstance(x, SymbolicTensor):
        return jax.ShapeDtypeStruct(tuple(batch if d is None else d for d in x.shape), x.dtype)
    return x
