"""Reading ``.npz`` archives without ever unpickling arbitrary objects."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import numpy as np

from kerax.datasets._errors import DatasetFormatError
from kerax.datasets._unpickle import restricted_load


def load_npz(path: str, required: Sequence[str] = (), *, object_arrays: bool = False) -> dict[str, np.ndarray]:
    """Read the arrays of an ``.npz`` file.

    Numeric arrays are read by numpy with ``allow_pickle=False``. Object arrays (Keras's IMDB and
    Reuters files hold arrays of Python lists) can only be stored as pickles; with
    ``object_arrays=True`` they are read by ``restricted_load``, which builds plain data and numpy
    arrays only and refuses any other pickled global. Without it, a pickled member is an error.

    Args:
        path: The ``.npz`` file.
        required: Member names (without ``.npy``) that must be present. Defaults to ``()``.
        object_arrays: Whether pickled object arrays are accepted. Defaults to ``False``.

    Returns:
        A dict from member name to array.

    Raises:
        DatasetFormatError: If the file is not an npz archive, a required member is missing, a member
            is not a valid ``.npy`` stream, or an object array is found when not accepted.
        UnsafeDatasetError: If an object array's pickle names a forbidden global.
    """
    if not zipfile.is_zipfile(path):
        raise DatasetFormatError(f"{path} is not an .npz (zip) archive.")
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".npy"):
                    with archive.open(member) as raw:
                        stream = io.BytesIO(raw.read())
                    arrays[member[: -len(".npy")]] = _read_npy(stream, f"{path}:{member}", object_arrays)
    except (zipfile.BadZipFile, EOFError, OSError) as err:
        raise DatasetFormatError(f"{path} is not a readable .npz archive: {err}") from err
    missing = [name for name in required if name not in arrays]
    if missing:
        raise DatasetFormatError(f"{path}: expected arrays {list(required)}, received {sorted(arrays)}.")
    return arrays


def _read_npy(stream: io.BytesIO, source: str, object_arrays: bool) -> np.ndarray:
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise DatasetFormatError(f"{source}: unsupported .npy version {version}.")
        if not dtype.hasobject:
            stream.seek(0)
            return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError as err:
        if isinstance(err, DatasetFormatError):
            raise
        raise DatasetFormatError(f"{source} is not a valid .npy stream: {err}") from err
    if not object_arrays:
        raise DatasetFormatError(f"{source} holds pickled objects ({dtype}), which this dataset never contains.")
    array = restricted_load(stream, encoding="latin1", source=source)
    if not isinstance(array, np.ndarray) or array.dtype != dtype or array.shape != tuple(shape):
        raise DatasetFormatError(
            f"{source}: header announces a {dtype} array of shape {tuple(shape)}, the data holds "
            f"{type(array).__name__} {getattr(array, 'dtype', '')} {getattr(array, 'shape', '')}."
        )
    return array
