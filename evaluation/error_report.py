"""The error report of one system: ``errors.jsonl`` (every item's outcome,
:mod:`dateline.evaluation.errors`), ``scores.json`` (every metric with its bootstrap interval),
``index.html`` (gold and predicted spans side by side) and, for entities, PNG plots. Each layer
is scored once; records, intervals and plots all read those results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dateline.evaluation.entities import EntityScores
from dateline.evaluation.errors import records_of, summarise
from dateline.evaluation.matching import ANY_OVERLAP, Overlap
from dateline.schemas.io import atomic_write, atomic_write_text, make_dirs

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document

__all__ = ["write_error_report"]


def write_error_report(gold: Sequence[Document], pred: Sequence[Document], out_dir: Any, *,
                       system: str = "system",
                       layers: Sequence[str] | None = None,
                       statuses: Sequence[str] = ("gold",), labels: Sequence[str] | None = None,
                       kinds: Sequence[str] | None = None, overlap: Overlap = ANY_OVERLAP,
                       mode: str = "strict", resamples: int = 1000, seed: int = 12345,
                       max_documents: int | None = 500, corpus_version: str | None = None,
                       manifest_hash: str | None = None, protocol: str = "test"
                       ) -> dict[str, Any]:
    """Write the error analysis of ``pred`` to ``out_dir`` and return what was written
    (``corpus_version``, ``manifest_hash`` and ``protocol`` go into the signature of
    ``scores.json``).

    Files: ``errors.jsonl`` (:func:`error_records`), ``scores.json`` (every metric with its
    bootstrap interval, :func:`~dateline.evaluation.compare.comparison`), ``index.html`` (the
    page of :mod:`~dateline.evaluation.html`, plots embedded), and for entities
    ``label_f1.png`` (per-label F1 of ``mode`` with intervals) and ``confusion.png``.

    Examples
    --------
    >>> import tempfile
    >>> from dateline.schemas import Document, LayerInfo, Layers, Mention
    >>> g = Document(id="d", text="Ann", layers=Layers(entities=LayerInfo(status="gold")),
    ...              entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_error_report([g], [g], tmp, layers=("entities",), resamples=10)
    >>> sorted(out["files"]), out["outcomes"]
    (['confusion.png', 'errors.jsonl', 'index.html', 'label_f1.png', 'scores.json'],
     {'entities': {'correct': 1}})
    """
    import json

    from dateline.evaluation.compare import comparison
    from dateline.evaluation.entities import MODES
    from dateline.evaluation.html import render_page
    from dateline.evaluation.layers import (
        ScoreOptions,
        check_layers,
        get_layer,
        layer_names,
        score_layers,
    )
    from dateline.evaluation.plots import confusion_plot, label_f1_plot
    from dateline.schemas.errors import DatelineError

    if mode not in MODES:
        raise DatelineError("unknown-mode", f"unknown entity mode {mode!r}",
                            fix=f"use one of {', '.join(MODES)}", exit_code=2)
    names = check_layers(layers if layers is not None else layer_names())
    out = make_dirs(out_dir)
    gold, pred = list(gold), list(pred)
    # Each layer is scored once: records, intervals and plots all read these results.
    options = ScoreOptions.of(statuses, labels, kinds, overlap, keep_items=True)
    results = score_layers(gold, pred, names, options)
    records = records_of(gold, pred, options, results)
    with atomic_write(out / "errors.jsonl") as f:
        for r in records:
            f.write((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8"))
    result = comparison({system: results}, options, gold=gold, resamples=resamples, trials=1,
                        seed=seed, per_label=True, corpus_version=corpus_version,
                        manifest_hash=manifest_hash, protocol=protocol)
    atomic_write_text(out / "scores.json",
                      json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    conf = round(100 * result["settings"]["confidence"])
    lines = []
    for layer in names:
        metrics = result["layers"].get(layer, {}).get("metrics", {})
        for name in get_layer(layer).headline:
            if name in metrics:
                v = metrics[name]["systems"][system]
                ci = v["interval"]
                lines.append(f"{layer} {name}: " + ("n/a" if v["value"] is None else
                             f"{v['value']:.4f}" + (f" [{ci[0]:.4f}, {ci[1]:.4f}]" if ci else "")))
    images: dict[str, bytes] = {}
    s = results.get("entities")
    if isinstance(s, EntityScores) and result["layers"]["entities"]["metrics"]:
        metrics = result["layers"]["entities"]["metrics"]
        per_label = {}
        for lab in s.labels:
            v = metrics.get(f"{mode}.{lab}.f1", {}).get("systems", {}).get(system)
            if v is not None:
                ci = v["interval"] or [None, None]
                per_label[str(lab)] = (v["value"], ci[0], ci[1])
        images["per-label F1"] = label_f1_plot(
            per_label, title=f"{system}: {mode} F1 per label, {conf}% bootstrap interval "
                             f"({resamples} resamples, seed {seed})")
        labs = [str(x) for x in s.labels]
        matrix = [[s.confusion.get((g, p), 0) for p in s.labels] for g in s.labels]
        images["label confusion matrix"] = confusion_plot(
            labs, matrix, title=f"{system}: gold vs predicted label (same boundaries)",
            missed=[s.mode_counts("exact", lab)["missed"] for lab in s.labels],
            spurious=[s.mode_counts("exact", lab)["spurious"] for lab in s.labels])
        for name, key in (("label_f1.png", "per-label F1"),
                          ("confusion.png", "label confusion matrix")):
            with atomic_write(out / name) as f:
                f.write(images[key])
    settings = (f"Statuses {', '.join(statuses)}; {conf}% bootstrap intervals over documents, "
                f"{resamples} resamples, seed {seed}.")
    page = render_page(gold, records, system=system, layers=names, scores=lines,
                       images=images, max_documents=max_documents, settings=settings)
    atomic_write_text(out / "index.html", page)
    files = sorted(p.name for p in out.iterdir()
                   if p.name in ("errors.jsonl", "scores.json", "index.html", "label_f1.png",
                                 "confusion.png"))
    return {"directory": str(out), "files": files, "records": len(records),
            "outcomes": summarise(records), "scores": lines}
