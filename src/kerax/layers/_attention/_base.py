"""The call shared by the attention layers called as ``layer(query, value, key=None)``."""

from __future__ import annotations

from typing import Any

from kerax.backend._masking import get_keras_mask, set_keras_mask
from kerax.layers._layer import Layer


def _shape(x: Any) -> tuple | None:
    return None if x is None else tuple(x.shape)


class QueryValueKeyLayer(Layer):
    """A layer called on ``(query, value, key=None)`` and built from their three shapes at the first call.

    ``value`` and ``key`` keep the masks they carry through conversion, so their masks reach ``call``.
    """

    def __call__(self, query: Any, value: Any, key: Any = None, **kwargs: Any) -> Any:
        # Conversion may make new arrays: they keep the masks the given ones carry.
        value_mask, key_mask = get_keras_mask(value), get_keras_mask(key)
        value = self._convert_input(value)
        key = self._convert_input(key)
        if value_mask is not None:
            set_keras_mask(value, value_mask)
        if key_mask is not None:
            set_keras_mask(key, key_mask)
        if not self.built:
            self.build(_shape(query), _shape(value), _shape(key))
        return super().__call__(query, value, key, **kwargs)
