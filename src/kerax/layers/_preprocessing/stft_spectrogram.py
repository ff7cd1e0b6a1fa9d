"""``STFTSpectrogram``: the short-time Fourier transform of audio as a convolution with Fourier kernels."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import jax
import jax.numpy as jnp

from kerax import initializers, ops
from kerax.backend import _config
from kerax.layers._conv_utils import normalize_data_format, output_length
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


def _positive_int(value: Any, name: str, who: str, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{who}: `{name}` must be a positive integer, received {name}={value!r}.")
    return int(value)


class STFTSpectrogram(Layer):
    """Spectrograms of ``(batch, time, channels)`` signals, computed by a convolution with STFT kernels.

    The kernels ``real_kernel`` and ``imag_kernel``, ``(frame_length, 1, fft_length // 2 + 1)``, hold
    the windowed Fourier basis (``kerax.initializers.STFT``); they are weights, trainable like any other
    (set ``trainable=False`` to keep the exact transform). Each channel is transformed on its own.

    Args:
        mode: the output: ``"log"`` (log magnitude, default), ``"magnitude"``, ``"psd"`` (power spectral
            density, the non-edge bins doubled), ``"real"``, ``"imag"``, ``"angle"`` (phase) or ``"stft"``
            (real parts then imaginary parts along the frequency axis).
        frame_length: the window length in samples (default 256).
        frame_step: the hop between frames (default ``frame_length // 2``); at most ``frame_length``.
        fft_length: the FFT size, at least ``frame_length`` (default the next power of two of it).
        window: a window name (``"hann"``, ``"hamming"``, ``"blackman"``, ``"bartlett"``, ``"boxcar"``),
            its values (``frame_length`` numbers) or None.
        periodic: whether a named window is periodic rather than symmetric (default False).
        scaling: ``"density"`` (window scaled to unit L2 norm, default), ``"spectrum"`` (unit L1 norm) or None.
        padding: ``"valid"`` (default) or ``"same"``, as for a convolution with stride ``frame_step``.
        expand_dims: keep channels and frequencies on separate axes: ``(batch, frames, freqs, channels)``
            (channels_last) instead of ``(batch, frames, channels * freqs)``.
        data_format: ``"channels_last"`` (inputs ``(batch, time, channels)``) or ``"channels_first"``
            (``(batch, channels, time)``); default ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: an argument out of range or unknown, naming it.
        TypeError: at call time, non-float inputs.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.STFTSpectrogram(frame_length=64, frame_step=32)(np.ones((2, 256, 1))).shape
        (2, 7, 33)
    """

    def __init__(
        self,
        mode: str = "log",
        frame_length: int = 256,
        frame_step: int | None = None,
        fft_length: int | None = None,
        window: Any = "hann",
        periodic: bool = False,
        scaling: str | None = "density",
        padding: str = "valid",
        expand_dims: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"STFTSpectrogram '{self.name}'"
        frame_length = int(_positive_int(frame_length, "frame_length", who))  # type: ignore[arg-type]
        frame_step = _positive_int(frame_step, "frame_step", who, allow_none=True)
        fft_length = _positive_int(fft_length, "fft_length", who, allow_none=True)
        if frame_step is not None and frame_step > frame_length:
            raise ValueError(
                f"{who}: `frame_step` must be a positive integer not greater than `frame_length`, received "
                f"frame_step={frame_step}, frame_length={frame_length}."
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                f"{who}: `fft_length` must be at least `frame_length`, received fft_length={fft_length}, "
                f"frame_length={frame_length}."
            )
        if fft_length is not None and fft_length & (fft_length - 1):
            warnings.warn(f"{who}: `fft_length` is best a power of two, received {fft_length}.", stacklevel=2)
        if mode not in MODES:
            raise ValueError(f"{who}: `mode` must be one of {', '.join(MODES)}, received mode={mode!r}.")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"{who}: `scaling` must be None, 'density' or 'spectrum', received {scaling!r}.")
        if padding not in ("valid", "same"):
            raise ValueError(f"{who}: `padding` must be 'valid' or 'same', received {padding!r}.")
        try:
            initializers.STFT("real", window, scaling, periodic)
        except ValueError as error:
            raise ValueError(f"{who}: invalid `window`: {error}") from error
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = bool(periodic)
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = bool(expand_dims)
        self.data_format = normalize_data_format(data_format, who)
        self.input_spec = InputSpec(ndim=3)
        self._compiled: Any = None

    def build(self, input_shape: Any) -> None:
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                shape, initializers.STFT("real", self.window, self.scaling, self.periodic), name="real_kernel"
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                shape, initializers.STFT("imag", self.window, self.scaling, self.periodic), name="imag_kernel"
            )

    # -- the transform -------------------------------------------------------------------------------
    def _transform(self, inputs: jax.Array, kernel: Any) -> jax.Array:
        """``(batch, channels, freqs, frames)``: each channel convolved with ``kernel`` on its own."""
        if self.data_format == "channels_last":
            steps, channels = inputs.shape[1], inputs.shape[2]
            signals = jnp.swapaxes(inputs, 1, 2).reshape(-1, steps, 1)
        else:
            channels, steps = inputs.shape[1], inputs.shape[2]
            signals = inputs.reshape(-1, 1, steps)
        out = ops.conv(
            signals,
            jnp.asarray(kernel, inputs.dtype),
            strides=self._frame_step,
            padding=self.padding,
            data_format=self.data_format,
        )
        if self.data_format == "channels_last":
            out = jnp.swapaxes(out, 1, 2)
        return out.reshape(-1, channels, out.shape[1], out.shape[2])

    def _arrange(self, spectra: jax.Array) -> jax.Array:
        """``(batch, channels, freqs, frames)`` to the layer's output layout."""
        _, channels, freqs, frames = spectra.shape
        if self.expand_dims:
            order = (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2)
            return jnp.transpose(spectra, order)
        flat = spectra.reshape(-1, channels * freqs, frames)
        return jnp.swapaxes(flat, 1, 2) if self.data_format == "channels_last" else flat

    def call(self, inputs: jax.Array) -> jax.Array:
        if jnp.dtype(inputs.dtype) not in (jnp.float16, jnp.float32, jnp.float64):
            raise TypeError(
                f"STFTSpectrogram '{self.name}': the inputs must be float16, float32 or float64, "
                f"received {inputs.dtype}."
            )
        real = self.real_kernel.value if self.mode != "imag" else None
        imag = self.imag_kernel.value if self.mode != "real" else None
        # One compiled function per input shape, rather than an XLA compilation per small op in eager calls.
        if self._compiled is None:
            object.__setattr__(self, "_compiled", jax.jit(self._spectrogram))
        return self._compiled(inputs, real, imag)

    def _spectrogram(self, inputs: jax.Array, real_kernel: Any, imag_kernel: Any) -> jax.Array:
        real = self._transform(inputs, real_kernel) if real_kernel is not None else None
        imag = self._transform(inputs, imag_kernel) if imag_kernel is not None else None
        if self.mode == "real":
            return self._arrange(real)
        if self.mode == "imag":
            return self._arrange(imag)
        if self.mode == "angle":
            return self._arrange(jnp.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(jnp.concatenate([real, imag], axis=2))
        power = jnp.square(real) + jnp.square(imag)
        if self.mode == "psd":
            doubled = jnp.pad(power[:, :, 1:-1, :], [(0, 0), (0, 0), (1, 1), (0, 0)])
            return self._arrange(power + doubled)
        eps = _config.epsilon()
        magnitude = self._arrange(jnp.sqrt(jnp.maximum(power, eps)))
        if self.mode == "magnitude":
            return magnitude
        return jnp.log(jnp.maximum(magnitude, eps))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            batch, steps, channels = input_shape
        else:
            batch, channels, steps = input_shape
        freqs = self._fft_length // 2 + 1
        if self.mode == "stft":
            freqs *= 2
        frames = output_length(steps, self.frame_length, self._frame_step, self.padding)
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, freqs, channels)
            return (batch, channels, frames, freqs)
        features = None if channels is None else freqs * channels
        return (batch, frames, features) if self.data_format == "channels_last" else (batch, features, frames)

    def get_config(self) -> dict[str, Any]:
        window = self.window.tolist() if hasattr(self.window, "tolist") else self.window
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        }
