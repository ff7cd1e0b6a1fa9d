"""The shared layer test harness, and helpers to compare a kerax layer with its Keras 3 twin.

``run_layer_test`` checks the contract every layer must keep (lazy build, weights, symbolic and eager
calls, ``compute_output_shape``, config round trip, ``stateless_call`` under ``jax.jit``, gradients).
``assert_keras_parity`` builds the same layer in both libraries, copies Keras's weights into kerax and
compares outputs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.layers import Input, Layer

Shape = tuple[int | None, ...]
RTOL = ATOL = 1e-5


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def _map_shapes(fn: Any, shapes: Shape | Sequence[Shape]) -> Any:
    """Apply ``fn`` to one shape, or to each shape of a list (multi-input layers)."""
    return fn(shapes) if _is_shape(shapes) else [fn(tuple(s)) for s in shapes]


def symbolic_shape(shape: Shape) -> Shape:
    """The shape with an unknown (``None``) batch size."""
    return (None, *shape[1:])


def random_data(shapes: Shape | Sequence[Shape], dtype: str = "float32", seed: int = 0) -> Any:
    """Standard-normal floats (or small integers) of ``shapes``: an array, or a list of arrays."""
    rng = np.random.default_rng(seed)

    def make(shape: Shape) -> np.ndarray:
        if np.issubdtype(np.dtype(dtype), np.integer):
            return rng.integers(0, 10, size=shape).astype(dtype)
        return rng.standard_normal(shape).astype(dtype)

    return _map_shapes(make, shapes)


def symbolic_inputs(shapes: Shape | Sequence[Shape], dtype: str = "float32") -> Any:
    return _map_shapes(lambda s: Input(batch_shape=symbolic_shape(s), dtype=dtype), shapes)


def _as_list(x: Any) -> list:
    return list(x) if isinstance(x, list | tuple) else [x]


def run_layer_test(
    layer_cls: type[Layer],
    init_kwargs: dict[str, Any],
    input_shape: Shape | Sequence[Shape],
    expected_output_shape: Shape,
    expected_num_trainable_weights: int = 0,
    expected_num_non_trainable_weights: int = 0,
    expected_weight_shapes: Sequence[Shape] | None = None,
    input_dtype: str = "float32",
    expected_output_dtype: str | None = None,
    run_training_check: bool = True,
    expect_state_updates: bool = False,
    call_kwargs: dict[str, Any] | None = None,
) -> Layer:
    """Check the layer contract for ``layer_cls(**init_kwargs)`` on inputs of ``input_shape``.

    Args:
        layer_cls: the layer class.
        init_kwargs: its constructor arguments.
        input_shape: the full input shape, batch included (or a list of shapes for merge layers).
        expected_output_shape: the eager output shape; the symbolic one is the same with a ``None`` batch.
        expected_num_trainable_weights, expected_num_non_trainable_weights: weight counts after building.
        expected_weight_shapes: the shapes of ``layer.weights`` in order, if given.
        input_dtype: the dtype of the random inputs.
        expected_output_dtype: the output dtype (default: whatever the symbolic call infers, which the
            eager call must match).
        run_training_check: take a gradient through ``stateless_call(training=True)``.
        expect_state_updates: a training call must change some non-trainable weight (moving statistics).
        call_kwargs: extra keyword arguments for every call.

    Returns:
        The layer built by the symbolic call.
    """
    call_kwargs = dict(call_kwargs or {})
    data = random_data(input_shape, input_dtype)
    symbolic_expected = symbolic_shape(expected_output_shape)

    # 1. Lazy build: nothing exists until the first call.
    layer = layer_cls(**init_kwargs)
    assert not layer.built, f"{layer_cls.__name__} built itself in __init__"
    assert layer.weights == [], f"{layer_cls.__name__} created weights before build"

    # 2. Symbolic call on Input: builds, infers the output shape with a None batch.
    symbolic_out = layer(symbolic_inputs(input_shape, input_dtype), **call_kwargs)
    assert layer.built
    assert symbolic_out.shape == symbolic_expected, f"symbolic shape {symbolic_out.shape} != {symbolic_expected}"
    _check_weights(layer, expected_num_trainable_weights, expected_num_non_trainable_weights, expected_weight_shapes)
    if expected_output_dtype is not None:
        assert symbolic_out.dtype == jnp.dtype(expected_output_dtype)

    # 3. compute_output_shape agrees with the symbolic call.
    assert layer.compute_output_shape(_map_shapes(symbolic_shape, input_shape)) == symbolic_expected

    # 4. Eager call: the concrete batch, the dtype the symbolic call announced.
    eager_out = layer(data, **call_kwargs)
    assert tuple(eager_out.shape) == tuple(expected_output_shape), (
        f"eager shape {eager_out.shape} != {expected_output_shape}"
    )
    assert jnp.dtype(eager_out.dtype) == symbolic_out.dtype, f"eager {eager_out.dtype} != symbolic {symbolic_out.dtype}"
    assert np.all(np.isfinite(np.asarray(eager_out, dtype=np.float64)))

    # 5. A layer first called eagerly builds the same weights.
    eager_layer = layer_cls(**init_kwargs)
    assert tuple(eager_layer(data, **call_kwargs).shape) == tuple(expected_output_shape)
    assert [v.shape for v in eager_layer.weights] == [v.shape for v in layer.weights]

    # 6. Config round trip: the same config, and the same outputs once the weights are copied.
    config = layer.get_config()
    json.dumps(config)  # configs must be JSON-serialisable (tuples become lists)
    clone = layer_cls.from_config(config)
    assert clone.get_config() == config
    clone(data, **call_kwargs)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(data, **call_kwargs), eager_out, rtol=RTOL, atol=ATOL)

    # 7. stateless_call under jit equals the eager call and leaves the stored weights alone.
    trainable = [v.value for v in layer.trainable_weights]
    non_trainable = [v.value for v in layer.non_trainable_weights]
    before = layer.get_weights()
    jitted = jax.jit(lambda tv, ntv, x: layer.stateless_call(tv, ntv, x, **call_kwargs))
    out, new_non_trainable = jitted(trainable, non_trainable, data)
    np.testing.assert_allclose(out, eager_out, rtol=RTOL, atol=ATOL)
    for old, new in zip(non_trainable, new_non_trainable, strict=True):
        np.testing.assert_array_equal(old, new)
    for old, now in zip(before, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(old, now)

    if run_training_check:
        _check_training_step(layer, trainable, non_trainable, data, call_kwargs, expect_state_updates)
    return layer


def _check_weights(layer: Layer, n_trainable: int, n_non_trainable: int, shapes: Sequence[Shape] | None) -> None:
    assert len(layer.trainable_weights) == n_trainable, (
        f"{len(layer.trainable_weights)} trainable weights, expected {n_trainable}"
    )
    assert len(layer.non_trainable_weights) == n_non_trainable, (
        f"{len(layer.non_trainable_weights)} non-trainable weights, expected {n_non_trainable}"
    )
    assert len(layer.weights) == n_trainable + n_non_trainable
    if shapes is not None:
        assert [tuple(v.shape) for v in layer.weights] == [tuple(s) for s in shapes]


def _check_training_step(
    layer: Layer,
    trainable: list,
    non_trainable: list,
    data: Any,
    call_kwargs: dict,
    expect_state_updates: bool,
) -> None:
    """One gradient step through ``stateless_call(training=True)``: finite, and it reaches every weight."""
    differentiable_input = all(jnp.issubdtype(jnp.asarray(x).dtype, jnp.floating) for x in _as_list(data))
    target_shape = jax.eval_shape(
        lambda tv, ntv, x: layer.stateless_call(tv, ntv, x, **call_kwargs)[0], trainable, non_trainable, data
    ).shape
    target = np.random.default_rng(99).standard_normal(target_shape).astype("float32")

    def loss(tv: list, x: Any, ntv: list, key: jax.Array) -> tuple[jax.Array, list]:
        out, new_ntv = layer.stateless_call(tv, ntv, x, training=True, rng=key, **call_kwargs)
        return jnp.mean(jnp.square(out.astype("float32") - target)), new_ntv

    argnums = (0, 1) if differentiable_input else 0
    step = jax.jit(jax.value_and_grad(loss, argnums=argnums, has_aux=True))
    (value, new_non_trainable), grads = step(trainable, data, non_trainable, jax.random.key(0))
    weight_grads = grads[0] if differentiable_input else grads
    assert np.isfinite(value)
    for var, g in zip(layer.trainable_weights, weight_grads, strict=True):
        assert g.shape == var.shape
        assert np.all(np.isfinite(g)), f"non-finite gradient for {var.path}"
        assert np.any(np.asarray(g) != 0), f"zero gradient for {var.path}: the weight does not reach the output"
        updated = np.asarray(var.value) - 0.1 * np.asarray(g)
        assert not np.allclose(updated, var.value), f"a gradient step leaves {var.path} unchanged"
    if differentiable_input:
        for g in jax.tree_util.tree_leaves(grads[1]):
            assert np.all(np.isfinite(g)), "non-finite gradient with respect to the input"
    for old, new in zip(non_trainable, new_non_trainable, strict=True):
        assert new.shape == old.shape and new.dtype == old.dtype
    if expect_state_updates:
        assert any(not np.allclose(o, n) for o, n in zip(non_trainable, new_non_trainable, strict=True)), (
            "a training call did not update any non-trainable weight"
        )


def random_weights(keras_layer: Any, seed: int = 7) -> list[np.ndarray]:
    """NumPy weights for ``keras_layer``'s shapes: normal, except positive variances."""
    rng = np.random.default_rng(seed)
    out = []
    for w in keras_layer.weights:
        shape = tuple(w.shape)
        if "variance" in w.name:
            out.append(rng.uniform(0.5, 1.5, shape).astype("float32"))
        else:
            out.append(rng.standard_normal(shape).astype("float32"))
    return out


def assert_keras_parity(
    kerax_layer: Layer,
    keras_layer: Any,
    data: Any,
    training: bool | None = None,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> tuple[np.ndarray, np.ndarray]:
    """Build both layers on ``data``, give both the same random weights, compare the outputs.

    Build the layers with constant initializers (``kernel_initializer="zeros"``): every random
    initializer costs an XLA compilation per shape, and the weights are replaced anyway.

    Returns:
        ``(kerax_output, keras_output)`` as NumPy arrays.
    """
    kwargs = {} if training is None else {"training": training}
    keras_layer(data)  # builds (inference), leaving any moving statistics untouched
    kerax_layer(data)
    assert [tuple(w.shape) for w in kerax_layer.get_weights()] == [tuple(w.shape) for w in keras_layer.get_weights()]
    if keras_layer.weights:
        keras_layer.set_weights(random_weights(keras_layer))
        kerax_layer.set_weights(keras_layer.get_weights())
    expected = np.asarray(keras_layer(data, **kwargs))
    got = np.asarray(kerax_layer(data, **kwargs))
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    return got, expected
