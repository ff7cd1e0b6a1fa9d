"""kerax.random: Keras's numbers for int seeds and SeedGenerators, right moments, and seeds that flow through fit."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax

N = 50_000
_X = np.arange(24, dtype="float32").reshape(4, 6)

# name -> (draw from a module's `random`, expected mean, expected std); large samples, fixed seeds.
DRAWS = {
    "normal": (lambda r: r.normal((N,), mean=2.0, stddev=3.0, seed=7), 2.0, 3.0),
    "uniform": (lambda r: r.uniform((N,), minval=-1.0, maxval=3.0, seed=7), 1.0, 4.0 / np.sqrt(12.0)),
    "truncated_normal": (lambda r: r.truncated_normal((N,), mean=1.0, stddev=2.0, seed=7), 1.0, 2.0 * 0.8796),
    "randint": (lambda r: r.randint((N,), 0, 10, seed=7), 4.5, np.sqrt(99.0 / 12.0)),
    "gamma": (lambda r: r.gamma((N,), 3.0, seed=7), 3.0, np.sqrt(3.0)),
    "beta": (lambda r: r.beta((N,), 2.0, 5.0, seed=7), 2.0 / 7.0, np.sqrt(10.0 / (49.0 * 8.0))),
    "binomial": (lambda r: r.binomial((N,), 20, 0.25, seed=7), 5.0, np.sqrt(20 * 0.25 * 0.75)),
    "dropout": (lambda r: r.dropout(_X, 0.5, seed=7), None, None),
    "dropout_noise_shape": (lambda r: r.dropout(_X, 0.5, noise_shape=(None, 1), seed=7), None, None),
    "shuffle": (lambda r: r.shuffle(_X, axis=1, seed=7), None, None),
    "categorical": (lambda r: r.categorical(np.log([[0.2, 0.8], [0.5, 0.5]]), 6, seed=7), None, None),
}


@pytest.fixture(scope="module")
def ours() -> dict[str, np.ndarray]:
    return {name: np.asarray(draw(kerax.random)) for name, (draw, _, _) in DRAWS.items()}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_int_seeds_give_keras_numbers_and_dtypes(name: str, ours: dict[str, np.ndarray]) -> None:
    theirs = np.asarray(DRAWS[name][0](keras.random))
    np.testing.assert_array_equal(ours[name], theirs)
    assert ours[name].dtype == theirs.dtype


@pytest.mark.parametrize("name", sorted(n for n, (_, mean, _) in DRAWS.items() if mean is not None))
def test_distributions_have_their_moments(name: str, ours: dict[str, np.ndarray]) -> None:
    _, mean, std = DRAWS[name]
    values = ours[name].astype(np.float64)
    assert values.mean() == pytest.approx(mean, abs=0.03 * std)
    assert values.std() == pytest.approx(std, rel=0.03)


def test_an_int_seed_repeats_and_a_seed_generator_advances_as_keras() -> None:
    first = kerax.random.normal((4,), seed=3)
    np.testing.assert_array_equal(first, kerax.random.normal((4,), seed=3))
    ours, theirs = kerax.random.SeedGenerator(11), keras.random.SeedGenerator(11)
    draws = [np.asarray(kerax.random.uniform((3,), seed=ours)) for _ in range(3)]
    for draw in draws:
        np.testing.assert_array_equal(draw, keras.random.uniform((3,), seed=theirs))
    assert not np.array_equal(draws[0], draws[1])
    np.testing.assert_array_equal(ours.state.numpy(), [11, 3])
    assert ours.state.dtype == jnp.uint32 and not ours.state.trainable


def test_unseeded_draws_repeat_after_set_random_seed() -> None:
    kerax.utils.set_random_seed(5)
    a = [kerax.random.normal((3,)), kerax.random.normal((3,))]
    kerax.utils.set_random_seed(5)
    b = [kerax.random.normal((3,)), kerax.random.normal((3,))]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0], a[1])


def test_a_jax_key_is_a_seed() -> None:
    key = jax.random.key(1)
    np.testing.assert_array_equal(kerax.random.normal((3,), seed=key), jax.random.normal(key, (3,)))


def test_dtypes_follow_floatx_and_bounds_hold(ours: dict[str, np.ndarray]) -> None:
    assert ours["normal"].dtype == np.float32 and ours["binomial"].dtype == np.float32
    assert ours["randint"].dtype == np.int32 and ours["categorical"].dtype == np.int32
    assert ours["truncated_normal"].min() >= -3.0 and ours["truncated_normal"].max() <= 5.0
    assert ours["uniform"].min() >= -1.0 and ours["uniform"].max() < 3.0
    kerax.config.set_floatx("float16")
    try:
        assert kerax.random.normal((3,), seed=1).dtype == jnp.float16
    finally:
        kerax.config.set_floatx("float32")
    with pytest.raises(ValueError, match="floating point"):
        kerax.random.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="integer"):
        kerax.random.randint((2,), 0, 3, dtype="float32")


def test_dropout_keeps_the_expected_fraction_scaled() -> None:
    out = np.asarray(kerax.random.dropout(np.ones((N,), "float32"), 0.3, seed=4))  # the Keras-compiled shape
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-6)
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.01)


class _Noisy(kerax.layers.Layer):
    """Adds seeded noise, drawn from a SeedGenerator attribute."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.seed_generator = kerax.random.SeedGenerator(1337)

    def call(self, x: jax.Array) -> jax.Array:
        return x + kerax.random.normal(x.shape, seed=self.seed_generator)


class _UnseededNoisy(kerax.layers.Layer):
    def call(self, x: jax.Array) -> jax.Array:
        return x + kerax.random.normal(x.shape)


class _BatchLosses(kerax.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.losses: list[float] = []

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.losses.append(logs["loss"])


def _fit(layer_cls: type) -> tuple[list[float], kerax.layers.Layer]:
    kerax.utils.clear_session(free_memory=False)
    kerax.utils.set_random_seed(0)
    noisy = layer_cls()
    inputs = kerax.Input((4,))
    outputs = kerax.layers.Dense(1, kernel_initializer="ones", use_bias=False)(noisy(inputs))
    model = kerax.Model(inputs, outputs)
    model.compile(optimizer=kerax.optimizers.SGD(0.0), loss="mse")
    record = _BatchLosses()
    x, y = np.zeros((48, 4), "float32"), np.zeros((48, 1), "float32")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[record])
    return record.losses, noisy


def test_a_seed_generator_in_a_layer_draws_new_noise_every_fit_step_and_the_run_repeats() -> None:
    losses, noisy = _fit(_Noisy)
    assert len(losses) == 6 and len(set(losses)) == 6  # the running mean moves: every step drew new noise
    np.testing.assert_array_equal(noisy.seed_generator.state.numpy(), [1337, 6])  # advanced once per step
    assert [v.path for v in noisy.non_trainable_variables] == ["seed_generator/seed_generator_state"]
    assert noisy.weights == []  # as in Keras, seed states are variables but not weights
    again, _ = _fit(_Noisy)
    assert again == losses


def test_unseeded_draws_inside_fit_use_the_step_key() -> None:
    losses, _ = _fit(_UnseededNoisy)
    assert len(set(losses)) == 6
    again, _ = _fit(_UnseededNoisy)
    assert again == losses


def test_a_seed_generator_not_carried_into_a_trace_is_refused() -> None:
    generator = kerax.random.SeedGenerator(1)
    with pytest.raises(ValueError, match="attribute of the layer"):
        jax.jit(lambda: kerax.random.normal((2,), seed=generator))()
    with pytest.raises(ValueError, match="unseeded draw"):
        jax.jit(lambda: kerax.random.normal((2,)))()
