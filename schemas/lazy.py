"""Public names of a package imported on first use (PEP 562), shared by ``dateline.schemas``
and ``dateline.evaluation``: ``from package import name`` works as ever, while a command
that needs a part of the package imports only that part.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(package: str, modules: Mapping[str, str], namespace: dict[str, Any]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose globals are ``namespace``:
    a name of ``modules`` (name -> module defining it) is imported on its first lookup and
    kept in ``namespace`` (the next lookup finds a plain attribute); ``__dir__`` lists the
    globals and ``__all__``.

    >>> namespace = {"__all__": ["sqrt"]}
    >>> getattr_, dir_ = lazy_names("demo", {"sqrt": "math"}, namespace)
    >>> getattr_("sqrt")(9.0), "sqrt" in namespace, dir_()
    (3.0, True, ['__all__', 'sqrt'])
    >>> getattr_("cbrt")
    Traceback (most recent call last):
    ...
    AttributeError: module 'demo' has no attribute 'cbrt'
    """

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return __getattr__, __dir__
