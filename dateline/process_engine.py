"""``--engine processes``: worker processes on this machine, forked from the running command.

Dask's fixed cost (starting a cluster, importing dateline again in every worker: seconds)
outweighs the work of a few tens of thousands of documents. A worker forked from the
command after its imports starts in milliseconds and shares the parent's memory copy on
write, so two cores help from the first shard. The work is the same map over shards
(:mod:`dateline.shards`, :mod:`dateline.predicting`) as under Dask, so the numbers are the
same.

- **Start method**: ``fork`` on Linux (the point of the engine: no import in the worker);
  elsewhere ``forkserver`` where it exists (macOS: system libraries are not safe to use in a
  forked child, which is why Python's default there is ``spawn``; a fork server is a fresh
  process that loaded none of them), else ``spawn`` (Windows). With ``forkserver`` or
  ``spawn`` each worker imports dateline again, as Dask's do, and the code that makes the
  engine must run under ``if __name__ == "__main__":`` (the ``dateline`` command does).
  A fork copies only the thread that forks: the command forks before it starts any other
  thread. A program that embeds the engine while threads of its own may hold locks can set
  ``$DATELINE_START_METHOD`` (``fork``, ``forkserver`` or ``spawn``).
- **Errors**: a worker's :class:`~dateline.schemas.DatelineError` reaches the caller as the
  same error (code, message, location, fix, exit code), and results come back in the order
  of the shards, so the first error in file order is the one raised, as the other engines do.
- **Ctrl-C and dying workers**: workers ignore SIGINT (a terminal sends it to the whole
  process group), so the command alone handles it: :meth:`ProcessEngine.close` cancels what
  has not started and ends the workers still running. A worker that dies (killed, e.g. by
  the out-of-memory killer) is ``worker-died``, naming the task and the signal; the other
  workers are ended. On Linux a worker is also ended by the kernel if the command itself is
  killed (``PR_SET_PDEATHSIG``), so no worker outlives it.

>>> with ProcessEngine(2) as engine:
...     list(engine.map(abs, [-1, 2, -3]))
[1, 2, 3]
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.reduction import ForkingPickler
from typing import Any

from dateline.engines import Engine
from dateline.schemas import DatelineError

__all__ = ["ProcessEngine", "default_workers", "start_method", "usable_cores"]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it).

    >>> usable_cores() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """The default ``--workers`` of ``--engine processes``: 2, or fewer on a machine with fewer
    usable cores. Not every core: like ``make -j`` or ``n_jobs=-1``, all of them is what a
    user asks for (``--workers all``), on a machine that others may share.

    >>> 1 <= default_workers() <= 2
    True
    """
    return min(2, usable_cores())


def start_method() -> str:
    """How workers are started here: ``$DATELINE_START_METHOD`` when set, else ``fork`` on
    Linux, else ``forkserver`` where it exists, else ``spawn`` (the module doc says why).

    >>> start_method() in ("fork", "forkserver", "spawn")
    True
    >>> os.environ["DATELINE_START_METHOD"] = "threads"
    >>> start_method()
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] DATELINE_START_METHOD='threads' is not ...
    >>> del os.environ["DATELINE_START_METHOD"]
    """
    methods = multiprocessing.get_all_start_methods()
    asked = os.environ.get("DATELINE_START_METHOD")
    if asked is not None:
        if asked not in methods:
            raise DatelineError("bad-option", f"DATELINE_START_METHOD={asked!r} is not a start "
                                f"method of this system ({', '.join(methods)})",
                                fix="set it to one of them, or unset it", exit_code=2)
        return asked
    if sys.platform.startswith("linux") and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _rebuild_error(state: dict[str, Any]) -> DatelineError:
    # The registered code was checked where the error was raised: rebuild it as it was.
    err = DatelineError.__new__(DatelineError)
    err.__dict__.update(state)
    Exception.__init__(err, str(err))
    return err


def _reduce_error(err: DatelineError) -> tuple[Callable[..., DatelineError], tuple[Any, ...]]:
    return _rebuild_error, (dict(err.__dict__),)


# DatelineError's constructor takes keywords that ``Exception.args`` does not keep, so it does
# not pickle by itself; results and errors cross the processes with this pickler.
ForkingPickler.register(DatelineError, _reduce_error)


def _init_worker(parent: int | None) -> None:
    # ``parent``: the command's pid (None under forkserver: the fork server is the parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    if sys.platform.startswith("linux"):
        # Killed when the thread that started the workers ends (the command's main thread).
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if parent is not None and os.getppid() != parent:  # it died before the line above
            os._exit(1)


class ProcessEngine(Engine):
    """``workers`` processes of this machine (:func:`default_workers` when None), started at
    the first :meth:`map` (so after the command's imports and its reading of the files' line
    offsets) with :func:`start_method`; one task per process at a time.

    >>> engine = ProcessEngine(3)
    >>> engine.name, engine.slots
    ('processes', 3)
    >>> engine.close()
    """

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else workers
        if self.workers < 1:
            raise DatelineError("bad-option", f"--workers {self.workers}: at least 1 worker",
                                fix="give --workers 1 or more, or --workers all", exit_code=2)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[Any]] = []
        self._started: dict[int, multiprocessing.process.BaseProcess] = {}

    @property
    def slots(self) -> int:
        """The worker processes."""
        return self.workers

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            method = start_method()
            parent = None if method == "forkserver" else os.getpid()
            with self._starting():
                self._pool = ProcessPoolExecutor(self.workers,
                                                 mp_context=multiprocessing.get_context(method),
                                                 initializer=_init_worker, initargs=(parent,))
        return self._pool

    @contextlib.contextmanager
    def _starting(self) -> Iterator[None]:
        # The pool's semaphores (in /dev/shm) and its processes are made here: the system's
        # refusal is named as the workers', with the way out, not as a file's error.
        try:
            yield
        except OSError as exc:
            # those that did start (a limit reached at the second) are ended here: the pool
            # has no manager thread yet to tell them to exit
            for proc in (getattr(self._pool, "_processes", None) or {}).values():
                proc.terminate()
                proc.join()
            what = exc.strerror or str(exc) or type(exc).__name__
            where = f" ({exc.filename})" if exc.filename else ""
            raise DatelineError("workers-cannot-start", f"the {self.workers} worker "
                                f"process{'es' if self.workers != 1 else ''} of --engine "
                                f"processes could not start: {what}{where}") from None

    def start(self) -> None:
        """Start the workers now rather than at the first :meth:`map`: with ``fork``, before
        the caller starts threads of its own (a fork copies only the thread that forks).

        >>> with ProcessEngine(1) as engine:
        ...     engine.start(); list(engine.map(abs, [-2]))
        [2]
        """
        pool = self._start()
        if not self._futures:  # a first task launches the processes (all of them, with fork)
            gc.freeze()  # see map
            try:
                with self._starting():
                    self._futures.append(pool.submit(int))
            finally:
                gc.unfreeze()
            self._started.update(getattr(pool, "_processes", None) or {})

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> Iterator[Any]:
        """Submit every item at once; results in the order of the items (the first error in
        that order is raised, the later tasks are then cancelled or ended by :meth:`close`)."""
        pool = self._start()
        futures: list[Future[Any]] = []
        gc.freeze()  # objects made so far stay out of the workers' collections: shared pages
        try:
            with self._starting():  # the first submit starts the processes
                for item in items:
                    futures.append(pool.submit(fn, item))
                self._started.update(getattr(pool, "_processes", None) or {})
        except BrokenProcessPool as exc:  # a worker of an earlier map died
            raise self._died(len(futures), len(items), exc) from None
        finally:
            gc.unfreeze()
        self._futures += futures
        return self._results(futures)

    def _results(self, futures: list[Future[Any]]) -> Iterator[Any]:
        for k, future in enumerate(futures):
            try:
                yield future.result()
            except BrokenProcessPool as exc:
                raise self._died(k, len(futures), exc) from None

    def _died(self, k: int, n: int, exc: BrokenProcessPool) -> DatelineError:
        # The pool ends the other workers with SIGTERM once one is lost: name the lost ones.
        ends = []
        for pid, proc in sorted(self._started.items()):
            proc.join(1)
            code = proc.exitcode
            if code is not None and code < 0:
                ends.append((code == -signal.SIGTERM, f"pid {pid} killed by "
                             f"{signal.Signals(-code).name}"))
            elif code not in (None, 0):
                ends.append((False, f"pid {pid} exited with {code}"))
        lost = [text for ended, text in ends if not ended] or [text for _, text in ends]
        how = "; ".join(lost) or "no exit status"
        return DatelineError("worker-died", f"task {k + 1} of {n} was not done: a worker "
                             f"process died ({how}): {str(exc).rstrip('.')}",
                             fix="SIGKILL is most often the out-of-memory killer: run with "
                                 "fewer --workers, or --engine stream (memory bounded by a "
                                 "chunk)")

    def close(self) -> None:
        """Shut the workers down: at once (cancelled tasks, running workers ended) when a task
        is unfinished (an error, Ctrl-C), else once they have exited. No worker is left."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        unfinished = any(not f.done() for f in self._futures)
        pool.shutdown(wait=not unfinished, cancel_futures=True)
        if unfinished:
            for proc in self._started.values():
                if proc.is_alive():
                    proc.terminate()
        for proc in self._started.values():
            proc.join()
        self._futures = []
