"""``StackedRNNCells``: a stack of recurrent cells that behaves as one cell."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax import tree
from kerax.layers._layer import Layer
from kerax.layers._nested import deserialize_layer, serialize_layer


def _output_size(cell: Any) -> Any:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, list | tuple) else state_size


class StackedRNNCells(Layer):
    """Cells stacked in one time step: each cell's output is the next cell's input.

    ``state_size`` is the list of the cells' state sizes, so the states nest one entry per cell
    (``[[h1, c1], h2]`` for an ``LSTMCell`` under a ``GRUCell``); the output is the last cell's.

    Args:
        cells: the cells, bottom first (any iterable of cells).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> cells = kerax.layers.StackedRNNCells([kerax.layers.LSTMCell(8), kerax.layers.GRUCell(4)])
        >>> cells.state_size
        [[8, 8], 4]
        >>> kerax.layers.RNN(cells)(np.ones((2, 5, 3))).shape
        (2, 4)
    """

    def __init__(self, cells: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        cells = list(cells)
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(f"StackedRNNCells '{self.name}': every cell needs a `call` method, received {cell!r}.")
            if getattr(cell, "state_size", None) is None:
                raise ValueError(f"StackedRNNCells '{self.name}': every cell needs a `state_size`, received {cell!r}.")
        self.cells = cells

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> Any:
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        states = []
        for cell in self.cells:
            initial = getattr(cell, "get_initial_state", None)
            if initial is not None:
                states.append(initial(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(jnp.zeros((batch_size, cell.state_size), self.compute_dtype))
            else:
                states.append([jnp.zeros((batch_size, d), self.compute_dtype) for d in cell.state_size])
        return states

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, Any]:
        new_states = []
        for cell, cell_states in zip(self.cells, states, strict=False):
            was_list = tree.is_nested(cell_states)
            cell_states = list(cell_states) if was_list else [cell_states]
            if isinstance(cell, Layer):
                inputs, cell_states = cell(inputs, cell_states, training=training)
            else:
                inputs, cell_states = cell(inputs, cell_states)
            if not tree.is_nested(cell_states):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not was_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            return inputs, new_states[0]
        return inputs, new_states

    def build(self, input_shape: Any) -> None:
        batch = tree.flatten(input_shape)[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)  # in this layer's name scope, as build() runs in it
                cell.built = True
                cell._build_shapes = input_shape
            input_shape = (batch, _output_size(cell))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cells": [serialize_layer(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> StackedRNNCells:
        config = dict(config)
        return cls([deserialize_layer(cell) for cell in config.pop("cells")], **config)
