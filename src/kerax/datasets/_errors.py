"""Exceptions raised by the dataset loaders."""

from __future__ import annotations


class DatasetUnavailableError(OSError):
    """A dataset file is missing from the cache and could not be downloaded.

    The message names every missing file, the folder it belongs in and the address it can be
    obtained from, so that it can be fetched by hand on a machine without network access.
    """


class DatasetIntegrityError(DatasetUnavailableError):
    """A downloaded file did not match its published hash or announced size; it was discarded."""


class DatasetFormatError(ValueError):
    """A dataset file is present but is not in the expected format."""


class UnsafeDatasetError(DatasetFormatError):
    """A dataset file holds content refused for safety (a pickled callable, an escaping archive path)."""
