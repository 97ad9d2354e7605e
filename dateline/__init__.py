"""dateline: a versioned corpus of English news annotated with entities, events and quotes,
and the toolkit around it.

>>> import dateline
>>> isinstance(dateline.__version__, str)
True
"""

from importlib.metadata import version as _version

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

__version__ = _version("dateline")


def __getattr__(name: str) -> object:
    # `load` and `documents` live in dateline.loading, imported on first use: `datasets` costs
    # about a second and 170 MB, too much for `import dateline`.
    if name in ("load", "documents"):
        from dateline import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'dateline' has no attribute {name!r}")


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
    "documents",
    "load",
    "read_jsonl",
    "validate_paths",
    "write_jsonl",
]
