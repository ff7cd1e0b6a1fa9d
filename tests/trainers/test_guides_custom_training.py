"""keras.io's two JAX training guides, run with only `import keras` changed (small synthetic data).

"Customizing what happens in fit() with JAX" (guides/custom_train_step_in_jax.py) and "Writing a training
loop from scratch in JAX" (guides/writing_a_custom_training_loop_in_jax.py): each cell keeps the guide's
code; the checks after it are ours.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest

import kerax as keras


@pytest.fixture(autouse=True)
def _seed() -> None:
    keras.utils.set_random_seed(1)


# -- custom_train_step_in_jax --------------------------------------------------------------------------


class CustomModel(keras.Model):
    def compute_loss_and_updates(
        self,
        trainable_variables,
        non_trainable_variables,
        metrics_variables,
        x,
        y,
        sample_weight,
        training=False,
    ):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables,
            non_trainable_variables,
            x,
            training=training,
        )
        (
            loss,
            (
                trainable_variables,
                non_trainable_variables,
                metrics_variables,
            ),
        ) = self.stateless_compute_loss(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x=x,
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
            training=training,
        )
        return loss, (y_pred, non_trainable_variables, metrics_variables)

    def train_step(self, state, data):
        (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metrics_variables,
        ) = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable_variables, metrics_variables)), grads = grad_fn(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x,
            y,
            sample_weight,
            training=True,
        )
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        new_metrics_vars = []
        logs = {}
        for metric in self.metrics:
            this_metric_vars = metrics_variables[len(new_metrics_vars) : len(new_metrics_vars) + len(metric.variables)]
            if metric.name == "loss":
                this_metric_vars = metric.stateless_update_state(this_metric_vars, loss, sample_weight=sample_weight)
            else:
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, y, y_pred, sample_weight=sample_weight
                )
            logs[metric.name] = metric.stateless_result(this_metric_vars)
            new_metrics_vars += this_metric_vars
        state = (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            new_metrics_vars,
        )
        return logs, state


def _data(n: int = 96) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((n, 32)), rng.random((n, 1))


def test_first_simple_example_trains_through_the_override() -> None:
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x, y = _data()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.optimizer.iterations == 9  # 3 epochs of 3 batches


class LowLevelModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def compute_loss_and_updates(
        self, trainable_variables, non_trainable_variables, x, y, sample_weight, training=False
    ):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training
        )
        loss = self.loss_fn(y, y_pred, sample_weight=sample_weight)
        return loss, (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        (trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables) = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, x, y, sample_weight, training=True
        )
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        loss_tracker_vars = metrics_variables[: len(self.loss_tracker.variables)]
        mae_metric_vars = metrics_variables[len(self.loss_tracker.variables) :]
        loss_tracker_vars = self.loss_tracker.stateless_update_state(
            loss_tracker_vars, loss, sample_weight=sample_weight
        )
        mae_metric_vars = self.mae_metric.stateless_update_state(
            mae_metric_vars, y, y_pred, sample_weight=sample_weight
        )
        logs = {}
        logs[self.loss_tracker.name] = self.loss_tracker.stateless_result(loss_tracker_vars)
        logs[self.mae_metric.name] = self.mae_metric.stateless_result(mae_metric_vars)
        new_metrics_vars = loss_tracker_vars + mae_metric_vars
        state = (trainable_variables, non_trainable_variables, optimizer_variables, new_metrics_vars)
        return logs, state

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_going_lower_level_compiles_without_a_loss() -> None:
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = LowLevelModel(inputs, outputs)
    model.compile(optimizer="adam")
    x, y = _data()
    history = model.fit(x, y, epochs=5, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    # The user's trackers hold the last epoch's state after fit, as Keras's do.
    assert float(model.loss_tracker.result()) == pytest.approx(history.history["loss"][-1], rel=1e-5)


class EvalModel(keras.Model):
    def test_step(self, state, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        (trainable_variables, non_trainable_variables, metrics_variables) = state
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=False
        )
        loss, (trainable_variables, non_trainable_variables, metrics_variables) = self.stateless_compute_loss(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x=x,
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
            training=False,
        )
        new_metrics_vars = []
        logs = {}
        for metric in self.metrics:
            this_metric_vars = metrics_variables[len(new_metrics_vars) : len(new_metrics_vars) + len(metric.variables)]
            if metric.name == "loss":
                this_metric_vars = metric.stateless_update_state(this_metric_vars, loss, sample_weight=sample_weight)
            else:
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, y, y_pred, sample_weight=sample_weight
                )
            logs[metric.name] = metric.stateless_result(this_metric_vars)
            new_metrics_vars += this_metric_vars
        state = (trainable_variables, non_trainable_variables, new_metrics_vars)
        return logs, state


def test_own_evaluation_step() -> None:
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = EvalModel(inputs, outputs)
    model.compile(loss="mse", metrics=["mae"])
    x, y = _data(100)
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    pred = model.predict(x, verbose=0)
    # The loss tracker weighs each batch's mean by 1 (sample_weight=None): a mean over 4 batches.
    batches = [slice(i, i + 32) for i in range(0, 100, 32)]
    expected_loss = np.mean([np.mean((pred[b] - y[b]) ** 2) for b in batches])
    assert logs["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert logs["mae"] == pytest.approx(np.mean(np.abs(pred - y)), rel=1e-5)


# -- writing_a_custom_training_loop_in_jax -------------------------------------------------------------


def get_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x1 = keras.layers.Dense(64, activation="relu")(inputs)
    x2 = keras.layers.Dense(64, activation="relu")(x1)
    outputs = keras.layers.Dense(10, name="predictions")(x2)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def test_training_loop_from_scratch() -> None:
    model = get_model()
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    rng = np.random.default_rng(0)
    x_train = rng.random((128, 784)).astype("float32")
    y_train = np.eye(10, dtype="float32")[rng.integers(0, 10, 128)]
    train_dataset = [(x_train[i : i + 32], y_train[i : i + 32]) for i in range(0, 128, 32)]

    def compute_loss_and_updates(trainable_variables, non_trainable_variables, x, y):
        y_pred, non_trainable_variables = model.stateless_call(trainable_variables, non_trainable_variables, x)
        loss = loss_fn(y, y_pred)
        return loss, non_trainable_variables

    grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, data):
        trainable_variables, non_trainable_variables, optimizer_variables = state
        x, y = data
        (loss, non_trainable_variables), grads = grad_fn(trainable_variables, non_trainable_variables, x, y)
        trainable_variables, optimizer_variables = optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        return loss, (trainable_variables, non_trainable_variables, optimizer_variables)

    optimizer.build(model.trainable_variables)
    trainable_variables = model.trainable_variables
    non_trainable_variables = model.non_trainable_variables
    optimizer_variables = optimizer.variables
    state = trainable_variables, non_trainable_variables, optimizer_variables
    losses = []
    for _epoch in range(3):
        for _step, data in enumerate(train_dataset):
            loss, state = train_step(state, data)
            losses.append(float(loss))
    assert losses[-1] < losses[0]

    trainable_variables, non_trainable_variables, optimizer_variables = state
    for variable, value in zip(model.trainable_variables, trainable_variables, strict=True):
        variable.assign(value)
    for variable, value in zip(model.non_trainable_variables, non_trainable_variables, strict=True):
        variable.assign(value)
    for variable, value in zip(optimizer.variables, optimizer_variables, strict=True):
        variable.assign(value)
    assert optimizer.iterations == 12
    # The model now predicts with the trained weights.
    logits = model.predict(x_train[:32], verbose=0)
    assert float(loss_fn(y_train[:32], logits)) == pytest.approx(losses[-4], rel=0.2)

    # Low-level handling of metrics, from the same guide.
    train_acc_metric = keras.metrics.CategoricalAccuracy()
    metric_variables = train_acc_metric.variables

    @jax.jit
    def eval_step(state, data):
        trainable_variables, non_trainable_variables, metric_variables = state
        x, y = data
        y_pred, non_trainable_variables = model.stateless_call(trainable_variables, non_trainable_variables, x)
        metric_variables = train_acc_metric.stateless_update_state(metric_variables, y, y_pred)
        return (trainable_variables, non_trainable_variables, metric_variables)

    state = (model.trainable_variables, model.non_trainable_variables, metric_variables)
    for data in train_dataset:
        state = eval_step(state, data)
    accuracy = float(train_acc_metric.stateless_result(state[2]))
    expected = np.mean(model.predict(x_train, verbose=0).argmax(-1) == y_train.argmax(-1))
    assert accuracy == pytest.approx(expected, abs=1e-6)
    assert [float(v) for v in train_acc_metric.stateless_reset_state()] == [0.0, 0.0]


def test_losses_tracked_by_the_model_in_a_loop() -> None:
    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * jax.numpy.sum(inputs))
            return inputs

    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = ActivityRegularizationLayer()(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)

    def compute_loss_and_updates(trainable_variables, non_trainable_variables, x, y):
        y_pred, non_trainable_variables, losses = model.stateless_call(
            trainable_variables, non_trainable_variables, x, return_losses=True
        )
        loss = loss_fn(y, y_pred)
        if losses:
            loss += jax.numpy.sum(jax.numpy.stack(losses))
        return loss, non_trainable_variables

    x_batch = np.ones((4, 784), "float32")
    y_batch = np.eye(10, dtype="float32")[:4]
    loss, _ = jax.jit(compute_loss_and_updates)(
        model.trainable_variables, model.non_trainable_variables, x_batch, y_batch
    )
    hidden = np.maximum(x_batch @ model.layers[1].kernel.numpy() + model.layers[1].bias.numpy(), 0)
    plain = float(loss_fn(y_batch, model.predict(x_batch, verbose=0)))
    assert float(loss) == pytest.approx(plain + 1e-2 * hidden.sum(), rel=1e-5)
