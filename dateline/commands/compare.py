"""``dateline compare GOLD PRED_A PRED_B [...]``: every metric of each system with a 95%
paired-bootstrap interval, and each system against the reference: the difference, its
interval, and an approximate-randomisation p-value (raw and Holm-adjusted). A system is
scored only on the layers its predictions predict (n/a elsewhere, with the reason).

GOLD is a ``.jsonl``/``.json`` file of Documents or a corpus split (``corpus:test``). Systems
are named after their files (``--names`` overrides); each layer's reference is
``--reference NAME``, else the layer's reference point (``lexicon``, ``quote-marks``) when it
is among them, never the first by position: without one a layer has intervals, no test.
Prediction files are validated (levels 1-3) unless ``--no-validate``. Exit codes: 0
compared, 1 refused (the data has a problem, or the run's signature differs from
``--signature``), 2 usage error.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> a = p.parse_args(["compare", "corpus:test", "a.jsonl", "b.jsonl", "--by", "genre",
...                   "--seed", "3"])
>>> a.preds, a.by, a.seed, a.resamples, a.trials
(['a.jsonl', 'b.jsonl'], 'genre', 3, 1000, 10000)
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dateline.commands.options import (
    ScoringOptions,
    add_engine_options,
    add_reference_option,
    add_resampling_options,
    add_scoring_options,
    add_signature_option,
    check_engine,
    load_gold,
    load_predictions,
    reference_of,
    scoring_options,
    system_names,
)
from dateline.commands.types import probability
from dateline.evaluation.compare import compare_systems
from dateline.evaluation.signature import check_signature, parse_signature
from dateline.evaluation.tables import (
    COMPARE_FORMATS,
    check_metric_patterns,
    render_comparison,
)
from dateline.provenance import gold_source
from dateline.references import check_reference, references
from dateline.schemas import DatelineError, Meta, atomic_write_text

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``compare`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["compare", "gold.jsonl", "a.jsonl", "b.jsonl"])
    >>> args.func is run, args.reference, args.confidence, args.alpha, args.format
    (True, None, 0.95, 0.05, 'table')
    """
    p = sub.add_parser(
        "compare", help="compare systems: intervals, differences and significance",
        description="Score several systems against the same gold documents: every metric "
                    "with a paired-bootstrap confidence interval over documents, and each "
                    "system against the reference with the difference, its interval and a "
                    "paired approximate-randomisation p-value, Holm-corrected.")
    p.add_argument("gold", metavar="GOLD", help="gold .jsonl/.json file, or corpus:SPLIT")
    p.add_argument("preds", metavar="PRED", nargs="+", help="predicted .jsonl/.json files")
    p.add_argument("--names", default=None, metavar="N[,N...]",
                   help="system names, one per PRED (default: the file names)")
    add_reference_option(p, "a name or a PRED path")
    add_scoring_options(p)
    add_resampling_options(p)
    p.add_argument("--confidence", type=probability, default=0.95, metavar="C",
                   help="interval level (default: 0.95)")
    p.add_argument("--alpha", type=probability, default=0.05, metavar="A",
                   help="significance level of the Holm-adjusted p-values (default: 0.05)")
    p.add_argument("--by", default=None, metavar="FIELD", choices=tuple(Meta.model_fields),
                   help="also break the numbers down by this metadata field (genre, "
                        "collection, publisher, ...)")
    p.add_argument("--per-label", action="store_true",
                   help="also compare each entity label's precision, recall and F1")
    p.add_argument("--metric", action="append", default=None, metavar="PATTERN",
                   help="show only metrics matching this pattern (fnmatch, e.g. '*.f1'; "
                        "repeatable; JSON always has all)")
    add_signature_option(p)
    add_engine_options(p, ("memory", "stream"))
    p.add_argument("--format", choices=COMPARE_FORMATS, default="table")
    p.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="write to FILE instead of standard output")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    """Compare and print (or write) the result; return the exit code.

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
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     code = run(p.parse_args(["compare", gold_file, gold_file, pred_file, "--layer",
    ...                              "entities", "--resamples", "20", "--trials", "20",
    ...                              "--reference", "gold", "--format", "json"]))
    >>> f1 = json.loads(out.getvalue())["layers"]["entities"]["metrics"]["strict.f1"]
    >>> code, f1["systems"]["gold"]["value"], round(f1["differences"]["pred"]["difference"], 4)
    (0, 1.0, -0.3333)
    """
    o = scoring_options(args)
    check_engine(args)
    names = system_names(args.preds) if args.names is None else \
        [x.strip() for x in args.names.split(",")]
    if len(names) != len(args.preds) or len(set(names)) != len(names):
        raise DatelineError("bad-option", f"--names {args.names!r}: give one distinct name "
                            f"per prediction file ({len(args.preds)})", exit_code=2)
    reference = reference_of(args)
    if reference is not None and reference not in names and reference in args.preds:
        reference = names[args.preds.index(reference)]  # a path is accepted too
    check_reference(reference, names)
    if args.signature is not None:
        parse_signature(args.signature)  # a malformed signature is a usage error, at once
    if args.engine == "stream":
        result = _compare_streamed(args, o, names, reference)
    else:
        result = _compare_in_memory(args, o, names, reference)
    if args.signature is not None:
        check_signature(args.signature, result["signature"])
    if args.metric:
        check_metric_patterns(result, args.metric)  # a layer without documents has no metric
    text = render_comparison(result, args.format, args.metric or ("*",))
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _compare_streamed(args: argparse.Namespace, o: ScoringOptions, names: list[str],
                      reference: str | None) -> dict[str, Any]:
    from dateline.evaluation.layers import ScoreOptions
    from dateline.scaled import compare_streamed

    return compare_streamed(
        args.gold, dict(zip(names, args.preds, strict=True)), o.layers,
        ScoreOptions.of(o.statuses, o.labels, o.kinds, o.overlap),
        reference=reference, protocol=args.protocol, strict=args.strict, validate=args.validate,
        resamples=args.resamples, trials=args.trials, seed=args.seed,
        confidence=args.confidence, alpha=args.alpha, by=args.by, per_label=args.per_label,
        metrics=args.metric or ())


def _compare_in_memory(args: argparse.Namespace, o: ScoringOptions, names: list[str],
                       reference: str | None) -> dict[str, Any]:
    gold, corpus_version = load_gold(args.gold)
    source = gold_source(args.gold)
    systems = {name: load_predictions(path, gold, strict=args.strict, validate=args.validate)
               for name, path in zip(names, args.preds, strict=True)}
    return compare_systems(
        gold, systems, baseline=references(systems, o.layers, explicit=reference),
        layers=o.layers, statuses=o.statuses, labels=o.labels,
        kinds=o.kinds, overlap=o.overlap, resamples=args.resamples, trials=args.trials,
        seed=args.seed, confidence=args.confidence, alpha=args.alpha, by=args.by,
        per_label=args.per_label, corpus_version=corpus_version,
        manifest_hash=source.manifest_hash, protocol=args.protocol or source.protocol,
        metrics=args.metric or ())
