"""Writers for small dataset files in the real formats (IDX, npz, Python 2 CIFAR pickles, tar.gz)."""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
from pathlib import Path

import numpy as np

# The real Fashion-MNIST head in shared/, which lies beside the repository (as in CI's clone).
FASHION_HEAD = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fashion-mnist-head"
FASHION_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def idx_bytes(array: np.ndarray, magic: bytes | None = None) -> bytes:
    """An IDX file (uncompressed) holding a uint8 array."""
    header = magic if magic is not None else bytes((0, 0, 8, array.ndim))
    return header + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()


def write_idx_gz(path: Path, array: np.ndarray, magic: bytes | None = None, extra: bytes = b"") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(idx_bytes(array, magic) + extra))


def py2_pickle(obj) -> bytes:
    """Protocol-2 pickle as Python 2's cPickle writes it: str is BINSTRING, arrays name numpy.core."""
    out = bytearray(b"\x80\x02")
    _emit(obj, out)
    out += b"."
    return bytes(out)


def _emit(obj, out: bytearray) -> None:
    if obj is None:
        out += b"N"
    elif isinstance(obj, bool):
        out += b"\x88" if obj else b"\x89"
    elif isinstance(obj, int):
        if 0 <= obj < 256:
            out += b"K" + bytes([obj])
        elif 0 <= obj < 65536:
            out += b"M" + struct.pack("<H", obj)
        else:
            out += b"J" + struct.pack("<i", obj)
    elif isinstance(obj, bytes):
        out += (b"U" + bytes([len(obj)])) if len(obj) < 256 else (b"T" + struct.pack("<I", len(obj)))
        out += obj
    elif isinstance(obj, tuple):
        out += b"("
        for item in obj:
            _emit(item, out)
        out += b"t"
    elif isinstance(obj, list):
        out += b"](" if obj else b"]"
        for item in obj:
            _emit(item, out)
        out += b"e" if obj else b""
    elif isinstance(obj, dict):
        out += b"}("
        for key, value in obj.items():
            _emit(key, out)
            _emit(value, out)
        out += b"u"
    elif isinstance(obj, np.dtype):
        out += b"cnumpy\ndtype\n"
        _emit((obj.str[1:].encode(), 0, 1), out)
        out += b"R"
        _emit((3, obj.str[:1].encode(), None, None, None, -1, -1, 0), out)
        out += b"b"
    elif isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise TypeError("py2_pickle writes numeric arrays only")
        out += b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n"
        _emit((0,), out)
        _emit(b"b", out)
        out += b"\x87R"
        _emit((1, obj.shape, obj.dtype, False, np.ascontiguousarray(obj).tobytes()), out)
        out += b"b"
    else:
        raise TypeError(type(obj))


def cifar_batch(
    n: int, seed: int, label_keys: tuple[str, ...] = ("labels",), classes: int = 10
) -> tuple[dict, np.ndarray, dict]:
    """A CIFAR batch dict as the Python 2 originals hold it (bytes keys), plus its data and labels."""
    rng = np.random.RandomState(seed)
    data = rng.randint(0, 256, size=(n, 3072)).astype(np.uint8)
    labels = {key: [int(v) for v in rng.randint(0, classes, size=n)] for key in label_keys}
    batch = {
        b"batch_label": b"testing batch",
        b"data": data,
        b"filenames": [b"img_%d.png" % i for i in range(n)],
    }
    for key, values in labels.items():
        batch[key.encode()] = values
    return batch, data, labels


def make_tar_gz(path: Path, files: dict[str, bytes], extra: list[tarfile.TarInfo] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for info in extra or []:
            tar.addfile(info)


def symlink_info(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info


def save_object_npz(path: Path, **arrays) -> None:
    """An npz as Keras's IMDB/Reuters files are: object arrays of int lists (pickled by numpy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)


def object_array(seqs: list[list[int]]) -> np.ndarray:
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = list(s)
    return out
