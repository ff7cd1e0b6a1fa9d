"""``LossScaleOptimizer``: dynamic loss scaling around another optimizer, for float16 training.

The training step multiplies the loss by the current scale before differentiating
(``LossScaleOptimizer.scale_loss``); ``update`` divides the gradients by that scale and hands
them to the inner optimizer. A step whose gradients are not all finite is skipped and halves the scale;
after ``dynamic_growth_steps`` finite steps in a row the scale doubles. The scale and the count of
finite steps live in the optimizer state, so the jitted step stays pure.

As in Keras, ``variables`` are ``iteration`` and ``learning_rate`` (the wrapper's own, never used:
the inner optimizer counts the steps and holds the rate), ``step_counter``, ``dynamic_scale``, then the
inner optimizer's variables; they are the state, and ``stateless_apply`` steps on their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from kerax.backend._variables import Variable
from kerax.optimizers._base import Optimizer, OptimizerState, _is_number, check_state


class LossScaleState(NamedTuple):
    """The state of a ``LossScaleOptimizer``.

    Args:
        step_counter: int32 scalar, finite steps since the scale last changed.
        dynamic_scale: float32 scalar, the current loss scale.
        inner: the inner optimizer's state.
    """

    step_counter: jax.Array
    dynamic_scale: jax.Array
    inner: OptimizerState


class LossScaleOptimizer(Optimizer):
    """Wraps ``inner_optimizer`` with dynamic loss scaling (Keras 3 semantics).

    ``compile()`` wraps the optimizer in one automatically when the model's dtype policy is
    ``"mixed_float16"`` (unless ``auto_scale_loss=False``).

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the loss scale to start from. Defaults to ``32768.0``.
        dynamic_growth_steps: the scale doubles after this many consecutive steps with finite gradients.
            Defaults to ``2000``.
        name: default ``"loss_scale_optimizer"`` made unique.
        **kwargs: ``dynamic=True``, Keras's only supported value; any other keyword raises a ValueError (set it on the
            inner optimizer).
    """

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer: `dynamic=False` is not supported; set `loss_scale_factor` on the inner "
                "optimizer for a fixed scale."
            )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer: unsupported argument(s) {sorted(kwargs)}; set them on the inner optimizer."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be a kerax Optimizer, received "
                f"{inner_optimizer!r} of type {type(inner_optimizer).__name__}."
            )
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` is already a LossScaleOptimizer.")
        if not _is_number(initial_scale) or not initial_scale > 0:
            raise ValueError(
                f"LossScaleOptimizer: `initial_scale` must be a positive float, received {initial_scale!r}."
            )
        steps = dynamic_growth_steps
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(
                f"LossScaleOptimizer: `dynamic_growth_steps` must be an int >= 1, received {dynamic_growth_steps!r}."
            )
        super().__init__(learning_rate=0.0, name=name)
        # iteration, learning_rate (both unused, as in Keras), step_counter, dynamic_scale; None until built.
        self._own: list[Variable] | None = None
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale the gradients a second time.
        self.inner_optimizer.loss_scale_factor = None

    def _fresh_scale(self) -> tuple[jax.Array, jax.Array]:
        return jnp.zeros((), jnp.int32), jnp.asarray(self.initial_scale, jnp.float32)

    # ------------------------------------------------------------------ pure core
    def init(self, params: Any) -> LossScaleState:
        """Returns a fresh state for ``params``: the initial scale and the inner optimizer's state."""
        return LossScaleState(*self._fresh_scale(), self.inner_optimizer.init(params))

    def scale_loss(self, loss: Any, state: LossScaleState | None = None) -> Any:
        """Multiplies ``loss`` by the loss scale (Keras's ``scale_loss(loss)``).

        Without ``state``, the scale is the ``dynamic_scale`` variable's value, read through any active
        ``StatelessScope`` (so a traced step that maps ``optimizer.variables`` to its values uses its
        own scale), or the initial scale before the optimizer is built.

        Args:
            loss: The loss value.
            state: The ``LossScaleState`` the next ``update`` will receive (pure-core form).
        """
        if state is not None:
            scale = state.dynamic_scale
        elif self._own is not None:
            scale = self._own[3].value
        else:
            scale = self.initial_scale
        return loss * scale

    def _update(
        self,
        grads: Any,
        state: LossScaleState,
        params: Any,
        present: tuple[bool, ...] | None,
    ) -> tuple[Any, LossScaleState]:
        check_state(state, LossScaleState)
        leaves = [jnp.asarray(g) for g in jax.tree.leaves(grads)]
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(g)) for g in leaves])) if leaves else jnp.bool_(True)
        scale = state.dynamic_scale

        def apply() -> tuple[Any, LossScaleState]:
            # Unscaled by the scale the loss was multiplied with; the scale changes afterwards.
            unscaled = jax.tree.map(lambda g: jnp.asarray(g) / scale, grads)
            new_params, inner = self.inner_optimizer._update(unscaled, state.inner, params, present)
            grow = state.step_counter >= self.dynamic_growth_steps - 1
            counter = jnp.where(grow, 0, state.step_counter + 1).astype(jnp.int32)
            return new_params, LossScaleState(counter, jnp.where(grow, scale * 2.0, scale), inner)

        def skip() -> tuple[Any, LossScaleState]:
            return params, LossScaleState(jnp.zeros((), jnp.int32), scale * 0.5, state.inner)

        return jax.lax.cond(finite, apply, skip)

    def iterations_from_state(self, opt_state: LossScaleState) -> jax.Array:  # type: ignore[override]
        """Returns the number of steps the inner optimizer applied (skipped steps do not count)."""
        return self.inner_optimizer.iterations_from_state(opt_state.inner)

    def learning_rate_from_state(self, state: LossScaleState) -> jax.Array:  # type: ignore[override]
        """Returns the learning rate the inner optimizer's next step will use."""
        return self.inner_optimizer.learning_rate_from_state(state.inner)

    # ------------------------------------------------------------------ variables
    @property
    def built(self) -> bool:
        """Whether the optimizer (and its inner optimizer) has created its variables."""
        return self._own is not None and self.inner_optimizer.built

    def _create_own(self, step_counter: Any, dynamic_scale: Any) -> None:
        specs = [
            ("iteration", 0, jnp.int32),
            ("learning_rate", 0.0, jnp.float32),
            ("step_counter", step_counter, jnp.int32),
            ("dynamic_scale", dynamic_scale, jnp.float32),
        ]
        self._own = [self._new_variable(name, jnp.asarray(value, dtype)) for name, value, dtype in specs]
        self._n_params = self.inner_optimizer._n_params
        self._version += 1
        self._jitted.clear()

    def build(self, variables: Sequence[Any]) -> None:
        """Builds the inner optimizer on ``variables`` and creates the scale variables (no-op if built)."""
        if self.built:
            return
        variables = list(variables)
        self.inner_optimizer.build(variables)
        self._tracked = variables
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._create_own(0, self.initial_scale)

    def _build_from_state(self, state: LossScaleState) -> None:  # type: ignore[override]
        if not self.inner_optimizer.built:
            self.inner_optimizer._build_from_state(state.inner)
        self._create_own(state.step_counter, state.dynamic_scale)

    def _check_state_structure(self, state: LossScaleState) -> None:  # type: ignore[override]
        self.inner_optimizer._check_state_structure(state.inner)

    def _state_type(self) -> type:
        return LossScaleState

    def _trace_version(self) -> Any:
        # The inner optimizer's schedule and layout are traced into this optimizer's steps too.
        return (self._version, self.inner_optimizer._trace_version())

    def _state_from_values(self, values: Sequence[Any]) -> LossScaleState:  # type: ignore[override]
        return LossScaleState(values[2], values[3], self.inner_optimizer._state_from_values(values[4:]))

    def _values_from_state(  # type: ignore[override]
        self, state: LossScaleState, previous: Sequence[Any] | None = None
    ) -> list[Any]:
        unused = list(previous[:2]) if previous is not None else [v.value for v in self._own[:2]]
        return [*unused, state.step_counter, state.dynamic_scale, *self.inner_optimizer._values_from_state(state.inner)]

    @property
    def variables(self) -> list[Variable]:
        """Keras 3's layout: ``iteration`` and ``learning_rate`` (unused, 0), ``step_counter``,
        ``dynamic_scale``, then the inner optimizer's variables (empty before ``build``)."""
        if not self.built:
            return []
        return [*self._own, *self.inner_optimizer.variables]

    # ------------------------------------------------------------------ stateful surface
    @property
    def dynamic_scale(self) -> float:
        """The current loss scale (the ``dynamic_scale`` variable's value, as a float)."""
        return float(self._own[3].value) if self._own is not None else self.initial_scale

    @property
    def step_counter(self) -> int:
        """Finite steps since the scale last changed (the ``step_counter`` variable's value)."""
        return int(self._own[2].value) if self._own is not None else 0

    @property
    def learning_rate(self) -> float:
        """The inner optimizer's learning rate (setting it sets the inner optimizer's)."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self.inner_optimizer.learning_rate = value

    @property
    def iterations(self) -> int:
        """Steps the inner optimizer applied so far."""
        return self.inner_optimizer.iterations

    def finalize_variable_values(self, var_list: Sequence[Any]) -> None:
        """Delegates to the inner optimizer (its EMA, if any)."""
        self.inner_optimizer.finalize_variable_values(var_list)

    # ------------------------------------------------------------------ serialisation
    def get_config(self) -> dict[str, Any]:
        """Returns Keras's config: name, the serialised inner optimizer, the initial scale, the growth steps."""
        from kerax.optimizers._registry import serialize  # the registry lists this class

        return {
            "name": self.name,
            "inner_optimizer": serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> LossScaleOptimizer:
        """Creates a LossScaleOptimizer from ``get_config()`` output (Keras-saved configs too)."""
        from kerax.optimizers._registry import deserialize  # the registry lists this class

        config = dict(config)
        inner = deserialize(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)

    def __repr__(self) -> str:
        return f"LossScaleOptimizer(name={self.name!r}, inner_optimizer={self.inner_optimizer!r})"
