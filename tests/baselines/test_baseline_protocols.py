"""Evaluation protocols end to end on a tiny corpus patched into loading: test, all (trained
extractors refused) and cv (each fold predicted by a model that never saw it)."""

from __future__ import annotations

import json

import pytest
from baseline_fixtures import TRAIN

from dateline import loading
from dateline.baselines import predictions
from dateline.benchmark import benchmark
from dateline.cli import main
from dateline.folds import make_folds, train_folds
from dateline.protocols import Protocol, predict_under
from dateline.schemas import DatelineError

# Every document once, with ids unique across the splits.
DOCS = [d.model_copy(update={"id": f"{d.id}-{k}"}) for k in range(4) for d in TRAIN]
SPLITS = {"train": DOCS[:8], "validation": DOCS[8:10], "test": DOCS[10:]}


@pytest.fixture
def tiny_corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_CACHE", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"  # no published folds; an empty MANIFEST for the signature
    corpus.mkdir()
    (corpus / "MANIFEST").write_text("")
    monkeypatch.setenv("DATELINE_CORPUS", str(corpus))
    monkeypatch.setattr(loading, "documents", lambda split, **_: iter(SPLITS[split]))
    monkeypatch.setattr(loading, "corpus_version", lambda *_: "9.9.9-test")
    return tmp_path


class Spy:
    """A trainable extractor that records what it trained on and what it predicted."""

    name, version, layers = "spy", "1", ("entities",)

    def __init__(self):
        self.trained: list[set[str]] = []
        self.predicted: list[tuple[int, str]] = []

    def train(self, train, validation):
        self.trained.append({d.id for d in (*train, *validation)})
        return {}

    def save(self, directory):
        (directory / "model.txt").write_text("x")

    def load(self, directory):
        raise AssertionError("every fold trains afresh")

    def extract(self, doc):
        self.predicted.append((len(self.trained), doc.id))
        return predictions(doc, self, entities=([], ("PERSON",)))


def test_cv_never_predicts_a_document_the_model_saw(tiny_corpus):
    spy = Spy()
    gold = loading_docs()
    preds, _, reports = predict_under(Protocol("cv", 3), spy, gold, corpus_version="9.9.9")
    assert [p.id for p in preds] == [d.id for d in gold]
    assert len(spy.trained) == 3 and len(reports) == 3
    folds = make_folds(gold, 3)
    seen = {}
    for i, doc_id in spy.predicted:  # i: how many models were trained when it predicted
        seen.setdefault(i, set()).add(doc_id)
        assert doc_id not in spy.trained[i - 1]
    assert sorted(map(sorted, seen.values())) == sorted(map(sorted, folds))
    for i in range(3):  # trained on the other two folds: one to learn, one to tune
        trained_on, inner = train_folds(3, i)
        assert spy.trained[i] == {d for f in (*trained_on, inner) for d in folds[f]}
    assert len({r["directory"] for r in reports}) == 3  # one cached model per fold


def loading_docs():
    return sorted((d for s in SPLITS.values() for d in s), key=lambda d: d.id)


def test_all_refuses_an_extractor_trained_on_the_corpus(tiny_corpus, capsys):
    out = tiny_corpus / "bench"
    code = main(["benchmark", "--protocol", "all", "--extractors", "events-rules", "--output-dir",
                 str(out), "--quiet"])
    assert code == 2 and "protocol-refuses-trained" in capsys.readouterr().err
    with pytest.raises(DatelineError, match="protocol-refuses-trained"):
        predict_under(Protocol("all"), Spy(), DOCS, corpus_version="x")


def test_all_scores_every_document_and_skips_trained_extractors(tiny_corpus):
    report = benchmark(None, protocol="all", output_dir=tiny_corpus / "b", resamples=20,
                       trials=20)
    assert report["protocol"] == "all" and report["documents"] == len(DOCS)
    for name in ("crf", "lexicon", "events-rules"):
        assert "trains on the corpus" in report["skipped"][name]
    assert "quotes-rules" in report["extractors"]


def test_cv_end_to_end(tiny_corpus, capsys):
    out = tiny_corpus / "cv"
    assert main(["benchmark", "--protocol", "cv", "--folds", "3", "--extractors",
                 "crf,events-rules,quotes-rules", "--output-dir", str(out), "--quiet",
                 "--resamples", "50", "--trials", "50"]) == 0
    printed = capsys.readouterr().out
    assert f"all {len(DOCS)} documents, 3-fold cross-validation" in printed
    report = json.loads((out / "report.json").read_text())
    assert report["protocol"] == "cv:3"
    crf = report["extractors"]["crf"]
    assert len(crf["train"]) == 3 and all(not r["cached"] for r in crf["train"])
    assert crf["scores"]["entities"]["documents"]["scored"] == len(DOCS)
    assert report["extractors"]["quotes-rules"]["train"] is None
    # a second run reuses the three fold models
    assert main(["benchmark", "--protocol", "cv", "--folds", "3", "--extractors", "crf",
                 "--output-dir", str(out), "--quiet", "--resamples", "20", "--trials", "20"]) == 0
    again = json.loads((out / "report.json").read_text())
    assert all(r["cached"] for r in again["extractors"]["crf"]["train"])


def test_unknown_protocol_and_too_few_folds_are_usage_errors(tiny_corpus, capsys):
    assert main(["benchmark", "--protocol", "cv", "--folds", "1", "--quiet"]) == 2
    assert "bad-option" in capsys.readouterr().err
    with pytest.raises(DatelineError, match="unknown-protocol"):
        benchmark([], protocol="loo", gold=DOCS)
