"""``Sequential``: a plain stack of layers, built as a Functional graph once its input shape is known."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._core.input_layer import InputLayer
from kerax.layers._layer import Layer, bump_structure_version
from kerax.models._functional import Functional
from kerax.models._model import Model
from kerax.models._model_config import sequential_config, sequential_from_config


class Sequential(Model):
    """A linear stack of layers: each layer has one input and one output.

    Args:
        layers: the layers, in order; the first may be an ``Input`` or carry ``input_shape=``. Defaults to ``None``.
        trainable: whether the model's weights are trained (default ``True``).
        name: the model's name (default ``sequential``, ``sequential_1``...).

    Example:
        >>> model = Sequential([kerax.Input((28, 28)), kerax.layers.Flatten(), kerax.layers.Dense(10)])
        >>> model.output_shape
        (None, 10)
    """

    _masks_from_call = True
    _summary_skips_inputs = True

    @property
    def input_dtype(self) -> str:
        """As in Keras: the dtype of the leading ``Input``, if any, else the compute dtype."""
        if self._layers_list and isinstance(self._layers_list[0], InputLayer):
            return self._layers_list[0].dtype
        return self.compute_dtype

    def __init__(self, layers: Sequence[Any] | None = None, trainable: bool = True, name: str | None = None) -> None:
        super().__init__(trainable=trainable, name=name)
        self._layers_list: list[Layer] = []
        self._functional: Functional | None = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or an ``Input`` tensor, as the first element)."""
        if isinstance(layer, SymbolicTensor) and layer._keras_history is not None:
            origin = layer._keras_history.operation
            if isinstance(origin, InputLayer):
                layer = origin
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential '{self.name}'.add: expected a Layer instance (e.g. `Dense(10)`), received "
                f"{layer!r} of type {type(layer).__name__}."
                + (" Did you forget to instantiate it?" if isinstance(layer, type) else "")
            )
        if isinstance(layer, InputLayer):
            if self._layers_list:
                raise ValueError(
                    f"Sequential '{self.name}': an Input can only be the first element; this model already "
                    f"has {len(self._layers_list)} layer(s)."
                )
        elif not self._layers_list and layer._batch_input_shape is not None:
            self._layers_list.append(InputLayer(batch_shape=layer._batch_input_shape))
        for existing in self._layers_list:
            if existing.name == layer.name:
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is "
                    f"already the name of a layer in model '{self.name}'."
                )
        self._layers_list.append(layer)
        bump_structure_version()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise IndexError(f"Sequential '{self.name}' has no layers to pop.")
        layer = self._layers_list.pop()
        bump_structure_version()
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        self.built = False
        self._functional = None
        if self._layers_list and isinstance(self._layers_list[0], InputLayer) and len(self._layers_list) > 1:
            self.build(self._layers_list[0].batch_shape)

    def build(self, input_shape: Any = None) -> None:
        """Connect the layers from an input of ``input_shape`` (batch size included, usually None)."""
        if not self._layers_list or all(isinstance(layer, InputLayer) for layer in self._layers_list):
            raise ValueError(f"Sequential '{self.name}' has no layers yet; add some before building it.")
        if isinstance(self._layers_list[0], InputLayer):
            inputs = self._layers_list[0].output
        else:
            if input_shape is None:
                raise ValueError(
                    f"Sequential '{self.name}'.build() needs the input shape, e.g. `model.build((None, 784))`."
                )
            if not (
                isinstance(input_shape, tuple | list) and all(d is None or isinstance(d, int) for d in input_shape)
            ):
                raise ValueError(
                    f"Sequential '{self.name}' has a single input; build() expects one shape such as "
                    f"(None, 784), received {input_shape!r}."
                )
            self._layers_list.insert(0, InputLayer(batch_shape=tuple(input_shape)))
            inputs = self._layers_list[0].output
        x = inputs
        for layer in self.layers:
            x = layer(x)
        self._functional = Functional(inputs, x, name=self.name)
        self.built = True

    @property
    def layers(self) -> list[Layer]:
        return [layer for layer in self._layers_list if not isinstance(layer, InputLayer)]

    def _tracked_layers(self) -> list[Layer]:
        return self.layers

    @property
    def inputs(self) -> list[SymbolicTensor]:
        return self._functional.inputs if self._functional else []

    @property
    def outputs(self) -> list[SymbolicTensor]:
        return self._functional.outputs if self._functional else []

    @property
    def input_names(self) -> list[str]:
        return self._functional.input_names if self._functional else []

    @property
    def output_names(self) -> list[str]:
        return self._functional.output_names if self._functional else []

    @property
    def input_shape(self) -> tuple:
        if self._functional is None:
            raise AttributeError(f"Sequential '{self.name}' is not built yet, so it has no input shape.")
        return self._functional.inputs[0].shape

    @property
    def output_shape(self) -> tuple:
        if self._functional is None:
            raise AttributeError(f"Sequential '{self.name}' is not built yet, so it has no output shape.")
        return self._functional.outputs[0].shape

    def _conform_inputs(self, xs: list[Any]) -> list[Any]:
        return xs if self._functional is None else self._functional._conform_inputs(xs)

    def _has_host_stage(self) -> bool:
        return self._functional is not None and self._functional._has_host_stage()

    def _host_stage(self, data: Any) -> Any:
        return data if self._functional is None else self._functional._host_stage(data)

    def _pack_inputs(self, xs: list[Any]) -> Any:
        return super()._pack_inputs(xs) if self._functional is None else self._functional._pack_inputs(xs)

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        if self._functional is None:
            raise ValueError(f"Sequential '{self.name}' is not built; call build(input_shape) or call it on data.")
        return self._functional.call(inputs, training=training, mask=mask)

    def get_config(self) -> dict[str, Any]:
        return sequential_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Sequential:
        return sequential_from_config(cls, config, custom_objects)
