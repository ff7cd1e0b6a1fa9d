"""kerax against hand-written JAX, side by side in one process.

    python bench/run.py [--quick] [--only mlp,cnn,predict] [--epochs N] [--paired N] [--spe auto|N]
                        [--cnn-scan] [--json PATH]

For each workload (see ``bench/workloads.py``) this trains the hand-written JAX + optax reference for
``--epochs`` epochs, then kerax (the seed's model built from kerax layers, ``compile`` as in the seed, one
``fit(x, y, batch_size=32, epochs=E, verbose=0)`` with a callback timing each epoch), then ``--paired``
rounds of one reference epoch followed by one kerax epoch (``fit(epochs=1)``), back to back.

It reports the first epoch (compilation included), the steady epoch (median of the later ones), the
ratios kerax / reference (from the two runs, and the median of the paired rounds' ratios, which resists
a shared machine's drift best), and kerax's speed-up over the peers' recorded figures
(``shared/bench/peers/README.md``, taken on another 2-core machine): raw, and normalised through the
hand-written JAX figure recorded there. Then it times ``predict`` on one sample against the reference's
jitted forward.

A readable table goes to stdout, followed by one JSON line with everything (also written to ``--json``).
Progress goes to stderr. The exit status is 1 if a workload failed (the others still run).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time
import traceback
from typing import Any

import jax
import numpy as np

import kerax
from kerax import layers, ops

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads as W  # noqa: E402

# Steady epoch seconds recorded for the peers (shared/bench/peers/README.md), on a 2-core machine whose
# float32 sgemm ran at about 197 GFLOP/s. "reference" is the hand-written JAX figure on that machine,
# which lets us translate our same-process ratio onto that machine.
PEER_MACHINE_SGEMM_GFLOPS = 197.0
# "n" is the number of samples those epochs trained on (figures are scaled to this run's size); for the
# text workloads the figures are the medians of the recorded ranges.
PEERS: dict[str, dict[str, Any]] = {
    "mlp": {"n": W.MLP_N, "reference": 0.32, "peers": {"Keras 3.15 / JAX": 0.79, "Keras 3.15 / TensorFlow": 4.4}},
    "cnn": {"n": W.CNN_N, "reference": 4.6, "peers": {"Keras 3.15 / JAX": 4.5, "PyTorch 2.13 eager": 3.8}},
    "lstm": {
        "n": W.LSTM_N,
        "reference": 9.2,
        "peers": {"Keras 3.15 / JAX": 16.8, "Keras 3.15 / TensorFlow": 19.8, "PyTorch 2.13 eager": 15.8},
    },
    "transformer": {
        "n": W.TRANSFORMER_N,
        "reference": 5.5,
        "peers": {"Keras 3.15 / JAX": 11.6, "Keras 3.15 / TensorFlow": 7.0, "PyTorch 2.13 eager": 5.4},
    },
}
PARAMS = {"mlp": W.MLP_PARAMS, "cnn": W.CNN_PARAMS, "lstm": W.LSTM_PARAMS, "transformer": W.TRANSFORMER_PARAMS}
PEER_PREDICT_MS = {
    "Keras/JAX predict": 0.64,
    "Keras/JAX direct call": 0.93,
    "Keras/TF predict": 54.0,
    "PyTorch eager call": 0.03,
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def summarize(epoch_s: list[float]) -> dict[str, Any]:
    return {
        "epoch_s": [round(t, 4) for t in epoch_s],
        "first_s": round(epoch_s[0], 4) if epoch_s else None,
        "steady_s": round(statistics.median(epoch_s[1:]), 4) if len(epoch_s) > 1 else None,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else round(a / b, 3)


# -- kerax models (the seeds' models, built with kerax layers) ----------------------------------------
def kerax_mlp(spe: int | str = "auto") -> Any:
    model = kerax.Sequential(
        [
            kerax.Input((28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    n = model.count_params()
    if n != W.MLP_PARAMS:
        raise SystemExit(f"kerax MLP has {n} params, expected {W.MLP_PARAMS}")
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=spe,
    )
    return model


class OverriddenStep(kerax.Model):
    """The MLP with a ``train_step`` written as keras.io's JAX guide writes one, reproducing the built-in."""

    def compute_loss_and_updates(self, trainable, non_trainable, metrics_vars, x, y, sample_weight, training=False):
        y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, training=training)
        loss, (trainable, non_trainable, metrics_vars) = self.stateless_compute_loss(
            trainable, non_trainable, metrics_vars, x=x, y=y, y_pred=y_pred, sample_weight=sample_weight
        )
        return loss, (y_pred, non_trainable, metrics_vars)

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x, y, sample_weight = kerax.utils.unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable, metrics_vars)), grads = grad_fn(
            trainable, non_trainable, metrics_vars, x, y, sample_weight, training=True
        )
        trainable, optimizer_vars = self.optimizer.stateless_apply(optimizer_vars, grads, trainable)
        new_metrics_vars, logs = [], {}
        for metric in self.metrics:
            these = metrics_vars[len(new_metrics_vars) : len(new_metrics_vars) + len(metric.variables)]
            if metric.name == "loss":
                these = metric.stateless_update_state(these, loss, sample_weight=x.shape[0])
            else:
                these = metric.stateless_update_state(these, y, y_pred, sample_weight=sample_weight)
            logs[metric.name] = metric.stateless_result(these)
            new_metrics_vars += these
        return logs, (trainable, non_trainable, optimizer_vars, new_metrics_vars)


def kerax_mlp_override(spe: int | str = "auto") -> Any:
    inputs = kerax.Input((28, 28))
    x = layers.Flatten()(inputs)
    x = layers.Dense(128, activation="relu")(x)
    model = OverriddenStep(inputs, layers.Dense(10, activation="softmax")(x))
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=spe
    )
    return model


def bench_override(n: int, rounds: int, spe: int | str = "auto") -> dict[str, Any]:
    """The built-in step against an overriding ``train_step`` that does the same, in alternating epochs."""
    x, y = W.mnist_like(n)
    kerax.utils.set_random_seed(0)
    builtin, override = kerax_mlp(spe), kerax_mlp_override(spe)
    for model in (builtin, override):  # compile and warm up
        model.fit(x, y, batch_size=W.BATCH, epochs=1, verbose=0)
    times: dict[str, list[float]] = {"builtin": [], "override": []}
    for _ in range(rounds):
        for name, model in (("builtin", builtin), ("override", override)):
            timer = EpochTimer()
            model.fit(x, y, batch_size=W.BATCH, epochs=1, verbose=0, callbacks=[timer])
            times[name].append(timer.times[0])
    ratios = [o / b for o, b in zip(times["override"], times["builtin"], strict=True)]
    return {
        "n": n,
        "builtin_s": [round(t, 4) for t in times["builtin"]],
        "override_s": [round(t, 4) for t in times["override"]],
        "ratio_median": round(statistics.median(ratios), 3),
    }


def kerax_cnn(spe: int | str = "auto") -> Any:
    def cnn_block(x: Any, filters: int) -> Any:
        x = layers.Conv2D(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        return ops.relu(x)

    def inception_block(x: Any, f1: int, f2: int) -> Any:
        return layers.concatenate([cnn_block(x, f1), cnn_block(x, f2)])

    inputs = kerax.Input(shape=(28, 28, 1))
    x = cnn_block(inputs, 32)
    x = layers.MaxPooling2D(3)(x)
    x = inception_block(x, 32, 32)
    x = inception_block(x, 64, 64)
    x = cnn_block(x, 128)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    model = kerax.Model(inputs, outputs, name="final_model")
    n = model.count_params()
    if n != W.CNN_PARAMS:
        raise SystemExit(f"kerax CNN has {n} params, expected {W.CNN_PARAMS}")
    model.compile(
        optimizer="adam",
        loss=kerax.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=spe,
    )
    return model


def kerax_lstm(spe: int | str = "auto") -> Any:
    """keras.io's bidirectional LSTM classifier, as ``shared/bench/peers/keras_lstm.py`` builds it."""
    inputs = kerax.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(W.TEXT_VOCAB, 128)(inputs)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    model = kerax.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], steps_per_execution=spe)
    return model


class TransformerBlock(layers.Layer):
    """keras.io's Transformer block (``shared/bench/peers/keras_transformer.py``)."""

    def __init__(self, embed_dim: int, num_heads: int, ff_dim: int, rate: float = 0.1) -> None:
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = kerax.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs: Any) -> Any:
        out1 = self.layernorm1(inputs + self.dropout1(self.att(inputs, inputs)))
        return self.layernorm2(out1 + self.dropout2(self.ffn(out1)))


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen: int, vocab_size: int, embed_dim: int) -> None:
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x: Any) -> Any:
        return self.token_emb(x) + self.pos_emb(ops.arange(start=0, stop=ops.shape(x)[-1], step=1))


def kerax_transformer(spe: int | str = "auto") -> Any:
    """keras.io's Transformer text classifier, as ``shared/bench/peers/keras_transformer.py`` builds it."""
    inputs = layers.Input(shape=(W.TEXT_MAXLEN,))
    x = TokenAndPositionEmbedding(W.TEXT_MAXLEN, W.TEXT_VOCAB, 32)(inputs)
    x = TransformerBlock(32, 2, 32)(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    model = kerax.Model(inputs=inputs, outputs=layers.Dense(2, activation="softmax")(x))
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=spe
    )
    return model


BUILDERS = {"mlp": kerax_mlp, "cnn": kerax_cnn, "lstm": kerax_lstm, "transformer": kerax_transformer}


class EpochTimer(kerax.callbacks.Callback):
    """Seconds per epoch, from on_epoch_begin to on_epoch_end."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []
        self._t = 0.0

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._t = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.times.append(time.perf_counter() - self._t)


def time_kerax(build: Any, x: np.ndarray, y: np.ndarray, epochs: int) -> tuple[Any, dict[str, Any]]:
    """Build and compile the kerax model, then one ``fit(epochs=epochs, verbose=0)``, timed per epoch."""
    kerax.utils.set_random_seed(0)
    t0 = time.perf_counter()
    model = build()
    build_s = time.perf_counter() - t0
    timer = EpochTimer()
    t1 = time.perf_counter()
    history = model.fit(x, y, batch_size=W.BATCH, epochs=epochs, verbose=0, callbacks=[timer])
    fit_s = time.perf_counter() - t1
    hist = {k: [round(float(v), 4) for v in vs] for k, vs in history.history.items()}
    out = {
        **summarize(timer.times),
        "build_compile_s": round(build_s, 4),
        "fit_total_s": round(fit_s, 4),
        "fit_outside_epochs_s": round(fit_s - sum(timer.times), 4),
        "history": hist,
    }
    return model, out


def time_ref(ref: Any, x: np.ndarray, y: np.ndarray, epochs: int) -> dict[str, Any]:
    r = W.time_reference(ref, x, y, epochs)
    return {
        **summarize(r["epoch_s"]),
        "setup_s": round(r["setup_s"], 4),
        "loss": [round(v, 4) for v in r["loss"]],
    }


def paired_rounds(ref: Any, model: Any, x: np.ndarray, y: np.ndarray, rounds: int) -> dict[str, Any]:
    """Alternate one reference epoch and one kerax epoch (``fit(epochs=1)``), ``rounds`` times.

    Both sides are compiled by now, so every epoch is a steady one, and each pair runs back to back,
    which cancels most of a shared machine's drift: the median of the per-pair ratios is the robust figure.
    The kerax epoch is timed from ``on_epoch_begin`` to ``on_epoch_end``; the whole ``fit`` call is timed
    too (it adds placing the arrays on the device, which the reference did once, before any timing).
    """
    X, Y = ref.put(x, y)
    ref_s, kx_s, fit_s = [], [], []
    for r in range(rounds):
        t = time.perf_counter()
        ref.run_epoch(X, Y, 1000 + r)
        ref_s.append(time.perf_counter() - t)
        timer = EpochTimer()
        t = time.perf_counter()
        model.fit(x, y, batch_size=W.BATCH, epochs=1, verbose=0, callbacks=[timer])
        fit_s.append(time.perf_counter() - t)
        kx_s.append(timer.times[0])
    ratios = [k / r for k, r in zip(kx_s, ref_s, strict=True)]
    fit_ratios = [k / r for k, r in zip(fit_s, ref_s, strict=True)]
    return {
        "reference_s": [round(t, 4) for t in ref_s],
        "kerax_s": [round(t, 4) for t in kx_s],
        "kerax_fit_call_s": [round(t, 4) for t in fit_s],
        "ratios": [round(v, 3) for v in ratios],
        "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
        "fit_call_ratio_median": round(statistics.median(fit_ratios), 3) if fit_ratios else None,
    }


def compare(name: str, n: int, ref: dict, kx: dict, paired: dict | None) -> dict[str, Any]:
    """Ratios kerax / reference, and kerax against the peers' recorded figures (scaled to ``n`` samples)."""
    r_steady = ratio(kx["steady_s"], ref["steady_s"])
    r_paired = paired["ratio_median"] if paired else None
    # kerax's steady epoch: the median over the fit() run's later epochs and the paired epochs.
    kx_all = list(kx["epoch_s"][1:]) + (list(paired["kerax_s"]) if paired else [])
    kx_steady = round(statistics.median(kx_all), 4) if kx_all else None
    best_ratio = r_paired if r_paired is not None else r_steady
    rec = PEERS[name]
    scale = n / rec["n"]  # the recorded epochs trained on rec["n"] samples
    peers = {}
    for peer, recorded in rec["peers"].items():
        secs = recorded * scale
        normalised_kerax = None if best_ratio is None else best_ratio * rec["reference"] * scale
        peers[peer] = {
            "recorded_steady_s": round(secs, 4),
            "speedup_raw": ratio(secs, kx_steady),
            "speedup_normalised": ratio(secs, normalised_kerax),
        }
    return {
        "ratio_first": ratio(kx["first_s"], ref["first_s"]),
        "ratio_steady": r_steady,
        "ratio_paired": r_paired,
        "kerax_steady_all_s": kx_steady,
        "peers": peers,
    }


# -- workloads ----------------------------------------------------------------------------------------
def bench_training(
    name: str, ref: Any, build: Any, x: np.ndarray, y: np.ndarray, epochs: int, paired: int, spe: int | str
) -> tuple[dict[str, Any], Any]:
    label = name.upper()

    def checked_build(spe: int | str) -> Any:
        model = build(spe)
        if model.count_params() != PARAMS[name]:
            raise SystemExit(f"kerax {name} has {model.count_params()} params, expected {PARAMS[name]}")
        return model

    res: dict[str, Any] = {
        "n": int(x.shape[0]),
        "epochs": epochs,
        "batch": W.BATCH,
        "params": PARAMS[name],
        "steps_per_execution": spe,
        "loadavg_start": loadavg(),
    }
    log(f"{label}: reference ({ref.name}), {x.shape[0]} samples, {epochs} epochs")
    res["reference"] = time_ref(ref, x, y, epochs)
    log(f"{label}: reference epochs {res['reference']['epoch_s']}")
    log(f"{label}: kerax fit, steps_per_execution={spe!r}")
    model, res["kerax"] = time_kerax(lambda: checked_build(spe), x, y, epochs)
    log(f"{label}: kerax epochs {res['kerax']['epoch_s']}")
    res["paired"] = None
    if paired > 0:
        log(f"{label}: {paired} paired rounds (reference epoch, kerax epoch)")
        res["paired"] = paired_rounds(ref, model, x, y, paired)
        log(f"{label}: paired {res['paired']}")
    res["compare"] = compare(name, res["n"], res["reference"], res["kerax"], res["paired"])
    return res, model


def bench_mlp(
    n: int, epochs: int, paired: int, sgemm: float, spe: int | str = "auto"
) -> tuple[dict[str, Any], Any, Any]:
    x, y = W.mnist_like(n)
    ref = W.MLPReference()
    res, model = bench_training("mlp", ref, kerax_mlp, x, y, epochs, paired, spe)
    res["compute_floor_s"] = round(W.mlp_flops_per_epoch(n) / (sgemm * 1e9), 4)
    res["loadavg_end"] = loadavg()
    return res, model, ref


def bench_cnn(n: int, epochs: int, paired: int, with_scan: bool, spe: int | str = "auto") -> dict[str, Any]:
    x, y = W.mnist_like(n, channels=True)
    res, _ = bench_training("cnn", W.CNNReference("step"), kerax_cnn, x, y, epochs, paired, spe)
    res["reference_scan"] = None
    if with_scan:
        log(f"CNN: reference lax.scan per epoch (slow on CPU), {epochs} epochs")
        res["reference_scan"] = time_ref(W.CNNReference("scan"), x, y, epochs)
        log(f"CNN: reference scan epochs {res['reference_scan']['epoch_s']}")
    res["loadavg_end"] = loadavg()
    return res


def bench_text(name: str, n: int, epochs: int, paired: int, spe: int | str = "auto") -> tuple[dict[str, Any], Any]:
    """The LSTM or Transformer classifier against its hand-written reference."""
    x, y = W.text_like(n)
    ref = W.LSTMReference() if name == "lstm" else W.TransformerReference()
    res, model = bench_training(name, ref, BUILDERS[name], x, y, epochs, paired, spe)
    res["loadavg_end"] = loadavg()
    return res, model


def bench_verbose(model: Any, n: int, rounds: int) -> dict[str, Any]:
    """One model's epochs with the progress bar (``verbose=1``, written to stderr) and without, alternating."""
    x, y = W.text_like(n)
    with contextlib.redirect_stdout(sys.stderr):
        for verbose in (0, 1):  # compile and warm both paths first
            model.fit(x[: 8 * W.BATCH], y[: 8 * W.BATCH], batch_size=W.BATCH, epochs=1, verbose=verbose)
    times: dict[str, list[float]] = {"verbose0": [], "verbose1": []}
    for r in range(rounds):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        for verbose in order:
            timer = EpochTimer()
            with contextlib.redirect_stdout(sys.stderr):
                model.fit(x, y, batch_size=W.BATCH, epochs=1, verbose=verbose, callbacks=[timer])
            times[f"verbose{verbose}"].append(timer.times[0])
    ratios = [a / b for a, b in zip(times["verbose1"], times["verbose0"], strict=True)]
    return {
        "n": n,
        "verbose0_s": [round(t, 4) for t in times["verbose0"]],
        "verbose1_s": [round(t, 4) for t in times["verbose1"]],
        "ratio_median": round(statistics.median(ratios), 3),
    }


def _latency(fns: dict[str, Any], calls: int) -> dict[str, dict[str, float]]:
    """Per function: median, p10 and p90 milliseconds over ``calls`` calls, the functions interleaved.

    The order of the functions rotates from one round to the next, so that none always runs right
    after another (a call's latency depends on what ran just before it on a busy 2-core machine).
    """
    for fn in fns.values():
        fn()
        fn()
    lat: dict[str, list[float]] = {k: [] for k in fns}
    items = list(fns.items())
    for i in range(calls):
        shift = i % len(items)
        for k, fn in items[shift:] + items[:shift]:
            t = time.perf_counter()
            fn()
            lat[k].append(time.perf_counter() - t)
    out = {}
    for k, v in lat.items():
        v.sort()
        out[k] = {
            "median_ms": round(statistics.median(v) * 1e3, 4),
            "p10_ms": round(v[len(v) // 10] * 1e3, 4),
            "p90_ms": round(v[(9 * len(v)) // 10] * 1e3, 4),
        }
    return out


def bench_predict(calls: int, model: Any = None, ref: Any = None) -> dict[str, Any]:
    log(f"predict: one sample, {calls} calls each, interleaved")
    x, _ = W.mnist_like(64)
    x1 = x[:1]
    if model is None:
        kerax.utils.set_random_seed(0)
        model = kerax_mlp()
    if ref is None:
        ref = W.MLPReference()
    res: dict[str, Any] = {"calls": calls, "loadavg_start": loadavg()}
    res.update(
        _latency(
            {
                "kerax_predict": lambda: model.predict(x1, verbose=0),
                "kerax_call": lambda: jax.block_until_ready(model(x1)),
                "reference_jit_forward": lambda: np.asarray(ref.forward(ref.params, x1)),
            },
            calls,
        )
    )
    a = np.asarray(model.predict(x1, verbose=0))
    b = np.asarray(model(x1))
    res["predict_matches_call"] = bool(np.allclose(a, b, atol=1e-5))
    res["loadavg_end"] = loadavg()
    return res


# -- report -------------------------------------------------------------------------------------------
def _f(v: Any, fmt: str = "{:.3f}") -> str:
    return "-" if v is None else fmt.format(v)


def table_training(title: str, name: str, res: dict[str, Any], ref_label: str) -> list[str]:
    ref, kx, cmp, paired = res["reference"], res["kerax"], res["compare"], res.get("paired")
    lines = [
        f"{title}: {res['n']:,} samples, batch {res['batch']}, {res['epochs']} epochs, "
        f"{res['params']:,} params, kerax steps_per_execution={res['steps_per_execution']!r}",
        f"  (load avg {res['loadavg_start']} -> {res['loadavg_end']})",
        f"  {'':44s} {'first epoch':>12s} {'steady epoch':>13s}   epochs (s)",
        f"  {ref_label:44s} {_f(ref['first_s']):>12s} {_f(ref['steady_s']):>13s}   {ref['epoch_s']}",
        f"  {'kerax fit(verbose=0)':44s} {_f(kx['first_s']):>12s} {_f(kx['steady_s']):>13s}   {kx['epoch_s']}",
        f"  {'kerax / reference':44s} {_f(cmp['ratio_first'], '{:.2f}x'):>12s} "
        f"{_f(cmp['ratio_steady'], '{:.2f}x'):>13s}",
    ]
    if paired:
        lines += [
            f"  {'paired steady epochs, reference':44s} {'':>12s} {'':>13s}   {paired['reference_s']}",
            f"  {'paired steady epochs, kerax fit(epochs=1)':44s} {'':>12s} {'':>13s}   {paired['kerax_s']}",
            f"  {'kerax / reference, paired (median)':44s} {'':>12s} "
            f"{_f(cmp['ratio_paired'], '{:.2f}x'):>13s}   {paired['ratios']}",
            f"  {'whole fit(epochs=1) calls, kerax':44s} {'':>12s} {'':>13s}   {paired['kerax_fit_call_s']}",
            f"  {'whole fit(epochs=1) / reference epoch':44s} {'':>12s} "
            f"{_f(paired['fit_call_ratio_median'], '{:.2f}x'):>13s}",
        ]
    lines.append(
        f"  kerax: build+compile() {kx['build_compile_s']:.3f} s; fit() total {kx['fit_total_s']:.3f} s, "
        f"of which {kx['fit_outside_epochs_s']:.3f} s outside epochs (data placement, tracing)"
    )
    if res.get("compute_floor_s") is not None:
        lines.append(f"  compute floor at this machine's sgemm rate: {res['compute_floor_s']:.3f} s per epoch")
    if res.get("reference_scan"):
        rs = res["reference_scan"]
        lines.append(
            f"  {'JAX reference, lax.scan per epoch':44s} {_f(rs['first_s']):>12s} "
            f"{_f(rs['steady_s']):>13s}   {rs['epoch_s']}"
        )
    lines.append(
        "  peers' recorded steady epochs (another 2-core machine, "
        f"sgemm ~{PEER_MACHINE_SGEMM_GFLOPS:.0f} GFLOP/s; "
        f"hand-written JAX there {PEERS[name]['reference']} s):"
    )
    for peer, p in cmp["peers"].items():
        lines.append(
            f"    {peer:28s} {p['recorded_steady_s']:>6.2f} s   "
            f"kerax speed-up: raw {_f(p['speedup_raw'], '{:.2f}x')}, "
            f"normalised by the reference {_f(p['speedup_normalised'], '{:.2f}x')}"
        )
    return lines


def table_predict(res: dict[str, Any]) -> list[str]:
    lines = [
        f"Predict latency, MLP, one sample, median of {res['calls']} calls "
        f"(load avg {res['loadavg_start']} -> {res['loadavg_end']})"
    ]
    for label, key in (
        ("kerax model.predict(x1, verbose=0)", "kerax_predict"),
        ("kerax model(x1)", "kerax_call"),
        ("JAX reference jitted forward (+np.asarray)", "reference_jit_forward"),
    ):
        r = res[key]
        lines.append(f"  {label:44s} {r['median_ms']:8.3f} ms   (p10 {r['p10_ms']:.3f}, p90 {r['p90_ms']:.3f})")
    lines.append(
        f"  kerax predict / reference: "
        f"{ratio(res['kerax_predict']['median_ms'], res['reference_jit_forward']['median_ms'])}x; "
        f"predict == call: {res['predict_matches_call']}"
    )
    lines.append("  peers' recorded: " + ", ".join(f"{k} {v} ms" for k, v in PEER_PREDICT_MS.items()))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small data and 2 epochs: a smoke test of the harness")
    ap.add_argument(
        "--only",
        help="comma-separated workloads to run: mlp, cnn, predict, override, lstm, transformer, verbose (the "
        "Transformer with and without the progress bar) (default: all)",
    )
    ap.add_argument(
        "--spe",
        default="auto",
        help="kerax compile(steps_per_execution=...): 'auto' (default, what users get) or an int",
    )
    ap.add_argument("--epochs", type=int, help="epochs per run (default 3; 2 with --quick)")
    ap.add_argument("--n-mlp", type=int, help=f"MLP samples (default {W.MLP_N:,}; 6,400 with --quick)")
    ap.add_argument("--n-cnn", type=int, help=f"CNN samples (default {W.CNN_N:,}; 256 with --quick)")
    ap.add_argument("--n-lstm", type=int, help=f"LSTM sequences (default {W.LSTM_N:,}; 256 with --quick)")
    ap.add_argument(
        "--n-transformer", type=int, help=f"Transformer sequences (default {W.TRANSFORMER_N:,}; 512 with --quick)"
    )
    ap.add_argument(
        "--cnn-scan",
        action="store_true",
        help="also time the CNN reference inside lax.scan (~70 s/epoch on CPU)",
    )
    ap.add_argument(
        "--paired",
        type=int,
        default=2,
        help="extra rounds of (reference epoch, kerax fit(epochs=1)) back to back, for a drift-resistant "
        "ratio (default 2; 0 to skip)",
    )
    ap.add_argument("--predict-calls", type=int, default=2000)
    ap.add_argument("--json", metavar="PATH", help="also write the JSON line to PATH")
    args = ap.parse_args(argv)
    epochs = args.epochs or (2 if args.quick else 3)
    if epochs < 1:
        ap.error("--epochs must be >= 1")
    n_mlp = args.n_mlp or (6_400 if args.quick else W.MLP_N)
    n_cnn = args.n_cnn or (256 if args.quick else W.CNN_N)
    n_lstm = args.n_lstm or (256 if args.quick else W.LSTM_N)
    n_transformer = args.n_transformer or (512 if args.quick else W.TRANSFORMER_N)
    workloads = {"mlp", "cnn", "predict", "override", "lstm", "transformer", "verbose"}
    run = set(args.only.split(",")) if args.only else workloads
    if not run <= workloads:
        ap.error(f"--only: unknown workload(s) {sorted(run - workloads)}")
    spe: int | str = args.spe if args.spe == "auto" else int(args.spe)

    t_start = time.perf_counter()
    sgemm = W.sgemm_gflops()
    warm_s = W.warm_up_xla()
    out: dict[str, Any] = {
        "bench": "kerax-vs-jax",
        "quick": args.quick,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "sgemm_gflops": round(sgemm, 1),
            "platform": platform.platform(),
            "jax": jax.__version__,
            "backend": jax.default_backend(),
            "kerax": kerax.__version__,
            "python": platform.python_version(),
            "loadavg_start": loadavg(),
            "xla_warm_up_s": round(warm_s, 3),
        },
    }
    log(f"backend {jax.default_backend()}, {os.cpu_count()} CPUs, sgemm {sgemm:.1f} GFLOP/s, load {loadavg()}")
    lines: list[str] = []
    mlp_model = mlp_ref = None
    failed = []

    def attempt(name: str, fn: Any) -> Any:
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - reported, and the other workloads still run
            log(f"{name} FAILED: {type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
            failed.append(name)
            out[name] = {"error": f"{type(e).__name__}: {e}"}
            lines.extend(
                [
                    f"{name.upper()}: FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
                    "",
                ]
            )
            return None

    if "mlp" in run:
        r = attempt("mlp", lambda: bench_mlp(n_mlp, epochs, args.paired, sgemm, spe))
        if r is not None:
            out["mlp"], mlp_model, mlp_ref = r
            lines += table_training("MLP", "mlp", out["mlp"], "JAX reference, one jit(lax.scan) per epoch") + [""]
    if "predict" in run:
        r = attempt("predict", lambda: bench_predict(args.predict_calls, mlp_model, mlp_ref))
        if r is not None:
            out["predict"] = r
            lines += table_predict(r) + [""]
    if "override" in run:
        r = attempt("override", lambda: bench_override(n_mlp, max(args.paired, 3), spe))
        if r is not None:
            out["override"] = r
            lines += [
                f"MLP with an overridden train_step (keras.io's JAX guide) / built-in step, alternating epochs: "
                f"median {r['ratio_median']:.3f}x (override {r['override_s']} s, built-in {r['builtin_s']} s)",
                "",
            ]
    if "cnn" in run:
        r = attempt("cnn", lambda: bench_cnn(n_cnn, epochs, args.paired, args.cnn_scan, spe))
        if r is not None:
            out["cnn"] = r
            lines += table_training("CNN", "cnn", r, "JAX reference, one jit per step") + [""]
    if "lstm" in run:
        r = attempt("lstm", lambda: bench_text("lstm", n_lstm, epochs, args.paired, spe))
        if r is not None:
            out["lstm"] = r[0]
            lines += table_training("LSTM", "lstm", r[0], "JAX reference, one jit(lax.scan) per epoch") + [""]
    transformer = None
    if "transformer" in run:
        r = attempt("transformer", lambda: bench_text("transformer", n_transformer, epochs, args.paired, spe))
        if r is not None:
            out["transformer"], transformer = r
            lines += table_training("TRANSFORMER", "transformer", r[0], "JAX reference, one jit(lax.scan) per epoch")
            lines += [""]
    if "verbose" in run:
        model = transformer or kerax_transformer(spe)
        r = attempt("verbose", lambda: bench_verbose(model, n_transformer, max(args.paired, 3)))
        if r is not None:
            out["verbose"] = r
            lines += [
                f"Transformer epochs with the progress bar (verbose=1) / without (verbose=0), alternating: "
                f"median {r['ratio_median']:.3f}x (verbose=1 {r['verbose1_s']} s, verbose=0 {r['verbose0_s']} s)",
                "",
            ]
    out["failed"] = failed
    out["machine"]["loadavg_end"] = loadavg()
    out["wall_s"] = round(time.perf_counter() - t_start, 2)

    header = [
        f"kerax {kerax.__version__} vs hand-written JAX {jax.__version__} + optax, same process, backend "
        f"{jax.default_backend()}, {os.cpu_count()} CPUs, sgemm {sgemm:.1f} GFLOP/s, wall {out['wall_s']} s",
        "Ratios are kerax / reference (lower is better for kerax; 1.00x = parity). Shared machine: expect noise.",
        "",
    ]
    line = json.dumps(out, separators=(",", ":"))
    if args.json:  # first, so that the file exists even if stdout is a closed pipe
        with open(args.json, "w") as f:
            f.write(line + "\n")
    print("\n".join(header + lines).rstrip() + "\n", flush=True)
    print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
