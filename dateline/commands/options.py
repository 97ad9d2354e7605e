"""Options and inputs shared by the commands that score: ``score``, ``compare``, ``report``.

>>> import argparse
>>> p = argparse.ArgumentParser(); add_scoring_options(p)
>>> o = scoring_options(p.parse_args(["--status", "gold,draft", "--kinds", "named"]))
>>> o.layers, o.statuses, o.labels, o.kinds
(('entities', 'events', 'quotes'), ['gold', 'draft'], None, ['named'])
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dateline.commands.types import fraction, positive_int, seed, worker_count
from dateline.evaluation.inputs import check_spans, foreign_labels, pair_documents
from dateline.evaluation.layers import layer_names, layers
from dateline.evaluation.matching import Overlap
from dateline.evaluation.significance import DEFAULT_SEED
from dateline.output_checks import file_incidents, read_incidents, refuse_invalid
from dateline.scaled import warn_foreign as _warn_foreign
from dateline.schemas import CHECKS, DatelineError
from dateline.schemas.fast import AnyDocument, read_fast, sharing
from dateline.schemas.labels import inventory

LEVEL_1 = frozenset(c for c, (level, _) in CHECKS.items() if level == 1)

__all__ = [
    "ScoringOptions",
    "add_engine_options",
    "add_reference_option",
    "add_resampling_options",
    "add_scoring_options",
    "add_signature_option",
    "add_validate_option",
    "check_engine",
    "load_gold",
    "load_predictions",
    "parse_list",
    "reference_of",
    "scoring_options",
    "system_names",
]


def add_scoring_options(p: argparse.ArgumentParser) -> None:
    """Add ``--layer --status --labels --kinds --overlap --overlap-of``.

    >>> p = argparse.ArgumentParser(); add_scoring_options(p)
    >>> a = p.parse_args(["--layer", "quotes", "--overlap", "0.5", "--overlap-of", "union"])
    >>> a.layer, a.status, a.overlap, a.overlap_of
    ('quotes', 'gold', 0.5, 'union')
    """
    p.add_argument("--layer", choices=(*layer_names(), "all"), default="all",
                   help="the layer to score (default: all): " + "; ".join(
                       f"{s.name}, {s.description}" for s in layers()))
    p.add_argument("--status", default="gold", metavar="S[,S...]",
                   help="gold layer statuses to score (default: gold); e.g. gold,draft")
    p.add_argument("--labels", default=None, metavar="L[,L...]",
                   help="score only these entity labels (e.g. PERSON,ORGANIZATION,LOCATION)")
    p.add_argument("--kinds", default=None, metavar="K[,K...]",
                   help="score only gold mentions of these kinds (e.g. named)")
    p.add_argument("--overlap", type=fraction, default=0.0, metavar="F",
                   help="minimum overlap of a matched pair, a fraction (default: any)")
    p.add_argument("--overlap-of", choices=("gold", "pred", "union"), default="gold",
                   help="what --overlap is a fraction of (default: gold)")
    p.add_argument("--protocol", default=None, metavar="P",
                   help="the protocol the predictions were made under, for the signature: "
                        "test, all or cv:K (default: all for corpus:all, test otherwise)")
    p.add_argument("--strict", action="store_true",
                   help="with --no-validate: refuse predicted labels outside the label "
                        "inventory (default: a warning; they are scored as labels of their "
                        "own)")
    add_validate_option(p)


def add_reference_option(p: argparse.ArgumentParser, what: str) -> None:
    """Add ``--reference NAME`` (``what``: what NAME may be), and the deprecated spelling
    ``--baseline`` (hidden; :func:`reference_of` warns).

    >>> p = argparse.ArgumentParser(); add_reference_option(p, "a system name")
    >>> reference_of(p.parse_args(["--reference", "lexicon"]))
    'lexicon'
    """
    p.add_argument("--reference", default=None, metavar="NAME",
                   help=f"test every other system against this one ({what}), on the layers "
                        "it predicts (default: the layer's reference point, lexicon or "
                        "quote-marks, when it is among them; else intervals only, no test)")
    p.add_argument("--baseline", dest="old_baseline", default=None, help=argparse.SUPPRESS)


def reference_of(args: argparse.Namespace) -> str | None:
    """The ``--reference`` given, or the deprecated ``--baseline`` (with a warning).

    >>> reference_of(argparse.Namespace(reference=None, old_baseline=None)) is None
    True
    """
    if args.old_baseline is not None:
        print("warning: --baseline is deprecated; use --reference", file=sys.stderr)
        return args.reference or args.old_baseline
    return args.reference  # type: ignore[no-any-return]


def add_validate_option(p: argparse.ArgumentParser) -> None:
    """Add ``--no-validate``: skip the validator's checks (levels 1-3) of predictions.

    >>> p = argparse.ArgumentParser(); add_validate_option(p)
    >>> p.parse_args([]).validate, p.parse_args(["--no-validate"]).validate
    (True, False)
    """
    p.add_argument("--no-validate", dest="validate", action="store_false",
                   help="do not check the predictions with the validator (levels 1-3: "
                        "schema, offsets, cross-references and label inventory) before "
                        "scoring; offsets are still checked")


def add_resampling_options(p: argparse.ArgumentParser, *, trials: bool = True) -> None:
    """Add ``--resamples`` (bootstrap), ``--trials`` (approximate randomisation) and ``--seed``.

    >>> p = argparse.ArgumentParser(); add_resampling_options(p, trials=False)
    >>> vars(p.parse_args(["--resamples", "200"]))
    {'resamples': 200, 'seed': 12345}
    """
    p.add_argument("--resamples", type=positive_int, default=1000, metavar="N",
                   help="bootstrap resamples of the intervals (default: 1000)")
    if trials:
        p.add_argument("--trials", type=positive_int, default=10000, metavar="N",
                       help="approximate-randomisation trials (default: 10000)")
    p.add_argument("--seed", type=seed, default=DEFAULT_SEED, metavar="S",
                   help=f"seed of every random draw (default: {DEFAULT_SEED})")


def add_signature_option(p: argparse.ArgumentParser) -> None:
    """Add ``--signature SIG``: refuse the run when its signature differs from SIG.

    >>> p = argparse.ArgumentParser(); add_signature_option(p)
    >>> p.parse_args(["--signature", "dateline:0.1.0|..."]).signature
    'dateline:0.1.0|...'
    """
    p.add_argument("--signature", default=None, metavar="SIG",
                   help="the signature of the numbers to compare with: refuse (exit 1, "
                        "naming the fields that differ) when this run's differs")


@dataclass(frozen=True)
class ScoringOptions:
    """The parsed and checked values of :func:`add_scoring_options`' options.

    >>> o = ScoringOptions(("entities",), ["gold"], ["PERSON"], None, Overlap(0.5, "gold"))
    >>> o.labels, o.overlap.threshold
    (['PERSON'], 0.5)
    """

    layers: tuple[str, ...]
    statuses: list[str]
    labels: list[str] | None
    kinds: list[str] | None
    overlap: Overlap


def scoring_options(args: argparse.Namespace) -> ScoringOptions:
    """Check the scoring options against the label inventory (usage errors exit 2).

    >>> p = argparse.ArgumentParser(); add_scoring_options(p)
    >>> scoring_options(p.parse_args(["--layer", "entities", "--labels", "PERSON"])).labels
    ['PERSON']
    >>> scoring_options(p.parse_args(["--labels", "HERO"]))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] --labels 'HERO': unknown value 'HERO'...
    """
    inv = inventory()
    return ScoringOptions(
        layers=layer_names() if args.layer == "all" else (args.layer,),
        statuses=parse_list(args.status, inv.layer_statuses, "--status") or ["gold"],
        labels=parse_list(args.labels, inv.entity_labels, "--labels"),
        kinds=parse_list(args.kinds, inv.mention_kinds, "--kinds"),
        overlap=Overlap(args.overlap, args.overlap_of))


def parse_list(value: str | None, allowed: Sequence[str], option: str) -> list[str] | None:
    """A comma-separated option value, checked against ``allowed``.

    >>> parse_list("gold, draft", ("gold", "draft", "silver"), "--status")
    ['gold', 'draft']
    """
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


def load_gold(spec: str) -> tuple[list[AnyDocument], str | None]:
    """The gold Documents and the corpus version (None for a file): a path, ``corpus:SPLIT``
    or ``corpus:all`` (every split, sorted by id: the documents of the ``all`` and ``cv``
    protocols).

    >>> import tempfile
    >>> from dateline.schemas import Document, write_jsonl
    >>> path = Path(tempfile.mkdtemp()) / "gold.jsonl"
    >>> write_jsonl([Document(id="d", text="Hi.")], path)
    1
    >>> docs, version = load_gold(str(path))
    >>> [d.id for d in docs], version
    (['d'], None)
    >>> load_gold("missing.jsonl")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [no-such-file] missing.jsonl: 'missing.jsonl' does not...
    """
    if spec.startswith("corpus:"):
        from dateline import loading  # imports `datasets`: only when the corpus is asked for

        split = spec.removeprefix("corpus:")
        if split == "all":
            return loading.all_documents(), loading.corpus_version()
        return list(loading.documents(split)), loading.corpus_version()
    if not Path(spec).exists():
        raise DatelineError("no-such-file", f"{spec!r} does not exist", where=spec,
                            fix="give a .jsonl file of Documents, corpus:SPLIT or corpus:all",
                            exit_code=2)
    # The fast path (the same checks and errors as read_jsonl), repeated values held once.
    docs = list(map(sharing(), read_fast(spec)))
    check_spans(docs, spec)  # the corpus was validated by its build; a file is checked here
    return docs, None


def load_predictions(path: str, gold: Sequence[AnyDocument] | None = None, *,
                     strict: bool = False, validate: bool = True) -> list[AnyDocument]:
    """The predicted Documents of a ``.jsonl``/``.json`` file. With ``gold``: paired with it
    (same ids and texts), then their spans checked (level 2). With ``validate`` (the
    default) every level 1-3 incident refuses the file (``invalid-predictions``, with the
    summary and the first incidents). Labels outside the inventory are a warning (with
    ``strict``, an error).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "pred.json"
    >>> _ = path.write_text('{"id": "d", "text": "Hi."}')
    >>> [d.id for d in load_predictions(str(path))]
    ['d']
    """
    if not Path(path).exists():
        raise DatelineError("no-such-file", f"{path!r} does not exist", where=path,
                            fix="give a .jsonl file of predicted Documents", exit_code=2)
    see = f"`dateline validate {path}` lists every incident"
    # With gold, a prediction's text is held once with its gold's (when they are equal).
    share = sharing(None if gold is None else {d.id: d.text for d in gold})
    try:
        docs = list(map(share, read_fast(path)))
    except DatelineError as err:
        if validate and err.code in LEVEL_1:  # a schema problem: list them all, not the first
            refuse_invalid(read_incidents(path), path, see=see)
        raise
    if gold is not None:
        pair_documents(gold, docs)  # a differing text is named first, then bad spans
    if validate:
        # Level 3 refuses a label outside the inventory (unknown-label, -event-type,
        # -quote-kind), so what passes has none to warn about.
        refuse_invalid(file_incidents(docs, path), path, see=see)
        return docs
    if gold is not None:
        check_spans(docs, path)
    _warn_foreign(foreign_labels(docs), path, strict)
    return docs


def system_names(paths: Sequence[str]) -> list[str]:
    """Names from file stems, made unique with ``-2``, ``-3``, ...

    >>> system_names(["out/a.jsonl", "x/a.jsonl", "b.json"])
    ['a', 'a-2', 'b']
    """
    out: list[str] = []
    for p in paths:
        stem = Path(p).name.removesuffix(".jsonl").removesuffix(".json") or "system"
        name, k = stem, 2
        while name in out:
            name, k = f"{stem}-{k}", k + 1
        out.append(name)
    return out


def add_engine_options(p: argparse.ArgumentParser,
                       engines: Sequence[str] = ("memory", "stream", "dask", "processes"),
                       default: str = "memory") -> None:
    """Add ``--engine`` (one of ``engines``; ``auto`` among them: ``processes`` or ``memory``
    by the inputs), ``--scheduler ADDRESS`` and ``--workers N`` (None when not given: the
    engine's default).

    >>> p = argparse.ArgumentParser(); add_engine_options(p)
    >>> a = p.parse_args(["--engine", "dask", "--workers", "2"])
    >>> a.engine, a.scheduler, a.workers
    ('dask', None, 2)
    """
    helps = {"auto": "processes for two JSONL files of 8 MiB or more together on a "
                     "machine with two cores or more (the in-memory run's report and errors), "
                     "else memory",
             "memory": "read both inputs, then score",
             "stream": "pair and score the documents as they are read (memory "
                       "bounded by a chunk; JSONL or Parquet)",
             "dask": "map over shards on a Dask cluster",
             "processes": "map over shards with worker processes of this machine"}
    p.add_argument("--engine", choices=tuple(engines), default=default,
                   help="; ".join(f"{e}{' (default)' if e == default else ''}: {helps[e]}"
                                  for e in engines))
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --engine dask: a running scheduler (tcp://HOST:8786); default: "
                        "a LocalCluster on this machine")
    p.add_argument("--workers", type=worker_count, default=None, metavar="N",
                   help="with --engine processes (or auto), or dask without --scheduler: "
                        "local worker processes, or 'all' (every usable core); default: 2 "
                        "(processes: fewer on a machine with fewer cores)")


def check_engine(args: argparse.Namespace) -> None:
    """Refuse ``--scheduler`` without ``--engine dask`` (a usage error).

    >>> check_engine(argparse.Namespace(engine="stream", scheduler="tcp://h:8786"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] --scheduler is for --engine dask. ...
    """
    if args.scheduler is not None and args.engine != "dask":
        raise DatelineError("bad-option", "--scheduler is for --engine dask",
                            fix="add --engine dask, or leave out --scheduler", exit_code=2)
