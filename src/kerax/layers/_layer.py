"""``Layer``: the unit models are made of.

A layer creates its weights lazily in ``build(input_shape)``, computes in ``call``, and can be called on
arrays (eager) or on symbolic tensors (records a graph node; shapes are inferred without computing).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import constraints as _constraints
from kerax import initializers as _initializers
from kerax import regularizers as _regularizers
from kerax.backend import _config, _scope
from kerax.backend._symbolic import SymbolicTensor, any_symbolic
from kerax.backend._variables import Variable
from kerax.layers._context import call_depth, current_training, training_scope
from kerax.layers._input_spec import InputSpec, check_input_spec
from kerax.ops._operation import Operation, infer_output_spec

_BASE_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "input_dim")

# Bumped whenever a layer gains a sub-layer or a weight, or a trainable flag changes: the cached weight
# lists of every model are stale from then on (see `Layer.weight_lists`).
_structure_version = [0]


def bump_structure_version() -> None:
    _structure_version[0] += 1


def _shape_of(x: Any) -> Any:
    return tuple(x.shape) if hasattr(x, "shape") else x


class Layer(Operation):
    """Base class of every layer.

    Args:
        name: unique name; by default the snake_case class name made unique (``dense``, ``dense_1``).
        dtype: the dtype of the layer's weights and computations (default ``"float32"``).
        trainable: whether the layer's weights are updated by training.
        input_shape: for the first layer of a ``Sequential`` model, the shape of one sample.
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        activity_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - set(_BASE_KWARGS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(unknown)}. "
                f"Check the spelling against the layer's documented arguments."
            )
        super().__init__(name=name)
        self._dtype = jnp.dtype(dtype or _config.floatx()).name
        self._trainable = bool(trainable)
        self.autocast = autocast
        self.built = False
        self.input_spec: InputSpec | list[InputSpec | None] | None = None
        self._trainable_vars: list[Variable] = []
        self._non_trainable_vars: list[Variable] = []
        self._losses: list[Any] = []
        self.activity_regularizer = _regularizers.get(activity_regularizer)
        self._build_shapes: Any = None
        self._batch_input_shape = self._batch_shape_from_kwargs(kwargs)
        signature = inspect.signature(self.call).parameters
        self._call_has_training = "training" in signature

    def _batch_shape_from_kwargs(self, kwargs: dict[str, Any]) -> tuple | None:
        if kwargs.get("batch_input_shape") is not None:
            return tuple(kwargs["batch_input_shape"])
        shape = kwargs.get("input_shape")
        if shape is None and kwargs.get("input_dim") is not None:
            shape = (kwargs["input_dim"],)
        if shape is None:
            return None
        if isinstance(shape, int):
            shape = (shape,)
        if not isinstance(shape, Sequence) or not all(d is None or isinstance(d, int) for d in shape):
            raise ValueError(
                f"{type(self).__name__}: `input_shape` must be a tuple of integers (the shape of one "
                f"sample, without the batch size), received {shape!r}."
            )
        return (kwargs.get("batch_size"), *shape)

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Layer | list | tuple | dict):
            _structure_version[0] += 1
        object.__setattr__(self, name, value)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        original = cls.__dict__.get("build")
        if original is None or getattr(original, "_kerax_wrapped", False):
            return

        @functools.wraps(original)
        def build(self: Layer, *args: Any, **kw: Any) -> Any:
            # Calling build() directly, as users do, creates the weights once and marks the layer built.
            with jax.ensure_compile_time_eval():
                result = original(self, *args, **kw)
            self.built = True
            return result

        build._kerax_wrapped = True  # type: ignore[attr-defined]
        cls.build = build  # type: ignore[method-assign]

    def _keep_regularization(self, **arguments: Any) -> None:
        """Store ``<weight>_regularizer``/``<weight>_constraint`` arguments (and ``activity_regularizer``).

        Each is resolved (``"l2"`` -> ``L2()``) and kept as an attribute of the same name; ``build`` passes
        them to ``add_weight`` and ``get_config`` reports them with ``regularization_config``.
        """
        for name, value in arguments.items():
            if name == "activity_regularizer":
                self.activity_regularizer = _regularizers.get(value)
            elif name.endswith("_regularizer"):
                setattr(self, name, _regularizers.get(value))
            elif name.endswith("_constraint"):
                setattr(self, name, _constraints.get(value))
            else:
                raise TypeError(f"_keep_regularization: {name!r} is neither a regularizer nor a constraint.")
        self._regularization_names = tuple(arguments)

    def regularization_config(self) -> dict[str, Any]:
        """The kept regularizers and constraints, serialised as Keras writes them (None when unset)."""
        config: dict[str, Any] = {}
        for name in getattr(self, "_regularization_names", ()):
            value = self.activity_regularizer if name == "activity_regularizer" else getattr(self, name)
            if value is None:
                config[name] = None
            elif name.endswith("_regularizer"):
                config[name] = _regularizers.serialize(value)
            else:
                config[name] = _constraints.serialize(value)
        return config

    def _weight_penalties(self, prefix: str) -> dict[str, Any]:
        """``regularizer=``/``constraint=`` keyword arguments of ``add_weight`` for the weight ``prefix``."""
        return {
            "regularizer": getattr(self, f"{prefix}_regularizer", None),
            "constraint": getattr(self, f"{prefix}_constraint", None),
        }

    def _refuse_unsupported(self, **arguments: Any) -> None:
        """Refuse, naming it, the first Keras argument given that kerax does not implement yet."""
        for name, value in arguments.items():
            if value is not None:
                raise NotImplementedError(
                    f"{type(self).__name__} '{self.name}': `{name}` is not supported yet (see issue 6)."
                )

    # -- attributes ----------------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        # As in Keras 3: freezing a layer flips the flag of the variables it created trainable, so that
        # `trainable_weights` is a plain filter over `weights`.
        self._trainable = bool(value)
        _structure_version[0] += 1
        for var in self._trainable_vars:
            var.trainable = bool(value)
        for layer in self._tracked_layers():
            layer.trainable = value

    def _tracked_layers(self) -> list[Layer]:
        """Sub-layers held as attributes (directly, or in lists, tuples and dicts), in assignment order."""
        found: list[Layer] = []

        def visit(value: Any) -> None:
            if isinstance(value, Layer):
                if value is not self and all(value is not f for f in found):
                    found.append(value)
            elif isinstance(value, list | tuple):
                for v in value:
                    visit(v)
            elif isinstance(value, dict):
                for v in value.values():
                    visit(v)

        for key, value in vars(self).items():
            if not key.startswith("_") or key == "_layers_list":
                visit(value)
        return found

    @property
    def layers(self) -> list[Layer]:
        return self._tracked_layers()

    def _only_node(self, what: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' ({type(self).__name__}) has never been called on a symbolic tensor, so it "
                f"has no `{what}`."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer '{self.name}' ({type(self).__name__}) has been called {len(self._inbound_nodes)} times, so "
                f"`{what}` is ambiguous; use the tensors returned by each call instead."
            )
        return self._inbound_nodes[0]

    @property
    def output(self) -> Any:
        """The symbolic output of this layer's only call in a graph."""
        return self._only_node("output").outputs

    @property
    def input(self) -> Any:
        """The symbolic input of this layer's only call in a graph."""
        node = self._only_node("input")
        return node.call_args[0] if node.call_args else node.outputs

    # -- weights -------------------------------------------------------------------------------------
    def add_weight(
        self,
        shape: Sequence[int] | None = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        name: str | None = None,
        regularizer: Any = None,
        constraint: Any = None,
        **unsupported: Any,
    ) -> Variable:
        """Create a weight owned by this layer.

        Args:
            shape: the weight's shape (default ``()``).
            initializer: a name (``"glorot_uniform"``), an Initializer, or a callable ``(shape, dtype)``;
                default ``"glorot_uniform"`` for float weights, ``"zeros"`` otherwise.
            dtype: default the layer's variable dtype.
            trainable: whether gradients update it.
            name: the weight's name, e.g. ``"kernel"``.
            regularizer: a penalty on the weight added to the training loss (``"l2"``, a Regularizer).
            constraint: a projection applied to the weight after each optimizer step (``"non_neg"``).
        """
        for key, value in unsupported.items():
            if value is not None and key not in ("autocast", "aggregation"):
                raise TypeError(f"Layer '{self.name}': add_weight() got an unexpected argument {key!r}.")
        shape = tuple(int(d) for d in (shape or ()))
        dtype = jnp.dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if jnp.issubdtype(dtype, jnp.floating) else "zeros"
        init = _initializers.get(initializer)
        name = name or f"variable_{len(self._trainable_vars) + len(self._non_trainable_vars)}"
        with jax.ensure_compile_time_eval():
            var = Variable(init, shape=shape, dtype=dtype, trainable=trainable, name=name, path=f"{self.name}/{name}")
        var.regularizer = _regularizers.get(regularizer)
        var.constraint = _constraints.get(constraint)
        (self._trainable_vars if trainable else self._non_trainable_vars).append(var)
        _structure_version[0] += 1
        return var

    @property
    def weights(self) -> list[Variable]:
        """All weights, own first (trainable then non-trainable, in creation order), then sub-layers'."""
        out: list[Variable] = []
        seen: set[int] = set()
        for var in self._own_weights():
            if id(var) not in seen:
                seen.add(id(var))
                out.append(var)
        for layer in self._tracked_layers():
            for var in layer.weights:
                if id(var) not in seen:
                    seen.add(id(var))
                    out.append(var)
        return out

    def _own_weights(self) -> list[Variable]:
        return self._trainable_vars + self._non_trainable_vars

    variables = weights

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def weight_lists(self) -> tuple[list[Variable], list[Variable]]:
        """``(trainable_weights, non_trainable_weights)``, cached until the layer structure changes.

        The hot paths (``predict``, ``model(x)``) use this instead of walking every layer per call.
        """
        cached = self.__dict__.get("_weight_lists_cache")
        if cached is not None and cached[0] == _structure_version[0]:
            return cached[1], cached[2]
        trainable, non_trainable = self.trainable_weights, self.non_trainable_weights
        object.__setattr__(self, "_weight_lists_cache", (_structure_version[0], trainable, non_trainable))
        return trainable, non_trainable

    # -- losses --------------------------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a scalar to the training loss (collected by the training step, or kept for ``losses``)."""
        scope = _scope.current()
        if scope is not None:
            scope.losses.append(loss)
        else:
            self._losses.append(loss)

    @property
    def losses(self) -> list[Any]:
        """Losses added by the last call (``add_loss``, activity regularizers) and weight penalties."""
        found = list(self._losses)
        for layer in self._flatten_layers(include_self=False):
            found.extend(layer._losses)
        found.extend(v.regularizer(v.value) for v in self.trainable_weights if v.regularizer is not None)
        return found

    def _clear_losses(self) -> None:
        for layer in self._flatten_layers():
            layer._losses.clear()

    def get_weights(self) -> list[np.ndarray]:
        """The weights as NumPy arrays, in ``weights`` order (Keras's order)."""
        return [np.asarray(v.value) for v in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight from a list of arrays, in ``weights`` order."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expected {len(own)} weight arrays "
                f"(shapes {[v.shape for v in own]}), but received {len(weights)}."
            )
        for var, value in zip(own, weights, strict=True):
            value = np.asarray(value)
            if tuple(value.shape) != var.shape:
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}): weight '{var.path}' has shape {var.shape}, "
                    f"but the array given for it has shape {tuple(value.shape)}."
                )
        for var, value in zip(own, weights, strict=True):
            var.assign(value)

    def count_params(self) -> int:
        """The number of scalars in all weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}' ({type(self).__name__}), but the "
                "layer isn't built. Build it first: `layer.build(input_shape)`, or call it on data."
            )
        return int(sum(v.size for v in self.weights))

    # -- building ------------------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the layer's weights for inputs of ``input_shape``; the default creates none."""
        self.built = True

    def _maybe_build(self, inputs: Any) -> None:
        if self.built:
            return
        shapes = jax.tree_util.tree_map(_shape_of, inputs, is_leaf=lambda x: isinstance(x, SymbolicTensor))
        self._build_shapes = shapes
        with jax.ensure_compile_time_eval():
            self.build(shapes)
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for inputs of ``input_shape`` (``None`` for unknown sizes)."""
        single = isinstance(input_shape, tuple) and all(d is None or isinstance(d, int) for d in input_shape)
        if single:
            inputs: Any = SymbolicTensor(input_shape, self.compute_dtype)
        else:
            inputs = jax.tree_util.tree_map(
                lambda s: SymbolicTensor(s, self.compute_dtype),
                input_shape,
                is_leaf=lambda s: isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s),
            )
        self._maybe_build(inputs)
        spec = self.compute_output_spec(inputs)
        return jax.tree_util.tree_map(lambda t: t.shape, spec, is_leaf=lambda t: isinstance(t, SymbolicTensor))

    # -- calling -------------------------------------------------------------------------------------
    def _convert_input(self, x: Any) -> Any:
        if isinstance(x, SymbolicTensor) or x is None:
            return x
        if isinstance(x, Variable):
            x = x.value
        if not isinstance(x, jax.Array) and hasattr(x, "__array__") or isinstance(x, list | float | int):
            x = jnp.asarray(x)
        if (
            self.autocast
            and hasattr(x, "dtype")
            and jnp.issubdtype(x.dtype, jnp.floating)
            and x.dtype != jnp.dtype(self.compute_dtype)
        ):
            x = x.astype(self.compute_dtype)
        return x

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args:
            raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) was called without any input.")
        first = jax.tree_util.tree_map(
            self._convert_input,
            args[0],
            is_leaf=lambda x: isinstance(x, SymbolicTensor | Variable) or x is None,
        )
        args = (first, *args[1:])
        explicit_training = kwargs.pop("training", None)
        training = explicit_training if explicit_training is not None else current_training()
        call_kwargs = dict(kwargs)
        if self._call_has_training and training is not None:
            call_kwargs["training"] = training
        elif explicit_training is not None and not self._call_has_training:
            pass  # Keras accepts training= on any layer and ignores it where call() takes none.

        self._maybe_build(first)
        check_input_spec(self, self.input_spec, first)
        if any_symbolic((args, kwargs)):
            node_kwargs = dict(kwargs)
            if explicit_training is not None:
                node_kwargs["training"] = explicit_training
            return self._symbolic_call(args, call_kwargs, node_kwargs, training)
        if call_depth() == 0 and _scope.current() is None:
            self._clear_losses()  # an outermost eager call starts a fresh `losses` list, as in Keras
        with training_scope(training):
            outputs = self.call(*args, **call_kwargs)
        if self.activity_regularizer is not None:
            for output in jax.tree_util.tree_leaves(outputs):
                penalty = self.activity_regularizer(output)
                if getattr(output, "ndim", 0) > 0 and output.shape[0]:
                    penalty = penalty / output.shape[0]  # per sample, as Keras 3 normalises it
                self.add_loss(penalty)
        return outputs

    def _symbolic_call(self, args: tuple, call_kwargs: dict, node_kwargs: dict, training: bool | None) -> Any:
        def run(*a: Any, **k: Any) -> Any:
            with training_scope(training):
                return self.call(*a, **k)

        outputs = infer_output_spec(run, args, call_kwargs)
        self._record_node(args, node_kwargs, outputs)
        return outputs

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        return infer_output_spec(self.call, args, kwargs)

    # -- pure execution ------------------------------------------------------------------------------
    def stateless_call(
        self,
        trainable_values: Sequence[Any],
        non_trainable_values: Sequence[Any],
        *args: Any,
        rng: jax.Array | None = None,
        return_losses: bool = False,
        **kwargs: Any,
    ) -> tuple[Any, ...]:
        """Call the layer as a pure function of explicit weight values.

        Returns:
            ``(outputs, new_non_trainable_values)``: the values that the call assigned (moving
            statistics, for instance) or the ones given; with ``return_losses=True`` also the list of
            losses the call added (``add_loss``, activity regularizers), as Keras's ``stateless_call``.
        """
        trainable = self.trainable_weights
        non_trainable = self.non_trainable_weights
        if len(trainable_values) != len(trainable) or len(non_trainable_values) != len(non_trainable):
            raise ValueError(
                f"Layer '{self.name}'.stateless_call: expected {len(trainable)} trainable and "
                f"{len(non_trainable)} non-trainable values, received {len(trainable_values)} and "
                f"{len(non_trainable_values)}."
            )
        mapping = dict(zip(trainable, trainable_values, strict=True))
        mapping.update(zip(non_trainable, non_trainable_values, strict=True))
        with _scope.StatelessScope(mapping, rng=rng) as scope:
            outputs = self(*args, **kwargs)
            new_non_trainable = [scope.get(v) for v in non_trainable]
        if return_losses:
            return outputs, new_non_trainable, list(scope.losses)
        return outputs, new_non_trainable

    # -- config --------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = _regularizers.serialize(self.activity_regularizer)
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def _flatten_layers(self, include_self: bool = True) -> Iterator[Layer]:
        if include_self:
            yield self
        for layer in self._tracked_layers():
            yield from layer._flatten_layers()
