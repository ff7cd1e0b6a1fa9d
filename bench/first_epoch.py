"""The first epoch of a fresh process, with JAX's persistent compilation cache cold and then warm.

    python bench/first_epoch.py [--workload transformer|lstm|mlp] [--n N] [--runs 2]

Each run is a new Python process that builds the workload's kerax model (``bench/run.py``'s builders)
and trains one epoch with ``fit(verbose=0)``, timed from ``on_epoch_begin`` to ``on_epoch_end`` as the
peers' scripts time it; the processes share one empty kerax home (``KERAX_HOME``), so the first run
compiles and fills the cache and the later ones load from it. A last run with
``KERAX_COMPILATION_CACHE=0`` shows what a second run would cost without the cache. Prints one line per
run and a JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = """
import sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, {here!r})
import kerax
import run as R, workloads as W
t_import = time.perf_counter() - t0
name, n = {name!r}, {n}
x, y = W.mnist_like(n) if name == "mlp" else W.text_like(n)
model = R.BUILDERS[name]("auto")
timer = R.EpochTimer()
t = time.perf_counter()
model.fit(x, y, batch_size=W.BATCH, epochs=1, verbose=0, callbacks=[timer])
print(json.dumps({{"import_s": t_import, "first_epoch_s": timer.times[0], "fit_s": time.perf_counter() - t}}))
"""


def run_once(name: str, n: int, env: dict[str, str]) -> dict[str, float]:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(here=HERE, name=name, n=n)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - t
    return {k: round(v, 3) for k, v in result.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", default="transformer", choices=["transformer", "lstm", "mlp"])
    ap.add_argument("--n", type=int, help="samples (default: the peers' size, 8,192 for the Transformer)")
    ap.add_argument("--runs", type=int, default=2, help="runs sharing the cache (the first one fills it)")
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    import workloads as W

    n = args.n or {"transformer": W.TRANSFORMER_N, "lstm": W.LSTM_N, "mlp": W.MLP_N}[args.workload]
    results = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "KERAX_HOME": home}
        env.pop("KERAX_COMPILATION_CACHE", None)
        for i in range(args.runs):
            r = run_once(args.workload, n, env)
            results.append({"run": i + 1, "cache": "cold" if i == 0 else "warm", **r, "load": os.getloadavg()[0]})
            print(f"run {i + 1} ({results[-1]['cache']} cache): {r}", flush=True)
        r = run_once(args.workload, n, {**env, "KERAX_COMPILATION_CACHE": "0"})
        results.append({"run": args.runs + 1, "cache": "off", **r, "load": os.getloadavg()[0]})
        print(f"run {args.runs + 1} (cache off): {r}", flush=True)
    print(json.dumps({"bench": "first-epoch", "workload": args.workload, "n": n, "runs": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
