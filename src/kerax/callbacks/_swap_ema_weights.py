"""`SwapEMAWeights`: put the optimizer's moving averages into the model for evaluation (and saving)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax.callbacks._callback import Callback


def _ema_optimizers(optimizer: Any) -> list[Any]:
    """The optimizers (inner ones of a wrapper or a multi-optimizer included) that keep EMA averages."""
    if optimizer is None:
        raise ValueError(
            "SwapEMAWeights needs a compiled model whose optimizer was created with `use_ema=True`; "
            "received a model without an optimizer."
        )
    inner = getattr(optimizer, "inner_optimizer", None)  # LossScaleOptimizer
    if inner is not None:
        optimizer = inner
    members = getattr(optimizer, "optimizers", None)
    if members is not None:
        chosen = [opt for opt in members if getattr(opt, "use_ema", False)]
        if not chosen:
            raise ValueError(
                "SwapEMAWeights needs at least one inner optimizer with `use_ema=True`; received a "
                "multi-optimizer whose inner optimizers all have `use_ema=False`."
            )
        return chosen
    if not getattr(optimizer, "use_ema", False):
        raise ValueError(
            "SwapEMAWeights needs the optimizer to be created with `use_ema=True`; received "
            f"{type(optimizer).__name__} '{getattr(optimizer, 'name', '?')}' with "
            f"use_ema={getattr(optimizer, 'use_ema', None)!r}."
        )
    return [optimizer]


def _ema_pairs(optimizer: Any, model: Any) -> list[tuple[Any, Any]]:
    """`(model variable, its EMA Variable)` pairs of one EMA optimizer (empty before it is built)."""
    if not getattr(optimizer, "built", False):
        return []
    averages = [optimizer.variables[k] for k in optimizer._layout.ema]
    tracked = getattr(optimizer, "_tracked", None) or list(model.trainable_variables)
    if len(tracked) != len(averages):
        raise ValueError(
            f"SwapEMAWeights: optimizer '{optimizer.name}' keeps {len(averages)} moving averages but tracks "
            f"{len(tracked)} variables; expected one average per trainable variable."
        )
    return list(zip(tracked, averages, strict=True))


class SwapEMAWeights(Callback):
    """Swap the model's weights with the optimizer's moving averages around evaluation and prediction.

    The optimizer must be created with `use_ema=True`: it then keeps an exponential moving average
    of every trainable variable ("Polyak averaging"). Before evaluation (the validation of `fit`,
    `evaluate`) and prediction the averages are put into the model, and the trained values are put
    back afterwards, so that the metrics are those of the averaged weights while training goes on
    from the trained ones. The averages are copied into the model's variables and the trained
    values are kept aside (the optimizer's average variables are left as they are); changing the
    model's weights in another callback while the averages are swapped in gives undefined results.

    With `swap_on_epoch=True` the averages are also put into the model at the end of every epoch
    (and the trained values back at the start of the next), so that callbacks listed after this one,
    such as `ModelCheckpoint`, see and save the averaged weights. At the end of the last epoch the
    averages stay in the model, which is also what `fit` leaves there when it ends with `use_ema`.

    Example:
        ```python
        model.compile(optimizer=kerax.optimizers.SGD(use_ema=True), loss="mse")
        model.fit(x, y, callbacks=[SwapEMAWeights(swap_on_epoch=True), ModelCheckpoint("ema.keras")])
        ```

    Args:
        swap_on_epoch: Also swap at the end and the start of each epoch, for the callbacks after it.
            Defaults to `False`.
    """

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        if not isinstance(swap_on_epoch, bool):
            raise TypeError(f"SwapEMAWeights: `swap_on_epoch` must be a bool, received {swap_on_epoch!r}.")
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False
        self._saved: list[tuple[Any, Any]] = []
        self._swapped_for_test = False

    def _pairs(self) -> list[tuple[Any, Any]]:
        model = self.model
        pairs: list[tuple[Any, Any]] = []
        for optimizer in _ema_optimizers(getattr(model, "optimizer", None)):
            pairs.extend(_ema_pairs(optimizer, model))
        return pairs

    def _swap_in(self) -> None:
        """Put (a copy of) the averages into the model, keeping the trained values aside."""
        saved = []
        for variable, average in self._pairs():
            saved.append((variable, variable.value))
            # A copy: the model's variable and the average must not share the array a training step donates.
            variable.assign(jnp.copy(average.value))
        self._saved = saved

    def _swap_out(self) -> None:
        """Put the trained values kept aside by `_swap_in` back into the model."""
        for variable, trained in self._saved:
            variable.assign(trained)
        self._saved = []

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Check that the optimizer keeps moving averages.

        Args:
            logs: Unused.

        Raises:
            ValueError: If the model has no optimizer, or one without `use_ema=True`.
        """
        _ema_optimizers(getattr(self.model, "optimizer", None))
        self._ema_weights_in_model = False
        self._swapped_for_test = False
        self._saved = []

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Forget the swap state: `fit` leaves the averages in the model and in the average variables.

        Args:
            logs: Unused.
        """
        self._ema_weights_in_model = False
        self._swapped_for_test = False
        self._saved = []

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """With `swap_on_epoch`, put the trained weights back before the epoch trains.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Unused.
        """
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_out()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """With `swap_on_epoch`, put the averages into the model for the callbacks after this one.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Unused.
        """
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_in()
            self._ema_weights_in_model = True

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Put the averages into the model before evaluation.

        Args:
            logs: Unused.
        """
        if not self._ema_weights_in_model:
            self._swap_in()
            self._ema_weights_in_model = True
            self._swapped_for_test = True

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """Put the trained weights back after evaluation.

        Args:
            logs: Unused.
        """
        if self._swapped_for_test:
            self._swap_out()
            self._ema_weights_in_model = False
            self._swapped_for_test = False

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Put the averages into the model before prediction.

        Args:
            logs: Unused.
        """
        self.on_test_begin(logs)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        """Put the trained weights back after prediction.

        Args:
            logs: Unused.
        """
        self.on_test_end(logs)
