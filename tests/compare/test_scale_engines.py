"""score --engine stream and --engine dask print the very report of the in-memory run, from
JSONL or Parquet; their refusals are coded and located."""

import contextlib
import io
import json
import random
from pathlib import Path

import pytest
from compare_data import corpus, perturb

from dateline.cli import main
from dateline.columnar import arrow_schema, read_parquet, write_parquet
from dateline.evaluation.layers import ScoreOptions
from dateline.schemas import DatelineError, Document, Mention, write_jsonl
from dateline.schemas.fast import to_document
from dateline.streaming import paired, score_stream


def _files(tmp_path: Path, n: int = 23, shuffle: bool = False) -> tuple[Path, Path]:
    gold = corpus(n)
    pred = perturb(gold, seed=3, p=0.3)
    if shuffle:
        random.Random(1).shuffle(pred)
    write_jsonl(gold, tmp_path / "gold.jsonl")
    write_jsonl(pred, tmp_path / "pred.jsonl")
    return tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"


def _score(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", *argv, "--format", "json"]) == 0
    return out.getvalue()


@pytest.mark.parametrize("extra", [[], ["--layer", "entities", "--labels", "PERSON"],
                                   ["--kinds", "named", "--overlap", "0.5"]])
def test_streaming_prints_the_in_memory_report(tmp_path: Path, extra) -> None:
    gold, pred = _files(tmp_path, shuffle=True)
    memory = _score(str(gold), str(pred), *extra)
    assert json.loads(memory)["layers"]["entities"]["documents"]["scored"] == 23
    assert _score(str(gold), str(pred), *extra, "--engine", "stream") == memory


@pytest.mark.parametrize("chunk", [1, 2, 7])
def test_any_chunk_size_gives_the_same_numbers(tmp_path: Path, chunk: int) -> None:
    from dateline.evaluation.layers import score_layers
    from dateline.evaluation.report import report

    gold = corpus(9)
    pred = perturb(gold, seed=5, p=0.4)
    names = ("entities", "events", "quotes")
    whole = report(score_layers(gold, pred, names, ScoreOptions()))
    merged, _ = score_stream(gold, pred, names, chunk=chunk)
    assert report(merged) == whole
    per_doc, _ = score_stream(gold, pred, names, chunk=chunk, per_document=True)
    assert per_doc["entities"].counts.doc_ids == tuple(d.id for d in gold)
    assert report(per_doc) == whole


def test_parquet_in_and_out(tmp_path: Path) -> None:
    gold, pred = _files(tmp_path)
    memory = _score(str(gold), str(pred))
    from dateline.schemas import read_jsonl

    for name in ("gold", "pred"):
        docs = list(read_jsonl(tmp_path / f"{name}.jsonl"))
        assert write_parquet(docs, tmp_path / f"{name}.parquet", batch_rows=5) == len(docs)
        assert [to_document(d) for d in read_parquet(tmp_path / f"{name}.parquet")] == docs
    stream = _score(str(tmp_path / "gold.parquet"), str(tmp_path / "pred.parquet"),
                    "--engine", "stream")
    signature = "signature"
    a, b = json.loads(memory), json.loads(stream)
    a.pop(signature), b.pop(signature)  # the signature hashes the gold file's bytes
    assert a == b


def test_the_schema_is_the_exports() -> None:
    pytest.importorskip("datasets")
    from dateline.card import default_features

    assert arrow_schema() == default_features().arrow_schema


def test_parquet_problems_are_coded(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    bad = tmp_path / "bad.parquet"
    rows = [{"id": "a", "text": 7}, {"id": "b", "text": 3}]
    pq.write_table(pa.Table.from_pylist(rows), bad)
    with pytest.raises(DatelineError) as err:
        next(read_parquet(bad, batch_rows=1))
    assert err.value.code == "invalid-value" and f"{bad}:1 a $.text" in str(err.value)
    pq.write_table(pa.Table.from_pylist([{"id": "a", "text": "x"}]), bad)
    assert [d.meta.language for d in read_parquet(bad)] == ["en"]  # defaults filled in
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet")
    with pytest.raises(DatelineError) as err:
        next(read_parquet(junk))
    assert err.value.code == "not-parquet"
    from dateline.schemas import Event, Span

    odd = Document(id="e", text="met", events=(Event(id="e1", trigger=Span(
        start=0, end=3, text="met"), attributes={"colour": "red"}),))
    with pytest.raises(DatelineError) as err:
        write_parquet([odd], tmp_path / "odd.parquet")
    assert err.value.code == "not-in-export-schema" and "$.events[0].attributes" in str(err.value)
    assert not (tmp_path / "odd.parquet").exists()


def test_streaming_refusals_are_the_in_memory_ones(tmp_path: Path) -> None:
    gold = corpus(4)
    with pytest.raises(DatelineError) as err:
        list(paired(gold, gold[:3]))
    assert err.value.code == "document-ids-differ" and "'doc0003'" in str(err.value)
    other = [gold[0], gold[1].model_copy(update={"text": gold[1].text + "!"}), *gold[2:]]
    with pytest.raises(DatelineError) as err:
        list(paired(gold, other))
    assert err.value.code == "document-text-differs"
    m = gold[2].entities[0]
    wrong = gold[2].model_copy(update={"entities": (m.model_copy(update={"text": "zz"}),
                                                    *gold[2].entities[1:])})
    with pytest.raises(DatelineError) as err:
        list(paired(gold, [*gold[:2], wrong, gold[3]], pred_name="p.jsonl", validate=False))
    assert err.value.code == "text-mismatch" and "p.jsonl, document 3 ('doc0002')" in str(
        err.value)
    with pytest.raises(DatelineError) as err:  # validated (the default): levels 1-3
        list(paired(gold, [*gold[:2], wrong, gold[3]], pred_name="p.jsonl"))
    assert err.value.code == "invalid-predictions" and "text-mismatch" in str(err.value)
    with pytest.raises(DatelineError) as err:
        list(paired(gold, list(reversed(gold)), buffer=1))
    assert err.value.code == "streams-out-of-order"


def _nested_doc(doc_id: str, n: int, shift: int) -> Document:
    text = "x" * (4 * n)
    from dateline.schemas import LayerInfo, Layers

    return Document(id=doc_id, text=text,
                    layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))),
                    entities=tuple(
        Mention(id=f"m{k}", start=k, end=4 * n - k - shift, text=text[k:4 * n - k - shift],
                label="PERSON") for k in range(n)))


def test_an_adversarial_document_is_refused_by_the_command(tmp_path: Path, monkeypatch,
                                                            capsys) -> None:
    monkeypatch.setenv("DATELINE_MAX_CANDIDATES", "100")
    write_jsonl([_nested_doc("n1", 20, 0)], tmp_path / "g.jsonl")
    write_jsonl([_nested_doc("n1", 20, 1)], tmp_path / "p.jsonl")
    assert main(["score", str(tmp_path / "g.jsonl"), str(tmp_path / "p.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "[too-many-candidates]" in err and "'n1'" in err


def test_dask_gives_the_single_process_report(tmp_path: Path) -> None:
    """A LocalCluster of 2 worker processes on 127.0.0.1, shut down by the command."""
    gold, pred = _files(tmp_path)
    memory = _score(str(gold), str(pred))
    assert _score(str(gold), str(pred), "--engine", "dask", "--workers", "2") == memory
    shards = tmp_path / "shards"
    shards.mkdir()
    from dateline.schemas import read_jsonl

    g_docs, p_docs = list(read_jsonl(gold)), list(read_jsonl(pred))
    for k in range(3):
        write_parquet(g_docs[k::3], shards / f"gold-{k}.parquet")
        write_parquet(p_docs[k::3], shards / f"pred-{k}.parquet")
    sharded = json.loads(_score(str(shards / "gold-*.parquet"), str(shards / "pred-*.parquet"),
                                "--engine", "dask"))
    whole = json.loads(memory)
    for report in (sharded, whole):
        report.pop("signature")
    assert sharded == whole


def test_dask_refusals(tmp_path: Path, capsys) -> None:
    gold, pred = _files(tmp_path, n=5)
    write_jsonl(corpus(2), tmp_path / "gold-2.jsonl")  # two gold files, one predicted
    assert main(["score", str(tmp_path / "gold*.jsonl"), str(pred), "--engine", "dask"]) == 2
    assert "[shards-differ]" in capsys.readouterr().err
    assert main(["score", str(gold), str(pred), "--engine", "dask", "--scheduler",
                 "tcp://127.0.0.1:9"]) == 2
    assert "[no-scheduler]" in capsys.readouterr().err
    assert main(["score", str(gold), str(pred), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "[bad-option]" in capsys.readouterr().err


@pytest.mark.parametrize("extra", [[], ["--by", "genre", "--per-label"]])
def test_compare_streamed_is_the_in_memory_comparison(tmp_path: Path, extra) -> None:
    gold, pred = _files(tmp_path, n=12, shuffle=True)
    other = tmp_path / "other.jsonl"
    write_jsonl(perturb(corpus(12), seed=9, p=0.5), other)

    def run(*engine: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["compare", str(gold), str(pred), str(other), "--resamples", "50",
                         "--trials", "50", "--format", "json", *extra, *engine]) == 0
        return out.getvalue()
    assert run("--engine", "stream") == run()


def _entity_only_files(folder: Path) -> None:
    """g.jsonl: gold entities and quotes; a.jsonl: entities only (quotes absent); b.jsonl:
    the gold itself."""
    from dateline.schemas import LayerInfo, Layers, Quote, Span

    text = 'Ann said "no".'
    quote = Quote(id="q", kind="direct", content=(Span(start=10, end=12, text="no"),))
    mention = Mention(id="m", start=0, end=3, text="Ann", label="PERSON")
    gold = Document(id="d", text=text, entities=(mention,), quotes=(quote,), layers=Layers(
        entities=LayerInfo(status="gold", labels=("PERSON",)),
        quotes=LayerInfo(status="gold", labels=("direct",))))
    entity_only = Document(id="d", text=text, entities=(mention,), layers=Layers(
        entities=LayerInfo(status="silver", labels=("PERSON",))))
    write_jsonl([gold], folder / "g.jsonl")
    write_jsonl([entity_only], folder / "a.jsonl")
    write_jsonl([gold], folder / "b.jsonl")


def test_a_layer_the_predictions_do_not_predict_is_na_when_streamed_too(tmp_path: Path,
                                                                         capsys) -> None:
    _entity_only_files(tmp_path)
    outputs = []
    for engine in ("memory", "stream"):
        assert main(["score", str(tmp_path / "g.jsonl"), str(tmp_path / "a.jsonl"),
                     "--engine", engine, "--format", "json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[1])
    assert set(report["layers"]) == {"entities"}
    assert report["not_predicted"]["quotes"] == "not predicted (absent in every document)"


def test_compare_streamed_leaves_unpredicted_layers_out_as_in_memory(tmp_path: Path,
                                                                      capsys) -> None:
    _entity_only_files(tmp_path)
    outputs = []
    for engine in ("memory", "stream"):
        assert main(["compare", str(tmp_path / "g.jsonl"), str(tmp_path / "a.jsonl"),
                     str(tmp_path / "b.jsonl"), "--engine", engine, "--format", "json",
                     "--resamples", "20", "--trials", "20"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    memory, stream = outputs
    assert stream["layers"]["quotes"]["not_predicted"] == memory["layers"]["quotes"][
        "not_predicted"] == {"a": "not predicted (absent in every document)"}
    assert stream["layers"] == memory["layers"]
