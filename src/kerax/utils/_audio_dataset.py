"""``audio_dataset_from_directory``: a Grain dataset of float32 audio (and labels) from class folders of WAV files.

WAV files are parsed with the standard library's ``struct`` and NumPy: PCM with 8, 16, 24 or 32 bits per
sample and IEEE float with 32 or 64 bits, plain or ``WAVE_FORMAT_EXTENSIBLE``. Samples are scaled to
``[-1, 1)`` as TensorFlow's ``decode_wav`` scales 16-bit PCM (divided by 32768; 8-bit PCM is unsigned,
centred on 128).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerax.utils import _dataset_utils as du

ALLOWED_FORMATS = (".wav",)
_WHO = "audio_dataset_from_directory"
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def read_wav(path: str) -> tuple[np.ndarray, int]:
    """``(audio, sample_rate)``: the samples of a WAV file as float32 ``(frames, channels)``."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise ValueError(f"{_WHO}: could not read the audio file {path!r}: {error}") from error

    def bad(reason: str) -> ValueError:
        return ValueError(f"{_WHO}: could not decode the WAV file {path!r}: {reason}")

    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise bad("it is not a RIFF/WAVE file")
    fmt = None
    samples = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id == b"fmt ":
            if len(body) < 16:
                raise bad("its 'fmt ' chunk is too short")
            fmt = struct.unpack("<HHIIHH", body[:16])
            if fmt[0] == _EXTENSIBLE:
                if len(body) < 26:
                    raise bad("its extensible 'fmt ' chunk is too short")
                fmt = (struct.unpack("<H", body[24:26])[0], *fmt[1:])
        elif chunk_id == b"data":
            samples = body
            break
        pos += 8 + size + (size & 1)  # chunks are padded to an even size
    if fmt is None or samples is None:
        raise bad("it has no 'fmt ' chunk before its 'data' chunk")
    audio_format, channels, rate, _, _, bits = fmt
    if channels < 1:
        raise bad(f"it has {channels} channels")
    width = bits // 8
    if bits % 8 or width == 0:
        raise bad(f"{bits} bits per sample is not supported")
    usable = len(samples) - len(samples) % (width * channels)
    raw = np.frombuffer(samples[:usable], dtype=np.uint8)
    if audio_format == _PCM and width == 1:
        audio = (raw.astype(np.float32) - 128.0) / 128.0
    elif audio_format == _PCM and width in (2, 4):
        ints = raw.view(f"<i{width}")
        audio = (ints.astype(np.float64) / float(2 ** (bits - 1))).astype(np.float32)
    elif audio_format == _PCM and width == 3:
        triples = raw.reshape(-1, 3).astype(np.int32)
        ints = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        audio = (ints / float(1 << 23)).astype(np.float32)
    elif audio_format == _FLOAT and width in (4, 8):
        audio = raw.view(f"<f{width}").astype(np.float32)
    else:
        raise bad(
            f"format {audio_format} with {bits} bits per sample is not supported (PCM with 8, 16, 24 or 32 bits and "
            "IEEE float with 32 or 64 bits are)"
        )
    return audio.reshape(-1, channels), int(rate)


def resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Band-limited resampling of ``(frames, channels)`` audio by the FFT (as ``scipy.signal.resample``)."""
    if rate_in == rate_out or audio.shape[0] == 0:
        return audio
    frames = audio.shape[0]
    out_frames = max(1, int(round(frames * rate_out / rate_in)))
    spectrum = np.fft.rfft(audio.astype(np.float64), axis=0)
    common = min(frames, out_frames)
    new = np.zeros((out_frames // 2 + 1, audio.shape[1]), dtype=np.complex128)
    new[: common // 2 + 1] = spectrum[: common // 2 + 1]
    if common % 2 == 0 and out_frames != frames:
        # The shorter length's Nyquist bin stands for two bins of the longer spectrum: fold or split it.
        new[common // 2] *= 2.0 if out_frames < frames else 0.5
    out = np.fft.irfft(new, n=out_frames, axis=0) * (out_frames / frames)
    return out.astype(np.float32)


def load_audio(path: str, sampling_rate: int | None, output_sequence_length: int | None) -> np.ndarray:
    """A WAV file as float32 ``(frames, channels)``: cut or zero-padded, then resampled, as Keras orders it."""
    audio, rate = read_wav(path)
    if output_sequence_length is not None:
        if audio.shape[0] >= output_sequence_length:
            audio = audio[:output_sequence_length]
        else:
            audio = np.pad(audio, ((0, output_sequence_length - audio.shape[0]), (0, 0)))
    if sampling_rate is not None:
        audio = resample(audio, rate, sampling_rate)
    return np.ascontiguousarray(audio, dtype=np.float32)


def _padded_batch(values: Sequence[Any]) -> Any:
    """Batch samples whose audio lengths differ: zero-pad each to the longest in the batch."""
    audio = [v[0] if isinstance(v, tuple) else v for v in values]
    longest = max(a.shape[0] for a in audio)
    padded = np.stack([np.pad(a, ((0, longest - a.shape[0]), (0, 0))) for a in audio])
    if isinstance(values[0], tuple):
        return padded, np.stack([v[1] for v in values])
    return padded


def _ragged_batch(values: Sequence[Any]) -> Any:
    """Batch samples without padding: a list of ``(frames_i, channels)`` arrays."""
    if isinstance(values[0], tuple):
        return [v[0] for v in values], np.stack([v[1] for v in values])
    return list(values)


def audio_dataset_from_directory(
    directory: Any,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: Any = None,
    batch_size: int | None = 32,
    sampling_rate: int | None = None,
    output_sequence_length: int | None = None,
    ragged: bool = False,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    verbose: bool = True,
) -> Any:
    """Generates a Grain dataset of audio (and labels) from WAV files in a directory.

    With `labels="inferred"`, each subdirectory of `directory` is a class (in alphanumeric order, or the
    order of `class_names`) and holds that class's `.wav` files, at any depth. Files are listed, labelled,
    shuffled and split exactly as Keras does, so the same `seed` gives the same files in the same order.
    Each file becomes float32 audio `(frames, channels)` with values in `[-1, 1)`.

    Args:
        directory: The folder holding the audio files.
        labels: `"inferred"` (labels from the subdirectory names), `None` (no labels), or a list/tuple of
            integer labels, one per audio file, in the alphanumeric order of the file paths. Defaults to `"inferred"`.
        label_mode: `"int"` (int32 labels `(batch,)`), `"categorical"` (float32 one-hot `(batch,
            num_classes)`), `"binary"` (float32 `(batch, 1)`, exactly 2 classes) or `None` (no labels).
            Defaults to `"int"`.
        class_names: Only with `labels="inferred"`: the subdirectories to use, in the order of their class
            indices. Defaults to `None`.
        batch_size: The size of the batches; `None` yields single samples. Defaults to `32`.
        sampling_rate: `None` keeps each file's rate; a positive int resamples every file to that rate
            (after `output_sequence_length` is applied, as in Keras). Defaults to `None`.
        output_sequence_length: `None` keeps whole files (a batch is zero-padded to its longest file);
            an int cuts or zero-pads every file to that many frames. Defaults to `None`.
        ragged: Whether batches keep the files' own lengths: a batch is then a list of arrays. Defaults to `False`.
        shuffle: Whether to shuffle the files (otherwise they come in alphanumeric order). Defaults to `True`.
        seed: The random seed for shuffling; needed with `validation_split` when shuffling. Defaults to `None`.
        validation_split: A float in `(0, 1)`: the fraction of the files kept for validation. Defaults to `None`.
        subset: `"training"`, `"validation"` or `"both"` (a tuple `(training, validation)`); only with
            `validation_split`. Defaults to `None`.
        follow_links: Whether to descend into subdirectories that are symbolic links. Defaults to `False`.
        verbose: Whether to print how many files and classes were found. Defaults to `True`.

    Returns:
        A `grain.IterDataset` (a tuple of two for `subset="both"`) yielding float32 audio batches `(batch,
        frames, channels)` alone when `label_mode` is `None`, else `(audio, labels)`. It has the attribute
        `class_names`.

    Raises:
        ValueError: If an argument is invalid, or the directory has no class subdirectories or no `.wav`
            files. A file that cannot be decoded raises a ValueError naming the file when the dataset is read.
    """
    du.check_labels_args(labels, label_mode, class_names, "audio", _WHO)
    if ragged and output_sequence_length is not None:
        raise ValueError(f"{_WHO}: Cannot set both `ragged` and `output_sequence_length`")
    if sampling_rate is not None:
        if isinstance(sampling_rate, bool) or not isinstance(sampling_rate, int | np.integer):
            raise ValueError(
                f"{_WHO}: `sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate!r}"
            )
        if sampling_rate <= 0:
            raise ValueError(
                f"{_WHO}: `sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}"
            )
    if output_sequence_length is not None and (
        isinstance(output_sequence_length, bool)
        or not isinstance(output_sequence_length, int | np.integer)
        or output_sequence_length <= 0
    ):
        raise ValueError(
            f"{_WHO}: `output_sequence_length` must be a positive integer or None, received {output_sequence_length!r}."
        )
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    du.check_batch_size(batch_size, _WHO)
    du.check_validation_split_arg(validation_split, subset, shuffle, seed, _WHO)
    file_paths, labels, class_names, seed = du.index_labelled_directory(
        directory, labels, label_mode, ALLOWED_FORMATS, class_names, shuffle, seed, follow_links, verbose, _WHO
    )

    def load_file(path: str) -> np.ndarray:
        return load_audio(path, sampling_rate, output_sequence_length)

    def missing(part: str) -> str:
        return f"{_WHO}: No {part}audio files found in directory {directory}. Allowed format(s): {ALLOWED_FORMATS}"

    if ragged:
        batch_fn = _ragged_batch
    elif output_sequence_length is None:
        batch_fn = _padded_batch
    else:
        batch_fn = du.make_batch
    result = du.build_from_directory(
        file_paths,
        labels,
        class_names,
        label_mode,
        validation_split,
        subset,
        shuffle,
        seed,
        batch_size,
        load_file,
        missing,
        batch_fn=batch_fn,
    )
    return tuple(result) if subset == "both" else result
