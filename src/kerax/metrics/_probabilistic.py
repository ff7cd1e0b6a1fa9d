"""Metrics named after losses: running means of crossentropies, divergences and hinges."""

from __future__ import annotations

from typing import Any

import jax
from jax.typing import ArrayLike

from kerax.losses import _hinge, _probabilistic
from kerax.metrics._reduction import _FixedFnMetric


class KLDivergence(_FixedFnMetric):
    """Running mean of `kl_divergence`.

    Args:
        name: Name of the metric. Defaults to `"kl_divergence"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(_probabilistic.kl_divergence, name, dtype)


class Poisson(_FixedFnMetric):
    """Running mean of `poisson`.

    Args:
        name: Name of the metric. Defaults to `"poisson"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(_probabilistic.poisson, name, dtype)


class BinaryCrossentropy(_FixedFnMetric):
    """Running mean of `binary_crossentropy`.

    Args:
        name: Name of the metric. Defaults to `"binary_crossentropy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        from_logits: Whether predictions are logits. Defaults to `False`.
        label_smoothing: Float in [0, 1] squeezing targets towards 0.5. Defaults to `0.0`.
    """

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            _probabilistic.binary_crossentropy,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(_FixedFnMetric):
    """Running mean of `categorical_crossentropy`.

    Args:
        name: Name of the metric. Defaults to `"categorical_crossentropy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        from_logits: Whether predictions are logits. Defaults to `False`.
        label_smoothing: Float in [0, 1] mixing targets with the uniform distribution. Defaults to `0.0`.
        axis: The class axis. Defaults to `-1`.
    """

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            _probabilistic.categorical_crossentropy,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(_FixedFnMetric):
    """Running mean of `sparse_categorical_crossentropy`; `ignore_class` entries are not counted.

    Args:
        name: Name of the metric. Defaults to `"sparse_categorical_crossentropy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        from_logits: Whether predictions are logits. Defaults to `False`.
        ignore_class: Optional label id excluded from the mean. Defaults to `None`.
        axis: The class axis. Defaults to `-1`.
    """

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            _probabilistic.sparse_categorical_crossentropy,
            name,
            dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

    def compute_mask(self, y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array | None:
        """Mask out entries labelled `ignore_class` (no mask when it is `None`).

        Args:
            y_true: Integer labels.
            y_pred: Class scores.
        """
        return _probabilistic.ignore_class_mask(y_true, y_pred, self.ignore_class, self.axis)


class Hinge(_FixedFnMetric):
    """Running mean of `hinge`.

    Args:
        name: Name of the metric. Defaults to `"hinge"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(_hinge.hinge, name, dtype)


class SquaredHinge(_FixedFnMetric):
    """Running mean of `squared_hinge`.

    Args:
        name: Name of the metric. Defaults to `"squared_hinge"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(_hinge.squared_hinge, name, dtype)


class CategoricalHinge(_FixedFnMetric):
    """Running mean of `categorical_hinge`.

    Args:
        name: Name of the metric. Defaults to `"categorical_hinge"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(_hinge.categorical_hinge, name, dtype)
