"""Griffe extension for the documentation site: kerax's docstrings as the API reference shows them.

kerax's docstrings head their doctests ``Example:``, a section name that Google style (as Griffe reads
it) knows only in the plural. Read as a generic admonition, the ``>>>`` lines would render as nested
quotes; renamed ``Examples:`` they render as Python sessions. The source is left as it is.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE_HEADER = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Read a docstring's ``Example:`` section as Google style's ``Examples:``."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE_HEADER.sub(r"\1Examples:", obj.docstring.value)
