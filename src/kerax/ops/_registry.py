"""Turn a plain array function into a kerax op: direct on arrays, a graph node on symbolic tensors."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import jax

from kerax.backend._naming import to_snake_case
from kerax.backend._symbolic import any_symbolic
from kerax.backend._variables import Variable
from kerax.ops._operation import Operation

OP_CLASSES: dict[str, type[Operation]] = {}


class FunctionOperation(Operation):
    """An operation wrapping a pure array function; its nodes keep the call's non-tensor arguments."""

    impl: Callable[..., Any]

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return type(self).impl(*args, **kwargs)


def unwrap_variables(tree: Any) -> Any:
    """Replace Variables by their current values anywhere in ``tree``."""
    return jax.tree_util.tree_map(
        lambda x: x.value if isinstance(x, Variable) else x, tree, is_leaf=lambda x: isinstance(x, Variable)
    )


_SHAPE_ERROR = re.compile(r"shape|broadcast", re.IGNORECASE)


def _is_bare_shape_error(name: str, error: Exception) -> bool:
    """A shape error from JAX's internals, not one that already names the op (or a JAX tracing error)."""
    message = str(error)
    if isinstance(error, jax.errors.JAXTypeError) or message.startswith(("`", f"{name}:", f"{name}(")):
        return False
    return bool(_SHAPE_ERROR.search(message))


def _shape_error(name: str, args: Any, error: Exception) -> ValueError:
    """JAX's shape error from inside an op, as a ValueError naming the op and the shapes it received."""
    shapes = [tuple(a.shape) for a in jax.tree_util.tree_leaves(args) if hasattr(a, "shape")]
    received = ", ".join(str(s) for s in shapes) or "no arrays"
    return ValueError(f"`{name}` received inputs of incompatible shapes {received}: {error}")


def op(class_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make ``impl`` a public op whose symbolic calls record a ``class_name`` node.

    A shape error raised by JAX inside the op (eagerly, or while a graph is built) becomes a ValueError
    that names the op and the shapes it received.
    """

    def wrap(impl: Callable[..., Any]) -> Callable[..., Any]:
        cls = type(class_name, (FunctionOperation,), {"impl": staticmethod(impl), "__module__": "kerax.ops"})
        OP_CLASSES[class_name] = cls

        name = impl.__name__
        if name == "impl" or name.startswith("_"):  # made by a factory: name it after its class
            name = to_snake_case(class_name)

        @functools.wraps(impl)
        def public(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = unwrap_variables((args, kwargs))
            try:
                if any_symbolic((args, kwargs)):
                    return cls()(*args, **kwargs)
                return impl(*args, **kwargs)
            except (TypeError, ValueError) as e:
                if not _is_bare_shape_error(name, e):
                    raise
                raise _shape_error(name, (args, kwargs), e) from e

        public.__name__ = public.__qualname__ = name
        public.operation_class = cls  # type: ignore[attr-defined]
        return public

    return wrap
