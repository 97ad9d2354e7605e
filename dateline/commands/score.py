"""``dateline score GOLD PRED``: score predicted Documents against gold ones.

GOLD is a ``.jsonl``/``.json`` file of Documents or a corpus split (``corpus:test``); PRED a file
of Documents with the same ids and texts. Exit codes: 0 scored, 1 refused (the data has a
problem: ids or texts differ, a file is invalid), 2 usage error.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["score", "corpus:test", "pred.jsonl", "--layer", "quotes",
...                      "--status", "gold,draft"])
>>> args.gold, args.layer, args.status
('corpus:test', 'quotes', 'gold,draft')
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dateline.evaluation.matching import Overlap
from dateline.evaluation.report import FORMATS, LAYERS, render, score
from dateline.schemas import DatelineError, Document, read_jsonl
from dateline.schemas.labels import inventory

__all__ = ["load_gold", "register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``score`` subcommand."""
    p = sub.add_parser("score", help="score predictions against gold documents",
                       description="Score predicted Documents against gold Documents, layer by "
                                   "layer, with optimal one-to-one matching.")
    p.add_argument("gold", metavar="GOLD", help="gold .jsonl/.json file, or corpus:SPLIT")
    p.add_argument("pred", metavar="PRED", help="predicted .jsonl/.json file")
    p.add_argument("--layer", choices=(*LAYERS, "all"), default="all")
    p.add_argument("--status", default="gold", metavar="S[,S...]",
                   help="gold layer statuses to score (default: gold); e.g. gold,draft")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--labels", default=None, metavar="L[,L...]",
                   help="score only these entity labels (e.g. PERSON,ORGANIZATION,LOCATION)")
    p.add_argument("--kinds", default=None, metavar="K[,K...]",
                   help="score only gold mentions of these kinds (e.g. named)")
    p.add_argument("--overlap", type=float, default=0.0, metavar="F",
                   help="minimum overlap of a matched pair, a fraction (default: any)")
    p.add_argument("--overlap-of", choices=("gold", "pred", "union"), default="gold",
                   help="what --overlap is a fraction of (default: gold)")
    p.set_defaults(func=run, parser=p)


def _csv(value: str | None, allowed: tuple[str, ...], option: str) -> list[str] | None:
    if value is None:
        return None
    items = [x.strip() for x in value.split(",") if x.strip()]
    bad = [x for x in items if x not in allowed]
    if bad or not items:
        raise DatelineError("bad-option", f"{option} {value!r}: unknown value "
                            f"{bad[0] if bad else value!r}",
                            fix=f"use a comma-separated list of {', '.join(allowed)}",
                            exit_code=2)
    return items


def load_gold(spec: str) -> tuple[list[Document], str | None]:
    """The gold Documents and the corpus version (None for a file)."""
    if spec.startswith("corpus:"):
        split = spec.removeprefix("corpus:")
        try:
            loading: Any = importlib.import_module("dateline.loading")
        except ModuleNotFoundError as exc:
            raise DatelineError("corpus-unavailable", "this installation has no corpus loader",
                                where=spec, fix="give a gold .jsonl file instead") from exc
        documents: Callable[[str], Any] = loading.documents
        return list(documents(split)), str(loading.corpus_version())
    if not Path(spec).exists():
        raise DatelineError("no-such-file", f"{spec!r} does not exist", where=spec,
                            fix="give a .jsonl file of Documents or corpus:SPLIT", exit_code=2)
    return list(read_jsonl(spec)), None


def run(args: argparse.Namespace) -> int:
    """Score and print the report; return the exit code."""
    statuses = _csv(args.status, inventory().layer_statuses, "--status") or ["gold"]
    labels = _csv(args.labels, inventory().entity_labels, "--labels")
    kinds = _csv(args.kinds, inventory().mention_kinds, "--kinds")
    overlap = Overlap(args.overlap, args.overlap_of)
    gold, corpus_version = load_gold(args.gold)
    if not Path(args.pred).exists():
        raise DatelineError("no-such-file", f"{args.pred!r} does not exist", where=args.pred,
                            fix="give a .jsonl file of predicted Documents", exit_code=2)
    pred = list(read_jsonl(args.pred))
    layers = LAYERS if args.layer == "all" else (args.layer,)
    report = score(gold, pred, layers=layers, statuses=statuses, labels=labels, kinds=kinds,
                   overlap=overlap, corpus_version=corpus_version)
    sys.stdout.write(render(report, args.format))
    return 0
