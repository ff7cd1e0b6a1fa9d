"""Reading CIFAR-10 and CIFAR-100 batch files (Python pickles of dicts) safely."""

from __future__ import annotations

import os

import numpy as np

from kerax.datasets._errors import DatasetFormatError
from kerax.datasets._files import cache_dir, get_file
from kerax.datasets._unpickle import restricted_load

_PIXELS = 3 * 32 * 32


def load_batch(fpath: str, label_key: str = "labels") -> tuple[np.ndarray, list[int]]:
    """Read one CIFAR batch file with the restricted unpickler.

    Args:
        fpath: Path of the batch file (e.g. ``data_batch_1`` or ``train``).
        label_key: Key of the labels in the batch dict (``"labels"``, ``"fine_labels"``,
            ``"coarse_labels"``). Defaults to ``"labels"``.

    Returns:
        ``(data, labels)``: a ``uint8`` array of shape ``(n, 3, 32, 32)`` and a list of ``n`` ints.

    Raises:
        FileNotFoundError: If the file does not exist.
        UnsafeDatasetError: If the pickle names anything beyond plain data and numpy arrays.
        DatasetFormatError: If it is not a CIFAR batch.
    """
    with open(fpath, "rb") as f:
        batch = restricted_load(f, encoding="bytes", source=fpath)
    if not isinstance(batch, dict):
        raise DatasetFormatError(f"{fpath}: expected a pickled dict, received {type(batch).__name__}.")
    batch = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    data, labels = batch.get("data"), batch.get(label_key)
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != _PIXELS:
        shape = getattr(data, "shape", None)
        raise DatasetFormatError(
            f"{fpath}: expected 'data' as a uint8 array of shape (n, {_PIXELS}), received {shape}."
        )
    if isinstance(labels, np.ndarray):
        labels = labels.tolist()
    if (
        not isinstance(labels, list)
        or len(labels) != len(data)
        or not all(type(v) is int and 0 <= v < 256 for v in labels)
    ):
        raise DatasetFormatError(
            f"{fpath}: expected {label_key!r} as a list of {len(data)} ints in [0, 256); keys are {sorted(batch)}."
        )
    return data.reshape(len(data), 3, 32, 32), labels


def batches_dir(target: str, inner: str, origin: str, file_hash: str) -> str:
    """Return the folder of extracted CIFAR batches, extracting or downloading the archive if needed.

    Looked for in order: Keras 3's ``datasets/<target>/<inner>``, Keras 2's ``datasets/<inner>``;
    else the archive (``datasets/<target>_archive`` as Keras 3 names it, or the publisher's name, e.g.
    ``datasets/cifar-10-python.tar.gz``) is extracted into ``datasets/<target>``, downloading it first
    if neither is present.

    Args:
        target: Keras's extraction folder name (e.g. ``"cifar-10-batches-py-target"``).
        inner: The folder inside the archive (e.g. ``"cifar-10-batches-py"``).
        origin: The publisher's address of the archive.
        file_hash: SHA-256 of the archive.

    Returns:
        The folder holding the batch files.

    Raises:
        DatasetUnavailableError: If nothing is present and the archive cannot be downloaded.
        UnsafeDatasetError: If the archive holds links or paths escaping the folder.
    """
    base = cache_dir("datasets")
    keras2 = os.path.join(base, inner)
    if not os.path.isdir(os.path.join(base, target, inner)) and os.path.isdir(keras2):
        return keras2
    publisher_name = origin.rsplit("/", 1)[-1]
    folder = get_file(target, origin, file_hash, extract=True, alt_archive_names=(publisher_name,))
    return os.path.join(folder, inner)
