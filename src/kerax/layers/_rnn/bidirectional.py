"""``Bidirectional``: run a recurrent layer forwards and backwards over the sequence and merge."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax._serialization._registry import custom_object_scope
from kerax.layers._layer import Layer
from kerax.layers._nested import deserialize_layer, serialize_layer
from kerax.layers._rnn.rnn import RNN

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _copy(layer: Layer, config: dict[str, Any]) -> Layer:
    """A new layer from ``layer``'s config; the classes of its own sub-layers (a user's cell) resolve."""
    classes = {type(sub).__name__: type(sub) for sub in layer._flatten_layers(include_self=False)}
    with custom_object_scope(classes):
        return type(layer).from_config(config)


class Bidirectional(Layer):
    """A bidirectional wrapper for a recurrent layer (an ``RNN``: ``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN(cell)``).

    The wrapped layer is copied twice from its config: ``forward_<name>`` and ``backward_<name>`` (with
    ``go_backwards`` flipped). Weights: the forward layer's, then the backward layer's. As in Keras 3, this is
    a plain ``Layer``, not a ``Wrapper``: the two copies are ``forward_layer`` and ``backward_layer`` (there is
    no ``layer``), and the config holds both.

    Args:
        layer: the recurrent layer to copy (a layer or its serialized config).
        merge_mode: how to combine the two outputs: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"``, or
            ``None`` (return both).
        weights: accepted for Keras compatibility; initial weights are not supported, so it must be ``None``.
        backward_layer: a recurrent layer to use for the backward pass instead of a copy, or ``None`` (default); its
            ``go_backwards`` must differ from ``layer``'s.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: the sequences, ``(batch, time, features)``.
        initial_state: the forward states, then the backward states, or ``None`` for zeros.
        mask: a boolean ``(batch, time)`` mask, or ``None``.
        training: whether the dropout of the wrapped layers applies.

    Input shape:
        ``(batch, time, features)``.

    Output shape:
        The wrapped layer's output with its last axis doubled (``"concat"``) or kept (the other modes); with
        ``return_sequences`` the backward sequence is flipped back to the input's time order before merging,
        and masked steps give zeros in both directions. With ``return_state`` the result is
        ``(output, *forward_states, *backward_states)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.Bidirectional(kerax.layers.LSTM(4, return_sequences=True))
        >>> layer(np.ones((2, 5, 3))).shape
        (2, 5, 8)
        >>> layer.forward_layer.go_backwards, layer.backward_layer.go_backwards
        (False, True)
    """

    def __init__(
        self,
        layer: Any,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Any = None,
        **kwargs: Any,
    ) -> None:
        layer = deserialize_layer(layer)
        backward_layer = deserialize_layer(backward_layer) if backward_layer is not None else None
        super().__init__(**kwargs)
        self._refuse_unsupported(weights=weights)
        if not isinstance(layer, RNN):
            raise ValueError(
                f"Bidirectional '{self.name}': `layer` must be a recurrent layer (an RNN: LSTM, GRU, SimpleRNN...), "
                f"received {layer!r}."
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional '{self.name}': `merge_mode` must be one of {list(_MERGE_MODES)}, "
                f"received {merge_mode!r}."
            )
        forward_config = layer.get_config()
        # As in Keras, a name that already has the prefix (a saved forward layer) does not get it twice.
        forward_config["name"] = "forward_" + layer.name.removeprefix("forward_")
        forward = _copy(layer, forward_config)
        if backward_layer is None:
            backward_config = layer.get_config()
            backward_config["name"] = "backward_" + layer.name.removeprefix("backward_")
            backward_config["go_backwards"] = not layer.go_backwards
            backward = _copy(layer, backward_config)
        else:
            if not isinstance(backward_layer, RNN):
                raise ValueError(
                    f"Bidirectional '{self.name}': `backward_layer` must be a recurrent layer, received "
                    f"{backward_layer!r}."
                )
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError(
                    f"Bidirectional '{self.name}': `layer` and `backward_layer` must have different "
                    f"`go_backwards` values, both have {layer.go_backwards}."
                )
            for attr in ("return_sequences", "return_state"):
                if getattr(backward_layer, attr) != getattr(layer, attr):
                    raise ValueError(
                        f"Bidirectional '{self.name}': `layer` and `backward_layer` must have the same `{attr}`."
                    )
            backward = _copy(backward_layer, backward_layer.get_config())
        for sub in (forward, backward):
            # As in Keras: with whole sequences, masked steps are zeros so both directions line up.
            sub.zero_output_for_mask = sub.return_sequences
        self.forward_layer = forward
        self.backward_layer = backward
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(input_shape)
                sub._build_shapes = input_shape

    def call(
        self,
        inputs: jax.Array,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state)
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(inputs, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(inputs, initial_state=backward_state, mask=mask, training=training)
        states: tuple = ()
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences and self.merge_mode is not None:
            # Merge time-major: each direction's loop produced time-major outputs and transposed them, so
            # these transposes cancel, and so does the one into a next recurrent layer (saves ~5% a step).
            output: Any = jnp.swapaxes(self._merge(jnp.swapaxes(y, 0, 1), jnp.flip(jnp.swapaxes(y_rev, 0, 1), 0)), 0, 1)
        elif self.return_sequences:
            output = (y, jnp.flip(y_rev, axis=1))
        else:
            output = self._merge(y, y_rev)
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def _merge(self, y: jax.Array, y_rev: jax.Array) -> Any:
        if self.merge_mode == "concat":
            return jnp.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return (y, y_rev)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The time-step mask for whole sequences (one per direction when ``merge_mode=None``), none for states."""
        if isinstance(mask, list | tuple):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            masks += [None] * (2 * len(self.forward_layer.state_size))
        return masks if len(masks) > 1 else masks[0]

    def get_config(self) -> dict[str, Any]:
        """Keras's config: the forward and the backward layer as they are (so names and directions survive)."""
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_layer(self.forward_layer),
            "backward_layer": serialize_layer(self.backward_layer),
        }
