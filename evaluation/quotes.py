"""Quote scoring: content, cue and speaker, at mention and at entity (coreference) level.

Metric card
-----------
*Tokens (the overlap rule).* A token is a maximal run of word characters (``\\w+``) or a
single character that is neither a word character nor white space (``[^\\w\\s]``), over
``Document.text``. A token belongs to a span when it shares at least one character with it; a
quote's token set is the union over its content spans (quotes can be discontinuous).

*What is matched.* Quotes of each document, gold against predicted, one to one with the engine
of :mod:`dateline.evaluation.matching`: identical quotes (same content spans, same kind) first,
then a maximum-weight matching over pairs sharing at least one token (or the ``overlap``
threshold, measured in tokens), preferring identical content, then the same kind, then the
larger token IoU. Quotes with identical content and kind (say, two predictions of one quote
with different speakers) are interchangeable for that matching: they are shared out among the
pairs their content got so that cue and speaker agree best (the pair credits of the cue and
speaker metrics below), then by their other fields (cue, speaker, speaker cluster), never by
the order of the lists.

*Metrics* (precision / recall / F1 with counts ``tp``, ``pred``, ``gold``, unless said):

- ``quote``: matched quotes (detection under the overlap rule);
- ``content_exact``: matched pairs with identical content spans;
- ``content_tokens``: token overlap, as in the quote-attribution literature (citron,
  PARC-style partial scores) but one to one: ``tp`` is the number of shared tokens summed over
  matched pairs, ``pred`` and ``gold`` the tokens of all predicted and gold quotes;
- ``cue_exact`` / ``cue_overlap``: a matched pair whose cues are identical / share a character
  (``pred``, ``gold``: quotes that have a cue);
- ``speaker_mention``: a matched pair whose predicted speaker span shares a character with the
  gold speaker span (the mention's span, or ``speaker_span``);
- ``speaker_entity``: the predicted speaker shares a character with ANY gold mention of the gold
  speaker's coreference cluster (``Mention.entity``; an unclustered speaker is its own
  cluster): did the system find *who* spoke, not only a string;
- ``speaker_accuracy_mention`` / ``speaker_accuracy_entity`` (``accuracy``: ``correct`` /
  ``total``): among matched quotes, the share whose speaker is right; a pair where neither side
  names a speaker counts as right (GenderGapTracker's convention);
- per kind (``direct``, ``indirect``, ``mixed``): ``<kind>.quote`` and ``<kind>.content_exact``
  credit a gold quote under its kind (recall) and a prediction under its kind (precision);
  ``<kind>.speaker_accuracy_entity`` is by gold kind.

*Coverage.* An unmatched prediction whose kind the gold layer does not cover, or whose content
lies outside the layer's regions, is ignored. A document whose gold layer declares ``cue`` or
``speaker`` not annotated (``LayerInfo.not_annotated``) is left out of the cue or speaker
metrics; when no scored document annotates them, those metrics are not applicable.

*The corpus's content convention* (``corpus/GUIDELINES.md`` §3): a content span begins and
ends with a word, with no quotation mark or punctuation at either end (``"We won," she said``
has the content ``We won``); a quote interrupted by *she said* has two content spans; a
complementiser introducing reported speech (*that*) belongs to the content. A system that keeps
the marks or the final comma finds the quotes (``quote``, ``content_tokens``) but scores 0 on
``content_exact`` for them: strip them before scoring.

*Limits.* Quote boundaries differ by convention (with or without quotation marks): prefer
``content_tokens`` and ``quote`` to ``content_exact`` across sources. Speakers are compared by
character overlap, so a predicted speaker "Ruiz" matches a gold "Mayor Ana Ruiz".

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention, Quote, Span
>>> text = 'Ann said "we won" and she left.'
>>> def sp(s, e): return Span(start=s, end=e, text=text[s:e])
>>> ents = (Mention(id="m1", start=0, end=3, text="Ann", label="PERSON", entity="e1"),
...         Mention(id="m2", start=22, end=25, text="she", label="PERSON", entity="e1"))
>>> g = Document(id="d", text=text, entities=ents, layers=Layers(quotes=LayerInfo(status="gold")),
...              quotes=(Quote(id="q", content=(sp(9, 17),), cue=sp(4, 8), speaker="m1",
...                            kind="direct"),))
>>> p = g.model_copy(update={"quotes": (Quote(id="x", content=(sp(10, 16),), cue=sp(4, 8),
...                                           speaker_span=sp(22, 25), kind="direct"),)})
>>> s = score_quotes([g], [p])
>>> s.metric("content_tokens")["counts"], s.metric("content_exact")["f1"]
({'tp': 2, 'pred': 2, 'gold': 4}, 0.0)
>>> s.metric("speaker_mention")["f1"], s.metric("speaker_entity")["f1"]
(0.0, 1.0)
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dateline.evaluation.counts import DocCounts, coverage_blocks, paused_gc
from dateline.evaluation.coverage import Scope, skip_reason
from dateline.evaluation.inputs import pair_documents
from dateline.evaluation.matching import ANY_OVERLAP, Edge, Overlap, match_items
from dateline.evaluation.results import LayerScores, count_fields
from dateline.schemas.errors import DatelineError
from dateline.schemas.labels import inventory

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document, Quote, Span

__all__ = ["QUOTE_METRICS", "TOKEN_PATTERN", "score_quotes", "token_spans"]

TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")
KINDS = inventory().quote_kinds


def _metrics() -> dict[str, str]:
    out = {"quote": "prf", "content_exact": "prf", "content_tokens": "prf", "cue_exact": "prf",
           "cue_overlap": "prf", "speaker_mention": "prf", "speaker_entity": "prf",
           "speaker_accuracy_mention": "accuracy", "speaker_accuracy_entity": "accuracy"}
    for kind in KINDS:
        out[f"{kind}.quote"] = "prf2"
        out[f"{kind}.content_exact"] = "prf2"
        out[f"{kind}.speaker_accuracy_entity"] = "accuracy"
    return out


QUOTE_METRICS = _metrics()
_CUE_METRICS = frozenset(m for m in QUOTE_METRICS if m.startswith("cue_"))
_SPEAKER_METRICS = frozenset(m for m in QUOTE_METRICS if "speaker" in m)
_FIELDS = count_fields(QUOTE_METRICS)
_IDX = {f: k for k, f in enumerate(_FIELDS)}


def token_spans(text: str) -> list[tuple[int, int]]:
    """The tokens of a text under the overlap rule (see module doc).

    >>> token_spans('He said: "no."')
    [(0, 2), (3, 7), (7, 8), (9, 10), (10, 12), (12, 13), (13, 14)]
    """
    return [m.span() for m in TOKEN_PATTERN.finditer(text)]


@dataclass(frozen=True)
class _Q:
    spans: tuple[tuple[int, int], ...]
    kind: str
    tokens: frozenset[int]
    cue: tuple[int, int] | None
    speaker: tuple[int, int] | None
    cluster: tuple[tuple[int, int], ...]


def _shares(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _span(s: Span | None) -> tuple[int, int] | None:
    return None if s is None else (s.start, s.end)


class _Doc:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        toks = token_spans(doc.text)
        self.starts = [s for s, _ in toks]
        self.ends = [e for _, e in toks]
        self.mentions = {m.id: m for m in doc.entities}
        self.clusters: dict[str, list[tuple[int, int]]] = {}
        for m in doc.entities:
            if m.entity is not None:
                self.clusters.setdefault(m.entity, []).append((m.start, m.end))

    def tokens(self, spans: Sequence[tuple[int, int]]) -> frozenset[int]:
        out: set[int] = set()
        for s, e in spans:
            out.update(range(bisect.bisect_right(self.ends, s), bisect.bisect_left(self.starts, e)))
        return frozenset(out)

    def quote(self, q: Quote) -> _Q:
        spans = tuple(sorted((s.start, s.end) for s in q.content))
        speaker = _span(q.speaker_span)
        cluster: tuple[tuple[int, int], ...] = ()
        if q.speaker is not None:
            m = self.mentions.get(q.speaker)
            if m is None:
                raise DatelineError(
                    "unresolved-mention",
                    f"quote {q.id!r} names speaker mention {q.speaker!r}, which the document "
                    "does not have", where=f"document {self.doc.id!r}, quote {q.id!r}",
                    fix="run `dateline validate` on the file; add the mention or give a "
                        "speaker_span")
            speaker = (m.start, m.end)
            if m.entity is not None:
                cluster = tuple(self.clusters[m.entity])
        if speaker is not None and not cluster:
            cluster = (speaker,)
        return _Q(spans, q.kind, self.tokens(spans), _span(q.cue), speaker, cluster)


def _edge(overlap: Overlap) -> Any:
    def edge(g: _Q, p: _Q) -> Edge | None:
        shared = len(g.tokens & p.tokens)
        if shared == 0:
            return None
        union = len(g.tokens | p.tokens)
        if overlap.threshold > 0:
            den = {"gold": len(g.tokens), "pred": len(p.tokens), "union": union}[
                overlap.relative_to]
            if shared < overlap.threshold * den - 1e-9:
                return None
        return (g.spans == p.spans, g.kind == p.kind, shared / union)
    return edge


def _content_key(q: _Q) -> tuple[Any, ...]:
    # Everything scored after matching, so that quotes with equal keys are interchangeable.
    return (q.spans, q.kind, _opt(q.cue), _opt(q.speaker), tuple(sorted(q.cluster)))


def _opt(span: tuple[int, int] | None) -> tuple[bool, tuple[int, int]]:
    return (span is None, span or (0, 0))


def _agreement(g: _Q, p: _Q) -> float:
    # The credits the pair earns in the cue and speaker metrics.
    mention_ok = _shares(g.speaker, p.speaker)
    entity_ok = any(_shares(c, p.speaker) for c in g.cluster)
    unattributed = g.speaker is None and p.speaker is None
    return float((g.cue is not None and g.cue == p.cue) + _shares(g.cue, p.cue) + mention_ok
                 + entity_ok + (mention_ok or unattributed) + (entity_ok or unattributed))


def score_quotes(gold: Sequence[Document], pred: Sequence[Document], *,
                 statuses: Sequence[str] = ("gold",),
                 overlap: Overlap = ANY_OVERLAP) -> LayerScores:
    """Score the quote layer of predicted Documents against gold Documents (see module doc).

    Parameters
    ----------
    gold, pred
        Collections with the same document ids and texts (checked first).
    statuses
        Gold layer statuses that are scored; other documents are skipped and counted.
    overlap
        How many tokens a gold and a predicted quote must share to be matched (default: one).

    Returns
    -------
    LayerScores
        Metrics named in :data:`QUOTE_METRICS`, per-document counts, settings.

    >>> from dateline.schemas import Document, LayerInfo, Layers
    >>> d = Document(id="d", text="x", layers=Layers(quotes=LayerInfo(status="gold")))
    >>> score_quotes([d], [d]).metric("quote")["counts"]
    {'tp': 0, 'pred': 0, 'gold': 0}
    >>> score_quotes([d], [d.model_copy(update={"text": "y"})])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [document-text-differs] document 'd', offset 0: ...
    """
    with paused_gc():  # see paused_gc: no cycles are made here
        edge = _edge(overlap)
        rows: list[list[int]] = []
        doc_ids: list[str] = []
        skipped: Counter[str] = Counter()
        lacking: Counter[str] = Counter()
        partial: list[bool] = []
        for gd, pd in pair_documents(gold, pred):
            reason = skip_reason(gd.layers.quotes, statuses)
            if reason is not None:
                skipped[reason] += 1
                continue
            with_cue = "cue" not in gd.layers.quotes.not_annotated
            with_speaker = "speaker" not in gd.layers.quotes.not_annotated
            lacking["cue"] += not with_cue
            lacking["speaker"] += not with_speaker
            scope = Scope.of(gd.layers.quotes)
            gdoc, pdoc = _Doc(gd), _Doc(pd)
            gq = [gdoc.quote(q) for q in gd.quotes]
            pq_all = [pdoc.quote(q) for q in pd.quotes]
            m = match_items(gq, pq_all, key=lambda q: (q.spans, q.kind), edge=edge,
                            sort_key=_content_key, tie=_agreement)
            pq = [q for q, i in zip(pq_all, m.pred_to_gold, strict=True)
                  if i >= 0 or (q.spans and scope.counts_spurious(
                      q.spans[0][0], max(e for _, e in q.spans), q.kind))]
            pairs = [(gq[i], pq_all[j]) for i, j in m.pairs()]
            row = [0] * len(_FIELDS)

            # Metrics of parts the gold does not annotate get no counts from this document.
            skip = (set() if with_cue else _CUE_METRICS) | (
                set() if with_speaker else _SPEAKER_METRICS)

            def add(name: str, row: list[int] = row, skip: set[str] = skip,
                    **counts: int) -> None:
                if name in skip:
                    return
                for f, v in counts.items():
                    row[_IDX[f"{name}|{f}"]] += v

            n_p, n_g = len(pq), len(gq)
            add("quote", tp=len(pairs), pred=n_p, gold=n_g)
            add("content_exact", tp=sum(g.spans == p.spans for g, p in pairs), pred=n_p, gold=n_g)
            add("content_tokens", tp=sum(len(g.tokens & p.tokens) for g, p in pairs),
                pred=sum(len(q.tokens) for q in pq), gold=sum(len(q.tokens) for q in gq))
            cues_p = sum(q.cue is not None for q in pq)
            cues_g = sum(q.cue is not None for q in gq)
            add("cue_exact", tp=sum(g.cue is not None and g.cue == p.cue for g, p in pairs),
                pred=cues_p, gold=cues_g)
            add("cue_overlap", tp=sum(_shares(g.cue, p.cue) for g, p in pairs),
                pred=cues_p, gold=cues_g)
            spk_p = sum(q.speaker is not None for q in pq)
            spk_g = sum(q.speaker is not None for q in gq)
            mention_ok = [_shares(g.speaker, p.speaker) for g, p in pairs]
            entity_ok = [any(_shares(c, p.speaker) for c in g.cluster) for g, p in pairs]
            add("speaker_mention", tp=sum(mention_ok), pred=spk_p, gold=spk_g)
            add("speaker_entity", tp=sum(entity_ok), pred=spk_p, gold=spk_g)
            both_none = [g.speaker is None and p.speaker is None for g, p in pairs]
            add("speaker_accuracy_mention", correct=sum(a or b for a, b in zip(
                mention_ok, both_none, strict=True)), total=len(pairs))
            ent_right = [a or b for a, b in zip(entity_ok, both_none, strict=True)]
            add("speaker_accuracy_entity", correct=sum(ent_right), total=len(pairs))
            for kind in KINDS:
                kp = pairs
                add(f"{kind}.quote", gold_tp=sum(g.kind == kind for g, _ in kp),
                    gold=sum(q.kind == kind for q in gq),
                    pred_tp=sum(p.kind == kind for _, p in kp),
                    pred=sum(q.kind == kind for q in pq))
                add(f"{kind}.content_exact",
                    gold_tp=sum(g.kind == kind and g.spans == p.spans for g, p in kp),
                    gold=sum(q.kind == kind for q in gq),
                    pred_tp=sum(p.kind == kind and g.spans == p.spans for g, p in kp),
                    pred=sum(q.kind == kind for q in pq))
                add(f"{kind}.speaker_accuracy_entity",
                    correct=sum(ok for (g, _), ok in zip(pairs, ent_right, strict=True)
                                if g.kind == kind),
                    total=sum(g.kind == kind for g, _ in pairs))
            rows.append(row)
            doc_ids.append(gd.id)
            partial.append(scope.partial)
        fields, values = coverage_blocks(_FIELDS, np.asarray(rows, dtype=np.int64), partial)
        not_applicable = {}
        for part, names in (("cue", _CUE_METRICS), ("speaker", _SPEAKER_METRICS)):
            if rows and lacking[part] == len(rows):
                not_applicable.update(dict.fromkeys(
                    names, f"the gold layer does not annotate the {part}"))
        settings = {"statuses": list(statuses),
                    "overlap": {**overlap.to_dict(), "unit": "token"},
                    "token_pattern": TOKEN_PATTERN.pattern,
                    "speaker_match": "character overlap",
                    "cue_match": "exact and character overlap"}
        return LayerScores("quotes", dict(QUOTE_METRICS),
                           DocCounts(tuple(doc_ids), fields, values), settings, dict(skipped),
                           not_applicable)
