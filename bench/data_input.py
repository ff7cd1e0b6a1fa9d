"""Input pipelines feeding ``fit``: kerax's Grain ``image_dataset_from_directory`` and ``PyDataset`` workers.

    python bench/data_input.py [--n 5000] [--size 64] [--classes 5] [--batch 32] [--repeats 1]
                               [--only grain,pydataset,compute] [--dir PATH] [--tf-python PATH] [--json PATH]
    /tmp/tfvenv/bin/python bench/data_input.py --keras-tf [same options]   # Keras 3 + tf.data alone

A folder of ``--n`` JPEGs (``--size`` x ``--size`` coloured noise, ``--classes`` class folders) is generated
once (in a temporary folder removed at the end, or in ``--dir``, which is kept and reused by later runs).
Then, in this order, each measured over one epoch after a warm-up that compiled the model's steps:

* ``compute``: the training loop alone: ``fit`` of a ``PyDataset`` that returns one ready batch at every
  index (nothing to read or decode): the rate the small CNN trains at when input costs nothing.
* ``grain data`` / ``grain fit``: ``kerax.utils.image_dataset_from_directory(dir, image_size=(size, size),
  batch_size=batch)`` read alone (decoding only), then fed to ``fit``. ``--only read`` measures the reading
  alone, without building the model.
* ``pydataset w=1`` / ``w=2``: ``fit`` of a ``PyDataset`` whose ``__getitem__`` opens, decodes and resizes a
  batch of JPEGs with Pillow, read with ``workers=1`` (one batch ahead on one thread), then ``workers=2``
  (two threads), which overlap decoding with training on a 2-core machine.
* With ``--tf-python PATH`` (an interpreter with TensorFlow and Keras 3), or run directly with
  ``--keras-tf``: the same measurements of Keras 3 on TensorFlow, ``keras.utils.image_dataset_from_directory``
  (``tf.data``, ``.prefetch(tf.data.AUTOTUNE)``) read alone and fed to ``fit``, in a separate process.

For each measurement: wall seconds, the process's CPU seconds (all its threads and child processes together),
images per second, CPU seconds over wall seconds (how many cores it kept busy), the system-wide busy fraction
of each core (``/proc/stat``; other processes count too) and the 1-minute load average when it started. The model is
the same small CNN everywhere (Rescaling, three Conv2D + MaxPooling2D, GlobalAveragePooling2D, Dense;
``adam``, sparse categorical cross-entropy from logits).

A table goes to stdout, then one JSON line with every number (also written to ``--json``); progress goes to
stderr. The exit status is 1 if a measurement failed (the others still run).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

MODES = ("compute", "grain", "pydataset", "read")


def log(msg: str) -> None:
    print(f"[data_input {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- the image folder ---------------------------------------------------------------------------------------
def jpeg_encoder() -> Callable[[np.ndarray], bytes]:
    """A function from a uint8 ``(h, w, 3)`` array to JPEG bytes (quality 90): Pillow's, else TensorFlow's."""
    try:
        from PIL import Image
    except ImportError:  # the TensorFlow interpreter may lack Pillow
        import tensorflow as tf

        return lambda pixels: tf.io.encode_jpeg(pixels, quality=90).numpy()

    def encode(pixels: np.ndarray) -> bytes:
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
        return buffer.getvalue()

    return encode


def make_images(folder: str, n: int, size: int, classes: int, seed: int = 0) -> None:
    """``n`` JPEGs of ``size`` x ``size`` in ``classes`` class folders, unless ``folder`` already holds them.

    The class shows in the colour (class ``k`` brightens channel ``k % 3``). Each file is written to a
    temporary name and moved into place; ``READY.json``, written last, marks a complete folder.
    """
    marker = os.path.join(folder, "READY.json")
    spec = {"n": n, "size": size, "classes": classes, "seed": seed}
    if os.path.exists(marker):
        with open(marker) as f:
            if json.load(f) == spec:
                log(f"reusing the {n} images in {folder}")
                return
        raise SystemExit(f"{folder} holds another image set ({marker}); pass an empty or new --dir")
    encode = jpeg_encoder()
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for c in range(classes):
        os.makedirs(os.path.join(folder, f"class_{c}"), exist_ok=True)
    for i in range(n):
        c = i % classes
        pixels = rng.integers(0, 150, (size, size, 3), dtype=np.uint8)
        pixels[..., c % 3] += 100
        path = os.path.join(folder, f"class_{c}", f"{i:06d}.jpg")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(encode(pixels))
        os.replace(tmp, path)
    tmp = marker + ".tmp"
    with open(tmp, "w") as f:
        json.dump(spec, f)
    os.replace(tmp, marker)
    log(f"wrote {n} JPEGs of {size}x{size} in {time.perf_counter() - t0:.1f} s to {folder}")


def list_images(folder: str) -> tuple[list[str], np.ndarray]:
    """The JPEG paths in class-folder order and their integer labels."""
    names = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
    paths, labels = [], []
    for label, name in enumerate(names):
        for fname in sorted(os.listdir(os.path.join(folder, name))):
            if fname.endswith(".jpg"):
                paths.append(os.path.join(folder, name, fname))
                labels.append(label)
    return paths, np.asarray(labels, dtype=np.int32)


def decode(path: str, size: int) -> np.ndarray:
    """One JPEG as a float32 ``(size, size, 3)`` array (Pillow decode, bilinear resize)."""
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("RGB")
        if img.size != (size, size):
            img = img.resize((size, size), Image.BILINEAR)
        return np.asarray(img, dtype=np.float32)


# -- measuring ----------------------------------------------------------------------------------------------
def core_times() -> list[tuple[int, int]] | None:
    """(busy, total) jiffies of each core from /proc/stat, or None where it does not exist."""
    try:
        with open("/proc/stat") as f:
            lines = [line.split() for line in f if line.startswith("cpu") and not line.startswith("cpu ")]
    except OSError:
        return None
    out = []
    for parts in lines:
        values = [int(v) for v in parts[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        out.append((sum(values[:8]) - idle, sum(values[:8])))
    return out


def live_children_cpu() -> float:
    """User + system seconds so far of this process's running children (kerax's decoding workers), from /proc."""
    total, me, tick = 0.0, os.getpid(), os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == me:  # fields[1]: the parent's pid; [11], [12]: utime, stime
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def tree_cpu() -> float:
    """CPU seconds of this process, its ended children (once waited for) and its running children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + live_children_cpu()


def measure(label: str, images: int, fn: Callable[[], Any]) -> dict[str, Any]:
    """Run ``fn`` once: wall and CPU seconds, images/s, process cores used, system busy per core, load average.

    The CPU seconds include the child processes' (kerax's decoding workers), running or ended.
    """
    load = os.getloadavg()[0]
    before_cores = core_times()
    cpu_before = tree_cpu()
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    cpu = tree_cpu() - cpu_before
    after_cores = core_times()
    busy = None
    if before_cores and after_cores:
        busy = [
            round((b2 - b1) / (t2 - t1), 2) if t2 > t1 else None
            for (b1, t1), (b2, t2) in zip(before_cores, after_cores, strict=False)
        ]
    return {
        "label": label,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "load_1min": round(load, 2),
        "images_per_s": round(images / wall, 1),
        "process_cores": round(cpu / wall, 2),
        "core_busy": busy,
    }


def best_of(label: str, images: int, fn: Callable[[], Any], repeats: int) -> dict[str, Any]:
    """``measure`` ``repeats`` times; the run with the median wall time, plus every wall time in run order."""
    runs = [measure(label, images, fn) for _ in range(max(1, repeats))]
    chosen = dict(sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2])
    chosen["all_wall_s"] = [r["wall_s"] for r in runs]
    chosen["all_cpu_s"] = [r["cpu_s"] for r in runs]
    chosen["all_load_1min"] = [r["load_1min"] for r in runs]
    log(
        f"{label}: {chosen['images_per_s']:.0f} images/s, {chosen['cpu_s']:.2f} CPU s, {chosen['process_cores']} "
        f"cores busy (system per core {chosen['core_busy']}, load average {chosen['load_1min']})"
    )
    return chosen


# -- the model (kerax or Keras: the module is passed in) ---------------------------------------------------
def make_cnn(keras: Any, size: int, classes: int) -> Any:
    """The small CNN, built and compiled with ``keras`` (the kerax or the Keras module)."""
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input((size, size, 3)),
            layers.Rescaling(1.0 / 255),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(classes),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def warm_up_batches(n: int, size: int, classes: int, batch: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Two full batches and, when ``n`` is not a multiple of ``batch``, the last smaller one."""
    rng = np.random.default_rng(1)
    sizes = [batch, batch] + ([n % batch] if n % batch else [])
    return [
        (rng.uniform(0, 255, (k, size, size, 3)).astype("float32"), np.arange(k, dtype=np.int32) % classes)
        for k in sizes
    ]


def warm_up(model: Any, batches: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """Compile the training step for every batch shape, fed as the timed runs feed it, before any timing.

    ``fit`` on arrays may compile another step than ``fit`` on batches, so the batches come from a generator.
    """
    model.fit((b for b in batches), steps_per_epoch=len(batches), epochs=1, verbose=0, shuffle=False)


def drain(dataset: Any) -> int:
    """Read every batch of ``dataset``; the number of images read."""
    count = 0
    for batch in dataset:
        count += len(batch[0])
    return count


# -- kerax ---------------------------------------------------------------------------------------------------
def run_kerax(folder: str, args: argparse.Namespace, modes: list[str]) -> tuple[list[dict[str, Any]], bool]:
    import kerax

    class ReadyBatches(kerax.utils.PyDataset):
        """The same ready batch at every index: the training loop with nothing to read."""

        def __init__(self, count: int, x: np.ndarray, y: np.ndarray, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.count, self.x, self.y = count, x, y

        def __len__(self) -> int:
            return self.count

        def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
            return self.x, self.y

    class JpegBatches(kerax.utils.PyDataset):
        """Batch ``i``: the ``i``-th ``batch`` JPEGs, opened, decoded and resized with Pillow."""

        def __init__(self, paths: list[str], labels: np.ndarray, batch: int, size: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.paths, self.labels, self.batch, self.size = paths, labels, batch, size

        def __len__(self) -> int:
            return -(-len(self.paths) // self.batch)

        def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
            lo, hi = index * self.batch, min((index + 1) * self.batch, len(self.paths))
            return np.stack([decode(p, self.size) for p in self.paths[lo:hi]]), self.labels[lo:hi]

    class WarmBatches(kerax.utils.PyDataset):
        """The warm-up batches as a ``PyDataset`` (whose ``fit`` may compile its own step)."""

        def __init__(self, batches: list[tuple[np.ndarray, np.ndarray]], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.batches = batches

        def __len__(self) -> int:
            return len(self.batches)

        def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
            return self.batches[index]

    n, size, batch, classes = args.n, args.size, args.batch, args.classes
    kerax.utils.set_random_seed(0)
    if set(modes) - {"read"}:
        model = make_cnn(kerax, size, classes)
        log("kerax: compiling the training step ...")
        batches = warm_up_batches(n, size, classes, batch)
        warm_up(model, batches)
        model.fit(WarmBatches(batches), epochs=1, verbose=0, shuffle=False)
    results: list[dict[str, Any]] = []
    failed = False

    def attempt(label: str, fn: Callable[[], Any], images: int = n) -> None:
        nonlocal failed
        try:
            result = best_of(label, images, fn, args.repeats)
        except Exception as err:  # noqa: BLE001 - report and go on with the other measurements
            log(f"{label} failed: {type(err).__name__}: {err}")
            failed = True
            return
        result["library"] = "kerax"
        results.append(result)

    if "compute" in modes:
        x = np.random.default_rng(2).uniform(0, 255, (batch, size, size, 3)).astype("float32")
        ready = ReadyBatches(n // batch, x, np.arange(batch, dtype=np.int32) % classes)
        attempt("compute (ready batches)", lambda: model.fit(ready, epochs=1, verbose=0), (n // batch) * batch)
    if "grain" in modes or "read" in modes:
        dataset = kerax.utils.image_dataset_from_directory(
            folder, image_size=(size, size), batch_size=batch, seed=0, verbose=False
        )
        attempt("grain data (decode only)", lambda: drain(dataset))
    if "grain" in modes:
        attempt("grain fit", lambda: model.fit(dataset, epochs=1, verbose=0))
    if "pydataset" in modes:
        paths, labels = list_images(folder)
        for workers in (1, 2):
            data = JpegBatches(paths, labels, batch, size, workers=workers)
            attempt(f"pydataset w={workers} fit", lambda data=data: model.fit(data, epochs=1, verbose=0))
    return results, failed


# -- Keras 3 on TensorFlow (run with the interpreter that has them) ----------------------------------------
def run_keras_tf(folder: str, args: argparse.Namespace) -> tuple[list[dict[str, Any]], bool]:
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    n, size, batch, classes = args.n, args.size, args.batch, args.classes
    keras.utils.set_random_seed(0)
    model = make_cnn(keras, size, classes)
    log("keras/tf: compiling the training step ...")
    warm_up(model, warm_up_batches(n, size, classes, batch))
    dataset = keras.utils.image_dataset_from_directory(
        folder, image_size=(size, size), batch_size=batch, seed=0, verbose=False
    ).prefetch(tf.data.AUTOTUNE)
    results, failed = [], False
    for label, fn in (
        ("tf.data data (decode only)", lambda: drain(dataset)),
        ("tf.data fit", lambda: model.fit(dataset, epochs=1, verbose=0, shuffle=False)),
    ):
        try:
            result = best_of(label, n, fn, args.repeats)
        except Exception as err:  # noqa: BLE001 - report and go on
            log(f"{label} failed: {type(err).__name__}: {err}")
            failed = True
            continue
        result["library"] = f"Keras {keras.__version__} / TensorFlow {tf.__version__}"
        results.append(result)
    return results, failed


def spawn_keras_tf(python: str, folder: str, args: argparse.Namespace) -> tuple[list[dict[str, Any]], bool]:
    """``--keras-tf`` in a child process run by ``python``; its results."""
    command = [python, os.path.abspath(__file__), "--keras-tf", "--child", "--dir", folder]
    command += ["--n", str(args.n), "--size", str(args.size), "--classes", str(args.classes)]
    command += ["--batch", str(args.batch), "--repeats", str(args.repeats)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, check=False)
    sys.stderr.write(done.stderr[-4000:])
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILD ")]
    if done.returncode != 0 or not lines:
        log(f"the Keras/TensorFlow run failed ({done.returncode})")
        return [], True
    record = json.loads(lines[-1][len("CHILD ") :])
    return record["results"], record["failed"]


# -- the report -----------------------------------------------------------------------------------------------
def report(results: list[dict[str, Any]], args: argparse.Namespace, started: float) -> str:
    compute = next((r for r in results if r["label"].startswith("compute")), None)
    lines = [
        f"Input pipelines feeding fit: {args.n:,} JPEGs {args.size}x{args.size}, {args.classes} classes, "
        f"batch {args.batch}, 1 epoch per measurement (median of {args.repeats})",
        f"cores: {len(core_times() or []) or os.cpu_count()}; load average: {[round(v, 2) for v in os.getloadavg()]}",
        "",
        "| library | measurement | wall s | CPU s | images/s | / compute | process cores busy | system busy per core "
        "| load average (1 min) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        rel = "-" if compute is None else f"{r['images_per_s'] / compute['images_per_s']:.2f}"
        busy = "-" if r["core_busy"] is None else " ".join(f"{b:.2f}" for b in r["core_busy"] if b is not None)
        cpu = f"{r['cpu_s']:.2f}" if "cpu_s" in r else "-"
        load = f"{r['load_1min']:.2f}" if "load_1min" in r else "-"
        lines.append(
            f"| {r['library']} | {r['label']} | {r['wall_s']:.2f} | {cpu} | {r['images_per_s']:.0f} | {rel} | "
            f"{r['process_cores']:.2f} | {busy} | {load} |"
        )
    w1 = next((r for r in results if r["label"] == "pydataset w=1 fit"), None)
    w2 = next((r for r in results if r["label"] == "pydataset w=2 fit"), None)
    if w1 and w2:
        lines += ["", f"PyDataset workers=2 over workers=1: {w2['images_per_s'] / w1['images_per_s']:.2f}x"]
    lines.append(f"total {time.perf_counter() - started:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000, help="number of JPEGs (default 5000)")
    ap.add_argument("--size", type=int, default=64, help="image height and width (default 64)")
    ap.add_argument("--classes", type=int, default=5, help="class folders (default 5)")
    ap.add_argument("--batch", type=int, default=32, help="batch size (default 32)")
    ap.add_argument("--repeats", type=int, default=1, help="runs of each measurement; the median is kept")
    ap.add_argument("--only", default=",".join(MODES), help=f"comma-separated, of {','.join(MODES)}")
    ap.add_argument("--dir", help="image folder to create or reuse, and keep (default: a temporary one)")
    ap.add_argument("--tf-python", metavar="PATH", help="interpreter with TensorFlow + Keras 3 for the comparison")
    ap.add_argument("--keras-tf", action="store_true", help="measure Keras 3 on TensorFlow only (in this process)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed for the --tf-python run")
    ap.add_argument("--json", metavar="PATH", help="also write the JSON line to PATH")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    modes = [m for m in args.only.split(",") if m]
    if any(m not in MODES for m in modes):
        ap.error(f"--only takes a comma-separated list of {MODES}, received {args.only!r}")
    if min(args.n, args.size, args.classes, args.batch, args.repeats) < 1 or args.size < 16:
        ap.error("--n, --classes, --batch and --repeats must be positive and --size at least 16")
    if args.tf_python and not os.path.exists(args.tf_python):
        ap.error(f"--tf-python {args.tf_python} does not exist")

    started = time.perf_counter()
    temporary = None
    folder = args.dir
    if folder is None:
        temporary = tempfile.mkdtemp(prefix="kerax_data_input_")
        folder = temporary
    try:
        make_images(folder, args.n, args.size, args.classes)
        if args.keras_tf:
            results, failed = run_keras_tf(folder, args)
            if args.child:
                print("CHILD " + json.dumps({"results": results, "failed": failed}), flush=True)
                return 0
        else:
            results, failed = run_kerax(folder, args, modes)
            if args.tf_python:
                log(f"Keras/TensorFlow with {args.tf_python} ...")
                theirs, their_failed = spawn_keras_tf(args.tf_python, folder, args)
                results += theirs
                failed = failed or their_failed
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)

    print(report(results, args, started))
    record = json.dumps(
        {
            "n": args.n,
            "size": args.size,
            "classes": args.classes,
            "batch": args.batch,
            "repeats": args.repeats,
            "loadavg": [round(v, 2) for v in os.getloadavg()],
            "results": results,
        }
    )
    print(record)
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            f.write(record + "\n")
        os.replace(tmp, args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
