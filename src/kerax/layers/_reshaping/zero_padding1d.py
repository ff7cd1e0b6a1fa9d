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
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Shapes:
        ``(batch, steps, features)`` -> ``(batch, before + steps + after, features)``.

    Example:
        >>> ZeroPadding1D((1, 2))(jnp.ones((2, 3, 4))).shape
        (2, 6, 4)
    """

    def __init__(self, padding: int | tuple[int, int] = 1, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, rank=1, data_format=data_format, **kwargs)

    def _normalize(self, padding: Any, who: str) -> tuple[tuple[int, int], ...]:
        return (normalize_pair(padding, "padding", who),)

    @property
    def padding(self) -> tuple[int, int]:
        return self._pairs[0]
