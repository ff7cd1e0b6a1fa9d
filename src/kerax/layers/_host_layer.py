"""``HostLayer``: the base of layers that compute on the host, in NumPy, because they read or write text."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from kerax.backend._dtypes import is_string_array
from kerax.backend._symbolic import SymbolicTensor, any_symbolic
from kerax.layers._layer import Layer


class HostLayer(Layer):
    """A layer that runs on the host, in NumPy, never compiled: text lookups, vectorization, hashing.

    Called on data, it runs ``host_call`` at once and returns NumPy arrays, so it works in a data pipeline
    (``dataset.map(layer)``) as well as on a batch. Called on symbolic tensors, it records a node whose
    output spec ``compute_output_spec`` gives. A functional model runs the nodes of such layers first, on
    the host, and compiles the rest: ``Input(shape=(1,), dtype="string")`` followed by a
    ``TextVectorization`` trains with ``fit`` on raw text.

    Subclasses implement ``host_call(inputs, **kwargs)`` and ``compute_output_spec(inputs, **kwargs)``.
    """

    runs_on_host = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args:
            raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) was called without any input.")
        kwargs.pop("training", None)  # nothing here depends on training
        if any_symbolic((args, kwargs)):
            self._maybe_build(args[0])
            outputs = self.compute_output_spec(*args, **kwargs)
            self._record_node(args, kwargs, outputs)
            return outputs
        if not self.built:
            first = args[0]
            if isinstance(first, str | bytes) or (
                isinstance(first, list | tuple)
                and not any(hasattr(x, "shape") for x in jax.tree_util.tree_leaves(first))
            ):
                first = np.asarray(first)  # a (nested) list of strings is one input, not one per string
            self._maybe_build(jax.tree_util.tree_map(_host_shape_spec, first))
        return self.host_call(*args, **kwargs)

    def host_call(self, inputs: Any, **kwargs: Any) -> Any:
        """The layer's computation on host data (NumPy arrays, lists, strings); returns NumPy arrays."""
        raise TypeError(f"{type(self).__name__} must define host_call(inputs) to run on the host.")

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"{type(self).__name__} must define compute_output_spec(inputs) to be used in a functional model."
        )


def _host_shape_spec(x: Any) -> SymbolicTensor:
    """A symbolic stand-in for host data, for ``build``: its shape, with the batch size unknown."""
    array = x if hasattr(x, "shape") and hasattr(x, "dtype") else np.asarray(x)
    shape = tuple(array.shape)
    dtype = "string" if is_string_array(array) else array.dtype
    return SymbolicTensor((None, *shape[1:]) if shape else (), dtype)
