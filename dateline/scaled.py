"""``score`` and ``compare`` beyond memory: ``--engine stream`` (documents paired and scored
as they are read, :mod:`dateline.streaming`), ``--engine dask`` and ``--engine processes`` (a
map over shards and a reduce of the counts, :mod:`dateline.shards`, on a Dask cluster or on
worker processes of this machine), with the report of the in-memory run, byte for byte, for
every option and input the in-memory run takes.

Inputs: a ``.jsonl``/``.json``/``.parquet`` file, a glob of them (its files in sorted order,
one after the other; the signature hashes their bytes in that order), or for the gold
``corpus:SPLIT`` (the built split's files; with ``stream`` also ``corpus:all``, every split
sorted by id, which a map over files cannot cut: ``--engine dask|processes`` refuse it).

>>> import tempfile
>>> from pathlib import Path
>>> from dateline.schemas import Document, write_jsonl
>>> path = Path(tempfile.mkdtemp()) / "d.jsonl"
>>> write_jsonl([Document(id="d", text="Hi.")], path)
1
>>> score_scaled(str(path), str(path), ("entities",))["not_predicted"]  # as in memory
{'entities': 'not predicted (absent in every document)'}
"""

from __future__ import annotations

import glob
import itertools
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.evaluation.inputs import LayerUse
from dateline.evaluation.layers import ScoreOptions, get_layer
from dateline.evaluation.results import Result
from dateline.schemas import DatelineError
from dateline.schemas.fast import AnyDocument

if TYPE_CHECKING:
    from dateline.provenance import GoldSource

__all__ = ["AUTO_BYTES", "auto_engine", "compare_streamed", "gold_files", "gold_stream",
           "read_all", "score_scaled", "warn_foreign"]


def warn_foreign(foreign: Counter[str], path: str, strict: bool) -> None:
    """Warn on standard error about predicted labels outside the inventory (with
    ``strict``: refuse them, ``labels-outside-inventory``).

    >>> warn_foreign(Counter(), "p.jsonl", True)  # none: nothing to say
    >>> warn_foreign(Counter({"HERO": 2}), "p.jsonl", True)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [labels-outside-inventory] p.jsonl: 2 predicted ...
    """
    if not foreign:
        return
    listing = ", ".join(f"{lab} ×{n}" for lab, n in foreign.most_common(5))
    err = DatelineError("labels-outside-inventory", f"{sum(foreign.values())} predicted "
                        f"item(s) carry labels outside the label inventory ({listing}); "
                        "they are scored as labels of their own", where=path)
    if strict:
        raise err
    print(f"warning: {err}", file=sys.stderr)


def _files(spec: str) -> list[str]:
    from dateline.shards import expand

    return expand(spec)


def read_all(spec: str, *, validate: bool = False) -> Iterator[AnyDocument]:
    """The documents of a file or of a glob's files (sorted), one after the other, read a
    record batch (Parquet) or a line (JSONL) at a time; ``validate``: predictions, whose
    schema problem lists every incident of the file
    (:func:`~dateline.streaming.refusing`).

    >>> list(read_all("nowhere/*.jsonl"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [no-such-file] nowhere/*.jsonl: no file matches ...
    """
    from dateline.columnar import iter_documents
    from dateline.streaming import refusing

    return itertools.chain.from_iterable(
        refusing(iter_documents(f), f) if validate else iter_documents(f) for f in _files(spec))


def gold_stream(spec: str) -> tuple[Callable[[], Iterable[AnyDocument]], bool]:
    """A function that gives the gold documents anew at each call, and whether their spans
    must be checked (a file's are; the corpus was checked by its build).

    >>> import tempfile
    >>> from pathlib import Path
    >>> from dateline.schemas import Document, write_jsonl
    >>> path = Path(tempfile.mkdtemp()) / "g.jsonl"
    >>> _ = write_jsonl([Document(id="a", text="x"), Document(id="b", text="y")], path)
    >>> read, check = gold_stream(str(path))
    >>> [d.id for d in read()], [d.id for d in read()], check
    (['a', 'b'], ['a', 'b'], True)
    """
    if spec.startswith("corpus:"):
        from dateline import loading  # imports `datasets`: only when the corpus is asked for

        split = spec.removeprefix("corpus:")
        if split == "all":
            docs = loading.all_documents()  # sorted by id across the splits: held
            return (lambda: docs), False
        loading.split_files(split)  # an unknown or unbuilt split is refused at once
        return (lambda: loading.documents(split)), False
    _files(spec)  # a missing file is refused at once
    return (lambda: read_all(spec)), True


def gold_files(spec: str, engine: str = "dask") -> tuple[list[str], bool]:
    """The gold files a map over shards reads, and whether their spans must be checked:
    a file, a glob's files, or the built files of ``corpus:SPLIT`` (``engine``: the one
    named when ``corpus:all`` is refused).

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "b.jsonl").write_text(""), (folder / "a.jsonl").write_text("")
    >>> files, check = gold_files(str(folder / "*.jsonl"))
    >>> [Path(f).name for f in files], check
    (['a.jsonl', 'b.jsonl'], True)
    >>> gold_files("corpus:all")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] --engine dask with GOLD corpus:all: ...
    """
    if spec == "corpus:all":
        raise DatelineError("bad-option", f"--engine {engine} with GOLD corpus:all: every split "
                            "sorted by id is not a list of shards", exit_code=2,
                            fix="score corpus:all with --engine stream or in memory (its "
                                "documents fit), or each split (corpus:SPLIT) with "
                                "predictions in that split's order")
    if spec.startswith("corpus:"):
        from dateline import loading

        return [str(f) for f in loading.split_files(spec.removeprefix("corpus:"))], False
    return _files(spec), True


AUTO_BYTES = 8 << 20
"""Together at least this many bytes, GOLD and PRED are scored by worker processes under
``--engine auto``: below it (about 2,500 documents a side of the standard workload), starting them
costs about what they save."""


def auto_engine(gold: str, pred: str, workers: int | None = None) -> str:
    """The engine ``score --engine auto`` (the default) runs: ``processes`` for two JSONL
    files (not a glob, not ``corpus:``) of together at least :data:`AUTO_BYTES` when more
    than one worker would run (``workers``, else the default: two where this process may
    use two cores), else ``memory``.

    >>> auto_engine("corpus:test", "pred.jsonl")
    'memory'
    """
    paths = [Path(gold), Path(pred)]
    if any(glob.has_magic(str(f)) or f.suffix != ".jsonl" or not f.is_file() for f in paths):
        return "memory"
    if sum(f.stat().st_size for f in paths) < AUTO_BYTES:
        return "memory"  # decided without importing multiprocessing
    from dateline.process_engine import default_workers

    return "processes" if (default_workers() if workers is None else workers) >= 2 else "memory"


def _corpus_version(spec: str) -> str | None:
    if not spec.startswith("corpus:"):
        return None
    from dateline import loading

    return loading.corpus_version()


def _not_predicted(results: dict[str, Result], use: LayerUse
                   ) -> tuple[dict[str, Result], dict[str, str]]:
    # A layer the predictions do not predict is n/a, as in memory (scored, then dropped:
    # that is known only at the end of the stream).
    missing = use.unpredicted()
    skipped = {n: missing[get_layer(n).data] for n in results if get_layer(n).data in missing}
    return {n: r for n, r in results.items() if n not in skipped}, skipped


def _gold_source(spec: str, *, later: bool) -> Future[GoldSource]:
    # The gold's source (provenance.gold_source); ``later``: hashed in a thread of its own
    # when it hashes files that exist (a read of the whole gold), else at once (the corpus's
    # MANIFEST is small; a missing file is refused now).
    from dateline.provenance import gold_source

    if later and not spec.startswith("corpus:") and (
            any(Path(f).is_file() for f in glob.iglob(spec)) if glob.has_magic(spec)
            else Path(spec).is_file()):
        pool = ThreadPoolExecutor(1)
        try:
            return pool.submit(gold_source, spec)
        finally:
            pool.shutdown(wait=False)  # the thread ends when the hash is done
    done: Future[GoldSource] = Future()
    done.set_result(gold_source(spec))
    return done


def score_scaled(gold: str, pred: str, layers: Sequence[str],
                 options: ScoreOptions | None = None, *, engine: str = "stream",
                 scheduler: str | None = None, workers: int | None = None,
                 protocol: str | None = None, strict: bool = False, validate: bool = True
                 ) -> dict[str, Any]:
    """The report of ``score --engine stream|dask|processes`` (``engine``): that of the
    in-memory run. ``scheduler``/``workers``: the Dask cluster (default: a LocalCluster of
    ``workers`` processes), or the worker processes of ``processes``; ``validate``: the
    predictions checked to level 3 (else their spans); ``strict``: predicted labels outside
    the inventory refused. The module doc has an example.

    >>> score_scaled("missing.jsonl", "p.jsonl", ("entities",), engine="dask")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [no-such-file] missing.jsonl: ...
    """
    from dateline.evaluation.report import report
    from dateline.evaluation.signature import protocol_part

    options = options or ScoreOptions()
    if protocol is not None:
        protocol_part(protocol)  # refused before any reading
    # --engine dask: the gold's hash (the signature's) is read while the cluster starts
    hashing = _gold_source(gold, later=engine == "dask") if engine != "processes" else None
    if engine == "stream":
        from dateline.streaming import score_stream

        read, check_gold = gold_stream(gold)
        use = LayerUse()
        results, foreign = score_stream(read(), read_all(pred, validate=validate), layers, options,
                                        gold_name=gold, pred_name=pred, check_gold=check_gold,
                                        validate=validate, use=use)
    elif engine == "dask":
        from dateline.engines import make_engine
        from dateline.shards import score_sharded, score_shards

        files, check_gold = gold_files(gold, engine)
        pred_files = _files(pred)
        if len(files) != len(pred_files):
            score_shards(files, pred_files, 1)  # refused before a cluster is started
        with ThreadPoolExecutor(1) as pool:
            # the files' line offsets are read while the cluster starts (line_starts keeps
            # them for the shards cut below)
            early = pool.submit(score_shards, files, pred_files, 1)
            with make_engine("dask", scheduler, workers) as cluster:
                early.result()
                # 8 shards per worker thread: the last to finish ends at most an eighth of a
                # worker's share after the others (a shard costs no more than its lines)
                shards = score_shards(files, pred_files, 8 * cluster.slots)
                results, foreign, use = score_sharded(cluster, shards, layers, options,
                                                      validate=validate,
                                                      check_gold=check_gold)
    elif engine == "processes":
        import dateline.streaming  # noqa: F401 - what the tasks run, imported before the fork
        from dateline.engines import make_engine
        from dateline.shards import score_sharded, score_shards

        files, check_gold = gold_files(gold, engine)
        pred_files = _files(pred)
        with make_engine(engine, None, workers) as pool:
            pool.start()  # forked now, before this process starts the hashing thread
            hashing = _gold_source(gold, later=True)  # read while the workers score
            shards = score_shards(files, pred_files, 4 * pool.slots)
            results, foreign, use = score_sharded(pool, shards, layers, options,
                                                  validate=validate, check_gold=check_gold)
    else:
        raise DatelineError("bad-option", f"--engine {engine!r} is not stream, dask or "
                            "processes", fix="use --engine stream, dask or processes",
                            exit_code=2)
    assert hashing is not None
    source = hashing.result()
    protocol = protocol or source.protocol
    protocol_part(protocol)
    results, skipped = _not_predicted(results, use)
    warn_foreign(foreign, pred, strict)
    return report(results, statuses=options.statuses, corpus_version=_corpus_version(gold),
                  options=options, manifest_hash=source.manifest_hash, protocol=protocol,
                  not_predicted=skipped or None)


def compare_streamed(gold: str, preds: Mapping[str, str], layers: Sequence[str],
                     options: ScoreOptions | None = None, *, reference: str | None = None,
                     protocol: str | None = None, strict: bool = False, validate: bool = True,
                     **comparing: Any) -> dict[str, Any]:
    """The report of ``compare --engine stream``: every system (name -> file) scored as its
    file is read (per-document counts, in the gold order), then compared as in memory:
    each layer's reference is ``reference`` where it predicts the layer, else the reference
    point that does (:func:`~dateline.references.references`, on each file's first
    documents and what the whole file predicts); ``comparing``: the resampling and
    breakdown keywords of :func:`~dateline.evaluation.compare.comparison` (``resamples``,
    ``trials``, ``seed``, ``by``, ``metrics``, ...).

    >>> import tempfile
    >>> from pathlib import Path
    >>> from dateline.schemas import Document, write_jsonl
    >>> path = Path(tempfile.mkdtemp()) / "d.jsonl"
    >>> write_jsonl([Document(id="d", text="Hi.")], path)
    1
    >>> r = compare_streamed(str(path), {"x": str(path), "y": str(path)}, ("quotes",),
    ...                      resamples=5, trials=5)
    >>> r["settings"]["systems"], r["layers"]  # no system predicts quotes: not compared
    (['x', 'y'], {})
    """
    from dateline.evaluation.compare import comparison
    from dateline.provenance import gold_source
    from dateline.references import FIRST, references
    from dateline.streaming import score_systems

    options = options or ScoreOptions()
    source = gold_source(gold)
    read, check_gold = gold_stream(gold)
    systems = {name: (path, read_all(path, validate=validate)) for name, path in preds.items()}
    for path in preds.values():
        _files(path)  # a missing file is refused before any scoring
    uses: dict[str, LayerUse] = {}
    scores, foreign, stubs = score_systems(read, systems, layers, options, gold_name=gold,
                                           by=comparing.get("by"), validate=validate,
                                           uses=uses, check_gold=check_gold)
    missing: dict[str, dict[str, str]] = {}
    for name, use in uses.items():  # layers a system does not predict: n/a, as in memory
        scores[name], missing[name] = _not_predicted(scores[name], use)
    for name, path in preds.items():
        warn_foreign(foreign[name], path, strict)
    firsts = {name: list(itertools.islice(read_all(path), FIRST)) for name, path in preds.items()}
    baseline = references(firsts, layers, explicit=reference,  # type: ignore[arg-type]
                          missing={name: use.unpredicted() for name, use in uses.items()})
    return comparison(scores, options, gold=stubs, baseline=baseline,  # type: ignore[arg-type]
                      corpus_version=_corpus_version(gold),
                      manifest_hash=source.manifest_hash,
                      protocol=protocol or source.protocol, not_predicted=missing,
                      **comparing)
