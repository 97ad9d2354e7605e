"""Error analysis: the outcome of every gold and predicted item, one record per item or pair.

Each record names the layer, the document, the outcome, and the gold and predicted item
(offsets, label, text). Outcomes:

- ``correct``: same boundaries, same label;
- ``incorrect_label``: same boundaries, another label;
- ``boundary``: overlapping, same label, other boundaries; ``boundary_and_label``: both wrong;
  a boundary error has a subtype, ``too_long`` (the prediction covers the gold span and more),
  ``too_short`` (it lies inside the gold span) or ``shifted`` (neither);
- ``missed``: a gold item without a partner; ``spurious``: a prediction without a partner that
  the gold layer covers; ``ignored``: one it does not cover (another label, outside the
  annotated regions), which no score counts.

Entities are paired by the entity scorer itself (:meth:`EntityScores.outcomes`), so the records
agree with its counts. Event triggers and quotes are paired with the same matching engine on
*any* overlap, so boundary errors are visible; the event scorer pairs triggers on identical
offsets only, so there a boundary error counts as one miss and one spurious trigger. A quote's
span is the extent of its content spans (first start to last end); its record also says
whether the speaker is right at entity level (``speaker_outcome``: ``correct``, ``wrong``,
``missing``, ``spurious`` or null when neither side names one), as the quote scorer's
``speaker_entity`` does.

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> text = "Ana Ruiz met Bo in Lyon."
>>> def m(i, s, e, lab):
...     return Mention(id=i, start=s, end=e, text=text[s:e], label=lab)
>>> g = Document(id="d", text=text, layers=Layers(entities=LayerInfo(status="gold")),
...              entities=(m("g1", 0, 8, "PERSON"), m("g2", 13, 15, "PERSON"),
...                        m("g3", 19, 23, "LOCATION")))
>>> p = g.model_copy(update={"entities": (m("p1", 4, 8, "PERSON"), m("p2", 13, 15, "LOCATION"),
...                                       m("p3", 9, 12, "PERSON"))})
>>> for r in error_records([g], [p], layers=("entities",)):
...     print(r["outcome"], r["boundary"], r["gold"] and r["gold"]["text"],
...           r["pred"] and r["pred"]["text"])
boundary too_short Ana Ruiz Ruiz
incorrect_label None Bo Bo
missed None Lyon None
spurious None None met
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from dateline.evaluation.coverage import Scope, skip_reason
from dateline.evaluation.entities import EntityScores, ItemOutcome
from dateline.evaluation.events import match_triggers, typed_documents
from dateline.evaluation.inputs import pair_documents
from dateline.evaluation.matching import ANY_OVERLAP, Overlap, match_items
from dateline.evaluation.results import Result

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document, Quote

__all__ = ["BOUNDARY_ERRORS", "OUTCOMES", "boundary_error", "entity_records", "error_records",
           "event_records", "quote_records", "records_of", "summarise"]

OUTCOMES = ("correct", "incorrect_label", "boundary", "boundary_and_label", "missed",
            "spurious", "ignored")
BOUNDARY_ERRORS = ("too_long", "too_short", "shifted")
_PAIR = {"correct": "correct", "incorrect_label": "incorrect_label", "partial": "boundary",
         "partial_incorrect_label": "boundary_and_label"}


def boundary_error(gold: tuple[int, int], pred: tuple[int, int]) -> str | None:
    """``too_long``, ``too_short``, ``shifted``, or None for equal boundaries.

    >>> boundary_error((5, 10), (3, 10)), boundary_error((5, 10), (6, 9))
    ('too_long', 'too_short')
    >>> boundary_error((5, 10), (7, 12)), boundary_error((5, 10), (5, 10))
    ('shifted', None)
    """
    (gs, ge), (ps, pe) = gold, pred
    if gs == ps and ge == pe:
        return None
    if ps <= gs and pe >= ge:
        return "too_long"
    if ps >= gs and pe <= ge:
        return "too_short"
    return "shifted"


def _pair_outcome(same_bounds: bool, same_label: bool) -> str:
    if same_bounds:
        return "correct" if same_label else "incorrect_label"
    return "boundary" if same_label else "boundary_and_label"


def _item(doc: Document, item_id: str | None, start: int, end: int, label: Any,
          **extra: Any) -> dict[str, Any]:
    return {"id": item_id, "start": start, "end": end, "label": label,
            "text": doc.text[start:end], **extra}


def _record(layer: str, doc_id: str, outcome: str, gold: dict[str, Any] | None,
            pred: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    boundary = None
    if gold is not None and pred is not None:
        boundary = boundary_error((gold["start"], gold["end"]), (pred["start"], pred["end"]))
    return {"layer": layer, "doc_id": doc_id, "outcome": outcome, "boundary": boundary,
            "gold": gold, "pred": pred, **extra}


def entity_records(gold: Sequence[Document], pred: Sequence[Document], options: Any,
                   scores: Result) -> Iterator[dict[str, Any]]:
    """The records of the entity layer, from the entity scorer's own outcomes (``scores``
    must have been scored with ``keep_items``).

    >>> from dateline.evaluation.entities import score_entities
    >>> from dateline.schemas import Document, LayerInfo, Layers, Mention
    >>> g = Document(id="d", text="Bo", layers=Layers(entities=LayerInfo(status="gold")),
    ...              entities=(Mention(id="m", start=0, end=2, text="Bo", label="PERSON"),))
    >>> p = g.model_copy(update={"entities": ()})
    >>> [r["outcome"] for r in entity_records([g], [p], None, score_entities([g], [p]))]
    ['missed']
    """
    if not isinstance(scores, EntityScores):
        raise TypeError("entity_records needs EntityScores")
    docs = {d.id: d for d in gold}
    by_doc: dict[str, list[ItemOutcome]] = {}
    for o in scores.outcomes():
        by_doc.setdefault(o.doc_id, []).append(o)
    for doc_id, outs in by_doc.items():
        doc = docs[doc_id]
        # The pred side of each matched pair, to name the prediction's id in the gold record.
        partners: dict[tuple[Any, Any], list[ItemOutcome]] = {}
        for o in outs:
            if o.side == "pred" and o.partner is not None:
                partners.setdefault((o.item, o.partner), []).append(o)
        for o in outs:
            g_item = _item(doc, o.item_id, *o.item) if o.side == "gold" else None
            if o.side == "gold" and o.partner is not None:
                mate = partners[(o.partner, o.item)].pop()
                yield _record("entities", doc_id, _PAIR[o.outcome], g_item,
                              _item(doc, mate.item_id, *o.partner))
            elif o.side == "gold":
                yield _record("entities", doc_id, "missed", g_item, None)
            elif o.partner is None:
                yield _record("entities", doc_id, o.outcome, None,
                              _item(doc, o.item_id, *o.item))


def event_records(gold: Sequence[Document], pred: Sequence[Document], options: Any,
                  scores: Result | None = None) -> Iterator[dict[str, Any]]:
    """The records of the event layer (triggers paired on any overlap, see the module doc).

    >>> from dateline.evaluation.layers import ScoreOptions
    >>> from dateline.schemas import Document, Event, LayerInfo, Layers, Span
    >>> g = Document(id="d", text="It fell.", layers=Layers(events=LayerInfo(status="gold")),
    ...              events=(Event(id="e", trigger=Span(start=3, end=7, text="fell")),))
    >>> p = g.model_copy(update={"events": (
    ...     Event(id="x", trigger=Span(start=3, end=8, text="fell.")),)})
    >>> [(r["outcome"], r["boundary"]) for r in event_records([g], [p], ScoreOptions())]
    [('boundary', 'too_long')]
    """
    statuses = options.statuses
    typing = typed_documents(gold, statuses)
    for gd, pd in pair_documents(gold, pred):
        if skip_reason(gd.layers.events, statuses) is not None:
            continue
        typed = typing[gd.id]
        scope = Scope.of(gd.layers.events)
        g = [(e.trigger.start, e.trigger.end, e.type if typed else None) for e in gd.events]
        p = [(e.trigger.start, e.trigger.end, e.type if typed else None) for e in pd.events]
        # The scorer's trigger matching (ties by attached arguments), on any overlap.
        m = match_triggers(gd, pd, g, p, typed, ANY_OVERLAP)
        for i, j in enumerate(m.gold_to_pred):
            gi = _item(gd, gd.events[i].id, g[i][0], g[i][1], gd.events[i].type)
            if j < 0:
                yield _record("events", gd.id, "missed", gi, None)
                continue
            pj = _item(gd, pd.events[j].id, p[j][0], p[j][1], pd.events[j].type)
            yield _record("events", gd.id, _pair_outcome(g[i][:2] == p[j][:2], g[i][2] == p[j][2]),
                          gi, pj)
        for j, i in enumerate(m.pred_to_gold):
            if i < 0:
                e = pd.events[j]
                out = ("spurious" if scope.counts_spurious(e.trigger.start, e.trigger.end, e.type)
                       else "ignored")
                yield _record("events", gd.id, out, None,
                              _item(gd, e.id, e.trigger.start, e.trigger.end, e.type))


def _speaker(doc: Document, q: Quote) -> tuple[dict[str, Any] | None, list[tuple[int, int]]]:
    """The speaker as an item, and the spans of every mention of its coreference cluster."""
    if q.speaker is not None:
        m = doc.mention(q.speaker)
        if m is not None:
            spans = [(x.start, x.end) for x in doc.entities
                     if m.entity is not None and x.entity == m.entity] or [(m.start, m.end)]
            return _item(doc, m.id, m.start, m.end, m.label), spans
    if q.speaker_span is not None:
        s = q.speaker_span
        return _item(doc, None, s.start, s.end, None), [(s.start, s.end)]
    return None, []


def _quote_item(doc: Document, q: Quote) -> dict[str, Any]:
    spans = sorted((s.start, s.end) for s in q.content)
    start = spans[0][0] if spans else 0
    end = max((e for _, e in spans), default=0)
    speaker, _ = _speaker(doc, q)
    cue = None if q.cue is None else _item(doc, None, q.cue.start, q.cue.end, None)
    item = _item(doc, q.id, start, end, q.kind, spans=[list(s) for s in spans],
                 speaker=speaker, cue=cue)
    item["text"] = " … ".join(doc.text[s:e] for s, e in spans)  # the quote, not its gaps
    return item


def _speaker_outcome(gd: Document, g: Quote, pd: Document, p: Quote) -> str | None:
    gs, cluster = _speaker(gd, g)
    ps, _ = _speaker(pd, p)
    if gs is None and ps is None:
        return None
    if ps is None:
        return "missing"
    if gs is None:
        return "spurious"
    hit = any(s < ps["end"] and ps["start"] < e for s, e in cluster)
    return "correct" if hit else "wrong"


def _chars(q: Quote) -> set[int]:
    return {k for s in q.content for k in range(s.start, s.end)}


def quote_records(gold: Sequence[Document], pred: Sequence[Document], options: Any,
                  scores: Result | None = None) -> Iterator[dict[str, Any]]:
    """The records of the quote layer (quotes paired on any shared character).

    >>> from dateline.evaluation.layers import ScoreOptions
    >>> from dateline.schemas import Document, LayerInfo, Layers, Quote, Span
    >>> g = Document(id="d", text='"Hi," he said.', layers=Layers(quotes=LayerInfo(status="gold")))
    >>> p = g.model_copy(update={"quotes": (
    ...     Quote(id="q", content=(Span(start=1, end=3, text="Hi"),), kind="direct"),)})
    >>> [(r["outcome"], r["pred"]["text"]) for r in quote_records([g], [p], ScoreOptions())]
    [('spurious', 'Hi')]
    """
    statuses = options.statuses

    def key(q: Quote) -> Any:
        return (tuple(sorted((s.start, s.end) for s in q.content)), q.kind)

    def edge(g: Quote, p: Quote) -> tuple[bool, bool, float] | None:
        a, b = _chars(g), _chars(p)
        shared = len(a & b)
        if not shared:
            return None
        return (key(g)[0] == key(p)[0], g.kind == p.kind, shared / len(a | b))

    for gd, pd in pair_documents(gold, pred):
        if skip_reason(gd.layers.quotes, statuses) is not None:
            continue
        scope = Scope.of(gd.layers.quotes)
        m = match_items(list(gd.quotes), list(pd.quotes), key=key, edge=edge, sort_key=key)
        for i, j in enumerate(m.gold_to_pred):
            gq = gd.quotes[i]
            gi = _quote_item(gd, gq)
            if j < 0:
                yield _record("quotes", gd.id, "missed", gi, None, speaker_outcome=None)
                continue
            pq = pd.quotes[j]
            yield _record("quotes", gd.id,
                          _pair_outcome(key(gq)[0] == key(pq)[0], gq.kind == pq.kind), gi,
                          _quote_item(pd, pq), speaker_outcome=_speaker_outcome(gd, gq, pd, pq))
        for j, i in enumerate(m.pred_to_gold):
            if i < 0:
                pi = _quote_item(pd, pd.quotes[j])
                covered = bool(pi["spans"]) and scope.counts_spurious(pi["start"], pi["end"],
                                                                      pi["label"])
                yield _record("quotes", gd.id, "spurious" if covered else "ignored", None, pi,
                              speaker_outcome=None)


def error_records(gold: Sequence[Document], pred: Sequence[Document], *,
                  layers: Sequence[str] | None = None,
                  statuses: Sequence[str] = ("gold",), labels: Sequence[str] | None = None,
                  kinds: Sequence[str] | None = None, overlap: Overlap = ANY_OVERLAP
                  ) -> list[dict[str, Any]]:
    """Every item's outcome (see the module doc), layer by layer, in gold document order.

    Parameters
    ----------
    gold, pred
        Collections with the same document ids and texts (checked first).
    layers
        Layers to list (default: every registered one).
    statuses, labels, kinds, overlap
        As for :func:`~dateline.evaluation.score_entities` (``labels``, ``kinds`` and
        ``overlap`` apply to entities).

    Returns
    -------
    list of dict
        JSON-ready records: ``layer``, ``doc_id``, ``outcome``, ``boundary``, ``gold`` and
        ``pred`` (``id``, ``start``, ``end``, ``label``, ``text``; quotes add ``spans``,
        ``speaker`` and ``cue``, and the record ``speaker_outcome``).

    >>> from dateline.schemas import Document
    >>> error_records([Document(id="d", text="x")], [Document(id="d", text="x")])  # all absent
    []
    """
    from dateline.evaluation.layers import ScoreOptions, score_layers

    options = ScoreOptions.of(statuses, labels, kinds, overlap, keep_items=True)
    gold, pred = list(gold), list(pred)
    return records_of(gold, pred, options, score_layers(gold, pred, layers, options))


def records_of(gold: Sequence[Document], pred: Sequence[Document], options: Any,
               results: dict[str, Result]) -> list[dict[str, Any]]:
    """The records of layers already scored (``results``: layer -> result, scored with
    ``options``), in the registry's layer order and gold document order; a layer whose spec
    has no ``records`` function gives none.

    >>> records_of([], [], None, {})
    []
    """
    from dateline.evaluation.layers import get_layer

    out: list[dict[str, Any]] = []
    for name, result in results.items():
        make = get_layer(name).records
        if make is not None:
            out += make(gold, pred, options, result)
    order = {d.id: k for k, d in enumerate(gold)}
    out.sort(key=lambda r: order[r["doc_id"]])  # stable: layer order kept within a document
    return out


def summarise(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts of outcomes (and boundary subtypes) per layer.

    >>> summarise([{"layer": "entities", "outcome": "boundary", "boundary": "too_long"}])
    {'entities': {'boundary': 1, 'boundary:too_long': 1}}
    """
    out: dict[str, Counter[str]] = {}
    for r in records:
        c = out.setdefault(r["layer"], Counter())
        c[r["outcome"]] += 1
        if r.get("boundary"):
            c[f"{r['outcome']}:{r['boundary']}"] += 1
    return {layer: dict(c) for layer, c in out.items()}
