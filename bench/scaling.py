"""Data-parallel scaling of the seed MLP's fit epoch over 1, 2, 4 and 8 devices.

    python bench/scaling.py [--devices 1,2,4,8] [--epochs N] [--n N] [--batch B] [--simulate] [--json PATH]

Each device count runs in its own process: ``fit(x, y, batch_size=B, epochs=N, verbose=0)`` of the MLP
of ``bench/run.py`` under ``kerax.distribution.DataParallel(devices=jax.devices()[:k])``, timed per epoch
(the first includes compilation; "steady" is the median of the later ones), plus one run without any
distribution as the baseline of today's single-device path.

On a machine with GPUs (or TPUs) the real devices are used, up to as many as there are. Otherwise, or with
``--simulate``, each process gets ``k`` simulated CPU devices (``XLA_FLAGS=
--xla_force_host_platform_device_count=k``): they share the host's cores, so this measures the overhead of
splitting a step, not a speed-up.

A table goes to stdout, then one JSON line with every number; progress goes to stderr. The exit status is 1
if a run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")


def log(msg: str) -> None:
    print(f"[scaling {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- child processes ----------------------------------------------------------------------------------------
def probe() -> dict[str, Any]:
    import jax

    return {"platform": jax.default_backend(), "devices": jax.device_count()}


def run_fit(devices: int, n: int, epochs: int, batch: int) -> dict[str, Any]:
    """One ``fit`` on ``devices`` devices (0: no distribution), timed per epoch."""
    import jax

    sys.path.insert(0, HERE)
    import run as R  # noqa: E402 - bench/run.py: the MLP and the epoch timer
    import workloads as W  # noqa: E402

    import kerax

    if devices:
        if jax.device_count() < devices:
            raise SystemExit(f"asked for {devices} devices, {jax.device_count()} are available")
        kerax.distribution.set_distribution(kerax.distribution.DataParallel(devices=jax.devices()[:devices]))
    x, y = W.mnist_like(n)
    kerax.utils.set_random_seed(0)
    model = R.kerax_mlp()
    timer = R.EpochTimer()
    history = model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, callbacks=[timer])
    return {
        "platform": jax.default_backend(),
        "devices": devices,
        "first_s": round(timer.times[0], 4),
        "steady_s": round(statistics.median(timer.times[1:]), 4) if len(timer.times) > 1 else None,
        "epoch_s": [round(t, 4) for t in timer.times],
        "final_loss": round(float(history.history["loss"][-1]), 5),
        "kernel_devices": len(model.weights[0].value.sharding.device_set),
    }


def spawn(args: list[str], simulated: int | None, timeout: float) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH", "")) if p)
    if simulated is not None:
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={max(simulated, 1)}"
        env["JAX_PLATFORMS"] = "cpu"
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILD ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1][len("CHILD ") :])


# -- the parent ---------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devices", default="1,2,4,8", help="comma-separated device counts (default 1,2,4,8)")
    ap.add_argument("--epochs", type=int, default=3, help="epochs per run (default 3: one compiling, two steady)")
    ap.add_argument("--n", type=int, default=60_000, help="samples (default 60,000, as bench/run.py)")
    ap.add_argument("--batch", type=int, default=32, help="global batch size (default 32, as the seed)")
    ap.add_argument("--simulate", action="store_true", help="simulated CPU devices even where accelerators exist")
    ap.add_argument("--timeout", type=float, default=900, help="seconds allowed per run (default 900)")
    ap.add_argument("--json", metavar="PATH", help="also write the JSON line to PATH")
    ap.add_argument("--child", nargs=4, metavar=("DEVICES", "N", "EPOCHS", "BATCH"), help=argparse.SUPPRESS)
    ap.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe:
        print("CHILD " + json.dumps(probe()), flush=True)
        return 0
    if args.child:
        print("CHILD " + json.dumps(run_fit(*(int(v) for v in args.child))), flush=True)
        return 0

    try:
        counts = [int(v) for v in args.devices.split(",")]
    except ValueError:
        ap.error(f"--devices must be comma-separated integers, received {args.devices!r}")
    if not counts or min(counts) < 1 or args.epochs < 1 or args.n < 1 or args.batch < 1:
        ap.error("--devices, --epochs, --n and --batch must be positive")
    bad = [k for k in counts if args.batch % k]
    if bad:
        ap.error(f"--batch {args.batch} is not divisible by the device counts {bad}")

    # The probe runs in a child so that this process never claims an accelerator's memory.
    found = spawn(["--probe"], None, args.timeout)
    real = found["platform"] != "cpu" and not args.simulate
    if real:
        counts = [k for k in counts if k <= found["devices"]]
    mode = f"{found['devices']} real {found['platform']} device(s)" if real else "simulated CPU devices"
    log(f"{mode}; device counts {counts}; n={args.n:,}, batch {args.batch}, {args.epochs} epoch(s)")

    runs: list[dict[str, Any]] = []
    failed = False
    for k in [0, *counts]:
        label = "no distribution" if k == 0 else f"DataParallel x{k}"
        log(f"{label} ...")
        try:
            res = spawn(
                ["--child", str(k), str(args.n), str(args.epochs), str(args.batch)], None if real else k, args.timeout
            )
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            log(f"{label} failed: {err}")
            failed = True
            continue
        res["label"] = label
        runs.append(res)
        log(f"{label}: epochs {res['epoch_s']}")

    base = next((r for r in runs if r["devices"] == 1), None)
    key = "steady_s" if args.epochs > 1 else "first_s"
    for r in runs:
        r["ratio_to_1"] = round(r[key] / base[key], 3) if base and base[key] else None
    lines = [
        f"kerax DataParallel scaling: seed MLP, {args.n:,} samples, batch {args.batch}, {mode}",
        f"load average: {[round(v, 2) for v in os.getloadavg()]}",
        "",
        f"| run | platform | first epoch s | steady epoch s | {key[:-2]} / 1 device | final loss |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        lines.append(
            f"| {r['label']} | {r['platform']} | {r['first_s']:.3f} | "
            f"{'-' if r['steady_s'] is None else format(r['steady_s'], '.3f')} | "
            f"{'-' if r['ratio_to_1'] is None else format(r['ratio_to_1'], '.3f')} | {r['final_loss']} |"
        )
    print("\n".join(lines))
    record = json.dumps({"mode": mode, "n": args.n, "batch": args.batch, "epochs": args.epochs, "runs": runs})
    print(record)
    if args.json:
        with open(args.json, "w") as f:
            f.write(record + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
