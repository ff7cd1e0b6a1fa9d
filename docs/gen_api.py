"""MkDocs hook: the API reference, one page per public namespace of kerax, written afresh at every build.

Each page lists every public name of its namespace as a ``::: kerax.<namespace>.<name>`` entry, which
mkdocstrings renders from the docstrings (griffe reads them from the source). Nothing is listed by hand,
so a public name added to kerax appears in the reference at the next build. kerax is imported only to
list the names, exactly as a user's ``dir()`` sees them; ``tests/test_docs.py`` checks the built pages
against the same namespaces.

Also runnable on its own: ``python docs/gen_api.py`` prints the pages it would write and their entry counts.
"""

from __future__ import annotations

import importlib
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

ROOT = "kerax"
API_DIR = "api"


@dataclass
class Namespace:
    """One public namespace: its module, its public names and its public sub-namespaces."""

    module: types.ModuleType
    names: list[str]
    children: list[Namespace] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.module.__name__

    @property
    def page(self) -> str:
        return f"{API_DIR}/{self.path}.md"


def public_names(module: types.ModuleType) -> list[str]:
    """The names ``module`` exposes: its ``__all__``, or else the functions and classes it defines itself.

    Names with a leading underscore and public sub-namespaces (which get pages of their own) are left out.
    """
    if hasattr(module, "__all__"):
        names = list(module.__all__)
    else:  # a module such as kerax.datasets.mnist: what it defines, not what it imported to do so
        names = [
            name
            for name, value in vars(module).items()
            if isinstance(value, type | types.FunctionType) and value.__module__ == module.__name__
        ]
    return sorted(name for name in set(names) if not name.startswith("_") and _submodule(module, name) is None)


def _submodule(module: types.ModuleType, name: str) -> types.ModuleType | None:
    value = getattr(module, name, None)
    if isinstance(value, types.ModuleType) and value.__name__ == f"{module.__name__}.{name}":
        return value
    return None


def collect(path: str = ROOT) -> Namespace:
    """The namespace tree under ``path``: every public submodule that has at least one public name."""
    module = importlib.import_module(path)
    namespace = Namespace(module, public_names(module))
    for name in sorted(dir(module)):
        sub = None if name.startswith("_") else _submodule(module, name)
        if sub is not None:
            child = collect(sub.__name__)
            if child.names or child.children:
                namespace.children.append(child)
    return namespace


def walk(namespace: Namespace) -> list[Namespace]:
    """``namespace`` and all its descendants, parents first."""
    return [namespace, *(n for child in namespace.children for n in walk(child))]


def render(namespace: Namespace, homes: dict[int, str]) -> str:
    """The Markdown of one namespace's page.

    An object reachable under several names is documented in full once, at its first name in ``homes``'s
    order (``Conv2D`` before ``Convolution2D``, ``kerax.ops.numpy.abs`` before ``kerax.ops.abs``); its
    other names get a heading of their own that links there.
    """
    lines = [
        f"# `{namespace.path}`",
        "",
        f"::: {namespace.path}",
        "    options:",
        "      show_root_heading: false",
        "      show_root_toc_entry: false",
        "      members: false",
        "",
    ]
    if namespace.children:
        lines += ["**Namespaces:** " + ", ".join(f"[`{c.path}`]({c.path}.md)" for c in namespace.children), ""]
    for name in namespace.names:
        anchor = f"{namespace.path}.{name}"
        home = homes.get(id(getattr(namespace.module, name)), anchor)
        if home == anchor:
            lines += [f"::: {anchor}", ""]
            inherited = hidden_base_members(getattr(namespace.module, name), homes)
            if inherited:  # what Model inherits from the trainer (fit, evaluate...) belongs on Model's entry
                lines[-1:] = ["    options:", f"      inherited_members: [{', '.join(inherited)}]", ""]
        else:
            page = home.rsplit(".", 1)[0]
            link = f"#{home}" if page == namespace.path else f"{page}.md#{home}"
            lines += [f"## `{name}` {{ #{anchor} }}", "", f"Another name for [`{home}`]({link}).", ""]
    return "\n".join(lines)


def hidden_base_members(value: object, homes: dict[int, str]) -> list[str]:
    """The public methods and properties a class inherits from base classes the reference does not show.

    A base that is itself a public name (``Layer``, ``Model``) has its own entry, which the ``Bases:``
    line links to; a base from a private module (the trainer behind ``Model.fit``, a family's shared
    base layer) has none, so its members are listed with the class (those with a docstring are shown).
    """
    if not isinstance(value, type):
        return []
    public_bases = [base for base in value.__mro__[1:] if id(base) in homes]
    covered = {id(cls) for base in public_bases for cls in base.__mro__}  # shown on the public bases' entries
    names: set[str] = set()
    for base in value.__mro__[1:]:
        if base.__module__ == "builtins" or id(base) in covered:  # object, Exception, dict: Python's own
            continue
        names.update(n for n in vars(base) if not n.startswith("_") and n not in vars(value))
    return sorted(names)


def documented_at(namespaces: list[Namespace]) -> dict[int, str]:
    """Where each class or function is documented in full: its first name, children's pages before parents'."""
    homes: dict[int, str] = {}
    for namespace in namespaces:
        for name in namespace.names:
            value = getattr(namespace.module, name)
            if isinstance(value, type | types.FunctionType):
                homes.setdefault(id(value), f"{namespace.path}.{name}")
    return homes


def children_first(namespace: Namespace) -> list[Namespace]:
    """``namespace`` and all its descendants, children first."""
    return [*(n for child in namespace.children for n in children_first(child)), namespace]


def nav(namespace: Namespace) -> list:
    """The navigation entries for ``namespace``: a page, or a section of its page and its children's."""
    if not namespace.children:
        return [{namespace.path: namespace.page}]
    return [{namespace.path: [namespace.page, *(e for child in namespace.children for e in nav(child))]}]


def pages() -> dict[str, str]:
    """Every API page, by its path under docs/."""
    namespaces = walk(collect())
    homes = documented_at(children_first(namespaces[0]))
    return {namespace.page: render(namespace, homes) for namespace in namespaces}


# MkDocs hook events.


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Put the API pages into the navigation, after the hand-written part."""
    tree = collect()
    entries = [{tree.path: tree.page}, *(e for child in tree.children for e in nav(child))]
    config.nav = [*(config.nav or []), {"API reference": entries}]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages to the site's files, and the colours of the code that Pygments marked up."""
    from mkdocs.structure.files import File
    from pygments.formatters import HtmlFormatter

    for path, text in pages().items():
        files.append(File.generated(config, path, content=text))
    files.append(File.generated(config, "css/pygments.css", content=HtmlFormatter().get_style_defs(".highlight")))
    return files


if __name__ == "__main__":
    for namespace in walk(collect()):
        print(f"{namespace.page}: {len(namespace.names)} names")
