"""dateline.schemas: the document model, label inventories, JSON Lines I/O and the validator.

This package imports nothing else of dateline's; everything else imports it.

>>> from dateline.schemas import Document, Mention, check_document
>>> doc = Document(id="d", text="Kyiv")
>>> check_document(doc)
[]
"""

from typing import TYPE_CHECKING

from dateline.schemas.lazy import lazy_names

if TYPE_CHECKING:  # what type checkers see; at run time, __getattr__ below
    from dateline.schemas.checks import CHECKS, check_collection, check_document
    from dateline.schemas.errors import DatelineError, Incident
    from dateline.schemas.io import atomic_write, atomic_write_text
    from dateline.schemas.jsonl import dumps, iter_records, read_documents, read_jsonl, write_jsonl
    from dateline.schemas.labels import Inventory, inventory
    from dateline.schemas.model import (
        LAYERS,
        Argument,
        Document,
        Event,
        LayerInfo,
        Layers,
        Mention,
        Meta,
        Quote,
        Region,
        Span,
    )
    from dateline.schemas.standoff import from_standoff, is_standoff, standoff_json, to_standoff
    from dateline.schemas.validate import ValidationReport, validate_paths

# Names of the public API and the module each comes from, imported on first use (PEP 562): a
# command that reads Documents with the fast path (``score``) never imports pydantic and the
# model (a tenth of its run), while ``from dateline.schemas import Document`` works as ever.
_LAZY = {
    **dict.fromkeys(("CHECKS", "check_collection", "check_document"), "dateline.schemas.checks"),
    **dict.fromkeys(("DatelineError", "Incident"), "dateline.schemas.errors"),
    **dict.fromkeys(("atomic_write", "atomic_write_text"), "dateline.schemas.io"),
    **dict.fromkeys(("dumps", "iter_records", "read_documents", "read_jsonl", "write_jsonl"),
                    "dateline.schemas.jsonl"),
    **dict.fromkeys(("Inventory", "inventory"), "dateline.schemas.labels"),
    **dict.fromkeys(("LAYERS", "Argument", "Document", "Event", "LayerInfo", "Layers", "Mention",
                     "Meta", "Quote", "Region", "Span"), "dateline.schemas.model"),
    **dict.fromkeys(("from_standoff", "is_standoff", "standoff_json", "to_standoff"),
                    "dateline.schemas.standoff"),
    **dict.fromkeys(("ValidationReport", "validate_paths"), "dateline.schemas.validate"),
}


__getattr__, __dir__ = lazy_names("dateline.schemas", _LAZY, globals())

__all__ = [
    "CHECKS",
    "LAYERS",
    "Argument",
    "DatelineError",
    "Document",
    "Event",
    "Incident",
    "Inventory",
    "LayerInfo",
    "Layers",
    "Mention",
    "Meta",
    "Quote",
    "Region",
    "Span",
    "ValidationReport",
    "atomic_write",
    "atomic_write_text",
    "check_collection",
    "check_document",
    "dumps",
    "from_standoff",
    "inventory",
    "is_standoff",
    "iter_records",
    "read_documents",
    "read_jsonl",
    "standoff_json",
    "to_standoff",
    "validate_paths",
    "write_jsonl",
]
