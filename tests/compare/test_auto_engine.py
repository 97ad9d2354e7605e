"""``score --engine auto`` (the default): worker processes for two large JSONL files on a
machine with two cores, the in-memory run otherwise; either way the in-memory run's report,
and its refusals, code and message, whatever the engine that ran first."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from compare_data import bad_inputs, corpus, perturb

import dateline.process_engine
import dateline.scaled
from dateline.cli import main
from dateline.scaled import auto_engine
from dateline.schemas import DatelineError, write_jsonl
from dateline.streaming import paired


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The engines score_scaled was asked for, in order."""
    asked: list[str] = []
    real = dateline.scaled.score_scaled

    def spy(*args: object, engine: str = "stream", **kwargs: object) -> object:
        asked.append(engine)
        return real(*args, engine=engine, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dateline.scaled, "score_scaled", spy)
    return asked


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    gold = corpus(24)
    write_jsonl(gold, tmp_path / "g.jsonl")
    write_jsonl(perturb(gold, seed=3, p=0.3), tmp_path / "p.jsonl")
    return str(tmp_path / "g.jsonl"), str(tmp_path / "p.jsonl")


def test_the_choice(pair: tuple[str, str], tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    gold, pred = pair
    size = Path(gold).stat().st_size + Path(pred).stat().st_size
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", size)
    monkeypatch.setattr(dateline.process_engine, "usable_cores", lambda: 2)
    assert auto_engine(gold, pred) == "processes"
    assert auto_engine(gold, pred, workers=3) == "processes"
    assert auto_engine(gold, pred, workers=1) == "memory"  # one worker: no gain
    parquet = tmp_path / "p.parquet"
    parquet.write_bytes(b"x" * size)
    for other in ("corpus:test", str(tmp_path / "*.jsonl"), str(parquet),
                  str(tmp_path / "missing.jsonl")):
        assert auto_engine(other, pred) == auto_engine(gold, other) == "memory", other
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", size + 1)  # smaller than the limit
    assert auto_engine(gold, pred) == "memory"
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", 0)
    monkeypatch.setattr(dateline.process_engine, "usable_cores", lambda: 1)  # one core
    assert auto_engine(gold, pred) == "memory"


@pytest.mark.parametrize("options", [[], ["--layer", "entities", "--labels", "PERSON"],
                                     ["--no-validate", "--format", "table"]])
def test_the_report_is_the_in_memory_one(pair: tuple[str, str], engines: list[str],
                                         monkeypatch: pytest.MonkeyPatch,
                                         options: list[str]) -> None:
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", 0)
    memory = _run("score", *pair, *options, "--engine", "memory")
    assert memory[0] == 0 and engines == []
    assert _run("score", *pair, *options) == memory
    assert engines == ["processes"]
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", 1 << 40)  # small files: in memory
    assert _run("score", *pair, *options) == memory
    assert engines == ["processes"]


@pytest.mark.parametrize("validate", [[], ["--no-validate"]])
def test_refusals_are_the_in_memory_ones_whole(tmp_path: Path, engines: list[str],
                                               monkeypatch: pytest.MonkeyPatch,
                                               validate: list[str]) -> None:
    """The code and the whole message (the map engines' messages may differ from the
    in-memory run's: auto leaves a refusal to the in-memory run)."""
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", 0)
    for name, (gold, pred) in bad_inputs(tmp_path).items():
        memory = _run("score", str(gold), str(pred), *validate, "--engine", "memory")
        assert memory[0] == 1, name
        engines.clear()
        assert _run("score", str(gold), str(pred), *validate) == memory, name
        assert engines == ["processes"], name


def test_files_further_out_of_order_than_a_buffer_are_scored(
        tmp_path: Path, engines: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    gold = corpus(24)
    pred = perturb(gold, seed=3, p=0.3)
    write_jsonl(gold, tmp_path / "g.jsonl")
    write_jsonl(pred[::-1], tmp_path / "p.jsonl")
    files = (str(tmp_path / "g.jsonl"), str(tmp_path / "p.jsonl"))
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", 0)
    monkeypatch.setitem(paired.__kwdefaults__, "buffer", 2)  # the workers fork with it
    code, _, err = _run("score", *files, "--engine", "processes")
    assert code == 1 and "[streams-out-of-order]" in err
    memory = _run("score", *files, "--engine", "memory")
    assert memory[0] == 0
    engines.clear()
    assert _run("score", *files) == memory
    assert engines == ["processes"]


def test_a_dead_worker_is_not_run_again_in_memory(pair: tuple[str, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed (by the out-of-memory killer, most often) is reported as it is: the
    in-memory run would need more memory still."""
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", 0)

    def died(*args: object, **kwargs: object) -> object:
        raise DatelineError("worker-died", "task 1 of 8 was not done: a worker process died "
                            "(pid 1 killed by SIGKILL)")

    def not_read(*args: object, **kwargs: object) -> object:
        raise AssertionError("read in memory")

    monkeypatch.setattr(dateline.scaled, "score_scaled", died)
    monkeypatch.setattr("dateline.commands.score.load_gold", not_read)
    code, _, err = _run("score", *pair)
    assert code == 1 and "[worker-died]" in err


def test_workers_that_cannot_start_leave_it_to_the_in_memory_run(
        pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """E.g. no /dev/shm for the pool's semaphores: an OSError when the pool starts."""
    monkeypatch.setattr(dateline.scaled, "AUTO_BYTES", 0)
    memory = _run("score", *pair, "--format", "json", "--engine", "memory")

    def no_semaphores(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/dev/shm")

    monkeypatch.setattr(dateline.process_engine, "ProcessPoolExecutor", no_semaphores)
    assert _run("score", *pair, "--format", "json") == memory
    assert json.loads(memory[1])["layers"]
    code, out, err = _run("score", *pair, "--engine", "processes")  # asked for: not hidden
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("error: [workers-cannot-start] the 2 worker processes of --engine "
                          "processes could not start: Permission denied (/dev/shm)")
    assert "--engine memory" in err
