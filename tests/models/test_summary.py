"""``model.summary()``: Keras 3's table, captured through ``print_fn``."""

from __future__ import annotations

import re

import numpy as np
import pytest

import kerax
from kerax import layers
from models.kx_helpers import keras_summary_text, summary_lines, summary_text, table_header, table_rows, totals


def chain_functional() -> kerax.Model:
    inputs = kerax.Input((3,), name="features")
    x = layers.Dense(4, activation="relu", name="hidden")(inputs)
    outputs = layers.Dense(2, name="logits")(x)
    return kerax.Model(inputs, outputs, name="chain")


def branching_functional(lib=kerax):
    """Input -> (frozen Dense, nested model with BN) -> concatenate -> head; works for kerax and Keras."""
    L = lib.layers
    inputs = lib.Input((4,), name="inp")
    inner_in = lib.Input((4,), name="inner_in")
    inner = lib.Model(
        inner_in, L.Dense(3, name="inner_dense")(L.BatchNormalization(name="inner_bn")(inner_in)), name="inner"
    )
    frozen = L.Dense(5, name="frozen")
    x = frozen(inputs)
    frozen.trainable = False
    y = inner(inputs)
    out = L.Dense(2, name="head")(L.concatenate([x, y], name="merge"))
    return lib.Model(inputs, out, name="outer")


def test_print_fn_receives_every_line_and_nothing_is_printed(capsys):
    lines = summary_lines(chain_functional())
    assert capsys.readouterr().out == ""
    assert len(lines) > 8
    assert all("\n" not in line for line in lines)


def test_summary_prints_to_stdout_without_print_fn(capsys):
    model = chain_functional()
    model.summary()
    out = capsys.readouterr().out
    assert out.rstrip("\n").split("\n") == summary_lines(model)


def test_title_line_names_the_model():
    assert summary_lines(chain_functional())[0] == 'Model: "chain"'


def test_chain_functional_has_no_connected_to_column():
    text = summary_text(chain_functional())
    assert table_header(text) == ["Layer (type)", "Output Shape", "Param #"]
    assert "Connected to" not in text
    assert table_rows(text) == [
        ("features(InputLayer)", "(None,3)", "0"),
        ("hidden(Dense)", "(None,4)", "16"),
        ("logits(Dense)", "(None,2)", "10"),
    ]


def test_sequential_has_no_connected_to_column():
    model = kerax.Sequential([kerax.Input((3,)), layers.Dense(4), layers.Dense(2)])
    text = summary_text(model)
    assert table_header(text) == ["Layer (type)", "Output Shape", "Param #"]
    # Sequential shows no InputLayer row, as in Keras.
    assert [r[0] for r in table_rows(text)] == ["dense(Dense)", "dense_1(Dense)"]


def test_branching_graph_has_connected_to_column():
    text = summary_text(branching_functional())
    assert table_header(text) == ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    rows = {r[0]: r for r in table_rows(text)}
    assert rows["merge(Concatenate)"][3] == "frozen[0][0],inner[0][0]"
    assert rows["inp(InputLayer)"][3] == "-"


def test_branching_summary_matches_keras():
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()
    text = summary_text(branching_functional())
    k_text = keras_summary_text(branching_functional(keras))
    assert table_rows(text) == table_rows(k_text)
    assert totals(text) == totals(k_text)


def test_totals_lines_format():
    inputs = kerax.Input((3,))
    x = layers.Dense(4)(inputs)
    x = layers.BatchNormalization()(x)
    model = kerax.Model(inputs, x)
    lines = summary_lines(model)
    assert lines[-3:] == [
        " Total params: 32 (128.00 B)",
        " Trainable params: 24 (96.00 B)",
        " Non-trainable params: 8 (32.00 B)",
    ]


def test_totals_lines_use_thousands_separators_and_binary_units():
    inputs = kerax.Input((1000,))
    model = kerax.Model(inputs, layers.Dense(300)(inputs))  # 300,300 float32 = 1,201,200 bytes
    assert totals(summary_text(model)) == {
        "Total params": "300,300 (1.15 MB)",
        "Trainable params": "300,300 (1.15 MB)",
        "Non-trainable params": "0 (0.00 B)",
    }


def test_frozen_model_counts_every_weight_as_non_trainable():
    model = chain_functional()
    model.trainable = False
    assert totals(summary_text(model)) == {
        "Total params": "26 (104.00 B)",
        "Trainable params": "0 (0.00 B)",
        "Non-trainable params": "26 (104.00 B)",
    }


LONG_NAME = "a_layer_with_a_really_quite_remarkably_long_descriptive_name_that_goes_on_and_on"


@pytest.mark.parametrize("line_length", [None, 60, 100])
def test_long_names_are_wrapped_not_truncated(line_length):
    inputs = kerax.Input((3,), name="x")
    outputs = layers.Dense(2, name=LONG_NAME)(inputs)
    model = kerax.Model(inputs, outputs, name="long_names")
    text = summary_text(model, line_length=line_length)
    assert "\u2026" not in text and "..." not in text
    assert table_rows(text)[1][0] == f"{LONG_NAME}(Dense)"


def test_long_connected_to_entries_are_not_truncated():
    a = kerax.Input((3,), name="first_input_with_a_long_name_for_the_test")
    b = kerax.Input((3,), name="second_input_with_a_long_name_for_the_test")
    merged = layers.Add(name="merge")([a, b])
    text = summary_text(kerax.Model([a, b], merged), line_length=70)
    assert "\u2026" not in text
    row = [r for r in table_rows(text) if r[0] == "merge(Add)"][0]
    assert row[3] == "first_input_with_a_long_name_for_the_test[0][0],second_input_with_a_long_name_for_the_test[0][0]"


@pytest.mark.parametrize("line_length", [60, 90, 120])
def test_line_length_is_respected(line_length):
    text = summary_text(branching_functional(), line_length=line_length)
    table_lines = [line for line in text.split("\n") if line[:1] in "┏┃┡│├└"]
    assert table_lines
    assert {len(line) for line in table_lines} == {line_length}


def test_expand_nested_lists_the_inner_layers_under_the_nested_model():
    model = branching_functional()
    flat = [r[0] for r in table_rows(summary_text(model))]
    assert flat == ["inp(InputLayer)", "frozen(Dense)", "inner(Functional)", "merge(Concatenate)", "head(Dense)"]
    expanded = [r[0] for r in table_rows(summary_text(model, expand_nested=True))]
    start = expanded.index("inner(Functional)")
    nested = expanded[start + 1 : expanded.index("merge(Concatenate)")]
    assert [re.sub(r"^[^a-z]*", "", n) for n in nested][-2:] == ["inner_bn(BatchNormalization)", "inner_dense(Dense)"]
    assert all(not n.startswith("inner_") for n in nested)  # marked as nested (indented / '└')
    assert [n for n in expanded if n not in nested] == flat


def test_show_trainable_adds_a_trainable_column():
    text = summary_text(branching_functional(), show_trainable=True)
    assert table_header(text)[-1] == "Trainable"
    trainable = {r[0]: r[-1] for r in table_rows(text)}
    assert trainable == {
        "inp(InputLayer)": "-",
        "frozen(Dense)": "N",
        "inner(Functional)": "Y",
        "merge(Concatenate)": "-",
        "head(Dense)": "Y",
    }


def test_unbuilt_sequential_summary_says_unbuilt():
    model = kerax.Sequential([layers.Dense(3)])
    text = summary_text(model)
    assert table_rows(text) == [("dense(Dense)", "?", "0(unbuilt)")]
    assert totals(text)["Total params"] == "0 (0.00 B)"


def test_summary_after_fit_shows_optimizer_params():
    model = chain_functional()
    model.compile(optimizer="sgd", loss="mse")
    assert "Optimizer params" not in summary_text(model)
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    assert "Optimizer params" in totals(summary_text(model))


def test_totals_after_fit_match_keras():
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()
    data = np.ones((4, 4), "float32"), np.ones((4, 2), "float32")
    texts = []
    for lib in (kerax, keras):
        model = branching_functional(lib)
        model.compile(optimizer="adam", loss="mse")
        model.fit(*data, verbose=0)
        texts.append(summary_text(model) if lib is kerax else keras_summary_text(model))
    assert totals(texts[0]) == totals(texts[1])
