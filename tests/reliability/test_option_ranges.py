"""Every numeric option has a declared type and range: a bad value is a [bad-option] error
naming the option, the value and the allowed range, exit 2; nothing is silently accepted."""

from pathlib import Path

import pytest

from dateline.cli import main
from dateline.schemas import Document, write_jsonl

G = "GOLD"


@pytest.fixture
def gold(tmp_path: Path) -> str:
    path = tmp_path / "gold.jsonl"
    write_jsonl([Document(id="d", text="Hi."), Document(id="e", text="Yo.")], path)
    return str(path)


BAD = [
    (["compare", G, G, "--seed", "-1"], "--seed", "'-1'", "from 0 to 4294967295"),
    (["compare", G, G, "--seed", "4294967296"], "--seed", "'4294967296'", "from 0 to"),
    (["compare", G, G, "--alpha", "7"], "--alpha", "'7'", "between 0 and 1"),
    (["compare", G, G, "--alpha", "-1"], "--alpha", "'-1'", "between 0 and 1"),
    (["compare", G, G, "--confidence", "2"], "--confidence", "'2'", "between 0 and 1"),
    (["compare", G, G, "--confidence", "nan"], "--confidence", "'nan'", "between 0 and 1"),
    (["compare", G, G, "--resamples", "0"], "--resamples", "'0'", "1 or more"),
    (["compare", G, G, "--trials", "-5"], "--trials", "'-5'", "1 or more"),
    (["score", G, G, "--overlap", "1.5"], "--overlap", "'1.5'", "from 0 to 1"),
    (["corpus", "diff", "a", "b", "--limit", "-3"], "--limit", "'-3'", "0 or more"),
    (["validate", G, "--max-line-bytes", "-1"], "--max-line-bytes", "'-1'", "1 or more"),
    (["validate", G, "--max-errors", "0"], "--max-errors", "'0'", "1 or more"),
    (["validate", G, "--level", "7"], "--level", "invalid choice", "choose from"),
    (["report", G, G, "--output-dir", "out", "--max-docs", "-1"], "--max-docs", "'-1'",
     "0 or more"),
    (["benchmark", "--folds", "1"], "--folds", "'1'", "3 or more"),
    (["benchmark", "--folds", "2"], "--folds", "'2'", "3 or more"),
    (["agreement", "--bootstrap", "0"], "--bootstrap", "'0'", "1 or more"),
    (["compare", G, G, "--seed", "x"], "--seed", "'x' is not an integer", "from 0 to"),
]


@pytest.mark.parametrize(("argv", "option", "value", "allowed"), BAD,
                         ids=[" ".join(b[0][-2:]) for b in BAD])
def test_bad_values_are_refused(argv, option, value, allowed, gold, capsys) -> None:
    assert main([gold if a == G else a for a in argv]) == 2
    err = capsys.readouterr().err
    line = err.strip().splitlines()[-1]
    assert line.startswith("error: [bad-option] dateline ")
    assert f"{option} " in line and value in line and allowed in line and "Fix:" in line
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["compare", G, G, "--seed", "0", "--alpha", "0.5", "--confidence", "0.9",
     "--resamples", "1", "--trials", "1", "--format", "json"],
    ["score", G, G, "--overlap", "0", "--format", "json"],
    ["score", G, G, "--overlap", "1", "--format", "json"],
    ["validate", G, "--max-line-bytes", "1000", "--max-errors", "1"],
])
def test_edge_values_are_accepted(argv, gold, capsys) -> None:
    assert main([gold if a == G else a for a in argv]) == 0


def test_max_docs_zero_still_means_all(tmp_path: Path, gold: str, capsys) -> None:
    assert main(["report", gold, gold, "--output-dir", str(tmp_path / "r"), "--resamples", "2",
                 "--max-docs", "0"]) == 0


def test_other_usage_errors_are_coded_too(capsys) -> None:
    assert main(["validate", "--no-such-option"]) == 2
    assert "error: [usage] dateline: unrecognized arguments" in capsys.readouterr().err


def test_a_metric_pattern_that_matches_nothing(tmp_path: Path, capsys) -> None:
    from dateline.schemas import LayerInfo, Layers, Mention
    doc = Document(id="d", text="Ann", entities=(
        Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    path = tmp_path / "g.jsonl"
    write_jsonl([doc], path)
    argv = ["compare", str(path), str(path), "--layer", "entities", "--resamples", "2",
            "--trials", "2", "--metric", "*.f1", "--metric", "nomatch*"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "[unknown-metric]" in err and "'nomatch*'" in err and "strict.f1" in err
    assert "--metric '*.f1'" not in err
    assert main(argv[:-2]) == 0


def test_a_metric_pattern_is_refused_before_any_resampling(tmp_path, capsys, monkeypatch):
    import dateline.evaluation.compare_layer as compare_module
    from dateline.schemas import LayerInfo, Layers, Mention

    def no_resampling(*args, **kwargs):
        raise AssertionError("resampled before the --metric patterns were checked")

    monkeypatch.setattr(compare_module, "paired_bootstrap", no_resampling)
    doc = Document(id="d", text="Ann left.", entities=(
        Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    path = tmp_path / "g.jsonl"
    write_jsonl([doc], path)
    assert main(["compare", str(path), str(path), "--layer", "entities",
                 "--metric", "nomatch*"]) == 2
    assert "[unknown-metric]" in capsys.readouterr().err
