"""`CSVLogger`: write each epoch's results as a row of a CSV file."""

from __future__ import annotations

import csv
import os
from typing import IO, Any

import numpy as np

from kerax.callbacks._callback import Callback


def _cell(value: Any) -> Any:
    """Turn one log value into a CSV cell (sequences become a quoted "[a, b]" list)."""
    if value is None or isinstance(value, str | int | float):
        return value
    arr = np.asarray(value) if not isinstance(value, bytes) else None
    if arr is None or arr.dtype.kind not in "biuf":
        return str(value)
    if arr.ndim == 0:
        return arr.item()
    return "[" + ", ".join(str(item) for item in arr.ravel().tolist()) + "]"


class CSVLogger(Callback):
    """Append one row per epoch (`epoch` 0-based, then the logs sorted by name) to a CSV file.

    The columns are fixed by the first epoch; when no `val_` column is present then, matching
    `val_` columns are reserved (filled with "NA") so that validation run on later epochs only
    fits the same table. In append mode an existing header is reused.

    Args:
        filename: Path of the CSV file.
        separator: Column delimiter. Defaults to `","`.
        append: Add to an existing file instead of overwriting it. Defaults to `False`.
    """

    def __init__(self, filename: str | os.PathLike[str], separator: str = ",", append: bool = False) -> None:
        super().__init__()
        try:
            self.filename = os.fspath(filename)
        except TypeError:
            raise TypeError(f"CSVLogger: `filename` must be a str or os.PathLike, received {filename!r}.") from None
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger: `separator` must be a single character, received {separator!r}.")
        self.sep = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self._file: IO[str] | None = None
        self._writer: Any = None
        self._write_header = True

    def _existing_header(self) -> list[str] | None:
        if not os.path.exists(self.filename):
            return None
        with open(self.filename, newline="") as handle:
            first = handle.readline()
        if not first.strip():
            return None
        return next(csv.reader([first], delimiter=self.sep))

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Open the file (truncating it unless `append`).

        Args:
            logs: Unused.
        """
        self._close()
        self.keys = None
        self._writer = None
        self._write_header = True
        if self.append:
            header = self._existing_header()
            if header:
                self._write_header = False
                self.keys = [key for key in header if key != "epoch"]
        self._file = open(self.filename, "a" if self.append else "w", newline="")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Write the epoch's row.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results.
        """
        logs = logs or {}
        if self._file is None or self._file.closed:
            # Used outside `fit` (or after `on_train_end`): keep appending to the file.
            self._file = open(self.filename, "a", newline="")
            self._write_header = self._existing_header() is None and self.keys is None
        if self.keys is None:
            keys = sorted(logs)
            if keys and not any(key.startswith("val_") for key in keys):
                keys += [f"val_{key}" for key in keys]
            self.keys = keys
        if self._writer is None:
            self._writer = csv.writer(self._file, delimiter=self.sep, lineterminator="\n")
            if self._write_header:
                self._writer.writerow(["epoch", *self.keys])
                self._write_header = False
        self._writer.writerow([epoch, *(_cell(logs[key]) if key in logs else "NA" for key in self.keys)])
        self._file.flush()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Close the file.

        Args:
            logs: Unused.
        """
        self._close()

    def _close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()
        self._file = None
        self._writer = None
