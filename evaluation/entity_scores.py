"""Entity scores: the per-document class counts of the entity scorer, and every mode, label
and ratio read from them (the result type of :mod:`dateline.evaluation.entities`, whose
docstring is the metric card).

>>> from dateline.evaluation.entities import score_entity_spans
>>> s = score_entity_spans([[(0, 3, "PER"), (4, 9, "LOC")]], [[(0, 3, "PER"), (4, 8, "LOC")]])
>>> s.mode_counts("strict")["correct"], s.value("type.f1")
(1, 1.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from dateline.evaluation.counts import (
    DocCounts,
    coverage_blocks,
    f1_score,
    ratio,
    to_json_number,
)
from dateline.evaluation.coverage import FULL_SCOPE
from dateline.evaluation.matching import Item, match_spans
from dateline.evaluation.results import MetricFunction, Result

__all__ = ["CLASSES", "FIELDS", "MODES", "EntityScores", "ItemOutcome", "entity_fields"]

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
    return _ratios(part)[1], _ratios(main + part)[1]


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

    >>> o = ItemOutcome("d1", "pred", 0, (4, 8, "LOC"), "partial", partner=(4, 9, "LOC"))
    >>> o.to_dict()["outcome"], o.to_dict()["partner"]
    ('partial', {'start': 4, 'end': 9, 'label': 'LOC'})
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
    scored: int | None = None

    def _cube(self, rows: Sequence[int] | np.ndarray | None = None, block: int = 0
              ) -> np.ndarray:
        # block 0: documents of exhaustive coverage; 1: those of partial coverage
        n = len(self.labels) * _NC
        return self.counts.sum(rows)[block * n:(block + 1) * n].reshape(len(self.labels), _NC)

    def mode_fields(self, mode: str, rows: Sequence[int] | np.ndarray | None = None
                    ) -> np.ndarray:
        """Counter fields (:data:`FIELDS`) of ``mode`` per label, shape (labels, fields)."""
        return self._cube(rows) @ _MODE_MATRIX[check_mode(mode)]

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

        >>> from dateline.evaluation.entities import score_entity_spans
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

        >>> from dateline.evaluation.entities import score_entity_spans
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
        fields, _ = coverage_blocks(entity_fields(labels), np.zeros((0, width)), [])
        whole = EntityScores(labels, DocCounts((), fields, np.zeros((0, len(fields)))), Counter())
        return values, lambda t: whole.flat_scores(t, per_label=per_label)

    @classmethod
    def rows_of(cls, report: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Rows ``metric`` (the mode), ``group`` (micro, macro or a label), ratios, counts.

        >>> from dateline.evaluation.entities import score_entity_spans
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


def check_mode(mode: str) -> str:
    if mode not in MODES:
        from dateline.schemas.errors import DatelineError
        raise DatelineError("unknown-mode", f"unknown entity mode {mode!r}",
                            fix=f"use one of {', '.join(MODES)}", exit_code=2)
    return mode



def entity_fields(labels: Sequence[Any]) -> tuple[str, ...]:
    """The count columns of :class:`EntityScores`: ``"label|class"`` for every label and class.

    >>> entity_fields(["PER"])[:2]
    ('PER|same_both', 'PER|label_gold')
    """
    return tuple(f"{lab_}|{cls}" for lab_ in labels for cls in CLASSES)


