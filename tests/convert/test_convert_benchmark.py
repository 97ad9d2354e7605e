"""`dateline benchmark --gold FILE`: a converted CoNLL file and a converted brat attribution
collection through the main job, every untrained extractor under --protocol all, trained ones
under --protocol cv; systems scored only on the labels the gold covers."""

import json
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.schemas import read_jsonl

DATA = Path(__file__).resolve().parents[1] / "data" / "convert"
FAST = ["--resamples", "50", "--trials", "50", "--quiet"]
UNTRAINED = {"quote-marks", "quotes-rules", "spacy"}


def flat(text):
    """Printed tables with rich's line wrapping undone."""
    return " ".join(text.split())


def convert(tmp_path, *args):
    out = tmp_path / "gold.jsonl"
    assert main(["convert", *args, "-o", str(out)]) == 0
    return out


def test_a_converted_conll_file_through_benchmark_protocol_all(tmp_path, capsys):
    gold = convert(tmp_path, "conll", str(DATA / "conll" / "iob1.conll"), "--map",
                   str(DATA / "conll" / "map.json"), "--kind", "named", "--coverage",
                   "exhaustive")
    capsys.readouterr()
    out = tmp_path / "bench"
    assert main(["benchmark", "--gold", str(gold), "--protocol", "all", "--output-dir", str(out),
                 *FAST]) == 0
    printed = flat(capsys.readouterr().out)
    assert f"entities — 2 documents of {gold} (protocol all)" in printed
    assert "entities, core task" in printed and "strict F1" in printed
    assert "skipped lexicon: extractor 'lexicon' trains on the corpus" in printed
    report = json.loads((out / "report.json").read_text())
    assert set(report["extractors"]) == UNTRAINED
    assert report["gold"] == str(gold) and report["corpus_version"] is None
    # The gold annotates entities only: the quote extractors ran, but no quote table.
    assert set(report["comparison"]) == {"entities", "entities-core"}
    assert report["extractors"]["quote-marks"]["scores"] == {}
    # Predictions of labels the gold does not declare are not scored.
    covered = set(next(iter(read_jsonl(gold))).layers.entities.labels)
    preds = list(read_jsonl(out / "spacy.jsonl"))
    outside = [m for d in preds for m in d.entities if m.label not in covered]
    inside = [m for d in preds for m in d.entities if m.label in covered]
    assert outside and inside
    counts = report["extractors"]["spacy"]["scores"]["entities"]["modes"]["strict"]["micro"]
    assert counts["counts"]["actual"] == len(inside)


def test_a_converted_brat_attribution_collection_through_benchmark(tmp_path, capsys):
    gold = convert(tmp_path, "brat", str(DATA / "brat"), "--map",
                   str(DATA / "brat" / "map.json"), "--source", "invented-attributions")
    capsys.readouterr()
    out = tmp_path / "bench"
    assert main(["benchmark", "--gold", str(gold), "--protocol", "all", "--output-dir", str(out),
                 *FAST]) == 0
    printed = flat(capsys.readouterr().out)
    assert "quotes — 2 documents of" in printed and "quote-marks (ref)" in printed
    assert "quotes-rules" in printed
    report = json.loads((out / "report.json").read_text())
    assert set(report["extractors"]) == UNTRAINED
    assert {"entities", "quotes"} <= set(report["comparison"])
    quotes = report["comparison"]["quotes"]
    assert set(quotes["settings"]["systems"]) == {"quote-marks", "quotes-rules"}
    # The partial coverage (the default) gives recall only.
    assert quotes["layers"]["quotes"]["documents"]["precision"] == 0
    assert quotes["layers"]["quotes"]["documents"]["recall"] == 2


def test_trained_extractors_run_under_cv_on_the_gold_file(tmp_path, capsys):
    gold = convert(tmp_path, "conll", str(DATA / "conll" / "iob2.tsv"), "--map",
                   str(DATA / "conll" / "map.json"), "--sentences-per-document", "1")
    capsys.readouterr()
    out = tmp_path / "bench"
    assert main(["benchmark", "--gold", str(gold), "--protocol", "cv", "--folds", "3",
                 "--extractors", "lexicon", "--output-dir", str(out), *FAST]) == 0
    assert "3-fold cross-validation (protocol cv)" in flat(capsys.readouterr().out)
    report = json.loads((out / "report.json").read_text())
    assert report["protocol"] == "cv:3" and len(report["extractors"]["lexicon"]["train"]) == 3


def test_a_missing_gold_file_is_a_usage_error(tmp_path, capsys):
    assert main(["benchmark", "--gold", str(tmp_path / "none.jsonl"), "--protocol", "all"]) == 2
    assert "[no-such-file]" in capsys.readouterr().err


@pytest.mark.parametrize("protocol", ["all"])
def test_the_gold_signature_names_the_file_content(tmp_path, capsys, protocol):
    gold = convert(tmp_path, "conll", str(DATA / "conll" / "bioes.conll"))
    capsys.readouterr()
    out = tmp_path / "bench"
    assert main(["benchmark", "--gold", str(gold), "--protocol", protocol, "--extractors",
                 "spacy", "--output-dir", str(out), *FAST]) == 0
    report = json.loads((out / "report.json").read_text())
    assert "corpus:" in report["comparison"]["entities"]["signature"]
