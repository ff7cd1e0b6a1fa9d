import numpy as np
import pytest

from kerax.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from kerax.callbacks._callback_list import pythonify_logs


class Recorder(Callback):
    def __init__(self, name, journal):
        super().__init__()
        self.name = name
        self.journal = journal

    def on_epoch_begin(self, epoch, logs=None):
        self.journal.append((self.name, "epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.journal.append((self.name, "epoch_end", epoch, dict(logs)))

    def on_train_begin(self, logs=None):
        self.journal.append((self.name, "train_begin"))

    def on_train_end(self, logs=None):
        self.journal.append((self.name, "train_end"))


def test_dispatch_order_and_params(model):
    journal = []
    a, b = Recorder("a", journal), Recorder("b", journal)
    cbs = CallbackList([a, [b]], model=model, verbose=2, epochs=3, steps=10)
    assert cbs.callbacks == [a, b]
    assert a.params == {"verbose": 2, "epochs": 3, "steps": 10}
    assert a.model is model and b.model is model
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_epoch_end(0, {"loss": np.float32(0.25)})
    cbs.on_train_end()
    assert journal == [
        ("a", "train_begin"),
        ("b", "train_begin"),
        ("a", "epoch_begin", 0),
        ("b", "epoch_begin", 0),
        ("a", "epoch_end", 0, {"loss": 0.25}),
        ("b", "epoch_end", 0, {"loss": 0.25}),
        ("a", "train_end"),
        ("b", "train_end"),
    ]


def test_default_callbacks_added_once(model):
    cbs = CallbackList(None, add_history=True, add_progbar=True, model=model, verbose=0, epochs=1, steps=1)
    assert [type(c) for c in cbs.callbacks] == [History, ProgbarLogger]
    assert model.history is cbs.history
    own_history = History()
    cbs = CallbackList([own_history], add_history=True, add_progbar=False, model=model)
    assert cbs.callbacks == [own_history]
    assert model.history is own_history


def test_rejects_non_callbacks():
    with pytest.raises(TypeError, match="callbacks"):
        CallbackList([object()])


def test_pythonify_logs_sorts_flattens_and_converts():
    import jax.numpy as jnp

    logs = pythonify_logs(
        {
            "loss": jnp.asarray(0.5),
            "accuracy": np.float64(0.75),
            "nested": {"z": 1},
            "name": "x",
            "vec": np.ones(3),
        }
    )
    assert list(logs)[:2] == ["accuracy", "loss"]
    assert logs["loss"] == 0.5 and type(logs["loss"]) is float
    assert type(logs["accuracy"]) is float
    assert logs["z"] == 1.0 and logs["name"] == "x"
    assert isinstance(logs["vec"], np.ndarray)
    assert pythonify_logs(None) == {}


def test_logs_added_by_a_callback_reach_later_ones(model, fit):
    cbs = fit([ReduceLROnPlateau(monitor="loss")], model, [{"loss": 1.0}, {"loss": 0.5}])
    assert cbs.history.history["learning_rate"] == [0.1, 0.1]
    assert cbs.history.history["loss"] == [1.0, 0.5]
    assert cbs.history.epoch == [0, 1]


class EpochOnly(Callback):
    def on_epoch_end(self, epoch, logs=None):
        pass


class TrainBatch(Callback):
    def on_train_batch_end(self, batch, logs=None):
        pass


class LegacyBatch(Callback):
    def on_batch_begin(self, batch, logs=None):
        pass


class EvalBatch(Callback):
    def on_test_batch_begin(self, batch, logs=None):
        pass


class PredictBatch(Callback):
    def on_predict_batch_end(self, batch, logs=None):
        pass


class MyTerminate(TerminateOnNaN):
    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)


class MyChunkSafe(Callback):
    batch_hooks_chunk_safe = True

    def on_train_batch_end(self, batch, logs=None):
        pass


def test_needs_batch_hooks(tmp_path):
    builtins = [
        EarlyStopping(),
        ModelCheckpoint(str(tmp_path / "m.keras")),
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=3),
        ReduceLROnPlateau(),
        LearningRateScheduler(lambda e, lr: lr),
        CSVLogger(str(tmp_path / "log.csv")),
        TerminateOnNaN(),
        LambdaCallback(on_epoch_end=lambda e, logs: None),
        EpochOnly(),
        MyChunkSafe(),
    ]
    cbs = CallbackList(builtins, add_history=True, add_progbar=True, verbose=1, epochs=1, steps=1)
    assert not cbs.needs_batch_hooks
    assert not cbs.needs_train_batch_hooks

    assert CallbackList([TrainBatch()]).needs_train_batch_hooks
    assert CallbackList([TrainBatch()]).needs_batch_hooks
    assert CallbackList([LegacyBatch()]).needs_train_batch_hooks
    assert CallbackList([MyTerminate()]).needs_train_batch_hooks

    test_only = CallbackList([EvalBatch()])
    assert test_only.needs_test_batch_hooks and test_only.needs_batch_hooks
    assert not test_only.needs_train_batch_hooks and not test_only.needs_predict_batch_hooks
    assert CallbackList([PredictBatch()]).needs_predict_batch_hooks

    assert CallbackList([LambdaCallback(on_train_batch_end=lambda b, logs: None)]).needs_train_batch_hooks
    assert CallbackList([LambdaCallback(on_batch_end=lambda b, logs: None)]).needs_train_batch_hooks
    assert CallbackList([LambdaCallback(on_test_batch_end=lambda b, logs: None)]).needs_test_batch_hooks

    cbs = CallbackList([EpochOnly()])
    assert not cbs.needs_batch_hooks
    cbs.append(TrainBatch())
    assert cbs.needs_batch_hooks


def test_default_train_batch_hooks_call_legacy_aliases():
    seen = []

    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, logs))

    cbs = CallbackList([Legacy()])
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": np.float32(2.0)})
    assert seen == [("begin", 0), ("end", 0, {"loss": 2.0})]


def test_lambda_callback_hooks_and_validation():
    seen = []
    cb = LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(("eb", epoch)),
        on_train_end=lambda logs: seen.append(("te",)),
        on_test_end=lambda logs: seen.append(("test_end",)),
    )
    cbs = CallbackList([cb])
    cbs.on_epoch_begin(3)
    cbs.on_train_end()
    cbs.on_test_end()
    cbs.on_epoch_end(3)  # not given: a no-op
    assert seen == [("eb", 3), ("te",), ("test_end",)]
    with pytest.raises(TypeError, match="on_epoch_end"):
        LambdaCallback(on_epoch_end=3)
    with pytest.warns(UserWarning, match="on_epoch_ned"):
        LambdaCallback(on_epoch_ned=lambda e, logs: None)


def test_model_property_syncs_state():
    class SyncModel:
        def __init__(self):
            self.syncs = 0

        def jax_state_sync(self):
            self.syncs += 1

    m = SyncModel()
    cb = Callback()
    cb.set_model(m)
    assert cb.model is m and m.syncs == 1
