"""Initializers: callables ``(shape, dtype) -> array`` that remember their configuration.

Values are drawn on the host with NumPy, from kerax's seeded generator (or the initializer's own
``seed``): creating weights compiles nothing, so building a model is quick, and ``set_random_seed``
makes it repeatable.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kerax._registry_utils import class_name, registered_from_config
from kerax._serialization._serialize import builtin_config
from kerax.backend import _random


class Initializer:
    """Base class: ``init(shape, dtype)`` returns a new array."""

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class _Seeded(Initializer):
    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ValueError(f"{type(self).__name__}: `seed` must be an int or None, received {seed!r}.")
        self.seed = seed

    def _rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed if self.seed is not None else _random.next_seed_int())

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        return np.zeros(shape, np.dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        return np.ones(shape, np.dtype(dtype))


class Constant(Initializer):
    """Initializer filling every entry with ``value``.

    Args:
        value: The value (default 0.0).
    """

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        return np.full(shape, self.value, np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


class RandomNormal(_Seeded):
    """Initializer drawing from a normal distribution.

    Args:
        mean: Mean of the distribution (default 0.0).
        stddev: Standard deviation of the distribution (default 0.05).
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        return (self.mean + self.stddev * self._rng().standard_normal(shape)).astype(np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Seeded):
    """Initializer drawing uniformly from ``[minval, maxval)``.

    Args:
        minval: Lower bound (default -0.05).
        maxval: Upper bound, excluded (default 0.05).
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None) -> None:
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        return self._rng().uniform(self.minval, self.maxval, shape).astype(np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_Seeded):
    """Initializer drawing from a normal distribution truncated at two standard deviations.

    Args:
        mean: Mean of the distribution (default 0.0).
        stddev: Standard deviation before truncation (default 0.05).
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        sample = _truncated_normal_samples(self._rng(), shape)
        return (self.mean + self.stddev * sample).astype(np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _truncated_normal_samples(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Unit normal samples truncated to [-2, 2], by redrawing the ones outside."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Fan-in and fan-out of a weight: a kernel ``(*receptive_field, in, out)`` as Keras counts them."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(_Seeded):
    """Scale-aware random init: variance ``scale / n`` with ``n`` from ``mode``.

    Args:
        scale: positive scale. Defaults to ``1.0``.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``. Defaults to ``"fan_in"``.
        distribution: ``"truncated_normal"``, ``"untruncated_normal"`` or ``"uniform"``.
            Defaults to ``"truncated_normal"``.
        seed: optional integer seed. Defaults to ``None``.
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        if scale <= 0:
            raise ValueError(f"VarianceScaling: `scale` must be positive, received {scale!r}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: `mode` must be fan_in, fan_out or fan_avg, received {mode!r}.")
        distribution = distribution.lower()
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform", "normal"):
            raise ValueError(
                "VarianceScaling: `distribution` must be truncated_normal, untruncated_normal or uniform, "
                f"received {distribution!r}."
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution in ("truncated_normal", "normal"):
            stddev = math.sqrt(variance) / 0.87962566103423978  # std of a unit normal truncated at 2
            out = stddev * _truncated_normal_samples(rng, shape)
        elif self.distribution == "untruncated_normal":
            out = math.sqrt(variance) * rng.standard_normal(shape)
        else:
            limit = math.sqrt(3.0 * variance)
            out = rng.uniform(-limit, limit, shape)
        return out.astype(np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


class _Preset(VarianceScaling):
    """A ``VarianceScaling`` whose scale, mode and distribution are fixed by the subclass; only ``seed`` is set."""

    _settings: tuple[float, str, str]  # (scale, mode, distribution)

    def __init__(self, seed: int | None = None) -> None:
        scale, mode, distribution = self._settings
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class GlorotUniform(_Preset):
    """Glorot (Xavier) uniform initializer: uniform in ``±sqrt(6 / (fan_in + fan_out))``.

    Args:
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).

    Example:
        >>> kerax.initializers.GlorotUniform(seed=1)((3, 4)).shape
        (3, 4)
    """

    _settings = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Glorot (Xavier) normal initializer: truncated normal with variance ``2 / (fan_in + fan_out)``.

    Args:
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).

    Example:
        >>> kerax.initializers.GlorotNormal(seed=1)((3, 4)).shape
        (3, 4)
    """

    _settings = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_Preset):
    """He uniform initializer: uniform in ``±sqrt(6 / fan_in)``.

    Args:
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).

    Example:
        >>> kerax.initializers.HeUniform(seed=1)((3, 4)).shape
        (3, 4)
    """

    _settings = (2.0, "fan_in", "uniform")


class HeNormal(_Preset):
    """He normal initializer: truncated normal with variance ``2 / fan_in``.

    Args:
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).

    Example:
        >>> kerax.initializers.HeNormal(seed=1)((3, 4)).shape
        (3, 4)
    """

    _settings = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """LeCun uniform initializer: uniform in ``±sqrt(3 / fan_in)``.

    Args:
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).

    Example:
        >>> kerax.initializers.LecunUniform(seed=1)((3, 4)).shape
        (3, 4)
    """

    _settings = (1.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """LeCun normal initializer: truncated normal with variance ``1 / fan_in``.

    Args:
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).

    Example:
        >>> kerax.initializers.LecunNormal(seed=1)((3, 4)).shape
        (3, 4)
    """

    _settings = (1.0, "fan_in", "truncated_normal")


class Orthogonal(_Seeded):
    """Initializer drawing a random (semi-)orthogonal matrix, times ``gain``.

    Args:
        gain: Factor applied to the matrix (default 1.0).
        seed: An int for repeatable draws; ``None`` (default) draws from kerax's global seed (``set_random_seed``).
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape must have at least 2 dimensions, received {shape}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))  # a uniformly distributed orthogonal matrix
        q = q.T if rows < cols else q
        return (self.gain * q.reshape(shape)).astype(np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """Initializer giving the identity matrix times ``gain`` (2-D shapes only).

    Args:
        gain: Factor applied to the matrix (default 1.0).
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        if len(shape) != 2:
            raise ValueError(f"Identity: the shape must be 2-D, received {shape}.")
        return (self.gain * np.eye(*shape)).astype(np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


_WINDOWS = {"hann": np.hanning, "hanning": np.hanning, "hamming": np.hamming, "blackman": np.blackman}
_WINDOWS.update({"bartlett": np.bartlett, "boxcar": np.ones, "rect": np.ones, "rectangular": np.ones})


def _window(name: str, length: int, periodic: bool) -> np.ndarray:
    """A window as ``scipy.signal.get_window(name, length, fftbins=periodic)`` gives it, for the usual names."""
    make = _WINDOWS.get(name.lower())
    if make is None:
        raise ValueError(f"STFT: unknown window {name!r}; kerax knows {sorted(_WINDOWS)}, or pass the window values.")
    return make(length + 1)[:-1] if periodic else make(length)


class STFT(Initializer):
    """Kernels of a convolution computing the real or imaginary part of a short-time Fourier transform.

    For shapes ``(frame_length, 1, fft_length // 2 + 1)``, as the ``STFTSpectrogram`` layer uses them.

    Args:
        side: ``"real"`` or ``"imag"``. Defaults to ``"real"``.
        window: a window name (``"hann"``, ``"hamming"``, ``"blackman"``, ``"bartlett"``, ``"boxcar"``), the
            window's values, or None. Defaults to ``"hann"``.
        scaling: ``"density"`` (divide by the window's L2 norm), ``"spectrum"`` (by its L1 norm) or None.
            Defaults to ``"density"``.
        periodic: whether a named window is periodic (DFT-even) rather than symmetric. Defaults to ``False``.
    """

    def __init__(
        self, side: str = "real", window: Any = "hann", scaling: str | None = "density", periodic: bool = False
    ) -> None:
        if side not in ("real", "imag"):
            raise ValueError(f"STFT: `side` must be 'real' or 'imag', received {side!r}.")
        if isinstance(window, str):
            _window(window, 1, False)
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"STFT: `scaling` must be None, 'density' or 'spectrum', received {scaling!r}.")
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape: tuple[int, ...], dtype: Any = "float32") -> np.ndarray:
        frame_length, _, bins = shape
        time = np.arange(frame_length, dtype=np.float64).reshape(frame_length, 1, 1)
        freq = np.arange(bins, dtype=np.float64).reshape(1, 1, bins) / ((bins - 1) * 2)
        angle = -2.0 * np.pi * time * freq
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            win = self.window
            win = _window(win, frame_length, self.periodic) if isinstance(win, str) else np.asarray(win, np.float64)
            if win.shape != (frame_length,):
                raise ValueError(f"STFT: the window must have shape ({frame_length},), received {win.shape}.")
            scale = 1.0
            if self.scaling == "density":
                scale = np.sqrt(np.sum(np.square(win)))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(win))
            kernel = kernel * win.reshape(frame_length, 1, 1) / scale
        return kernel.astype(np.dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        window = self.window.tolist() if isinstance(self.window, np.ndarray) else self.window
        return {"side": self.side, "window": window, "periodic": self.periodic, "scaling": self.scaling}


_CLASSES: dict[str, type[Initializer]] = {
    c.__name__: c
    for c in (
        Zeros,
        Ones,
        Constant,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        VarianceScaling,
        GlorotUniform,
        GlorotNormal,
        HeUniform,
        HeNormal,
        LecunUniform,
        LecunNormal,
        Orthogonal,
        Identity,
        STFT,
    )
}
_ALIASES = {
    "zero": "Zeros",
    "one": "Ones",
    "uniform": "RandomUniform",
    "normal": "RandomNormal",
    "identityinitializer": "Identity",
    "orthogonalinitializer": "Orthogonal",
    "stftinitializer": "STFT",
}

# Keras's other names for the same classes.
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
STFTInitializer = STFT
constant = Constant
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
identity = Identity
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
ones = Ones
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
stft = STFT
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
zeros = Zeros


def serialize(initializer: Initializer) -> dict[str, Any]:
    """The Keras config dict of ``initializer``.

    Args:
        initializer: An ``Initializer``.
    """
    return builtin_config(initializer, "keras.initializers")


def deserialize(config: dict[str, Any]) -> Initializer:
    """An initializer from a config dict (as ``serialize`` writes it).

    Args:
        config: ``{"class_name": ..., "config": {...}}``; registered custom classes are found by their registered name.
    """
    name = config.get("class_name")
    if name not in _CLASSES:
        return registered_from_config(config, "initializer", _CLASSES)
    return _CLASSES[name].from_config(config.get("config", {}))


def get(identifier: Any) -> Any:
    """An initializer from a name (``"he_normal"``, ``"HeNormal"``), a config dict, an instance or a callable.

    Args:
        identifier: A name, a config dict, an ``Initializer``, or a callable (returned as is).
    """
    if isinstance(identifier, Initializer) or (callable(identifier) and not isinstance(identifier, type)):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _CLASSES[class_name(identifier, _CLASSES, _ALIASES, "initializer")]()
    raise TypeError(f"Could not interpret initializer {identifier!r}: expected a name, a dict or a callable.")
