"""dateline: a versioned corpus of English news annotated with entities, events and quotes,
and the toolkit around it.

>>> import dateline
>>> isinstance(dateline.__version__, str)
True

The corpus folder is resolved by :func:`corpus_path` (an explicit folder, ``$DATELINE_CORPUS``,
the checkout's ``corpus/``, the per-user data folder; see :mod:`dateline.location`); rows of
``datasets`` and Documents convert both ways with :func:`from_hf` and :func:`to_hf`.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; at run time, __getattr__ below
    from dateline.hf import from_hf, to_hf
    from dateline.loading import documents, load
    from dateline.location import corpus_path
    from dateline.schemas import (
        Argument,
        DatelineError,
        Document,
        Event,
        LayerInfo,
        Layers,
        Mention,
        Meta,
        Quote,
        Region,
        Span,
        read_jsonl,
        validate_paths,
        write_jsonl,
    )

    __version__: str

# Names of the public API and the module each comes from, imported on first use (PEP 562):
# `import dateline` costs nothing, and a command imports only what it needs (`dateline errors`
# needs no numpy; `load` and `documents` import `datasets`: about a second and 170 MB).
_LAZY = {
    **dict.fromkeys(("Argument", "DatelineError", "Document", "Event", "LayerInfo", "Layers",
                     "Mention", "Meta", "Quote", "Region", "Span", "read_jsonl",
                     "validate_paths", "write_jsonl"), "dateline.schemas"),
    "corpus_path": "dateline.location",
    "load": "dateline.loading",
    "documents": "dateline.loading",
    "from_hf": "dateline.hf",
    "to_hf": "dateline.hf",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from dateline.schemas.version import __version__

        value: Any = __version__
    elif name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'dateline' has no attribute {name!r}")
    globals()[name] = value  # once: the next lookup finds it as a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Argument",
    "DatelineError",
    "Document",
    "Event",
    "LayerInfo",
    "Layers",
    "Mention",
    "Meta",
    "Quote",
    "Region",
    "Span",
    "__version__",
    "corpus_path",
    "documents",
    "from_hf",
    "load",
    "read_jsonl",
    "to_hf",
    "validate_paths",
    "write_jsonl",
]
