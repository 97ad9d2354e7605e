"""Evaluation protocols: which gold documents a system is scored on, and what it may train on.

- ``test`` (the default): the official test split, for comparability with published numbers;
  trained extractors learn from the train split (tuned on validation).
- ``all``: every document of every split, for extractors that never train on the corpus (rules,
  pretrained models, LLM prompts). An extractor that trains on the corpus
  (:func:`~dateline.baselines.trains_on_corpus`) is refused: it would be scored on its own
  training data.
- ``cv``: ``k``-fold cross-validation over every document (:mod:`dateline.folds`): for each
  fold a trained extractor learns from the other folds (tuned on an inner fold, never on the
  held-out one) and predicts the held-out fold; an untrained extractor predicts every
  document once. The per-document counts of all folds are pooled into one score, so intervals
  and significance are computed over all documents.

>>> parse_protocol("cv", folds=10).label
'cv:10'
>>> parse_protocol("all").label, parse_protocol("test").label
('all', 'test')
>>> parse_protocol("loo")
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [unknown-protocol] unknown protocol 'loo'. Fix: ...
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from dateline.baselines import Extractor, trains_on_corpus
from dateline.folds import DEFAULT_FOLDS, make_folds, train_folds
from dateline.predicting import predict_documents, prepare
from dateline.schemas import DatelineError, Document

__all__ = ["PROTOCOLS", "Protocol", "check_extractor", "parse_protocol", "predict_under"]

PROTOCOLS = ("test", "all", "cv")


@dataclass(frozen=True)
class Protocol:
    """A protocol's name and, for ``cv``, its number of folds.

    >>> Protocol("cv", 3).label, Protocol("cv").whole_corpus, Protocol().whole_corpus
    ('cv:3', True, False)
    """

    name: str = "test"
    folds: int = DEFAULT_FOLDS

    @property
    def label(self) -> str:
        """How reports and signatures name it: ``test``, ``all`` or ``cv:K``."""
        return f"cv:{self.folds}" if self.name == "cv" else self.name

    @property
    def whole_corpus(self) -> bool:
        """Whether every document of every split is scored."""
        return self.name != "test"


def parse_protocol(name: str, *, folds: int = DEFAULT_FOLDS) -> Protocol:
    """The protocol called ``name`` (a usage error for another name).

    >>> parse_protocol("cv", folds=3)
    Protocol(name='cv', folds=3)
    >>> parse_protocol("cv", folds=1)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] --folds 1: cross-validation needs ...
    """
    if name not in PROTOCOLS:
        raise DatelineError("unknown-protocol", f"unknown protocol {name!r}",
                            fix=f"use one of {', '.join(PROTOCOLS)}", exit_code=2)
    if name == "cv" and folds < 3:
        raise DatelineError("bad-option", f"--folds {folds}: cross-validation needs at least "
                            "3 folds (the held-out fold, an inner validation fold and one "
                            "to train on)", fix="give --folds 3 or more (default 5)",
                            exit_code=2)
    return Protocol(name, folds)


def check_extractor(protocol: Protocol, extractor: Extractor) -> None:
    """Refuse an extractor that trains on the corpus under the ``all`` protocol.

    >>> from dateline.baselines import get_extractor
    >>> check_extractor(Protocol("all"), get_extractor("quote-marks"))
    >>> check_extractor(Protocol("all"), get_extractor("events-rules"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [protocol-refuses-trained] ...
    """
    if protocol.name == "all" and trains_on_corpus(extractor):
        raise DatelineError(
            "protocol-refuses-trained",
            f"extractor {extractor.name!r} trains on the corpus, so under --protocol all it "
            "would be scored on documents it learnt from",
            fix="score it with --protocol cv (cross-validation) or --protocol test")


def predict_under(protocol: Protocol, extractor: Extractor, gold: Sequence[Document], *,
                  corpus_version: str | None, folds: Sequence[Sequence[str]] | None = None,
                  retrain: bool = False, console: Console | None = None,
                  description: str = "", settings: dict[str, Any] | None = None
                  ) -> tuple[list[Document], float, Any]:
    """Predictions for every gold document under ``protocol`` (in gold order), the seconds
    spent predicting, and the training report (per fold under ``cv``; None when untrained).

    ``folds`` (``cv`` only): the published folds as id lists; default: made from ``gold``.
    ``settings``: those the extractor was made with (they key the model cache).

    >>> from dateline.baselines import get_extractor
    >>> from dateline.schemas import Document
    >>> docs = [Document(id=f"d{i}", text='He said "no".') for i in range(4)]
    >>> preds, _, report = predict_under(Protocol("cv", 2), get_extractor("quote-marks"), docs,
    ...                                  corpus_version="x")
    >>> [len(p.quotes) for p in preds], report
    ([1, 1, 1, 1], None)
    """
    check_extractor(protocol, extractor)
    if protocol.name != "cv" or not trains_on_corpus(extractor):
        report = None
        if protocol.name == "test":
            report = prepare(extractor, force=retrain, console=console, settings=settings)
        preds, seconds = predict_documents(extractor, gold, console=console,
                                           description=description)
        return preds, seconds, report
    by_id = {d.id: d for d in gold}
    fold_ids = [list(f) for f in folds] if folds is not None else make_folds(gold, protocol.folds)
    out: dict[str, Document] = {}
    reports = []
    seconds = 0.0
    for i, held_out in enumerate(fold_ids):
        trained_on, inner = train_folds(len(fold_ids), i)
        train = [by_id[d] for f in trained_on for d in fold_ids[f]]
        validation = [by_id[d] for d in fold_ids[inner]]
        # The cache key names the documents trained on, so other gold never reuses a model.
        digest = hashlib.sha256("\n".join(
            [*sorted(d.id for d in train), "", *sorted(d.id for d in validation)]
        ).encode("utf-8")).hexdigest()[:8]
        key = f"{corpus_version or 'gold'}+cv{len(fold_ids)}.{i}-{digest}"
        reports.append(prepare(extractor, force=retrain, console=console, train=train,
                               validation=validation, key=key, settings=settings))
        started = time.perf_counter()
        preds, _ = predict_documents(extractor, [by_id[d] for d in held_out], console=console,
                                     description=f"{description} (fold {i + 1}/{len(fold_ids)})")
        seconds += time.perf_counter() - started
        out.update((p.id, p) for p in preds)
    return [out[d.id] for d in gold], seconds, reports
