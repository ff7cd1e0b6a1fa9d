"""`LambdaCallback`: build a callback from plain functions."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from kerax.callbacks._callback import ALL_HOOKS, Callback

HookFn = Callable[..., Any]


class LambdaCallback(Callback):
    """Callback whose hooks are the functions given; hooks not given do nothing.

    Epoch hooks take `(epoch, logs)`, batch hooks `(batch, logs)`, begin/end hooks `(logs)`.
    Other hooks (e.g. `on_test_batch_end`, `on_batch_end`) can be passed as keyword arguments.
    Giving a batch-level hook makes the training loop call it after every batch.

    Args:
        on_epoch_begin: Called at the start of every epoch. Defaults to `None`.
        on_epoch_end: Called at the end of every epoch. Defaults to `None`.
        on_train_begin: Called when training starts. Defaults to `None`.
        on_train_end: Called when training ends. Defaults to `None`.
        on_train_batch_begin: Called before every training batch. Defaults to `None`.
        on_train_batch_end: Called after every training batch. Defaults to `None`.
        **kwargs: Other hooks by name; other names are set as plain attributes.
    """

    def __init__(
        self,
        on_epoch_begin: HookFn | None = None,
        on_epoch_end: HookFn | None = None,
        on_train_begin: HookFn | None = None,
        on_train_end: HookFn | None = None,
        on_train_batch_begin: HookFn | None = None,
        on_train_batch_end: HookFn | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, value in kwargs.items():
            if name in ALL_HOOKS:
                hooks[name] = value
            else:
                if name.startswith("on_"):
                    warnings.warn(
                        f"LambdaCallback: {name!r} is not a callback hook (expected one of "
                        f"{', '.join(ALL_HOOKS)}); it is stored as an attribute and never called.",
                        stacklevel=2,
                    )
                setattr(self, name, value)
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback: `{name}` must be callable or None, received {fn!r}.")
            setattr(self, name, fn)
