"""Run an extractor over Documents: train or load its model first, then predict with progress.

The extractor sees only each document's id, text and meta (every layer is stripped first). A
trainable extractor is trained on the corpus's train split (tuned on validation) when no model
for the current corpus version is cached.

>>> from dateline.baselines import get_extractor
>>> from dateline.schemas import Document
>>> preds, seconds = predict_documents(get_extractor("quote-marks"),
...                                    [Document(id="d", text='She said: "We won."')])
>>> [q.content[0].text for q in preds[0].quotes]
['We won']
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dateline.baselines import Extractor, extract_all, is_trainable, load_or_train, strip
from dateline.schemas import Document

__all__ = ["predict_documents", "prepare"]


def prepare(extractor: Extractor, *, force: bool = False, console: Console | None = None,
            settings: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Load or train a trainable extractor's model for the current corpus version; None for
    an extractor that needs no training.

    ``settings``: those the extractor was made with; they key the model cache.

    >>> from dateline.baselines import get_extractor
    >>> prepare(get_extractor("quote-marks")) is None
    True
    """
    if not is_trainable(extractor):
        return None
    from dateline.loading import corpus_version, documents

    version = corpus_version()
    cached = not force
    if console is not None:
        console.print(f"{extractor.name}: model for corpus {version} "
                      f"({'loading or ' if cached else ''}training)")
    report = load_or_train(extractor, version, lambda: list(documents("train")),
                           lambda: list(documents("validation")), force=force,
                           settings=settings)
    return report


def predict_documents(extractor: Extractor, docs: Sequence[Document], *,
                      console: Console | None = None,
                      description: str | None = None) -> tuple[list[Document], float]:
    """Predictions for ``docs`` (layers stripped first), with a progress bar on ``console``;
    and the seconds taken."""
    inputs = [strip(d) for d in docs]
    started = time.perf_counter()
    out: list[Document] = []
    if console is None:
        out = list(extract_all(extractor, inputs))
        return out, time.perf_counter() - started
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description or extractor.name, total=len(inputs))
        for doc in extract_all(extractor, inputs, batch_size=16):
            out.append(doc)
            progress.advance(task)
    return out, time.perf_counter() - started
