"""The compiled steps of one compiled model: its own ``train_step``/``test_step``, many steps per call.

The state is Keras 3's tuple of value lists: ``(trainable, non_trainable, optimizer, metrics)`` for
training, ``(trainable, non_trainable, metrics)`` for evaluation. Whatever the model's ``train_step``
is (the built-in one or a user's override), it is traced here once per batch shape and run over
device-resident data many steps per call (training inside a ``lax.while_loop`` that can stop early,
evaluation inside a ``lax.fori_loop``) or unrolled, or one step per call for batches read from an iterable.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kerax.backend import _random, _scope, _staging
from kerax.distribution import _placement
from kerax.trainers._data import ArrayData

_MAX_ADAPTIVE_CHUNK = 4096
_SHARED_PLACEMENT_BYTES = 4 << 20
# With a progress bar, a call runs about this many seconds of steps: enough to hide the per-call cost,
# short enough for a live bar.
_TARGET_CHUNK_SECONDS = 0.1


def _copy(value: Any) -> jax.Array:
    """A copy in a buffer of its own (``jnp.copy`` would compile a program for every new shape)."""
    if isinstance(value, jax.Array) and not value.is_fully_addressable:
        return jnp.copy(value)  # spread over several processes: a transfer cannot copy it
    return jax.device_put(value, may_alias=False)


def _contains_conv(jaxpr: Any) -> bool:
    for eqn in jaxpr.eqns:
        if eqn.primitive.name in ("conv_general_dilated", "conv_general_dilated_patches"):
            return True
        for param in eqn.params.values():
            inner = getattr(param, "jaxpr", None)
            if inner is not None and _contains_conv(getattr(inner, "jaxpr", inner)):
                return True
    return False


def bucket_rows(n: int) -> int:
    """``n`` rounded up to 1, 1.25, 1.5 or 1.75 times a power of two."""
    if n <= 8:
        return n
    top = 1 << (n.bit_length() - 1)
    quarter = top // 4
    return -(-n // quarter) * quarter


def placed_rows(data: ArrayData) -> int:
    """The length whole arrays are placed at on the device; the rows past ``data``'s are never read.

    A compiled multi-step loop is specialised on the length of the arrays it gathers batches from. Every
    data set of up to ``_SHARED_PLACEMENT_BYTES`` is placed at one length, so repeated ``fit`` calls on
    small data of any length compile only for a new batch shape; larger data sets are placed at
    ``bucket_rows`` (nearby lengths share a compilation, which the longer epochs amortise).
    """
    arrays = [*data.x, *(data.y or []), *([] if data.sample_weight is None else [data.sample_weight])]
    row_bytes = 4 + sum(a.dtype.itemsize * math.prod(a.shape[1:]) for a in arrays)  # 4: the permutation
    return max(bucket_rows(data.num_samples), bucket_rows(max(_SHARED_PLACEMENT_BYTES // row_bytes, 1)))


def _flat_logs(logs: Any, where: str) -> dict[str, Any]:
    """A step's logs as one flat dict: nested dicts (``compile_metrics``' results) are merged, as Keras does."""
    if not isinstance(logs, dict):
        raise TypeError(f"{where} must return its logs as a dict of metric values, received {type(logs).__name__}.")
    flat: dict[str, Any] = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            flat.update(_flat_logs(value, where))
        else:
            flat[key] = jnp.asarray(value)
    return flat


def _conform(new: Any, old: Any, where: str, parts: tuple[str, ...]) -> tuple:
    """The state a step returned, checked against the state it was given and cast to its dtypes."""
    if not isinstance(new, tuple | list) or len(new) != len(old):
        got = len(new) if isinstance(new, tuple | list) else type(new).__name__
        raise ValueError(
            f"{where} must return `(logs, state)` with state = ({', '.join(parts)}), the same {len(old)} lists it "
            f"received; it returned a state of {got}."
        )
    out = []
    for name, values, reference in zip(parts, new, old, strict=True):
        values = list(values)
        if len(values) != len(reference):
            raise ValueError(
                f"{where}: the returned {name} hold {len(values)} values where the state had {len(reference)}."
            )
        conformed = []
        for value, ref in zip(values, reference, strict=True):
            value = jnp.asarray(value)
            if value.shape != ref.shape:
                raise ValueError(
                    f"{where}: a returned value of the {name} has shape {value.shape}, the variable has {ref.shape}."
                )
            conformed.append(value.astype(ref.dtype) if value.dtype != ref.dtype else value)
        out.append(conformed)
    return tuple(out)


TRAIN_PARTS = ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables")
TEST_PARTS = ("trainable_variables", "non_trainable_variables", "metrics_variables")


class StepFunctions:
    """The model's train and test steps, jitted once per batch shape, and the state they thread."""

    def __init__(self, model: Any, eager: bool = False) -> None:
        self.model = model
        self.eager = eager
        self.tv_vars = list(model.trainable_variables)
        self.ntv_vars = list(model.non_trainable_variables)
        self.optimizer = model.optimizer
        if self.optimizer is not None and not self.optimizer.built:
            self.optimizer.build(self.tv_vars)
        self.opt_vars = [] if self.optimizer is None else list(self.optimizer.variables)
        self.metric_vars = list(model.metrics_variables)
        self._step_seconds: float | None = None
        spe = (model._compile_args or {}).get("steps_per_execution", "auto")
        self.fixed_chunk = None if spe == "auto" else int(spe)
        self.mode: str | None = None  # "loop" or "unrolled", decided on the first batch
        self.placement = _placement.current()  # None without a distribution: the single-device path
        self._logs_specs: dict[Any, Any] = {}
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

    # -- state ---------------------------------------------------------------------------------------
    def _sync_placement(self) -> None:
        """Follow a change of the global distribution since the steps were traced."""
        placement = _placement.current()
        if placement is not self.placement:
            self.placement = placement
            self._make_jits()

    def _place(self, state: tuple) -> tuple:
        self._sync_placement()
        if self.placement is None:
            return state
        return self.placement.place_state(state, self.tv_vars, self.ntv_vars)

    def initial_state(self) -> tuple:
        # Copies, so that donating the state never invalidates arrays that Variables hold.
        state = tuple(
            [_copy(v._value) for v in group] for group in (self.tv_vars, self.ntv_vars, self.opt_vars, self.metric_vars)
        )
        return self._place(state)

    def test_state(self) -> tuple:
        return self._place(
            tuple([v._value for v in group] for group in (self.tv_vars, self.ntv_vars, self.metric_vars))
        )

    def reset_metrics(self, state: tuple) -> tuple:
        """The state with every metric reset (``model.reset_metrics()``, then its variables read back)."""
        self.model.reset_metrics()
        return (*state[:-1], [v._value for v in self.metric_vars])

    def _groups(self, parts: int) -> tuple:
        """The Variables behind a training state (4 parts) or an evaluation state (3 parts)."""
        if parts == 3:
            return (self.tv_vars, self.ntv_vars, self.metric_vars)
        return (self.tv_vars, self.ntv_vars, self.opt_vars, self.metric_vars)

    def write_back(self, state: tuple, final: bool = False) -> None:
        """Point the Variables at the state's arrays (cheap), so callbacks see the current values."""
        for variables, values in zip(self._groups(len(state)), state, strict=True):
            for var, value in zip(variables, values, strict=True):
                var._value = value
        if final and len(state) == 4:
            # The next fit() donates its own copy; keep the Variables' arrays alive and independent.
            for var in (*self.tv_vars, *self.ntv_vars, *self.opt_vars):
                var._value = _copy(var._value)

    def refresh(self, state: tuple) -> tuple:
        """Pick up what callbacks changed between calls: the learning rate, or weights they set."""
        return tuple([v._value for v in variables] for variables in self._groups(len(state)))

    # -- one step: the model's own methods -----------------------------------------------------------
    @staticmethod
    def _batch(xs: list, ys: list, sw: Any, pack_x: Callable, pack_y: Callable) -> tuple:
        """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` in the structures the model takes, as Keras passes."""
        x = pack_x(xs)
        if not ys:
            return (x,) if sw is None else (x, None, sw)
        y = pack_y(ys)
        return (x, y) if sw is None else (x, y, sw)

    def _make_batch(self, data: tuple) -> tuple:
        xs, ys, sw = data
        if self.placement is not None:
            xs, ys, sw = self.placement.constrain_batch((xs, ys, sw))
        return self._batch(xs, ys, sw, self.model._pack_inputs, self.model._pack_targets)

    def _train_step(self, state: tuple, data: tuple, rng: Any) -> tuple:
        # The step's key: random layers and unseeded draws inside the model's train_step fold from it.
        with _scope.StatelessScope(rng=rng):
            logs, new_state = self.model.train_step(state, self._make_batch(data))
        new_state = _conform(new_state, state, f"{type(self.model).__name__}.train_step", TRAIN_PARTS)
        return self._pin(new_state), _flat_logs(logs, f"{type(self.model).__name__}.train_step")

    def _test_step(self, state: tuple, data: tuple) -> tuple:
        with _scope.StatelessScope(rng=jax.random.key(0)):
            logs, new_state = self.model.test_step(state, self._make_batch(data))
        new_state = _conform(new_state, state, f"{type(self.model).__name__}.test_step", TEST_PARTS)
        return self._pin(new_state), _flat_logs(logs, f"{type(self.model).__name__}.test_step")

    def _pin(self, state: tuple) -> tuple:
        """Under a distribution, keep the state laid out as it was placed (a loop's carry included)."""
        if self.placement is None:
            return state
        return self.placement.constrain_state(state, self.tv_vars, self.ntv_vars)

    @staticmethod
    def _logs_key(kind: str, data: tuple, batch_size: int) -> tuple:
        xs, ys, sw = data
        return (kind, batch_size, tuple((a.shape[1:], a.dtype) for a in (*xs, *ys)), sw is not None)

    @staticmethod
    def _batch_spec(data: tuple, batch_size: int) -> tuple:
        """Shape-only stand-ins for one batch of ``batch_size`` rows of ``data``."""
        xs, ys, sw = data
        row = lambda a: jax.ShapeDtypeStruct((batch_size, *a.shape[1:]), a.dtype)  # noqa: E731
        return [row(a) for a in xs], [row(a) for a in ys], None if sw is None else row(sw)

    def _logs_zeros(self, kind: str, state: tuple, data: tuple, batch_size: int) -> dict[str, Any]:
        """Zeros shaped like the logs a step returns (the initial carry of a loop), traced once per shape."""
        key = self._logs_key(kind, data, batch_size)
        spec = self._logs_specs.get(key)
        if spec is None:
            batch = self._batch_spec(data, batch_size)
            if kind == "train":
                _, spec = jax.eval_shape(self._train_step, state, batch, jax.random.key(0))
            else:
                _, spec = jax.eval_shape(self._test_step, state, batch)
            self._logs_specs[key] = spec
        return {k: jnp.zeros(s.shape, s.dtype) for k, s in spec.items()}

    # -- many steps per call -------------------------------------------------------------------------
    @staticmethod
    def _gather(data: tuple, idx: Any) -> tuple:
        xs, ys, sw = data
        return [a[idx] for a in xs], [a[idx] for a in ys], None if sw is None else sw[idx]

    def _train_at(self, state: tuple, data: tuple, perm: Any, step: Any, batch_size: int, key: Any) -> tuple:
        idx = lax.dynamic_slice_in_dim(perm, step * batch_size, batch_size)
        return self._train_step(state, self._gather(data, idx), jax.random.fold_in(key, step))

    @staticmethod
    def _finite(logs: dict[str, Any]) -> Any:
        loss = logs.get("loss")
        return jnp.bool_(True) if loss is None else jnp.all(jnp.isfinite(loss))

    def _train_loop(
        self, state: tuple, data: tuple, perm: Any, start: Any, count: Any, key: Any, logs: dict, batch_size: int
    ) -> tuple:
        """Steps ``start .. start+count-1``, stopping early after a step whose loss is not finite.

        Returns the state, the last step's logs and the index after the last step run, so that the host
        can report the exact batch where a NaN appeared (TerminateOnNaN) and resume from there otherwise.
        """

        def cond(carry: tuple) -> Any:
            i, _, _, finite = carry
            return (i < start + count) & finite

        def body(carry: tuple) -> tuple:
            i, s, _, _ = carry
            s, step_logs = self._train_at(s, data, perm, i, batch_size, key)
            return i + 1, s, step_logs, self._finite(step_logs)

        end, state, logs, _ = lax.while_loop(cond, body, (start, state, logs, jnp.bool_(True)))
        return self._pin(state), logs, end

    def _train_unrolled(
        self, state: tuple, data: tuple, perm: Any, start: Any, key: Any, batch_size: int, count: int
    ) -> tuple:
        logs: dict[str, Any] = {}
        for k in range(count):
            state, logs = self._train_at(state, data, perm, start + k, batch_size, key)
        return state, logs

    def _train_slice(self, state: tuple, data: tuple, perm: Any, offset: Any, key: Any, step: Any, size: int) -> tuple:
        idx = lax.dynamic_slice_in_dim(perm, offset, size)
        return self._train_step(state, self._gather(data, idx), jax.random.fold_in(key, step))

    def _test_loop(self, state: tuple, data: tuple, start: Any, count: Any, logs: dict, batch_size: int) -> tuple:
        def body(i: Any, carry: tuple) -> tuple:
            s, _ = carry
            sl = lambda a: lax.dynamic_slice_in_dim(a, i * batch_size, batch_size)  # noqa: E731
            xs, ys, sw = data
            return self._test_step(s, ([sl(a) for a in xs], [sl(a) for a in ys], None if sw is None else sl(sw)))

        state, logs = lax.fori_loop(start, start + count, body, (state, logs))
        return self._pin(state), logs

    def _test_slice(self, state: tuple, data: tuple, offset: Any, size: int) -> tuple:
        xs, ys, sw = data
        sl = lambda a: lax.dynamic_slice_in_dim(a, offset, size)  # noqa: E731
        return self._test_step(state, ([sl(a) for a in xs], [sl(a) for a in ys], None if sw is None else sl(sw)))

    # -- the host side ------------------------------------------------------------------------------
    def _context(self) -> Any:
        return jax.disable_jit() if self.eager else contextlib.nullcontext()

    def put_arrays(self, data: ArrayData, rows: int, lease: _staging.Lease | None = None) -> tuple:
        """Place whole arrays on the device with ``rows`` rows (through ``lease``'s reused buffers)."""
        # Whole data sets are replicated under a distribution: each device gathers its share of a batch.
        if self.placement is not None:
            place = lambda a: self.placement.put_replicated(_staging.padded_rows(a, rows))  # noqa: E731
        elif lease is None:
            place = lambda a: jax.device_put(_staging.padded_rows(a, rows))  # noqa: E731
        else:
            place = lambda a: lease.put(a, rows)  # noqa: E731
        ys = [place(a) for a in data.y] if data.y is not None else []
        return ([place(a) for a in data.x], ys, None if data.sample_weight is None else place(data.sample_weight))

    def put_batch(self, data: ArrayData) -> tuple:
        if self.placement is None:
            ys = [jax.device_put(a) for a in data.y] if data.y is not None else []
            sw = None if data.sample_weight is None else jax.device_put(data.sample_weight)
            return [jax.device_put(a) for a in data.x], ys, sw
        return self.placement.put_batch((data.x, data.y or [], data.sample_weight))

    @staticmethod
    def permutation(n: int, shuffle: bool, rows: int) -> Any:
        """The epoch's sample order (``rows`` long), drawn on the host from kerax's seeded generator."""
        order = np.random.default_rng(_random.next_seed_int()).permutation(n) if shuffle else np.arange(n)
        return jax.device_put(_staging.padded_rows(order.astype(np.int32), rows))

    def decide_mode(self, state: tuple, device: tuple, batch_size: int) -> None:
        """Choose how a call loops over steps, from what the model's training step contains."""
        if self.mode is not None:
            return
        batch = self._batch_spec(device, batch_size)
        jaxpr, (_, logs) = jax.make_jaxpr(lambda s, b: self._train_step(s, b, jax.random.key(0)), return_shape=True)(
            state, batch
        )
        self._logs_specs[self._logs_key("train", device, batch_size)] = logs  # one trace serves both
        conv = _contains_conv(jaxpr.jaxpr)
        # XLA:CPU runs convolution gradients inside loop bodies ~15x slower: unroll there instead.
        self.mode = "unrolled" if conv and jax.default_backend() == "cpu" else "loop"

    def chunk_size(self, remaining: int, verbose: int) -> int:
        if self.mode is None:
            raise RuntimeError("StepFunctions.chunk_size() called before decide_mode().")
        if self.mode == "unrolled":
            # A shorter chunk at the end of an epoch would compile a new unrolled program: run it step by step.
            return self.fixed_chunk if self.fixed_chunk is not None and remaining >= self.fixed_chunk else 1
        if verbose == 0 and self.fixed_chunk is None:
            return remaining  # one call per epoch
        # Several calls per epoch: reuse freed host memory for XLA's per-call working buffers (measured:
        # it removes the progress bar's page faults, but slows the one-call epoch of the seed MLP by ~10%).
        _staging.keep_freed_host_memory()
        if self.fixed_chunk is not None:
            return min(self.fixed_chunk, remaining)
        if self._step_seconds is None:
            return min(8, remaining)
        return max(1, min(remaining, _MAX_ADAPTIVE_CHUNK, int(_TARGET_CHUNK_SECONDS / max(self._step_seconds, 1e-7))))

    def observe(self, count: int, seconds: float) -> None:
        per_step = seconds / count
        self._step_seconds = per_step if self._step_seconds is None else 0.5 * (self._step_seconds + per_step)

    def train_chunk(
        self, state: tuple, device: tuple, perm: Any, start: int, count: int, batch_size: int, key: Any
    ) -> tuple[tuple, dict, int]:
        """Run up to ``count`` steps from ``start``; return the state, the last logs and the steps run."""
        if self.placement is not None:
            self.placement.check_batch_size(batch_size, "fit")
        with self._context():
            if self.mode == "unrolled":
                state, logs = self._jit_train_unrolled(
                    state, device, perm, jnp.int32(start), key, batch_size=batch_size, count=count
                )
                return state, logs, count
            zeros = self._logs_zeros("train", state, device, batch_size)
            state, logs, end = self._jit_train_loop(
                state, device, perm, jnp.int32(start), jnp.int32(count), key, zeros, batch_size=batch_size
            )
            return state, logs, int(end) - start

    def train_tail(self, state: tuple, device: tuple, perm: Any, offset: int, size: int, key: Any, step: int) -> tuple:
        with self._context():
            return self._jit_train_slice(state, device, perm, jnp.int32(offset), key, jnp.int32(step), size=size)

    def train_batch(self, state: tuple, data: ArrayData, key: Any) -> tuple:
        with self._context():
            return self._jit_train_batch(state, self.put_batch(data), key)

    def test_chunk(self, state: tuple, device: tuple, start: int, count: int, batch_size: int) -> tuple:
        if self.placement is not None:
            self.placement.check_batch_size(batch_size, "evaluate")
        with self._context():
            zeros = self._logs_zeros("test", state, device, batch_size)
            return self._jit_test_loop(state, device, jnp.int32(start), jnp.int32(count), zeros, batch_size=batch_size)

    def test_tail(self, state: tuple, device: tuple, offset: int, size: int) -> tuple:
        with self._context():
            return self._jit_test_slice(state, device, jnp.int32(offset), size=size)

    def test_batch(self, state: tuple, data: ArrayData) -> tuple:
        with self._context():
            return self._jit_test_batch(state, self.put_batch(data))


def python_logs(logs: dict[str, Any]) -> dict[str, Any]:
    """Logs fetched from the device: Python floats for scalars, NumPy arrays otherwise."""
    values = jax.device_get(logs)
    return {k: float(v) if np.ndim(v) == 0 else np.asarray(v) for k, v in values.items()}
