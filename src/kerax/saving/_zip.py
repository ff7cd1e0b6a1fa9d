"""Writing model archives atomically and reading them defensively.

An archive is read into memory member by member, never extracted: there is no path on disk for a member
name to escape to, and names that would escape a folder (``../x``, ``/etc/x``, ``C:x``) make the whole
archive refused anyway, as a sign of a crafted file. Sizes are checked before anything is inflated: each
member's declared size, its compression ratio, the total against the archive's own size, and overlapping
members (the trick behind non-recursive zip bombs). Reads are bounded by the declared sizes.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

# A member may inflate to at most this many times its stored size, unless it is small.
MAX_EXPANSION = 100
SMALL_MEMBER_BYTES = 1 << 20
# All members together may inflate to at most this many times the archive's size (plus a small floor).
MAX_TOTAL_EXPANSION = 100
MAX_MEMBERS = 10_000


class UnsafeArchiveError(ValueError):
    """The archive is malformed or crafted: escaping paths, a zip bomb, overlapping members."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], overwrite: bool = True) -> Iterator[str]:
    """Yield a temporary path beside ``path``; once the block succeeds, rename it over ``path``.

    A crash or an exception midway leaves any previous file at ``path`` untouched and no temporary file.
    """
    path = os.fspath(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists and overwrite=False.")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".part")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows it
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None], overwrite: bool = True) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it into place (see ``atomic_path``)."""
    with atomic_path(path, overwrite) as tmp, open(tmp, "wb") as f:
        write(f)


def write_archive(f: IO[bytes], members: dict[str, bytes]) -> None:
    """Write ``members`` (name to bytes) as a zip: JSON deflated, binary data stored as is."""
    with zipfile.ZipFile(f, "w") as archive:
        for name, data in members.items():
            compress = zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=compress)


def _check_name(name: str, where: str) -> None:
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchiveError(f"{where}: member {name!r} has an absolute or unsafe path; refusing the archive.")
    if ".." in name.split("/"):
        raise UnsafeArchiveError(f"{where}: member {name!r} climbs out of the archive with '..'; refusing it.")


def read_archive(source: Any, wanted: set[str], where: str, prefixes: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Read the members named in ``wanted`` or under ``prefixes`` (others are only checked) from a zip.

    Args:
        source: a path or a binary file object.
        wanted: exact member names to read.
        where: how to name the archive in errors.
        prefixes: folders whose members are read too (e.g. ``("assets/",)``).

    Raises:
        UnsafeArchiveError: for escaping paths, zip bombs, overlapping or duplicate members.
        ValueError: if the file is not a zip archive.
    """
    if isinstance(source, str | os.PathLike):
        size = os.path.getsize(source)
    else:
        position = source.tell()
        size = source.seek(0, io.SEEK_END) - position
        source.seek(position)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
        raise ValueError(f"{where} is not a model archive (a zip file): {err}") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnsafeArchiveError(f"{where} has {len(infos)} members; a model archive has a handful.")
        names: set[str] = set()
        total = 0
        spans = []
        for info in infos:
            _check_name(info.filename, where)
            if info.filename in names:
                raise UnsafeArchiveError(f"{where}: member {info.filename!r} appears twice; refusing the archive.")
            names.add(info.filename)
            if info.file_size > SMALL_MEMBER_BYTES and info.file_size > MAX_EXPANSION * max(info.compress_size, 1):
                raise UnsafeArchiveError(
                    f"{where}: member {info.filename!r} would inflate from {info.compress_size} to {info.file_size} "
                    f"bytes (over {MAX_EXPANSION}x): a zip bomb, refused."
                )
            total += info.file_size
            # The local header is at least 30 bytes plus the name: a lower bound on where the data ends.
            local_header = 30 + len(info.filename.encode())
            spans.append((info.header_offset, info.header_offset + local_header + info.compress_size))
        if total > MAX_TOTAL_EXPANSION * size + SMALL_MEMBER_BYTES:
            raise UnsafeArchiveError(
                f"{where}: its members declare {total} bytes in all, over {MAX_TOTAL_EXPANSION}x the archive's "
                f"{size} bytes: a zip bomb, refused."
            )
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start < end:
                raise UnsafeArchiveError(f"{where}: two members share the same bytes (a zip bomb); refused.")
        out: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir() or not (info.filename in wanted or (prefixes and info.filename.startswith(prefixes))):
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as err:
                raise ValueError(f"{where}: member {info.filename!r} cannot be read: {err}") from None
            except Exception as err:  # zlib.error and friends from a corrupt stream
                raise ValueError(f"{where}: member {info.filename!r} is corrupt: {err}") from None
            if len(data) != info.file_size:
                raise UnsafeArchiveError(
                    f"{where}: member {info.filename!r} holds {len(data)} bytes but declares {info.file_size}."
                )
            out[info.filename] = data
        return out
