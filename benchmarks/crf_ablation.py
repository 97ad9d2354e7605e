"""What each feature group (and the joint mention kind) of the ``crf`` adds, measured on the
validation split or by cross-validation over train + validation: never on the test split.

Run by hand (not part of the test suite; each configuration trains the two entity models)::

    .venv/bin/python benchmarks/crf_ablation.py                  # train -> validation
    .venv/bin/python benchmarks/crf_ablation.py --cv 4           # 4 folds over train + validation
    .venv/bin/python benchmarks/crf_ablation.py --configs all,-document

A configuration is ``all`` (every group) or ``default`` (the default groups), either with
groups added (``default+names+places``) and/or dropped (``all-document-affix``), ``old`` (the
0.2 feature set: word, shape, context, gazetteer, no kinds), or a ``+``-joined list of groups
(``word+shape``). ``:nokind`` appended (``all:nokind``) trains without the kind models;
``:partial=none`` (or ``=mentions``) sets the crf's ``partial`` setting (what entity layers of
partial coverage train; without it ``all``, as the ablation of 0.4 ran, whatever the crf's
default); ``:named=decide`` (or ``=add``) the name models (without it ``off``, as 0.4 ran;
0.5's default is ``default:partial=mentions:named=decide:nokind``); any other ``:key=value``
sets that crf setting (``:named=add``, ``:c1=0.3``,
``:max_iterations=200``, ``:propagate=true``). Every configuration trains with one L2
penalty (``--c2``, default 0.1) and no event model, so the table compares features alone.

Printed: a Markdown table with strict F1 on all entity mentions, on the core task
(PERSON/ORGANIZATION/LOCATION, named), per predicted kind (gold mentions of that kind, all
labels), the training seconds and the tagging speed (tokens per second, one process).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from dateline.baselines.crf import CRFTagger
from dateline.baselines.crf_features import ALL_GROUPS, DEFAULT_GROUPS
from dateline.baselines.text import tokenize
from dateline.evaluation import score_entities
from dateline.schemas import Document, inventory

OLD = ("word", "shape", "context", "gazetteer")
NUMBERS = ("c1",)  # settings given as ``:key=value`` that are numbers
INTEGERS = ("max_iterations",)
BOOLEANS = ("propagate", "capitalised", "guessed")  # ``:propagate=true``


def parse_config(spec: str) -> tuple[tuple[str, ...], bool, dict[str, Any]]:
    """``(groups, kinds, settings)`` of a configuration name (see the module docstring).

    >>> parse_config("all-document-affix")[0] == tuple(g for g in ALL_GROUPS
    ...                                                if g not in ("document", "affix"))
    True
    >>> parse_config("old")
    (('word', 'shape', 'context', 'gazetteer'), False, {'partial': 'all', 'named': 'off'})
    >>> parse_config("word+shape:nokind")
    (('word', 'shape'), False, {'partial': 'all', 'named': 'off'})
    >>> parse_config("default+names:partial=none:c1=0.3")[1:], parse_config("default+names")[0][-1]
    ((True, {'partial': 'none', 'named': 'off', 'c1': 0.3}), 'names')
    >>> parse_config("default:propagate=true:max_iterations=200")[2]
    {'partial': 'all', 'named': 'off', 'propagate': True, 'max_iterations': 200}
    """
    name, *flags = spec.split(":")
    kinds = "nokind" not in flags
    settings: dict[str, Any] = {"partial": "all", "named": "off"}
    for flag in flags:
        if "=" in flag:
            key, value = flag.split("=", 1)
            settings[key] = (float(value) if key in NUMBERS else int(value)
                             if key in INTEGERS else value == "true" if key in BOOLEANS
                             else value)
    if name == "old":
        return OLD, False, settings
    for base, groups in (("all", ALL_GROUPS), ("default", DEFAULT_GROUPS)):
        if name.startswith(base):
            rest = name[len(base):]
            add = [g for g in rest.split("-")[0].split("+") if g]
            drop = {g for part in rest.split("-")[1:] for g in part.split("+")[:1] if g}
            return tuple(g for g in (*groups, *add) if g not in drop), kinds, settings
    return tuple(name.split("+")), kinds, settings


def predict(spec: str, splits: Sequence[tuple[list[Document], list[Document], list[Document]]],
            c2: float) -> tuple[list[Document], list[Document], float, float, int]:
    """Train one configuration on each (train, validation, held-out) triple: the pooled gold
    and predicted held-out documents, the mean training seconds, the tagging seconds and the
    tokens tagged."""
    groups, kinds, settings = parse_config(spec)
    gold: list[Document] = []
    pred: list[Document] = []
    train_s = tag_s = 0.0
    tokens = 0
    for train, validation, held_out in splits:
        crf = CRFTagger(events=False, c2_grid=(c2,), features=groups, kinds=kinds,
                        **settings)
        started = time.perf_counter()
        crf.train(train, validation)
        train_s += time.perf_counter() - started
        started = time.perf_counter()
        pred += [crf.extract(Document(id=d.id, text=d.text, meta=d.meta)) for d in held_out]
        tag_s += time.perf_counter() - started
        tokens += sum(len(tokenize(d.text)) for d in held_out)
        gold += held_out
    return gold, pred, train_s / len(splits), tag_s, tokens


def run(spec: str, splits: Sequence[tuple[list[Document], list[Document], list[Document]]],
        c2: float) -> dict[str, float]:
    """Train one configuration on each (train, validation, held-out) triple; score the pooled
    held-out predictions."""
    gold, pred, train_s, tag_s, tokens = predict(spec, splits, c2)
    core = inventory().core_entity_labels
    out = {"all": score_entities(gold, pred).scores("strict")["f1"],
           "core": score_entities(gold, pred, labels=core, kinds=("named",))
           .scores("strict")["f1"]}
    for kind in ("named", "nominal", "pronoun"):
        out[kind] = score_entities(gold, pred, kinds=(kind,)).scores("strict")["f1"]
    out["train_s"] = train_s
    out["tokens_s"] = tokens / tag_s if tag_s else 0.0
    return out


def make_splits(cv: int) -> tuple[list[tuple[list[Document], list[Document], list[Document]]],
                                  str]:
    """The (train, validation, held-out) triples: train -> validation (``cv`` 0), or ``cv``
    folds over train + validation; and their description."""
    from dateline import loading
    from dateline.folds import make_folds, train_folds

    train, validation = list(loading.documents("train")), list(loading.documents("validation"))
    if not cv:
        return [(train, validation, validation)], "train -> validation"
    docs = {d.id: d for d in [*train, *validation]}
    folds = make_folds(list(docs.values()), cv)
    splits = []
    for i, held in enumerate(folds):
        on, inner = train_folds(len(folds), i)
        splits.append(([docs[d] for f in on for d in folds[f]],
                       [docs[d] for d in folds[inner]], [docs[d] for d in held]))
    return splits, f"{cv}-fold cross-validation over train + validation"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run every configuration, print the table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--configs", default="old,all,all:nokind," + ",".join(
        f"all-{g}" for g in ALL_GROUPS))
    p.add_argument("--cv", type=int, default=0, metavar="K",
                   help="K-fold cross-validation over train + validation (default: train -> "
                        "validation)")
    p.add_argument("--c2", type=float, default=0.1)
    args = p.parse_args(argv)
    from dateline import loading

    splits, where = make_splits(args.cv)
    print(f"crf feature ablation, {where}, c2 {args.c2}, corpus {loading.corpus_version()}; "
          "strict F1", file=sys.stderr)
    print("| configuration | all mentions | core task | named | nominal | pronoun | "
          "train s | tokens/s |")
    print("|---|---|---|---|---|---|---|---|")
    for spec in args.configs.split(","):
        r = run(spec, splits, args.c2)
        print(f"| `{spec}` | {r['all']:.3f} | {r['core']:.3f} | {r['named']:.3f} | "
              f"{r['nominal']:.3f} | {r['pronoun']:.3f} | {r['train_s']:.0f} | "
              f"{r['tokens_s']:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
