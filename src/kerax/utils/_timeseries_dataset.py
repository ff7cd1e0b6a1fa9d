"""``timeseries_dataset_from_array``: a Grain dataset of sliding windows over an array, as Keras builds it."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerax.utils import _dataset_utils as du

_WHO = "timeseries_dataset_from_array"


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        bound = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{_WHO}: `{name}` must be {bound}, received {name}={value!r}.")
    return int(value)


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
    format: str = "grain",  # noqa: A002 - Keras's argument name
) -> Any:
    """Creates a Grain dataset of sliding windows over a timeseries provided as an array.

    Window `i` holds the timesteps `start + p_i, start + p_i + sampling_rate, ...` (`sequence_length` of
    them) of `data[start_index:end_index]`, with `p_i = i * sequence_stride`; its target is
    `targets[start_index + p_i]`. With `shuffle`, the windows come in the order Keras gives for the same
    `seed`. Windows are cut when they are read, so the data is not copied once per window.

    Args:
        data: An array (or anything indexable NumPy can convert) whose first axis is time.
        targets: The targets, `targets[i]` for the window starting at timestep `i`; or `None` (windows only).
        sequence_length: The number of timesteps in each window.
        sequence_stride: The step between the starts of successive windows. Defaults to `1`.
        sampling_rate: The step between the timesteps within a window. Defaults to `1`.
        batch_size: The number of windows per batch; `None` yields single windows. Defaults to `128`.
        shuffle: Whether to shuffle the windows. Defaults to `False`.
        seed: The random seed for shuffling. Defaults to `None`.
        start_index: The first timestep of `data` used (inclusive); `None` means 0. Defaults to `None`.
        end_index: The last timestep of `data` used (exclusive); `None` means `len(data)`. Defaults to `None`.
        format: `"grain"` (the only format kerax returns). Defaults to `"grain"`.

    Returns:
        A `grain.IterDataset` yielding NumPy batches `(batch, sequence_length, *data.shape[1:])`, or
        `(windows, targets)` when `targets` is given. Arrays keep the dtype of `data` and `targets`.

    Raises:
        ValueError: If an index, stride or rate is out of range, or `format="tf"`.
    """
    du.check_format(format, _WHO)
    if data is None or not hasattr(data, "__len__"):
        raise ValueError(
            f"{_WHO}: `data` must be an array with time on its first axis, received {type(data).__name__}."
        )
    length = len(data)
    sequence_length = _check_int(sequence_length, "sequence_length", 1)
    if start_index:
        start_index = _check_int(start_index, "start_index", 0)
        if start_index >= length:
            raise ValueError(
                f"{_WHO}: `start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {length}"
            )
    if end_index:
        end_index = _check_int(end_index, "end_index", 1)
        if start_index and end_index <= start_index:
            raise ValueError(
                f"{_WHO}: `end_index` must be higher than `start_index`. Received: start_index={start_index}, and "
                f"end_index={end_index} "
            )
        if end_index >= length:
            raise ValueError(
                f"{_WHO}: `end_index` must be lower than the length of the data. Received: end_index={end_index}, "
                f"for data of length {length}"
            )
    elif end_index is not None:
        raise ValueError(f"{_WHO}: `end_index` must be higher than 0. Received: end_index={end_index}")
    sampling_rate = _check_int(sampling_rate, "sampling_rate", 1)
    if sampling_rate >= length:
        raise ValueError(
            f"{_WHO}: `sampling_rate` must be lower than the length of the data. Received: "
            f"sampling_rate={sampling_rate}, for data of length {length}"
        )
    sequence_stride = _check_int(sequence_stride, "sequence_stride", 1)
    if sequence_stride >= length:
        raise ValueError(
            f"{_WHO}: `sequence_stride` must be lower than the length of the data. Received: "
            f"sequence_stride={sequence_stride}, for data of length {length}"
        )
    du.check_batch_size(batch_size, _WHO)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise ValueError(f"{_WHO}: `seed` must be an integer or None, received {seed!r}.")
    if targets is not None and not hasattr(targets, "__len__"):
        raise ValueError(f"{_WHO}: `targets` must be an array or None, received {type(targets).__name__}.")

    start = start_index or 0
    stop = end_index if end_index is not None else length
    num_seqs = stop - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, num_seqs, sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(positions)
    data_slice = np.asarray(data[start:stop])
    offsets = np.arange(0, sequence_length * sampling_rate, sampling_rate)
    target_slice = None if targets is None else np.asarray(targets[start:])
    if target_slice is not None and len(positions) and positions.max() >= len(target_slice):
        raise ValueError(
            f"{_WHO}: `targets` (length {len(targets)}) has no target for the window starting at timestep "
            f"{start + int(positions.max())}; `targets` must reach past `start_index` + the last window start."
        )

    if target_slice is None:

        def window(i: int) -> np.ndarray:
            return data_slice[positions[i] + offsets]
    else:

        def window(i: int) -> tuple[np.ndarray, np.ndarray]:
            return data_slice[positions[i] + offsets], np.asarray(target_slice[positions[i]])

    # The windows are cut in memory: no threads needed.
    return du.make_pipeline(len(positions), window, shuffle, seed, batch_size, parallel=False)
