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

from dateline.baselines import (
    Extractor,
    extract_all,
    is_trainable,
    load_or_train,
    mark_unscored,
    strip,
)
from dateline.schemas import Document
from dateline.training_progress import training_progress

__all__ = ["BATCH", "predict_documents", "predict_file", "predict_shard", "predict_sharded",
           "prepare"]

BATCH = 256
"""Documents predicted at a time when streaming a file."""


def prepare(extractor: Extractor, *, force: bool = False, console: Console | None = None,
            settings: dict[str, Any] | None = None,
            train: Sequence[Document] | None = None,
            validation: Sequence[Document] | None = None,
            key: str | None = None) -> dict[str, Any] | None:
    """Load or train a trainable extractor's model; None for an extractor that needs no
    training.

    By default the model is trained on the corpus's train split, tuned on validation and cached
    under the corpus version; ``train``, ``validation`` and a cache ``key`` (e.g. the corpus
    version and the fold) train it on other documents instead. ``settings``: those the
    extractor was made with; they key the cache too.

    >>> from dateline.baselines import get_extractor
    >>> prepare(get_extractor("quote-marks")) is None
    True
    """
    if not is_trainable(extractor):
        return None
    if train is None:
        from dateline.loading import corpus_version, documents

        version = key or corpus_version()
        train_fn: Any = lambda: list(documents("train"))  # noqa: E731 - read only when needed
        validation_fn: Any = lambda: list(documents("validation"))  # noqa: E731
    else:
        if key is None:
            raise ValueError("a cache key is needed to train on given documents")
        version = key
        train_fn, validation_fn = (lambda: list(train)), (lambda: list(validation or ()))
    if console is not None:
        console.print(f"{extractor.name}: model for {version} "
                      f"({'training' if force else 'loading or training'})")
    with training_progress(console, extractor.name):  # a bar on a terminal, else quiet
        return load_or_train(extractor, version, train_fn, validation_fn, force=force,
                             settings=settings)


def predict_documents(extractor: Extractor, docs: Sequence[Document], *,
                      console: Console | None = None,
                      description: str | None = None) -> tuple[list[Document], float]:
    """Predictions for ``docs`` (layers stripped first), with a progress bar on ``console``;
    and the seconds taken.

    >>> from dateline.baselines import get_extractor
    >>> from dateline.schemas import Mention
    >>> d = Document(id="d", text='Bo said: "Yes."', entities=(
    ...     Mention(id="m", start=0, end=2, text="Bo", label="PERSON"),))
    >>> (p,), seconds = predict_documents(get_extractor("quote-marks"), [d])
    >>> p.entities, p.quotes[0].content[0].text, p.layers.quotes.status  # gold layers stripped
    ((), 'Yes', 'silver')
    """
    inputs = [strip(d) for d in docs]
    scored = getattr(extractor, "layers", None)
    started = time.perf_counter()
    out: list[Document] = []
    if console is None:
        out = list(extract_all(extractor, inputs))
    else:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(description or extractor.name, total=len(inputs))
            for doc in extract_all(extractor, inputs, batch_size=16):
                out.append(doc)
                progress.advance(task)
    seconds = time.perf_counter() - started
    if scored:  # layers written but not declared (a quote's speaker mentions): partial
        out = [mark_unscored(d, scored) if isinstance(d, Document) else d for d in out]
    return out, seconds


def predict_file(extractor: Extractor, source: str, dest: str, *, batch: int = BATCH,
                 validate: bool = True) -> int:
    """Predict the documents of ``source`` (``.jsonl`` or ``.parquet``) a batch at a time
    and write them to ``dest`` (its suffix picks the format) atomically: memory stays bounded
    by a batch. Return how many were written. ``validate``: the output is checked (levels
    1-3) as it is made, and with any incident nothing is written (``invalid-predictions``
    with every incident, as ``predict`` refuses in memory).

    >>> import pathlib, tempfile
    >>> from dateline.baselines import get_extractor
    >>> from dateline.schemas import read_jsonl, write_jsonl
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_jsonl([Document(id="d", text='Bo said: "Yes."')], folder / "in.jsonl")
    >>> predict_file(get_extractor("quote-marks"), str(folder / "in.jsonl"),
    ...              str(folder / "out.parquet"))
    1
    """
    from dateline.columnar import iter_documents, write_documents
    from dateline.output_checks import output_incidents, refuse_invalid
    from dateline.schemas.fast import to_document

    incidents = []

    def predicted(chunk: list[Document]) -> list[Document]:
        out = predict_documents(extractor, chunk)[0]
        if validate:
            incidents.extend(output_incidents(out, extractor.name))
        return out

    def predictions() -> Any:
        chunk: list[Document] = []
        for doc in iter_documents(source):
            chunk.append(to_document(doc))
            if len(chunk) == batch:
                yield from predicted(chunk)
                chunk = []
        if chunk:
            yield from predicted(chunk)
        # Raised inside the atomic write: the refused output is never written.
        refuse_invalid(incidents, f"output of extractor {extractor.name!r}",
                       see=f"write it anyway with --no-validate, then `dateline validate "
                           f"{dest}` lists every incident")

    return write_documents(predictions(), dest)


def predict_shard(task: tuple[str, dict[str, Any], str, str, bool]) -> int:
    """One task of ``predict --engine dask|processes``: ``(extractor name, settings, input shard,
    output file, validate)``; the extractor is made (its model loaded from the cache) in the
    worker.

    >>> import pathlib, tempfile
    >>> from dateline.schemas import write_jsonl
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_jsonl([Document(id="d", text="x")], folder / "in.jsonl")
    >>> predict_shard(("quote-marks", {}, str(folder / "in.jsonl"), str(folder / "o.jsonl"),
    ...                True))
    1
    """
    from dateline.baselines import get_extractor

    name, settings, source, dest, validate = task
    extractor = get_extractor(name, **settings)
    prepare(extractor, settings=settings)
    return predict_file(extractor, source, dest, validate=validate)


def predict_sharded(name: str, settings: dict[str, Any], shards: Sequence[str], out: str, *,
                    engine: str = "memory", scheduler: str | None = None,
                    workers: int | None = None,
                    validate: bool = True) -> int:
    """Predict every shard (:func:`predict_shard`, one task each) into the folder ``out``, one
    output per shard under its name, with the engine ``engine`` (``dask``: a Dask cluster,
    ``scheduler`` or a LocalCluster of ``workers``; ``processes``: ``workers`` processes of
    this machine; else this process); return how many
    documents were written. A trainable extractor must be prepared first (its model cached).

    >>> import pathlib, tempfile
    >>> from dateline.schemas import write_jsonl
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_jsonl([Document(id="d", text="x")], folder / "a.jsonl")
    >>> predict_sharded("quote-marks", {}, [str(folder / "a.jsonl")], str(folder / "out"))
    1
    >>> predict_sharded("quote-marks", {}, [], str(folder / "a.jsonl"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [not-a-directory] ...a.jsonl is a file; shards are ...
    """
    from pathlib import Path

    from dateline.engines import make_engine
    from dateline.schemas import DatelineError

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise DatelineError("not-a-directory", f"{folder} is a file; shards are written into "
                            "a folder", fix="give a folder for -o", exit_code=2)
    folder.mkdir(parents=True, exist_ok=True)
    tasks = [(name, settings, s, str(folder / Path(s).name), validate) for s in shards]
    kind = engine if engine in ("dask", "processes") else "local"
    with make_engine(kind, scheduler, workers) as cluster:
        return sum(cluster.map(predict_shard, tasks))
