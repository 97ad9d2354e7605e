"""The checks: the catalogue of check ids and the checks of levels 2 to 4 on parsed data.

Levels: 1 syntax and schema (reported while reading, see :mod:`dateline.schemas.jsonl`),
2 offsets and text agreement, 3 cross-references and label inventory, 4 collection-wide.
``CHECKS`` lists every check id with its level and meaning; ``tests/data/invalid`` holds one
tiny file per check id that yields exactly that id. Reading files and collecting what these
checks find is :mod:`dateline.schemas.validate`.

>>> from dateline.schemas import Document, Mention
>>> doc = Document(id="d", text="Ann Lee", entities=(
...     Mention(id="m1", start=0, end=3, text="Ann Lee", label="PERSON"),))
>>> [(i.check, i.path) for i in check_document(doc, level=2)]
[('text-mismatch', '$.entities[0].text')]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateline.schemas.errors import Incident, contrast, quote_value
from dateline.schemas.labels import Inventory, inventory
from dateline.schemas.names import LAYERS

if TYPE_CHECKING:  # annotations only: the checks read attributes (pydantic is not imported)
    from dateline.schemas.model import Document, LayerInfo, Mention, Region, Span

__all__ = ["CHECKS", "check_collection", "check_document"]

CHECKS: dict[str, tuple[int, str]] = {
    "empty-file": (1, "The file holds no document."),
    "invalid-utf8": (1, "The file is not UTF-8."),
    "invalid-json": (1, "A line (or a .json file) is not valid JSON."),
    "line-too-long": (1, "A line is longer than the line-size limit."),
    "blank-line": (1, "A blank line in a JSON Lines file."),
    "missing-field": (1, "A required field is missing."),
    "unknown-field": (1, "A field the schema does not define."),
    "invalid-value": (1, "A value of the wrong type."),
    "duplicate-key": (1, "A JSON object names the same key twice."),
    "skipped-file": (1, "A file in a folder looks like Documents but is not read (only .json "
                        "and .jsonl files are)."),
    "offset-out-of-range": (2, "An offset is negative or past the end of the text."),
    "inverted-offset": (2, "A span's start is after its end."),
    "empty-span": (2, "A span or region covers no character."),
    "text-mismatch": (2, "A span's text differs from the document text at its offsets."),
    "empty-id": (3, "An empty document or item id."),
    "duplicate-item-id": (3, "Two items of one document share an id."),
    "dangling-mention-id": (3, "A speaker or argument names a mention id that does not exist."),
    "argument-target": (3, "An argument has neither or both of a mention id and a span."),
    "speaker-conflict": (3, "A quote has both a speaker mention and a speaker span."),
    "empty-quote-content": (3, "A quote has no content span."),
    "unknown-label": (3, "An entity label not in the inventory."),
    "unknown-mention-kind": (3, "A mention kind not in the inventory."),
    "unknown-event-type": (3, "An event type not in the inventory."),
    "unknown-role": (3, "An argument role unknown, or not a role of the event's type."),
    "unknown-attribute": (3, "An event attribute name or value not in the inventory."),
    "unknown-quote-kind": (3, "A quote kind not in the inventory."),
    "unknown-layer-status": (3, "A layer status not in the inventory."),
    "unknown-layer-label": (3, "A layer declares a label that is not in its inventory."),
    "unknown-layer-part": (3, "A layer's not_annotated names a part the layer does not have."),
    "unknown-layer-coverage": (3, "A layer's coverage is neither exhaustive nor partial."),
    "label-not-covered": (3, "An item's label is not among the labels its layer declares."),
    "items-in-absent-layer": (3, "A layer with status 'absent' has items."),
    "outside-regions": (3, "An item lies outside its layer's annotated regions."),
    "invalid-date": (3, "meta.published is not an ISO date (YYYY-MM-DD)."),
    "duplicate-document-id": (4, "Two documents of a collection share an id."),
    "split-overlap": (4, "A document id appears in two splits."),
}


def _incident(check: str, message: str, doc_id: str, path: str) -> Incident:
    return Incident(CHECKS[check][0], check, message, doc_id=doc_id, path=path)


def _span_problems(start: int, end: int, text: str | None, doc: Document,
                   path: str) -> Iterator[Incident]:
    n = len(doc.text)
    for name, value in (("start", start), ("end", end)):
        if not 0 <= value <= n:
            yield _incident("offset-out-of-range",
                            f"{name} {value} is outside the text [0, {n}]; correct the offset",
                            doc.id, f"{path}.{name}")
            return
    if start > end:
        yield _incident("inverted-offset",
                        f"start {start} is after end {end}; swap or correct the offsets",
                        doc.id, f"{path}.start")
        return
    if start == end:
        yield _incident("empty-span", f"[{start}, {end}) covers no character; widen or remove it",
                        doc.id, path)
        return
    if text is not None and doc.text[start:end] != text:
        stored, sliced = contrast(text, doc.text[start:end])
        yield _incident(
            "text-mismatch",
            f"text {stored} differs from the document text at [{start}, {end}), "
            f"{sliced}; correct the offsets or the text",
            doc.id, f"{path}.text")


def _spans(doc: Document) -> Iterator[tuple[str, str, Span | Mention]]:
    """(layer, JSON path, span) of every span of the document; mentions count as spans (read
    as one: ``start``, ``end`` and ``text``, without building a Span of each)."""
    for i, m in enumerate(doc.entities):
        yield "entities", f"$.entities[{i}]", m
    for i, e in enumerate(doc.events):
        yield "events", f"$.events[{i}].trigger", e.trigger
        for j, a in enumerate(e.arguments):
            if a.span is not None:
                yield "", f"$.events[{i}].arguments[{j}].span", a.span
    for i, q in enumerate(doc.quotes):
        for j, s in enumerate(q.content):
            yield "quotes", f"$.quotes[{i}].content[{j}]", s
        if q.cue is not None:
            yield "quotes", f"$.quotes[{i}].cue", q.cue
        if q.speaker_span is not None:
            yield "", f"$.quotes[{i}].speaker_span", q.speaker_span


def _regions(doc: Document) -> Iterator[tuple[str, str, Region]]:
    for layer in LAYERS:
        info: LayerInfo = getattr(doc.layers, layer)
        for k, r in enumerate(info.regions or ()):
            yield layer, f"$.layers.{layer}.regions[{k}]", r


def _level2(doc: Document) -> tuple[list[Incident], set[str]]:
    out: list[Incident] = []
    bad: set[str] = set()
    for _, path, span in _spans(doc):
        found = list(_span_problems(span.start, span.end, span.text, doc, path))
        if found:
            bad.add(path)
            out.extend(found)
    for _, path, r in _regions(doc):
        found = list(_span_problems(r.start, r.end, None, doc, path))
        if found:
            bad.add(path)
            out.extend(found)
    return out, bad


def _level3(doc: Document, inv: Inventory, bad_spans: set[str]) -> Iterator[Incident]:
    d = doc.id
    if not d:
        yield _incident("empty-id", "the document id is empty; give it a unique id", d, "$.id")
    try:
        _dt.date.fromisoformat(doc.meta.published) if doc.meta.published is not None else None
    except ValueError:
        yield _incident("invalid-date",
                        f"published {quote_value(doc.meta.published)} is not a date; "
                        "write it as YYYY-MM-DD", d, "$.meta.published")

    for layer in LAYERS:
        info: LayerInfo = getattr(doc.layers, layer)
        base = f"$.layers.{layer}"
        if info.status not in inv.layer_statuses:
            yield _incident("unknown-layer-status",
                            f"status {quote_value(info.status)} is not one of "
                            f"{', '.join(inv.layer_statuses)}", d, f"{base}.status")
        known = inv.layer_labels(layer)
        for k, label in enumerate(info.labels):
            if label not in known:
                yield _incident("unknown-layer-label",
                                f"{layer} layer declares {quote_value(label)}, which is not in "
                                "schemas/labels.json; correct or remove it",
                                d, f"{base}.labels[{k}]")
        if info.coverage not in inv.layer_coverages:
            yield _incident("unknown-layer-coverage",
                            f"coverage {quote_value(info.coverage)} is not one of "
                            f"{', '.join(inv.layer_coverages)}", d, f"{base}.coverage")
        parts = inv.layer_parts.get(layer, ())
        for k, part in enumerate(info.not_annotated):
            if part not in parts:
                yield _incident("unknown-layer-part",
                                f"{layer} layer marks {quote_value(part)} as not annotated, but "
                                f"its parts are {', '.join(parts)}; correct or remove it",
                                d, f"{base}.not_annotated[{k}]")
        if info.status == "absent" and getattr(doc, layer):
            yield _incident("items-in-absent-layer",
                            f"status is 'absent' but the layer has {len(getattr(doc, layer))} "
                            "items; set its status (gold, draft or silver) or remove the items",
                            d, f"{base}.status")

    seen: dict[str, str] = {}
    items = [("entities", i, x.id) for i, x in enumerate(doc.entities)]
    items += [("events", i, x.id) for i, x in enumerate(doc.events)]
    items += [("quotes", i, x.id) for i, x in enumerate(doc.quotes)]
    for layer, i, item_id in items:
        path = f"$.{layer}[{i}].id"
        if not item_id:
            yield _incident("empty-id", "empty item id; give it an id unique in the document",
                            d, path)
        elif item_id in seen:
            yield _incident("duplicate-item-id",
                            f"id {quote_value(item_id)} is already used at {seen[item_id]}; "
                            "make item ids unique within the document", d, path)
        else:
            seen[item_id] = path
    mention_ids = {m.id for m in doc.entities}

    def covered(layer: str, label: str, path: str) -> Iterator[Incident]:
        info: LayerInfo = getattr(doc.layers, layer)
        if info.status != "absent" and label not in info.labels:
            yield _incident("label-not-covered",
                            f"{quote_value(label)} is not among the labels the {layer} layer "
                            f"declares ({', '.join(info.labels) or 'none'}); add it to "
                            f"layers.{layer}.labels or correct the label", d, path)

    for i, m in enumerate(doc.entities):
        path = f"$.entities[{i}]"
        if m.label not in inv.entity_labels:
            yield _incident("unknown-label",
                            f"entity label {quote_value(m.label)} is not one of "
                            f"{', '.join(inv.entity_labels)}", d, f"{path}.label")
        else:
            yield from covered("entities", m.label, f"{path}.label")
        if m.kind is not None and m.kind not in inv.mention_kinds:
            yield _incident("unknown-mention-kind",
                            f"kind {quote_value(m.kind)} is not one of "
                            f"{', '.join(inv.mention_kinds)} (or null)", d, f"{path}.kind")

    attribute_help = "; ".join(f"{k}: {'/'.join(v)}" for k, v in inv.event_attributes.items())
    for i, e in enumerate(doc.events):
        path = f"$.events[{i}]"
        if e.type is not None:
            if e.type not in inv.event_types:
                yield _incident("unknown-event-type",
                                f"event type {quote_value(e.type)} is not an ACE Type.Subtype "
                                "of schemas/labels.json (use null for an untyped trigger)",
                                d, f"{path}.type")
            else:
                yield from covered("events", e.type, f"{path}.type")
        allowed = inv.event_roles.get(e.type or "", inv.roles)
        for j, a in enumerate(e.arguments):
            apath = f"{path}.arguments[{j}]"
            if a.role not in allowed:
                yield _incident("unknown-role",
                                f"role {quote_value(a.role)} is not a role of "
                                f"{e.type or 'any event type'} ({', '.join(allowed)})",
                                d, f"{apath}.role")
            if (a.mention is None) == (a.span is None):
                yield _incident("argument-target",
                                "an argument needs exactly one of 'mention' (a mention id) and "
                                "'span'; set one and null the other", d, apath)
            elif a.mention is not None and a.mention not in mention_ids:
                yield _incident("dangling-mention-id",
                                f"mention {quote_value(a.mention)} does not exist in this "
                                "document; point to an existing mention id", d, f"{apath}.mention")
        for name, value in e.attributes.items():
            values = inv.event_attributes.get(name)
            if values is None or value not in values:
                yield _incident("unknown-attribute",
                                f"attribute {name}={quote_value(value)} is not in the inventory "
                                f"({attribute_help})",
                                d, f"{path}.attributes.{name}")

    for i, q in enumerate(doc.quotes):
        path = f"$.quotes[{i}]"
        if not q.content:
            yield _incident("empty-quote-content",
                            "a quote needs at least one content span", d, f"{path}.content")
        if q.kind not in inv.quote_kinds:
            yield _incident("unknown-quote-kind",
                            f"kind {quote_value(q.kind)} is not one of "
                            f"{', '.join(inv.quote_kinds)}",
                            d, f"{path}.kind")
        else:
            yield from covered("quotes", q.kind, f"{path}.kind")
        if q.speaker is not None and q.speaker_span is not None:
            yield _incident("speaker-conflict",
                            "both 'speaker' and 'speaker_span' are set; keep the mention id and "
                            "null the span (speaker_span is for speakers that are no mention)",
                            d, path)
        elif q.speaker is not None and q.speaker not in mention_ids:
            yield _incident("dangling-mention-id",
                            f"speaker {quote_value(q.speaker)} does not exist in this document; "
                            "point to an existing mention id", d, f"{path}.speaker")

    for layer, path, span in _spans(doc):
        if not layer or path in bad_spans:
            continue
        regions = getattr(doc.layers, layer).regions
        if regions is not None and not any(r.start <= span.start and span.end <= r.end
                                           for r in regions):
            yield _incident("outside-regions",
                            f"[{span.start}, {span.end}) lies outside the {layer} layer's "
                            "annotated regions; widen layers."
                            f"{layer}.regions or remove the item", d, path)


def check_document(doc: Document, *, level: int = 3,
                   inv: Inventory | None = None) -> list[Incident]:
    """Incidents of one parsed Document at levels 2 up to ``level`` (3 at most).

    >>> from dateline.schemas import Document, Mention
    >>> doc = Document(id="d", text="Ann Lee", entities=(
    ...     Mention(id="m1", start=0, end=3, text="Ann", label="HERO"),))
    >>> check_document(doc, level=2)
    []
    >>> for i in check_document(doc):
    ...     print(i.level, i.check, i.path)
    3 items-in-absent-layer $.layers.entities.status
    3 unknown-label $.entities[0].label
    """
    if level < 2:
        return []
    out, bad = _level2(doc)
    if level >= 3:
        out.extend(_level3(doc, inv or inventory(), bad))
    return out


@dataclass(frozen=True)
class _Seen:
    doc_id: str
    split: str | None
    file: str
    line: int | None


def check_collection(entries: Iterable[tuple[str, str | None, str, int | None]]) -> list[Incident]:
    """Level 4: duplicate document ids and ids in two splits.

    ``entries``: ``(doc_id, split or None, file, line)`` for every document.

    >>> [i.check for i in check_collection([("a", "train", "t", 1), ("a", "test", "s", 1)])]
    ['split-overlap']
    """
    first: dict[str, _Seen] = {}
    out = []
    for doc_id, split, file, line in entries:
        now = _Seen(doc_id, split, file, line)
        prev = first.get(doc_id)
        if prev is None:
            first[doc_id] = now
            continue
        where = f"{prev.file}:{prev.line}" if prev.line is not None else prev.file
        if prev.split is not None and split is not None and prev.split != split:
            out.append(Incident(4, "split-overlap",
                                f"document {quote_value(doc_id)} is in {split} and already in "
                                f"{prev.split} ({where}); keep each document in one split",
                                file, line, doc_id, "$.id"))
        else:
            out.append(Incident(4, "duplicate-document-id",
                                f"id {quote_value(doc_id)} is already used at {where}; give "
                                "every document a unique id", file, line, doc_id, "$.id"))
    return out

