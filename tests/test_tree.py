"""kerax.tree against keras.tree: the same results and the same errors on nested structures."""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import kerax

Point = collections.namedtuple("Point", ["x", "y"])
OtherPoint = collections.namedtuple("Point", ["x", "y"])  # same name and fields, another class

NESTED = [
    1,
    None,
    "text",
    np.arange(3),
    [],
    {},
    (),
    [None],
    (1,),
    [1, [2, (3, None)], {"b": 4, "a": [5, 6]}],
    {"z": {"c": 1, "b": (2, 3)}, "a": None},
    collections.OrderedDict([("b", 1), ("a", [2, 3])]),
    collections.defaultdict(list, {"b": 1, "a": 2}),
    collections.deque([1, [2, 3]]),
    Point(x=[1, 2], y={"k": 3}),
    {1: "int key", "x": "str key", 0.5: "float key"},
    [[], {}, ()],
]


def _same(ours: Callable[[], Any], theirs: Callable[[], Any]) -> None:
    """Both give equal results, or both raise the same kind of error."""
    try:
        expected = theirs()
    except Exception as error:  # noqa: BLE001  (the oracle's exception type is what we compare)
        with pytest.raises(type(error)):
            ours()
        return
    result = ours()
    assert type(result) is type(expected)
    assert repr(result) == repr(expected)


@pytest.mark.parametrize("structure", NESTED, ids=repr)
def test_flatten_paths_and_is_nested(structure: Any) -> None:
    for name in ("flatten", "flatten_with_path", "is_nested", "lists_to_tuples"):
        _same(lambda n=name: getattr(kerax.tree, n)(structure), lambda n=name: getattr(keras.tree, n)(structure))


@pytest.mark.parametrize("structure", NESTED, ids=repr)
def test_map_pack_and_traverse_round_trip(structure: Any) -> None:
    def double(x: Any) -> Any:
        return None if x is None else x * 2

    _same(lambda: kerax.tree.map_structure(double, structure), lambda: keras.tree.map_structure(double, structure))
    _same(
        lambda: kerax.tree.map_structure(str, structure, none_is_leaf=False),
        lambda: keras.tree.map_structure(str, structure, none_is_leaf=False),
    )
    leaves = list(range(len(keras.tree.flatten(structure))))
    _same(
        lambda: kerax.tree.pack_sequence_as(structure, leaves), lambda: keras.tree.pack_sequence_as(structure, leaves)
    )
    for top_down in (True, False):
        ours: list[str] = []
        theirs: list[str] = []
        _same(
            lambda td=top_down, log=ours: kerax.tree.traverse(lambda x: log.append(repr(x)), structure, top_down=td),
            lambda td=top_down, log=theirs: keras.tree.traverse(lambda x: log.append(repr(x)), structure, top_down=td),
        )
        assert ours == theirs


def test_traverse_replaces_and_maps_to_none() -> None:
    structure = [(1, 2), [3], {"a": 4}, None]
    for tree in (kerax.tree, keras.tree):
        to_none = tree.MAP_TO_NONE
        assert tree.traverse(lambda x: x * 10 if isinstance(x, int) else None, structure) == [
            (10, 20),
            [30],
            {"a": 40},
            None,
        ]
        assert tree.traverse(lambda x, m=to_none: m if isinstance(x, tuple) else None, structure) == [
            None,
            [3],
            {"a": 4},
            None,
        ]


PAIRS = [
    ([1, 2], [3, 4]),
    ([1, 2], (3, 4)),
    ([1, [2]], [3, 4]),
    ([1, 2], [3, [4]]),
    ([1, None], [3, 4]),
    ([1, 2], [3, 4, 5]),
    ({"a": 1}, {"b": 1}),
    ({"a": 1, "b": 2}, collections.OrderedDict([("b", 3), ("a", 4)])),
    (collections.OrderedDict([("b", 3), ("a", 4)]), {"a": 1, "b": 2}),
    (Point(1, 2), Point(3, 4)),
    (Point(1, 2), OtherPoint(3, 4)),
    (Point(1, 2), (3, 4)),
    (collections.deque([1]), [1]),
]


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=repr)
def test_structure_comparisons_agree(a: Any, b: Any) -> None:
    _same(lambda: kerax.tree.assert_same_structure(a, b), lambda: keras.tree.assert_same_structure(a, b))
    _same(lambda: kerax.tree.assert_same_paths(a, b), lambda: keras.tree.assert_same_paths(a, b))
    _same(
        lambda: kerax.tree.map_structure(lambda x, y: (x, y), a, b),
        lambda: keras.tree.map_structure(lambda x, y: (x, y), a, b),
    )


@pytest.mark.parametrize(
    ("shallow", "deep"),
    [
        ([1, [2, 3]], [[1, 1], [2, 2]]),
        ([1, [2, 3]], [[1, 1], 2]),
        ((1, 2), [1, 2]),
        ({"a": 1}, {"a": [1], "b": 2}),
        ({"a": 1, "b": 2}, {"b": [1, 2], "a": {"c": 3}}),
    ],
    ids=repr,
)
def test_map_structure_up_to_agrees(shallow: Any, deep: Any) -> None:
    _same(
        lambda: kerax.tree.map_structure_up_to(shallow, repr, deep),
        lambda: keras.tree.map_structure_up_to(shallow, repr, deep),
    )


def test_map_structure_up_to_treats_none_in_the_shallow_structure_as_a_leaf() -> None:
    # Keras documents this example but its optree backend raises on it; kerax follows the documentation.
    assert kerax.tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2, 2]]) == [2, 3]


def test_map_shape_structure_and_errors() -> None:
    structure = [(1, None), {"a": (2,), "b": [3, 4]}, (), [[5], [None, 6]]]
    for tree in (kerax.tree, keras.tree):
        assert tree.map_shape_structure(len, structure) == [2, {"a": 1, "b": 2}, 0, [1, 2]]
    _same(lambda: kerax.tree.map_structure(len), lambda: keras.tree.map_structure(len))
    _same(lambda: kerax.tree.pack_sequence_as([0, 0], [1]), lambda: keras.tree.pack_sequence_as([0, 0], [1]))
    _same(lambda: kerax.tree.pack_sequence_as([0, 0], 1), lambda: keras.tree.pack_sequence_as([0, 0], 1))
    with pytest.warns(DeprecationWarning):
        kerax.tree.assert_same_structure([1], [2], check_types=True)
