"""A plug-in's output is validated (levels 1-3) by predict and benchmark, and a prediction file
by score, compare and report: refused with a coded summary, the first incidents and how to see
them all; ``--no-validate`` lets it through."""

from __future__ import annotations

import json

import pytest

from dateline import loading
from dateline.baselines import registry
from dateline.cli import main
from dateline.schemas import Document, LayerInfo, Layers, Mention, Quote, Span, write_jsonl

TEXT = "“We will win,” she said. He agreed."


def _span(sub: str) -> Span:
    start = TEXT.index(sub)
    return Span(start=start, end=start + len(sub), text=sub)


GOLD = Document(
    id="g1", text=TEXT,
    entities=(Mention(id="m1", kind="pronoun", label="PERSON", **_span("she").model_dump()),
              Mention(id="m2", kind="pronoun", label="PERSON", **_span("He").model_dump())),
    quotes=(Quote(id="q1", kind="direct", speaker="m1", content=(_span("We will win"),)),),
    layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",)),
                  quotes=LayerInfo(status="gold", labels=("direct", "indirect", "mixed"))))


@pytest.fixture
def sloppy(tmp_path, monkeypatch):
    """The sloppy plug-in registered, and a one-document corpus."""
    monkeypatch.setitem(registry.BUILTINS, "sloppy", "plugin_extractors:Sloppy")
    monkeypatch.setenv("DATELINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(loading, "documents", lambda split, **_: iter([GOLD]))
    monkeypatch.setattr(loading, "corpus_version", lambda *_: "9.9.9-test")
    write_jsonl([GOLD], tmp_path / "gold.jsonl")
    return tmp_path


def test_predict_refuses_invalid_output_with_its_incidents(sloppy, capsys) -> None:
    out = sloppy / "pred.jsonl"
    assert main(["predict", "sloppy", "--split", "test", "-o", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "[invalid-predictions]" in err
    assert "unknown-mention-kind ×2" in err and "speaker-conflict ×1" in err
    assert "g1 $.entities[0].kind" in err  # document id and JSON path of the first incident
    assert "dateline validate" in err and "--no-validate" in err
    assert not out.exists()
    assert main(["predict", "sloppy", "--split", "test", "-o", str(out), "--quiet",
                 "--no-validate"]) == 0
    assert out.exists()


def test_score_compare_report_refuse_an_invalid_file(sloppy, capsys) -> None:
    pred = sloppy / "pred.jsonl"
    assert main(["predict", "sloppy", "--split", "test", "-o", str(pred), "--quiet",
                 "--no-validate"]) == 0
    gold = str(sloppy / "gold.jsonl")
    for argv in (["score", gold, str(pred)],
                 ["compare", gold, str(pred), "--resamples", "5", "--trials", "5"],
                 ["report", gold, str(pred), "--output-dir", str(sloppy / "rep"),
                  "--resamples", "5"]):
        capsys.readouterr()
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "[invalid-predictions]" in err and f"{pred}:1 g1 $.quotes[0]" in err
        assert f"dateline validate {pred}" in err
    assert main(["score", gold, str(pred), "--no-validate", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["layers"]["entities"]


def test_score_lists_every_schema_incident_of_a_file(sloppy, capsys) -> None:
    pred = sloppy / "pred.jsonl"
    pred.write_text(f'{{"id": "g1", "text": {json.dumps(TEXT)}, "colour": 1}}\n'
                    f'{{"id": "g2"}}\n', encoding="utf-8")
    assert main(["score", str(sloppy / "gold.jsonl"), str(pred)]) == 1
    err = capsys.readouterr().err
    assert "unknown-field ×1" in err and "missing-field ×1" in err


def test_benchmark_refuses_invalid_output(sloppy, capsys) -> None:
    out = sloppy / "bench"
    assert main(["benchmark", "--extractors", "sloppy", "--output-dir", str(out),
                 "--quiet", "--resamples", "5", "--trials", "5"]) == 1
    err = capsys.readouterr().err
    assert "[invalid-predictions]" in err and "unknown-mention-kind ×2" in err
    assert f"dateline validate {out / 'sloppy.jsonl'}" in err
    assert main(["benchmark", "--extractors", "sloppy", "--output-dir", str(out),
                 "--quiet", "--resamples", "5", "--trials", "5", "--no-validate"]) == 0


def test_predict_over_shards_refuses_invalid_output_too(sloppy, capsys) -> None:
    """Shards (a glob; one task each, here in this process) are checked as they are made:
    nothing is written for a shard with incidents."""
    (sloppy / "in").mkdir()
    write_jsonl([GOLD], sloppy / "in" / "a.jsonl")
    out = sloppy / "out"
    assert main(["predict", "sloppy", "--input", str(sloppy / "in" / "*.jsonl"), "-o", str(out),
                 "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "[invalid-predictions]" in err and "unknown-mention-kind ×2" in err
    assert "g1 $.entities[0].kind" in err and "--no-validate" in err
    assert not (out / "a.jsonl").exists()
    assert main(["predict", "sloppy", "--input", str(sloppy / "in" / "*.jsonl"), "-o", str(out),
                 "--quiet", "--no-validate"]) == 0
    assert (out / "a.jsonl").exists()
