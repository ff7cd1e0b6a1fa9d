"""``Layer``: the unit models are made of.

A layer creates its weights lazily in ``build(input_shape)``, computes in ``call``, and can be called on
arrays (eager) or on symbolic tensors (records a graph node; shapes are inferred without computing).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import constraints as _constraints
from kerax import dtype_policies as _dtype_policies
from kerax import initializers as _initializers
from kerax import regularizers as _regularizers
from kerax.backend import _autocast, _naming, _remat, _scope, _variables
from kerax.backend._dtypes import is_string_dtype
from kerax.backend._masking import any_mask, get_keras_mask, is_tensor, leaves_with_none, set_keras_mask
from kerax.backend._symbolic import SymbolicTensor, any_symbolic
from kerax.backend._variables import Variable
from kerax.layers._context import call_depth, current_training, training_scope
from kerax.layers._input_spec import InputSpec, check_input_spec
from kerax.ops._operation import Operation, infer_output_spec
from kerax.random._seed_generator import SeedGenerator

# Private attributes of kerax's base classes that hold layers a user's subclass must not track again.
_INTERNAL_ATTRIBUTES = frozenset({"_functional", "_graph_layers", "_layers_list", "_all_layers_cache"})
_BASE_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "input_dim")
_NO_AUTOCAST_CHANGE = contextlib.nullcontext()

# Bumped whenever a layer gains a sub-layer or a weight, or a trainable flag changes: the cached weight
# lists of every model are stale from then on (see `Layer.weight_lists`).
_structure_version = [0]


def bump_structure_version() -> None:
    _structure_version[0] += 1


def structure_version() -> int:
    return _structure_version[0]


def _as_shapes(value: Any) -> Any:
    """JSON's lists back to shape tuples: a list of ints/None is a shape, other lists hold shapes."""
    if isinstance(value, list | tuple):
        if all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value):
            return tuple(value)
        return [_as_shapes(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_shapes(v) for k, v in value.items()}
    return value


def _is_shape(value: Any) -> bool:
    """Whether ``value`` is a shape (a tuple or list of ints and None) or a structure of shapes."""
    if isinstance(value, list | tuple):
        if all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value):
            return True
        return all(_is_shape(v) for v in value)
    return isinstance(value, dict) and bool(value) and all(_is_shape(v) for v in value.values())


def _shape_of(x: Any) -> Any:
    return tuple(x.shape) if hasattr(x, "shape") else x


# The keyword under which a symbolic call hands the input mask to its abstract trace.
_PREVIOUS_MASK = "_kerax_previous_mask"


def _is_tensor_argument(value: Any) -> bool:
    """A tensor, or a non-empty nest of tensors (Keras fills masks only for such arguments)."""
    if is_tensor(value):
        return True
    if isinstance(value, list | tuple | dict) and value:
        leaves = leaves_with_none(value)
        return bool(leaves) and all(x is None or is_tensor(x) for x in leaves) and any(x is not None for x in leaves)
    return False


class Layer(Operation):
    """Base class of every layer.

    A subclass creates its weights in ``build(input_shape)`` with ``add_weight`` and computes its outputs
    in ``call(inputs)``; kerax builds the layer on the first call, from the input's shape.

    Args:
        name: a unique name, or ``None`` (default) for the snake_case class name made unique (``dense``,
            ``dense_1``).
        dtype: a dtype policy: a name (``"float32"``, ``"mixed_bfloat16"``), a ``DTypePolicy``, its config
            dict, or a dtype; ``None`` (default) for the global policy (``mixed_precision.set_global_policy``).
        trainable: whether the layer's weights are updated by training (default ``True``).
        autocast: whether floating inputs are cast to the layer's input dtype, and, under a mixed
            precision policy, floating weights are read in the compute dtype (default ``True``).
        activity_regularizer: a regularizer applied to the layer's output, or ``None`` (default).
        **kwargs: for the first layer of a ``Sequential`` model, the shape of one sample as ``input_shape``
            (or ``input_dim`` for a 1-D sample), with an optional ``batch_size``, or the full
            ``batch_input_shape``; other names raise a ``TypeError``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> class Scale(kerax.layers.Layer):
        ...     def build(self, input_shape):
        ...         self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
        ...     def call(self, inputs):
        ...         return inputs * self.scale
        >>> layer = Scale()
        >>> layer(np.ones((2, 3))).shape
        (2, 3)
        >>> [weight.name for weight in layer.weights]
        ['scale']
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
        self._dtype_policy = _dtype_policies.get(dtype)
        self._trainable = bool(trainable)
        self.autocast = autocast
        self.built = False
        self.input_spec: InputSpec | list[InputSpec | None] | None = None
        self._trainable_vars: list[Variable] = []
        self._non_trainable_vars: list[Variable] = []
        self._seed_generators: list[SeedGenerator] = []
        self._remat_mode = _remat.current_remat_mode()
        self._losses: list[Any] = []
        self.activity_regularizer = _regularizers.get(activity_regularizer)
        self._build_shapes: Any = None
        self._batch_input_shape = self._batch_shape_from_kwargs(kwargs)
        signature = inspect.signature(self.call).parameters
        self._call_has_training = "training" in signature
        # As in Keras, an unresolved `training` takes the default of call()'s signature when it is a bool
        # (the random augmentation layers default to True, a user's call(x, training=False) to False).
        default = signature["training"].default if self._call_has_training else None
        self._call_training_default = default if isinstance(default, bool) else None
        self._call_arg_names = tuple(signature)
        self._computes_masks = type(self).compute_mask is not Layer.compute_mask
        if self._computes_masks and not type(self).supports_masking:
            self.supports_masking = True

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
        elif isinstance(value, Variable | SeedGenerator):
            self._track_state(value)
        object.__setattr__(self, name, value)

    def _track_state(self, value: Variable | SeedGenerator) -> None:
        """Make a Variable set as an attribute one of the layer's weights, a SeedGenerator's state one of its
        variables (as Keras tracks them); before ``Layer.__init__`` ran there is nothing to track them in."""
        if "_trainable_vars" not in self.__dict__:
            return
        if isinstance(value, SeedGenerator):
            if all(value is not g for g in self._seed_generators):
                self._seed_generators.append(value)
                _structure_version[0] += 1
            return
        if any(value is v for v in self._trainable_vars) or any(value is v for v in self._non_trainable_vars):
            return
        (self._trainable_vars if value.trainable else self._non_trainable_vars).append(value)
        _structure_version[0] += 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        original = cls.__dict__.get("build")
        if original is None or getattr(original, "_kerax_wrapped", False):
            return

        @functools.wraps(original)
        def build(self: Layer, *args: Any, **kw: Any) -> Any:
            # Calling build() directly, as users do, creates the weights once and marks the layer built. It
            # runs in the layer's name scope, so the weights of sub-layers it builds have paths under it.
            with jax.ensure_compile_time_eval(), self._open_name_scope():
                result = original(self, *args, **kw)
            object.__setattr__(self, "_build_arguments", (original, args, kw))  # for get_build_config
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
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': kerax does not implement the argument `{name}` "
                    f"(received {value!r}); leave it unset."
                )

    # -- attributes ----------------------------------------------------------------------------------
    @property
    def dtype_policy(self) -> _dtype_policies.DTypePolicy:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        self._dtype_policy = _dtype_policies.get(value)

    @property
    def dtype(self) -> str:
        """The variable dtype, as in Keras 3."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self) -> str:
        """The dtype floating inputs are cast to when the layer is called (the compute dtype)."""
        return self._dtype_policy.compute_dtype

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

        # kerax's own classes keep internals in private attributes; a user's class tracks them too (as Keras does).
        own = type(self).__module__.startswith("kerax.")
        for key, value in vars(self).items():
            if not key.startswith("_") or key == "_layers_list" or (not own and key not in _INTERNAL_ATTRIBUTES):
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
        autocast: bool = True,
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
            autocast: whether a floating weight is read in the compute dtype inside a mixed-precision call;
                False keeps it in its own dtype (normalization statistics, as in Keras).
        """
        for key, value in unsupported.items():
            if value is not None and key != "aggregation":
                raise TypeError(f"Layer '{self.name}': add_weight() got an unexpected argument {key!r}.")
        shape = tuple(int(d) for d in (shape or ()))
        dtype = jnp.dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if jnp.issubdtype(dtype, jnp.floating) else "zeros"
        init = _initializers.get(initializer)
        name = name or f"variable_{len(self._trainable_vars) + len(self._non_trainable_vars)}"
        with jax.ensure_compile_time_eval():
            var = Variable(
                init,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                name=name,
                path=f"{self._scope_path()}/{name}",
                autocast=autocast,
            )
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

    @property
    def variables(self) -> list[Variable]:
        """All the layer's state: its weights, then the states of its (and its sub-layers') seed generators."""
        out = self.weights
        seen = {id(v) for v in out}
        for layer in self._flatten_layers():
            for generator in layer.__dict__.get("_seed_generators", ()):
                if id(generator.state) not in seen:
                    seen.add(id(generator.state))
                    out.append(generator.state)
        return out

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

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """``non_trainable_weights`` and the seed generators' states: what a call may update."""
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    def weight_lists(self) -> tuple[list[Variable], list[Variable]]:
        """``(trainable_variables, non_trainable_variables)``, cached until the layer structure changes.

        The hot paths (``predict``, ``model(x)``) use this instead of walking every layer per call.
        """
        cached = self.__dict__.get("_weight_lists_cache")
        if cached is not None and cached[0] == _structure_version[0]:
            return cached[1], cached[2]
        trainable, non_trainable = self.trainable_variables, self.non_trainable_variables
        object.__setattr__(self, "_weight_lists_cache", (_structure_version[0], trainable, non_trainable))
        return trainable, non_trainable

    def weight_values(self) -> tuple[list[jax.Array], list[jax.Array]]:
        """The stored arrays of ``weight_lists()``, cached until a weight is assigned or the structure changes.

        Outside a stateless scope, what the hot paths pass to their jitted functions.
        """
        key = (_variables.values_version(), _structure_version[0])
        cached = self.__dict__.get("_weight_values_cache")
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        trainable, non_trainable = self.weight_lists()
        values = [v._value for v in trainable], [v._value for v in non_trainable]
        object.__setattr__(self, "_weight_values_cache", (key, *values))
        return values

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
        for layer in self._all_layers():
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

    # -- variable paths ------------------------------------------------------------------------------
    def _open_name_scope(self) -> _naming.name_scope:
        """This layer's name scope, under the scope path where it was first opened.

        As in Keras: a weight's path is the path of the layers being built or called around its layer
        when that layer first built or ran (``sequential/dense/kernel``, ``block/dense_1/kernel``); a layer
        keeps that place wherever it is called later.
        """
        parent = self.__dict__.get("_parent_path")
        if parent is None:
            parent = _naming.current_path()
            object.__setattr__(self, "_parent_path", parent)
        return _naming.name_scope(self.name, caller=self, override_parent=parent)

    def _scope_path(self) -> str:
        """The path of this layer's name scope (its weights' paths without their own names)."""
        with _naming.name_scope(self.name, caller=self, override_parent=self.__dict__.get("_parent_path")):
            return _naming.current_path()

    # -- building ------------------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the layer's weights for inputs of ``input_shape``; the default creates none."""
        self.built = True

    def _maybe_build(self, inputs: Any) -> None:
        if self.built:
            return
        shapes = jax.tree_util.tree_map(_shape_of, inputs, is_leaf=lambda x: isinstance(x, SymbolicTensor))
        self._build_shapes = shapes
        with jax.ensure_compile_time_eval(), self._open_name_scope():
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
        if isinstance(x, SymbolicTensor):
            if is_string_dtype(x.dtype):
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}) received text (a string tensor, {x.name}), which "
                    "only the host-side preprocessing layers read (TextVectorization, StringLookup, Hashing, "
                    "HashedCrossing...). Turn the text into numbers with one of them first."
                )
            return x
        if x is None:
            return x
        if isinstance(x, Variable):
            x = x.value
        if not isinstance(x, jax.Array) and hasattr(x, "__array__") or isinstance(x, list | float | int):
            x = jnp.asarray(x)
        return self._cast_input(x)

    def _cast_input(self, x: Any) -> Any:
        """``x`` in the layer's input dtype when it is floating and ``autocast`` is on, as Keras casts inputs."""
        if (
            self.autocast
            and hasattr(x, "dtype")
            and jnp.issubdtype(x.dtype, jnp.floating)
            and x.dtype != jnp.dtype(self.input_dtype)
        ):
            x = x.astype(self.input_dtype)
        return x

    def _autocast_scope(self) -> Any:
        """The autocast scope for this layer's call, by Keras's rules (a no-op context when nothing changes).

        With no active scope, a mixed policy opens one in its compute dtype; inside one, a layer with
        ``autocast=False`` or a non-float compute dtype switches it off, and another float compute dtype
        replaces it.
        """
        current = _autocast.current()
        policy = self._dtype_policy
        if current is None:
            if policy.compute_dtype == policy.variable_dtype:
                return _NO_AUTOCAST_CHANGE
            return _autocast.AutocastScope(jnp.dtype(policy.compute_dtype))
        compute = jnp.dtype(policy.compute_dtype)
        if not self.autocast or not jnp.issubdtype(compute, jnp.floating):
            return _autocast.AutocastScope(None)
        return _NO_AUTOCAST_CHANGE if compute == current else _autocast.AutocastScope(compute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args:
            raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) was called without any input.")
        mask_kwargs, previous_mask = self._input_masks(args, kwargs)
        first = jax.tree_util.tree_map(
            self._convert_input,
            args[0],
            is_leaf=lambda x: isinstance(x, SymbolicTensor | Variable) or x is None,
        )
        args = (first, *args[1:])
        explicit_training = kwargs.pop("training", None)
        training = explicit_training if explicit_training is not None else current_training()
        if training is None:
            training = self._call_training_default
        call_kwargs = dict(kwargs)
        if self._call_has_training and training is not None:
            call_kwargs["training"] = training
        elif explicit_training is not None and not self._call_has_training:
            pass  # Keras accepts training= on any layer and ignores it where call() takes none.
        call_kwargs.update(mask_kwargs)

        self._maybe_build(first)
        check_input_spec(self, self.input_spec, first)
        if any_symbolic((args, kwargs)):
            node_kwargs = dict(kwargs)
            if explicit_training is not None:
                node_kwargs["training"] = explicit_training
            return self._symbolic_call(args, call_kwargs, node_kwargs, training, previous_mask)
        if call_depth() == 0 and _scope.current() is None:
            self._clear_losses()  # an outermost eager call starts a fresh `losses` list, as in Keras
        with training_scope(training), self._autocast_scope(), self._open_name_scope():
            outputs = self._run_call(args, call_kwargs)
        if self.activity_regularizer is not None:
            for output in jax.tree_util.tree_leaves(outputs):
                penalty = self.activity_regularizer(output)
                if getattr(output, "ndim", 0) > 0 and output.shape[0]:
                    penalty = penalty / output.shape[0]  # per sample, as Keras 3 normalises it
                self.add_loss(penalty)
        self._attach_output_masks(first, outputs, previous_mask)
        return outputs

    def _symbolic_call(
        self, args: tuple, call_kwargs: dict, node_kwargs: dict, training: bool | None, previous_mask: Any = None
    ) -> Any:
        masked = self._masks_from_call or (
            self.supports_masking and (previous_mask is not None or self._computes_masks)
        )

        def run(*a: Any, **k: Any) -> Any:
            previous = k.pop(_PREVIOUS_MASK, None)
            # The traced first argument is cast as an eager call casts it, so both give the same dtypes.
            a = (jax.tree_util.tree_map(self._cast_input, a[0]), *a[1:])
            with training_scope(training), self._autocast_scope():
                out = self.call(*a, **k)
            if not masked:
                return out
            # The output masks are inferred in the same abstract trace, as specs of the outputs.
            self._attach_output_masks(a[0], out, previous)
            return out, [get_keras_mask(o) for o in jax.tree_util.tree_leaves(out)]

        if masked:
            call_kwargs = {**call_kwargs, _PREVIOUS_MASK: previous_mask}
        with _scope.SymbolicScope(), self._open_name_scope():
            outputs = infer_output_spec(run, args, call_kwargs)
        if masked:
            outputs, masks = outputs
            for tensor, mask in zip(jax.tree_util.tree_leaves(outputs), masks, strict=True):
                set_keras_mask(tensor, mask)
        self._record_node(args, node_kwargs, outputs)
        return outputs

    # -- masks ---------------------------------------------------------------------------------------
    supports_masking: bool = False
    # Models set this: their call attaches the masks of their outputs, computed along their graph.
    _masks_from_call: bool = False

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The mask of the outputs of a call on ``inputs`` whose mask is ``previous_mask``.

        The default passes ``previous_mask`` through where ``supports_masking`` is true, else gives ``None``.
        """
        return previous_mask if self.supports_masking else None

    def _input_masks(self, args: tuple, kwargs: dict) -> tuple[dict[str, Any], Any]:
        """The mask arguments filled from the masks the inputs carry, and the mask of the first input.

        As in Keras: with one tensor argument, its mask fills ``mask=`` (when ``call`` takes it and none
        is given); with several, the mask of argument ``<name>`` fills ``<name>_mask=``. The previous mask
        is the ``mask`` argument if any, else the mask carried by the first argument.
        """
        if not any_mask((args, kwargs)):
            return {}, kwargs.get("mask")
        names = self._call_arg_names
        bound = dict(zip(names, args, strict=False))
        bound.update(kwargs)
        tensors = {n: v for n, v in bound.items() if v is not None and _is_tensor_argument(v)}
        wanted = {"mask": next(iter(tensors))} if len(tensors) == 1 else {f"{n}_mask": n for n in tensors}
        filled: dict[str, Any] = {}
        for mask_name, arg_name in wanted.items():
            if mask_name in names and bound.get(mask_name) is None:
                masks = jax.tree_util.tree_map(get_keras_mask, tensors[arg_name])
                if jax.tree_util.tree_leaves(masks):
                    filled[mask_name] = masks
        previous = bound.get("mask")
        if previous is None:
            previous = filled.get("mask")
        if previous is None:
            previous = jax.tree_util.tree_map(get_keras_mask, args[0]) if args else None
            if not jax.tree_util.tree_leaves(previous):
                previous = None
        if previous is not None and not (self.supports_masking or self._masks_from_call) and call_depth() == 0:
            warnings.warn(
                f"Layer '{self.name}' ({type(self).__name__}) does not support masking but received an input "
                "carrying a mask: its outputs carry no mask, so the layers after it see none.",
                stacklevel=3,
            )
        return filled, previous

    def _attach_output_masks(self, first: Any, outputs: Any, previous_mask: Any) -> None:
        """Attach ``compute_mask(first, previous_mask)`` to the outputs that carry no mask yet."""
        if not self.supports_masking or (previous_mask is None and not self._computes_masks):
            return
        leaves = jax.tree_util.tree_leaves(outputs)
        if leaves and all(get_keras_mask(o) is not None for o in leaves):
            return
        masks = leaves_with_none(self.compute_mask(first, previous_mask))
        for output, mask in zip(leaves, masks, strict=False):
            if mask is not None and get_keras_mask(output) is None:
                set_keras_mask(output, mask)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        def run(*a: Any, **k: Any) -> Any:
            with self._autocast_scope():
                return self.call(*a, **k)

        with _scope.SymbolicScope():
            return infer_output_spec(run, args, kwargs)

    # -- rematerialisation ---------------------------------------------------------------------------
    def _run_call(self, args: tuple, kwargs: dict) -> Any:
        """``call``, rematerialised for gradients as the ``RematScope`` active at construction asks.

        Only inside a stateless scope (a traced step): eagerly nothing is differentiated, so nothing is saved.
        """
        mode = self._remat_mode
        if mode is None or mode.mode is None or _scope.current() is None:
            return self.call(*args, **kwargs)
        if mode.mode == "activations":
            activation = getattr(self, "activation", None)
            if activation is None:
                return self.call(*args, **kwargs)
            object.__setattr__(self, "activation", _remat.remat(activation))
            try:
                return self.call(*args, **kwargs)
            finally:
                object.__setattr__(self, "activation", activation)
        if mode.mode == "list_of_layers" and self.name not in mode.layer_names:
            return self.call(*args, **kwargs)
        if mode.mode == "larger_than" and self._output_size(args, kwargs) <= mode.output_size_threshold:
            return self.call(*args, **kwargs)
        return self._rematerialized_call(args, kwargs)

    def _output_size(self, args: tuple, kwargs: dict) -> int:
        def run(*a: Any, **k: Any) -> Any:
            with _scope.StatelessScope(rng=jax.random.key(0)):
                return self.call(*a, **k)

        spec = jax.eval_shape(run, *args, **kwargs)
        return sum(int(np.prod(leaf.shape)) for leaf in jax.tree_util.tree_leaves(spec))

    def _rematerialized_call(self, args: tuple, kwargs: dict) -> Any:
        """``call`` under ``jax.checkpoint``; what it assigns or adds as losses is carried out of the checkpoint."""
        scope = _scope.current()
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
        dynamic = [i for i, leaf in enumerate(leaves) if isinstance(leaf, jax.Array)]

        def inner(*arrays: Any) -> Any:
            filled = list(leaves)
            for i, array in zip(dynamic, arrays, strict=True):
                filled[i] = array
            a, k = jax.tree_util.tree_unflatten(treedef, filled)
            before, n_losses = dict(scope.updates), len(scope.losses)
            outputs = self.call(*a, **k)
            assigned = {key: value for key, value in scope.updates.items() if before.get(key) is not value}
            losses = scope.losses[n_losses:]
            scope.updates.clear()
            scope.updates.update(before)
            del scope.losses[n_losses:]
            return outputs, assigned, losses

        outputs, assigned, losses = jax.checkpoint(inner)(*[leaves[i] for i in dynamic])
        scope.updates.update(assigned)
        scope.losses.extend(losses)
        return outputs

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
        trainable = self.trainable_variables
        non_trainable = self.non_trainable_variables
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

    @staticmethod
    def assigned_only(new_values: Sequence[Any], given: Sequence[Any]) -> list[Any]:
        """At trace time: ``new_values`` with ``None`` where the call left a value as given.

        A jitted call returns only what it assigned (``None`` is an empty pytree), and
        ``write_assigned`` stores those after the call.
        """
        return [None if new is old else new for new, old in zip(new_values, given, strict=True)]

    @staticmethod
    def write_assigned(variables: Sequence[Variable], values: Sequence[Any]) -> None:
        """Store the values a call assigned (those that ``assigned_only`` kept) in their Variables."""
        for var, value in zip(variables, values, strict=True):
            if value is not None:
                var.assign(value)

    # -- config --------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": _dtype_policies.serialize(self._dtype_policy),
        }
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = _regularizers.serialize(self.activity_regularizer)
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    def get_build_config(self) -> dict[str, Any] | None:
        """What the layer was built with (Keras's ``build_config``), or None if it is not built.

        ``{"input_shape": shape}`` for a layer built from one shape; a ``build`` taking other arguments
        beside the shape (``build(self, input_shape, layer_init)``) adds them by name, so that loading
        calls it the same way; a ``build`` of several shapes gives ``{"shapes_dict": {name: shape}}``.
        """
        if not self.built:
            return None
        recorded = self.__dict__.get("_build_arguments")
        if recorded is not None:
            build, args, kwargs = recorded
            names = [p for p in inspect.signature(build).parameters if p != "self"]
            bound = {**dict(zip(names, args, strict=False)), **kwargs}
            if len(bound) == 1:
                return {"input_shape": next(iter(bound.values()))}
            values = list(bound.values())
            if values and _is_shape(values[0]) and not any(_is_shape(v) for v in values[1:]):
                return {"input_shape": values[0], **dict(list(bound.items())[1:])}
            return {"shapes_dict": bound}
        if self._build_shapes is not None:
            return {"input_shape": self._build_shapes}
        return None

    def build_from_config(self, config: dict[str, Any]) -> None:
        """Build the layer from ``get_build_config()``'s result (JSON lists are read back as shapes)."""
        if not isinstance(config, dict) or not ({"input_shape", "shapes_dict"} & set(config)):
            raise ValueError(
                f"Layer '{self.name}': a build config holds 'input_shape' or 'shapes_dict', received {config!r}."
            )
        if "input_shape" in config:
            extras = {k: v for k, v in config.items() if k != "input_shape"}
            self.build(_as_shapes(config["input_shape"]), **extras)
        else:
            self.build(**{k: _as_shapes(v) for k, v in config["shapes_dict"].items()})
        self._build_shapes = _as_shapes(config.get("input_shape"))

    def save_own_variables(self, store: dict[str, Any]) -> None:
        """Put the layer's own weights (not its sub-layers') into ``store`` when the model is saved.

        The default stores them as ``"0"``, ``"1"``... (trainable, then non-trainable, in creation order).
        Override it, with ``load_own_variables``, to save other state (a table, a counter) by name.

        Args:
            store: a dict to fill with NumPy arrays; keys are short names.
        """
        for i, variable in enumerate(self._own_weights()):
            store[str(i)] = np.asarray(variable.numpy())

    def load_own_variables(self, store: Mapping[str, Any]) -> None:
        """Restore what ``save_own_variables`` stored, when a saved model is loaded.

        Args:
            store: the arrays saved for this layer, by key.

        Raises:
            ValueError: the store does not hold one array of the right shape per weight.
        """
        own = self._own_weights()
        keys = list(store)
        if len(keys) != len(own):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects {len(own)} saved weights "
                f"({', '.join(v.path for v in own) or 'none'}), but the file holds {len(keys)} ({keys})."
            )
        values = [np.asarray(store[str(i)]) if str(i) in store else None for i in range(len(own))]
        for i, (variable, value) in enumerate(zip(own, values, strict=True)):
            if value is None or tuple(value.shape) != tuple(variable.shape):
                got = "nothing" if value is None else f"shape {tuple(value.shape)}"
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}): weight {i} ('{variable.path}') expects shape "
                    f"{tuple(variable.shape)}, but the file holds {got}."
                )
        for variable, value in zip(own, values, strict=True):
            variable.assign(value.astype(variable.dtype, copy=False))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def _all_layers(self) -> list[Layer]:
        """``self`` and every nested layer, cached until the structure changes (for per-call paths)."""
        cached = self.__dict__.get("_all_layers_cache")
        if cached is not None and cached[0] == _structure_version[0]:
            return cached[1]
        found = list(self._flatten_layers())
        object.__setattr__(self, "_all_layers_cache", (_structure_version[0], found))
        return found

    def _flatten_layers(self, include_self: bool = True) -> Iterator[Layer]:
        if include_self:
            yield self
        for layer in self._tracked_layers():
            yield from layer._flatten_layers()
