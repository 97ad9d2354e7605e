"""The result shape every layer's scorer returns: per-document counts and one flat metric
namespace over them.

Every result (:class:`Result`) holds a :class:`~dateline.evaluation.counts.DocCounts` table, one
row per scored document, and maps *summed* count rows to named metrics with
:meth:`Result.flat_scores`. Metric names are flat and predictable (spaCy's ``ents_f`` idea):
``<metric>.<ratio>``, e.g. ``strict.f1``, ``partial.precision``,
``trigger_classification.recall``, ``quote.f1``, ``speaker_accuracy_entity.accuracy``; per-label
names put the label in the middle (``strict.PERSON.f1``) and macro averages say so
(``strict.macro.f1``). A wrong name is an error (``unknown-metric``), never a silent blank. A
metric whose gold was not annotated is *not applicable*: its value is None and
:meth:`Result.reason` says why, never 0.

The event and quote scorers return :class:`LayerScores`, whose metrics are read from count
fields:

- ``prf``: fields ``tp``, ``pred``, ``gold`` -> precision ``tp / pred``, recall ``tp / gold``;
- ``prf2``: two-sided credit, fields ``pred_tp``, ``pred``, ``gold_tp``, ``gold`` -> precision
  ``pred_tp / pred``, recall ``gold_tp / gold`` (used when a match is credited under the gold
  label on one side and the predicted label on the other);
- ``accuracy``: fields ``correct``, ``total`` -> ``correct / total``.

Field names are ``"<metric>|<field>"``.

>>> import numpy as np
>>> c = DocCounts(("d",), ("m|tp", "m|pred", "m|gold"), np.array([[1, 2, 4]]))
>>> r = LayerScores("demo", {"m": "prf"}, c)
>>> r.metric("m")
{'precision': 0.5, 'recall': 0.25, 'f1': 0.3333333333333333,
 'counts': {'tp': 1, 'pred': 2, 'gold': 4}}
>>> r.value("m.precision"), r.flat()["m.f1"]
(0.5, 0.3333333333333333)
>>> r.value("m.precison")
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [unknown-metric] ...
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from dateline.evaluation.counts import (
    PARTIAL,
    PARTIAL_DOCUMENTS,
    DocCounts,
    f1_score,
    ratio,
    to_json_number,
)
from dateline.schemas.errors import DatelineError

__all__ = ["KIND_FIELDS", "LayerScores", "MetricFunction", "Result", "count_fields"]

MetricFunction = Callable[[np.ndarray], dict[str, np.ndarray]]
"""Summed count rows ``(..., fields)`` -> flat metric name -> values ``(...)`` (NaN where
undefined)."""


class Result:
    """What every layer's scores offer (see the module doc); subclasses are frozen dataclasses
    with ``counts``, ``settings``, ``skipped`` and ``not_applicable``.

    Subclasses implement :meth:`flat_scores`, :meth:`to_dict`, :meth:`rows` and
    :meth:`aligned`; the rest is shared.

    >>> c = DocCounts(("d1", "d2"), ("m|correct", "m|total"), np.array([[1, 2], [2, 2]]))
    >>> r = LayerScores("x", {"m": "accuracy"}, c, not_applicable={"m": "not annotated"})
    >>> r.documents(), r.value("m.accuracy"), r.reason("m.accuracy")
    ({'scored': 2, 'skipped': {}}, None, 'not annotated')
    """

    layer: str
    counts: DocCounts
    settings: dict[str, Any]
    skipped: dict[str, int]
    not_applicable: dict[str, str]
    scored: int | None
    #: Ratio names a metric name may end with.
    RATIOS: ClassVar[tuple[str, ...]] = ("precision", "recall", "f1", "accuracy",
                                         "recall_partial", "recall_all")

    def documents(self) -> dict[str, Any]:
        """How many documents were scored and skipped and, for results with coverage blocks
        (every built-in scorer's), how many entered precision (exhaustive coverage) and recall
        (all scored documents)."""
        # scored: set when the counts were summed to fewer rows (evaluation.merge)
        n = len(self.counts.doc_ids) if self.scored is None else self.scored
        out: dict[str, Any] = {"scored": n, "skipped": dict(self.skipped)}
        if PARTIAL_DOCUMENTS in self.counts.fields:
            k = int(self.counts.column(PARTIAL_DOCUMENTS).sum())
            out.update(precision=n - k, recall=n)
        return out

    def flat_scores(self, totals: np.ndarray, *, per_label: bool = False
                    ) -> dict[str, np.ndarray]:
        """Every metric from summed count rows ``(..., fields)``; NaN where undefined or not
        applicable. The function the comparison module resamples."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The layer's JSON report."""
        raise NotImplementedError

    @classmethod
    def rows_of(cls, report: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Flat table rows ``metric, group, precision, recall, f1, accuracy, <counts>`` of a
        layer's JSON report (:meth:`to_dict`)."""
        raise NotImplementedError

    def rows(self) -> Iterator[dict[str, Any]]:
        """The rows of this result (:meth:`rows_of` its report)."""
        return self.rows_of(self.to_dict())

    @classmethod
    def aligned(cls, results: Sequence[Result], *, per_label: bool = False
                ) -> tuple[list[np.ndarray], MetricFunction]:
        """The count matrices of several systems' results on one layer, aligned on the same
        fields, and the metric function of the aligned fields (for paired resampling)."""
        first = results[0]
        for r in results[1:]:
            if r.counts.fields != first.counts.fields:
                raise DatelineError("compare-fields-differ", "the systems' count fields differ",
                                    fix="compare results of the same scorer and settings")
        return ([np.asarray(r.counts.values) for r in results],
                lambda t: first.flat_scores(t, per_label=per_label))

    def flat(self, *, per_label: bool = False) -> dict[str, float | None]:
        """Every metric of the whole collection by flat name (None: undefined or n/a)."""
        return {k: to_json_number(np.asarray(v, dtype=float).item()) for k, v in
                self.flat_scores(self.counts.sum(), per_label=per_label).items()}

    def metric_names(self, *, per_label: bool = False) -> tuple[str, ...]:
        """The flat metric names this result answers."""
        return tuple(self.flat(per_label=per_label))

    def value(self, name: str) -> float | None:
        """One metric by flat name; an ``unknown-metric`` error for a name it does not have."""
        values = self.flat(per_label=True)
        if name not in values:
            close = difflib.get_close_matches(name, values, n=3)
            hint = f"did you mean {', '.join(close)}?" if close else \
                f"the names are {', '.join(list(values)[:8])}, ..."
            raise DatelineError("unknown-metric", f"the {self.layer} layer has no metric "
                                f"{name!r}", fix=hint, exit_code=2)
        return values[name]

    def reason(self, name: str) -> str | None:
        """Why a metric (flat name or metric group) is not applicable, or None if it is."""
        group = name
        while group:
            if group in self.not_applicable:
                return self.not_applicable[group]
            group = group.rpartition(".")[0]
        return None

KIND_FIELDS = {"prf": ("tp", "pred", "gold"), "prf2": ("pred_tp", "pred", "gold_tp", "gold"),
               "accuracy": ("correct", "total")}


def count_fields(metrics: dict[str, str]) -> tuple[str, ...]:
    """The DocCounts fields of a metric table.

    >>> count_fields({"x": "accuracy"})
    ('x|correct', 'x|total')
    """
    return tuple(f"{name}|{f}" for name, kind in metrics.items() for f in KIND_FIELDS[kind])


def _partial_recall(kind: str, v: dict[str, Any], pv: dict[str, Any]) -> dict[str, Any]:
    # recall over the documents of partial coverage, and over all documents
    if kind == "accuracy":
        return {}
    tp = "tp" if kind == "prf" else "gold_tp"
    return {"recall_partial": ratio(pv[tp], pv["gold"]),
            "recall_all": ratio(np.asarray(v[tp]) + pv[tp],
                                np.asarray(v["gold"]) + pv["gold"])}


def _scores(kind: str, v: dict[str, Any]) -> dict[str, Any]:
    if kind == "accuracy":
        return {"accuracy": ratio(v["correct"], v["total"])}
    if kind == "prf":
        p, r = ratio(v["tp"], v["pred"]), ratio(v["tp"], v["gold"])
    else:
        p, r = ratio(v["pred_tp"], v["pred"]), ratio(v["gold_tp"], v["gold"])
    return {"precision": p, "recall": r,
            "f1": f1_score(p, r, np.asarray(v["pred"]) + np.asarray(v["gold"]) > 0)}


@dataclass(frozen=True, eq=False)
class LayerScores(Result):
    """Named metrics (name -> kind) over per-document counts, with settings and skips."""

    layer: str
    metrics: dict[str, str]
    counts: DocCounts
    settings: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    scored: int | None = None

    def metric(self, name: str) -> dict[str, Any]:
        """Ratios (None when undefined or not applicable) and counts of one metric: precision,
        recall and F1 over the documents of exhaustive coverage; ``recall_partial`` and
        ``recall_all`` over those of partial coverage and over all (the counts of documents
        of partial coverage under ``partial_coverage_counts``)."""
        total = self.counts.total()
        kind = self.metrics[name]
        v = {f: total[f"{name}|{f}"] for f in KIND_FIELDS[kind]}
        ratios = _scores(kind, v)
        pv = None
        if PARTIAL_DOCUMENTS in total:
            pv = {f: total[f"{PARTIAL}{name}|{f}"] for f in KIND_FIELDS[kind]}
            ratios.update(_partial_recall(kind, v, pv))
        out: dict[str, Any] = {k: to_json_number(x) for k, x in ratios.items()}
        if name in self.not_applicable:
            out = {k: None for k in out}
            out["not_applicable"] = self.not_applicable[name]
        out["counts"] = v
        if pv is not None and kind != "accuracy":
            out["partial_coverage_counts"] = pv
        return out

    def flat_scores(self, totals: np.ndarray, *, per_label: bool = False
                    ) -> dict[str, np.ndarray]:
        """Every ratio from summed count rows (``totals``: (..., fields)); NaN where undefined.
        The function the comparison module resamples (``per_label`` changes nothing here:
        per-kind metrics are always listed).

        >>> c = DocCounts(("d",), ("m|correct", "m|total"), np.array([[3, 4]]))
        >>> float(LayerScores("x", {"m": "accuracy"}, c).flat_scores(c.sum())["m.accuracy"])
        0.75
        """
        t = np.asarray(totals)
        index = {f: k for k, f in enumerate(self.counts.fields)}
        blocks = PARTIAL_DOCUMENTS in index
        out = {}
        for name, kind in self.metrics.items():
            v = {f: t[..., index[f"{name}|{f}"]] for f in KIND_FIELDS[kind]}
            ratios = _scores(kind, v)
            if blocks:
                ratios.update(_partial_recall(
                    kind, v, {f: t[..., index[f"{PARTIAL}{name}|{f}"]] for f in KIND_FIELDS[kind]}))
            for k, x in ratios.items():
                out[f"{name}.{k}"] = (np.full(np.shape(x), np.nan)
                                      if name in self.not_applicable else x)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of the layer."""
        return {"documents": self.documents(),
                "settings": dict(self.settings),
                "metrics": {name: self.metric(name) for name in self.metrics},
                "scores": self.flat(),
                **self.details}

    @classmethod
    def rows_of(cls, report: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """One row per metric: ``metric, group, <ratios>, <counts>``.

        >>> c = DocCounts(("d",), ("m|correct", "m|total"), np.array([[3, 4]]))
        >>> next(LayerScores("x", {"m": "accuracy"}, c).rows())
        {'metric': 'm', 'group': 'all', 'accuracy': 0.75, 'correct': 3, 'total': 4}
        """
        for name, v in report["metrics"].items():
            na = {"not_applicable": v["not_applicable"]} if "not_applicable" in v else {}
            yield {"metric": name, "group": "all",
                   **{k: v[k] for k in cls.RATIOS if k in v}, **v["counts"], **na}
