"""``dateline agreement [DIR]``: inter-annotator agreement of pulled annotations.

Per layer and label, on documents annotated by two or more annotators: pairwise F1 on the
scoring engine (entities strict; event triggers and arguments; quote content, cue and
speaker), each with a 95% bootstrap interval over documents, the first annotator of a pair
playing gold; Cohen's kappa on token labels; Krippendorff's alpha (nominal). Documents with
one annotator (or, with ``--expect``, none) are counted and listed. The pulled files are
stand-off: their texts come from the built corpus, or from ``--documents FILE``.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["agreement", "--format", "json"])
>>> args.path, args.format
(None, 'json')
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from dateline.commands.types import positive_int, seed
from dateline.schemas import read_documents
from dateline.studio.names import annotations_dir
from dateline.studio.sync import document_texts, read_pulled

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``agreement`` subcommand.

    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["agreement", "pulled", "--documents", "docs.jsonl"])
    >>> args.func is run, args.path, args.documents, args.bootstrap, args.seed
    (True, 'pulled', ['docs.jsonl'], 1000, 0)
    """
    p = sub.add_parser("agreement", help="agreement between annotators (F1, kappa, alpha)",
                       description=__doc__.split("\n\n")[1] if __doc__ else None)
    p.add_argument("path", nargs="?", default=None,
                   help="pulled annotations (default: annotations/labelstudio in the corpus "
                   "folder)")
    p.add_argument("--expect", nargs="+", default=[], metavar="FILE",
                   help="Document files listing the documents that should be annotated")
    p.add_argument("--documents", nargs="+", default=[], metavar="FILE",
                   help="Document files holding the annotated texts (default: the built corpus)")
    p.add_argument("--bootstrap", type=positive_int, default=1000, help="resamples (default 1000)")
    p.add_argument("--seed", type=seed, default=0)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run, parser=p)


def _fmt(x: Any) -> str:
    return "—" if x is None else f"{x:.3f}"


def run(args: argparse.Namespace) -> int:
    """Compute and print the agreement report.

    Two annotators who disagree on the extent of a name:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from dateline.schemas import Document, write_jsonl
    >>> from dateline.studio.convert import tasks_documents
    >>> from dateline.studio.sync import write_pulled
    >>> def annotation(ls_id, who, end):
    ...     return {"id": ls_id, "completed_by": who, "result": [
    ...         {"id": "m1", "type": "labels", "from_name": "entity", "to_name": "text",
    ...          "value": {"start": 0, "end": end, "text": "Ann Lee"[:end],
    ...                    "labels": ["PERSON"]}}]}
    >>> task = {"id": 1, "data": {"text": "Ann Lee left.", "doc_id": "d"},
    ...         "annotations": [annotation(1, 1, 7),
    ...                         annotation(2, 2, 3)]}
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_pulled(tasks_documents([task]), folder / "pulled")
    >>> write_jsonl([Document(id="d", text="Ann Lee left.")], folder / "docs.jsonl")
    1
    >>> import contextlib, io
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     code = run(p.parse_args(["agreement", str(folder / "pulled"), "--documents",
    ...                              str(folder / "docs.jsonl"), "--bootstrap", "10",
    ...                              "--format", "json"]))
    >>> pair = json.loads(out.getvalue())["pairs"]["user-1 | user-2"]
    >>> code, pair["documents"], pair["entities"]["f1"], pair["entities"]["kappa"]
    (0, 1, 0.0, 0.5)
    """
    from dateline.baselines.tokens import grapheme_tokens
    from dateline.evaluation.agreement import agreement

    expected = [d.id for d in read_documents(args.expect)] if args.expect else []
    pulled = read_pulled(args.path or annotations_dir(), document_texts(args.documents),
                         required=True)
    report = agreement(pulled, expected=expected, bootstrap=args.bootstrap,
                       seed=args.seed, tokenizer=grapheme_tokens)
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    # At least 120 columns: narrower, rich cuts the metric names short.
    console = Console(highlight=False, soft_wrap=True, width=max(Console().width, 120))
    docs = report["documents"]
    console.print(f"documents: {docs['annotated_by_2_or_more']} with 2+ annotators, "
                  f"{docs['annotated_by_1']} with one, {docs['annotated_by_none']} with none "
                  "(not in the measures)")
    for pair in report["pairs"].values():
        console.print(_pair_table(pair))
    table = Table("layer", "label", "alpha", title="Krippendorff's alpha (nominal), tokens")
    for layer, r in report["alpha"].items():
        table.add_row(layer, "all", _fmt(r["alpha"]))
        for label, x in r["per_label"].items():
            table.add_row("", label, _fmt(x))
    console.print(table)
    return 0


def _interval(r: dict[str, Any]) -> str:
    lo, hi = r["f1_interval"] or (None, None)
    return "" if lo is None else f"{_fmt(lo)}–{_fmt(hi)}"


def _pair_table(pair: dict[str, Any]) -> Table:
    """Every F1 of each layer, then each label's main F1; kappa per layer and label."""
    table = Table("layer", "label", "metric", "F1", "95% interval", "kappa",
                  title=f"{pair['gold']} (gold) vs {pair['prediction']} (prediction), "
                        f"{pair['documents']} documents",
                  caption="per label: the layer's main metric (--format json: all metrics)")
    for layer, r in pair.items():
        if not isinstance(r, dict):
            continue
        for k, (name, m) in enumerate(r["metrics"].items()):
            table.add_row(layer if k == 0 else "", "all" if k == 0 else "", name,
                          _fmt(m["f1"]), _interval(m), _fmt(r["kappa"]) if k == 0 else "")
        for label, x in r["per_label"].items():
            table.add_row("", label, x["main"], _fmt(x["f1"]), _interval(x), _fmt(x["kappa"]))
    return table
