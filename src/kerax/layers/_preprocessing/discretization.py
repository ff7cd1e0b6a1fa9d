"""``Discretization``: bucket continuous values by bin boundaries, given or learned with ``adapt``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.layers._layer import Layer
from kerax.layers._preprocessing.category_encoding import (
    check_output_mode,
    encode_categorical,
    encoded_shape,
    refuse_sparse,
)


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """A weighted quantile sketch of ``values``: every ``step``-th sorted value, each weighing ``step``."""
    values = np.sort(values.reshape(-1))
    step = max(values.size * epsilon, 1)
    kept = values[int(step - 1) :: int(step)]
    return np.stack([kept, np.full_like(kept, step)])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Reduce a sorted sketch to about ``1 / epsilon`` points by interpolating its cumulative weights."""
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = np.arange(0.0, 1.0, epsilon) + epsilon
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    points = np.interp(targets, fractions, summary[0])
    cumulative = np.interp(targets, fractions, cumulative)
    weights = np.diff(cumulative, prepend=0.0)
    return np.stack((points, weights)).astype("float32")


def _merge(first: np.ndarray, second: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((first, second), axis=1)
    merged = merged[:, np.argsort(merged[0])]
    return _compress(merged, epsilon)


class Discretization(Layer):
    """Map each value to the index of the bin it falls in (``bins[i-1] <= x < bins[i]`` gives ``i``).

    The boundaries are given (``bin_boundaries``) or learned by ``adapt`` as approximate quantiles that
    split the data into ``num_bins`` bins of about equal size.

    Args:
        bin_boundaries: the sorted boundaries; ``n`` of them make ``n + 1`` bins (the first is
            ``(-inf, bin_boundaries[0])``). Give this or ``num_bins``.
        num_bins: the number of bins to learn with ``adapt``.
        epsilon: the error tolerance of the quantile sketch (smaller is more exact, slower; default 0.01).
        output_mode: ``"int"`` (bin indices, int32), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must be False (kerax has no sparse tensors).
        dtype: the layer's dtype policy (the dtype of encoded outputs), or ``None`` (default).
        name: the layer's name, or ``None`` (default).
        **kwargs: other base layer keyword arguments such as ``trainable``.

    Input shape:
        Any shape.

    Output shape:
        The same shape with ``"int"``; the encoded modes encode the last axis as ``CategoryEncoding`` does.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Discretization(bin_boundaries=[0.0, 1.0])(np.array([[-1.0, 0.5, 2.0]]))
        Array([[0, 1, 2]], dtype=int32)
        >>> layer = kerax.layers.Discretization(num_bins=2)
        >>> layer.adapt(np.array([1.0, 2.0, 3.0, 4.0]))
        >>> layer(np.array([[1.5, 3.5]]))
        Array([[0, 1]], dtype=int32)
    """

    def __init__(
        self,
        bin_boundaries: Any = None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        sparse: bool = False,
        dtype: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        who = f"Discretization '{self.name}'"
        self.sparse = refuse_sparse(who, sparse)
        self.output_mode = check_output_mode(who, output_mode, ("int", "one_hot", "multi_hot", "count"))
        if num_bins is not None and (not isinstance(num_bins, int | np.integer) or num_bins < 0):
            raise ValueError(f"{who}: `num_bins` must be an integer >= 0, received num_bins={num_bins!r}.")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                f"{who}: give `num_bins` or `bin_boundaries`, not both. Received num_bins={num_bins} and "
                f"bin_boundaries={bin_boundaries}."
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError(f"{who}: give either `num_bins` (then call `adapt`) or `bin_boundaries`.")
        if bin_boundaries is not None:
            bounds = np.asarray(bin_boundaries, dtype=np.float64)
            if bounds.ndim != 1 or np.any(np.diff(bounds) < 0):
                raise ValueError(
                    f"{who}: `bin_boundaries` must be a sorted 1-D list of numbers, received {bin_boundaries!r}."
                )
            bin_boundaries = bounds.tolist()
        if not isinstance(epsilon, int | float) or not 0 < epsilon <= 1:
            raise ValueError(f"{who}: `epsilon` must be a number in (0, 1], received epsilon={epsilon!r}.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = None if num_bins is None else int(num_bins)
        self.epsilon = float(epsilon)
        self.summary = None if self.bin_boundaries else np.zeros((2, 0), "float32")

    @property
    def input_dtype(self) -> str:
        return "float32"

    @property
    def output_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn ``num_bins`` bins of about equal population from ``data``.

        Args:
            data: a NumPy/JAX array (all the data), or an iterable of batches (a list of arrays, a Grain
                dataset, a generator; ``(x, y)`` batches use ``x``).
            steps: with an iterable, the number of batches to read (default: all).

        Raises:
            ValueError: if the layer was given ``bin_boundaries``, or ``data`` is empty.
        """
        who = f"Discretization '{self.name}'"
        if self.num_bins is None:
            raise ValueError(
                f"{who}: cannot `adapt` a layer created with `bin_boundaries`; create it with `num_bins` instead."
            )
        self.reset_state()
        if isinstance(data, np.ndarray | jax.Array) or not hasattr(data, "__iter__"):
            self.update_state(data)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch[0] if isinstance(batch, tuple) else batch)
        if self.summary.shape[1] == 0:
            raise ValueError(f"{who}: `adapt` received no data; it needs at least one value.")
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Fold one batch of values into the quantile sketch."""
        try:
            values = np.asarray(data, dtype="float32")
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"Discretization '{self.name}': `adapt` expects numbers, received a {type(data).__name__}."
            ) from error
        if values.size == 0:
            return
        self.summary = _merge(_summarize(values, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self) -> None:
        """Turn the sketch into ``num_bins - 1`` bin boundaries."""
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        """Forget the data seen by ``adapt``."""
        if self.num_bins is not None:
            self.summary = np.zeros((2, 0), "float32")

    def _depth(self) -> int | None:
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def call(self, inputs: jax.Array) -> jax.Array:
        if self.bin_boundaries is None:
            raise ValueError(
                f"Discretization '{self.name}': no bin boundaries yet. Pass `bin_boundaries` when creating "
                "the layer, or call `adapt(data)` before using it."
            )
        bounds = jnp.asarray(self.bin_boundaries, "float32")
        indices = jnp.digitize(jnp.asarray(inputs, "float32"), bounds).astype("int32")
        return encode_categorical(indices, self.output_mode, self._depth(), self.output_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return encoded_shape(input_shape, self.output_mode, self._depth())

    def save_own_variables(self, store: dict[str, Any]) -> None:
        """Save the quantile sketch (key ``"0"``), so an adapted layer can keep adapting after loading."""
        if self.summary is not None:
            store["0"] = np.asarray(self.summary)

    def load_own_variables(self, store: dict[str, Any]) -> None:
        """Restore the quantile sketch saved by ``save_own_variables``."""
        if len(store) == 1:
            self.summary = np.asarray(store["0"])

    def get_config(self) -> dict[str, Any]:
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.variable_dtype,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Discretization:
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            config = dict(config)
            bin_boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = list(bin_boundaries)
            return layer
        return cls(**config)
