"""Agreement between annotators of the same documents, per layer and label.

Three measures, each on documents that two or more annotators annotated:

- **pairwise F1** on the scoring engine, for every pair of annotators: the first of the pair
  (in sorted order) plays gold, the second the prediction (``gold`` and ``prediction`` name
  them in each pair; F1 is symmetric in the matched counts, precision and recall swap).
  Entities: :func:`~dateline.evaluation.score_entities`, strict mode (same boundaries and
  label). Event triggers and arguments: :func:`~dateline.evaluation.events.score_events`
  (identification, classification and the attached variants). Quotes:
  :func:`~dateline.evaluation.quotes.score_quotes` (detection, content exact and token
  overlap, cue, speaker at mention and at entity level). Every F1 has a 95% percentile
  bootstrap interval over documents, from the scorer's per-document counts
  (:func:`~dateline.evaluation.compare_scores`). The layers are scored under every status the
  annotators' layers have (``gold``, ``draft``, ...), so no annotation is skipped for its
  status; a layer an annotator did not declare (``absent``) is skipped and counted;
- **Cohen's kappa** (scikit-learn) per pair, on token labels;
- **Krippendorff's alpha** (the ``krippendorff`` package), level of measurement
  **nominal**, over all annotators at once, on token labels; an annotator who did not
  annotate a document counts as missing there, not as disagreeing.

Units: ``entities`` (mentions by label), ``events`` (triggers by type, ``untyped`` when null),
``arguments`` (event arguments by role) and ``quotes`` (by kind). *Per label*, the unit's
scorer runs on the items of that label only, on both sides (entities: the scorer's own per
label counts, which are the same). Each unit names its ``main`` metric, copied to ``f1`` and
``f1_interval`` (per label too): entities ``strict``, events ``trigger_classification`` (or
``trigger_identification`` when the triggers are untyped), arguments
``argument_classification``, quotes ``content_exact``; ``metrics`` holds all of them.

Token labels: the caller's ``tokenizer`` (text -> token offsets) cuts each text once; the
``agreement`` command passes :func:`dateline.baselines.tokens.grapheme_tokens`, spaCy's
rule-based tokenizer as the baselines use it, made grapheme-aware (an emoji with its modifier,
a letter with its combining marks are one token; CJK text one token per character). A token
takes the label of the longest span of the unit covering it, else ``O``; per label, tokens are
coded label / not label. Documents with a single annotator, or none, are counted and listed,
never silently dropped.

>>> from dateline.baselines.tokens import grapheme_tokens
>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> def doc(label):
...     return Document(id="d", text="Ann met Bo.", layers=Layers(entities=LayerInfo(
...         status="draft")), entities=(
...         Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),
...         Mention(id="m2", start=8, end=10, text="Bo", label=label)))
>>> r = agreement({"d": {"a": doc("PERSON"), "b": doc("LOCATION")}}, layers=("entities",),
...               bootstrap=100, tokenizer=grapheme_tokens)
>>> pair = r["pairs"]["a | b"]
>>> pair["gold"], pair["prediction"], pair["entities"]["main"]
('a', 'b', 'strict')
>>> pair["entities"]["f1"], pair["entities"]["per_label"]["PERSON"]["f1"]
(0.5, 0.6666666666666666)
>>> pair["entities"]["f1_interval"], r["documents"]["annotated_by_2_or_more"]
([0.5, 0.5], 1)
>>> r["alpha"]["entities"]["level_of_measurement"]
'nominal'
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from dateline.evaluation.compare import compare_scores
from dateline.evaluation.entities import EntityScores
from dateline.evaluation.layers import ScoreOptions, get_layer
from dateline.evaluation.results import Result
from dateline.schemas import Document

__all__ = ["LAYER_UNITS", "MAIN_METRIC", "UNIT_METRICS", "Tokenizer", "agreement",
           "layer_spans", "pair_f1", "token_labels"]

LAYER_UNITS = ("entities", "events", "arguments", "quotes")
# The Document layer each unit is read from (its status and scorer).
UNIT_LAYER = {"entities": "entities", "events": "events", "arguments": "events",
              "quotes": "quotes"}
UNIT_METRICS = {
    "entities": ("strict",),
    "events": ("trigger_identification", "trigger_classification"),
    "arguments": ("argument_identification", "argument_classification",
                  "argument_identification_attached", "argument_classification_attached"),
    "quotes": ("quote", "content_exact", "content_tokens", "cue_exact", "cue_overlap",
               "speaker_mention", "speaker_entity"),
}
MAIN_METRIC = {"entities": "strict", "events": "trigger_classification",
               "arguments": "argument_classification", "quotes": "content_exact"}
# The metric whose gold / pred counts are the items each annotator made in the unit.
_ITEMS_METRIC = {"events": "trigger_identification", "arguments": "argument_identification",
                 "quotes": "quote"}
Tokenizer = Callable[[str], Sequence[tuple[int, int]]]
"""A text's tokens as ``(start, end)`` code-point offsets."""
_CONFIDENCE = 0.95


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


def token_labels(doc: Document, layer: str, tokens: Sequence[tuple[int, int]]) -> list[str]:
    """One label per token of ``tokens`` (offsets into ``doc.text``; ``O`` outside every span,
    the longest covering span wins).

    >>> from dateline.baselines.tokens import grapheme_tokens
    >>> from dateline.schemas import Mention
    >>> d = Document(id="d", text="Mayor Ana Ruiz spoke", entities=(
    ...     Mention(id="m1", start=0, end=14, text="Mayor Ana Ruiz", label="PERSON"),))
    >>> token_labels(d, "entities", grapheme_tokens(d.text))
    ['PERSON', 'PERSON', 'PERSON', 'O']
    """
    spans = sorted(layer_spans(doc, layer), key=lambda s: s[0] - s[1])  # longest first
    return [next((lab for s, e, lab in spans if s <= start and end <= e), "O")
            for start, end in tokens]


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


def _restrict(doc: Document, unit: str, label: str) -> Document:
    """The Document with only the unit's items of ``label`` (entities are left whole)."""
    if unit == "events":
        typ = None if label == "untyped" else label
        info = doc.layers.events
        # A document left with no event would read as untyped: declare the type it covers.
        if typ is not None and (not info.labels or typ in info.labels):
            info = info.model_copy(update={"labels": (typ,)})
        return doc.model_copy(update={
            "events": tuple(e for e in doc.events if e.type == typ),
            "layers": doc.layers.model_copy(update={"events": info})})
    if unit == "arguments":
        return doc.model_copy(update={"events": tuple(
            e.model_copy(update={"arguments": tuple(a for a in e.arguments if a.role == label)})
            for e in doc.events)})
    if unit == "quotes":
        return doc.model_copy(update={"quotes": tuple(q for q in doc.quotes
                                                      if q.kind == label)})
    return doc


def _score(layer: str, gold: Sequence[Document], pred: Sequence[Document],
           statuses: Sequence[str]) -> Result:
    return get_layer(layer).score(gold, pred, ScoreOptions.of(statuses))


def _intervals(scores: Result, layer: str, *, per_label: bool,
               resamples: int, seed: int) -> dict[str, list[float] | None]:
    # One "system" and no baseline: compare_scores gives the bootstrap intervals only.
    r = compare_scores({"pair": {layer: scores}}, resamples=resamples, trials=1, seed=seed,
                       confidence=_CONFIDENCE, per_label=per_label)
    return {name: m["systems"]["pair"]["interval"]
            for name, m in r["layers"][layer]["metrics"].items()}


def _entry(metric: dict[str, Any], interval: list[float] | None) -> dict[str, Any]:
    out = {k: metric.get(k) for k in ("precision", "recall", "f1")}
    out["f1_interval"] = None if out["f1"] is None else interval
    out["counts"] = metric["counts"]
    if "not_applicable" in metric:
        out["not_applicable"] = metric["not_applicable"]
    return out


def _main(unit: str, metrics: Mapping[str, dict[str, Any]]) -> str:
    main = MAIN_METRIC[unit]
    if unit == "events" and "not_applicable" in metrics[main]:
        return "trigger_identification"  # untyped triggers have no classification
    return main


def pair_f1(gold: Sequence[Document], pred: Sequence[Document], unit: str, *,
            label: str | None = None, bootstrap: int = 1000, seed: int = 0
            ) -> dict[str, Any]:
    """Every F1 of one agreement unit between two annotators' Documents, with intervals.

    ``gold`` and ``pred`` hold the same documents as annotated by the annotator playing gold
    and by the other. With ``label``, only that label's items are scored (entities: the
    scorer's per-label counts). Returns ``metrics`` (name -> precision, recall, f1,
    ``f1_interval`` (95% bootstrap over documents, None when the F1 is), counts), ``main``,
    ``f1`` and ``f1_interval`` (the main metric's), ``items`` (the number each side made:
    ``[gold, prediction]``) and ``documents`` (scored, skipped by reason, statuses scored).

    >>> from dateline.schemas import Document, LayerInfo, Layers, Quote, Span
    >>> text = 'Ann said "we won".'
    >>> def doc(kind):
    ...     return Document(id="d", text=text, layers=Layers(quotes=LayerInfo(status="gold")),
    ...                     quotes=(Quote(id="q", content=(Span(start=9, end=17,
    ...                             text=text[9:17]),), kind=kind),))
    >>> r = pair_f1([doc("direct")], [doc("direct")], "quotes", bootstrap=50)
    >>> r["main"], r["f1"], r["f1_interval"], r["metrics"]["cue_exact"]["f1"]
    ('content_exact', 1.0, [1.0, 1.0], None)
    >>> pair_f1([doc("direct")], [doc("indirect")], "quotes", label="direct")["items"]
    [1, 0]
    """
    if unit not in UNIT_METRICS:
        raise ValueError(f"unknown agreement unit {unit!r}; use one of {', '.join(LAYER_UNITS)}")
    layer = UNIT_LAYER[unit]
    statuses = sorted({getattr(d.layers, layer).status for d in (*gold, *pred)} - {"absent"})
    if label is not None and unit != "entities":
        gold = [_restrict(d, unit, label) for d in gold]
        pred = [_restrict(d, unit, label) for d in pred]
    s = _score(layer, gold, pred, statuses or ("gold",))
    docs = {"scored": len(s.counts.doc_ids), "skipped": dict(s.skipped), "statuses": statuses}
    if isinstance(s, EntityScores):
        known = label is None or label in s.labels
        ivals = _intervals(s, layer, per_label=label is not None, resamples=bootstrap,
                           seed=seed) if known else {}
        key = "strict.f1" if label is None else f"strict.{label}.f1"
        counts = s.mode_counts("strict", label) if known else {}
        scores = s.scores("strict", label) if known else {}
        metrics = {"strict": _entry({**scores, "counts": counts}, ivals.get(key))}
        items = [counts.get("possible", 0), counts.get("actual", 0)]
    else:
        ivals = _intervals(s, layer, per_label=False, resamples=bootstrap, seed=seed)
        metrics = {m: _entry(s.metric(m), ivals.get(f"{m}.f1")) for m in UNIT_METRICS[unit]}
        c = s.metric(_ITEMS_METRIC[unit])["counts"]
        items = [c["gold"], c["pred"]]
    main = _main(unit, metrics)
    return {"main": main, "f1": metrics[main]["f1"], "f1_interval": metrics[main]["f1_interval"],
            "metrics": metrics, "items": items, "documents": docs}


def agreement(annotations: Mapping[str, Mapping[str, Document]], *, tokenizer: Tokenizer,
              layers: Sequence[str] = LAYER_UNITS, expected: Iterable[str] = (),
              bootstrap: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Agreement report over ``annotations`` (doc id -> annotator -> Document), the token
    measures on the tokens ``tokenizer`` cuts each text into.

    ``layers``: the units measured (:data:`LAYER_UNITS`). ``expected``: document ids that
    should have been annotated; those with no annotation are counted as ``annotated_by_none``.
    Texts of one document must be equal across annotators. ``bootstrap`` resamples and
    ``seed`` make the F1 intervals.

    Returns ``documents`` (counts and the ids of those with one annotator or none),
    ``annotators``, ``settings``, ``pairs`` (``"a | b"`` -> ``gold``, ``prediction``,
    ``documents`` and per unit: :func:`pair_f1`'s result with ``kappa``, ``tokens`` and
    ``per_label`` (label -> :func:`pair_f1`'s result for the label, with ``kappa``)) and
    ``alpha`` (per unit: ``level_of_measurement``, ``alpha``, ``per_label``).

    >>> from dateline.baselines.tokens import grapheme_tokens
    >>> one = Document(id="d2", text="Hi.")
    >>> r = agreement({"d2": {"a": one}}, expected=["d2", "d3"], tokenizer=grapheme_tokens)
    >>> r["documents"]["single"], r["documents"]["none"], r["pairs"]
    (['d2'], ['d3'], {})
    """
    from dateline.schemas import DatelineError

    unknown = [u for u in layers if u not in LAYER_UNITS]
    if unknown:
        raise ValueError(f"unknown agreement unit {unknown[0]!r}; use one of "
                         f"{', '.join(LAYER_UNITS)}")
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
    offsets = {d: list(tokenizer(next(iter(by.values())).text)) for d, by in multi.items()}
    report: dict[str, Any] = {
        "documents": {"annotated_by_2_or_more": len(multi), "annotated_by_1": len(single),
                      "annotated_by_none": len(none), "single": single, "none": none},
        "annotators": names,
        "settings": {
            "f1": "dateline.evaluation scorers: entities score_entities (strict), events and "
                  "arguments score_events, quotes score_quotes; in each pair the first "
                  "annotator plays gold, the second the prediction; scored under every "
                  "status of the annotators' layers",
            "main_metric": dict(MAIN_METRIC),
            "per_label": "the unit's scorer on the items of that label only, on both sides",
            "interval": f"{round(100 * _CONFIDENCE)}% percentile bootstrap over documents "
                        f"(dateline.evaluation.compare_scores), {bootstrap} resamples, "
                        f"seed {seed}",
            "tokens": f"{getattr(tokenizer, '__module__', None) or ''}."
                      f"{getattr(tokenizer, '__qualname__', repr(tokenizer))}".lstrip("."),
            "kappa": "Cohen (scikit-learn), on token labels",
            "alpha": "Krippendorff (krippendorff package), nominal, on token labels"},
        "pairs": {}, "alpha": {},
    }
    for a, b in itertools.combinations(names, 2):
        shared = [d for d, by in multi.items() if a in by and b in by]
        if not shared:
            continue
        gold = [multi[d][a] for d in shared]
        pred = [multi[d][b] for d in shared]
        pair: dict[str, Any] = {"gold": a, "prediction": b, "documents": len(shared)}
        for unit in layers:
            ta = [t for d in shared for t in token_labels(multi[d][a], unit, offsets[d])]
            tb = [t for d in shared for t in token_labels(multi[d][b], unit, offsets[d])]
            labels = sorted({lab for doc in (*gold, *pred) for _, _, lab in
                             layer_spans(doc, unit)})
            entry = pair_f1(gold, pred, unit, bootstrap=bootstrap, seed=seed)
            entry["kappa"] = _kappa(ta, tb)
            entry["tokens"] = len(ta)
            entry["per_label"] = {
                lab: {**pair_f1(gold, pred, unit, label=lab, bootstrap=bootstrap, seed=seed),
                      "kappa": _kappa([str(t == lab) for t in ta],
                                      [str(t == lab) for t in tb])}
                for lab in labels}
            pair[unit] = entry
        report["pairs"][f"{a} | {b}"] = pair
    for unit in layers:
        rows: list[list[str | None]] = [[] for _ in names]
        for d, by in multi.items():
            for i, name in enumerate(names):
                tokens = token_labels(by[name], unit, offsets[d]) if name in by \
                    else [None] * len(offsets[d])
                rows[i].extend(tokens)
        seen = sorted({v for row in rows for v in row if v not in (None, "O")})
        report["alpha"][unit] = {
            "level_of_measurement": "nominal",
            "alpha": _alpha(rows) if multi else None,
            "per_label": {lab: _alpha([[None if v is None else str(v == lab) for v in row]
                                       for row in rows]) for lab in seen},
        }
    return report
