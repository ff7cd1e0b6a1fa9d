"""A restricted unpickler for the pickled parts of dataset files (CIFAR batches, npz object arrays).

Numpy's pickles name exactly three globals: ``numpy.core.multiarray._reconstruct`` (``numpy._core``
in numpy 2), ``numpy.ndarray`` and ``numpy.dtype``. Handing the real objects to the unpickler, as an
allow-list of names would, is not enough: ``REDUCE`` may call ``numpy.ndarray(shape, object, buffer)``
to build an object array from raw bytes (arbitrary pointers), and ``BUILD`` may call
``dtype.__setstate__`` to clear a dtype's object flags so that ``ndarray.__setstate__`` accepts raw
bytes for it. Both corrupt memory. So this unpickler never gives the pickle a numpy callable:

- ``find_class`` maps the three names to inert stand-ins and refuses every other global (with
  ``UnsafeDatasetError``), as does any persistent id;
- the stand-ins only record what the pickle asks for, checking types as they go: a dtype may only be a
  plain numeric or object type code, an array's data must be a ``bytes`` of exactly the right size (or,
  for object arrays, a ``list`` of exactly the right length);
- once loading is over, the result is rebuilt from plain containers (dict, list, tuple) and scalars, with
  every array created here by ``np.frombuffer``/``np.empty``; any other object is refused.
"""

from __future__ import annotations

import io
import math
import pickle
import re
from typing import Any, BinaryIO

import numpy as np

from kerax.datasets._errors import DatasetFormatError, UnsafeDatasetError

_SCALARS = (int, float, complex, str, bytes, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_TYPECODE = re.compile(r"[<>|=]?(?:[iuf][1248]|b1|\?|O[48]?)")
_MAX_NDIM = 32


class _ArrayTypeToken:
    """Stands in for ``numpy.ndarray``: only usable as ``_reconstruct``'s first argument."""

    __slots__ = ()


_NDARRAY = _ArrayTypeToken()


class _DtypeSpec:
    """Stands in for a ``numpy.dtype``: a plain type code and, from its pickled state, a byte order."""

    __slots__ = ("code", "byteorder")

    def __init__(self, code: str) -> None:
        self.code = code
        self.byteorder = ""

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or len(state) < 5:
            raise UnsafeDatasetError(f"Refusing a pickled dtype state of type {type(state).__name__}.")
        byteorder, subarray, names, fields = (_text(state[1]), state[2], state[3], state[4])
        if byteorder not in ("<", ">", "|", "=") or subarray is not None or names is not None or fields is not None:
            raise UnsafeDatasetError("Refusing a pickled dtype with fields or sub-arrays.")
        self.byteorder = byteorder

    def resolve(self) -> np.dtype:
        dtype = np.dtype(self.code)
        if self.byteorder in ("<", ">") and dtype.itemsize > 1 and not dtype.hasobject:
            dtype = dtype.newbyteorder(self.byteorder)
        return dtype


class _ArraySpec:
    """Stands in for an array: records a validated shape, dtype and payload from ``BUILD``."""

    __slots__ = ("shape", "dtype", "fortran", "payload")

    def __init__(self) -> None:
        self.payload: Any = None

    def __setstate__(self, state: Any) -> None:
        if self.payload is not None:
            raise UnsafeDatasetError("Refusing an array state set twice.")
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise UnsafeDatasetError("Refusing a malformed pickled array state.")
        shape, dtype, fortran, payload = state[-4:]
        if not isinstance(shape, tuple) or len(shape) > _MAX_NDIM or not all(type(n) is int and n >= 0 for n in shape):
            raise UnsafeDatasetError(f"Refusing a pickled array shape {shape!r}.")
        if not isinstance(dtype, _DtypeSpec) or type(fortran) not in (bool, int) or fortran not in (0, 1):
            raise UnsafeDatasetError("Refusing a pickled array whose dtype is not a plain numpy dtype.")
        resolved = dtype.resolve()
        count = math.prod(shape)
        if resolved.hasobject:
            if type(payload) is not list or len(payload) != count:
                raise UnsafeDatasetError(f"Refusing an object array: expected a list of {count} items.")
        else:
            if isinstance(payload, str):  # Python 2 data read with encoding="latin1"
                payload = payload.encode("latin1")
            if not isinstance(payload, bytes) or len(payload) != count * resolved.itemsize:
                size = len(payload) if isinstance(payload, (bytes, str)) else type(payload).__name__
                raise UnsafeDatasetError(
                    f"Refusing an array of shape {shape} and dtype {resolved}: expected "
                    f"{count * resolved.itemsize} bytes of data, received {size}."
                )
        self.shape, self.dtype, self.fortran, self.payload = shape, resolved, bool(fortran), payload


def _text(value: Any) -> Any:
    return value.decode("latin1") if isinstance(value, bytes) else value


class _Function:
    """A callable stand-in without ``__dict__``, so ``BUILD`` cannot alter it between loads."""

    __slots__ = ("_impl",)

    def __init__(self, impl: Any) -> None:
        object.__setattr__(self, "_impl", impl)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{name} is read-only")

    def __call__(self, *args: Any) -> Any:
        return self._impl(*args)


def _make_dtype(code: Any, align: Any = False, copy: Any = True) -> _DtypeSpec:
    code = _text(code)
    # Python 2 pickles pass align/copy as the ints 0/1.
    if not isinstance(code, str) or not _TYPECODE.fullmatch(code) or type(align) not in (bool, int):
        raise UnsafeDatasetError(f"Refusing pickled dtype {code!r}: only plain numeric and object types are read.")
    try:
        np.dtype(code)
    except TypeError as err:
        raise UnsafeDatasetError(f"Refusing pickled dtype {code!r}: {err}") from err
    return _DtypeSpec(code)


def _make_array(subtype: Any, shape: Any, typecode: Any) -> _ArraySpec:
    if subtype is not _NDARRAY or not isinstance(shape, tuple) or not isinstance(typecode, (bytes, str)):
        raise UnsafeDatasetError("Refusing a pickled array of a type other than numpy.ndarray.")
    return _ArraySpec()


_reconstruct = _Function(_make_array)
_dtype = _Function(_make_dtype)


_ALLOWED: dict[tuple[str, str], Any] = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _dtype,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that reads plain data and numpy arrays and refuses any other global.

    Use ``restricted_load`` rather than this class directly: ``load()`` here returns stand-ins for
    arrays, which ``restricted_load`` turns into real arrays after checking them.
    """

    def find_class(self, module: str, name: str) -> Any:
        """Return the stand-in for an allowed numpy name; refuse everything else.

        Args:
            module: The module named by the pickle.
            name: The attribute named by the pickle.

        Returns:
            An inert stand-in object.

        Raises:
            UnsafeDatasetError: For any name outside the three numpy names above.
        """
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise UnsafeDatasetError(
                f"Refusing to load `{module}.{name}` from a dataset file: only plain data and numpy arrays "
                "are read. The file is corrupted or malicious."
            ) from None

    def persistent_load(self, pid: Any) -> Any:
        """Refuse persistent ids.

        Args:
            pid: The persistent id.

        Raises:
            UnsafeDatasetError: Always.
        """
        raise UnsafeDatasetError("Refusing a persistent id in a dataset file.")


def restricted_load(file: BinaryIO, *, encoding: str = "ASCII", source: str = "pickle") -> Any:
    """Unpickle plain data and numpy arrays from ``file``, refusing anything that could run code.

    Args:
        file: A binary file object positioned at the pickle.
        encoding: How Python 2 ``str`` objects are decoded (``"bytes"`` keeps them as bytes).
        source: A name for the data, used in error messages.

    Returns:
        The unpickled object: dicts, lists, tuples, scalars, bytes, str and ``np.ndarray``.

    Raises:
        UnsafeDatasetError: If the pickle names any global other than numpy's array and dtype
            reconstruction, or builds arrays inconsistently.
        DatasetFormatError: If the data is not a valid pickle.
    """
    try:
        raw = RestrictedUnpickler(file, encoding=encoding).load()
        return _Builder().build(raw)
    except DatasetFormatError as err:
        raise type(err)(f"{source}: {err}") from None
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        UnicodeDecodeError,
        RecursionError,
        MemoryError,
    ) as err:
        raise DatasetFormatError(f"{source}: not a valid pickle ({type(err).__name__}: {err}).") from err


def restricted_loads(data: bytes, *, encoding: str = "ASCII", source: str = "pickle") -> Any:
    """Like ``restricted_load``, from bytes.

    Args:
        data: The pickle.
        encoding: How Python 2 ``str`` objects are decoded.
        source: A name for the data, used in error messages.

    Returns:
        The unpickled object.

    Raises:
        UnsafeDatasetError: See ``restricted_load``.
        DatasetFormatError: See ``restricted_load``.
    """
    return restricted_load(io.BytesIO(data), encoding=encoding, source=source)


class _Builder:
    """Turns the unpickler's output into real objects, accepting only known types."""

    def __init__(self) -> None:
        self._memo: dict[int, Any] = {}

    def build(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _SCALAR_TYPES or kind is bytearray:
            return obj
        if id(obj) in self._memo:
            return self._memo[id(obj)]
        if kind is list:
            if set(map(type, obj)) <= _SCALAR_TYPES:  # fast path: a list of numbers, kept as is
                self._memo[id(obj)] = obj
                return obj
            out: list[Any] = []
            self._memo[id(obj)] = out
            out.extend(self.build(item) for item in obj)
            return out
        if kind is tuple:
            out_t = tuple(self.build(item) for item in obj)
            self._memo[id(obj)] = out_t
            return out_t
        if kind is dict:
            out_d: dict[Any, Any] = {}
            self._memo[id(obj)] = out_d
            for key, value in obj.items():
                if type(key) not in (str, bytes, int):
                    raise UnsafeDatasetError(f"Refusing a dict key of type {type(key).__name__}.")
                out_d[key] = self.build(value)
            return out_d
        if kind in (set, frozenset):
            if not set(map(type, obj)) <= _SCALAR_TYPES:
                raise UnsafeDatasetError("Refusing a set holding non-scalar items.")
            return obj
        if kind is _DtypeSpec:
            return obj.resolve()
        if kind is _ArraySpec:
            return self._array(obj)
        raise UnsafeDatasetError(f"Refusing an object of type {kind.__name__} in a dataset file.")

    def _array(self, spec: _ArraySpec) -> np.ndarray:
        if spec.payload is None:
            raise UnsafeDatasetError("Refusing an array whose data was never set.")
        order = "F" if spec.fortran else "C"
        if not spec.dtype.hasobject:
            array = np.frombuffer(bytearray(spec.payload), dtype=spec.dtype).reshape(spec.shape, order=order)
            self._memo[id(spec)] = array
            return array
        flat = np.empty(len(spec.payload), dtype=object)
        array = flat.reshape(spec.shape, order=order)
        self._memo[id(spec)] = array
        for i, item in enumerate(spec.payload):
            flat[i] = self.build(item)
        return array
