"""``Muon``: orthogonalised momentum for 2-D weights, AdamW for the rest."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from kerax.optimizers._base import Optimizer, OptimizerState, _is_number, check_hyperparameter
from kerax.optimizers._transforms import step_inputs


class MuonState(NamedTuple):
    """State of a variable on the Muon step: the momentum buffer."""

    momentum: jax.Array


class MuonAdamState(NamedTuple):
    """State of a variable on Muon's AdamW step: step count, first and second moments."""

    count: jax.Array
    momentum: jax.Array
    velocity: jax.Array


def _swap_last_axes(x: jax.Array) -> jax.Array:
    return jnp.swapaxes(x, -1, -2)


def newton_schulz(x: jax.Array, steps: int, a: float, b: float, c: float) -> jax.Array:
    """Approximately orthogonalises ``x`` (``U V^T`` of its SVD) with Keras 3's quintic iteration.

    ``x`` is normalised by its Frobenius norm plus ``1e-7`` (transposed first
    when it has more rows than columns), then ``steps`` times
    ``A = x x^T; x = a x + (b A + c A A) x``. Same coefficients and order of
    operations as Keras (``optax.contrib.muon`` normalises differently and
    uses other default coefficients).

    Args:
        x: An array with at least 2 axes (the last two are the matrix).
        steps: Number of iterations.
        a: Coefficient of ``x``.
        b: Coefficient of ``A x``.
        c: Coefficient of ``A A x``.

    Raises:
        ValueError: If ``x`` has fewer than 2 axes.
    """
    if x.ndim < 2:
        raise ValueError(f"Expected gradient or momentum to have at least 2 dimensions. Received: shape={x.shape}")
    tall = x.shape[-2] > x.shape[-1]
    if tall:
        x = _swap_last_axes(x)
    x = x / (jnp.linalg.norm(x, axis=(-2, -1), keepdims=True) + 1e-7)
    for _ in range(steps):
        gram = x @ _swap_last_axes(x)
        poly = b * gram + c * gram @ gram
        x = a * x + poly @ x
    return _swap_last_axes(x) if tall else x


def scale_by_keras_muon(
    momentum: float, nesterov: bool, ns_steps: int, coefficients: tuple[float, float, float], rms_rate: float | None
) -> optax.GradientTransformationExtraArgs:
    """Muon's step for one 2-D variable, as Keras 3 computes it; returns the parameter delta.

    ``m = momentum * m + g``; ``u = newton_schulz(g + momentum * m)``
    (Nesterov) or ``newton_schulz(m)``; ``var -= lr * u * sqrt(max(rows,
    cols)) * rms_rate`` (no ``rms_rate`` factor when it is None).

    Args:
        momentum: Momentum of the buffer.
        nesterov: Use Nesterov momentum.
        ns_steps: Newton-Schulz iterations.
        coefficients: ``(a, b, c)`` of ``newton_schulz``.
        rms_rate: Update-RMS matching factor (Liu et al., 2025), or None.
    """

    def init_fn(params: jax.Array) -> MuonState:
        return MuonState(jnp.zeros_like(params))

    def update_fn(
        updates: jax.Array, state: MuonState, params: jax.Array = None, *, learning_rate: Any, **extra: Any
    ) -> tuple[jax.Array, MuonState]:
        del params, extra
        g = updates
        m = state.momentum + (g + state.momentum * (momentum - 1))
        direction = g + momentum * m if nesterov else m
        step = learning_rate * newton_schulz(direction, ns_steps, *coefficients)
        if rms_rate is not None:
            step = step * jnp.sqrt(jnp.asarray(max(step.shape[0], step.shape[1]), step.dtype)) * rms_rate
        return -step.astype(g.dtype), MuonState(m)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


def scale_by_keras_muon_adamw(
    beta_1: float, beta_2: float, epsilon: float, lr_ratio: float
) -> optax.GradientTransformationExtraArgs:
    """Muon's AdamW fallback as Keras 3 computes it (decay is applied by the optimizer); returns the delta.

    ``var -= lr * lr_ratio * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon)``.

    Args:
        beta_1: Decay of the first moment.
        beta_2: Decay of the second moment.
        epsilon: Added to ``sqrt(v)`` (uncorrected, as in Keras's Adam).
        lr_ratio: Ratio of the AdamW learning rate to the main one.
    """

    def init_fn(params: jax.Array) -> MuonAdamState:
        return MuonAdamState(jnp.zeros((), jnp.int32), jnp.zeros_like(params), jnp.zeros_like(params))

    def update_fn(
        updates: jax.Array, state: MuonAdamState, params: jax.Array = None, *, learning_rate: Any, **extra: Any
    ) -> tuple[jax.Array, MuonAdamState]:
        del extra
        dtype = updates.dtype if params is None else params.dtype
        g, lr, step = step_inputs(updates, state.count, learning_rate * lr_ratio, dtype)
        b1_power = jnp.power(jnp.asarray(beta_1, dtype), step)
        b2_power = jnp.power(jnp.asarray(beta_2, dtype), step)
        alpha = lr * jnp.sqrt(1 - b2_power) / (1 - b1_power)
        m = state.momentum + (g - state.momentum) * (1 - beta_1)
        v = state.velocity + (jnp.square(g) - state.velocity) * (1 - beta_2)
        delta = -((m * alpha) / (jnp.sqrt(v) + epsilon))
        return delta, MuonAdamState(optax.safe_increment(state.count), m, v)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


def _key_text(key: Any) -> str:
    for attr in ("name", "key", "idx"):
        if hasattr(key, attr):
            return str(getattr(key, attr))
    return str(key)


class Muon(Optimizer):
    """Muon (Jordan et al., 2024; Liu et al., 2025), with Keras 3's numbers and variables.

    Each 2-D variable takes the Muon step (``scale_by_keras_muon``:
    momentum, then Newton-Schulz orthogonalisation) and decays with
    ``weight_decay``. Every other variable takes an AdamW step
    (``scale_by_keras_muon_adamw``, learning rate times
    ``adam_lr_ratio``) and decays with ``adam_weight_decay``: variables
    without exactly 2 axes, variables whose path contains ``"embedding"``
    (with ``exclude_embeddings``), and variables whose path matches
    (``re.search``) one of ``exclude_layers``. Keras's variables per model
    variable are ``<var>_momentum``, plus ``<var>_velocity`` for AdamW
    variables.

    Paths are the variables' ``path`` (as given to ``build``); a pure
    ``init(params)`` on a pytree not built first uses the pytree's key paths
    joined by ``/`` (e.g. ``{"embedding": {"embeddings": w}}`` gives
    ``embedding/embeddings``). Layer paths are Keras's: the layers of a
    ``Sequential`` or subclassed model start with the model's name
    (``sequential/dense/kernel``).

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        adam_beta_1: Decay of the first moment of the AdamW step. Defaults to ``0.9``.
        adam_beta_2: Decay of the second moment of the AdamW step. Defaults to ``0.999``.
        adam_weight_decay: Decoupled weight decay of the AdamW variables (None: none). Defaults to ``0.004``.
        epsilon: Added to ``sqrt(v)`` in the AdamW step. Defaults to ``1e-07``.
        weight_decay: Decoupled weight decay of the Muon variables (None: none). Defaults to ``0.004``.
        clipnorm: See ``Optimizer``. Defaults to ``None``.
        clipvalue: See ``Optimizer``. Defaults to ``None``.
        global_clipnorm: See ``Optimizer``. Defaults to ``None``.
        use_ema: See ``Optimizer``. Defaults to ``False``.
        ema_momentum: See ``Optimizer``. Defaults to ``0.99``.
        ema_overwrite_frequency: See ``Optimizer``. Defaults to ``None``.
        loss_scale_factor: See ``Optimizer``. Defaults to ``None``.
        gradient_accumulation_steps: See ``Optimizer``. Defaults to ``None``.
        name: See ``Optimizer``. Defaults to ``None``.
        exclude_layers: Regular expressions; a variable whose path matches
            one of them takes the AdamW step (e.g. ``["output_dense"]``). Defaults to ``None``.
        exclude_embeddings: Whether variables with ``"embedding"`` in their
            path take the AdamW step. Defaults to ``True``.
        muon_a: Coefficient ``a`` of the Newton-Schulz iteration. Defaults to ``3.4445``.
        muon_b: Coefficient ``b`` of the Newton-Schulz iteration. Defaults to ``-4.775``.
        muon_c: Coefficient ``c`` of the Newton-Schulz iteration. Defaults to ``2.0315``.
        adam_lr_ratio: Ratio of the AdamW learning rate to ``learning_rate``. Defaults to ``1``.
        momentum: Momentum of the Muon step. Defaults to ``0.95``.
        ns_steps: Number of Newton-Schulz iterations. Defaults to ``5``.
        nesterov: Use Nesterov momentum in the Muon step. Defaults to ``True``.
        rms_rate: Scale Muon updates by ``sqrt(max(rows, cols)) * rms_rate``
            so their RMS matches AdamW's (None: no scaling). Defaults to ``0.2``.
        **kwargs: Other common optimizer arguments (see ``Optimizer``).

    Raises:
        ValueError: If a hyper-parameter is out of range or ``exclude_layers``
            is not a list of strings.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        adam_beta_1: float = 0.9,
        adam_beta_2: float = 0.999,
        adam_weight_decay: float | None = 0.004,
        epsilon: float = 1e-7,
        weight_decay: float | None = 0.004,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        exclude_layers: Sequence[str] | None = None,
        exclude_embeddings: bool = True,
        muon_a: float = 3.4445,
        muon_b: float = -4.7750,
        muon_c: float = 2.0315,
        adam_lr_ratio: float = 1,
        momentum: float = 0.95,
        ns_steps: int = 5,
        nesterov: bool = True,
        rms_rate: float | None = 0.2,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.adam_beta_1 = check_hyperparameter("adam_beta_1", adam_beta_1, 0.0, 1.0)
        self.adam_beta_2 = check_hyperparameter("adam_beta_2", adam_beta_2, 0.0, 1.0)
        if adam_weight_decay is not None and (not _is_number(adam_weight_decay) or adam_weight_decay < 0):
            raise ValueError(
                f"Argument `adam_weight_decay` must be a non-negative float or None. Received: "
                f"adam_weight_decay={adam_weight_decay!r}"
            )
        self.adam_weight_decay = adam_weight_decay
        self.epsilon = check_hyperparameter("epsilon", epsilon, 0.0, float("inf"))
        layers = [] if exclude_layers is None else exclude_layers
        if isinstance(layers, str) or not all(isinstance(k, str) for k in layers):
            raise ValueError(
                f"Argument `exclude_layers` must be a list of strings (regular expressions) or None. "
                f"Received: exclude_layers={exclude_layers!r}"
            )
        self.exclude_layers = list(layers)
        self.exclude_embeddings = bool(exclude_embeddings)
        for arg, value in (("muon_a", muon_a), ("muon_b", muon_b), ("muon_c", muon_c)):
            if not _is_number(value):
                raise ValueError(f"Argument `{arg}` must be a float. Received: {arg}={value!r}")
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio = check_hyperparameter("adam_lr_ratio", adam_lr_ratio, 0.0, float("inf"))
        self.momentum = check_hyperparameter("momentum", momentum, 0.0, 1.0)
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(f"Argument `ns_steps` must be an int >= 0. Received: ns_steps={ns_steps!r}")
        self.ns_steps = ns_steps
        self.nesterov = bool(nesterov)
        if rms_rate is not None and not _is_number(rms_rate):
            raise ValueError(f"Argument `rms_rate` must be a float or None. Received: rms_rate={rms_rate!r}")
        self.rms_rate = rms_rate
        # Per variable: whether it takes the AdamW step (set by `init`/`build`).
        self._adamw_mask: tuple[bool, ...] | None = None
        self._adam_tx: optax.GradientTransformationExtraArgs | None = None

    # ------------------------------------------------------------------ per-variable dispatch
    def _should_use_adamw(self, shape: Sequence[int], path: str) -> bool:
        if len(shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def _param_paths(self, params: Any) -> list[str]:
        leaves = jax.tree_util.tree_flatten_with_path(params)[0]
        tracked = self._tracked
        if len(tracked) == len(leaves):
            return [str(getattr(v, "path", None) or getattr(v, "name", "") or "") for v in tracked]
        return ["/".join(_key_text(k) for k in path) for path, _ in leaves]

    def _set_mask(self, mask: tuple[bool, ...]) -> None:
        if mask != self._adamw_mask:
            self._adamw_mask = mask
            self._version += 1
            self._jitted.clear()

    def init(self, params: Any) -> OptimizerState:
        """Returns a fresh state for ``params``, choosing each variable's step (Muon or AdamW) from its path.

        Args:
            params: The trainable parameters (a list of arrays, or any pytree
                whose key paths name them; see the class docstring).
        """
        paths = self._param_paths(params)
        shapes = [jnp.shape(p) for p in jax.tree.leaves(params)]
        self._set_mask(tuple(self._should_use_adamw(s, p) for s, p in zip(shapes, paths, strict=True)))
        return super().init(params)

    def _build_from_state(self, state: OptimizerState) -> None:
        self._set_mask(tuple(isinstance(s, MuonAdamState) for s in state.slots))
        super()._build_from_state(state)

    def build_transform(self) -> optax.GradientTransformationExtraArgs:
        """Returns the Muon step (the transformation of variables that are not on the AdamW step)."""
        return scale_by_keras_muon(
            self.momentum, self.nesterov, self.ns_steps, (self.muon_a, self.muon_b, self.muon_c), self.rms_rate
        )

    def _slot_transform(self, index: int) -> optax.GradientTransformationExtraArgs:
        mask = self._adamw_mask
        if mask is None or index >= len(mask):
            raise ValueError(
                f"Muon '{self.name}' does not know variable {index}'s step yet: call `init(params)` or "
                f"`build(variables)` with all the variables first (it knows {0 if mask is None else len(mask)})."
            )
        if mask[index]:
            if self._adam_tx is None:
                self._adam_tx = scale_by_keras_muon_adamw(
                    self.adam_beta_1, self.adam_beta_2, self.epsilon, self.adam_lr_ratio
                )
            return self._adam_tx
        return self._transform()

    def _weight_decay_rate(self, index: int) -> float | None:
        self._slot_transform(index)  # checks the index
        return self.adam_weight_decay if self._adamw_mask[index] else self.weight_decay

    def _keras_slot_layout(self) -> list:
        # No shared groups: each variable's slots (momentum, then velocity for AdamW variables) follow in
        # state order, which is Keras's, named `<var>_momentum` / `<var>_velocity` from the state's fields.
        return []

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": list(self.exclude_layers),
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        }
