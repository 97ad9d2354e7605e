"""``--engine stream``, ``--engine dask`` and ``--engine processes`` print the in-memory report
byte for byte, for every scoring option and every input the engines take (JSONL in another
order, Parquet, globs of shards, predictions that leave out layers, ``corpus:SPLIT``); what the
in-memory run refuses, they refuse with the same code (the two map engines with the same
message). One LocalCluster of 2 workers (127.0.0.1) for the module, stopped at its end; each
dask run is given its address (``--scheduler``); each processes run forks 2 workers."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from compare_data import bad_inputs, corpus, perturb

from dateline.cli import main
from dateline.columnar import read_parquet, write_parquet
from dateline.schemas import LayerInfo, read_jsonl, write_jsonl
from dateline.schemas.fast import to_document


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from dask.distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=logging.CRITICAL)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Input name -> (GOLD, PRED) as the streamed engines take them."""
    d = tmp_path_factory.mktemp("parity")
    gold = corpus(23)
    pred = perturb(gold, seed=3, p=0.3)
    write_jsonl(gold, d / "g.jsonl")
    write_jsonl(pred, d / "p.jsonl")
    shuffled = list(pred)
    random.Random(1).shuffle(shuffled)
    write_jsonl(shuffled, d / "shuffled.jsonl")
    entity_only = [p.model_copy(update={"quotes": (), "events": (), "layers": p.layers.model_copy(
        update={"quotes": LayerInfo(), "events": LayerInfo()})}) for p in pred]
    write_jsonl(entity_only, d / "entities.jsonl")
    write_parquet(gold, d / "g.parquet", batch_rows=5)
    write_parquet(pred, d / "p.parquet", batch_rows=5)
    (d / "shards").mkdir()
    for k in range(3):  # contiguous: the JSONL shards make g.jsonl and p.jsonl again
        part = slice(8 * k, 8 * k + 8)
        for name, docs in (("g", gold), ("p", pred)):
            write_jsonl(docs[part], d / "shards" / f"{name}-{k}.jsonl")
            write_parquet(docs[part], d / "shards" / f"{name}-{k}.parquet")
    # A .json file is one document, over many lines: never cut into ranges of lines.
    (d / "g.json").write_text(gold[0].model_dump_json(indent=2))
    (d / "p.json").write_text(pred[0].model_dump_json(indent=2))
    return {"jsonl": (str(d / "g.jsonl"), str(d / "p.jsonl")),
            "json": (str(d / "g.json"), str(d / "p.json")),
            "other-order": (str(d / "g.jsonl"), str(d / "shuffled.jsonl")),
            "unpredicted-layers": (str(d / "g.jsonl"), str(d / "entities.jsonl")),
            "parquet": (str(d / "g.parquet"), str(d / "p.parquet")),
            "jsonl-shards": (str(d / "shards" / "g-*.jsonl"), str(d / "shards" / "p-*.jsonl")),
            "parquet-shards": (str(d / "shards" / "g-*.parquet"),
                               str(d / "shards" / "p-*.parquet"))}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


OPTIONS = [[], ["--layer", "entities"], ["--layer", "events"], ["--layer", "quotes"],
           ["--status", "gold,draft,silver"], ["--labels", "PERSON,LOCATION"],
           ["--kinds", "named"], ["--overlap", "0.5", "--overlap-of", "union"],
           ["--overlap", "0.3", "--overlap-of", "pred"], ["--no-validate"],
           ["--protocol", "all"], ["--format", "table"]]
# The in-memory run reads one JSONL file a side: Parquet and shards are compared with it.
MEMORY_INPUT = {"parquet": "jsonl", "jsonl-shards": "jsonl", "parquet-shards": "jsonl"}
PROCESSES = ["processes", "--workers", "2"]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: " ".join(o) or "defaults")
@pytest.mark.parametrize("inputs", ["jsonl", "other-order", "unpredicted-layers", "parquet",
                                    "jsonl-shards", "parquet-shards", "json"])
def test_every_engine_prints_the_in_memory_report(files, scheduler, inputs: str,
                                                  options: list[str]) -> None:
    fmt = [] if "--format" in options else ["--format", "json"]
    code, memory, _ = _run("score", *files[MEMORY_INPUT.get(inputs, inputs)], *options, *fmt,
                            "--engine", "memory")
    assert code == 0
    for engine in (["stream"], ["dask", "--scheduler", scheduler], PROCESSES):
        code, out, err = _run("score", *files[inputs], *options, *fmt, "--engine", *engine)
        assert code == 0, err
        if inputs.startswith("parquet") and fmt:
            # The signature hashes the gold file's bytes: Parquet's are not the JSONL's.
            a, b = json.loads(memory), json.loads(out)
            assert a.pop("signature") != b.pop("signature")
            assert a == b
        elif inputs.startswith("parquet"):
            strip = [line for line in memory.splitlines() if "signature" not in line]
            assert [line for line in out.splitlines() if "signature" not in line] == strip
        else:
            assert out == memory, engine[0]


def test_unpredicted_layers_are_na_under_dask(files, scheduler) -> None:
    code, out, _ = _run("score", *files["unpredicted-layers"], "--format", "json",
                        "--engine", "dask", "--scheduler", scheduler)
    report = json.loads(out)
    assert code == 0 and set(report["layers"]) == {"entities"}
    assert report["not_predicted"] == {"events": "not predicted (absent in every document)",
                                       "quotes": "not predicted (absent in every document)"}


COMPARE_OPTIONS = [[], ["--layer", "entities", "--per-label"], ["--status", "gold,draft"],
                   ["--labels", "PERSON"], ["--kinds", "named", "--overlap", "0.5"],
                   ["--no-validate"], ["--by", "genre"], ["--metric", "*.f1"],
                   ["--reference", "entities"], ["--reference", "entities", "--layer", "quotes"],
                   ["--format", "table"]]


@pytest.mark.parametrize("options", COMPARE_OPTIONS, ids=lambda o: " ".join(o) or "defaults")
def test_compare_streamed_is_the_in_memory_comparison(files, options: list[str]) -> None:
    """Three systems: one in the gold order, one in another, one without events and quotes
    (``--reference entities`` is the reference only of the layer it predicts)."""
    fmt = [] if "--format" in options else ["--format", "json"]
    argv = ["compare", files["jsonl"][0], files["jsonl"][1], files["other-order"][1],
            files["unpredicted-layers"][1], "--resamples", "30", "--trials", "30", *options,
            *fmt]
    code, memory, _ = _run(*argv)
    assert code == 0
    assert _run(*argv, "--engine", "stream") == (0, memory, "")


def test_corpus_split_gold(corpus_env: Path, tmp_path: Path, scheduler) -> None:
    pred = tmp_path / "quotes.jsonl"
    assert main(["predict", "quote-marks", "--split", "test", "-o", str(pred), "--quiet"]) == 0
    for options in ([], ["--layer", "quotes", "--overlap", "0.5"]):
        code, memory, _ = _run("score", "corpus:test", str(pred), *options, "--format", "json",
                                "--engine", "memory")
        assert code == 0 and json.loads(memory)["corpus_version"]
        for engine in (["stream"], ["dask", "--scheduler", scheduler], PROCESSES):
            assert _run("score", "corpus:test", str(pred), *options, "--format", "json",
                        "--engine", *engine) == (0, memory, "")
    # The quote-marks predictions are the quotes' reference point by their source, not name.
    mine = tmp_path / "mine.jsonl"
    mine.write_bytes(pred.read_bytes())
    argv = ["compare", "corpus:test", str(mine), str(pred), "--resamples", "20", "--trials",
            "20", "--format", "json"]
    code, memory, _ = _run(*argv)
    assert code == 0 and json.loads(memory)["settings"]["reference"]["quotes"] == "mine"
    assert _run(*argv, "--engine", "stream") == (0, memory, "")
    # corpus:all (every split sorted by id) is no list of shards: refused, naming the option.
    code, _, err = _run("score", "corpus:all", str(pred), "--engine", "dask", "--scheduler",
                        scheduler)
    assert code == 2 and "[bad-option] --engine dask with GOLD corpus:all" in err
    assert "--engine stream" in err
    code, _, err = _run("score", "corpus:all", str(pred), "--engine", "processes")
    assert code == 2 and "[bad-option] --engine processes with GOLD corpus:all" in err


@pytest.mark.parametrize("validate", [[], ["--no-validate"]])
def test_refusals_are_the_in_memory_ones(tmp_path: Path, scheduler, validate) -> None:
    for name, (gold, pred) in bad_inputs(tmp_path).items():
        code, _, memory = _run("score", str(gold), str(pred), *validate, "--engine", "memory")
        assert code == 1, name
        expected = memory.split("]")[0] + "]"
        errors = {}
        for engine in (["stream"], ["dask", "--scheduler", scheduler], PROCESSES):
            code, _, err = _run("score", str(gold), str(pred), *validate, "--engine", *engine)
            assert (code, err.split("]")[0] + "]") == (1, expected), (name, engine)
            assert "Traceback" not in err and "Compute Failed" not in err
            errors[engine[0]] = err
        assert errors["processes"] == errors["dask"], name  # the worker's message, whole


def test_predict_over_shards_with_the_cluster(files, scheduler, tmp_path: Path) -> None:
    gold, _ = files["jsonl"]
    assert main(["predict", "quote-marks", "--input", gold, "-o", str(tmp_path / "all.jsonl"),
                 "--quiet"]) == 0
    whole = {d.id: d for d in read_jsonl(tmp_path / "all.jsonl")}
    shards = files["parquet-shards"][0]
    for engine in (["memory"], ["dask", "--scheduler", scheduler], PROCESSES):
        out = tmp_path / f"out-{engine[0]}"
        assert main(["predict", "quote-marks", "--input", shards, "-o", str(out),
                     "--engine", *engine, "--quiet"]) == 0
        got = {d.id: to_document(d) for k in range(3)
               for d in read_parquet(out / f"g-{k}.parquet")}
        assert got == whole


def test_predict_a_split_with_the_cluster(corpus_env: Path, tmp_path: Path, scheduler) -> None:
    """--split under --engine dask: one task per built file of the split (it was run in
    memory, silently, before)."""
    from dateline.loading import split_files

    assert main(["predict", "quote-marks", "--split", "test", "-o", str(tmp_path / "m.jsonl"),
                 "--quiet"]) == 0
    assert main(["predict", "quote-marks", "--split", "test", "-o", str(tmp_path / "dask"),
                 "--engine", "dask", "--scheduler", scheduler, "--quiet"]) == 0
    (name,) = [f.name for f in split_files("test")]
    assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "m.jsonl").read_bytes()
    assert main(["predict", "quote-marks", "--split", "test", "-o", str(tmp_path / "procs"),
                 "--engine", *PROCESSES, "--quiet"]) == 0
    assert (tmp_path / "procs" / name).read_bytes() == (tmp_path / "m.jsonl").read_bytes()
