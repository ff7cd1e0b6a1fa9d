"""What the ``*_dataset_from_directory`` functions share, and ``split_dataset``; datasets are Grain datasets.

Files are indexed, labelled, shuffled and split as Keras 3 does (same file order, labels and split for the
same ``seed``); the Grain pipeline is Keras's ``format="grain"`` one, with the decoding of files spread
over threads (``grain.ReadOptions``) and batches of NumPy arrays.
"""

from __future__ import annotations

import os
import random
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from kerax import tree
from kerax.backend._progbar import print_msg

LABEL_MODES = ("int", "categorical", "binary", None)


# -- Arguments ---------------------------------------------------------------------------------------
def check_format(format: Any, who: str) -> None:  # noqa: A002 - Keras's argument name
    """Refuse any ``format`` but ``"grain"``; ``"tf"`` gets its own explanation."""
    if format == "tf":
        raise ValueError(
            f"{who}: kerax does not use TensorFlow, so it cannot return a `tf.data.Dataset`; pass "
            f"`format='grain'` (the default) to get a Grain dataset. Received: format={format!r}"
        )
    if format != "grain":
        raise ValueError(f'{who}: `format` should be "grain". Received: format={format!r}')


def check_labels_args(labels: Any, label_mode: Any, class_names: Any, what: str, who: str) -> None:
    """Keras's checks of ``labels``, ``class_names`` and ``label_mode`` (``what``: "image", "text"...)."""
    if isinstance(labels, str):
        if labels != "inferred":
            raise ValueError(
                f'{who}: `labels` must be "inferred", None or a list/tuple of integer labels, received {labels!r}.'
            )
    elif labels is not None:
        if not isinstance(labels, list | tuple | np.ndarray):
            raise ValueError(
                f"{who}: `labels` argument should be a list/tuple of integer labels, of the same size as the "
                f"number of {what} files in the target directory. If you wish to infer the labels from the "
                'subdirectory names in the target directory, pass `labels="inferred"`. If you wish to get a '
                f"dataset that only contains {what} samples (no labels), pass `labels=None`. Received: "
                f"labels={labels!r}"
            )
        if class_names:
            raise ValueError(
                f'{who}: You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, and '
                f"class_names={class_names}"
            )
    if label_mode not in LABEL_MODES:
        raise ValueError(
            f'{who}: `label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode!r}"
        )


def check_validation_split_arg(validation_split: Any, subset: Any, shuffle: Any, seed: Any, who: str) -> None:
    """Keras's checks of ``validation_split``, ``subset`` and ``seed``, with Keras's messages."""
    if validation_split is not None and (
        isinstance(validation_split, bool) or not isinstance(validation_split, int | float | np.floating)
    ):
        raise ValueError(f"{who}: `validation_split` must be a float between 0 and 1, received: {validation_split!r}")
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"{who}: `validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(f"{who}: If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'{who}: `subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError(
            f"{who}: If using `validation_split` and shuffling the data, you must provide a `seed` argument, to "
            "make sure that there is no overlap between the training and validation subset."
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise ValueError(f"{who}: `seed` must be an integer or None, received {seed!r}.")


def check_batch_size(batch_size: Any, who: str) -> None:
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or batch_size <= 0
    ):
        raise ValueError(f"{who}: `batch_size` must be a positive integer or None, received {batch_size!r}.")


# -- Indexing a directory ----------------------------------------------------------------------------
def iter_valid_files(directory: str, follow_links: bool, formats: tuple[str, ...]) -> Any:
    """``(folder, file name)`` of every file with an allowed extension, folders then names in sorted order."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        for fname in sorted(files):
            if fname.lower().endswith(formats):
                yield root, fname


def index_subdirectory(
    directory: str, class_indices: dict[str, int], follow_links: bool, formats: tuple[str, ...]
) -> tuple[list[str], list[int]]:
    """The files under ``directory`` (as ``<subdir>/<relative path>``) and their class index."""
    dirname = os.path.basename(directory)
    filenames, labels = [], []
    for root, fname in iter_valid_files(directory, follow_links, formats):
        labels.append(class_indices[dirname])
        filenames.append(os.path.join(dirname, os.path.relpath(os.path.join(root, fname), directory)))
    return filenames, labels


def index_directory(
    directory: Any,
    labels: Any,
    formats: tuple[str, ...],
    class_names: Any = None,
    shuffle: bool = True,
    seed: int | None = None,
    follow_links: bool = False,
    verbose: bool = True,
    who: str = "index_directory",
) -> tuple[list[str], np.ndarray | None, list[str] | None]:
    """The files in ``directory`` with their labels, in Keras's order: ``(file_paths, labels, class_names)``.

    Files are sorted by class folder (``class_names`` order), then by path; with ``shuffle``, paths and
    labels are permuted together by ``np.random.RandomState(seed)``, as Keras does.
    """
    if not isinstance(directory, str | bytes | os.PathLike):
        raise TypeError(f"{who}: `directory` must be a path (str or os.PathLike), received {type(directory).__name__}.")
    directory = os.fsdecode(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"{who}: `directory` {directory!r} does not exist or is not a directory.")
    inferred = isinstance(labels, str) and labels == "inferred"
    if inferred:
        subdirs = []
        for subdir in sorted(os.listdir(directory)):
            if os.path.isdir(os.path.join(directory, subdir)) and not subdir.startswith("."):
                subdirs.append(subdir)
        if class_names is not None:
            class_names = list(class_names)
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError(
                    f"{who}: The `class_names` passed did not match the names of the subdirectories of the target "
                    f"directory. Expected: {subdirs} (or a subset of it), but received: class_names={class_names}"
                )
            subdirs = class_names  # the given order
        elif not subdirs:
            raise ValueError(
                f'{who}: with `labels="inferred"`, directory {directory!r} must contain one subdirectory per class, '
                "but it has no subdirectories. Put the files in class subfolders, or pass `labels=None` (no labels) "
                "or a list of labels."
            )
    else:
        subdirs = [""]  # explicit labels or none: index the whole tree from the top
        if class_names is not None:
            if labels is None:
                raise ValueError(f"{who}: When `labels=None` (no labels), argument `class_names` cannot be specified.")
            raise ValueError(
                f"{who}: When argument `labels` is specified, argument `class_names` cannot be specified (the "
                "`class_names` will be the sorted list of labels)."
            )
    class_indices = {name: i for i, name in enumerate(subdirs)}
    folders = [os.path.join(directory, subdir) for subdir in subdirs]
    with ThreadPoolExecutor(max_workers=max(1, min(16, len(folders)))) as pool:
        results = list(pool.map(lambda d: index_subdirectory(d, class_indices, follow_links, formats), folders))
    filenames = [name for names, _ in results for name in names]
    if inferred:
        label_array: np.ndarray | None = np.asarray([i for _, part in results for i in part], dtype="int32")
        class_names = list(subdirs)
    elif labels is None:
        label_array, class_names = None, None
    else:
        label_array = np.asarray(labels)
        if label_array.ndim != 1 or (label_array.size and not np.issubdtype(label_array.dtype, np.integer)):
            raise ValueError(
                f"{who}: `labels` must be a flat list/tuple of integer labels, received labels of dtype "
                f"{label_array.dtype} and shape {label_array.shape}."
            )
        if len(label_array) != len(filenames):
            raise ValueError(
                f"{who}: Expected the lengths of `labels` to match the number of files in the target directory. "
                f"len(labels) is {len(label_array)} while we found {len(filenames)} files in directory {directory}."
            )
        class_names = [str(label) for label in sorted(set(label_array.tolist()))]
    if verbose:
        if label_array is None:
            print_msg(f"Found {len(filenames)} files.")
        else:
            print_msg(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, fname) for fname in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return file_paths, label_array, class_names


def index_labelled_directory(
    directory: Any,
    labels: Any,
    label_mode: Any,
    formats: tuple[str, ...],
    class_names: Any,
    shuffle: bool,
    seed: int | None,
    follow_links: bool,
    verbose: bool,
    who: str,
) -> tuple[list[str], np.ndarray | None, list[str] | None, int]:
    """``index_directory`` as the ``*_dataset_from_directory`` loaders start: ``(paths, labels, class_names, seed)``.

    Without a ``seed`` one is drawn (and returned, as the validation split needs the same one);
    ``label_mode="binary"`` is refused unless there are exactly two classes.
    """
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = index_directory(
        directory,
        labels,
        formats=formats,
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
        verbose=verbose,
        who=who,
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            f'{who}: When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: '
            f"class_names={class_names}"
        )
    return file_paths, labels, class_names, seed


def get_training_or_validation_split(
    samples: list[str], labels: np.ndarray | None, validation_split: float | None, subset: str | None
) -> tuple[list[str], np.ndarray | None]:
    """The training (first) or validation (last ``int(validation_split * n)``) part of the samples.

    Unlike Keras, a split that leaves no validation sample keeps every sample for training (Keras's
    ``samples[:-0]`` leaves none).
    """
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    num_train = len(samples) - num_val
    if subset == "training":
        print_msg(f"Using {num_train} files for training.")
        return samples[:num_train], None if labels is None else labels[:num_train]
    if subset == "validation":
        print_msg(f"Using {num_val} files for validation.")
        return samples[num_train:], None if labels is None else labels[num_train:]
    raise ValueError(f'`subset` must be either "training" or "validation", received: {subset}')


def encode_labels(labels: np.ndarray, label_mode: str, num_classes: int) -> np.ndarray:
    """``int``: int32 ``(n,)``; ``binary``: float32 ``(n, 1)``; ``categorical``: float32 one-hot ``(n, k)``."""
    if label_mode == "binary":
        return labels.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        # Out-of-range labels give all-zero rows, as one_hot does.
        return (labels.astype("int64")[:, None] == np.arange(num_classes)[None, :]).astype("float32")
    return labels.astype("int32")


# -- Grain pipelines ---------------------------------------------------------------------------------
def read_options(threads: int = 1) -> Any:
    """``threads`` reading threads (one unless each hands its work to a decoding process), 4 batches ahead.

    More threads that decode themselves cost more than they gain: decoding a small JPEG (Pillow) releases
    the GIL for about half of its 150 to 170 us, but opening and parsing the file hold it, and each hand-over
    of the GIL between two reading threads is a context switch. On 2 idle cores, 5,000 64x64 JPEGs read at
    5,200 to 6,700 images/s with one thread (1.0 core) and at 4,200 to 5,900 with two (1.3 to 1.45 cores:
    45% more CPU per image, 22 times the context switches); measured 2026-12-07, see docs/benchmarks.md.
    A thread that waits for a decoding process (``_decode_pool``) holds no GIL while it waits.
    """
    import grain  # here, not at the top: grain takes 0.3 s to import and only the dataset readers use it

    return grain.ReadOptions(num_threads=threads, prefetch_buffer_size=max(4, 2 * threads))


def _stack(values: Sequence[Any]) -> Any:
    first = values[0]
    if isinstance(first, str | bytes):
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out
    return np.stack([np.asarray(v) for v in values])


def make_batch(values: Sequence[Any]) -> Any:
    """Stack a list of samples (arrays, strings, or tuples/dicts of them) into one batch of NumPy arrays."""
    if not values:
        raise ValueError("make_batch: cannot batch 0 values.")
    return tree.map_structure(lambda *xs: _stack(xs), *values)


def make_pipeline(
    count: int,
    load: Callable[[int], Any],
    shuffle: bool,
    seed: int | None,
    batch_size: int | None,
    batch_fn: Callable[[Sequence[Any]], Any] = make_batch,
    parallel: bool = True,
    load_batch: Callable[[np.ndarray], Any] | None = None,
    threads: int = 1,
) -> Any:
    """``count`` samples, ``load(i)`` each, Grain-shuffled with ``seed`` as Keras does, then batched.

    ``load_batch(indices)``, when given, loads a whole batch at once instead of ``batch_fn`` of the
    ``load(i)``; ``threads`` is how many reading threads run (see ``read_options``).
    """
    import grain  # here, not at the top: grain takes 0.3 s to import and only the dataset readers use it

    ds = grain.MapDataset.range(count)
    if shuffle:
        ds = ds.shuffle(seed=int(seed))
    if batch_size is None:
        ds = ds.map(load)
    else:
        # One element per batch: loading a batch in one call spares Grain's per-element bookkeeping, which
        # cost as much as decoding a small JPEG. The batches hold the same samples in the same order.
        ds = ds.batch(int(batch_size), batch_fn=np.asarray).map(
            load_batch or (lambda indices: batch_fn([load(int(i)) for i in indices]))
        )
    options = read_options(threads) if parallel else grain.ReadOptions(num_threads=0, prefetch_buffer_size=0)
    ds = ds.to_iter_dataset(read_options=options)
    if batch_size is not None:
        ds._kerax_batch_size = int(batch_size)  # noqa: SLF001 - read back by split_dataset
    return ds


def files_and_labels_dataset(
    file_paths: list[str],
    labels: np.ndarray | None,
    label_mode: str | None,
    num_classes: int,
    load_file: Callable[[str], Any],
    shuffle: bool,
    seed: int | None,
    batch_size: int | None,
    batch_fn: Callable[[Sequence[Any]], Any] = make_batch,
    load_files: Callable[[list[str]], Any] | None = None,
    threads: int = 1,
) -> Any:
    """Grain dataset of ``load_file(path)`` or ``(load_file(path), label)``, shuffled and batched.

    ``load_files(paths)``, when given, loads the files of a batch at once (instead of ``batch_fn`` of the
    ``load_file(path)``), on ``threads`` reading threads.
    """
    paths = list(file_paths)
    encoded = encode_labels(labels, label_mode, num_classes) if label_mode else None

    def load_batch(indices: np.ndarray) -> Any:
        files = load_files([paths[i] for i in indices])
        return files if encoded is None else (files, encoded[indices])

    if label_mode:

        def load(i: int) -> Any:
            return load_file(paths[i]), encoded[i]
    else:

        def load(i: int) -> Any:
            return load_file(paths[i])

    batched = load_batch if load_files is not None else None
    return make_pipeline(len(paths), load, shuffle, seed, batch_size, batch_fn, load_batch=batched, threads=threads)


def build_from_directory(
    file_paths: list[str],
    labels: np.ndarray | None,
    class_names: list[str] | None,
    label_mode: str | None,
    validation_split: float | None,
    subset: str | None,
    shuffle: bool,
    seed: int | None,
    batch_size: int | None,
    load_file: Callable[[str], Any],
    missing: Callable[[str], str],
    batch_fn: Callable[[Sequence[Any]], Any] = make_batch,
    file_paths_attribute: bool = False,
    load_files: Callable[[list[str]], Any] | None = None,
    threads: int = 1,
) -> Any:
    """The dataset (or ``[training, validation]`` for ``subset="both"``) with ``class_names`` set.

    ``missing(kind)`` is the message when a split has no file (``kind``: "training ", "validation " or "").
    ``load_files`` and ``threads`` are ``files_and_labels_dataset``'s.
    """
    num_classes = len(class_names) if class_names else 0
    if subset == "both":
        splits = [
            (*get_training_or_validation_split(file_paths, labels, validation_split, part), part, part == "training")
            for part in ("training", "validation")
        ]
    else:
        splits = [(*get_training_or_validation_split(file_paths, labels, validation_split, subset), "", shuffle)]
    datasets = []
    for paths, part_labels, part, part_shuffle in splits:
        if not paths:
            raise ValueError(missing(f"{part} " if part else ""))
        ds = files_and_labels_dataset(
            paths,
            part_labels,
            label_mode,
            num_classes,
            load_file,
            part_shuffle and shuffle,
            seed,
            batch_size,
            batch_fn,
            load_files,
            threads,
        )
        ds.class_names = class_names
        if file_paths_attribute:
            ds.file_paths = list(paths)
        datasets.append(ds)
    return datasets if subset == "both" else datasets[0]


# -- split_dataset -----------------------------------------------------------------------------------
def is_grain_dataset(dataset: Any) -> bool:
    """True for a Grain ``MapDataset`` or ``IterDataset`` (without importing Grain when it is not loaded)."""
    return any(
        cls.__name__ in ("MapDataset", "IterDataset") and str(cls.__module__).startswith("grain.")
        for cls in type(dataset).__mro__
    )


def _grain_batch_size(dataset: Any) -> int | None:
    """The batch size of a batched Grain dataset (its last transformation is ``batch``), else None."""
    if type(dataset).__name__ in ("BatchIterDataset", "BatchMapDataset"):
        return int(dataset._batch_size)  # noqa: SLF001 - Grain keeps it there
    return getattr(dataset, "_kerax_batch_size", None)  # a pipeline of make_pipeline's


def _unbatch(batch: Any) -> list[Any]:
    leaves = tree.flatten(batch)
    size = len(leaves[0])
    return [tree.pack_sequence_as(batch, [leaf[i] for leaf in leaves]) for i in range(size)]


def _samples_of(dataset: Any, who: str) -> tuple[list[Any], str, int | None]:
    """The samples of ``dataset`` as a list, the kind of input, and the batch size to restore."""
    if isinstance(dataset, list | tuple):
        kind = type(dataset).__name__
        if len(dataset) == 0:
            raise ValueError(f"{who}: received an empty {kind} dataset. Please provide a non-empty {kind} of arrays.")
        expected = None
        for i, element in enumerate(dataset):
            if not isinstance(element, np.ndarray):
                raise ValueError(
                    f"{who}: expected a {kind} of `numpy.ndarray` objects, received: {type(element)} at index {i}."
                )
            if element.ndim == 0:
                raise ValueError(f"{who}: the array at index {i} is a scalar; every array needs a first (sample) axis.")
            if expected is None:
                expected = element.shape
            elif element.shape[0] != expected[0]:
                raise ValueError(
                    f"{who}: received a {kind} of NumPy arrays with different lengths. Mismatch found at index {i}, "
                    f"Expected shape={expected} Received shape={element.shape}. Please provide a {kind} of NumPy "
                    "arrays of the same length."
                )
        return [tuple(sample) for sample in zip(*dataset, strict=True)], kind, None
    if isinstance(dataset, np.ndarray):
        if dataset.ndim == 0:
            raise ValueError(f"{who}: `dataset` must be an array with a first (sample) axis, received a scalar.")
        return list(dataset), "ndarray", None
    if is_grain_dataset(dataset):
        batch_size = _grain_batch_size(dataset)
        samples: list[Any] = []
        start = time.time()
        warned = False
        iterator = iter(dataset)
        try:
            for item in iterator:
                samples.extend(_unbatch(item) if batch_size else [item])
                if not warned and time.time() - start > 10:
                    warnings.warn(
                        "The dataset is taking longer than 10 seconds to iterate over. This may be due to the size of "
                        "the dataset. Keep in mind that the `split_dataset` utility is only for small in-memory "
                        "dataset (e.g. < 10,000 samples).",
                        category=ResourceWarning,
                        stacklevel=3,
                    )
                    warned = True
        finally:
            close = getattr(iterator, "close", None)
            if callable(close):
                close()  # stop the iterator's prefetch threads now, not when it is collected
        return samples, "grain", batch_size
    raise TypeError(
        f"{who}: The `dataset` argument must be a Grain `MapDataset`/`IterDataset`, a NumPy array, or a list/tuple "
        f"of NumPy arrays of the same length. Received: dataset of type {type(dataset)}"
    )


def rescale_split_sizes(left_size: Any, right_size: Any, total_length: int, who: str) -> tuple[int, int]:
    """The integer sizes of the two splits, checked as Keras checks them."""
    for name, value in (("left_size", left_size), ("right_size", right_size)):
        if value is not None and type(value) not in (int, float):
            raise TypeError(
                f"{who}: Invalid `{name}` Type. Expected: int or float or None, Received: type({name})={type(value)}."
            )
    if left_size == 0 and right_size == 0:
        raise ValueError(
            f"{who}: Both `left_size` and `right_size` are zero. At least one of the split sizes must be non-zero."
        )
    for name, value in (("left_size", left_size), ("right_size", right_size)):
        if (type(value) is int and (value <= 0 or value >= total_length)) or (
            type(value) is float and (value <= 0 or value >= 1)
        ):
            raise ValueError(
                f"{who}: `{name}` should be either a positive integer smaller than {total_length}, or a float within "
                f"the range `[0, 1]`. Received: {name}={value}"
            )
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError(
            f"{who}: The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal to 1."
        )
    left = round(left_size * total_length) if type(left_size) is float else left_size
    right = round(right_size * total_length) if type(right_size) is float else right_size
    if left is None:
        left = total_length - right
    elif right is None:
        right = total_length - left
    if left + right > total_length:
        raise ValueError(
            f"{who}: The sum of `left_size` and `right_size` should be smaller than the {total_length}. Received: "
            f"left_size + right_size = {left + right} and total_length = {total_length}"
        )
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(
                f"{who}: With `dataset` of length={total_length}, `left_size`={left} and `right_size`={right}. "
                f"Resulting {side} side dataset split will be empty. Adjust any of the aforementioned parameters"
            )
    return int(left), int(right)


def split_dataset(
    dataset: Any,
    left_size: int | float | None = None,
    right_size: int | float | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    preferred_backend: str | None = None,
) -> tuple[Any, Any]:
    """Splits a dataset into a left half and a right half (e.g. train / test).

    The samples are listed in memory (this is for small datasets), optionally shuffled with Python's
    `random` seeded by `seed` (Keras's order), and split: the first `left_size` samples go left, the last
    `right_size` right.

    Args:
        dataset: A Grain `MapDataset` or `IterDataset` (batched or not), a NumPy array (split along its
            first axis), or a list/tuple of NumPy arrays of the same length (split together).
        left_size: A float in `(0, 1)`: the fraction of the samples that go left; an int: their number;
            `None`: the complement of `right_size`.
        right_size: A float in `(0, 1)`: the fraction of the samples that go right; an int: their number;
            `None`: the complement of `left_size`.
        shuffle: Whether to shuffle the samples before splitting them.
        seed: The random seed for shuffling; `None` draws one.
        preferred_backend: `None` or `"jax"`; kerax always returns Grain datasets (`"tensorflow"` and
            `"torch"` are refused).

    Returns:
        A tuple `(left, right)` of Grain `MapDataset`s. Their samples are tuples of arrays for a list/tuple
        input, rows for an array, and the input's samples for a Grain dataset; a batched Grain dataset gives
        splits batched with the same batch size.

    Raises:
        TypeError: If `dataset`, `left_size` or `right_size` has an unsupported type.
        ValueError: If the sizes are invalid or leave a split empty, the dataset is empty, its arrays have
            different lengths, or `preferred_backend` is not supported.
    """
    import grain  # here, not at the top: grain takes 0.3 s to import and only the dataset readers use it

    who = "split_dataset"
    if preferred_backend not in (None, "jax"):
        raise ValueError(
            f"{who}: kerax returns Grain datasets and does not use TensorFlow or PyTorch; pass "
            f"`preferred_backend=None` (or 'jax'). Received: preferred_backend={preferred_backend!r}"
        )
    if left_size is None and right_size is None:
        raise ValueError(
            f"{who}: At least one of the `left_size` or `right_size` must be specified. Received: left_size=None "
            "and right_size=None"
        )
    samples, _, batch_size = _samples_of(dataset, who)
    if not samples:
        raise ValueError(f"{who}: Received an empty dataset. Argument `dataset` must be non-empty.")
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        # Keras's order (Python's generator seeded with `seed`), without reseeding the global generator.
        random.Random(seed).shuffle(samples)
    left, right = rescale_split_sizes(left_size, right_size, len(samples), who)
    halves = []
    for part in (samples[:left], samples[-right:]):
        ds = grain.MapDataset.source(part)
        if batch_size:
            ds = ds.batch(batch_size, batch_fn=make_batch)
        halves.append(ds)
    return halves[0], halves[1]
