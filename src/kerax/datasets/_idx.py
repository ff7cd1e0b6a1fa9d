"""Reading gzip-compressed IDX files (the MNIST and Fashion-MNIST format)."""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from collections.abc import Sequence
from typing import BinaryIO

import numpy as np

from kerax.datasets._errors import DatasetFormatError

_UBYTE = 0x08


def read_idx(source: str | BinaryIO, ndim: int, tail: Sequence[int] = (), name: str | None = None) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes.

    The header is a magic number ``0x0000 08 <ndim>`` then ``ndim`` big-endian 32-bit sizes; the
    data that follows must hold exactly their product of bytes. The first size (the item count) is
    taken from the file, so files with fewer items than the published data set are read as is.

    Args:
        source: Path of the ``.gz`` file, or a binary file object holding it.
        ndim: Expected number of dimensions (1 for labels, 3 for images).
        tail: Expected sizes of the dimensions after the first, e.g. ``(28, 28)``. Defaults to ``()``.
        name: Name used in error messages (defaults to the path).

    Returns:
        A writable ``uint8`` array of the file's shape.

    Raises:
        DatasetFormatError: If the file is not gzip, the magic number or sizes differ from those
            expected, or the data is shorter or longer than the header announces.
    """
    if isinstance(source, str):
        with open(source, "rb") as raw:
            return read_idx(raw, ndim, tail, name or source)
    name = name or getattr(source, "name", "IDX data")
    try:
        with gzip.open(source, "rb") as f:
            magic = _read_exact(f, 4, name, "the magic number")
            expected_magic = bytes((0, 0, _UBYTE, ndim))
            if magic != expected_magic:
                raise DatasetFormatError(
                    f"{name}: expected IDX magic number 0x{expected_magic.hex()} (unsigned bytes, {ndim} "
                    f"dimension(s)), received 0x{magic.hex()}."
                )
            shape = struct.unpack(f">{ndim}I", _read_exact(f, 4 * ndim, name, "the dimension sizes"))
            if tuple(shape[1:]) != tuple(tail):
                raise DatasetFormatError(
                    f"{name}: expected items of shape {tuple(tail)}, the header announces {tuple(shape[1:])}."
                )
            data = bytearray(_read_exact(f, math.prod(shape), name, f"{shape[0]} items of shape {tuple(tail)}"))
            if f.read(1):
                raise DatasetFormatError(f"{name}: data continues past the {shape[0]} items the header announces.")
    except (OSError, EOFError, zlib.error) as err:
        raise DatasetFormatError(f"{name} is not a valid gzip file: {err}") from err
    return np.frombuffer(data, dtype=np.uint8).reshape(shape)


def _read_exact(f: BinaryIO, size: int, name: str, what: str) -> bytes:
    chunks = []
    remaining = size
    while remaining:
        chunk = f.read(min(remaining, 1 << 24))
        if not chunk:
            raise DatasetFormatError(
                f"{name}: file ends early: expected {size} bytes for {what}, received {size - remaining}."
            )
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
