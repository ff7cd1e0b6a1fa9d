"""kerax.ops: the same values as NumPy/jax.nn on arrays, and graph nodes on symbolic tensors."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import kerax
from kerax import ops

X = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)
Y = np.random.default_rng(1).normal(size=(4, 6)).astype(np.float32)

UNARY = [
    ("relu", lambda a: np.maximum(a, 0)),
    ("sigmoid", lambda a: 1 / (1 + np.exp(-a))),
    ("tanh", np.tanh),
    ("softmax", lambda a: np.exp(a) / np.exp(a).sum(-1, keepdims=True)),
    ("softplus", lambda a: np.log1p(np.exp(a))),
    ("silu", lambda a: a / (1 + np.exp(-a))),
    ("exp", np.exp),
    ("square", np.square),
    ("absolute", np.abs),
    ("negative", np.negative),
]


@pytest.mark.parametrize(("name", "reference"), UNARY)
def test_unary_ops_match_numpy_and_record_a_node(name: str, reference: object) -> None:
    fn = getattr(ops, name)
    np.testing.assert_allclose(fn(X), reference(X), rtol=1e-5, atol=1e-6)
    x = kerax.Input((6,))
    y = fn(x)
    assert y.shape == (None, 6)
    op = y._keras_history.operation
    assert op.name.startswith(kerax.backend.to_snake_case(op.class_name))
    model = kerax.Model(x, y)
    np.testing.assert_allclose(model.predict(X, verbose=0), reference(X), rtol=1e-5, atol=1e-6)


def test_binary_ops_and_operators_build_graphs() -> None:
    a, b = kerax.Input((6,)), kerax.Input((6,))
    out = ops.maximum(a * 2.0 + b, ops.subtract(a, b)) @ np.eye(6, dtype=np.float32)
    model = kerax.Model([a, b], out)
    expected = np.maximum(X * 2 + Y, X - Y)
    np.testing.assert_allclose(model.predict([X, Y], verbose=0), expected, rtol=1e-5)
    assert [type(op).__name__ for op in model._graph.operations if not op.name.startswith("input")] == [
        "Multiply",
        "Add",
        "Subtract",
        "Maximum",
        "Matmul",
    ]


def test_shape_ops_infer_symbolic_shapes() -> None:
    x = kerax.Input((2, 3, 4))
    assert ops.reshape(x, (-1, 24)).shape == (None, 24)
    assert ops.transpose(x, (0, 3, 1, 2)).shape == (None, 4, 2, 3)
    assert ops.concatenate([x, x], axis=-1).shape == (None, 2, 3, 8)
    assert ops.mean(x, axis=(1, 2)).shape == (None, 4)
    assert ops.expand_dims(x, 1).shape == (None, 1, 2, 3, 4)
    assert x[:, 0].shape == (None, 3, 4)


def test_a_dimension_equal_to_the_probe_size_stays_known() -> None:
    x = kerax.Input((5,))
    assert kerax.layers.Dense(83)(x).shape == (None, 83)


def test_ops_accept_variables() -> None:
    layer = kerax.layers.Dense(3)
    layer.build((None, 6))
    np.testing.assert_allclose(ops.matmul(X, layer.kernel), X @ layer.kernel.numpy(), rtol=1e-5)
    np.testing.assert_allclose(X @ layer.kernel, X @ layer.kernel.numpy(), rtol=1e-5)


def test_symbolic_tensors_refuse_python_control_flow() -> None:
    x = kerax.Input((3,))
    with pytest.raises(TypeError, match="cannot be used as a Python bool"):
        bool(x)
    with pytest.raises(TypeError, match="cannot be iterated"):
        list(x)


def test_eager_ops_are_jittable() -> None:
    np.testing.assert_allclose(jax.jit(lambda a: ops.gelu(a))(X), jax.nn.gelu(X), rtol=1e-6)


def test_sizes_derived_from_an_unknown_size_are_unknown() -> None:
    x = kerax.Input((3,))
    assert ops.concatenate([x, x], axis=0).shape == (None, 3)
    assert ops.reshape(x, (-1,)).shape == (None,)
    assert ops.reshape(x, (-1, 1)).shape == (None, 1)


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("add", lambda: ops.add(np.ones((2, 3)), np.ones((2, 4)))),
        ("matmul", lambda: ops.matmul(kerax.Input((3,)), np.ones((4, 2)))),  # while a graph is built
        ("where", lambda: ops.where(np.ones((2, 3)) > 0, np.ones((2, 4)), 0.0)),
        ("slice_update", lambda: ops.slice_update(np.ones((4, 4)), (0, 0), np.ones((5, 5)))),
        ("segment_sum", lambda: ops.segment_sum(np.ones((4,)), np.array([0, 1]))),
        ("dot_product_attention", lambda: ops.nn.dot_product_attention(*(np.ones((1, 4, 2, d)) for d in (8, 6, 8)))),
        ("inv", lambda: ops.linalg.inv(np.ones((2, 3)))),
        ("resize", lambda: ops.image.resize(np.ones((2, 3)), (4, 4))),
    ],
)
def test_a_shape_error_names_the_op_and_the_shapes(name: str, call: object) -> None:
    with pytest.raises(ValueError) as error:
        call()
    message = str(error.value)
    assert message.startswith((f"`{name}`", f"{name}:")), message
    assert "(" in message and ")" in message  # the shapes it received


def test_an_unknown_argument_names_the_op_and_the_argument() -> None:
    with pytest.raises(TypeError, match=r"tile\(\) got an unexpected keyword argument 'foo'"):
        ops.tile(kerax.Input((3,)), (1, 2), foo=1)
