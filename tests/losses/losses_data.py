"""Deterministic test data for loss parity tests (numpy only, fixed seeds)."""

from __future__ import annotations

import numpy as np

B, D, C = 6, 4, 4  # batch, features, classes (C == D keeps the set of shapes, and XLA compiles, small)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def make(kind: str, seed: int = 0, lead: tuple[int, ...] = (B,)) -> tuple[np.ndarray, np.ndarray]:
    """Return `(y_true, y_pred)` float32 arrays of the given kind; `lead` is the batch shape."""
    rng = np.random.default_rng(seed)
    f32 = np.float32
    if kind == "real":
        return rng.normal(size=(*lead, D)).astype(f32), rng.normal(size=(*lead, D)).astype(f32)
    if kind == "positive":
        return rng.uniform(0.05, 3.0, (*lead, D)).astype(f32), rng.uniform(0.05, 3.0, (*lead, D)).astype(f32)
    if kind == "mape":  # includes a zero target to exercise the epsilon guard
        y_true = rng.normal(size=(*lead, D)).astype(f32)
        y_true.reshape(-1)[0] = 0.0
        return y_true, rng.normal(size=(*lead, D)).astype(f32)
    if kind == "binary":  # includes exact 0 and 1 predictions to exercise clipping
        y_pred = rng.uniform(0.0, 1.0, (*lead, D)).astype(f32)
        y_pred.reshape(-1)[:2] = [0.0, 1.0]
        return rng.integers(0, 2, (*lead, D)).astype(f32), y_pred
    if kind == "binary_1":  # a single probability per sample
        return rng.integers(0, 2, (*lead, 1)).astype(f32), rng.uniform(0.0, 1.0, (*lead, 1)).astype(f32)
    if kind == "soft_binary":
        return rng.uniform(0.0, 1.0, (*lead, D)).astype(f32), rng.uniform(0.0, 1.0, (*lead, D)).astype(f32)
    if kind == "binary_logits":
        return rng.integers(0, 2, (*lead, D)).astype(f32), (3.0 * rng.normal(size=(*lead, D))).astype(f32)
    if kind == "categorical":  # unnormalised probabilities: the losses renormalise them
        labels = rng.integers(0, C, lead)
        return np.eye(C, dtype=f32)[labels], rng.uniform(0.01, 1.0, (*lead, C)).astype(f32)
    if kind == "categorical_logits":
        labels = rng.integers(0, C, lead)
        return np.eye(C, dtype=f32)[labels], (2.0 * rng.normal(size=(*lead, C))).astype(f32)
    if kind == "sparse":
        return rng.integers(0, C, lead).astype(f32), _softmax(rng.normal(size=(*lead, C))).astype(f32)
    if kind == "sparse_col":  # labels with a trailing unit dimension
        return rng.integers(0, C, (*lead, 1)).astype(f32), _softmax(rng.normal(size=(*lead, C))).astype(f32)
    if kind == "sparse_logits":
        return rng.integers(0, C, lead).astype(f32), (2.0 * rng.normal(size=(*lead, C))).astype(f32)
    if kind == "hinge_pm1":
        return (2.0 * rng.integers(0, 2, (*lead, D)) - 1.0).astype(f32), rng.normal(size=(*lead, D)).astype(f32)
    if kind == "hinge_01":
        return rng.integers(0, 2, (*lead, D)).astype(f32), rng.normal(size=(*lead, D)).astype(f32)
    if kind == "distribution":
        y_true = _softmax(rng.normal(size=(*lead, D))).astype(f32)
        y_true.reshape(-1)[0] = 0.0
        return y_true, _softmax(rng.normal(size=(*lead, D))).astype(f32)
    if kind == "embeddings":  # labels with repeats and one singleton (its loss is 0), unit-norm embeddings
        n = int(np.prod(lead))
        labels = np.append(np.resize(np.arange((n - 1) // 2), n - 1), n)  # label n: no other embedding has it
        emb = rng.normal(size=(n, D))
        return labels.reshape(lead).astype(f32), (emb / np.linalg.norm(emb, axis=-1, keepdims=True)).astype(f32)
    if kind == "ctc":  # zero-padded label sequences (one empty) and per-step logits
        n = int(np.prod(lead))
        labels = rng.integers(1, C, (n, 3))
        for i, length in enumerate(rng.integers(0, 4, n)):
            labels[i, length:] = 0
        labels[0, :] = 0
        return labels.astype(f32), (2.0 * rng.normal(size=(n, 5, C))).astype(f32)
    raise ValueError(f"unknown data kind {kind!r}")


def sample_weight(kind: str | None, lead: tuple[int, ...] = (B,), seed: int = 1) -> np.ndarray | float | None:
    """Return sample weights of the given kind for a batch of shape `lead`."""
    rng = np.random.default_rng(seed)
    if kind is None:
        return None
    if kind == "per_sample":
        return rng.uniform(0.0, 2.0, lead).astype(np.float32)
    if kind == "column":
        return rng.uniform(0.0, 2.0, (*lead, 1)).astype(np.float32)
    if kind == "scalar":
        return 2.5
    if kind == "with_zeros":
        w = rng.uniform(0.0, 2.0, lead).astype(np.float32)
        w.reshape(-1)[::2] = 0.0
        return w
    raise ValueError(f"unknown sample weight kind {kind!r}")


# (class name, constructor kwargs, data kind)
CLASS_CASES = [
    ("MeanSquaredError", {}, "real"),
    ("MeanAbsoluteError", {}, "real"),
    ("MeanAbsolutePercentageError", {}, "mape"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "real"),
    ("Huber", {"delta": 0.7}, "real"),
    ("LogCosh", {}, "real"),
    ("Hinge", {}, "hinge_01"),
    ("SquaredHinge", {}, "hinge_pm1"),
    ("CategoricalHinge", {}, "categorical"),
    ("KLDivergence", {}, "distribution"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {}, "binary_1"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "binary_logits"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "gamma": 3.0}, "binary"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "categorical_logits"),
    ("CategoricalFocalCrossentropy", {"alpha": 0.3}, "categorical"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {}, "sparse_col"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse"),
    ("Dice", {}, "soft_binary"),
    ("Dice", {"axis": (1,)}, "binary"),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}, "soft_binary"),
    ("Tversky", {"axis": (1,)}, "binary"),
    ("Circle", {}, "embeddings"),
    ("Circle", {"gamma": 4.0, "margin": 0.25, "remove_diagonal": False}, "embeddings"),
    ("CTC", {}, "ctc"),
    ("CategoricalGeneralizedCrossEntropy", {}, "sparse"),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.2}, "sparse"),
]


def case_id(case: tuple) -> str:
    """Readable pytest id of a `(name, kwargs, data kind)` case."""
    name, kwargs, kind = case[:3]
    extra = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}[{kind}{',' + extra if extra else ''}]"
