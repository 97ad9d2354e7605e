"""JSON Schema files generated from the document model, pinned by a golden test.

Regenerate after changing the model: ``python -m dateline.schemas.jsonschema`` (or
``make schemas``). The label inventories are written into the schema as ``enum`` lists from
``labels.json``, so editors can complete them; the validator remains the authority.

>>> schema = document_schema()
>>> schema["title"], schema["additionalProperties"]
('Document', False)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dateline.schemas.io import atomic_write_text
from dateline.schemas.labels import inventory
from dateline.schemas.model import Document

__all__ = ["SCHEMA_FILE", "document_schema", "render", "write"]

SCHEMA_FILE = Path(__file__).with_name("document.schema.json")


def document_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one Document, with the label inventories.

    >>> defs = document_schema()["$defs"]
    >>> "PERSON" in defs["Mention"]["properties"]["label"]["enum"]
    True
    >>> defs["Event"]["properties"]["type"]["enum"][-1] is None
    True
    """
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    inv = inventory()
    defs = schema["$defs"]
    enums = {
        ("Mention", "label"): inv.entity_labels,
        ("Quote", "kind"): inv.quote_kinds,
        ("LayerInfo", "status"): inv.layer_statuses,
    }
    for (model, prop), values in enums.items():
        defs[model]["properties"][prop]["enum"] = list(values)
    defs["Mention"]["properties"]["kind"]["enum"] = [*inv.mention_kinds, None]
    defs["Event"]["properties"]["type"]["enum"] = [*inv.event_types, None]
    return schema


def render() -> str:
    """The schema file's exact text (the golden test compares it with ``SCHEMA_FILE``).

    >>> text = render()
    >>> text.startswith("{"), text.endswith("}\\n"), json.loads(text) == document_schema()
    (True, True, True)
    """
    return json.dumps(document_schema(), indent=2, ensure_ascii=False) + "\n"


def write(path: Path = SCHEMA_FILE) -> Path:
    """Write the schema file atomically and return its path.

    >>> import pathlib, tempfile
    >>> path = write(pathlib.Path(tempfile.mkdtemp()) / "document.schema.json")
    >>> path.read_text("utf-8") == render()
    True
    """
    atomic_write_text(path, render())
    return path


if __name__ == "__main__":
    sys.stdout.write(f"wrote {write()}\n")
