"""compile / fit / evaluate / predict / train_on_batch / test_on_batch on small data."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kerax
from kerax import layers


def make_data(n=64, features=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    w = rng.normal(size=(features, classes)).astype("float32")
    y = (x @ w).argmax(-1).astype("int64")  # learnable labels
    return x, y


def mlp(optimizer="adam", dropout=0.0, metrics=("accuracy",), features=8, classes=3, **compile_kwargs):
    stack = [kerax.Input((features,)), layers.Dense(16, activation="relu")]
    if dropout:
        stack.append(layers.Dropout(dropout))
    stack.append(layers.Dense(classes, activation="softmax"))
    model = kerax.Sequential(stack)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=list(metrics), **compile_kwargs)
    return model


@pytest.fixture(scope="module")
def trained():
    """One small model fitted once; tests read its history, evaluate and predict with it."""
    kerax.utils.clear_session()
    kerax.utils.set_random_seed(0)
    x, y = make_data()
    model = mlp(optimizer=kerax.optimizers.Adam(0.01))
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, shuffle=False, verbose=0)
    return model, history, x, y


@pytest.fixture(scope="module")
def compiled():
    """A compiled, never-fitted model for the bad-input tests (each must fail before training)."""
    kerax.utils.clear_session()
    return mlp()


# --------------------------------------------------------------------------------------------------
# fit / evaluate / predict
# --------------------------------------------------------------------------------------------------
def test_history_keys_and_lengths(trained):
    model, history, _, _ = trained
    assert history is model.history
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in history.history.values())
    assert all(isinstance(v, float) for values in history.history.values() for v in values)
    assert history.epoch == [0, 1, 2]
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_validation_split_uses_the_last_samples(trained):
    model, history, x, y = trained
    val_loss, val_accuracy = model.evaluate(x[48:], y[48:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    assert history.history["val_accuracy"][-1] == pytest.approx(val_accuracy, rel=1e-5)


def test_evaluate_returns_loss_and_metrics(trained):
    model, _, x, y = trained
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, list) and len(result) == 2
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(as_dict) == {"loss", "accuracy"}
    assert as_dict["loss"] == pytest.approx(result[0], rel=1e-6)
    probs = model.predict(x, verbose=0)
    expected_loss = -np.mean(np.log(probs[np.arange(len(y)), y]))
    assert as_dict["loss"] == pytest.approx(expected_loss, rel=1e-4)
    assert as_dict["accuracy"] == pytest.approx(np.mean(probs.argmax(-1) == y), abs=1e-6)


def test_evaluate_batch_size_does_not_change_the_result(trained):
    model, _, x, y = trained
    whole = model.evaluate(x, y, batch_size=64, verbose=0)
    pieces = model.evaluate(x, y, batch_size=7, verbose=0)  # 9 full batches and a tail of 1
    np.testing.assert_allclose(pieces, whole, rtol=1e-5)


def test_predict_returns_numpy_arrays(trained):
    model, _, x, _ = trained
    out = model.predict(x, batch_size=10, verbose=0)  # 6 full batches and a tail of 4
    assert type(out) is np.ndarray
    assert out.shape == (64, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(out, np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    assert type(model.predict_on_batch(x[:5])) is np.ndarray


def test_predict_on_a_multi_output_model_returns_numpy_arrays():
    inputs = kerax.Input((4,))
    model = kerax.Model(inputs, [layers.Dense(2)(inputs), layers.Dense(1)(inputs)])
    out = model.predict(np.ones((5, 4), "float32"), verbose=0)
    assert isinstance(out, list) and [type(o) for o in out] == [np.ndarray, np.ndarray]
    assert [o.shape for o in out] == [(5, 2), (5, 1)]


def test_validation_data():
    x, y = make_data()
    model = mlp()
    history = model.fit(x[:48], y[:48], validation_data=(x[48:], y[48:]), epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(x[48:], y[48:], verbose=0)[0], rel=1e-5)


def test_train_on_batch_and_test_on_batch():
    x, y = make_data()
    model = mlp(optimizer="sgd")
    before = model.get_weights()
    test_before = model.test_on_batch(x[:16], y[:16])
    assert [w.tolist() for w in model.get_weights()] == [w.tolist() for w in before]
    loss, accuracy = model.train_on_batch(x[:16], y[:16])
    assert loss == pytest.approx(test_before[0], rel=1e-5)  # the loss before the update
    assert 0.0 <= accuracy <= 1.0
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    logs = model.test_on_batch(x[:16], y[:16], return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    assert logs["loss"] < loss


def test_multi_output_history_keys_and_total_loss():
    inputs = kerax.Input((8,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    class_out = layers.Dense(3, activation="softmax", name="class_out")(hidden)
    value_out = layers.Dense(1, name="value_out")(hidden)
    model = kerax.Model(inputs, [class_out, value_out])
    model.compile(
        optimizer="sgd",
        loss=["sparse_categorical_crossentropy", "mse"],
        loss_weights=[1.0, 0.5],
        metrics={"class_out": ["accuracy"]},
    )
    x, y = make_data()
    target = x[:, :1]
    history = model.fit(x, [y, target], epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "class_out_loss", "value_out_loss", "class_out_accuracy"}
    logs = model.evaluate(x, [y, target], batch_size=64, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["class_out_loss"] + 0.5 * logs["value_out_loss"], rel=1e-5)


def test_multi_input_model_fits_on_a_list_of_arrays():
    image = kerax.Input((4, 4, 1), name="image")
    text = kerax.Input((5,), name="text")
    merged = layers.concatenate([layers.Flatten()(image), layers.Dense(4, activation="relu")(text)])
    model = kerax.Model([image, text], layers.Dense(1, activation="sigmoid")(merged))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    xs = [rng.random((32, 4, 4, 1)).astype("float32"), rng.random((32, 5)).astype("float32")]
    labels = rng.integers(0, 2, 32)
    history = model.fit(xs, labels, epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "accuracy"} and len(history.history["loss"]) == 2
    by_name = model.evaluate({"image": xs[0], "text": xs[1]}, labels, verbose=0)
    np.testing.assert_allclose(by_name, model.evaluate(xs, labels, verbose=0), rtol=1e-6)


def test_dict_outputs_take_dict_losses_and_targets():
    inputs = kerax.Input((8,), name="features")
    outputs = {"label": layers.Dense(3, activation="softmax")(inputs), "value": layers.Dense(1)(inputs)}
    model = kerax.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss={"label": "sparse_categorical_crossentropy", "value": "mse"})
    x, y = make_data()
    history = model.fit({"features": x}, {"label": y, "value": x[:, :1]}, epochs=1, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "label_loss", "value_loss"}


def test_single_input_and_output_given_as_one_element_lists(trained):
    model, _, x, y = trained
    np.testing.assert_allclose(model.predict([x], verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(model.evaluate([x], [y], verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6)


# --------------------------------------------------------------------------------------------------
# sample_weight and class_weight
# --------------------------------------------------------------------------------------------------
def test_zero_sample_weights_leave_the_weights_unchanged():
    x, y = make_data()
    model = mlp(optimizer="sgd")
    before = model.get_weights()
    history = model.fit(x, y, sample_weight=np.zeros(64, "float32"), epochs=1, batch_size=16, verbose=0)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert history.history["loss"] == [0.0]


def test_sample_weight_scales_the_evaluated_loss():
    x, y = make_data()
    model = mlp()
    weights = np.linspace(0.0, 2.0, 64).astype("float32")
    probs = model.predict(x, verbose=0)
    per_sample = -np.log(probs[np.arange(64), y])
    loss = model.evaluate(x, y, sample_weight=weights, batch_size=64, verbose=0)[0]
    assert loss == pytest.approx(np.sum(weights * per_sample) / 64, rel=1e-4)  # Keras: sum over batch size


def test_class_weight_of_zero_for_every_class_leaves_the_weights_unchanged():
    x, y = make_data()
    model = mlp(optimizer="sgd")
    before = model.get_weights()
    model.fit(x, y, class_weight={0: 0.0, 1: 0.0, 2: 0.0}, epochs=1, batch_size=16, verbose=0)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_class_weight_equals_the_matching_sample_weight():
    x, y = make_data()
    class_weight = {0: 0.5, 1: 2.0, 2: 1.0}
    results = []
    sample_weight = np.array([class_weight[c] for c in y], "float32")
    for kwargs in ({"class_weight": class_weight}, {"sample_weight": sample_weight}):
        kerax.utils.clear_session()
        kerax.utils.set_random_seed(3)
        model = mlp(optimizer="sgd")
        history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, **kwargs)
        results.append((history.history["loss"], model.get_weights()))
    assert results[0][0] == results[1][0]
    for a, b in zip(results[0][1], results[1][1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_class_weight_missing_a_class_is_refused(compiled):
    x, y = make_data()
    with pytest.raises(ValueError, match=r"class_weight.*2"):
        compiled.fit(x, y, class_weight={0: 1.0, 1: 1.0}, verbose=0)


# --------------------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------------------
def test_steps_per_execution_one_and_auto_give_identical_weights():
    x, y = make_data(n=80)
    results = []
    for spe in (1, "auto"):
        kerax.utils.clear_session()
        kerax.utils.set_random_seed(7)
        model = mlp(steps_per_execution=spe)
        history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
        results.append((history.history, model.get_weights()))
    assert results[0][0] == results[1][0]
    for a, b in zip(results[0][1], results[1][1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_set_random_seed_makes_two_fits_bit_identical():
    x, y = make_data()
    results = []
    for _ in range(2):
        kerax.utils.clear_session()
        kerax.utils.set_random_seed(42)
        model = mlp(dropout=0.5)
        history = model.fit(x, y, epochs=2, batch_size=16, shuffle=True, verbose=0)
        results.append((history.history, model.get_weights()))
    assert results[0][0] == results[1][0]
    for a, b in zip(results[0][1], results[1][1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_different_seeds_give_different_initial_weights():
    kerax.utils.set_random_seed(1)
    first = mlp().get_weights()[0]
    kerax.utils.set_random_seed(2)
    second = mlp().get_weights()[0]
    assert not np.array_equal(first, second)


# --------------------------------------------------------------------------------------------------
# Generators and data loaders
# --------------------------------------------------------------------------------------------------
def test_python_generator_of_batches_trains():
    x, y = make_data()

    def batches():
        for start in range(0, 64, 16):
            yield x[start : start + 16], y[start : start + 16]

    model = mlp()
    history = model.fit(batches(), epochs=1, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert np.isfinite(history.history["loss"][0])


def test_endless_generator_with_steps_per_epoch():
    x, y = make_data()

    def forever():
        while True:
            for start in range(0, 64, 16):
                yield x[start : start + 16], y[start : start + 16]

    model = mlp(optimizer=kerax.optimizers.Adam(0.02))
    history = model.fit(forever(), epochs=3, steps_per_epoch=4, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]


class FakeTorchTensor:
    """What a PyTorch tensor offers to libraries that do not import torch: ``.numpy()``."""

    def __init__(self, array):
        self._array = np.asarray(array)

    def numpy(self):
        return self._array


class FakeDataLoader:
    """Looks like ``torch.utils.data.DataLoader``: re-iterable, yields lists ``[x, y]`` of tensors."""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size

    def __iter__(self):
        for start in range(0, len(self.x), self.batch_size):
            stop = start + self.batch_size
            yield [FakeTorchTensor(self.x[start:stop]), FakeTorchTensor(self.y[start:stop])]

    def __len__(self):
        return -(-len(self.x) // self.batch_size)


def test_torch_like_data_loader_trains_evaluates_and_predicts():
    x, y = make_data()
    loader = FakeDataLoader(x, y, batch_size=16)
    model = mlp(optimizer=kerax.optimizers.Adam(0.02))
    history = model.fit(loader, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, _ = model.evaluate(loader, verbose=0)
    assert loss == pytest.approx(model.evaluate(x, y, batch_size=16, verbose=0)[0], rel=1e-5)
    predicted = model.predict(loader, verbose=0)
    assert type(predicted) is np.ndarray and predicted.shape == (64, 3)


# --------------------------------------------------------------------------------------------------
# Bad input: each refused with a message that says what is wrong
# --------------------------------------------------------------------------------------------------
def test_x_and_y_of_different_lengths(compiled):
    x, y = make_data()
    with pytest.raises(ValueError) as info:
        compiled.fit(x, y[:10], verbose=0)
    assert "64" in str(info.value) and "10" in str(info.value)


def test_sparse_labels_out_of_range(compiled):
    x, y = make_data()
    with pytest.raises(ValueError) as info:
        compiled.fit(x, y + 5, verbose=0)
    message = str(info.value)
    assert "3" in message and "7" in message


def test_one_hot_labels_to_sparse_crossentropy(compiled):
    x, y = make_data()
    with pytest.raises(ValueError) as info:
        compiled.fit(x, np.eye(3)[y], verbose=0)
    message = str(info.value)
    assert "one-hot" in message and "categorical_crossentropy" in message


def test_integer_labels_to_categorical_crossentropy():
    x, y = make_data()
    model = kerax.Sequential([kerax.Input((8,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.raises(ValueError) as info:
        model.fit(x, y, verbose=0)
    assert "sparse_categorical_crossentropy" in str(info.value)


def test_dict_missing_an_input_name():
    a = kerax.Input((4,), name="left")
    b = kerax.Input((4,), name="right")
    model = kerax.Model([a, b], layers.Dense(1)(layers.Add()([a, b])))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError) as info:
        model.fit({"left": np.ones((8, 4), "float32")}, np.ones((8, 1), "float32"), verbose=0)
    assert "right" in str(info.value)


def test_empty_data(compiled):
    x, y = make_data()
    with pytest.raises(ValueError, match="empty"):
        compiled.fit(x[:0], y[:0], verbose=0)


def test_validation_split_out_of_range(compiled):
    x, y = make_data()
    with pytest.raises(ValueError) as info:
        compiled.fit(x, y, validation_split=1.5, verbose=0)
    assert "validation_split" in str(info.value) and "1.5" in str(info.value)


def test_fit_before_compile():
    model = kerax.Sequential([kerax.Input((8,)), layers.Dense(3)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(*make_data(), verbose=0)


def test_compile_without_a_loss():
    model = kerax.Sequential([kerax.Input((8,)), layers.Dense(3)])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="loss"):
        model.fit(*make_data(), verbose=0)


# --------------------------------------------------------------------------------------------------
# Callbacks and output
# --------------------------------------------------------------------------------------------------
def test_early_stopping_stops():
    x, y = make_data()
    model = mlp()
    stopper = kerax.callbacks.EarlyStopping(monitor="loss", min_delta=10.0, patience=1)
    history = model.fit(x, y, epochs=20, batch_size=16, callbacks=[stopper], verbose=0)
    assert len(history.history["loss"]) == 2  # no improvement of 10 after the first epoch, patience 1
    assert model.stop_training


def test_terminate_on_nan_stops():
    x, y = make_data()
    x[3, 0] = np.nan
    model = mlp(optimizer="sgd")
    history = model.fit(x, y, epochs=5, batch_size=16, callbacks=[kerax.callbacks.TerminateOnNaN()], verbose=0)
    assert len(history.history["loss"]) == 1
    assert np.isnan(history.history["loss"][0])
    assert model.stop_training


@pytest.fixture(scope="module")
def chatty():
    """One compiled model shared by the output tests (compiled once, fitted by each)."""
    kerax.utils.clear_session()
    return mlp()


def test_progress_output_without_a_terminal_has_no_carriage_returns_or_colours(chatty, capsys):
    x, y = make_data()
    capsys.readouterr()
    chatty.fit(x, y, epochs=2, batch_size=16, verbose=1)
    chatty.evaluate(x, y, batch_size=16, verbose=1)
    chatty.predict(x, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    lines = out.strip("\n").split("\n")
    assert lines[0] == "Epoch 1/2"
    assert "Epoch 2/2" in lines
    assert lines[1].startswith("4/4 ") and " - loss: " in lines[1] and " - accuracy: " in lines[1]
    assert len(lines) == 6  # two epochs of two lines, then one line each for evaluate and predict


def test_verbose_2_prints_one_line_per_epoch(chatty, capsys):
    x, y = make_data()
    capsys.readouterr()
    chatty.fit(x, y, epochs=2, batch_size=16, verbose=2)
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    assert out.count("Epoch ") == 2
    assert len(out.strip("\n").split("\n")) == 4


def test_verbose_0_prints_nothing(chatty, capsys):
    x, y = make_data()
    capsys.readouterr()
    chatty.fit(x, y, epochs=1, batch_size=16, verbose=0)
    chatty.evaluate(x, y, batch_size=16, verbose=0)
    chatty.predict(x, batch_size=16, verbose=0)
    assert capsys.readouterr().out == ""


def test_validation_split_rounds_as_keras() -> None:
    """Keras trains on the first floor(n * (1 - validation_split)) samples and validates on the rest."""
    x = np.zeros((256, 1), "float32")
    model = kerax.Sequential([kerax.Input((1,)), kerax.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, x, batch_size=1, epochs=1, validation_split=0.15, verbose=0)
    assert history.params["steps"] == math.floor(256 * (1 - 0.15)) == 217
