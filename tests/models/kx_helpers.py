"""Helpers shared by the model, trainer and tutorial tests: summary parsing and Keras-to-kerax weight copies."""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np


def summary_lines(model: Any, **kwargs: Any) -> list[str]:
    """The lines that ``model.summary(**kwargs)`` hands to ``print_fn``."""
    lines: list[str] = []
    model.summary(print_fn=lambda line, *a, **k: lines.append(line), **kwargs)
    # Keras may hand several lines at once; split so that both libraries look alike.
    return [part for line in lines for part in str(line).split("\n")]


def summary_text(model: Any, **kwargs: Any) -> str:
    return "\n".join(summary_lines(model, **kwargs))


def keras_summary_text(keras_model: Any) -> str:
    """Keras's summary, wide enough that Keras neither cuts names with '…' nor clips the table."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "400"  # rich sizes Keras's console from it when output is not a terminal
    try:
        with quiet():
            return summary_text(keras_model, line_length=300)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def table_header(text: str) -> list[str]:
    """The column titles of a summary table, e.g. ``['Layer (type)', 'Output Shape', 'Param #']``."""
    for line in text.split("\n"):
        if line.startswith("┃"):
            return [cell.strip() for cell in line.strip().strip("┃").split("┃")]
    raise AssertionError(f"no header line in summary:\n{text}")


def table_rows(text: str) -> list[tuple[str, ...]]:
    """The body rows of a summary table, one tuple of whitespace-free cells per row.

    Wrapped cells (a name split over two lines, several "Connected to" entries) are joined first, so
    that the rows of a narrow Keras table and of a wide kerax table compare equal.
    """
    rows: list[tuple[str, ...]] = []
    block: list[list[str]] = []
    in_body = False
    for line in text.split("\n"):
        if line.startswith("┡"):
            in_body = True
            continue
        if not in_body:
            continue
        if line.startswith("│"):
            cells = line.strip().strip("│").split("│")
            if not block:
                block = [[] for _ in cells]
            for column, cell in zip(block, cells, strict=True):
                column.append(cell)
        elif line.startswith(("├", "└")):
            if block:
                rows.append(tuple(_squash("".join(column)) for column in block))
            block = []
            if line.startswith("└"):
                break
    return rows


def totals(text: str) -> dict[str, str]:
    """``{'Total params': '277,258 (1.06 MB)', ...}`` from the lines under the table."""
    out = {}
    for line in text.split("\n"):
        m = re.match(r"^\s*(Total params|Trainable params|Non-trainable params|Optimizer params): (.*)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence Keras's own UserWarnings (e.g. about ``input_shape=``) while building the oracle."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def randomize_keras_weights(keras_model: Any, seed: int = 0) -> None:
    """Give every weight of a Keras model non-default values (BN statistics included), so that a copy
    that drops or misplaces a weight shows up in the outputs."""
    rng = np.random.default_rng(seed)
    for layer in keras_model.layers:
        values = []
        for var, w in zip(layer.weights, layer.get_weights(), strict=True):
            if "variance" in var.name:
                values.append(rng.uniform(0.5, 1.5, w.shape).astype(w.dtype))
            elif "gamma" in var.name:
                values.append(rng.uniform(0.5, 1.5, w.shape).astype(w.dtype))
            else:
                values.append((w + rng.normal(0.0, 0.05, w.shape)).astype(w.dtype))
        if values:
            layer.set_weights(values)


def copy_weights_by_layer(keras_model: Any, kerax_model: Any) -> None:
    """``kerax_layer.set_weights(keras_layer.get_weights())`` for the layers at the same position."""
    k_layers, x_layers = keras_model.layers, kerax_model.layers
    assert [type(l).__name__ for l in x_layers] == [type(l).__name__ for l in k_layers]
    for k_layer, x_layer in zip(k_layers, x_layers, strict=True):
        x_layer.set_weights(k_layer.get_weights())
