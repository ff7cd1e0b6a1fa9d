"""``image_dataset_from_directory``: a Grain dataset of image batches (NumPy) from class folders of images."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerax.backend import _config
from kerax.utils import _dataset_utils as du
from kerax.utils._decode_pool import decode_batch, reading_threads
from kerax.utils._pixels import RESIZE_INTERPOLATIONS, load_pixels

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_WHO = "image_dataset_from_directory"


def load_image(
    path: str,
    image_size: tuple[int, int],
    num_channels: int,
    interpolation: str,
    data_format: str,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
) -> np.ndarray:
    """One image file as a float32 array of ``image_size``, with ``num_channels`` channels, as Keras reads it."""
    x = load_pixels(path, image_size, num_channels, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)
    x = x.astype(np.float32, copy=False)
    if data_format == "channels_first":
        x = np.ascontiguousarray(x.transpose(2, 0, 1))
    return x


def image_dataset_from_directory(
    directory: Any,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: Any = None,
    color_mode: str = "rgb",
    batch_size: int | None = 32,
    image_size: Any = (256, 256),
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    interpolation: str = "bilinear",
    follow_links: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    data_format: str | None = None,
    format: str = "grain",  # noqa: A002 - Keras's argument name
    verbose: bool = True,
) -> Any:
    """Generates a Grain dataset of images (and labels) from image files in a directory.

    With `labels="inferred"`, each subdirectory of `directory` is a class (in alphanumeric order, or the
    order of `class_names`) and holds that class's images, at any depth. Files with the extensions `.bmp`,
    `.gif` (first frame), `.jpeg`, `.jpg` and `.png` are read, decoded with Pillow, converted to
    `color_mode` and resized to `image_size` (as Keras's JAX backend resizes). Files are listed, labelled,
    shuffled and split exactly as Keras does, so the same `seed` gives the same samples in the same order.
    Batches are decoded ahead of the consumer (4, or 2 per core beyond 2 cores) by worker processes, one per core,
    that import only NumPy and Pillow, so reading uses every core without holding the training process's
    GIL. A worker exits after 5 s without work, when the training process ends, or at
    `KERAX_DECODE_WORKERS=0` never starts: then one thread of this process decodes (as it does single
    images, with `batch_size=None`). Dropping the iterator (or the end of `fit`) ends the reading threads.

    Args:
        directory: The folder holding the images.
        labels: `"inferred"` (labels from the subdirectory names), `None` (no labels), or a list/tuple of
            integer labels, one per image file, in the alphanumeric order of the file paths.
        label_mode: `"int"` (int32 labels `(batch,)`), `"categorical"` (float32 one-hot `(batch,
            num_classes)`), `"binary"` (float32 `(batch, 1)`, exactly 2 classes) or `None` (no labels).
        class_names: Only with `labels="inferred"`: the subdirectories to use, in the order of their class
            indices.
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`: images get 1, 3 or 4 channels.
        batch_size: The size of the batches; `None` yields single samples.
        image_size: `(height, width)` (or one int for both) that every image is resized to.
        shuffle: Whether to shuffle the files (otherwise they come in alphanumeric order).
        seed: The random seed for shuffling; needed with `validation_split` when shuffling.
        validation_split: A float in `(0, 1)`: the fraction of the files kept for validation.
        subset: `"training"`, `"validation"` or `"both"` (a list `[training, validation]`); only with
            `validation_split`.
        interpolation: How to resize: `"bilinear"`, `"nearest"`, `"bicubic"`, `"area"`, `"lanczos3"`,
            `"lanczos5"`, `"gaussian"` or `"mitchellcubic"`.
        follow_links: Whether to descend into subdirectories that are symbolic links.
        crop_to_aspect_ratio: Whether to crop each image to the largest centred box of the target's aspect
            ratio before resizing (no distortion).
        pad_to_aspect_ratio: Whether to pad each image with zeros to the target's aspect ratio before
            resizing (no distortion).
        data_format: `"channels_last"` or `"channels_first"`; `None` means
            `kerax.backend.image_data_format()`.
        format: `"grain"` (the only format kerax returns).
        verbose: Whether to print how many files and classes were found.

    Returns:
        A `grain.IterDataset` (a list of two for `subset="both"`) yielding NumPy batches: float32 images
        `(batch, height, width, channels)` alone when `label_mode` is `None`, else `(images, labels)`. It has
        the attributes `class_names` and `file_paths`.

    Raises:
        ValueError: If an argument is invalid, the directory has no class subdirectories or no image files,
            or `format="tf"`. An image file that cannot be decoded raises a ValueError naming the file when
            the dataset is read.
    """
    du.check_labels_args(labels, label_mode, class_names, "image", _WHO)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}
    if color_mode not in channels:
        raise ValueError(
            f'{_WHO}: `color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: color_mode={color_mode!r}'
        )
    num_channels = channels[color_mode]
    if isinstance(image_size, int) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if (
        not isinstance(image_size, list | tuple)
        or len(image_size) != 2
        or not all(isinstance(s, int | np.integer) and not isinstance(s, bool) and s > 0 for s in image_size)
    ):
        raise ValueError(
            f"{_WHO}: Invalid `image_size` value. Expected a tuple of 2 positive integers. "
            f"Received: image_size={image_size!r}"
        )
    image_size = (int(image_size[0]), int(image_size[1]))
    if not isinstance(interpolation, str) or interpolation.lower() not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"{_WHO}: Argument `interpolation` should be one of {RESIZE_INTERPOLATIONS}. Received: "
            f"interpolation={interpolation!r}"
        )
    interpolation = interpolation.lower()
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{_WHO}: Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`.")
    du.check_format(format, _WHO)
    du.check_batch_size(batch_size, _WHO)
    du.check_validation_split_arg(validation_split, subset, shuffle, seed, _WHO)
    data_format = _config.standardize_data_format(data_format)
    image_paths, labels, class_names, seed = du.index_labelled_directory(
        directory, labels, label_mode, ALLOWLIST_FORMATS, class_names, shuffle, seed, follow_links, verbose, _WHO
    )
    crop, pad = crop_to_aspect_ratio, pad_to_aspect_ratio

    def load_file(path: str) -> np.ndarray:  # single samples (batch_size=None): float32, in `data_format`
        return load_image(path, image_size, num_channels, interpolation, data_format, crop, pad)

    def load_files(paths: list[str]) -> np.ndarray:  # a batch: decoded by a worker process where there are some
        shape = (len(paths), *image_size, num_channels)
        batch = decode_batch(paths, shape, (image_size, num_channels, interpolation, crop, pad))
        return np.ascontiguousarray(batch.transpose(0, 3, 1, 2)) if data_format == "channels_first" else batch

    def missing(part: str) -> str:
        return f"{_WHO}: No {part}images found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}"

    return du.build_from_directory(
        image_paths,
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
        file_paths_attribute=True,
        load_files=load_files,
        threads=reading_threads(),
    )
