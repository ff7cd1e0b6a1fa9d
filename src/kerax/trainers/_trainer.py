"""compile / fit / evaluate / predict.

The whole training state (trainable and non-trainable weights, optimizer state, metric accumulators and
the loss trackers) is one pytree threaded through a pure, jitted step. Arrays that fit on the device are
placed there once and shuffled there; an epoch then runs as a few calls that each perform many steps,
and Python is touched only between those calls, where the progress bar and callbacks are served.

How many steps a call performs, and how it loops, is chosen per model: a ``fori_loop`` with a dynamic
trip count (one compilation for every chunk size) for models without convolutions, and one step per call
for models whose step contains a convolution when running on CPU, where XLA runs a convolution's
gradient inside a loop body about 15 times slower (see docs/benchmarks.md).
"""

from __future__ import annotations

import math
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import callbacks as _callbacks
from kerax import optimizers as _optimizers
from kerax.backend import _random, _staging
from kerax.distribution import _placement
from kerax.layers import _layer
from kerax.trainers import _compile, _predict
from kerax.trainers._data import (
    ArrayBatches,
    ArrayData,
    check_lengths,
    flatten_structure,
    is_batch_iterable,
    unpack_batch,
)
from kerax.trainers._steps import StepFunctions

# Arrays that `predict` may hand to the model as they are (others are converted as `_data` converts them).
_FAST_PREDICT_DTYPES = (np.dtype("float32"), np.dtype("int32"))


class Trainer:
    """The training surface that every Model has."""

    def __init__(self) -> None:
        self.compiled = False
        self.optimizer: Any = None
        self.stop_training = False
        self.history: Any = None
        self.run_eagerly = False
        self._compile_args: dict[str, Any] | None = None
        self._spec: _compile.CompiledSpec | None = None
        self._steps: StepFunctions | None = None
        self._metric_states: list[Any] | None = None

    # -- compile -------------------------------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int | str = "auto",
        jit_compile: bool | str = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configure the model for training.

        Args:
            optimizer: a name (``"adam"``) or an optimizer instance.
            loss: a name, function or Loss; a list or dict (by output name) for several outputs.
            loss_weights: scalars weighting each output's loss.
            metrics: names, functions or Metric objects; a dict or list of lists for several outputs.
            weighted_metrics: metrics that take ``sample_weight`` and ``class_weight`` into account.
            run_eagerly: run steps without ``jax.jit`` (slow; for debugging).
            steps_per_execution: steps per jitted call, or ``"auto"`` to let kerax choose by model and
                platform.
            jit_compile: accepted for Keras compatibility; kerax always compiles unless ``run_eagerly``.
            auto_scale_loss: when the model's dtype policy is ``"mixed_float16"``, wrap the optimizer in a
                ``LossScaleOptimizer`` (dynamic loss scaling), as Keras does.
        """
        opt = _optimizers.get(optimizer)
        if opt is None:
            raise ValueError(f"compile: could not interpret optimizer {optimizer!r}.")
        if not (steps_per_execution == "auto" or (isinstance(steps_per_execution, int) and steps_per_execution >= 1)):
            raise ValueError(
                "compile: `steps_per_execution` must be a positive integer or 'auto', "
                f"received {steps_per_execution!r}."
            )
        if (
            auto_scale_loss
            and self.dtype_policy.name == "mixed_float16"
            and not isinstance(opt, _optimizers.LossScaleOptimizer)
        ):
            opt = _optimizers.LossScaleOptimizer(opt, name="loss_scale_optimizer")
        self.optimizer = opt
        self.run_eagerly = bool(run_eagerly)
        self._compile_args = {
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
            "steps_per_execution": steps_per_execution,
        }
        self._spec = None
        self._steps = None
        self._metric_states = None
        self.compiled = True

    def _require_compiled(self, what: str) -> None:
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before `{what}()`, e.g. model.compile(optimizer='adam', loss='mse')."
            )

    @property
    def metrics_names(self) -> list[str]:
        if self._spec is None:
            return ["loss"] if self.compiled else []
        return self._spec.loss_names + self._spec.metric_names

    @property
    def metrics(self) -> list[Any]:
        return [] if self._spec is None else [m for _, m, _ in self._spec.metrics]

    # -- data ----------------------------------------------------------------------------------------
    def _output_names(self) -> list[str]:
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return ["output"]

    def _input_names(self) -> list[str]:
        struct = getattr(self, "_inputs_struct", None)
        if isinstance(struct, dict):
            return list(struct)
        names = getattr(self, "input_names", None)
        return list(names) if names else ["input"]

    def _pack_inputs(self, xs: list[Any]) -> Any:
        """Flat input arrays (in ``_input_names`` order) -> what the model's ``call`` takes."""
        if isinstance(getattr(self, "_inputs_struct", None), dict):
            return dict(zip(self._input_names(), xs, strict=True))
        return xs[0] if len(xs) == 1 else list(xs)

    def _prepare_arrays(self, x: Any, y: Any, sample_weight: Any, what: str) -> ArrayData:
        if x is None:
            raise ValueError(f"{what}: `x` is required.")
        if not self.built:
            self._build_from_data(x)
        xs = flatten_structure(x, self._input_names(), f"{what}: x")
        ys = None if y is None else flatten_structure(y, self._output_names(), f"{what}: y")
        sw = (
            None
            if sample_weight is None
            else flatten_structure(sample_weight, ["sample_weight"], f"{what}: sample_weight")[0]
        )
        data = ArrayData(xs, ys, sw)
        check_lengths(data, what)
        return data

    def _build_from_data(self, x: Any) -> None:
        sample = x
        if isinstance(x, dict):
            sample = {k: np.asarray(v)[:1] for k, v in x.items()}
        elif isinstance(x, list | tuple):
            sample = [np.asarray(v)[:1] for v in x]
        else:
            sample = np.asarray(x)[:1]
        self(sample)

    def _ensure_steps(self, data: ArrayData) -> StepFunctions:
        """Resolve compile() against real shapes and make the jitted step functions (once)."""
        if self._steps is not None:
            return self._steps
        args = self._compile_args or {}
        probe = data.slice(0, 1)
        y_pred = jax.eval_shape(lambda xs: self._forward_flat(xs), [jnp.asarray(a) for a in probe.x])
        y_pred_flat = jax.tree_util.tree_leaves(y_pred)
        names = self._output_names()
        if len(names) != len(y_pred_flat):
            names = [f"output_{i}" for i in range(len(y_pred_flat))] if len(y_pred_flat) > 1 else ["output"]
        y_true = probe.y or [None] * len(y_pred_flat)
        self._spec = _compile.resolve(
            args.get("loss"),
            args.get("loss_weights"),
            args.get("metrics"),
            args.get("weighted_metrics"),
            names,
            y_true,
            y_pred_flat,
        )
        self._steps = StepFunctions(self, self._spec, eager=self.run_eagerly)
        return self._steps

    def _forward_flat(self, xs: list[Any]) -> Any:
        return self(self._pack_inputs(xs), training=False)

    def _validate_targets(self, data: ArrayData) -> None:
        if data.y is None or self._spec is None:
            return
        # The output shapes per input signature, traced once per structure (a fit's data does not retrace).
        signature = (_layer.structure_version(), tuple((a.shape[1:], a.dtype) for a in data.x))
        cached = self.__dict__.get("_output_shapes_cache")
        if cached is not None and cached[0] == signature:
            shapes = cached[1]
        else:
            probe = [jax.ShapeDtypeStruct((1, *a.shape[1:]), a.dtype) for a in data.x]
            outputs = jax.eval_shape(lambda xs: self._forward_flat(xs), probe)
            shapes = [tuple(s.shape) for s in jax.tree_util.tree_leaves(outputs)]
            object.__setattr__(self, "_output_shapes_cache", (signature, shapes))
        _compile.check_targets(self._spec, data.y, shapes)

    # -- fit -----------------------------------------------------------------------------------------
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: dict[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
    ) -> Any:
        """Train the model; returns a ``History`` whose ``history`` dict has one list per metric."""
        self._require_compiled("fit")
        verbose = _resolve_verbose(verbose)
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"fit: `epochs` must be a non-negative integer, received {epochs!r}.")
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            raise ValueError(f"fit: `batch_size` must be a positive integer, received {batch_size!r}.")
        if not 0.0 <= float(validation_split) < 1.0:
            raise ValueError(f"fit: `validation_split` must lie in [0, 1), received {validation_split!r}.")
        if is_batch_iterable(x):
            if validation_split:
                raise ValueError(
                    "fit: `validation_split` needs arrays; with a generator or data loader pass `validation_data`."
                )
            return self._fit_iterable(
                x,
                epochs,
                verbose,
                callbacks,
                validation_data,
                initial_epoch,
                steps_per_epoch,
                validation_steps,
                validation_freq,
                class_weight,
            )
        batch_size = batch_size or 32
        data = self._prepare_arrays(x, y, sample_weight, "fit")
        if data.y is None:
            raise ValueError("fit: targets `y` are required when `x` is an array.")
        val = None
        if validation_data is not None:
            val = self._unpack_validation(validation_data)
        elif validation_split:
            n_val = int(data.num_samples * validation_split)
            if n_val == 0 or n_val == data.num_samples:
                raise ValueError(
                    f"fit: validation_split={validation_split} of {data.num_samples} samples leaves "
                    f"{n_val} for validation; choose a split that leaves samples on both sides."
                )
            val = data.slice(data.num_samples - n_val, data.num_samples)
            data = data.slice(0, data.num_samples - n_val)
        if class_weight is not None:
            data = _apply_class_weight(data, class_weight)
        placement = _placement.current()
        if placement is not None and placement.per_process:
            val_batches = None
            if val is not None:
                val_batches = _per_process_batches(val, validation_batch_size or batch_size, False, "fit: validation")
            return self._fit_iterable(
                _per_process_batches(data, batch_size, shuffle, "fit"),
                epochs,
                verbose,
                callbacks,
                val_batches,
                initial_epoch,
                steps_per_epoch,
                validation_steps,
                validation_freq,
                None,  # the class weights are in the sample weights already
            )
        steps = self._ensure_steps(data)
        self._validate_targets(data)
        if val is not None:
            self._validate_targets(val)

        n = data.num_samples
        steps_total = math.ceil(n / batch_size)
        if steps_per_epoch is not None:
            steps_total = min(int(steps_per_epoch), steps_total)
        cbs = callback_list(self, callbacks, verbose, epochs=epochs, steps=steps_total, history=True)
        lease = _staging.Lease()
        device = steps.put_arrays(data, lease)
        self.stop_training = False
        self._initial_epoch = None
        cbs.on_train_begin()  # before the state is read: BackupAndRestore may restore weights and epoch here
        initial_epoch = self._initial_epoch or initial_epoch
        state = steps.initial_state()
        steps.decide_mode(state, device, min(batch_size, n))
        self._write_back(state)  # Variables and optimizer hold the state's arrays: callbacks see and change them
        per_batch = cbs.needs_train_batch_hooks
        epoch_logs: dict[str, float] = {}
        try:
            for epoch in range(initial_epoch, epochs):
                state = steps.reset_metrics(state)
                cbs.on_epoch_begin(epoch)
                state = steps.refresh(state)  # e.g. the learning rate a LearningRateScheduler just set
                key = _random.draw_key()
                perm = steps.permutation(n, shuffle)
                step = 0
                full_steps = min(steps_total, n // batch_size)
                logs: dict[str, float] = {}
                while step < steps_total:
                    if self.stop_training:
                        break
                    if step < full_steps:
                        count = 1 if per_batch else steps.chunk_size(full_steps - step, verbose)
                        if per_batch:
                            cbs.on_train_batch_begin(step)
                        t0 = time.perf_counter()
                        state, count = steps.train_chunk(state, device, perm, step, count, batch_size, key)
                        self._write_back(state)
                        logs = steps.logs(state)
                        steps.observe(count, time.perf_counter() - t0)
                    else:
                        count = 1
                        if per_batch:
                            cbs.on_train_batch_begin(step)
                        state = steps.train_tail(
                            state, device, perm, step * batch_size, n - step * batch_size, key, step
                        )
                        self._write_back(state)
                        logs = steps.logs(state)
                    step += count
                    cbs.on_train_batch_end(step - 1, dict(logs))
                    state = steps.refresh(state)
                epoch_logs = dict(logs)
                if val is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self._evaluate_arrays(
                        val, validation_batch_size or batch_size, validation_steps, None, 0
                    )
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                self._write_back(state)
                cbs.on_epoch_end(epoch, epoch_logs)
                state = steps.refresh(state)
                if self.stop_training:
                    break
        finally:
            self._write_back(state, final=True)
            lease.release(state)
        cbs.on_train_end(epoch_logs)
        return self.history

    def _fit_iterable(
        self,
        data: Any,
        epochs: int,
        verbose: int,
        callbacks: Any,
        validation_data: Any,
        initial_epoch: int,
        steps_per_epoch: int | None,
        validation_steps: int | None,
        validation_freq: int,
        class_weight: Any,
    ) -> Any:
        first = None
        iterator = None
        if not self.built or self._steps is None:
            iterator = iter(data)
            try:
                first = next(iterator)
            except StopIteration:
                raise ValueError("fit: the data set yielded no batches.") from None
            x0, y0, sw0 = unpack_batch(first)
            probe = self._prepare_arrays(x0, y0, sw0, "fit")
            if class_weight is not None:
                probe = _apply_class_weight(probe, class_weight)
            self._ensure_steps(probe)
            self._validate_targets(probe)
        steps = self._steps
        cbs = callback_list(self, callbacks, verbose, epochs=epochs, steps=steps_per_epoch, history=True)
        self.stop_training = False
        self._initial_epoch = None
        cbs.on_train_begin()
        initial_epoch = self._initial_epoch or initial_epoch
        state = steps.initial_state()
        self._write_back(state)
        epoch_logs: dict[str, float] = {}
        try:
            for epoch in range(initial_epoch, epochs):
                state = steps.reset_metrics(state)
                cbs.on_epoch_begin(epoch)
                state = steps.refresh(state)
                key = _random.draw_key()
                if iterator is None:
                    iterator = iter(data)
                batches = _prefetch(_chain_first(first, iterator))
                first = None
                logs: dict[str, float] = {}
                step = 0
                for batch in batches:
                    if self.stop_training or (steps_per_epoch is not None and step >= steps_per_epoch):
                        break
                    cbs.on_train_batch_begin(step)
                    xb, yb, swb = unpack_batch(batch)
                    arrays = self._prepare_arrays(xb, yb, swb, "fit")
                    if class_weight is not None:
                        arrays = _apply_class_weight(arrays, class_weight)
                    state = steps.train_batch(state, arrays, jax.random.fold_in(key, step))
                    self._write_back(state)
                    logs = steps.logs(state)
                    cbs.on_train_batch_end(step, dict(logs))
                    state = steps.refresh(state)
                    step += 1
                if step == 0:
                    raise ValueError(
                        f"fit: the data set yielded no batches in epoch {epoch + 1}. A generator can only be "
                        "read once: pass a re-iterable object (a data loader) or set `steps_per_epoch`."
                    )
                iterator = None if steps_per_epoch is None else iterator
                epoch_logs = dict(logs)
                if validation_data is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self.evaluate(validation_data, steps=validation_steps, verbose=0, return_dict=True)
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, epoch_logs)
                state = steps.refresh(state)
                if self.stop_training:
                    break
        finally:
            self._write_back(state, final=True)
        cbs.on_train_end(epoch_logs)
        return self.history

    def _unpack_validation(self, validation_data: Any) -> ArrayData:
        if not isinstance(validation_data, tuple | list) or len(validation_data) not in (2, 3):
            raise ValueError(
                "fit: `validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight); "
                f"received {type(validation_data).__name__}."
            )
        vx, vy, vsw = unpack_batch(tuple(validation_data))
        return self._prepare_arrays(vx, vy, vsw, "fit: validation_data")

    def _write_back(self, state: Any, final: bool = False) -> None:
        if state is not None and self._steps is not None:
            self._steps.write_back(state, final=final)

    # -- evaluate ------------------------------------------------------------------------------------
    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Any = None,
        return_dict: bool = False,
    ) -> Any:
        """Loss and metrics on the data: ``[loss, *metrics]`` (or a dict with ``return_dict=True``)."""
        self._require_compiled("evaluate")
        verbose = _resolve_verbose(verbose)
        if is_batch_iterable(x):
            logs = self._evaluate_iterable(x, steps, callbacks, verbose)
        else:
            data = self._prepare_arrays(x, y, sample_weight, "evaluate")
            if data.y is None:
                raise ValueError("evaluate: targets `y` are required when `x` is an array.")
            self._ensure_steps(data)
            self._validate_targets(data)
            placement = _placement.current()
            if placement is not None and placement.per_process:
                batches = _per_process_batches(data, batch_size or 32, False, "evaluate")
                logs = self._evaluate_iterable(batches, steps, callbacks, verbose)
            else:
                logs = self._evaluate_arrays(data, batch_size or 32, steps, callbacks, verbose)
        return self._format(logs, return_dict)

    def _evaluate_arrays(
        self, data: ArrayData, batch_size: int, steps: int | None, callbacks: Any, verbose: int
    ) -> dict[str, float]:
        fns = self._ensure_steps(data)
        n = data.num_samples
        steps_total = math.ceil(n / batch_size)
        if steps is not None:
            steps_total = min(int(steps), steps_total)
        cbs = callback_list(self, callbacks, verbose, epochs=1, steps=steps_total)
        lease = _staging.Lease()
        device = fns.put_arrays(data, lease)
        state = fns.reset_metrics(fns.test_state())
        try:
            cbs.on_test_begin()
            full = min(steps_total, n // batch_size)
            step = 0
            logs: dict[str, float] = {}
            while step < steps_total:
                if step < full:
                    count = 1 if cbs.needs_test_batch_hooks else full - step
                    state = fns.test_chunk(state, device, step, count, batch_size)
                else:
                    count = 1
                    state = fns.test_tail(state, device, step * batch_size, n - step * batch_size)
                step += count
                logs = fns.logs(state)
                cbs.on_test_batch_end(step - 1, dict(logs))
        finally:
            lease.release(state)
        cbs.on_test_end(logs)
        fns.store_metric_results(state)
        return logs

    def _evaluate_iterable(self, data: Any, steps: int | None, callbacks: Any, verbose: int) -> dict[str, float]:
        cbs = callback_list(self, callbacks, verbose, epochs=1, steps=steps)
        fns = None
        state = None
        logs: dict[str, float] = {}
        cbs.on_test_begin()
        for i, batch in enumerate(_prefetch(iter(data))):
            if steps is not None and i >= steps:
                break
            xb, yb, swb = unpack_batch(batch)
            arrays = self._prepare_arrays(xb, yb, swb, "evaluate")
            if fns is None:
                fns = self._ensure_steps(arrays)
                state = fns.reset_metrics(fns.test_state())
            state = fns.test_batch(state, arrays)
            logs = fns.logs(state)
            cbs.on_test_batch_end(i, dict(logs))
        if fns is None:
            raise ValueError("evaluate: the data set yielded no batches.")
        cbs.on_test_end(logs)
        return logs

    # -- predict -------------------------------------------------------------------------------------
    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        steps: int | None = None,
        callbacks: Any = None,
    ) -> Any:
        """Outputs for the inputs, as NumPy arrays (a list or dict for several outputs)."""
        verbose = _resolve_verbose(verbose)
        if (
            type(x) is np.ndarray
            and x.dtype in _FAST_PREDICT_DTYPES
            and x.ndim
            and 0 < len(x) <= (batch_size or 32)
            and verbose == 0
            and callbacks is None
            and self.built
        ):
            out = _predict.predict_one_batch(self, x)  # None when the fast path does not apply
            if out is not None:
                return out
        if is_batch_iterable(x):
            outs = []
            for i, batch in enumerate(_prefetch(iter(x))):
                if steps is not None and i >= steps:
                    break
                xb, _, _ = unpack_batch(batch)
                outs.append(self.predict_on_batch(xb))
            if not outs:
                raise ValueError("predict: the data set yielded no batches.")
            return jax.tree_util.tree_map(lambda *a: np.concatenate(a), *outs)
        batch_size = batch_size or 32
        data = self._prepare_arrays(x, None, None, "predict")
        n = data.num_samples
        return _predict.predict_arrays(self, data, batch_size, n, verbose, callbacks, steps)

    def predict_on_batch(self, x: Any) -> Any:
        """Outputs for one batch, as NumPy arrays."""
        data = self._prepare_arrays(x, None, None, "predict_on_batch")
        return _predict.predict_arrays(self, data, data.num_samples, data.num_samples, 0, None, None)

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: Any = None,
        return_dict: bool = False,
    ) -> Any:
        """One optimisation step on one batch; returns the loss and metrics of that batch."""
        self._require_compiled("train_on_batch")
        data = self._prepare_arrays(x, y, sample_weight, "train_on_batch")
        if class_weight is not None:
            data = _apply_class_weight(data, class_weight)
        fns = self._ensure_steps(data)
        self._validate_targets(data)
        state = fns.reset_metrics(fns.initial_state())
        state = fns.train_batch(state, data, _random.draw_key())
        fns.write_back(state, final=True)
        return self._format(fns.logs(state), return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Loss and metrics on one batch, without training."""
        self._require_compiled("test_on_batch")
        data = self._prepare_arrays(x, y, sample_weight, "test_on_batch")
        fns = self._ensure_steps(data)
        state = fns.test_batch(fns.reset_metrics(fns.test_state()), data)
        return self._format(fns.logs(state), return_dict)

    def _format(self, logs: dict[str, float], return_dict: bool) -> Any:
        if return_dict:
            return logs
        values = [logs[n] for n in self.metrics_names if n in logs]
        return values[0] if len(values) == 1 else values

    def _optimizer_variables_for_summary(self) -> list[Any] | None:
        if self.optimizer is None or not getattr(self.optimizer, "built", False):
            return None
        return list(getattr(self.optimizer, "variables", []) or [])


def callback_list(
    model: Any, callbacks: Any, verbose: int, epochs: int, steps: int | None, history: bool = False
) -> _callbacks.CallbackList:
    """The callbacks of one fit/evaluate/predict: the user's, a progress bar unless silent, History for fit."""
    return _callbacks.CallbackList(
        callbacks,
        add_history=history,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=steps,
    )


def _resolve_verbose(verbose: int | str) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"`verbose` must be 0, 1, 2 or 'auto', received {verbose!r}.")
    return int(verbose)


def _per_process_batches(data: ArrayData, batch_size: int, shuffle: bool, what: str) -> ArrayBatches:
    """Per-process data, batch by batch, once every process is known to take the same number of steps."""
    from jax.experimental import multihost_utils

    n = data.num_samples
    lengths = [int(v) for v in np.asarray(multihost_utils.process_allgather(np.int64(n))).reshape(-1)]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"{what}: with per-process data (auto_shard_dataset=False) every process must pass the same number "
            f"of samples, so that all take the same steps; the processes passed {lengths}."
        )
    return ArrayBatches(data, batch_size, shuffle, _random.next_seed_int)


def _apply_class_weight(data: ArrayData, class_weight: dict[int, float]) -> ArrayData:
    if data.y is None or len(data.y) != 1:
        raise ValueError("`class_weight` is only supported for models with a single output.")
    y = data.y[0]
    labels = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(y.shape[0], -1)[:, 0]
    labels = labels.astype(np.int64)
    unknown = sorted(set(np.unique(labels).tolist()) - set(int(k) for k in class_weight))
    if unknown:
        raise ValueError(f"`class_weight` has no entry for class(es) {unknown}; it covers {sorted(class_weight)}.")
    table = np.zeros(int(max(class_weight)) + 1, np.float32)
    for k, w in class_weight.items():
        table[int(k)] = w
    weights = table[labels]
    if data.sample_weight is not None:
        weights = weights * data.sample_weight
    return ArrayData(data.x, data.y, weights.astype(np.float32))


def _chain_first(first: Any, iterator: Any) -> Any:
    if first is not None:
        yield first
    yield from iterator


def _prefetch(iterator: Any, size: int = 2) -> Any:
    """Read the next batches on a background thread while the current step runs."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=size)
    done = object()

    def worker() -> None:
        try:
            for item in iterator:
                q.put(item)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            q.put(_Failure(e))
        q.put(done)

    threading.Thread(target=worker, daemon=True).start()
    while True:
        item = q.get()
        if item is done:
            return
        if isinstance(item, _Failure):
            raise item.error
        yield item


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error
