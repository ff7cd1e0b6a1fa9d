"""Global settings, with Keras's names: float type, fuzz factor, image layout, run caps and switches."""

from __future__ import annotations

import os
import warnings
from typing import Any

import jax

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_DATA_FORMATS = ("channels_last", "channels_first")


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


# As in Keras, KERAS_MAX_EPOCHS and KERAS_MAX_STEPS_PER_EPOCH cap every run started by this process.
_caps: dict[str, int | None] = {
    "epochs": _env_int("KERAS_MAX_EPOCHS"),
    "steps_per_epoch": _env_int("KERAS_MAX_STEPS_PER_EPOCH"),
}
_switches: dict[str, Any] = {"interactive_logging": True, "traceback_filtering": True, "flash_attention": None}
_jax_traceback_filtering: list[str] = []


def floatx() -> str:
    """Return the default float type, as a string (``"float32"``)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type: one of ``"float16"``, ``"bfloat16"``, ``"float32"``, ``"float64"``.

    Args:
        value: The float type's name.
    """
    global _FLOATX
    allowed = ("float16", "bfloat16", "float32", "float64")
    if value not in allowed:
        raise ValueError(f"set_floatx: expected one of {allowed}, received {value!r}.")
    _FLOATX = str(value)


def epsilon() -> float:
    """Return the fuzz factor used in numeric expressions (1e-7, as in Keras)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions (``kerax.config.epsilon()``, default 1e-7).

    Args:
        value: The new value, a small positive float.
    """
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """Return the image layout that layers given ``data_format=None`` use (``"channels_last"``)."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Set the image layout that layers given ``data_format=None`` use: ``"channels_last"`` or ``"channels_first"``.

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """
    global _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in _DATA_FORMATS:
        raise ValueError(
            f"set_image_data_format: expected 'channels_last' or 'channels_first', received {data_format!r}."
        )
    _IMAGE_DATA_FORMAT = value


def standardize_data_format(data_format: str | None) -> str:
    """``None`` -> the global ``image_data_format()``; otherwise the validated, lower-cased format."""
    if data_format is None:
        return image_data_format()
    value = str(data_format).lower()
    if value not in _DATA_FORMATS:
        raise ValueError(f"`data_format` must be 'channels_last' or 'channels_first', received {data_format!r}.")
    return value


def kerax_home() -> str:
    """Return the kerax home folder: ``$KERAX_HOME`` if set, else ``~/.kerax``.

    Returns:
        An absolute path (it may not exist yet).
    """
    return os.path.abspath(os.path.expanduser(os.environ.get("KERAX_HOME") or os.path.join("~", ".kerax")))


def backend() -> str:
    """Return the name of the backend kerax runs on: always ``"jax"``."""
    return "jax"


def set_backend(backend: str) -> None:
    """Select the backend; kerax runs on JAX only, so only ``"jax"`` is accepted.

    Args:
        backend: The backend's name; only ``"jax"``.
    """
    if backend != "jax":
        raise ValueError(f"set_backend: kerax runs on JAX only; received backend={backend!r}.")


def is_nnx_enabled() -> bool:
    """Whether Flax NNX integration is on: never in kerax, which does not use Flax."""
    return False


# -- run caps ------------------------------------------------------------------------------------------
def _check_cap(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: expected a non-negative integer or None, received {value!r}.")
    return int(value)


def max_epochs() -> int | None:
    """The cap on the number of epochs of any ``fit``, or None (no cap)."""
    return _caps["epochs"]


def set_max_epochs(max_epochs: int | None) -> None:
    """Cap the number of epochs of every ``fit`` (for quick debugging runs); None removes the cap.

    Args:
        max_epochs: The most epochs a ``fit`` runs, or ``None``.
    """
    _caps["epochs"] = _check_cap("set_max_epochs", max_epochs)


def max_steps_per_epoch() -> int | None:
    """The cap on the steps of one epoch of ``fit``, ``evaluate`` or ``predict``, or None (no cap)."""
    return _caps["steps_per_epoch"]


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Cap the steps of one epoch of every ``fit``, ``evaluate`` and ``predict``; None removes the cap.

    Args:
        max_steps_per_epoch: The most steps an epoch runs, or ``None``.
    """
    _caps["steps_per_epoch"] = _check_cap("set_max_steps_per_epoch", max_steps_per_epoch)


def capped_epochs(epochs: int) -> int:
    """``epochs`` limited by ``max_epochs()``, warning when the cap applies (as Keras does)."""
    cap = _caps["epochs"]
    if cap and cap < epochs:
        warnings.warn(f"Limiting epochs to {cap} (kerax.config.max_epochs()).", stacklevel=3)
        return cap
    return epochs


def capped_steps(steps: int | None, known: int | None) -> int | None:
    """A step limit under ``max_steps_per_epoch()``: ``steps`` as given, or the cap when it is smaller.

    Args:
        steps: the limit the caller asked for (None: the whole data).
        known: the steps the data gives under ``steps``, when known.
    """
    cap = _caps["steps_per_epoch"]
    if cap and (known is None or cap < known):
        warnings.warn(f"Limiting steps_per_epoch to {cap} (kerax.config.max_steps_per_epoch()).", stacklevel=3)
        return cap
    return steps


# -- switches ------------------------------------------------------------------------------------------
def enable_interactive_logging() -> None:
    """Write progress bars and messages to stdout (the default)."""
    _switches["interactive_logging"] = True


def disable_interactive_logging() -> None:
    """Send progress and messages to the ``logging`` module (logger ``"kerax"``, level INFO) instead of stdout."""
    _switches["interactive_logging"] = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress bars and messages go to stdout (True) or to the ``logging`` module (False)."""
    return bool(_switches["interactive_logging"])


def enable_traceback_filtering() -> None:
    """Shorten tracebacks again (the default): JAX's filtering of its internal frames is restored."""
    _switches["traceback_filtering"] = True
    if _jax_traceback_filtering:
        jax.config.update("jax_traceback_filtering", _jax_traceback_filtering.pop())


def disable_traceback_filtering() -> None:
    """Show full tracebacks: switches JAX's ``jax_traceback_filtering`` to ``"off"`` until re-enabled.

    kerax does not rewrite tracebacks itself; the frames hidden by default are JAX's internal ones.
    """
    if _switches["traceback_filtering"]:
        _jax_traceback_filtering.append(jax.config.jax_traceback_filtering)
    _switches["traceback_filtering"] = False
    jax.config.update("jax_traceback_filtering", "off")


def is_traceback_filtering_enabled() -> bool:
    """Whether tracebacks are shortened (True by default)."""
    return bool(_switches["traceback_filtering"])


def enable_flash_attention() -> None:
    """Let attention layers given ``flash_attention=None`` use flash attention (the default, as in Keras)."""
    _switches["flash_attention"] = None


def disable_flash_attention() -> None:
    """Make attention layers given ``flash_attention=None`` compute attention without flash attention."""
    _switches["flash_attention"] = False


def is_flash_attention_enabled() -> bool | None:
    """False once disabled; otherwise None, Keras's "enabled where supported" value."""
    return _switches["flash_attention"]


def enable_unsafe_deserialization() -> None:
    """Keras's switch to let loading run code (lambdas) stored in files; kerax has no such mode.

    kerax's loaders never import modules, unpickle or run bytecode named by a file: a ``Lambda`` layer or
    a custom object is rebuilt only from code the caller registers or passes as ``custom_objects``. There is
    nothing unsafe to enable, so this only warns.
    """
    warnings.warn(
        "kerax.config.enable_unsafe_deserialization() has no effect: kerax's files cannot run code, so "
        "there is no unsafe mode. Pass your functions and classes in `custom_objects` (or register them "
        "with @kerax.saving.register_keras_serializable) to load models that use them.",
        stacklevel=2,
    )
