"""STFTSpectrogram and MelSpectrogram: outputs against Keras 3 (which runs them on JAX without TensorFlow)
on random audio for several argument combinations, shapes, configs, gradients and argument errors."""

from __future__ import annotations

import inspect
import json

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax
from kerax.layers import MelSpectrogram, STFTSpectrogram

from .harness import run_layer_test

RNG = np.random.default_rng(0)
AUDIO = RNG.standard_normal((2, 300, 2)).astype("float32")

STFT_CASES = [
    {"mode": "log", "frame_length": 32, "frame_step": 16},
    {"mode": "stft", "frame_length": 20, "fft_length": 32, "padding": "same", "expand_dims": True, "window": "hamming"},
    {"mode": "psd", "frame_length": 16, "scaling": "spectrum", "periodic": True},
    {"mode": "angle", "frame_length": 16, "data_format": "channels_first"},
    {"mode": "magnitude", "frame_length": 16, "window": None, "expand_dims": True, "data_format": "channels_first"},
    {"mode": "real", "frame_length": 24, "frame_step": 5, "scaling": None, "window": "blackman"},
    {"mode": "imag", "frame_length": 8, "window": list(np.linspace(0.1, 1.0, 8))},
]


def _audio_for(kwargs):
    return np.swapaxes(AUDIO, 1, 2).copy() if kwargs.get("data_format") == "channels_first" else AUDIO


@pytest.mark.parametrize("kwargs", STFT_CASES, ids=lambda k: k["mode"])
def test_stft_spectrogram_matches_keras(kwargs):
    data = _audio_for(kwargs)
    ours, theirs = STFTSpectrogram(**kwargs), keras.layers.STFTSpectrogram(**kwargs)
    ours.build(data.shape)
    theirs.build(data.shape)
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    # kerax computes the Fourier kernels in float64 before rounding; Keras in float32 (errors up to ~1e-5).
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    ours.set_weights(theirs.get_weights())
    got = np.asarray(ours(data))
    expected = np.asarray(
        jax.jit(lambda w, x: theirs.stateless_call(w, [], x)[0])([v.value for v in theirs.trainable_variables], data)
    )
    assert got.shape == tuple(expected.shape) and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    symbolic = (None, *data.shape[1:])
    assert ours.compute_output_shape(symbolic) == tuple(theirs.compute_output_shape(symbolic))
    config = json.loads(json.dumps(ours.get_config()))
    keras_config = json.loads(json.dumps(theirs.get_config()))
    assert {k: v for k, v in config.items() if k != "name"} == {k: v for k, v in keras_config.items() if k != "name"}


def test_stft_spectrogram_contract_and_gradient():
    run_layer_test(
        STFTSpectrogram,
        {"mode": "magnitude", "frame_length": 16, "frame_step": 8},
        (2, 64, 1),
        (2, 7, 9),
        expected_num_trainable_weights=2,
        expected_weight_shapes=[(16, 1, 9), (16, 1, 9)],
    )


def test_stft_spectrogram_is_the_fourier_transform():
    """Without a window and with unit scaling, the 'stft' output is numpy's rfft of each frame."""
    signal = RNG.standard_normal((1, 64, 1)).astype("float32")
    layer = STFTSpectrogram(mode="stft", frame_length=16, frame_step=16, window=None, scaling=None)
    out = np.asarray(layer(signal))[0]  # (frames, 2 * bins)
    frames = signal[0, :, 0].reshape(4, 16)
    spectrum = np.fft.rfft(frames, axis=-1)
    np.testing.assert_allclose(out[:, :9], spectrum.real, atol=1e-4)
    np.testing.assert_allclose(out[:, 9:], spectrum.imag, atol=1e-4)


MEL_CASES = [
    {"fft_length": 256, "sequence_stride": 128, "num_mel_bins": 16},
    {
        "fft_length": 128,
        "sequence_length": 100,
        "sequence_stride": 50,
        "num_mel_bins": 8,
        "power_to_db": False,
        "mag_exp": 1.0,
        "window": "hamming",
        "sampling_rate": 8000,
        "min_freq": 50.0,
        "max_freq": 3000.0,
    },
    {"fft_length": 64, "sequence_stride": 32, "num_mel_bins": 10, "top_db": 20.0, "ref_power": 4.0, "window": None},
]


@pytest.mark.parametrize("kwargs", MEL_CASES, ids=["defaults", "amplitude", "db-clip"])
def test_mel_spectrogram_matches_keras(kwargs):
    audio = RNG.standard_normal((2, 1000)).astype("float32")
    ours, theirs = MelSpectrogram(**kwargs), keras.layers.MelSpectrogram(**kwargs)
    got = np.asarray(ours(audio))
    expected = np.asarray(jax.jit(theirs)(audio))  # one compilation instead of one per eager op
    assert got.shape == tuple(expected.shape) and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=2e-5)
    assert ours.compute_output_shape((None, 1000)) == (None, *got.shape[1:])
    assert ours.weights == []
    config = json.loads(json.dumps(ours.get_config()))
    keras_config = json.loads(json.dumps(theirs.get_config()))
    assert {k: v for k, v in config.items() if k != "name"} == {k: v for k, v in keras_config.items() if k != "name"}


def test_mel_single_signal_and_weight_matrix():
    audio = RNG.standard_normal((2, 1000)).astype("float32")
    layer = MelSpectrogram(**MEL_CASES[1])
    np.testing.assert_allclose(layer(audio[1]), np.asarray(layer(audio))[1], rtol=1e-6)
    theirs = keras.layers.MelSpectrogram()
    matrix = MelSpectrogram().linear_to_mel_weight_matrix(8, 33, 8000, 100.0, 3000.0)
    expected_matrix = jax.jit(lambda: theirs.linear_to_mel_weight_matrix(8, 33, 8000, 100.0, 3000.0))()
    np.testing.assert_allclose(matrix, expected_matrix, rtol=1e-6, atol=1e-7)


def test_mel_output_shape_is_the_true_frame_count():
    """Keras's compute_output_shape is off by one frame when ``time + 1`` is a multiple of the stride."""
    layer = MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=4)
    audio = np.zeros((1, 95), "float32")
    assert layer(audio).shape == (1, 4, 3)
    assert layer.compute_output_shape((1, 95)) == (1, 4, 3)
    assert layer.compute_output_shape((95,)) == (4, 3)
    symbolic = layer(kerax.layers.Input((95,)))
    assert symbolic.shape == (None, 4, 3)


def test_mel_spectrogram_in_a_model_and_under_grad():
    layer = MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=8, power_to_db=False)
    model = kerax.models.Sequential([kerax.layers.Input((512,)), layer])
    assert model.output_shape == (None, 8, 17)
    audio = RNG.standard_normal((3, 512)).astype("float32")
    loss, grads = jax.jit(jax.value_and_grad(lambda a: jnp.sum(model(a))))(jnp.asarray(audio))
    np.testing.assert_allclose(loss, np.sum(np.asarray(layer(audio))), rtol=1e-5)
    assert grads.shape == audio.shape and np.all(np.isfinite(grads)) and np.any(grads != 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "power"}, "mode"),
        ({"frame_length": 16, "frame_step": 17}, "frame_step"),
        ({"frame_length": 16, "fft_length": 8}, "fft_length"),
        ({"scaling": "energy"}, "scaling"),
        ({"padding": "causal"}, "padding"),
        ({"window": "kaiserish"}, "window"),
        ({"frame_length": 0}, "frame_length"),
    ],
)
def test_stft_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        STFTSpectrogram(**kwargs)


def test_other_errors():
    with pytest.raises(TypeError, match="float"):
        STFTSpectrogram(frame_length=8)(np.zeros((1, 32, 1), "int32"))
    with pytest.warns(UserWarning, match="power of two"):
        STFTSpectrogram(frame_length=8, fft_length=12)
    with pytest.raises(ValueError, match="sequence_length"):
        MelSpectrogram(fft_length=64, sequence_length=128)
    with pytest.raises(ValueError, match="num_mel_bins"):
        MelSpectrogram(num_mel_bins=0)
    with pytest.raises(ValueError, match=r"\(time,\) or \(batch, time\)"):
        MelSpectrogram(fft_length=64, sequence_stride=32)(np.zeros((1, 2, 100), "float32"))


@pytest.mark.parametrize("name", ["STFTSpectrogram", "MelSpectrogram"])
def test_signature_matches_keras(name):
    """Keras's arguments, in Keras's order, with Keras's defaults."""
    ours = inspect.signature(getattr(kerax.layers, name)).parameters
    theirs = inspect.signature(getattr(keras.layers, name)).parameters
    assert list(ours) == list(theirs)
    for param in theirs.values():
        assert ours[param.name].default == param.default, param.name
        assert ours[param.name].kind == param.kind, param.name
