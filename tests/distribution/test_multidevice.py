"""Training on 8 simulated CPU devices, and on two processes forming one JAX job.

Each scenario runs ``dist_script.py`` in its own process (the device count must be set before JAX is
imported). All of them start together when the module's first test runs; each test waits for its own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).with_name("dist_script.py")
SRC = Path(__file__).resolve().parents[2] / "src"
TIMEOUT_S = 300  # generous: the scenarios compile a lot, and this machine is shared
ATOL = 1e-5


class Scenario:
    """One ``dist_script.py`` process; ``result()`` waits for it and parses its JSON line."""

    def __init__(self, devices: int, *args: str) -> None:
        env = dict(os.environ)
        # Optimisation level 0 cuts about a third of the compile time that dominates these runs; both sides of
        # every comparison run in the same process, under the same flags.
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices} --xla_backend_optimization_level=0"
        env["JAX_PLATFORMS"] = "cpu"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
        self.args = args
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._result: dict[str, Any] | None = None

    def result(self) -> dict[str, Any]:
        if self._result is None:
            try:
                out, err = self.process.communicate(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                out, err = self.process.communicate()
                pytest.fail(f"dist_script.py {' '.join(self.args)} ran past {TIMEOUT_S} s.\n{err[-3000:]}")
            lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
            if self.process.returncode != 0 or not lines:
                pytest.fail(f"dist_script.py {' '.join(self.args)} failed ({self.process.returncode}):\n{err[-3000:]}")
            self._result = json.loads(lines[-1][len("RESULT ") :])
        return self._result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scenarios() -> Any:
    port = str(free_port())
    runs = {
        "data_parallel": Scenario(8, "data_parallel"),
        "model_parallel": Scenario(8, "model_parallel"),
        "process_0": Scenario(4, "multi_process", port, "0"),
        "process_1": Scenario(4, "multi_process", port, "1"),
    }
    yield runs
    for run in runs.values():
        run.stop()


def assert_close(diff: dict[str, float]) -> None:
    assert all(value <= ATOL for value in diff.values()), diff


# -- DataParallel on 8 devices --------------------------------------------------------------------------
def test_data_parallel_matches_one_device(scenarios):
    result = scenarios["data_parallel"].result()
    assert result["devices"] == 8
    # fit (weights and history, final partial batch included), evaluate, predict and model(x).
    assert set(result["diff_one_vs_eight"]) == {"weights", "history", "evaluate", "predict", "call"}
    assert_close(result["diff_one_vs_eight"])
    assert result["compilations"] == [1, 1]  # train loop, test loop: the placed layout is kept across calls
    assert result["loss_decreased"]


def test_data_parallel_replicates_weights_optimizer_and_metrics(scenarios):
    result = scenarios["data_parallel"].result()
    assert len(result["variables"]) == 8  # kernels, biases, BatchNormalization's moving statistics
    for info in [*result["variables"].values(), *result["optimizer"], *result["metric"]]:
        assert info["devices"] == 8 and info["replicated"], info


def test_data_parallel_splits_the_batch(scenarios):
    # The gradients of the per-device shares of a batch are summed by an all-reduce XLA inserted.
    assert scenarios["data_parallel"].result()["hlo_all_reduce"]


def test_data_loader_trains_like_arrays(scenarios):
    result = scenarios["data_parallel"].result()
    assert result["loader_diff"] <= ATOL
    assert result["loader_sharding"] == {"devices": 8, "replicated": True, "spec": []}


def test_batch_size_not_divisible_is_refused(scenarios):
    result = scenarios["data_parallel"].result()
    for what in ("fit", "evaluate"):
        message = result[f"bad_{what}"]
        assert message is not None and message.startswith(f"{what}: batch_size=12 "), message
        assert "8 devices" in message


# -- ModelParallel on a 2x4 mesh --------------------------------------------------------------------------
def test_model_parallel_shards_the_matched_kernel(scenarios):
    result = scenarios["model_parallel"].result()
    variables = result["variables"]
    # The layout map's keys ("dense/kernel") are searched for in the paths, as in Keras.
    assert variables["sequential/dense/kernel"] == {"devices": 8, "replicated": False, "spec": [None, "model"]}
    assert variables["sequential/dense/bias"] == {"devices": 8, "replicated": False, "spec": ["model"]}
    for path in ("dense_1/kernel", "dense_1/bias", "batch_normalization/moving_mean"):
        assert variables[f"sequential/{path}"]["replicated"], (path, variables[f"sequential/{path}"])
    # Adam's moments of the kernel are laid out like the kernel; its step count is replicated.
    specs = sorted(str(info["spec"]) for info in result["kernel_slots"])
    assert specs == ["[None, 'model']", "[None, 'model']", "[]"]


def test_model_parallel_matches_single_device(scenarios):
    result = scenarios["model_parallel"].result()
    assert_close(result["diff"])
    assert result["compilations"] == [1, 1]
    assert result["bad_batch"] is not None and "batch_size=7" in result["bad_batch"]
    assert "2 devices" in result["bad_batch"]
    assert result["current_after_scope"]
    assert "'dense/kernel' of shape (8, 6)" in result["bad_layout"]
    assert "dimension 6 is not divisible by the 4 devices of mesh axis 'model'" in result["bad_layout"]


# -- two processes, one job -------------------------------------------------------------------------------
def test_two_processes_train_like_one_device(scenarios):
    first, second = scenarios["process_0"].result(), scenarios["process_1"].result()
    assert [first["process_index"], second["process_index"]] == [0, 1]
    for result in (first, second):
        assert (result["process_count"], result["devices"], result["local_devices"]) == (2, 8, 4)
        assert result["variable_devices"] == 8
        assert_close(result["diff_vs_single_device"])
    assert first["weights"] == second["weights"]


def test_two_processes_with_their_own_data_train_like_one_device_on_all_of_it(scenarios):
    """auto_shard_dataset=False: each process passes its own data; the global batch is their shares."""
    for result in (scenarios["process_0"].result(), scenarios["process_1"].result()):
        per_process = result["per_process"]
        assert per_process["predict_rows"] == 48  # this process's rows only
        assert "every process must pass the same number of samples" in per_process["uneven"]
        assert "[48, 40]" in per_process["uneven"]
        diffs = {k: v for k, v in per_process.items() if k not in ("predict_rows", "uneven")}
        assert_close(diffs)
