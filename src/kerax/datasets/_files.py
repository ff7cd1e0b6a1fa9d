"""The dataset cache: where files live, how missing ones are downloaded, checked and extracted.

The cache is ``$KERAX_HOME/datasets`` (``KERAX_HOME`` defaults to ``~/.kerax``), laid out exactly as Keras
lays out ``~/.keras/datasets``, so a Keras cache can be copied over as is. A missing file is downloaded
from its publisher into a temporary file in the same folder, its SHA-256 (or MD5, for the few files
Keras publishes only an MD5 for) is checked while it streams, and it is moved into place with
``os.replace`` only once it is complete and correct. Files already in the cache are used as they are,
without hashing, so a hand-placed partial or locally built copy works (Keras re-hashes cached files and
re-downloads on a mismatch, which would replace such a copy); each loader still validates the format.

``fetch`` (the downloader) and ``kerax.datasets._archive`` (the extractor) are shared with the public
``kerax.utils.get_file``, which, unlike the dataset cache, does re-hash a cached file when given a hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence

from kerax.backend._config import kerax_home
from kerax.backend._progbar import Progbar, print_msg
from kerax.datasets._archive import extract_tar
from kerax.datasets._errors import DatasetFormatError, DatasetIntegrityError, DatasetUnavailableError

# Publisher address -> address actually fetched. Empty in normal use; tests point origins at a local
# server with ``monkeypatch.setitem(_files._ORIGIN_OVERRIDES, origin, url)``.
_ORIGIN_OVERRIDES: dict[str, str] = {}
# Seconds any single network operation (connect, each read) may block.
_TIMEOUT_S: float = 60.0
_CHUNK = 1 << 20
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def cache_dir(cache_subdir: str = "datasets") -> str:
    """Return the cache folder ``$KERAX_HOME/<cache_subdir>``.

    Args:
        cache_subdir: A relative folder under the kerax home, e.g. ``"datasets/fashion-mnist"``.

    Returns:
        An absolute path (it may not exist yet).

    Raises:
        ValueError: If ``cache_subdir`` is absolute or climbs out with ``..``.
    """
    parts = cache_subdir.replace("\\", "/").split("/")
    if os.path.isabs(cache_subdir) or ".." in parts:
        raise ValueError(f"cache_subdir must be a relative folder inside KERAX_HOME, received {cache_subdir!r}.")
    return os.path.join(kerax_home(), *[p for p in parts if p not in ("", ".")])


def get_file(
    fname: str,
    origin: str,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    extract: bool = False,
    *,
    validate: Callable[[str], None] | None = None,
    alt_archive_names: Sequence[str] = (),
) -> str:
    """Return the cached path of ``fname``, downloading it from ``origin`` first if it is missing.

    With ``extract=True`` the file is a tar archive and the extracted folder is returned, named as
    Keras names it: for ``fname="x"`` the archive is ``x_archive`` and the folder ``x``; for
    ``fname="x.tar.gz"`` the archive is ``x.tar.gz`` and the folder ``x_extracted``.

    Args:
        fname: File name inside the cache folder (no separators).
        origin: The publisher's address (``http``/``https``).
        file_hash: Expected SHA-256 (64 hex digits) or MD5 (32) of a download; ``None`` skips the check.
            Defaults to ``None``.
        cache_subdir: Relative folder under ``$KERAX_HOME``. Defaults to ``"datasets"``.
        extract: Whether the file is a tar archive to extract. Defaults to ``False``.
        validate: Optional check run on a downloaded file before it is moved into place; it raises
            ``DatasetFormatError`` to reject the file. Defaults to ``None``.
        alt_archive_names: Other names under which an archive placed by hand is accepted (e.g. the
            publisher's own file name), only with ``extract=True``. Defaults to ``()``.

    Returns:
        The path of the file, or of the extracted folder.

    Raises:
        DatasetUnavailableError: If the file is missing and cannot be downloaded; the message says
            which file to put where, and where to get it.
        DatasetIntegrityError: If a download does not match ``file_hash`` (nothing is left behind).
        UnsafeDatasetError: If an archive member would escape the folder or is a link.
    """
    _check_name(fname)
    datadir = cache_dir(cache_subdir)
    if not extract:
        target = os.path.join(datadir, fname)
        if not os.path.isfile(target):
            _download(origin, target, file_hash, validate, fname)
        return target
    if "." in fname:
        archive = os.path.join(datadir, fname)
        folder = os.path.join(datadir, fname[: fname.find(".")] + "_extracted")
    else:
        archive = os.path.join(datadir, fname + "_archive")
        folder = os.path.join(datadir, fname)
    if os.path.isdir(folder):
        return folder
    candidates = [archive] + [os.path.join(datadir, _check_name(n)) for n in alt_archive_names]
    found = next((c for c in candidates if os.path.isfile(c)), None)
    if found is None:
        note = f"or extract it so that the folder {folder} holds its contents"
        _download(origin, archive, file_hash, validate, fname, note=note)
        found = archive
    extract_tar(found, folder)
    return folder


def get_files(
    fnames: Iterable[str],
    origin_base: str,
    cache_subdir: str,
    file_hashes: Mapping[str, str] | None = None,
    validate: Callable[[str], None] | None = None,
) -> list[str]:
    """Return the cached paths of several files from one folder, downloading the missing ones.

    Args:
        fnames: File names inside the cache folder.
        origin_base: Address prefix; each file is fetched from ``origin_base + fname``.
        cache_subdir: Relative folder under ``$KERAX_HOME``.
        file_hashes: Optional expected hash per file name. Defaults to ``None``.
        validate: Optional check run on each downloaded file (see ``get_file``). Defaults to ``None``.

    Returns:
        The paths, in the order of ``fnames``.

    Raises:
        DatasetUnavailableError: If files are missing and cannot be downloaded; the message lists
            every missing file, not just the first (after one failed download no more are tried).
        DatasetIntegrityError: If a download does not match its hash.
    """
    hashes = dict(file_hashes or {})
    names = list(fnames)
    datadir = cache_dir(cache_subdir)
    paths: list[str] = []
    failure: DatasetUnavailableError | None = None
    for name in names:
        path = os.path.join(datadir, _check_name(name))
        if not os.path.isfile(path) and failure is None:
            try:
                get_file(name, origin_base + name, hashes.get(name), cache_subdir, validate=validate)
            except DatasetIntegrityError:
                raise
            except DatasetUnavailableError as err:
                failure = err
        paths.append(path)
    if failure is not None:
        missing = [
            (p, origin_base + n, hashes.get(n), None)
            for p, n in zip(paths, names, strict=True)
            if not os.path.isfile(p)
        ]
        raise _unavailable(missing, getattr(failure, "reason", str(failure))) from failure
    return paths


def hash_file(path: str, algorithm: str = "sha256") -> str:
    """Return the hex digest of a file.

    Args:
        path: The file.
        algorithm: ``"sha256"`` or ``"md5"``.

    Returns:
        The lowercase hex digest.
    """
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def _hash_algorithm(file_hash: str) -> str:
    if len(file_hash) == 64:
        return "sha256"
    if len(file_hash) == 32:
        return "md5"
    raise ValueError(f"file_hash must be a SHA-256 (64 hex digits) or MD5 (32), received {file_hash!r}.")


def _check_name(fname: str) -> str:
    if not fname or fname in (".", "..") or "/" in fname or "\\" in fname or os.sep in fname:
        raise ValueError(f"fname must be a plain file name, received {fname!r}.")
    return fname


def _open_url(url: str):
    host = urllib.parse.urlsplit(url).hostname
    # A proxy can never reach this machine's loopback interface, so talk to it directly.
    handlers = [urllib.request.ProxyHandler({})] if host in _LOOPBACK else []
    request = urllib.request.Request(url, headers={"User-Agent": "kerax"})
    return urllib.request.build_opener(*handlers).open(request, timeout=_TIMEOUT_S)


def _describe(err: BaseException) -> str:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return f"{err.reason}"
    return f"{type(err).__name__}: {err}"


class FetchError(Exception):
    """A download did not complete: unreachable host, HTTP error, interrupted transfer, unusable address.

    Args:
        reason: What went wrong, in words (it names the address).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchRejected(FetchError):
    """A download completed but was refused (hash mismatch or failed validation); it was discarded.

    Args:
        reason: What went wrong, in words (for a hash mismatch, both hashes).
        digest: The hash of what was received, when the hash did not match.
    """

    def __init__(self, reason: str, digest: str | None = None) -> None:
        super().__init__(reason)
        self.digest = digest


def fetch(
    url: str,
    target: str,
    *,
    file_hash: str | None = None,
    algorithm: str = "sha256",
    validate: Callable[[str], None] | None = None,
    schemes: Sequence[str] = ("http", "https"),
    progress: bool = True,
) -> None:
    """Download ``url`` to ``target`` atomically: the file appears only once complete and correct.

    The data streams into a temporary file in the target's folder while it is hashed; it is moved
    into place with ``os.replace`` only if it has the announced length, matches ``file_hash`` and
    passes ``validate``. On any failure, interruption included, the temporary file is removed and an
    existing ``target`` is left untouched. Every network operation times out after ``_TIMEOUT_S``.

    Args:
        url: Address to download (its scheme must be one of ``schemes``).
        target: Path of the file to write; its folder is created if needed.
        file_hash: Expected hex digest of the content (any case); ``None`` skips the check.
        algorithm: ``"sha256"`` or ``"md5"``, the algorithm of ``file_hash``.
        validate: Optional check run on the complete temporary file; it raises
            ``DatasetFormatError`` to reject the file.
        schemes: Accepted URL schemes.
        progress: Whether to announce the download and show a ``Progbar`` of the bytes received
            (it follows kerax's interactive-logging setting, as every progress bar does).

    Raises:
        FetchRejected: If the content does not match ``file_hash`` or fails ``validate``.
        FetchError: If the address is not usable or the download fails or is cut short.
    """
    if urllib.parse.urlsplit(url).scheme.lower() not in schemes:
        raise FetchError(f"{url!r} is not an {'/'.join(schemes)} address")
    folder = os.path.dirname(os.path.abspath(target))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise FetchError(f"cannot create {folder}: {err}") from err
    bar = None
    if progress:
        print_msg(f"Downloading data from {url}")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".part")
    try:
        hasher = hashlib.new(algorithm)
        size = 0
        with os.fdopen(fd, "wb") as out:
            try:
                response = _open_url(url)
            except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
                if isinstance(err, urllib.error.HTTPError):
                    err.close()  # an HTTPError holds the open response
                raise FetchError(f"downloading {url} failed: {_describe(err)}") from err
            with response:
                announced = response.headers.get("Content-Length")
                total = int(announced) if announced is not None and announced.isdigit() else None
                if progress:
                    bar = Progbar(total)
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except (http.client.HTTPException, OSError) as err:
                        raise FetchError(f"downloading {url} failed: {_describe(err)}") from err
                    if not chunk:
                        break
                    hasher.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                    if bar is not None and (total is None or size < total):
                        bar.update(size)
        if total is not None and size != total:
            raise FetchError(f"downloading {url} failed: the connection closed after {size} of {total} bytes")
        if bar is not None:
            bar.update(size, finalize=True)
        digest = hasher.hexdigest()
        if file_hash and digest != file_hash.lower():
            raise FetchRejected(f"the {algorithm} of {url} is {digest}, expected {file_hash.lower()}", digest)
        if validate is not None:
            try:
                validate(tmp)
            except DatasetFormatError as err:
                raise FetchRejected(f"{url} is not a valid {os.path.basename(target)}: {err}") from err
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def _download(
    origin: str,
    target: str,
    file_hash: str | None,
    validate: Callable[[str], None] | None,
    fname: str,
    note: str | None = None,
) -> None:
    url = _ORIGIN_OVERRIDES.get(origin, origin)
    missing = [(target, origin, file_hash, note)]
    algorithm = _hash_algorithm(file_hash) if file_hash else "sha256"
    try:
        fetch(url, target, file_hash=file_hash, algorithm=algorithm, validate=validate)
    except FetchRejected as err:
        raise _integrity(missing, err.reason) from err
    except FetchError as err:
        raise _unavailable(missing, err.reason) from err


_Missing = tuple[str, str, "str | None", "str | None"]


def _instructions(missing: Sequence[_Missing]) -> str:
    lines = ["To install by hand, download each file below and save it under the path shown:"]
    for path, origin, file_hash, note in missing:
        lines.append(f"  {path}")
        lines.append(f"      from {origin}")
        if file_hash:
            lines.append(f"      {_hash_algorithm(file_hash)} {file_hash.lower()}")
        if note:
            lines.append(f"      ({note})")
    lines.append(
        f"The cache folder is $KERAX_HOME/datasets (KERAX_HOME is now {kerax_home()}; it defaults to "
        "~/.kerax). A Keras cache (~/.keras/datasets) can be copied there as is."
    )
    return "\n".join(lines)


def _unavailable(missing: Sequence[_Missing], reason: str) -> DatasetUnavailableError:
    names = ", ".join(os.path.basename(m[0]) for m in missing)
    err = DatasetUnavailableError(f"Dataset file(s) missing: {names}; {reason}.\n{_instructions(missing)}")
    err.reason = reason
    err.missing = [(m[0], m[1]) for m in missing]
    return err


def _integrity(missing: Sequence[_Missing], reason: str) -> DatasetIntegrityError:
    names = ", ".join(os.path.basename(m[0]) for m in missing)
    err = DatasetIntegrityError(
        f"Download of {names} rejected: {reason}. The download was discarded and nothing was written "
        f"to the cache.\n{_instructions(missing)}"
    )
    err.reason = reason
    err.missing = [(m[0], m[1]) for m in missing]
    return err
