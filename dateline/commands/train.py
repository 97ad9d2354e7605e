"""``dateline train NAME``: train an extractor on the train split, tune it on validation.

The model is cached per corpus version (``$DATELINE_CACHE/models/<version>/<name>-<version>``)
and reused by ``predict`` and ``benchmark``; ``--force`` retrains.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["train", "crf", "--force"])
>>> args.name, args.force
('crf', True)
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from dateline.baselines import is_trainable
from dateline.commands.predict import add_settings_option, make_extractor, parse_settings
from dateline.predicting import prepare
from dateline.schemas import DatelineError

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``train`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["train", "lexicon"])
    >>> args.func is run, args.force, args.settings
    (True, False, [])
    """
    p = sub.add_parser("train", help="train an extractor on the corpus train split",
                       description="Train an extractor on the train split (settings chosen on "
                                   "validation) and cache the model for this corpus version.")
    p.add_argument("name", metavar="NAME", help="extractor name (see `dateline extractors`)")
    p.add_argument("--force", action="store_true", help="retrain even if a model is cached")
    add_settings_option(p)
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    """Train (or load) and print the training report as JSON.

    Training reads the built corpus; an extractor that learns nothing is refused first:

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["train", "quote-marks"]))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [not-trainable] extractor 'quote-marks' learns nothing...
    """
    console = Console(stderr=True, highlight=False)
    settings = parse_settings(args.settings)
    extractor = make_extractor(args.name, settings)
    if not is_trainable(extractor):
        raise DatelineError("not-trainable", f"extractor {args.name!r} learns nothing",
                            fix="use it directly: `dateline predict NAME ...`", exit_code=2)
    report = prepare(extractor, force=args.force, console=console, settings=settings)
    json.dump(report, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0
