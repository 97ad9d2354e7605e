"""Scoring documents one at a time: gold and predictions paired as they are read, scored a
chunk at a time, the chunks' counts summed (:func:`~dateline.evaluation.merge.merge_results`).

Memory is bounded by a chunk of documents plus the counts (one row per layer for ``score``;
one per document when ``per_document``, as ``compare`` needs), whatever the number of
documents. Pairing: the two files are read in step, so files in the same document order
(e.g. both sorted by id, or predictions written by ``dateline predict`` from the gold file)
pair at once. Out-of-order documents wait in a bounded buffer (``buffer`` documents a side)
for their partner; past it the run is refused (``streams-out-of-order``): sort both files by
id, or score in memory (the default engine). Every check of the in-memory path is made, as
each pair arrives: a repeated id, a differing text, predictions the validator refuses at
levels 1-3 (``invalid-predictions``, naming the document's position in its file; gold: its
spans, level 2), ids on one side only (at the end).

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> layers = Layers(entities=LayerInfo(status="gold", labels=("PERSON",)))
>>> g = [Document(id=i, text="Ann", layers=layers,
...               entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
...      for i in "abc"]
>>> results, foreign = score_stream(g, list(reversed(g)), ("entities",), chunk=2)
>>> results["entities"].documents()["scored"], results["entities"].value("strict.f1")
(3, 1.0)
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import SimpleNamespace

import numpy as np

from dateline.evaluation.counts import DocCounts
from dateline.evaluation.inputs import LayerUse, check_spans, foreign_labels, pair_documents
from dateline.evaluation.layers import ScoreOptions, check_layers, score_layers
from dateline.evaluation.merge import merge_results
from dateline.evaluation.results import Result
from dateline.output_checks import read_incidents, refuse_invalid
from dateline.schemas import CHECKS, DatelineError, Incident
from dateline.schemas.fast import AnyDocument
from dateline.schemas.fast_checks import check_fast

__all__ = ["BUFFER", "CHUNK", "paired", "refusing", "score_stream", "score_systems"]

CHUNK = 250
"""Documents scored at a time: few enough that a chunk's documents, just read, are still
in the processor's caches when they are scored (measured on the standard workload: a
fifth faster than 1,000 at a time; 100 is no faster, 50 slower)."""
BUFFER = 10_000
"""Documents a side that may wait for their partner when the files' orders differ."""

Pair = tuple[AnyDocument, AnyDocument]
LEVEL_1 = frozenset(c for c, (level, _) in CHECKS.items() if level == 1)


def refusing(docs: Iterable[AnyDocument], path: str) -> Iterator[AnyDocument]:
    """The documents of the predictions file ``path`` as they are read; a schema problem
    (level 1) in a JSONL file refuses it with every incident of the file listed
    (``invalid-predictions``), as the in-memory run does.

    >>> import pathlib, tempfile
    >>> from dateline.columnar import iter_documents
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.jsonl"
    >>> _ = p.write_text('{"id": "a"}\\n{"id": "b"}\\n')
    >>> list(refusing(iter_documents(p), str(p)))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [invalid-predictions] ...: 2 validation incident(s): ...
    """
    try:
        yield from docs
    except DatelineError as err:
        if err.code in LEVEL_1 and not path.endswith(".parquet"):  # the validator reads JSONL
            refuse_invalid(read_incidents(path), path, see=f"`dateline validate {path}` lists "
                           "every incident")
        raise


def _duplicate(doc_id: str, side: str) -> DatelineError:
    return DatelineError("duplicate-document-id", f"document id {doc_id!r} occurs twice in "
                         f"the {side} collection", where=f"{side} document {doc_id!r}",
                         fix="give every document a unique id, or remove the copy")


class _Side:
    """One input: its documents in order, their positions, the ids seen, those waiting."""

    def __init__(self, docs: Iterable[AnyDocument], name: str, side: str, check: bool,
                 first: int = 1, validate: bool = False) -> None:
        self.docs = iter(docs)
        self.name, self.side, self.check, self.validate = name, side, check, validate
        self.position = first - 1
        self.seen: set[str] = set()
        self.waiting: dict[str, AnyDocument] = {}

    def next(self) -> AnyDocument | None:
        doc = next(self.docs, None)
        if doc is None:
            return None
        self.position += 1
        if doc.id in self.seen:
            raise _duplicate(doc.id, self.side)
        self.seen.add(doc.id)
        if self.validate:  # levels 1-3 as in memory; refused at the first invalid document
            found = [Incident(i.level, i.check, i.message, self.name, self.position,
                              i.doc_id or doc.id, i.path) for i in check_fast(doc, level=3)]
            if found:
                refuse_invalid(found, self.name, see=f"`dateline validate {self.name}` lists "
                               "every incident")
        elif self.check:
            check_spans([doc], self.name, first=self.position)
        return doc


def paired(gold: Iterable[AnyDocument], pred: Iterable[AnyDocument], *, gold_name: str = "gold",
           pred_name: str = "pred", buffer: int = BUFFER, check_gold: bool = True,
           gold_first: int = 1, pred_first: int = 1, validate: bool = True,
           leftovers: tuple[list[AnyDocument], list[AnyDocument]] | None = None
           ) -> Iterator[Pair]:
    """Gold and predicted documents paired by id as they are read (see the module doc).
    ``validate``: each predicted document is checked to level 3 (``invalid-predictions``);
    else its spans only (level 2), as gold's are with ``check_gold``. ``leftovers``: the
    documents still waiting at the end go into these two lists (gold, predicted), for a
    caller that pairs them with other shards' (else they are refused: ids differ).

    >>> from dateline.schemas import Document
    >>> a, b = Document(id="a", text="x"), Document(id="b", text="y")
    >>> [(g.id, p.id) for g, p in paired([a, b], [b, a])]
    [('b', 'b'), ('a', 'a')]
    >>> list(paired([a, b], [a, b, b]))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [duplicate-document-id] predicted document 'b': ...
    """
    g = _Side(gold, gold_name, "gold", check_gold, gold_first)
    p = _Side(pred, pred_name, "predicted", True, pred_first, validate)
    while True:
        gd, pd = g.next(), p.next()
        if gd is None and pd is None:
            break
        if gd is not None and pd is not None and gd.id == pd.id:
            yield _checked(gd, pd)
            continue
        for doc, own, other in ((gd, g, p), (pd, p, g)):
            if doc is None:
                continue
            partner = other.waiting.pop(doc.id, None)
            if partner is None:
                own.waiting[doc.id] = doc
                if len(own.waiting) > buffer:
                    raise DatelineError(
                        "streams-out-of-order",
                        f"more than {buffer:,} {own.side} documents wait for their partner: "
                        f"{gold_name} and {pred_name} are not in the same document order",
                        fix="sort both files by id the same way, or score in memory (without "
                            "--engine stream)")
            else:
                yield _checked(doc, partner) if own is g else _checked(partner, doc)
    if leftovers is not None:
        leftovers[0].extend(g.waiting.values())
        leftovers[1].extend(p.waiting.values())
    elif g.waiting or p.waiting:
        pair_documents(list(g.waiting.values()), list(p.waiting.values()))  # names the ids


def _checked(gd: AnyDocument, pd: AnyDocument) -> Pair:
    if gd.text != pd.text:
        pair_documents([gd], [pd])  # document-text-differs, naming the offset
    return gd, pd


def _chunks(pairs: Iterable[Pair], size: int) -> Iterator[tuple[list[AnyDocument],
                                                                 list[AnyDocument]]]:
    g: list[AnyDocument] = []
    p: list[AnyDocument] = []
    for gd, pd in pairs:
        g.append(gd)
        p.append(pd)
        if len(g) == size:
            yield g, p
            g, p = [], []
    if g:
        yield g, p


def score_stream(gold: Iterable[AnyDocument], pred: Iterable[AnyDocument],
                 layers: Sequence[str], options: ScoreOptions | None = None, *,
                 chunk: int = CHUNK, per_document: bool = False, gold_name: str = "gold",
                 pred_name: str = "pred", check_gold: bool = True, gold_first: int = 1,
                 pred_first: int = 1, validate: bool = True, use: LayerUse | None = None,
                 leftovers: tuple[list[AnyDocument], list[AnyDocument]] | None = None
                 ) -> tuple[dict[str, Result], Counter[str]]:
    """Score the paired documents a chunk at a time: the merged result of every layer (counts
    summed to one row unless ``per_document``) and the predicted labels outside the
    inventory with their counts (for the caller's warning). ``*_first``: the position of
    the first document in its file (for the messages of a shard's problems); ``validate``:
    the predictions are checked to level 3 (:func:`paired`); ``use``: notes every predicted
    document's layers (what the predictions do not predict, known at the end);
    ``leftovers``: see :func:`paired`.

    >>> from dateline.schemas import Document
    >>> results, _ = score_stream([Document(id="a", text="x")], [Document(id="a", text="x")],
    ...                           ("quotes",))
    >>> results["quotes"].documents()["skipped"]
    {'absent': 1}
    """
    names = check_layers(layers)
    results: dict[str, Result] = {}
    foreign: Counter[str] = Counter()
    pairs = paired(gold, pred, gold_name=gold_name, pred_name=pred_name, check_gold=check_gold,
                   gold_first=gold_first, pred_first=pred_first, validate=validate,
                   leftovers=leftovers)
    for g, p in _chunks(pairs, chunk):
        if not validate:  # else level 3 refused any label outside the inventory
            foreign.update(foreign_labels(p))
        if use is not None:
            for doc in p:
                use.add(doc)
        part = score_layers(g, p, names, options)
        results = {n: merge_results([results[n], part[n]] if n in results else [part[n]],
                                    collapse=not per_document) for n in names}
    if not results:  # no document at all: the scorers' own empty results
        part = score_layers([], [], names, options)
        results = {n: merge_results([part[n]], collapse=not per_document) for n in names}
    return results, foreign


def _in_order(result: Result, position: Mapping[str, int]) -> Result:
    # Rows in the gold file's order (pairs arrive in another when the files' orders differ).
    ids = result.counts.doc_ids
    order = np.argsort(np.fromiter((position[i] for i in ids), dtype=np.int64,
                                   count=len(ids)), kind="stable")
    counts = DocCounts(tuple(ids[k] for k in order), result.counts.fields,
                       result.counts.values[order])
    return dataclasses.replace(result, counts=counts)


def score_systems(gold: Callable[[], Iterable[AnyDocument]],
                  systems: Mapping[str, tuple[str, Iterable[AnyDocument]]],
                  layers: Sequence[str], options: ScoreOptions | None = None, *,
                  gold_name: str = "gold", by: str | None = None, validate: bool = True,
                  uses: dict[str, LayerUse] | None = None, check_gold: bool = True
                  ) -> tuple[dict[str, dict[str, Result]], dict[str, Counter[str]], list[object]]:
    """Per-document results of every system (name -> (file name, documents)), streamed: the
    gold documents are read again for each system (``gold()`` gives them anew); rows are in
    the gold order, as the comparison needs. Also each system's foreign labels, and for
    ``by`` the documents' ids and that metadata field (all the comparison's slices read).
    ``uses``: filled with each system's :class:`~dateline.evaluation.inputs.LayerUse`;
    ``check_gold``: gold spans checked (on the first pass).

    >>> from dateline.schemas import Document
    >>> docs = [Document(id="a", text="x"), Document(id="b", text="y")]
    >>> scores, _, _ = score_systems(lambda: docs, {"s": ("s.jsonl", docs[::-1])}, ("quotes",))
    >>> scores["s"]["quotes"].documents()["skipped"]
    {'absent': 2}
    """
    scores: dict[str, dict[str, Result]] = {}
    foreign: dict[str, Counter[str]] = {}
    stubs: list[object] = []
    for k, (name, (pred_name, pred)) in enumerate(systems.items()):
        position: dict[str, int] = {}

        def read(first: bool = k == 0, position: dict[str, int] = position) -> Iterator[
                AnyDocument]:
            for doc in gold():
                position[doc.id] = len(position)
                if first and by is not None:
                    stubs.append(SimpleNamespace(id=doc.id, meta=SimpleNamespace(
                        **{by: getattr(doc.meta, by)})))
                yield doc

        use = LayerUse()
        if uses is not None:
            uses[name] = use
        results, foreign[name] = score_stream(read(), pred, layers, options, per_document=True,
                                              gold_name=gold_name, pred_name=pred_name,
                                              check_gold=check_gold and k == 0,
                                              validate=validate, use=use)
        scores[name] = {n: _in_order(r, position) for n, r in results.items()}
    return scores, foreign, stubs
