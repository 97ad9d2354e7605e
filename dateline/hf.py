"""Hugging Face ``datasets`` rows and Documents: :func:`to_hf` and :func:`from_hf`, exact
inverses.

A row of the ``default`` config (``dateline.load()``, ``datasets.load_dataset(<corpus
folder>)``, the Parquet export) is the Document's JSON as ``datasets`` types it with the card's
features (:func:`dateline.card.default_features`): every field of every object is present
(``None`` where the JSON leaves it out: an ``exhaustive`` layer's ``coverage``, an empty
``not_annotated``, a missing ``annotation_license``, every event attribute an event does not
set), lists are lists, and ``meta.published`` is a ``datetime.date`` (``date32``; the Document
holds the string ``"YYYY-MM-DD"``). :func:`from_hf` drops the ``None`` fields, which are exactly
the ones whose default is ``None`` or that the JSON leaves out, and turns the date back into its
string; :func:`to_hf` pads a Document's JSON to the features. For every row of the corpus,
``to_hf(from_hf(row)) == row``, and for every Document ``from_hf(to_hf(doc)) == doc``
(``tests/corpus/test_hf_rows.py`` checks both over the whole built corpus).

>>> from dateline.schemas import Document, Meta
>>> doc = Document(id="d1", text="Ann ran.", meta=Meta(published="2015-09-01"))
>>> row = to_hf(doc)
>>> row["meta"]["published"], row["layers"]["events"]["coverage"]
(datetime.date(2015, 9, 1), None)
>>> from_hf(row) == doc
True
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from dateline.schemas import DatelineError, Document, dumps
from dateline.schemas.jsonl import parse_document

__all__ = ["from_hf", "to_hf"]


@cache
def _features() -> Any:
    from dateline.card import default_features

    return default_features()


def _pad(value: Any, feature: Any) -> Any:
    """``value`` (JSON data) shaped as ``datasets`` gives it under ``feature``."""
    from datasets import LargeList, List, Sequence, Value

    if value is None:
        return None
    if isinstance(feature, dict):
        return {key: _pad(value.get(key), sub) for key, sub in feature.items()}
    if isinstance(feature, List | LargeList | Sequence):
        return [_pad(item, feature.feature) for item in value]
    if isinstance(feature, Value) and feature.dtype == "date32":
        return datetime.date.fromisoformat(value)
    return value


def to_hf(doc: Document) -> dict[str, Any]:
    """The ``datasets`` row of ``doc`` (the ``default`` config's features).

    >>> from dateline.schemas import Document, Event, Span
    >>> doc = Document(id="d", text="It fell.", events=(Event(id="v1", trigger=Span(
    ...     start=3, end=7, text="fell"), attributes={"tense": "past"}),))
    >>> event = to_hf(doc)["events"][0]
    >>> event["attributes"]["tense"], event["attributes"]["polarity"], event["arguments"]
    ('past', None, [])
    """
    padded: dict[str, Any] = _pad(json.loads(dumps(doc)), _features())
    return padded


def _strip(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_strip(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def from_hf(row: Mapping[str, Any]) -> Document:
    """The Document of a ``datasets`` row of the ``default`` config; a row that is no Document
    is a coded error naming the document id and the JSON path.

    >>> row = to_hf(Document(id="d", text="Hi."))
    >>> from_hf(row).id
    'd'
    >>> from_hf({**row, "entities": [{"id": "m1", "start": 0, "end": "two", "text": "Hi"}]})
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [invalid-value] d $.entities[0].end: input should ...
    """
    data = _strip(row)
    record = parse_document(json.dumps(data, ensure_ascii=False, default=str),
                            file="<datasets row>")  # as a line of a built file is
    if record.doc is not None and not record.incidents:
        return record.doc
    first = record.incidents[0]
    where = " ".join(p for p in (first.doc_id or str(data.get("id", "")), first.path) if p)
    raise DatelineError(first.check, first.message, where=where or None,
                        fix="pass a row of the dateline corpus's default config "
                            "(dateline.load() or datasets.load_dataset(<corpus folder>))")
