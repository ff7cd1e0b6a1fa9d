"""Public modules show only their public names: ``dir(kerax.layers)`` lists ``__all__`` (and dunders).

A public module is any module under src/kerax whose dotted path has no part starting with ``_``
(``kerax``, ``kerax.layers``, ``kerax.ops.numpy``, ``kerax.datasets.mnist``...). Its ``dir()`` must not show
the private modules it is built from (``_core``), nor what it imported to do so (``jax``, ``np``,
``annotations``), and its ``__all__`` must name only what it exports. Keras's own names are checked by
``tests/test_namespace.py``.
"""

from __future__ import annotations
import __future__

import importlib
import types
from pathlib import Path

import numpy as np
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _public_module_names() -> list[str]:
    names = []
    for path in sorted((SRC / "kerax").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if not any(part.startswith("_") for part in parts):
            names.append(".".join(parts))
    return names


PUBLIC_MODULES = _public_module_names()


def problems(module: types.ModuleType) -> list[str]:
    """What ``module`` shows beyond its public names, or names that it does not export."""
    exported = getattr(module, "__all__", None)
    if exported is None:
        return [f"{module.__name__} has no __all__"]
    found = []
    if len(set(exported)) != len(exported):
        found.append(f"{module.__name__}.__all__ names {sorted(n for n in exported if exported.count(n) > 1)} twice")
    extra = sorted(n for n in set(dir(module)) - set(exported) if not (n.startswith("__") and n.endswith("__")))
    if extra:
        found.append(f"dir({module.__name__}) lists names outside __all__: {extra}")
    for name in exported:
        if not hasattr(module, name):
            found.append(f"{module.__name__}.__all__ names {name!r}, which the module does not have")
            continue
        value = getattr(module, name)
        if name.startswith("_") and name != "__version__":
            found.append(f"{module.__name__}.__all__ names the private {name!r}")
        elif isinstance(value, types.ModuleType) and value.__name__ != f"{module.__name__}.{name}":
            found.append(f"{module.__name__}.__all__ names {name!r}, the imported module {value.__name__}")
        elif isinstance(value, __future__._Feature):
            found.append(f"{module.__name__}.__all__ names {name!r}, a __future__ import")
    return found


def test_every_public_module_is_found() -> None:
    assert {"kerax", "kerax.layers", "kerax.ops.numpy", "kerax.utils", "kerax.saving"} <= set(PUBLIC_MODULES)
    assert not any(part.startswith("_") for name in PUBLIC_MODULES for part in name.split("."))


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_dir_shows_only_public_names(name: str) -> None:
    found = problems(importlib.import_module(name))
    assert not found, "\n".join(found)


def test_checker_catches_helpers_and_private_modules() -> None:
    module = types.ModuleType("kerax.example")
    module.np = np
    module._core = types.ModuleType("kerax.example._core")
    module.annotations = __future__.annotations
    module.relu = lambda x: x
    module.__all__ = ["relu", "np", "annotations", "gone"]
    found = problems(module)
    assert any("_core" in p and "outside __all__" in p for p in found), found
    assert any("'np', the imported module numpy" in p for p in found), found
    assert any("'annotations', a __future__ import" in p for p in found), found
    assert any("'gone', which the module does not have" in p for p in found), found
    module.__all__ = ["relu"]
    module.__dir__ = lambda: ["relu"]
    assert problems(module) == []
