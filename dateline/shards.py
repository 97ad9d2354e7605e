"""Scoring and predicting over shards: the map (one task per shard) and the reduce (counts
summed, :func:`~dateline.evaluation.merge.merge_results`) that any
:class:`~dateline.engines.Engine` runs.

Shards of a score are pairs of gold and predicted inputs: two lists of files (``*.parquet`` or
``*.jsonl`` globs, paired in sorted order), or two JSONL files each cut into as many ranges
of its lines (the k-th range of the gold file with the k-th of the predictions: files in the
same document order, as ``dateline predict`` writes them, pair shard by shard). Each task reads
its own shard, checks and pairs it (:func:`~dateline.streaming.paired`, naming the file and
line of a problem; documents out of place wait in its bounded buffer), scores it a chunk at
a time, and returns summed counts, its ids, and the documents still without a partner. Those
are paired across shards and scored by the caller (at most a buffer a side per shard), so
files in different orders give the numbers of the whole files; ids repeated across shards
are refused when the results come back.

>>> import pathlib, tempfile
>>> from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> docs = [Document(id=f"d{k}", text="Ann", layers=Layers(entities=LayerInfo(status="gold")),
...                  entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
...         for k in range(5)]
>>> _ = write_jsonl(docs, folder / "g.jsonl"), write_jsonl(docs, folder / "p.jsonl")
>>> shards = score_shards([str(folder / "g.jsonl")], [str(folder / "p.jsonl")], 2)
>>> len(shards), [s.gold.first for s in shards]
(2, [1, 3])
"""

from __future__ import annotations

import glob
import itertools
import mmap
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dateline.engines import Engine
from dateline.evaluation.inputs import LayerUse, foreign_labels, pair_documents
from dateline.evaluation.layers import ScoreOptions, check_layers, score_layers
from dateline.evaluation.merge import merge_results
from dateline.evaluation.results import Result
from dateline.schemas import DatelineError
from dateline.schemas.fast import AnyDocument, fast_lines
from dateline.schemas.jsonl import read_lines
from dateline.schemas.oserrors import os_error

__all__ = [
    "Part",
    "ShardPair",
    "ShardScore",
    "Task",
    "expand",
    "line_starts",
    "score_shard",
    "score_sharded",
    "score_shards",
]


@dataclass(frozen=True)
class Part:
    """A whole file (``start`` None) or the lines from byte ``start`` to ``end`` of a JSONL
    file, the first of them being line ``first``.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.jsonl"
    >>> _ = p.write_text('{"id": "a", "text": "x"}\\n{"id": "b", "text": "y"}\\n')
    >>> [d.id for d in Part(str(p), 25, 50, 2).documents()]
    ['b']
    """

    path: str
    start: int | None = None
    end: int | None = None
    first: int = 1

    def documents(self) -> Iterator[AnyDocument]:
        """The part's documents, checked as the whole file's would be."""
        if self.start is None:
            from dateline.columnar import iter_documents

            return iter_documents(self.path)
        return self._documents()

    def _documents(self) -> Iterator[AnyDocument]:
        # A line at a time, as the whole file's reader reads them (ended by b"\n" alone: a
        # "\r" is JSON whitespace inside a line; a line over the limit is line-too-long), and
        # no copy of the whole range in memory.
        assert self.start is not None and self.end is not None
        try:
            with open(self.path, "rb", buffering=1 << 20) as f:
                f.seek(self.start)
                yield from fast_lines(read_lines(f, self.path, first=self.first,
                                                 limit=self.end - self.start), self.path)
        except OSError as exc:  # gone or unreadable since it was cut: coded, naming the path
            raise os_error(exc, self.path, "read") from exc


@dataclass(frozen=True)
class ShardPair:
    """The gold and predicted parts one task scores.

    >>> ShardPair(Part("g.jsonl"), Part("p.jsonl")).pred.path
    'p.jsonl'
    """

    gold: Part
    pred: Part


def line_starts(path: str) -> np.ndarray:
    """Byte offsets of the starts of the lines of a file, and its size last. The last few
    files' offsets are kept (by path, size and modification time), so they can be found
    while a cluster starts and used once it runs.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_bytes(b"ab\\ncd\\ne")
    >>> line_starts(str(p)).tolist()
    [0, 3, 6, 7]
    """
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    known = _STARTS.get(key)
    if known is not None:
        return known
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:  # mmap refuses an empty file
            return np.zeros(1, dtype=np.int64)
        # Mapped, not read: the search runs over the page cache without a copy of the file
        # (a read costs three times the search). The file must not shrink meanwhile (as for
        # any reader of it; a mapping then fails with SIGBUS).
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            newlines = _newlines(data)
    starts = np.concatenate([np.zeros(1, dtype=np.int64), newlines + 1])
    if starts[-1] != size:  # no newline at the end: the last line ends at the size
        starts = np.append(starts, size)
    if size == st.st_size:  # unchanged since it was looked at
        while len(_STARTS) >= 4:
            _STARTS.pop(next(iter(_STARTS)))
        _STARTS[key] = starts
    return starts


def _newlines(data: mmap.mmap) -> np.ndarray:
    # The positions of the newlines in data. Documents are long lines: find (memchr) jumps
    # from one to the next, in about a third of the time numpy takes to compare every byte;
    # for short lines (more than one in 512 bytes of the start) numpy's comparison is the
    # faster.
    head = data[: 1 << 16]
    if head.count(b"\n") * 512 > len(head):
        view = np.frombuffer(data, dtype=np.uint8)
        try:
            return np.flatnonzero(view == 10).astype(np.int64)
        finally:
            del view  # the mapping closes only when no array points into it
    found: list[int] = []
    append, find = found.append, data.find
    nl = find(b"\n")
    while nl >= 0:
        append(nl)
        nl = find(b"\n", nl + 1)
    return np.array(found, dtype=np.int64)


_STARTS: dict[tuple[str, int, int], np.ndarray] = {}


def expand(spec: str) -> list[str]:
    """The files of a path or a glob, sorted (``no-such-file`` when none).

    >>> expand("nowhere/*.parquet")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [no-such-file] nowhere/*.parquet: no file matches ...
    """
    files = sorted(glob.glob(spec)) if glob.has_magic(spec) else [spec]
    files = [f for f in files if Path(f).is_file()]
    if not files:
        raise DatelineError("no-such-file", f"no file matches {spec!r}", where=spec,
                            fix="check the path or the glob (quote it for the shell)",
                            exit_code=2)
    return files


def score_shards(gold: Sequence[str], pred: Sequence[str], n: int) -> list[ShardPair]:
    """The shards of a score from the gold and predicted files (:func:`expand`): file by
    file for several files (or Parquet, or a ``.json`` file: one document), else each of two
    JSONL files cut into ``n`` ranges of lines (the module doc has an example).

    >>> score_shards(["g.jsonl", "h.jsonl"], ["p.jsonl"], 4)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [shards-differ] 2 gold file(s) but 1 predicted ...
    """
    g_files, p_files = list(gold), list(pred)
    if len(g_files) != len(p_files):
        raise DatelineError("shards-differ", f"{len(g_files)} gold file(s) but "
                            f"{len(p_files)} predicted one(s)",
                            fix="give as many prediction shards as gold shards (paired in "
                                "sorted order), or score with --engine stream (any files)",
                            exit_code=2)
    whole = (".parquet", ".json")  # a .json file is one document: never cut into lines
    if len(g_files) > 1 or g_files[0].endswith(whole) or p_files[0].endswith(whole):
        return [ShardPair(Part(g), Part(p)) for g, p in zip(g_files, p_files, strict=True)]
    # Each file cut into n ranges of its own lines: with as many lines a side, the same
    # ranges; else documents out of place are paired across shards (score_sharded).
    g_starts, p_starts = line_starts(g_files[0]), line_starts(p_files[0])
    if len(g_starts) == 1 or len(p_starts) == 1:  # an empty file: its reader refuses it whole
        return [ShardPair(Part(g_files[0]), Part(p_files[0]))]
    g_cuts, p_cuts = _cuts(g_starts, n), _cuts(p_starts, n)
    return [ShardPair(Part(g_files[0], *g), Part(p_files[0], *p))
            for g, p in zip(g_cuts, p_cuts, strict=True) if g[0] < g[1] or p[0] < p[1]]


def _cuts(starts: np.ndarray, n: int) -> list[tuple[int, int, int]]:
    # n (start byte, end byte, first line) ranges, some empty when there are fewer lines.
    lines = len(starts) - 1
    bounds = [round(k * lines / n) for k in range(n + 1)]
    return [(int(starts[a]), int(starts[b]), a + 1) for a, b in itertools.pairwise(bounds)]


@dataclass(frozen=True)
class Task:
    """What one task scores, and how: the shard, the layers, the options; ``validate``:
    predictions checked to level 3 (else their spans); ``check_gold``: gold spans checked
    (a built corpus was checked by its build).

    >>> Task(ShardPair(Part("g.jsonl"), Part("p.jsonl")), ("entities",)).validate
    True
    """

    shard: ShardPair
    layers: tuple[str, ...]
    options: ScoreOptions | None = None
    validate: bool = True
    check_gold: bool = True


@dataclass
class ShardScore:
    """A task's result: summed counts, foreign labels, gold ids (in order), what its
    predictions do with each layer, and the documents left without a partner in the shard
    (gold, predicted), paired with the other shards' by :func:`score_sharded`.

    >>> ShardScore({}, Counter(), ["a"], LayerUse(), [], []).ids
    ['a']
    """

    results: dict[str, Result]
    foreign: Counter[str]
    ids: list[str]
    use: LayerUse
    gold_left: list[AnyDocument]
    pred_left: list[AnyDocument]


def score_shard(task: Task) -> ShardScore:
    """One task: the shard scored as it is read (:func:`~dateline.streaming.score_stream`).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.jsonl"
    >>> _ = p.write_text('{"id": "a", "text": "x"}\\n')
    >>> out = score_shard(Task(ShardPair(Part(str(p)), Part(str(p))), ("entities",)))
    >>> out.results["entities"].documents(), out.ids, out.use.unpredicted()["entities"]
    ({'scored': 0, 'skipped': {'absent': 1}, 'precision': 0, 'recall': 0}, ['a'], 'not ...')
    """
    from dateline.streaming import refusing, score_stream

    shard = task.shard
    ids: list[str] = []

    def gold_docs() -> Iterator[AnyDocument]:
        for doc in shard.gold.documents():
            ids.append(doc.id)
            yield doc

    use = LayerUse()
    left: tuple[list[AnyDocument], list[AnyDocument]] = ([], [])
    pred = shard.pred.documents()
    if task.validate:
        pred = refusing(pred, shard.pred.path)
    results, foreign = score_stream(gold_docs(), pred, task.layers,
                                    task.options, gold_name=shard.gold.path,
                                    pred_name=shard.pred.path, gold_first=shard.gold.first,
                                    pred_first=shard.pred.first, validate=task.validate,
                                    check_gold=task.check_gold, use=use, leftovers=left)
    return ShardScore(results, foreign, ids, use, *left)


def score_sharded(engine: Engine, shards: Sequence[ShardPair], layers: Sequence[str],
                  options: ScoreOptions | None = None, *, validate: bool = True,
                  check_gold: bool = True
                  ) -> tuple[dict[str, Result], Counter[str], LayerUse]:
    """Map :func:`score_shard` over the shards with ``engine``; reduce the counts. Documents
    a shard could not pair (their partner is in another shard: the files' orders differ)
    are paired and scored here, so the numbers are those of the whole files; ids repeated
    across shards are refused. Also the foreign labels and the predictions'
    :class:`~dateline.evaluation.inputs.LayerUse`.

    >>> import pathlib, tempfile
    >>> from dateline.engines import LocalEngine
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.jsonl"
    >>> _ = p.write_text('{"id": "a", "text": "x"}\\n{"id": "a", "text": "x"}\\n')
    >>> score_sharded(LocalEngine(), score_shards([str(p)], [str(p)], 2), ("entities",))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [duplicate-document-id] gold document 'a': ...
    """
    tasks = [Task(s, tuple(layers), options, validate, check_gold) for s in shards]
    parts: list[ShardScore] = list(engine.map(score_shard, tasks))
    seen: set[str] = set()
    for part in parts:
        for doc_id in part.ids:
            if doc_id in seen:
                raise _repeated(doc_id, "gold")
            seen.add(doc_id)
    gold_left = [d for part in parts for d in part.gold_left]
    pred_left = [d for part in parts for d in part.pred_left]
    paired_ids = seen - {d.id for d in gold_left}
    for doc in pred_left:
        if doc.id in paired_ids:
            raise _repeated(doc.id, "predicted")
    foreign: Counter[str] = Counter()
    use = LayerUse()
    for part in parts:
        foreign.update(part.foreign)
        use.update(part.use)
    results = [part.results for part in parts]
    if gold_left or pred_left:  # names the ids on one side only, or a differing text
        pairs = pair_documents(gold_left, pred_left)
        g, p = [gd for gd, _ in pairs], [pd for _, pd in pairs]
        foreign.update(foreign_labels(p))
        for doc in p:
            use.add(doc)
        results.append(score_layers(g, p, check_layers(layers), options))
    merged = {name: merge_results([r[name] for r in results], collapse=True)
              for name in layers}
    return merged, foreign, use


def _repeated(doc_id: str, side: str) -> DatelineError:
    return DatelineError("duplicate-document-id", f"document id {doc_id!r} occurs twice in "
                         f"the {side} collection (in two shards)",
                         where=f"{side} document {doc_id!r}",
                         fix="give every document a unique id, or remove the copy")
