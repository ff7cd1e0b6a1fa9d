"""``Variable``: a named, mutable holder of an array that a stateless scope can override."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.backend import _autocast, _config, _naming, _scope

# Bumped whenever any Variable's stored array is replaced: caches of weight values (``predict``'s) are
# stale from then on.
_values_version = [0]
# Turns an initializer's name ("zeros") into the initializer; kerax.initializers, which sits above backend,
# sets it when it is imported.
_initializer_by_name: list[Callable[[str], Any]] = []


def set_initializer_lookup(lookup: Callable[[str], Any]) -> None:
    """Let ``Variable(initializer="zeros")`` find initializers by name (called by ``kerax.initializers``)."""
    _initializer_by_name[:] = [lookup]


_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica", None)
_SYNCHRONIZATIONS = ("none", "on_read", "on_write", "auto", None)


def values_version() -> int:
    return _values_version[0]


class AllocationBudget:
    """A limit on the bytes of the Variables created inside a ``with`` block, checked before each allocation.

    Loading a saved model builds its layers from the sizes in its config; under a budget set from the
    weights the file actually holds, a config asking for far more (``units=10**7`` in a 9 KB file) is
    refused before the memory is taken.

    Args:
        limit: the most bytes that the Variables created in the block may hold together.
        what: how to name the source of the sizes in the error (e.g. the file).
        held: the bytes of weights the file holds, for the message.
    """

    _active: list[AllocationBudget] = []

    def __init__(self, limit: int, what: str, held: int) -> None:
        self.limit, self.what, self.held, self.used = int(limit), what, int(held), 0

    def charge(self, name: str, shape: tuple[int, ...], dtype: Any) -> None:
        count = 1
        for d in shape:
            count *= int(d)
        self.used += count * jnp.dtype(dtype).itemsize
        if self.used > self.limit:
            raise ValueError(
                f"{self.what}: the model's config asks for weights of more than {self.used:,} bytes (at variable "
                f"'{name}' of shape {tuple(shape)}), but the file holds {self.held:,} bytes of weights; the config "
                "does not fit the weights, so the model is not built."
            )

    def __enter__(self) -> AllocationBudget:
        AllocationBudget._active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        AllocationBudget._active.remove(self)


class Variable:
    """A layer's weight: a named array, trainable or not.

    Outside a stateless scope, ``value`` is the stored array and ``assign`` replaces it. Inside one
    (a traced training step), reads and writes go through the scope, so the same Python code is pure.

    Args:
        initializer: an array, an initializer name (``"zeros"``), or a callable ``(shape, dtype) -> array``.
        shape: the shape; required when ``initializer`` is a callable. Defaults to ``None``.
        dtype: the dtype; default the array's dtype, or ``floatx()`` for an initializer.
        trainable: whether gradients update it. Defaults to ``True``.
        autocast: whether a floating Variable reads as the active autocast dtype inside a mixed-precision
            layer's call (see ``backend._autocast``); False keeps reads in the stored dtype. Defaults to ``True``.
        aggregation: how replicas combine it, as in Keras (``"none"``, ``"mean"``, ``"sum"``,
            ``"only_first_replica"``); recorded only. Defaults to ``"none"``.
        synchronization: as in Keras (``"auto"``, ``"none"``, ``"on_read"``, ``"on_write"``); recorded only.
            Defaults to ``"auto"``.
        name: the short name (``kernel``); default ``variable``, ``variable_1``...
        path: the full name (``dense/kernel``); default the active ``name_scope`` path joined with ``name``.
    """

    def __init__(
        self,
        initializer: Any,
        shape: tuple[int, ...] | None = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str | None = "none",
        synchronization: str | None = "auto",
        name: str | None = None,
        path: str | None = None,
    ) -> None:
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"Variable: `name` must be a string without '/', received {name!r}.")
        if aggregation not in _AGGREGATIONS:
            raise ValueError(f"Variable: `aggregation` must be one of {_AGGREGATIONS}, received {aggregation!r}.")
        if synchronization not in _SYNCHRONIZATIONS:
            raise ValueError(
                f"Variable: `synchronization` must be one of {_SYNCHRONIZATIONS}, received {synchronization!r}."
            )
        name = name or _naming.uniquify("variable")
        self.name = name
        if path is None:
            scope_path = _naming.current_path()
            path = f"{scope_path}/{name}" if scope_path else name
        self.path = path
        self.trainable = bool(trainable)
        self.aggregation = aggregation or "none"
        self.synchronization = synchronization or "none"
        if isinstance(initializer, str):
            initializer = _initializer_by_name[0](initializer)
        if callable(initializer):
            if shape is None:
                raise ValueError(f"Variable '{name}': a callable initializer needs a `shape`.")
            self._dtype = jnp.dtype(dtype or _config.floatx())
            for budget in AllocationBudget._active:
                budget.charge(name or "variable", tuple(shape), self._dtype)
            value = initializer(tuple(shape), self._dtype)
        else:
            value = initializer.value if isinstance(initializer, Variable) else initializer
            self._dtype = jnp.dtype(dtype) if dtype is not None else jnp.asarray(value).dtype
        self.autocast = bool(autocast)
        self._floating = bool(jnp.issubdtype(self._dtype, jnp.floating))
        value = jnp.asarray(value, dtype=self._dtype)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Variable '{self.path}': expected an initial value of shape {tuple(shape)}, "
                f"received one of shape {tuple(value.shape)}."
            )
        self._value = value
        self.regularizer: Any = None  # a penalty added to the training loss (set by Layer.add_weight)
        self.constraint: Any = None  # a projection applied after each optimizer step

    # -- reading and writing -------------------------------------------------------------------------
    @property
    def _value(self) -> jax.Array:
        """The stored array (no scope, no autocast); setting it replaces the value outside any scope."""
        return self._array

    @_value.setter
    def _value(self, array: jax.Array) -> None:
        self._array = array
        _values_version[0] += 1

    @property
    def value(self) -> jax.Array:
        """The current value; inside a mixed-precision layer's call, cast to its compute dtype."""
        value = self._stored()
        if self._floating and self.autocast:
            target = _autocast.current()
            if target is not None and value.dtype != target:
                return value.astype(target)
        return value

    def _stored(self) -> jax.Array:
        # The value in the active stateless scope, else the stored array; never autocast.
        scope = _scope.current()
        if scope is not None:
            scoped = scope.get(self)
            if scoped is not None:
                return scoped
        return self._value

    def assign(self, value: Any) -> None:
        """Replace the value (inside a stateless scope, record the new value there instead)."""
        if isinstance(value, Variable):
            value = value.value
        value = jnp.asarray(value, dtype=self._dtype)
        if tuple(value.shape) != self.shape:
            raise ValueError(
                f"Variable '{self.path}' has shape {self.shape}; cannot assign a value of shape {tuple(value.shape)}."
            )
        scope = _scope.current()
        if scope is not None and (scope.get(self) is not None or isinstance(value, jax.core.Tracer)):
            scope.assign(self, value)
        else:
            self._value = value

    def assign_add(self, delta: Any) -> None:
        self.assign(self._stored() + delta)

    def assign_sub(self, delta: Any) -> None:
        self.assign(self._stored() - delta)

    def numpy(self) -> np.ndarray:
        return np.asarray(self.value)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._value.shape)

    @property
    def dtype(self) -> Any:
        """The stored dtype, or the autocast dtype while a mixed-precision layer's call reads this Variable."""
        if self._floating and self.autocast:
            target = _autocast.current()
            if target is not None:
                return target
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self._dtype.name}, trainable={self.trainable}>"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = np.asarray(self.value)
        return out.astype(dtype) if dtype is not None else out

    def __jax_array__(self) -> jax.Array:
        # `jnp.asarray(v)` and `jnp.array(v)` read the current value (JAX 0.10 uses this for explicit
        # conversion only; inside `jax.jit` a Variable is flattened as a pytree, see below).
        return self.value

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, idx: Any) -> jax.Array:
        return self.value[idx]

    def __neg__(self) -> jax.Array:
        return -self.value

    def __pos__(self) -> jax.Array:
        return self.value

    def __abs__(self) -> jax.Array:
        return abs(self.value)

    def _scalar(self, kind: str) -> jax.Array:
        if self.shape:
            raise TypeError(f"Variable '{self.path}' of shape {self.shape} is not a scalar; it has no {kind} value.")
        return self.value

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __bool__(self) -> bool:
        return bool(self._scalar("truth"))

    # Against a number or an array, == and != compare the value elementwise, as Keras's do
    # (``optimizer.iterations == 10``). Between two Variables (and against anything else) they are
    # identity, unlike Keras: lists, sets and weak dicts of Variables look them up with ==, and a Variable
    # stays hashable by identity.
    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return jnp.equal(self.value, other) if isinstance(other, _COMPARABLE) else NotImplemented

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return jnp.not_equal(self.value, other) if isinstance(other, _COMPARABLE) else NotImplemented

    __hash__ = object.__hash__


_COMPARABLE = (int, float, complex, np.ndarray, np.generic, jax.Array)


def _binary(fn: Callable[[Any, Any], Any], reflected: bool = False) -> Callable[[Variable, Any], Any]:
    def method(self: Variable, other: Any) -> Any:
        other = other.value if isinstance(other, Variable) else other
        return fn(other, self.value) if reflected else fn(self.value, other)

    return method


for _name, _fn in {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
    "matmul": operator.matmul,
}.items():
    setattr(Variable, f"__{_name}__", _binary(_fn))
    setattr(Variable, f"__r{_name}__", _binary(_fn, reflected=True))
for _name, _fn in {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}.items():
    setattr(Variable, f"__{_name}__", _binary(_fn))


# A Variable is a pytree of one leaf, its current value, and unflattens to that plain array: lists of
# Variables (``model.trainable_variables``, ``optimizer.variables``) can be handed to ``jax.jit``,
# ``jax.grad``, ``jax.device_put`` and ``jax.tree_util`` directly, and come back as arrays.
jax.tree_util.register_pytree_node(Variable, lambda v: ((v.value,), None), lambda _, children: children[0])
