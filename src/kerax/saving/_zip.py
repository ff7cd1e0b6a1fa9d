"""Writing model archives atomically and reading them defensively.

An archive is read into memory member by member, never extracted: there is no path on disk for a member
name to escape to, and names that would escape a folder (``../x``, ``/etc/x``, ``C:x``) make the whole
archive refused anyway, as a sign of a crafted file. Sizes are checked before anything is inflated: each
member's declared size, its compression ratio, the totals against the archive's own size, and overlapping
members (the trick behind non-recursive zip bombs). Reads are bounded by the declared sizes. The bounds,
and why every real model file is within them, are in ``docs/saving_bounds.md``.

Writing goes to a temporary file beside the target (``.<name>.<8 hex digits>.part``), renamed over the
target once complete: an interrupted save leaves the previous file intact, and the next save of the same
target removes the temporary files such an interruption left behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import stat
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

# A binary member (weights, assets) may inflate to at most this many times its stored size, unless it is
# small. Keras and kerax store weights uncompressed (ratio 1); deflating random float weights gains a few
# percent, and only constant tensors (zero biases, BatchNormalization's statistics) compress far better.
MAX_EXPANSION = 8
SMALL_MEMBER_BYTES = 16 << 20
# All binary members together may inflate to at most this many times the archive's size (plus the floor).
MAX_TOTAL_EXPANSION = 8
# JSON members (config.json, metadata.json) are text that deflates well: no ratio, but an absolute cap on
# each and on all together (a large real model's config is a few MB).
MAX_JSON_BYTES = 16 << 20
MAX_MEMBERS = 10_000
# A temporary file of an interrupted save counts as stale when it is older than the current save by this much
# (file systems keep modification times to a second or two).
STALE_TEMP_SECONDS = 2.0
_TEMP_SUFFIX = ".part"


class UnsafeArchiveError(ValueError):
    """The archive is malformed or crafted: escaping paths, a zip bomb, overlapping members."""


class PathIsADirectoryError(IsADirectoryError, ValueError):
    """A save was asked to write a file where a directory is (an ``IsADirectoryError`` and a ``ValueError``)."""


def _temp_pattern(basename: str) -> re.Pattern[str]:
    return re.compile(re.escape(f".{basename}.") + r"[0-9a-f]{8}" + re.escape(_TEMP_SUFFIX))


def _remove_stale_temps(folder: str, basename: str, before: float) -> None:
    """Remove the temporary files of earlier, interrupted saves of ``basename``, made before ``before``.

    Only regular files whose names match this target's exact temporary pattern are touched.
    """
    pattern = _temp_pattern(basename)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not pattern.fullmatch(name):
            continue
        full = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            info = os.lstat(full)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < before:
                os.remove(full)


def _resolve_target(path: str) -> str:
    """The file a save writes: ``path``, or the file it points to when it is a symbolic link."""
    target = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
    if os.path.isdir(target):
        raise PathIsADirectoryError(
            21, f"Cannot save to {path!r}: it is a directory; expected a file path (nothing was written)", path
        )
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], overwrite: bool = True) -> Iterator[str]:
    """Yield a temporary path beside ``path``; once the block succeeds, rename it over ``path``.

    A crash or an exception midway leaves any previous file at ``path`` untouched and, short of a crash,
    no temporary file; a later save of the same target removes temporary files that crashes left. A new
    file gets the permissions the umask gives; an overwritten file keeps its mode. When ``path`` is a
    symbolic link, the file it points to is written and the link stays.

    Args:
        path: the file to write.
        overwrite: whether an existing file may be replaced.

    Raises:
        FileExistsError: the file exists and ``overwrite`` is False.
        PathIsADirectoryError: ``path`` is a directory (a ``ValueError`` too); nothing is written.
    """
    path = os.fspath(path)
    target = _resolve_target(path)
    if not overwrite and os.path.exists(target):
        raise FileExistsError(f"{path} exists and overwrite=False.")
    folder, basename = os.path.split(target)
    if not os.path.islink(path):
        os.makedirs(folder, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    _remove_stale_temps(folder, basename, time.time() - STALE_TEMP_SECONDS)
    while True:
        tmp = os.path.join(folder, f".{basename}.{secrets.token_hex(4)}{_TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)  # the umask applies
        except FileExistsError:
            continue
        break
    os.close(fd)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
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
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it into place (see ``atomic_path``).

    Args:
        path: the file to write.
        write: writes the content to the binary file object it receives.
        overwrite: whether an existing file may be replaced.
    """
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


def _check_member_size(info: zipfile.ZipInfo, where: str) -> None:
    """Refuse a member whose declared size is out of bounds for its kind, before anything is inflated."""
    name, size = info.filename, info.file_size
    if name.endswith(".json") and size > MAX_JSON_BYTES:
        raise UnsafeArchiveError(
            f"{where}: member {name!r} declares {size} bytes, over the limit of {MAX_JSON_BYTES} for a JSON member; "
            "refused."
        )
    if not name.endswith(".json") and size > SMALL_MEMBER_BYTES and size > MAX_EXPANSION * max(info.compress_size, 1):
        raise UnsafeArchiveError(
            f"{where}: member {name!r} would inflate from {info.compress_size} to {size} bytes "
            f"(over {MAX_EXPANSION}x): a zip bomb, refused."
        )


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
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, OverflowError, struct.error) as err:
        raise ValueError(f"{where} is not a model archive (a zip file): {err}") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnsafeArchiveError(f"{where} has {len(infos)} members; a model archive has a handful.")
        names: set[str] = set()
        total = json_total = 0
        spans = []
        for info in infos:
            _check_name(info.filename, where)
            if info.filename in names:
                raise UnsafeArchiveError(f"{where}: member {info.filename!r} appears twice; refusing the archive.")
            names.add(info.filename)
            _check_member_size(info, where)
            if info.filename.endswith(".json"):
                json_total += info.file_size
            else:
                total += info.file_size
            # The local header is at least 30 bytes plus the name: a lower bound on where the data ends.
            local_header = 30 + len(info.filename.encode())
            spans.append((info.header_offset, info.header_offset + local_header + info.compress_size))
        if total > MAX_TOTAL_EXPANSION * size + SMALL_MEMBER_BYTES:
            raise UnsafeArchiveError(
                f"{where}: its members declare {total} bytes in all, over {MAX_TOTAL_EXPANSION}x the archive's "
                f"{size} bytes: a zip bomb, refused."
            )
        if json_total > MAX_JSON_BYTES:
            raise UnsafeArchiveError(
                f"{where}: its JSON members declare {json_total} bytes in all, over the limit of {MAX_JSON_BYTES}; "
                "refused."
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
