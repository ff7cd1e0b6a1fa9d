"""LoRA for layers with a ``kernel`` (``Dense``, ``EinsumDense``): a frozen kernel plus a learned low-rank update.

With LoRA enabled the layer computes with ``kernel + (lora_alpha / lora_rank) * lora_kernel_a @ lora_kernel_b``
and trains only the two factors (and the bias). Saving writes the merged kernel, as Keras does, so a saved
file holds plain ``kernel`` and ``bias`` arrays that any Dense/EinsumDense reads.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import initializers
from kerax.layers._layer import bump_structure_version


def check_lora_rank(rank: Any, who: str, what: str = "`lora_rank`") -> None:
    """Raise a ValueError unless ``rank`` is a positive int (``None`` is checked by the caller)."""
    if not isinstance(rank, int) or isinstance(rank, bool) or rank <= 0:
        raise ValueError(f"{who}: {what} must be a positive integer, received {rank!r}.")


class LoRAKernel:
    """The LoRA part of a layer whose kernel Variable is ``self._kernel`` and whose bias is ``self.bias``.

    The layer sets ``lora_rank``/``lora_alpha`` (``_init_lora``) in its constructor and calls
    ``_build_lora()`` at the end of ``build``.
    """

    lora_enabled = False

    def _init_lora(self, lora_rank: int | None, lora_alpha: float | None) -> None:
        if lora_rank is not None:
            check_lora_rank(lora_rank, self._who())
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _who(self) -> str:
        return f"{type(self).__name__} '{self.name}'"

    def _build_lora(self) -> None:
        if self.lora_rank:
            self.built = True
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self) -> Any:
        """The kernel Variable; with LoRA enabled, the array ``kernel + (lora_alpha / lora_rank) * A @ B``."""
        if "_kernel" not in self.__dict__:
            raise AttributeError(f"{self._who()}: build the layer before reading `kernel`.")
        if not self.lora_enabled:
            return self._kernel
        return self._merged_kernel().astype(self.compute_dtype)

    def _merged_kernel(self) -> jax.Array:
        delta = jnp.matmul(self.lora_kernel_a.value, self.lora_kernel_b.value)
        return self._kernel.value + (self.lora_alpha / self.lora_rank) * delta

    def _kernel_value(self) -> jax.Array:
        """The kernel the layer computes with (merged with the LoRA update when enabled)."""
        return self.kernel if self.lora_enabled else self._kernel.value

    def enable_lora(
        self,
        rank: int,
        lora_alpha: float | None = None,
        a_initializer: Any = "he_uniform",
        b_initializer: Any = "zeros",
    ) -> None:
        """Freeze the kernel and learn a low-rank update ``(lora_alpha / rank) * A @ B`` instead (LoRA).

        ``A`` has shape ``kernel.shape[:-1] + (rank,)``, ``B`` has shape ``(rank, kernel.shape[-1])``; both are
        float32 and take the kernel's regularizer.

        Args:
            rank: the rank of the update.
            lora_alpha: the scale numerator (default ``rank``).
            a_initializer: the initializer of ``A`` (default ``"he_uniform"``).
            b_initializer: the initializer of ``B`` (default ``"zeros"``: the update starts at zero).

        Raises:
            ValueError: if the layer has a kernel constraint, is not built, or already uses LoRA, or ``rank``
                is not a positive integer.
        """
        who = self._who()
        if self.kernel_constraint is not None:
            raise ValueError(f"{who}: LoRA is incompatible with kernel constraints; remove `kernel_constraint`.")
        if not self.built:
            raise ValueError(f"{who}: cannot enable LoRA on a layer that isn't built yet; build or call it first.")
        if self.lora_enabled:
            raise ValueError(f"{who}: LoRA is already enabled; it can be enabled only once per layer.")
        check_lora_rank(rank, who, "the LoRA `rank`")
        shape = tuple(self._kernel.shape)
        self.lora_kernel_a = self.add_weight(
            (*shape[:-1], rank),
            initializers.get(a_initializer),
            dtype="float32",
            name="lora_kernel_a",
            regularizer=self.kernel_regularizer,
        )
        self.lora_kernel_b = self.add_weight(
            (rank, shape[-1]),
            initializers.get(b_initializer),
            dtype="float32",
            name="lora_kernel_b",
            regularizer=self.kernel_regularizer,
        )
        self._kernel.trainable = False
        bump_structure_version()
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _saves_own_variables(self) -> bool:
        """Whether saving goes through ``save_own_variables`` (the merged kernel) rather than the weights."""
        return True

    def save_own_variables(self, store: dict[str, Any]) -> None:
        """With LoRA enabled, write the kernel with the update merged into it, then the bias, under "0", "1" (as
        Keras does); otherwise every weight in order, as any layer.

        Args:
            store: the dict to fill, by position.
        """
        if not self.lora_enabled:
            super().save_own_variables(store)  # every weight, in order, as any layer
            return
        store["0"] = np.asarray(self._merged_kernel().astype(self._kernel.dtype))
        if self.bias is not None:
            store["1"] = np.asarray(self.bias.value)

    def load_own_variables(self, store: Any) -> None:
        """Read what ``save_own_variables`` wrote; with LoRA enabled the saved kernel already holds the
        update, so the LoRA factors restart from zero (as in Keras).

        Args:
            store: a mapping from "0", "1"... to arrays.

        Raises:
            ValueError: if the number of arrays or a shape differs from the layer's kernel and bias.
        """
        if not self.lora_enabled:
            super().load_own_variables(store)
            return
        targets = [self._kernel] + ([self.bias] if self.bias is not None else [])
        keys = sorted(store.keys(), key=lambda k: int(k) if str(k).isdigit() else -1)
        arrays = [np.asarray(store[k]) for k in keys]
        want = [tuple(v.shape) for v in targets]
        got = [tuple(a.shape) for a in arrays]
        if want != got or any(not str(k).isdigit() for k in keys):
            raise ValueError(
                f"{self._who()}: expected arrays of shapes {want} (kernel, bias) in the weights file, "
                f"received {dict(zip(keys, got, strict=True))}."
            )
        for var, array in zip(targets, arrays, strict=True):
            var.assign(array)
        if self.lora_enabled:
            self.lora_kernel_a.assign(jnp.zeros(self.lora_kernel_a.shape, self.lora_kernel_a.dtype))
            self.lora_kernel_b.assign(jnp.zeros(self.lora_kernel_b.shape, self.lora_kernel_b.dtype))

    def _lora_config(self) -> dict[str, Any]:
        return {"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha} if self.lora_rank else {}


# Saving asks a hook's `used_when` whether it applies to a layer now (a subclass's own hooks always do).
for _hook in (LoRAKernel.save_own_variables, LoRAKernel.load_own_variables):
    _hook.used_when = lambda layer: layer._saves_own_variables()  # type: ignore[attr-defined]
