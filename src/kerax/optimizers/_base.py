"""``Optimizer``: a serialisable Keras-style front-end over a per-variable optax transformation.

The optimizer has three faces:

* a **pure core** for jitted training loops:

      state = opt.init(params)                               # any pytree of arrays
      new_params, state = opt.update(grads, state, params)   # jit-traceable, donation-safe

  Everything that changes from step to step (iteration count, base learning
  rate, optax slots, EMA averages, gradient accumulators) lives in the
  ``OptimizerState`` pytree; hyper-parameters are Python constants.

* **Keras 3's variables**: after ``build(variables)``, ``opt.variables`` is a
  list of kerax ``Variable`` objects in Keras's order and layout (``iteration``,
  ``learning_rate``, ``<var>_momentum`` ...). They are the single source of
  truth of the optimizer's state: ``state``, ``iterations``,
  ``learning_rate``, ``set_state``, ``apply`` ... read and write through them.
  ``Optimizer.stateless_apply`` is Keras's pure step on their values:

      new_params, new_opt_values = opt.stateless_apply(opt_values, grads, params)

* a **stateful Keras surface** (``apply_gradients``, ``apply``,
  ``iterations``, ``learning_rate`` ...) over those Variables. A trainer that
  steps with the pure core writes its state back with
  ``Optimizer.set_state``, and reads ``opt.state`` again after anything
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
from kerax.backend._variables import Variable
from kerax.optimizers import _keras_layout
from kerax.optimizers import schedules as schedules_module
from kerax.optimizers._transforms import clip_by_norm_per_variable

_F32 = jnp.float32


class OptimizerState(NamedTuple):
    """Everything an optimizer step reads and writes, as a pytree.

    Args:
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


def flat_leaves(grads: Any, params: Any) -> tuple[list[Any], list[Any], Any]:
    """The leaves of ``params``, those of ``grads`` in the same order, and the tree ``params`` has.

    Raises:
        ValueError: if ``grads`` does not have the structure of ``params``.
    """
    p_leaves, treedef = jax.tree.flatten(params)
    try:
        g_leaves = treedef.flatten_up_to(grads)
    except (ValueError, TypeError) as err:
        raise ValueError(f"Argument `grads` must have the structure of `params` ({treedef}). Error: {err}") from err
    return p_leaves, g_leaves, treedef


def _value_of(variable: Any) -> jax.Array:
    if isinstance(variable, (jax.Array, np.ndarray)):
        return jnp.asarray(variable)
    return jnp.asarray(variable.value if hasattr(variable, "value") else variable)


def _reference_name(variable: Any, position: int) -> str:
    """Keras's prefix for the optimizer variables of ``variable``: its path with ``/`` as ``_``."""
    path = getattr(variable, "path", None)
    if isinstance(path, str) and path:
        return path.replace("/", "_")
    name = getattr(variable, "name", None)
    if isinstance(name, str) and name:
        return name.replace("/", "_").replace(":", "_")
    return f"variable_{position}"


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

    A subclass supplies ``build_transform``, an optax transformation that
    maps *one variable's* gradient to that variable's parameter delta, reading
    the learning rate from the ``learning_rate`` extra argument (use
    ``kerax.optimizers.scale_by_learning_rate``). The base class handles
    the learning rate and its schedule, gradient clipping, loss-scale
    unscaling, decoupled weight decay, gradient accumulation, EMA of the
    weights, the iteration count and serialisation, with Keras 3 semantics.

    Args:
        learning_rate: A float, a ``LearningRateSchedule``, or a callable
            ``f(step) -> lr`` (zero-argument callables are called without the
            step, as Keras does).
        weight_decay: If set, every step first does ``var -= var * wd * lr``. Defaults to ``None``.
        clipnorm: If set, clip each variable's gradient to this L2 norm. Defaults to ``None``.
        clipvalue: If set, clip gradient elements to ``[-clipvalue, clipvalue]``. Defaults to ``None``.
        global_clipnorm: If set, clip all gradients jointly to this global norm. Defaults to ``None``.
        use_ema: Keep an exponential moving average of the variables. Defaults to ``False``.
        ema_momentum: Momentum of that average. Defaults to ``0.99``.
        ema_overwrite_frequency: Every this many steps, overwrite the variables
            with their average (None: only in ``finalize_variable_values``). Defaults to ``None``.
        loss_scale_factor: If set, gradients are divided by it (see
            ``scale_loss``). Defaults to ``None``.
        gradient_accumulation_steps: If set (an int >= 2), gradients are
            averaged over this many calls and applied on the last one. Defaults to ``None``.
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
        # The optimizer's Keras variables (None until built) and how they map onto an OptimizerState.
        self._variables: list[Variable] | None = None
        self._layout: _keras_layout.Layout | None = None
        self._ref_names: list[str] = []
        self._n_params = 0
        # Bumped whenever what a trace bakes in (the schedule, the layout) changes.
        self._version = 0
        self._derive_fn: tuple[int, Callable[..., Any]] | None = None
        self._tracked: list[Any] = []
        self._index: dict[int, int] = {}
        self._decay_mask: tuple[bool, ...] | None = None
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern[str] | None = None
        self._tx: optax.GradientTransformationExtraArgs | None = None
        self._jitted: dict[tuple[Any, ...], Callable[..., Any]] = {}

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

    def _slot_transform(self, index: int) -> optax.GradientTransformationExtraArgs:
        """Returns the transformation of the ``index``-th variable (one shared by all, by default).

        Optimizers that treat variables differently (``Muon``) override this and
        ``_weight_decay_rate``; ``init`` and the update step call both per variable.
        """
        del index
        return self._transform()

    def _weight_decay_rate(self, index: int) -> float | None:
        """Returns the decoupled weight-decay rate of the ``index``-th variable (``weight_decay`` by default)."""
        del index
        return self.weight_decay

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

    def _schedule_value(self, iterations: Any) -> jax.Array:
        lr = self._learning_rate
        value = lr() if _takes_no_argument(lr) else lr(iterations)
        return jnp.asarray(value).astype(_F32).reshape(())

    def _learning_rate_at(self, state: OptimizerState) -> jax.Array:
        if isinstance(self._learning_rate, float):
            return state.learning_rate
        return self._schedule_value(state.iterations)

    def _recorded_learning_rate(self, iterations: Any) -> jax.Array:
        # What ``update`` records in ``OptimizerState.learning_rate`` with a schedule: the rate of the
        # latest step, i.e. the schedule at the previous iteration (at 0 before the first step).
        return self._schedule_value(jnp.maximum(jnp.asarray(iterations) - 1, 0))

    @property
    def learning_rate(self) -> float:
        """The current learning rate as a Python float.

        Setting a number writes the ``learning_rate`` variable, so an
        already-jitted ``update`` or ``stateless_apply`` uses it without
        recompiling (a trainer must pass the updated ``opt.state`` or
        ``opt.variables`` to its next step). Setting a schedule or callable
        changes the computation, and drops the ``learning_rate`` variable as
        Keras does: jitted functions that call ``update`` must be re-traced.
        """
        if not self.built:
            lr = self._learning_rate
            if isinstance(lr, float):
                return float(np.float32(lr))
            return float(self._learning_rate_at(self._initial_state_stub()))
        if isinstance(self._learning_rate, float):
            return float(self._variables[self._layout.learning_rate].value)
        return float(self._schedule_value(self._variables[0].value))

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
            if self.built:
                self._variables[self._layout.learning_rate].assign(jnp.asarray(value, _F32))
            return
        state = self.state
        self._learning_rate = value
        self._version += 1
        self._jitted.clear()
        if state is not None:
            self._relayout(state)

    def _relayout(self, state: OptimizerState) -> None:
        """Re-derives the layout after the learning rate became a schedule; Variables keep their identity."""
        layout = self._make_layout(state, self._ref_names)
        by_leaves = {b.leaves: var for b, var in zip(self._layout.bindings, self._variables, strict=True)}
        values = _keras_layout.to_values(layout, state)
        variables = []
        for binding, value in zip(layout.bindings, values, strict=True):
            var = by_leaves.get(binding.leaves)
            variables.append(var if var is not None else self._new_variable(binding.name, value))
        self._variables, self._layout = variables, layout
        self._version += 1
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
        stub = self._initial_state_stub()
        # Separate buffers for every leaf, so a donated state never donates one buffer twice.
        return OptimizerState(
            iterations=stub.iterations,
            learning_rate=self._learning_rate_at(stub),
            ema=tuple(jnp.zeros_like(p) for p in leaves) if self.use_ema else None,
            accumulators=tuple(jnp.zeros_like(p) for p in leaves) if self.gradient_accumulation_steps else None,
            slots=tuple(self._slot_transform(i).init(p) for i, p in enumerate(leaves)),
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
        p_leaves, g_leaves, treedef = flat_leaves(grads, params)
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
        new_params, new_slots = [], []
        for i, (g, p, s, keep, decay) in enumerate(zip(grads, params, slots, present, decay_mask, strict=True)):
            if not keep:
                new_params.append(p)
                new_slots.append(s)
                continue
            weight_decay = self._weight_decay_rate(i)
            if weight_decay is not None and decay:
                p = p - p * jnp.asarray(weight_decay, p.dtype) * lr.astype(p.dtype)
            delta, new_s = self._slot_transform(i).update(g.astype(p.dtype), s, p, learning_rate=lr)
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

    # ------------------------------------------------------------------ Keras variables
    @property
    def built(self) -> bool:
        """Whether the optimizer has created its variables."""
        return self._variables is not None

    def build(self, variables: Sequence[Any]) -> None:
        """Creates the optimizer's variables for ``variables`` (no-op if already built).

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
        names = [_reference_name(v, i) for i, v in enumerate(variables)]
        # The first state as one program (run eagerly, the slots' zeros would compile one per new shape).
        self._create_variables(jax.jit(self.init)([_value_of(v) for v in variables]), names)

    def _make_layout(self, state: OptimizerState, ref_names: Sequence[str]) -> _keras_layout.Layout:
        return _keras_layout.make_layout(
            state,
            ref_names,
            isinstance(self._learning_rate, float),
            self._keras_slot_layout(),
            self._keras_shared_slots(),
        )

    def _new_variable(self, name: str, value: Any) -> Variable:
        value = jnp.asarray(value)
        path = f"{self.name}/{name}"
        return Variable(value, dtype=value.dtype, trainable=False, name=name, path=path, autocast=False)

    def _create_variables(self, state: OptimizerState, ref_names: Sequence[str]) -> None:
        layout = self._make_layout(state, ref_names)
        values = _keras_layout.to_values(layout, state)
        self._variables = [self._new_variable(b.name, v) for b, v in zip(layout.bindings, values, strict=True)]
        self._layout = layout
        self._ref_names = list(ref_names)
        self._n_params = len(state.slots)
        self._version += 1
        self._jitted.clear()

    def _build_from_state(self, state: OptimizerState) -> None:
        # `set_state` on an optimizer never built: variables shaped like ``state``, named by position.
        self._create_variables(state, [f"variable_{i}" for i in range(len(state.slots))])

    def _check_state_structure(self, state: OptimizerState) -> None:
        layout = self._layout
        leaves, treedef = jax.tree.flatten(state)
        expected = list(layout.leaf_shapes)
        received = [tuple(np.shape(leaf)) for leaf in leaves]
        if treedef != layout.treedef or received != expected:
            slots = len(state.slots) if isinstance(state, OptimizerState) else "?"
            raise ValueError(
                f"Optimizer '{self.name}' ({type(self).__name__}) was built on {self._n_params} variables; "
                f"the state given does not match its structure: expected a state for {self._n_params} "
                f"variables with leaf shapes {expected}, received one for {slots} with {received}."
            )

    def _state_from_values(self, values: Sequence[Any]) -> OptimizerState:
        """Returns the ``OptimizerState`` the optimizer variables' ``values`` make up (traceable)."""
        layout = self._layout
        derived: list[Any] = []
        if layout.derives:
            if self._derive_fn is None or self._derive_fn[0] != self._version:
                fn = jax.jit(
                    partial(
                        _keras_layout.derive,
                        layout,
                        applied_steps=self._applied_steps,
                        recorded_lr=self._recorded_learning_rate,
                    )
                )
                self._derive_fn = (self._version, fn)
            derived = self._derive_fn[1](values[0], [values[k] for k in layout.shared])
        return _keras_layout.assemble(layout, values, derived)

    def _values_from_state(self, state: OptimizerState, previous: Sequence[Any] | None = None) -> list[Any]:
        """Returns the optimizer variables' values held in ``state`` (traceable).

        ``previous`` (the values ``state`` was made from) serves subclasses with variables that no
        state holds.
        """
        del previous
        return _keras_layout.to_values(self._layout, state)

    @property
    def variables(self) -> list[Variable]:
        """The optimizer's variables: kerax ``Variable`` objects in Keras 3's order and layout.

        That is ``iteration``, ``learning_rate`` (constant rates only), EMA
        averages (``<var>_average``), gradient accumulators
        (``<var>_gradient_accumulator``), then the optimizer's slots with
        Keras's names (``<var>_momentum``, ``<var>_velocity`` ...). Optax's
        per-variable step counters are not listed: they are the applied steps,
        which ``iteration`` gives. An optimizer without a declared Keras layout
        lists one variable per leaf of its state. Empty before ``build``.

        The variables are the optimizer's state: what is assigned to them is
        what ``state``, ``iterations``, ``apply`` ... use next.
        """
        return list(self._variables) if self._variables is not None else []

    @property
    def state(self) -> OptimizerState | None:
        """The optimizer's current state, assembled from its variables (None before it is built)."""
        if not self.built:
            return None
        return self._state_from_values([v.value for v in self.variables])

    def set_state(self, state: OptimizerState) -> None:
        """Writes ``state`` (e.g. the result of a jitted ``update``) into the optimizer's variables.

        An optimizer not built yet creates its variables from ``state``'s structure.

        Args:
            state: An ``OptimizerState`` for the variables this optimizer tracks.
        """
        expected = self._state_type()
        if not isinstance(state, expected):
            raise TypeError(f"Argument `state` must be a {expected.__name__}. Received: {type(state).__name__}")
        if not self.built:
            self._build_from_state(state)
        self._check_state_structure(state)
        for var, value in zip(self.variables, self._values_from_state(state), strict=True):
            var.assign(value)

    def _state_type(self) -> type:
        return OptimizerState

    @property
    def iterations(self) -> Any:
        """The number of optimizer steps applied so far: the `iteration` Variable, as in Keras.

        With `gradient_accumulation_steps`, the applied updates (the calls divided by the steps), as an
        array. 0 before the optimizer is built.
        """
        if not self.built:
            return 0
        if self.gradient_accumulation_steps:
            return self._applied_steps(self._variables[0].value)
        return self._variables[0]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Assigns ``weights``, ordered as ``variables`` (e.g. saved by Keras), to the variables.

        Args:
            weights: One array per entry of ``variables``.
        """
        if not self.built:
            raise ValueError(f"Optimizer '{self.name}' must be built before `set_weights()`.")
        variables = self.variables
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(
                f"Optimizer '{self.name}' ({type(self).__name__}) has {len(variables)} variables "
                f"({[v.name for v in variables][:6]}...); received {len(weights)} weights."
            )
        values = []
        for var, w in zip(variables, weights, strict=True):
            w = jnp.asarray(w.value if isinstance(w, Variable) else w, dtype=var.dtype)
            if w.shape != var.shape:
                raise ValueError(
                    f"Optimizer '{self.name}': variable '{var.name}' has shape {var.shape}; "
                    f"received a weight of shape {w.shape}."
                )
            values.append(w)
        for var, w in zip(variables, values, strict=True):
            var.assign(w)

    def _applied_steps(self, iterations: jax.Array) -> jax.Array:
        if self.gradient_accumulation_steps:
            return iterations // self.gradient_accumulation_steps
        return iterations

    def _keras_slot_layout(self) -> list[_keras_layout.SlotGroup] | None:
        """Returns the Keras slot groups of one variable's optax state (see ``_keras_layout``).

        None (the default, for custom optimizers) means "no Keras layout": one
        variable per state leaf.
        """
        return None

    def _keras_shared_slots(self) -> list[_keras_layout.SharedSlot]:
        """Returns ``(path, name)`` of scalar slots that Keras keeps once for all variables."""
        return []

    # ------------------------------------------------------------------ stateless step
    def _stateless_step(
        self, grads: list[Any], opt_values: list[Any], params: list[Any], present: tuple[bool, ...]
    ) -> tuple[list[Any], list[Any]]:
        state = self._state_from_values(opt_values)
        new_params, new_state = self._update(grads, state, params, present)
        return list(new_params), self._values_from_state(new_state, opt_values)

    def _trace_version(self) -> Any:
        return self._version

    def _step_fn(self, present: tuple[bool, ...]) -> Callable[..., Any]:
        key = (present, self._trace_version())
        fn = self._jitted.get(key)
        if fn is None:
            fn = self._jitted[key] = jax.jit(partial(self._stateless_step, present=present))
        return fn

    def _gradients_present(self, grads: Sequence[Any], names: Sequence[Any]) -> tuple[bool, ...]:
        present = tuple(g is not None for g in grads)
        if present and not any(present):  # nothing to train at all is a no-op, as in Keras
            raise ValueError(f"No gradients provided for any variable (optimizer '{self.name}').")
        if not all(present):
            missing = [n for n, keep in zip(names, present, strict=True) if not keep]
            warnings.warn(f"Gradients do not exist for variables {missing}; they are not updated.", stacklevel=3)
        return present

    def stateless_apply(
        self, optimizer_variables: Sequence[Any], grads: Sequence[Any], trainable_variables: Sequence[Any]
    ) -> tuple[list[jax.Array], list[jax.Array]]:
        """Keras's pure optimizer step: returns ``(new_trainable_values, new_optimizer_values)``.

        The same maths as ``apply`` (clipping, weight decay, gradient
        accumulation, EMA, ``loss_scale_factor`` unscaling, then each
        variable's constraint, as Keras does). Usable inside ``jax.jit`` and
        ``jax.grad``; nothing is assigned.

        Args:
            optimizer_variables: Current values of ``variables`` (arrays,
                tracers or the Variables themselves), in that order.
            grads: One gradient per trainable variable; None leaves the
                variable and its slots unchanged, as ``apply`` does.
            trainable_variables: Current values of the variables the optimizer
                was built on, in build order.
        """
        cls = type(self).__name__
        if not self.built:
            raise ValueError(
                f"{cls} '{self.name}' must be built before `stateless_apply()`: call "
                f"`optimizer.build(trainable_variables)` first (expected a built optimizer, received "
                f"{len(optimizer_variables)} optimizer variables for an optimizer with none)."
            )
        variables = self.variables
        if len(optimizer_variables) != len(variables):
            raise ValueError(
                f"{cls} '{self.name}'.stateless_apply: `optimizer_variables` must hold one value per entry "
                f"of `optimizer.variables`, in that order: expected {len(variables)}, received "
                f"{len(optimizer_variables)}."
            )
        if len(trainable_variables) != self._n_params:
            raise ValueError(
                f"{cls} '{self.name}'.stateless_apply: `trainable_variables` must hold one value per variable "
                f"the optimizer was built with: expected {self._n_params}, received {len(trainable_variables)}."
            )
        if len(grads) != self._n_params:
            raise ValueError(
                f"{cls} '{self.name}'.stateless_apply: `grads` must hold one gradient (or None) per trainable "
                f"variable: expected {self._n_params}, received {len(grads)}."
            )
        opt_values = [_value_of(v) for v in optimizer_variables]
        for var, value in zip(variables, opt_values, strict=True):
            if tuple(value.shape) != var.shape:
                raise ValueError(
                    f"{cls} '{self.name}'.stateless_apply: optimizer variable '{var.name}' has shape "
                    f"{var.shape}; received a value of shape {tuple(value.shape)}."
                )
        params = [_value_of(v) for v in trainable_variables]
        names = [getattr(v, "path", getattr(v, "name", i)) for i, v in enumerate(self._tracked or params)]
        present = self._gradients_present(grads, names)
        full = [jnp.zeros_like(p) if g is None else _value_of(g) for g, p in zip(grads, params, strict=True)]
        new_params, new_values = self._step_fn(present)(full, opt_values, params)
        return self._constrained(new_params, present), list(new_values)

    def _constrained(self, values: Sequence[Any], present: Sequence[bool]) -> list[Any]:
        """``values`` of the tracked variables with each one's constraint applied where it got a gradient."""
        out = list(values)
        for i, (var, keep) in enumerate(zip(self._tracked, present, strict=True)):
            constraint = getattr(var, "constraint", None)
            if keep and constraint is not None:
                out[i] = constraint(out[i])
        return out

    # ------------------------------------------------------------------ stateful surface
    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Any]]) -> Any:
        """Applies gradients to variables in place (eager convenience API).

        Args:
            grads_and_vars: ``(gradient, variable)`` pairs; each variable has a
                ``.value`` array and an ``.assign(new)`` method. A None
                gradient skips its variable (with a warning).

        Returns:
            The new iteration count (``iterations``).
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
        names = [getattr(v, "path", getattr(v, "name", i)) for i, v in enumerate(self._tracked)]
        present = self._gradients_present(full, names)
        values = [_value_of(v) for v in self._tracked]
        full = [jnp.zeros_like(p) if g is None else jnp.asarray(g) for g, p in zip(full, values, strict=True)]
        variables = self.variables
        new_values, new_opt = self._step_fn(present)(full, [v.value for v in variables], values)
        for var, new in zip(variables, new_opt, strict=True):
            var.assign(new)
        # All tracked variables: an EMA overwrite can change those without a gradient too.
        for v, new in zip(self._tracked, self._constrained(new_values, present), strict=True):
            v.assign(new)

    def finalize_variable_values(self, var_list: Sequence[Any]) -> None:
        """With ``use_ema``, overwrites the variables with their moving averages.

        Args:
            var_list: The variables, in build order.
        """
        if self.use_ema and self.built:
            averages = [self._variables[k] for k in self._layout.ema]
            for v, average in zip(var_list, averages, strict=True):
                v.assign(average.value)

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
