"""``dateline benchmark``: the whole comparison in one command.

It parses the options, runs :func:`dateline.benchmark.benchmark` (build the corpus if needed,
train what needs training or reuse the cached models of this corpus version, run every
available extractor on the test split, score each once on the tasks it predicts) and prints one
comparison table per task (:func:`dateline.benchmark.tables`): every score with its 95%
paired-bootstrap interval, and ``*`` where a system differs from the layer's baseline
(approximate randomisation, Holm-adjusted p < 0.05); the baseline is the task's reference
point (``lexicon``, ``quote-marks``) when it ran, else the first extractor, or
``--baseline``. Everything is written to the output folder: ``<extractor>.jsonl``
(predictions) and ``report.json`` (with the comparisons under ``comparison``).

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["benchmark", "--extractors", "quotes-rules,quote-marks"])
>>> args.extractors, args.output_dir, args.split
('quotes-rules,quote-marks', 'out/benchmark', 'test')
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from dateline.benchmark import benchmark
from dateline.benchmark import tables as benchmark_tables
from dateline.commands.options import add_resampling_options, load_gold
from dateline.commands.types import fold_count
from dateline.folds import DEFAULT_FOLDS
from dateline.protocols import PROTOCOLS, parse_protocol

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``benchmark`` subcommand.

    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["benchmark", "--protocol", "cv", "--folds", "3"])
    >>> args.func is run, args.protocol, args.folds, args.status
    (True, 'cv', 3, 'gold')
    """
    p = sub.add_parser("benchmark", help="train, run and score every extractor on the test split",
                       description="Build the corpus if needed, train what needs training, run "
                                   "every available extractor on the test split, score them "
                                   "and print one comparison table per layer.")
    p.add_argument("--extractors", default=None, metavar="N[,N...]",
                   help="only these extractors (default: every available one)")
    p.add_argument("--split", choices=("validation", "test"), default="test",
                   help="the split scored under --protocol test (default: test)")
    p.add_argument("--protocol", choices=PROTOCOLS, default="test",
                   help="test: the official test split (trained extractors learn from train); "
                        "all: every document, for extractors that never train on the corpus; "
                        "cv: k-fold cross-validation over every document (default: test)")
    p.add_argument("--folds", type=fold_count, default=DEFAULT_FOLDS, metavar="K",
                   help=f"folds of --protocol cv (default: {DEFAULT_FOLDS}, the published "
                        "folds)")
    p.add_argument("--gold", default=None, metavar="FILE",
                   help="score on these gold Documents instead of the corpus (e.g. written by "
                        "`dateline convert`); with --protocol all or cv, every document")
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


def run(args: argparse.Namespace) -> int:
    """Run the benchmark and print the tables (a bad protocol fails before anything runs).

    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["benchmark", "--protocol", "cv", "--folds", "3"])
    >>> args.protocol = "loo"
    >>> run(args)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-protocol] unknown protocol 'loo'. Fix: ...
    """
    # Piped to a file the tables keep their full width instead of rich's default 80 columns.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 180)
    progress = Console(stderr=True, highlight=False, quiet=args.quiet)
    names = [n.strip() for n in args.extractors.split(",")] if args.extractors else None
    statuses = [s.strip() for s in args.status.split(",") if s.strip()]
    out = Path(args.output_dir)
    gold, version = load_gold(args.gold) if args.gold else (None, None)
    report = benchmark(names, split=args.split, gold=gold, corpus_version=version,
                       gold_name=args.gold,
                       protocol=parse_protocol(args.protocol, folds=args.folds),
                       statuses=statuses, output_dir=out,
                       retrain=args.retrain, console=progress, baseline=args.baseline,
                       resamples=args.resamples, trials=args.trials, seed=args.seed)
    for table in benchmark_tables(report):
        console.print(table)
    for name, why in report["skipped"].items():
        console.print(f"skipped {name}: {why}")
    console.print(f"predictions and report.json in {out}/")
    return 0
