"""Safe tar extraction: plain files and folders only, every path kept inside the target folder."""

from __future__ import annotations

import contextlib
import gzip
import os
import posixpath
import shutil
import tarfile
import tempfile
import zlib

from kerax.datasets._errors import DatasetFormatError, UnsafeDatasetError


def extract_tar(archive: str, folder: str) -> None:
    """Extract a (possibly compressed) tar archive into ``folder``, atomically.

    The archive is unpacked into a temporary sibling folder which is renamed to ``folder`` only once
    every member has been written, so an interrupted or refused extraction leaves nothing behind.
    Members are written by this function itself (never ``extractall``), as plain files with mode 0644.

    Args:
        archive: Path of the tar file (``.tar``, ``.tar.gz``, ``.tar.bz2``, ``.tar.xz``).
        folder: Folder to create; its parent is created if needed.

    Raises:
        UnsafeDatasetError: If a member has an absolute path, a ``..`` component, or is a link,
            device or other special file; the whole archive is then refused.
        DatasetFormatError: If the file is not a readable tar archive.
    """
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(folder)}.", suffix=".part")
    try:
        try:
            with tarfile.open(archive, "r:*") as tar:
                for member in tar:
                    _extract_member(tar, member, tmp, archive)
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as err:
            raise DatasetFormatError(f"{archive} is not a readable tar archive: {err}") from err
        if os.path.isdir(folder):  # extracted concurrently by another process: keep theirs
            shutil.rmtree(tmp)
            return
        os.replace(tmp, folder)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise


def _safe_relpath(name: str, archive: str) -> str:
    """Return the member's relative path, or refuse a path that is absolute or climbs out."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeDatasetError(f"Refusing to extract {archive}: member {name!r} has an absolute or unsafe path.")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeDatasetError(f"Refusing to extract {archive}: member {name!r} climbs out with '..'.")
    return posixpath.join(*parts) if parts else ""


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, root: str, archive: str) -> None:
    rel = _safe_relpath(member.name, archive)
    if not (member.isfile() or member.isdir()):
        kind = "link" if member.issym() or member.islnk() else "special file"
        raise UnsafeDatasetError(
            f"Refusing to extract {archive}: member {member.name!r} is a {kind}; only plain files and "
            "folders are accepted."
        )
    if not rel:
        return
    dest = os.path.join(root, *rel.split("/"))
    if member.isdir():
        os.makedirs(dest, exist_ok=True)
        return
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    source = tar.extractfile(member)
    if source is None:
        raise DatasetFormatError(f"{archive}: member {member.name!r} cannot be read.")
    with source, open(dest, "wb") as out:
        shutil.copyfileobj(source, out)
    os.chmod(dest, 0o644)
