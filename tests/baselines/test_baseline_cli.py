"""train / predict / benchmark / extractors end to end, on a tiny corpus patched into loading."""

from __future__ import annotations

import json

import pytest
from baseline_fixtures import TRAIN

from dateline import loading
from dateline.baselines import get_extractor
from dateline.cli import main
from dateline.schemas import (
    Document,
    LayerInfo,
    Layers,
    Quote,
    Span,
    check_document,
    read_jsonl,
    write_jsonl,
)

TEXT = "“We will win the vote,” said Ann Lee. Bob Day said that it was close."


def _span(sub: str) -> Span:
    start = TEXT.index(sub)
    return Span(start=start, end=start + len(sub), text=sub)


QUOTED = Document(
    id="q1", text=TEXT,
    quotes=(Quote(id="q1", content=(_span("We will win the vote"),), kind="direct"),
            Quote(id="q2", content=(_span("it was close"),), kind="indirect")),
    layers=Layers(quotes=LayerInfo(status="gold", labels=("direct", "indirect", "mixed"))))
SPLITS = {"train": TRAIN * 2, "validation": TRAIN[:2], "test": [*TRAIN[2:], QUOTED]}


@pytest.fixture
def tiny_corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(loading, "documents", lambda split, **_: iter(SPLITS[split]))
    monkeypatch.setattr(loading, "corpus_version", lambda *_: "9.9.9-test")
    return tmp_path


def test_train_caches_a_non_pickle_model_and_is_deterministic(tiny_corpus, capsys) -> None:
    assert main(["train", "crf"]) == 0
    report = json.loads(capsys.readouterr().out)
    version = get_extractor("crf").version
    folder = tiny_corpus / "cache" / "models" / "9.9.9-test" / f"crf-{version}"
    assert report["cached"] is False and report["directory"] == str(folder)
    files = sorted(p.name for p in folder.iterdir())
    assert "entities-outer.crfsuite" in files and "trained.json" in files
    assert not [f for f in files if f.endswith((".pkl", ".pickle", ".joblib"))]
    first = (folder / "entities-outer.crfsuite").read_bytes()
    assert main(["train", "crf"]) == 0
    assert json.loads(capsys.readouterr().out)["cached"] is True
    assert main(["train", "crf", "--force"]) == 0
    assert (folder / "entities-outer.crfsuite").read_bytes() == first


def test_train_refuses_an_extractor_that_learns_nothing(tiny_corpus, capsys) -> None:
    assert main(["train", "quotes-rules"]) == 2
    assert "not-trainable" in capsys.readouterr().err


def test_predict_split_and_input_file(tiny_corpus) -> None:
    out = tiny_corpus / "preds.jsonl"
    assert main(["predict", "quotes-rules", "--split", "test", "-o", str(out), "--quiet"]) == 0
    preds = list(read_jsonl(out))
    assert [d.id for d in preds] == [d.id for d in SPLITS["test"]]
    assert all(check_document(d) == [] for d in preds)
    assert [q.kind for q in preds[-1].quotes] == ["direct", "indirect"]
    source = tiny_corpus / "in.jsonl"
    write_jsonl(SPLITS["test"], source)
    out2 = tiny_corpus / "preds2.jsonl"
    assert main(["predict", "lexicon", "--input", str(source), "-o", str(out2), "--quiet"]) == 0
    assert {d.layers.entities.source for d in read_jsonl(out2)} == {"lexicon@0.1.0"}


def test_predict_with_a_setting(tiny_corpus) -> None:
    out = tiny_corpus / "preds.jsonl"
    assert main(["predict", "quotes-rules", "--split", "test", "-o", str(out), "--quiet",
                 "--set", "indirect=false"]) == 0
    assert [q.kind for q in list(read_jsonl(out))[-1].quotes] == ["direct"]


def test_benchmark_writes_predictions_report_and_tables(tiny_corpus, capsys) -> None:
    out = tiny_corpus / "bench"
    names = "quotes-rules,quote-marks,crf,lexicon,events-rules"
    assert main(["benchmark", "--extractors", names, "--output-dir", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    for title in ("entities —", "entities, core task", "events —", "quotes —"):
        assert title in printed
    report = json.loads((out / "report.json").read_text())
    assert report["corpus_version"] == "9.9.9-test"
    assert set(report["extractors"]) == set(names.split(","))
    quotes = report["extractors"]["quotes-rules"]["scores"]["quotes"]["metrics"]
    assert quotes["quote"]["f1"] == 1.0 and quotes["content_exact"]["f1"] == 1.0
    for name in names.split(","):
        assert all(check_document(d) == [] for d in read_jsonl(out / f"{name}.jsonl"))
    # The second run reuses the trained models.
    assert main(["benchmark", "--extractors", "crf", "--output-dir", str(out), "--quiet"]) == 0
    again = json.loads((out / "report.json").read_text())
    assert again["extractors"]["crf"]["train"]["cached"] is True


def test_extractors_lists_builtins(capsys) -> None:
    assert main(["extractors", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["crf"]["trainable"] and rows["lexicon"]["reference"]
    assert rows["events-rules"]["layers"] == ["events"]


def test_settings_key_the_model_cache(tiny_corpus, capsys) -> None:
    assert main(["train", "events-rules", "--set", "min_count=1"]) == 0
    custom = json.loads(capsys.readouterr().out)
    assert main(["train", "events-rules"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert custom["directory"] != default["directory"]
    assert default["cached"] is False and custom["settings"] == {"min_count": 1}
