"""``MultiOptimizer`` and ``OptimizerMap``: different optimizers for different variables.

As in Keras 3, the variables are the wrapper's own ``iteration`` and ``learning_rate`` (0, never
used), then each sub-optimizer's variables in the order the sub-optimizers were first seen (the
map's values, its default, then any new one a selector returns). A sub-optimizer that gets no
variable is built on none, so it still lists its ``iteration`` and ``learning_rate``, as in Keras.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from kerax.backend._variables import Variable
from kerax.optimizers._base import Optimizer, OptimizerState, check_state, flat_leaves
from kerax.optimizers._loss_scale_optimizer import LossScaleOptimizer


def _check_sub_optimizer(optimizer: Any, where: str) -> None:
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{where}: a LossScaleOptimizer cannot be used inside a MultiOptimizer.")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: a MultiOptimizer cannot be used inside a MultiOptimizer.")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            f"{where}: expected a kerax Optimizer instance. Received: {optimizer!r} of type {type(optimizer).__name__}"
        )


class OptimizerMap(MutableMapping):
    """Maps variable paths (exact keys or ``re.fullmatch`` patterns) to optimizers.

    ``map[path]`` is the optimizer of an exact key, else of the one pattern
    that ``re.fullmatch``-es ``path``, else ``default_optimizer``. Calling the
    map on a variable looks up its ``path`` (Keras's paths:
    ``sequential/dense/kernel`` for a layer built in a ``Sequential``).

    Args:
        default_optimizer: The optimizer of variables no key matches.
        optimizer_map: Optional dict from key (string) to optimizer. Defaults to ``None``.

    Raises:
        TypeError: If ``default_optimizer`` is not an Optimizer or
            ``optimizer_map`` not a dict.
    """

    def __init__(self, default_optimizer: Optimizer, optimizer_map: dict[str, Optimizer] | None = None) -> None:
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                "Argument `default_optimizer` must be a kerax Optimizer instance. "
                f"Received: {default_optimizer!r} of type {type(default_optimizer).__name__}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(
                f"Argument `optimizer_map` must be a dict. Received: {optimizer_map!r} of type "
                f"{type(optimizer_map).__name__}"
            )
        self._default_optimizer = default_optimizer
        self._optimizer_map: dict[str, Optimizer] = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self) -> Optimizer:
        """The optimizer of variables no key matches."""
        return self._default_optimizer

    def _matches(self, key: str) -> list[str]:
        return [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]

    def __getitem__(self, key: str) -> Optimizer:
        """Returns the optimizer of ``key`` (exact key, else the one matching pattern, else the default).

        Args:
            key: A variable path.

        Raises:
            ValueError: If ``key`` matches more than one pattern.
        """
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matching = self._matches(key)
        if len(matching) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key!r}: patterns {matching} all match.")
        if matching:
            return self._optimizer_map[matching[0]]
        return self._default_optimizer

    def __setitem__(self, key: str, optimizer: Optimizer) -> None:
        """Maps ``key`` (a path or a ``re.fullmatch`` pattern) to ``optimizer``.

        Args:
            key: A string, not already in the map.
            optimizer: A kerax Optimizer (not a LossScaleOptimizer or MultiOptimizer).

        Raises:
            ValueError: For a duplicate or non-string key, or an unsuitable optimizer.
        """
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: key must be a string. Received: {key!r}")
        if key in self._optimizer_map:
            raise ValueError(
                f"OptimizerMap: key {key!r} already exists (mapped to {self._optimizer_map[key]!r}); "
                "keys must be unique."
            )
        _check_sub_optimizer(optimizer, f"OptimizerMap[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key: str) -> None:
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._optimizer_map)

    def for_path(self, path: str) -> Optimizer:
        """Returns the optimizer of a variable at ``path`` (``map[path]``).

        Args:
            path: The variable's path.
        """
        return self[path]

    def __call__(self, variable: Any) -> Optimizer:
        """Returns the optimizer of ``variable`` (looked up by its ``path``).

        Args:
            variable: An object with a ``path`` string.
        """
        path = getattr(variable, "path", None)
        if not isinstance(path, str):
            raise ValueError(f"OptimizerMap: expected a variable with a string `path`. Received: {variable!r}")
        return self.for_path(path)

    def get_config(self) -> dict[str, Any]:
        """Returns the serialised default optimizer and map (Keras's format)."""
        from kerax.optimizers._registry import serialize  # the registry lists this module's classes

        return {
            "default_optimizer": serialize(self._default_optimizer),
            "optimizer_map": {key: serialize(opt) for key, opt in self._optimizer_map.items()},
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> OptimizerMap:
        """Creates an OptimizerMap from ``get_config()`` output (Keras-saved configs too).

        Args:
            config: The config dict.
            custom_objects: Optional mapping of custom optimizer or schedule classes.
        """
        from kerax.optimizers._registry import deserialize  # the registry lists this module's classes

        if not isinstance(config, dict) or "default_optimizer" not in config:
            raise ValueError(
                f"OptimizerMap.from_config: expected a dict with 'default_optimizer'. Received: {config!r}"
            )
        default = deserialize(config["default_optimizer"], custom_objects=custom_objects)
        mapping = {
            key: deserialize(value, custom_objects=custom_objects)
            for key, value in (config.get("optimizer_map") or {}).items()
        }
        return cls(default, mapping)

    def __repr__(self) -> str:
        return f"OptimizerMap(default_optimizer={self._default_optimizer!r}, optimizer_map={self._optimizer_map!r})"


class MultiOptimizerState(NamedTuple):
    """The state of a ``MultiOptimizer``.

    Attributes:
        iterations: int32 scalar, the wrapper's step count.
        learning_rate: float32 scalar, the wrapper's (unused) learning rate, 0.
        inner: One ``OptimizerState`` per sub-optimizer, in ``optimizers`` order.
    """

    iterations: jax.Array
    learning_rate: jax.Array
    inner: tuple[OptimizerState, ...]


class _ParamInfo(NamedTuple):
    """What a selector sees of a parameter given to a pure ``init`` (no Variable): path, name, shape, dtype."""

    path: str
    name: str
    shape: tuple[int, ...]
    dtype: Any


def _key_text(key: Any) -> str:
    for attr in ("name", "key", "idx"):
        if hasattr(key, attr):
            return str(getattr(key, attr))
    return str(key)


class MultiOptimizer(Optimizer):
    """Delegates each variable to the optimizer an ``OptimizerMap`` or a callable chooses for it.

    Each sub-optimizer steps only its own variables, with its own learning
    rate, iteration count and options; the wrapper counts its own steps. As
    in Keras, the wrapper has no learning rate of its own (reading or setting
    ``learning_rate`` raises), and ``loss_scale_factor`` is passed on to every
    sub-optimizer.

    Args:
        optimizer_map: An ``OptimizerMap``, or a callable
            ``f(variable) -> Optimizer`` (it sees the variable given to
            ``build``, or, for a pure ``init`` on arrays, an object with the
            ``path`` built from the pytree's keys, ``name``, ``shape`` and
            ``dtype``).
        loss_scale_factor: Overrides the sub-optimizers' ``loss_scale_factor``. Defaults to ``None``.
        name: Name of the optimizer (default ``"multi_optimizer"`` made unique).

    Raises:
        TypeError: If ``optimizer_map`` is neither an OptimizerMap nor callable.
    """

    def __init__(
        self,
        optimizer_map: OptimizerMap | Callable[[Any], Optimizer],
        loss_scale_factor: float | None = None,
        name: str | None = None,
    ) -> None:
        if not callable(optimizer_map):
            raise TypeError(
                "Argument `optimizer_map` must be an OptimizerMap or a callable returning an Optimizer for a "
                f"variable. Received: {optimizer_map!r} of type {type(optimizer_map).__name__}"
            )
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers: list[Optimizer] = []
        if isinstance(optimizer_map, OptimizerMap):
            for opt in [*optimizer_map.values(), optimizer_map.default_optimizer]:
                self._add_inner(opt)
        # Per variable: the index of its sub-optimizer (set by `build` or `init`).
        self._assignment: tuple[int, ...] | None = None

    def _add_inner(self, optimizer: Optimizer) -> int:
        for i, known in enumerate(self._inner_optimizers):
            if known is optimizer:
                return i
        optimizer.loss_scale_factor = self.loss_scale_factor
        self._inner_optimizers.append(optimizer)
        return len(self._inner_optimizers) - 1

    @property
    def optimizers(self) -> list[Optimizer]:
        """The sub-optimizers, in the order their variables are listed."""
        return list(self._inner_optimizers)

    # ------------------------------------------------------------------ assignment
    def _select(self, variable: Any) -> int:
        if isinstance(self._optimizer_map, OptimizerMap):
            path = getattr(variable, "path", None)
            if not isinstance(path, str):
                path = str(getattr(variable, "name", ""))
            opt = self._optimizer_map.for_path(path)
        else:
            opt = self._optimizer_map(variable)
        where = f"MultiOptimizer '{self.name}', variable {getattr(variable, 'path', variable)!r}"
        _check_sub_optimizer(opt, where)
        return self._add_inner(opt)

    def _assign(self, items: Sequence[Any]) -> tuple[int, ...]:
        return tuple(self._select(v) for v in items)

    def _groups(self) -> list[list[int]]:
        groups: list[list[int]] = [[] for _ in self._inner_optimizers]
        for i, k in enumerate(self._assignment or ()):
            groups[k].append(i)
        return groups

    # ------------------------------------------------------------------ pure core
    def init(self, params: Any) -> MultiOptimizerState:
        """Returns a fresh state: each sub-optimizer's state for its share of ``params``.

        Args:
            params: The trainable parameters (a list of arrays, or any pytree).
        """
        paths_leaves = jax.tree_util.tree_flatten_with_path(params)[0]
        leaves = [jnp.asarray(leaf) for _, leaf in paths_leaves]
        if len(self._tracked) == len(leaves) and self._assignment is not None:
            assignment = self._assignment
        else:
            infos = []
            for path, leaf in paths_leaves:
                text = "/".join(_key_text(k) for k in path)
                infos.append(_ParamInfo(text, text.rsplit("/", 1)[-1], tuple(jnp.shape(leaf)), jnp.asarray(leaf).dtype))
            assignment = self._assign(infos)
        if assignment != self._assignment:
            self._assignment = assignment
            self._version += 1
            self._jitted.clear()
        inner = tuple(
            opt.init([leaves[i] for i in group])
            for opt, group in zip(self._inner_optimizers, self._groups(), strict=True)
        )
        return MultiOptimizerState(jnp.zeros((), jnp.int32), jnp.zeros((), jnp.float32), inner)

    def _update(
        self, grads: Any, state: MultiOptimizerState, params: Any, present: tuple[bool, ...] | None
    ) -> tuple[Any, MultiOptimizerState]:
        check_state(state, MultiOptimizerState)
        p_leaves, g_leaves, treedef = flat_leaves(grads, params)
        n = len(p_leaves)
        if self._assignment is None or len(self._assignment) != n or len(state.inner) != len(self._inner_optimizers):
            raise ValueError(
                f"MultiOptimizer '{self.name}' was set up for {len(self._assignment or ())} variables and "
                f"{len(state.inner)} sub-optimizer states; received {n} parameters. Call `init` or `build` on the "
                "current parameters."
            )
        present = present if present is not None else (True,) * n
        new_params = list(p_leaves)
        inner = list(state.inner)
        for k, (opt, group) in enumerate(zip(self._inner_optimizers, self._groups(), strict=True)):
            if not group or not any(present[i] for i in group):
                continue  # as in Keras: a sub-optimizer with nothing to apply does not step
            sub_p, sub_state = opt._update(
                [g_leaves[i] for i in group],
                inner[k],
                [p_leaves[i] for i in group],
                tuple(present[i] for i in group),
            )
            inner[k] = sub_state
            for i, value in zip(group, sub_p, strict=True):
                new_params[i] = value
        new_state = MultiOptimizerState(state.iterations + 1, state.learning_rate, tuple(inner))
        return jax.tree.unflatten(treedef, new_params), new_state

    def iterations_from_state(self, opt_state: MultiOptimizerState) -> jax.Array:  # type: ignore[override]
        """Returns the wrapper's step count recorded in ``opt_state``."""
        return opt_state.iterations

    def learning_rate_from_state(self, state: Any) -> jax.Array:
        """Raises: a MultiOptimizer has no learning rate of its own (ask a sub-optimizer)."""
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. "
            "Access the learning rate on the individual sub-optimizers instead."
        )

    # ------------------------------------------------------------------ variables
    def build(self, variables: Sequence[Any]) -> None:
        """Assigns each variable to its sub-optimizer, builds every sub-optimizer and the wrapper's variables.

        Args:
            variables: The trainable variables, in the order gradients will be given.
        """
        if self.built:
            return
        variables = list(variables)
        self._assignment = self._assign(variables)
        for opt, group in zip(self._inner_optimizers, self._groups(), strict=True):
            opt.build([variables[i] for i in group])
        self._tracked = variables
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._create_own(0)

    def _create_own(self, iteration: Any) -> None:
        self._variables = [
            self._new_variable("iteration", jnp.asarray(iteration, jnp.int32)),
            self._new_variable("learning_rate", jnp.zeros((), jnp.float32)),
        ]
        self._n_params = len(self._assignment or ())
        self._version += 1
        self._jitted.clear()

    def _build_from_state(self, state: MultiOptimizerState) -> None:  # type: ignore[override]
        if self._assignment is None:
            raise ValueError(
                f"MultiOptimizer '{self.name}': call `init(params)` or `build(variables)` before `set_state`, "
                "so that each variable's sub-optimizer is known."
            )
        for opt, sub in zip(self._inner_optimizers, state.inner, strict=True):
            if not opt.built:
                opt._build_from_state(sub)
        self._create_own(state.iterations)

    def _check_state_structure(self, state: MultiOptimizerState) -> None:  # type: ignore[override]
        if len(state.inner) != len(self._inner_optimizers):
            raise ValueError(
                f"MultiOptimizer '{self.name}' has {len(self._inner_optimizers)} sub-optimizers; the state given has "
                f"{len(state.inner)} sub-states."
            )
        for opt, sub in zip(self._inner_optimizers, state.inner, strict=True):
            opt._check_state_structure(sub)

    def _state_type(self) -> type:
        return MultiOptimizerState

    def _trace_version(self) -> Any:
        return (self._version, *(opt._trace_version() for opt in self._inner_optimizers))

    def _state_from_values(self, values: Sequence[Any]) -> MultiOptimizerState:  # type: ignore[override]
        inner, start = [], 2
        for opt in self._inner_optimizers:
            count = len(opt.variables)
            inner.append(opt._state_from_values(values[start : start + count]))
            start += count
        return MultiOptimizerState(values[0], values[1], tuple(inner))

    def _values_from_state(  # type: ignore[override]
        self, state: MultiOptimizerState, previous: Sequence[Any] | None = None
    ) -> list[Any]:
        out = [state.iterations, state.learning_rate]
        for opt, sub in zip(self._inner_optimizers, state.inner, strict=True):
            out += opt._values_from_state(sub)
        return out

    @property
    def variables(self) -> list[Variable]:
        """The wrapper's ``iteration`` and ``learning_rate``, then every sub-optimizer's variables (Keras's order)."""
        if not self.built:
            return []
        out = list(self._variables)
        for opt in self._inner_optimizers:
            out += opt.variables
        return out

    # ------------------------------------------------------------------ stateful surface
    @property
    def learning_rate(self) -> float:
        """Raises AttributeError: the sub-optimizers hold the learning rates."""
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. "
            "Access the learning rate on the individual sub-optimizers instead."
        )

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer. "
            f"Set the learning rate on the individual sub-optimizers instead (received {value!r})."
        )

    @property
    def use_ema(self) -> bool:
        """Whether any sub-optimizer keeps moving averages (so training ends with ``finalize_variable_values``)."""
        return any(opt.use_ema for opt in getattr(self, "_inner_optimizers", ()))

    @use_ema.setter
    def use_ema(self, value: bool) -> None:
        # The wrapper keeps no averages of its own (Keras's MultiOptimizer takes no `use_ema`); the base
        # constructor's False is all that is ever set here.
        if value:
            raise ValueError("MultiOptimizer takes no `use_ema`: set it on the sub-optimizers.")

    @property
    def loss_scale_factor(self) -> float | None:
        """The loss scale factor, shared with every sub-optimizer."""
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value: float | None) -> None:
        self._loss_scale_factor = value
        for opt in getattr(self, "_inner_optimizers", ()):
            opt.loss_scale_factor = value

    def finalize_variable_values(self, var_list: Sequence[Any]) -> None:
        """Lets each sub-optimizer finalise (e.g. EMA) its own variables.

        Args:
            var_list: The variables, in build order.
        """
        if not self.built:
            return
        var_list = list(var_list)
        for opt, group in zip(self._inner_optimizers, self._groups(), strict=True):
            if group:
                opt.finalize_variable_values([var_list[i] for i in group])

    # ------------------------------------------------------------------ serialisation
    def get_config(self) -> dict[str, Any]:
        """Returns Keras's config: the serialised map (or function), ``loss_scale_factor`` and ``name``.

        Raises:
            ValueError: If the selector is a lambda or a nested function, which cannot be serialised.
        """
        selector = self._optimizer_map
        if isinstance(selector, OptimizerMap):
            map_config: Any = {
                "module": "keras.optimizers",
                "class_name": "OptimizerMap",
                "config": selector.get_config(),
                "registered_name": None,
            }
        else:
            name = getattr(selector, "__qualname__", None)
            if not isinstance(name, str) or "<" in name or "." in name:
                raise ValueError(
                    f"MultiOptimizer '{self.name}': its selector {selector!r} cannot be serialised; use an "
                    "OptimizerMap or a module-level function."
                )
            map_config = {
                "module": getattr(selector, "__module__", None),
                "class_name": "function",
                "config": name,
                "registered_name": "function",
            }
        return {"optimizer_map": map_config, "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> MultiOptimizer:
        """Creates a MultiOptimizer from ``get_config()`` output (Keras-saved configs too).

        A function selector is looked up by name in ``custom_objects``.

        Args:
            config: The config dict.
            custom_objects: Optional mapping of custom classes and of the selector function.

        Raises:
            ValueError: If the selector function is not in ``custom_objects``.
        """
        config = dict(config)
        entry = config.pop("optimizer_map", None)
        if isinstance(entry, dict) and entry.get("class_name") == "OptimizerMap":
            selector: Any = OptimizerMap.from_config(entry.get("config") or {}, custom_objects=custom_objects)
        elif isinstance(entry, dict) and entry.get("class_name") == "function":
            selector = (custom_objects or {}).get(entry.get("config"))
            if not callable(selector):
                raise ValueError(
                    f"MultiOptimizer.from_config: the selector function {entry.get('config')!r} must be passed in "
                    "`custom_objects`."
                )
        else:
            raise ValueError(
                "MultiOptimizer.from_config: expected `optimizer_map` to be a serialised OptimizerMap or function. "
                f"Received: {entry!r}"
            )
        return cls(selector, **config)

    def __repr__(self) -> str:
        return f"MultiOptimizer(name={self.name!r}, optimizers={[opt.name for opt in self._inner_optimizers]})"
