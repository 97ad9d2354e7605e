"""Entity mention scoring: the four SemEval-2013 modes from one optimal matching.

Metric card
-----------
*What is matched.* Entity mentions ``(start, end, label)`` of each document (half-open character
offsets), gold against predicted, one to one, with the engine of
:mod:`dateline.evaluation.matching` (identical items first, then a maximum-weight matching that
prefers equal boundaries, then equal labels, then larger overlap). Pairs must overlap by at
least one character, or by the :class:`~dateline.evaluation.matching.Overlap` threshold given.

*How each pair counts.* Every matched pair falls in one class, and each mode reads the class:

===================================  =========  =========  =========  =========
pair                                 strict     exact      partial    type
===================================  =========  =========  =========  =========
same boundaries, same label          correct    correct    correct    correct
same boundaries, other label         incorrect  correct    correct    incorrect
overlap, same label                  incorrect  incorrect  partial    correct
overlap, other label                 incorrect  incorrect  partial    incorrect
===================================  =========  =========  =========  =========

An unmatched gold item is *missed*; an unmatched prediction is *spurious* when the gold layer
covers it (:mod:`dateline.evaluation.coverage`) and ignored otherwise. Precision is
``(correct + 0.5 partial) / actual`` and recall ``(correct + 0.5 partial) / possible`` (SemEval
2013 task 9.1 and nervaluate; ``partial`` is 0 outside the partial mode).

*Partial coverage.* A document whose gold layer has ``coverage: partial`` (what is there is
right, what is missing is unknown) enters recall, never precision: its unmatched predictions
are ignored, and its counts sit in a block of their own (``partial:...`` fields). Precision,
recall and F1 are read from the documents of exhaustive coverage; ``recall_partial`` from those
of partial coverage and ``recall_all`` from both. ``documents`` says how many entered each.

*Per label.* A gold item's outcome counts under the gold label (``correct``, ``incorrect``,
``partial``, ``missed``: their sum is ``possible``, the recall denominator), a prediction's under
the predicted label (``pred_correct``, ``pred_incorrect``, ``pred_partial``, ``spurious``: their
sum is ``actual``, the precision denominator). So when gold PERSON is predicted ORGANIZATION in
exact mode, PERSON's recall and ORGANIZATION's precision get the credit. Micro totals are the
sums over labels; macro averages are unweighted means over labels whose value is defined. The
confusion matrix counts pairs with equal boundaries by (gold label, predicted label).

*Limits.* One matching serves all four modes; it maximises identical pairs first, so in rare
configurations a different matching would give a higher partial or type score (for example
one gold item overlapped by two predictions, one of which also overlaps a second gold item). A
gold item split into two predictions gets one match; the other prediction is spurious. Only
character offsets are compared: tokenisation plays no role.

>>> gold = [[(0, 7, "PERSON"), (20, 25, "LOCATION")]]
>>> pred = [[(0, 7, "PERSON"), (19, 25, "ORGANIZATION"), (30, 33, "PERSON")]]
>>> s = score_entity_spans(gold, pred)
>>> s.mode_counts("strict")
{'correct': 1, 'incorrect': 1, 'partial': 0, 'missed': 0, 'spurious': 1, 'possible': 2, 'actual': 3}
>>> s.mode_counts("partial")["partial"], s.scores("partial")["f1"]
(1, 0.6)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from dateline.evaluation.counts import DocCounts, coverage_blocks, paused_gc
from dateline.evaluation.coverage import FULL_SCOPE, Scope, skip_reason
from dateline.evaluation.entity_scores import (
    CLASSES,
    MODES,
    EntityScores,
    ItemOutcome,
    entity_fields,
)
from dateline.evaluation.entity_tally import tally
from dateline.evaluation.inputs import pair_documents
from dateline.evaluation.matching import ANY_OVERLAP, Item, Overlap
from dateline.schemas.errors import DatelineError

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document, Mention

__all__ = [
    "CLASSES",
    "MODES",
    "EntityScores",
    "ItemOutcome",
    "entity_items",
    "score_entities",
    "score_entity_spans",
]


def score_entity_spans(gold: Sequence[Sequence[Item]], pred: Sequence[Sequence[Item]], *,
                       doc_ids: Sequence[str] | None = None,
                       scopes: Sequence[Scope] | None = None,
                       overlap: Overlap = ANY_OVERLAP,
                       settings: dict[str, Any] | None = None,
                       skipped: dict[str, int] | None = None,
                       keep_items: bool = True,
                       item_ids: tuple[Sequence[Sequence[str]], Sequence[Sequence[str]]]
                       | None = None) -> EntityScores:
    """Score span items ``(start, end, label)`` per document: the low-level entity scorer.

    Parameters
    ----------
    gold, pred
        One sequence of items per document, in the same document order.
    doc_ids
        Document ids (default ``"0"``, ``"1"``, ...).
    scopes
        Per-document :class:`~dateline.evaluation.coverage.Scope` deciding which unmatched
        predictions count as spurious (default: all of them).
    overlap
        The minimum overlap of a matched pair.
    keep_items
        Keep references to the inputs so :meth:`EntityScores.outcomes` can list every item.

    Returns
    -------
    EntityScores

    Examples
    --------
    The same prediction set in two orders scores the same (greedy matchers differ here):

    >>> gold = [[(0, 3, "PER")]]
    >>> a = score_entity_spans(gold, [[(0, 1, "PER"), (0, 3, "PER")]])
    >>> b = score_entity_spans(gold, [[(0, 3, "PER"), (0, 1, "PER")]])
    >>> a.mode_counts("strict") == b.mode_counts("strict")
    True
    >>> a.mode_counts("strict")["correct"], a.mode_counts("strict")["spurious"]
    (1, 1)
    """
    with paused_gc():  # see paused_gc: no cycles are made here
        n = len(gold)
        if len(pred) != n:
            raise ValueError(f"{n} gold documents but {len(pred)} predicted ones")
        if scopes is not None and len(scopes) < n:
            raise IndexError(f"{n} documents but {len(scopes)} scopes")
        ids = tuple(doc_ids) if doc_ids is not None else tuple(str(i) for i in range(n))
        # strict=False: extra scopes are ignored, as they always were
        labels, values, confusion = tally(
            zip(gold, pred, scopes if scopes is not None else repeat(FULL_SCOPE), strict=False),
            overlap)
        sett = {"overlap": overlap.to_dict(), **(settings or {})}
        replay = None
        if keep_items:
            replay = (gold, pred, scopes, overlap,
                      item_ids[0] if item_ids else None, item_ids[1] if item_ids else None)
        partial = [s.partial for s in scopes[:n]] if scopes is not None else [False] * n
        fields, values = coverage_blocks(entity_fields(labels), values, partial)
        return EntityScores(labels, DocCounts(ids, fields, values), confusion,
                            sett, dict(skipped or {}), replay)



_SPAN_LABEL = attrgetter("start", "end", "label")
_ID = attrgetter("id")


def entity_items(doc: Document, *, labels: frozenset[str] | None = None,
                 kinds: frozenset[str] | None = None, gold: bool = True, ids: bool = True
                 ) -> tuple[list[Item], list[str], list[tuple[int, int]]]:
    """The items of a document's entity layer under the filters: ``(items, ids, zones)``.

    Gold mentions of a kind outside ``kinds`` are left out and become zones (predictions
    overlapping them are not spurious); predicted mentions are left out when they state a kind
    outside ``kinds`` and kept when their kind is null. ``labels`` filters both sides. With
    ``ids=False`` the ids list is left empty (the scorer reads ids only for error analysis).

    >>> from dateline.schemas import Document, Mention
    >>> d = Document(id="d", text="Ann and she", entities=(
    ...     Mention(id="m1", start=0, end=3, text="Ann", label="PERSON", kind="named"),
    ...     Mention(id="m2", start=8, end=11, text="she", label="PERSON", kind="pronoun")))
    >>> entity_items(d, kinds=frozenset({"named"}))
    ([(0, 3, 'PERSON')], ['m1'], [(8, 11)])
    """
    if labels is None and kinds is None:  # the common case, kept fast (C-level attrgetter)
        ents = doc.entities
        return list(map(_SPAN_LABEL, ents)), list(map(_ID, ents)) if ids else [], []
    items: list[Item] = []
    id_list: list[str] = []
    zones: list[tuple[int, int]] = []
    m: Mention
    for m in doc.entities:
        if labels is not None and m.label not in labels:
            continue
        # A gold mention of unknown kind is not known to be in scope: left out, as a zone.
        if kinds is not None and (m.kind not in kinds if m.kind is not None else gold):
            if gold:
                zones.append((m.start, m.end))
            continue
        items.append((m.start, m.end, m.label))
        id_list.append(m.id)
    return items, id_list if ids else [], zones


def score_entities(gold: Sequence[Document], pred: Sequence[Document], *,
                   statuses: Sequence[str] = ("gold",),
                   labels: Sequence[str] | None = None,
                   kinds: Sequence[str] | None = None,
                   overlap: Overlap = ANY_OVERLAP,
                   keep_items: bool = True) -> EntityScores:
    """Score the entity layer of predicted Documents against gold Documents.

    Parameters
    ----------
    gold, pred
        Collections with the same document ids and texts (checked first).
    statuses
        Gold layer statuses that are scored; other documents are skipped and counted.
    labels
        Score only these labels (both sides), e.g. the core ``PERSON``, ``ORGANIZATION``,
        ``LOCATION``.
    kinds
        Score only gold mentions of these kinds (e.g. ``named``); see :func:`entity_items`.
        A document whose gold layer declares ``kind`` not annotated
        (``LayerInfo.not_annotated``) is skipped, counted as ``kind not annotated``.
    overlap
        Minimum overlap of a matched pair.

    Examples
    --------
    >>> from dateline.schemas import LayerInfo, Layers
    >>> layers = Layers(entities=LayerInfo(status="gold", labels=("PERSON",)))
    >>> from dateline.schemas import Document, Mention
    >>> g = Document(id="d", text="Ann met Bo in May.", layers=layers, entities=(
    ...     Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),
    ...     Mention(id="m2", start=8, end=10, text="Bo", label="PERSON")))
    >>> p = g.model_copy(update={"entities": (
    ...     Mention(id="x", start=0, end=3, text="Ann", label="PERSON"),
    ...     Mention(id="y", start=14, end=17, text="May", label="TIME"))})
    >>> s = score_entities([g], [p])
    >>> s.mode_counts("strict")["spurious"], s.scores("strict")
    (0, {'precision': 1.0, 'recall': 0.5, 'f1': 0.6666666666666666})
    """
    with paused_gc():  # see paused_gc: no cycles are made here
        label_set = frozenset(labels) if labels is not None else None
        kind_set = frozenset(kinds) if kinds is not None else None
        settings = {"statuses": list(statuses),
                    "labels": sorted(label_set) if label_set is not None else None,
                    "kinds": sorted(kind_set) if kind_set is not None else None}
        gold, pred = list(gold), list(pred)
        args = (statuses, label_set, kind_set, overlap, settings, keep_items)
        if len(gold) == len(pred):
            # Common case: the same ids in the same order. Checked while scoring, so each
            # Document is read once (reading 40,000 of them again costs as much as the rest).
            try:
                return _score_documents(zip(gold, pred, strict=True), True, *args)
            except _Unpaired:  # not paired by position: pair_documents below names why
                pass
        return _score_documents(pair_documents(gold, pred), False, *args)


class _Unpaired(Exception):
    """Documents not paired position by position (ids or texts differ, or an id repeats)."""


def _score_documents(pairs: Iterable[tuple[Document, Document]], check: bool,
                     statuses: Sequence[str], label_set: frozenset[str] | None,
                     kind_set: frozenset[str] | None, overlap: Overlap,
                     settings: dict[str, Any], keep_items: bool) -> EntityScores:
    # check: pairs are zipped by position; raise _Unpaired unless pair_documents would pair
    # them the same way.
    g_items: list[list[Item]] = []
    p_items: list[list[Item]] = []
    kept: list[tuple[Document, Document]] = []
    scopes: list[Scope] = []
    doc_ids: list[str] = []
    all_ids: list[str] = []
    partial: list[bool] = []
    skipped: Counter[str] = Counter()
    plain = label_set is None and kind_set is None

    known: list[Any] = [None, None, None]  # the last gold layer, its skip reason, its scope

    def rows() -> Iterator[tuple[list[Item], list[Item], Scope]]:
        for gd, pd in pairs:
            doc_id = gd.id
            if check:
                if doc_id != pd.id or gd.text != pd.text:
                    raise _Unpaired
                all_ids.append(doc_id)
            info = gd.layers.entities
            # A new gold layer: documents mostly share one (the same object when read into
            # memory, equal ones when streamed; comparing equal structs is cheap).
            if info is not known[0] and info != known[0]:
                reason = skip_reason(info, statuses)
                if reason is None and kind_set is not None and "kind" in info.not_annotated:
                    reason = "kind not annotated"  # a kind filter cannot be applied to its gold
                known[:] = info, reason, None
            reason = known[1]
            if reason is not None:
                skipped[reason] += 1
                continue
            if plain:  # entity_items without filters, inlined
                gi: list[Item] = list(map(_SPAN_LABEL, gd.entities))
                pi: list[Item] = list(map(_SPAN_LABEL, pd.entities))
                zones: list[tuple[int, int]] = []
            else:
                gi, _, zones = entity_items(gd, labels=label_set, kinds=kind_set, gold=True,
                                            ids=False)
                pi, _, _ = entity_items(pd, labels=label_set, kinds=kind_set, gold=False,
                                        ids=False)
            if zones:
                scope = Scope.of(info, zones)
            else:  # the layer's own scope, made once per layer
                scope = known[2]
                if scope is None:
                    scope = known[2] = (Scope.of(info) if info.labels or info.regions is not None
                                        or info.coverage != "exhaustive" else FULL_SCOPE)
            doc_ids.append(doc_id)
            partial.append(scope.partial)
            if keep_items:
                g_items.append(gi)
                p_items.append(pi)
                kept.append((gd, pd))
                scopes.append(scope)
            yield gi, pi, scope
        if check and len(set(all_ids)) != len(all_ids):
            raise _Unpaired

    try:
        labels, values, confusion = tally(rows(), overlap)
    except DatelineError as exc:  # name the document being matched
        if exc.code != "too-many-candidates" or not doc_ids:
            raise
        raise DatelineError("too-many-candidates", exc.message,
                            where=f"document {doc_ids[-1]!r}",
                            fix=exc.fix) from None
    replay = None
    if keep_items:
        replay = (g_items, p_items, scopes, overlap, _LazyIds(kept, 0, label_set, kind_set),
                  _LazyIds(kept, 1, label_set, kind_set))
    fields, values = coverage_blocks(entity_fields(labels), values, partial)
    return EntityScores(labels, DocCounts(tuple(doc_ids), fields, values), confusion,
                        {"overlap": overlap.to_dict(), **settings}, dict(skipped), replay)


class _LazyIds(Sequence[list[str]]):
    """Mention ids per scored document, read only when :meth:`EntityScores.outcomes` asks:
    reading them up front costs a pass over every mention that plain scoring does not need."""

    def __init__(self, pairs: list[tuple[Document, Document]], side: int,
                 labels: frozenset[str] | None, kinds: frozenset[str] | None) -> None:
        self._pairs, self._side, self._labels, self._kinds = pairs, side, labels, kinds

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, d: int) -> list[str]:  # type: ignore[override]
        doc = self._pairs[d][self._side]
        return entity_items(doc, labels=self._labels, kinds=self._kinds, gold=self._side == 0)[1]

