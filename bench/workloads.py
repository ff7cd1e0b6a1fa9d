"""Benchmark workloads: the synthetic data and hand-written JAX + optax references.

The references are what a careful user would write by hand on the same stack (JAX + optax), with no
framework in the way. kerax is measured against them in the same process, so that every claim is a
ratio taken side by side on one machine at one moment.

Workloads (the same as the peer benchmarks in ``shared/bench/peers``):

* MLP: Flatten, Dense(128, relu), Dense(10); Adam(1e-3); sparse categorical cross-entropy; 60,000
  samples of 28x28, batch 32. Reference: one ``jit(lax.scan)`` per epoch. The reference computes the
  loss from logits, while the kerax model ends in a softmax and uses the probability form of the loss
  (seed 001); the difference is a softmax and a log over 10 classes per sample, negligible next to the
  784x128 matmuls.
* CNN: the inception-block CNN of the seeds (277,258 weights, 276,554 of them trainable); Adam(1e-3);
  cross-entropy from logits; 4,096 samples of 28x28x1, batch 32. Two references: one jitted call per
  step, and a whole epoch in one ``jit(lax.scan)`` (very slow on XLA:CPU: convolution gradients inside
  a loop body, see jax-ml/jax#12868).
"""

from __future__ import annotations

import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import lax

BATCH = 32
MLP_N = 60_000
CNN_N = 4_096
MLP_PARAMS = 101_770
CNN_PARAMS = 277_258  # including BatchNormalization's moving statistics
CNN_TRAINABLE = 276_554
LEARNING_RATE = 1e-3


# -- data ---------------------------------------------------------------------------------------------
def mnist_like(n: int, seed: int = 0, channels: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random 28x28 "images" (uint8 / 255 as float32) and labels 0..9 (int32), seeded."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8).astype(np.float32) / np.float32(255.0)
    y = rng.integers(0, 10, size=(n,)).astype(np.int32)
    if channels:
        x = x[..., None]
    return x, y


def mlp_flops_per_epoch(n: int) -> float:
    """Multiply-add FLOPs of one MLP training epoch: forward matmuls, then twice that for the backward."""
    forward = 2 * (784 * 128 + 128 * 10)
    return 3.0 * forward * n


def sgemm_gflops(size: int = 2048, repeats: int = 5) -> float:
    """The machine's float32 matmul rate through NumPy (best of ``repeats``), for a compute floor."""
    rng = np.random.default_rng(1)
    a = rng.random((size, size), dtype=np.float32)
    b = rng.random((size, size), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * size**3 / best / 1e9


def warm_up_xla() -> float:
    """Compile and run one small training-like function, so that the process's one-time XLA start-up
    cost is not charged to whichever side happens to compile first. Returns the seconds it took."""
    t = time.perf_counter()

    @jax.jit
    def f(w: jax.Array, x: jax.Array) -> jax.Array:
        return jax.grad(lambda w: jnp.mean(jax.nn.relu(x @ w) ** 2))(w)

    jax.block_until_ready(f(jnp.ones((8, 8), jnp.float32), jnp.ones((4, 8), jnp.float32)))
    return time.perf_counter() - t


def _glorot(key: Any, shape: tuple[int, ...], fan_in: int, fan_out: int) -> jax.Array:
    lim = (6.0 / (fan_in + fan_out)) ** 0.5
    return jax.random.uniform(key, shape, jnp.float32, -lim, lim)


def count(tree: Any) -> int:
    return int(sum(np.size(a) for a in jax.tree_util.tree_leaves(tree)))


# -- MLP reference ------------------------------------------------------------------------------------
class _ScanReference:
    """A whole (shuffled) epoch in one jitted ``lax.scan``; subclasses give ``params`` and ``_loss``."""

    name = "jax-scan"

    def __init__(self, params: dict, n_params: int) -> None:
        assert count(params) == n_params, count(params)
        self.params = params
        self.opt = optax.adam(LEARNING_RATE)
        self.opt_state = self.opt.init(params)
        self._epoch = jax.jit(self._epoch_fn, donate_argnums=(0, 1))

    def _loss(self, p: dict, xb: jax.Array, yb: jax.Array, key: jax.Array) -> jax.Array:
        raise NotImplementedError

    def _epoch_fn(self, params: dict, opt_state: Any, X: jax.Array, Y: jax.Array, key: jax.Array) -> tuple:
        steps = X.shape[0] // BATCH
        k_perm, k_drop = jax.random.split(key)
        idx = jax.random.permutation(k_perm, X.shape[0])[: steps * BATCH].reshape(steps, BATCH)

        def step(carry: tuple, inp: tuple) -> tuple:
            p, s = carry
            i, k = inp
            loss, g = jax.value_and_grad(self._loss)(p, X[i], Y[i], k)
            u, s = self.opt.update(g, s, p)
            return (optax.apply_updates(p, u), s), loss

        (params, opt_state), losses = lax.scan(step, (params, opt_state), (idx, jax.random.split(k_drop, steps)))
        return params, opt_state, losses.mean()

    def put(self, x: np.ndarray, y: np.ndarray) -> tuple[jax.Array, jax.Array]:
        return jax.device_put(x), jax.device_put(y)

    def run_epoch(self, X: jax.Array, Y: jax.Array, epoch: int) -> float:
        self.params, self.opt_state, loss = self._epoch(self.params, self.opt_state, X, Y, jax.random.PRNGKey(epoch))
        return float(loss)


class MLPReference(_ScanReference):
    """The MLP in plain JAX + optax: one jitted ``lax.scan`` runs a whole (shuffled) epoch."""

    def __init__(self, seed: int = 0) -> None:
        k1, k2 = jax.random.split(jax.random.PRNGKey(seed))
        params = {
            "w1": _glorot(k1, (784, 128), 784, 128),
            "b1": jnp.zeros(128, jnp.float32),
            "w2": _glorot(k2, (128, 10), 128, 10),
            "b2": jnp.zeros(10, jnp.float32),
        }
        super().__init__(params, MLP_PARAMS)
        self.forward = jax.jit(self._logits)

    @staticmethod
    def _logits(p: dict, x: jax.Array) -> jax.Array:
        h = jax.nn.relu(x.reshape(x.shape[0], -1) @ p["w1"] + p["b1"])
        return h @ p["w2"] + p["b2"]

    def _loss(self, p: dict, xb: jax.Array, yb: jax.Array, key: jax.Array) -> jax.Array:
        return optax.softmax_cross_entropy_with_integer_labels(self._logits(p, xb), yb).mean()


# -- CNN reference ------------------------------------------------------------------------------------
_CNN_BLOCKS = (
    ("c0", 1, 32),
    ("i1a", 32, 32),
    ("i1b", 32, 32),
    ("i2a", 64, 64),
    ("i2b", 64, 64),
    ("c3", 128, 128),
)
_BN_MOMENTUM = 0.99
_BN_EPSILON = 1e-3


def _cnn_init(seed: int) -> tuple[dict, dict]:
    keys = iter(jax.random.split(jax.random.PRNGKey(seed), 16))
    params: dict[str, Any] = {}
    for name, cin, cout in _CNN_BLOCKS:
        params[name] = {
            "w": _glorot(next(keys), (3, 3, cin, cout), 9 * cin, 9 * cout),
            "b": jnp.zeros(cout, jnp.float32),
            "gamma": jnp.ones(cout, jnp.float32),
            "beta": jnp.zeros(cout, jnp.float32),
        }
    params["d1"] = {"w": _glorot(next(keys), (128, 256), 128, 256), "b": jnp.zeros(256, jnp.float32)}
    params["d2"] = {"w": _glorot(next(keys), (256, 10), 256, 10), "b": jnp.zeros(10, jnp.float32)}
    stats = {
        name: {"mean": jnp.zeros(cout, jnp.float32), "var": jnp.ones(cout, jnp.float32)}
        for name, _, cout in _CNN_BLOCKS
    }
    return params, stats


def _conv_bn_relu(p: dict, s: dict, x: jax.Array, training: bool) -> tuple[jax.Array, dict]:
    y = lax.conv_general_dilated(x, p["w"], (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")) + p["b"]
    if training:
        mean, var = y.mean((0, 1, 2)), y.var((0, 1, 2))
        s = {
            "mean": _BN_MOMENTUM * s["mean"] + (1 - _BN_MOMENTUM) * mean,
            "var": _BN_MOMENTUM * s["var"] + (1 - _BN_MOMENTUM) * var,
        }
    else:
        mean, var = s["mean"], s["var"]
    y = (y - mean) * lax.rsqrt(var + _BN_EPSILON) * p["gamma"] + p["beta"]
    return jax.nn.relu(y), s


def _cnn_forward(p: dict, s: dict, x: jax.Array, key: jax.Array | None, training: bool) -> tuple[jax.Array, dict]:
    ns: dict[str, Any] = {}
    x, ns["c0"] = _conv_bn_relu(p["c0"], s["c0"], x, training)
    x = lax.reduce_window(x, -jnp.inf, lax.max, (1, 3, 3, 1), (1, 3, 3, 1), "VALID")
    for a, b in (("i1a", "i1b"), ("i2a", "i2b")):
        ya, ns[a] = _conv_bn_relu(p[a], s[a], x, training)
        yb, ns[b] = _conv_bn_relu(p[b], s[b], x, training)
        x = jnp.concatenate([ya, yb], -1)
    x, ns["c3"] = _conv_bn_relu(p["c3"], s["c3"], x, training)
    x = x.mean((1, 2))
    x = jax.nn.relu(x @ p["d1"]["w"] + p["d1"]["b"])
    if training:
        keep = jax.random.bernoulli(key, 0.5, x.shape)
        x = jnp.where(keep, x / 0.5, 0.0)
    return x @ p["d2"]["w"] + p["d2"]["b"], ns


class CNNReference:
    """Seed 003's CNN in plain JAX + optax.

    ``mode="step"``: one jitted call per training step (state donated, no host sync inside the epoch).
    ``mode="scan"``: the whole epoch in one jitted ``lax.scan`` (slow on XLA:CPU).
    """

    def __init__(self, mode: str = "step", seed: int = 0) -> None:
        if mode not in ("step", "scan"):
            raise ValueError(mode)
        self.mode = mode
        self.name = f"jax-{mode}"
        params, stats = _cnn_init(seed)
        assert count(params) == CNN_TRAINABLE, count(params)
        assert count(params) + count(stats) == CNN_PARAMS, count(params) + count(stats)
        self.opt = optax.adam(LEARNING_RATE)
        self.state = {"p": params, "s": stats, "o": self.opt.init(params), "loss": jnp.zeros((), jnp.float32)}
        self._step = jax.jit(self._step_fn, donate_argnums=(0,))
        self._epoch = jax.jit(self._epoch_fn, donate_argnums=(0,))
        self._perm = jax.jit(lambda key, n: jax.random.permutation(key, n), static_argnums=(1,))
        self.forward = jax.jit(lambda p, s, x: _cnn_forward(p, s, x, None, False)[0])

    def _loss(self, p: dict, s: dict, xb: jax.Array, yb: jax.Array, key: jax.Array) -> tuple:
        logits, ns = _cnn_forward(p, s, xb, key, True)
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean(), ns

    def _update(self, state: dict, xb: jax.Array, yb: jax.Array, key: jax.Array) -> dict:
        (loss, ns), g = jax.value_and_grad(self._loss, has_aux=True)(state["p"], state["s"], xb, yb, key)
        u, o = self.opt.update(g, state["o"], state["p"])
        return {"p": optax.apply_updates(state["p"], u), "s": ns, "o": o, "loss": state["loss"] + loss}

    def _step_fn(self, state: dict, X: jax.Array, Y: jax.Array, perm: jax.Array, i: jax.Array, key: jax.Array) -> dict:
        idx = lax.dynamic_slice_in_dim(perm, i * BATCH, BATCH)
        return self._update(state, X[idx], Y[idx], jax.random.fold_in(key, i))

    def _epoch_fn(self, state: dict, X: jax.Array, Y: jax.Array, key: jax.Array) -> dict:
        steps = X.shape[0] // BATCH
        idx = jax.random.permutation(key, X.shape[0])[: steps * BATCH].reshape(steps, BATCH)

        def body(st: dict, inp: tuple) -> tuple:
            i, j = inp
            return self._update(st, X[i], Y[i], jax.random.fold_in(key, j)), None

        state, _ = lax.scan(body, state, (idx, jnp.arange(steps)))
        return state

    def put(self, x: np.ndarray, y: np.ndarray) -> tuple[jax.Array, jax.Array]:
        return jax.device_put(x), jax.device_put(y)

    def run_epoch(self, X: jax.Array, Y: jax.Array, epoch: int) -> float:
        """Train one epoch and wait for it; returns the mean loss."""
        steps = X.shape[0] // BATCH
        key = jax.random.PRNGKey(epoch)
        self.state = {**self.state, "loss": jnp.zeros((), jnp.float32)}
        if self.mode == "scan":
            self.state = self._epoch(self.state, X, Y, key)
        else:
            perm = self._perm(key, X.shape[0])
            for i in range(steps):
                self.state = self._step(self.state, X, Y, perm, np.int32(i), key)
        return float(self.state["loss"]) / steps


# -- timing helpers -----------------------------------------------------------------------------------
def time_reference(ref: Any, x: np.ndarray, y: np.ndarray, epochs: int) -> dict[str, Any]:
    """Train ``ref`` for ``epochs``; per-epoch seconds (the first includes compilation)."""
    t0 = time.perf_counter()
    X, Y = ref.put(x, y)
    jax.block_until_ready((X, Y))
    put_s = time.perf_counter() - t0
    times, losses = [], []
    for e in range(epochs):
        t = time.perf_counter()
        losses.append(ref.run_epoch(X, Y, e))
        times.append(time.perf_counter() - t)
    return {"epoch_s": times, "loss": losses, "setup_s": put_s, "total_s": time.perf_counter() - t0}


# -- text workloads (keras.io's bidirectional LSTM and Transformer classifiers) ------------------------
TEXT_MAXLEN, TEXT_VOCAB = 200, 20_000
LSTM_N, TRANSFORMER_N = 4_096, 8_192
LSTM_PARAMS, TRANSFORMER_PARAMS = 2_757_761, 657_758


def text_like(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` int32 sequences of 200 tokens and 0/1 labels, learnable like sentiment but not perfectly.

    The peers' data (``shared/bench/peers/common.py``): ten random positions per sequence hold a token from
    1..99 (leaning to label 0) or 100..198 (label 1), the right set with probability 0.6; the other
    tokens are drawn from 200..19,999.
    """
    rng = np.random.default_rng(seed)
    x = rng.integers(200, TEXT_VOCAB, size=(n, TEXT_MAXLEN)).astype(np.int32)
    y = rng.integers(0, 2, size=n).astype(np.int32)
    pos = rng.integers(0, TEXT_MAXLEN, size=(n, 10))
    lean = y[:, None] ^ (rng.random((n, 10)) < 0.4)
    x[np.arange(n)[:, None], pos] = rng.integers(1, 100, size=(n, 10)) + 99 * lean
    return x, y


_LSTM_UNITS = 64


def _bilstm_params(key: jax.Array, fan_in: int) -> dict:
    """Keras's initializers for both directions: kernel glorot, recurrent orthogonal, forget bias 1."""
    glorot, ortho = jax.nn.initializers.glorot_uniform(), jax.nn.initializers.orthogonal()
    u = _LSTM_UNITS
    k = jax.random.split(key, 4)
    bias = jnp.zeros(4 * u).at[u : 2 * u].set(1.0)
    return {
        "k": jnp.stack([glorot(k[0], (fan_in, 4 * u)), glorot(k[1], (fan_in, 4 * u))]),
        "r": jnp.stack([ortho(k[2], (u, 4 * u)), ortho(k[3], (u, 4 * u))]),
        "b": jnp.stack([bias, bias]),
    }


def _lstm_direction(p: dict, x: jax.Array, d: int) -> jax.Array:
    """Time-major ``x`` through direction ``d`` (1: backward); outputs in processing order.

    The input projection runs once over the whole sequence, outside the time loop."""
    zs = (x[::-1] if d else x) @ p["k"][d] + p["b"][d]

    def step(carry: tuple, z: jax.Array) -> tuple:
        h, c = carry
        zi, zf, zc, zo = jnp.split(z + h @ p["r"][d], 4, -1)
        c = jax.nn.sigmoid(zf) * c + jax.nn.sigmoid(zi) * jnp.tanh(zc)
        h = jax.nn.sigmoid(zo) * jnp.tanh(c)
        return (h, c), h

    zero = jnp.zeros((x.shape[1], _LSTM_UNITS), x.dtype)
    return lax.scan(step, (zero, zero), zs)[1]


def _bilstm(p: dict, x: jax.Array) -> tuple[jax.Array, jax.Array]:
    f, b = _lstm_direction(p, x, 0), _lstm_direction(p, x, 1)
    return jnp.concatenate([f, b[::-1]], -1), jnp.concatenate([f[-1], b[-1]], -1)


class LSTMReference(_ScanReference):
    """keras.io's bidirectional LSTM classifier (``shared/bench/peers/jax_lstm.py``) in plain JAX + optax."""

    def __init__(self, seed: int = 0) -> None:
        k = jax.random.split(jax.random.PRNGKey(seed), 4)
        params = {
            "emb": jax.random.uniform(k[0], (TEXT_VOCAB, 128), minval=-0.05, maxval=0.05),
            "l1": _bilstm_params(k[1], 128),
            "l2": _bilstm_params(k[2], 128),
            "w": jax.nn.initializers.glorot_uniform()(k[3], (128, 1)),
            "wb": jnp.zeros(1),
        }
        super().__init__(params, LSTM_PARAMS)
        self.forward = jax.jit(lambda p, xb: jax.nn.sigmoid(self._logits(p, xb)))

    @staticmethod
    def _logits(p: dict, xb: jax.Array) -> jax.Array:
        seq, _ = _bilstm(p["l1"], p["emb"][xb.T])
        _, last = _bilstm(p["l2"], seq)
        return (last @ p["w"] + p["wb"])[:, 0]

    def _loss(self, p: dict, xb: jax.Array, yb: jax.Array, key: jax.Array) -> jax.Array:
        return optax.sigmoid_binary_cross_entropy(self._logits(p, xb), yb.astype(jnp.float32)).mean()


class TransformerReference(_ScanReference):
    """keras.io's Transformer text classifier (``shared/bench/peers/jax_transformer.py``) in plain JAX."""

    E, H, D, FF = 32, 2, 32, 32

    def __init__(self, seed: int = 0) -> None:
        glorot = jax.nn.initializers.glorot_uniform()
        keys = iter(jax.random.split(jax.random.PRNGKey(seed), 16))
        E, H, D, FF = self.E, self.H, self.D, self.FF

        def dense(fan_in: int, fan_out: int) -> dict:
            return {"w": glorot(next(keys), (fan_in, fan_out)), "b": jnp.zeros(fan_out)}

        def emb(rows: int) -> jax.Array:
            return jax.random.uniform(next(keys), (rows, E), minval=-0.05, maxval=0.05)

        params = {
            "tok": emb(TEXT_VOCAB),
            "pos": emb(TEXT_MAXLEN),
            **{name: dense(E, H * D) for name in ("q", "k", "v")},
            "o": dense(H * D, E),
            "ln1": {"g": jnp.ones(E), "b": jnp.zeros(E)},
            "ln2": {"g": jnp.ones(E), "b": jnp.zeros(E)},
            "f1": dense(E, FF),
            "f2": dense(FF, E),
            "d1": dense(E, 20),
            "d2": dense(20, 2),
        }
        super().__init__(params, TRANSFORMER_PARAMS)
        self.forward = jax.jit(lambda p, xb: jax.nn.softmax(self._logits(p, xb)))

    @classmethod
    def _logits(cls, p: dict, xb: jax.Array, key: jax.Array | None = None) -> jax.Array:
        H, D = cls.H, cls.D
        B, T = xb.shape

        def lin(q: dict, x: jax.Array) -> jax.Array:
            return x @ q["w"] + q["b"]

        def norm(q: dict, x: jax.Array) -> jax.Array:
            m = x.mean(-1, keepdims=True)
            v = ((x - m) ** 2).mean(-1, keepdims=True)
            return (x - m) * lax.rsqrt(v + 1e-6) * q["g"] + q["b"]

        def drop(i: int, x: jax.Array) -> jax.Array:
            if key is None:
                return x
            keep = jax.random.bernoulli(jax.random.fold_in(key, i), 0.9, x.shape)
            return jnp.where(keep, x / 0.9, 0.0)

        h = p["tok"][xb] + p["pos"][:T]
        q, k, v = (lin(p[name], h).reshape(B, T, H, D) for name in ("q", "k", "v"))
        a = jax.nn.softmax(jnp.einsum("bqhd,bkhd->bhqk", q, k) / D**0.5, -1)
        att = lin(p["o"], jnp.einsum("bhqk,bkhd->bqhd", a, v).reshape(B, T, H * D))
        h = norm(p["ln1"], h + drop(0, att))
        h = norm(p["ln2"], h + drop(1, lin(p["f2"], jax.nn.relu(lin(p["f1"], h)))))
        h = drop(3, jax.nn.relu(lin(p["d1"], drop(2, h.mean(1)))))
        return lin(p["d2"], h)

    def _loss(self, p: dict, xb: jax.Array, yb: jax.Array, key: jax.Array) -> jax.Array:
        return optax.softmax_cross_entropy_with_integer_labels(self._logits(p, xb, key), yb).mean()
