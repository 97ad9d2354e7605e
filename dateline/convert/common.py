"""What every converter shares: provenance, the conversion report, the checked output.

A converter reads its format into :class:`Draft` documents (text, items, and which layers and
layer parts the source annotates) while counting into a :class:`Report`; :func:`finish`
gives each layer its provenance (status, source, annotators, coverage, and as ``labels`` the
mapped labels the collection actually annotates) and validates every Document at level 3.

>>> rep = Report("conll")
>>> rep.keep("entities", "PERSON"); rep.drop("entities", "MISC", "not in the map")
>>> rep.to_dict()["items"], rep.to_dict()["dropped"][0]["reason"]
({'entities': {'PERSON': 1}}, 'not in the map')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dateline.schemas import (
    LAYERS,
    DatelineError,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Meta,
    Quote,
    Span,
    check_document,
    inventory,
)

__all__ = ["Draft", "Provenance", "Report", "finish", "merge_fragments", "quote_kind"]

COVERAGES = ("partial", "exhaustive")
STATUSES = ("gold", "draft", "silver")


@dataclass(frozen=True)
class Provenance:
    """The flags every converted layer gets: ``status`` (gold: made by human annotators),
    ``source``, ``annotators`` and ``coverage`` (partial by default: the source may not
    annotate every item of its labels).

    >>> Provenance().status, Provenance().coverage
    ('gold', 'partial')
    """

    status: str = "gold"
    source: str | None = None
    annotators: tuple[str, ...] = ()
    coverage: str = "partial"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise DatelineError("bad-option", f"--status {self.status!r} is not one of "
                                f"{', '.join(STATUSES)}", exit_code=2)
        if self.coverage not in COVERAGES:
            raise DatelineError("bad-option", f"--coverage {self.coverage!r} is not one of "
                                f"{', '.join(COVERAGES)}", exit_code=2)


@dataclass
class Report:
    """Counts of one conversion: documents, kept items per layer and label, dropped items
    per (layer, label, reason), and notes (e.g. how many chunks an ``I-`` tag opened)."""

    format: str
    inputs: list[str] = field(default_factory=list)
    documents: int = 0
    items: dict[str, Counter[str]] = field(default_factory=dict)
    dropped: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)

    def keep(self, layer: str, label: str) -> None:
        """Count one item kept in ``layer`` under ``label``."""
        self.items.setdefault(layer, Counter())[label] += 1

    def drop(self, layer: str, label: str, reason: str) -> None:
        """Count one item of the source dropped, with the reason."""
        self.dropped[(layer, label, reason)] += 1

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what ``--report FILE`` holds)."""
        return {
            "format": self.format, "inputs": self.inputs, "documents": self.documents,
            "items": {k: dict(sorted(v.items())) for k, v in sorted(self.items.items())},
            "dropped": [{"layer": a, "label": b, "reason": c, "count": n}
                        for (a, b, c), n in sorted(self.dropped.items())],
            "notes": dict(sorted(self.notes.items()))}

    def lines(self) -> list[str]:
        """The report as text lines (what the command prints).

        >>> rep = Report("brat", documents=2); rep.keep("quotes", "direct")
        >>> rep.lines()[:2]
        ['2 documents converted from brat', 'quotes: 1 (direct 1)']
        """
        out = [f"{self.documents} documents converted from {self.format}"]
        for layer, counts in sorted(self.items.items()):
            each = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            out.append(f"{layer}: {sum(counts.values())} ({each})")
        for (layer, label, reason), n in sorted(self.dropped.items()):
            out.append(f"dropped {n} {layer} {label!r}: {reason}")
        out.extend(f"note: {k}: {v}" for k, v in sorted(self.notes.items()))
        return out


@dataclass
class Draft:
    """One converted document before its provenance: ``layers`` names the layers the source
    annotates; ``where`` says where it came from, for errors.

    >>> Draft("d1", "Hi", "a.conll:1").layers
    ('entities',)
    """

    id: str
    text: str
    where: str
    entities: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    layers: tuple[str, ...] = ("entities",)
    annotators: tuple[str, ...] = ()


def merge_fragments(fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort fragments and merge those that touch or overlap.

    >>> merge_fragments([(10, 14), (0, 3), (3, 5), (12, 20)])
    [(0, 5), (10, 20)]
    """
    out: list[list[int]] = []
    for start, end in sorted(fragments):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


QUOTE_MARKS = "\"“”„«»"


def quote_kind(content: Sequence[Span]) -> str:
    """A quote's kind from its content's quotation marks (sources rarely say): ``direct``
    when the content starts and ends with a mark (punctuation outside them aside), ``mixed``
    when it holds one, else ``indirect``.

    >>> quote_kind([Span(start=0, end=6, text='"Yes."')]), quote_kind(
    ...     [Span(start=0, end=9, text="it is ok")])
    ('direct', 'indirect')
    """
    text = " ".join(s.text for s in content).strip().strip(".,;:!?")
    if len(text) > 1 and text[0] in QUOTE_MARKS and text[-1] in QUOTE_MARKS:
        return "direct"
    return "mixed" if any(c in QUOTE_MARKS for c in text) else "indirect"


def _labels(drafts: Sequence[Draft], layer: str) -> tuple[str, ...]:
    found: set[str] = set()
    for d in drafts:
        if layer == "entities":
            found.update(m.label for m in d.entities)
        elif layer == "events":
            found.update(e.type for e in d.events if e.type is not None)
        else:
            found.update(q.kind for q in d.quotes)
    order = inventory().layer_labels(layer)
    return tuple(x for x in order if x in found)


def finish(drafts: Sequence[Draft], prov: Provenance, report: Report,
           not_annotated: dict[str, tuple[str, ...]] | None = None) -> list[Document]:
    """Documents of ``drafts`` with provenance, each validated at level 3 (``convert-invalid``
    names the document, the JSON path and where it came from).

    >>> d = Draft("d1", "Ann ran", "a.conll:1", entities=[
    ...     Mention(id="m1", start=0, end=3, text="Ann", label="PERSON")])
    >>> doc, = finish([d], Provenance(source="mine"), Report("conll"))
    >>> doc.layers.entities.labels, doc.layers.entities.coverage, doc.layers.events.status
    (('PERSON',), 'partial', 'absent')
    """
    labels = {layer: _labels(drafts, layer) for layer in LAYERS}
    seen: dict[str, str] = {}
    out = []
    for d in drafts:
        if d.id in seen:
            raise DatelineError("convert-duplicate-id", f"document id {d.id!r} is used "
                                f"already at {seen[d.id]}", where=d.where,
                                fix="give every document its own id (or --annotator-choice)")
        seen[d.id] = d.where
        infos = {layer: LayerInfo(
            status=prov.status, source=prov.source,
            annotators=prov.annotators or d.annotators, labels=labels[layer],
            coverage=prov.coverage, not_annotated=(not_annotated or {}).get(layer, ()))
            for layer in d.layers}
        meta = {"collection": prov.source, **d.meta}
        doc = Document(id=d.id, text=d.text, meta=Meta(**meta), entities=tuple(d.entities),
                       events=tuple(d.events), quotes=tuple(d.quotes), layers=Layers(**infos))
        problems = check_document(doc)
        if problems:
            first = problems[0]
            raise DatelineError("convert-invalid", f"the converted document fails "
                                f"validation at {first.path}: [{first.check}] {first.message}",
                                where=f"{d.where} (document {d.id})",
                                fix="correct the source there (or report a converter bug)")
        out.append(doc)
        report.documents += 1
    return out
