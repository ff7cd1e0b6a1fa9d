"""``JaxLayer`` and ``FlaxLayer``: pure JAX functions, or a Flax Linen module, as a kerax layer; and the
kerax extension ``EquinoxLayer`` for an Equinox module.

Flax (Equinox) is imported only when a ``FlaxLayer`` (``EquinoxLayer``) is made; kerax itself never imports it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import tree
from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.backend._random import next_seed_int
from kerax.backend._variables import Variable
from kerax.layers._layer import Layer
from kerax.layers._seeded import SeededKeys

_CALL_ARGUMENTS = frozenset({"params", "state", "rng", "inputs", "training"})
_INIT_ARGUMENTS = frozenset({"rng", "inputs", "training"})


def _is_variable(value: Any) -> bool:
    return isinstance(value, Variable)


def _raw_key(key: jax.Array) -> jax.Array:
    """A key as the ``uint32[2]`` array that Keras hands to JAX functions (old-style ``PRNGKey``)."""
    if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        return jax.random.key_data(key)
    return key


def _argument_names(fn: Any, fn_name: str, allowed: frozenset[str], who: str) -> list[str]:
    if not callable(fn):
        raise TypeError(f"{who}: `{fn_name}` must be a callable, received {fn!r}.")
    parameters = inspect.signature(fn).parameters
    if "inputs" not in parameters:
        raise ValueError(
            f"{who}: `{fn_name}` must take an argument named `inputs`; its arguments are {list(parameters)}."
        )
    names = []
    for name in parameters:
        if name not in allowed:
            raise ValueError(
                f"{who}: `{fn_name}` has an unsupported argument `{name}`; the supported arguments are "
                f"{', '.join(f'`{a}`' for a in sorted(allowed))}."
            )
        names.append(name)
    return names


class JaxLayer(SeededKeys, Layer):
    """A layer made of a pure JAX function ``call_fn`` and, optionally, ``init_fn`` that makes its weights.

    ``call_fn`` takes, by name and in any order, ``inputs`` (required) and any of ``params`` (the trainable
    weights, a pytree), ``state`` (the non-trainable ones; then it returns ``(outputs, new_state)``),
    ``rng`` (a ``uint32[2]`` key in training, ``None`` at inference) and ``training`` (a bool).
    ``init_fn`` takes ``inputs`` and any of ``rng`` and ``training`` (given ``True``) and returns ``params``,
    or ``(params, state)`` when ``call_fn`` takes ``state``; it runs when the layer is built, on ones of the
    input shape (an unknown size is 1). Every array (and Python number) leaf of ``params`` and ``state``
    becomes a kerax ``Variable`` (trainable for ``params``), so that ``summary``, ``fit``, ``get_weights``
    and saving see them; float leaves take the layer's dtype policy; other leaves stay as they are. The
    new state returned by a call is assigned to the state variables (in a ``stateless_call`` it comes back
    as the new non-trainable values).

    Args:
        call_fn: the forward function, as above.
        init_fn: the function making the initial ``params`` (and ``state``), or None when they are given.
        params: the initial trainable weights (a pytree of arrays), or None.
        state: the initial non-trainable weights (a pytree of arrays), or None.
        seed: the seed of the keys that ``call_fn`` receives in training (default: kerax's global
            generator, or the training step's key).
        native_serialization_platforms: accepted for Keras compatibility (it only concerns the
            TensorFlow backend's export) and kept in the config.
        **kwargs: base layer keyword arguments such as ``name``, ``dtype`` and ``trainable``.

    Raises:
        ValueError: an unsupported or missing argument in ``call_fn`` or ``init_fn``, or ``call_fn``
            taking ``params`` or ``state`` with neither ``init_fn`` nor initial values.
        TypeError: ``call_fn`` or ``init_fn`` not callable.

    Example:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> import numpy as np
        >>> import kerax
        >>> def call_fn(params, inputs):
        ...     return inputs @ params["w"] + params["b"]
        >>> def init_fn(rng, inputs):
        ...     return {"w": jax.random.normal(rng, (inputs.shape[-1], 4)), "b": jnp.zeros((4,))}
        >>> layer = kerax.layers.JaxLayer(call_fn, init_fn)
        >>> layer(np.ones((2, 3))).shape
        (2, 4)
        >>> sorted(tuple(weight.shape) for weight in layer.trainable_weights)
        [(3, 4), (4,)]
    """

    def __init__(
        self,
        call_fn: Callable[..., Any],
        init_fn: Callable[..., Any] | None = None,
        params: Any = None,
        state: Any = None,
        seed: int | None = None,
        native_serialization_platforms: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self._keep_seed(seed)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.jax2tf_native_serialization_platforms = native_serialization_platforms
        self.call_fn_arguments = _argument_names(call_fn, "call_fn", _CALL_ARGUMENTS, who)
        self.call_fn_has_params = "params" in self.call_fn_arguments
        self.call_fn_has_state = "state" in self.call_fn_arguments
        if init_fn is None and params is None and state is None and (self.call_fn_has_params or self.call_fn_has_state):
            raise ValueError(
                f"{who}: `init_fn`, `params` and `state` cannot all be None when `call_fn` takes a `params` or "
                "a `state` argument."
            )
        self.init_fn_arguments = (
            _argument_names(init_fn, "init_fn", _INIT_ARGUMENTS, who) if init_fn is not None else []
        )
        self.params: Any = None
        self.state: Any = None
        self.tracked_params = self._create_variables(params, trainable=True)
        self.tracked_state = self._create_variables(state, trainable=False)
        if self.params is not None or self.state is not None:
            self.built = True  # the weights exist already, as Keras builds such a layer at init

    # -- weights -------------------------------------------------------------------------------------
    def _create_variables(self, values: Any, trainable: bool) -> list[Variable]:
        """Turn the array and number leaves of ``values`` into variables; store the tree as params/state."""

        def make(value: Any) -> Any:
            if isinstance(value, np.ndarray | np.generic | jax.Array):
                array = value
            elif isinstance(value, bool | int | float):
                array = np.asarray(value)
            else:
                return value
            dtype = None if jnp.issubdtype(array.dtype, jnp.floating) else array.dtype
            index = len(self._trainable_vars) + len(self._non_trainable_vars)
            with jax.ensure_compile_time_eval():
                initial = jnp.asarray(array)
            return self.add_weight(
                tuple(array.shape),
                initializer=lambda shape, dtype=None, v=initial: jnp.asarray(v, dtype),
                dtype=dtype,
                trainable=trainable,
                name="variable" if index == 0 else f"variable_{index}",  # Keras's automatic names
            )

        variables = jax.tree_util.tree_map(make, values)
        if trainable:
            self.params = variables
        else:
            self.state = variables
        return [leaf for leaf in jax.tree_util.tree_leaves(variables, is_leaf=_is_variable) if _is_variable(leaf)]

    def _init_rng(self) -> Any:
        """The key(s) given to ``init_fn``: one ``uint32[2]`` key from kerax's global generator."""
        return _raw_key(jax.random.key(next_seed_int()))

    def _call_rng(self, training: bool) -> Any:
        """The key(s) given to ``call_fn``: one key in training, None at inference (as in Keras)."""
        return _raw_key(self._key()) if training else None

    def build(self, input_shape: Any) -> None:
        if self.params is not None or self.state is not None:
            return
        if not (self.call_fn_has_params or self.call_fn_has_state):
            return
        ones = tree.map_shape_structure(lambda s: jnp.ones([1 if d is None else d for d in s]), input_shape)
        arguments = {"rng": self._init_rng(), "inputs": ones, "training": True}
        result = self.init_fn(*[arguments[name] for name in self.init_fn_arguments])  # type: ignore[misc]
        if self.call_fn_has_state:
            if not isinstance(result, tuple | list) or len(result) != 2:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': `call_fn` takes `state`, so `init_fn` must return "
                    f"`(params, state)`; it returned {type(result).__name__}."
                )
            params, state = result
        else:
            params, state = result, None
        self.tracked_params = self._create_variables(params, trainable=True)
        self.tracked_state = self._create_variables(state, trainable=False)

    # -- calling -------------------------------------------------------------------------------------
    def call(self, inputs: Any, training: bool = False) -> Any:
        def unwrap(value: Any) -> Any:
            return value.value if _is_variable(value) else value

        arguments = {
            "params": lambda: jax.tree_util.tree_map(unwrap, self.params, is_leaf=_is_variable),
            "state": lambda: jax.tree_util.tree_map(unwrap, self.state, is_leaf=_is_variable),
            "rng": lambda: self._call_rng(bool(training)),
            "inputs": lambda: inputs,
            "training": lambda: bool(training),
        }
        result = self.call_fn(*[arguments[name]() for name in self.call_fn_arguments])
        if not self.call_fn_has_state:
            return result
        if not isinstance(result, tuple | list) or len(result) != 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': `call_fn` takes `state`, so it must return "
                f"`(outputs, new_state)`; it returned {type(result).__name__}."
            )
        outputs, new_state = result
        self._assign_state(new_state)
        return outputs

    def _assign_state(self, new_state: Any) -> None:
        try:
            pairs = jax.tree_util.tree_map(
                lambda variable, value: (variable, value), self.state, new_state, is_leaf=_is_variable
            )
        except ValueError as error:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the state returned by `call_fn` does not have the "
                f"structure of the state at initialization: {error}"
            ) from error
        for variable, value in jax.tree_util.tree_leaves(pairs, is_leaf=lambda p: isinstance(p, tuple)):
            if _is_variable(variable):
                variable.assign(value)
            elif value is not variable:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the state returned by `call_fn` has an array where "
                    f"the state at initialization has the non-array {variable!r}."
                )

    # -- config --------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "call_fn": serialize_keras_object(self.call_fn),
            "init_fn": serialize_keras_object(self.init_fn),
            "native_serialization_platforms": self.jax2tf_native_serialization_platforms,
        }
        if self.seed is not None:
            config["seed"] = self.seed
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> JaxLayer:
        config = dict(config)
        config["call_fn"] = deserialize_keras_object(config["call_fn"])
        config["init_fn"] = deserialize_keras_object(config.get("init_fn"))
        return cls(**config)


class FlaxLayer(JaxLayer):
    """A Flax Linen module as a kerax layer.

    The module's ``params`` collection becomes the trainable weights; every other collection
    (``batch_stats``...) the non-trainable ones, updated by each call (``mutable`` is every collection
    but ``params``). In training the module receives a ``"dropout"`` key; its initialization receives
    ``"params"`` and ``"dropout"`` keys. The method called (``__call__`` by default) takes ``inputs`` and,
    optionally, ``training`` (then ``True`` in training, ``False`` otherwise).

    Args:
        module: a ``flax.linen.Module`` instance.
        method: the method to call, a method of ``module`` or a function taking the module first (used
            for both ``init`` and ``apply``); default ``__call__``.
        variables: the module's variables as ``module.init`` returns them (``{"params": ...,
            "batch_stats": ...}``), or None to initialize them when the layer is built.
        **kwargs: ``seed``, the seed of the keys given to the module, and base layer keyword arguments
            such as ``name`` and ``dtype``.

    Raises:
        ImportError: flax is not installed.
        ValueError: ``method`` does not take ``inputs``.

    Example:
        >>> import flax.linen as nn
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.FlaxLayer(nn.Dense(4))(np.ones((2, 3))).shape
        (2, 4)
    """

    def __init__(self, module: Any, method: Any = None, variables: Any = None, **kwargs: Any) -> None:
        try:
            from flax.linen import DenyList
        except ImportError as error:  # pragma: no cover - flax is a test dependency
            raise ImportError("FlaxLayer needs flax: `pip install flax`.") from error
        if isinstance(method, str):
            method = getattr(module, method)
        self.module = module
        self.method = method
        mutable = DenyList(["params"])
        target = method or module.__call__

        def apply_with_training(params: Any, state: Any, rng: Any, inputs: Any, training: bool) -> Any:
            return self.module.apply(
                self._params_and_state_to_variables(params, state),
                inputs,
                rngs=rng,
                method=self.method,
                mutable=mutable,
                training=training,
            )

        def apply_without_training(params: Any, state: Any, rng: Any, inputs: Any) -> Any:
            return self.module.apply(
                self._params_and_state_to_variables(params, state),
                inputs,
                rngs=rng,
                method=self.method,
                mutable=mutable,
            )

        def init_with_training(rng: Any, inputs: Any, training: bool) -> Any:
            return self._variables_to_params_and_state(
                self.module.init(rng, inputs, method=self.method, training=training)
            )

        def init_without_training(rng: Any, inputs: Any) -> Any:
            return self._variables_to_params_and_state(self.module.init(rng, inputs, method=self.method))

        if "training" in inspect.signature(target).parameters:
            call_fn, init_fn = apply_with_training, init_with_training
        else:
            call_fn, init_fn = apply_without_training, init_without_training
        params, state = self._variables_to_params_and_state(variables)
        super().__init__(call_fn=call_fn, init_fn=init_fn, params=params, state=state, **kwargs)

    @staticmethod
    def _params_and_state_to_variables(params: Any, state: Any) -> dict[str, Any]:
        if params:
            return {**params, **state} if state else params
        return state or {}

    @staticmethod
    def _variables_to_params_and_state(variables: Any) -> tuple[Any, Any]:
        if variables is None:
            return None, None
        if "params" not in variables:
            return {}, variables
        if len(variables) == 1:
            return variables, {}
        return {"params": variables["params"]}, {k: v for k, v in variables.items() if k != "params"}

    def _init_rng(self) -> Any:
        return {
            "params": _raw_key(jax.random.key(next_seed_int())),
            "dropout": _raw_key(jax.random.key(next_seed_int())),
        }

    def _call_rng(self, training: bool) -> Any:
        return {"dropout": _raw_key(self._key())} if training else {}

    def get_config(self) -> dict[str, Any]:
        if not callable(getattr(self.module, "get_config", None)):
            raise ValueError(
                f"FlaxLayer '{self.name}': the config holds the module, so its class "
                f"{type(self.module).__name__} must define `get_config()` (and `from_config`, if its "
                "constructor does not take that config) and be registered with "
                "@kerax.saving.register_keras_serializable() to be saved and loaded."
            )
        method = self.method
        if getattr(method, "__self__", None) is self.module:
            method = method.__name__
        config = Layer.get_config(self)
        config["native_serialization_platforms"] = self.jax2tf_native_serialization_platforms
        config["module"] = serialize_keras_object(self.module)
        config["method"] = serialize_keras_object(method)
        if self.seed is not None:
            config["seed"] = self.seed
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> FlaxLayer:
        config = dict(config)
        module = deserialize_keras_object(config["module"])
        method = config.get("method")
        method = getattr(module, method) if isinstance(method, str) else deserialize_keras_object(method)
        config["module"] = module
        config["method"] = method
        return cls(**config)


class EquinoxLayer(SeededKeys, Layer):
    """An Equinox module as a kerax layer (a kerax extension; Keras has no such layer).

    The module is split with ``equinox.partition(module, equinox.is_inexact_array)``: its floating-point
    arrays become trainable kerax variables (named ``variable``, ``variable_1``... in the module's
    pytree order), everything else stays static. Each call rebuilds the module from the variables'
    current values with ``equinox.combine``, so ``fit``, ``stateless_call``, ``get_weights`` and
    ``save_weights``/``load_weights`` all work on it. Equinox modules take one example at a time: by
    default the layer maps the module over the batch axis (``jax.vmap``). If the module's ``__call__``
    takes ``key``, it gets a key in training (one per example when mapped) and None at inference; if it
    takes ``inference``, it gets ``not training``.

    Args:
        module: an ``equinox.Module``.
        batched: whether the module takes whole batches itself (default False: it is mapped over axis 0).
        seed: the seed of the keys given to the module in training (default: kerax's global generator,
            or the training step's key).
        **kwargs: base layer keyword arguments such as ``name``, ``dtype`` and ``trainable``.

    Raises:
        ImportError: equinox is not installed.
        TypeError: ``module`` is not an ``equinox.Module``.

    Example:
        >>> import equinox as eqx
        >>> import jax
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.EquinoxLayer(eqx.nn.Linear(3, 4, key=jax.random.key(0)))
        >>> layer(np.ones((2, 3))).shape
        (2, 4)
    """

    def __init__(self, module: Any, batched: bool = False, seed: int | None = None, **kwargs: Any) -> None:
        try:
            import equinox as eqx
        except ImportError as error:  # pragma: no cover - equinox is a test dependency
            raise ImportError("EquinoxLayer needs equinox: `pip install equinox`.") from error
        super().__init__(**kwargs)
        if not isinstance(module, eqx.Module):
            raise TypeError(
                f"EquinoxLayer '{self.name}': `module` must be an equinox.Module, received {type(module).__name__}."
            )
        self._keep_seed(seed)
        self.module = module
        self.batched = bool(batched)
        arrays, static = eqx.partition(module, eqx.is_inexact_array)
        leaves, self._treedef = jax.tree_util.tree_flatten(arrays)
        object.__setattr__(self, "_static", static)
        self._module_variables = [
            self.add_weight(
                tuple(leaf.shape),
                initializer=lambda shape, dtype=None, v=leaf: jnp.asarray(v, dtype),
                name="variable" if i == 0 else f"variable_{i}",
            )
            for i, leaf in enumerate(leaves)
        ]
        parameters = inspect.signature(type(module).__call__).parameters
        self._takes_key = "key" in parameters
        self._takes_inference = "inference" in parameters
        self.built = True

    def current_module(self) -> Any:
        """The module with the variables' current values (inside a traced step: the step's values)."""
        import equinox as eqx  # an optional dependency, imported by __init__ already

        values = [v.value for v in self._module_variables]
        return eqx.combine(jax.tree_util.tree_unflatten(self._treedef, values), self._static)

    def call(self, inputs: Any, training: bool = False) -> Any:
        module = self.current_module()
        extra: dict[str, Any] = {}
        if self._takes_inference:
            extra["inference"] = not training
        key = self._key() if training and self._takes_key else None
        if self.batched:
            if self._takes_key:
                extra["key"] = key
            return module(inputs, **extra)
        batch = jax.tree_util.tree_leaves(inputs)[0].shape[0]
        if key is None:
            if self._takes_key:
                extra["key"] = None
            return jax.vmap(lambda x: module(x, **extra))(inputs)
        return jax.vmap(lambda x, k: module(x, key=k, **extra))(inputs, jax.random.split(key, batch))

    def get_config(self) -> dict[str, Any]:
        raise ValueError(
            f"EquinoxLayer '{self.name}': an Equinox module has no config to save, so a model holding it cannot be "
            "saved whole (model.save) or cloned from its config; save and load its weights with save_weights / "
            "load_weights on a model built the same way."
        )
