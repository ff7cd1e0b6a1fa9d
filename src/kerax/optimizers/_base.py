"""``Optimizer``: a serialisable Keras-style front-end over a per-variable optax transformation.

The optimizer has two faces:

* a **pure core** for jitted training loops::

      state = opt.init(params)                               # any pytree of arrays
      new_params, state = opt.update(grads, state, params)   # jit-traceable, donation-safe

  Everything that changes from step to step (iteration count, base learning
  rate, optax slots, EMA averages, gradient accumulators) lives in the
  :class:`OptimizerState` pytree; hyper-parameters are Python constants.

* a **stateful Keras surface** (``apply_gradients``, ``iterations``,
  ``learning_rate`` ...) that keeps one such state in ``self.state``. A
  trainer that steps with the pure core writes its state back with
  :meth:`Optimizer.set_state`, and reads ``opt.state`` again after anything
  (a callback, say) that may have changed it.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from kerax.backend import to_snake_case, uniquify
from kerax.optimizers import _keras_layout
from kerax.optimizers import schedules as schedules_module
from kerax.optimizers._transforms import clip_by_norm_per_variable

_F32 = jnp.float32


class OptimizerState(NamedTuple):
    """Everything an optimizer step reads and writes, as a pytree.

    Attributes:
        iterations: int32 scalar, calls to ``update`` so far (with gradient
            accumulation this counts micro-steps; see ``iterations_from_state``).
        learning_rate: float32 scalar. For a constant learning rate this *is*
            the learning rate (change it without recompiling); with a schedule
            it records the rate used by the latest step.
        ema: Per-variable moving averages (tuple), or None without ``use_ema``.
        accumulators: Per-variable gradient sums (tuple), or None without
            ``gradient_accumulation_steps``.
        slots: Per-variable optax states (tuple, one per parameter leaf).
    """

    iterations: jax.Array
    learning_rate: jax.Array
    ema: tuple[jax.Array, ...] | None
    accumulators: tuple[jax.Array, ...] | None
    slots: tuple[Any, ...]


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return isinstance(value, (np.ndarray, jax.Array)) and np.ndim(value) == 0


def _check_optional_positive(name: str, value: Any) -> None:
    if value is None:
        return
    if not _is_number(value) or value < 0:
        raise ValueError(f"Argument `{name}` must be a non-negative float or None. Received: {name}={value!r}")


def check_hyperparameter(name: str, value: Any, low: float, high: float, *, low_open: bool = False) -> float:
    """Returns ``value`` as a float after checking it lies in ``[low, high]`` (or ``(low, high]``).

    Args:
        name: Argument name, for the error message.
        value: The received value.
        low: Lower bound.
        high: Upper bound.
        low_open: Exclude ``low`` itself.
    """
    ok = _is_number(value) and (low < value if low_open else low <= value) and value <= high
    if not ok:
        interval = f"{'(' if low_open else '['}{low}, {high}]"
        raise ValueError(f"Argument `{name}` must be a float in {interval}. Received: {name}={value!r}")
    return float(value)


def check_state(state: Any, expected: type) -> None:
    """Refuse an ``opt_state`` that is not the ``expected`` state ``init``/``update`` returned."""
    if not isinstance(state, expected):
        raise TypeError(
            f"Argument `opt_state` must be the {expected.__name__} returned by `init` or `update`. "
            f"Received: {type(state).__name__}"
        )


def _value_of(variable: Any) -> jax.Array:
    return jnp.asarray(variable.value if hasattr(variable, "value") else variable)


def _takes_no_argument(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    required = [p for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    variadic = any(p.kind == p.VAR_POSITIONAL for p in params)
    return not required and not variadic


class Optimizer:
    """Base class of kerax optimizers.

    A subclass supplies :meth:`build_transform`, an optax transformation that
    maps *one variable's* gradient to that variable's parameter delta, reading
    the learning rate from the ``learning_rate`` extra argument (use
    :func:`kerax.optimizers.scale_by_learning_rate`). The base class handles
    the learning rate and its schedule, gradient clipping, loss-scale
    unscaling, decoupled weight decay, gradient accumulation, EMA of the
    weights, the iteration count and serialisation, with Keras 3 semantics.

    Args:
        learning_rate: A float, a ``LearningRateSchedule``, or a callable
            ``f(step) -> lr`` (zero-argument callables are called without the
            step, as Keras does).
        weight_decay: If set, every step first does ``var -= var * wd * lr``.
        clipnorm: If set, clip each variable's gradient to this L2 norm.
        clipvalue: If set, clip gradient elements to ``[-clipvalue, clipvalue]``.
        global_clipnorm: If set, clip all gradients jointly to this global norm.
        use_ema: Keep an exponential moving average of the variables.
        ema_momentum: Momentum of that average.
        ema_overwrite_frequency: Every this many steps, overwrite the variables
            with their average (None: only in ``finalize_variable_values``).
        loss_scale_factor: If set, gradients are divided by it (see
            :meth:`scale_loss`).
        gradient_accumulation_steps: If set (an int >= 2), gradients are
            averaged over this many calls and applied on the last one.
        name: Name of the optimizer (default: snake-cased class name).
    """

    def __init__(
        self,
        learning_rate: float | schedules_module.LearningRateSchedule | Callable[..., Any],
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
    ) -> None:
        for arg, value in (
            ("weight_decay", weight_decay),
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
        ):
            _check_optional_positive(arg, value)
        clips = [a for a in (clipnorm, clipvalue, global_clipnorm) if a is not None]
        if len(clips) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if not _is_number(ema_momentum) or not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be a float in [0, 1]. Received: ema_momentum={ema_momentum!r}")
        if ema_overwrite_frequency is not None and (
            not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
        ):
            raise ValueError(
                "`ema_overwrite_frequency` must be an int >= 1 or None. "
                f"Received: ema_overwrite_frequency={ema_overwrite_frequency!r}"
            )
        if loss_scale_factor is not None and (not _is_number(loss_scale_factor) or loss_scale_factor == 0):
            raise ValueError(
                "`loss_scale_factor` must be a non-zero float or None. "
                f"Received: loss_scale_factor={loss_scale_factor!r}"
            )
        if gradient_accumulation_steps is not None and (
            not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an int >= 2 or None. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps!r}"
            )
        self.name = name if name is not None else uniquify(to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._learning_rate = self._check_learning_rate(learning_rate)
        self._state: OptimizerState | None = None
        self._tracked: list[Any] = []
        self._index: dict[int, int] = {}
        self._decay_mask: tuple[bool, ...] | None = None
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern[str] | None = None
        self._tx: optax.GradientTransformationExtraArgs | None = None
        self._jitted: dict[tuple[bool, ...], Callable[..., Any]] = {}

    # ------------------------------------------------------------------ subclass hook
    def build_transform(self) -> optax.GradientTransformation:
        """Returns the per-variable optax transformation ``grad -> parameter delta``.

        The transformation is applied to one variable at a time and is called
        as ``update(grad, slot_state, param, learning_rate=lr)``.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement `build_transform()`, returning an optax "
            "transformation that maps one variable's gradient to its parameter delta."
        )

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        if self._tx is None:
            self._tx = optax.with_extra_args_support(self.build_transform())
        return self._tx

    # ------------------------------------------------------------------ learning rate
    @staticmethod
    def _check_learning_rate(value: Any) -> Any:
        if isinstance(value, schedules_module.LearningRateSchedule) or callable(value):
            return value
        if not _is_number(value):
            raise ValueError(
                "Argument `learning_rate` must be a float, a LearningRateSchedule or a callable "
                f"of the step. Received: learning_rate={value!r}"
            )
        return float(value)

    def _learning_rate_at(self, state: OptimizerState) -> jax.Array:
        lr = self._learning_rate
        if isinstance(lr, float):
            return state.learning_rate
        value = lr() if _takes_no_argument(lr) else lr(state.iterations)
        return jnp.asarray(value).astype(_F32).reshape(())

    @property
    def learning_rate(self) -> float:
        """The current learning rate as a Python float.

        Setting a number changes a constant learning rate in the optimizer
        state, so an already-jitted ``update`` uses it without recompiling (a
        trainer must pass the updated ``opt.state`` to its next step).
        Setting a schedule or callable changes the computation: jitted
        functions that call ``update`` must be re-traced.
        """
        if self._state is None:
            lr = self._learning_rate
            if isinstance(lr, float):
                return float(np.float32(lr))
            return float(self._learning_rate_at(self._initial_state_stub()))
        return float(self._learning_rate_at(self._state))

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        value = self._check_learning_rate(value)
        if isinstance(value, float):
            if not isinstance(self._learning_rate, float):
                raise TypeError(
                    f"Optimizer '{self.name}' was created with a schedule or callable "
                    f"learning rate ({self._learning_rate!r}), so its learning rate cannot be set "
                    f"to a number (received {value!r}). Create the optimizer with a float "
                    "`learning_rate` to make it settable."
                )
            self._learning_rate = value
            if self._state is not None:
                self._state = self._state._replace(learning_rate=jnp.asarray(value, _F32))
            return
        self._learning_rate = value
        self._jitted.clear()

    def _initial_state_stub(self) -> OptimizerState:
        lr = self._learning_rate if isinstance(self._learning_rate, float) else 0.0
        return OptimizerState(jnp.zeros([], jnp.int32), jnp.asarray(lr, _F32), None, None, ())

    def learning_rate_from_state(self, state: OptimizerState) -> jax.Array:
        """Returns the learning rate the next ``update`` on ``state`` will use (traceable).

        Args:
            state: An optimizer state.
        """
        return self._learning_rate_at(state)

    # ------------------------------------------------------------------ pure core
    def init(self, params: Any) -> OptimizerState:
        """Returns a fresh optimizer state for ``params`` (any pytree of arrays).

        Args:
            params: The trainable parameters, e.g. a list of arrays.
        """
        leaves = [jnp.asarray(p) for p in jax.tree.leaves(params)]
        tx = self._transform()
        stub = self._initial_state_stub()
        # Separate buffers for every leaf, so a donated state never donates one buffer twice.
        return OptimizerState(
            iterations=stub.iterations,
            learning_rate=self._learning_rate_at(stub),
            ema=tuple(jnp.zeros_like(p) for p in leaves) if self.use_ema else None,
            accumulators=tuple(jnp.zeros_like(p) for p in leaves) if self.gradient_accumulation_steps else None,
            slots=tuple(tx.init(p) for p in leaves),
        )

    def update(self, grads: Any, opt_state: OptimizerState, params: Any) -> tuple[Any, OptimizerState]:
        """Applies one optimizer step; pure and jit-traceable.

        Args:
            grads: Gradients, a pytree with the structure of ``params``.
            opt_state: The state from ``init`` or a previous ``update``.
            params: The current parameters.

        Returns:
            ``(new_params, new_opt_state)``.
        """
        return self._update(grads, opt_state, params, None)

    def iterations_from_state(self, opt_state: OptimizerState) -> jax.Array:
        """Returns the number of applied steps recorded in ``opt_state`` (Keras ``iterations``).

        With gradient accumulation this is the number of *applied* updates,
        i.e. calls divided by ``gradient_accumulation_steps``.

        Args:
            opt_state: An optimizer state.
        """
        return self._applied_steps(opt_state.iterations)

    def _update(
        self,
        grads: Any,
        state: OptimizerState,
        params: Any,
        present: tuple[bool, ...] | None,
    ) -> tuple[Any, OptimizerState]:
        check_state(state, OptimizerState)
        p_leaves, treedef = jax.tree.flatten(params)
        try:
            g_leaves = treedef.flatten_up_to(grads)
        except (ValueError, TypeError) as err:
            raise ValueError(f"Argument `grads` must have the structure of `params` ({treedef}). Error: {err}") from err
        n = len(p_leaves)
        if len(state.slots) != n:
            raise ValueError(
                f"The optimizer state was built for {len(state.slots)} variables but `params` has "
                f"{n}. Call `init` on the current parameters."
            )
        present = present if present is not None else (True,) * n
        decay_mask = self._weight_decay_mask(n)
        lr = self._learning_rate_at(state)
        g_leaves = [jnp.asarray(g) for g in g_leaves]
        if self.loss_scale_factor is not None:
            g_leaves = [g / self.loss_scale_factor for g in g_leaves]
        step_fn = partial(self._step, lr=lr, present=present, decay_mask=decay_mask)

        accumulators = state.accumulators
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            applying = (state.iterations + 1) % steps == 0
            mean = [(g + a) / steps for g, a in zip(g_leaves, accumulators, strict=True)]
            new_p, slots = jax.lax.cond(
                applying,
                lambda: step_fn(mean, list(p_leaves), state.slots),
                lambda: (list(p_leaves), state.slots),
            )
            accumulators = tuple(
                jnp.where(applying, jnp.zeros_like(a), a + g) if keep else a
                for g, a, keep in zip(g_leaves, accumulators, present, strict=True)
            )
        else:
            new_p, slots = step_fn(g_leaves, list(p_leaves), state.slots)

        ema = state.ema
        if self.use_ema:
            new_p, ema = self._update_ema(new_p, ema, self.iterations_from_state(state))

        new_state = OptimizerState(
            iterations=state.iterations + 1,
            learning_rate=state.learning_rate if isinstance(self._learning_rate, float) else lr,
            ema=ema,
            accumulators=accumulators,
            slots=tuple(slots),
        )
        return jax.tree.unflatten(treedef, new_p), new_state

    def _step(
        self,
        grads: list[jax.Array],
        params: list[jax.Array],
        slots: tuple[Any, ...],
        *,
        lr: jax.Array,
        present: tuple[bool, ...],
        decay_mask: tuple[bool, ...],
    ) -> tuple[list[jax.Array], tuple[Any, ...]]:
        grads = self._clip(grads)
        tx = self._transform()
        new_params, new_slots = [], []
        for g, p, s, keep, decay in zip(grads, params, slots, present, decay_mask, strict=True):
            if not keep:
                new_params.append(p)
                new_slots.append(s)
                continue
            if self.weight_decay is not None and decay:
                p = p - p * jnp.asarray(self.weight_decay, p.dtype) * lr.astype(p.dtype)
            delta, new_s = tx.update(g.astype(p.dtype), s, p, learning_rate=lr)
            new_params.append(optax.apply_updates(p, delta))
            # Keep slot dtypes fixed (e.g. bfloat16 params) so the state never forces a retrace.
            new_slots.append(optax.tree.cast_like(new_s, s))
        return new_params, tuple(new_slots)

    def _clip(self, grads: list[jax.Array]) -> list[jax.Array]:
        if self.clipnorm:
            clip = clip_by_norm_per_variable(self.clipnorm)
        elif self.global_clipnorm:
            clip = optax.clip_by_global_norm(self.global_clipnorm)
        elif self.clipvalue:
            clip = optax.clip(self.clipvalue)
        else:
            return grads
        return clip.update(grads, optax.EmptyState())[0]

    def _update_ema(
        self, params: list[jax.Array], ema: tuple[jax.Array, ...], step: jax.Array
    ) -> tuple[list[jax.Array], tuple[jax.Array, ...]]:
        # The first step copies the weights (Keras uses momentum 0 at step 0).
        momentum = jnp.where(step != 0, jnp.asarray(self.ema_momentum, _F32), 0.0)
        ema = tuple((momentum * a + (1 - momentum) * p).astype(a.dtype) for a, p in zip(ema, params, strict=True))
        if self.ema_overwrite_frequency:
            overwrite = (step + 1) % self.ema_overwrite_frequency == 0
            params = [jnp.where(overwrite, a, p) for a, p in zip(ema, params, strict=True)]
        return params, ema

    # ------------------------------------------------------------------ weight-decay exclusion
    def exclude_from_weight_decay(
        self, var_list: Iterable[Any] | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Exempts variables from weight decay; call before the optimizer is built.

        Args:
            var_list: Variables to exempt (matched by identity).
            var_names: Substrings / regular expressions; a variable whose
                ``name`` matches any of them is exempt.
        """
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` must be called before the optimizer is built "
                f"(optimizer '{self.name}' is already built)."
            )
        self._exclude_ids = {id(v) for v in var_list or ()}
        names = list(var_names or ())
        self._exclude_pattern = re.compile("|".join(set(names))) if names else None

    def _weight_decay_mask(self, n: int) -> tuple[bool, ...]:
        if self._decay_mask is not None:
            if len(self._decay_mask) != n:
                raise ValueError(
                    f"Optimizer '{self.name}' was built on {len(self._decay_mask)} variables but is updating {n}."
                )
            return self._decay_mask
        if self._exclude_ids or self._exclude_pattern is not None:
            raise ValueError(
                f"Optimizer '{self.name}' has weight-decay exclusions; call "
                "`optimizer.build(variables)` with the variables before `update` so they can be "
                "matched."
            )
        return (True,) * n

    # ------------------------------------------------------------------ stateful surface
    @property
    def built(self) -> bool:
        """Whether the optimizer holds a state."""
        return self._state is not None

    def build(self, variables: Sequence[Any]) -> None:
        """Creates the optimizer state for ``variables`` (no-op if already built).

        Args:
            variables: Objects with a ``.value`` array (e.g. kerax Variables),
                or plain arrays, in the order gradients will be given.
        """
        if self.built:
            return
        variables = list(variables)
        self._tracked = variables
        self._index = {id(v): i for i, v in enumerate(variables)}
        if self._exclude_ids or self._exclude_pattern is not None:
            self._decay_mask = tuple(
                id(v) not in self._exclude_ids
                and not (
                    self._exclude_pattern is not None and self._exclude_pattern.search(str(getattr(v, "name", "")))
                )
                for v in variables
            )
        self._state = self.init([_value_of(v) for v in variables])

    @property
    def state(self) -> OptimizerState | None:
        """The optimizer's current state (None before it is built)."""
        return self._state

    def set_state(self, state: OptimizerState) -> None:
        """Replaces the optimizer's state, e.g. with the result of a jitted ``update``.

        Args:
            state: An ``OptimizerState`` for the variables this optimizer tracks.
        """
        if not isinstance(state, OptimizerState):
            raise TypeError(f"Argument `state` must be an OptimizerState. Received: {type(state).__name__}")
        self._state = state

    @property
    def iterations(self) -> int:
        """Number of optimizer steps applied so far."""
        if self._state is None:
            return 0
        return int(self.iterations_from_state(self._state))

    @property
    def variables(self) -> list[jax.Array]:
        """The state's arrays, in the order and layout of Keras 3's ``optimizer.variables``.

        That is ``iteration``, ``learning_rate`` (constant rates only), EMA
        averages, gradient accumulators, then the optimizer's slots (Keras
        names: ``momentum``, ``velocity`` ...). Optax's internal per-variable
        step counters are not listed (they equal the iteration count). An
        optimizer without a declared Keras layout lists the raw state leaves.
        """
        if self._state is None:
            return []
        groups = self._keras_slot_layout()
        if groups is None:
            return jax.tree.leaves(self._state)
        constant = isinstance(self._learning_rate, float)
        return _keras_layout.to_keras(self._state, constant, groups, self._keras_shared_slots())

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Replaces the state with ``weights``, ordered as :attr:`variables` (e.g. saved by Keras).

        Args:
            weights: One array per entry of ``variables``.
        """
        if self._state is None:
            raise ValueError(f"Optimizer '{self.name}' must be built before `set_weights()`.")
        groups = self._keras_slot_layout()
        if groups is not None:
            self._state = _keras_layout.from_keras(
                self._state,
                list(weights),
                isinstance(self._learning_rate, float),
                groups,
                self._keras_shared_slots(),
                self._applied_steps,
            )
            return
        leaves, treedef = jax.tree.flatten(self._state)
        if len(weights) != len(leaves):
            raise ValueError(f"Optimizer '{self.name}' has {len(leaves)} variables; received {len(weights)} weights.")
        new = []
        for i, (old, w) in enumerate(zip(leaves, weights, strict=True)):
            w = jnp.asarray(w, dtype=old.dtype)
            if w.shape != old.shape:
                raise ValueError(f"Optimizer variable {i} has shape {old.shape}; received weight of shape {w.shape}.")
            new.append(w)
        self._state = jax.tree.unflatten(treedef, new)

    def _applied_steps(self, iterations: jax.Array) -> jax.Array:
        if self.gradient_accumulation_steps:
            return iterations // self.gradient_accumulation_steps
        return iterations

    def _keras_slot_layout(self) -> list[_keras_layout.SlotGroup] | None:
        """Returns the Keras slot groups of one variable's optax state (see ``_keras_layout``).

        None (the default, for custom optimizers) means "no Keras layout".
        """
        return None

    def _keras_shared_slots(self) -> list[_keras_layout.SlotPath]:
        """Returns paths of scalar slots that Keras keeps once for all variables."""
        return []

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Any]]) -> int:
        """Applies gradients to variables in place (eager convenience API).

        Args:
            grads_and_vars: ``(gradient, variable)`` pairs; each variable has a
                ``.value`` array and an ``.assign(new)`` method. A None
                gradient skips its variable (with a warning).

        Returns:
            The new iteration count.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        grads, variables = zip(*pairs, strict=True)
        self.apply(list(grads), list(variables))
        return self.iterations

    def apply(self, grads: Sequence[Any], trainable_variables: Sequence[Any] | None = None) -> None:
        """Applies ``grads`` to ``trainable_variables`` (or to the built variables).

        Args:
            grads: One gradient (or None) per variable.
            trainable_variables: The variables; needed on the first call.
        """
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When `trainable_variables` is omitted the optimizer must already be built; "
                    "call `optimizer.build(variables)` first."
                )
            trainable_variables = self._tracked
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Expected one gradient per variable: received {len(grads)} gradients for "
                f"{len(trainable_variables)} variables."
            )
        self.build(trainable_variables)
        full = [None] * len(self._tracked)
        for g, v in zip(grads, trainable_variables, strict=True):
            if id(v) not in self._index:
                raise ValueError(
                    f"Unknown variable {getattr(v, 'path', getattr(v, 'name', v))!r}: optimizer "
                    f"'{self.name}' was built on other variables."
                )
            full[self._index[id(v)]] = g
        present = tuple(g is not None for g in full)
        if not any(present):
            raise ValueError("No gradients provided for any variable.")
        if not all(present):
            missing = [
                getattr(v, "path", getattr(v, "name", i)) for i, v in enumerate(self._tracked) if full[i] is None
            ]
            warnings.warn(f"Gradients do not exist for variables {missing}; they are not updated.", stacklevel=3)
        values = [_value_of(v) for v in self._tracked]
        full = [jnp.zeros_like(p) if g is None else jnp.asarray(g) for g, p in zip(full, values, strict=True)]
        fn = self._jitted.get(present)
        if fn is None:
            fn = self._jitted[present] = jax.jit(partial(self._update, present=present))
        new_values, self._state = fn(full, self._state, values)
        # All tracked variables: an EMA overwrite can change those without a gradient too.
        for v, new in zip(self._tracked, new_values, strict=True):
            v.assign(new)
        for v, keep in zip(self._tracked, present, strict=True):
            constraint = getattr(v, "constraint", None)
            if keep and constraint is not None:
                v.assign(constraint(_value_of(v)))

    def finalize_variable_values(self, var_list: Sequence[Any]) -> None:
        """With ``use_ema``, overwrites the variables with their moving averages.

        Args:
            var_list: The variables, in build order.
        """
        if self.use_ema and self._state is not None:
            for v, average in zip(var_list, self._state.ema, strict=True):
                v.assign(average)

    def scale_loss(self, loss: Any, state: Any = None) -> Any:
        """Multiplies ``loss`` by ``loss_scale_factor`` when one is set (the training step calls this).

        Args:
            loss: The loss value.
            state: The optimizer state of the step (used by ``LossScaleOptimizer``; ignored here).
        """
        del state
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    # ------------------------------------------------------------------ serialisation
    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments (Keras-compatible keys).

        A plain (non-schedule) callable learning rate cannot be serialised; the
        config records its current value instead.
        """
        lr = self._learning_rate
        if isinstance(lr, schedules_module.LearningRateSchedule):
            lr_config: Any = schedules_module.serialize(lr)
        else:
            lr_config = self.learning_rate
        return {
            "name": self.name,
            "learning_rate": lr_config,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Optimizer:
        """Creates an optimizer from ``get_config()`` output.

        Args:
            config: The config dict.
            custom_objects: Optional mapping of custom schedule classes.
        """
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules_module.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, learning_rate={self._learning_rate!r})"
