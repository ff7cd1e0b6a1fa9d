"""kerax.config: Keras's settings, wired to what they control (layers, fit's caps, logging, tracebacks)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import jax
import keras
import numpy as np
import pytest

import kerax
from kerax import config


@pytest.fixture(autouse=True)
def _restore_settings() -> Iterator[None]:
    yield
    config.set_image_data_format("channels_last")
    config.set_max_epochs(None)
    config.set_max_steps_per_epoch(None)
    config.enable_interactive_logging()
    config.enable_traceback_filtering()
    config.enable_flash_attention()
    config.set_epsilon(1e-7)
    config.set_floatx("float32")


def test_defaults_are_keras_defaults() -> None:
    for name in (
        "floatx",
        "epsilon",
        "image_data_format",
        "max_epochs",
        "max_steps_per_epoch",
        "is_interactive_logging_enabled",
        "is_traceback_filtering_enabled",
        "is_flash_attention_enabled",
        "is_nnx_enabled",
        "backend",
    ):
        assert getattr(config, name)() == getattr(keras.config, name)(), name
    assert config.dtype_policy() == kerax.DTypePolicy("float32")


def test_setters_round_trip_and_validate() -> None:
    config.set_floatx("float16")
    assert config.floatx() == kerax.backend.floatx() == "float16"
    config.set_epsilon(1e-5)
    assert kerax.backend.epsilon() == 1e-5
    config.set_image_data_format("CHANNELS_FIRST")
    assert kerax.backend.image_data_format() == "channels_first"
    for bad in (lambda: config.set_image_data_format("nhwc"), lambda: config.set_floatx("int8")):
        with pytest.raises(ValueError):
            bad()
    config.set_backend("jax")
    with pytest.raises(ValueError, match="JAX only"):
        config.set_backend("torch")
    config.set_dtype_policy("mixed_bfloat16")
    assert kerax.layers.Dense(2).compute_dtype == "bfloat16"
    assert config.dtype_policy() is kerax.mixed_precision.global_policy()


def test_image_data_format_is_what_layers_take_for_none() -> None:
    assert kerax.layers.MaxPooling2D().data_format == "channels_last"
    config.set_image_data_format("channels_first")
    pool = kerax.layers.MaxPooling2D()
    assert pool.data_format == "channels_first"
    assert pool(np.ones((1, 3, 4, 4), "float32")).shape == (1, 3, 2, 2)
    assert kerax.layers.GlobalAveragePooling2D().data_format == "channels_first"
    assert kerax.layers.Conv2D(2, 3, data_format="channels_last").data_format == "channels_last"
    with pytest.raises(ValueError, match="image_data_format"):
        kerax.layers.Conv2D(2, 3)  # kerax convolutions are channels-last only: the message says why


def _model() -> kerax.Model:
    model = kerax.Sequential([kerax.Input((3,)), kerax.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


class _Count(kerax.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.epochs = 0
        self.train_batches = 0
        self.test_batches = 0
        self.predict_batches = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epochs += 1

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.train_batches += 1

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.test_batches += 1

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.predict_batches += 1


def test_max_epochs_and_max_steps_per_epoch_cap_fit_evaluate_and_predict() -> None:
    x, y = np.ones((100, 3), "float32"), np.ones((100, 1), "float32")
    model = _model()
    config.set_max_epochs(2)
    config.set_max_steps_per_epoch(3)
    count = _Count()
    with pytest.warns(UserWarning, match="Limiting"):
        history = model.fit(x, y, batch_size=10, epochs=5, validation_data=(x, y), verbose=0, callbacks=[count])
    assert count.epochs == 2 and len(history.history["loss"]) == 2
    assert count.train_batches == 2 * 3
    assert count.test_batches == 2 * 3
    count = _Count()
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        model.evaluate(x, y, batch_size=10, verbose=0, callbacks=[count])
    assert count.test_batches == 3
    count = _Count()
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        out = model.predict(x, batch_size=10, verbose=0, callbacks=[count])
    assert out.shape == (30, 1) and count.predict_batches == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a cap above what the run asks for changes nothing and says nothing
        config.set_max_epochs(10)
        config.set_max_steps_per_epoch(50)
        history = model.fit(x, y, batch_size=25, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    with pytest.raises(ValueError):
        config.set_max_epochs(-1)


def test_disabled_interactive_logging_sends_progress_to_logging(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    model = _model()
    config.disable_interactive_logging()
    assert not kerax.utils.is_interactive_logging_enabled()
    with caplog.at_level(logging.INFO, logger="kerax"):
        model.fit(x, y, epochs=2, verbose=1)
        model.summary()
    assert capsys.readouterr().out == ""
    messages = [r.getMessage() for r in caplog.records if r.name == "kerax"]
    assert any("Epoch 2/2" in m for m in messages)
    assert any("loss" in m for m in messages)
    assert any("Total params" in m for m in messages)
    kerax.utils.enable_interactive_logging()
    model.fit(x, y, epochs=2, verbose=2)
    assert "Epoch 2/2" in capsys.readouterr().out


def test_traceback_filtering_switches_jax_filtering() -> None:
    before = jax.config.jax_traceback_filtering
    config.disable_traceback_filtering()
    assert not config.is_traceback_filtering_enabled()
    assert jax.config.jax_traceback_filtering == "off"
    config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled()
    assert jax.config.jax_traceback_filtering == before


def test_flash_attention_switch_reaches_group_query_attention() -> None:
    config.disable_flash_attention()
    assert config.is_flash_attention_enabled() is False
    assert kerax.layers.GroupQueryAttention(4, 2, 1)._flash_attention is False
    config.enable_flash_attention()
    assert config.is_flash_attention_enabled() is None


def test_unsafe_deserialization_has_nothing_to_enable() -> None:
    with pytest.warns(UserWarning, match="cannot run code"):
        config.enable_unsafe_deserialization()
    assert "no such mode" in config.enable_unsafe_deserialization.__doc__
