import glob
import json
import os
import sys
import threading

import numpy as np
import pytest

pytest.importorskip("tensorboardX")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

import kerax  # noqa: E402
from kerax.callbacks import LambdaCallback, TensorBoard  # noqa: E402


def _data(n=24):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int32")
    return x, y


def _model():
    model = kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(3, activation="relu"), kerax.layers.Dense(2)])
    model.compile(
        optimizer=kerax.optimizers.SGD(0.05),
        loss=kerax.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def _load(folder):
    files = glob.glob(os.path.join(folder, "events.out.tfevents.*"))
    assert files, f"no event file in {folder}"
    acc = event_accumulator.EventAccumulator(str(folder), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    acc.Reload()
    return acc


def _scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def test_epoch_and_batch_scalars_match_history(tmp_path):
    x, y = _data()
    model = _model()
    batches = []
    record = LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(dict(logs)))
    tb = TensorBoard(log_dir=tmp_path, update_freq=2, histogram_freq=1)
    threads = threading.active_count()
    history = model.fit(
        x, y, batch_size=8, epochs=2, validation_data=(x[:8], y[:8]), callbacks=[tb, record], verbose=0
    ).history
    assert threading.active_count() == threads  # no writer thread left behind
    assert "tensorflow" not in sys.modules

    train = _load(tmp_path / "train")
    tags = set(train.Tags()["scalars"])
    assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} <= tags
    for name in ("loss", "accuracy"):
        steps, values = zip(*_scalars(train, f"epoch_{name}"), strict=True)
        assert steps == (0, 1)
        np.testing.assert_allclose(values, history[name], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in _scalars(train, "epoch_learning_rate")], [0.05, 0.05], rtol=1e-6)

    # 3 batches per epoch, every 2nd of the 6 global batches: steps 2, 4, 6 (counted from 1 over the fit)
    assert len(batches) == 6
    logged = _scalars(train, "batch_loss")
    assert [s for s, _ in logged] == [2, 4, 6]
    np.testing.assert_allclose([v for _, v in logged], [batches[i]["loss"] for i in (1, 3, 5)], rtol=1e-6)
    np.testing.assert_allclose(
        [v for _, v in _scalars(train, "batch_accuracy")], [batches[i]["accuracy"] for i in (1, 3, 5)], rtol=1e-6
    )

    hist_tags = set(train.Tags()["histograms"])
    assert hist_tags == {f"{w.path}/histogram" for layer in model.layers for w in layer.weights}
    assert len(hist_tags) == 4
    kernel = model.layers[1].weights[0]
    events = train.Histograms(f"{kernel.path}/histogram")
    assert [e.step for e in events] == [0, 1]
    final = np.asarray(kernel.value)
    last = events[-1].histogram_value
    assert last.num == final.size
    np.testing.assert_allclose([last.min, last.max, last.sum], [final.min(), final.max(), final.sum()], rtol=1e-5)

    val = _load(tmp_path / "validation")
    for name in ("loss", "accuracy"):
        np.testing.assert_allclose([v for _, v in _scalars(val, f"epoch_{name}")], history[f"val_{name}"], rtol=1e-6)
        evaluation = _scalars(val, f"evaluation_{name}_vs_iterations")
        assert [s for s, _ in evaluation] == [3, 6]  # optimizer.iterations after each epoch
        np.testing.assert_allclose([v for _, v in evaluation], history[f"val_{name}"], rtol=1e-6)


def test_epoch_mode_writes_graph_and_keeps_chunks(tmp_path):
    x, y = _data()
    model = _model()
    tb = TensorBoard(log_dir=str(tmp_path), write_steps_per_second=True)
    assert tb.batch_hooks_chunk_safe  # epoch logs only: fit keeps running chunks of batches
    model.fit(x, y, batch_size=8, epochs=1, callbacks=[tb], verbose=0)
    train = _load(tmp_path / "train")
    assert not any(t.startswith("batch_") for t in train.Tags()["scalars"])
    (sps,) = _scalars(train, "epoch_steps_per_second")
    assert sps[0] == 0 and sps[1] > 0
    (graph,) = train.Tensors("keras")
    config = json.loads(graph.tensor_proto.string_val[0])
    assert config["class_name"] == "Sequential"
    assert [layer["class_name"] for layer in config["config"]["layers"]][-2:] == ["Dense", "Dense"]
    assert not (tmp_path / "validation").exists()
    assert "tensorflow" not in sys.modules


def test_weight_images_and_evaluate(tmp_path):
    x, y = _data()
    model = _model()
    tb = TensorBoard(log_dir=tmp_path, histogram_freq=1, write_images=True, write_graph=False)
    model.fit(x, y, batch_size=8, epochs=1, callbacks=[tb], verbose=0)
    train = _load(tmp_path / "train")
    images = set(train.Tags()["images"])
    assert any(t.endswith("dense/kernel/image") for t in images)
    assert any(t.endswith("dense_1/bias/image") for t in images)
    kernel = [t for t in images if t.endswith("dense/kernel/image")][0]
    (image,) = train.Images(kernel)
    assert (image.height, image.width) == (3, 4)  # the (4, 3) kernel drawn wider than high
    assert train.Tags()["tensors"] == []  # write_graph=False

    results = model.evaluate(x, y, callbacks=[tb], verbose=0, return_dict=True)
    tb.on_train_end()  # evaluate() alone does not close the writers
    val = _load(tmp_path / "validation")
    ((step, value),) = _scalars(val, "evaluation_loss_vs_iterations")
    assert step == 3
    np.testing.assert_allclose(value, results["loss"], rtol=1e-6)


def test_profile_batch_writes_a_jax_trace(tmp_path):
    x, y = _data()
    model = _model()
    tb = TensorBoard(log_dir=tmp_path, profile_batch=2, write_graph=False)
    assert not tb.batch_hooks_chunk_safe
    model.fit(x, y, batch_size=8, epochs=1, callbacks=[tb], verbose=0)
    assert not tb._is_tracing
    assert glob.glob(str(tmp_path / "train" / "plugins" / "profile" / "*" / "*.xplane.pb"))


def test_embeddings_projector_config(tmp_path):
    model = kerax.Sequential([kerax.Input((3,), dtype="int32"), kerax.layers.Embedding(10, 2, name="emb")])
    model.compile(optimizer="sgd", loss="mse")
    tb = TensorBoard(log_dir=tmp_path, embeddings_freq=1, embeddings_metadata={"emb": "meta.tsv"}, write_graph=False)
    model.fit(np.zeros((4, 3), "int32"), np.zeros((4, 3, 2), "float32"), epochs=1, callbacks=[tb], verbose=0)
    config = (tmp_path / "projector_config.pbtxt").read_text()
    assert 'metadata_path: "meta.tsv"' in config and config.startswith("embeddings {")
    assert (tmp_path / "train" / "keras_embedding.ckpt-0.weights.h5").exists()
    with pytest.raises(ValueError, match="not `Embedding` layers"):
        TensorBoard(log_dir=tmp_path, embeddings_freq=1, embeddings_metadata={"nope": "m.tsv"}).set_model(model)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"update_freq": 0}, ValueError, "update_freq"),
        ({"update_freq": "step"}, ValueError, "update_freq"),
        ({"histogram_freq": -1}, ValueError, "histogram_freq"),
        ({"profile_batch": (3, 2)}, ValueError, "profile_batch"),
        ({"profile_batch": "a,b"}, ValueError, "profile_batch"),
        ({"embeddings_metadata": 3}, TypeError, "embeddings_metadata"),
        ({"log_dir": 3}, TypeError, "log_dir"),
    ],
)
def test_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        TensorBoard(**kwargs)


def test_defaults_and_update_freq_batch():
    tb = TensorBoard()
    assert (tb.log_dir, tb.histogram_freq, tb.write_graph, tb.update_freq) == ("logs", 0, True, "epoch")
    assert TensorBoard(update_freq="batch").update_freq == 1
    assert TensorBoard(profile_batch="2,4")._stop_batch == 4


def test_missing_tensorboardx_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match="pip install tensorboardX"):
        TensorBoard()
