"""``dateline benchmark``: the whole comparison in one command.

It builds the corpus if needed, trains what needs training (or reuses the cached models of this
corpus version), runs every available extractor on the test split (each sees only the text),
scores each on the layers it predicts, and prints one comparison table per layer. The tables come
from :func:`dateline.evaluation.compare`: every score with its 95% paired-bootstrap interval,
and ``*`` where a system differs from the layer's baseline (approximate randomisation,
Holm-adjusted p < 0.05); the baseline is the layer's reference point (``lexicon``,
``quote-marks``) when it ran, else the first extractor, or ``--baseline``. Everything is
written to the output folder: ``<extractor>.jsonl`` (predictions) and ``report.json`` (with
the comparisons under ``comparison``).

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["benchmark", "--extractors", "quotes-rules,quote-marks"])
>>> args.extractors, args.output_dir, args.split
('quotes-rules,quote-marks', 'out/benchmark', 'test')
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from dateline.baselines import available, get_extractor, layers_of
from dateline.baselines.text import tokenize
from dateline.commands.options import add_resampling_options
from dateline.commands.predict import predict_documents, prepare
from dateline.evaluation.compare import DEFAULT_SEED
from dateline.schemas import (
    DatelineError,
    Document,
    atomic_write_text,
    inventory,
    write_jsonl,
)

__all__ = ["TABLES", "benchmark", "comparisons", "register", "run", "tables"]

# The columns of each layer's table: (heading, path into the layer's report, key).
TABLES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "entities": (
        ("strict P", ("modes", "strict", "micro", "precision")),
        ("strict R", ("modes", "strict", "micro", "recall")),
        ("strict F1", ("modes", "strict", "micro", "f1")),
        ("partial P", ("modes", "partial", "micro", "precision")),
        ("partial R", ("modes", "partial", "micro", "recall")),
        ("partial F1", ("modes", "partial", "micro", "f1")),
    ),
    "events": (
        ("trigger id P", ("metrics", "trigger_identification", "precision")),
        ("trigger id R", ("metrics", "trigger_identification", "recall")),
        ("trigger id F1", ("metrics", "trigger_identification", "f1")),
        ("trigger cls F1", ("metrics", "trigger_classification", "f1")),
        ("arg id F1", ("metrics", "argument_identification", "f1")),
        ("arg cls F1", ("metrics", "argument_classification", "f1")),
    ),
    "quotes": (
        ("quote F1", ("metrics", "quote", "f1")),
        ("content tok P", ("metrics", "content_tokens", "precision")),
        ("content tok R", ("metrics", "content_tokens", "recall")),
        ("content tok F1", ("metrics", "content_tokens", "f1")),
        ("content exact F1", ("metrics", "content_exact", "f1")),
        ("cue F1", ("metrics", "cue_exact", "f1")),
        ("speaker mention F1", ("metrics", "speaker_mention", "f1")),
        ("speaker entity F1", ("metrics", "speaker_entity", "f1")),
    ),
}
# The core named-entity task (DESIGN.md §2): PERSON/ORGANIZATION/LOCATION mentions of kind named.
CORE = "entities-core"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``benchmark`` subcommand."""
    p = sub.add_parser("benchmark", help="train, run and score every extractor on the test split",
                       description="Build the corpus if needed, train what needs training, run "
                                   "every available extractor on the test split, score them "
                                   "and print one comparison table per layer.")
    p.add_argument("--extractors", default=None, metavar="N[,N...]",
                   help="only these extractors (default: every available one)")
    p.add_argument("--split", choices=("validation", "test"), default="test")
    p.add_argument("--status", default="gold", metavar="S[,S...]",
                   help="gold layer statuses to score (default: gold); e.g. gold,draft")
    p.add_argument("-o", "--output-dir", default="out/benchmark", metavar="DIR",
                   help="where predictions and report.json go (default: out/benchmark)")
    p.add_argument("--retrain", action="store_true", help="retrain even if models are cached")
    p.add_argument("--quiet", action="store_true", help="no progress, only the tables")
    p.add_argument("--baseline", default=None, metavar="NAME",
                   help="compare every extractor with this one (default: the layer's reference "
                        "point, else the first extractor)")
    add_resampling_options(p)
    p.set_defaults(func=run, parser=p)


def _get(report: dict[str, Any], path: Sequence[str]) -> Any:
    value: Any = report
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _ensure_corpus(console: Console) -> str:
    """Build the corpus when it is not built; return its version."""
    from dateline import loading

    try:
        next(iter(loading.documents("test")), None)
    except DatelineError as err:
        if err.code != "corpus-not-built":
            raise
        from dateline.build import build

        console.print("building the corpus (dateline corpus build)")
        build(loading.default_corpus_dir(), loading.default_sources_dir(),
              step=lambda s: console.print(f"  {s}"))
    return loading.corpus_version()


def benchmark(names: Sequence[str] | None, *, split: str = "test",
              statuses: Sequence[str] = ("gold",), output_dir: Path,
              retrain: bool = False, console: Console | None = None,
              baseline: str | None = None, resamples: int = 1000, trials: int = 10000,
              seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Run the benchmark and return the report (also written to ``output_dir/report.json``)."""
    from dateline import loading
    from dateline.evaluation.report import score

    console = console or Console(stderr=True, quiet=True)
    version = _ensure_corpus(console)
    gold = list(loading.documents(split))
    n_tokens = sum(len(tokenize(d.text)) for d in gold)
    output_dir.mkdir(parents=True, exist_ok=True)
    infos = available()
    chosen = list(names) if names else list(infos)
    report: dict[str, Any] = {
        "corpus_version": version, "split": split, "documents": len(gold), "tokens": n_tokens,
        "statuses": list(statuses), "extractors": {}, "skipped": {}}
    core = inventory().core_entity_labels
    predictions: dict[str, list[Document]] = {}
    for name in chosen:
        # 1. Make the extractor; one that cannot be installed here is skipped, with the reason.
        try:
            extractor = get_extractor(name)
        except DatelineError as err:
            if names and err.code != "extractor-unavailable":
                raise
            report["skipped"][name] = err.message
            console.print(f"skipped {name}: {err.message}")
            continue
        # 2. Load its cached model or train it.
        started = time.perf_counter()
        trained = prepare(extractor, force=retrain, console=console)
        train_seconds = time.perf_counter() - started
        # 3. Predict on the split (layers stripped) and write the predictions.
        preds, seconds = predict_documents(extractor, gold, console=console,
                                           description=f"{name} on {split}")
        write_jsonl(preds, output_dir / f"{name}.jsonl")
        predictions[name] = preds
        # 4. Score the layers it predicts, and the core named-entity task for entities.
        layers = layers_of(extractor)
        scores = score(gold, preds, layers=layers, statuses=statuses, corpus_version=version)
        entry: dict[str, Any] = {
            "version": extractor.version, "origin": infos[name].origin if name in infos else "",
            "reference": infos[name].reference if name in infos else False,
            "layers": list(layers), "predict_seconds": round(seconds, 3),
            "tokens_per_second": round(n_tokens / seconds) if seconds > 0 else None,
            "train": trained, "prepare_seconds": round(train_seconds, 2), "scores": scores}
        if "entities" in layers:
            entry["scores_core"] = score(gold, preds, layers=("entities",), statuses=statuses,
                                         labels=core, kinds=("named",), corpus_version=version)
        report["extractors"][name] = entry
        console.print(f"{name}: {len(preds)} documents in {seconds:.2f} s")
    # 5. Compare the extractors of each layer: intervals, differences, significance.
    report["comparison"] = comparisons(gold, predictions, report, baseline=baseline,
                                       resamples=resamples, trials=trials, seed=seed)
    atomic_write_text(output_dir / "report.json", json.dumps(report, indent=2) + "\n")
    return report


def comparisons(gold: Sequence[Document], predictions: dict[str, list[Document]],
                report: dict[str, Any], *, baseline: str | None = None, resamples: int = 1000,
                trials: int = 10000, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """One :func:`~dateline.evaluation.compare` result per table (layer, and the core task)."""
    from dateline.evaluation.compare import compare

    core = inventory().core_entity_labels
    out = {}
    for layer in ("entities", CORE, "events", "quotes"):
        base = "entities" if layer == CORE else layer
        names = [n for n, e in report["extractors"].items()
                 if base in e["layers"] and n in predictions]
        if not names:
            continue
        refs = [n for n in names if report["extractors"][n]["reference"]]
        chosen = baseline if baseline in names else (refs[0] if refs else names[0])
        out[layer] = compare(gold, {n: predictions[n] for n in names}, baseline=chosen,
                             layers=(base,), statuses=report["statuses"],
                             labels=core if layer == CORE else None,
                             kinds=("named",) if layer == CORE else None,
                             resamples=resamples, trials=trials, seed=seed,
                             corpus_version=report["corpus_version"])
    return out


def _metric_name(path: Sequence[str]) -> str:
    # ("modes", "strict", "micro", "f1") -> "strict.f1"; ("metrics", "quote", "f1") -> "quote.f1"
    return f"{path[1]}.{path[3]}" if path[0] == "modes" else f"{path[1]}.{path[2]}"


def _cell(comparison: dict[str, Any] | None, base: str, path: Sequence[str], name: str,
          value: Any) -> str:
    """The score, ``*`` when it differs significantly from the baseline, and its interval."""
    entry = _get(comparison or {}, ("layers", base, "metrics", _metric_name(path)))
    if entry is None or value is None:
        return _fmt(value)
    ci = entry["systems"][name]["interval"]
    star = "*" if entry.get("differences", {}).get(name, {}).get("significant") else ""
    return f"{value:.3f}{star}" + (f"\n[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def tables(report: dict[str, Any]) -> list[Table]:
    """One rich table per layer (plus the core named-entity task) from a benchmark report."""
    out = []
    for layer in ("entities", CORE, "events", "quotes"):
        base = "entities" if layer == CORE else layer
        key = "scores_core" if layer == CORE else "scores"
        rows = [(n, e) for n, e in report["extractors"].items() if base in e["layers"]]
        if not rows:
            continue
        title = (f"{layer} — {report['split']} split, corpus {report['corpus_version']}, "
                 f"{'/'.join(report['statuses'])} layers")
        if layer == CORE:
            title = f"entities, core task (PERSON/ORGANIZATION/LOCATION, named) — {title[16:]}"
        comparison = report.get("comparison", {}).get(layer)
        if comparison is not None:
            s = comparison["settings"]
            title += (f"; {round(100 * s['confidence'])}% bootstrap intervals; * = differs from "
                      f"{s['baseline']} (approximate randomisation, Holm p < {s['alpha']}); "
                      f"seed {s['seed']}")
        columns = TABLES[base]
        table = Table("extractor", *(c for c, _ in columns), "docs", "tokens/s (wall)",
                      title=title)
        for name, entry in rows:
            res = entry[key]["layers"][base]
            label = f"{name} (reference)" if entry["reference"] else name
            if comparison is not None and comparison["settings"]["baseline"] == name:
                label += "\nbaseline"
            docs = _get(res, ("documents", "scored"))
            table.add_row(label, *(_cell(comparison, base, path, name, _get(res, path))
                                   for _, path in columns), _fmt(docs),
                          _fmt(entry["tokens_per_second"]))
        out.append(table)
    return out


def run(args: argparse.Namespace) -> int:
    """Run the benchmark and print the tables."""
    # Piped to a file the tables keep their full width instead of rich's default 80 columns.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 180)
    progress = Console(stderr=True, highlight=False, quiet=args.quiet)
    names = [n.strip() for n in args.extractors.split(",")] if args.extractors else None
    statuses = [s.strip() for s in args.status.split(",") if s.strip()]
    out = Path(args.output_dir)
    report = benchmark(names, split=args.split, statuses=statuses, output_dir=out,
                       retrain=args.retrain, console=progress, baseline=args.baseline,
                       resamples=args.resamples, trials=args.trials, seed=args.seed)
    for table in tables(report):
        console.print(table)
    for name, why in report["skipped"].items():
        console.print(f"skipped {name}: {why}")
    console.print(f"predictions and report.json in {out}/")
    return 0
