"""Benchmark output: every format, tables that fit COLUMNS=100 with no number cut, extractor
settings with --set, -o FILE."""

from __future__ import annotations

import json
import re

import pytest
from baseline_fixtures import TRAIN
from test_baseline_cli import QUOTED

from dateline import loading
from dateline.baselines import registry
from dateline.benchmark_render import task_tables
from dateline.cli import main

SPLITS = {"train": TRAIN * 2, "validation": TRAIN[:2], "test": [*TRAIN[2:], QUOTED]}
NAMES = "quotes-rules,quote-marks,crf,lexicon,events-rules,myspacy-ner-and-regex-quotes"
FAST = ["--resamples", "50", "--trials", "50", "--quiet", "--set", "crf.max_iterations=5",
        "--set", "crf.c2_grid=[0.1]"]
INTERVAL = re.compile(r"\[\d\.\d{3}, \d\.\d{3}\]")


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.BUILTINS, "myspacy-ner-and-regex-quotes",
                        "plugin_extractors:Tidy")
    monkeypatch.setenv("DATELINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(loading, "documents", lambda split, **_: iter(SPLITS[split]))
    monkeypatch.setattr(loading, "corpus_version", lambda *_: "9.9.9-test")
    return tmp_path


def bench(corpus, capsys, *argv):
    assert main(["benchmark", "--extractors", NAMES, "--output-dir", str(corpus / "b"),
                 *FAST, *argv]) == 0
    return capsys.readouterr().out


def test_every_table_fits_100_columns_and_no_number_is_cut(corpus, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = bench(corpus, capsys)
    lines = text.splitlines()
    assert max(len(x) for x in lines) <= 100
    assert "…" not in text
    report = json.loads((corpus / "b" / "report.json").read_text())
    shown = 0
    for t in task_tables(report):  # every value and interval of every column, whole
        for name, _, cells, _, _ in t.rows:
            for column, (value, interval) in zip(t.columns, cells, strict=True):
                assert value in text and interval in text, (t.task, name, column)
                shown += bool(interval)
    assert shown > 40
    assert "myspacy-ner-and-regex-quotes" in text and "quote-marks (ref)" in text
    # the same report in 180 columns needs fewer tables
    monkeypatch.setenv("COLUMNS", "180")
    wide = bench(corpus, capsys)
    assert max(len(x) for x in wide.splitlines()) <= 180
    assert wide.count("┏") < text.count("┏")


def test_formats(corpus, capsys):
    md = bench(corpus, capsys, "--format", "markdown")
    assert md.splitlines()[0].startswith("| extractor | ")
    assert "| quote-marks (ref) |" in md and INTERVAL.search(md)
    tex = bench(corpus, capsys, "--format", "latex")
    for rule in ("\\toprule", "\\midrule", "\\bottomrule", "\\caption{"):
        assert rule in tex
    assert "{\\scriptsize [" in tex and "booktabs" in tex
    report = json.loads(bench(corpus, capsys, "--format", "json"))
    assert set(report["comparison"]) >= {"entities", "quotes"}
    rows = bench(corpus, capsys, "--format", "csv").splitlines()
    assert rows[0].startswith("task,system,metric,value,low,high")
    assert any(r.startswith("quotes,myspacy-ner-and-regex-quotes,quote.f1,") for r in rows)
    out = corpus / "tables.md"
    assert bench(corpus, capsys, "--format", "markdown", "-o", str(out)) == ""
    written = out.read_text("utf-8")  # the same tables (tokens/s are timings: they vary)
    assert written.splitlines()[0] == md.splitlines()[0] and written.count("\n") == md.count("\n")


def test_a_system_is_not_charged_for_a_layer_it_does_not_predict(corpus, capsys):
    report = json.loads(bench(corpus, capsys, "--format", "json"))
    events = report["comparison"]["events"]["layers"]["events"]
    assert "myspacy-ner-and-regex-quotes" in events["not_predicted"]
    assert "quotes-rules" not in report["comparison"]["entities"]["settings"]["systems"]
    assert "quotes-rules" in report["comparison"]["entities"]["layers"]["entities"][
        "not_predicted"]


def test_settings_and_reference(corpus, capsys):
    report = json.loads(bench(corpus, capsys, "--format", "json", "--reference", "crf"))
    assert report["extractors"]["crf"]["train"]["settings"] == {
        "max_iterations": 5, "c2_grid": [0.1]}
    assert report["comparison"]["entities"]["layers"]["entities"]["reference"] == "crf"
    assert report["comparison"]["quotes"]["layers"]["quotes"]["reference"] == "quote-marks"
    for argv, code in ((["--set", "crf.colour=red"], "bad-setting"),
                       (["--set", "nobody.x=1"], "bad-setting"),
                       (["--set", "max_iterations=5"], "bad-setting"),
                       (["--reference", "nobody"], "unknown-baseline")):
        assert main(["benchmark", "--extractors", NAMES, "--output-dir", str(corpus / "b"),
                     *FAST, *argv]) == 2
        assert f"[{code}]" in capsys.readouterr().err
    assert main(["benchmark", "--output-dir", str(corpus / "b"), "-o", str(corpus)]) == 2
    assert "--output-dir" in capsys.readouterr().err


def test_extractors_verbose_lists_every_setting(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["extractors", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "crf settings" in out and "c2_grid" in out and "Sequence[float]" in out
    assert "L2 penalties tried on validation" in out and "(0.1,)" in out
    assert "lexicon: no settings" in out
    assert main(["extractors", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert {s["name"] for s in rows["quotes-rules"]["settings"]} == {
        "min_uncued_words", "indirect", "with_marks", "rules"}
    meanings = {s["name"]: s["meaning"] for s in rows["events-rules"]["settings"]}
    assert meanings["arguments"] == "attach arguments to the triggers" != meanings["types"]
    assert main(["predict", "crf", "--split", "test", "-o", "x.jsonl", "--set", "c3=1"]) == 2
    assert "dateline extractors --verbose" in capsys.readouterr().err


def test_training_shows_each_candidate_setting_on_a_terminal_only(corpus):
    import io

    from rich.console import Console

    from dateline.baselines import get_extractor
    from dateline.predicting import prepare

    settings = {"max_iterations": 5, "c2_grid": [0.01, 0.1]}
    tty = Console(file=io.StringIO(), force_terminal=True, width=100)
    prepare(get_extractor("crf", **settings), console=tty, settings=settings, force=True)
    shown = tty.file.getvalue()
    assert "crf: training (c1=0.1, c2=0.01)" in shown and "c2=0.1)" in shown
    assert "/5" in shown  # iterations of at most max_iterations
    pipe = Console(file=io.StringIO(), width=100)
    prepare(get_extractor("crf", **settings), console=pipe, settings=settings, force=True)
    assert "training (" not in pipe.file.getvalue()
