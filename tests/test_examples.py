"""Every example runs to completion on small real data, so that none of them rots."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py"))
SAMPLE = ROOT / "src" / "kerax" / "datasets" / "_sample"


@pytest.fixture
def example_env(tmp_path: Path) -> dict[str, str]:
    # seed_001_fashion_mnist.py calls fashion_mnist.load_data(): give it Keras's cache layout holding the real sample.
    target = tmp_path / "home" / "datasets" / "fashion-mnist"
    target.mkdir(parents=True)
    for gz in SAMPLE.glob("*.gz"):
        shutil.copy(gz, target / gz.name)
    env = dict(os.environ)
    env.update(
        KERAX_HOME=str(tmp_path / "home"),
        KERAX_EXAMPLE_OUT=str(tmp_path),
        KERAX_DEMO_OUT=str(tmp_path / "out"),
        KERAX_EXAMPLE_EPOCHS="1",
        KERAX_EXAMPLE_LIMIT="256",
        KERAX_DEMO_EPOCHS="1",
        JAX_PLATFORMS="cpu",
    )
    return env


def test_every_example_is_listed() -> None:
    assert {
        "demo.py",
        "seed_000_three_ways.py",
        "seed_001_fashion_mnist.py",
        "seed_002_model_types.py",
        "seed_003_inception.py",
        "seed_004_models.py",
        "three_ways_cnn_fashion.py",
    } <= set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs(name: str, example_env: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        env=example_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "Total params" in result.stdout
    if name == "seed_003_inception.py":
        assert (tmp_path / "final_model.png").stat().st_size > 10_000
    if name == "demo.py":
        assert (tmp_path / "out" / "functional_mlp.png").exists()
        assert "test accuracy" in result.stdout
