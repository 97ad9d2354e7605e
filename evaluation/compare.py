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
result.

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
>>> r = compare(gold, {"a": a, "b": b}, layers=("entities",), resamples=200, trials=500,
...             seed=1)
>>> m = r["layers"]["entities"]["metrics"]["strict.recall"]
>>> m["systems"]["a"]["value"], m["systems"]["b"]["value"], m["systems"]["b"]["interval"]
(1.0, 0.75, [0.65, 0.875])
>>> d = m["differences"]["b"]
>>> d["difference"], d["p"] < 0.01, d["significant"]
(-0.25, True, True)
"""

from __future__ import annotations

import fnmatch
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib.metadata import version
from typing import Any

import numpy as np

from dateline.evaluation.counts import DocCounts
from dateline.evaluation.entities import CLASSES, MODES, EntityScores, score_entities
from dateline.evaluation.events import score_events
from dateline.evaluation.matching import ANY_OVERLAP, Overlap
from dateline.evaluation.quotes import score_quotes
from dateline.evaluation.results import LayerScores
from dateline.evaluation.significance import (
    Bootstrap,
    approximate_randomisation,
    holm,
    paired_bootstrap,
    stream,
)
from dateline.schemas.errors import DatelineError
from dateline.schemas.model import Document, Meta

__all__ = [
    "COMPARE_FORMATS",
    "DEFAULT_SEED",
    "P_VALUE",
    "compare",
    "compare_scores",
    "comparison_rows",
    "latex_escape",
    "layer_metrics",
    "render_comparison",
]

LAYERS = ("entities", "events", "quotes")
COMPARE_FORMATS = ("table", "json", "markdown", "latex", "csv")
DEFAULT_SEED = 12345  # sacrebleu's default
P_VALUE = ("paired approximate randomisation: p = (c + 1) / (n + 1), c = trials whose "
           "|difference| is at least the observed |difference|, n = trials where the metric is "
           "defined for both systems (the others are skipped and reported as undefined_trials)")
ALL = "all"
UNSET = "(unset)"
Scores = EntityScores | LayerScores


def layer_metrics(scores: Sequence[Scores], *, per_label: bool = False
                  ) -> tuple[list[np.ndarray], Callable[[np.ndarray], dict[str, np.ndarray]]]:
    """Align the per-document counts of several systems on one layer and return them with the
    metric function of the aligned fields.

    Entity results have one field per (label, class), and systems predict different labels:
    the union of labels is used, zeros where a system has none. The metric function maps summed
    counts ``(..., fields)`` to every metric (NaN where undefined).

    >>> from dateline.evaluation import score_entity_spans
    >>> a = score_entity_spans([[(0, 1, "A")]], [[(0, 1, "A")]], keep_items=False)
    >>> b = score_entity_spans([[(0, 1, "A")]], [[(0, 1, "B")]], keep_items=False)
    >>> values, fn = layer_metrics([a, b])
    >>> [v.shape for v in values], float(fn(values[1].sum(axis=0))["exact.f1"])
    ([(1, 16), (1, 16)], 1.0)
    """
    ids = scores[0].counts.doc_ids
    for s in scores[1:]:
        if s.counts.doc_ids != ids:
            raise DatelineError("compare-documents-differ",
                                "the systems were scored on different documents",
                                fix="score every system against the same gold documents")
    if isinstance(scores[0], EntityScores):
        return _entity_metrics([s for s in scores if isinstance(s, EntityScores)], per_label)
    first = scores[0]
    for s in scores[1:]:
        if s.counts.fields != first.counts.fields:
            raise DatelineError("compare-fields-differ", "the systems' count fields differ",
                                fix="compare results of the same scorer and settings")
    return [np.asarray(s.counts.values) for s in scores], first.flat_scores


def _entity_metrics(scores: Sequence[EntityScores], per_label: bool
                    ) -> tuple[list[np.ndarray], Callable[[np.ndarray], dict[str, np.ndarray]]]:
    labels = tuple(sorted({lab for s in scores for lab in s.labels}, key=str))
    nc = len(CLASSES)
    n = len(scores[0].counts.doc_ids)
    values = []
    for s in scores:
        v = np.zeros((n, len(labels) * nc), dtype=np.int64)
        for k, lab in enumerate(s.labels):
            j = labels.index(lab)
            v[:, j * nc:(j + 1) * nc] = s.counts.values[:, k * nc:(k + 1) * nc]
        values.append(v)
    fields = tuple(f"{lab}|{c}" for lab in labels for c in CLASSES)
    whole = EntityScores(labels, DocCounts((), fields, np.zeros((0, len(fields)))), Counter())
    single = [EntityScores((lab,), DocCounts((), fields[:nc], np.zeros((0, nc))), Counter())
              for lab in labels]

    def metrics(totals: np.ndarray) -> dict[str, np.ndarray]:
        t = np.asarray(totals, dtype=float)
        micro = whole.flat_scores(t)
        per = [single[k].flat_scores(t[..., k * nc:(k + 1) * nc]) for k in range(len(labels))]
        out = {}
        for mode in MODES:
            for r in ("precision", "recall", "f1"):
                out[f"{mode}.{r}"] = micro[f"{mode}.{r}"]
            for r in ("precision", "recall", "f1"):
                out[f"{mode}.macro.{r}"] = _nanmean([p[f"{mode}.{r}"] for p in per],
                                                    t.shape[:-1])
            if per_label:
                for k, lab in enumerate(labels):
                    for r in ("precision", "recall", "f1"):
                        out[f"{mode}.{lab}.{r}"] = per[k][f"{mode}.{r}"]
        return out

    return values, metrics


def _nanmean(arrays: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
    # Mean over labels whose value is defined (the scorer's macro); NaN when none is.
    if not arrays:
        return np.full(shape, np.nan)
    a = np.stack([np.broadcast_to(np.asarray(x, float), shape) for x in arrays])
    ok = ~np.isnan(a)
    n = ok.sum(axis=0)
    s = np.where(ok, a, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / np.maximum(n, 1), np.nan)


def _layer_result(names: Sequence[str], base: int | None, values: Sequence[np.ndarray],
                  metrics: Callable[[np.ndarray], dict[str, np.ndarray]], *, resamples: int,
                  trials: int, seed: int, confidence: float, alpha: float,
                  key: tuple[str, ...]) -> dict[str, Any]:
    n = values[0].shape[0]
    boot: Bootstrap = paired_bootstrap(values, metrics, n_docs=n, resamples=resamples,
                                       rng=stream(seed, "bootstrap", *key),
                                       confidence=confidence)
    others = [s for s in range(len(names)) if s != base]
    ar = {} if base is None else {
        s: approximate_randomisation(values[s], values[base], metrics, trials=trials,
                                     rng=stream(seed, "randomisation", *key, names[s]))
        for s in others}
    out: dict[str, Any] = {}
    for name in boot.values[0]:
        entry: dict[str, Any] = {"systems": {}}
        for s, sys_name in enumerate(names):
            lo, hi = boot.interval(s, name)
            e: dict[str, Any] = {"value": boot.values[s][name],
                                 "interval": None if lo is None else [lo, hi]}
            if boot.values[s][name] is not None and (u := boot.undefined(s, name)):
                e["undefined_resamples"] = u
            entry["systems"][sys_name] = e
        if base is not None:
            raw = [ar[s][name].p_value for s in others]
            adjusted = holm(raw)
            diffs = {}
            for s, p, q in zip(others, raw, adjusted, strict=True):
                lo, hi = boot.difference(s, base, name)
                diffs[names[s]] = {"difference": ar[s][name].difference,
                                   "interval": None if lo is None else [lo, hi],
                                   "p": p, "p_holm": q,
                                   "significant": None if q is None else bool(q < alpha)}
                if p is not None and (u := ar[s][name].undefined):
                    diffs[names[s]]["undefined_trials"] = u
            entry["differences"] = diffs
        out[name] = entry
    return out


def compare_scores(scores: Mapping[str, Mapping[str, Scores]], *, baseline: str | None = None,
                   resamples: int = 1000, trials: int = 10000, seed: int = DEFAULT_SEED,
                   confidence: float = 0.95, alpha: float = 0.05,
                   slices: Mapping[str, str | None] | None = None, by: str | None = None,
                   per_label: bool = False) -> dict[str, Any]:
    """Compare systems from their scorer results (system -> layer -> scores).

    The statistics part of :func:`compare`, for callers that already scored the systems.
    ``slices`` maps document ids to the slice value of each (with ``by`` naming the field).

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
    if baseline is not None and baseline not in scores:
        raise DatelineError("unknown-baseline", f"baseline {baseline!r} is not among the "
                            f"systems {', '.join(map(repr, names))}",
                            fix="give --baseline one of the system names", exit_code=2)
    for what, x in (("resamples", resamples), ("trials", trials)):
        if x < 1:
            raise DatelineError("bad-option", f"{what} must be at least 1, got {x}",
                                fix=f"give a positive number of {what}", exit_code=2)
    if not 0 < confidence < 1:
        raise DatelineError("bad-option", f"confidence {confidence} is outside (0, 1)",
                            fix="give a level such as 0.95", exit_code=2)
    base = names.index(baseline) if baseline is not None else None
    layers = [layer for layer in LAYERS if all(layer in scores[n] for n in names)]
    kw = {"resamples": resamples, "trials": trials, "seed": seed, "confidence": confidence,
          "alpha": alpha}
    result: dict[str, Any] = {
        "settings": {
            "systems": names, "baseline": baseline, "resamples": resamples, "trials": trials,
            "seed": seed, "confidence": confidence, "alpha": alpha, "by": by,
            "per_label": per_label,
            "interval": "percentile bootstrap over documents, the same resamples for every "
                        "system (paired)",
            "p_value": P_VALUE,
            "correction": "Holm, over the systems compared with the baseline, per metric",
            "random": "numpy default_rng([seed, crc32(name of the computation)])"},
        "layers": {},
    }
    prepared = {}
    for layer in layers:
        per_sys = [scores[n][layer] for n in names]
        values, fn = layer_metrics(per_sys, per_label=per_label)
        ids = per_sys[0].counts.doc_ids
        prepared[layer] = (ids, values, fn)
        doc_info = {"scored": len(ids), "skipped": dict(per_sys[0].skipped)}
        metrics = (_layer_result(names, base, values, fn, key=(layer, ALL), **kw)
                   if ids else {})
        result["layers"][layer] = {"documents": doc_info, "metrics": metrics}
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
                sub = [v[rows] for v in values]
                entry["layers"][layer] = {
                    "documents": {"scored": len(rows)},
                    "metrics": _layer_result(names, base, sub, fn, key=(layer, str(by), g),
                                             **kw)}
            result["slices"][g] = entry
    return result


def _score_layer(layer: str, gold: Sequence[Document], pred: Sequence[Document], *,
                 statuses: Sequence[str], labels: Sequence[str] | None,
                 kinds: Sequence[str] | None, overlap: Overlap) -> Scores:
    if layer == "entities":
        return score_entities(gold, pred, statuses=statuses, labels=labels, kinds=kinds,
                              overlap=overlap, keep_items=False)
    if layer == "events":
        return score_events(gold, pred, statuses=statuses)
    return score_quotes(gold, pred, statuses=statuses, overlap=overlap)


def compare(gold: Sequence[Document], systems: Mapping[str, Sequence[Document]], *,
            baseline: str | None = None, layers: Sequence[str] = LAYERS,
            statuses: Sequence[str] = ("gold",), labels: Sequence[str] | None = None,
            kinds: Sequence[str] | None = None, overlap: Overlap = ANY_OVERLAP,
            resamples: int = 1000, trials: int = 10000, seed: int = DEFAULT_SEED,
            confidence: float = 0.95, alpha: float = 0.05, by: str | None = None,
            per_label: bool = False, corpus_version: str | None = None) -> dict[str, Any]:
    """Score every system against ``gold`` and compare them (see the module doc).

    Parameters
    ----------
    gold
        Gold Documents.
    systems
        System name -> predicted Documents (same ids and texts as gold); the order is kept.
    baseline
        The system the others are compared with (default: the first).
    layers, statuses, labels, kinds, overlap
        What is scored, as in :func:`dateline.evaluation.report.score`.
    resamples, trials, seed, confidence, alpha
        Bootstrap resamples, randomisation trials, the seed of every random draw, the
        interval's level and the significance level for the Holm-adjusted p-values.
    by
        A :class:`~dateline.schemas.Meta` field (``genre``, ``collection``, ...): adds the same
        numbers for each of its values under ``slices``.
    per_label
        Also compare each entity label's precision, recall and F1.

    Returns
    -------
    dict
        ``settings``, ``scorer``, ``corpus_version``, ``layers`` (per layer: ``documents``
        and ``metrics``: per metric, ``systems`` -> value and interval, ``differences`` ->
        difference to the baseline, interval, ``p``, ``p_holm``, ``significant``) and, with
        ``by``, ``slices`` (slice value -> ``layers``).
    """
    unknown = [x for x in layers if x not in LAYERS]
    if unknown:
        raise DatelineError("unknown-layer", f"unknown layer {unknown[0]!r}",
                            fix=f"use one of {', '.join(LAYERS)}", exit_code=2)
    if by is not None and by not in Meta.model_fields:
        raise DatelineError("unknown-meta-field", f"--by {by!r} is not a document metadata "
                            "field", fix=f"use one of {', '.join(Meta.model_fields)}",
                            exit_code=2)
    gold = list(gold)
    scores = {name: {layer: _score_layer(layer, gold, list(pred), statuses=statuses,
                                         labels=labels, kinds=kinds, overlap=overlap)
                     for layer in layers}
              for name, pred in systems.items()}
    slices = None if by is None else {d.id: getattr(d.meta, by) for d in gold}
    result = compare_scores(scores, baseline=baseline, resamples=resamples, trials=trials,
                            seed=seed, confidence=confidence, alpha=alpha, slices=slices,
                            by=by, per_label=per_label)
    settings = {"layers": list(layers), "statuses": list(statuses),
                "labels": sorted(labels) if labels is not None else None,
                "kinds": sorted(kinds) if kinds is not None else None,
                "overlap": overlap.to_dict(), **result["settings"]}
    return {"scorer": {"name": "dateline.evaluation", "version": version("dateline")},
            "corpus_version": corpus_version, "settings": settings,
            **{k: v for k, v in result.items() if k != "settings"}}


# --- rendering ----------------------------------------------------------------------------

def comparison_rows(result: dict[str, Any], metrics: Sequence[str] = ("*",)
                    ) -> Iterator[dict[str, Any]]:
    """Flat rows (slice, layer, metric, system, value, interval, difference to the baseline,
    its interval, p, Holm p, significant) for the metrics matching the ``fnmatch`` patterns.

    >>> res = {"settings": {"baseline": "a"}, "layers": {"quotes": {"metrics": {"quote.f1": {
    ...     "systems": {"a": {"value": 0.5, "interval": [0.4, 0.6]}}}}}}}
    >>> next(comparison_rows(res))["value"]
    0.5
    """
    parts = [(ALL, result["layers"])]
    parts += [(g, s["layers"]) for g, s in result.get("slices", {}).items()]
    for slice_name, layers in parts:
        for layer, res in layers.items():
            for name, entry in res["metrics"].items():
                if not any(fnmatch.fnmatchcase(name, p) for p in metrics):
                    continue
                for sys_name, v in entry["systems"].items():
                    d = entry.get("differences", {}).get(sys_name, {})
                    ci = v.get("interval") or [None, None]
                    dci = d.get("interval") or [None, None]
                    yield {"slice": slice_name, "layer": layer, "metric": name,
                           "system": sys_name, "value": v["value"], "low": ci[0],
                           "high": ci[1], "difference": d.get("difference"),
                           "diff_low": dci[0], "diff_high": dci[1], "p": d.get("p"),
                           "p_holm": d.get("p_holm"), "significant": d.get("significant")}


def _f(x: Any, digits: int = 4) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _ci(lo: Any, hi: Any) -> str:
    return "" if lo is None else f"[{lo:.4f}, {hi:.4f}]"


def _signed(x: Any) -> str:
    return "" if x is None else f"{x:+.4f}"


def _p(x: Any) -> str:
    return "" if x is None else (f"{x:.4f}" if x >= 1e-4 else f"{x:.1e}")


def _cells(r: dict[str, Any], baseline: str | None) -> list[str]:
    mark = "*" if r["significant"] else ""
    sys_name = f"{r['system']} (baseline)" if r["system"] == baseline else r["system"]
    return [sys_name, _f(r["value"]), _ci(r["low"], r["high"]), _signed(r["difference"]) + mark,
            _ci(r["diff_low"], r["diff_high"]), _p(r["p"]), _p(r["p_holm"])]


def _header(result: dict[str, Any]) -> str:
    s = result["settings"]
    conf = round(100 * s["confidence"])
    corpus = f", corpus {result['corpus_version']}" if result.get("corpus_version") else ""
    scorer = result.get("scorer", {})
    who = f"{scorer['name']} {scorer['version']}{corpus}. " if scorer else ""
    tests = (f"p: paired approximate randomisation ({s['trials']} trials), "
             f"p = (c + 1) / (n + 1); Holm-adjusted over {len(s['systems']) - 1} "
             f"system(s) vs baseline {s['baseline']}; * = adjusted p < {s['alpha']}; "
             if s["baseline"] is not None else "one system, no test; ")
    return (f"{who}{conf}% paired-bootstrap intervals over documents ({s['resamples']} "
            f"resamples); {tests}seed {s['seed']}.")


COLUMNS = ("system", "score", "interval", "Δ vs baseline", "Δ interval", "p", "p (Holm)")


def _markdown(result: dict[str, Any], metrics: Sequence[str]) -> str:
    by = result["settings"].get("by")
    lead = ["slice"] if by else []
    cols = [*lead, "layer", "metric", *COLUMNS]
    lines = [_header(result), "", "| " + " | ".join(cols) + " |",
             "|" + "---|" * len(cols)]
    for r in comparison_rows(result, metrics):
        first = [f"{by}={r['slice']}" if r["slice"] != ALL else ALL] if by else []
        cells = [*first, r["layer"], r["metric"], *_cells(r, result["settings"]["baseline"])]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters.

    >>> latex_escape("strict.f1 & 5% of a_b")
    'strict.f1 \\\\& 5\\\\% of a\\\\_b'
    """
    return "".join(_LATEX.get(c, c) for c in text)


def _latex(result: dict[str, Any], metrics: Sequence[str]) -> str:
    by = result["settings"].get("by")
    lead = ["slice"] if by else []
    cols = [*lead, "layer", "metric", "system", "score", "interval", r"$\Delta$",
            r"$\Delta$ interval", "$p$", "$p$ (Holm)"]
    align = "l" * (len(lead) + 3) + "r" * 6
    lines = ["% " + _header(result), "% requires \\usepackage{booktabs}",
             f"\\begin{{tabular}}{{{align}}}", "\\toprule", " & ".join(cols) + r" \\",
             "\\midrule"]
    for r in comparison_rows(result, metrics):
        first = [f"{by}={r['slice']}" if r["slice"] != ALL else ALL] if by else []
        cells = _cells(r, result["settings"]["baseline"])
        cells[3] = cells[3].replace("*", "$^{*}$")
        row = [latex_escape(c) for c in (*first, r["layer"], r["metric"], cells[0])]
        row += [cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]]
        lines.append(" & ".join(row).replace("–", "--") + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def _csv(result: dict[str, Any], metrics: Sequence[str]) -> str:
    import csv

    buf = io.StringIO()
    cols = ["slice", "layer", "metric", "system", "value", "low", "high", "difference",
            "diff_low", "diff_high", "p", "p_holm", "significant"]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in comparison_rows(result, metrics):
        w.writerow({k: "" if v is None else v for k, v in r.items()})
    return buf.getvalue()


def render_comparison(result: dict[str, Any], fmt: str, metrics: Sequence[str] = ("*",)
                      ) -> str:
    """The comparison in one of :data:`COMPARE_FORMATS` (``json`` ignores ``metrics``).

    >>> res = {"settings": {"baseline": None, "confidence": 0.95, "resamples": 10,
    ...        "trials": 10, "systems": ["a"], "alpha": 0.05, "seed": 1},
    ...        "layers": {"quotes": {"metrics": {"quote.f1": {
    ...        "systems": {"a": {"value": 0.5, "interval": [0.4, 0.6]}}}}}}}
    >>> print(render_comparison(res, "markdown").splitlines()[-1])
    | quotes | quote.f1 | a | 0.5000 | [0.4000, 0.6000] |  |  |  |  |
    """
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(result, metrics)
    if fmt == "latex":
        return _latex(result, metrics)
    if fmt == "csv":
        return _csv(result, metrics)
    if fmt != "table":
        raise DatelineError("unknown-format", f"unknown format {fmt!r}",
                            fix=f"use one of {', '.join(COMPARE_FORMATS)}", exit_code=2)
    from rich.console import Console
    from rich.table import Table

    by = result["settings"].get("by")
    table = Table(*(["slice"] if by else []), "layer", "metric", *COLUMNS,
                  title=_header(result))
    for r in comparison_rows(result, metrics):
        first = [f"{by}={r['slice']}" if r["slice"] != ALL else ALL] if by else []
        table.add_row(*first, r["layer"], r["metric"],
                      *_cells(r, result["settings"]["baseline"]))
    console = Console(file=io.StringIO(), width=160, highlight=False)
    console.print(table)
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    return out
