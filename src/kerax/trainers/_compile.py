"""What ``compile()`` resolves into: one loss per output, weights, and metric objects with their names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jax.numpy as jnp

from kerax import losses as _losses
from kerax import metrics as _metrics


@dataclass
class CompiledSpec:
    """The resolved training objective for a model with ``len(output_names)`` outputs."""

    output_names: list[str]
    losses: list[Any]  # a Loss or None per output
    loss_weights: list[float]
    metrics: list[tuple[int, Any, bool]] = field(default_factory=list)  # (output index, Metric, weighted)

    @property
    def loss_names(self) -> list[str]:
        """History keys of the loss trackers: ``loss`` then, with several outputs, ``<output>_loss``."""
        names = ["loss"]
        if len(self.output_names) > 1:
            names += [f"{n}_loss" for n, loss in zip(self.output_names, self.losses, strict=True) if loss is not None]
        return names

    @property
    def metric_names(self) -> list[str]:
        return [m.name for _, m, _ in self.metrics]


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


def resolve(
    loss: Any,
    loss_weights: Any,
    metrics: Any,
    weighted_metrics: Any,
    output_names: list[str],
    y_true: list[Any],
    y_pred: list[Any],
) -> CompiledSpec:
    """Resolve compile arguments once the output names and the shapes of targets and outputs are known."""
    if loss is None:
        raise ValueError(
            "The model was compiled without a `loss`; pass one to compile(), e.g. "
            "`model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')`."
        )
    losses = [None if entry is None else _as_loss(entry) for entry in _per_output(loss, output_names, "loss")]
    weights_raw = (
        [1.0] * len(output_names) if loss_weights is None else _per_output(loss_weights, output_names, "loss_weights")
    )
    weights = [1.0 if w is None else float(w) for w in weights_raw]
    spec = CompiledSpec(output_names=output_names, losses=losses, loss_weights=weights)
    for group, weighted in ((metrics, False), (weighted_metrics, True)):
        if group is None:
            continue
        if isinstance(group, dict):
            per = _per_output(group, output_names, "metrics")
        elif len(output_names) > 1 and isinstance(group, list | tuple) and group and isinstance(group[0], list | tuple):
            per = _per_output(list(group), output_names, "metrics")
        else:
            per = [group] * len(output_names)
        for i, entries in enumerate(per):
            if entries is None:
                continue
            for identifier in entries if isinstance(entries, list | tuple) else [entries]:
                yt = y_true[i] if i < len(y_true) and y_true[i] is not None else y_pred[i]
                metric = _make_metric(identifier, losses[i], yt, y_pred[i])
                if not metric.built:
                    metric.build(tuple(yt.shape), tuple(y_pred[i].shape))
                if len(output_names) > 1:
                    metric = _rename(metric, f"{output_names[i]}_{metric.name}")
                spec.metrics.append((i, metric, weighted))
    names = spec.loss_names + spec.metric_names
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(
            f"compile: several metrics would be reported under the same name(s) {dupes}; give them distinct `name=`."
        )
    return spec


def _as_loss(identifier: Any) -> Any:
    """A Loss object (plain functions are wrapped so that they reduce as Keras reduces them)."""
    loss = _losses.get(identifier)
    if loss is None:
        raise ValueError(f"compile: could not interpret loss {identifier!r}.")
    if not isinstance(loss, _losses.Loss):
        loss = _losses.LossFunctionWrapper(loss, name=getattr(loss, "__name__", None))
    return loss


def _rename(metric: Any, name: str) -> Any:
    metric.name = name
    return metric


def check_targets(spec: CompiledSpec, y_true: list[Any], y_pred_shapes: list[tuple]) -> None:
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
