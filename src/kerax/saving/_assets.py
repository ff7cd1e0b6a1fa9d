"""Assets: the files a layer writes beside its weights (``save_assets``) and reads back (``load_assets``).

In a saved model they are zip members under ``assets/<object path>/``, the object paths of Keras 3's saving
walk (``layers/text_vectorization``), so files interoperate with Keras. They are never extracted in place:
on load, the members (whose names the archive reader has already checked) are written into a fresh
temporary folder, the layers read them from there, and the folder is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from kerax.saving._keras_paths import keras_objects

PREFIX = "assets/"


def _asset_folder(root: str, path: str) -> str:
    return os.path.join(root, *path.split("/")) if path else root


def collect(model: Any) -> dict[str, bytes]:
    """The zip members holding what ``model``'s layers write with their ``save_assets(folder)``."""
    owners = {path: obj for path, obj in keras_objects(model).items() if callable(getattr(obj, "save_assets", None))}
    if not owners:
        return {}
    members: dict[str, bytes] = {}
    root = tempfile.mkdtemp(prefix="kerax-assets-")
    try:
        for path, obj in owners.items():
            folder = _asset_folder(root, path)
            os.makedirs(folder, exist_ok=True)
            obj.save_assets(folder)
        for base, _, files in os.walk(root):
            for name in sorted(files):
                full = os.path.join(base, name)
                if os.path.islink(full):
                    raise ValueError(f"save: asset {full!r} is a symbolic link; layers must write plain files.")
                relative = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, "rb") as f:
                    members[PREFIX + relative] = f.read()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return members


def restore(model: Any, members: dict[str, bytes]) -> None:
    """Hand each layer with ``load_assets(folder)`` the folder of its assets (None when it saved none)."""
    owners = {path: obj for path, obj in keras_objects(model).items() if callable(getattr(obj, "load_assets", None))}
    if not owners:
        return
    root = tempfile.mkdtemp(prefix="kerax-assets-")
    try:
        for name, data in members.items():
            if not name.startswith(PREFIX) or name.endswith("/"):
                continue
            target = os.path.join(root, *name[len(PREFIX) :].split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(data)
        for path, obj in owners.items():
            folder = _asset_folder(root, path)
            obj.load_assets(folder if os.path.isdir(folder) else None)
    finally:
        shutil.rmtree(root, ignore_errors=True)
