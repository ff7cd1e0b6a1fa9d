"""``Model``: a layer that can be summarised, plotted, compiled, trained, evaluated and saved.

``Model(inputs, outputs)`` returns a Functional model. A subclass defines layers in ``__init__`` and the
forward pass in ``call``; its ``build(input_shape)`` runs ``call`` on symbolic inputs, so that every
sub-layer is built and the graph is recorded for ``summary()`` and ``plot_model()``.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import jax
import numpy as np

from kerax import saving
from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.backend import _random, _scope
from kerax.backend._masking import get_keras_mask, set_keras_mask
from kerax.backend._symbolic import SymbolicTensor, flatten_symbolic
from kerax.distribution import _placement
from kerax.layers import _layer
from kerax.layers._context import current_training
from kerax.layers._layer import Layer
from kerax.models._graph import GraphMap, map_graph
from kerax.models._model_config import functional_from_config
from kerax.models._summary import print_summary
from kerax.ops._operation import infer_output_spec
from kerax.saving import _state_tree
from kerax.trainers._trainer import Trainer


def _is_plain(value: Any) -> bool:
    if isinstance(value, str | int | float | bool | type(None)):
        return True
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def _plain_arguments(cls: type, args: tuple, kwargs: dict) -> dict[str, Any] | None:
    """A subclass's constructor arguments by name, if all are plain values; None otherwise."""
    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    except TypeError:
        return None
    arguments = dict(bound.arguments)
    arguments.pop(next(iter(inspect.signature(cls.__init__).parameters)), None)  # self
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if param.kind is param.VAR_KEYWORD and name in arguments:
            arguments.update(arguments.pop(name))
        elif param.kind is param.VAR_POSITIONAL and name in arguments:
            return None
    return arguments if _is_plain(arguments) else None


def _is_shape(s: Any) -> bool:
    return isinstance(s, tuple | list) and all(d is None or isinstance(d, int) for d in s)


def shapes_to_symbolic(input_shape: Any, dtype: str, name: str = "inputs") -> Any:
    """Symbolic tensors for a shape, a list of shapes or a dict of shapes (batch sizes left unknown).

    They are named after ``name`` (the parameter of ``call``), e.g. ``inputs`` or ``inputs[1]``, which
    is how summaries and plots refer to them.
    """
    if _is_shape(input_shape):
        return SymbolicTensor((None, *tuple(input_shape)[1:]), dtype, name=name)
    if isinstance(input_shape, dict):
        return {k: shapes_to_symbolic(v, dtype, f"{name}[{k!r}]") for k, v in input_shape.items()}
    if isinstance(input_shape, list | tuple):
        return [shapes_to_symbolic(s, dtype, f"{name}[{i}]") for i, s in enumerate(input_shape)]
    raise ValueError(
        f"Expected an input shape such as (None, 64, 64, 3), a list or a dict of them; received {input_shape!r}."
    )


_FUNCTIONAL_SUBCLASSES: dict[type, type] = {}


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Whether constructor arguments are ``(inputs, outputs)``, given by position or by name."""
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or {"inputs", "outputs"} <= set(kwargs)


def _functional_subclass(cls: type) -> type:
    """``cls`` with ``Functional`` after it in the method order (made once per class)."""
    from kerax.models._functional import Functional  # a subclass of Model: imported on use

    made = _FUNCTIONAL_SUBCLASSES.get(cls)
    if made is None:
        made = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
        _FUNCTIONAL_SUBCLASSES[cls] = made
    return made


class Model(Trainer, Layer):
    """A trainable graph of layers: the class behind Functional, Sequential and subclassed models.

    It is used in three ways.

        model = Model(inputs, outputs)        # Functional
        model = Sequential([...])             # a stack
        class MyModel(Model): ...             # subclassing: layers in __init__, forward pass in call()

    Args:
        *args: ``inputs, outputs``, to build a Functional model; a subclass's own constructor takes its own
            arguments.
        **kwargs: ``inputs`` and ``outputs`` by keyword, and the ``Layer`` keywords (``name``, ``dtype``,
            ``trainable``, ``autocast``, ``activity_regularizer``).

    Example:
        >>> inputs = kerax.Input((3,))
        >>> model = kerax.Model(inputs, kerax.layers.Dense(2)(inputs))
        >>> type(model).__name__, model.output.shape
        ('Functional', (None, 2))
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from kerax.models._functional import Functional  # a subclass of Model: imported on use

            return super().__new__(Functional)
        if _functional_arguments(args, kwargs):
            from kerax.models._functional import Functional  # a subclass of Model: imported on use

            if not issubclass(cls, Functional):
                # `class CustomModel(Model)` built the Functional way, `CustomModel(inputs, outputs)`, as in
                # Keras: the instance is a Functional model that keeps the subclass's methods.
                return super().__new__(_functional_subclass(cls))
        instance = super().__new__(cls)
        if not cls.__module__.startswith("kerax."):
            # Keras 3 records a subclass's constructor arguments so that get_config() works unwritten.
            object.__setattr__(instance, "_auto_config", _plain_arguments(cls, args, kwargs))
        return instance

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__ received inputs/outputs. A subclassed model defines its "
                "layers in __init__ and its forward pass in call(); to build from tensors use "
                "`kerax.Model(inputs, outputs)`."
            )
        Layer.__init__(self, **kwargs)
        Trainer.__init__(self)
        self._trace: GraphMap | None = None

    # -- calling on data: one jitted function of the current weights ------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args and self._has_host_stage():
            args = (self._host_stage(args[0]), *args[1:])  # text -> numbers, on the host, before any jit
        if self._can_call_compiled(args, kwargs):
            return self._call_compiled(args[0], kwargs.get("training"))
        return super().__call__(*args, **kwargs)

    def _has_host_stage(self) -> bool:
        """Whether the model starts with layers that run on the host (text in): Functional models may."""
        return False

    def _host_stage(self, data: Any) -> Any:
        """The model's inputs after its host layers have run (identity for models without them)."""
        return data

    def _can_call_compiled(self, args: tuple, kwargs: dict) -> bool:
        if not self.built or self.run_eagerly or len(args) != 1 or set(kwargs) - {"training"}:
            return False
        if _scope.current() is not None or current_training() is not None:
            return False
        leaves = jax.tree_util.tree_leaves(args[0])
        return bool(leaves) and all(
            isinstance(x, np.ndarray) or (isinstance(x, jax.Array) and not isinstance(x, jax.core.Tracer))
            for x in leaves
        )

    def _call_compiled(self, inputs: Any, training: bool | None) -> Any:
        fn = self.__dict__.get("_compiled_call")
        if fn is None:

            def run(tv: list, ntv: list, x: Any, rng: Any, training: bool) -> Any:
                out, new, losses = self.stateless_call(tv, ntv, x, training=training, rng=rng, return_losses=True)
                masks = [get_keras_mask(o) for o in jax.tree_util.tree_leaves(out)]
                return out, self.assigned_only(new, ntv), losses, masks

            fn = self._compiled_call = jax.jit(run, static_argnames=("training",))
        trainable, non_trainable = self.weight_lists()
        training = None if training is None else bool(training)
        rng = _random.draw_key() if training or (training is None and self._random_by_default()) else None
        placement = _placement.current()
        if placement is None:
            tv, ntv = self.weight_values()
        else:
            tv, ntv = placement.place_weights(trainable), placement.place_weights(non_trainable)
            inputs = placement.put_batch(inputs)
        outputs, assigned, losses, masks = fn(tv, ntv, inputs, rng, training=training)
        for output, mask in zip(jax.tree_util.tree_leaves(outputs), masks, strict=True):
            if mask is not None:
                set_keras_mask(output, mask)  # as an eager call attaches them: masks survive the jit
        self._clear_losses()
        self._losses.extend(losses)
        self.write_assigned(non_trainable, assigned)
        return outputs

    def _random_by_default(self) -> bool:
        """Whether a call with ``training`` unspecified can be random: the model's own call() does not
        default to ``training=False`` and some layer (a random augmentation layer) defaults to True."""
        cached = self.__dict__.get("_random_by_default_cache")
        version = _layer.structure_version()
        if cached is None or cached[0] != version:
            random = self._call_training_default is not False and any(
                layer._call_training_default is True for layer in self._all_layers()[1:]
            )
            cached = (version, random)
            object.__setattr__(self, "_random_by_default_cache", cached)
        return cached[1]

    # -- building a subclassed model -------------------------------------------------------------------
    def _maybe_build(self, inputs: Any) -> None:
        if self.built:
            return
        shapes = jax.tree_util.tree_map(
            lambda x: (None, *tuple(x.shape)[1:]), inputs, is_leaf=lambda x: isinstance(x, SymbolicTensor)
        )
        self._build_shapes = shapes
        with jax.ensure_compile_time_eval():
            self.build(shapes)
        self.built = True

    def build(self, input_shape: Any = None) -> None:
        """Build every sub-layer by running ``call`` on symbolic inputs of ``input_shape``.

        Args:
            input_shape: e.g. ``(None, 64, 64, 3)``; a list or dict of shapes for several inputs.
        """
        if input_shape is None:
            raise ValueError(
                f"Model '{self.name}'.build() needs the input shape, e.g. `model.build((None, 64, 64, 3))`."
            )
        self._build_shapes = input_shape
        parameters = [p for p in inspect.signature(self.call).parameters.values() if p.kind <= p.POSITIONAL_OR_KEYWORD]
        inputs = shapes_to_symbolic(input_shape, self.compute_dtype, parameters[0].name if parameters else "inputs")
        try:
            outputs = self.call(inputs)
        except TypeError:
            # The forward pass uses functions that cannot see symbolic tensors (e.g. raw jax.numpy):
            # build through an abstract trace instead; the summary then lists layers without a graph.
            infer_output_spec(self.call, (inputs,), {})
            self.built = True
            return
        flat_in, flat_out = flatten_symbolic(inputs), flatten_symbolic(outputs)
        self._trace = map_graph(flat_in, flat_out, self.name)
        self.built = True

    @property
    def layers(self) -> list[Layer]:
        return self._tracked_layers()

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or at position ``index`` of ``layers``."""
        if index is not None and name is not None:
            raise ValueError("get_layer: pass either `name` or `index`, not both.")
        if index is not None:
            layers = self.layers
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Model '{self.name}'.get_layer: index {index} is out of range; the model has {len(layers)} layers."
                )
            return layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"Model '{self.name}' has no layer named {name!r}. Its layers are: "
            f"{', '.join(repr(layer.name) for layer in self.layers)}."
        )

    def summary(
        self,
        line_length: int | None = None,
        positions: list[float] | None = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print a table of the model's layers, output shapes and parameter counts (Keras 3's layout)."""
        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    # -- configs and files ------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """``name`` and ``trainable``, plus a subclass's constructor arguments when they are plain values."""
        auto = self.__dict__.get("_auto_config")
        if auto is None:
            raise NotImplementedError(
                f"Model '{self.name}' ({type(self).__name__}) takes constructor arguments that are not plain values "
                "(numbers, strings, lists, dicts), so kerax cannot record them: implement get_config() returning "
                "what __init__ needs (and from_config() if it needs objects rebuilt)."
            )
        return {"name": self.name, "trainable": self.trainable, **auto}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Model:
        if "layers" in config and "input_layers" in config:
            from kerax.models._functional import Functional  # a subclass of Model: imported on use

            return functional_from_config(Functional if cls is Model else cls, config, custom_objects)
        config = dict(config)
        parameters = inspect.signature(cls.__init__).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            name = config.pop("name", None)
            trainable = config.pop("trainable", True)
            unknown = set(config) - set(parameters)
            if unknown:
                raise TypeError(
                    f"{cls.__name__}.from_config: the config holds {sorted(unknown)}, which {cls.__name__}.__init__ "
                    "does not take. Make get_config() return exactly the constructor's arguments."
                )
            model = cls(**config)
            if name:
                model.name = name
            model.trainable = trainable
            return model
        return cls(**config)

    def get_compile_config(self) -> dict[str, Any] | None:
        """The arguments ``compile()`` was given (serialized), or None if the model is not compiled."""
        if not self.compiled:
            return None

        return serialize_keras_object({"optimizer": self.optimizer, **self._compile_args})

    def compile_from_config(self, config: dict[str, Any]) -> None:
        """Compile the model with ``get_compile_config()``'s arguments."""
        arguments = deserialize_keras_object(config)
        if not isinstance(arguments, dict):
            raise ValueError(f"A compile config must be a dict of compile() arguments, received {config!r}.")
        known = {"optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "steps_per_execution"}
        self.compile(**{k: v for k, v in arguments.items() if k in known})

    def to_json(self, **kwargs: Any) -> str:
        """The model's architecture (its config, no weights) as JSON; ``models.model_from_json`` reads it back.

        Args:
            **kwargs: passed to ``json.dumps`` (e.g. ``indent=2``).
        """
        return json.dumps(serialize_keras_object(self), **kwargs)

    def save(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """Save the architecture, weights and optimizer state: ``.kerax`` (kerax's zip) or ``.keras`` (Keras 3).

        The file is written atomically: an interrupted save leaves the previous file intact.
        """
        saving.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the weights: ``.weights.safetensors`` (kerax), or ``.weights.h5`` (Keras 3's layout)."""
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, by_name: bool = False) -> None:
        """Load weights saved by ``save_weights`` or ``save`` (kerax or Keras 3 files)."""
        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def get_state_tree(self, value_format: str = "backend_tensor") -> dict[str, Any]:
        """Returns the values of the model's variables as nested dicts that follow their paths.

        Args:
            value_format: `"backend_tensor"` (JAX arrays) or `"numpy_array"` (NumPy arrays).

        Returns:
            A dict of four groups, `"trainable_variables"`, `"non_trainable_variables"`,
            `"optimizer_variables"` and `"metrics_variables"`; in each, a variable's value sits at the parts
            of its path: `{"sequential": {"dense": {"kernel": ..., "bias": ...}}}`.

        Raises:
            ValueError: If `value_format` is unknown, or two variables of a group share a path (give the
                layers unique names).

        Example:
            >>> model = kerax.Sequential([kerax.Input((3,)), kerax.layers.Dense(2, name="d")], name="net")
            >>> tree = model.get_state_tree("numpy_array")
            >>> tree["trainable_variables"]["net"]["d"]["kernel"].shape
            (3, 2)
        """
        return _state_tree.get_state_tree(self, value_format)

    def set_state_tree(self, state_tree: dict[str, Any]) -> None:
        """Assigns the values of a state tree, as `get_state_tree` returns it, to the model's variables.

        Each value goes to the variable of its group with the same path; variables the tree does not name
        keep their values, and values that match no variable are named in a warning. As in Keras, a model
        without an optimizer (or metrics) ignores those groups; an optimizer not built yet is built first,
        so that its slots take their values.

        Args:
            state_tree: A dict of groups (any of `get_state_tree`'s four) of nested dicts of arrays.

        Raises:
            TypeError: If `state_tree` is not a dict.
            ValueError: If it names an unknown group, or a value does not fit its variable's shape.
        """
        _state_tree.set_state_tree(self, state_tree)
