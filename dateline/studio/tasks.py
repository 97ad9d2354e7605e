"""Documents to Label Studio tasks (pure functions, no server).

A Document becomes one task: ``data`` holds the text, the document id, the sha256 of the text,
the metadata and the split; its items become ``result`` regions and relations (see
:mod:`dateline.studio.config` for the controls). Region ids are the Document's item ids, so
predictions accepted by an annotator keep them; extra regions get derived ids (``q2-p1`` for a
quote's second content span, ``q2-cue``, ``q2-speaker``, ``v1-a0`` for an argument span).

A mention's coreference cluster and link travel as per-region text boxes
(:mod:`dateline.studio.coref`). Not represented in Label Studio (dropped on the way there): a
mention's source label, an event's source label, and layer provenance (rebuilt on the way back
by :mod:`dateline.studio.results`).

>>> from dateline.schemas import Document, Mention
>>> doc = Document(id="d1", text="Ann left.", entities=(
...     Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),))
>>> task = document_task(doc, split="test")
>>> sorted(task["data"]), task["annotations"][0]["result"][0]["value"]["labels"]
(['doc_id', 'meta', 'split', 'text', 'text_sha256'], ['PERSON'])
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from dateline.schemas import DatelineError, Document, Span
from dateline.studio.config import (
    ARGUMENT,
    CUE,
    ENTITY,
    EVENT,
    KIND,
    QUOTE,
    REL_ARG,
    REL_CUE,
    REL_PART,
    REL_SPEAKER,
    SPEAKER,
    TEXT,
    UNTYPED,
    attribute_control,
    quote_label,
)
from dateline.studio.coref import mention_results

__all__ = ["document_results", "document_task", "text_hash"]


def text_hash(text: str) -> str:
    """The sha256 of the UTF-8 text, as hex; pushed with each task and checked on pull.

    >>> text_hash("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _region(rid: str, control: str, start: int, end: int, text: str, label: str) -> dict[str, Any]:
    return {"id": rid, "from_name": control, "to_name": TEXT, "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def _choice(rid: str, control: str, span: Span, value: str) -> dict[str, Any]:
    return {"id": rid, "from_name": control, "to_name": TEXT, "type": "choices",
            "value": {"start": span.start, "end": span.end, "text": span.text,
                      "choices": [value]}}


def _relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right",
            "labels": [label]}


def document_results(doc: Document) -> list[dict[str, Any]]:
    """The ``result`` list of a Document: its items as regions, choices and relations.

    >>> from dateline.schemas import Quote
    >>> doc = Document(id="d", text="“Go,” “now.”", quotes=(Quote(id="q1", kind="direct",
    ...     content=(Span(start=1, end=3, text="Go"), Span(start=7, end=10, text="now"))),))
    >>> [(r.get("id"), r["type"], r.get("labels")) for r in document_results(doc)]
    [('q1', 'labels', None), ('q1-p1', 'labels', None), (None, 'relation', ['part'])]
    """
    regions: list[dict[str, Any]] = []
    extras: list[dict[str, Any]] = []
    used = {m.id for m in doc.entities} | {e.id for e in doc.events} | {q.id for q in doc.quotes}

    def derived(rid: str) -> str:
        if rid in used:
            raise DatelineError("studio-id-clash", f"document {doc.id!r}: item id {rid!r} clashes "
                                "with a derived Label Studio region id", where=doc.id,
                                fix="rename the item (ids ending in -p1, -cue, -speaker, -a0 "
                                "are used for extra regions)")
        used.add(rid)
        return rid

    for m in doc.entities:
        regions.append(_region(m.id, ENTITY, m.start, m.end, m.text, m.label))
        if m.kind is not None:
            regions.append(_choice(m.id, KIND, Span(start=m.start, end=m.end, text=m.text),
                                   m.kind))
        regions += mention_results(m, TEXT)
    for e in doc.events:
        t = e.trigger
        regions.append(_region(e.id, EVENT, t.start, t.end, t.text, e.type or UNTYPED))
        for name, value in e.attributes.items():
            regions.append(_choice(e.id, attribute_control(name), t, value))
        for j, a in enumerate(e.arguments):
            target = a.mention
            if a.span is not None:
                target = derived(f"{e.id}-a{j}")
                s = a.span
                regions.append(_region(target, EVENT, s.start, s.end, s.text, ARGUMENT))
            if target is not None:
                extras.append(_relation(e.id, target, f"{REL_ARG}{a.role}"))
    for q in doc.quotes:
        label = quote_label(q.kind)
        for k, s in enumerate(q.content):
            rid = q.id if k == 0 else derived(f"{q.id}-p{k}")
            regions.append(_region(rid, QUOTE, s.start, s.end, s.text, label))
            if k:
                extras.append(_relation(q.id, rid, REL_PART))
        if q.cue is not None:
            rid = derived(f"{q.id}-cue")
            regions.append(_region(rid, QUOTE, q.cue.start, q.cue.end, q.cue.text, CUE))
            extras.append(_relation(q.id, rid, REL_CUE))
        if q.speaker is not None:
            extras.append(_relation(q.id, q.speaker, REL_SPEAKER))
        elif q.speaker_span is not None:
            rid = derived(f"{q.id}-speaker")
            s = q.speaker_span
            regions.append(_region(rid, QUOTE, s.start, s.end, s.text, SPEAKER))
            extras.append(_relation(q.id, rid, REL_SPEAKER))
    return regions + extras


def _task_data(doc: Document, split: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {TEXT: doc.text, "doc_id": doc.id, "text_sha256": text_hash(doc.text),
                            "meta": doc.meta.model_dump(mode="json")}
    if split is not None:
        data["split"] = split
    return data


def document_task(doc: Document, *, split: str | None = None,
                  predictions: Sequence[tuple[Document, str]] = (),
                  as_annotation: bool = True) -> dict[str, Any]:
    """A task for Label Studio's import: the document's data, its items as an annotation
    (``as_annotation``), and ``predictions`` as ``(predicted Document, model_version)`` pairs.

    A prediction whose text differs from the document's is refused.

    >>> doc = Document(id="d", text="Bo left.")
    >>> task = document_task(doc, predictions=[(doc, "quotes-rules-0.1.0")], as_annotation=False)
    >>> sorted(task), task["predictions"][0]["model_version"]
    (['data', 'predictions'], 'quotes-rules-0.1.0')
    >>> document_task(doc, predictions=[(Document(id="d", text="Bo left!"), "m")])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [prediction-text-differs] ...difference at offset 7)...
    """
    task: dict[str, Any] = {"data": _task_data(doc, split)}
    if as_annotation:
        task["annotations"] = [{"result": document_results(doc)}]
    preds = []
    for pred, model_version in predictions:
        if pred.id != doc.id or pred.text != doc.text:
            first = next((i for i, (a, b) in enumerate(zip(pred.text, doc.text, strict=False))
                          if a != b), min(len(pred.text), len(doc.text)))
            raise DatelineError("prediction-text-differs",
                                f"prediction {pred.id!r} of {model_version} does not match "
                                f"document {doc.id!r} (first difference at offset {first})",
                                where=doc.id, fix="predict on the same corpus version")
        preds.append({"model_version": model_version, "result": document_results(pred)})
    if preds:
        task["predictions"] = preds
    return task
