"""``SeedGenerator``: a seed whose state lives in a Variable, so layers can carry it through ``fit``."""

from __future__ import annotations

import random as _py_random
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.backend import _naming, _random, _scope
from kerax.backend._variables import Variable

_ORDERED_STEP = np.array([0, 1], np.uint32)


class SeedGenerator:
    """A source of fresh seeds: each draw returns the current ``[seed, counter]`` state and advances it.

    Pass it as ``seed=`` to ``kerax.random`` functions to draw new numbers on every call. Set as a layer
    attribute, its state is one of the layer's non-trainable variables: inside ``fit`` the state advances
    every step and is written back, so a run repeats exactly after ``kerax.utils.set_random_seed``.

    Args:
        seed: an int; default a number drawn from Python's ``random`` (which ``set_random_seed`` seeds).
        name: the generator's name (default ``seed_generator``, ``seed_generator_1``...).
        **kwargs: ``backend``, accepted for Keras compatibility and ignored; any other keyword raises a ValueError.
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognised keyword arguments {sorted(kwargs)}.")
        self.name = name or _naming.uniquify("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = _py_random.randint(1, 10**9)
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise ValueError(f"SeedGenerator: `seed` must be an integer, received {seed!r}.")
        self.state = Variable(
            np.array([int(seed) % 2**32, 0], np.uint32),
            dtype="uint32",
            trainable=False,
            autocast=False,
            name="seed_generator_state",
            path=f"{self.name}/seed_generator_state",
        )

    def next(self, ordered: bool = True) -> jax.Array:
        """The current state, a ``uint32`` key of shape ``(2,)``; the state moves on to the next one."""
        current = self.state.value
        if ordered:
            following = current + jnp.asarray(_ORDERED_STEP)
        else:
            following = (current + 1) * 5387 % 933199
        scope = _scope.current()
        if isinstance(following, jax.core.Tracer) and (scope is None or scope.get(self.state) is None):
            # Traced, but the state was not handed to the trace: its advance could not be kept.
            if _scope.innermost_with_rng() is not None:
                return jax.random.key_data(_random.draw_key())
            raise ValueError(
                f"SeedGenerator '{self.name}' was used inside a traced function that does not carry its state. "
                "Set it as an attribute of the layer that draws from it (its state then flows through `fit`, "
                "`predict` and `stateless_call`), or pass an explicit JAX key as `seed`."
            )
        self.state.assign(following)
        return current

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator name={self.name}, seed={self._initial_seed}>"
