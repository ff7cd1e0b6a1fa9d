"""PyDataset (and Sequence): Keras 3's class, read by fit/evaluate/predict with parallel workers.

Checked: the constructor and properties, the hint when a subclass skips ``super().__init__``, parity with Keras
(losses and epoch hooks), batches in order with threads and processes, at most ``max_queue_size`` in flight,
real overlap, errors naming the batch, the shape and structure checks, shuffling, endless data sets, and that
no worker thread or process outlives the call that started it, however the call ends.
"""

from __future__ import annotations

import faulthandler
import itertools
import multiprocessing
import threading
import time

import numpy as np
import pytest

import kerax
from kerax import layers
from kerax.trainers._data import BatchStream

BATCH = 8


def _data(n: int, features: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (x @ np.arange(1, features + 1, dtype="float32")[:, None] * 0.3).astype("float32")


class ArrayDataset(kerax.utils.PyDataset):
    """Batches of fixed arrays; records reads and epoch hooks; can sleep, fail, or be changed per batch."""

    def __init__(self, n_batches=4, delay=0.0, fail_at=None, rows=None, shapes=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = _data(n_batches * BATCH)
        self.n_batches = n_batches
        self.delay = delay
        self.fail_at = fail_at
        self.rows = rows or {}  # index -> rows in that batch
        self.shapes = shapes or {}  # index -> a different feature count
        self.events: list = []
        self._lock = threading.Lock()
        self.active = 0
        self.most_active = 0

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __len__(self):
        return self.n_batches

    def __getitem__(self, index):
        with self._lock:
            self.events.append(index)
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            if self.delay:
                time.sleep(self.delay)
            if index == self.fail_at:
                raise RuntimeError("unreadable record")
            rows = self.rows.get(index, BATCH)
            x = self.x[index * BATCH : index * BATCH + rows]
            if index in self.shapes:
                x = np.zeros((rows, self.shapes[index]), "float32")
            return x, self.y[index * BATCH : index * BATCH + rows]
        finally:
            with self._lock:
                self.active -= 1

    def on_epoch_begin(self):
        self.events.append("begin")

    def on_epoch_end(self):
        self.events.append("end")


class ShiftingDataset(kerax.utils.PyDataset):
    """Its targets move by one after every epoch (worker processes must see what on_epoch_end changed); batch 2
    of the third epoch fails."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = _data(4 * BATCH)
        self.shift = 0.0

    def __len__(self):
        return 4

    def __getitem__(self, index):
        if self.shift == 2.0 and index == 2:
            raise RuntimeError("unreadable record")
        rows = slice(index * BATCH, (index + 1) * BATCH)
        return self.x[rows], self.y[rows] + self.shift

    def on_epoch_end(self):
        self.shift += 1.0


class EndlessDataset(ArrayDataset):
    @property
    def num_batches(self):
        return None

    def __getitem__(self, index):
        return super().__getitem__(index % self.n_batches)


class NoSuperInit(kerax.utils.PyDataset):
    def __init__(self):
        self.x, self.y = _data(BATCH)

    def __len__(self):
        return 1

    def __getitem__(self, index):
        return self.x, self.y


def _model(lib=kerax, features: int = 3):
    return lib.Sequential([lib.Input((features,)), lib.layers.Dense(4, activation="relu"), lib.layers.Dense(1)])


def _compiled(**kwargs):
    model = _model()
    model.compile(kerax.optimizers.SGD(0.05), "mse", **kwargs)
    return model


def _reading_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kerax-prefetch" and t.is_alive()]


@pytest.fixture(autouse=True)
def _watchdog():
    """A hang fails loudly: after 120 s the test process prints every thread's stack and exits."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def no_leftovers():
    """Asserts that a test leaves no thread or child process behind that was not there before it."""
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not left, f"threads left running: {left}"
    assert not multiprocessing.active_children(), multiprocessing.active_children()


# -- the class ----------------------------------------------------------------------------------------


def test_constructor_defaults_properties_and_sequence_alias():
    assert kerax.utils.Sequence is kerax.utils.PyDataset
    data = ArrayDataset()
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (1, False, 10)
    data = ArrayDataset(workers=3, use_multiprocessing=True, max_queue_size=4)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (3, True, 4)
    data.workers, data.max_queue_size = 2, 7
    assert (data.workers, data.max_queue_size) == (2, 7)
    assert data.num_batches == len(data) == 4
    batches = list(data)  # iterating by hand reads sequentially
    assert len(batches) == 4 and data.events == [0, 1, 2, 3]
    np.testing.assert_array_equal(batches[1][0], data.x[BATCH : 2 * BATCH])
    endless = EndlessDataset()
    assert endless.num_batches is None
    assert len(list(itertools.islice(iter(endless), 9))) == 9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": -1}, "workers"),
        ({"workers": 1.5}, "workers"),
        ({"max_queue_size": 0}, "max_queue_size"),
    ],
)
def test_bad_reading_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ArrayDataset(**kwargs)


def test_the_base_class_says_what_to_implement():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        kerax.utils.PyDataset()[0]

    class NoLength(kerax.utils.PyDataset):
        def __getitem__(self, index):
            return np.zeros((2, 3)), np.zeros((2, 1))

    with pytest.raises(NotImplementedError, match="num_batches"):
        _ = NoLength().num_batches
    with pytest.raises(TypeError, match=r"fit: .*NoLength.*num_batches"):
        _compiled().fit(NoLength(), verbose=0)


def test_a_subclass_that_skips_super_init_gets_defaults_and_a_hint():
    data = NoSuperInit()
    with pytest.warns(UserWarning, match=r"super\(\).__init__\(\*\*kwargs\)"):
        assert data.workers == 1
    assert (data.use_multiprocessing, data.max_queue_size) == (False, 10)  # no second warning
    data = NoSuperInit()
    with pytest.warns(UserWarning, match="NoSuperInit"):
        _compiled().fit(data, verbose=0)


# -- parity with Keras --------------------------------------------------------------------------------


def test_losses_and_epoch_hooks_match_keras():
    keras = pytest.importorskip("keras")

    class KerasDataset(keras.utils.PyDataset):
        def __init__(self, source, **kwargs):
            super().__init__(**kwargs)
            self.source, self.events = source, []

        def __len__(self):
            return len(self.source)

        def __getitem__(self, index):
            self.events.append(index)
            return self.source.x[index * BATCH : (index + 1) * BATCH], self.source.y[
                index * BATCH : (index + 1) * BATCH
            ]

        def on_epoch_begin(self):
            self.events.append("begin")

        def on_epoch_end(self):
            self.events.append("end")

    ours, theirs = _model(), _model(keras)
    theirs.set_weights(ours.get_weights())
    ours.compile(kerax.optimizers.SGD(0.05), "mse")
    theirs.compile(keras.optimizers.SGD(0.05), "mse")
    # Keras reads serially here: with workers > 1 it serves the batches it read ahead for its build pass first,
    # so that every epoch starts at batch 1 (order 1, 2, 3, 4, 0); kerax's workers keep the index order.
    ours_data, theirs_data = ArrayDataset(5, workers=2), KerasDataset(ArrayDataset(5))
    ours_losses = ours.fit(ours_data, epochs=3, shuffle=False, verbose=0).history["loss"]
    theirs_losses = theirs.fit(theirs_data, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=2e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)
    epoch = ["begin", 0, 1, 2, 3, 4, "end"]
    # One on_epoch_begin/on_epoch_end pair around every epoch, as in Keras (which also reads batch 0 in a
    # pass of its own before training, to build; kerax trains on the batch it built with).
    assert ours_data.events == epoch * 3
    assert [e for e in theirs_data.events if isinstance(e, str)][-6:] == ["begin", "end"] * 3
    assert theirs_data.events[-len(epoch) * 3 :] == epoch * 3
    ours_data.events.clear()
    theirs_data.events.clear()
    np.testing.assert_allclose(ours.evaluate(ours_data, verbose=0), theirs.evaluate(theirs_data, verbose=0), rtol=2e-5)
    np.testing.assert_allclose(ours.predict(ours_data, verbose=0), theirs.predict(theirs_data, verbose=0), rtol=2e-5)
    assert ours_data.events == epoch * 2  # evaluate, then predict: one pass each


# -- threads ------------------------------------------------------------------------------------------


def test_thread_workers_overlap_and_beat_one_reader(no_leftovers):
    model = _compiled()
    model.fit(ArrayDataset(8), epochs=1, shuffle=False, verbose=0)  # compiled before timing
    timings = {}
    for workers in (1, 4):
        data = ArrayDataset(8, delay=0.05, workers=workers)
        start = time.perf_counter()
        model.fit(data, epochs=1, shuffle=False, verbose=0)
        timings[workers] = time.perf_counter() - start
        assert sorted(i for i in data.events if isinstance(i, int)) == list(range(8))
        if workers == 4:
            assert data.most_active >= 2  # reads really ran at the same time
    # One reader sleeps 8 x 50 ms in turn; four overlap their sleeps. Generous margin for a loaded machine.
    assert timings[1] > 0.38
    assert timings[4] < 0.7 * timings[1], timings


class Reversed(ArrayDataset):
    """Later batches are ready sooner: delivery must still follow the index."""

    def __getitem__(self, index):
        time.sleep(0.004 * (self.n_batches - index))
        x, _ = super().__getitem__(index)
        return np.full_like(x, index)


def test_batches_arrive_in_index_order(no_leftovers):
    model = kerax.Sequential([kerax.Input((3,)), layers.Dense(3, use_bias=False, kernel_initializer="identity")])
    out = model.predict(Reversed(10, workers=4, max_queue_size=6), verbose=0)
    np.testing.assert_array_equal(out[:, 0], np.repeat(np.arange(10), BATCH))


class Watch(kerax.callbacks.Callback):
    """After a batch, lets the readers run ahead, then counts the batches they started."""

    def __init__(self, data):
        super().__init__()
        self.data = data
        self.started = []

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.15 if batch == 0 else 0.01)
        self.started.append(sum(isinstance(e, int) for e in self.data.events))


def test_at_most_max_queue_size_batches_are_in_flight(no_leftovers):
    data = ArrayDataset(12, workers=2, max_queue_size=3)
    watch = Watch(data)
    _compiled().fit(data, epochs=1, shuffle=False, verbose=0, callbacks=[watch])
    assert watch.started[0] == 1 + 3  # the batch in use and three read ahead (the workers were idle)
    assert all(started <= step + 1 + 3 for step, started in enumerate(watch.started))


def test_an_error_in_getitem_names_the_batch_and_stops_the_workers(no_leftovers):
    model = _compiled()
    with pytest.raises(RuntimeError, match=r"fit: ArrayDataset\[5\] \(batch 5 of 8\) raised: unreadable record"):
        model.fit(ArrayDataset(8, fail_at=5, workers=4), shuffle=False, verbose=0)
    with pytest.raises(RuntimeError, match=r"evaluate: ArrayDataset\[0\] \(batch 0 of 8\)"):
        model.evaluate(ArrayDataset(8, fail_at=0, workers=3), verbose=0)
    with pytest.raises(RuntimeError, match=r"predict: ArrayDataset\[7\]"):
        model.predict(ArrayDataset(8, fail_at=7, workers=3), verbose=0)
    assert not _reading_threads()


class Interrupt(kerax.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 2:
            raise KeyboardInterrupt


class InterruptedRead(ArrayDataset):
    def __getitem__(self, index):
        if index == 3:
            raise KeyboardInterrupt
        return super().__getitem__(index)


def test_keyboard_interrupt_stops_the_workers(no_leftovers):
    model = _compiled()
    with pytest.raises(KeyboardInterrupt):
        model.fit(ArrayDataset(20, delay=0.01, workers=4), verbose=0, callbacks=[Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        model.fit(InterruptedRead(8, workers=2), verbose=0)


def test_steps_per_epoch_continues_the_pass_and_stops_the_workers(no_leftovers):
    data = ArrayDataset(10, workers=3, max_queue_size=2)
    _compiled().fit(data, epochs=3, steps_per_epoch=3, shuffle=False, verbose=0)
    hooks = [e for e in data.events if isinstance(e, str)]
    assert hooks == ["begin", "end"] * 3
    reads = [e for e in data.events if isinstance(e, int)]
    assert reads[:9] == list(range(9))  # epochs 2 and 3 go on where the last one stopped, as in Keras
    assert len(reads) <= 9 + 2  # and at most max_queue_size were read ahead


def test_failures_before_training_close_the_readers(no_leftovers):
    model = _compiled()
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(ArrayDataset(4, workers=3), validation_data="not data", verbose=0)
    wrong = _model(features=5)
    wrong.compile("sgd", "mse")
    with pytest.raises(ValueError):
        wrong.fit(ArrayDataset(4, workers=3), verbose=0)
    with pytest.raises(ValueError, match=r"`y` cannot be passed with `x` a ArrayDataset"):
        model.fit(ArrayDataset(4, workers=3), np.zeros((32, 1)), verbose=0)
    with pytest.raises(ValueError, match="sample_weight"):
        model.evaluate(ArrayDataset(4, workers=3), sample_weight=np.ones(32), verbose=0)
    assert not _reading_threads()


# -- checks on batches --------------------------------------------------------------------------------


def test_a_smaller_last_batch_is_accepted(no_leftovers):
    data = ArrayDataset(4, rows={3: 5}, workers=2)
    history = _compiled().fit(data, epochs=2, verbose=0)  # shuffled: the short batch comes anywhere
    assert len(history.history["loss"]) == 2
    assert _compiled().predict(data, verbose=0).shape == (29, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": {1: 5}}, r"batch 1 of the ArrayDataset does not match the first batch \(batch 0\): x has shape "),
        ({"shapes": {2: 4}}, r"batch 2 .* x has shape \(8, 4\), but \(8, 3\) in batch 0"),
    ],
)
def test_a_batch_of_other_shapes_is_refused(kwargs, message, no_leftovers):
    with pytest.raises(ValueError, match=message):
        _compiled().fit(ArrayDataset(4, workers=2, **kwargs), shuffle=False, verbose=0)


class Ragged(ArrayDataset):
    def __getitem__(self, index):
        x, y = super().__getitem__(index)
        return (x,) if index == 2 else (x, y)


def test_a_batch_of_another_structure_is_refused(no_leftovers):
    with pytest.raises(ValueError, match=r"batch 2 of the Ragged has a different structure .*received \(x=\(8, 3\)\)"):
        _compiled().fit(Ragged(4, workers=2), shuffle=False, verbose=0)


class Texts(ArrayDataset):
    def __getitem__(self, index):
        x, y = super().__getitem__(index)
        return (np.full(x.shape, "a"), y) if index == 2 else (x, y)


def test_a_batch_that_cannot_be_converted_is_named(no_leftovers):
    model = _compiled()
    with pytest.raises(TypeError, match=r"received strings.*\(in batch 2 of the Texts\)"):
        model.fit(Texts(4, workers=2), shuffle=False, verbose=0)
    with pytest.raises(TypeError, match=r"received strings.*\(in batch 2 of the Texts\)"):
        model.predict(Texts(4, workers=2), verbose=0)


# -- order, shuffling, endless data sets --------------------------------------------------------------


def test_fit_shuffles_the_batch_order_every_epoch_evaluate_does_not():
    data = ArrayDataset(8)
    validation = ArrayDataset(3)
    _compiled().fit(data, epochs=3, validation_data=validation, verbose=0)
    orders = [list(g) for is_int, g in itertools.groupby(data.events, key=lambda e: isinstance(e, int)) if is_int]
    assert len(orders) == 3 and all(sorted(order) == list(range(8)) for order in orders)
    assert len({tuple(order) for order in orders}) == 3  # a new order every epoch
    assert [e for e in validation.events if isinstance(e, int)] == [0, 1, 2] * 3
    data.events.clear()
    _compiled().fit(data, epochs=1, shuffle=False, verbose=0)
    assert data.events == ["begin", *range(8), "end"]


def test_an_endless_dataset_needs_a_step_count_and_runs_on_across_epochs(no_leftovers):
    model = _compiled()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(EndlessDataset(4), verbose=0)
    with pytest.raises(ValueError, match="`steps` is required"):
        model.predict(EndlessDataset(4), verbose=0)
    with pytest.raises(ValueError, match="validation_steps"):
        model.fit(ArrayDataset(2), validation_data=EndlessDataset(2), verbose=0)
    data = EndlessDataset(4, workers=2)
    history = model.fit(data, epochs=2, steps_per_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 2
    assert [e for e in data.events if isinstance(e, int)][:6] == [0, 1, 2, 3, 0, 1]
    assert model.predict(EndlessDataset(4, workers=2), steps=6, verbose=0).shape == (48, 1)


# -- processes ----------------------------------------------------------------------------------------


class EpochLosses(kerax.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.losses = []

    def on_epoch_end(self, epoch, logs=None):
        self.losses.append(logs["loss"])


def test_worker_processes_read_in_order_see_each_epochs_changes_and_report_errors(no_leftovers):
    # One pool of processes for all three checks: starting one costs a new interpreter that imports kerax.
    model = _compiled()
    start = model.get_weights()
    threads = model.fit(ShiftingDataset(), epochs=2, shuffle=False, verbose=0).history["loss"]
    model.set_weights(start)
    model.compile(kerax.optimizers.SGD(0.05), "mse")
    data, record = ShiftingDataset(workers=2, use_multiprocessing=True), EpochLosses()
    with pytest.raises(RuntimeError, match=r"fit: ShiftingDataset\[2\] \(batch 2 of 4\) raised: unreadable record"):
        model.fit(data, epochs=3, shuffle=False, verbose=0, callbacks=[record])
    np.testing.assert_allclose(record.losses, threads, rtol=1e-6)  # epochs 1 and 2, as read on threads
    assert data.shift == 2.0  # the hooks ran here, in the parent, and the workers saw their effect


def test_an_unpicklable_dataset_is_refused_before_any_process_starts(no_leftovers):
    data = ArrayDataset(2, use_multiprocessing=True, workers=2)
    data.transform = lambda v: v
    with pytest.raises(TypeError, match=r"ArrayDataset has use_multiprocessing=True.*cannot be pickled"):
        _compiled().fit(data, verbose=0)

    class Local(ArrayDataset):
        pass

    with pytest.raises(TypeError, match="cannot be pickled"):
        _compiled().predict(Local(2, use_multiprocessing=True), verbose=0)


def test_a_class_from_an_interactive_main_is_refused_for_processes(monkeypatch, no_leftovers):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))  # a REPL's __main__: no __file__
    interactive = type("Interactive", (ArrayDataset,), {"__module__": "__main__"})
    with pytest.raises(TypeError, match=r"interactive session's __main__.*use_multiprocessing=False"):
        _compiled().fit(interactive(2, use_multiprocessing=True), verbose=0)


def test_the_stream_reads_passes_and_runs_hooks_around_them(no_leftovers):
    data = ArrayDataset(3, workers=2)
    with BatchStream(data, "test") as stream:
        for _ in range(2):
            stream.epoch_begin()
            assert [b[0].shape for b in stream.open()] == [(BATCH, 3)] * 3
            stream.epoch_end()
    assert data.events == ["begin", 0, 1, 2, "end"] * 2
