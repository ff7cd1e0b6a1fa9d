"""``AugMix``: mix an image with chains of random augmentations of itself, during training."""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, _is_number
from kerax.layers._preprocessing._image_utils import AFFINE_INTERPOLATIONS, check_choice, check_range_factor, compiled
from kerax.layers._preprocessing.rand_augment import augmentation_ops

ALL_OPS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
)
GEOMETRIC_AND_TONE_OPS = ALL_OPS[:7]


class AugMix(BaseRandomImageLayer):
    """In training, blend each batch with a mixture of ``num_chains`` randomly augmented copies of it.

    Each chain applies up to ``chain_depth`` operations (each step picks one of the operations or none,
    uniformly); the chains' results are averaged with Dirichlet(``alpha``) weights, and the average is
    mixed with the original using a Beta(``alpha``, ``alpha``) weight ``w``: ``w * x + (1 - w) * mix``,
    clipped to ``value_range``. The picks and weights are drawn per call for the whole batch.

    Args:
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        num_chains: the number of augmentation chains (default 3).
        chain_depth: the number of steps of each chain (default 3).
        factor: the strength of the operations, a number ``f`` in [0, 1] (range ``[0, f]``) or a pair
            within [0, 1] (default 0.3).
        alpha: the concentration of the Dirichlet and Beta distributions (default 1.0).
        all_ops: use all eleven operations (default); ``False`` leaves out the colour ones (brightness,
            colour degeneration, contrast, sharpness).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``, for the geometric operations.
        seed: an int, for a repeatable sequence of draws in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a non-positive ``num_chains``/``chain_depth``/``alpha``, a factor outside [0, 1]
            or an unknown ``interpolation``.

    Input shape:
        ``(batch, H, W, 3)`` or ``(H, W, 3)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.AugMix()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        value_range: tuple[float, float] = (0, 255),
        num_chains: int = 3,
        chain_depth: int = 3,
        factor: float | tuple[float, float] = 0.3,
        alpha: float = 1.0,
        all_ops: bool = True,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        for arg, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
                raise ValueError(f"{self._who}: `{arg}` must be a positive integer, received {value!r}.")
        if not _is_number(alpha) or alpha <= 0:
            raise ValueError(f"{self._who}: `alpha` must be a positive number, received alpha={alpha!r}.")
        self.value_range = value_range
        self.num_chains = int(num_chains)
        self.chain_depth = int(chain_depth)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = check_choice(interpolation, "interpolation", AFFINE_INTERPOLATIONS, self._who)
        ops = augmentation_ops(self.factor, value_range, interpolation, self.name)
        self._ops = [ops[name] for name in (ALL_OPS if self.all_ops else GEOMETRIC_AND_TONE_OPS)]

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        chain_key, weight_key, pick_key, ops_key = jax.random.split(key, 4)
        gammas = jax.random.gamma(chain_key, self.alpha, (self.num_chains,))
        chain_weights = (gammas / jnp.sum(gammas)).astype(images.dtype)
        keep = jax.random.beta(weight_key, self.alpha, self.alpha).astype(images.dtype)
        # Index len(ops) is "no operation" for that step.
        picks = jax.random.randint(pick_key, (self.num_chains, self.chain_depth), 0, len(self._ops) + 1)
        steps = jnp.arange(self.num_chains * self.chain_depth).reshape(self.num_chains, self.chain_depth)

        # Scans over chains and steps: every operation is traced once, and only the picked one runs.
        def step(chained: jax.Array, pick_and_index: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, None]:
            pick, index = pick_and_index
            step_key = jax.random.fold_in(ops_key, index)
            branches = [(lambda x, op=op: op.augment(x, step_key).astype(x.dtype)) for op in self._ops]
            return jax.lax.switch(pick, [*branches, lambda x: x], chained), None

        def chain(mixed: jax.Array, chain_inputs: tuple[jax.Array, jax.Array, jax.Array]) -> tuple[jax.Array, None]:
            chain_picks, chain_steps, weight = chain_inputs
            chained, _ = jax.lax.scan(step, images, (chain_picks, chain_steps))
            return mixed + chained * weight, None

        mixed, _ = jax.lax.scan(chain, jnp.zeros_like(images), (picks, steps, chain_weights))
        out = keep * images + (1 - keep) * mixed
        return jnp.clip(out, self.value_range[0], self.value_range[1]).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
