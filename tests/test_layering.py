"""kerax's packages import only downwards, through the levels written in docs/architecture.md ("Layering").

Every module under src/kerax is read with ``ast`` (nothing is imported): each import, at module level or
inside a function, relative or absolute, is mapped to the package it reaches. A package may import its
own modules and the packages on lower levels, never one on its own level or above, and the packages
never import each other in a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC / "kerax"

# From the bottom. "kerax" is the top-level namespace (kerax/__init__.py); the names starting with "_" are
# kerax/_version.py, kerax/_serialization/, kerax/_registry_utils.py and kerax/_function.py.
LEVELS: list[tuple[str, ...]] = [
    ("_version", "_serialization", "tree", "backend"),
    ("ops", "random", "dtype_policies", "distribution", "datasets", "optimizers", "_registry_utils"),
    ("config", "initializers", "regularizers", "constraints", "activations", "losses", "mixed_precision"),
    ("layers", "metrics"),
    ("saving",),
    ("callbacks",),
    ("trainers",),
    ("models",),
    ("utils", "_function"),
    ("preprocessing", "applications"),
    ("kerax",),
]
LEVEL = {package: level for level, packages in enumerate(LEVELS) for package in packages}

# Imports allowed to go up or across, as (importing file, imported module): reason. None today. An entry
# would be a lazy import with a reason to exist (never a way around a cycle).
ALLOWED: dict[tuple[str, str], str] = {}


class Import(NamedTuple):
    path: str  # relative to src/, e.g. "kerax/backend/_symbolic.py"
    line: int
    module: str  # the module reached, e.g. "kerax.ops._operation"
    source: str  # the package of the importing file
    target: str  # the package reached


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = SRC.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def package_of(module: str) -> str | None:
    """``kerax.ops._nn`` -> ``ops``; ``kerax`` -> ``kerax``; None outside kerax."""
    parts = module.split(".")
    if parts[0] != "kerax":
        return None
    return parts[1] if len(parts) > 1 else "kerax"


def imports_of(path: Path, source: str) -> Iterator[Import]:
    """Every kerax module that ``source`` (the text of ``path``) imports, wherever the import stands."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from kerax import ops`` reaches kerax.ops; ``from kerax.ops import add`` reaches kerax.ops
            modules = [f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base for a in node.names]
        else:
            continue
        for module in dict.fromkeys(modules):
            target = package_of(module)
            if target is not None:
                relative = str(path.relative_to(SRC))
                yield Import(relative, node.lineno, module, package_of(name) or "kerax", target)


def all_imports() -> list[Import]:
    return [imp for path in sorted(ROOT.rglob("*.py")) for imp in imports_of(path, path.read_text())]


def upward(imports: list[Import]) -> list[str]:
    """The imports that reach a package on the importer's level or above, as readable lines."""
    found = []
    for imp in imports:
        if imp.source == imp.target or (imp.path, imp.module) in ALLOWED:
            continue
        unplaced = [p for p in (imp.source, imp.target) if p not in LEVEL]
        if unplaced:
            found.append(f"{imp.path}:{imp.line} imports {imp.module}: {unplaced} have no level in LEVELS")
        elif LEVEL[imp.target] >= LEVEL[imp.source]:
            found.append(
                f"{imp.path}:{imp.line} imports {imp.module}: '{imp.target}' (level {LEVEL[imp.target]}) is not "
                f"below '{imp.source}' (level {LEVEL[imp.source]})"
            )
    return found


def cycles(imports: list[Import]) -> list[list[str]]:
    """One circle through each group of packages that import each other (a strongly connected component)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if imp.source != imp.target:
            graph.setdefault(imp.source, set()).add(imp.target)
    reach = {p: _reachable(graph, p) for p in graph}
    groups = {frozenset(q for q in reach[p] if p in reach.get(q, ())) | {p} for p in graph if p in reach[p]}
    return [_circle(graph, min(group), group) for group in sorted(groups, key=min)]


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def _circle(graph: dict[str, set[str]], start: str, group: frozenset[str]) -> list[str]:
    """The shortest way from ``start`` back to itself inside ``group``."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for nxt in sorted(graph.get(node, ()) & group):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                todo.append(nxt)
    raise AssertionError(f"{start} is in a group of packages but no circle leads back to it")


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


def test_every_package_has_a_level(imports: list[Import]) -> None:
    packages = {package_of(_module_name(p)) for p in ROOT.rglob("*.py")} | {imp.target for imp in imports}
    missing = sorted(p for p in packages if p not in LEVEL)
    assert not missing, f"Packages missing from LEVELS (and from docs/architecture.md's Layering): {missing}"
    assert len(LEVEL) == sum(len(level) for level in LEVELS), "A package is listed on two levels."
    stale = sorted(set(LEVEL) - packages)
    assert not stale, f"LEVELS lists packages that do not exist: {stale}"


def test_levels_are_those_of_the_architecture_page() -> None:
    text = (SRC.parent / "docs" / "architecture.md").read_text()
    section = text.split("## Layering", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| ") and line[2].isdigit()]
    documented = [tuple(name.strip("` ") for name in row[2].split(",")) for row in rows]
    documented = [("kerax",) if level[0].startswith("kerax") else level for level in documented]
    assert documented == LEVELS, f"docs/architecture.md lists the levels {documented}, this test {LEVELS}"


def test_imports_go_down_the_levels(imports: list[Import]) -> None:
    assert len(imports) > 1000, f"Expected the ~1,400 kerax imports of src/kerax, found {len(imports)}."
    found = upward(imports)
    assert not found, "Imports against the layering of docs/architecture.md:\n" + "\n".join(found)


def test_packages_do_not_import_each_other_in_a_circle(imports: list[Import]) -> None:
    found = cycles(imports)
    assert not found, "Packages that import each other in a circle:\n" + "\n".join(" -> ".join(c) for c in found)


def test_allowed_exceptions_are_still_there(imports: list[Import]) -> None:
    present = {(imp.path, imp.module) for imp in imports}
    stale = sorted(set(ALLOWED) - present)
    assert not stale, f"ALLOWED lists imports that are gone; drop them: {stale}"


def test_checker_reads_function_level_and_relative_imports() -> None:
    source = (
        "from __future__ import annotations\n"
        "from ..ops import _operation\n"  # relative, module level
        "def f():\n"
        "    from kerax.models import Model\n"  # absolute, inside a function
        "    import kerax.layers\n"
        "    return Model\n"
    )
    found = list(imports_of(ROOT / "backend" / "_example.py", source))
    assert [(i.line, i.module, i.target) for i in found] == [
        (2, "kerax.ops._operation", "ops"),
        (4, "kerax.models", "models"),
        (5, "kerax.layers", "layers"),
    ]
    report = upward(found)
    assert len(report) == 3 and report[1].startswith("kerax/backend/_example.py:4 imports kerax.models"), report


def test_checker_finds_a_circle() -> None:
    def edge(source: str, target: str) -> Import:
        return Import(f"kerax/{source}/x.py", 1, f"kerax.{target}", source, target)

    found = cycles([edge("saving", "models"), edge("models", "layers"), edge("layers", "saving"), edge("ops", "tree")])
    assert found == [["layers", "saving", "models", "layers"]]
