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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import Any, ClassVar

import numpy as np

from dateline.evaluation.counts import (
    DocCounts,
    coverage_blocks,
    f1_score,
    paused_gc,
    ratio,
    to_json_number,
)
from dateline.evaluation.coverage import FULL_SCOPE, Scope, skip_reason
from dateline.evaluation.inputs import pair_documents
from dateline.evaluation.matching import ANY_OVERLAP, Item, Overlap, match_spans, solve, span_edges
from dateline.evaluation.results import MetricFunction, Result
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

MODES = ("strict", "exact", "partial", "type")

# Pair classes. "both" classes count once on each side, under the same label.
CLASSES = ("same_both", "label_gold", "label_pred", "overlap_both", "overlap_label_gold",
           "overlap_label_pred", "missed", "spurious")
_E, _BG, _BP, _OL, _ODG, _ODP, _MIS, _SPU = range(8)
_NC = len(CLASSES)
FIELDS = ("correct", "incorrect", "partial", "missed",
          "pred_correct", "pred_incorrect", "pred_partial", "spurious")


def _mode_matrix() -> dict[str, np.ndarray]:
    # class -> counter fields, per mode (the table of the module docstring)
    gold_side = {"strict": ("correct", "incorrect", "incorrect", "incorrect"),
                 "exact": ("correct", "correct", "incorrect", "incorrect"),
                 "partial": ("correct", "correct", "partial", "partial"),
                 "type": ("correct", "incorrect", "correct", "incorrect")}
    out = {}
    for mode, (e, b, ol, od) in gold_side.items():
        m = np.zeros((_NC, len(FIELDS)), dtype=np.int64)
        for cls, name in ((_E, e), (_BG, b), (_OL, ol), (_ODG, od)):
            m[cls, FIELDS.index(name)] = 1
        for cls, name in ((_E, e), (_BP, b), (_OL, ol), (_ODP, od)):
            m[cls, FIELDS.index("pred_" + name)] = 1
        m[_MIS, FIELDS.index("missed")] = 1
        m[_SPU, FIELDS.index("spurious")] = 1
        out[mode] = m
    return out


_MODE_MATRIX = _mode_matrix()


def _counts_dict(v: np.ndarray) -> dict[str, int]:
    d = {f: int(x) for f, x in zip(FIELDS, v, strict=True)}
    return {"correct": d["correct"], "incorrect": d["incorrect"], "partial": d["partial"],
            "missed": d["missed"], "spurious": d["spurious"],
            "possible": d["correct"] + d["incorrect"] + d["partial"] + d["missed"],
            "actual": d["pred_correct"] + d["pred_incorrect"] + d["pred_partial"]
            + d["spurious"]}


def _ratios(v: np.ndarray) -> tuple[Any, Any, Any]:
    # v: (..., FIELDS) -> precision, recall, f1 arrays (NaN where undefined)
    cor, inc, par, mis, pcor, pinc, ppar, spu = (v[..., k] for k in range(len(FIELDS)))
    possible = cor + inc + par + mis
    actual = pcor + pinc + ppar + spu
    p = ratio(pcor + 0.5 * ppar, actual)
    r = ratio(cor + 0.5 * par, possible)
    return p, r, f1_score(p, r, (possible + actual) > 0)


def _recalls(main: np.ndarray, part: np.ndarray) -> tuple[Any, Any]:
    # Recall over the documents of partial coverage, and over all documents.
    def recall(v: np.ndarray) -> Any:
        cor, inc, par, mis = (v[..., k] for k in range(4))
        return ratio(cor + 0.5 * par, cor + inc + par + mis)
    return recall(part), recall(main + part)


def _scores_of(v: np.ndarray) -> dict[str, Any]:
    # precision, recall, F1 of one counter-fields vector, JSON-ready
    p, r, f = _ratios(v)
    return {"precision": to_json_number(p), "recall": to_json_number(r), "f1": to_json_number(f)}


def _nanmean_last(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    # Mean over the last axis (labels) of the defined values; NaN where none is.
    if a.shape[-1] == 0:
        return np.full(shape, np.nan)
    ok = ~np.isnan(a)
    n = ok.sum(axis=-1)
    s = np.where(ok, a, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / np.maximum(n, 1), np.nan)


def _macro_of(per_label: np.ndarray) -> dict[str, Any]:
    # unweighted means over the labels whose value is defined
    p, r, f = _ratios(per_label)
    out = {}
    for name, arr in (("precision", p), ("recall", r), ("f1", f)):
        arr = np.atleast_1d(arr)
        ok = arr[~np.isnan(arr)]
        out[name] = float(ok.mean()) if ok.size else None
    return out


@dataclass(frozen=True)
class ItemOutcome:
    """What happened to one gold or predicted item (for error analysis).

    ``outcome``: ``correct``, ``incorrect_label`` (same boundaries, other label), ``partial``
    (overlap, same label), ``partial_incorrect_label``, ``missed``, ``spurious`` or ``ignored``
    (an unmatched prediction outside the gold layer's coverage). ``partner``: the matched item.
    """

    doc_id: str
    side: str
    index: int
    item: Item
    outcome: str
    partner: Item | None = None
    item_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        s, e, lab = self.item
        out: dict[str, Any] = {"doc_id": self.doc_id, "side": self.side, "id": self.item_id,
                               "start": s, "end": e, "label": lab, "outcome": self.outcome}
        out["partner"] = None if self.partner is None else dict(
            zip(("start", "end", "label"), self.partner, strict=True))
        return out


def _pair_outcome(g: Item, p: Item) -> str:
    same_bounds = g[0] == p[0] and g[1] == p[1]
    if g[2] == p[2]:
        return "correct" if same_bounds else "partial"
    return "incorrect_label" if same_bounds else "partial_incorrect_label"


@dataclass(frozen=True, eq=False)
class EntityScores(Result):
    """Entity scores: per-document class counts, from which every mode and label is read.

    ``counts.values`` has one row per scored document and one column per (label, class):
    field ``"PERSON|missed"`` and so on (classes in :data:`CLASSES`). ``confusion`` counts
    boundary-matched pairs by (gold label, predicted label). Flat metric names:
    ``<mode>.<ratio>`` (micro), ``<mode>.macro.<ratio>`` and ``<mode>.<label>.<ratio>``.
    """

    layer: ClassVar[str] = "entities"
    labels: tuple[Any, ...]
    counts: DocCounts
    confusion: Counter[tuple[Any, Any]]
    settings: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    _replay: tuple[Any, ...] | None = field(default=None, repr=False)
    not_applicable: dict[str, str] = field(default_factory=dict)

    def _cube(self, rows: Sequence[int] | np.ndarray | None = None, block: int = 0
              ) -> np.ndarray:
        # block 0: documents of exhaustive coverage; 1: those of partial coverage
        n = len(self.labels) * _NC
        return self.counts.sum(rows)[block * n:(block + 1) * n].reshape(len(self.labels), _NC)

    def mode_fields(self, mode: str, rows: Sequence[int] | np.ndarray | None = None
                    ) -> np.ndarray:
        """Counter fields (:data:`FIELDS`) of ``mode`` per label, shape (labels, fields)."""
        return self._cube(rows) @ _MODE_MATRIX[_check_mode(mode)]

    def mode_counts(self, mode: str, label: Any = None) -> dict[str, int]:
        """Micro counts of ``mode`` (or of one ``label``)."""
        per_label = self.mode_fields(mode)
        v = per_label.sum(axis=0) if label is None else per_label[self.labels.index(label)]
        return _counts_dict(v)

    def scores(self, mode: str, label: Any = None) -> dict[str, Any]:
        """Precision, recall and F1 of ``mode`` (micro, or of one ``label``); None if undefined."""
        per_label = self.mode_fields(mode)
        return _scores_of(per_label.sum(axis=0) if label is None
                          else per_label[self.labels.index(label)])

    def macro(self, mode: str) -> dict[str, Any]:
        """Unweighted means over labels of precision, recall and F1 (undefined ones left out)."""
        return _macro_of(self.mode_fields(mode))

    def flat_scores(self, totals: np.ndarray, *, per_label: bool = False
                    ) -> dict[str, np.ndarray]:
        """Micro and macro P/R/F1 of every mode (and, with ``per_label``, each label's) from
        summed count rows (``totals``: (..., fields)); the function the comparison module
        resamples. NaN where undefined.

        >>> s = score_entity_spans([[(0, 2, "A"), (3, 4, "B")]], [[(0, 2, "A")]])
        >>> f = s.flat_scores(s.counts.sum(), per_label=True)
        >>> float(f["strict.f1"]), float(f["strict.macro.recall"]), float(f["strict.B.recall"])
        (0.6666666666666666, 0.5, 0.0)
        """
        t = np.asarray(totals, dtype=float)
        n = len(self.labels) * _NC
        cube = t[..., :n].reshape(*t.shape[:-1], len(self.labels), _NC)
        part = t[..., n:2 * n].reshape(*t.shape[:-1], len(self.labels), _NC).sum(axis=-2)
        out = {}
        for mode in MODES:
            per = cube @ _MODE_MATRIX[mode]  # (..., labels, fields)
            p, r, f = _ratios(per.sum(axis=-2))
            out[f"{mode}.precision"], out[f"{mode}.recall"], out[f"{mode}.f1"] = p, r, f
            out[f"{mode}.recall_partial"], out[f"{mode}.recall_all"] = _recalls(
                per.sum(axis=-2), part @ _MODE_MATRIX[mode])
            lp, lr, lf = (np.asarray(x, dtype=float) for x in _ratios(per))
            for name, arr in (("precision", lp), ("recall", lr), ("f1", lf)):
                out[f"{mode}.macro.{name}"] = _nanmean_last(arr, t.shape[:-1])
            if per_label:
                for k, lab in enumerate(self.labels):
                    for name, arr in (("precision", lp), ("recall", lr), ("f1", lf)):
                        out[f"{mode}.{lab}.{name}"] = arr[..., k]
        return out

    @classmethod
    def aligned(cls, results: Sequence[Result], *, per_label: bool = False
                ) -> tuple[list[np.ndarray], MetricFunction]:
        """Systems predict different labels: align their counts on the union of labels (zeros
        where a system has none) and return them with the metric function of those fields.

        >>> a = score_entity_spans([[(0, 1, "A")]], [[(0, 1, "A")]], keep_items=False)
        >>> b = score_entity_spans([[(0, 1, "A")]], [[(0, 1, "B")]], keep_items=False)
        >>> values, fn = EntityScores.aligned([a, b])
        >>> [v.shape for v in values], float(fn(values[1].sum(axis=0))["exact.f1"])
        ([(1, 33), (1, 33)], 1.0)
        """
        scores = [r for r in results if isinstance(r, EntityScores)]
        labels = tuple(sorted({lab for s in scores for lab in s.labels}, key=str))
        n = len(scores[0].counts.doc_ids)
        width = len(labels) * _NC
        values = []
        for s in scores:
            own = len(s.labels) * _NC
            v = np.zeros((n, 2 * width + 1), dtype=np.int64)
            for k, lab in enumerate(s.labels):
                j = labels.index(lab)
                for block in (0, 1):  # exhaustive, then partial coverage
                    v[:, block * width + j * _NC:block * width + (j + 1) * _NC] = \
                        s.counts.values[:, block * own + k * _NC:block * own + (k + 1) * _NC]
            v[:, -1] = s.counts.values[:, -1]
            values.append(v)
        fields, _ = coverage_blocks(_fields(labels), np.zeros((0, width)), [])
        whole = EntityScores(labels, DocCounts((), fields, np.zeros((0, len(fields)))), Counter())
        return values, lambda t: whole.flat_scores(t, per_label=per_label)

    @classmethod
    def rows_of(cls, report: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Rows ``metric`` (the mode), ``group`` (micro, macro or a label), ratios, counts.

        >>> s = score_entity_spans([[(0, 2, "A")]], [[(0, 2, "A")]])
        >>> next(s.rows())["f1"], [r["group"] for r in s.rows()][:3]
        (1.0, ['micro', 'macro', 'A'])
        """
        for mode in MODES:
            m = report["modes"][mode]
            for group, v in (("micro", m["micro"]), ("macro", m["macro"]),
                             *m["per_label"].items()):
                yield {"metric": mode, "group": group,
                       **{k: v[k] for k in cls.RATIOS if k in v}, **v.get("counts", {})}

    def confusion_matrix(self) -> tuple[list[Any], list[list[int]]]:
        """Labels and the matrix ``m[gold][pred]`` of boundary-matched pairs."""
        labels = sorted({g for g, _ in self.confusion} | {p for _, p in self.confusion}, key=str)
        return labels, [[self.confusion.get((g, p), 0) for p in labels] for g in labels]

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of the entity layer (shape documented in the README)."""
        modes = {}
        cube = self._cube()  # summed over documents once, not once per mode and label
        part = self._cube(block=1).sum(axis=0)
        for mode in MODES:
            per_label = cube @ _MODE_MATRIX[mode]
            micro = per_label.sum(axis=0)
            part_mode = part @ _MODE_MATRIX[mode]
            rp, ra = _recalls(micro, part_mode)
            modes[mode] = {
                "micro": {**_scores_of(micro), "recall_partial": to_json_number(rp),
                          "recall_all": to_json_number(ra),
                          "counts": _counts_dict(micro),
                          "partial_coverage_counts": _counts_dict(part_mode)},
                "macro": _macro_of(per_label),
                "per_label": {
                    str(lab): {**_scores_of(per_label[k]), "counts": {
                        **_counts_dict(per_label[k]),
                        **{f: int(per_label[k][FIELDS.index(f)])
                           for f in ("pred_correct", "pred_incorrect", "pred_partial")}}}
                    for k, lab in enumerate(self.labels)},
            }
        labels, matrix = self.confusion_matrix()
        return {"documents": self.documents(),
                "settings": dict(self.settings), "modes": modes,
                "confusion": {"labels": [str(x) for x in labels], "matrix": matrix},
                "scores": self.flat()}

    def outcomes(self) -> Iterator[ItemOutcome]:
        """Every scored item with its outcome, document by document (recomputed on demand)."""
        if self._replay is None:
            return
        gold_docs, pred_docs, scopes, overlap, gold_ids, pred_ids = self._replay
        for d, doc_id in enumerate(self.counts.doc_ids):
            g, p = gold_docs[d], pred_docs[d]
            scope = scopes[d] if scopes is not None else FULL_SCOPE
            m = match_spans(g, p, overlap)
            for i, j in enumerate(m.gold_to_pred):
                gid = gold_ids[d][i] if gold_ids else None
                if j < 0:
                    yield ItemOutcome(doc_id, "gold", i, g[i], "missed", None, gid)
                else:
                    yield ItemOutcome(doc_id, "gold", i, g[i], _pair_outcome(g[i], p[j]), p[j],
                                      gid)
            for j, i in enumerate(m.pred_to_gold):
                pid = pred_ids[d][j] if pred_ids else None
                if i >= 0:
                    yield ItemOutcome(doc_id, "pred", j, p[j], _pair_outcome(g[i], p[j]), g[i],
                                      pid)
                else:
                    out = "spurious" if scope.counts_spurious(*p[j]) else "ignored"
                    yield ItemOutcome(doc_id, "pred", j, p[j], out, None, pid)


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        from dateline.schemas.errors import DatelineError
        raise DatelineError("unknown-mode", f"unknown entity mode {mode!r}",
                            fix=f"use one of {', '.join(MODES)}", exit_code=2)
    return mode


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
        labels, values, confusion = _tally(
            zip(gold, pred, scopes if scopes is not None else repeat(FULL_SCOPE), strict=False),
            overlap)
        sett = {"overlap": overlap.to_dict(), **(settings or {})}
        replay = None
        if keep_items:
            replay = (gold, pred, scopes, overlap,
                      item_ids[0] if item_ids else None, item_ids[1] if item_ids else None)
        partial = [s.partial for s in scopes[:n]] if scopes is not None else [False] * n
        fields, values = coverage_blocks(_fields(labels), values, partial)
        return EntityScores(labels, DocCounts(ids, fields, values), confusion,
                            sett, dict(skipped or {}), replay)


def _fields(labels: Sequence[Any]) -> tuple[str, ...]:
    """The count columns of :class:`EntityScores`: ``"label|class"`` for every label and class."""
    return tuple(f"{lab_}|{cls}" for lab_ in labels for cls in CLASSES)


def _tally(rows: Iterable[tuple[Sequence[Item], Sequence[Item], Scope]], overlap: Overlap
           ) -> tuple[tuple[Any, ...], np.ndarray, Counter[tuple[Any, Any]]]:
    """Labels (sorted by ``str``), per-document class counts (documents x labels*classes) and
    the confusion counter of the documents ``rows`` yields as ``(gold, pred, scope)``.

    Single pass, so a caller may generate rows lazily (``score_entities`` reads each Document
    once). Per-document work is kept to a few set operations: most items are identical pairs,
    and most leftovers are one gold and one predicted item, or isolated pairs.
    """
    any_overlap = overlap.threshold == 0.0
    admits = overlap.admits
    # Events other than identical pairs: a label and its position (document * _NC + class),
    # coded with numpy at the end; identical pairs are gathered in bulk the same way.
    ev_lab: list[Any] = []
    ev_pos: list[int] = []
    lab_app = ev_lab.append
    pos_app = ev_pos.append
    same_items: list[Item] = []
    same_lens: list[int] = []
    same_extend = same_items.extend
    len_app = same_lens.append
    confusion: Counter[tuple[Any, Any]] = Counter()
    d = -1
    for g, p, scope in rows:
        d += 1
        base = d * _NC
        if not p:
            len_app(0)
            for it in g:
                lab_app(it[2])
                pos_app(base + _MIS)
            continue
        full = scope is FULL_SCOPE
        if not g:
            len_app(0)
            for it in p:
                if full or scope.counts_spurious(*it):
                    lab_app(it[2])
                    pos_app(base + _SPU)
            continue
        if g == p:  # identical lists (repeats pair with each other): all identical pairs
            same_extend(g)
            len_app(len(g))
            continue
        gset = set(g)
        pset = set(p)
        if len(gset) == len(g) and len(pset) == len(p):
            common = gset & pset
            same_extend(common)
            len_app(len(common))
            nc = len(common)
            if nc == len(g):  # every gold item paired: the other predictions are unmatched
                for it in pset - common:
                    if full or scope.counts_spurious(*it):
                        lab_app(it[2])
                        pos_app(base + _SPU)
                continue
            if nc == len(p):  # every prediction paired: the other gold items are missed
                for it in gset - common:
                    lab_app(it[2])
                    pos_app(base + _MIS)
                continue
            # Leftovers in content order: the result cannot depend on input order.
            lg: Sequence[Item] = sorted(gset - common)
            lp: Sequence[Item] = sorted(pset - common)
            pairs = _isolated_pairs(lg, lp, any_overlap, admits)
            if pairs is None:  # some item has two candidates: the optimal matching decides
                rg, rp = range(len(lg)), range(len(lp))
                pairs = solve(lg, lp, rg, rp, span_edges(lg, lp, rg, rp, overlap))
        else:  # duplicate items: the general path
            len_app(0)
            lg, lp = g, p
            pairs = match_spans(g, p, overlap).pairs()
        matched_g = [False] * len(lg)
        matched_p = [False] * len(lp)
        for i, j in pairs:
            gi, pj = lg[i], lp[j]
            matched_g[i] = matched_p[j] = True
            same_bounds = gi[0] == pj[0] and gi[1] == pj[1]
            if gi[2] == pj[2]:
                lab_app(gi[2])
                pos_app(base + (_E if same_bounds else _OL))
            elif same_bounds:
                lab_app(gi[2])
                pos_app(base + _BG)
                lab_app(pj[2])
                pos_app(base + _BP)
                confusion[(gi[2], pj[2])] += 1
            else:
                lab_app(gi[2])
                pos_app(base + _ODG)
                lab_app(pj[2])
                pos_app(base + _ODP)
        for i, it in enumerate(lg):
            if not matched_g[i]:
                lab_app(it[2])
                pos_app(base + _MIS)
        for j, it in enumerate(lp):
            if not matched_p[j] and (full or scope.counts_spurious(*it)):
                lab_app(it[2])
                pos_app(base + _SPU)

    n = d + 1
    same_labels = list(map(itemgetter(2), same_items))
    labels = tuple(sorted(dict.fromkeys(chain(ev_lab, same_labels)), key=str))
    lab = {x: k for k, x in enumerate(labels)}
    n_lab = len(labels)
    # code = (document * _NC + class) * labels + label
    codes = np.concatenate([
        np.asarray(ev_pos, dtype=np.int64) * n_lab
        + np.fromiter(map(lab.__getitem__, ev_lab), dtype=np.int64, count=len(ev_lab)),
        np.repeat(np.arange(n, dtype=np.int64) * (_NC * n_lab) + _E * n_lab,
                  np.asarray(same_lens, dtype=np.int64))
        + np.fromiter(map(lab.__getitem__, same_labels), dtype=np.int64,
                      count=len(same_labels))])
    cube = np.bincount(codes, minlength=n * _NC * n_lab).reshape(n, _NC, n_lab)
    values = np.ascontiguousarray(cube.transpose(0, 2, 1)).reshape(n, n_lab * _NC)
    # Diagonal of the confusion matrix: identical pairs, counted from the class table.
    diag = cube[:, _E, :].sum(axis=0)
    for k, lab_ in enumerate(labels):
        if diag[k]:
            confusion[(lab_, lab_)] += int(diag[k])
    return labels, values.astype(np.int64, copy=False), confusion


def _isolated_pairs(lg: Sequence[Item], lp: Sequence[Item], any_overlap: bool,
                    admits: Callable[[int, int, int, int], bool]
                    ) -> list[tuple[int, int]] | None:
    """The admissible pairs of small leftovers when no item has two of them (then each is its
    own component and ``solve`` would take it as is), else None (also for large leftovers,
    which the sweep of ``span_edges`` handles)."""
    if len(lg) * len(lp) > 16:
        return None
    pairs: list[tuple[int, int]] = []
    for i, (gs, ge, _) in enumerate(lg):
        for j, (ps, pe, _) in enumerate(lp):
            # shared length > 0, as Overlap.admits tests first (empty spans share nothing)
            if ((ge if ge < pe else pe) > (gs if gs > ps else ps)
                    and (any_overlap or admits(gs, ge, ps, pe))):
                pairs.append((i, j))
    if len(pairs) > 1 and (len({i for i, _ in pairs}) < len(pairs)
                           or len({j for _, j in pairs}) < len(pairs)):
        return None
    return pairs


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

    def rows() -> Iterator[tuple[list[Item], list[Item], Scope]]:
        for gd, pd in pairs:
            doc_id = gd.id
            if check:
                if doc_id != pd.id or gd.text != pd.text:
                    raise _Unpaired
                all_ids.append(doc_id)
            info = gd.layers.entities
            reason = skip_reason(info, statuses)
            if reason is None and kind_set is not None and "kind" in info.not_annotated:
                reason = "kind not annotated"  # a kind filter cannot be applied to its gold
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
            scope = (Scope.of(info, zones) if zones or info.labels or info.regions is not None
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

    labels, values, confusion = _tally(rows(), overlap)
    replay = None
    if keep_items:
        replay = (g_items, p_items, scopes, overlap, _LazyIds(kept, 0, label_set, kind_set),
                  _LazyIds(kept, 1, label_set, kind_set))
    fields, values = coverage_blocks(_fields(labels), values, partial)
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

