"""Nested structures as Keras 3's ``keras.tree`` sees them, in plain Python.

Nodes are lists, tuples, namedtuples, dicts (children in sorted key order), ``OrderedDict`` (insertion
order), ``defaultdict``, ``deque`` and struct sequences; everything else, ``None`` included, is a leaf.
Subclasses of list and dict are leaves, as in Keras (whose trees are optree's).
"""

from __future__ import annotations

import collections
import warnings
from collections.abc import Callable, Iterator
from typing import Any


class MAP_TO_NONE:  # noqa: N801  (Keras's name)
    """Returned by a ``traverse`` function to replace a sub-structure with ``None``."""


_DICTS = (dict, collections.OrderedDict, collections.defaultdict)


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _is_structseq(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "n_sequence_fields")


def _is_node(x: Any, none_is_leaf: bool = True) -> bool:
    if x is None:
        return not none_is_leaf
    kind = type(x)
    return kind in (list, tuple, collections.deque) or kind in _DICTS or _is_namedtuple(x) or _is_structseq(x)


def _sorted_keys(d: dict[Any, Any]) -> list[Any]:
    if type(d) is collections.OrderedDict:
        return list(d)
    try:
        return sorted(d)
    except TypeError:
        try:
            return sorted(d, key=lambda k: (type(k).__qualname__, k))
        except TypeError:
            return list(d)


def _children(x: Any) -> tuple[list[Any], list[Any]]:
    """``(keys, values)`` of a node: sorted dict keys, or positions."""
    if x is None:
        return [], []
    if type(x) in _DICTS:
        keys = _sorted_keys(x)
        return keys, [x[k] for k in keys]
    values = list(x)[: type(x).n_sequence_fields] if _is_structseq(x) else list(x)
    return list(range(len(values))), values


def _rebuild(x: Any, keys: list[Any], values: list[Any]) -> Any:
    if x is None:
        return None
    kind = type(x)
    if kind in _DICTS:
        by_key = dict(zip(keys, values, strict=True))
        items = [(k, by_key[k]) for k in x]
        if kind is collections.defaultdict:
            return collections.defaultdict(x.default_factory, items)
        return kind(items)
    if _is_namedtuple(x):
        return kind(*values)
    if _is_structseq(x):
        return kind(values)
    if kind is collections.deque:
        return collections.deque(values, maxlen=x.maxlen)
    return kind(values)


def _describe(x: Any) -> str:
    return f"{type(x).__name__} {x!r}"


def _matching_children(reference: Any, other: Any, none_is_leaf: bool = True) -> list[Any]:
    """``other``'s children in the order of ``reference``'s keys; ValueError where the two nodes differ."""
    if not _is_node(other, none_is_leaf):
        raise ValueError(f"Structures don't match: expected a {type(reference).__name__}, received {_describe(other)}.")
    ref_kind, other_kind = type(reference), type(other)
    if ref_kind in _DICTS:
        if other_kind not in _DICTS:
            raise ValueError(f"Structures don't match: expected a dict, received {_describe(other)}.")
        if set(reference) != set(other):
            raise ValueError(
                f"Structures don't match: dict keys {sorted(map(repr, reference))} != {sorted(map(repr, other))}."
            )
        return [other[k] for k in _children(reference)[0]]
    if ref_kind is not other_kind:
        raise ValueError(f"Structures don't match: expected a {ref_kind.__name__}, received {_describe(other)}.")
    values = _children(other)[1]
    expected = len(_children(reference)[1])
    if len(values) != expected:
        raise ValueError(
            f"Structures don't match: a {ref_kind.__name__} of {expected} items against one of {len(values)}."
        )
    return values


def is_nested(structure: Any) -> bool:
    """Whether ``structure`` is a node (a list, tuple, namedtuple, dict, deque...), not a leaf.

    Args:
        structure: Any object.
    """
    return _is_node(structure)


def flatten_with_path(structure: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """``(path, leaf)`` pairs in flattening order; a path is the tuple of indices and dict keys to the leaf.

    Args:
        structure: A nested structure: lists, tuples, namedtuples, dicts and other containers, with leaves.
    """
    out: list[tuple[tuple[Any, ...], Any]] = []

    def visit(x: Any, path: tuple[Any, ...]) -> None:
        if not _is_node(x):
            out.append((path, x))
            return
        for key, value in zip(*_children(x), strict=True):
            visit(value, (*path, key))

    visit(structure, ())
    return out


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure`` in order (dict values by sorted key); a leaf gives ``[leaf]``.

    Args:
        structure: A nested structure: lists, tuples, namedtuples, dicts and other containers, with leaves.
    """
    return [leaf for _, leaf in flatten_with_path(structure)]


def _leaf_count(structure: Any) -> int:
    if not _is_node(structure):
        return 1
    return sum(_leaf_count(v) for v in _children(structure)[1])


def pack_sequence_as(structure: Any, flat_sequence: Any) -> Any:
    """Fill ``structure``'s shape with the leaves of ``flat_sequence``, in ``flatten`` order.

    Args:
        structure: The structure to fill.
        flat_sequence: The leaves, as many as ``structure`` has, in ``flatten`` order.
    """
    leaves = list(flat_sequence)
    expected = _leaf_count(structure)
    if len(leaves) != expected:
        raise ValueError(
            f"pack_sequence_as: the structure has {expected} leaves but the flat sequence has {len(leaves)} items."
        )
    feed: Iterator[Any] = iter(leaves)

    def build(x: Any) -> Any:
        if not _is_node(x):
            return next(feed)
        keys, values = _children(x)
        return _rebuild(x, keys, [build(v) for v in values])

    return build(structure)


def map_structure(func: Callable[..., Any], *structures: Any, none_is_leaf: bool = True) -> Any:
    """``func`` applied to the leaves of ``structures`` (same layout), in a structure of that layout.

    With ``none_is_leaf=False``, ``None`` entries are kept as ``None`` and not passed to ``func``.

    Args:
        func: Callable taking one leaf from each structure.
        *structures: One or more nested structures with the same layout.
        none_is_leaf: Whether ``None`` entries are leaves passed to ``func`` (default ``True``).
    """
    if not structures:
        raise ValueError("map_structure: provide at least one structure.")

    def walk(items: list[Any]) -> Any:
        first = items[0]
        if not _is_node(first, none_is_leaf):
            if len(items) > 1 and any(_is_node(s, none_is_leaf) for s in items[1:]):
                raise ValueError("Structures don't have the same nested structure: a leaf against a node.")
            return func(*items)
        if first is None:
            if any(s is not None for s in items[1:]):
                raise ValueError(f"Structures don't match: expected None, received {items[1:]!r}.")
            return None
        keys, values = _children(first)
        others = [_matching_children(first, s, none_is_leaf) for s in items[1:]]
        return _rebuild(first, keys, [walk([v, *(o[i] for o in others)]) for i, v in enumerate(values)])

    return walk(list(structures))


def map_structure_up_to(shallow_structure: Any, func: Callable[..., Any], *structures: Any) -> Any:
    """Like ``map_structure``, but only down to the leaves of ``shallow_structure``: deeper parts go to ``func``.

    Args:
        shallow_structure: The structure whose leaves mark where to stop.
        func: Callable taking one sub-structure from each structure.
        *structures: Nested structures at least as deep as ``shallow_structure``.
    """
    if not structures:
        raise ValueError("map_structure_up_to: provide at least one structure.")

    def walk(shallow: Any, items: list[Any]) -> Any:
        if not _is_node(shallow):
            return func(*items)
        keys, values = _children(shallow)
        others = [_matching_children(shallow, s) for s in items]
        return _rebuild(shallow, keys, [walk(v, [o[i] for o in others]) for i, v in enumerate(values)])

    return walk(shallow_structure, list(structures))


def assert_same_structure(a: Any, b: Any, check_types: bool | None = None) -> None:
    """Raise ValueError unless ``a`` and ``b`` nest the same way (same node types, keys and lengths).

    Args:
        a: A nested structure.
        b: Another nested structure.
        check_types: Deprecated and without effect (a DeprecationWarning when given); node types are always compared.
            Use ``assert_same_paths`` for a looser check. Defaults to ``None``.
    """
    if check_types is not None:
        warnings.warn(
            "assert_same_structure: `check_types` is deprecated and has no effect; use assert_same_paths for a "
            "looser check.",
            DeprecationWarning,
            stacklevel=2,
        )

    def walk(x: Any, y: Any) -> None:
        if not _is_node(x):
            if _is_node(y):
                raise ValueError(f"Structures don't have the same nested structure: {x!r} against {_describe(y)}.")
            return
        for value, other in zip(_children(x)[1], _matching_children(x, y), strict=True):
            walk(value, other)

    walk(a, b)


def assert_same_paths(a: Any, b: Any) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same leaf paths (node types are not compared).

    Args:
        a: A nested structure.
        b: Another nested structure.
    """
    a_paths = {path for path, _ in flatten_with_path(a)}
    b_paths = {path for path, _ in flatten_with_path(b)}
    if a_paths != b_paths:
        message = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            message += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            message += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(message)


def traverse(func: Callable[[Any], Any], structure: Any, top_down: bool = True) -> Any:
    """Apply ``func`` to every sub-structure, depth first; its result replaces the sub-structure.

    ``func`` returning None keeps the sub-structure (top-down: and visits its children); returning
    ``MAP_TO_NONE`` replaces it with None. Top-down, parents are visited before their children.

    Args:
        func: Callable applied to each sub-structure and leaf.
        structure: A nested structure: lists, tuples, namedtuples, dicts and other containers, with leaves.
        top_down: Whether parents are visited before their children (default ``True``).
    """

    def children_traversed(x: Any) -> Any:
        if not _is_node(x):
            return x
        keys, values = _children(x)
        return _rebuild(x, keys, [traverse(func, v, top_down=top_down) for v in values])

    if top_down:
        result = func(structure)
        if result is None:
            return children_traversed(structure)
    else:
        structure = children_traversed(structure)
        result = func(structure)
        if result is None:
            return structure
    return None if result is MAP_TO_NONE else result


def lists_to_tuples(structure: Any) -> Any:
    """``structure`` with every list, at any depth, turned into a tuple.

    Args:
        structure: A nested structure: lists, tuples, namedtuples, dicts and other containers, with leaves.
    """
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure, top_down=False)


def _is_shape(x: Any) -> bool:
    return isinstance(x, list | tuple) and all(d is None or isinstance(d, int) for d in x)


def map_shape_structure(func: Callable[[Any], Any], structure: Any) -> Any:
    """``func`` applied to every shape (a list or tuple of ints and None) and other leaf of ``structure``.

    Args:
        func: Callable applied to each shape and other leaf.
        structure: A nested structure whose shapes (lists or tuples of ints and ``None``) are treated as leaves.
    """
    if _is_shape(structure) or not _is_node(structure):
        return func(structure)
    keys, values = _children(structure)
    return _rebuild(structure, keys, [map_shape_structure(func, v) for v in values])
