"""Keras masks carried by tensors (``_keras_mask``).

A mask rides on the tensor it describes: as the ``_keras_mask`` attribute where the object accepts one
(``SymbolicTensor``, concrete ``jax.Array``), otherwise (JAX tracers, NumPy arrays) in a table keyed by
the object's id, whose entry is dropped when the object is garbage collected. Inside a ``jax.jit`` trace
the masks are tracers of the same trace, so they flow between layer calls at trace time only.
"""

from __future__ import annotations

import weakref
from typing import Any

import jax

from kerax.backend._symbolic import SymbolicTensor

_by_id: dict[int, Any] = {}


def get_keras_mask(x: Any) -> Any:
    """The mask attached to ``x``, or ``None``."""
    mask = getattr(x, "_keras_mask", None)
    if mask is None and _by_id:
        return _by_id.get(id(x))
    return mask


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to ``x`` (``None`` removes it); objects that hold no reference are skipped."""
    try:
        x._keras_mask = mask
        return
    except AttributeError:
        pass
    key = id(x)
    if mask is None:
        _by_id.pop(key, None)
        return
    if key not in _by_id:
        try:
            weakref.finalize(x, _by_id.pop, key, None)
        except TypeError:  # not weak-referenceable (Python scalars): no mask can ride on it
            return
    _by_id[key] = mask


def is_tensor(x: Any) -> bool:
    """Whether ``x`` can carry a mask as a layer argument: an array, a tracer or a symbolic tensor."""
    return isinstance(x, jax.Array | SymbolicTensor) or (hasattr(x, "__array__") and hasattr(x, "shape"))


def any_mask(tree: Any) -> bool:
    """Whether any leaf of ``tree`` carries a mask."""
    return any(get_keras_mask(leaf) is not None for leaf in jax.tree_util.tree_leaves(tree))


def leaves_with_none(tree: Any) -> list[Any]:
    """The leaves of ``tree`` with ``None`` kept as a leaf (masks line up with outputs)."""
    return jax.tree_util.tree_leaves(tree, is_leaf=lambda x: x is None)
