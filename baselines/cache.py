"""Where trained models live, and the load-or-train step the CLI and the benchmark share.

Models are kept per corpus version in a user cache directory:
``$DATELINE_CACHE/models/<corpus-version>/<name>-<version>/`` (``$DATELINE_CACHE`` defaults to
``$XDG_CACHE_HOME/dateline``, and that to ``~/.cache/dateline``). A model directory is complete
once ``trained.json`` (the training report) is written, which happens last.

>>> model_dir("crf", "0.1.0", "1.0.0").relative_to(cache_dir()).parts
('models', '1.0.0', 'crf-0.1.0')
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dateline.schemas import Document
from dateline.schemas.io import make_dirs
from dateline.schemas.oserrors import os_error

__all__ = ["REPORT_FILE", "cache_dir", "is_trainable", "load_or_train", "model_dir",
           "trains_on_corpus"]

REPORT_FILE = "trained.json"


def cache_dir() -> Path:
    """The user cache directory of dateline (not created here).

    >>> cache_dir().name != ""
    True
    """
    explicit = os.environ.get("DATELINE_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "dateline"


def model_dir(name: str, version: str, corpus_version: str, settings: dict[str, Any] | None = None,
              ) -> Path:
    """The directory of one extractor's model trained on one corpus version.

    Non-default ``settings`` get their own directory (a digest of the settings), so a model
    trained with ``--set max_iterations=10`` never stands in for the default one.

    >>> model_dir("crf", "0.1.0", "1.0.0", {"c1": 0.5}).name
    'crf-0.1.0-bccee37d'
    """
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in corpus_version)
    folder = f"{name}-{version}"
    if settings:
        digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
        folder += f"-{digest[:8]}"
    return cache_dir() / "models" / safe / folder


def is_trainable(extractor: object) -> bool:
    """True when the extractor has ``train``, ``save`` and ``load``.

    >>> from dateline.baselines.quotes import QuoteRules
    >>> from dateline.baselines.events import EventRules
    >>> is_trainable(QuoteRules()), is_trainable(EventRules())
    (False, True)
    """
    return all(callable(getattr(extractor, m, None)) for m in ("train", "save", "load"))


def trains_on_corpus(extractor: object) -> bool:
    """Whether an extractor learns from the corpus (so it may not be scored on documents it
    could have trained on, as under the ``all`` protocol): its ``trains_on_corpus`` attribute
    when it declares one, else whether it is trainable. A pretrained model or an LLM prompt
    that never sees the corpus declares ``trains_on_corpus = False``.

    >>> from dateline.baselines.quotes import QuoteRules
    >>> from dateline.baselines.events import EventRules
    >>> trains_on_corpus(QuoteRules()), trains_on_corpus(EventRules())
    (False, True)
    """
    declared = getattr(extractor, "trains_on_corpus", None)
    return bool(declared) if declared is not None else is_trainable(extractor)


def load_or_train(extractor: Any, corpus_version: str,
                  train_docs: Callable[[], Sequence[Document]],
                  validation_docs: Callable[[], Sequence[Document]], *,
                  force: bool = False, settings: dict[str, Any] | None = None,
                  ) -> dict[str, Any]:
    """Load the extractor's cached model for ``corpus_version``, or train, save and report.

    The splits are callables, so nothing is read when a cached model exists. ``settings``: the
    non-default settings the extractor was made with (they key the cache). Returns the
    training report, with ``"cached": True`` when the model came from the cache.

    >>> import tempfile
    >>> from unittest import mock
    >>> from dateline.baselines.lexicon import LabelLexicon
    >>> with mock.patch.dict(os.environ, {"DATELINE_CACHE": tempfile.mkdtemp()}):
    ...     first = load_or_train(LabelLexicon(), "0.0.1", lambda: [], lambda: [])
    ...     again = load_or_train(LabelLexicon(), "0.0.1", lambda: [], lambda: [])
    >>> first["cached"], again["cached"], again["train_documents"], again["extractor"]
    (False, True, 0, 'lexicon')
    """
    directory = model_dir(extractor.name, extractor.version, corpus_version, settings)
    report_path = directory / REPORT_FILE
    if report_path.exists() and not force:
        extractor.load(directory)
        report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
        return {**report, "cached": True, "directory": str(directory)}
    train, validation = train_docs(), validation_docs()
    started = time.perf_counter()
    report = dict(extractor.train(train, validation))
    seconds = time.perf_counter() - started
    report.update({"extractor": extractor.name, "version": extractor.version,
                   "corpus_version": corpus_version, "train_documents": len(train),
                   "validation_documents": len(validation), "seconds": round(seconds, 2),
                   "settings": settings or {}})
    _save(extractor, report, directory)
    return {**report, "cached": False, "directory": str(directory)}


def _save(extractor: Any, report: dict[str, Any], directory: Path) -> None:
    """Write the model and its report into a new temporary folder beside ``directory``, then
    move it into place: a reader sees the old model or the new one, never a mix, and a process
    killed while saving leaves no model (the next run trains again), only a ``.*.tmp`` folder.
    """
    make_dirs(directory.parent)
    try:
        staged = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp",
                                       dir=directory.parent))
    except OSError as exc:
        raise os_error(exc, directory.parent, "write") from exc
    old: Path | None = None
    try:
        extractor.save(staged)
        (staged / REPORT_FILE).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n",
                                          encoding="utf-8")
        if directory.exists():  # a retrained model (--force) replaces the old one
            old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old.", suffix=".tmp",
                                        dir=directory.parent))
            os.replace(directory, old / "model")
        os.replace(staged, directory)
    except BaseException as exc:
        if old is not None and (old / "model").exists() and not directory.exists():
            os.replace(old / "model", directory)  # the old model stays in use
        if isinstance(exc, OSError):
            raise os_error(exc, directory, "write") from exc
        raise
    finally:
        shutil.rmtree(staged, ignore_errors=True)  # gone already when moved into place
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
