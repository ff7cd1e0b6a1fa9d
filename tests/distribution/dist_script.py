"""Runs one distribution scenario on simulated CPU devices and prints one JSON line (read by the tests).

    XLA_FLAGS=--xla_force_host_platform_device_count=8 python dist_script.py data_parallel
    XLA_FLAGS=--xla_force_host_platform_device_count=8 python dist_script.py model_parallel
    XLA_FLAGS=--xla_force_host_platform_device_count=4 python dist_script.py multi_process PORT PROCESS_ID

The device count must be set before JAX is imported, hence a separate process per scenario.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import jax
import numpy as np

import kerax
from kerax import distribution as dist
from kerax import layers


def make_data(n: int = 100, features: int = 8, classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x @ rng.normal(size=(features, classes))).argmax(-1).astype("int64")
    return x, y


def make_model(width: int = 16, features: int = 8, classes: int = 3) -> Any:
    kerax.utils.clear_session()
    kerax.utils.set_random_seed(0)
    model = kerax.Sequential(
        [
            kerax.Input((features,)),
            layers.Dense(width, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(classes, activation="softmax"),
        ]
    )
    model.compile(optimizer=kerax.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train(distribution: Any, x: np.ndarray, y: np.ndarray, width: int = 16) -> dict[str, Any]:
    """fit (2 epochs of batches of 16, the last one partial; validation), evaluate, predict and call."""
    dist.set_distribution(distribution)
    try:
        model = make_model(width)
        # Validation and evaluate use the same shapes, so they share compiled steps.
        history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, validation_data=(x, y), verbose=0)
        evaluated = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
        return {
            "model": model,
            "weights": [np.asarray(w) for w in model.get_weights()],
            "history": history.history,
            "evaluate": evaluated,
            "predict": model.predict(x, batch_size=16, verbose=0),
            "call": to_host(model(x[:24])),
            # The steps return the state laid out as it was placed: one compilation serves every call.
            "compilations": [model._steps._jit_train_loop._cache_size(), model._steps._jit_test_loop._cache_size()],
        }
    finally:
        dist.set_distribution(None)


def to_host(array: jax.Array) -> np.ndarray:
    """``model(x)`` returns a global array; in a multi-process job, gather it from every process."""
    if array.is_fully_addressable:
        return np.asarray(array)
    from jax.experimental import multihost_utils

    return np.asarray(multihost_utils.process_allgather(array, tiled=True))


def max_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float]:
    """The largest absolute difference per result kind between two ``train`` results."""
    out = {"weights": max(float(np.max(np.abs(u - v))) for u, v in zip(a["weights"], b["weights"], strict=True))}
    out["history"] = max(
        abs(u - v) for key in a["history"] for u, v in zip(a["history"][key], b["history"][key], strict=True)
    )
    out["evaluate"] = max(abs(a["evaluate"][k] - b["evaluate"][k]) for k in a["evaluate"])
    out["predict"] = float(np.max(np.abs(a["predict"] - b["predict"])))
    out["call"] = float(np.max(np.abs(a["call"] - b["call"])))
    return out


def sharding_info(array: jax.Array) -> dict[str, Any]:
    sharding = array.sharding
    return {
        "devices": len(sharding.device_set),
        "replicated": bool(sharding.is_fully_replicated),
        "spec": [None if a is None else str(a) for a in getattr(sharding, "spec", ())],
    }


def error_of(fn: Any) -> str | None:
    try:
        fn()
    except ValueError as err:
        return str(err)
    return None


def data_parallel() -> dict[str, Any]:
    x, y = make_data()
    one = train(dist.DataParallel(devices=jax.devices()[:1]), x, y)
    eight = train(dist.DataParallel(), x, y)
    opt_leaves = jax.tree_util.tree_leaves(eight["model"].optimizer.state)

    # The compiled loop must split the batch: the gradients are summed across devices.
    dist.set_distribution(dist.DataParallel())
    model = make_model()
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    arrays_epoch = [np.asarray(w) for w in model.get_weights()]
    steps = model._steps
    state = steps.initial_state()
    data = kerax.trainers._data.ArrayData([x], [y], None)
    rows = kerax.trainers._steps.placed_rows(data)
    device = steps.put_arrays(data, rows)
    perm = steps.permutation(len(x), False, rows)
    zeros = steps._logs_zeros("train", state, device, 16)
    hlo = (
        steps._jit_train_loop.lower(
            state, device, perm, np.int32(0), np.int32(2), jax.random.key(0), zeros, batch_size=16
        )
        .compile()
        .as_text()
    )
    bad_fit = error_of(lambda: model.fit(x, y, batch_size=12, epochs=1, verbose=0))
    bad_evaluate = error_of(lambda: model.evaluate(x, y, batch_size=12, verbose=0))

    # A data loader (one jitted step per batch, the last one partial) trains as the arrays did.
    def batches() -> Any:
        for start in range(0, len(x), 16):
            yield x[start : start + 16], y[start : start + 16]

    loader_model = make_model()
    loader_model.fit(batches(), epochs=1, verbose=0)
    loader_sharding = sharding_info(loader_model.weights[0].value)
    dist.set_distribution(None)
    return {
        "devices": jax.device_count(),
        "diff_one_vs_eight": max_diff(one, eight),
        "compilations": eight["compilations"],
        "loader_diff": max(
            float(np.max(np.abs(a - np.asarray(b))))
            for a, b in zip(arrays_epoch, loader_model.get_weights(), strict=True)
        ),
        "loader_sharding": loader_sharding,
        "variables": {v.path: sharding_info(v.value) for v in eight["model"].weights},
        "optimizer": [sharding_info(a) for a in opt_leaves],
        "metric": [sharding_info(a) for a in jax.tree_util.tree_leaves(eight["model"].metrics[0]._state)],
        "hlo_all_reduce": "all-reduce" in hlo,
        "bad_fit": bad_fit,
        "bad_evaluate": bad_evaluate,
        "loss_decreased": eight["history"]["loss"][-1] < eight["history"]["loss"][0],
    }


def model_parallel() -> dict[str, Any]:
    x, y = make_data()
    mesh = dist.DeviceMesh((2, 4), ("batch", "model"), dist.list_devices())
    layout_map = dist.LayoutMap(mesh)
    layout_map["dense/kernel"] = (None, "model")
    layout_map["dense/bias"] = ("model",)
    distribution = dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    sharded = train(distribution, x, y, width=64)
    plain = train(None, x, y, width=64)
    model = sharded["model"]
    kernel_index = [v.path for v in model.trainable_weights].index("sequential/dense/kernel")
    slots = jax.tree_util.tree_leaves(model.optimizer.state.slots[kernel_index])
    with distribution.scope():
        bad_batch = error_of(lambda: model.fit(x, y, batch_size=7, epochs=1, verbose=0))
    uneven = kerax.backend.Variable(np.zeros((8, 6), "float32"), name="kernel", path="dense/kernel")
    return {
        "diff": max_diff(sharded, plain),
        "compilations": sharded["compilations"],
        "variables": {v.path: sharding_info(v.value) for v in model.weights},
        "kernel_slots": [sharding_info(a) for a in slots],
        "bad_batch": bad_batch,
        "bad_layout": error_of(lambda: distribution.get_variable_layout(uneven)),
        "current_after_scope": dist.distribution() is None,
    }


def per_process_data(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """auto_shard_dataset=False: each process passes its own half and batches of 8, its share of 16.

    One device on the whole data in the order of the global batches (block s of process 0's half, then
    block s of process 1's half) with batches of 16 must give the same weights, history and evaluation;
    predict returns the rows of this process's own inputs.
    """
    half, block = 48, 8
    me = jax.process_index()
    mine = slice(me * half, (me + 1) * half)
    xl, yl = x[mine], y[mine]
    dist.set_distribution(dist.DataParallel(auto_shard_dataset=False))
    try:
        model = make_model()
        history = model.fit(xl, yl, batch_size=block, epochs=2, shuffle=False, validation_data=(xl, yl), verbose=0)
        evaluated = model.evaluate(xl, yl, batch_size=block, verbose=0, return_dict=True)
        predicted = model.predict(xl, batch_size=block, verbose=0)
        uneven = error_of(lambda: model.fit(xl[: 40 if me else 48], yl[: 40 if me else 48], batch_size=8, verbose=0))
    finally:
        dist.set_distribution(None)
    order = np.concatenate(
        [np.arange(s * block, (s + 1) * block) + p * half for s in range(half // block) for p in (0, 1)]
    )
    xg, yg = x[order], y[order]
    reference = make_model()
    expected = reference.fit(xg, yg, batch_size=2 * block, epochs=2, shuffle=False, validation_data=(xg, yg), verbose=0)
    want = reference.evaluate(xg, yg, batch_size=2 * block, verbose=0, return_dict=True)
    return {
        "weights": max(
            float(np.max(np.abs(np.asarray(u) - np.asarray(v))))
            for u, v in zip(model.get_weights(), reference.get_weights(), strict=True)
        ),
        "history": max(
            abs(u - v) for k in expected.history for u, v in zip(history.history[k], expected.history[k], strict=True)
        ),
        "evaluate": max(abs(evaluated[k] - want[k]) for k in want),
        "predict": float(np.max(np.abs(predicted - reference.predict(xl, verbose=0)))),
        "predict_rows": int(predicted.shape[0]),
        "uneven": uneven,
    }


def multi_process(port: str, process_id: str) -> dict[str, Any]:
    dist.initialize(job_addresses=f"127.0.0.1:{port}", num_processes=2, process_id=int(process_id))
    x, y = make_data()
    distributed = train(dist.DataParallel(), x, y)
    local = train(None, x, y)
    per_process = per_process_data(x, y)
    return {
        "per_process": per_process,
        "process_index": jax.process_index(),
        "process_count": jax.process_count(),
        "devices": jax.device_count(),
        "local_devices": jax.local_device_count(),
        "weights": [w.tolist() for w in distributed["weights"]],
        "diff_vs_single_device": max_diff(distributed, local),
        "variable_devices": sharding_info(distributed["model"].weights[0].value)["devices"],
    }


if __name__ == "__main__":
    case = sys.argv[1]
    result = {"data_parallel": data_parallel, "model_parallel": model_parallel, "multi_process": multi_process}[case](
        *sys.argv[2:]
    )
    print("RESULT " + json.dumps(result), flush=True)
