"""Preprocessing layers: the layer contract, parity with Keras for the deterministic layers and
for the affine warp, and training-only randomness for the augmentation layers."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from kerax import backend
from kerax.layers import Input
from kerax.layers._preprocessing import (
    CenterCrop,
    Normalization,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Rescaling,
    Resizing,
    affine_transform,
)
from kerax.layers._preprocessing._image_utils import rotation_transform, translation_transform, zoom_transform
from kerax.models import Sequential

from .harness import assert_keras_parity, random_data, run_layer_test

IMAGES = (2, 6, 8, 3)  # one image shape shared by most tests: every new shape is a new compilation
RANDOM_LAYERS = [
    (RandomFlip, {}),
    (RandomFlip, {"mode": "horizontal"}),
    (RandomRotation, {"factor": 0.2}),
    (RandomZoom, {"height_factor": 0.3, "width_factor": (-0.2, 0.4)}),
    (RandomTranslation, {"height_factor": 0.2, "width_factor": 0.3, "fill_mode": "constant"}),
    (RandomContrast, {"factor": (0.4, 0.6), "value_range": (-10, 10)}),
]


# -- the layer contract -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "kwargs", "input_shape", "output_shape", "n_non_trainable"),
    [
        (Rescaling, {"scale": 1 / 255, "offset": -1.0}, IMAGES, IMAGES, 0),
        (Rescaling, {"scale": [1.0, 2.0, 3.0]}, IMAGES, IMAGES, 0),
        (Normalization, {}, (4, 3), (4, 3), 3),
        (Normalization, {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0], "invert": True}, (4, 3), (4, 3), 0),
        (Resizing, {"height": 3, "width": 5}, IMAGES, (2, 3, 5, 3), 0),
        (Resizing, {"height": 4, "width": 4, "crop_to_aspect_ratio": True}, IMAGES, (2, 4, 4, 3), 0),
        (CenterCrop, {"height": 3, "width": 4}, IMAGES, (2, 3, 4, 3), 0),
        *[(cls, kwargs, IMAGES, IMAGES, 0) for cls, kwargs in RANDOM_LAYERS],
    ],
)
def test_contract(cls, kwargs, input_shape, output_shape, n_non_trainable):
    # The random layers augment by default (training=True, as in Keras): check their inference contract.
    random_layer = any(cls is random_cls for random_cls, _ in RANDOM_LAYERS)
    run_layer_test(
        cls,
        kwargs,
        input_shape,
        output_shape,
        expected_num_non_trainable_weights=n_non_trainable,
        call_kwargs={"training": False} if random_layer else None,
        run_training_check=not random_layer,
    )


def test_normalization_weights_are_named_as_in_keras():
    layer = Normalization()
    layer.build((None, 3))
    assert [(v.name, v.shape, str(v.dtype), v.trainable) for v in layer.weights] == [
        ("mean", (3,), "float32", False),
        ("variance", (3,), "float32", False),
        ("count", (), "int32", False),
    ]


# -- parity with Keras: the deterministic layers ------------------------------------------------------


def test_rescaling_matches_keras(keras):
    x = random_data(IMAGES)
    assert_keras_parity(Rescaling(0.5, offset=2.0), keras.layers.Rescaling(0.5, offset=2.0), x)
    pixels = np.random.default_rng(0).integers(0, 256, IMAGES).astype("uint8")
    got, _ = assert_keras_parity(Rescaling(1 / 127.5, offset=-1), keras.layers.Rescaling(1 / 127.5, offset=-1), pixels)
    assert got.dtype == np.float32 and got.min() >= -1 and got.max() <= 1


def _keras_normalization(keras, **kwargs):
    """Keras's Normalization caches its statistics when adapted; refresh them when weights are set."""

    class Refreshing(keras.layers.Normalization):
        def set_weights(self, weights):
            super().set_weights(weights)
            self.finalize_state()

    return Refreshing(**kwargs)


@pytest.mark.parametrize("axis", [-1, None, (1, 2)])
def test_normalization_adapt_matches_keras(keras, axis):
    data = (random_data((16, 3, 4)) * 3 + 1).astype("float32")
    ours, theirs = Normalization(axis=axis), _keras_normalization(keras, axis=axis)
    ours.adapt(data)
    theirs.adapt(data)
    for got, expected in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours(data), theirs(data), rtol=1e-5, atol=1e-5)
    # And with the same (random) statistics set in both.
    assert_keras_parity(ours, theirs, data)


def test_normalization_adapt_on_batches():
    # (Keras's own adapt on a list of batches needs TensorFlow, so the oracle here is NumPy.)
    data = random_data((20, 3)) * 2 + 5
    batches = [data[:7], data[7:15], data[15:]]
    for source in (iter(batches), batches, [(b, np.zeros(len(b))) for b in batches]):
        layer = Normalization()
        layer.adapt(source)
        mean, variance, _ = layer.get_weights()
        np.testing.assert_allclose(mean, data.mean(axis=0), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(variance, data.var(axis=0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mean": 2.0, "variance": 4.0},
        {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 0.0], "invert": True},
        {"axis": (1, 2), "mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]},
    ],
)
def test_normalization_fixed_statistics_match_keras(keras, kwargs):
    x = random_data((4, 5, 3))
    assert_keras_parity(Normalization(**kwargs), keras.layers.Normalization(**kwargs), x)


def test_adapted_statistics_are_model_weights():
    data = random_data((32, 3)) * 4 + 2
    norm = Normalization()
    model = Sequential([Input(shape=(3,)), norm])
    norm.adapt(data)
    mean, variance, count = model.get_weights()
    np.testing.assert_allclose(mean, data.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(variance, data.var(axis=0), rtol=1e-5)
    assert int(count) == 0  # as in Keras, adapt leaves `count` alone
    assert model.trainable_weights == []
    out = np.asarray(model.predict(data, verbose=0))
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-4)


def test_normalization_errors():
    with pytest.raises(ValueError, match="give both `mean` and `variance`"):
        Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="cannot be used on a layer given a fixed"):
        Normalization(mean=0.0, variance=1.0).adapt(np.ones((2, 3)))
    with pytest.raises(ValueError, match="empty iterable"):
        Normalization().adapt([])
    layer = Normalization()
    layer.adapt(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="built for inputs of shape"):
        layer.adapt(np.ones((4, 5), "float32"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"height": 3, "width": 5},
        {"height": 12, "width": 5, "interpolation": "nearest"},
        {"height": 4, "width": 5, "interpolation": "bicubic", "antialias": True},
        {"height": 4, "width": 4, "crop_to_aspect_ratio": True},
        {"height": 4, "width": 4, "pad_to_aspect_ratio": True, "fill_value": 0.5},
        {"height": 5, "width": 3, "interpolation": "lanczos3"},
    ],
)
def test_resizing_matches_keras(keras, kwargs):
    assert_keras_parity(Resizing(**kwargs), keras.layers.Resizing(**kwargs), random_data(IMAGES))


def test_resizing_does_not_antialias_by_default():
    x = random_data(IMAGES)
    plain = np.asarray(jax.image.resize(x, (2, 3, 4, 3), "bilinear", antialias=False))
    np.testing.assert_allclose(Resizing(3, 4)(x), plain, rtol=1e-6, atol=1e-6)
    smooth = np.asarray(jax.image.resize(x, (2, 3, 4, 3), "bilinear", antialias=True))
    np.testing.assert_allclose(Resizing(3, 4, antialias=True)(x), smooth, rtol=1e-6, atol=1e-6)
    assert not np.allclose(plain, smooth)


def test_resizing_keeps_integer_images_integer(keras):
    pixels = np.random.default_rng(0).integers(0, 256, IMAGES).astype("uint8")
    got = np.asarray(Resizing(3, 5)(pixels))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.asarray(keras.layers.Resizing(3, 5)(pixels)))
    assert Resizing(3, 5)(pixels[0]).shape == (3, 5, 3)


@pytest.mark.parametrize("size", [(3, 4), (6, 8), (8, 4), (9, 12)])
def test_center_crop_matches_keras(keras, size):
    got, _ = assert_keras_parity(CenterCrop(*size), keras.layers.CenterCrop(*size), random_data(IMAGES))
    assert got.shape == (2, *size, 3)


def test_center_crop_takes_the_middle():
    x = np.arange(6 * 8, dtype="float32").reshape(1, 6, 8, 1)
    np.testing.assert_array_equal(CenterCrop(2, 4)(x), x[:, 2:4, 2:6])
    np.testing.assert_array_equal(CenterCrop(3, 3)(x[0]), x[0, 1:4, 2:5])  # odd margins: extra at the end


# -- the affine warp ----------------------------------------------------------------------------------


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
def test_affine_transform_matches_keras(keras, interpolation, fill_mode):
    x = random_data(IMAGES)
    transform = np.array([[0.9, 0.3, -1.7, -0.2, 1.3, 2.1, 0, 0], [1.5, -0.4, 3.3, 0.25, 0.7, -4.2, 0, 0]], "float32")
    expected = keras.ops.image.affine_transform(x, transform, interpolation, fill_mode, fill_value=0.5)
    got = affine_transform(x, transform, interpolation, fill_mode, fill_value=0.5)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_rotation_by_90_degrees_is_rot90():
    x = random_data((1, 5, 5, 2))
    for angle, k in ((90.0, 1), (-90.0, -1), (180.0, 2)):
        out = affine_transform(x, rotation_transform(jnp.array([angle]), 5, 5), "bilinear", "constant")
        np.testing.assert_allclose(out, np.rot90(x, k=k, axes=(1, 2)), atol=1e-5)


def test_translation_by_whole_pixels():
    x = random_data((1, 6, 8, 1))
    out = np.asarray(affine_transform(x, translation_transform(jnp.array([2.0]), jnp.array([-3.0])), "nearest"))
    expected = np.zeros_like(x)
    expected[:, 2:, :5] = x[:, :4, 3:]  # content moves 2 rows down and 3 columns left
    np.testing.assert_array_equal(out, expected)
    wrapped = affine_transform(x, translation_transform(jnp.array([2.0]), jnp.array([-3.0])), "bilinear", "wrap")
    np.testing.assert_allclose(wrapped, np.roll(x, (2, -3), axis=(1, 2)), atol=1e-6)


def test_fill_modes_by_hand():
    row = np.array([1.0, 2.0, 3.0, 4.0], "float32").reshape(1, 1, 4, 1)
    shift = translation_transform(jnp.array([0.0]), jnp.array([2.0]))  # content moves 2 columns right
    expected = {
        "reflect": [2, 1, 1, 2],  # (d c b a | a b c d | d c b a)
        "wrap": [3, 4, 1, 2],
        "nearest": [1, 1, 1, 2],
        "constant": [-1, -1, 1, 2],
    }
    for mode, values in expected.items():
        out = affine_transform(row, shift, "nearest", mode, fill_value=-1.0)
        np.testing.assert_array_equal(np.asarray(out).ravel(), values, err_msg=mode)


def test_zoom_transform_by_hand():
    x = random_data((1, 5, 5, 1))
    # A zoom of 2 about the centre samples every other pixel around it (zooming out).
    out = affine_transform(x, zoom_transform(jnp.array([2.0]), jnp.array([2.0]), 5, 5), "nearest", "constant")
    np.testing.assert_allclose(np.asarray(out)[0, 1:4, 1:4], x[0, 0:5:2, 0:5:2])


# -- the random layers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "kwargs"), RANDOM_LAYERS)
def test_random_layers_are_identity_outside_training(cls, kwargs):
    x = random_data(IMAGES)
    layer = cls(**kwargs)
    np.testing.assert_array_equal(layer(x, training=False), x)
    np.testing.assert_array_equal(layer(x[0], training=False), x[0])
    model = Sequential([Input(shape=IMAGES[1:]), cls(**kwargs)])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    np.testing.assert_array_equal(model(x, training=False), x)


@pytest.mark.parametrize(("cls", "kwargs"), RANDOM_LAYERS)
def test_a_direct_call_augments_as_in_keras(keras, cls, kwargs):
    """Keras 3's random layers default to ``training=True``: a bare call augments, in both libraries."""
    x = random_data((8, 6, 8, 3))
    assert not np.allclose(cls(**kwargs)(x), x)
    layer = cls(**kwargs)
    assert any(not np.allclose(layer(x[0]), x[0]) for _ in range(8))  # one image: a flip happens with p=1/2
    assert not np.allclose(getattr(keras.layers, cls.__name__)(**kwargs)(x), x)


def test_a_model_call_with_training_unspecified_augments_as_in_keras(keras):
    """model(x) leaves `training` unset: the random layers take their own default (True), as in Keras 3,
    unless the model's call() defaults to False; predict() and training=False never augment."""
    import kerax

    x = random_data((16, 6, 8, 3))

    def augments(model):
        return not np.allclose(np.asarray(model(x)), np.asarray(model(x)))

    def sub_model(lib, default):
        class Sub(lib.Model):
            def __init__(self):
                super().__init__()
                self.flip = lib.layers.RandomFlip("horizontal")

            def call(self, x, training=default):
                return self.flip(x)

        model = Sub()
        model(x)
        return model

    for lib in (kerax, keras):
        inputs = lib.Input(shape=x.shape[1:])
        functional = lib.Model(inputs, lib.layers.RandomFlip("horizontal")(inputs))
        assert augments(functional), lib.__name__
        np.testing.assert_array_equal(np.asarray(functional(x, training=False)), x)
        np.testing.assert_array_equal(functional.predict(x, verbose=0), x)
        assert augments(sub_model(lib, None)), lib.__name__
        assert not augments(sub_model(lib, False)), lib.__name__


@pytest.mark.parametrize(("cls", "kwargs"), RANDOM_LAYERS)
def test_random_layers_change_inputs_in_training_repeatably(cls, kwargs):
    x = random_data((8, 6, 8, 3))
    layer = cls(**kwargs)
    backend.set_random_seed(3)
    first = np.asarray(layer(x, training=True))
    second = np.asarray(layer(x, training=True))
    assert first.shape == x.shape and first.dtype == np.float32
    assert not np.allclose(first, x)
    assert not np.allclose(first, second)  # a new draw on every call
    backend.set_random_seed(3)
    np.testing.assert_array_equal(layer(x, training=True), first)
    np.testing.assert_array_equal(cls(**kwargs)(x, training=True), second)  # the global generator moved on
    single = np.asarray(layer(x[0], training=True))
    assert single.shape == x[0].shape


@pytest.mark.parametrize(("cls", "kwargs"), RANDOM_LAYERS[:3])
def test_seeded_layers_repeat_their_sequence(cls, kwargs):
    x = random_data((8, 6, 8, 3))
    a, b = cls(seed=5, **kwargs), cls(seed=5, **kwargs)
    first = np.asarray(a(x, training=True))
    np.testing.assert_array_equal(b(x, training=True), first)
    assert not np.array_equal(a(x, training=True), first)


def test_random_layers_follow_the_training_step_key():
    layer = RandomRotation(0.3, seed=1)
    x = random_data(IMAGES)
    step = jax.jit(lambda x, key: layer.stateless_call([], [], x, training=True, rng=key)[0])
    k1, k2 = jax.random.key(1), jax.random.key(2)
    np.testing.assert_array_equal(step(x, k1), step(x, k1))
    assert not np.allclose(step(x, k1), step(x, k2))


def test_random_flip_flips_whole_images():
    x = random_data((16, 6, 8, 3))
    backend.set_random_seed(0)
    for mode, flip in (
        ("horizontal", lambda im: im[:, ::-1]),
        ("vertical", lambda im: im[::-1]),
        ("horizontal_and_vertical", lambda im: im[::-1, ::-1]),
    ):
        out = np.asarray(RandomFlip(mode)(x, training=True))
        flipped = [np.array_equal(o, flip(i)) for o, i in zip(out, x, strict=True)]
        kept = [np.array_equal(o, i) for o, i in zip(out, x, strict=True)]
        assert all(f or k for f, k in zip(flipped, kept, strict=True)), mode
        assert any(flipped) and any(kept), mode


def test_random_rotation_with_a_fixed_angle():
    x = random_data((2, 5, 5, 3))
    out = RandomRotation((0.25, 0.25), fill_mode="constant")(x, training=True)
    np.testing.assert_allclose(out, np.rot90(x, k=1, axes=(1, 2)), atol=1e-5)


def test_random_translation_with_a_fixed_shift():
    x = random_data(IMAGES)
    out = RandomTranslation((0.5, 0.5), (-0.25, -0.25), fill_mode="wrap")(x, training=True)
    np.testing.assert_allclose(out, np.roll(x, (3, -2), axis=(1, 2)), atol=1e-5)


def test_random_zoom_with_a_fixed_zoom():
    x = random_data((2, 5, 5, 1))
    out = np.asarray(RandomZoom((1.0, 1.0), interpolation="nearest", fill_mode="constant")(x, training=True))
    np.testing.assert_allclose(out[:, 1:4, 1:4], x[:, 0:5:2, 0:5:2])


def test_random_contrast_scales_about_the_mean_and_clips():
    x = random_data(IMAGES)
    out = np.asarray(RandomContrast((0.4, 0.6), value_range=(-100, 100))(x, training=True))
    mean = x.mean(axis=(1, 2), keepdims=True)
    factors = ((out - mean) / (x - mean)).reshape(len(x), -1)  # one factor per image, in [1 - 0.4, 1 + 0.6]
    np.testing.assert_allclose(factors, factors[:, :1] * np.ones_like(factors), rtol=1e-3)
    assert np.all((factors >= 0.6 - 1e-4) & (factors <= 1.6 + 1e-4))
    assert not np.allclose(factors[0, 0], factors[1, 0])
    clipped = np.asarray(RandomContrast(0.5, value_range=(-0.5, 0.5))(x, training=True))
    assert clipped.min() >= -0.5 and clipped.max() <= 0.5


def test_a_model_with_preprocessing_trains():
    from kerax.layers import Dense, Flatten

    backend.set_random_seed(0)
    x, y = random_data(IMAGES), random_data((2, 1))
    norm = Normalization()
    norm.adapt(x)
    model = Sequential(
        [Input(shape=IMAGES[1:]), norm, RandomFlip(), RandomZoom(0.1), CenterCrop(4, 4), Flatten(), Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert [w.path for w in model.non_trainable_weights] == [
        f"{norm.name}/mean",
        f"{norm.name}/variance",
        f"{norm.name}/count",
    ]


def test_augmentation_in_a_model_is_off_at_prediction():
    x = random_data(IMAGES)
    model = Sequential([Input(shape=IMAGES[1:]), RandomFlip(), RandomRotation(0.1), Rescaling(2.0)])
    np.testing.assert_allclose(model.predict(x, verbose=0), 2 * x, rtol=1e-6)


# -- configs and arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Rescaling", {"scale": 0.5}),
        ("Normalization", {}),
        ("Resizing", {"height": 3, "width": 4}),
        ("CenterCrop", {"height": 3, "width": 4}),
        ("RandomFlip", {}),
        ("RandomRotation", {"factor": 0.2}),
        ("RandomZoom", {"height_factor": 0.2}),
        ("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.2}),
        ("RandomContrast", {"factor": 0.5}),
    ],
)
def test_config_matches_keras(keras, name, kwargs):
    import kerax.layers._preprocessing as pre

    ours = getattr(pre, name)(**kwargs).get_config()
    theirs = getattr(keras.layers, name)(**kwargs).get_config()
    assert set(ours) - {"trainable", "dtype", "name"} == set(theirs) - {"trainable", "dtype", "name"}
    for key, value in theirs.items():
        if key not in ("trainable", "dtype", "name"):
            assert ours[key] == value, key
    json.dumps(ours)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: RandomFlip(mode="diagonal"), "`mode` must be one of"),
        (lambda: RandomRotation(1.5), "`factor` must be a number"),
        (lambda: RandomRotation(0.1, fill_mode="mirror"), "`fill_mode` must be one of"),
        (lambda: RandomZoom(-1.0), "`height_factor` must be"),
        (lambda: RandomTranslation(0.1, (0.1, 0.2, 0.3)), "`width_factor` must be"),
        (lambda: RandomContrast(-0.1), "`factor` must be"),
        (lambda: RandomFlip(seed=1.5), "`seed` must be an int"),
        (lambda: Resizing(0, 4), "`height` must be a positive integer"),
        (lambda: Resizing(4, 4, interpolation="area"), "`interpolation` must be one of"),
        (lambda: Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "only one of"),
        (lambda: CenterCrop(4, 4, data_format="channels_first"), "not supported"),
        (lambda: Rescaling("big"), "`scale` must be a number"),
    ],
)
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_images_must_have_rank_3_or_4():
    with pytest.raises(ValueError, match="rank 3"):
        RandomFlip()(np.ones((4, 4), "float32"))
    with pytest.raises(ValueError, match="rank 3"):
        Resizing(2, 2)(np.ones((4, 4), "float32"))
