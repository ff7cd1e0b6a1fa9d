"""MobileNet, DenseNet, InceptionV3, InceptionResNetV2, MobileNetV3, EfficientNetV2, ConvNeXt and NASNet:
ImageNet weight files, preprocessing, argument checks and (for MobileNetV3Small) Keras-saved weights.

Architectures are compared with Keras's in ``test_architectures.py``. Here Keras 3 is the oracle for
the published weight addresses and hashes (read from Keras's own modules), for ``preprocess_input``,
and for the predictions of a MobileNetV3Small whose weights Keras saved in its legacy HDF5 layout
(the layout of the published ImageNet files), loaded through ``weights="imagenet"`` with the download
redirected to that file.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import kerax
from kerax import applications
from kerax.applications import (
    _weights,
    convnext,
    densenet,
    efficientnet_v2,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v3,
    nasnet,
)

keras = pytest.importorskip("keras")
from keras.src.applications import convnext as k_convnext  # noqa: E402
from keras.src.applications import densenet as k_densenet  # noqa: E402
from keras.src.applications import efficientnet_v2 as k_efficientnet_v2  # noqa: E402
from keras.src.applications import inception_resnet_v2 as k_inception_resnet_v2  # noqa: E402
from keras.src.applications import inception_v3 as k_inception_v3  # noqa: E402
from keras.src.applications import mobilenet as k_mobilenet  # noqa: E402
from keras.src.applications import mobilenet_v3 as k_mobilenet_v3  # noqa: E402
from keras.src.applications import nasnet as k_nasnet  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402


def test_weight_files_are_keras_addresses_and_hashes() -> None:
    # Keras's modules hold the addresses (and for three families the hash tables); the other hashes
    # are inline in Keras's builders and are checked here against the values Keras passes to get_file.
    for key, hashes in k_mobilenet_v3.WEIGHTS_HASHES.items():
        model_type, rest = key.split("_", 1)
        minimalistic = rest.startswith("minimalistic")
        alpha = float(key.rsplit("_", 2)[1])
        for include_top, suffix, file_hash in ((True, "", hashes[0]), (False, "_no_top_v2", hashes[1])):
            fname = f"weights_mobilenet_v3_{key}{suffix}.h5"
            assert mobilenet_v3._weights_file(model_type, minimalistic, alpha, include_top) == (
                fname,
                k_mobilenet_v3.BASE_WEIGHT_PATH + fname,
                file_hash,
            )
    for variant, hashes in k_efficientnet_v2.WEIGHTS_HASHES.items():
        stem = "efficientnetv2" + ("-" if variant.startswith("b") else "") + variant
        for include_top, suffix, file_hash in ((True, ".h5", hashes[0]), (False, "_notop.h5", hashes[1])):
            assert efficientnet_v2._weights_file(variant, include_top) == (
                stem + suffix,
                k_efficientnet_v2.BASE_WEIGHTS_PATH + stem + suffix,
                file_hash,
            )
    for key, hashes in k_convnext.WEIGHTS_HASHES.items():
        for include_top, suffix, file_hash in ((True, ".h5", hashes[0]), (False, "_notop.h5", hashes[1])):
            assert convnext._weights_file(key.split("_")[1], include_top) == (
                key + suffix,
                k_convnext.BASE_WEIGHTS_PATH + key + suffix,
                file_hash,
            )
    dense = {
        "densenet121": (k_densenet.DENSENET121_WEIGHT_PATH, k_densenet.DENSENET121_WEIGHT_PATH_NO_TOP),
        "densenet169": (k_densenet.DENSENET169_WEIGHT_PATH, k_densenet.DENSENET169_WEIGHT_PATH_NO_TOP),
        "densenet201": (k_densenet.DENSENET201_WEIGHT_PATH, k_densenet.DENSENET201_WEIGHT_PATH_NO_TOP),
    }
    dense_hashes = {
        ("densenet121", True): "9d60b8095a5708f2dcce2bca79d332c7",
        ("densenet121", False): "30ee3e1110167f948a6b9946edeeb738",
        ("densenet169", True): "d699b8f76981ab1b30698df4c175e90b",
        ("densenet169", False): "b8c4d4c20dd625c148057b9ff1c1176b",
        ("densenet201", True): "1ceb130c1ea1b78c3bf6114dbdfd8807",
        ("densenet201", False): "c13680b51ded0fb44dff2d8f86ac8bb1",
    }
    for variant, (top_path, notop_path) in dense.items():
        for include_top, path in ((True, top_path), (False, notop_path)):
            fname, origin, file_hash = densenet._weights_file(variant, include_top)
            assert (origin, fname) == (path, path.rsplit("/", 1)[1])
            assert file_hash == dense_hashes[variant, include_top]
    assert inception_v3._weights_file(True)[:2] == (
        "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
        k_inception_v3.WEIGHTS_PATH,
    )
    assert inception_v3._weights_file(False)[1] == k_inception_v3.WEIGHTS_PATH_NO_TOP
    assert [inception_v3._weights_file(t)[2] for t in (True, False)] == [
        "9a0d58056eeedaa3f26cb7ebd46da564",
        "bcbd6486424b2319ff4ef7d526e38f63",
    ]
    top = inception_resnet_v2._weights_file(True)
    assert top[1] == k_inception_resnet_v2.BASE_WEIGHT_URL + top[0]
    assert top[0] == "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5"
    assert [inception_resnet_v2._weights_file(t)[2] for t in (True, False)] == [
        "e693bd0210a403b3192acc6073ad2e96",
        "d19885ff4a710c122648d3b5c3b684e4",
    ]
    assert mobilenet._weights_file(0.25, 128, False) == (
        "mobilenet_2_5_128_tf_no_top.h5",
        k_mobilenet.BASE_WEIGHT_PATH + "mobilenet_2_5_128_tf_no_top.h5",
        None,
    )
    assert mobilenet._weights_file(1.0, 224, True)[0] == "mobilenet_1_0_224_tf.h5"
    assert nasnet._WEIGHT_FILES[224] == (
        ("nasnet_mobile.h5", k_nasnet.NASNET_MOBILE_WEIGHT_PATH, "020fb642bf7360b370c678b08e0adf61"),
        ("nasnet_mobile_no_top.h5", k_nasnet.NASNET_MOBILE_WEIGHT_PATH_NO_TOP, "1ed92395b5b598bdda52abe5c0dbfd63"),
    )
    assert nasnet._WEIGHT_FILES[331] == (
        ("nasnet_large.h5", k_nasnet.NASNET_LARGE_WEIGHT_PATH, "11577c9a518f0070763c2b964a382f17"),
        ("nasnet_large_no_top.h5", k_nasnet.NASNET_LARGE_WEIGHT_PATH_NO_TOP, "d81d89dc07e6e56530c4e77faddd61b5"),
    )


@pytest.mark.parametrize(
    "module",
    ["mobilenet", "densenet", "inception_v3", "inception_resnet_v2", "mobilenet_v3", "efficientnet_v2", "convnext"]
    + ["nasnet"],
)
def test_preprocess_input_matches_keras(module: str) -> None:
    x = np.random.default_rng(0).uniform(0, 255, (2, 5, 4, 3)).astype("float32")
    ours = getattr(applications, module).preprocess_input(x.copy())
    theirs = getattr(keras.applications, module).preprocess_input(x.copy())
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-5)
    ours_first = getattr(applications, module).preprocess_input(x.transpose(0, 3, 1, 2), data_format="channels_first")
    theirs_first = getattr(keras.applications, module).preprocess_input(
        x.transpose(0, 3, 1, 2), data_format="channels_first"
    )
    np.testing.assert_allclose(np.asarray(ours_first), np.asarray(theirs_first), rtol=1e-6, atol=1e-5)


def test_channels_last_only_families_refuse_channels_first() -> None:
    kerax.backend.set_image_data_format("channels_first")
    try:
        for build, family in (
            (applications.DenseNet121, "DenseNet"),
            (applications.ConvNeXtTiny, "ConvNeXt"),
            (applications.NASNetMobile, "NASNet"),
        ):
            with pytest.raises(ValueError, match=f"{family} does not support the `channels_first`"):
                build(weights=None)
    finally:
        kerax.backend.set_image_data_format("channels_last")


def test_argument_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="alpha can be one of `0.25`, `0.50`, `0.75` or `1.0`"):
        applications.MobileNet(alpha=0.3)
    with pytest.raises(ValueError, match="depth multiplier must be 1"):
        applications.MobileNet(depth_multiplier=2)
    with pytest.raises(ValueError, match="`depth_multiplier` must be a positive integer"):
        applications.MobileNet(weights=None, depth_multiplier=0)
    with pytest.raises(ValueError, match=r"`0.75`, `1.0` for non minimalistic or `1.0` for minimalistic"):
        applications.MobileNetV3Small(alpha=0.75, minimalistic=True)
    with pytest.raises(ValueError, match="`alpha` must be a positive number"):
        applications.MobileNetV3Large(weights=None, alpha=-1)
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        applications.MobileNetV3Small(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="input_shape argument must be static"):
        applications.NASNetMobile(include_top=False, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        applications.EfficientNetV2B0(classes=10)
    with pytest.raises(ValueError, match="`pooling` must be None, 'avg' or 'max'"):
        applications.ConvNeXtTiny(weights=None, include_top=False, pooling="sum")
    with pytest.raises(ValueError, match="should be either `None`"):
        applications.InceptionV3(weights="no/such/file.h5")
    with pytest.raises(ValueError, match=r"`input_shape` should be \(299, 299, 3\)"):
        applications.InceptionResNetV2(input_shape=(150, 150, 3))
    with pytest.raises(TypeError, match="`scale` must be a number"):
        inception_resnet_v2.CustomScaleLayer("big")
    with pytest.raises(ValueError, match="`projection_dim` must be a positive integer"):
        convnext.LayerScale(1e-6, 0)


def test_custom_layers_compute_what_keras_computes() -> None:
    from keras.src.applications.convnext import LayerScale as KerasLayerScale
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer as KerasCustomScaleLayer

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(2, 3, 4)).astype("float32")
    ours = inception_resnet_v2.CustomScaleLayer(0.17)
    np.testing.assert_allclose(
        np.asarray(ours([a, b])), np.asarray(KerasCustomScaleLayer(0.17)([a, b])), rtol=1e-6, atol=1e-6
    )
    assert ours.get_config()["scale"] == 0.17
    scale = convnext.LayerScale(0.5, 4)
    np.testing.assert_allclose(np.asarray(scale(a)), np.asarray(KerasLayerScale(0.5, 4)(a)), rtol=1e-6)
    assert [tuple(w.shape) for w in scale.weights] == [(4,)]
    assert scale.get_config()["projection_dim"] == 4
    with pytest.raises(ValueError, match="projection_dim=5 but its input has 4 channels"):
        convnext.LayerScale(0.5, 5)(a)


def _randomize_statistics(model, rng: np.random.Generator) -> None:
    for variable in model.weights:
        leaf = variable.path.rsplit("/", 1)[-1]
        shape = tuple(variable.shape)
        if leaf in ("gamma", "moving_variance"):
            variable.assign(rng.uniform(0.5, 1.5, shape).astype("float32"))
        elif leaf in ("beta", "moving_mean"):
            variable.assign(rng.normal(0.0, 0.1, shape).astype("float32"))


def test_mobilenet_v3_small_imagenet_path_loads_keras_weights(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``weights="imagenet"`` asks for Keras's file and, given a file Keras saved, predicts what Keras does."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    reference = keras.applications.MobileNetV3Small(weights=None)
    rng = np.random.default_rng(0)
    _randomize_statistics(reference, rng)
    feature_layer = reference.layers[reference.layers.index(reference.get_layer("global_average_pooling2d")) - 1]
    features = keras.Model(reference.inputs, feature_layer.output)
    files = {True: str(tmp_path / "top.h5"), False: str(tmp_path / "notop.h5")}
    for include_top, model in ((True, reference), (False, features)):
        with h5py.File(files[include_top], "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, model)
    asked = []

    def fake_download(fname: str, origin: str, file_hash: str | None) -> str:
        asked.append((fname, origin, file_hash))
        return files[not fname.endswith("_no_top_v2.h5")]

    monkeypatch.setattr(_weights, "download", fake_download)

    # one prediction each (compiling is what costs); the feature extractor is checked weight by weight
    x = rng.uniform(0.0, 255.0, (2, 224, 224, 3)).astype("float32")
    model = applications.MobileNetV3Small(weights="imagenet", input_shape=(224, 224, 3))
    np.testing.assert_allclose(
        np.asarray(model.predict(x, verbose=0)), np.asarray(reference.predict(x, verbose=0)), rtol=1e-4, atol=1e-5
    )
    kerax.utils.clear_session(free_memory=False)
    with pytest.warns(UserWarning, match="Weights for input shape \\(224, 224\\) will be loaded"):
        model = applications.MobileNetV3Small(weights="imagenet", include_top=False, input_shape=(48, 40, 3))
    theirs = {w.path: np.asarray(w.numpy()) for w in features.weights}
    ours = {w.path: np.asarray(w.value) for w in model.weights}
    assert sorted(ours) == sorted(theirs)
    for path, value in theirs.items():
        np.testing.assert_array_equal(ours[path], value, err_msg=path)
    base = k_mobilenet_v3.BASE_WEIGHT_PATH
    assert asked == [
        (
            "weights_mobilenet_v3_small_224_1.0_float.h5",
            base + "weights_mobilenet_v3_small_224_1.0_float.h5",
            k_mobilenet_v3.WEIGHTS_HASHES["small_224_1.0_float"][0],
        ),
        (
            "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5",
            base + "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5",
            k_mobilenet_v3.WEIGHTS_HASHES["small_224_1.0_float"][1],
        ),
    ]


def _recorded(monkeypatch: pytest.MonkeyPatch, module, builder: str, fn) -> dict:
    """What ``fn(weights=None)`` passes to ``module.<builder>``, which records it instead of building."""
    seen: dict = {}

    def record(*args, **kwargs):
        seen.update(args=args, kwargs=kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(module, builder, record)
        fn(weights=None)
    return seen


def test_variant_tables_are_keras_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The numbers that tell a family's variants apart equal those Keras's functions pass to their builder
    (Keras's builders are replaced by recorders, so nothing is built); kerax's functions pick their variant."""
    for name, variant in (
        ("DenseNet121", "densenet121"),
        ("DenseNet169", "densenet169"),
        ("DenseNet201", "densenet201"),
    ):
        theirs = _recorded(monkeypatch, k_densenet, "DenseNet", getattr(keras.applications, name))
        assert list(densenet._VARIANTS[variant][0]) == list(theirs["args"][0]), name
        ours = _recorded(monkeypatch, densenet, "_densenet", getattr(applications, name))
        assert ours["args"] == (variant,) and ours["kwargs"]["name"] == variant
    for suffix, variant in (
        ("B0", "b0"),
        ("B1", "b1"),
        ("B2", "b2"),
        ("B3", "b3"),
        ("S", "-s"),
        ("M", "-m"),
        ("L", "-l"),
    ):
        theirs = _recorded(
            monkeypatch, k_efficientnet_v2, "EfficientNetV2", getattr(keras.applications, f"EfficientNetV2{suffix}")
        )["kwargs"]
        width, depth, size = efficientnet_v2._SCALING[variant]
        assert (width, depth, size) == (
            theirs["width_coefficient"],
            theirs["depth_coefficient"],
            theirs["default_size"],
        ), suffix
        assert theirs["weights_name"] == variant
        stages = efficientnet_v2._STAGES["b" if variant.startswith("b") else variant]
        keras_stages = k_efficientnet_v2.DEFAULT_BLOCKS_ARGS[theirs["name"]]
        assert [
            (
                a["kernel_size"],
                a["num_repeat"],
                a["input_filters"],
                a["output_filters"],
                a["expand_ratio"],
                a["se_ratio"],
                a["strides"],
                a["conv_type"] == 1,
            )
            for a in keras_stages
        ] == list(stages), suffix
        ours = _recorded(
            monkeypatch, efficientnet_v2, "_efficientnet_v2", getattr(applications, f"EfficientNetV2{suffix}")
        )
        assert ours["args"] == (variant,) and ours["kwargs"]["name"] == theirs["name"]
    assert convnext.MODEL_CONFIGS == k_convnext.MODEL_CONFIGS
    for size in ("Tiny", "Small", "Base", "Large", "XLarge"):
        theirs = _recorded(monkeypatch, k_convnext, "ConvNeXt", getattr(keras.applications, f"ConvNeXt{size}"))
        config = convnext.MODEL_CONFIGS[size.lower()]
        assert (
            theirs["kwargs"]["depths"] == config["depths"]
            and theirs["kwargs"]["projection_dims"] == (config["projection_dims"])
        )
        assert theirs["kwargs"]["drop_path_rate"] == 0.0 and theirs["kwargs"]["layer_scale_init_value"] == 1e-6
        ours = _recorded(monkeypatch, convnext, "_convnext", getattr(applications, f"ConvNeXt{size}"))
        assert ours["args"] == (size.lower(),) and ours["kwargs"]["name"] == theirs["kwargs"]["name"]
