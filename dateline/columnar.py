"""Documents as Parquet, in the schema of ``dateline corpus export --format parquet``.

Read with pyarrow in record batches (memory bounded by one batch), written batch by batch
with ``pyarrow.parquet.ParquetWriter`` into the project's atomic writer. A row is checked as a
JSONL line is: decoded into the fast path's structs, and a row they refuse is parsed by the
pydantic path, so its problem is the same coded incident, naming the file and the row (as
``line``) and the JSON path. The export's schema is pyarrow's own here (no ``datasets``
import); a test holds it equal to the card's features.

>>> import pathlib, tempfile
>>> from dateline.schemas import Document, Mention
>>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.parquet"
>>> doc = Document(id="d", text="Ann", entities=(
...     Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
>>> write_parquet([doc], path)
1
>>> [(d.id, d.entities[0].label) for d in read_parquet(path)]
[('d', 'PERSON')]
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import msgspec

from dateline.schemas import DatelineError
from dateline.schemas.fast import AnyDocument, FastDocument, read_fast
from dateline.schemas.io import atomic_write
from dateline.schemas.jsonl import Record, parse_document, raise_first
from dateline.schemas.labels import inventory
from dateline.schemas.names import LAYERS

__all__ = ["BATCH_ROWS", "arrow_schema", "iter_documents", "read_parquet", "write_documents",
           "write_parquet"]

BATCH_ROWS = 1024
"""Rows per record batch, read or written."""


@cache
def arrow_schema() -> Any:
    """The pyarrow schema of the export's ``default`` config (one column per Document field).

    >>> arrow_schema().field("entities").type.value_type.field("start").type
    DataType(int32)
    """
    import pyarrow as pa

    s, i = pa.string(), pa.int32()
    span = pa.struct([("start", i), ("end", i), ("text", s)])
    layer = pa.struct([("status", s), ("source", s), ("annotators", pa.list_(s)),
                       ("guidelines", s), ("labels", pa.list_(s)),
                       ("regions", pa.list_(pa.struct([("start", i), ("end", i)]))),
                       ("coverage", s), ("not_annotated", pa.list_(s))])
    meta = pa.struct([(k, pa.date32() if k == "published" else s)
                      for k in ("title", "publisher", "url", "published", "language", "genre",
                                "collection", "license", "annotation_license", "attribution")])
    mention = pa.struct([(k, i if k in ("start", "end") else s) for k in
                         ("id", "start", "end", "text", "label", "kind", "entity", "link",
                          "source_label")])
    argument = pa.struct([("role", s), ("mention", s), ("span", span)])
    attributes = pa.struct([(name, s) for name in inventory().event_attributes])
    event = pa.struct([("id", s), ("trigger", span), ("type", s),
                       ("arguments", pa.list_(argument)), ("attributes", attributes),
                       ("source_label", s)])
    quote = pa.struct([("id", s), ("content", pa.list_(span)), ("cue", span), ("speaker", s),
                       ("speaker_span", span), ("kind", s)])
    return pa.schema([("id", s), ("text", s), ("meta", meta), ("entities", pa.list_(mention)),
                      ("events", pa.list_(event)), ("quotes", pa.list_(quote)),
                      ("layers", pa.struct([(name, layer) for name in LAYERS]))])


def _to_row(doc: AnyDocument) -> dict[str, Any]:
    row: dict[str, Any] = (msgspec.to_builtins(doc) if isinstance(doc, FastDocument)
                           else doc.model_dump())
    names = inventory().event_attributes
    for k, e in enumerate(row["events"]):
        extra = set(e["attributes"]) - set(names)
        if extra:
            raise DatelineError("not-in-export-schema", f"event attribute {sorted(extra)[0]!r} "
                                "has no column in the Parquet schema",
                                where=f"document {row['id']!r} $.events[{k}].attributes",
                                fix="use the attributes of schemas/labels.json, or write JSONL")
        e["attributes"] = {n: e["attributes"].get(n) for n in names}
    for info in row["layers"].values():
        info.setdefault("coverage", "exhaustive")
        info.setdefault("not_annotated", [])
    meta = row["meta"]
    meta.setdefault("annotation_license", None)
    if meta.get("published"):
        try:
            meta["published"] = datetime.date.fromisoformat(meta["published"])
        except ValueError:
            raise DatelineError("not-in-export-schema", f"meta.published "
                                f"{meta['published']!r} is not a date (the column is date32)",
                                where=f"document {row['id']!r} $.meta.published",
                                fix="write the date as YYYY-MM-DD, or write JSONL") from None
    return row


def write_parquet(docs: Iterable[AnyDocument], path: str | os.PathLike[str], *,
                  batch_rows: int = BATCH_ROWS) -> int:
    """Write Documents to a Parquet file atomically, a record batch at a time; return how
    many were written.

    >>> import pathlib, tempfile
    >>> from dateline.schemas import Document
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.parquet"
    >>> write_parquet([Document(id="a", text="x"), Document(id="b", text="y")], path,
    ...               batch_rows=1)
    2
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    n = 0
    with atomic_write(path) as f, pq.ParquetWriter(f, schema, compression="zstd") as w:
        rows: list[dict[str, Any]] = []
        for doc in docs:
            rows.append(_to_row(doc))
            n += 1
            if len(rows) == batch_rows:
                w.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
                rows = []
        if rows or n == 0:
            w.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
    return n


def _from_row(row: dict[str, Any]) -> dict[str, Any]:
    # The export's typed values back to the Document's JSON values.
    meta = row.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("published"), datetime.date):
        meta["published"] = meta["published"].isoformat()
    for e in row.get("events") or ():
        if isinstance(e, dict) and isinstance(e.get("attributes"), dict):
            e["attributes"] = {k: v for k, v in e["attributes"].items() if v is not None}
    return row


def _records(path: str, batch_rows: int) -> Iterator[Record]:
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError)
        if isinstance(exc, OSError) and not str(exc).startswith("Could not open Parquet"):
            raise
        raise DatelineError("not-parquet", f"not a Parquet file ({exc})", where=path,
                            fix="write the export's schema (`dateline corpus export --format "
                                "parquet`), or give a .jsonl file") from None
    k = 0
    for batch in source.iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            k += 1
            row = _from_row(row)
            try:
                doc = msgspec.convert(row, FastDocument)
            except msgspec.ValidationError:
                rec = parse_document(json.dumps(row, ensure_ascii=False), file=path, line=k)
                if rec.doc is not None:
                    rec.doc = msgspec.convert(rec.doc.model_dump(), FastDocument)
                yield rec
                continue
            yield Record(path, k, doc, doc.id)


def read_parquet(path: str | os.PathLike[str], *,
                 batch_rows: int = BATCH_ROWS) -> Iterator[FastDocument]:
    """Yield the documents of a Parquet file, a record batch at a time; raise at the first
    bad row (a coded error naming the file, the row and the JSON path).

    >>> import pathlib, tempfile
    >>> from dateline.schemas import Document
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.parquet"
    >>> _ = write_parquet([Document(id="a", text="x")], path)
    >>> [(d.id, d.layers.entities.status) for d in read_parquet(path)]
    [('a', 'absent')]
    """
    yield from raise_first(_records(str(path), batch_rows), path)


def iter_documents(path: str | os.PathLike[str]) -> Iterator[AnyDocument]:
    """The documents of a ``.parquet`` file, or of a ``.jsonl``/``.json`` file (fast path).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.jsonl").write_text('{"id": "a", "text": "x"}\\n')
    >>> [d.id for d in iter_documents(folder / "a.jsonl")]
    ['a']
    """
    if str(path).endswith(".parquet"):
        return read_parquet(path)
    return read_fast(path)


def write_documents(docs: Iterable[AnyDocument], path: str | os.PathLike[str]) -> int:
    """Write Documents as Parquet (a ``.parquet`` path) or JSONL (any other).

    >>> import pathlib, tempfile
    >>> from dateline.schemas import Document
    >>> write_documents([Document(id="a", text="x")], pathlib.Path(tempfile.mkdtemp()) / "a.jsonl")
    1
    """
    from dateline.schemas import write_jsonl
    from dateline.schemas.fast import to_document

    if str(path).endswith(".parquet"):
        return write_parquet(docs, path)
    return write_jsonl((to_document(d) for d in docs), path)
