"""Event scoring: triggers and arguments, with the scope of every number stated.

Metric card
-----------
*What is matched.* Triggers ``(start, end, type)`` of each document, gold against predicted, one
to one with the engine of :mod:`dateline.evaluation.matching` (identical triggers first, then
same offsets; by default offsets must be identical, ACE's rule; ``trigger_overlap`` loosens it).
Events on identical triggers (same offsets and type; say, two events on one trigger with
different arguments) are interchangeable for that matching: they are shared out among the
pairs their trigger got so that the attached arguments agree best (identified plus
classified), then by the events' content (offsets, type, sorted arguments, attributes), never
by the order of the lists.
Arguments are the argument *extents*: the full span of the mention they name (or their bare
span), not heads; a predicted argument is scored on the predicted triggers (end-to-end, no gold
triggers given).

*Metrics* (each a precision / recall / F1 with counts ``tp``, ``pred``, ``gold``):

- ``trigger_identification``: a matched trigger pair (offsets);
- ``trigger_classification``: a matched pair whose types are equal;
- ``argument_identification``: an argument whose offsets and event type equal a gold argument's
  (Li, Ji & Huang 2013, as in most ACE papers), matched one to one;
- ``argument_classification``: the same, and the role is equal;
- ``argument_identification_attached`` / ``argument_classification_attached``: stricter
  variants (TextEE): the argument also hangs on a predicted trigger that was matched to the gold
  argument's trigger (with an equal type when triggers are typed).

*Untyped triggers.* A document whose gold layer declares types not annotated
(``LayerInfo.not_annotated`` holds ``type``), or any of whose gold triggers is untyped (a null
type), has no trigger classification: it is left out of ``trigger_classification`` and counted
in ``details.untyped_documents``, and argument matching ignores event types there. A document
with no gold event and no declaration follows the collection: it is typed when its layer lists
event ``labels`` or when every other scored document with gold events is typed. If no scored
document is typed, ``trigger_classification`` is reported as not applicable, not as 0.

*Arguments not annotated.* A document whose gold layer declares ``arguments`` not annotated is
left out of the four argument metrics (neither its gold nor its predicted arguments count);
when no scored document annotates them, the argument metrics are not applicable.

*Coverage.* An unmatched predicted trigger whose type the gold layer does not cover, or which
lies outside the gold layer's regions, is ignored together with its arguments.

*Limits.* Heads and coreference-aware argument matching (an argument counting when it matches
any mention of the gold argument's cluster) are not implemented; realis and other attributes
are not scored.

>>> from dateline.schemas import Argument, Document, Event, LayerInfo, Layers, Span
>>> text = "Troops attacked the town."
>>> def ev(start, end, type_, args=()):
...     return Event(id=f"e{start}", trigger=Span(start=start, end=end, text=text[start:end]),
...                  type=type_, arguments=tuple(
...                      Argument(role=r, span=Span(start=s, end=e, text=text[s:e]))
...                      for r, s, e in args))
>>> layers = Layers(events=LayerInfo(status="gold"))
>>> g = Document(id="d", text=text, layers=layers, events=(
...     ev(7, 15, "Conflict.Attack", [("Attacker", 0, 6), ("Target", 16, 24)]),))
>>> p = g.model_copy(update={"events": (
...     ev(7, 15, "Conflict.Attack", [("Attacker", 0, 6), ("Attacker", 16, 24)]),)})
>>> s = score_events([g], [p])
>>> s.metric("trigger_classification")["f1"], s.metric("argument_identification")["f1"]
(1.0, 1.0)
>>> s.metric("argument_classification")["counts"]
{'tp': 1, 'pred': 2, 'gold': 2}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from dateline.evaluation.counts import DocCounts, coverage_blocks, paused_gc
from dateline.evaluation.coverage import Scope, skip_reason
from dateline.evaluation.inputs import pair_documents
from dateline.evaluation.matching import (
    EXACT,
    Item,
    Matching,
    Overlap,
    match_items,
    match_spans,
    span_edges,
)
from dateline.evaluation.results import LayerScores, count_fields
from dateline.schemas.errors import DatelineError

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document, Event

__all__ = ["EVENT_METRICS", "match_triggers", "score_events", "typed_documents"]

EVENT_METRICS = {
    "trigger_identification": "prf",
    "trigger_classification": "prf",
    "argument_identification": "prf",
    "argument_classification": "prf",
    "argument_identification_attached": "prf",
    "argument_classification_attached": "prf",
}
_ARGUMENT_METRICS = tuple(m for m in EVENT_METRICS if m.startswith("argument_"))
_FIELDS = count_fields(EVENT_METRICS)
_IDX = {f: k for k, f in enumerate(_FIELDS)}


def _arguments(doc: Document, event: Event) -> list[tuple[int, int, str]]:
    mentions = {m.id: m for m in doc.entities}
    out = []
    for k, arg in enumerate(event.arguments):
        if arg.mention is not None:
            m = mentions.get(arg.mention)
            if m is None:
                raise DatelineError(
                    "unresolved-mention",
                    f"argument {k} ({arg.role}) of event {event.id!r} names mention "
                    f"{arg.mention!r}, which the document does not have",
                    where=f"document {doc.id!r}, event {event.id!r}",
                    fix="run `dateline validate` on the file; add the mention or give the "
                        "argument a span")
            out.append((m.start, m.end, arg.role))
        elif arg.span is not None:
            out.append((arg.span.start, arg.span.end, arg.role))
    return out


def _match_args(gold: dict[Any, list[Item]], pred: dict[Any, list[Item]]) -> tuple[int, int]:
    """Identified and classified argument pairs, matching within each scope key."""
    ident = classified = 0
    for key, g in gold.items():
        p = pred.get(key)
        if not p:
            continue
        m = match_spans(g, p, EXACT)
        for i, j in m.pairs():
            ident += 1
            classified += g[i][2] == p[j][2]
    return ident, classified


class _Trigger:
    """An event as trigger matching sees it: its trigger item and, read only when a tie must
    be broken, its argument items and a canonical content key."""

    __slots__ = ("_args", "event", "item", "mentions")

    def __init__(self, item: Item, event: Event, mentions: _Mentions) -> None:
        self.item = item
        self.event = event
        self.mentions = mentions
        self._args: list[Item] | None = None

    def args(self) -> list[Item]:
        if self._args is None:
            self._args = self.mentions.arguments(self.event)
        return self._args

    def key(self) -> tuple[Any, ...]:
        e = self.event
        s, t, label = self.item
        return (s, t, _opt(label), tuple(sorted(self.args())), _opt(e.type),
                tuple(sorted(e.attributes.items())), _opt(e.source_label))


class _Mentions:
    """A document's mentions by id, read once per document and only if asked."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._by_id: dict[str, Any] | None = None

    def arguments(self, event: Event) -> list[Item]:
        # An unresolved mention is left out here; the scorer refuses it if the event counts.
        if self._by_id is None:
            self._by_id = {m.id: m for m in self.doc.entities}
        out = []
        for arg in event.arguments:
            if arg.mention is not None:
                m = self._by_id.get(arg.mention)
                if m is not None:
                    out.append((m.start, m.end, arg.role))
            elif arg.span is not None:
                out.append((arg.span.start, arg.span.end, arg.role))
        return out


def _opt(x: str | None) -> tuple[bool, str]:
    return (x is None, x or "")


def match_triggers(gd: Document, pd: Document, g_trig: list[Item], p_trig: list[Item],
                    typed: bool, overlap: Overlap) -> Matching:
    """Trigger pairs; events on identical triggers are paired by attached argument agreement,
    then by their content (see the module doc). ``g_trig``/``p_trig``: the documents' trigger
    items ``(start, end, type or None)``, in event order.

    >>> from dateline.schemas import Argument, Document, Event, Span
    >>> def doc(*roles):
    ...     return Document(id="d", text="hit", events=tuple(
    ...         Event(id=f"e{k}", trigger=Span(start=0, end=3, text="hit"), arguments=(
    ...             Argument(role=r, span=Span(start=0, end=1, text="h")),)) for k, r in
    ...         enumerate(roles)))
    >>> g, p = doc("Target", "Attacker"), doc("Attacker", "Target")
    >>> items = [(0, 3, None), (0, 3, None)]
    >>> match_triggers(g, p, items, items, False, EXACT).pairs()  # by arguments, not position
    [(0, 1), (1, 0)]
    """
    if len(set(g_trig)) == len(g_trig) and len(set(p_trig)) == len(p_trig):
        # No trigger repeats on either side, the common case: every event is its own trigger,
        # so span matching (sorted by trigger) is already content-ordered; and it is faster.
        return match_spans(g_trig, p_trig, overlap)
    gm, pm = _Mentions(gd), _Mentions(pd)
    g = [_Trigger(t, e, gm) for t, e in zip(g_trig, gd.events, strict=True)]
    p = [_Trigger(t, e, pm) for t, e in zip(p_trig, pd.events, strict=True)]

    def attached(a: _Trigger, b: _Trigger) -> float:
        # The pair's credit in the attached argument metrics (none across types when typed).
        if typed and a.item[2] != b.item[2]:
            return 0.0
        return float(sum(_match_args({0: a.args()}, {0: b.args()})))

    return match_items(g, p, key=attrgetter("item"), sort_key=_Trigger.key, tie=attached,
                       edges=lambda lg, lp: span_edges(g_trig, p_trig, lg, lp, overlap))


def _typed(doc: Document) -> bool | None:
    """Whether the gold triggers of a document are typed; None when the document cannot say
    (no gold event, no declaration, no labels)."""
    info = doc.layers.events
    if "type" in info.not_annotated or any(e.type is None for e in doc.events):
        return False
    return True if doc.events or info.labels else None


def typed_documents(gold: Sequence[Document], statuses: Sequence[str]) -> dict[str, bool]:
    """Document id -> whether its gold triggers are typed (see the module doc): a document
    that cannot say follows the other scored documents with gold events.

    >>> from dateline.schemas import Layers, LayerInfo, Span
    >>> layers = Layers(events=LayerInfo(status="gold"))
    >>> from dateline.schemas import Document, Event
    >>> a = Document(id="a", text="hit", layers=layers, events=(Event(
    ...     id="e", trigger=Span(start=0, end=3, text="hit"), type="Conflict.Attack"),))
    >>> typed_documents([a, Document(id="b", text="", layers=layers)], ("gold",))
    {'a': True, 'b': True}
    """
    known = {d.id: _typed(d) for d in gold if skip_reason(d.layers.events, statuses) is None}
    decided = [t for t in known.values() if t is not None]
    default = bool(decided) and all(decided)
    return {k: default if t is None else t for k, t in known.items()}


def score_events(gold: Sequence[Document], pred: Sequence[Document], *,
                 statuses: Sequence[str] = ("gold",),
                 trigger_overlap: Overlap = EXACT) -> LayerScores:
    """Score the event layer of predicted Documents against gold Documents (see module doc).

    Parameters
    ----------
    gold, pred
        Collections with the same document ids and texts (checked first).
    statuses
        Gold layer statuses that are scored; other documents are skipped and counted.
    trigger_overlap
        When a gold and a predicted trigger may be paired (default: identical offsets).

    Returns
    -------
    LayerScores
        Metrics named in :data:`EVENT_METRICS`, per-document counts, settings.

    >>> from dateline.schemas import Document, LayerInfo, Layers
    >>> d = Document(id="d", text="x", layers=Layers(events=LayerInfo(status="silver")))
    >>> score_events([d], [d]).skipped, score_events([d], [d], statuses=("silver",)).skipped
    ({'silver': 1}, {})
    """
    with paused_gc():  # see paused_gc: no cycles are made here
        rows: list[list[int]] = []
        doc_ids: list[str] = []
        skipped: Counter[str] = Counter()
        untyped = 0
        without_args = 0
        partial: list[bool] = []
        gold = list(gold)
        typing = typed_documents(gold, statuses)
        for gd, pd in pair_documents(gold, pred):
            reason = skip_reason(gd.layers.events, statuses)
            if reason is not None:
                skipped[reason] += 1
                continue
            typed = typing[gd.id]
            untyped += not typed
            with_args = "arguments" not in gd.layers.events.not_annotated
            without_args += not with_args
            scope = Scope.of(gd.layers.events)
            g_ev = list(gd.events)
            p_all = list(pd.events)
            g_trig = [(e.trigger.start, e.trigger.end, e.type if typed else None) for e in g_ev]
            p_trig_all = [(e.trigger.start, e.trigger.end, e.type if typed else None)
                          for e in p_all]
            m = match_triggers(gd, pd, g_trig, p_trig_all, typed, trigger_overlap)
            # Unmatched predictions outside the gold layer's coverage are dropped with their
            # arguments; the rest count.
            keep = [j for j, i in enumerate(m.pred_to_gold)
                    if i >= 0 or scope.counts_spurious(p_all[j].trigger.start, p_all[j].trigger.end,
                                                       p_all[j].type)]
            row = [0] * len(_FIELDS)

            def add(metric: str, tp: int, n_pred: int, n_gold: int, row: list[int] = row) -> None:
                row[_IDX[f"{metric}|tp"]] += tp
                row[_IDX[f"{metric}|pred"]] += n_pred
                row[_IDX[f"{metric}|gold"]] += n_gold

            pairs = m.pairs()
            add("trigger_identification", len(pairs), len(keep), len(g_ev))
            if typed:
                add("trigger_classification",
                    sum(g_ev[i].type == p_all[j].type for i, j in pairs), len(keep), len(g_ev))
            # Arguments count only where the gold annotates them (both sides).
            g_args = [_arguments(gd, e) if with_args else [] for e in g_ev]
            p_args = {j: _arguments(pd, p_all[j]) if with_args else [] for j in keep}
            n_g_args = sum(map(len, g_args))
            n_p_args = sum(map(len, p_args.values()))
            # Not attached: scope is the event type (ignored when untyped).
            by_type_g: dict[Any, list[Item]] = {}
            by_type_p: dict[Any, list[Item]] = {}
            for e, args in zip(g_ev, g_args, strict=True):
                by_type_g.setdefault(e.type if typed else None, []).extend(args)
            for j, args in p_args.items():
                by_type_p.setdefault(p_all[j].type if typed else None, []).extend(args)
            ident, classified = _match_args(by_type_g, by_type_p)
            add("argument_identification", ident, n_p_args, n_g_args)
            add("argument_classification", classified, n_p_args, n_g_args)
            # Attached: scope is the matched trigger pair (with equal types when typed).
            att_g = {i: g_args[i] for i, j in pairs if not typed or g_ev[i].type == p_all[j].type}
            att_p = {i: p_args[j] for i, j in pairs if i in att_g}
            ident, classified = _match_args(att_g, att_p)
            add("argument_identification_attached", ident, n_p_args, n_g_args)
            add("argument_classification_attached", classified, n_p_args, n_g_args)
            rows.append(row)
            doc_ids.append(gd.id)
            partial.append(scope.partial)
        fields, values = coverage_blocks(_FIELDS, np.asarray(rows, dtype=np.int64), partial)
        not_applicable = {}
        if len(rows) == untyped:
            not_applicable["trigger_classification"] = (
                "the gold triggers are untyped" if rows
                else "no document was scored")
        if len(rows) == without_args:
            for name in _ARGUMENT_METRICS:
                not_applicable[name] = ("the gold layer does not annotate arguments" if rows
                                        else "no document was scored")
        settings = {
            "statuses": list(statuses),
            "trigger_overlap": trigger_overlap.to_dict(),
            "scope": {"triggers": "predicted (end to end)", "argument_span": "extent",
                      "argument_identification": "offsets and event type",
                      "attached": "argument on a matched trigger of the same type",
                      "coreference": False},
        }
        return LayerScores("events", dict(EVENT_METRICS),
                           DocCounts(tuple(doc_ids), fields, values), settings,
                           dict(skipped), not_applicable,
                           {"details": {"untyped_documents": untyped,
                                        "documents_without_arguments": without_args}})
