"""Agreement between annotators of the same documents, per layer and label.

Three measures, each on documents that two or more annotators annotated:

- **pairwise F1** on the scoring engine (:func:`~dateline.evaluation.score_entity_spans`,
  strict mode: same boundaries and label; symmetric, so which annotator plays gold does not
  matter), micro and per label, with a percentile bootstrap interval over documents;
- **Cohen's kappa** (scikit-learn) per pair, on token labels;
- **Krippendorff's alpha** (the ``krippendorff`` package), level of measurement
  **nominal**, over all annotators at once, on token labels; an annotator who did not
  annotate a document counts as missing there, not as disagreeing.

Units: items are spans — entity mentions by label, event triggers by type (``untyped`` when
null), event arguments by role (the argument's span, not attached to its trigger), quote
content spans by kind. Token labels: tokens are ``\\w+|[^\\w\\s]`` runs; a token takes the
label of the longest span of the layer covering it, else ``O``; per label, tokens are coded
label / not label. Documents with a single annotator are counted and listed, never
silently dropped.

>>> from dateline.schemas import Document, Mention
>>> def doc(label):
...     return Document(id="d", text="Ann met Bo.", entities=(
...         Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),
...         Mention(id="m2", start=8, end=10, text="Bo", label=label)))
>>> r = agreement({"d": {"a": doc("PERSON"), "b": doc("LOCATION")}}, layers=("entities",))
>>> pair = r["pairs"]["a | b"]["entities"]
>>> pair["f1"], pair["per_label"]["PERSON"]["f1"], r["documents"]["annotated_by_2_or_more"]
(0.5, 0.6666666666666666, 1)
>>> r["alpha"]["entities"]["level_of_measurement"]
'nominal'
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from dateline.evaluation.entities import score_entity_spans
from dateline.schemas import Document

__all__ = ["LAYER_UNITS", "agreement", "layer_spans", "token_labels"]

LAYER_UNITS = ("entities", "events", "arguments", "quotes")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def layer_spans(doc: Document, layer: str) -> list[tuple[int, int, str]]:
    """The ``(start, end, label)`` items of one agreement unit of a Document.

    >>> from dateline.schemas import Event, Span
    >>> d = Document(id="d", text="Rebels attacked.", events=(Event(
    ...     id="v1", trigger=Span(start=7, end=15, text="attacked"), type=None),))
    >>> layer_spans(d, "events")
    [(7, 15, 'untyped')]
    """
    if layer == "entities":
        return [(m.start, m.end, m.label) for m in doc.entities]
    if layer == "events":
        return [(e.trigger.start, e.trigger.end, e.type or "untyped") for e in doc.events]
    if layer == "arguments":
        out = []
        for e in doc.events:
            for a in e.arguments:
                target = a.span or (doc.mention(a.mention) if a.mention else None)
                if target is not None:
                    out.append((target.start, target.end, a.role))
        return out
    if layer == "quotes":
        return [(s.start, s.end, q.kind) for q in doc.quotes for s in q.content]
    raise ValueError(f"unknown agreement unit {layer!r}; use one of {', '.join(LAYER_UNITS)}")


def token_labels(doc: Document, layer: str) -> list[str]:
    """One label per token (``O`` outside every span; the longest covering span wins).

    >>> from dateline.schemas import Mention
    >>> d = Document(id="d", text="Mayor Ana Ruiz spoke", entities=(
    ...     Mention(id="m1", start=0, end=14, text="Mayor Ana Ruiz", label="PERSON"),))
    >>> token_labels(d, "entities")
    ['PERSON', 'PERSON', 'PERSON', 'O']
    """
    spans = sorted(layer_spans(doc, layer), key=lambda s: s[0] - s[1])  # longest first
    out = []
    for tok in _TOKEN.finditer(doc.text):
        label = next((lab for s, e, lab in spans if s <= tok.start() and tok.end() <= e), "O")
        out.append(label)
    return out


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if not a or (len(set(a)) == 1 and set(a) == set(b)):
        return None  # no variation: kappa is undefined (0/0), not 1
    with np.errstate(divide="ignore", invalid="ignore"):
        return _num(cohen_kappa_score(a, b))


def _alpha(rows: list[list[str | None]]) -> float | None:
    import krippendorff

    values = sorted({v for row in rows for v in row if v is not None})
    if len(values) < 2:
        return None  # one value only: alpha is undefined
    code = {v: i for i, v in enumerate(values)}
    data = np.array([[np.nan if v is None else code[v] for v in row] for row in rows],
                    dtype=float)
    return _num(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _bootstrap_f1(scores: Any, n: int, seed: int) -> list[float | None]:
    docs = len(scores.counts.doc_ids)
    if docs == 0:
        return [None, None]
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, docs, size=(n, docs))
    totals = np.stack([scores.counts.sum(r) for r in rows])
    f1 = scores.flat_scores(totals)["strict.f1"]
    f1 = f1[~np.isnan(f1)]
    if not f1.size:
        return [None, None]
    lo, hi = np.percentile(f1, [2.5, 97.5])
    return [float(lo), float(hi)]


def agreement(annotations: Mapping[str, Mapping[str, Document]], *,
              layers: Sequence[str] = LAYER_UNITS, expected: Iterable[str] = (),
              bootstrap: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Agreement report over ``annotations`` (doc id -> annotator -> Document).

    ``expected``: document ids that should have been annotated; those with no annotation are
    counted as ``annotated_by_none``. Texts of one document must be equal across annotators.
    """
    from dateline.schemas import DatelineError

    multi = {d: a for d, a in sorted(annotations.items()) if len(a) >= 2}
    single = sorted(d for d, a in annotations.items() if len(a) == 1)
    none = sorted(set(expected) - set(annotations))
    for doc_id, by in multi.items():
        texts = {doc.text for doc in by.values()}
        if len(texts) > 1:
            raise DatelineError("agreement-text-differs", f"annotators of {doc_id!r} saw "
                                "different texts", where=doc_id,
                                fix="pull the annotations again from one project")
    names = sorted({a for by in multi.values() for a in by})
    report: dict[str, Any] = {
        "documents": {"annotated_by_2_or_more": len(multi), "annotated_by_1": len(single),
                      "annotated_by_none": len(none), "single": single, "none": none},
        "annotators": names,
        "settings": {"f1": "strict span match (boundaries and label), engine: "
                     "dateline.evaluation.score_entity_spans", "interval": "95% percentile "
                     f"bootstrap over documents, {bootstrap} resamples, seed {seed}",
                     "tokens": _TOKEN.pattern, "alpha": "Krippendorff, nominal"},
        "pairs": {}, "alpha": {},
    }
    for a, b in itertools.combinations(names, 2):
        shared = [d for d, by in multi.items() if a in by and b in by]
        if not shared:
            continue
        pair: dict[str, Any] = {"documents": len(shared)}
        for layer in layers:
            s = score_entity_spans([layer_spans(multi[d][a], layer) for d in shared],
                                   [layer_spans(multi[d][b], layer) for d in shared],
                                   doc_ids=shared, keep_items=False)
            ta = [t for d in shared for t in token_labels(multi[d][a], layer)]
            tb = [t for d in shared for t in token_labels(multi[d][b], layer)]
            per_label = {}
            for lab in s.labels:
                counts = s.mode_counts("strict", lab)
                per_label[str(lab)] = {
                    "f1": s.scores("strict", lab)["f1"],
                    # items annotated by a and by b
                    "items": [counts["correct"] + counts["incorrect"] + counts["partial"]
                              + counts["missed"], counts["correct"] + counts["incorrect"]
                              + counts["partial"] + counts["spurious"]],
                    "kappa": _kappa([str(t == lab) for t in ta], [str(t == lab) for t in tb]),
                }
            pair[layer] = {"f1": s.scores("strict")["f1"],
                           "f1_interval": _bootstrap_f1(s, bootstrap, seed),
                           "kappa": _kappa(ta, tb), "tokens": len(ta), "per_label": per_label}
        report["pairs"][f"{a} | {b}"] = pair
    for layer in layers:
        rows: list[list[str | None]] = [[] for _ in names]
        for by in multi.values():
            n_tokens = len(_TOKEN.findall(next(iter(by.values())).text))
            for i, name in enumerate(names):
                labels = token_labels(by[name], layer) if name in by else [None] * n_tokens
                rows[i].extend(labels)
        seen = sorted({v for row in rows for v in row if v not in (None, "O")})
        report["alpha"][layer] = {
            "level_of_measurement": "nominal",
            "alpha": _alpha(rows) if multi else None,
            "per_label": {lab: _alpha([[None if v is None else str(v == lab) for v in row]
                                       for row in rows]) for lab in seen},
        }
    return report
