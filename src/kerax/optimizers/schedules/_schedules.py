"""Learning-rate schedules: jit-traceable functions of the optimizer step.

Every schedule is a serialisable callable ``schedule(step) -> lr``. ``step``
may be a Python int or a (traced) JAX integer scalar; the result is a float32
JAX scalar. The formulas follow Keras 3's schedules of the same names so that
configs saved by either library load in the other.
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from kerax._serialization._serialize import builtin_config

__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "CosineDecayRestarts",
    "serialize",
    "deserialize",
]

_F32 = jnp.float32
_SCHEDULES: dict[str, type[LearningRateSchedule]] = {}


def _f32(x: Any) -> jnp.ndarray:
    return jnp.asarray(x).astype(_F32)


def _check_positive(name: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule:
    """Base class for learning-rate schedules.

    Subclasses implement ``__call__(step)`` with jax.numpy operations (so it
    can run inside ``jax.jit``) and ``get_config()``; ``from_config`` calls the
    constructor with the config's entries. Subclasses are registered by class
    name so that ``deserialize`` can find them.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            _SCHEDULES.setdefault(cls.__name__, cls)

    def __call__(self, step: Any) -> jnp.ndarray:
        """Returns the learning rate at ``step``.

        Args:
            step: Integer step (Python int or JAX scalar, possibly traced).
        """
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments as a JSON-friendly dict."""
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` to be serialisable."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """Creates a schedule from the output of ``get_config``.

        Args:
            config: Dict of constructor arguments.
        """
        return cls(**config)

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


class _StepDecay(LearningRateSchedule):
    """What `ExponentialDecay` and `InverseTimeDecay` share: their arguments and `step / decay_steps`.

    Args:
        initial_learning_rate: Learning rate at step 0.
        decay_steps: Positive step scale of the decay.
        decay_rate: Decay rate.
        staircase: If True, ``step / decay_steps`` is floored.
        name: Name recorded in the config.
    """

    def __init__(
        self, initial_learning_rate: float, decay_steps: int | float, decay_rate: float, staircase: bool, name: str
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _progress(self, step: Any) -> jnp.ndarray:
        """``step / decay_steps`` as float32, floored when ``staircase``."""
        p = _f32(step) / _f32(self.decay_steps)
        return jnp.floor(p) if self.staircase else p

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_StepDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``.

    Args:
        initial_learning_rate: Learning rate at step 0.
        decay_steps: Positive number of steps per factor of ``decay_rate``.
        decay_rate: Multiplicative decay per ``decay_steps``.
        staircase: If True, ``step / decay_steps`` is floored. Defaults to ``False``.
        name: Name recorded in the config. Defaults to ``"ExponentialDecay"``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int | float,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: Any) -> jnp.ndarray:
        return _f32(self.initial_learning_rate) * jnp.power(_f32(self.decay_rate), self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """Piecewise-constant rate: ``values[i]`` for ``boundaries[i-1] < step <= boundaries[i]``.

    Args:
        boundaries: Strictly increasing step boundaries.
        values: One more value than there are boundaries.
        name: Name recorded in the config. Defaults to ``"PiecewiseConstant"``.
    """

    def __init__(
        self,
        boundaries: list[int | float],
        values: list[float],
        name: str = "PiecewiseConstant",
    ) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of `boundaries` must be one less than the length of "
                f"`values`. Received: boundaries={boundaries} (length "
                f"{len(boundaries)}), values={values} (length {len(values)})."
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step: Any) -> jnp.ndarray:
        step = jnp.asarray(step)
        bounds = jnp.asarray(self.boundaries).astype(step.dtype)
        # Number of boundaries strictly below `step` selects the interval.
        index = jnp.searchsorted(bounds, step, side="left")
        return jnp.asarray(self.values, dtype=_F32)[index]

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``.

    Args:
        initial_learning_rate: Learning rate at step 0.
        decay_steps: Positive number of steps to reach ``end_learning_rate``.
        end_learning_rate: Final learning rate. Defaults to ``0.0001``.
        power: Exponent of the polynomial. Defaults to ``1.0``.
        cycle: If True, restart the decay every (growing) multiple of
            ``decay_steps`` instead of holding the end value. Defaults to ``False``.
        name: Name recorded in the config. Defaults to ``"PolynomialDecay"``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int | float,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> jnp.ndarray:
        initial = _f32(self.initial_learning_rate)
        end = _f32(self.end_learning_rate)
        step_f = _f32(step)
        decay_steps = _f32(self.decay_steps)
        if self.cycle:
            multiplier = jnp.where(step_f == 0, 1.0, jnp.ceil(step_f / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step_f = jnp.minimum(step_f, decay_steps)
        p = step_f / decay_steps
        return (initial - end) * jnp.power(1 - p, _f32(self.power)) + end

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(_StepDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Args:
        initial_learning_rate: Learning rate at step 0.
        decay_steps: Positive step scale of the decay.
        decay_rate: Decay rate.
        staircase: If True, ``step / decay_steps`` is floored. Defaults to ``False``.
        name: Name recorded in the config. Defaults to ``"InverseTimeDecay"``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int | float,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: Any) -> jnp.ndarray:
        return _f32(self.initial_learning_rate) / (1.0 + _f32(self.decay_rate) * self._progress(step))


class CosineDecay(LearningRateSchedule):
    """Optional linear warm-up followed by cosine decay.

    Without ``warmup_target`` the rate decays from ``initial_learning_rate`` to
    ``alpha * initial_learning_rate`` over ``decay_steps``. With it, the rate
    first rises linearly from ``initial_learning_rate`` to ``warmup_target``
    over ``warmup_steps``, then decays to ``alpha * warmup_target``.

    Args:
        initial_learning_rate: Learning rate at step 0.
        decay_steps: Positive number of decay steps (after warm-up).
        alpha: Final rate as a fraction of the decay's starting rate. Defaults to ``0.0``.
        name: Name recorded in the config. Defaults to ``"CosineDecay"``.
        warmup_target: Rate reached at the end of warm-up, or None for no
            warm-up. Defaults to ``None``.
        warmup_steps: Number of warm-up steps. Defaults to ``0``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int | float,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step: jnp.ndarray, start_lr: jnp.ndarray) -> jnp.ndarray:
        fraction = step / _f32(self.decay_steps)
        cosine = 0.5 * (1.0 + jnp.cos(_f32(math.pi) * fraction))
        return start_lr * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: Any) -> jnp.ndarray:
        initial = _f32(self.initial_learning_rate)
        step_f = _f32(step)
        decay_steps = _f32(self.decay_steps)
        if self.warmup_target is None:
            return self._decay(jnp.minimum(step_f, decay_steps), initial)
        target = _f32(self.warmup_target)
        warmup_steps = _f32(self.warmup_steps)
        step_f = jnp.minimum(step_f, decay_steps + warmup_steps)
        warming = (target - initial) * (step_f / warmup_steps) + initial
        decaying = self._decay(step_f - warmup_steps, target)
        return jnp.where(step_f < warmup_steps, warming, decaying)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    Args:
        initial_learning_rate: Learning rate at step 0.
        first_decay_steps: Positive length of the first period.
        t_mul: Factor by which each period is longer than the previous one. Defaults to ``2.0``.
        m_mul: Factor by which each restart's peak is scaled. Defaults to ``1.0``.
        alpha: Minimum rate as a fraction of ``initial_learning_rate``. Defaults to ``0.0``.
        name: Name recorded in the config. Defaults to ``"SGDRDecay"``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int | float,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        _check_positive("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> jnp.ndarray:
        fraction = _f32(step) / _f32(self.first_decay_steps)
        t_mul = _f32(self._t_mul)
        if self._t_mul == 1.0:
            restart = jnp.floor(fraction)
            fraction = fraction - restart
        else:
            restart = jnp.floor(jnp.log(1.0 - fraction * (1.0 - t_mul)) / jnp.log(t_mul))
            done = (1.0 - jnp.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - done) / jnp.power(t_mul, restart)
        peak = jnp.power(_f32(self._m_mul), restart)
        cosine = 0.5 * peak * (1.0 + jnp.cos(_f32(math.pi) * fraction))
        alpha = _f32(self.alpha)
        return _f32(self.initial_learning_rate) * ((1 - alpha) * cosine + alpha)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """Returns a Keras-format config dict for ``schedule``.

    Args:
        schedule: The schedule to serialise.
    """
    if not isinstance(schedule, LearningRateSchedule):
        raise TypeError(
            "Argument `schedule` must be a LearningRateSchedule. "
            f"Received: schedule={schedule!r} of type {type(schedule).__name__}"
        )
    return builtin_config(schedule, "keras.optimizers.schedules")


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> LearningRateSchedule:
    """Creates a schedule from a dict produced by ``serialize``.

    Args:
        config: Dict with ``class_name`` and ``config`` entries (the Keras
            format, so Keras-saved configs load too).
        custom_objects: Optional mapping from class name to schedule class. Defaults to ``None``.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Argument `config` must be a dict with 'class_name' and 'config' keys. Received: config={config!r}"
        )
    name = config["class_name"]
    lookup = {**_SCHEDULES, **(custom_objects or {})}
    registered = config.get("registered_name")
    cls = lookup.get(name) or (lookup.get(registered) if registered else None)
    if cls is None:
        raise ValueError(
            f"Unknown learning rate schedule: '{name}'. Known schedules: "
            f"{sorted(_SCHEDULES)}. Pass custom classes via `custom_objects`."
        )
    return cls.from_config(dict(config.get("config", {})))
