"""Turn a plain array function into a kerax op: direct on arrays, a graph node on symbolic tensors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax

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


def op(class_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make ``impl`` a public op whose symbolic calls record a ``class_name`` node."""

    def wrap(impl: Callable[..., Any]) -> Callable[..., Any]:
        cls = type(class_name, (FunctionOperation,), {"impl": staticmethod(impl), "__module__": "kerax.ops"})
        OP_CLASSES[class_name] = cls

        @functools.wraps(impl)
        def public(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = unwrap_variables((args, kwargs))
            if any_symbolic((args, kwargs)):
                return cls()(*args, **kwargs)
            return impl(*args, **kwargs)

        public.operation_class = cls  # type: ignore[attr-defined]
        return public

    return wrap
