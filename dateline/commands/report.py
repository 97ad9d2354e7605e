"""``dateline report GOLD PRED --output-dir DIR``: the error analysis of one system.

Writes ``errors.jsonl`` (every item's outcome: correct, wrong label, boundary error too long /
too short / shifted, missed, spurious, with document id and offsets), ``index.html`` (a
self-contained page: gold and predicted spans side by side, coloured by outcome, filterable,
quotes linked to their speakers), ``scores.json`` (every metric with a bootstrap interval) and,
for entities, ``label_f1.png`` and ``confusion.png``. Exit codes: 0 written, 1 refused (the
data has a problem), 2 usage error. Layers the predictions do not predict are not analysed
(printed as n/a with the reason).

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> a = p.parse_args(["report", "corpus:test", "crf.jsonl", "--output-dir", "out/crf"])
>>> a.output_dir, a.mode, a.max_docs
('out/crf', 'strict', 500)
"""

from __future__ import annotations

import argparse
import sys

from dateline.commands.options import (
    add_resampling_options,
    add_scoring_options,
    load_gold,
    load_predictions,
    scoring_options,
    system_names,
)
from dateline.commands.types import non_negative_int
from dateline.evaluation.entities import MODES
from dateline.evaluation.error_report import write_error_report
from dateline.evaluation.inputs import unpredicted_layers
from dateline.evaluation.layers import get_layer
from dateline.provenance import gold_source

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``report`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["report", "gold.jsonl", "pred.jsonl", "--output-dir", "out"])
    >>> args.func is run, args.name, args.resamples
    (True, None, 1000)
    """
    p = sub.add_parser(
        "report", help="error analysis of one system: outcomes, HTML page, plots",
        description="Write the error analysis of predicted Documents against gold ones: a "
                    "JSONL of every item's outcome, a self-contained HTML page and PNG plots.")
    p.add_argument("gold", metavar="GOLD", help="gold .jsonl/.json file, or corpus:SPLIT")
    p.add_argument("pred", metavar="PRED", help="predicted .jsonl/.json file")
    p.add_argument("--output-dir", default=None, metavar="DIR",
                   help="folder to write into (created if missing; required)")
    p.add_argument("-o", dest="old_output", default=None, help=argparse.SUPPRESS)
    p.add_argument("--name", default=None, help="the system's name (default: PRED's file name)")
    add_scoring_options(p)
    p.add_argument("--mode", choices=MODES, default="strict",
                   help="entity mode of the per-label F1 plot (default: strict)")
    add_resampling_options(p, trials=False)
    p.add_argument("--max-docs", type=non_negative_int, default=500, metavar="N",
                   help="documents on the page, those with the most errors first (default: "
                        "500; 0: all)")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    """Write the report and print where it is; return the exit code.

    >>> import argparse, contextlib, io, json, pathlib, tempfile
    >>> from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> gold = Document(id="d", text="Ann met Bo.", entities=(
    ...     Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),),
    ...     layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    >>> pred = gold.model_copy(update={"entities": (*gold.entities,
    ...     Mention(id="m2", start=8, end=10, text="Bo", label="PERSON"))})
    >>> write_jsonl([gold], folder / "gold.jsonl"), write_jsonl([pred], folder / "pred.jsonl")
    (1, 1)
    >>> gold_file, pred_file = str(folder / "gold.jsonl"), str(folder / "pred.jsonl")
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["report", gold_file, pred_file, "--output-dir", str(folder / "report"),
    ...                   "--layer", "entities", "--resamples", "10"]))
    entities strict.f1: 0.6667 [0.6667, 0.6667]
    entities partial.f1: 0.6667 [0.6667, 0.6667]
    entities: correct 1, spurious 1
    wrote confusion.png, errors.jsonl, index.html, label_f1.png, scores.json to .../report/
    0
    """
    if args.old_output is not None:
        print("warning: -o DIR is deprecated here (-o names a FILE in every command); use "
              "--output-dir DIR", file=sys.stderr)
    args.output_dir = args.output_dir or args.old_output
    if args.output_dir is None:
        args.parser.error("the following arguments are required: --output-dir")
    o = scoring_options(args)
    gold, corpus_version = load_gold(args.gold)
    source = gold_source(args.gold)
    pred = load_predictions(args.pred, gold, strict=args.strict,
                            validate=args.validate)
    name = args.name or system_names([args.pred])[0]
    missing = unpredicted_layers(pred)
    skipped = {n: missing[get_layer(n).data] for n in o.layers if get_layer(n).data in missing}
    for layer, why in skipped.items():  # never charged for a layer it does not predict
        print(f"{layer}: n/a, {why}")
    out = write_error_report(
        gold, pred, args.output_dir, system=name,
        layers=[n for n in o.layers if n not in skipped], statuses=o.statuses,
        labels=o.labels, kinds=o.kinds, overlap=o.overlap,
        mode=args.mode, resamples=args.resamples, seed=args.seed,
        max_documents=args.max_docs or None, corpus_version=corpus_version,
        manifest_hash=source.manifest_hash, protocol=args.protocol or source.protocol)
    for line in out["scores"]:
        print(line)
    for layer, counts in out["outcomes"].items():
        print(f"{layer}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"wrote {', '.join(out['files'])} to {out['directory']}/")
    return 0
