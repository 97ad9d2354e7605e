"""``dateline convert FORMAT INPUT... -o OUT.jsonl``: other formats into validated Documents.

Formats: ``conll``, ``brat``, ``spacy`` (DocBin), ``oneie`` (also TextEE) and ``hf``
(:mod:`dateline.convert` gives each one's rules). The conversion report (documents, items per
layer and label, dropped items with the reason and count) is printed and, with
``--report FILE``, written as JSON.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["convert", "conll", "a.conll", "-o", "out.jsonl", "--kind", "named"])
>>> args.format, args.inputs, args.status, args.coverage, args.kind
('conll', ['a.conll'], None, None, 'named')
"""

from __future__ import annotations

import argparse
from typing import Any

from dateline.commands.types import positive_int
from dateline.convert import FORMATS, Provenance, convert, read_map, write_converted

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``convert`` subcommand.

    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["convert", "brat", "d/", "-o", "o.jsonl",
    ...                      "--annotator-choice", "all"])
    >>> args.func is run, args.annotator_choice, args.annotators
    (True, 'all', None)
    """
    p = sub.add_parser("convert", help="convert CoNLL, brat, spaCy, OneIE or Hugging Face data "
                                       "into Documents",
                       description="Convert annotated data of another format into validated "
                                   "Documents (JSON Lines) and print the conversion report.")
    p.add_argument("format", choices=FORMATS, help="the input format")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders to convert")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl",
                   help="where the Documents go")
    p.add_argument("--map", default=None, metavar="MAP.json",
                   help="map file: source labels to dateline labels (README: Converting)")
    p.add_argument("--report", default=None, metavar="FILE",
                   help="also write the conversion report as JSON")
    p.add_argument("--source", default=None, metavar="NAME",
                   help="the dataset's name (layers.*.source and meta.collection)")
    p.add_argument("--status", choices=("gold", "draft", "silver"), default=None,
                   help="gold: made by human annotators (default; hf rows of the default "
                        "config keep their own); draft: by hand, not yet reviewed; silver: "
                        "machine output")
    p.add_argument("--annotators", default=None, metavar="A[,A...]",
                   help="the annotators, for every layer (default: brat's .ann suffixes)")
    p.add_argument("--coverage", choices=("partial", "exhaustive"), default=None,
                   help="partial (default): unmatched predictions are not counted (recall "
                        "only); exhaustive: the source annotates every item of its labels")
    g = p.add_argument_group("conll")
    g.add_argument("--column", type=int, default=-1, metavar="I",
                   help="0-based column of the tag (negative: from the end; default -1)")
    g.add_argument("--sentences-per-document", type=positive_int, default=None, metavar="N",
                   help="without -DOCSTART- lines: one document per N sentences (default: "
                        "one per file)")
    g.add_argument("--kind", choices=("named",), default=None,
                   help="mark every mention as a name (conll, spacy, hf tokens)")
    g = p.add_argument_group("brat")
    g.add_argument("--ann-dir", default=None, metavar="DIR",
                   help="folder of the .ann files (default: beside the .txt files)")
    g.add_argument("--annotator-choice", choices=("first", "all"), default="first",
                   help="several .ann files per text: the first, or one Document each")
    g = p.add_argument_group("spacy")
    g.add_argument("--span-group", default=None, metavar="KEY",
                   help="also read the spans of doc.spans[KEY] as entities")
    g = p.add_argument_group("hf")
    g.add_argument("--config", choices=("tokens", "default"), default=None,
                   help="the columns' layout (default: found from the columns)")
    g.add_argument("--tags", default="ner_tags", metavar="COLUMN",
                   help="the tag column of the tokens config (default: ner_tags)")
    p.set_defaults(func=run, parser=p)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "conll": {"column": args.column, "kind": args.kind,
                  "sentences_per_document": args.sentences_per_document},
        "brat": {"ann_dir": args.ann_dir, "annotator_choice": args.annotator_choice},
        "spacy": {"span_group": args.span_group, "kind": args.kind},
        "oneie": {},
        "hf": {"config": args.config, "tags": args.tags, "kind": args.kind},
    }[args.format]


def run(args: argparse.Namespace) -> int:
    """Convert, write the Documents (and the report), print the report.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.conll").write_text("Ann B-PERSON\\n")
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["convert", "conll", str(d / "a.conll"), "-o", str(d / "o.jsonl")]))
    1 documents converted from conll
    entities: 1 (PERSON 1)
    note: chunks opened by I-: 0
    wrote 1 documents to .../o.jsonl
    0
    """
    annotators = tuple(a.strip() for a in args.annotators.split(",") if a.strip()) \
        if args.annotators else ()
    given = (args.status, args.source, args.coverage, args.annotators)
    prov = Provenance(status=args.status or "gold", source=args.source, annotators=annotators,
                      coverage=args.coverage or "partial") if any(
        v is not None for v in given) else None
    docs, report = convert(args.format, args.inputs, labels=read_map(args.map),
                           provenance=prov, **_options(args))
    write_converted(docs, report, args.output, args.report)
    for line in report.lines():
        print(line)
    print(f"wrote {len(docs)} documents to {args.output}")
    return 0
