"""Saved FeatureSpace files across Keras 3 and kerax, checked with Keras + TensorFlow (which kerax's tests lack).

Keras's ``FeatureSpace`` preprocesses through TensorFlow, so this script runs in a separate virtual
environment (see ``make_lookup_references.py`` for making one). It uses the space of the ``fs_concat`` and
``fs_dict`` cases of ``lookup_references.json`` (eight features of every kind and two crosses) and:

* ``make``: adapts Keras's space on the cases' data and saves it as
  ``tests/saving/data/keras_feature_space.keras`` (concat mode), the Keras-made file that
  ``tests/layers/test_feature_space.py`` loads into kerax;
* ``check``: runs kerax's interpreter (``--kerax-python``, default ``.venv/bin/python``) to adapt kerax's
  space and save it as ``.keras`` in both output modes, loads those files with ``keras.models.load_model``
  and compares what they compute on the cases' query with the outputs Keras recorded. Exit status 1 on a
  difference.

From the repository root:

    KERAS_BACKEND=tensorflow /tmp/tfvenv/bin/python tests/layers/reference/feature_space_files.py make
    KERAS_BACKEND=tensorflow /tmp/tfvenv/bin/python tests/layers/reference/feature_space_files.py check

Last run (Keras 3.15.1, TensorFlow 2.21.0): both of kerax's files load in Keras and give the recorded
outputs within 5e-7.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
KERAS_FILE = os.path.join(ROOT, "tests", "saving", "data", "keras_feature_space.keras")

# Run by kerax's interpreter: adapt kerax's space (the one kerax's tests build) and save it in both modes.
_KERAX_SAVE = """
import sys
import numpy as np
sys.path.insert(0, {root!r})
from tests.layers.lookup_reference_cases import load_cases
from tests.layers.test_feature_space import make_space

for case in load_cases(("fs_",)):
    space = make_space(case["output_mode"])
    space.adapt({{k: np.array(v) for k, v in case["data"].items()}})
    space.save({folder!r} + "/" + case["name"] + ".keras")
"""


def _cases() -> dict[str, dict]:
    with open(os.path.join(HERE, "lookup_references.json"), encoding="utf-8") as f:
        return {c["name"]: c for c in json.load(f)["cases"] if c["name"].startswith("fs_")}


def make() -> None:
    import keras
    import numpy as np

    case = _cases()["fs_concat"]
    fs = keras.utils.FeatureSpace
    features = {
        "f_float": "float",
        "f_norm": "float_normalized",
        "f_resc": fs.float_rescaled(scale=0.1, offset=-0.5),
        "f_disc": "float_discretized",
        "i_cat": "integer_categorical",
        "s_cat": fs.string_categorical(max_tokens=4),
        "i_hash": "integer_hashed",
        "s_hash": fs.string_hashed(num_bins=6),
    }
    space = fs(
        features,
        output_mode="concat",
        crosses=[("s_cat", "i_cat"), fs.cross(("i_hash", "s_hash"), crossing_dim=7)],
        crossing_dim=8,
        hashing_dim=5,
        num_discretization_bins=4,
    )
    space.adapt({k: np.array(v) for k, v in case["data"].items()})
    out = np.asarray(space({k: np.array(v) for k, v in case["query"].items()}))
    if not np.allclose(out, case["output"], atol=1e-6):
        raise SystemExit("Keras's space no longer computes the recorded fs_concat output; regenerate the references.")
    space.save(KERAS_FILE)
    print(f"wrote {KERAS_FILE}", file=sys.stderr)


def check(kerax_python: str) -> int:
    import keras
    import numpy as np

    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([kerax_python, "-c", _KERAX_SAVE.format(root=ROOT, folder=folder)], check=True)
        for name, case in _cases().items():
            space = keras.models.load_model(os.path.join(folder, f"{name}.keras"))
            out = space({k: np.array(v) for k, v in case["query"].items()})
            expected = case["output"]
            if case["output_mode"] == "dict":
                same = list(out) == list(expected)
                worst = max(float(np.abs(np.asarray(out[k]) - np.asarray(expected[k])).max()) for k in expected)
            else:
                same, worst = True, float(np.abs(np.asarray(out) - np.asarray(expected)).max())
            ok = same and worst <= 1e-5
            failures += not ok
            print(
                f"{name}: kerax's .keras file loaded in Keras {keras.__version__}: largest difference {worst:.2g}"
                f"{'' if same else ', features in another order'} -> {'ok' if ok else 'DIFFERENT'}"
            )
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("make", "check"))
    ap.add_argument("--kerax-python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    args = ap.parse_args()
    if args.what == "make":
        make()
        return 0
    return check(args.kerax_python)


if __name__ == "__main__":
    sys.exit(main())
