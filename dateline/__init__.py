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
    "read_jsonl",
    "validate_paths",
    "write_jsonl",
]
