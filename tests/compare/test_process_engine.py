"""``--engine processes``: a worker's coded error reaches the caller whole, the first in the
order of the tasks; a killed worker is ``worker-died``; Ctrl-C (SIGINT to the process group, as
a terminal sends it) and a killed command leave no worker behind; the pool is shut down after
every map. (Its reports equal the other engines': ``test_engine_parity.py``.)"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from compare_data import corpus, perturb

from dateline.cli import main
from dateline.commands.types import worker_count
from dateline.engines import make_engine
from dateline.process_engine import ProcessEngine, start_method, usable_cores
from dateline.schemas import DatelineError, write_jsonl


def _refuse(k: int) -> int:
    if k == 1:
        time.sleep(0.3)  # finishes after task 2: its error is still the one raised
    if k in (1, 2):
        raise DatelineError("text-mismatch", f"span text differs in task {k}",
                            where=f"p.jsonl:{k}", fix=f"fix task {k}", exit_code=1)
    return k


def _die(k: int) -> int:
    if k == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.2)
    return k


def _gone(pid: int) -> bool:
    try:  # a zombie (killed, not yet reaped by its new parent) is gone too
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith(("Z", "X"))
    except FileNotFoundError:
        return True


def _none_left(pids: list[int]) -> bool:
    # the engine's workers only (a Dask cluster of another test may have children of its own)
    return not set(pids) & {p.pid for p in multiprocessing.active_children()} and all(
        _gone(p) for p in pids)


def _wait_gone(pids: list[int], seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if all(_gone(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def test_results_in_order_and_no_worker_left() -> None:
    with ProcessEngine(2) as engine:
        assert list(engine.map(abs, range(-5, 5))) == [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]
        assert list(engine.map(str, [1, 2])) == ["1", "2"]  # the same workers, again
        pids = list(engine._started)
    assert len(pids) == 2 and _none_left(pids)


def test_a_workers_error_is_the_same_error_first_in_task_order() -> None:
    engine = ProcessEngine(2)
    with pytest.raises(DatelineError) as caught, engine:
        list(engine.map(_refuse, [0, 1, 2, 3]))
    err = caught.value
    assert (err.code, err.message, err.where, err.fix, err.exit_code) == (
        "text-mismatch", "span text differs in task 1", "p.jsonl:1", "fix task 1", 1)
    assert str(err) == "[text-mismatch] p.jsonl:1: span text differs in task 1. Fix: fix task 1."
    assert _none_left(list(engine._started))


@pytest.mark.parametrize("started", [True, False])
def test_processes_the_system_refuses_are_workers_cannot_start(
        started: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork refused (EAGAIN: a limit on processes) when the first task launches them,
    whether by ``start()`` or by the first ``map``: coded, with the way out, no worker left."""
    import concurrent.futures.process as futures_process

    def no_fork(self: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(futures_process.ProcessPoolExecutor, "_spawn_process", no_fork)
    engine = ProcessEngine(1)
    with pytest.raises(DatelineError) as caught, engine:
        engine.start() if started else list(engine.map(abs, [-1]))
    err = caught.value
    assert (err.code, err.exit_code) == ("workers-cannot-start", 1)
    assert err.message == ("the 1 worker process of --engine processes could not start: "
                           "Resource temporarily unavailable")
    assert "--engine memory" in str(err) and not engine._started


def test_a_limit_reached_at_the_second_worker_leaves_the_first_ended(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures.process as futures_process

    real = futures_process.ProcessPoolExecutor._spawn_process
    spawned: list[int] = []

    def second_refused(self: futures_process.ProcessPoolExecutor) -> None:
        if spawned:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        real(self)
        spawned.extend(self._processes)

    monkeypatch.setattr(futures_process.ProcessPoolExecutor, "_spawn_process", second_refused)
    engine = ProcessEngine(2)
    with pytest.raises(DatelineError, match=r"\[workers-cannot-start\] the 2 worker"), engine:
        engine.start()
    assert len(spawned) == 1 and _none_left(spawned)


def test_a_killed_worker_is_worker_died_and_the_others_are_ended() -> None:
    engine = ProcessEngine(2)
    with pytest.raises(DatelineError) as caught, engine:
        list(engine.map(_die, range(6)))
    assert caught.value.code == "worker-died" and "SIGKILL" in str(caught.value)
    assert "SIGTERM" not in str(caught.value)  # the worker the pool ended is not the lost one
    assert "--workers" in str(caught.value)  # the fix names the way out
    assert _none_left(list(engine._started))


SLOW = r"""
import faulthandler, os, signal, sys, time
faulthandler.register(signal.SIGUSR1)  # a test that finds it hung asks for its stacks
import dateline.shards
from dateline.cli import main
def slow(task):
    with open(sys.argv[1], "a") as f:
        f.write(f"{os.getpid()}\n")
    time.sleep(120)
dateline.shards.score_shard = slow  # forked workers run it: every task waits
sys.exit(main(["score", sys.argv[2], sys.argv[2], "--engine", "processes", "--workers", "2"]))
"""


def _slow_run(tmp_path: Path) -> tuple[subprocess.Popen[str], list[int]]:
    docs = tmp_path / "d.jsonl"
    docs.write_text("".join(f'{{"id": "d{k}", "text": "x"}}\n' for k in range(8)))
    pids = tmp_path / "pids"
    proc = subprocess.Popen([sys.executable, "-c", SLOW, str(pids), str(docs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own group, as a terminal's job
    end = time.monotonic() + 60
    while time.monotonic() < end and len(pids.read_text().split() if pids.exists() else []) < 2:
        time.sleep(0.05)
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2
    return proc, workers


def _communicate(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # the failure shows where each of its threads waits
        proc.send_signal(signal.SIGUSR1)
        time.sleep(1)
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        pytest.fail(f"the command did not end within 30 s of Ctrl-C; its threads:\n{err}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork: Linux")
def test_ctrl_c_ends_the_command_and_its_workers(tmp_path: Path) -> None:
    proc, workers = _slow_run(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = _communicate(proc)
    assert proc.returncode == 130 and err.strip() == "interrupted", err
    assert _wait_gone(workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG: Linux")
def test_workers_do_not_outlive_a_killed_command(tmp_path: Path) -> None:
    proc, workers = _slow_run(tmp_path)
    proc.kill()  # SIGKILL: no handler runs in the command; the kernel ends the workers
    proc.communicate(timeout=30)
    assert _wait_gone(workers)


def test_start_method_and_worker_counts(tmp_path: Path) -> None:
    if sys.platform.startswith("linux"):
        assert start_method() == "fork"  # no import in a worker: it starts in milliseconds
    assert worker_count("all") == usable_cores()
    assert make_engine("processes", workers=None).slots == min(2, usable_cores())
    with pytest.raises(DatelineError, match=r"\[bad-option\] --scheduler is for --engine dask"):
        make_engine("processes", scheduler="tcp://h:8786")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["score", "g.jsonl", "p.jsonl", "--engine", "processes", "--workers", "0"])
    assert code == 2 and "[bad-option]" in err.getvalue() and "or all" in err.getvalue()


def _score(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["score", *argv, "--format", "json"])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_the_fallback_start_methods_give_the_same_report_and_error(tmp_path: Path, monkeypatch,
                                                                   method: str) -> None:
    """Where fork is not used, workers import dateline again: the report and a worker's
    coded error (the pickling of DatelineError registered in each new worker) are the same."""
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    gold = corpus(10)
    pred = perturb(gold, seed=3, p=0.3)
    write_jsonl(gold, tmp_path / "g.jsonl")
    write_jsonl(pred, tmp_path / "p.jsonl")
    lines = (tmp_path / "p.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "bad.jsonl").write_text("".join([*lines[:7], '{"id": "x", "text": 5}\n',
                                                 *lines[8:]]))
    runs = {}
    for name in ("fork", method):
        monkeypatch.setenv("DATELINE_START_METHOD", name)
        runs[name] = [_score(str(tmp_path / "g.jsonl"), str(tmp_path / p), "--engine",
                             "processes") for p in ("p.jsonl", "bad.jsonl")]
    assert runs[method] == runs["fork"]
    (ok, report, _), (code, _, err) = runs[method]
    assert ok == 0 and json.loads(report)["layers"]["entities"]["documents"]["scored"] == 10
    assert code == 1 and "bad.jsonl:8" in err and "Traceback" not in err
    monkeypatch.setenv("DATELINE_START_METHOD", "threads")
    assert _score(str(tmp_path / "g.jsonl"), str(tmp_path / "p.jsonl"), "--engine",
                  "processes")[0] == 2


def test_a_carriage_return_inside_a_line_is_json_whitespace_in_shards_too(tmp_path: Path
                                                                           ) -> None:
    """Shards split lines at b"\\n" only, as the whole file's reader: a "\\r" between JSON
    tokens is whitespace (cut at "\\r" too, the line was refused as invalid JSON)."""
    gold = corpus(6)
    write_jsonl(gold, tmp_path / "g.jsonl")
    lines = (tmp_path / "g.jsonl").read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"text":', b'\r"text":', 1)
    (tmp_path / "cr.jsonl").write_bytes(b"".join(lines))
    memory = _score(str(tmp_path / "g.jsonl"), str(tmp_path / "cr.jsonl"))
    assert memory[0] == 0
    assert _score(str(tmp_path / "g.jsonl"), str(tmp_path / "cr.jsonl"), "--engine",
                  "processes") == memory
