"""``RNN``: the time loop (a ``lax.scan``) over any recurrent cell."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp

from kerax import regularizers, tree
from kerax.backend import _scope
from kerax.backend._variables import Variable
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._nested import deserialize_layer, serialize_layer
from kerax.layers._rnn._cell_base import BuiltinCell
from kerax.layers._rnn.stacked_rnn_cells import StackedRNNCells

Step = Callable[[Any, Any], tuple[Any, Any]]


def _is_fused(cell: Any) -> bool:
    """A built-in cell whose ``call`` is its own: the layer may project the whole sequence first."""
    return isinstance(cell, BuiltinCell) and type(cell).call is BuiltinCell.call


def _zero_state(batch: int | None, size: Any, dtype: Any) -> Any:
    """Zeros for one entry of ``state_size``: an int, a shape object (``as_list()``), or a nested list."""
    if isinstance(size, int) and not isinstance(size, bool):
        return jnp.zeros((batch, size), dtype)
    if callable(getattr(size, "as_list", None)):
        return jnp.zeros((batch, *size.as_list()), dtype)
    if isinstance(size, list | tuple):
        return [_zero_state(batch, s, dtype) for s in size]
    raise ValueError(f"A state size must be an int, a shape or a list of them, received {size!r}.")


def _previous_output(states: list) -> jax.Array:
    """Keras's output for a masked step: the first state, or the last cell's first state when nested."""
    first = states[0]
    if tree.is_nested(first):
        return jax.tree_util.tree_leaves(states[-1])[0]
    return first


def _expand(mask_t: jax.Array, like: jax.Array) -> jax.Array:
    return mask_t.reshape(mask_t.shape + (1,) * (like.ndim - 1))


def _merge(mask_t: jax.Array, new: Any, old: Any) -> Any:
    return jax.tree_util.tree_map(lambda n, o: jnp.where(_expand(mask_t, n), n, o), new, old)


@contextlib.contextmanager
def _dropout_masks(cell: Any, batch: int, dtype: Any, training: bool) -> Iterator[None]:
    """Draw each built-in cell's dropout masks once for the whole sequence; forget them afterwards."""
    prepared = []
    if training and isinstance(cell, Layer):
        for layer in cell._flatten_layers():
            if isinstance(layer, BuiltinCell) and layer.built:
                object.__setattr__(layer, "_prepared_masks", layer._draw_masks(batch, dtype))
                prepared.append(layer)
    try:
        yield
    finally:
        for layer in prepared:
            object.__setattr__(layer, "_prepared_masks", None)


class RNN(Layer):
    """A recurrent layer: runs ``cell`` over the time axis of ``(batch, time, ...)`` inputs.

    A cell is a layer (or any object) with ``state_size`` (an int, or a list of them, one per state;
    entries may nest, as in ``StackedRNNCells``) and ``call(inputs_t, states)`` returning
    ``(output_t, new_states)``; optionally ``output_size``, ``get_initial_state(batch_size)`` and a
    ``training`` argument in ``call``. The cell's weights are the layer's weights. The time loop is a
    ``lax.scan``: the cell's call is traced once, inside the jitted step, and the loop body runs once per
    step (or is repeated ``time`` times in straight-line code with ``unroll=True``). With ``SimpleRNNCell``,
    ``LSTMCell`` or ``GRUCell`` the inputs' projection is one matmul over the whole sequence before the
    loop, as in ``SimpleRNN``, ``LSTM`` and ``GRU``.

    Args:
        cell: a cell, or a list of cells (stacked with ``StackedRNNCells``).
        return_sequences: whether to return the output of every step instead of the last one (default ``False``).
        return_state: whether to also return the final states: ``(output, *states)`` (default ``False``).
        go_backwards: whether to process the sequence backwards (default ``False``); the output sequence comes in
            processing order.
        stateful: whether the final states of a call are the initial states of the next (default ``False``); the
            batch size must be static, and ``reset_state()`` sets them back to zeros.
        unroll: whether to unroll the time loop (``lax.scan(unroll=True)``): faster for short sequences, at the cost
            of memory and compile time (default ``False``). As in Keras's unrolled loop, a masked step then repeats
            the previous step's output, whatever ``zero_output_for_mask`` says.
        zero_output_for_mask: with a mask, whether masked steps output zeros instead of the previous output (default
            ``False``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        sequences: a tensor, or a nest of tensors whose first two axes are batch and time.
        initial_state: the initial states (their structure, or their flat list), or ``None`` for the
            cell's ``get_initial_state`` (zeros).
        mask: a boolean ``(batch, time)`` mask, or ``None``: masked steps carry the states forward.
        training: handed to the cell's call.

    Input shape:
        ``(batch, time, ...)``.

    Output shape:
        ``(batch, output_size)``, or ``(batch, time, output_size)`` with ``return_sequences=True``; with
        ``return_state=True``, ``(output, *states)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.RNN(kerax.layers.LSTMCell(4), return_sequences=True)
        >>> layer(np.ones((2, 5, 3))).shape
        (2, 5, 4)
        >>> cells = [kerax.layers.GRUCell(8), kerax.layers.GRUCell(4)]
        >>> kerax.layers.RNN(cells, unroll=True)(np.ones((2, 5, 3))).shape
        (2, 4)
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(cell, list | tuple):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"RNN: `cell` must have a `call` method, received {cell!r}.")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                f"RNN: the cell must have a `state_size` attribute (an int, or a list of ints, one per state), "
                f"received {cell!r}."
            )
        if isinstance(state_size, bool) or not isinstance(state_size, int | list | tuple):
            raise ValueError(
                f"RNN: the cell's `state_size` must be an int or a list/tuple (one entry per state), "
                f"received {state_size!r}."
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)
        self._state_variables: Any = None

    # -- building ------------------------------------------------------------------------------------
    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        step_shape = tree.map_shape_structure(lambda s: (s[0], *s[2:]), sequences_shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)  # in this layer's name scope, as build() runs in it
            self.cell.built = True
            self.cell._build_shapes = step_shape
        if self.stateful:
            if self._state_variables is not None:
                self.reset_state()
                return
            batch = tree.flatten(sequences_shape)[0]
            if batch is None:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': with `stateful=True` the batch size must be static; "
                    f"received input shape {sequences_shape}. Give `batch_size` to `Input` (or `batch_input_shape`)."
                )
            # As in Keras, the states are variables of the layer but not among its weights.
            self._state_variables = tree.map_structure(
                lambda value: Variable(
                    value,
                    dtype=self.variable_dtype,
                    trainable=False,
                    name="rnn_state",
                    path=f"{self.name}/rnn_state",
                ),
                self.get_initial_state(int(batch)),
            )

    @property
    def states(self) -> Any:
        """The state variables of a stateful layer (``None`` otherwise, or before building)."""
        return self._state_variables

    def reset_state(self) -> None:
        """Set the states of a stateful layer back to zeros."""
        for var in tree.flatten(self._state_variables):
            var.assign(jnp.zeros(var.shape, var.dtype))

    reset_states = reset_state

    def get_initial_state(self, batch_size: int) -> list:
        """The cell's ``get_initial_state(batch_size=...)`` as a list, else zeros of its ``state_size``."""
        cell_initial_state = getattr(self.cell, "get_initial_state", None)
        if cell_initial_state is None:
            return [_zero_state(batch_size, size, self._state_dtype) for size in self.state_size]
        states = cell_initial_state(batch_size=batch_size)
        return list(states) if tree.is_nested(states) else [states]

    @property
    def _state_dtype(self) -> Any:
        return self.cell.compute_dtype if isinstance(self.cell, Layer) else self.compute_dtype

    # -- calling -------------------------------------------------------------------------------------
    def _initial_states(self, batch: int, initial_state: Any) -> list:
        if initial_state is None and self._state_variables is not None:
            initial_state = tree.map_structure(lambda v: v.value, self._state_variables)
        if initial_state is None:
            states = self.get_initial_state(batch)
            return jax.tree_util.tree_map(lambda s: jnp.asarray(s, self._state_dtype), states)
        given = list(initial_state) if tree.is_nested(initial_state) else [initial_state]
        given_leaves = [v.value if isinstance(v, Variable) else v for v in tree.flatten(given)]
        expected_leaves, structure = jax.tree_util.tree_flatten(jax.eval_shape(lambda: self.get_initial_state(batch)))
        if len(given_leaves) != len(expected_leaves):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expected {len(expected_leaves)} initial state tensor(s), "
                f"received {len(given_leaves)}."
            )
        for got, want in zip(given_leaves, expected_leaves, strict=True):
            if tuple(jnp.shape(got)) != tuple(want.shape):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': each initial state must have the shape of the "
                    f"cell's state {tuple(want.shape)}, received {tuple(jnp.shape(got))}."
                )
        return jax.tree_util.tree_unflatten(structure, [jnp.asarray(s, self._state_dtype) for s in given_leaves])

    def call(
        self,
        sequences: Any,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        compute = jnp.dtype(self.compute_dtype)
        # Symbolic inputs reach `call` in their own dtype: cast them as eager calls are (the carry's dtype is fixed).
        sequences = jax.tree_util.tree_map(
            lambda x: x.astype(compute) if jnp.issubdtype(x.dtype, jnp.floating) and x.dtype != compute else x,
            sequences,
        )
        first = jax.tree_util.tree_leaves(sequences)[0]
        batch = first.shape[0]
        if self._state_variables is not None:
            expected = tree.flatten(self._state_variables)[0].shape[0]
            if batch != expected:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the layer is stateful with batch size {expected}, "
                    f"but received inputs of batch size {batch}."
                )
        states = self._initial_states(batch, initial_state)
        if isinstance(mask, list | tuple):
            mask = next((m for m in tree.flatten(mask) if m is not None), None)
        # Time-major, in processing order (reversed with go_backwards: before the input projection, which
        # is narrower than the projected sequence in the common case).
        time_major = self._time_major
        if mask is not None:
            mask = time_major(jnp.asarray(mask).astype(bool).reshape(batch, -1))
        training = bool(training)
        cell = self.cell
        if _is_fused(cell):
            masks = cell._draw_masks(batch, first.dtype) if training else (None, None)
            xs = cell._project(time_major(sequences), masks[0])

            def fused_step(x_t: jax.Array, carry: tuple) -> tuple:
                return cell._recurrent_step(x_t, carry, masks[1])

            final, outputs = self._time_loop(fused_step, xs, tuple(states), mask, fused=True)
            final = list(final)
        else:
            xs = jax.tree_util.tree_map(time_major, sequences)
            with _dropout_masks(cell, batch, first.dtype, training):
                final, outputs = self._time_loop(self._cell_step(states, training), xs, states, mask)
        dtype = self.compute_dtype
        outputs = jax.tree_util.tree_map(lambda o: o.astype(dtype), outputs)
        final = jax.tree_util.tree_map(lambda s: s.astype(dtype), final)
        if self._state_variables is not None:
            # Eager calls carry the final states to the next call; traced calls (jit, symbolic shape
            # inference) leave them alone rather than leak tracers.
            for var, value in zip(tree.flatten(self._state_variables), jax.tree_util.tree_leaves(final), strict=True):
                if not isinstance(value, jax.core.Tracer):
                    var.assign(value)
        if self.return_sequences:
            output = jax.tree_util.tree_map(lambda o: jnp.swapaxes(o, 0, 1), outputs)
        else:
            output = jax.tree_util.tree_map(lambda o: o[-1], outputs)
        if self.return_state:
            return (output, *final)
        return output

    def _cell_step(self, states: list, training: bool) -> Step:
        """One step of the cell, its new states packed in the structure (and dtypes) of ``states``."""
        cell = self.cell
        leaves, structure = jax.tree_util.tree_flatten(states)
        dtypes = [leaf.dtype for leaf in leaves]
        kwargs = {"training": training} if isinstance(cell, Layer) else {}

        def step(x_t: Any, carry: list) -> tuple:
            output, new_states = cell(x_t, carry, **kwargs)
            new_leaves = jax.tree_util.tree_leaves(new_states if tree.is_nested(new_states) else [new_states])
            if len(new_leaves) != len(leaves):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the cell returned {len(new_leaves)} state tensor(s), "
                    f"but its initial states have {len(leaves)}."
                )
            new_leaves = [jnp.asarray(s).astype(d) for s, d in zip(new_leaves, dtypes, strict=True)]
            return output, jax.tree_util.tree_unflatten(structure, new_leaves)

        return step

    # Layers whose step convolves set this: on XLA:CPU a convolution's gradient inside a loop body runs
    # about ten times slower than unrolled (ConvLSTM2D, 8 steps of 16x16x4: 8.9 s against 0.95 s an epoch,
    # 2026-12-07), so their loop unrolls there when it has at most this many steps. Numbers are unchanged:
    # the masking rules still follow the `unroll` argument.
    _unroll_steps_on_cpu = 0

    def _scan_unroll(self, xs: Any) -> bool:
        if self.unroll:
            return True
        steps = jax.tree_util.tree_leaves(xs)[0].shape[0]
        return 0 < steps <= self._unroll_steps_on_cpu and jax.default_backend() == "cpu"

    def _time_major(self, x: jax.Array) -> jax.Array:
        """A batch-major sequence as the loop reads it: time first, reversed with ``go_backwards``."""
        x = jnp.swapaxes(x, 0, 1)
        return jnp.flip(x, 0) if self.go_backwards else x

    def _time_loop(self, step: Step, xs: Any, states: Any, mask: Any, fused: bool = False) -> tuple[Any, Any]:
        """Scan ``step`` over time-major ``xs`` (and ``mask``), in processing order: ``(final_states, outputs)``.

        Masked steps keep the states; their output is, as in Keras's JAX backend, zeros with
        ``zero_output_for_mask``, else the first state (the last cell's when the states nest). When that
        state cannot stand for the output (another shape, nested outputs), and always with ``unroll`` (as
        Keras's unrolled loop does), it is the previous step's output, zeros before the first.
        """
        if mask is None:

            def plain(carry: Any, x_t: Any) -> tuple:
                output, new = step(x_t, carry)
                return new, output

            return jax.lax.scan(plain, states, xs, unroll=self._scan_unroll(xs))

        zero_output = self.zero_output_for_mask
        if fused:
            first = states[0]
            spec: Any = jax.ShapeDtypeStruct(first.shape, first.dtype)
        else:
            x_0 = jax.tree_util.tree_map(lambda x: x[0], xs)
            # A shape-only trace in a scope of its own: nothing it draws or assigns is kept.
            with _scope.StatelessScope(rng=jax.random.key(0)):
                spec = jax.eval_shape(lambda x, s: step(x, s)[0], x_0, states)
        candidate = _previous_output(states)
        from_state = (
            not self.unroll and isinstance(spec, jax.ShapeDtypeStruct) and tuple(spec.shape) == tuple(candidate.shape)
        )
        if from_state:

            def masked(carry: Any, inputs: tuple) -> tuple:
                x_t, m_t = inputs
                output, new = step(x_t, carry)
                keep = _expand(m_t, output)
                previous = jnp.zeros_like(output) if zero_output else _previous_output(carry).astype(output.dtype)
                return _merge(m_t, new, carry), jnp.where(keep, output, previous)

            return jax.lax.scan(masked, states, (xs, mask), unroll=self._scan_unroll(xs))

        unroll = self.unroll

        def carried(carry: tuple, inputs: tuple) -> tuple:
            (current, last), (x_t, m_t) = carry, inputs
            output, new = step(x_t, current)

            def pick(o: jax.Array, p: jax.Array) -> jax.Array:
                fallback = jnp.zeros_like(o) if zero_output and not unroll else p.astype(o.dtype)
                return jnp.where(_expand(m_t, o), o, fallback)

            output = jax.tree_util.tree_map(pick, output, last)
            return (_merge(m_t, new, current), output), output

        zeros = jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), spec)
        (final, _), outputs = jax.lax.scan(carried, (states, zeros), (xs, mask), unroll=self._scan_unroll(xs))
        return final, outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The time-step mask for whole sequences (``return_sequences``), none for states or a last step."""
        if isinstance(mask, list | tuple):
            mask = next((m for m in tree.flatten(mask) if m is not None), None)
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, *([None] * len(self.state_size))]
        return output_mask

    # -- config --------------------------------------------------------------------------------------
    def _loop_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    def get_config(self) -> dict[str, Any]:
        return {**self._loop_config(), "cell": serialize_layer(self.cell)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        config = dict(config)
        return cls(deserialize_layer(config.pop("cell")), **config)


def cell_property(name: str) -> property:
    """A property of the layer that reads and writes its cell's attribute ``name`` (as Keras's LSTM does)."""

    def get(self: BuiltinRNN) -> Any:
        return getattr(self.cell, name)

    def set_(self: BuiltinRNN, value: Any) -> None:
        setattr(self.cell, name, value)

    return property(get, set_, doc=f"The cell's ``{name}``.")


class BuiltinRNN(RNN):
    """``SimpleRNN``, ``LSTM`` and ``GRU``: an ``RNN`` over their own cell, whose arguments they expose.

    Their config is the cell's (without its name) plus the ``RNN`` flags, as in Keras; their weights are
    the cell's (paths ``lstm/lstm_cell/kernel``...), so weights copy 1:1 from Keras.
    """

    def __init__(self, cell: BuiltinCell, **kwargs: Any) -> None:
        super().__init__(cell, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    @staticmethod
    def _cell_arguments(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The cell's name, and the layer's ``dtype`` and ``trainable`` from its keyword arguments."""
        return {"name": name, "dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}

    def _check_cudnn(self, use_cudnn: Any) -> Any:
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': `use_cudnn` must be one of 'auto', True or False, "
                f"received {use_cudnn!r}."
            )
        return use_cudnn

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        super().build(sequences_shape, initial_state_shape)
        if sequences_shape[-1] is not None:
            self.input_spec = InputSpec(ndim=3, axes={-1: int(sequences_shape[-1])})

    units = cell_property("units")
    activation = cell_property("activation")
    use_bias = cell_property("use_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")
    seed = cell_property("seed")
    kernel = cell_property("kernel")
    recurrent_kernel = cell_property("recurrent_kernel")
    bias = cell_property("bias")

    def get_config(self) -> dict[str, Any]:
        config = self._loop_config()
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config.update(cell_config)
        config["activity_regularizer"] = (
            regularizers.serialize(self.activity_regularizer) if self.activity_regularizer is not None else None
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        return cls(**config)
