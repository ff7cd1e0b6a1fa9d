"""The `Metric` base class: Keras 3's Variable-backed metric API over a pure functional core."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import initializers
from kerax.backend._config import floatx
from kerax.backend._naming import to_snake_case
from kerax.backend._scope import StatelessScope
from kerax.backend._variables import Variable
from kerax.losses._common import standardize_dtype

#: A metric's state: a flat dict of named jax arrays (a valid pytree).
State = dict[str, jax.Array]

_CORE = ("init_state", "update", "compute")
_STATEFUL = ("update_state", "result", "reset_state")
_AGGREGATIONS = (None, "none", "mean", "sum", "only_first_replica")


class Metric:
    """Base class of metrics.

    A metric keeps its accumulators in non-trainable `Variable`s, listed by `variables`, and
    offers Keras 3's API on them: `update_state(...)`, `result()`, `reset_state()` and
    `__call__` change or read the variables; `stateless_update_state(values, ...)`,
    `stateless_result(values)` and `stateless_reset_state()` do the same on a list of values
    (one per variable) without touching the metric, so they can run inside `jax.jit`.

    A metric can be written in two ways.

    * **Keras style**: create variables in `__init__` with `add_variable` (or `add_weight`),
      and override `update_state` (assigning to the variables), `result` and optionally
      `reset_state` (by default every variable is set to zeros).
    * **Pure core** (kerax's built-in metrics): implement `init_state() -> dict`,
      `update(state, ...) -> dict` and `compute(state) -> value`, pure functions of a dict of
      named arrays. The metric then creates one variable per key of `init_state()`, named
      after the key, the first time they are needed, and the stateful methods run the pure
      functions on the variables' values.

    Both kinds offer both APIs: for a Keras-style metric, `init_state`, `update` and
    `compute` are derived from the stateless methods (the dict keys are the variables'
    names, made unique with `_1`, `_2`... suffixes).

    A few metrics only know the shape of their state once they have seen data
    (for example `F1Score` needs the number of classes). Those start with
    `built == False` and no variables; call `build(y_true_shape, y_pred_shape)` first,
    or let the first `update_state` call build them.

    Args:
        name: Name of the metric; defaults to the snake_case class name.
        dtype: Floating dtype of the state and results; defaults to `"float32"`.
    """

    # The pure core a class implements itself (set by `__init_subclass__`), or None.
    _core_init_state: Any = None
    _core_update: Any = None
    _core_compute: Any = None
    # True when the class overrides a stateful method: its pure core is then derived from it.
    _derived_core = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _CORE:
            fn = cls.__dict__.get(name)
            if fn is not None and fn is not Metric.__dict__[name]:
                setattr(cls, f"_core_{name}", fn)
        own = cls.__mro__[: cls.__mro__.index(Metric)]
        cls._derived_core = any(name in klass.__dict__ for klass in own for name in _STATEFUL)
        if cls._derived_core:
            # The stateful methods are the truth: run them (through the stateless API) for the
            # pure core too, so that `update`/`compute` users see the overrides.
            for name in _CORE:
                setattr(cls, name, Metric.__dict__[name])

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self._own_variables: list[Variable] = []
        self._sub_metrics: list[Metric] = []
        self._core_variables: list[Variable] | None = None
        self._core_keys: tuple[str, ...] = ()
        self.name = name or to_snake_case(type(self).__name__)
        self._dtype = standardize_dtype(dtype)
        self.built = True

    def __setattr__(self, name: str, value: Any) -> None:
        # Like Keras, track Variables and metrics assigned as attributes.
        tracking = self.__dict__.get("_own_variables") is not None
        if tracking and isinstance(value, Variable):
            if not any(v is value for v in self._own_variables):
                self._own_variables.append(value)
        elif tracking and isinstance(value, Metric) and value is not self:
            if not any(m is value for m in self._sub_metrics):
                self._sub_metrics.append(value)
        super().__setattr__(name, value)

    @property
    def dtype(self) -> str:
        """Name of the floating dtype of the metric's state."""
        return self._dtype

    # Variables ------------------------------------------------------------------------------

    def _check_super_called(self) -> None:
        if "_own_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__ must call `super().__init__()` before creating variables."
            )

    def add_variable(
        self,
        shape: Sequence[int],
        initializer: Any,
        dtype: Any = None,
        aggregation: str | None = "sum",
        name: str | None = None,
    ) -> Variable:
        """Create a non-trainable state variable, tracked in `variables`.

        Args:
            shape: Shape of the variable, a tuple of non-negative ints.
            initializer: Initializer name (`"zeros"`), instance or callable `(shape, dtype)`;
                `None` means zeros.
            dtype: Dtype of the variable; defaults to `kerax.backend.floatx()`.
            aggregation: How replicas combine the variable (`"sum"`, `"mean"`, `"none"`,
                `"only_first_replica"` or `None`); recorded as `variable.aggregation`.
            name: Name of the variable; defaults to `"variable"`.
        """
        self._check_super_called()
        shape = _standardize_shape(shape, name, self.name)
        if aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"Argument `aggregation` must be one of {list(_AGGREGATIONS)}. Received: aggregation={aggregation!r}"
            )
        init = initializers.get("zeros" if initializer is None else initializer)
        name = name or "variable"
        with jax.ensure_compile_time_eval():
            variable = Variable(
                init,
                shape=shape,
                dtype=dtype or floatx(),
                trainable=False,
                name=name,
                path=f"{self.name}/{name}",
                autocast=False,
            )
        variable.aggregation = aggregation  # type: ignore[attr-defined]
        self._own_variables.append(variable)
        return variable

    def add_weight(
        self,
        shape: Sequence[int] = (),
        initializer: Any = None,
        dtype: Any = None,
        name: str | None = None,
        aggregation: str | None = "sum",
    ) -> Variable:
        """Alias of `add_variable` with Keras's defaults (a scalar of zeros).

        Args:
            shape: Shape of the variable.
            initializer: Initializer; `None` means zeros.
            dtype: Dtype of the variable; defaults to `kerax.backend.floatx()`.
            name: Name of the variable.
            aggregation: How replicas combine the variable.
        """
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, aggregation=aggregation, name=name)

    def _ensure_core_variables(self) -> None:
        """Create one variable per key of the pure core's `init_state()`, once built."""
        if self._core_variables is not None or self._core_init_state is None or not self.built:
            return
        with jax.ensure_compile_time_eval():  # concrete values, even when first needed inside a trace
            initial = self._core_init_state()
            variables = []
            for key, value in initial.items():
                value = jnp.asarray(value)
                variables.append(
                    Variable(
                        value, dtype=value.dtype, trainable=False, name=key, path=f"{self.name}/{key}", autocast=False
                    )
                )
        self._core_keys = tuple(initial)
        self._core_variables = variables

    @property
    def variables(self) -> list[Variable]:
        """The metric's state variables, in creation order (Keras's order), then its sub-metrics'.

        Variables of a pure-core metric exist once it is built (empty list before).
        """
        self._check_super_called()
        self._ensure_core_variables()
        variables = [*(self._core_variables or ()), *self._own_variables]
        for metric in self._sub_metrics:
            variables.extend(metric.variables)
        return variables

    def _keyed_variables(self) -> list[tuple[str, Variable]]:
        """The variables the pure core's state dict holds, with their keys."""
        if not self._derived_core and self._core_init_state is not None:
            self._ensure_core_variables()
            return list(zip(self._core_keys, self._core_variables or (), strict=True))
        keyed, seen = [], set()
        for variable in self.variables:
            key, i = variable.name, 0
            while key in seen:
                i += 1
                key = f"{variable.name}_{i}"
            seen.add(key)
            keyed.append((key, variable))
        return keyed

    # Pure functional core -------------------------------------------------------------------

    def build(self, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]) -> None:
        """Fix shape-dependent configuration from the input shapes (no-op by default).

        Args:
            y_true_shape: Shape of the targets.
            y_pred_shape: Shape of the predictions.
        """
        del y_true_shape, y_pred_shape
        self.built = True

    def _build_from_args(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self.built:
            return
        y_true = args[0] if len(args) > 0 else kwargs.get("y_true")
        y_pred = args[1] if len(args) > 1 else kwargs.get("y_pred")
        self.build(jnp.shape(y_true), jnp.shape(y_pred))

    def init_state(self) -> State:
        """Return the initial state: a dict of named arrays (pure).

        Metrics written the Keras way get it from `stateless_reset_state()`.
        """
        self._require_built()
        keys = [key for key, _ in self._keyed_variables()]
        return dict(zip(keys, self.stateless_reset_state(), strict=True))

    def update(self, state: State, *args: Any, **kwargs: Any) -> State:
        """Return a new state with one batch accumulated (pure; jit-traceable).

        Metrics written the Keras way get it from `stateless_update_state`.

        Args:
            state: The current state, as returned by `init_state` or `update`.
            *args: The batch, usually `y_true, y_pred`.
            **kwargs: Usually `sample_weight`.
        """
        self._build_from_args(args, kwargs)
        keys = [key for key, _ in self._keyed_variables()]
        values = self.stateless_update_state(self._state_values(state, keys), *args, **kwargs)
        return dict(zip(keys, values, strict=True))

    def compute(self, state: State) -> Any:
        """Return the metric value for a state (pure; jit-traceable).

        Metrics written the Keras way get it from `stateless_result`.

        Args:
            state: The accumulated state.
        """
        keys = [key for key, _ in self._keyed_variables()]
        return self.stateless_result(self._state_values(state, keys))

    def _state_values(self, state: State, keys: list[str]) -> list[Any]:
        missing = [key for key in keys if key not in state]
        if missing:
            raise ValueError(
                f"The state of metric {self.name!r} ({type(self).__name__}) must have the keys {keys}. "
                f"Missing: {missing}; received keys {sorted(state)}."
            )
        return [state[key] for key in keys]

    def _zeros(self, shape: tuple[int, ...] = ()) -> jax.Array:
        return jnp.zeros(shape, self.dtype)

    def _require_built(self) -> None:
        if not self.built:
            raise ValueError(
                f"Metric {self.name!r} ({type(self).__name__}) does not know its state shape yet. "
                "Call `build(y_true_shape, y_pred_shape)` or `update_state(...)` first."
            )

    def _missing_method(self, stateful: str, pure: str) -> NotImplementedError:
        return NotImplementedError(
            f"{type(self).__name__} must implement `{stateful}(...)` (Keras style) or the pure `{pure}(...)`."
        )

    # Stateful Keras API --------------------------------------------------------------------

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate one batch into the metric's variables.

        Args:
            *args: The batch, usually `y_true, y_pred`.
            **kwargs: Usually `sample_weight`.
        """
        if self._core_update is None:
            raise self._missing_method("update_state", "update")
        self._build_from_args(args, kwargs)
        self._ensure_core_variables()
        keyed = list(zip(self._core_keys, self._core_variables or (), strict=True))
        new = self._core_update({key: var.value for key, var in keyed}, *args, **kwargs)
        for key, var in keyed:
            var.assign(new[key])

    def result(self) -> Any:
        """Return the metric value computed from the variables."""
        if self._core_compute is None:
            raise self._missing_method("result", "compute")
        self._require_built()
        self._ensure_core_variables()
        keyed = zip(self._core_keys, self._core_variables or (), strict=True)
        return self._core_compute({key: var.value for key, var in keyed})

    def reset_state(self) -> None:
        """Reset every variable: pure-core variables to `init_state()`, the others to zeros."""
        self._ensure_core_variables()
        core = self._core_variables or []
        if core and self._core_init_state is not None:
            initial = self._core_init_state()
            for key, var in zip(self._core_keys, core, strict=True):
                var.assign(initial[key])
        for var in self.variables:
            if not any(var is c for c in core):
                var.assign(jnp.zeros(var.shape, var.dtype))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Accumulate one batch, then return the result.

        Args:
            *args: The batch, usually `y_true, y_pred`.
            **kwargs: Usually `sample_weight`.
        """
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return _read_variables(self.result())

    # Stateless Keras API -------------------------------------------------------------------

    def _scope_mapping(self, metric_variables: Sequence[Any]) -> dict[Variable, Any]:
        variables = self.variables
        if isinstance(metric_variables, (dict, str)) or not hasattr(metric_variables, "__len__"):
            raise TypeError(
                f"Argument `metric_variables` of metric {self.name!r} ({type(self).__name__}) must be a list "
                f"with one value per variable. Received: {type(metric_variables).__name__}"
            )
        if len(metric_variables) != len(variables):
            raise ValueError(
                f"Argument `metric_variables` of metric {self.name!r} ({type(self).__name__}) must hold one value "
                f"per entry of `metric.variables`: expected {len(variables)} values, received {len(metric_variables)}."
            )
        mapping = {}
        for var, value in zip(variables, metric_variables, strict=True):
            if isinstance(value, Variable):
                value = value.value
            value = jnp.asarray(value, dtype=var.dtype)
            if tuple(value.shape) != var.shape:
                raise ValueError(
                    f"Metric {self.name!r}: the value given for variable {var.path!r} has shape "
                    f"{tuple(value.shape)}; expected {var.shape}."
                )
            mapping[var] = value
        return mapping

    def stateless_update_state(self, metric_variables: Sequence[Any], *args: Any, **kwargs: Any) -> list[Any]:
        """Return the variables' values after `update_state(*args, **kwargs)`, without changing them.

        Pure: usable inside `jax.jit`. An unbuilt metric is built from the batch shapes first.

        Args:
            metric_variables: One value (array, tracer or Variable) per entry of `variables`.
            *args: The batch, usually `y_true, y_pred`.
            **kwargs: Usually `sample_weight`.
        """
        self._build_from_args(args, kwargs)
        mapping = self._scope_mapping(metric_variables)
        with StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        return [_scoped(scope, var, value) for var, value in mapping.items()]

    def stateless_result(self, metric_variables: Sequence[Any]) -> Any:
        """Return `result()` computed from the given values instead of the variables' (pure).

        Args:
            metric_variables: One value (array, tracer or Variable) per entry of `variables`.
        """
        mapping = self._scope_mapping(metric_variables)
        with StatelessScope(mapping):
            return _read_variables(self.result())

    def stateless_reset_state(self) -> list[Any]:
        """Return the values `reset_state()` would give the variables, without changing them (pure)."""
        mapping = {var: var.value for var in self.variables}
        with StatelessScope(mapping) as scope:
            self.reset_state()
        return [_scoped(scope, var, value) for var, value in mapping.items()]

    # The pure core's state dict ------------------------------------------------------------

    @property
    def state(self) -> State | None:
        """The variables' current values as a state dict (`None` while the metric is unbuilt).

        Setting it assigns each value to its variable.
        """
        if not self.built:
            return None
        return {key: var.value for key, var in self._keyed_variables()}

    @state.setter
    def state(self, value: State) -> None:
        self._require_built()
        keyed = self._keyed_variables()
        keys = [key for key, _ in keyed]
        if set(value) != set(keys):
            raise ValueError(
                f"The state of metric {self.name!r} ({type(self).__name__}) must have the keys {keys}. "
                f"Received keys {sorted(value)}."
            )
        for key, var in keyed:
            var.assign(value[key])

    # Kept for code written against the dict-backed metrics: an alias of `state`.
    _state = state

    # Config --------------------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments as a JSON-friendly dict."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """Create a metric from the output of `get_config`.

        Args:
            config: Dict of constructor arguments.
        """
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _scoped(scope: StatelessScope, var: Variable, given: Any) -> Any:
    value = scope.get(var)
    return given if value is None else value


def _read_variables(value: Any) -> Any:
    """Replace the Variables in a result (a value, or a dict/list of values) by their values."""
    return jax.tree_util.tree_map(
        lambda x: x.value if isinstance(x, Variable) else x, value, is_leaf=lambda x: isinstance(x, Variable)
    )


def _standardize_shape(shape: Any, name: str | None, owner: str) -> tuple[int, ...]:
    where = f"variable {name!r} of metric {owner!r}"
    if shape is None or isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise ValueError(f"Cannot convert {shape!r} to a shape for {where}: expected a tuple of non-negative ints.")
    dims = tuple(shape)
    for dim in dims:
        if dim is None:
            raise ValueError(f"The shape of {where} must be fully defined (no `None` dimensions). Received: {dims}")
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 0:
            raise ValueError(
                f"Cannot convert {dims!r} to a shape for {where}: dimension {dim!r} is not a non-negative int."
            )
    return tuple(int(d) for d in dims)
