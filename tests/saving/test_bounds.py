"""Loading is bounded by the file: a config that asks for far more weights than the file holds is refused
before anything is allocated (the hostile-file probe's 9 KB file with ``units=10**7`` took 4.4 GB)."""

from __future__ import annotations

import json
import resource
import time
import zipfile

import numpy as np
import pytest

import kerax


def _rewrite_config(source: str, target: str, edit) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode()
            zout.writestr(info.filename, data)


@pytest.mark.parametrize("suffix", [".keras", ".kerax"])
def test_a_config_asking_for_huge_weights_is_refused_before_allocating(tmp_path, suffix):
    model = kerax.Sequential([kerax.Input((8,)), kerax.layers.Dense(4, name="d")])
    small = str(tmp_path / f"small{suffix}")
    model.save(small)
    hostile = str(tmp_path / f"hostile{suffix}")

    def grow(config):
        layer = next(entry for entry in config["config"]["layers"] if entry["class_name"] == "Dense")
        layer["config"]["units"] = 10**7

    _rewrite_config(small, hostile, grow)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(ValueError, match="config asks for weights of more than"):
        kerax.models.load_model(hostile)
    assert time.perf_counter() - start < 5.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 200 * 1024  # far below the 320 MB the kernel alone would take


def test_a_model_whose_weights_fit_loads_as_before(tmp_path):
    model = kerax.Sequential([kerax.Input((8,)), kerax.layers.Dense(4), kerax.layers.BatchNormalization()])
    path = str(tmp_path / "ok.keras")
    model.save(path)
    x = np.ones((2, 8), "float32")
    np.testing.assert_allclose(kerax.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))
