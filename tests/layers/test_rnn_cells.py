"""``RNN`` over any cell, the built-in cells and ``StackedRNNCells``: parity with Keras 3 (outputs and
gradients with copied weights, masks, states, directions, statefulness, training with ``fit``), the fused
projection, custom cells (nested and multi-dimensional states, a ``training`` argument), dropout masks,
serialization (a registered custom cell, ``.keras`` files both ways), ``summary`` and ``plot_model``."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax

TOL = 1e-5
ZEROS = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros", "bias_initializer": "zeros"}


def _data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _mask(batch=3, steps=6):
    """Padding at the end (row 0), in the middle (row 1), at the start (row 2)."""
    mask = np.ones((batch, steps), bool)
    mask[0, steps - 2 :] = False
    mask[1, 2:4] = False
    mask[2, 0] = False
    return mask


# -- custom cells, written once for both libraries -------------------------------------------------------------


def custom_cells(lib):
    ops = lib.ops

    class MinimalRNNCell(lib.layers.Layer):
        """One state that is also the output; halves it in training (checks `training` reaches the cell)."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

        def call(self, inputs, states, training=False):
            output = ops.tanh(ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel))
            if training:
                output = output * 0.5
            return output, [output]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    class NestedStateCell(lib.layers.Layer):
        """States ``[h, [m, v]]``: a vector, then a nested pair holding a matrix state ``(units, inner)``."""

        def __init__(self, units, inner, **kwargs):
            super().__init__(**kwargs)
            self.units, self.inner = units, inner
            self.state_size = [units, [units * inner, inner]]
            self.output_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.inner_kernel = self.add_weight(shape=(input_shape[-1], self.inner), name="inner_kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

        def get_initial_state(self, batch_size=None):
            return [
                ops.zeros((batch_size, self.units)),
                [ops.zeros((batch_size, self.units, self.inner)), ops.zeros((batch_size, self.inner))],
            ]

        def call(self, inputs, states):
            h, (m, v) = states
            z = ops.tanh(ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel))
            v = ops.tanh(ops.matmul(inputs, self.inner_kernel) + v)
            m = 0.5 * m + ops.einsum("bu,bi->bui", z, v)
            output = z + 0.1 * ops.einsum("bui,bi->bu", m, v)
            return output, [output, [m, v]]

    return MinimalRNNCell, NestedStateCell


KERAX_CELLS = custom_cells(kerax)
KERAS_CELLS = custom_cells(keras)


def _cell(lib, kind):
    layers = lib.layers
    minimal, nested = KERAX_CELLS if lib is kerax else KERAS_CELLS
    return {
        "SimpleRNNCell": lambda: layers.SimpleRNNCell(5),
        "LSTMCell": lambda: layers.LSTMCell(5),
        "GRUCell": lambda: layers.GRUCell(5),
        "GRUCell-reset-before": lambda: layers.GRUCell(5, reset_after=False),
        "stacked": lambda: [layers.GRUCell(4), layers.LSTMCell(5)],
        "stacked-gru-last": lambda: layers.StackedRNNCells([layers.LSTMCell(4), layers.GRUCell(5)]),
        "minimal": lambda: minimal(5),
        "nested": lambda: nested(5, 2),
    }[kind]()


def _weights_like(layer, seed=7):
    rng = np.random.default_rng(seed)
    return [(0.5 * rng.standard_normal(tuple(w.shape))).astype("float32") for w in layer.weights]


def _outputs_and_grads(layer, weights, x, call_kwargs):
    """Outputs, and gradients of a fixed random projection of them for the weights and the inputs (jitted)."""

    def loss(weights, x):
        out, _ = layer.stateless_call(weights, [v.value for v in layer.non_trainable_variables], x, **call_kwargs)
        leaves = jax.tree_util.tree_leaves(out)
        rng = np.random.default_rng(3)
        total = sum(jnp.sum(o * rng.standard_normal(o.shape).astype("float32")) for o in leaves)
        return total, leaves

    grads, outputs = jax.jit(jax.grad(loss, argnums=(0, 1), has_aux=True))(weights, x)
    return outputs, grads


def _parity(kind, options, call_kwargs=None, x=None):
    """RNN over the same cell in both libraries, Keras's weights copied: outputs and gradients agree."""
    x = _data((3, 6, 4)) if x is None else x
    call_kwargs = call_kwargs or {}
    ours = kerax.layers.RNN(_cell(kerax, kind), **options)
    theirs = keras.layers.RNN(_cell(keras, kind), **options)
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    theirs.set_weights(_weights_like(theirs))
    weights = [np.asarray(w) for w in theirs.get_weights()]
    ours.set_weights(weights)
    got, got_grads = _outputs_and_grads(ours, weights, x, call_kwargs)
    want, want_grads = _outputs_and_grads(theirs, weights, x, call_kwargs)
    assert [g.shape for g in got] == [w.shape for w in want]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=TOL, atol=TOL)
    for g, w in zip(jax.tree_util.tree_leaves(got_grads), jax.tree_util.tree_leaves(want_grads), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-4)
    return ours, got


H0, C0 = _data((3, 5), 1), _data((3, 5), 2)
# (cell, RNN options, call arguments); Keras 3.15 cannot mask states of more than two dimensions ("nested").
PARITY_CASES = [
    ("SimpleRNNCell", {"return_sequences": True, "go_backwards": True}, {"mask": _mask()}),
    ("LSTMCell", {"return_state": True, "go_backwards": True}, {"mask": _mask(), "initial_state": [H0, C0]}),
    ("LSTMCell", {"return_sequences": True, "zero_output_for_mask": True}, {"mask": _mask()}),
    ("GRUCell", {"return_sequences": True, "return_state": True, "go_backwards": True}, {}),
    ("GRUCell-reset-before", {"return_sequences": True, "return_state": True}, {"mask": _mask()}),
    ("stacked", {"return_sequences": True, "return_state": True}, {"mask": _mask()}),
    ("stacked", {"go_backwards": True}, {"initial_state": [_data((3, 4), 3), [H0, C0]]}),
    ("minimal", {"return_sequences": True, "return_state": True}, {"mask": _mask(), "training": True}),
    ("nested", {"return_sequences": True, "return_state": True, "go_backwards": True}, {}),
]


@pytest.mark.parametrize(
    ("kind", "options", "call_kwargs"),
    PARITY_CASES,
    ids=lambda o: "-".join(sorted(o)) if isinstance(o, dict) else str(o),
)
def test_rnn_over_cell_parity(kind, options, call_kwargs):
    _, got = _parity(kind, options, call_kwargs)
    if options.get("return_state"):
        n_states = {"LSTMCell": 2, "stacked": 3, "nested": 3}.get(kind, 1)
        assert len(got) == 1 + n_states


def test_masked_steps_keep_every_state():
    """Masked steps leave nested and matrix states as they were: the result is the unpadded sequence's."""
    layer = kerax.layers.RNN(_cell(kerax, "nested"), return_sequences=True, return_state=True)
    x = _data((1, 6, 4))
    out, h, (m, v) = layer(x, mask=np.array([[True, True, False, True, False, False]]))
    out_short, h_short, (m_short, v_short) = layer(x[:, [0, 1, 3]])
    for a, b in ((h, h_short), (m, m_short), (v, v_short), (out[:, 5], out_short[:, 2])):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(out[:, 2], out[:, 1])


def test_unrolled_masked_steps_repeat_the_previous_output_as_keras_does():
    """Keras's unrolled loop (unlike its scan) repeats the previous output, zeros before the first step,
    even with `zero_output_for_mask`; the initial state is not the first 'previous output'."""
    options = {"return_sequences": True, "unroll": True, "zero_output_for_mask": True}
    _, (out,) = _parity("SimpleRNNCell", options, {"mask": _mask(), "initial_state": [_data((3, 5), 5)]})
    np.testing.assert_array_equal(out[2, 0], 0.0)  # row 2 starts masked
    np.testing.assert_array_equal(out[1, 2], out[1, 1])


def test_stacked_masked_steps_repeat_the_last_cells_state():
    """With a GRU (one bare state) as the last cell, a masked step repeats that cell's previous output.
    (Keras 3.15's scan reads `states[-1][0]` there, the first sample's row of that state: a Keras bug.)"""
    layer = kerax.layers.RNN(_cell(kerax, "stacked-gru-last"), return_sequences=True)
    x, mask = _data((3, 6, 4)), _mask()
    out = np.asarray(layer(x, mask=mask))
    np.testing.assert_array_equal(out[0, 4], out[0, 3])
    np.testing.assert_array_equal(out[1, 3], out[1, 1])
    np.testing.assert_array_equal(out[2, 0], 0.0)
    short = np.asarray(layer(x[:1, :4]))
    np.testing.assert_allclose(out[0, :4], short[0], rtol=1e-6, atol=1e-6)


def test_bidirectional_over_a_cell_parity():
    x = _data((3, 6, 4))
    ours = kerax.layers.Bidirectional(kerax.layers.RNN(kerax.layers.GRUCell(3), return_sequences=True))
    theirs = keras.layers.Bidirectional(keras.layers.RNN(keras.layers.GRUCell(3), return_sequences=True))
    ours.build(x.shape)
    theirs.build(x.shape)
    theirs.set_weights(_weights_like(theirs))
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x, mask=_mask()), theirs(x, mask=_mask()), rtol=TOL, atol=TOL)
    # A user's cell is copied too (its class resolves without being registered).
    minimal = kerax.layers.Bidirectional(kerax.layers.RNN(KERAX_CELLS[0](3)), merge_mode="sum")
    assert minimal(x).shape == (3, 3)
    assert type(minimal.backward_layer.cell) is KERAX_CELLS[0] and minimal.backward_layer.go_backwards


# -- the fused projection ------------------------------------------------------------------------------------


def _jaxpr(layer, x, **kwargs):
    weights = [v.value for v in layer.trainable_weights]
    return jax.make_jaxpr(lambda w, x: layer.stateless_call(w, [], x, **kwargs)[0])(weights, x)


def _dots(jaxpr):
    """``(matmuls outside the scan, matmuls inside its body)``."""
    outside = sum(eqn.primitive.name == "dot_general" for eqn in jaxpr.eqns)
    (scan,) = [eqn for eqn in jaxpr.eqns if eqn.primitive.name == "scan"]
    inside = sum(eqn.primitive.name == "dot_general" for eqn in scan.params["jaxpr"].jaxpr.eqns)
    return outside, inside


@pytest.mark.parametrize(
    ("layer_name", "cell_name"), [("LSTM", "LSTMCell"), ("GRU", "GRUCell"), ("SimpleRNN", "SimpleRNNCell")]
)
def test_rnn_over_a_builtin_cell_runs_the_layers_fused_path(layer_name, cell_name):
    x = _data((3, 6, 4))
    layer = getattr(kerax.layers, layer_name)(5, return_sequences=True)
    cell_rnn = kerax.layers.RNN(getattr(kerax.layers, cell_name)(5), return_sequences=True)
    layer(x)
    cell_rnn(x)
    cell_rnn.set_weights(layer.get_weights())
    np.testing.assert_array_equal(layer(x), cell_rnn(x))
    fused = _jaxpr(layer, x)
    assert str(fused) == str(_jaxpr(cell_rnn, x))  # the same program
    assert _dots(fused.jaxpr) == (1, 1)  # the inputs' projection before the loop, the state's inside it


def test_a_subclass_overriding_call_runs_its_own_step():
    class Doubled(kerax.layers.LSTMCell):
        def call(self, inputs, states, training=False):
            output, new_states = super().call(inputs, states, training=training)
            return 2.0 * output, new_states

    x = _data((3, 6, 4))
    plain, doubled = kerax.layers.RNN(kerax.layers.LSTMCell(5)), kerax.layers.RNN(Doubled(5))
    plain(x)
    doubled(x)
    doubled.set_weights(plain.get_weights())
    np.testing.assert_allclose(doubled(x), 2.0 * np.asarray(plain(x)), rtol=1e-6)
    assert _dots(_jaxpr(doubled, x).jaxpr) == (0, 2)  # per step: the input's and the state's matmuls


def test_mixed_precision_symbolic_and_eager():
    """Symbolic inputs come in float32 and are cast like eager ones, so the loop's carry keeps its dtype."""
    policy = "mixed_bfloat16"
    cells = [kerax.layers.LSTMCell(4, dtype=policy), KERAX_CELLS[0](3, dtype=policy)]
    layer = kerax.layers.RNN(cells, dtype=policy, return_state=True)
    symbolic = layer(kerax.Input((5, 3)))
    eager = layer(_data((2, 5, 3)))
    assert [t.dtype for t in jax.tree_util.tree_leaves(symbolic)] == ["bfloat16"] * 4
    assert [a.dtype for a in jax.tree_util.tree_leaves(eager)] == [jnp.bfloat16] * 4
    assert {str(w.dtype) for w in layer.weights} == {"float32"}


# -- dropout ---------------------------------------------------------------------------------------------------


def test_dropout_masks_are_drawn_once_per_sequence():
    """An identity kernel, no recurrence, no activation: each step's output is its input times the mask."""
    cell = kerax.layers.SimpleRNNCell(
        8, dropout=0.5, activation=None, use_bias=False, kernel_initializer="identity", recurrent_initializer="zeros"
    )
    layer = kerax.layers.RNN(cell, return_sequences=True)
    out = np.asarray(layer(np.ones((4, 5, 8), "float32"), training=True))
    assert set(np.unique(out)) == {0.0, 2.0}
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1], out.shape))  # the same mask at every step
    assert not np.array_equal(out[0, 0], out[1, 0])  # one per sample
    np.testing.assert_array_equal(layer(np.ones((4, 5, 8), "float32")), 1.0)  # none in inference


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell"])
def test_recurrent_dropout_draws_one_mask_per_gate_and_seeds_repeat(name):
    def cell(**kwargs):
        made = getattr(kerax.layers, name)(4, **kwargs)
        made.build((None, 5))
        return made

    layer = kerax.layers.RNN(cell(dropout=0.3, recurrent_dropout=0.4, seed=11), return_sequences=True)
    layer.build((2, 3, 5))
    layer.set_weights(_weights_like(layer))
    x = _data((2, 3, 5))
    assert not np.allclose(layer(x, training=True), layer(x))
    input_masks, recurrent_masks = layer.cell._draw_masks(2, "float32")
    gates = layer.cell._gates
    assert input_masks.shape == (gates, 2, 5) and recurrent_masks.shape == (gates, 2, 4)
    assert not np.array_equal(recurrent_masks[0], recurrent_masks[1])
    first, again = (cell(dropout=0.3, recurrent_dropout=0.4, seed=5)._draw_masks(2, "float32") for _ in range(2))
    np.testing.assert_array_equal(first[1], again[1])  # a seed repeats its masks
    # Without recurrent dropout one input mask serves every gate; a rate of 1 switches dropout off (Keras's
    # `0 < rate < 1`; SimpleRNN drops everything instead, see test_recurrent).
    assert cell(dropout=0.3)._draw_masks(2, "float32")[0].shape == (1, 2, 5)
    assert cell(dropout=1.0)._draw_masks(2, "float32") == (None, None)


def test_dropout_inside_a_jitted_step_draws_from_the_steps_key():
    cells = [kerax.layers.LSTMCell(4, dropout=0.2, recurrent_dropout=0.2), kerax.layers.GRUCell(3, dropout=0.1)]
    layer = kerax.layers.RNN(cells, return_sequences=True)
    x = _data((2, 6, 4))
    layer.build(x.shape)
    weights = [v.value for v in layer.trainable_weights]
    step = jax.jit(lambda w, x, key: layer.stateless_call(w, [], x, training=True, rng=key)[0])
    first, again, other = (np.asarray(step(weights, x, jax.random.key(k))) for k in (0, 0, 1))
    np.testing.assert_array_equal(first, again)
    assert np.all(np.isfinite(first)) and not np.allclose(first, other)
    assert not np.allclose(first, layer(x))
    assert all(cell._prepared_masks is None for cell in cells)  # nothing traced is left behind


# -- statefulness ----------------------------------------------------------------------------------------------


def test_stateful_rnn_over_a_cell_parity_and_reset():
    ours = kerax.layers.RNN(kerax.layers.GRUCell(4), stateful=True, return_sequences=True)
    theirs = keras.layers.RNN(keras.layers.GRUCell(4), stateful=True, return_sequences=True)
    first, second = _data((3, 6, 4), 1), _data((3, 6, 4), 2)
    ours(first)
    theirs(first)
    theirs.reset_state()
    theirs.set_weights(_weights_like(theirs))
    ours.set_weights(theirs.get_weights())
    ours.reset_state()
    for data in (first, second, first):
        np.testing.assert_allclose(ours(data), theirs(data), rtol=TOL, atol=TOL)
    assert [w.name for w in ours.weights] == ["kernel", "recurrent_kernel", "bias"]  # states are not weights
    ours.reset_state()
    theirs.reset_state()
    assert not np.any(ours.states[0].value)
    np.testing.assert_allclose(ours(second), theirs(second), rtol=TOL, atol=TOL)


def test_stateful_stacked_cells_keep_nested_states():
    ours = kerax.layers.RNN(_cell(kerax, "stacked"), stateful=True)
    theirs = keras.layers.RNN(_cell(keras, "stacked"), stateful=True)
    first, second = _data((3, 6, 4), 1), _data((3, 6, 4), 2)
    ours(first)
    theirs(first)
    theirs.set_weights(_weights_like(theirs))
    ours.set_weights(theirs.get_weights())
    # Keras cannot reset nested states (its reset_state assigns to a list): start both from the same states.
    for var, value in zip(kerax.tree.flatten(ours.states), keras.tree.flatten(theirs.states), strict=True):
        var.assign(np.asarray(value))
    assert [v.shape for v in kerax.tree.flatten(ours.states)] == [(3, 4), (3, 5), (3, 5)]
    for data in (second, first):
        np.testing.assert_allclose(ours(data), theirs(data), rtol=TOL, atol=TOL)
    ours.reset_state()
    assert not any(np.any(v.value) for v in kerax.tree.flatten(ours.states))


# -- training --------------------------------------------------------------------------------------------------


def _training_model(lib):
    minimal, _ = KERAX_CELLS if lib is kerax else KERAS_CELLS
    inputs = lib.Input((6, 3))
    x = lib.layers.Masking(0.0)(inputs)
    x = lib.layers.RNN([lib.layers.LSTMCell(4), minimal(3)], return_sequences=True)(x)
    x = lib.layers.RNN(lib.layers.GRUCell(2), go_backwards=True)(x)
    return lib.Model(inputs, lib.layers.Dense(1)(x))


def test_fit_trains_like_keras():
    ours, theirs = _training_model(kerax), _training_model(keras)
    theirs.set_weights(_weights_like(theirs, seed=5))
    ours.set_weights(theirs.get_weights())
    x = _data((32, 6, 3), 1)
    x[::3, 4:] = 0.0  # padded ends, masked by Masking
    y = x.sum((1, 2))[:, None]
    for model in (ours, theirs):
        model.compile(keras.optimizers.SGD(0.05) if model is theirs else kerax.optimizers.SGD(0.05), "mse")
    h_ours = ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_theirs = theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_ours, h_theirs, rtol=1e-4)
    assert h_ours[1] < h_ours[0]
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


# -- serialization, summary, plot ---------------------------------------------------------------------------


@kerax.saving.register_keras_serializable(package="test_rnn_cells")
class CountingCell(kerax.layers.Layer):
    """Adds ``scale`` times its input to its state; outputs the state."""

    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")

    def call(self, inputs, states):
        state = states[0] + self.scale * kerax.ops.matmul(inputs, self.kernel)
        return state, [state]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


def _saving_model():
    inputs = kerax.Input((5, 4))
    x = kerax.layers.RNN(CountingCell(3, scale=0.5), return_sequences=True)(inputs)
    x = kerax.layers.RNN(kerax.layers.StackedRNNCells([kerax.layers.LSTMCell(3), kerax.layers.GRUCell(2)]))(x)
    return kerax.Model(inputs, x)


@pytest.mark.parametrize("suffix", [".kerax", ".keras"])
def test_registered_custom_cell_saves_and_loads(tmp_path, suffix):
    model = _saving_model()
    x = _data((2, 5, 4))
    expected = np.asarray(model(x))
    path = str(tmp_path / f"model{suffix}")
    model.save(path)
    loaded = kerax.saving.load_model(path)
    cell = loaded.layers[1].cell
    assert isinstance(cell, CountingCell) and cell.scale == 0.5
    assert [w.path for w in loaded.layers[2].weights][0] == "rnn_1/stacked_rnn_cells/lstm_cell/kernel"
    np.testing.assert_allclose(loaded(x), expected, rtol=1e-6)
    config = model.layers[1].get_config()
    assert config["cell"]["registered_name"] == "test_rnn_cells>CountingCell"
    rebuilt = kerax.layers.RNN.from_config(config)
    assert rebuilt.return_sequences and rebuilt.cell.units == 3 and rebuilt.cell is not model.layers[1].cell


def test_keras_files_both_ways(tmp_path):
    def build(lib):
        inputs = lib.Input((5, 4))
        x = lib.layers.RNN([lib.layers.LSTMCell(3), lib.layers.SimpleRNNCell(2)], return_sequences=True)(inputs)
        x = lib.layers.RNN(lib.layers.GRUCell(3, reset_after=False))(x)
        return lib.Model(inputs, lib.layers.Dense(1)(x))

    x = _data((2, 5, 4))
    theirs = build(keras)
    theirs.set_weights(_weights_like(theirs))
    theirs.save(tmp_path / "keras.keras")
    ours = kerax.saving.load_model(str(tmp_path / "keras.keras"))
    np.testing.assert_allclose(ours(x), theirs(x), rtol=TOL, atol=TOL)
    ours = build(kerax)
    ours.set_weights(_weights_like(ours, seed=9))
    ours.save(str(tmp_path / "kerax.keras"))
    loaded = keras.saving.load_model(tmp_path / "kerax.keras")
    np.testing.assert_allclose(loaded(x), ours(x), rtol=TOL, atol=TOL)
    assert [w.path for w in loaded.weights] == [w.path for w in ours.weights]


def test_summary_and_plot_model(tmp_path, capsys):
    model = _saving_model()
    model.summary()
    text = capsys.readouterr().out
    assert "rnn (RNN)" in text and "rnn_1 (RNN)" in text
    assert f"Total params: {model.count_params()}" in text and model.count_params() == 12 + 84 + 42
    image = kerax.utils.plot_model(model, to_file=str(tmp_path / "rnn.png"), show_shapes=True, expand_nested=True)
    assert (tmp_path / "rnn.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.data


# -- errors ----------------------------------------------------------------------------------------------------


def test_errors():
    with pytest.raises(ValueError, match="state_size"):
        kerax.layers.RNN(kerax.layers.Dense(3))
    with pytest.raises(ValueError, match="call"):
        kerax.layers.RNN(object())
    with pytest.raises(ValueError, match="units"):
        kerax.layers.LSTMCell(0)
    with pytest.raises(ValueError, match="recurrent_dropout"):
        kerax.layers.GRUCell(3, recurrent_dropout=-0.1)
    layer = kerax.layers.RNN([kerax.layers.LSTMCell(3), kerax.layers.GRUCell(2)])
    with pytest.raises(ValueError, match="expected 3 initial state"):
        layer(_data((2, 4, 2)), initial_state=[np.zeros((2, 3), "float32")] * 2)
    with pytest.raises(ValueError, match="shape"):
        layer(_data((2, 4, 2)), initial_state=[np.zeros((2, 3), "float32")] * 3)
    with pytest.raises(ValueError, match="batch size"):
        kerax.layers.RNN(kerax.layers.GRUCell(2), stateful=True)(kerax.Input((4, 2)))
