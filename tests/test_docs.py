"""The documentation site: it builds with warnings as errors, its API reference has an entry for every
public name, and every Python block of its guides runs.

The site is built once (``mkdocs build --strict``, as ``make docs`` does) into a temporary folder; the name
check reads the built HTML, so it sees what mkdocstrings rendered rather than what the generator
(``docs/gen_api.py``) meant to write, and it lists the names on its own, as a user's ``dir()`` shows them.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import kerax

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Pages whose ```python blocks run, in order, in one namespace per page.
RUNNABLE_PAGES = [DOCS / "index.md", *sorted((DOCS / "guides").glob("*.md"))]
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _public_namespaces(module: types.ModuleType) -> list[types.ModuleType]:
    """``module`` and every public namespace below it (bound as ``module.name``, no leading underscore)."""
    found = [module]
    for name in sorted(dir(module)):
        value = getattr(module, name)
        if not name.startswith("_") and isinstance(value, types.ModuleType):
            if value.__name__ == f"{module.__name__}.{name}":
                found += _public_namespaces(value)
    return found


def _public_names(module: types.ModuleType) -> set[str]:
    """What a namespace exposes: its ``__all__``, else the classes and functions the module defines."""
    if hasattr(module, "__all__"):
        names = set(module.__all__)
    else:
        names = {
            name
            for name, value in vars(module).items()
            if isinstance(value, type | types.FunctionType) and value.__module__ == module.__name__
        }
    subnamespaces = {n for n in names if isinstance(getattr(module, n), types.ModuleType)}
    return {n for n in names if not n.startswith("_")} - subnamespaces


def _build_site(out: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` into ``out``, as ``make docs`` runs it."""
    for package in ("mkdocs", "mkdocstrings_handlers.python"):
        if importlib.util.find_spec(package.split(".")[0]) is None or importlib.util.find_spec(package) is None:
            pytest.skip(f"{package} is not installed (it comes with the test extra: pip install -e '.[test]')")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def _missing_api_entries(out: Path) -> dict[str, list[str]]:
    """The public names, by namespace, that have no entry (an element with their ``id``) in the built pages."""
    missing: dict[str, list[str]] = {}
    for module in _public_namespaces(kerax):
        names = _public_names(module)
        if not names:
            continue
        page = out / "api" / module.__name__ / "index.html"
        html = page.read_text(encoding="utf-8") if page.is_file() else ""
        anchors = set(re.findall(r'\bid="([^"]+)"', html))
        absent = sorted(name for name in names if f"{module.__name__}.{name}" not in anchors)
        if absent:
            missing[module.__name__] = absent if html else [f"(no page {page.relative_to(out)})"]
    return missing


def test_site_builds_strictly_with_an_entry_for_every_public_name(tmp_path: Path) -> None:
    """One build (a few seconds of griffe, ~15 s of rendering) serves both checks."""
    result = _build_site(tmp_path)
    missing = _missing_api_entries(tmp_path)
    assert not missing, f"the API reference lacks entries for these public names: {missing}"
    problems = [line for line in result.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert result.returncode == 0, "mkdocs build --strict failed:\n" + "\n".join(problems or [result.stderr[-3000:]])
    for page in RUNNABLE_PAGES:
        built = tmp_path / ("index.html" if page.stem == "index" else f"guides/{page.stem}/index.html")
        assert built.is_file(), f"{page.relative_to(ROOT)} was not built (expected {built.relative_to(tmp_path)})"


def test_every_public_namespace_is_covered() -> None:
    """The walk that the check above relies on finds the namespaces users know, down to the submodules."""
    found = {m.__name__ for m in _public_namespaces(kerax) if _public_names(m)}
    expected = {"kerax", "kerax.layers", "kerax.ops", "kerax.ops.numpy", "kerax.ops.nn", "kerax.optimizers.schedules"}
    expected |= {"kerax.applications.resnet", "kerax.datasets.mnist", "kerax.preprocessing.image", "kerax.utils"}
    assert expected <= found, f"namespaces not found: {sorted(expected - found)}"


def test_the_guides_have_python_blocks() -> None:
    for page in RUNNABLE_PAGES:
        assert _PYTHON_BLOCK.findall(page.read_text(encoding="utf-8")), f"{page.name} has no ```python block"
    assert {p.stem for p in RUNNABLE_PAGES} >= {"index", "models", "training", "saving", "data"}


@pytest.mark.parametrize("page", RUNNABLE_PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_guide_code_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's blocks run in order in one namespace, in a fresh folder (they write files there)."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(_PYTHON_BLOCK.findall(page.read_text(encoding="utf-8")), start=1):
        code = compile(block, f"{page.relative_to(ROOT)} (python block {number})", "exec")
        exec(code, namespace)  # noqa: S102 - the documentation's own examples
