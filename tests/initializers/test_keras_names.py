"""Every keras.initializers name in kerax: exact values where deterministic, Keras's distributions where random."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerax import initializers

ALIASES = {
    "constant": "Constant",
    "glorot_normal": "GlorotNormal",
    "glorot_uniform": "GlorotUniform",
    "he_normal": "HeNormal",
    "he_uniform": "HeUniform",
    "identity": "Identity",
    "IdentityInitializer": "Identity",
    "lecun_normal": "LecunNormal",
    "lecun_uniform": "LecunUniform",
    "ones": "Ones",
    "orthogonal": "Orthogonal",
    "OrthogonalInitializer": "Orthogonal",
    "random_normal": "RandomNormal",
    "random_uniform": "RandomUniform",
    "stft": "STFT",
    "STFTInitializer": "STFT",
    "truncated_normal": "TruncatedNormal",
    "variance_scaling": "VarianceScaling",
    "zeros": "Zeros",
}


@pytest.mark.parametrize(("alias", "name"), sorted(ALIASES.items()))
def test_aliases_are_the_classes_and_get_finds_them(alias: str, name: str) -> None:
    assert getattr(initializers, alias) is getattr(initializers, name)
    assert getattr(keras.initializers, alias) is getattr(keras.initializers, name)  # the same aliasing as Keras
    assert type(initializers.get(alias)) is getattr(initializers, name)


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda m: m.Zeros(), (3, 4)),
        (lambda m: m.Ones(), (2, 5)),
        (lambda m: m.Constant(2.5), (4,)),
        (lambda m: m.Identity(), (3, 3)),
        (lambda m: m.Identity(gain=2.0), (3, 5)),
        (lambda m: m.STFT(), (16, 1, 9)),
        (lambda m: m.STFT(side="imag", window="hamming", periodic=True), (16, 1, 9)),
        (lambda m: m.STFT(window="blackman", scaling="spectrum"), (8, 1, 5)),
        (lambda m: m.STFT(window="bartlett", scaling=None), (8, 1, 5)),
        (lambda m: m.STFT(window=None), (8, 1, 5)),
        (lambda m: m.STFT(window=np.linspace(0.1, 1.0, 8)), (8, 1, 5)),
    ],
)
def test_deterministic_initializers_give_keras_values(make: object, shape: tuple[int, ...]) -> None:
    ours = np.asarray(make(initializers)(shape, "float32"))
    theirs = np.asarray(make(keras.initializers)(shape, "float32"))
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


SHAPE = (256, 192)


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.RandomNormal(mean=0.5, stddev=2.0, seed=1),
        lambda m: m.RandomUniform(minval=-3.0, maxval=1.0, seed=1),
        lambda m: m.TruncatedNormal(mean=1.0, stddev=0.5, seed=1),
        lambda m: m.GlorotNormal(seed=1),
        lambda m: m.GlorotUniform(seed=1),
        lambda m: m.HeNormal(seed=1),
        lambda m: m.HeUniform(seed=1),
        lambda m: m.LecunNormal(seed=1),
        lambda m: m.LecunUniform(seed=1),
        lambda m: m.VarianceScaling(scale=3.0, mode="fan_out", distribution="untruncated_normal", seed=1),
        lambda m: m.VarianceScaling(scale=0.5, mode="fan_avg", distribution="uniform", seed=1),
    ],
)
def test_random_initializers_draw_from_keras_distributions(make: object) -> None:
    ours = np.asarray(make(initializers)(SHAPE, "float32"), np.float64)
    theirs = np.asarray(make(keras.initializers)(SHAPE, "float32"), np.float64)
    assert ours.shape == theirs.shape == SHAPE
    assert ours.mean() == pytest.approx(theirs.mean(), abs=0.02 * theirs.std())
    assert ours.std() == pytest.approx(theirs.std(), rel=0.03)
    spread = theirs.max() - theirs.min()
    assert ours.min() >= theirs.min() - 0.05 * spread and ours.max() <= theirs.max() + 0.05 * spread
    np.testing.assert_array_equal(ours, np.asarray(make(initializers)(SHAPE, "float32")))  # a seed repeats


@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal_is_orthogonal_with_keras_gain(gain: float) -> None:
    for shape in ((6, 4), (4, 6), (3, 2, 5)):
        ours = np.asarray(initializers.Orthogonal(gain=gain, seed=2)(shape)).reshape(-1, shape[-1])
        theirs = np.asarray(keras.initializers.Orthogonal(gain=gain, seed=2)(shape)).reshape(-1, shape[-1])
        small = (lambda q: q.T @ q) if ours.shape[0] >= ours.shape[1] else (lambda q: q @ q.T)
        np.testing.assert_allclose(small(ours), small(theirs), atol=1e-5)
        np.testing.assert_allclose(small(ours), gain**2 * np.eye(min(ours.shape)), atol=1e-5)


def test_stft_refuses_what_keras_refuses() -> None:
    with pytest.raises(ValueError):
        initializers.STFT(side="both")
    with pytest.raises(ValueError):
        initializers.STFT(scaling="energy")
    with pytest.raises(ValueError, match="window"):
        initializers.STFT(window="no_such_window")
    config = initializers.STFT(window="hamming").get_config()
    assert config == keras.initializers.STFT(window="hamming").get_config()
    assert isinstance(initializers.deserialize(initializers.serialize(initializers.STFT())), initializers.STFT)
