"""The Keras 3 image augmentation layers beyond flips, rotations, zooms, translations and contrast: the
layer contract, exact parity with Keras wherever the result is determined (inference, deterministic
layers, zero-width factor ranges), statistics of the random draws against Keras's, seeded repeatability,
use inside a model, configs and argument errors."""

from __future__ import annotations

import json

import jax
import numpy as np
import pytest

import kerax
from kerax import backend
from kerax.layers import Input
from kerax.layers._preprocessing._image_utils import affine_transform
from kerax.models import Sequential
from kerax.ops._image import homographies

from .harness import run_layer_test

# Keras's MixUp asks JAX for an int64 permutation and JAX warns that it gives int32.
pytestmark = pytest.mark.filterwarnings("ignore:Explicitly requested dtype int64:UserWarning")

SHAPE = (4, 8, 8, 3)  # one image shape for (nearly) every test: each new shape is a new compilation


def pixels(shape=SHAPE, seed=0):
    """Pixel values in [0, 255), as the layers expect by default."""
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


# Every layer, with arguments that make it do something, and whether it changes images in inference.
LAYERS = {
    "RandomCrop": {"height": 5, "width": 6},
    "RandomBrightness": {"factor": 0.2},
    "RandomColorDegeneration": {"factor": 0.5},
    "RandomColorJitter": {
        "brightness_factor": 0.1,
        "contrast_factor": 0.3,
        "saturation_factor": 0.4,
        "hue_factor": 0.2,
    },
    "RandomGrayscale": {"factor": 0.5},
    "RandomHue": {"factor": 0.5},
    "RandomSaturation": {"factor": 0.5},
    "RandomSharpness": {"factor": 0.5},
    "RandomShear": {"x_factor": 0.3, "y_factor": 0.2},
    "RandomInvert": {},
    "RandomPosterization": {"factor": 6},
    "RandomErasing": {},
    "RandomGaussianBlur": {},
    "RandomPerspective": {"scale": 0.5},
    "RandomElasticTransform": {},
    "AutoContrast": {},
    "Equalization": {},
    "Solarization": {"addition_factor": 0.3, "threshold_factor": 0.6},
    "AugMix": {},
    "CutMix": {},
    "MixUp": {},
    "RandAugment": {},
    "MaxNumBoundingBoxes": {"max_number": 3},
    "ContrastLimitedAdaptiveHistogramEqualization": {"tile_grid_size": (2, 2)},
}
ALWAYS_APPLIED = {"AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization"}  # also in inference
RANDOM = sorted(set(LAYERS) - ALWAYS_APPLIED - {"MaxNumBoundingBoxes", "Equalization", "RandomCrop"})


def make(lib, name, **overrides):
    return getattr(lib.layers, name)(**{**LAYERS[name], **overrides})


# -- the layer contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_contract(name):
    # The random layers augment by default (training=True, as in Keras): check their inference contract;
    # the deterministic ones also take the training (gradient) check.
    output = (SHAPE[0], 5, 6, 3) if name == "RandomCrop" else SHAPE
    deterministic = name in ALWAYS_APPLIED or name == "MaxNumBoundingBoxes"
    run_layer_test(
        getattr(kerax.layers, name),
        LAYERS[name],
        SHAPE,
        output,
        call_kwargs=None if deterministic else {"training": False},
        run_training_check=deterministic,
    )


# -- inference -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RANDOM + ["Equalization", "MaxNumBoundingBoxes"])
def test_identity_outside_training_as_in_keras(keras, name):
    x = pixels()
    ours = make(kerax, name)
    np.testing.assert_array_equal(ours(x, training=False), x)
    np.testing.assert_array_equal(ours(x[0], training=False), x[0])
    np.testing.assert_array_equal(np.asarray(make(keras, name)(x, training=False)), x)


def test_random_crop_outside_training_crops_the_centre_and_resizes(keras):
    """Keras documents a central crop (to the target's aspect ratio) and resize at inference (its 3.15 code
    returns the input instead, which contradicts its own output shape); Keras's training path on an input
    too small to crop at random runs the documented computation, so compare with that."""
    x = pixels()
    ours = kerax.layers.RandomCrop(8, 4)
    expected = np.asarray(keras.layers.RandomCrop(8, 4)(x, training=True))
    np.testing.assert_allclose(ours(x, training=False), expected, atol=1e-4)
    np.testing.assert_allclose(ours(x, training=True), expected, atol=1e-4)  # too small for a random window
    np.testing.assert_allclose(ours(x[0], training=False), expected[0], atol=1e-4)
    resized = keras.layers.Resizing(4, 3, crop_to_aspect_ratio=True)(x)  # the largest 8x6 window, resized
    np.testing.assert_allclose(kerax.layers.RandomCrop(4, 3)(x, training=False), np.asarray(resized), atol=1e-4)


# -- exact parity where the result is determined ---------------------------------------------------


DETERMINED = [
    ("RandomBrightness", {"factor": (-0.3, -0.3), "value_range": (0, 1)}),
    ("RandomColorDegeneration", {"factor": (-0.5, -0.5)}),
    ("RandomSaturation", {"factor": (0.3, 0.3)}),
    ("RandomSharpness", {"factor": (0.1, 0.1), "value_range": (20, 200)}),
    ("RandomGrayscale", {"factor": 1.0}),
    ("RandomInvert", {"factor": (1.0, 1.0)}),
    ("RandomPosterization", {"factor": (1, 1), "value_range": (0, 1)}),
    ("RandomGaussianBlur", {"factor": (1.0, 1.0), "sigma": (0.7, 0.7), "kernel_size": (3, 5)}),
    ("RandomErasing", {"factor": (1.0, 1.0), "scale": (1.0, 1.0), "fill_value": 7.0}),
    ("Solarization", {"value_range": (0, 1)}),
    ("RandomColorJitter", {"brightness_factor": (0.1, 0.1), "contrast_factor": 0.0, "saturation_factor": (0.7, 0.7)}),
    ("AutoContrast", {"value_range": (-1, 300)}),
    ("Equalization", {}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (3, 2), "clip_limit": 2.0}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (2, 2), "clip_limit": 0}),
]


@pytest.mark.parametrize(("name", "kwargs"), DETERMINED, ids=lambda v: v if isinstance(v, str) else "")
def test_determined_results_match_keras(keras, name, kwargs):
    low, high = kwargs.get("value_range", (0, 255))
    x = pixels()
    x[1, :4] = 60.0  # a flat patch: constant tiles and repeated values
    x = (low + x / 255 * (high - low)).astype("float32")  # values in the layer's range
    expected = np.asarray(getattr(keras.layers, name)(**kwargs)(x, training=True))
    got = np.asarray(getattr(kerax.layers, name)(**kwargs)(x, training=True))
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=2e-3)
    if name in ("AutoContrast", "Equalization", "RandomSharpness"):  # these look at the whole image or batch
        single = np.asarray(getattr(kerax.layers, name)(**kwargs)(x[1], training=True))
        theirs = np.asarray(getattr(keras.layers, name)(**kwargs)(x[1], training=True))
        np.testing.assert_allclose(single, theirs, rtol=1e-4, atol=2e-3)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("RandomHue", {"factor": (0.6, 0.6)}),
        ("RandomShear", {"x_factor": (0.3, 0.3), "y_factor": (0.2, 0.2)}),
        (
            "RandomShear",
            {"x_factor": (0.5, 0.5), "fill_mode": "constant", "fill_value": 9.0, "interpolation": "nearest"},
        ),
    ],
)
def test_fixed_magnitude_with_a_random_sign_matches_keras(keras, name, kwargs):
    """These layers flip the sign of their fixed amount at random: each of our images must equal one of
    Keras's two outcomes for it, and both signs must occur."""
    image = pixels((1, 8, 8, 3))
    x = np.repeat(image, 16, axis=0)
    theirs = np.asarray(getattr(keras.layers, name)(**kwargs)(x, training=True))
    outcomes = np.unique(np.round(theirs, 2), axis=0)
    assert len(outcomes) == 2  # both signs among 16 draws (fails with probability 2 ** -15)
    ours = np.asarray(getattr(kerax.layers, name)(**kwargs)(x, training=True))
    distances = np.abs(ours[:, None] - outcomes[None]).max(axis=(2, 3, 4))
    assert np.all(distances.min(axis=1) < 1e-2)
    assert len(set(distances.argmin(axis=1))) == 2


def test_perspective_warp_matches_keras(keras):
    x = pixels((2, 8, 8, 3))
    start = np.array([[[0, 0], [7, 0], [0, 7], [7, 7]]] * 2, "float32")
    end = start + np.array(
        [[[1, 0.5], [-1, 1], [0.5, -1], [-0.5, -0.5]], [[0, 0], [1, 0], [0, 1], [-1, -1]]], "float32"
    )
    for interpolation in ("bilinear", "nearest"):
        expected = keras.ops.image.perspective_transform(x, start, end, interpolation=interpolation, fill_value=3.0)
        got = affine_transform(x, homographies(start, end), interpolation, "constant", 3.0)
        np.testing.assert_allclose(got, np.asarray(expected), atol=1e-3)


def test_max_num_bounding_boxes_matches_keras(keras):
    data = {
        "images": pixels((2, 8, 8, 3)),
        "bounding_boxes": {"boxes": pixels((2, 5, 4)), "labels": np.arange(10, dtype="float32").reshape(2, 5)},
    }
    for max_number in (3, 7):
        theirs = keras.layers.MaxNumBoundingBoxes(max_number, fill_value=-2, bounding_box_format="xyxy")(
            {"images": data["images"], "bounding_boxes": dict(data["bounding_boxes"])}
        )
        ours = kerax.layers.MaxNumBoundingBoxes(max_number, fill_value=-2, bounding_box_format="xyxy")(data)
        np.testing.assert_array_equal(ours["images"], data["images"])
        for key in ("boxes", "labels"):
            np.testing.assert_array_equal(ours["bounding_boxes"][key], np.asarray(theirs["bounding_boxes"][key]))
    with pytest.raises(ValueError, match="no `bounding_box_format`"):
        kerax.layers.MaxNumBoundingBoxes(3)(data)


# -- statistics of the random draws against Keras's -------------------------------------------------

# name, kwargs, number of calls: layers that draw per image need one call on a batch of copies, those
# that draw once per batch need several.
STATISTICS = [
    ("RandomBrightness", {"factor": 0.2}, 1),
    ("RandomColorDegeneration", {"factor": 0.5}, 1),
    ("RandomColorJitter", LAYERS["RandomColorJitter"], 1),
    ("RandomGrayscale", {"factor": 0.5}, 1),
    ("RandomHue", {"factor": 0.5}, 1),
    ("RandomSaturation", {"factor": 0.5}, 1),
    ("RandomSharpness", {"factor": 0.5}, 1),
    ("RandomShear", {"x_factor": 0.3, "y_factor": 0.3}, 1),
    ("RandomInvert", {}, 1),
    ("RandomPosterization", {"factor": 6}, 1),
    ("RandomErasing", {"fill_value": 0.0}, 1),
    ("RandomPerspective", {"scale": 0.5}, 1),
    ("Solarization", {"addition_factor": 0.3, "threshold_factor": 0.6}, 1),
    ("RandomGaussianBlur", {}, 6),
    ("RandomElasticTransform", {}, 6),
]


def draw_statistics(layer, x, calls):
    """The mean output, the spread across draws (std per pixel, averaged) and the mean change."""
    outs = np.concatenate([np.asarray(layer(x, training=True)) for _ in range(calls)])
    return outs.mean(), outs.std(axis=0).mean(), np.abs(outs - x[:1]).mean()


@pytest.mark.parametrize(("name", "kwargs", "calls"), STATISTICS, ids=[s[0] for s in STATISTICS])
def test_random_draws_match_keras_statistically(keras, name, kwargs, calls):
    x = np.repeat(pixels((1, 8, 8, 3)), 64 if calls == 1 else 8, axis=0)
    backend.set_random_seed(1)
    keras.utils.set_random_seed(1)
    ours = draw_statistics(getattr(kerax.layers, name)(**kwargs), x, calls)
    theirs = draw_statistics(getattr(keras.layers, name)(**kwargs), x, calls)
    # Independent random draws: a loose, fixed tolerance (the effects compared are 15 to 70 on 0-255).
    assert abs(ours[0] - theirs[0]) < 8.0, (ours, theirs)
    assert 0.7 < ours[1] / theirs[1] < 1.45, (ours, theirs)
    assert 0.7 < ours[2] / theirs[2] < 1.45, (ours, theirs)


def test_random_crop_takes_uniform_windows():
    x = pixels((2, 8, 8, 3))
    layer = kerax.layers.RandomCrop(5, 6, seed=3)
    corners = []
    for _ in range(100):  # all 12 positions occur with probability 0.998
        out = np.asarray(layer(x))
        found = [
            (t, left) for t in range(4) for left in range(3) if np.array_equal(out, x[:, t : t + 5, left : left + 6])
        ]
        assert len(found) == 1  # one window, shared by the batch
        corners.append(found[0])
    assert len(set(corners)) == 12  # every one of the 4 x 3 positions occurs


def test_mix_up_mixes_images_and_labels_like_keras(keras):
    x = pixels((16, 8, 8, 3))
    labels = np.eye(16, dtype="float32")
    data = {"images": x, "labels": labels}
    out = kerax.layers.MixUp(alpha=0.4, seed=2)(data)
    mixed, weights = np.asarray(out["images"]), np.asarray(out["labels"])
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    # Each label row holds w for the image itself and 1 - w for its partner: rebuild the images from them.
    np.testing.assert_allclose(mixed, np.einsum("ij,jhwc->ihwc", weights, x), rtol=1e-4, atol=1e-2)

    def spread(lib, calls=6):
        layer = lib.layers.MixUp(alpha=0.4)
        own = [np.diag(np.asarray(layer({"images": x, "labels": labels})["labels"])) for _ in range(calls)]
        return np.abs(np.concatenate(own) - 0.5).mean()  # Beta(0.4, 0.4) puts most weight near 0 or 1

    assert abs(spread(kerax) - spread(keras)) < 0.06
    np.testing.assert_array_equal(kerax.layers.MixUp()(data, training=False)["images"], x)


def test_cut_mix_pastes_boxes_and_mixes_labels_by_area_like_keras(keras):
    x = np.repeat(np.arange(16, dtype="float32")[:, None, None, None], 8, axis=1).repeat(8, axis=2).repeat(3, axis=3)
    labels = np.eye(16, dtype="float32")
    out = kerax.layers.CutMix(seed=4)({"images": x, "labels": labels})
    mixed, weights = np.asarray(out["images"]), np.asarray(out["labels"])
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    for i in range(16):
        pasted = mixed[i, ..., 0] != i
        if not pasted.any():
            continue
        rows, cols = np.nonzero(pasted.any(axis=1))[0], np.nonzero(pasted.any(axis=0))[0]
        assert pasted.sum() == len(rows) * len(cols)  # one axis-aligned box, from one partner
        partner = int(mixed[i, rows[0], cols[0], 0])
        assert np.all(mixed[i][pasted] == partner)
        # The partner's label weight is the box's area (sides of w, h pixels cover w +- 1, h +- 1 pixels).
        area = weights[i, partner] * 64
        assert (len(rows) - 1) * (len(cols) - 1) - 1e-3 <= area <= (len(rows) + 1) * (len(cols) + 1) + 1e-3
        np.testing.assert_allclose(weights[i, i] + weights[i, partner], 1.0, rtol=1e-5)

    def kept(lib, calls=6):
        layer = lib.layers.CutMix()
        own = [np.diag(np.asarray(layer({"images": x, "labels": labels})["labels"])) for _ in range(calls)]
        return np.mean(np.concatenate(own))

    assert abs(kept(kerax) - kept(keras)) < 0.08
    np.testing.assert_array_equal(kerax.layers.CutMix()(x[0]), x[0])  # one image: nothing to mix with


@pytest.mark.parametrize("name", ["RandAugment", "AugMix"])
def test_composite_layers_stay_in_range_and_change_images(keras, name):
    x = pixels()
    layer, twin = make(kerax, name, seed=5), make(kerax, name, seed=5)
    outs = np.stack([np.asarray(layer(x)) for _ in range(4)])
    np.testing.assert_array_equal(twin(x), outs[0])  # the same seed, the same draws
    assert outs.min() >= 0 and outs.max() <= 255
    assert not np.allclose(outs[0], outs[1])
    assert np.mean(np.abs(outs - x)) > 5.0  # the images do change, noticeably
    keras_out = np.asarray(make(keras, name)(x))
    assert keras_out.min() >= 0 and keras_out.max() <= 255


# -- seeded repeatability, training keys, models ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(RANDOM) - {"AugMix", "RandAugment"}) + ["RandomCrop"])
def test_seeded_layers_repeat_and_seeds_differ(name):
    x = pixels()
    a, b, c = make(kerax, name, seed=11), make(kerax, name, seed=11), make(kerax, name, seed=12)
    first = np.asarray(a(x))
    np.testing.assert_array_equal(b(x), first)
    assert not np.array_equal(c(x), first) or not np.array_equal(c(x), first)  # another seed, other draws
    assert not np.array_equal(a(x), first) or not np.array_equal(a(x), first)  # a new draw every call
    # Inside a compiled training step the step's key decides.
    step = jax.jit(lambda v, key: a.stateless_call([], [], v, training=True, rng=key)[0])
    k1 = jax.random.key(1)
    np.testing.assert_array_equal(step(x, k1), step(x, k1))


def test_layers_work_in_a_trained_model():
    from kerax.layers import Dense, Flatten

    backend.set_random_seed(0)
    x, y = pixels((8, 8, 8, 3)), np.random.default_rng(1).standard_normal((8, 1)).astype("float32")
    augment = [kerax.layers.RandomCrop(6, 6), kerax.layers.RandomBrightness(0.1), kerax.layers.CutMix()]
    model = Sequential([Input(shape=(8, 8, 3)), *augment, kerax.layers.Rescaling(1 / 255), Flatten(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    inference = Sequential([Input(shape=(8, 8, 3)), *augment[1:]])
    np.testing.assert_array_equal(inference.predict(x, verbose=0), x)  # nothing augments in inference


# -- configs and errors --------------------------------------------------------------------------------


CONFIG_CASES = {
    **LAYERS,
    "RandomCrop": {"height": 5, "width": 6, "seed": 3},
    "RandomGaussianBlur": {"kernel_size": (3, 5), "sigma": (0.2, 0.6)},
    "RandomErasing": {"fill_value": [1.0, 2.0, 3.0], "scale": 0.5},
    "MaxNumBoundingBoxes": {"max_number": 3, "bounding_box_format": "xyxy"},
}


@pytest.mark.parametrize("name", sorted(CONFIG_CASES))
def test_config_matches_keras(keras, name):
    ours = getattr(kerax.layers, name)(**CONFIG_CASES[name]).get_config()
    theirs = getattr(keras.layers, name)(**CONFIG_CASES[name]).get_config()
    ignored = {"trainable", "dtype", "name"}
    extra = {"fill_value"} if name == "MaxNumBoundingBoxes" else set()  # Keras drops it from its config
    assert set(ours) - ignored - extra == set(theirs) - ignored
    for key, value in theirs.items():
        if key not in ignored:
            assert json.loads(json.dumps(ours[key])) == json.loads(json.dumps(value)), key
    clone = getattr(kerax.layers, name).from_config(json.loads(json.dumps(ours)))
    assert json.dumps(clone.get_config()) == json.dumps(ours)


@pytest.mark.parametrize(
    ("make_layer", "message"),
    [
        (lambda: kerax.layers.RandomCrop(0, 4), "`height` must be a positive integer"),
        (lambda: kerax.layers.RandomBrightness(1.5), "`factor` must be a number or a pair"),
        (lambda: kerax.layers.RandomBrightness(0.1, value_range=(0, 1, 2)), "`value_range` must be a pair"),
        (lambda: kerax.layers.RandomHue((0.1, 2.0)), "`factor` must be"),
        (lambda: kerax.layers.RandomGrayscale(1.5), "`factor` must be a number in \\[0, 1\\]"),
        (lambda: kerax.layers.RandomShear(x_factor=2.0), "`x_factor` must be"),
        (lambda: kerax.layers.RandomShear(fill_mode="mirror"), "`fill_mode` must be one of"),
        (lambda: kerax.layers.RandomPosterization(9), "`factor` must be"),
        (lambda: kerax.layers.RandomErasing(fill_value=[1, 2]), "`fill_value` must be None, a number"),
        (lambda: kerax.layers.RandomGaussianBlur(kernel_size=4), "`kernel_size` must be a positive odd integer"),
        (lambda: kerax.layers.RandomPerspective(scale=2.0), "`scale` must be a number in"),
        (lambda: kerax.layers.RandomElasticTransform(fill_mode="edge"), "`fill_mode` must be one of"),
        (lambda: kerax.layers.Solarization(threshold_factor=-0.1), "`threshold_factor` must be"),
        (lambda: kerax.layers.Equalization(bins=0), "`bins` must be a positive integer"),
        (lambda: kerax.layers.MixUp(alpha=0), "`alpha` must be a positive number"),
        (lambda: kerax.layers.CutMix(factor=(0.2, 1.2)), "`factor` must be"),
        (lambda: kerax.layers.RandAugment(num_ops=-1), "`num_ops` must be a non-negative integer"),
        (lambda: kerax.layers.AugMix(chain_depth=0), "`chain_depth` must be a positive integer"),
        (lambda: kerax.layers.MaxNumBoundingBoxes(0), "`max_number` must be a positive integer"),
        (
            lambda: kerax.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2,)),
            "`tile_grid_size` must be a pair",
        ),
        (lambda: kerax.layers.RandomCrop(4, 4, seed=1.5), "`seed` must be an int"),
    ],
)
def test_bad_arguments_are_refused(make_layer, message):
    with pytest.raises(ValueError, match=message):
        make_layer()


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="expected images of rank 3"):
        kerax.layers.RandomBrightness(0.1)(np.zeros((8, 8), "float32"))
    with pytest.raises(ValueError, match="Dict inputs .* are not supported"):
        kerax.layers.RandomHue(0.1)({"images": pixels(), "bounding_boxes": {}})
    with pytest.raises(ValueError, match="expected images with 3 channels"):
        kerax.layers.RandomHue(0.1)(np.zeros((2, 4, 4, 2), "float32"))
    with pytest.raises(ValueError, match="may have a 'labels' key"):
        kerax.layers.MixUp()({"images": pixels(), "segmentation_masks": pixels()})
    with pytest.raises(ValueError, match="expected labels of shape \\(batch, num_classes\\) with batch 4"):
        kerax.layers.CutMix()({"images": pixels(), "labels": np.zeros((3, 2), "float32")})
