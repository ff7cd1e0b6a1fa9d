"""What ``compile()`` resolves into: one loss per output, weights, and metric objects with their names."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax import losses as _losses
from kerax import metrics as _metrics

_HALF_FLOATS = (jnp.dtype(jnp.float16), jnp.dtype(jnp.bfloat16))


def _per_output(value: Any, names: list[str], what: str) -> list[Any]:
    """A single value, a list aligned with the outputs, or a dict by output name -> list per output."""
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(f"compile: `{what}` has keys {unknown} that are not outputs of the model: {names}.")
        return [value.get(n) for n in names]
    if isinstance(value, list | tuple) and len(names) > 1:
        if len(value) != len(names):
            raise ValueError(
                f"compile: `{what}` has {len(value)} entries but the model has {len(names)} outputs ({names})."
            )
        return list(value)
    return [value] * len(names)


def _make_metric(identifier: Any, loss: Any, y_true: Any, y_pred: Any) -> Any:
    if isinstance(identifier, str) and identifier in ("accuracy", "acc"):
        return _metrics.resolve_accuracy(loss, tuple(y_true.shape), tuple(y_pred.shape), name=identifier)
    if isinstance(identifier, str) and identifier in ("crossentropy", "ce"):
        if y_pred.shape[-1] == 1:
            return _metrics.get("binary_crossentropy")
        sparse = len(y_true.shape) < len(y_pred.shape) or (y_true.shape[-1] == 1 and y_pred.shape[-1] > 1)
        return _metrics.get("sparse_categorical_crossentropy" if sparse else "categorical_crossentropy")
    metric = _metrics.get(identifier)
    if metric is None:
        raise ValueError(f"compile: could not interpret metric {identifier!r}.")
    if not isinstance(metric, _metrics.Metric):
        metric = _metrics.MeanMetricWrapper(metric, name=getattr(metric, "__name__", "metric"))
    if isinstance(identifier, str):
        # Keras reports a metric given by name under that name ("mae", not "mean_absolute_error").
        metric.name = identifier
    return metric


def _as_list(value: Any, names: list[str]) -> list[Any]:
    """Targets or predictions as a list aligned with the outputs (a dict is read by output name)."""
    if isinstance(value, dict):
        return [value[n] for n in names]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _as_float32(value: Any) -> Any:
    # As in Keras, losses and metrics see float32 predictions whatever dtype the layers computed in.
    return value.astype(jnp.float32) if getattr(value, "dtype", None) in _HALF_FLOATS else value


class CompileLoss:
    """``compile(loss=..., loss_weights=...)`` resolved per output: the total, and per-output trackers.

    It resolves once the outputs are known (``build``): one Loss (or None) and one weight per output,
    and, for several outputs, a ``<output>_loss`` Mean tracker each (its ``metrics``), updated by every call.
    """

    def __init__(self, loss: Any, loss_weights: Any = None) -> None:
        self.loss = loss
        self.loss_weights = loss_weights
        self.built = False
        self.output_names: list[str] = []
        self.losses: list[Any] = []
        self.weights: list[float] = []
        self.metrics: list[Any] = []

    def build(self, output_names: list[str]) -> None:
        self.output_names = list(output_names)
        self.losses = [
            None if entry is None else _as_loss(entry) for entry in _per_output(self.loss, output_names, "loss")
        ]
        raw = (
            [1.0] * len(output_names)
            if self.loss_weights is None
            else _per_output(self.loss_weights, output_names, "loss_weights")
        )
        self.weights = [1.0 if w is None else float(w) for w in raw]
        self.metrics = []
        if len(output_names) > 1:
            self.metrics = [
                _metrics.Mean(name=f"{name}_loss")
                for name, loss in zip(output_names, self.losses, strict=True)
                if loss is not None
            ]
        self.built = True

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        y_true = _as_list(y_true, self.output_names)
        y_pred = [_as_float32(p) for p in _as_list(y_pred, self.output_names)]
        if len(y_true) != len(self.output_names) or len(y_pred) != len(self.output_names):
            raise ValueError(
                f"The model has {len(self.output_names)} outputs ({self.output_names}) but the loss received "
                f"{len(y_true)} targets and {len(y_pred)} predictions."
            )
        total = jnp.zeros((), jnp.float32)
        trackers = iter(self.metrics)
        batch = jnp.shape(y_pred[0])[0] if jnp.ndim(y_pred[0]) else 1
        for loss, weight, y, p in zip(self.losses, self.weights, y_true, y_pred, strict=True):
            if loss is None:
                continue
            value = loss(y, p, sample_weight=sample_weight)
            total = total + weight * value
            tracker = next(trackers, None)
            if tracker is not None:
                tracker.update_state(value, sample_weight=batch)
        return total


class CompileMetrics(_metrics.Metric):
    """``compile(metrics=..., weighted_metrics=...)`` as one metric, as in Keras 3 (``compile_metrics``).

    ``build`` resolves the entries against the outputs ("accuracy" picks its variant from the loss and the
    shapes); ``variables`` are the sub-metrics' variables in order, and ``result()`` is a dict by name.
    """

    def __init__(self, metrics: Any, weighted_metrics: Any) -> None:
        super().__init__(name="compile_metrics")
        self._metric_args = metrics
        self._weighted_args = weighted_metrics
        self.output_names: list[str] = []
        self.entries: list[tuple[int, Any, bool]] = []  # (output index, Metric, weighted)
        self.built = False

    @property
    def metrics(self) -> list[Any]:
        return [m for _, m, _ in self.entries]

    def build_for(self, output_names: list[str], losses: list[Any], y_true: list[Any], y_pred: list[Any]) -> None:
        """Resolve the entries for outputs ``output_names`` given example targets and predictions."""
        self.output_names = list(output_names)
        self.entries = []
        for group, weighted in ((self._metric_args, False), (self._weighted_args, True)):
            if group is None:
                continue
            if isinstance(group, dict):
                per = _per_output(group, output_names, "metrics")
            elif (
                len(output_names) > 1
                and isinstance(group, list | tuple)
                and group
                and isinstance(group[0], list | tuple)
            ):
                per = _per_output(list(group), output_names, "metrics")
            else:
                per = [group] * len(output_names)
            for i, entries in enumerate(per):
                if entries is None:
                    continue
                for identifier in entries if isinstance(entries, list | tuple) else [entries]:
                    yt = y_true[i] if i < len(y_true) and y_true[i] is not None else y_pred[i]
                    loss = losses[i] if i < len(losses) else None
                    metric = _make_metric(identifier, loss, yt, y_pred[i])
                    if not metric.built:
                        metric.build(tuple(yt.shape), tuple(y_pred[i].shape))
                    if len(output_names) > 1:
                        metric.name = f"{output_names[i]}_{metric.name}"
                    self.entries.append((i, metric, weighted))
        names = [m.name for m in self.metrics]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(
                f"compile: several metrics would be reported under the same name(s) {dupes}; give them distinct "
                "`name=`."
            )
        self.built = True

    @property
    def variables(self) -> list[Any]:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = _as_list(y_true, self.output_names)
        y_pred = [_as_float32(p) for p in _as_list(y_pred, self.output_names)]
        for i, metric, weighted in self.entries:
            metric.update_state(y_true[i], y_pred[i], sample_weight=sample_weight if weighted else None)

    def result(self) -> dict[str, Any]:
        return {m.name: m.result() for m in self.metrics}

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def get_config(self) -> dict[str, Any]:
        return {"metrics": self._metric_args, "weighted_metrics": self._weighted_args}


def _as_loss(identifier: Any) -> Any:
    """A Loss object (plain functions are wrapped so that they reduce as Keras reduces them)."""
    loss = _losses.get(identifier)
    if loss is None:
        raise ValueError(f"compile: could not interpret loss {identifier!r}.")
    if not isinstance(loss, _losses.Loss):
        loss = _losses.LossFunctionWrapper(loss, name=getattr(loss, "__name__", None))
    return loss


def check_targets(spec: CompileLoss, y_true: list[Any], y_pred_shapes: list[tuple]) -> None:
    """Refuse labels that cannot fit the loss: out-of-range sparse labels, one-hot vs sparse mix-ups."""
    for i, (loss, y, shape) in enumerate(zip(spec.losses, y_true, y_pred_shapes, strict=False)):
        if loss is None or y is None:
            continue
        name = getattr(loss, "name", "") or getattr(loss, "__name__", "")
        where = f" for output '{spec.output_names[i]}'" if len(spec.output_names) > 1 else ""
        classes = shape[-1]
        if "sparse_categorical" in name:
            if y.ndim == len(shape) and y.shape[-1] == classes and classes > 1:
                raise ValueError(
                    f"Loss {name}{where} expects integer class labels of shape (batch,), but the targets have "
                    f"shape {y.shape}, which looks one-hot encoded. Use loss='categorical_crossentropy' for "
                    "one-hot targets, or pass `y.argmax(-1)`."
                )
            if jnp.issubdtype(y.dtype, jnp.floating) and not bool((y == jnp.round(y)).all()):
                raise ValueError(f"Loss {name}{where} expects integer class labels, but the targets hold fractions.")
            lo, hi = int(y.min()), int(y.max())
            if lo < 0 or hi >= classes:
                raise ValueError(
                    f"Loss {name}{where}: labels must lie in [0, {classes}) because the model outputs {classes} "
                    f"classes, but the targets range from {lo} to {hi}."
                )
        elif name == "categorical_crossentropy" and classes > 1 and (y.ndim < len(shape) or y.shape[-1] == 1):
            raise ValueError(
                f"Loss {name}{where} expects one-hot targets of shape (batch, {classes}), but received integer "
                f"labels of shape {y.shape}. Use loss='sparse_categorical_crossentropy', or one-hot encode them."
            )
