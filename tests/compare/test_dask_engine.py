"""The LocalCluster that ``DaskEngine`` starts: its workers are gone once it is closed, and
it says nothing on standard error, even when another cluster holds Dask's default HTTP port."""

from __future__ import annotations

import contextlib
import os
import socket
import time
import warnings

import pytest

from dateline.engines import DaskEngine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(ChildProcessError):  # a child of ours not yet reaped: a zombie
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"
    return True


def test_a_closed_local_cluster_leaves_no_worker_and_no_warning(capfd) -> None:
    held = socket.socket()
    try:  # as another cluster on this machine would (if one does, all the better)
        held.bind(("127.0.0.1", 8787))
        held.listen()
    except OSError:
        pass
    try:
        # the warnings of the cluster's thread too (the module's state is global)
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            engine = DaskEngine(workers=2)
            try:
                assert engine.slots == 2
                assert list(engine.map(abs, [-1, 2, -3])) == [1, 2, 3]
                pids = list(engine.client.run(os.getpid).values())
            finally:
                engine.close()
    finally:
        held.close()
    # (what a user sees: warnings Python shows by default; not a ResourceWarning of Dask's)
    assert [str(w.message) for w in warned if issubclass(w.category, UserWarning)] == []
    assert len(pids) == 2 and os.getpid() not in pids
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if _alive(pid)]
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork server on this platform")
def test_workers_are_forks_of_a_server_that_has_imported_the_scoring_modules_no_profiler(
) -> None:
    import sys

    import dask

    engine = DaskEngine(workers=1)
    try:
        loaded = engine.client.run(lambda: "dateline.streaming" in sys.modules)
        # the statistical profiler (for a dashboard this cluster does not serve) is off
        profiling = engine.client.run(
            lambda: dask.config.get("distributed.worker.profile.enabled"))
    finally:
        engine.close()
    assert list(loaded.values()) == [True]
    assert list(profiling.values()) == [False]


_EARLY = """
import json, sys
from multiprocessing import forkserver
from dateline.engines import start_fork_server
started = start_fork_server(sys.argv[1], sys.argv[1:])
server = forkserver._forkserver
print(json.dumps([started, server._forkserver_pid is not None, server._preload_modules]))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork server on this platform")
@pytest.mark.parametrize(("argv", "started"), [
    (["score", "g.jsonl", "p.jsonl", "--engine", "dask"], True),
    (["predict", "rules", "--input", "s/*.parquet", "-o", "out", "--engine=dask"], True),
    (["score", "g.jsonl", "p.jsonl", "--engine", "dask", "--scheduler", "tcp://h:8786"], False),
    (["score", "g.jsonl", "p.jsonl", "--engine", "dask", "--scheduler=tcp://h:8786"], False),
    (["score", "g.jsonl", "p.jsonl", "--engine", "processes"], False),
    (["validate", "--engine", "dask"], False),
])
def test_the_command_line_starts_the_fork_server_before_the_commands_imports(
        argv: list[str], started: bool) -> None:
    """A LocalCluster's workers are forks of a server that imports distributed and the scoring
    modules; ``dateline score|predict --engine dask`` starts it first thing (in a subprocess
    here, so that this process keeps no server)."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _EARLY, *argv], capture_output=True,
                          text=True, timeout=60, check=True)
    did, running, preload = json.loads(done.stdout)
    assert (did, running) == (started, started)
    if started:
        assert preload == ["distributed", "dateline.shards", "dateline.streaming"]
