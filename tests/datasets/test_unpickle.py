"""The restricted unpickler: reads numpy's and Python 2's pickles, refuses anything that runs code."""

from __future__ import annotations

import io
import os
import pickle
import pickletools
import struct
from pathlib import Path

import numpy as np
import pytest
from kx_dataset_helpers import py2_pickle

from kerax.datasets import DatasetFormatError, UnsafeDatasetError
from kerax.datasets._unpickle import restricted_loads


def roundtrip(obj, protocol: int = 4):
    return restricted_loads(pickle.dumps(obj, protocol=protocol))


class CallsOsSystem:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_pickle_naming_os_system_is_refused(tmp_path: Path, protocol: int) -> None:
    marker = tmp_path / "pwned"
    data = pickle.dumps({"data": CallsOsSystem(marker)}, protocol=protocol)
    assert b"system" in data
    with pytest.raises(UnsafeDatasetError, match=r"system"):
        restricted_loads(data)
    assert not marker.exists()


@pytest.mark.parametrize(
    "module, name",
    [
        ("builtins", "eval"),
        ("builtins", "getattr"),
        ("subprocess", "Popen"),
        ("numpy", "load"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.numeric", "_frombuffer"),
        ("copyreg", "_reconstructor"),
    ],
)
def test_any_other_global_is_refused(module: str, name: str) -> None:
    data = b"\x80\x02c" + f"{module}\n{name}\n".encode() + b")R."
    with pytest.raises(UnsafeDatasetError, match=f"{module}.{name}"):
        restricted_loads(data)


def test_persistent_id_refused() -> None:
    with pytest.raises(UnsafeDatasetError, match="persistent"):
        restricted_loads(b"\x80\x02U\x03abcQ.")


def ndarray_call(dtype_code: bytes, buffer: bytes) -> bytes:
    """numpy.ndarray((2,), dtype(code), buffer) via REDUCE: with an object dtype, raw pointers."""
    return (
        b"\x80\x02cnumpy\nndarray\n(K\x02\x85cnumpy\ndtype\n(U"
        + bytes([len(dtype_code)])
        + dtype_code
        + b"K\x00K\x01tRT"
        + struct.pack("<I", len(buffer))
        + buffer
        + b"tR."
    )


def test_ndarray_constructor_cannot_build_object_array_from_bytes() -> None:
    # The real numpy.ndarray would accept this and hand back an array of forged pointers.
    with pytest.raises(DatasetFormatError):
        restricted_loads(ndarray_call(b"O8", b"A" * 16))


def test_dtype_state_cannot_strip_object_flags() -> None:
    # Real numpy: dtype.__setstate__ can clear the object flags, after which ndarray.__setstate__
    # accepts raw bytes for an object array. Here the dtype stays an object dtype and bytes are refused.
    data = (
        b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85U\x01b\x87R"
        b"(K\x01K\x02\x85cnumpy\ndtype\nU\x02O8K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
        b"\x89T\x10\x00\x00\x00" + b"A" * 16 + b"tb."
    )
    with pytest.raises(UnsafeDatasetError, match="list of 2 items"):
        restricted_loads(data)


@pytest.mark.parametrize("dtype", [[("a", "O")], [("a", "<i4"), ("b", "<f8")], "c8", "M8[s]", "U5", "V8"])
def test_structured_and_exotic_dtypes_refused(dtype) -> None:
    with pytest.raises(UnsafeDatasetError, match="dtype"):
        roundtrip(np.zeros(2, dtype=dtype))


def test_build_cannot_alter_the_stand_ins() -> None:
    # BUILD on the allowed callables (dict state, then slot state) must fail, not persist.
    for state in (b"}U\x01xK\x01s", b"N}U\x01xK\x01s\x86"):
        with pytest.raises(DatasetFormatError):
            restricted_loads(b"\x80\x02cnumpy\ndtype\n" + state + b"b.")
    assert roundtrip(np.arange(3)).tolist() == [0, 1, 2]


def test_array_data_size_must_match_shape() -> None:
    data = py2_pickle(np.arange(4, dtype="<i4"))
    assert data.count(b"(K\x04t") == 1
    with pytest.raises(UnsafeDatasetError, match="expected 20 bytes of data, received 16"):
        restricted_loads(data.replace(b"(K\x04t", b"(K\x05t"), encoding="bytes")


def test_garbage_is_a_format_error() -> None:
    with pytest.raises(DatasetFormatError, match="not a valid pickle"):
        restricted_loads(b"\x80\x02}q\x01(U")
    with pytest.raises(DatasetFormatError):
        restricted_loads(b"")


@pytest.mark.parametrize("protocol", [2, 3, 4])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(24, dtype="<i8").reshape(2, 3, 4),
        np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)),
        np.arange(5, dtype=">u2"),
        np.array([True, False]),
        np.zeros((0, 3), dtype=np.uint8),
    ],
)
def test_numeric_arrays_roundtrip(protocol: int, array: np.ndarray) -> None:
    if protocol == 2:  # Python 3 writes bytes at protocol 2 through _codecs.encode, which is refused
        got = restricted_loads(py2_pickle(array), encoding="bytes")
    else:
        got = roundtrip(array, protocol)
    assert got.dtype == array.dtype and got.shape == array.shape
    np.testing.assert_array_equal(got, array)
    assert got.flags.writeable


def test_object_array_of_lists_roundtrips_as_numpy_saves_it() -> None:
    seqs = np.empty(3, dtype=object)
    seqs[0], seqs[1], seqs[2] = [1, 2, 3], [4], []
    buf = io.BytesIO()
    np.save(buf, seqs, allow_pickle=True)
    buf.seek(0)
    np.lib.format.read_magic(buf)
    np.lib.format.read_array_header_1_0(buf)
    got = restricted_loads(buf.read())
    assert got.dtype == object and got.shape == (3,)
    assert [list(x) for x in got] == [[1, 2, 3], [4], []]


def test_nested_arrays_and_shared_references() -> None:
    inner = np.arange(3)
    outer = np.empty(2, dtype=object)
    outer[0], outer[1] = inner, [inner, {"k": inner}]
    got = roundtrip({"a": outer, "b": (inner, inner)})
    assert got["b"][0] is got["b"][1]
    np.testing.assert_array_equal(got["a"][0], inner)
    assert got["a"][0] is got["a"][1][0] is got["a"][1][1]["k"]


def test_python2_cifar_style_pickle() -> None:
    data = np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072)
    blob = py2_pickle({b"data": data, b"labels": [3, 7], b"batch_label": b"training batch 1 of 5"})
    assert b"cnumpy.core.multiarray\n_reconstruct" in blob
    got = restricted_loads(blob, encoding="bytes")
    assert got[b"labels"] == [3, 7] and got[b"batch_label"] == b"training batch 1 of 5"
    np.testing.assert_array_equal(got[b"data"], data)


def test_refusal_happens_before_any_call() -> None:
    # The global is refused at lookup time, before the pickle's REDUCE could call it.
    data = pickle.dumps(CallsOsSystem(Path("/nonexistent/x")), protocol=2)
    ops = [op.name for op, _, _ in pickletools.genops(data)]
    assert "GLOBAL" in ops and "REDUCE" in ops
    with pytest.raises(UnsafeDatasetError):
        restricted_loads(data)
