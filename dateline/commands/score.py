"""``dateline score GOLD PRED``: score predicted Documents against gold ones.

GOLD is a ``.jsonl``/``.json`` file of Documents or a corpus split (``corpus:test``); PRED a file
of Documents with the same ids and texts. Exit codes: 0 scored, 1 refused (the data has a
problem: ids or texts differ, a file is invalid; or the run's signature differs from
``--signature``), 2 usage error. PRED is validated first (levels 1-3; ``--no-validate``
skips it); a layer PRED does not predict is n/a, never scored as all missed. The default
engine, ``auto``, scores two large JSONL files with worker processes
(:func:`dateline.scaled.auto_engine`) and leaves any refusal to the in-memory run, so the
report and the errors are the in-memory run's.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["score", "corpus:test", "pred.jsonl", "--layer", "quotes",
...                      "--status", "gold,draft"])
>>> args.gold, args.layer, args.status
('corpus:test', 'quotes', 'gold,draft')
"""

from __future__ import annotations

import argparse
import sys

from dateline.commands.options import (
    add_engine_options,
    add_scoring_options,
    add_signature_option,
    check_engine,
    load_gold,
    load_predictions,
    scoring_options,
)
from dateline.evaluation.report import FORMATS, render, score
from dateline.evaluation.signature import check_signature, parse_signature, protocol_part
from dateline.provenance import gold_source
from dateline.schemas import DatelineError, atomic_write_text

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``score`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["score", "gold.jsonl", "pred.jsonl"])
    >>> args.func is run, args.layer, args.status, args.format
    (True, 'all', 'gold', 'table')
    """
    p = sub.add_parser("score", help="score predictions against gold documents",
                       description="Score predicted Documents against gold Documents, layer by "
                                   "layer, with optimal one-to-one matching.")
    p.add_argument("gold", metavar="GOLD", help="gold .jsonl/.json file, or corpus:SPLIT "
                   "(--engine stream|dask|processes: also .parquet, or a quoted glob of "
                   "files)")
    p.add_argument("pred", metavar="PRED", help="predicted .jsonl/.json file (--engine "
                   "stream|dask|processes: also .parquet, or a quoted glob of files)")
    add_scoring_options(p)
    add_signature_option(p)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="write to FILE instead of standard output")
    add_engine_options(p, ("auto", "memory", "stream", "dask", "processes"), "auto")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    """Score and print the report; return the exit code.

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
    ...     code = run(p.parse_args(["score", gold_file, pred_file, "--format", "json"]))
    >>> strict = json.loads(out.getvalue())["layers"]["entities"]["modes"]["strict"]["micro"]
    >>> code, strict["precision"], strict["recall"]
    (0, 0.5, 1.0)
    """
    o = scoring_options(args)
    check_engine(args)
    if args.signature is not None:
        parse_signature(args.signature)  # a malformed signature is a usage error, at once
    if args.protocol is not None:
        protocol_part(args.protocol)  # so is a malformed protocol
    engine, report = args.engine, None
    if engine == "auto":
        from dateline.scaled import auto_engine

        engine = auto_engine(args.gold, args.pred, args.workers)
    if engine != "memory":
        from dateline.evaluation.layers import ScoreOptions
        from dateline.scaled import score_scaled

        try:
            report = score_scaled(args.gold, args.pred, o.layers,
                                  ScoreOptions.of(o.statuses, o.labels, o.kinds, o.overlap),
                                  engine=engine, scheduler=args.scheduler,
                                  workers=args.workers, protocol=args.protocol,
                                  strict=args.strict, validate=args.validate)
        except (DatelineError, OSError) as exc:
            # auto: a refusal (or workers that cannot start) is left to the in-memory run,
            # which refuses with its own code and message, or scores files whose orders
            # differ more than a shard's buffer holds; a worker killed (out of memory) is not
            if args.engine != "auto" or getattr(exc, "code", None) == "worker-died":
                raise
    if report is None:
        gold, corpus_version = load_gold(args.gold)
        source = gold_source(args.gold)
        pred = load_predictions(args.pred, gold, strict=args.strict, validate=args.validate)
        report = score(gold, pred, layers=o.layers, statuses=o.statuses, labels=o.labels,
                       kinds=o.kinds, overlap=o.overlap, corpus_version=corpus_version,
                       manifest_hash=source.manifest_hash,
                       protocol=args.protocol or source.protocol)
    if args.signature is not None:
        check_signature(args.signature, report["signature"])
    text = render(report, args.format)
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
