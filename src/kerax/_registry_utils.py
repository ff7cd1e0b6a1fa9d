"""Shared lookup for the small Keras object families (regularizers, constraints): name, dict or callable."""

from __future__ import annotations

import difflib
from typing import Any

from kerax._serialization._registry import get_registered_object
from kerax.backend._naming import to_snake_case


def lookup(identifier: Any, classes: dict[str, type], aliases: dict[str, str], family: str, base: type) -> Any:
    """An instance from a class name, a snake_case name or alias, a Keras config dict, or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, base) or (callable(identifier) and not isinstance(identifier, type | dict | str)):
        return identifier
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        if name not in classes:
            return registered_from_config(identifier, family, classes)
        return classes[name](**identifier.get("config", {}))
    if isinstance(identifier, str):
        return classes[class_name(identifier, classes, aliases, family)]()
    raise TypeError(f"Could not interpret {family} {identifier!r}: expected a name, a config dict or a callable.")


def class_name(identifier: str, classes: dict[str, type], aliases: dict[str, str], family: str) -> str:
    """The key in ``classes`` that a name means: itself, its snake_case or lower-case form, or an alias."""
    names = {to_snake_case(k): k for k in classes}
    names.update({k.lower(): k for k in classes})
    names.update(aliases)
    key = identifier if identifier in classes else names.get(identifier.lower())
    if key is None:
        close = difflib.get_close_matches(identifier.lower(), list(names), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(f"Unknown {family} {identifier!r}.{hint} Known: {', '.join(sorted(names))}.")
    return key


def registered_from_config(config: dict[str, Any], family: str, classes: dict[str, Any]) -> Any:
    """A user class's instance from its config, if the class is registered or in custom objects."""
    for key in (config.get("registered_name"), config.get("class_name")):
        cls = get_registered_object(key) if isinstance(key, str) else None
        if cls is not None:
            inner = config.get("config") or {}
            return cls.from_config(inner) if hasattr(cls, "from_config") else cls(**inner)
    raise ValueError(
        f"Unknown {family} class {config.get('class_name')!r}; known: {sorted(classes)}. Register your own "
        "class with @kerax.saving.register_keras_serializable()."
    )
