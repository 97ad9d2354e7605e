"""``dateline benchmark``: the whole comparison in one command.

It parses the options, runs :func:`dateline.benchmark.benchmark` (build the corpus if needed,
train what needs training or reuse the cached models of this corpus version, run every
available extractor on the test split, check each one's output with the validator, score each
once on the layers it declares) and prints one comparison table per task
(:mod:`dateline.benchmark_render`): every score with its 95% paired-bootstrap interval, and
``*`` where a system differs from the task's reference (approximate randomisation,
Holm-adjusted p < 0.05). The reference is ``--reference NAME`` when it predicts the task's
layer, else the task's reference point (``lexicon``, ``quote-marks``) when it ran, else there
is no test; never the first extractor by position. ``--format`` prints a terminal table
(fitting the terminal's width or ``COLUMNS``: a task too wide is split into several tables),
Markdown, LaTeX (booktabs), JSON or CSV; ``-o FILE`` writes it to FILE. Everything is written
to ``--output-dir``: ``<extractor>.jsonl`` (predictions) and ``report.json`` (with the
comparisons under ``comparison``).

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["benchmark", "--extractors", "quotes-rules,quote-marks"])
>>> args.extractors, args.output_dir, args.split, args.format
('quotes-rules,quote-marks', 'out/benchmark', 'test', 'table')
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from dateline.benchmark import benchmark
from dateline.benchmark_render import BENCHMARK_FORMATS, render
from dateline.commands.options import (
    add_reference_option,
    add_resampling_options,
    add_validate_option,
    load_gold,
    reference_of,
)
from dateline.commands.predict import parse_settings
from dateline.commands.types import fold_count
from dateline.folds import DEFAULT_FOLDS
from dateline.protocols import PROTOCOLS, parse_protocol
from dateline.schemas import DatelineError, atomic_write_text
from dateline.schemas.fast import to_document

__all__ = ["extractor_settings", "register", "run", "width"]

FALLBACK_WIDTH = 100  # piped without COLUMNS


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
    p.add_argument("--output-dir", default="out/benchmark", metavar="DIR",
                   help="where predictions and report.json go (default: out/benchmark)")
    p.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="write the tables (in --format) to FILE instead of standard output")
    p.add_argument("--format", choices=BENCHMARK_FORMATS, default="table",
                   help="table (fits the terminal width or COLUMNS), markdown, latex "
                        "(booktabs), json (the whole report) or csv")
    p.add_argument("--set", dest="settings", action="append", default=[],
                   metavar="NAME.KEY=VALUE",
                   help="a setting of extractor NAME; VALUE is JSON when it parses as JSON "
                        "(e.g. --set crf.c2_grid=[0.1]); `dateline extractors --verbose` "
                        "lists the settings")
    p.add_argument("--retrain", action="store_true", help="retrain even if models are cached")
    p.add_argument("--quiet", action="store_true", help="no progress, only the tables")
    add_reference_option(p, "an extractor name")
    add_validate_option(p)
    add_resampling_options(p)
    p.set_defaults(func=run, parser=p)


def extractor_settings(items: list[str]) -> dict[str, dict[str, Any]]:
    """``["NAME.KEY=VALUE", ...]`` as extractor name -> settings (values JSON when they
    parse; ``bad-setting`` for an item without a NAME).

    >>> extractor_settings(["crf.c2_grid=[0.1]", "crf.max_iterations=5",
    ...                     "quotes-rules.indirect=false"])
    {'crf': {'c2_grid': [0.1], 'max_iterations': 5}, 'quotes-rules': {'indirect': False}}
    >>> extractor_settings(["c2_grid=[0.1]"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-setting] --set 'c2_grid=[0.1]' is not NAME...
    """
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        name, dot, rest = item.partition("=")[0].partition(".")
        if not dot or not name or not rest:
            raise DatelineError("bad-setting", f"--set {item!r} is not NAME.KEY=VALUE",
                                fix="name the extractor: --set crf.max_iterations=50",
                                exit_code=2)
        out.setdefault(name, {}).update(parse_settings([item[len(name) + 1:]]))
    return out


def width() -> int:
    """The width tables fit: ``COLUMNS``, else the terminal's, else 100 columns.

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"COLUMNS": "90"}):
    ...     width()
    90
    """
    return shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns


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
    from rich.console import Console

    protocol = parse_protocol(args.protocol, folds=args.folds)
    if args.output is not None and Path(args.output).is_dir():
        raise DatelineError("bad-option", f"-o/--output {args.output!r} is a folder: -o names "
                            "the FILE the tables are written to", fix="give the folder of "
                            "predictions and report.json as --output-dir", exit_code=2)
    reference = reference_of(args)
    progress = Console(stderr=True, highlight=False, quiet=args.quiet)
    names = [n.strip() for n in args.extractors.split(",")] if args.extractors else None
    statuses = [s.strip() for s in args.status.split(",") if s.strip()]
    out = Path(args.output_dir)
    gold, version = load_gold(args.gold) if args.gold else (None, None)
    if gold is not None:  # the extractors take Documents (the fast reader gives structs)
        gold = [to_document(d) for d in gold]
    report = benchmark(names, split=args.split, gold=gold, corpus_version=version,
                       gold_name=args.gold, protocol=protocol, statuses=statuses,
                       output_dir=out, retrain=args.retrain, console=progress,
                       reference=reference, resamples=args.resamples, trials=args.trials,
                       seed=args.seed, validate=args.validate,
                       settings=extractor_settings(args.settings))
    text = render(report, args.format, width=width())
    if args.output is not None:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    progress.print(f"predictions and report.json in {out}/"
                   + (f"; tables in {args.output}" if args.output else ""))
    return 0
