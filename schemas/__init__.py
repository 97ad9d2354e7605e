"""dateline.schemas: the document model, label inventories, JSON Lines I/O and the validator.

This package imports nothing else of dateline's; everything else imports it.

>>> from dateline.schemas import Document, Mention, check_document
>>> doc = Document(id="d", text="Kyiv")
>>> check_document(doc)
[]
"""

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
