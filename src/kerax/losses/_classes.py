"""One `Loss` class per loss function, configured through constructor arguments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax

from kerax.losses import _hinge, _probabilistic, _regression
from kerax.losses._loss import Loss, LossFunctionWrapper

_SUM_OVER_BATCH = "sum_over_batch_size"


class _BuiltinLoss(LossFunctionWrapper):
    """A wrapper around one built-in loss function whose keyword arguments form its config."""

    def __init__(
        self, fn: Callable[..., jax.Array], reduction: str | None, name: str, dtype: Any, **kwargs: Any
    ) -> None:
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        """Return name, reduction and the loss-specific arguments."""
        return {**Loss.get_config(self), **self._fn_kwargs}

    __repr__ = Loss.__repr__


class MeanSquaredError(_BuiltinLoss):
    """Mean of squared errors between targets and predictions.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"mean_squared_error"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self, reduction: str | None = _SUM_OVER_BATCH, name: str = "mean_squared_error", dtype: Any = None
    ) -> None:
        super().__init__(_regression.mean_squared_error, reduction, name, dtype)


class MeanAbsoluteError(_BuiltinLoss):
    """Mean of absolute errors between targets and predictions.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"mean_absolute_error"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self, reduction: str | None = _SUM_OVER_BATCH, name: str = "mean_absolute_error", dtype: Any = None
    ) -> None:
        super().__init__(_regression.mean_absolute_error, reduction, name, dtype)


class MeanAbsolutePercentageError(_BuiltinLoss):
    """Mean absolute error relative to the targets, in percent.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"mean_absolute_percentage_error"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "mean_absolute_percentage_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(_regression.mean_absolute_percentage_error, reduction, name, dtype)


class MeanSquaredLogarithmicError(_BuiltinLoss):
    """Mean squared difference of `log(1 + x)` between targets and predictions.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"mean_squared_logarithmic_error"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "mean_squared_logarithmic_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(_regression.mean_squared_logarithmic_error, reduction, name, dtype)


class CosineSimilarity(_BuiltinLoss):
    """Negative cosine similarity between targets and predictions.

    Args:
        axis: Axis along which the similarity is computed. Defaults to `-1`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"cosine_similarity"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "cosine_similarity",
        dtype: Any = None,
    ) -> None:
        super().__init__(_regression.cosine_similarity, reduction, name, dtype, axis=axis)


class Huber(_BuiltinLoss):
    """Huber loss: quadratic for small errors, linear for large ones.

    Args:
        delta: Error size at which the loss switches from quadratic to linear. Defaults to `1.0`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"huber_loss"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "huber_loss",
        dtype: Any = None,
    ) -> None:
        super().__init__(_regression.huber, reduction, name, dtype, delta=delta)


class LogCosh(_BuiltinLoss):
    """Logarithm of the hyperbolic cosine of the prediction error.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"log_cosh"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(self, reduction: str | None = _SUM_OVER_BATCH, name: str = "log_cosh", dtype: Any = None) -> None:
        super().__init__(_regression.log_cosh, reduction, name, dtype)


class Hinge(_BuiltinLoss):
    """Hinge loss for labels in {-1, 1} (0/1 labels are converted).

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"hinge"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(self, reduction: str | None = _SUM_OVER_BATCH, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(_hinge.hinge, reduction, name, dtype)


class SquaredHinge(_BuiltinLoss):
    """Squared hinge loss for labels in {-1, 1} (0/1 labels are converted).

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"squared_hinge"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(self, reduction: str | None = _SUM_OVER_BATCH, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(_hinge.squared_hinge, reduction, name, dtype)


class CategoricalHinge(_BuiltinLoss):
    """Categorical hinge loss for one-hot labels.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"categorical_hinge"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self, reduction: str | None = _SUM_OVER_BATCH, name: str = "categorical_hinge", dtype: Any = None
    ) -> None:
        super().__init__(_hinge.categorical_hinge, reduction, name, dtype)


class KLDivergence(_BuiltinLoss):
    """Kullback-Leibler divergence between target and predicted distributions.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"kl_divergence"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(self, reduction: str | None = _SUM_OVER_BATCH, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(_probabilistic.kl_divergence, reduction, name, dtype)


class Poisson(_BuiltinLoss):
    """Poisson negative log-likelihood (up to a constant) of counts given rates.

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"poisson"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(self, reduction: str | None = _SUM_OVER_BATCH, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(_probabilistic.poisson, reduction, name, dtype)


class BinaryCrossentropy(_BuiltinLoss):
    """Binary crossentropy between 0/1 targets and predicted probabilities or logits.

    Args:
        from_logits: Whether predictions are logits. Defaults to `False`.
        label_smoothing: Float in [0, 1] squeezing targets towards 0.5. Defaults to `0.0`.
        axis: Axis over which the per-sample mean is taken. Defaults to `-1`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"binary_crossentropy"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            _probabilistic.binary_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class BinaryFocalCrossentropy(_BuiltinLoss):
    """Binary crossentropy down-weighting easy examples by a focal factor.

    Args:
        apply_class_balancing: Whether to weight class 1 by `alpha` and class 0 by `1 - alpha`. Defaults to `False`.
        alpha: Class-balancing weight of the positive class. Defaults to `0.25`.
        gamma: Focusing exponent. Defaults to `2.0`.
        from_logits: Whether predictions are logits. Defaults to `False`.
        label_smoothing: Float in [0, 1] squeezing targets towards 0.5. Defaults to `0.0`.
        axis: Axis over which the per-sample mean is taken. Defaults to `-1`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"binary_focal_crossentropy"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "binary_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            _probabilistic.binary_focal_crossentropy,
            reduction,
            name,
            dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(_BuiltinLoss):
    """Crossentropy between one-hot targets and predicted class distributions.

    Args:
        from_logits: Whether predictions are logits. Defaults to `False`.
        label_smoothing: Float in [0, 1] mixing targets with the uniform distribution. Defaults to `0.0`.
        axis: The class axis. Defaults to `-1`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"categorical_crossentropy"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            _probabilistic.categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(_BuiltinLoss):
    """Categorical crossentropy down-weighting well-classified examples by a focal factor.

    Args:
        alpha: Weight balancing factor (scalar or per-class sequence). Defaults to `0.25`.
        gamma: Focusing exponent. Defaults to `2.0`.
        from_logits: Whether predictions are logits. Defaults to `False`.
        label_smoothing: Float in [0, 1] mixing targets with the uniform distribution. Defaults to `0.0`.
        axis: The class axis. Defaults to `-1`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"categorical_focal_crossentropy"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        alpha: float | Sequence[float] = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "categorical_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            _probabilistic.categorical_focal_crossentropy,
            reduction,
            name,
            dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(_BuiltinLoss):
    """Crossentropy between integer labels and predicted class distributions.

    Entries whose label equals `ignore_class` are masked out of the reduction (for the
    averaging reductions the mean is taken over the remaining entries only).

    Args:
        from_logits: Whether predictions are logits. Defaults to `False`.
        ignore_class: Optional label id excluded from the loss. Defaults to `None`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        axis: The class axis. Defaults to `-1`.
        name: Name of the loss. Defaults to `"sparse_categorical_crossentropy"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = _SUM_OVER_BATCH,
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            _probabilistic.sparse_categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

    def compute_mask(self, y_true: jax.Array, y_pred: jax.Array) -> jax.Array | None:
        """Mask out entries labelled `ignore_class` (no mask when it is `None`).

        Args:
            y_true: Integer labels.
            y_pred: Class scores.
        """
        return _probabilistic.ignore_class_mask(y_true, y_pred, self.ignore_class, self.axis)
