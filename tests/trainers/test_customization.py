"""Keras 3's customization surface on kerax's one epoch loop, and the faults found while probing it."""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax
from kerax import layers


@pytest.fixture(autouse=True)
def _seed() -> None:
    kerax.utils.set_random_seed(3)


def _mlp(inputs: int = 4, outputs: int = 1) -> kerax.Model:
    return kerax.Sequential([kerax.Input((inputs,)), layers.Dense(8, activation="relu"), layers.Dense(outputs)])


def _xy(n: int = 64, d: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, d)).astype("float32")
    return x, (x.sum(-1, keepdims=True) * 0.5).astype("float32")


def _prefetch_threads() -> int:
    return sum(t.name == "kerax-prefetch" and t.is_alive() for t in threading.enumerate())


# -- the default methods ----------------------------------------------------------------------------


def test_metrics_are_the_loss_tracker_and_compile_metrics() -> None:
    model = _mlp()
    model.compile("sgd", "mse", metrics=["mae"])
    x, y = _xy()
    model.fit(x, y, epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics"]
    assert [m.name for m in model.metrics[1].metrics] == ["mae"]
    assert len(model.metrics_variables) == 4  # Mean: total, count; mae: total, count
    results = model.get_metrics_result()
    assert set(results) == {"loss", "mae"}
    model.reset_metrics()
    assert float(model.get_metrics_result()["loss"]) == 0.0


def test_train_step_override_is_used_by_fit_and_compiled() -> None:
    calls = []

    class Halving(kerax.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, state, data):
            calls.append(1)  # runs while tracing only
            logs, state = super().train_step(state, data)
            return {**logs, "doubled": 2 * logs["loss"]}, state

    model = Halving()
    model.compile("sgd", "mse")
    x, y = _xy(320)
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert history.history["doubled"] == pytest.approx([2 * v for v in history.history["loss"]], rel=1e-6)
    assert len(calls) <= 3  # traced (to decide the loop, for its logs, compiled), never run per step
    assert model.optimizer.iterations == 20


def test_compute_loss_override_is_used() -> None:
    class AbsLoss(kerax.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def compute_loss(self, x, y, y_pred, sample_weight, training=True):
            return jnp.mean(jnp.abs(y - y_pred))

    model = AbsLoss()
    model.compile("sgd")  # no loss: compute_loss supplies it
    x, y = _xy()
    model.build((None, 4))
    pred = np.asarray(model(x))
    logs = model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(float(np.mean(np.abs(y - pred))), rel=1e-5)


def test_add_loss_model_compiles_without_a_loss_and_fits_without_y() -> None:
    class Reconstruct(kerax.Model):
        def __init__(self) -> None:
            super().__init__()
            self.encode = layers.Dense(2)
            self.decode = layers.Dense(4)

        def call(self, x):
            out = self.decode(self.encode(x))
            self.add_loss(jnp.mean((out - x) ** 2))
            return out

    model = Reconstruct()
    model.compile(kerax.optimizers.Adam(0.01))
    x, _ = _xy(128)
    history = model.fit(x, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_a_model_with_no_loss_at_all_is_refused_at_fit() -> None:
    model = _mlp()
    model.compile("sgd")
    x, y = _xy()
    with pytest.raises(ValueError, match="no loss to train on"):
        model.fit(x, y, verbose=0)


def test_functional_constructed_subclass_keeps_its_methods() -> None:
    class Custom(kerax.Model):
        def test_step(self, state, data):
            logs, state = super().test_step(state, data)
            return {"custom": logs["loss"] * 0 + 7.0}, state

    inputs = kerax.Input((4,))
    model = Custom(inputs, layers.Dense(1)(inputs))
    assert isinstance(model, Custom) and isinstance(model, kerax.Model)
    model.compile("sgd", "mse")
    x, y = _xy()
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"custom": 7.0}


def test_predict_step_override() -> None:
    class Doubled(kerax.Model):
        def predict_step(self, state, data):
            outputs, ntv = super().predict_step(state, data)
            return outputs * 2, ntv

    inputs = kerax.Input((4,))
    model = Doubled(inputs, layers.Dense(1)(inputs))
    x, _ = _xy(10)
    np.testing.assert_allclose(model.predict(x, verbose=0), 2 * np.asarray(model(x)), rtol=1e-6)


def test_step_returning_a_wrong_state_is_a_clear_error() -> None:
    class Broken(kerax.Model):
        def train_step(self, state, data):
            logs, state = super().train_step(state, data)
            return logs, state[:3]

    inputs = kerax.Input((4,))
    model = Broken(inputs, layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    x, y = _xy()
    with pytest.raises(ValueError, match=r"Broken.train_step must return .* state of 3"):
        model.fit(x, y, verbose=0)


# -- custom metrics ----------------------------------------------------------------------------------


class CategoricalTruePositives(kerax.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = jnp.reshape(jnp.argmax(y_pred, axis=1), (-1, 1))
        values = (jnp.asarray(y_true, "int32") == jnp.asarray(y_pred, "int32")).astype("float32")
        if sample_weight is not None:
            values = values * jnp.asarray(sample_weight, "float32").reshape(-1, 1)
        self.true_positives.assign_add(jnp.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


def test_custom_metric_in_compile_is_updated_inside_the_compiled_step() -> None:
    model = kerax.Sequential([kerax.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=[CategoricalTruePositives()])
    x, _ = _xy(96)
    y = np.random.default_rng(1).integers(0, 3, (96, 1))
    logs = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    expected = float(np.sum(model.predict(x, verbose=0).argmax(-1) == y[:, 0]))
    assert logs["categorical_true_positives"] == expected
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert all(0 <= v <= 96 for v in history.history["categorical_true_positives"])


# -- variables are JAX citizens ----------------------------------------------------------------------


def test_variables_pass_through_jit_grad_device_put_and_tree_util() -> None:
    model = _mlp()
    tv = model.trainable_variables
    total = jax.jit(lambda vs: sum(jnp.sum(v) for v in vs))(tv)
    assert float(total) == pytest.approx(sum(float(np.sum(v.numpy())) for v in tv), rel=1e-6)
    grads = jax.grad(lambda vs: sum(jnp.sum(v**2) for v in vs))(tv)
    np.testing.assert_allclose(grads[0], 2 * tv[0].numpy(), rtol=1e-6)
    placed = jax.device_put(tv)
    assert all(isinstance(a, jax.Array) for a in placed)
    assert [a.shape for a in jax.tree_util.tree_map(jnp.zeros_like, tv)] == [v.shape for v in tv]
    assert jnp.asarray(tv[1]).shape == tv[1].shape


# -- callbacks ---------------------------------------------------------------------------------------


class Recorder(kerax.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []
        self.outputs: list[tuple] = []

    def __getattribute__(self, name):
        if name.startswith("on_") and name != "on_predict_batch_end":
            events = object.__getattribute__(self, "events")
            return lambda *args, **kwargs: events.append(name)
        return object.__getattribute__(self, name)

    def on_predict_batch_end(self, batch, logs=None):
        self.events.append("on_predict_batch_end")
        self.outputs.append(np.shape(logs["outputs"]))


def test_callback_hooks_fire_for_validation_and_predict() -> None:
    model = _mlp()
    model.compile("sgd", "mse")
    x, y = _xy(64)
    rec = Recorder()
    model.fit(x, y, batch_size=32, epochs=1, validation_data=(x[:32], y[:32]), callbacks=[rec], verbose=0)
    events = rec.events
    assert events.count("on_train_batch_begin") == 2
    assert events.index("on_test_begin") > events.index("on_train_batch_end")
    assert "on_test_batch_begin" in events and "on_test_batch_end" in events
    assert events.index("on_test_end") < events.index("on_epoch_end")
    rec.events.clear()
    model.predict(x, batch_size=32, callbacks=[rec], verbose=0)
    assert rec.events.count("on_predict_batch_begin") == 2
    assert rec.outputs == [(32, 1), (32, 1)]
    rec.events.clear()
    model.evaluate(x, y, batch_size=32, callbacks=[rec], verbose=0)
    assert rec.events.count("on_test_batch_begin") == 2


# -- data ----------------------------------------------------------------------------------------------


class Batches:
    """The PyDataset/Sequence protocol: len() batches, read by index."""

    def __init__(self, n: int, fail_at: int | None = None) -> None:
        self.x, self.y = _xy(n * 16)
        self.n = n
        self.fail_at = fail_at
        self.epochs_ended = 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        if i == self.fail_at:
            raise RuntimeError("unreadable record")
        return self.x[i * 16 : (i + 1) * 16], self.y[i * 16 : (i + 1) * 16]

    def on_epoch_end(self) -> None:
        self.epochs_ended += 1


def test_len_getitem_objects_are_read_as_len_batches() -> None:
    model = _mlp()
    model.compile("sgd", "mse")
    data = Batches(5)
    model.fit(data, epochs=3, verbose=0)
    assert model.optimizer.iterations == 15
    assert data.epochs_ended == 3
    assert model.predict(data, verbose=0).shape == (80, 1)
    assert np.isfinite(model.evaluate(data, verbose=0))


def test_an_error_in_getitem_names_the_batch_and_leaves_no_thread() -> None:
    model = _mlp()
    model.compile("sgd", "mse")
    with pytest.raises(RuntimeError, match=r"Batches\[2\] \(batch 2 of 5\)"):
        model.fit(Batches(5, fail_at=2), verbose=0)
    assert _prefetch_threads() == 0


def test_no_prefetch_thread_outlives_its_call() -> None:
    model = _mlp()
    model.compile("sgd", "mse")
    x, y = _xy(16 * 50)

    def batches():
        for i in range(50):
            yield x[i * 16 : (i + 1) * 16], y[i * 16 : (i + 1) * 16]

    for _ in range(5):
        model.fit(batches(), steps_per_epoch=3, epochs=1, verbose=0)
        model.predict(batches(), steps=2, verbose=0)
    with pytest.raises(ValueError):
        model.fit(((x[:4], y[:4], np.ones(3)) for _ in range(9)), steps_per_epoch=2, verbose=0)
    assert _prefetch_threads() == 0


def test_only_a_new_batch_shape_compiles_the_training_loop() -> None:
    model = _mlp()
    model.compile("sgd", "mse")
    x, y = _xy(32 * 30)
    for k in range(1, 31):  # 30 data lengths, every batch of the same shape
        model.fit(x[: 32 * k], y[: 32 * k], batch_size=32, epochs=1, verbose=0)
        model.evaluate(x[: 32 * k], y[: 32 * k], batch_size=32, verbose=0)
    assert model._steps._jit_train_loop._cache_size() == 1
    assert model._steps._jit_test_loop._cache_size() == 1
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)  # a new batch shape
    assert model._steps._jit_train_loop._cache_size() == 2


def test_large_data_sets_of_nearby_lengths_share_a_compiled_loop() -> None:
    model = _mlp(inputs=2048)  # 8 KiB rows: past the shared placement, lengths are bucketed
    model.compile("sgd", "mse")
    x, y = _xy(32 * 24, d=2048)
    for k in (21, 22, 24):  # 672 to 768 rows: one bucket (512 x 1.5)
        model.fit(x[: 32 * k], y[: 32 * k], batch_size=32, epochs=1, verbose=0)
    assert model._steps._jit_train_loop._cache_size() == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m, x, y: m.fit(x, y, steps_per_epoch=0, verbose=0), "steps_per_epoch"),
        (lambda m, x, y: m.evaluate(x, y, batch_size=0, verbose=0), "batch_size"),
        (lambda m, x, y: m.predict(x, batch_size=-1, verbose=0), "batch_size"),
        (lambda m, x, y: m.predict(x, steps=0, verbose=0), "steps"),
        (lambda m, x, y: m.fit(x, np.array(["a", "b"] * 32), verbose=0), "strings"),
    ],
)
def test_bad_arguments_are_clear_errors(call, message) -> None:
    model = _mlp()
    model.compile("sgd", "mse")
    x, y = _xy()
    with pytest.raises((ValueError, TypeError), match=message):
        call(model, x, y)


def test_use_ema_swaps_the_averaged_weights_in_at_the_end_of_fit() -> None:
    model = _mlp()
    optimizer = kerax.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
    model.compile(optimizer, "mse")
    x, y = _xy()
    model.fit(x, y, epochs=2, verbose=0)
    averages = [v for v in optimizer.variables if "average" in v.name]
    assert len(averages) == len(model.trainable_variables)
    for weight, average in zip(model.trainable_variables, averages, strict=True):
        np.testing.assert_array_equal(weight.numpy(), average.numpy())


def _counting_model(lib: object) -> tuple[object, object]:
    """A Functional model whose first layer assigns Variables in call(), built with Keras or kerax."""

    class Counter(lib.layers.Layer):
        def build(self, input_shape: tuple) -> None:
            self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")
            self.total = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False)

        def call(self, x: object) -> object:
            self.count.assign(self.count + 1.0)
            self.total.assign_add(lib.ops.sum(x, axis=0))
            return x * 2

    inputs = lib.Input((3,))
    counter = Counter()
    return lib.Model(inputs, lib.layers.Dense(1)(counter(inputs))), counter


def test_variable_assign_in_call_matches_keras_while_building_eager_fit_and_predict() -> None:
    keras = pytest.importorskip("keras")
    x = np.arange(24, dtype="float32").reshape(8, 3) / 10
    y = np.ones((8, 1), "float32")
    seen = {}
    for name, lib in (("keras", keras), ("kerax", kerax)):
        model, counter = _counting_model(lib)
        trace = [counter.count.numpy().item()]  # building the Functional model assigns nothing
        counter(x)
        trace.append(counter.count.numpy().item())
        model.compile("sgd", "mse")
        model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # 2 steps
        trace.append(counter.count.numpy().item())
        model.predict(x, batch_size=4, verbose=0)  # 2 batches
        trace.append(counter.count.numpy().item())
        model(x)
        trace.append(counter.count.numpy().item())
        seen[name] = (trace, np.asarray(counter.total.numpy()))
    assert seen["kerax"][0] == seen["keras"][0] == [0.0, 1.0, 3.0, 5.0, 6.0]
    np.testing.assert_allclose(seen["kerax"][1], seen["keras"][1], rtol=1e-6)


def test_input_rank_is_adapted_as_keras_does() -> None:
    x = np.random.default_rng(0).random((16, 6, 6)).astype("float32")
    inputs = kerax.Input((6, 6, 1))
    model = kerax.Model(inputs, layers.Dense(2)(layers.Flatten()(layers.Conv2D(2, 3)(inputs))))
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((16, 2), "float32"), batch_size=8, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x[..., None]), rtol=1e-5, atol=1e-6)
    assert model.evaluate(x, np.zeros((16, 2)), verbose=0) >= 0
    flat = kerax.Sequential([kerax.Input((5,)), layers.Dense(3)])
    assert flat(np.ones((4, 5, 1), "float32")).shape == (4, 3)  # one extra axis of size 1 is dropped
    with pytest.raises(ValueError, match=r"expects data of shape \(None, 5\), but received shape \(4, 5, 2\)"):
        flat(np.ones((4, 5, 2), "float32"))


class _Subclassed(kerax.Model):
    def __init__(self) -> None:
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x: object) -> object:
        return self.dense(x)


@pytest.mark.parametrize("kind", ["sequential", "subclassed"])
@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_a_wrong_input_shape_is_reported_with_the_datas_own_shape(kind: str, method: str) -> None:
    if kind == "sequential":
        model = kerax.Sequential([kerax.Input((4,)), layers.Dense(2)])
    else:
        model = _Subclassed()
        model(np.ones((2, 4), "float32"))
    model.compile("sgd", "mse")
    x, y = np.ones((100, 5), "float32"), np.ones((100, 2), "float32")
    call = {"fit": lambda: model.fit(x, y, verbose=0), "evaluate": lambda: model.evaluate(x, y, verbose=0)}
    call["predict"] = lambda: model.predict(x, verbose=0)
    shape = r"\(100, 5\)" if kind == "sequential" or method != "predict" else r"\(32, 5\)"  # predict: per batch
    with pytest.raises(ValueError, match=shape):
        call[method]()
