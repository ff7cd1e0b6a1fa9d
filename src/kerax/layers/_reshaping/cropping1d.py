"""``Cropping1D``: drop steps at the start and end of a sequence."""

from __future__ import annotations

from typing import Any

from kerax.layers._reshaping._base_cropping import BaseCropping
from kerax.layers._reshaping._spatial import normalize_pair


class Cropping1D(BaseCropping):
    """Remove steps at the start and end of the steps axis.

    Args:

        cropping: an int (the same number of steps at both ends) or a tuple ``(before, after)``
            (default ``(1, 1)``); together they must be smaller than the number of steps.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, features)``.

    Output shape:
        ``(batch, steps - before - after, features)``.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.Cropping1D((1, 2))(np.ones((2, 6, 4))).shape
        (2, 3, 4)
    """

    def __init__(self, cropping: int | tuple[int, int] = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, rank=1, **kwargs)

    def _normalize(self, cropping: Any, who: str) -> tuple[tuple[int, int], ...]:
        return (normalize_pair(cropping, "cropping", who),)

    @property
    def cropping(self) -> tuple[int, int]:
        return self._pairs[0]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["data_format"]  # Keras's Cropping1D has no data_format
        return config
