"""Where the work runs: one small interface, :class:`Engine` (``map`` a function over shards,
in order; ``close``), and three engines: :class:`LocalEngine` (this process),
:class:`DaskEngine` (a ``dask.distributed`` cluster: a ``LocalCluster`` on this machine, or
any running cluster given by its scheduler's address) and ``processes``
(:class:`~dateline.process_engine.ProcessEngine`: worker processes forked on this machine,
without Dask's fixed cost). Ray or Spark would be one more class
with these two methods. The work itself (:mod:`dateline.shards`) is a map over shards plus an
additive reduce, so any engine gives the same numbers.

Workers on other machines: start a scheduler (``dask scheduler``, it prints its address,
``tcp://HOST:8786``), then on every machine ``dask worker tcp://HOST:8786 --nthreads 1``
(each machine needs dateline installed and the input paths readable, e.g. a shared file
system), and pass ``--scheduler tcp://HOST:8786``.

>>> with LocalEngine() as engine:
...     list(engine.map(abs, [-1, 2, -3]))
[1, 2, 3]
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any

from dateline.schemas import DatelineError

__all__ = ["ENGINES", "DaskEngine", "Engine", "LocalEngine", "make_engine",
           "start_fork_server"]

ENGINES = ("local", "dask", "processes")


class Engine:
    """Runs ``fn`` over shards; results come back in the order of the shards.

    >>> [cls.name for cls in (LocalEngine, DaskEngine)]
    ['local', 'dask']
    """

    name = "engine"

    @property
    def slots(self) -> int:
        """How many tasks run at once (a map is cut into a few times as many shards)."""
        return 1

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> Iterator[Any]:
        """``fn(item)`` for every item, in order."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the engine holds (workers, connections)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class LocalEngine(Engine):
    """This process, one shard after the other.

    >>> LocalEngine().name, LocalEngine().slots
    ('local', 1)
    """

    name = "local"

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> Iterator[Any]:
        """``fn(item)`` for every item, in order, here."""
        return map(fn, items)


def _quiet() -> None:
    # A clean shutdown still logs connection tracebacks from the heartbeats; users would
    # take them for a failure.
    for name in ("distributed", "distributed.nanny", "distributed.worker",
                 "distributed.scheduler", "distributed.core", "distributed.comm"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# What a worker imports before its first task: distributed, and the modules a score task
# unpickles and runs (a JSONL range; Parquet and predicting import theirs on first use).
_PRELOAD = ("distributed", "dateline.shards", "dateline.streaming")


def _start_method() -> str:
    # How the LocalCluster's worker processes start: "forkserver" where the platform has it,
    # else "spawn" (Dask's default). A spawned worker is a new interpreter that imports
    # distributed, then dateline on its first task, each worker on its own; under a fork
    # server these modules are imported once, in the server, which is started here before
    # this process imports distributed (the two imports run side by side), and each worker
    # is a fork of it. The server has a single thread (a fork of this process could inherit
    # a lock held by another of its threads), and a worker still exits when this process
    # goes away (Dask's parent pipe); the server exits with this process.
    import multiprocessing
    from multiprocessing import forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return "spawn"
    forkserver.set_forkserver_preload(list(_PRELOAD))  # read only when the server starts
    forkserver.ensure_running()  # returns at once; the server imports while we go on
    return "forkserver"


def start_fork_server(command: str | None, argv: Sequence[str]) -> bool:
    """Start the fork server of a LocalCluster's workers now if the command line ``argv``
    (the words after ``dateline``, naming ``command``) asks for one: ``score`` or ``predict``
    with ``--engine dask`` and no ``--scheduler``; True if it did (the platform has fork
    servers). The ``dateline`` command calls it before it imports the command's modules: the
    server's imports (distributed and the scoring modules, about 0.45 s, the longest step of
    the cluster's start) then run beside the command's own (about 0.12 s) instead of after
    them. Starting is all it does: the command still checks its options, and the server exits
    with this process.

    >>> start_fork_server("score", ["score", "g.jsonl", "p.jsonl", "--engine", "stream"])
    False
    >>> start_fork_server("score", ["score", "g", "p", "--engine=dask", "--scheduler", "x"])
    False
    """
    words = list(argv)
    if command not in ("score", "predict") or "--scheduler" in words or any(
            w.startswith("--scheduler=") for w in words):
        return False
    if "--engine=dask" not in words and ("--engine", "dask") not in itertools.pairwise(words):
        return False
    return _start_method() == "forkserver"  # else the workers are spawned, with no server


class DaskEngine(Engine):
    """A ``dask.distributed`` client: on ``scheduler`` (an address), or on a ``LocalCluster``
    of ``workers`` processes with one thread each, listening on 127.0.0.1 only, no dashboard.
    Its workers are forks of a fork server that has imported distributed and the scoring
    modules (:func:`_start_method`); each imports the main module again, so code that starts
    a LocalCluster must run under ``if __name__ == "__main__":``; the ``dateline`` command
    does.

    >>> DaskEngine.name, callable(DaskEngine.map)
    ('dask', True)
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2) -> None:
        method = _start_method() if scheduler is None else None
        try:
            import dask
            import distributed.utils
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a dependency
            raise DatelineError("missing-dependency", f"dask.distributed is not installed "
                                f"({exc})", fix="pip install 'dask[distributed]'") from None
        _quiet()
        self.cluster = None
        if scheduler is None:
            # Dask would otherwise import numpy, pandas and lz4 here to name them as the fork
            # server's preload, which the server started above never reads.
            distributed.utils._forkserver_preload_set = True
            # silence_logs: a task refused with a coded error is reported once, by the
            # command, not also as the worker's "Compute Failed" log with its traceback.
            # scheduler_kwargs: without a dashboard the scheduler still serves its health
            # and metrics pages, on port 8787 by default; when another cluster has that
            # port, Dask warns on standard error. A free port of its choosing instead.
            # No profiler: a worker samples its task's thread every 10 ms for the dashboard,
            # which this cluster does not serve (about 6% of a worker's CPU time, measured on
            # 6,250-document shards: the median of paired runs with and without it).
            with dask.config.set({"distributed.worker.multiprocessing-method": method,
                                  "distributed.worker.profile.enabled": False}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                            processes=True, host="127.0.0.1",
                                            dashboard_address=None,
                                            scheduler_kwargs={"dashboard_address":
                                                              "127.0.0.1:0"},
                                            silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise DatelineError("no-scheduler", f"cannot reach the Dask scheduler at "
                                    f"{scheduler!r} ({exc})",
                                    fix="start one (`dask scheduler`) and give its address, "
                                        "e.g. tcp://HOST:8786; or leave out --scheduler",
                                    exit_code=2) from None

    @property
    def slots(self) -> int:
        """The threads of the cluster's workers (those connected now), at least 1."""
        return max(1, sum(self.client.nthreads().values()))

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> Iterator[Any]:
        """Submit every shard at once, gather the results in order."""
        futures = self.client.map(fn, list(items), pure=False)
        return iter(self.client.gather(futures))

    def close(self) -> None:
        """The client first, then the cluster (the order that shuts down quietly)."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(name: str, scheduler: str | None = None, workers: int | None = 2) -> Engine:
    """The engine called ``name`` (:data:`ENGINES`); ``workers`` None: the engine's default.

    >>> make_engine("local").name
    'local'
    >>> with make_engine("processes", workers=None) as engine:
    ...     engine.name, 1 <= engine.slots <= 2
    ('processes', True)
    >>> make_engine("local", scheduler="tcp://h:8786")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] --scheduler is for --engine dask. ...
    """
    if name == "dask":
        return DaskEngine(scheduler, 2 if workers is None else workers)
    if scheduler is not None:
        raise DatelineError("bad-option", "--scheduler is for --engine dask",
                            fix="add --engine dask, or leave out --scheduler", exit_code=2)
    if name == "processes":
        from dateline.process_engine import ProcessEngine

        return ProcessEngine(workers)
    return LocalEngine()
