"""The distribution API in-process: meshes, layouts, LayoutMap lookup, the global setting, initialize()."""

from __future__ import annotations

import re

import jax
import numpy as np
import pytest
from jax.sharding import PartitionSpec

import kerax
from kerax import distribution as dist
from kerax import layers
from kerax.distribution import _placement


@pytest.fixture(autouse=True)
def _no_distribution():
    dist.set_distribution(None)
    yield
    dist.set_distribution(None)


@pytest.fixture
def mesh():
    device = jax.devices()[0]
    return dist.DeviceMesh((1, 1), ("batch", "model"), [device])


class FakeVariable:
    def __init__(self, path, shape):
        self.path = path
        self.shape = shape


# -- devices and meshes -----------------------------------------------------------------------------------
def test_list_devices_names_the_default_backend():
    assert dist.list_devices() == [f"{d.platform}:{d.id}" for d in jax.devices()]
    assert dist.list_devices("CPU") == [f"cpu:{d.id}" for d in jax.devices("cpu")]
    with pytest.raises(ValueError, match=r"one of \('cpu', 'gpu', 'tpu'\) or None, received 'npu'"):
        dist.list_devices("npu")


def test_get_device_count_and_distribute_tensor(mesh):
    assert dist.get_device_count() == len(jax.devices())
    assert dist.get_device_count("cpu") == len(jax.devices("cpu"))
    layout = dist.TensorLayout(("batch", None), mesh)
    placed = dist.distribute_tensor(np.ones((2, 3), "float32"), layout)
    assert placed.sharding == layout.sharding()
    assert dist.distribute_tensor(placed, layout) is placed  # already laid out: unchanged
    traced = jax.jit(lambda x: dist.distribute_tensor(x * 2, layout))(placed)
    np.testing.assert_allclose(traced, np.full((2, 3), 2.0))
    symbolic = kerax.Input((3,))
    assert dist.distribute_tensor(symbolic, layout) is symbolic
    with pytest.raises(TypeError, match="TensorLayout or a jax.sharding.Sharding"):
        dist.distribute_tensor(placed, ("batch", None))


def test_device_mesh_accepts_names_and_devices(mesh):
    by_name = dist.DeviceMesh((1,), ("batch",), dist.list_devices()[:1])
    assert by_name.devices.tolist() == [jax.devices()[0]]
    assert mesh.shape == (1, 1) and mesh.axis_names == ("batch", "model")
    assert mesh.jax_mesh.shape == {"batch": 1, "model": 1}
    assert mesh.axis_size("model") == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"shape": (2, 0), "axis_names": ("a", "b")}, ValueError, r"positive integers, received \(2, 0\)"),
        ({"shape": 4, "axis_names": ("a",)}, ValueError, "positive integers, received 4"),
        ({"shape": (1,), "axis_names": "batch"}, TypeError, "tuple of strings, received 'batch'"),
        ({"shape": (1, 1), "axis_names": ("batch",)}, ValueError, r"one non-empty string per dimension"),
        ({"shape": (1, 1), "axis_names": ("a", "a")}, ValueError, "must be distinct"),
        ({"shape": (3,), "axis_names": ("batch",)}, ValueError, r"holds 3 devices, but 1 devices were given"),
        ({"shape": (1,), "axis_names": ("b",), "devices": ["cpu:99"]}, ValueError, "unknown device 'cpu:99'"),
        ({"shape": (1,), "axis_names": ("b",), "devices": [3.5]}, TypeError, "jax.Device or a string"),
        ({"shape": (1,), "axis_names": ("b",), "devices": []}, ValueError, "must not be empty"),
    ],
)
def test_device_mesh_validates(kwargs, error, message):
    if "devices" not in kwargs:
        kwargs = {**kwargs, "devices": jax.devices()[:1]}
    with pytest.raises(error, match=message):
        dist.DeviceMesh(**kwargs)


def test_tensor_layout_checks_axes(mesh):
    layout = dist.TensorLayout((None, "model"))
    assert layout.device_mesh is None
    layout.device_mesh = mesh
    assert layout.sharding().spec == PartitionSpec(None, "model")
    with pytest.raises(ValueError, match=r"axes \['data'\] are not axes of the mesh"):
        dist.TensorLayout(("data",), mesh)
    with pytest.raises(TypeError, match=r"write \('model',\) for a single axis"):
        dist.TensorLayout("model")
    with pytest.raises(ValueError, match="only one dimension"):
        dist.TensorLayout(("model", "model"))
    with pytest.raises(ValueError, match="no `device_mesh` is set"):
        dist.TensorLayout((None,)).sharding()


# -- LayoutMap ----------------------------------------------------------------------------------------------
def test_layout_map_exact_key_wins_over_regex(mesh):
    layout_map = dist.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    layout_map["dense_1/kernel"] = ("model", None)
    assert layout_map["dense_1/kernel"].axes == ("model", None)  # exact, though the regex matches too
    assert layout_map["dense/kernel"].axes == (None, "model")
    assert layout_map["sequential/dense_2/kernel"].axes == (None, "model")  # re.search: anywhere in the path
    assert layout_map["dense/bias"] is None
    assert layout_map["dense.*kernel"].device_mesh is mesh


def test_layout_map_refuses_ambiguous_and_duplicate_keys(mesh):
    layout_map = dist.LayoutMap(mesh)
    layout_map["kernel"] = (None, "model")
    layout_map["dense"] = (None, None)
    with pytest.raises(ValueError, match=re.escape("'dense/kernel' matches several keys ['kernel', 'dense']")):
        layout_map["dense/kernel"]
    with pytest.raises(ValueError, match="'kernel' already has layout"):
        layout_map["kernel"] = ("model", None)
    del layout_map["kernel"]
    assert layout_map["dense/kernel"].axes == (None, None)
    assert list(layout_map) == ["dense"] and len(layout_map) == 1
    assert "dense" in layout_map and "dense/kernel" not in layout_map


def test_layout_map_validates(mesh):
    layout_map = dist.LayoutMap(mesh)
    with pytest.raises(ValueError, match=r"'dense\[' is not a valid regular expression"):
        layout_map["dense["] = (None,)
    with pytest.raises(TypeError, match="keys must be strings"):
        layout_map[3] = (None,)
    with pytest.raises(ValueError, match="not axes of the mesh"):
        layout_map["dense"] = ("data",)
    other = dist.DeviceMesh((1,), ("model",), jax.devices()[:1])
    with pytest.raises(ValueError, match="another mesh"):
        layout_map["dense"] = dist.TensorLayout(("model",), other)
    with pytest.raises(TypeError, match="must be a DeviceMesh, received tuple"):
        dist.LayoutMap((1, 1))


# -- distributions --------------------------------------------------------------------------------------------
def test_data_parallel_defaults_to_all_devices():
    data_parallel = dist.DataParallel()
    assert data_parallel.device_mesh.shape == (jax.device_count(),)
    assert data_parallel.batch_dim_name == "batch"
    assert data_parallel.get_data_layout((32, 8)).axes == ("batch", None)
    assert data_parallel.get_variable_layout(FakeVariable("dense/kernel", (8, 4))).axes == (None, None)
    with pytest.raises(ValueError, match="either `device_mesh` or `devices`"):
        dist.DataParallel(device_mesh=data_parallel.device_mesh, devices=jax.devices())
    with pytest.raises(TypeError, match="must be a DeviceMesh, received str"):
        dist.DataParallel(device_mesh="batch")
    with pytest.raises(TypeError, match="must be a list of devices, received str"):
        dist.DataParallel(devices="cpu:0")


def test_model_parallel_layouts(mesh):
    layout_map = dist.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    model_parallel = dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    assert model_parallel.device_mesh is mesh and model_parallel.layout_map is layout_map
    assert model_parallel.get_variable_layout(FakeVariable("dense/kernel", (8, 4))).axes == (None, "model")
    assert model_parallel.get_variable_layout(FakeVariable("dense/bias", (4,))).axes == (None,)
    with pytest.raises(ValueError, match=r"layout \(None, 'model'\) matched for variable 'dense_1/kernel' has 2 axes"):
        model_parallel.get_variable_layout(FakeVariable("dense_1/kernel", (2, 3, 4)))
    with pytest.raises(ValueError, match=r"`batch_dim_name` must be an axis of the mesh \('batch', 'model'\)"):
        dist.ModelParallel(layout_map=layout_map, batch_dim_name="data")
    with pytest.raises(TypeError, match="`layout_map` must be a LayoutMap, received dict"):
        dist.ModelParallel(layout_map={})
    assert dist.ModelParallel(layout_map=layout_map).batch_dim_name == "batch"


def test_set_distribution_and_scope():
    assert dist.distribution() is None
    data_parallel = dist.DataParallel()
    dist.set_distribution(data_parallel)
    assert dist.distribution() is data_parallel
    other = dist.DataParallel(devices=jax.devices()[:1])
    with other.scope():
        assert dist.distribution() is other
    assert dist.distribution() is data_parallel
    with pytest.raises(TypeError, match="received str"):
        dist.set_distribution("data_parallel")


def test_placement_on_one_device_trains_like_no_distribution():
    x = np.random.default_rng(0).normal(size=(20, 4)).astype("float32")
    y = (x.sum(-1) > 0).astype("int64")

    def run():
        kerax.utils.clear_session()
        kerax.utils.set_random_seed(0)
        model = kerax.Sequential([kerax.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
        model.compile(optimizer="adam", loss=kerax.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        return model

    plain = run()
    assert _placement.current() is None
    with dist.DataParallel(devices=jax.devices()[:1]).scope():
        placed = run()
        assert _placement.current().batch_shards == 1
        predicted = placed.predict(x, verbose=0)
    for a, b in zip(plain.get_weights(), placed.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(predicted, plain.predict(x, verbose=0), atol=1e-6)
    kernel = placed.weights[0].value
    assert kernel.sharding.spec == PartitionSpec() and kernel.sharding.mesh.shape == {"batch": 1}


def test_auto_shard_dataset_is_accepted_as_in_keras(mesh, monkeypatch):
    """Keras's keyword: True (the default) takes the same global data on every process; False, each
    process's own data, which changes nothing with one process (tests/distribution/test_multidevice.py
    runs it on two processes)."""
    layout_map = dist.LayoutMap(mesh)
    assert dist.DataParallel().auto_shard_dataset is True
    assert dist.ModelParallel(layout_map=layout_map, auto_shard_dataset=False).auto_shard_dataset is False
    with pytest.raises(TypeError, match="`auto_shard_dataset` must be True or False, received 'no'"):
        dist.DataParallel(auto_shard_dataset="no")

    x = np.random.default_rng(1).normal(size=(16, 4)).astype("float32")
    model = kerax.Sequential([kerax.Input((4,)), layers.Dense(2)])
    with dist.DataParallel(devices=jax.devices()[:1], auto_shard_dataset=False).scope():
        assert not _placement.current().per_process
        np.testing.assert_allclose(model.predict(x, verbose=0), x @ model.get_weights()[0], rtol=1e-5, atol=1e-6)
    monkeypatch.setattr(jax, "process_count", lambda: 2)
    with dist.DataParallel(devices=jax.devices()[:1], auto_shard_dataset=False).scope():
        assert _placement.current().per_process
    with dist.DataParallel(devices=jax.devices()[:1]).scope():
        assert not _placement.current().per_process


# -- initialize ------------------------------------------------------------------------------------------------
@pytest.fixture
def calls(monkeypatch):
    recorded = []
    monkeypatch.setattr(jax.distributed, "initialize", lambda **kwargs: recorded.append(kwargs))
    for name in ("JOB_ADDRESSES", "NUM_PROCESSES", "PROCESS_ID"):
        monkeypatch.delenv(f"KERAS_DISTRIBUTION_{name}", raising=False)
    return recorded


def test_initialize_passes_the_coordinator(calls):
    dist.initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=2, process_id=1)
    assert calls == [{"coordinator_address": "10.0.0.1:1234", "num_processes": 2, "process_id": 1}]


def test_initialize_reads_the_environment(calls, monkeypatch):
    monkeypatch.setenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", "127.0.0.1:5000")
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "4")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "3")
    dist.initialize()
    dist.initialize(process_id=0)  # an argument wins over its variable
    assert calls == [
        {"coordinator_address": "127.0.0.1:5000", "num_processes": 4, "process_id": 3},
        {"coordinator_address": "127.0.0.1:5000", "num_processes": 4, "process_id": 0},
    ]


def test_initialize_without_arguments_lets_jax_detect_the_cluster(calls):
    dist.initialize()
    assert calls == [{"coordinator_address": None, "num_processes": None, "process_id": None}]


@pytest.mark.parametrize(
    ("kwargs", "env", "error", "message"),
    [
        ({"job_addresses": ""}, {}, ValueError, "non-empty string like"),
        ({"job_addresses": "a:1,,b:2"}, {}, ValueError, "has an empty entry"),
        ({"job_addresses": "a:1,b:2", "num_processes": 3}, {}, ValueError, "2 addresses but `num_processes` is 3"),
        ({"num_processes": 0}, {}, ValueError, "at least 1, received 0"),
        ({"num_processes": 2, "process_id": 2}, {}, ValueError, r"in \[0, 2\), received 2"),
        ({"process_id": -1}, {}, ValueError, "must be non-negative, received -1"),
        ({"num_processes": "2"}, {}, TypeError, "`num_processes` must be an integer, received '2'"),
        ({"process_id": True}, {}, TypeError, "`process_id` must be an integer, received True"),
        ({}, {"KERAS_DISTRIBUTION_NUM_PROCESSES": "two"}, ValueError, "KERAS_DISTRIBUTION_NUM_PROCESSES must be"),
    ],
)
def test_initialize_validates(calls, monkeypatch, kwargs, env, error, message):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(error, match=message):
        dist.initialize(**kwargs)
    assert calls == []
