"""Public docstrings follow one Google style: every constructor or function argument is documented under
``Args:``, and every public layer has an ``Example:`` with ``>>>`` lines (run by ``pytest --doctest-modules``).

To cover another namespace, add its module name to ``NAMESPACES`` (and to ``EXAMPLE_NAMESPACES`` to require
examples there too).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator

import pytest

import kerax

# Keras's public namespaces (kerax.layers, and the others with the sub-namespaces Keras has): in each, every public
# class and function documents every argument under ``Args:``.
NAMESPACES = ["kerax.layers", "kerax", "kerax.activations", "kerax.backend", "kerax.callbacks", "kerax.config"]
NAMESPACES += ["kerax.constraints", "kerax.datasets", "kerax.distribution", "kerax.dtype_policies"]
NAMESPACES += ["kerax.initializers", "kerax.losses", "kerax.metrics", "kerax.mixed_precision", "kerax.models"]
NAMESPACES += ["kerax.ops", "kerax.ops.image", "kerax.ops.linalg", "kerax.ops.nn", "kerax.ops.numpy"]
NAMESPACES += ["kerax.optimizers", "kerax.optimizers.schedules", "kerax.preprocessing", "kerax.preprocessing.image"]
NAMESPACES += ["kerax.preprocessing.sequence", "kerax.random", "kerax.regularizers", "kerax.saving", "kerax.tree"]
NAMESPACES += ["kerax.utils", "kerax.applications"]
NAMESPACES += [f"kerax.applications.{module.name}" for module in pkgutil.iter_modules(kerax.applications.__path__)]
NAMESPACES += [f"kerax.datasets.{module.name}" for module in pkgutil.iter_modules(kerax.datasets.__path__)]
NAMESPACES = [name for name in NAMESPACES if not name.rsplit(".", 1)[-1].startswith("_")]
# In these, every public class and function also has a runnable ``Example:``.
EXAMPLE_NAMESPACES = ["kerax.layers"]

# A Google-style section header: a capitalised title alone on its line, ending with a colon ("Args:").
_SECTION = re.compile(r"^[A-Z][A-Za-z ]*:$")
# One argument entry: ``name: text`` or ``name (type): text``; ``*args`` and ``**kwargs`` keep their stars.
_ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_][A-Za-z0-9_]*)(?: \([^)]*\))?:(?:\s|$)")


def public_objects(namespace: str) -> Iterator[tuple[str, object]]:
    """Each public class and function of ``namespace`` once (aliases such as ``Convolution2D`` are skipped)."""
    module = importlib.import_module(namespace)
    seen: set[int] = set()
    for name in sorted(getattr(module, "__all__", [n for n in dir(module) if not n.startswith("_")])):
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)) or id(obj) in seen:
            continue
        seen.add(id(obj))
        yield f"{namespace}.{name}", obj


def documented_args(doc: str) -> list[str]:
    """The argument names listed under ``Args:`` in a cleaned docstring (empty when there is no such section)."""
    lines = doc.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Args:")
    except StopIteration:
        return []
    header_indent = len(lines[start]) - len(lines[start].lstrip())
    names: list[str] = []
    entry_indent = None
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= header_indent:
            break  # the next section (or the end of the Args block)
        if entry_indent is None:
            entry_indent = indent
        if indent == entry_indent:
            match = _ENTRY.match(line.strip())
            if match is None:
                raise AssertionError(f"cannot read the Args entry {line.strip()!r}: expected 'name: description'")
            names.append(match.group(1))
    return names


def signature_args(obj: Callable) -> list[str]:
    """The parameters a user passes: those of ``__init__`` for a class (without ``self``), ``*args``/``**kwargs``
    with their stars."""
    target = obj
    if inspect.isclass(obj):
        if inspect.isfunction(obj.__init__):
            target = obj.__init__
        elif not inspect.isfunction(obj.__new__):
            return []  # a builtin's constructor (object's, an exception's message): no arguments of its own
        # else a NamedTuple: the class's own signature lists its fields
    names = []
    for parameter in inspect.signature(target).parameters.values():
        if parameter.name == "self":
            continue
        prefix = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
        names.append(prefix + parameter.name)
    return names


def inherits_base_layer_keywords(obj: object) -> bool:
    """Whether ``obj`` is a layer class other than the base ``Layer`` itself."""
    from kerax.layers import Layer

    return inspect.isclass(obj) and issubclass(obj, Layer) and obj is not Layer


def base_layer_keywords() -> set[str]:
    """The keyword-only arguments every layer takes from the base ``Layer`` (``name``, ``dtype``...)."""
    from kerax.layers import Layer

    parameters = inspect.signature(Layer.__init__).parameters.values()
    return {parameter.name for parameter in parameters if parameter.kind is inspect.Parameter.KEYWORD_ONLY}


def _cases(namespaces: list[str]) -> list[tuple[str, object]]:
    return [case for namespace in namespaces for case in public_objects(namespace)]


@pytest.mark.parametrize(
    ("qualname", "obj"), _cases(NAMESPACES), ids=lambda value: value if isinstance(value, str) else ""
)
def test_every_argument_is_documented(qualname: str, obj: Callable) -> None:
    doc = inspect.getdoc(obj) or ""
    # getdoc falls back to a base class's docstring; the public object must carry its own.
    assert obj.__doc__, f"{qualname} has no docstring"
    try:
        documented = documented_args(doc)
    except AssertionError as error:
        raise AssertionError(f"{qualname}: {error}") from None
    expected = signature_args(obj)
    missing = [name for name in expected if name not in documented]
    if inherits_base_layer_keywords(obj) and "**kwargs" in documented:
        # A layer that inherits the base constructor documents the base keywords as one ``**kwargs`` entry.
        missing = [name for name in missing if name not in base_layer_keywords()]
    assert not missing, f"{qualname}: Args: does not document {missing} (its signature takes {expected})"
    unknown = [name for name in documented if name not in expected]
    assert not unknown, f"{qualname}: Args: documents {unknown}, which its signature {expected} does not take"
    assert len(documented) == len(set(documented)), f"{qualname}: Args: lists an argument twice: {documented}"


@pytest.mark.parametrize(
    ("qualname", "obj"), _cases(EXAMPLE_NAMESPACES), ids=lambda value: value if isinstance(value, str) else ""
)
def test_every_public_object_has_an_example(qualname: str, obj: Callable) -> None:
    doc = inspect.getdoc(obj) or ""
    lines = doc.splitlines()
    sections = [line.strip() for line in lines if _SECTION.match(line.strip())]
    assert "Example:" in sections, f"{qualname}: no 'Example:' section (sections found: {sections})"
    example = "\n".join(lines[lines.index("Example:") :])
    assert ">>> " in example, f"{qualname}: its 'Example:' section has no '>>>' line to run"


# The sections a Google-style docstring may have, as Keras uses them (mkdocstrings renders these).
GOOGLE_SECTIONS = {"Args:", "Call arguments:", "Input shape:", "Output shape:", "Returns:", "Raises:", "Example:"}


@pytest.mark.parametrize(
    ("qualname", "obj"), _cases(NAMESPACES), ids=lambda value: value if isinstance(value, str) else ""
)
def test_docstring_sections_are_google_style(qualname: str, obj: Callable) -> None:
    lines = (inspect.getdoc(obj) or "").splitlines()
    sections = [line.strip() for line in lines if _SECTION.match(line.strip())]
    unknown = [section for section in sections if section not in GOOGLE_SECTIONS]
    assert not unknown, (
        f"{qualname}: sections {unknown} are not Google style; expected some of {sorted(GOOGLE_SECTIONS)}"
    )
    numpy_style = [line for line in lines if re.fullmatch(r"\s*-{3,}\s*", line)]
    rest_style = [line.strip() for line in lines if re.match(r"\s*:(param|type|returns?|raises?)\b", line)]
    assert not numpy_style and not rest_style, f"{qualname}: NumPy- or reST-style lines {numpy_style + rest_style}"


def test_args_parser_reads_google_entries() -> None:
    doc = inspect.cleandoc(
        """Summary.

        Args:
            units: the width,
                continued here: with a colon.
            rate (float): a typed entry.
            **kwargs: base layer keyword arguments.

        Example:
            >>> 1
            1
        """
    )
    assert documented_args(doc) == ["units", "rate", "**kwargs"]
    with pytest.raises(AssertionError, match="cannot read the Args entry"):
        documented_args("Summary.\n\nArgs:\n    a, b: two at once.\n")
