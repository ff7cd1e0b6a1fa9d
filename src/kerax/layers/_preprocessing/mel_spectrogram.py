"""``MelSpectrogram``: audio to (decibel) mel-scale spectrograms."""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp

from kerax import ops
from kerax.layers._layer import Layer

_MEL_BREAK_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(hertz: jax.Array) -> jax.Array:
    """The HTK mel scale: ``1127 * ln(1 + f / 700)``."""
    return _MEL_HIGH_FREQUENCY_Q * jnp.log(1.0 + hertz / _MEL_BREAK_HERTZ)


class MelSpectrogram(Layer):
    """Mel spectrograms of raw audio: ``(time,)`` or ``(batch, time)`` -> ``(..., num_mel_bins, frames)``.

    The signal is framed with reflection padding of ``fft_length // 2`` at both ends (``center=True``),
    windowed and Fourier transformed (``kerax.ops.stft``); the magnitudes raised to ``mag_exp`` are mapped
    onto ``num_mel_bins`` triangular mel filters (HTK scale) and, with ``power_to_db``, turned into
    decibels relative to ``ref_power``, clipped at ``top_db`` below the maximum of the whole call's batch
    (as Keras clips). The layer has no weights.

    Args:
        fft_length: the FFT size, also the default frame length (default 2048).
        sequence_stride: the hop between frames in samples (default 512).
        sequence_length: the window length in samples, at most ``fft_length`` (default ``fft_length``).
        window: ``"hann"`` (default), ``"hamming"``, the window's values, or None.
        sampling_rate: the sampling rate of the audio in Hz (default 16000).
        num_mel_bins: the number of mel bands (default 128).
        min_freq: the lower edge of the lowest band in Hz (default 20).
        max_freq: the upper edge of the highest band in Hz (default ``sampling_rate / 2``).
        power_to_db: output decibels (default True) rather than mel power.
        top_db: the dynamic range kept below the maximum, in dB (default 80).
        mag_exp: the exponent of the magnitudes: 1 for amplitude, 2 for power (default 2).
        min_power: the floor of the power before the logarithm (default 1e-10).
        ref_power: the power that maps to 0 dB (default 1).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: ``fft_length`` smaller than ``sequence_length``, or a non-positive size.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.MelSpectrogram(fft_length=256, sequence_stride=128, num_mel_bins=16)(np.ones((2, 1024))).shape
        (2, 16, 9)
    """

    def __init__(
        self,
        fft_length: int = 2048,
        sequence_stride: int = 512,
        sequence_length: int | None = None,
        window: Any = "hann",
        sampling_rate: int = 16000,
        num_mel_bins: int = 128,
        min_freq: float = 20.0,
        max_freq: float | None = None,
        power_to_db: bool = True,
        top_db: float = 80.0,
        mag_exp: float = 2.0,
        min_power: float = 1e-10,
        ref_power: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"MelSpectrogram '{self.name}'"
        for arg, value in (
            ("fft_length", fft_length),
            ("sequence_stride", sequence_stride),
            ("num_mel_bins", num_mel_bins),
            ("sequence_length", sequence_length if sequence_length is not None else 1),
        ):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{who}: `{arg}` must be a positive integer, received {arg}={value!r}.")
        if isinstance(sampling_rate, bool) or not isinstance(sampling_rate, numbers.Real) or sampling_rate <= 0:
            raise ValueError(f"{who}: `sampling_rate` must be a positive number, received {sampling_rate!r}.")
        self.fft_length = int(fft_length)
        self.sequence_stride = int(sequence_stride)
        self.sequence_length = int(sequence_length or fft_length)
        if self.fft_length < self.sequence_length:
            raise ValueError(
                f"{who}: `fft_length` must be greater than or equal to `sequence_length`, received "
                f"sequence_length={self.sequence_length}, fft_length={self.fft_length}."
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = int(num_mel_bins)
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = bool(power_to_db)
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        self._compiled: Any = None

    def call(self, inputs: jax.Array) -> jax.Array:
        if inputs.ndim not in (1, 2):
            raise ValueError(
                f"MelSpectrogram '{self.name}': the inputs must be audio of shape (time,) or (batch, time), "
                f"received shape {tuple(inputs.shape)}."
            )
        compute = jnp.dtype(self.compute_dtype)
        dtype = compute if compute in (jnp.float32, jnp.float64) else jnp.dtype("float32")
        # One compiled function per input shape, rather than an XLA compilation per small op in eager calls.
        if self._compiled is None:
            object.__setattr__(self, "_compiled", jax.jit(self._spectrogram))
        return self._compiled(jnp.asarray(inputs, dtype)).astype(self.compute_dtype)

    def _spectrogram(self, inputs: jax.Array) -> jax.Array:
        real, imag = ops.stft(
            inputs,
            sequence_length=self.sequence_length,
            sequence_stride=self.sequence_stride,
            fft_length=self.fft_length,
            window=self.window,
            center=True,
        )
        spectra = jnp.power(jnp.sqrt(jnp.square(real) + jnp.square(imag)), self.mag_exp)
        matrix = self.linear_to_mel_weight_matrix(
            num_mel_bins=self.num_mel_bins,
            num_spectrogram_bins=spectra.shape[-1],
            sampling_rate=self.sampling_rate,
            lower_edge_hertz=self.min_freq,
            upper_edge_hertz=self.max_freq,
        )
        mel = jnp.tensordot(spectra, matrix, axes=1)
        if self.power_to_db:
            mel = self._to_db(mel)
        return jnp.swapaxes(mel, -1, -2)

    def _to_db(self, power: jax.Array) -> jax.Array:
        db = 10.0 * jnp.log10(jnp.maximum(power, self.min_power))
        reference = jnp.abs(jnp.asarray(self.ref_power, power.dtype))
        db = db - 10.0 * jnp.log10(jnp.maximum(reference, self.min_power))
        return jnp.maximum(db, jnp.max(db) - self.top_db)

    def linear_to_mel_weight_matrix(
        self,
        num_mel_bins: int = 20,
        num_spectrogram_bins: int = 129,
        sampling_rate: float = 8000,
        lower_edge_hertz: float = 125.0,
        upper_edge_hertz: float = 3800.0,
        dtype: Any = "float32",
    ) -> jax.Array:
        """The ``(num_spectrogram_bins, num_mel_bins)`` matrix of triangular mel filters (peak 1).

        Bin 0 (DC) gets no weight; each band rises linearly in mel from its lower edge to its centre and
        falls to its upper edge, the ``num_mel_bins + 2`` edges equally spaced in mel (HTK scale) between
        ``lower_edge_hertz`` and ``upper_edge_hertz``. The layer calls it with its own settings.

        Args:
            num_mel_bins: the number of mel bands.
            num_spectrogram_bins: the number of linear frequency bins, ``fft_length // 2 + 1``.
            sampling_rate: the audio's sampling rate in Hz (the bins span ``[0, sampling_rate / 2]``).
            lower_edge_hertz: the lower edge of the lowest band.
            upper_edge_hertz: the upper edge of the highest band.
            dtype: the matrix's dtype.

        Returns:
            The weight matrix that right-multiplies a linear spectrogram.
        """
        nyquist = jnp.asarray(sampling_rate, dtype) / 2.0
        linear = jnp.linspace(jnp.asarray(0.0, dtype), nyquist, num_spectrogram_bins)[1:]
        bins_mel = _hertz_to_mel(linear)[:, None]
        edges = jnp.linspace(
            _hertz_to_mel(jnp.asarray(lower_edge_hertz, dtype)),
            _hertz_to_mel(jnp.asarray(upper_edge_hertz, dtype)),
            num_mel_bins + 2,
        )
        lower, center, upper = (edges[k : k + num_mel_bins][None, :] for k in range(3))
        rising = (bins_mel - lower) / (center - lower)
        falling = (upper - bins_mel) / (upper - center)
        weights = jnp.maximum(jnp.asarray(0.0, dtype), jnp.minimum(rising, falling))
        return jnp.pad(weights, [(1, 0), (0, 0)])

    def _frames(self, steps: int | None) -> int | None:
        if steps is None:
            return None
        padded = steps + 2 * (self.fft_length // 2)
        return 1 + (padded - self.fft_length) // self.sequence_stride

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if len(input_shape) == 1:
            return (self.num_mel_bins, self._frames(input_shape[0]))
        if len(input_shape) != 2:
            raise ValueError(
                f"MelSpectrogram '{self.name}': the inputs must be audio of shape (time,) or (batch, time), "
                f"received shape {input_shape}."
            )
        return (input_shape[0], self.num_mel_bins, self._frames(input_shape[1]))

    def get_config(self) -> dict[str, Any]:
        window = self.window.tolist() if hasattr(self.window, "tolist") else self.window
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }
