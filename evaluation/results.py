"""Results of the event and quote scorers: named metrics over per-document counts.

A metric is read from count fields of a :class:`~dateline.evaluation.counts.DocCounts` table:

- ``prf``: fields ``tp``, ``pred``, ``gold`` -> precision ``tp / pred``, recall ``tp / gold``;
- ``prf2``: two-sided credit, fields ``pred_tp``, ``pred``, ``gold_tp``, ``gold`` -> precision
  ``pred_tp / pred``, recall ``gold_tp / gold`` (used when a match is credited under the gold
  label on one side and the predicted label on the other);
- ``accuracy``: fields ``correct``, ``total`` -> ``correct / total``.

Field names are ``"<metric>|<field>"``. A metric that does not apply (e.g. trigger
classification when the gold triggers are untyped) is listed in ``not_applicable`` with the
reason and reported as such, never as 0.

>>> import numpy as np
>>> c = DocCounts(("d",), ("m|tp", "m|pred", "m|gold"), np.array([[1, 2, 4]]))
>>> r = LayerScores("demo", {"m": "prf"}, c)
>>> r.metric("m")
{'precision': 0.5, 'recall': 0.25, 'f1': 0.3333333333333333,
 'counts': {'tp': 1, 'pred': 2, 'gold': 4}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dateline.evaluation.counts import DocCounts, f1_score, ratio, to_json_number

__all__ = ["KIND_FIELDS", "LayerScores", "count_fields"]

KIND_FIELDS = {"prf": ("tp", "pred", "gold"), "prf2": ("pred_tp", "pred", "gold_tp", "gold"),
               "accuracy": ("correct", "total")}


def count_fields(metrics: dict[str, str]) -> tuple[str, ...]:
    """The DocCounts fields of a metric table.

    >>> count_fields({"x": "accuracy"})
    ('x|correct', 'x|total')
    """
    return tuple(f"{name}|{f}" for name, kind in metrics.items() for f in KIND_FIELDS[kind])


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
class LayerScores:
    """Named metrics (name -> kind) over per-document counts, with settings and skips."""

    layer: str
    metrics: dict[str, str]
    counts: DocCounts
    settings: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def metric(self, name: str) -> dict[str, Any]:
        """Ratios (None when undefined or not applicable) and counts of one metric."""
        total = self.counts.total()
        kind = self.metrics[name]
        v = {f: total[f"{name}|{f}"] for f in KIND_FIELDS[kind]}
        out: dict[str, Any] = {k: to_json_number(x) for k, x in _scores(kind, v).items()}
        if name in self.not_applicable:
            out = {k: None for k in out}
            out["not_applicable"] = self.not_applicable[name]
        out["counts"] = v
        return out

    def flat_scores(self, totals: np.ndarray) -> dict[str, np.ndarray]:
        """Every ratio from summed count rows (``totals``: (..., fields)); NaN where undefined.
        The function the comparison module resamples.

        >>> c = DocCounts(("d",), ("m|correct", "m|total"), np.array([[3, 4]]))
        >>> float(LayerScores("x", {"m": "accuracy"}, c).flat_scores(c.sum())["m.accuracy"])
        0.75
        """
        t = np.asarray(totals)
        index = {f: k for k, f in enumerate(self.counts.fields)}
        out = {}
        for name, kind in self.metrics.items():
            v = {f: t[..., index[f"{name}|{f}"]] for f in KIND_FIELDS[kind]}
            for k, x in _scores(kind, v).items():
                out[f"{name}.{k}"] = (np.full(np.shape(x), np.nan)
                                      if name in self.not_applicable else x)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of the layer."""
        return {"documents": {"scored": len(self.counts.doc_ids), "skipped": dict(self.skipped)},
                "settings": dict(self.settings),
                "metrics": {name: self.metric(name) for name in self.metrics},
                **self.details}
