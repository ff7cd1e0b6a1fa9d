"""The `Metric` base class: a pure functional core plus Keras's stateful surface."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.losses._common import standardize_dtype, to_snake_case

#: A metric's state: a flat dict of named jax arrays (a valid pytree).
State = dict[str, jax.Array]


class Metric:
    """Base class of metrics.

    Every metric is defined by three pure functions, safe to use inside `jax.jit`:

    * `init_state()` returns the zero state, a dict of named float arrays;
    * `update(state, ...)` returns the state after accumulating one batch;
    * `compute(state)` returns the metric value.

    The Keras-style stateful API (`update_state`, `result`, `reset_state`, `__call__`,
    `variables`) keeps a state on the instance and delegates to those functions.

    A few metrics only know the shape of their state once they have seen data
    (for example `F1Score` needs the number of classes). Those start with
    `built == False`; call `build(y_true_shape, y_pred_shape)` before `init_state()`,
    or let the first `update_state` call build them.

    Args:
        name: Name of the metric; defaults to the snake_case class name.
        dtype: Floating dtype of the state and results; defaults to `"float32"`.
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or to_snake_case(type(self).__name__)
        self._dtype = standardize_dtype(dtype)
        self.built = True
        self._state: State | None = None
        self._state_order: tuple[str, ...] = ()

    @property
    def dtype(self) -> str:
        """Name of the floating dtype of the metric's state."""
        return self._dtype

    # Pure functional core -------------------------------------------------------------------

    def build(self, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]) -> None:
        """Fix shape-dependent configuration from the input shapes (no-op by default).

        Args:
            y_true_shape: Shape of the targets.
            y_pred_shape: Shape of the predictions.
        """
        del y_true_shape, y_pred_shape
        self.built = True

    def init_state(self) -> State:
        """Return the zero state: a dict of named arrays."""
        raise NotImplementedError(f"{type(self).__name__} must implement `init_state()`.")

    def update(self, state: State, *args: Any, **kwargs: Any) -> State:
        """Return a new state with one batch accumulated (pure; jit-traceable).

        Args:
            state: The current state, as returned by `init_state` or `update`.
            *args: The batch, usually `y_true, y_pred`.
            **kwargs: Usually `sample_weight`.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement `update(state, ...)`.")

    def compute(self, state: State) -> jax.Array:
        """Return the metric value for a state (pure; jit-traceable).

        Args:
            state: The accumulated state.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement `compute(state)`.")

    def _zeros(self, shape: tuple[int, ...] = ()) -> jax.Array:
        return jnp.zeros(shape, self.dtype)

    def _require_built(self) -> None:
        if not self.built:
            raise ValueError(
                f"Metric {self.name!r} ({type(self).__name__}) does not know its state shape yet. "
                "Call `build(y_true_shape, y_pred_shape)` or `update_state(...)` first."
            )

    # Stateful Keras API --------------------------------------------------------------------

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate one batch into the metric's own state.

        Args:
            *args: The batch, usually `y_true, y_pred`.
            **kwargs: Usually `sample_weight`.
        """
        if not self.built:
            y_true = args[0] if len(args) > 0 else kwargs.get("y_true")
            y_pred = args[1] if len(args) > 1 else kwargs.get("y_pred")
            self.build(jnp.shape(y_true), jnp.shape(y_pred))
        if self._state is None:
            self._set_state(self.init_state())
        self._set_state(self.update(self._state, *args, **kwargs))

    def result(self) -> jax.Array:
        """Return the metric value for the accumulated state."""
        if self._state is None:
            self._require_built()
            self._set_state(self.init_state())
        return self.compute(self._state)

    def reset_state(self) -> None:
        """Reset the accumulated state to zeros."""
        self._state = None
        if self.built:
            self._set_state(self.init_state())

    def __call__(self, *args: Any, **kwargs: Any) -> jax.Array:
        """Accumulate one batch, then return the result.

        Args:
            *args: The batch, usually `y_true, y_pred`.
            **kwargs: Usually `sample_weight`.
        """
        self.update_state(*args, **kwargs)
        return self.result()

    def _set_state(self, state: State) -> None:
        if not self._state_order:
            self._state_order = tuple(state)
        self._state = state

    @property
    def state(self) -> State | None:
        """The accumulated state, or `None` before the first update of an unbuilt metric."""
        if self._state is None and self.built:
            self._set_state(self.init_state())
        return self._state

    @state.setter
    def state(self, value: State) -> None:
        self._set_state(dict(value))

    @property
    def variables(self) -> list[jax.Array]:
        """The current state arrays, in a fixed order (Keras's variable order)."""
        state = self.state
        if state is None:
            return []
        return [state[key] for key in self._state_order]

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
