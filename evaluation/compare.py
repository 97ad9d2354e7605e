"""Compare systems: every metric with a paired-bootstrap interval, and each system against a
baseline with the difference, its interval and an approximate-randomisation p-value.

Built on the scorers' per-document counts (:mod:`dateline.evaluation.significance`): the
scorers run once per system; resamples and randomisation trials are matrix products over the
count rows. For entities the four modes' micro and macro precision, recall and F1 are compared
(and, with ``per_label``, each label's); for events and quotes every metric of the scorer.

*Intervals*: percentile bootstrap over documents, ``resamples`` resamples, shared by all systems
(paired), at ``confidence`` (default 95%). *p-values*: paired approximate randomisation,
``trials`` trials, ``p = (c + 1) / (n + 1)`` with ``c`` the trials whose absolute
difference is at least the observed one and ``n`` the trials where the metric is defined for
both systems (``undefined_trials``, when not 0, counts the others). *Correction*: Holm over
the systems compared with the baseline, per metric and slice; ``significant`` means the
adjusted p is below ``alpha``.
*Slices* (``by``): the same numbers for the documents of each value of a metadata field; a
slice's resamples draw only that slice's documents. The seed and every setting are in the
result. *Power*: next to each interval, ``mdd``, the minimum detectable difference at
``alpha`` and power 0.8 from the same resamples, and per layer ``power``, the MDD of its
headline metrics (:mod:`dateline.evaluation.power`). *Signature*: ``signature``, one string
naming the corpus, protocol and every setting that changes a number
(:mod:`dateline.evaluation.signature`).

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> layers = Layers(entities=LayerInfo(status="gold"))
>>> def doc(i, labels):
...     text = "Ann met Bo."
...     spans = [(0, 3), (8, 10)]
...     return Document(id=f"d{i}", text=text, layers=layers, entities=tuple(
...         Mention(id=f"m{k}", start=s, end=e, text=text[s:e], label=lab)
...         for k, ((s, e), lab) in enumerate(zip(spans, labels)) if lab))
>>> gold = [doc(i, ["PERSON", "PERSON"]) for i in range(20)]
>>> a = [doc(i, ["PERSON", "PERSON"]) for i in range(20)]
>>> b = [doc(i, ["PERSON", None if i % 2 else "PERSON"]) for i in range(20)]
>>> r = compare_systems(gold, {"a": a, "b": b}, layers=("entities",), resamples=200,
...                     trials=500, seed=1)
>>> m = r["layers"]["entities"]["metrics"]["strict.recall"]
>>> m["systems"]["a"]["value"], m["systems"]["b"]["value"], m["systems"]["b"]["interval"]
(1.0, 0.75, [0.65, 0.875])
>>> d = m["differences"]["b"]
>>> d["difference"], d["p"] < 0.01, d["significant"]
(-0.25, True, True)
>>> 0 < d["mdd"] < 0.25  # the minimum detectable difference of strict recall
True
>>> sorted(r["layers"]["entities"]["power"]["mdd"])  # the layer's headline metrics
['partial.f1', 'strict.f1']
>>> r["signature"].split("|")[1:3]
['corpus:unknown', 'protocol:test']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from dateline.evaluation.compare_layer import layer_result
from dateline.evaluation.counts import PARTIAL_DOCUMENTS
from dateline.evaluation.inputs import unpredicted_layers
from dateline.evaluation.layers import (
    ScoreOptions,
    check_layers,
    get_layer,
    layer_names,
    score_layers,
)
from dateline.evaluation.matching import ANY_OVERLAP, Overlap
from dateline.evaluation.power import MDD_METHOD, POWER, layer_power
from dateline.evaluation.results import MetricFunction, Result
from dateline.evaluation.signature import comparison_signature, protocol_part
from dateline.evaluation.significance import DEFAULT_SEED
from dateline.evaluation.tables import check_metric_patterns
from dateline.schemas.errors import DatelineError
from dateline.schemas.version import __version__

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document

__all__ = [
    "DEFAULT_SEED",
    "P_VALUE",
    "compare_scores",
    "compare_systems",
    "comparison",
    "layer_metrics",
]

P_VALUE = ("paired approximate randomisation: p = (c + 1) / (n + 1), c = trials whose "
           "|difference| is at least the observed |difference|, n = trials where the metric is "
           "defined for both systems (the others are skipped and reported as undefined_trials)")
ALL = "all"
UNSET = "(unset)"


def layer_metrics(scores: Sequence[Result], *, per_label: bool = False
                  ) -> tuple[list[np.ndarray], MetricFunction]:
    """Align the per-document counts of several systems on one layer and return them with the
    metric function of the aligned fields (each result type aligns its own fields:
    :meth:`~dateline.evaluation.results.Result.aligned`).

    >>> from dateline.evaluation import score_entity_spans
    >>> a = score_entity_spans([[(0, 1, "A")]], [[(0, 1, "A")]], keep_items=False)
    >>> b = score_entity_spans([[(0, 1, "A")]], [[(0, 1, "B")]], keep_items=False)
    >>> values, fn = layer_metrics([a, b])
    >>> [v.shape for v in values], float(fn(values[1].sum(axis=0))["exact.f1"])
    ([(1, 33), (1, 33)], 1.0)
    """
    ids = scores[0].counts.doc_ids
    for s in scores[1:]:
        if s.counts.doc_ids != ids:
            raise DatelineError("compare-documents-differ",
                                "the systems were scored on different documents",
                                fix="score every system against the same gold documents")
        if type(s) is not type(scores[0]):
            raise DatelineError("compare-fields-differ", "the systems' results are of "
                                "different layers", fix="compare results of the same layer")
    return type(scores[0]).aligned(scores, per_label=per_label)


def compare_scores(scores: Mapping[str, Mapping[str, Result]], *,
                   baseline: str | Mapping[str, str | None] | None = None,
                   resamples: int = 1000, trials: int = 10000, seed: int = DEFAULT_SEED,
                   confidence: float = 0.95, alpha: float = 0.05,
                   slices: Mapping[str, str | None] | None = None, by: str | None = None,
                   per_label: bool = False,
                   not_predicted: Mapping[str, Mapping[str, str]] | None = None,
                   metrics: Sequence[str] = ()) -> dict[str, Any]:
    """Compare systems from their scorer results (system -> layer -> scores).

    The statistics part of :func:`compare_systems`, for callers that already scored the
    systems (each system and layer scored once; every value, interval and p-value comes from
    the same counts).
    ``slices`` maps document ids to the slice value of each (with ``by`` naming the field).
    A system without a result for a layer is not compared there: the layer lists it under
    ``not_predicted`` with the reason (``not_predicted``: system -> layer -> reason).
    ``baseline``: the reference of every layer the system has a result for, or a mapping
    layer -> reference (None: no test on that layer); each layer's is under ``reference``.
    ``metrics``, fnmatch patterns of the metrics to be shown, are checked before any resampling:
    a pattern that matches no metric is ``unknown-metric`` at once.

    Examples
    --------
    >>> from dateline.evaluation import score_entity_spans
    >>> g = [[(0, 1, "A")]] * 10
    >>> s = {"x": {"entities": score_entity_spans(g, g, keep_items=False)}}
    >>> r = compare_scores({**s, "y": s["x"]}, resamples=50, trials=50)
    >>> d = r["layers"]["entities"]["metrics"]["strict.f1"]["differences"]["y"]
    >>> d["difference"], d["interval"], d["p"]
    (0.0, [0.0, 0.0], 1.0)
    """
    names = list(scores)
    if not names:
        raise DatelineError("compare-no-system", "no system to compare",
                            fix="give one or more prediction files")
    if baseline is None:
        baseline = names[0] if len(names) > 1 else None
    wanted = baseline.values() if isinstance(baseline, Mapping) else [baseline]
    for ref in wanted:
        if ref is not None and ref not in scores:
            raise DatelineError("unknown-baseline", f"reference {ref!r} is not among the "
                                f"systems {', '.join(map(repr, names))}",
                                fix="give --reference one of the system names", exit_code=2)
    for what, x in (("resamples", resamples), ("trials", trials)):
        if x < 1:
            raise DatelineError("bad-option", f"{what} must be at least 1, got {x}",
                                fix=f"give a positive number of {what}", exit_code=2)
    if not 0 < confidence < 1:
        raise DatelineError("bad-option", f"confidence {confidence} is outside (0, 1)",
                            fix="give a level such as 0.95", exit_code=2)
    layers = list(dict.fromkeys(k for n in names for k in scores[n]))
    present = {layer: [n for n in names if layer in scores[n]] for layer in layers}
    refs = {layer: _reference(baseline, layer, present[layer]) for layer in layers}
    distinct = set(refs.values())
    kw = {"resamples": resamples, "trials": trials, "seed": seed, "confidence": confidence,
          "alpha": alpha}
    result: dict[str, Any] = {
        "settings": {
            "systems": names, "baseline": distinct.pop() if len(distinct) == 1 else None,
            "reference": refs, "resamples": resamples, "trials": trials,
            "seed": seed, "confidence": confidence, "alpha": alpha, "by": by,
            "per_label": per_label,
            "interval": "percentile bootstrap over documents, the same resamples for every "
                        "system (paired)",
            "p_value": P_VALUE,
            "correction": "Holm, over the systems compared with the baseline, per metric",
            "random": "numpy default_rng([seed, crc32(name of the computation)])",
            "power": POWER, "mdd": MDD_METHOD},
        "layers": {},
    }
    prepared = {}
    for layer in layers:
        values, fn = layer_metrics([scores[n][layer] for n in present[layer]],
                                   per_label=per_label)
        prepared[layer] = (scores[present[layer][0]][layer].counts.doc_ids, values, fn)
    if metrics:  # the names cost one metric evaluation per layer; the resampling comes after
        check_metric_patterns({"layers": {layer: {"metrics": fn(values[0].sum(axis=0))}
                                          for layer, (ids, values, fn) in prepared.items()
                                          if ids}}, metrics)
    for layer, (ids, values, fn) in prepared.items():
        here, ref = present[layer], refs[layer]
        base = here.index(ref) if ref is not None else None
        per_sys = [scores[n][layer] for n in here]
        doc_info = per_sys[0].documents()
        metrics = (layer_result(here, base, values, fn, key=(layer, ALL),
                                 reason=_reasons(per_sys, doc_info), **kw)
                   if ids else {})
        result["layers"][layer] = {"documents": doc_info, "metrics": metrics,
                                   "reference": ref,
                                   "not_predicted": _absent(names, here, layer, not_predicted),
                                   "power": layer_power(layer, metrics, baseline=ref,
                                                        alpha=alpha,
                                                        partial=_has_partial(doc_info))}
    if slices is not None:
        groups = sorted({UNSET if v is None else str(v) for v in slices.values()})
        result["slices"] = {}
        for g in groups:
            entry: dict[str, Any] = {"layers": {}}
            for layer, (ids, values, fn) in prepared.items():
                rows = [i for i, d in enumerate(ids)
                        if (UNSET if slices.get(d) is None else str(slices.get(d))) == g]
                if not rows:
                    continue
                here, ref = present[layer], refs[layer]
                sub = [v[rows] for v in values]
                docs = _slice_documents(scores[here[0]][layer], rows)
                sliced = layer_result(
                    here, here.index(ref) if ref is not None else None, sub, fn,
                    key=(layer, str(by), g),
                    reason=_reasons([scores[n][layer] for n in here], docs), **kw)
                entry["layers"][layer] = {
                    "documents": docs, "metrics": sliced, "reference": ref,
                    "not_predicted": _absent(names, here, layer, not_predicted),
                    "power": layer_power(layer, sliced, baseline=ref, alpha=alpha,
                                         partial=_has_partial(docs))}
            result["slices"][g] = entry
    return result


def _reference(baseline: str | Mapping[str, str | None] | None, layer: str,
               present: Sequence[str]) -> str | None:
    # The reference of one layer: the mapping's entry, or the one name when it was scored on
    # the layer; none when only one system is.
    ref = baseline.get(layer) if isinstance(baseline, Mapping) else baseline
    return ref if ref in present and len(present) > 1 else None


def _absent(names: Sequence[str], present: Sequence[str], layer: str,
            reasons: Mapping[str, Mapping[str, str]] | None) -> dict[str, str]:
    # The systems not compared on a layer, and why.
    return {n: (reasons or {}).get(n, {}).get(layer, "not predicted")
            for n in names if n not in present}


def _slice_documents(result: Result, rows: Sequence[int]) -> dict[str, int]:
    # How many of a slice's documents were scored, and entered precision and recall.
    out = {"scored": len(rows)}
    if PARTIAL_DOCUMENTS in result.counts.fields:
        k = int(result.counts.column(PARTIAL_DOCUMENTS)[list(rows)].sum())
        out.update(precision=len(rows) - k, recall=len(rows))
    return out


def _has_partial(documents: Mapping[str, Any]) -> bool:
    # Some scored documents have partial coverage (they entered recall, not precision).
    return int(documents.get("precision", 0)) < int(documents.get("recall", 0))


def _reasons(results: Sequence[Result], documents: Mapping[str, Any]
             ) -> Callable[[str], str | None]:
    # A metric is not applicable when the gold says so (the same for every system), and a
    # precision or F1 when no document of exhaustive coverage was scored.
    def reason(name: str) -> str | None:
        why = results[0].reason(name)
        if why is None and documents.get("precision") == 0 and documents.get("recall") \
                and name.rpartition(".")[2] not in ("recall_all", "recall_partial", "accuracy"):
            why = "no scored document has exhaustive coverage (partial coverage gives recall)"
        return why
    return reason


def compare_systems(gold: Sequence[Document], systems: Mapping[str, Sequence[Document]], *,
                    baseline: str | Mapping[str, str | None] | None = None,
                    layers: Sequence[str] | None = None,
                    statuses: Sequence[str] = ("gold",), labels: Sequence[str] | None = None,
                    kinds: Sequence[str] | None = None, overlap: Overlap = ANY_OVERLAP,
                    resamples: int = 1000, trials: int = 10000, seed: int = DEFAULT_SEED,
                    confidence: float = 0.95, alpha: float = 0.05, by: str | None = None,
                    per_label: bool = False, corpus_version: str | None = None,
                    manifest_hash: str | None = None, protocol: str = "test",
                    metrics: Sequence[str] = ()) -> dict[str, Any]:
    """Score every system against ``gold`` and compare them (see the module doc).

    Parameters
    ----------
    gold
        Gold Documents.
    systems
        System name -> predicted Documents (same ids and texts as gold); the order is kept.
    baseline
        The reference the others are compared with: one name (for every layer it predicts),
        or layer -> name (None: no test on that layer); default: the first system.
        A system is scored only on the layers it predicts
        (:func:`~dateline.evaluation.inputs.unpredicted_layers`).
    layers, statuses, labels, kinds, overlap
        What is scored, as in :func:`dateline.evaluation.report.score` (default: every
        registered layer).
    resamples, trials, seed, confidence, alpha
        Bootstrap resamples, randomisation trials, the seed of every random draw, the
        interval's level and the significance level for the Holm-adjusted p-values.
    by
        A :class:`~dateline.schemas.Meta` field (``genre``, ``collection``, ...): adds the same
        numbers for each of its values under ``slices``.
    per_label
        Also compare each entity label's precision, recall and F1.
    corpus_version, manifest_hash, protocol
        What the gold documents are, for the signature
        (:mod:`dateline.evaluation.signature`): the corpus version and the sha256 of its
        MANIFEST (of the gold file's bytes for a file), and the protocol (``test``, ``all``,
        ``cv:K``, ...).
    metrics
        fnmatch patterns of the metrics that will be shown: each must match a metric, checked
        before the resampling (``unknown-metric``).

    Returns
    -------
    dict
        ``scorer``, ``corpus_version``, ``signature``, ``settings``, ``layers`` (per layer:
        ``documents``, ``metrics``: per metric, ``systems`` -> value, interval and ``mdd``,
        ``differences`` -> difference to the baseline, interval, ``mdd``, ``p``, ``p_holm``,
        ``significant``; and ``power``, the MDD of the headline metrics) and, with ``by``,
        ``slices`` (slice value -> ``layers``).

    >>> from dateline.schemas import Document, LayerInfo, Layers
    >>> d = [Document(id="d", text="x")]
    >>> r = compare_systems(d, {"a": d, "b": d}, layers=("quotes",), resamples=10, trials=10)
    >>> r["settings"]["layers"], r["layers"]  # neither system predicts quotes
    ([], {})
    >>> q = [d[0].model_copy(update={"layers": Layers(quotes=LayerInfo(status="silver"))})]
    >>> r = compare_systems(d, {"a": d, "b": q}, layers=("quotes",), resamples=10, trials=10)
    >>> r["layers"]["quotes"]["not_predicted"], r["layers"]["quotes"]["reference"]
    ({'a': 'not predicted (absent in every document)'}, None)
    >>> r["layers"]["quotes"]["documents"]["skipped"]
    {'absent': 1}
    >>> compare_systems(d, {"a": d}, by="author")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-meta-field] --by 'author' is not a ...
    """
    names = check_layers(layers if layers is not None else layer_names())
    protocol_part(protocol)  # a bad protocol fails before anything is scored
    if by is not None:
        from dateline.schemas.model import Meta  # the model: only when --by asks for a field

        if by not in Meta.model_fields:
            raise DatelineError("unknown-meta-field", f"--by {by!r} is not a document "
                                "metadata field", fix=f"use one of {', '.join(Meta.model_fields)}",
                                exit_code=2)
    gold = list(gold)
    options = ScoreOptions.of(statuses, labels, kinds, overlap)
    scores, missing = {}, {}
    for name, pred in systems.items():
        pred = list(pred)
        absent = unpredicted_layers(pred)
        missing[name] = {n: absent[get_layer(n).data] for n in names
                         if get_layer(n).data in absent}
        scores[name] = score_layers(gold, pred, [n for n in names if n not in missing[name]],
                                    options)
    return comparison(scores, options, gold=gold, baseline=baseline, resamples=resamples,
                      trials=trials, seed=seed, confidence=confidence, alpha=alpha, by=by,
                      per_label=per_label, corpus_version=corpus_version,
                      manifest_hash=manifest_hash, protocol=protocol, not_predicted=missing,
                      metrics=metrics)


def comparison(scores: Mapping[str, Mapping[str, Result]], options: ScoreOptions, *,
               gold: Sequence[Document] = (),
               baseline: str | Mapping[str, str | None] | None = None,
               resamples: int = 1000, trials: int = 10000, seed: int = DEFAULT_SEED,
               confidence: float = 0.95, alpha: float = 0.05, by: str | None = None,
               per_label: bool = False, corpus_version: str | None = None,
               manifest_hash: str | None = None, protocol: str = "test",
               not_predicted: Mapping[str, Mapping[str, str]] | None = None,
               metrics: Sequence[str] = ()) -> dict[str, Any]:
    """The full comparison report of systems already scored with ``options``: the result of
    :func:`compare_scores` with the scorer, corpus version, signature
    (:func:`~dateline.evaluation.signature.comparison_signature` of ``corpus_version``,
    ``manifest_hash`` and ``protocol``) and every setting. ``gold`` is needed only for ``by``
    (the slices' metadata).

    >>> from dateline.evaluation.layers import ScoreOptions, score_layers
    >>> r = comparison({"a": score_layers([], [], ("quotes",))}, ScoreOptions(), resamples=5)
    >>> r["settings"]["layers"], r["settings"]["baseline"]
    (['quotes'], None)
    """
    slices = None if by is None else {d.id: getattr(d.meta, by) for d in gold}
    result = compare_scores(scores, baseline=baseline, resamples=resamples, trials=trials,
                            seed=seed, confidence=confidence, alpha=alpha, slices=slices,
                            by=by, per_label=per_label, not_predicted=not_predicted,
                            metrics=metrics)
    scored = list(dict.fromkeys(k for per in scores.values() for k in per))
    settings = {"layers": scored, **options.to_dict(), **result["settings"]}
    out = {"scorer": {"name": "dateline.evaluation", "version": __version__},
           "corpus_version": corpus_version, "signature": None, "settings": settings,
           **{k: v for k, v in result.items() if k != "settings"}}
    out["signature"] = comparison_signature(out, manifest_hash=manifest_hash,
                                            protocol=protocol)
    return out
