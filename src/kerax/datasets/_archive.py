"""Safe, atomic extraction of tar and zip archives.

Members are written by this module itself (never ``extractall``): every path must stay inside the
target folder (no absolute path, drive letter, backslash or ``..`` component), device files, FIFOs
and sockets are refused, and links are either refused (the dataset cache) or accepted only when
they resolve inside the folder (``kerax.utils.get_file``). An unsafe member refuses the whole
archive. The archive is unpacked into a temporary sibling folder that is renamed into place only
once every member has been written, so an interrupted or refused extraction leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import gzip
import lzma
import os
import posixpath
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Sequence

from kerax.datasets._errors import DatasetFormatError, UnsafeDatasetError

ARCHIVE_FORMATS = ("tar", "zip")
_READ_ERRORS = (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, gzip.BadGzipFile, lzma.LZMAError)


def archive_format_of(archive: str, formats: Sequence[str] = ARCHIVE_FORMATS) -> str | None:
    """Return the first of ``formats`` that ``archive`` is in, or ``None`` if it is in none of them.

    Args:
        archive: Path of the file.
        formats: Formats to try, in order: ``"tar"`` (plain or gzip/bz2/xz-compressed) and ``"zip"``.

    Returns:
        ``"tar"``, ``"zip"`` or ``None``.
    """
    for fmt in formats:
        if fmt == "tar" and tarfile.is_tarfile(archive):
            return "tar"
        if fmt == "zip" and zipfile.is_zipfile(archive):
            return "zip"
    return None


def extract_tar(archive: str, folder: str) -> None:
    """Extract a (possibly compressed) tar archive into ``folder``, atomically, refusing every link.

    Args:
        archive: Path of the tar file (``.tar``, ``.tar.gz``, ``.tar.bz2``, ``.tar.xz``).
        folder: Folder to create; its parent is created if needed. If it already exists (extracted
            concurrently by another process), it is kept as it is.

    Raises:
        UnsafeDatasetError: If a member has an absolute path, a ``..`` component, or is a link,
            device or other special file; the whole archive is then refused.
        DatasetFormatError: If the file is not a readable tar archive.
    """
    extract_archive(archive, folder, "tar")


def extract_archive(
    archive: str, folder: str, archive_format: str, *, allow_links: bool = False, replace: bool = False
) -> None:
    """Extract a tar or zip archive into ``folder``, atomically.

    Args:
        archive: Path of the archive.
        folder: Folder to create; its parent is created if needed.
        archive_format: ``"tar"`` or ``"zip"``.
        allow_links: Whether symbolic and hard links are accepted when they resolve inside the
            folder (relative targets only); when ``False`` every link is refused.
        replace: Whether an existing ``folder`` is replaced by the new contents (moved aside, then
            deleted once the new folder is in place); when ``False`` an existing folder is kept.

    Raises:
        UnsafeDatasetError: If a member would be written outside the folder, is a device or other
            special file, or is a link that is not accepted; the whole archive is then refused.
        DatasetFormatError: If the file is not a readable archive of that format.
    """
    if archive_format not in ARCHIVE_FORMATS:
        raise ValueError(f"archive_format must be one of {ARCHIVE_FORMATS}, received {archive_format!r}.")
    folder = os.path.abspath(folder)
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(folder)}.", suffix=".part")
    try:
        writer = _Writer(os.path.realpath(tmp), archive, allow_links)
        try:
            if archive_format == "tar":
                with tarfile.open(archive, "r:*") as tar:
                    for member in tar:
                        writer.tar_member(tar, member)
            else:
                with zipfile.ZipFile(archive) as zf:
                    for info in zf.infolist():
                        writer.zip_member(zf, info)
        except (*_READ_ERRORS, NotImplementedError, RuntimeError, UnicodeDecodeError) as err:
            raise DatasetFormatError(f"{archive} is not a readable {archive_format} archive: {err}") from err
        writer.check_links()
        _move_into_place(tmp, folder, replace)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise


def _move_into_place(tmp: str, folder: str, replace: bool) -> None:
    if not os.path.lexists(folder):
        os.replace(tmp, folder)
        return
    if not replace:  # extracted concurrently by another process: keep theirs
        shutil.rmtree(tmp)
        return
    old = tempfile.mkdtemp(dir=os.path.dirname(folder), prefix=f".{os.path.basename(folder)}.", suffix=".old")
    aside = os.path.join(old, "previous")
    os.replace(folder, aside)
    try:
        os.replace(tmp, folder)
    except BaseException:
        os.replace(aside, folder)  # put the previous folder back
        os.rmdir(old)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _safe_relpath(name: str, archive: str) -> str:
    """Return the member's relative path, or refuse a path that is absolute or climbs out."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeDatasetError(f"Refusing to extract {archive}: member {name!r} has an absolute or unsafe path.")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeDatasetError(f"Refusing to extract {archive}: member {name!r} climbs out with '..'.")
    return posixpath.join(*parts) if parts else ""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


class _Writer:
    """Writes the members of one archive under ``root`` (a resolved, private temporary folder)."""

    def __init__(self, root: str, archive: str, allow_links: bool) -> None:
        self.root = root
        self.archive = archive
        self.allow_links = allow_links
        self.links: list[tuple[str, str]] = []  # (member name, path) of every symlink written

    def _refuse(self, name: str, why: str) -> UnsafeDatasetError:
        return UnsafeDatasetError(f"Refusing to extract {self.archive}: member {name!r} {why}.")

    def _destination(self, name: str) -> str | None:
        """Path for member ``name`` (``None`` for the root itself), checked to land inside the root."""
        rel = _safe_relpath(name, self.archive)
        if not rel:
            return None
        dest = os.path.join(self.root, *rel.split("/"))
        # Earlier links are all checked to stay inside; this also guards a write through one.
        if not _inside(os.path.realpath(os.path.dirname(dest)), self.root):
            raise self._refuse(name, "would be written through a link that leaves the folder")
        if os.path.islink(dest):
            raise self._refuse(name, "would replace a link written by an earlier member")
        return dest

    def _no_links(self, name: str) -> None:
        if not self.allow_links:
            raise self._refuse(name, "is a link; only plain files and folders are accepted")

    def tar_member(self, tar: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
            raise self._refuse(member.name, "is a special file; only plain files and folders are accepted")
        if member.issym() or member.islnk():
            self._no_links(member.name)
        dest = self._destination(member.name)
        if dest is None:
            return
        if member.isdir():
            self._mkdir(member.name, dest)
        elif member.issym():
            self._symlink(member.name, dest, member.linkname)
        elif member.islnk():
            self._hardlink(member.name, dest, member.linkname)
        else:
            source = tar.extractfile(member)
            if source is None:
                raise DatasetFormatError(f"{self.archive}: member {member.name!r} cannot be read.")
            with source:
                self._file(member.name, dest, source, member.mode)

    def zip_member(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        kind = stat.S_IFMT(mode)
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR, stat.S_IFLNK):
            raise self._refuse(info.filename, "is a special file; only plain files and folders are accepted")
        if kind == stat.S_IFLNK:
            self._no_links(info.filename)
        dest = self._destination(info.filename)
        if dest is None:
            return
        if info.is_dir() or kind == stat.S_IFDIR:
            self._mkdir(info.filename, dest)
        elif kind == stat.S_IFLNK:
            target = zf.read(info).decode("utf-8", errors="strict")
            self._symlink(info.filename, dest, target)
        else:
            with zf.open(info) as source:
                self._file(info.filename, dest, source, mode)

    def _mkdir(self, name: str, dest: str) -> None:
        if os.path.lexists(dest) and not os.path.isdir(dest):
            raise DatasetFormatError(f"{self.archive}: folder member {name!r} clashes with an earlier file.")
        os.makedirs(dest, exist_ok=True)

    def _file(self, name: str, dest: str, source, mode: int) -> None:
        if os.path.isdir(dest):
            raise DatasetFormatError(f"{self.archive}: file member {name!r} clashes with an earlier folder.")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as out:
            shutil.copyfileobj(source, out)
        os.chmod(dest, 0o755 if mode & 0o100 else 0o644)

    def _symlink(self, name: str, dest: str, target: str) -> None:
        if not target or "\x00" in target or target.startswith("/") or "\\" in target or target[1:2] == ":":
            raise self._refuse(name, f"is a link to {target!r}, which is not a relative path inside the folder")
        resolved = os.path.realpath(os.path.join(os.path.dirname(dest), target))
        if not _inside(resolved, self.root):
            raise self._refuse(name, f"is a link to {target!r}, which leaves the folder")
        if os.path.lexists(dest):
            raise DatasetFormatError(f"{self.archive}: link member {name!r} clashes with an earlier member.")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.symlink(target, dest)
        self.links.append((name, dest))

    def _hardlink(self, name: str, dest: str, target: str) -> None:
        parts = [p for p in target.replace("\\", "/").split("/") if p not in ("", ".")]
        source = os.path.realpath(os.path.join(self.root, *parts)) if parts else self.root
        if target.startswith("/") or ".." in parts or not _inside(source, self.root) or source == self.root:
            raise self._refuse(name, f"is a hard link to {target!r}, which leaves the folder")
        if not os.path.isfile(source):
            raise DatasetFormatError(f"{self.archive}: hard link {name!r} points to {target!r}, not an earlier file.")
        if os.path.isdir(dest):
            raise DatasetFormatError(f"{self.archive}: file member {name!r} clashes with an earlier folder.")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        # A copy, not a link: the two names never share later writes.
        shutil.copyfile(source, dest)
        os.chmod(dest, os.stat(source).st_mode & 0o777)

    def check_links(self) -> None:
        """Re-resolve every link once all members are written (a later link can redirect an earlier one)."""
        for name, dest in self.links:
            if not _inside(os.path.realpath(dest), self.root):
                raise self._refuse(name, f"is a link to {os.readlink(dest)!r}, which leaves the folder")
