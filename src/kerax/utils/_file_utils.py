"""``get_file``: download a file into kerax's cache (once), check its hash, and extract archives.

Built on the dataset cache's downloader (``kerax.datasets._files.fetch``: atomic, hashed while it
streams, timeouts) and its safe extractor (``kerax.datasets._archive``). Unlike the dataset cache, a
cached file is re-hashed when a hash is given, and downloaded again if it does not match, as Keras does:
the caller passed the hash explicitly, so a file that does not match it is not the file they asked for.
"""

from __future__ import annotations

import os
import string
import tempfile
import urllib.parse
import warnings
from collections.abc import Sequence
from typing import Any

from kerax.backend._progbar import print_msg
from kerax.datasets._archive import ARCHIVE_FORMATS, archive_format_of, extract_archive
from kerax.datasets._files import FetchError, FetchRejected, fetch, hash_file, kerax_home

_SCHEMES = ("http", "https", "file")
_HASH_ALGORITHMS = ("auto", "md5", "sha256")
_HASH_LENGTHS = {"md5": 32, "sha256": 64}


def get_file(
    fname: str | os.PathLike | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str | os.PathLike = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str | Sequence[str] | None = "auto",
    cache_dir: str | os.PathLike | None = None,
    force_download: bool = False,
) -> str:
    """Download a file from a URL unless it is already in the cache, and return its path.

    The file is saved as ``<cache_dir>/<cache_subdir>/<fname>``, by default
    ``$KERAX_HOME/datasets/<fname>`` (``KERAX_HOME`` defaults to ``~/.kerax``). It is downloaded
    into a temporary file and moved into place only once complete and matching ``file_hash``, so an
    interrupted or rejected download leaves nothing behind. When the file is already cached it is not
    downloaded again, unless ``force_download`` is set or ``file_hash`` is given and the cached
    file does not match it.

    With ``extract=True`` the file must be a tar (plain, gzip, bz2 or xz) or zip archive; the folder
    it is extracted into is returned, named as Keras names it: with ``fname="x"`` the archive is saved
    as ``x_archive`` and extracted into ``x``; with ``fname="x.tar.gz"`` it is saved as ``x.tar.gz``
    and extracted into ``x_extracted``; without ``fname`` the name comes from the URL (``y.zip``) and
    the archive is saved as ``y.zip_archive`` and extracted into ``y.zip``. Extraction is atomic
    (into a temporary sibling folder, then renamed) and is redone only when the archive was just
    downloaded or the folder is missing. A member that would land outside the folder (an absolute
    path, ``..``, a link leading out), a device file or a FIFO refuses the whole archive.

    Args:
        fname: Name of the file in the cache (no folder part). ``None`` takes the last part of the
            URL's path. With ``extract=True``, a name without an extension is also the name of the
            extraction folder. Defaults to ``None``.
        origin: URL of the file: ``http://``, ``https://`` or ``file://``. Defaults to ``None``.
        untar: Deprecated, use ``extract``: whether the file is a tar archive to extract. Defaults to ``False``.
        md5_hash: Deprecated, use ``file_hash``: the file's MD5 hex digest. Defaults to ``None``.
        file_hash: The file's expected SHA-256 or MD5 hex digest; ``None`` skips the check. Defaults to ``None``.
        cache_subdir: Folder under ``cache_dir`` to save the file in; an absolute path is used as is.
            Defaults to ``"datasets"``.
        hash_algorithm: ``"md5"``, ``"sha256"`` or ``"auto"``, which picks SHA-256 for a 64-digit
            ``file_hash`` and MD5 otherwise. Defaults to ``"auto"``.
        extract: Whether the file is an archive to extract. Defaults to ``False``.
        archive_format: Archive format(s) to try, in order: ``"tar"``, ``"zip"``, a list of them,
            ``"auto"`` (``["tar", "zip"]``), or ``None``/``[]`` (none). Defaults to ``"auto"``.
        cache_dir: Cache root; ``None`` means kerax's home (``$KERAX_HOME``, default ``~/.kerax``).
            If it is not writable, ``<temp dir>/.kerax`` is used instead (with a warning).
        force_download: Whether to download the file even when it is cached. Defaults to ``False``.

    Returns:
        The path of the downloaded file, or with ``extract=True`` (or ``untar=True``) of the folder
        it was extracted into.

    Raises:
        ValueError: If ``origin`` is missing or not an http(s)/file URL, ``fname`` has a folder part
            or cannot be derived from the URL, ``file_hash``/``hash_algorithm``/``archive_format``
            is invalid, the download does not match ``file_hash`` (the message gives both hashes;
            nothing is written), or the archive is not in any of the formats tried, is unreadable
            or holds an unsafe member (the message names it).
        TypeError: If an argument has the wrong type.
        OSError: If the download fails: host unreachable, HTTP error, connection cut before the
            announced length (nothing is written).
    """
    origin = _check_origin(origin)
    formats = ["tar"] if untar else _archive_formats(archive_format)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _resolve_algorithm(hash_algorithm, file_hash)
    name = _file_name(fname, origin)
    provided = fname is not None and os.fspath(fname) != ""
    fname = name
    datadir = _cache_folder(cache_dir, cache_subdir)
    if extract or untar:
        if provided and "." in fname:
            target = os.path.join(datadir, fname)
            folder = os.path.join(datadir, f"{fname[: fname.find('.')]}_extracted")
        else:
            target = os.path.join(datadir, f"{fname}_archive")
            folder = os.path.join(datadir, fname)
        if os.path.lexists(folder) and not os.path.isdir(folder):
            raise ValueError(f"get_file: cannot extract into {folder}: that path exists and is not a folder.")
    else:
        target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and hash_file(target, algorithm) != file_hash.lower():
        print_msg(
            f"The cached file {target} does not match the expected {algorithm} {file_hash.lower()}; "
            "downloading it again."
        )
        download = True
    if download:
        try:
            fetch(origin, target, file_hash=file_hash, algorithm=algorithm, schemes=_SCHEMES)
        except FetchRejected as err:
            raise ValueError(
                f"get_file: the download of {fname!r} from {origin} does not match file_hash: its "
                f"{algorithm} is {err.digest}, expected {file_hash.lower()}. It was discarded; nothing "
                f"was written to {datadir}."
            ) from err
        except FetchError as err:
            raise OSError(f"get_file: {err.reason}. Nothing was written to {datadir}.") from err

    if not (extract or untar):
        return target
    if download or not os.path.isdir(folder):
        found = archive_format_of(target, formats)
        if found is None:
            raise ValueError(
                f"get_file: cannot extract {target}: it is not an archive of the format(s) {formats} "
                f"(archive_format={archive_format!r}, untar={untar!r})."
            )
        extract_archive(target, folder, found, allow_links=True, replace=True)
    return folder


def _check_origin(origin: Any) -> str:
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (the URL of the file to download).')
    if not isinstance(origin, str):
        raise TypeError(f"get_file: `origin` must be a URL string, received {type(origin).__name__} {origin!r}.")
    scheme = urllib.parse.urlsplit(origin).scheme.lower()
    if scheme not in _SCHEMES:
        raise ValueError(
            f"get_file: `origin` must be an http://, https:// or file:// URL, received {origin!r} (scheme {scheme!r})."
        )
    return origin


def _archive_formats(archive_format: Any) -> list[str]:
    if archive_format is None:
        return []
    if archive_format == "auto":
        return list(ARCHIVE_FORMATS)
    formats = [archive_format] if isinstance(archive_format, str) else archive_format
    if not isinstance(formats, list | tuple) or any(f not in ARCHIVE_FORMATS for f in formats):
        raise ValueError(
            "get_file: `archive_format` must be 'auto', 'tar', 'zip', None or a list of 'tar'/'zip', "
            f"received {archive_format!r}."
        )
    return list(formats)


def _resolve_algorithm(hash_algorithm: Any, file_hash: Any) -> str:
    if hash_algorithm not in _HASH_ALGORITHMS:
        raise ValueError(f"get_file: `hash_algorithm` must be one of {_HASH_ALGORITHMS}, received {hash_algorithm!r}.")
    if file_hash is None:
        return "sha256" if hash_algorithm == "auto" else hash_algorithm
    if not isinstance(file_hash, str):
        raise TypeError(f"get_file: `file_hash` must be a hex string, received {type(file_hash).__name__}.")
    if hash_algorithm == "auto":
        algorithm = "sha256" if len(file_hash) == 64 else "md5"
    else:
        algorithm = hash_algorithm
    if len(file_hash) != _HASH_LENGTHS[algorithm] or not set(file_hash) <= set(string.hexdigits):
        raise ValueError(
            f"get_file: `file_hash` must be {_HASH_LENGTHS[algorithm]} hex digits for {algorithm} "
            f"(hash_algorithm={hash_algorithm!r}), received {file_hash!r}."
        )
    return algorithm


def _path_string(value: Any, argument: str) -> str:
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"get_file: `{argument}` must be a string or path, received {type(value).__name__}.")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise TypeError(f"get_file: `{argument}` must be a text path, received {path!r}.")
    return path


def _cache_folder(cache_dir: Any, cache_subdir: Any) -> str:
    base = kerax_home() if cache_dir is None else os.path.expanduser(_path_string(cache_dir, "cache_dir"))
    subdir = _path_string(cache_subdir, "cache_subdir")
    try:
        os.makedirs(base, exist_ok=True)
        writable = os.access(base, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        fallback = os.path.join(tempfile.gettempdir(), ".kerax")
        warnings.warn(f"get_file: the cache folder {base} is not writable; using {fallback} instead.", stacklevel=3)
        base = fallback
    datadir = os.path.join(base, subdir)
    os.makedirs(datadir, exist_ok=True)
    return datadir


def _file_name(fname: Any, origin: str) -> str:
    derived = fname is None or (isinstance(fname, str | os.PathLike) and os.fspath(fname) == "")
    if derived:
        name = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not name:
            raise ValueError(
                f"get_file: cannot derive a file name from the origin {origin!r}; pass the `fname` argument."
            )
    else:
        name = _path_string(fname, "fname")
    separators = {"/", "\\", os.sep} | ({os.altsep} if os.altsep else set())
    if name in (".", "..") or "\x00" in name or any(sep in name for sep in separators):
        raise ValueError(
            "get_file: `fname` must be a plain file name; to choose the folder use `cache_dir` and "
            f"`cache_subdir`. Received fname={name!r}" + (f" (taken from origin {origin!r})." if derived else ".")
        )
    return name
