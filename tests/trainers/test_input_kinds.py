"""Every kind of input Keras's fit/evaluate/predict accept goes through kerax's one reader and trains alike.

Each kind below carries the same 64 samples in the same order, so fit (SGD, no shuffling, batches of 16),
evaluate and predict must give what NumPy arrays give: NumPy arrays, lists and dicts of arrays, pandas
DataFrames and Series, Python generators, PyDatasets, Grain MapDataset/IterDataset/DataLoader (tuple and dict
batches), objects shaped like a ``tf.data.Dataset`` or a PyTorch ``DataLoader``, and the real ones when
TensorFlow or PyTorch is installed.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import threading

import grain
import numpy as np
import pytest

import kerax
from kerax import layers

N, BATCH = 64, 16


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(N, 5)).astype("float32")
    return x, (x[:, :3] @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


X, Y = _data()


def _two_inputs() -> kerax.Model:
    a, b = kerax.Input((2,), name="a"), kerax.Input((3,), name="b")
    hidden = layers.Dense(4, activation="relu")(layers.Concatenate()([a, b]))
    return kerax.Model([a, b], layers.Dense(1)(hidden))


def _one_input() -> kerax.Model:
    return kerax.Sequential([kerax.Input((5,)), layers.Dense(4, activation="relu"), layers.Dense(1)])


def _batches(make_x):
    """A generator function: (x, y) batches in order, x made from rows by ``make_x``."""

    def generate():
        for start in range(0, N, BATCH):
            rows = slice(start, start + BATCH)
            yield make_x(X[rows]), Y[rows]

    return generate


class Rows(kerax.utils.PyDataset):
    def __init__(self, make_x, **kwargs):
        super().__init__(**kwargs)
        self.make_x = make_x

    def __len__(self):
        return N // BATCH

    def __getitem__(self, index):
        rows = slice(index * BATCH, (index + 1) * BATCH)
        return self.make_x(X[rows]), Y[rows]


class FakeTensor:
    """Like a tensor of a framework kerax does not import: ``.numpy()``; like a PyTorch tensor that needs
    gradients, it refuses ``.numpy()`` until detached."""

    def __init__(self, array, attached=False):
        self.array, self.attached = np.asarray(array), attached

    def numpy(self):
        if self.attached:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad.")
        return self.array

    def detach(self):
        return FakeTensor(self.array)

    def cpu(self):
        return self


class FakeTFDataset:
    """Shaped like ``tf.data.Dataset``: iterating yields tensors; ``as_numpy_iterator()`` yields NumPy."""

    def __init__(self):
        self.numpy_passes = 0

    def __iter__(self):
        for start in range(0, N, BATCH):
            yield FakeTensor(X[start : start + BATCH]), FakeTensor(Y[start : start + BATCH])

    def as_numpy_iterator(self):
        self.numpy_passes += 1
        return iter([(X[s : s + BATCH], Y[s : s + BATCH]) for s in range(0, N, BATCH)])

    def __len__(self):
        return N // BATCH


class FakeTorchLoader:
    """Shaped like ``torch.utils.data.DataLoader``: re-iterable, ``[x, y]`` lists of tensors needing grad."""

    def __iter__(self):
        for start in range(0, N, BATCH):
            yield [FakeTensor(X[start : start + BATCH], True), FakeTensor(Y[start : start + BATCH], True)]

    def __len__(self):
        return N // BATCH


def _grain_map(make):
    return grain.MapDataset.source(np.arange(N)).map(make).batch(BATCH)


def _grain_loader():
    return grain.DataLoader(
        data_source=[(X[i], Y[i]) for i in range(N)],
        sampler=grain.samplers.IndexSampler(N, shuffle=False, num_epochs=1, shard_options=grain.sharding.NoSharding()),
        operations=[grain.transforms.Batch(BATCH)],
        worker_count=0,
    )


def _pandas():
    return pytest.importorskip("pandas")


def _frame(array, prefix):
    return _pandas().DataFrame(array, columns=[f"{prefix}{i}" for i in range(array.shape[1])])


def _kinds_one_input() -> dict:
    """kind -> fit's arguments, each holding X and Y in order."""
    pd = _pandas()
    return {
        "pandas DataFrame and Series": {"x": _frame(X, "f"), "y": pd.Series(Y[:, 0])},
        "pandas DataFrame and one-column DataFrame": {"x": _frame(X, "f"), "y": _frame(Y, "t")},
        "generator": {"x": _batches(lambda v: v)()},
        "PyDataset": {"x": Rows(lambda v: v)},
        "PyDataset with 3 threads": {"x": Rows(lambda v: v, workers=3)},
        "grain MapDataset": {"x": _grain_map(lambda i: (X[i], Y[i]))},
        "grain IterDataset": {
            "x": grain.MapDataset.source(np.arange(N)).map(lambda i: (X[i], Y[i])).to_iter_dataset().batch(BATCH)
        },
        "grain DataLoader": {"x": _grain_loader()},
        "tf.data-like": {"x": FakeTFDataset()},
        "torch-DataLoader-like": {"x": FakeTorchLoader()},
    }


def _kinds_two_inputs() -> dict:
    def as_dict(v):
        return {"a": v[:, :2], "b": v[:, 2:]}

    def as_list(v):
        return [v[:, :2], v[:, 2:]]

    return {
        "list of arrays": {"x": as_list(X), "y": Y},
        "dict of arrays": {"x": as_dict(X), "y": Y},
        "dict of DataFrames": {"x": {"a": _frame(X[:, :2], "a"), "b": _frame(X[:, 2:], "b")}, "y": Y},
        "generator of dicts": {"x": _batches(as_dict)()},
        "PyDataset of lists": {"x": Rows(as_list, workers=2)},
        "grain MapDataset of dicts": {"x": _grain_map(lambda i: ({"a": X[i, :2], "b": X[i, 2:]}, Y[i]))},
    }


@pytest.fixture(autouse=True)
def _watchdog():
    """A hang fails loudly: after 120 s the test process prints every thread's stack and exits."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _no_reader_left() -> None:
    assert not [t for t in threading.enumerate() if t.name == "kerax-prefetch" and t.is_alive()]
    assert not multiprocessing.active_children()


def _train_like_arrays(build, baseline_x, kinds: dict) -> None:
    """fit/evaluate/predict on every kind give what the baseline arrays give, from the same weights."""
    model = build()
    start = model.get_weights()
    model.compile(kerax.optimizers.SGD(0.05), "mse")
    expected = model.fit(baseline_x, Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0).history["loss"]
    trained = model.get_weights()
    evaluated = model.evaluate(baseline_x, Y, batch_size=BATCH, verbose=0)
    predicted = model.predict(baseline_x, batch_size=BATCH, verbose=0)
    for kind, args in kinds.items():
        model.set_weights(start)
        model.optimizer.variables[0].assign(0)  # plain SGD's only state: its iteration count
        epochs = 1 if kind.startswith("generator") else 2  # a generator is read once
        losses = model.fit(**args, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0).history["loss"]
        np.testing.assert_allclose(losses, expected[:epochs], rtol=1e-5, err_msg=kind)
        if epochs == 2:
            for a, b in zip(model.get_weights(), trained, strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=kind)
            model.set_weights(trained)
            x_only = {k: v for k, v in args.items() if k == "x"}
            y = {"y": args["y"]} if "y" in args else {}
            np.testing.assert_allclose(
                model.evaluate(**x_only, **y, batch_size=BATCH, verbose=0), evaluated, rtol=1e-5, err_msg=kind
            )
            np.testing.assert_allclose(
                model.predict(args["x"], batch_size=BATCH, verbose=0), predicted, rtol=1e-5, atol=1e-6, err_msg=kind
            )
        _no_reader_left()


def test_one_input_kinds_train_evaluate_and_predict_like_arrays():
    _train_like_arrays(_one_input, X, _kinds_one_input())


def test_several_input_kinds_train_evaluate_and_predict_like_arrays():
    _train_like_arrays(_two_inputs, [X[:, :2], X[:, 2:]], _kinds_two_inputs())


def test_a_tf_like_dataset_is_read_through_as_numpy_iterator():
    data = FakeTFDataset()
    model = _one_input()
    model.compile("sgd", "mse")
    model.fit(data, epochs=2, verbose=0)
    model.predict(data, verbose=0)
    assert data.numpy_passes == 3


def test_a_repeated_grain_dataset_runs_with_steps_per_epoch():
    data = grain.MapDataset.source(np.arange(N)).map(lambda i: (X[i], Y[i])).repeat().batch(BATCH)
    model = _one_input()
    model.compile("sgd", "mse")
    history = model.fit(data, epochs=3, steps_per_epoch=2, verbose=0)
    assert len(history.history["loss"]) == 3
    assert model.predict(data, steps=3, verbose=0).shape == (3 * BATCH, 1)
    _no_reader_left()


def test_pandas_objects_are_data_not_batches():
    from kerax.trainers._data import is_batch_iterable

    pd = _pandas()
    assert not is_batch_iterable(_frame(X, "f")) and not is_batch_iterable(pd.Series(Y[:, 0]))
    frame = _frame(X, "f")
    frame["name"] = "text"
    model = _one_input()
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match="fit: x"):
        model.fit(frame, Y, verbose=0)


@pytest.mark.parametrize("make", [lambda: _batches(lambda v: v)(), lambda: _grain_loader(), lambda: FakeTFDataset()])
def test_targets_beside_a_source_of_batches_are_refused(make):
    model = _one_input()
    model.compile("sgd", "mse")
    data = make()
    with pytest.raises(ValueError, match=r"`y` cannot be passed .* put the targets in its batches"):
        model.fit(data, Y, verbose=0)
    _no_reader_left()


def test_an_error_while_iterating_names_the_batch():
    def failing():
        yield X[:BATCH], Y[:BATCH]
        raise OSError("disk gone")

    model = _one_input()
    model.compile("sgd", "mse")
    with pytest.raises(OSError, match=r"fit: reading batch 1 from the generator raised: disk gone"):
        model.fit(failing(), verbose=0)
    _no_reader_left()


def test_real_tf_data_dataset():
    tf = pytest.importorskip("tensorflow")
    data = tf.data.Dataset.from_tensor_slices((X, Y)).batch(BATCH)
    _train_like_arrays(_one_input, X, {"tf.data.Dataset": {"x": data}})


def test_real_torch_data_loader():
    torch = pytest.importorskip("torch")
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=False)
    _train_like_arrays(_one_input, X, {"torch DataLoader": {"x": loader}})
