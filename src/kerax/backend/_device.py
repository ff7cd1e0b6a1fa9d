"""``device(name)``: a ``with`` block in which new arrays are placed on one device."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import jax


def to_device(device_name: Any) -> jax.Device:
    """A ``jax.Device`` from ``"cpu"``, ``"gpu:1"``, ``"tpu:0"`` or a ``jax.Device``."""
    if isinstance(device_name, jax.Device):
        return device_name
    if not isinstance(device_name, str) or not device_name:
        raise ValueError(f"device: expected a string like 'gpu:0' or a jax.Device, received {device_name!r}.")
    kind, _, index = device_name.lower().partition(":")
    kind = {"cuda": "gpu", "rocm": "gpu"}.get(kind, kind)
    try:
        devices = jax.devices(kind)
    except RuntimeError as error:
        raise ValueError(f"device: no {kind!r} device is available (requested {device_name!r}).") from error
    position = int(index) if index else 0
    if not 0 <= position < len(devices):
        raise ValueError(f"device: {device_name!r} does not exist; there are {len(devices)} {kind} device(s).")
    return devices[position]


def device(device_name: Any) -> AbstractContextManager[Any]:
    """Place the arrays created inside the ``with`` block on ``device_name`` (``"cpu"``, ``"gpu:0"``...).

    Args:
        device_name: A device name such as ``"cpu"``, ``"gpu:0"``, or a JAX device.
    """
    return jax.default_device(to_device(device_name))
