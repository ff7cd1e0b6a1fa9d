"""The jitted step functions of one compiled model, and the state they thread.

State is a dict pytree: ``tv``/``ntv`` (trainable and non-trainable weight values), ``opt`` (optimizer
state), ``metrics`` (one state per metric) and ``loss`` (per tracked loss: weighted sum and count).
"""

from __future__ import annotations

import contextlib
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kerax.backend import _random, _staging
from kerax.distribution import _placement
from kerax.trainers._compile import CompiledSpec
from kerax.trainers._data import ArrayData

_MAX_ADAPTIVE_CHUNK = 4096
# With a progress bar, a call runs about this many seconds of steps: enough to hide the per-call cost,
# short enough for a live bar.
_TARGET_CHUNK_SECONDS = 0.1
_HALF_FLOATS = (jnp.dtype(jnp.float16), jnp.dtype(jnp.bfloat16))


def _contains_conv(jaxpr: Any) -> bool:
    for eqn in jaxpr.eqns:
        if eqn.primitive.name in ("conv_general_dilated", "conv_general_dilated_patches"):
            return True
        for param in eqn.params.values():
            inner = getattr(param, "jaxpr", None)
            if inner is not None and _contains_conv(getattr(inner, "jaxpr", inner)):
                return True
    return False


class StepFunctions:
    """Pure train/test steps for ``model`` under ``spec``, jitted once per batch shape."""

    def __init__(self, model: Any, spec: CompiledSpec, eager: bool = False) -> None:
        self.model = model
        self.spec = spec
        self.eager = eager
        self.tv_vars = list(model.trainable_weights)
        self.ntv_vars = list(model.non_trainable_weights)
        self.optimizer = model.optimizer
        self._step_seconds: float | None = None
        spe = (model._compile_args or {}).get("steps_per_execution", "auto")
        self.fixed_chunk = None if spe == "auto" else int(spe)
        self.mode: str | None = None  # "loop" or "unrolled", decided on the first batch
        self.placement = _placement.current()  # None without a distribution: the single-device path
        self._make_jits()

    def _make_jits(self) -> None:
        self._jit_train_loop = jax.jit(self._train_loop, static_argnames=("batch_size",), donate_argnums=(0,))
        self._jit_train_unrolled = jax.jit(
            self._train_unrolled, static_argnames=("batch_size", "count"), donate_argnums=(0,)
        )
        self._jit_train_slice = jax.jit(self._train_slice, static_argnames=("size",), donate_argnums=(0,))
        self._jit_train_batch = jax.jit(self._train_step, donate_argnums=(0,))
        self._jit_test_loop = jax.jit(self._test_loop, static_argnames=("batch_size",))
        self._jit_test_slice = jax.jit(self._test_slice, static_argnames=("size",))
        self._jit_test_batch = jax.jit(self._test_step)
        self._jit_logs = jax.jit(self._logs)

    # -- state ---------------------------------------------------------------------------------------
    def _sync_placement(self) -> None:
        """Follow a change of the global distribution since the steps were traced."""
        placement = _placement.current()
        if placement is not self.placement:
            self.placement = placement
            self._make_jits()

    def _fresh_metrics(self) -> dict[str, Any]:
        return {
            "metrics": [m.init_state() for _, m, _ in self.spec.metrics],
            "loss": jnp.zeros((len(self.spec.loss_names), 2), jnp.float32),
        }

    def initial_state(self) -> dict[str, Any]:
        tv = [v.value for v in self.tv_vars]
        if not self.optimizer.built:
            self.optimizer.build(self.tv_vars)
        # Copies, so that donating the state never invalidates arrays that Variables or the optimizer hold.
        state = {
            "tv": tv,
            "ntv": [v.value for v in self.ntv_vars],
            "opt": self.optimizer.state,
            **self._fresh_metrics(),
        }
        state = jax.tree_util.tree_map(jnp.copy, state)
        self._sync_placement()
        return state if self.placement is None else self.placement.place_state(state, self.tv_vars, self.ntv_vars)

    def test_state(self) -> dict[str, Any]:
        state = {
            "tv": [v.value for v in self.tv_vars],
            "ntv": [v.value for v in self.ntv_vars],
            "opt": None,
            **self._fresh_metrics(),
        }
        self._sync_placement()
        return state if self.placement is None else self.placement.place_state(state, self.tv_vars, self.ntv_vars)

    def reset_metrics(self, state: dict[str, Any]) -> dict[str, Any]:
        return {**state, **self._fresh_metrics()}

    def write_back(self, state: dict[str, Any], final: bool = False) -> None:
        for var, value in zip(self.tv_vars, state["tv"], strict=True):
            var._value = value
        for var, value in zip(self.ntv_vars, state["ntv"], strict=True):
            var._value = value
        if state.get("opt") is not None:
            self.optimizer.set_state(state["opt"])
        self.store_metric_results(state)
        if final and state.get("opt") is not None:
            # The next fit() donates its own copy; keep the model's arrays alive and independent.
            for var in (*self.tv_vars, *self.ntv_vars):
                var._value = jnp.copy(var._value)
            self.optimizer.set_state(jax.tree_util.tree_map(jnp.copy, state["opt"]))

    def refresh(self, state: dict[str, Any]) -> dict[str, Any]:
        """Pick up what callbacks changed between calls: the learning rate, or weights they set."""
        return {
            **state,
            "tv": [v._value for v in self.tv_vars],
            "ntv": [v._value for v in self.ntv_vars],
            "opt": self.optimizer.state if state.get("opt") is not None else None,
        }

    def store_metric_results(self, state: dict[str, Any]) -> None:
        for (_, metric, _), mstate in zip(self.spec.metrics, state["metrics"], strict=True):
            metric._state = mstate

    # -- the pure step -------------------------------------------------------------------------------
    def _forward(self, tv: list, ntv: list, xs: list, training: bool, rng: Any) -> tuple[list, list, list]:
        x_in = self.model._pack_inputs(xs)
        y_pred, new_ntv, losses = self.model.stateless_call(
            tv, ntv, x_in, training=training, rng=rng, return_losses=True
        )
        if isinstance(y_pred, dict):
            preds = [y_pred[n] for n in self.spec.output_names]
        else:
            preds = jax.tree_util.tree_leaves(y_pred)
        # As in Keras, losses and metrics see float32 predictions whatever dtype the layers computed in.
        preds = [p.astype(jnp.float32) if p.dtype in _HALF_FLOATS else p for p in preds]
        return preds, new_ntv, losses

    def _objective(self, tv: list, ntv: list, xs: list, ys: list, sw: Any, rng: Any, training: bool) -> tuple:
        preds, new_ntv, added_losses = self._forward(tv, ntv, xs, training, rng)
        per_output = []
        # As in Keras: the total includes what layers added (add_loss, activity regularizers) and the
        # penalties of regularized trainable weights, computed on the values being differentiated.
        total = sum((jnp.asarray(loss, jnp.float32) for loss in added_losses), jnp.zeros((), jnp.float32))
        for var, value in zip(self.tv_vars, tv, strict=True):
            if var.regularizer is not None:
                total = total + var.regularizer(value)
        for loss, weight, y, p in zip(self.spec.losses, self.spec.loss_weights, ys, preds, strict=False):
            if loss is None:
                continue
            value = loss(y, p, sample_weight=sw)
            per_output.append(value)
            total = total + weight * value
        return total, (preds, new_ntv, per_output)

    def _scaled_objective(self, tv: list, opt_state: Any, ntv: list, xs: list, ys: list, sw: Any, rng: Any) -> tuple:
        """The training objective times the optimizer's loss scale (identity unless it scales), then the
        unscaled total and the rest of ``_objective``'s outputs."""
        total, aux = self._objective(tv, ntv, xs, ys, sw, rng, True)
        return self.optimizer.scale_loss(total, opt_state), (total, aux)

    def _track(self, state: dict, total: Any, per_output: list, preds: list, ys: list, sw: Any, batch: int) -> dict:
        losses = [total, *per_output] if len(self.spec.loss_names) > 1 else [total]
        tracked = jnp.stack([jnp.stack([value.astype(jnp.float32) * batch, jnp.float32(batch)]) for value in losses])
        metrics = [
            metric.update(mstate, ys[i], preds[i], sample_weight=sw if weighted else None)
            for (i, metric, weighted), mstate in zip(self.spec.metrics, state["metrics"], strict=True)
        ]
        return {**state, "loss": state["loss"] + tracked, "metrics": metrics}

    def _train_step(self, state: dict, xs: list, ys: list, sw: Any, rng: Any) -> dict:
        if self.placement is not None:
            xs, ys, sw = self.placement.constrain_batch((xs, ys, sw))
        grad_fn = jax.value_and_grad(self._scaled_objective, has_aux=True)
        (_, (total, (preds, new_ntv, per_output))), grads = grad_fn(
            state["tv"], state["opt"], state["ntv"], xs, ys, sw, rng
        )
        new_tv, new_opt = self.optimizer.update(grads, state["opt"], state["tv"])
        new_tv = [
            value if var.constraint is None else var.constraint(value)
            for var, value in zip(self.tv_vars, new_tv, strict=True)
        ]
        state = {**state, "tv": new_tv, "ntv": list(new_ntv), "opt": new_opt}
        return self._pin(self._track(state, total, per_output, preds, ys, sw, xs[0].shape[0]))

    def _pin(self, state: dict) -> dict:
        """Under a distribution, keep the state laid out as it was placed (a loop's carry included)."""
        return state if self.placement is None else self.placement.constrain_state(state, self.tv_vars, self.ntv_vars)

    def _test_step(self, state: dict, xs: list, ys: list, sw: Any) -> dict:
        if self.placement is not None:
            xs, ys, sw = self.placement.constrain_batch((xs, ys, sw))
        total, (preds, _, per_output) = self._objective(state["tv"], state["ntv"], xs, ys, sw, None, False)
        return self._pin(self._track(state, total, per_output, preds, ys, sw, xs[0].shape[0]))

    # -- many steps per call -------------------------------------------------------------------------
    @staticmethod
    def _gather(data: tuple, idx: Any) -> tuple:
        xs, ys, sw = data
        return [a[idx] for a in xs], [a[idx] for a in ys], None if sw is None else sw[idx]

    def _train_at(self, state: dict, data: tuple, perm: Any, step: Any, batch_size: int, key: Any) -> dict:
        idx = lax.dynamic_slice_in_dim(perm, step * batch_size, batch_size)
        xs, ys, sw = self._gather(data, idx)
        return self._train_step(state, xs, ys, sw, jax.random.fold_in(key, step))

    def _train_loop(
        self, state: dict, data: tuple, perm: Any, start: Any, count: Any, key: Any, batch_size: int
    ) -> tuple:
        """Steps ``start .. start+count-1``, stopping early after a step whose loss is not finite.

        Returns the state and the index after the last step run, so that the host can report the
        exact batch where a NaN appeared (TerminateOnNaN) and resume from there otherwise.
        """

        def cond(carry: tuple) -> Any:
            i, _, finite = carry
            return (i < start + count) & finite

        def body(carry: tuple) -> tuple:
            i, s, _ = carry
            before = s["loss"][0, 0]
            s = self._train_at(s, data, perm, i, batch_size, key)
            return i + 1, s, jnp.isfinite(s["loss"][0, 0] - before)

        end, state, _ = lax.while_loop(cond, body, (start, state, jnp.bool_(True)))
        return self._pin(state), end

    def _train_unrolled(
        self, state: dict, data: tuple, perm: Any, start: Any, key: Any, batch_size: int, count: int
    ) -> dict:
        for k in range(count):
            state = self._train_at(state, data, perm, start + k, batch_size, key)
        return state

    def _train_slice(self, state: dict, data: tuple, perm: Any, offset: Any, key: Any, step: Any, size: int) -> dict:
        idx = lax.dynamic_slice_in_dim(perm, offset, size)
        xs, ys, sw = self._gather(data, idx)
        return self._train_step(state, xs, ys, sw, jax.random.fold_in(key, step))

    def _test_loop(self, state: dict, data: tuple, start: Any, count: Any, batch_size: int) -> dict:
        def body(i: Any, s: dict) -> dict:
            xs, ys, sw = data
            sl = lambda a: lax.dynamic_slice_in_dim(a, i * batch_size, batch_size)  # noqa: E731
            return self._test_step(s, [sl(a) for a in xs], [sl(a) for a in ys], None if sw is None else sl(sw))

        return self._pin(lax.fori_loop(start, start + count, body, state))

    def _test_slice(self, state: dict, data: tuple, offset: Any, size: int) -> dict:
        xs, ys, sw = data
        sl = lambda a: lax.dynamic_slice_in_dim(a, offset, size)  # noqa: E731
        return self._test_step(state, [sl(a) for a in xs], [sl(a) for a in ys], None if sw is None else sl(sw))

    def _logs(self, state: dict) -> dict[str, Any]:
        logs = {}
        for name, (total, count) in zip(self.spec.loss_names, state["loss"], strict=True):
            logs[name] = total / jnp.maximum(count, 1.0)
        for (_, metric, _), mstate in zip(self.spec.metrics, state["metrics"], strict=True):
            logs[metric.name] = metric.compute(mstate)
        return logs

    # -- the host side ------------------------------------------------------------------------------
    def _context(self) -> Any:
        return jax.disable_jit() if self.eager else contextlib.nullcontext()

    def put_arrays(self, data: ArrayData, lease: _staging.Lease | None = None) -> tuple:
        """Place whole arrays on the device; through ``lease``'s reused host buffers when one is given."""
        # Whole data sets are replicated under a distribution: each device gathers its share of a batch.
        if self.placement is not None:
            put = self.placement.put_replicated
        else:
            put = jax.device_put if lease is None else lease.put
        ys = [put(a) for a in data.y] if data.y is not None else []
        return ([put(a) for a in data.x], ys, None if data.sample_weight is None else put(data.sample_weight))

    def _put_batch(self, data: ArrayData) -> tuple:
        if self.placement is None:
            return self.put_arrays(data)
        return self.placement.put_batch((data.x, data.y or [], data.sample_weight))

    @staticmethod
    def permutation(n: int, shuffle: bool) -> Any:
        """The epoch's sample order, drawn on the host from kerax's seeded generator (no compile needed)."""
        if not shuffle:
            return jax.device_put(np.arange(n, dtype=np.int32))
        rng = np.random.default_rng(_random.next_seed_int())
        return jax.device_put(rng.permutation(n).astype(np.int32))

    def decide_mode(self, state: dict, device: tuple, batch_size: int) -> None:
        """Choose how a call loops over steps, from what the model's forward pass contains."""
        if self.mode is not None:
            return
        xs = [jax.ShapeDtypeStruct((batch_size, *a.shape[1:]), a.dtype) for a in device[0]]
        jaxpr = jax.make_jaxpr(lambda tv, ntv, x: self._forward(tv, ntv, x, True, jax.random.key(0)))(
            state["tv"], state["ntv"], xs
        )
        conv = _contains_conv(jaxpr.jaxpr)
        # XLA:CPU runs convolution gradients inside loop bodies ~15x slower: unroll there instead.
        self.mode = "unrolled" if conv and jax.default_backend() == "cpu" else "loop"

    def chunk_size(self, remaining: int, verbose: int) -> int:
        if self.mode is None:
            raise RuntimeError("StepFunctions.chunk_size() called before decide_mode().")
        if self.mode == "unrolled":
            # A shorter chunk at the end of an epoch would compile a new unrolled program: run it step by step.
            return self.fixed_chunk if self.fixed_chunk is not None and remaining >= self.fixed_chunk else 1
        if self.fixed_chunk is not None:
            return min(self.fixed_chunk, remaining)
        if verbose == 0:
            return remaining
        if self._step_seconds is None:
            return min(8, remaining)
        return max(1, min(remaining, _MAX_ADAPTIVE_CHUNK, int(_TARGET_CHUNK_SECONDS / max(self._step_seconds, 1e-7))))

    def observe(self, count: int, seconds: float) -> None:
        per_step = seconds / count
        self._step_seconds = per_step if self._step_seconds is None else 0.5 * (self._step_seconds + per_step)

    def train_chunk(
        self, state: dict, device: tuple, perm: Any, start: int, count: int, batch_size: int, key: Any
    ) -> tuple[dict, int]:
        """Run up to ``count`` steps from ``start``; return the state and the number of steps run."""
        if self.placement is not None:
            self.placement.check_batch_size(batch_size, "fit")
        with self._context():
            if self.mode == "unrolled":
                state = self._jit_train_unrolled(
                    state, device, perm, jnp.int32(start), key, batch_size=batch_size, count=count
                )
                return state, count
            state, end = self._jit_train_loop(
                state, device, perm, jnp.int32(start), jnp.int32(count), key, batch_size=batch_size
            )
            return state, int(end) - start

    def train_tail(self, state: dict, device: tuple, perm: Any, offset: int, size: int, key: Any, step: int) -> dict:
        with self._context():
            return self._jit_train_slice(state, device, perm, jnp.int32(offset), key, jnp.int32(step), size=size)

    def train_batch(self, state: dict, data: ArrayData, key: Any) -> dict:
        xs, ys, sw = self._put_batch(data)
        with self._context():
            return self._jit_train_batch(state, xs, ys, sw, key)

    def test_chunk(self, state: dict, device: tuple, start: int, count: int, batch_size: int) -> dict:
        if self.placement is not None:
            self.placement.check_batch_size(batch_size, "evaluate")
        with self._context():
            return self._jit_test_loop(state, device, jnp.int32(start), jnp.int32(count), batch_size=batch_size)

    def test_tail(self, state: dict, device: tuple, offset: int, size: int) -> dict:
        with self._context():
            return self._jit_test_slice(state, device, jnp.int32(offset), size=size)

    def test_batch(self, state: dict, data: ArrayData) -> dict:
        xs, ys, sw = self._put_batch(data)
        with self._context():
            return self._jit_test_batch(state, xs, ys, sw)

    def logs(self, state: dict) -> dict[str, float]:
        with self._context():
            values = jax.device_get(self._jit_logs(state))
        return {k: float(v) for k, v in values.items()}
