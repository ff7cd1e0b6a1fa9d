"""``text_dataset_from_directory``: a Grain dataset of strings (and labels) from class folders of ``.txt`` files."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerax.utils import _dataset_utils as du

_WHO = "text_dataset_from_directory"


def read_text(path: str, max_length: int | None) -> str:
    """The UTF-8 text of ``path``, cut to ``max_length`` characters; errors name the file."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as error:
        raise ValueError(f"{_WHO}: the text file {path!r} is not valid UTF-8: {error}") from error
    except OSError as error:
        raise ValueError(f"{_WHO}: could not read the text file {path!r}: {error}") from error
    return text if max_length is None else text[:max_length]


def text_dataset_from_directory(
    directory: Any,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: Any = None,
    batch_size: int | None = 32,
    max_length: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    format: str = "grain",  # noqa: A002 - Keras's argument name
    verbose: bool = True,
) -> Any:
    """Generates a Grain dataset of texts (and labels) from `.txt` files in a directory.

    With `labels="inferred"`, each subdirectory of `directory` is a class (in alphanumeric order, or the
    order of `class_names`) and holds that class's `.txt` files, at any depth. Files are read as UTF-8 and
    listed, labelled, shuffled and split exactly as Keras does, so the same `seed` gives the same samples in
    the same order.

    Args:
        directory: The folder holding the text files.
        labels: `"inferred"` (labels from the subdirectory names), `None` (no labels), or a list/tuple of
            integer labels, one per text file, in the alphanumeric order of the file paths. Defaults to `"inferred"`.
        label_mode: `"int"` (int32 labels `(batch,)`), `"categorical"` (float32 one-hot `(batch,
            num_classes)`), `"binary"` (float32 `(batch, 1)`, exactly 2 classes) or `None` (no labels).
            Defaults to `"int"`.
        class_names: Only with `labels="inferred"`: the subdirectories to use, in the order of their class
            indices. Defaults to `None`.
        batch_size: The size of the batches; `None` yields single samples. Defaults to `32`.
        max_length: The number of characters each text is cut to; `None` keeps whole texts. Defaults to `None`.
        shuffle: Whether to shuffle the files (otherwise they come in alphanumeric order). Defaults to `True`.
        seed: The random seed for shuffling; needed with `validation_split` when shuffling. Defaults to `None`.
        validation_split: A float in `(0, 1)`: the fraction of the files kept for validation. Defaults to `None`.
        subset: `"training"`, `"validation"` or `"both"` (a list `[training, validation]`); only with
            `validation_split`. Defaults to `None`.
        follow_links: Whether to descend into subdirectories that are symbolic links. Defaults to `False`.
        format: `"grain"` (the only format kerax returns). Defaults to `"grain"`.
        verbose: Whether to print how many files and classes were found. Defaults to `True`.

    Returns:
        A `grain.IterDataset` (a list of two for `subset="both"`). A batch of texts is a NumPy array of
        dtype `object` holding Python `str`s; with labels, batches are `(texts, labels)`. It has the
        attribute `class_names`.

    Raises:
        ValueError: If an argument is invalid, the directory has no class subdirectories or no `.txt`
            files, or `format="tf"`. A file that is not UTF-8 raises a ValueError naming the file when the
            dataset is read.
    """
    du.check_labels_args(labels, label_mode, class_names, "text", _WHO)
    du.check_format(format, _WHO)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if max_length is not None and (
        isinstance(max_length, bool) or not isinstance(max_length, int | np.integer) or max_length < 0
    ):
        raise ValueError(f"{_WHO}: `max_length` must be a non-negative integer or None, received {max_length!r}.")
    du.check_batch_size(batch_size, _WHO)
    du.check_validation_split_arg(validation_split, subset, shuffle, seed, _WHO)
    file_paths, labels, class_names, seed = du.index_labelled_directory(
        directory, labels, label_mode, (".txt",), class_names, shuffle, seed, follow_links, verbose, _WHO
    )

    def load_file(path: str) -> str:
        return read_text(path, max_length)

    def missing(part: str) -> str:
        return f"{_WHO}: No {part}text files found in directory {directory}. Allowed format: .txt"

    return du.build_from_directory(
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
    )
