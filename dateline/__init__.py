"""dateline: a versioned corpus of English news annotated with entities, events and quotes,
and the toolkit around it.

>>> import dateline
>>> isinstance(dateline.__version__, str)
True

The corpus folder is resolved by :func:`corpus_path` (an explicit folder, ``$DATELINE_CORPUS``,
the checkout's ``corpus/``, the per-user data folder; see :mod:`dateline.location`); rows of
``datasets`` and Documents convert both ways with :func:`from_hf` and :func:`to_hf`.
"""

from importlib.metadata import version as _version

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

__version__ = _version("dateline")


def __getattr__(name: str) -> object:
    # `load` and `documents` live in dateline.loading, imported on first use: `datasets` costs
    # about a second and 170 MB, too much for `import dateline`.
    if name in ("load", "documents"):
        from dateline import loading

        return getattr(loading, name)
    if name in ("from_hf", "to_hf"):  # they import datasets too
        from dateline import hf

        return getattr(hf, name)
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
    "corpus_path",
    "documents",
    "from_hf",
    "load",
    "read_jsonl",
    "to_hf",
    "validate_paths",
    "write_jsonl",
]
