"""Input checks: gold and predicted Documents are paired by id, and must have the same text.

Scoring refuses (a coded :class:`DatelineError`, CLI exit code 1) rather than guessing when the
two collections hold different document ids, an id repeats, or a document's text differs: the
error names the document and the first differing offset, as the UD scorer does.

>>> from dateline.schemas import Document
>>> pairs = pair_documents([Document(id="a", text="Hi.")], [Document(id="a", text="Hi.")])
>>> [(g.id, p.id) for g, p in pairs]
[('a', 'a')]
>>> pair_documents([Document(id="a", text="Hi.")], [Document(id="a", text="Ho.")])
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [document-text-differs] document 'a', offset 1: ...
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dateline.schemas.checks import check_document
from dateline.schemas.errors import DatelineError, contrast, first_difference
from dateline.schemas.labels import inventory
from dateline.schemas.names import LAYERS

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document

__all__ = ["LayerUse", "check_spans", "first_difference", "foreign_labels", "pair_documents",
           "unpredicted_layers"]


def _index(docs: Iterable[Document], side: str) -> dict[str, Document]:
    docs = list(docs)
    out = {doc.id: doc for doc in docs}
    if len(out) != len(docs):  # rare: find the first repeated id for the message
        seen: set[str] = set()
        for doc in docs:
            if doc.id in seen:
                raise DatelineError("duplicate-document-id",
                                    f"document id {doc.id!r} occurs twice in the {side} "
                                    "collection", where=f"{side} document {doc.id!r}",
                                    fix="give every document a unique id, or remove the copy")
            seen.add(doc.id)
    return out


def _listing(ids: Iterable[str], limit: int = 5) -> str:
    ids = sorted(ids)
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(repr(i) for i in ids[:limit]) + more


def pair_documents(gold: Iterable[Document],
                   pred: Iterable[Document]) -> list[tuple[Document, Document]]:
    """Pair gold and predicted Documents by id, in gold order, after checking them.

    Raises
    ------
    DatelineError
        ``duplicate-document-id``, ``document-ids-differ`` (names the ids missing on each
        side) or ``document-text-differs`` (names the document and the first differing offset).

    >>> from dateline.schemas import Document
    >>> pair_documents([Document(id="a", text="x")], [Document(id="b", text="x")])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [document-ids-differ] 1 gold document(s) have no ...
    """
    g = _index(gold, "gold")
    p = _index(pred, "predicted")
    if g.keys() != p.keys():
        parts = []
        if missing := g.keys() - p.keys():
            parts.append(f"{len(missing)} gold document(s) have no prediction: "
                         f"{_listing(missing)}")
        if extra := p.keys() - g.keys():
            parts.append(f"{len(extra)} predicted document(s) are not in gold: "
                         f"{_listing(extra)}")
        raise DatelineError("document-ids-differ", "; ".join(parts),
                            fix="predict every gold document and only those (the same ids); "
                                "score a subset by filtering the gold file first")
    out = []
    for doc_id, gd in g.items():
        pd = p[doc_id]
        if gd.text != pd.text:
            k = first_difference(gd.text, pd.text) or 0
            gold_shown, pred_shown = contrast(gd.text[k:k + 20], pd.text[k:k + 20], 30)
            raise DatelineError(
                "document-text-differs",
                f"the predicted text differs from the gold text: gold has "
                f"{gold_shown}, prediction has {pred_shown}",
                where=f"document {doc_id!r}, offset {k}",
                fix="copy Document.text unchanged from the gold file into the prediction "
                    "(offsets are only comparable over the same text)")
        out.append((gd, pd))
    return out


def check_spans(docs: Sequence[Document], source: str, *, first: int = 1) -> None:
    """Refuse Documents whose spans the scorers cannot trust: the validator's level-2 checks
    (offsets inside the text, start before end, no empty span, ``text`` equal to the slice),
    with the validator's check id as the code, the document and the JSON path. Scoring such a
    file would count a misplaced prediction as spurious, or a gold item whose offsets do not
    match its text as found.

    >>> from dateline.schemas import Document, Mention
    >>> ok = Document(id="d", text="Ann", entities=(
    ...     Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
    >>> check_spans([ok], "pred.jsonl")
    >>> bad = ok.model_copy(update={"entities": (
    ...     Mention(id="m", start=0, end=3, text="Bob", label="PERSON"),)})
    >>> check_spans([ok, bad], "pred.jsonl")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [text-mismatch] pred.jsonl, document 2 ('d') ...
    """
    for k, doc in enumerate(docs, start=first):  # first: the position of docs[0] in source
        if _entity_spans_ok(doc):
            continue
        found = check_document(doc, level=2)
        if found:
            first = found[0]
            more = f" (and {len(found) - 1} more in this document)" if len(found) > 1 else ""
            raise DatelineError(first.check, first.message + more,
                                where=f"{source}, document {k} ({doc.id!r}) {first.path}",
                                fix=f"correct the offsets or the span text; `dateline validate "
                                    f"{source}` lists every incident")


def _entity_spans_ok(doc: Document) -> bool:
    # The common case at the cost of a slice per mention: only entity mentions, each inside
    # the text, non-empty and equal to its slice. Anything else (events, quotes, regions, a
    # problem) is left to check_document, which names it.
    if doc.events or doc.quotes:
        return False
    layers = doc.layers
    if (layers.entities.regions or layers.events.regions
            or layers.quotes.regions):
        return False
    text = doc.text
    n = len(text)
    for m in doc.entities:
        s, e = m.start, m.end
        if not (0 <= s < e <= n) or text[s:e] != m.text:
            return False
    return True


def foreign_labels(docs: Iterable[Document]) -> Counter[str]:
    """Entity labels, event types and quote kinds of ``docs`` that are not in the label
    inventory, with how often each occurs (the scorers count them as labels of their own).

    >>> from dateline.schemas import Document, Mention
    >>> d = Document(id="d", text="Ann", entities=(
    ...     Mention(id="m", start=0, end=3, text="Ann", label="PER"),))
    >>> foreign_labels([d])
    Counter({'PER': 1})
    """
    inv = inventory()
    entity, events, kinds = (set(inv.entity_labels), set(inv.event_types),
                             set(inv.quote_kinds))
    out: Counter[str] = Counter()
    for doc in docs:
        out.update(m.label for m in doc.entities if m.label not in entity)
        out.update(e.type for e in doc.events if e.type is not None and e.type not in events)
        out.update(q.kind for q in doc.quotes if q.kind not in kinds)
    return out


def unpredicted_layers(docs: Sequence[Document]) -> dict[str, str]:
    """The Document layers a collection of predictions does not predict, with the reason: in
    every document the layer is ``absent`` (and empty), or ``silver`` with ``partial``
    coverage (what an extractor writes for the mentions its quotes or events point to, in a
    layer it is not scored on). A system is never charged for a layer it does not predict.

    >>> from dateline.schemas import LayerInfo, Layers
    >>> silver = LayerInfo(status="silver", source="quotes-rules@1", coverage="partial")
    >>> from dateline.schemas import Document
    >>> d = Document(id="d", text="x", layers=Layers(entities=silver,
    ...                                              quotes=LayerInfo(status="silver")))
    >>> unpredicted_layers([d])
    {'entities': 'not predicted (partial silver layer: the mentions its other layers refer \
to)', 'events': 'not predicted (absent in every document)'}
    >>> unpredicted_layers([])
    {}
    """
    use = LayerUse()
    for doc in docs:
        use.add(doc)
    return use.unpredicted()


class LayerUse:
    """What a stream of predictions does with each layer, kept as they pass (two flags a
    layer): :meth:`unpredicted` gives what :func:`unpredicted_layers` gives for all of them.

    >>> from dateline.schemas import LayerInfo, Layers
    >>> use = LayerUse()
    >>> from dateline.schemas import Document
    >>> use.add(Document(id="d", text="x", layers=Layers(quotes=LayerInfo(status="silver"))))
    >>> use.unpredicted()
    {'entities': 'not predicted (absent in every document)', 'events': 'not predicted \
(absent in every document)'}
    """

    def __init__(self) -> None:
        self.seen = False
        self.present: set[str] = set()  # some document's layer is not absent and empty
        self.scored: set[str] = set()   # ... and not a partial silver layer either
        self._last: tuple[Any, ...] = ()  # the last layers noted and which held items

    def add(self, doc: Document) -> None:
        """Note one predicted document's layers."""
        self.seen = True
        # Documents mostly have equal layers (one object, with the fast path's sharing), and
        # equal layers holding items in the same layers note the same: noted once.
        last = (doc.layers, not doc.entities, not doc.events, not doc.quotes)
        if last == self._last:
            return
        self._last = last
        for layer in LAYERS:
            info, has = getattr(doc.layers, layer), bool(getattr(doc, layer))
            if info.status != "absent" or has:
                self.present.add(layer)
                if not (info.status == "silver" and info.coverage == "partial"):
                    self.scored.add(layer)

    def update(self, other: LayerUse) -> None:
        """Add what ``other`` saw (another shard of the same predictions).

        >>> a, b = LayerUse(), LayerUse()
        >>> from dateline.schemas import Document
        >>> b.add(Document(id="d", text="x", entities=()))
        >>> a.update(b); a.seen, sorted(a.unpredicted())
        (True, ['entities', 'events', 'quotes'])
        """
        self.seen |= other.seen
        self.present |= other.present
        self.scored |= other.scored

    def unpredicted(self) -> dict[str, str]:
        """The layers not predicted so far, with the reason (none before any document)."""
        if not self.seen:
            return {}
        return {layer: "not predicted (absent in every document)" if layer not in self.present
                else ("not predicted (partial silver layer: the mentions its other layers "
                      "refer to)")
                for layer in LAYERS if layer not in self.scored}
