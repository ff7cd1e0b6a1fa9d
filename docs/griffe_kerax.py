"""Griffe extension for the documentation site: kerax's docstrings as the API reference shows them.

Two readings of kerax's Google-style docstrings that Griffe does not make by itself (the source is left
as it is):

- kerax heads its doctests ``Example:``, a section name that Griffe knows only in the plural. Read as a
  generic admonition, the ``>>>`` lines would render as nested quotes; as ``Examples:``, as Python
  sessions.
- A ``NamedTuple`` documents its fields under ``Args:`` (they are its constructor's arguments), but
  Griffe gives a ``NamedTuple`` no constructor signature and would warn that none of them exist; they are
  read as the ``Attributes:`` they also are.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE_HEADER = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)
_ARGS_HEADER = re.compile(r"^(\s*)Args:[ \t]*$", re.MULTILINE)


class KeraxDocstrings(griffe.Extension):
    """Read ``Example:`` as ``Examples:``, and a ``NamedTuple``'s ``Args:`` as ``Attributes:``."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        text = _EXAMPLE_HEADER.sub(r"\1Examples:", obj.docstring.value)
        if obj.is_class and any(str(base).rsplit(".", 1)[-1] == "NamedTuple" for base in obj.bases):
            text = _ARGS_HEADER.sub(r"\1Attributes:", text)
        obj.docstring.value = text
