"""``ZeroPadding1D``: zeros before and after the steps of a sequence."""

from __future__ import annotations

from typing import Any

from kerax.layers._reshaping._base_zero_padding import BaseZeroPadding
from kerax.layers._reshaping._spatial import normalize_pair


class ZeroPadding1D(BaseZeroPadding):
    """Add zeros at the start and end of the steps axis.

    Args:

        padding: an int (the same number of zeros at both ends) or a tuple ``(before, after)``
            (default ``1``).
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, features)``, or channels first ``(batch, features, steps)``.

    Output shape:
        ``(batch, before + steps + after, features)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.ZeroPadding1D((1, 2))(np.array([[[1.0], [2.0]]])).tolist()
        [[[0.0], [1.0], [2.0], [0.0], [0.0]]]
    """

    def __init__(self, padding: int | tuple[int, int] = 1, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, rank=1, data_format=data_format, **kwargs)

    def _normalize(self, padding: Any, who: str) -> tuple[tuple[int, int], ...]:
        return (normalize_pair(padding, "padding", who),)

    @property
    def padding(self) -> tuple[int, int]:
        return self._pairs[0]
