"""compile / fit / evaluate / predict, and the model's own training methods.

Training is the model's methods, with Keras 3's JAX signatures: ``train_step(state, data)``,
``test_step``, ``predict_step``, ``compute_loss``, ``compute_metrics``. The built-in behaviour is simply
their default body; the trainer compiles whichever the model has and runs it over one data source
(arrays placed on the device, or batches read ahead from an iterable), many steps per call where it can:
a ``lax.while_loop`` with a dynamic trip count (one compilation for every chunk length) for models
without convolutions, one or ``steps_per_execution`` unrolled steps per call for models whose step
contains a convolution when running on CPU, where XLA runs a convolution's gradient inside a loop body
about 15 times slower (see docs/benchmarks.md).
"""

from __future__ import annotations

import inspect
import math
import time
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import callbacks as _callbacks
from kerax import metrics as _metrics
from kerax import optimizers as _optimizers
from kerax.backend import _config, _random, _scope, _staging
from kerax.backend._dtypes import is_string_dtype
from kerax.distribution import _placement
from kerax.layers import _layer
from kerax.trainers import _compile, _predict
from kerax.trainers._data import (
    ArrayBatches,
    ArrayData,
    BatchStream,
    check_lengths,
    flatten_structure,
    is_batch_iterable,
    unpack_batch,
    unpack_x_y_sample_weight,
)
from kerax.trainers._steps import StepFunctions, placed_rows, python_logs

# Arrays that `predict` may hand to the model as they are (others are converted as `_data` converts them).
_FAST_PREDICT_DTYPES = (np.dtype("float32"), np.dtype("int32"))
# The trainer's own attributes, which `metrics` does not list as a model's tracked metrics.
_TRAINER_ATTRIBUTES = frozenset({"_loss_tracker", "_compile_metrics", "_compile_loss"})


def _check_count(what: str, name: str, value: Any, minimum: int = 1) -> None:
    """Refuse a count argument that is not an int >= ``minimum`` (None is allowed: the default)."""
    if value is None:
        return
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        kind = "positive" if minimum == 1 else "non-negative"
        raise ValueError(f"{what}: `{name}` must be a {kind} integer or None, received {value!r}.")


class Trainer:
    """The training surface that every Model has."""

    def __init__(self) -> None:
        self.compiled = False
        self.optimizer: Any = None
        self.stop_training = False
        self.history: Any = None
        self.run_eagerly = False
        self._compile_args: dict[str, Any] | None = None
        self._compile_loss: _compile.CompileLoss | None = None
        self._compile_metrics: _compile.CompileMetrics | None = None
        self._loss_tracker: Any = None
        self._steps: StepFunctions | None = None
        self._losses_override: list[Any] | None = None

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
            loss: a name, function or Loss; a list or dict (by output name) for several outputs. None when
                the model supplies its loss itself (``add_loss``, or an overridden ``compute_loss`` or
                ``train_step``).
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
        self._compile_loss = None if loss is None else _compile.CompileLoss(loss, loss_weights)
        self._compile_metrics = (
            None if metrics is None and weighted_metrics is None else _compile.CompileMetrics(metrics, weighted_metrics)
        )
        self._loss_tracker = _metrics.Mean(name="loss")
        self._steps = None
        self.compiled = True

    def _require_compiled(self, what: str) -> None:
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before `{what}()`, e.g. model.compile(optimizer='adam', loss='mse')."
            )

    # -- metrics -------------------------------------------------------------------------------------
    @property
    def metrics(self) -> list[Any]:
        """The loss tracker, the compiled metrics (one ``compile_metrics`` entry, as in Keras 3), the
        per-output loss trackers, then the Metric objects the model holds as attributes."""
        found: list[Any] = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
        for key, value in vars(self).items():
            if key in _TRAINER_ATTRIBUTES:
                continue
            for item in value if isinstance(value, list | tuple) else (value,):
                if isinstance(item, _metrics.Metric) and all(item is not f for f in found):
                    found.append(item)
        return found

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self) -> list[Any]:
        """The variables of every metric in ``metrics``, in order: the last part of the training state."""
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict[str, Any]:
        """The current value of every metric in ``metrics``, by name (a dict result is merged in)."""
        results: dict[str, Any] = {}
        for metric in self.metrics:
            # A result may be a Variable (a user's metric returns one): read it now, in the active scope.
            value = jax.tree_util.tree_map(jnp.asarray, metric.result())
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    # -- the model's training methods (Keras 3's JAX signatures) --------------------------------------
    @property
    def losses(self) -> list[Any]:
        """As for a layer; inside a training step, the losses its forward pass added and weight penalties."""
        override = self.__dict__.get("_losses_override")
        if override is None:
            return super().losses  # type: ignore[misc]
        penalties = [v.regularizer(v.value) for v in self.trainable_weights if v.regularizer is not None]
        return [*override, *penalties]

    def compute_loss(
        self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None, training: bool = True
    ) -> Any:
        """The total loss of a batch: the compiled loss plus ``self.losses`` (override to customize).

        Args:
            x: the inputs.
            y: the targets.
            y_pred: the model's outputs on ``x``.
            sample_weight: per-sample weights, or None.
            training: whether the loss is for a training step.
        """
        del x, training
        total = jnp.zeros((), jnp.float32)
        if self._compile_loss is not None:
            total = total + self._compile_loss(y, y_pred, sample_weight)
        for loss in self.losses:
            loss = jnp.asarray(loss)
            if not jnp.issubdtype(loss.dtype, jnp.floating):
                loss = loss.astype(jnp.float32)
            total = total + jnp.sum(loss).astype(jnp.float32)
        return total

    def _compute_loss(self, x: Any, y: Any, y_pred: Any, sample_weight: Any, training: bool) -> Any:
        # An override written before `training` existed (Keras < 3.3) is called without it.
        if "training" in inspect.signature(self.compute_loss).parameters:
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def stateless_compute_loss(
        self,
        trainable_variables: Any,
        non_trainable_variables: Any,
        metrics_variables: Any,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> tuple[Any, tuple[list, list, list]]:
        """``compute_loss`` as a pure function: returns ``loss, (trainable, non_trainable, metrics)`` values."""
        mapping = dict(zip(self.trainable_variables, trainable_variables, strict=True))
        mapping.update(zip(self.non_trainable_variables, non_trainable_variables, strict=True))
        metric_vars = self.metrics_variables
        mapping.update(zip(metric_vars, metrics_variables, strict=True))
        with _scope.StatelessScope(mapping) as scope:
            loss = self._compute_loss(x, y, y_pred, sample_weight, training)
            new_ntv = [scope.get(v) for v in self.non_trainable_variables]
            new_metrics = [scope.get(v) for v in metric_vars]
        return loss, (list(trainable_variables), new_ntv, new_metrics)

    def compute_loss_and_updates(
        self,
        trainable_variables: Any,
        non_trainable_variables: Any,
        metrics_variables: Any,
        x: Any,
        y: Any,
        sample_weight: Any,
        training: bool = False,
        optimizer_variables: Any = None,
    ) -> tuple[Any, tuple]:
        """The forward pass and the loss, pure (for ``jax.value_and_grad``).

        Returns:
            ``loss, (unscaled_loss, y_pred, non_trainable_values, metrics_values)``; ``loss`` is scaled by
            the optimizer's loss scale when training (``LossScaleOptimizer``).
        """
        y_pred, non_trainable_variables, losses = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training, return_losses=True
        )
        self._losses_override = losses
        try:
            loss, (_, non_trainable_variables, metrics_variables) = self.stateless_compute_loss(
                trainable_variables,
                non_trainable_variables,
                metrics_variables,
                x=x,
                y=y,
                y_pred=y_pred,
                sample_weight=sample_weight,
                training=training,
            )
        finally:
            self._losses_override = None
        unscaled = loss
        if training and self.optimizer is not None and optimizer_variables is not None:
            with _scope.StatelessScope(dict(zip(self.optimizer.variables, optimizer_variables, strict=True))):
                loss = self.optimizer.scale_loss(loss)
        return loss, (unscaled, y_pred, non_trainable_variables, metrics_variables)

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, Any]:
        """Update the compiled metrics with a batch and return every metric's result (override to customize).

        Args:
            x: the inputs.
            y: the targets.
            y_pred: the model's outputs.
            sample_weight: per-sample weights, or None.
        """
        del x
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_metrics_variables(
        self, metrics_variables: Any, loss: Any, x: Any, y: Any, y_pred: Any, sample_weight: Any
    ) -> tuple[dict[str, Any], list]:
        metric_vars = self.metrics_variables
        with _scope.StatelessScope(dict(zip(metric_vars, metrics_variables, strict=True))) as scope:
            batch = next((a for a in jax.tree_util.tree_leaves(x) if jnp.ndim(a)), None)
            self._loss_tracker.update_state(loss, sample_weight=1 if batch is None else batch.shape[0])
            logs = self.compute_metrics(x, y, y_pred, sample_weight)
            new_values = [scope.get(v) for v in metric_vars]
        return logs, new_values

    def train_step(self, state: tuple, data: Any) -> tuple[dict[str, Any], tuple]:
        """One optimization step: ``(trainable, non_trainable, optimizer, metrics)`` values in and out.

        Args:
            state: the four lists of values, in the order of ``trainable_variables``,
                ``non_trainable_variables``, ``optimizer.variables`` and ``metrics_variables``.
            data: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

        Returns:
            ``(logs, new_state)``.
        """
        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (_, aux), grads = grad_fn(
            trainable,
            non_trainable,
            metrics_vars,
            x,
            y,
            sample_weight,
            training=True,
            optimizer_variables=optimizer_vars,
        )
        unscaled, y_pred, non_trainable, metrics_vars = aux
        trainable, optimizer_vars = self.optimizer.stateless_apply(optimizer_vars, grads, trainable)
        logs, metrics_vars = self._update_metrics_variables(metrics_vars, unscaled, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, optimizer_vars, metrics_vars)

    def test_step(self, state: tuple, data: Any) -> tuple[dict[str, Any], tuple]:
        """One evaluation step: ``(trainable, non_trainable, metrics)`` values in and out.

        Args:
            state: the three lists of values.
            data: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.
        """
        trainable, non_trainable, metrics_vars = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        _, aux = self.compute_loss_and_updates(
            trainable, non_trainable, metrics_vars, x, y, sample_weight, training=False
        )
        unscaled, y_pred, non_trainable, metrics_vars = aux
        logs, metrics_vars = self._update_metrics_variables(metrics_vars, unscaled, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, metrics_vars)

    def predict_step(self, state: tuple, data: Any) -> tuple[Any, list]:
        """The outputs for one batch: ``(trainable, non_trainable)`` values in, ``(outputs, non_trainable)`` out.

        Args:
            state: the two lists of values.
            data: ``(x,)`` (or ``x``).
        """
        trainable, non_trainable = state
        x, _, _ = unpack_x_y_sample_weight(data)
        outputs, non_trainable = self.stateless_call(trainable, non_trainable, x, training=False)
        return outputs, non_trainable

    def _overrides(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(Trainer, name)

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

    def _text_input_names(self) -> frozenset[str]:
        """The names of the inputs declared as text (``Input(dtype="string")``), which take strings."""
        inputs = getattr(self, "inputs", None) or []
        if not any(is_string_dtype(t.dtype) for t in inputs):
            return frozenset()
        struct = getattr(self, "_inputs_struct", None)
        tensors = list(struct.values()) if isinstance(struct, dict) else inputs
        return frozenset(n for n, t in zip(self._input_names(), tensors, strict=True) if is_string_dtype(t.dtype))

    def _conform_inputs(self, xs: list[Any]) -> list[Any]:
        """Whole input arrays, adapted to and checked against declared inputs (Functional, Sequential)."""
        return xs

    def _pack_inputs(self, xs: list[Any]) -> Any:
        """Flat input arrays (in ``_input_names`` order) -> what the model's ``call`` takes."""
        if isinstance(getattr(self, "_inputs_struct", None), dict):
            return dict(zip(self._input_names(), xs, strict=True))
        return xs[0] if len(xs) == 1 else list(xs)

    def _pack_targets(self, ys: list[Any]) -> Any:
        """Flat target arrays -> one array, or a dict by output name / a list for several outputs."""
        if len(ys) == 1:
            return ys[0]
        if isinstance(getattr(self, "_outputs_struct", None), dict):
            return dict(zip(self._output_names(), ys, strict=True))
        return list(ys)

    def _prepare_arrays(self, x: Any, y: Any, sample_weight: Any, what: str) -> ArrayData:
        if x is None:
            raise ValueError(f"{what}: `x` is required.")
        if not self.built:
            self._build_from_data(x)
        xs = flatten_structure(x, self._input_names(), f"{what}: x", self._text_input_names())
        xs = self._conform_inputs(xs)
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

    def _ensure_steps(self, data: ArrayData, training: bool = False) -> StepFunctions:
        """Resolve compile() against real shapes and make the compiled steps (once)."""
        if self._steps is not None:
            return self._steps
        probe = data.slice(0, 1)
        y_pred = self._output_spec(_specs(data.x))  # traced at the data's own shapes, for clear errors
        if isinstance(y_pred, dict):
            names = [n for n in self._output_names() if n in y_pred] or list(y_pred)
            y_pred_flat = [y_pred[n] for n in names]
        else:
            y_pred_flat = jax.tree_util.tree_leaves(y_pred)
            names = self._output_names()
            if len(names) != len(y_pred_flat):
                names = [f"output_{i}" for i in range(len(y_pred_flat))] if len(y_pred_flat) > 1 else ["output"]
        y_true = probe.y or [None] * len(y_pred_flat)
        if self._compile_loss is not None:
            self._compile_loss.build(names)
        if self._compile_metrics is not None:
            losses = self._compile_loss.losses if self._compile_loss is not None else [None] * len(names)
            self._compile_metrics.build_for(names, losses, y_true, y_pred_flat)
        if training:
            self._check_has_loss(probe)
        self._steps = StepFunctions(self, eager=self.run_eagerly)
        return self._steps

    def _check_has_loss(self, probe: ArrayData) -> None:
        """Refuse to train a model compiled without a loss that supplies none itself."""
        if self._compile_loss is not None or any(
            self._overrides(m) for m in ("train_step", "compute_loss", "compute_loss_and_updates")
        ):
            return
        trainable, non_trainable = self.weight_lists()

        def added(tv: list, ntv: list, xs: list) -> Any:
            _, _, losses = self.stateless_call(tv, ntv, self._pack_inputs(xs), training=True, return_losses=True)
            return losses

        tv, ntv = [v.value for v in trainable], [v.value for v in non_trainable]
        losses = jax.eval_shape(added, tv, ntv, [jnp.asarray(a) for a in probe.x])
        if not losses and not any(v.regularizer is not None for v in trainable):
            raise ValueError(
                f"Model '{self.name}' has no loss to train on: it was compiled without `loss` and adds none "
                "itself. Pass one to compile(), e.g. `model.compile(optimizer='adam', loss='mse')`, add one with "
                "`self.add_loss(...)` in call(), or override `compute_loss` or `train_step`."
            )

    def _output_spec(self, xs: list[Any]) -> Any:
        """The outputs' shapes and dtypes for inputs ``xs`` (arrays or specs), traced without FLOPs.

        Traced in a scope of its own, so that a layer assigning a Variable in ``call()`` leaves no tracer.
        """

        def forward(xs: list[Any]) -> Any:
            with _scope.StatelessScope(rng=jax.random.key(0)):
                return self(self._pack_inputs(xs), training=False)

        return jax.eval_shape(forward, xs)

    def _validate_targets(self, data: ArrayData) -> None:
        if data.y is None or self._compile_loss is None or not self._compile_loss.built:
            return
        # The output shapes per input signature, traced once per structure (a fit's data does not retrace).
        signature = (_layer.structure_version(), tuple((a.shape[1:], a.dtype) for a in data.x))
        cached = self.__dict__.get("_output_shapes_cache")
        if cached is not None and cached[0] == signature:
            shapes = cached[1]
        else:
            outputs = self._output_spec(_specs(data.x))
            shapes = [tuple(s.shape) for s in jax.tree_util.tree_leaves(outputs)]
            object.__setattr__(self, "_output_shapes_cache", (signature, shapes))
        _compile.check_targets(self._compile_loss, data.y, shapes)

    def _array_source(
        self, data: ArrayData, batch_size: int, shuffle: bool, what: str, training: bool
    ) -> _ArraySource | _IterableSource:
        steps = self._ensure_steps(data, training=training)
        self._validate_targets(data)
        placement = _placement.current()
        if placement is not None and placement.per_process:
            return _IterableSource(self, _per_process_batches(data, batch_size, shuffle, what), what)
        return _ArraySource(self, steps, data, batch_size, shuffle)

    def _iterable_source(
        self, data: Any, what: str, class_weight: Any = None, training: bool = False, shuffle: bool = False
    ) -> _IterableSource:
        source = _IterableSource(self, data, what, class_weight, shuffle)
        try:
            if self._steps is None:
                first = source.peek()
                self._ensure_steps(first, training=training)
                self._validate_targets(first)
        except BaseException:
            source.close(None)  # no reader outlives a call that fails here
            raise
        return source

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
        _check_count("fit", "epochs", epochs, minimum=0)
        _check_count("fit", "batch_size", batch_size)
        _check_count("fit", "steps_per_epoch", steps_per_epoch)
        _check_count("fit", "validation_steps", validation_steps)
        _check_count("fit", "validation_batch_size", validation_batch_size)
        _check_count("fit", "validation_freq", validation_freq)
        epochs = _config.capped_epochs(epochs)
        if not 0.0 <= float(validation_split) < 1.0:
            raise ValueError(f"fit: `validation_split` must lie in [0, 1), received {validation_split!r}.")
        source, val_source = self._fit_sources(
            x, y, sample_weight, batch_size, shuffle, class_weight, validation_split, validation_data,
            validation_batch_size,
        )  # fmt: skip
        state = None
        epoch_logs: dict[str, Any] = {}
        try:  # from here on, the sources' readers are closed however fit ends
            steps_per_epoch = _config.capped_steps(steps_per_epoch, source.steps_per_epoch(steps_per_epoch))
            if val_source is not None:
                validation_steps = _config.capped_steps(validation_steps, val_source.steps_per_epoch(validation_steps))
            steps = self._steps
            total = source.steps_per_epoch(steps_per_epoch)
            cbs = callback_list(self, callbacks, verbose, epochs=epochs, steps=total, history=True)
            self.stop_training = False
            self._initial_epoch = None
            cbs.on_train_begin()  # before the state is read: BackupAndRestore may restore weights and epoch here
            initial_epoch = self._initial_epoch or initial_epoch
            state = steps.initial_state()
            source.prepare(state)
            self._write_back(state)  # Variables and optimizer hold the state's arrays: callbacks see and change them
            per_batch = cbs.needs_train_batch_hooks
            for epoch in range(initial_epoch, epochs):
                state = steps.reset_metrics(state)
                cbs.on_epoch_begin(epoch)
                state = steps.refresh(state)  # e.g. the learning rate a LearningRateScheduler just set
                logs: dict[str, Any] = {}
                for first, count in source.chunks(steps_per_epoch, per_batch, verbose):
                    if self.stop_training:
                        break
                    if per_batch:
                        cbs.on_train_batch_begin(first)
                    state, step_logs, ran = source.train(state, first, count)
                    self._write_back(state)
                    logs = python_logs(step_logs)
                    cbs.on_train_batch_end(first + ran - 1, dict(logs))
                    state = steps.refresh(state)
                epoch_logs = dict(logs)
                if val_source is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self._run_test(val_source, validation_steps, cbs)
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                    state = steps.refresh(state)
                self._write_back(state)
                cbs.on_epoch_end(epoch, epoch_logs)
                state = steps.refresh(state)
                if self.stop_training:
                    break
        finally:
            source.close(state)
            if val_source is not None:
                val_source.close(None)
            self._write_back(state, final=True)
        if self.optimizer is not None and getattr(self.optimizer, "use_ema", False):
            # As in Keras: the averaged weights replace the trained ones when fit ends.
            self.optimizer.finalize_variable_values(steps.tv_vars)
        cbs.on_train_end(epoch_logs)
        return self.history

    def _fit_sources(
        self,
        x: Any,
        y: Any,
        sample_weight: Any,
        batch_size: int | None,
        shuffle: bool,
        class_weight: dict[int, float] | None,
        validation_split: float,
        validation_data: Any,
        validation_batch_size: int | None,
    ) -> tuple[Any, Any]:
        """The training data source and the validation one (or None), from ``fit``'s arguments."""
        val_source = None
        if is_batch_iterable(x):
            _refuse_targets_beside_batches(x, y, sample_weight, "fit")
            if validation_split:
                raise ValueError(
                    "fit: `validation_split` needs arrays; with a generator or data loader pass `validation_data`."
                )
            source = self._iterable_source(x, "fit", class_weight, training=True, shuffle=shuffle)
        else:
            batch_size = batch_size or 32
            data = self._prepare_arrays(x, y, sample_weight, "fit")
            val = None
            if validation_split and validation_data is None:
                n_val = data.num_samples - math.floor(data.num_samples * (1.0 - validation_split))  # as Keras splits
                if n_val == 0 or n_val == data.num_samples:
                    raise ValueError(
                        f"fit: validation_split={validation_split} of {data.num_samples} samples leaves "
                        f"{n_val} for validation; choose a split that leaves samples on both sides."
                    )
                val = data.slice(data.num_samples - n_val, data.num_samples)
                data = data.slice(0, data.num_samples - n_val)
            if class_weight is not None:
                data = _apply_class_weight(data, class_weight)
            source = self._array_source(data, batch_size, shuffle, "fit", training=True)
            if val is not None:
                val_source = self._array_source(val, validation_batch_size or batch_size, False, "fit", False)
        if validation_data is not None:
            try:
                val_source = self._validation_source(validation_data, validation_batch_size or batch_size or 32)
            except BaseException:
                source.close(None)
                raise
        return source, val_source

    def _validation_source(self, validation_data: Any, batch_size: int) -> _ArraySource | _IterableSource:
        if is_batch_iterable(validation_data):
            return self._iterable_source(validation_data, "fit: validation_data")
        if not isinstance(validation_data, tuple | list) or len(validation_data) not in (2, 3):
            raise ValueError(
                "fit: `validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight), or a "
                f"data set of batches; received {type(validation_data).__name__}."
            )
        vx, vy, vsw = unpack_batch(tuple(validation_data))
        data = self._prepare_arrays(vx, vy, vsw, "fit: validation_data")
        return self._array_source(data, batch_size, False, "fit: validation_data", False)

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
        _check_count("evaluate", "batch_size", batch_size)
        _check_count("evaluate", "steps", steps)
        if is_batch_iterable(x):
            _refuse_targets_beside_batches(x, y, sample_weight, "evaluate")
            source = self._iterable_source(x, "evaluate")
        else:
            data = self._prepare_arrays(x, y, sample_weight, "evaluate")
            source = self._array_source(data, batch_size or 32, False, "evaluate", False)
        try:
            steps = _config.capped_steps(steps, source.steps_per_epoch(steps))
            cbs = callback_list(self, callbacks, verbose, epochs=1, steps=source.steps_per_epoch(steps))
            logs = self._run_test(source, steps, cbs)
        finally:
            source.close(None)
        return self._format(logs, return_dict)

    def _run_test(self, source: Any, steps: int | None, cbs: Any) -> dict[str, Any]:
        fns = self._steps
        cbs.on_test_begin()  # first: a callback may set the weights the test reads (SwapEMAWeights)
        state = fns.reset_metrics(fns.test_state())
        per_batch = cbs.needs_test_batch_hooks
        logs: dict[str, Any] = {}
        try:
            for first, count in source.chunks(steps, per_batch, 0, test=True):
                if per_batch:
                    cbs.on_test_batch_begin(first)
                state, step_logs, ran = source.test(state, first, count)
                logs = python_logs(step_logs)
                cbs.on_test_batch_end(first + ran - 1, dict(logs))
        finally:
            source.release(state)
        fns.write_back(state)
        cbs.on_test_end(dict(logs))
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
        _check_count("predict", "batch_size", batch_size)
        _check_count("predict", "steps", steps)
        custom = self._overrides("predict_step")
        if (
            not custom
            and type(x) is np.ndarray
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
            stream = BatchStream(x, "predict")
            try:
                _check_endless(stream, steps, "steps")
                steps = _config.capped_steps(steps, steps if steps is not None else stream.num_batches)
                return self._predict_iterable(stream, steps, verbose, callbacks)
            finally:
                stream.close()
        batch_size = batch_size or 32
        data = self._prepare_arrays(x, None, None, "predict")
        total = -(-data.num_samples // batch_size)
        steps = _config.capped_steps(steps, total if steps is None else min(steps, total))
        return _predict.predict_arrays(self, data, batch_size, data.num_samples, verbose, callbacks, steps)

    def _predict_iterable(self, stream: BatchStream, steps: int | None, verbose: int, callbacks: Any) -> Any:
        cbs = callback_list(self, callbacks, verbose, epochs=1, steps=steps)
        cbs.on_predict_begin()
        outs = []
        stream.epoch_begin()
        batches = stream.open()
        while steps is None or len(outs) < steps:
            try:
                batch = next(batches)
            except StopIteration:
                break
            i = len(outs)
            cbs.on_predict_batch_begin(i)
            try:
                xb, _, _ = unpack_batch(batch)
                out = self.predict_on_batch(xb)
            except (ValueError, TypeError) as e:
                raise type(e)(f"{e} (in batch {batches.index} of the {stream.name})") from e
            outs.append(out)
            cbs.on_predict_batch_end(i, {"outputs": out})
        stream.epoch_end()
        if not outs:
            raise ValueError("predict: the data set yielded no batches.")
        result = jax.tree_util.tree_map(lambda *a: np.concatenate(a), *outs)
        cbs.on_predict_end()
        return result

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
        fns = self._ensure_steps(data, training=True)
        self._validate_targets(data)
        state = fns.reset_metrics(fns.initial_state())
        state, logs = fns.train_batch(state, data, _random.draw_key())
        fns.write_back(state, final=True)
        return self._format(python_logs(logs), return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Loss and metrics on one batch, without training."""
        self._require_compiled("test_on_batch")
        data = self._prepare_arrays(x, y, sample_weight, "test_on_batch")
        fns = self._ensure_steps(data)
        state, logs = fns.test_batch(fns.reset_metrics(fns.test_state()), data)
        fns.write_back(state)
        return self._format(python_logs(logs), return_dict)

    def _format(self, logs: dict[str, Any], return_dict: bool) -> Any:
        """Logs as a dict, or as a list in Keras's order: the metrics' names first, then the rest by name."""
        if return_dict:
            return logs
        names: list[str] = []
        for metric in self.metrics:
            sub = getattr(metric, "metrics", None) if isinstance(metric, _compile.CompileMetrics) else None
            names.extend(m.name for m in sub) if sub is not None else names.append(metric.name)
        values = [logs[n] for n in names if n in logs] + [logs[k] for k in sorted(logs) if k not in names]
        return values[0] if len(values) == 1 else values

    def _optimizer_variables_for_summary(self) -> list[Any] | None:
        if self.optimizer is None or not getattr(self.optimizer, "built", False):
            return None
        return list(getattr(self.optimizer, "variables", []) or [])


class _ArraySource:
    """Arrays placed on the device once per call; an epoch is a permutation and chunks of steps over it."""

    def __init__(self, model: Any, steps: StepFunctions, data: ArrayData, batch_size: int, shuffle: bool) -> None:
        self.model = model
        self.fns = steps
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.n = data.num_samples
        self.lease = _staging.Lease()
        self.rows = placed_rows(data)
        self.device = steps.put_arrays(data, self.rows, self.lease)
        self.full = self.n // batch_size
        self.position = 0
        self.perm: Any = None
        self.key: Any = None

    def steps_per_epoch(self, limit: int | None) -> int:
        total = math.ceil(self.n / self.batch_size)
        return total if limit is None else min(int(limit), total)

    def prepare(self, state: tuple) -> None:
        self.fns.decide_mode(state, self.device, min(self.batch_size, self.n))

    def chunks(self, limit: int | None, per_batch: bool, verbose: int, test: bool = False) -> Any:
        """``(first step, step count)`` pairs covering one epoch; a chunk may run fewer (``position``)."""
        total = self.steps_per_epoch(limit)
        full = min(total, self.full)
        if not test:
            self.key = _random.draw_key()
            self.perm = self.fns.permutation(self.n, self.shuffle, self.rows)
        self.position = 0
        while self.position < total:
            if self.position >= full:
                yield self.position, 1  # the final partial batch
            elif per_batch:
                yield self.position, 1
            elif test:
                yield self.position, full - self.position
            else:
                yield self.position, self.fns.chunk_size(full - self.position, verbose)

    def train(self, state: tuple, first: int, count: int) -> tuple:
        fns = self.fns
        if first < self.full:
            t0 = time.perf_counter()
            state, logs, ran = fns.train_chunk(state, self.device, self.perm, first, count, self.batch_size, self.key)
            fns.observe(ran, time.perf_counter() - t0)
        else:
            offset = first * self.batch_size
            state, logs = fns.train_tail(state, self.device, self.perm, offset, self.n - offset, self.key, first)
            ran = 1
        self.position = first + ran
        return state, logs, ran

    def test(self, state: tuple, first: int, count: int) -> tuple:
        if first < self.full:
            state, logs = self.fns.test_chunk(state, self.device, first, count, self.batch_size)
        else:
            offset = first * self.batch_size
            state, logs = self.fns.test_tail(state, self.device, offset, self.n - offset)
            count = 1
        self.position = first + count
        return state, logs, count

    def release(self, state: Any) -> None:
        """Between uses (a validation pass): nothing to release, the arrays stay placed."""

    def close(self, state: Any) -> None:
        self.lease.release(state)


class _IterableSource:
    """Batches read from a ``BatchStream`` (``PyDataset``, generator, data loader), one step per batch.

    A pass over the data is one epoch, or, with ``steps_per_epoch``, runs on over several epochs; the data
    set's ``on_epoch_begin``/``on_epoch_end`` run around every epoch.
    """

    def __init__(self, model: Any, data: Any, what: str, class_weight: Any = None, shuffle: bool = False) -> None:
        self.model = model
        self.stream = data if isinstance(data, BatchStream) else BatchStream(data, what, shuffle)
        self.what = what
        self.class_weight = class_weight
        self.reader: Any = None
        self.pending: Any = None
        self.key: Any = None
        self._first: Any = None

    def _arrays(self, batch: Any) -> ArrayData:
        try:
            xb, yb, swb = unpack_batch(batch)
            arrays = self.model._prepare_arrays(xb, yb, swb, self.what)
            if self.class_weight is not None:
                arrays = _apply_class_weight(arrays, self.class_weight)
        except (ValueError, TypeError) as e:
            index = getattr(self.reader, "index", None)
            raise type(e)(f"{e} (in batch {index} of the {self.stream.name})") from e
        return arrays

    def _open(self) -> Any:
        if self.reader is None:
            self.stream.epoch_begin()
            self.reader = self.stream.open()
        return self.reader

    def peek(self) -> ArrayData:
        """The first batch (read now and served first), to resolve compile() against real shapes."""
        try:
            batch = next(self._open())
        except StopIteration:
            raise ValueError(f"{self.what}: the data set yielded no batches.") from None
        self._first = batch
        return self._arrays(batch)

    def steps_per_epoch(self, limit: int | None) -> int | None:
        if limit is not None:
            return int(limit)
        _check_endless(self.stream, None, _STEPS_ARGUMENT.get(self.what, "steps"))
        return self.stream.num_batches

    def prepare(self, state: tuple) -> None:
        del state

    def chunks(self, limit: int | None, per_batch: bool, verbose: int, test: bool = False) -> Any:
        del per_batch, verbose
        fresh = self.reader is None or self._first is not None
        self.stream.epoch_begin()
        reader = self._open()
        self.key = _random.draw_key()
        step = 0
        while limit is None or step < limit:
            if self._first is not None:
                batch, self._first = self._first, None
            else:
                try:
                    batch = next(reader)
                except StopIteration:
                    if step == 0 and not fresh and self.stream.reiterable:
                        # The last epoch ended with the data: this one starts a new pass.
                        self.release(None)
                        reader, fresh = self._open(), True
                        continue
                    break
            self.pending = self._arrays(batch)
            yield step, 1
            step += 1
        if step == 0:
            raise ValueError(
                f"{self.what}: the data set yielded no batches. A generator can only be read once: pass a "
                "re-iterable object (a data loader, a PyDataset) or set `steps_per_epoch`."
            )
        if limit is None or test:
            self.release(None)  # the pass is over: the next epoch reads the data again
        elif step < limit:
            warnings.warn(
                f"{self.what}: the data ran out after {step} of {limit} steps; "
                + (
                    "the next epoch reads it again from the start. Make `steps_per_epoch` at most the number of "
                    "batches."
                    if self.stream.reiterable
                    else "training stops here. Make the data repeat, or lower `steps_per_epoch`."
                ),
                stacklevel=4,
            )
            if self.stream.reiterable:
                self.release(None)
            else:
                self.model.stop_training = True
        self.stream.epoch_end()

    def train(self, state: tuple, first: int, count: int) -> tuple:
        state, logs = self.model._steps.train_batch(state, self.pending, jax.random.fold_in(self.key, first))
        return state, logs, 1

    def test(self, state: tuple, first: int, count: int) -> tuple:
        state, logs = self.model._steps.test_batch(state, self.pending)
        return state, logs, 1

    def release(self, state: Any) -> None:
        """End the current pass: its reader stops reading (the workers stay for the next pass)."""
        del state
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        self._first = None

    def close(self, state: Any) -> None:
        """Stop reading for good: the stream's worker threads or processes end."""
        self.release(state)
        self.stream.close()


# The argument that bounds the steps of an endless data set, by caller.
_STEPS_ARGUMENT = {"fit": "steps_per_epoch", "fit: validation_data": "validation_steps"}


def _refuse_targets_beside_batches(x: Any, y: Any, sample_weight: Any, what: str) -> None:
    """A source of batches carries its own targets and weights: refuse ``y``/``sample_weight`` beside it."""
    for name, value, part in (("y", y, "targets"), ("sample_weight", sample_weight, "sample weights")):
        if value is not None:
            raise ValueError(
                f"{what}: `{name}` cannot be passed with `x` a {type(x).__name__}, which yields batches; put the "
                f"{part} in its batches instead: (x, y) or (x, y, sample_weight)."
            )


def _check_endless(stream: BatchStream, steps: int | None, argument: str) -> None:
    """Refuse to read an endless ``PyDataset`` (``num_batches`` None) without a number of steps."""
    if steps is None and stream.indexed and stream.num_batches is None:
        raise ValueError(
            f"{stream.what}: the {stream.name} is endless (its num_batches is None), so `{argument}` is required; "
            f"pass `{argument}=` the number of batches to read."
        )


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
    from jax.experimental import multihost_utils  # multi-process runs only: kept off `import kerax`

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


def _specs(arrays: list[Any]) -> list[jax.ShapeDtypeStruct]:
    return [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in arrays]
