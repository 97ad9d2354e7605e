"""Every command that writes, with each of its writes failing: ENOSPC and EROFS give their
registered code (disk-full, read-only), the earlier output survives, no temp file is left."""

import errno
from pathlib import Path

import pytest
from faults import check_write_faults, count_writes

from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str, Path]:
    gold = Document(id="d", text="Ann met Bo in Rome.", entities=(
        Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),
        Mention(id="m2", start=14, end=18, text="Rome", label="LOCATION")),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON", "LOCATION"))))
    pred = gold.model_copy(update={"entities": (
        *gold.entities, Mention(id="m3", start=8, end=10, text="Bo", label="PERSON"))})
    inputs = tmp_path / "in"
    write_jsonl([gold], inputs / "gold.jsonl")
    write_jsonl([pred], inputs / "pred.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    return str(inputs / "gold.jsonl"), str(inputs / "pred.jsonl"), out


def test_compare_output(files, monkeypatch, capsys) -> None:
    gold, pred, out = files
    argv = ["compare", gold, gold, pred, "--layer", "entities", "--resamples", "5",
            "--trials", "5", "--format", "markdown", "-o", str(out / "compare.md")]
    assert check_write_faults(monkeypatch, capsys, argv, out) == 1
    assert "| layer |" in (out / "compare.md").read_text("utf-8")


def test_report_output_folder(files, monkeypatch, capsys) -> None:
    gold, pred, out = files
    argv = ["report", gold, pred, "--layer", "entities", "--resamples", "5",
            "--output-dir", str(out / "report")]
    writes = check_write_faults(monkeypatch, capsys, argv, out,
                                faults=((errno.ENOSPC, "fsync"), (errno.EROFS, "open")))
    assert writes == 5 and {p.name for p in (out / "report").iterdir()} == {
        "confusion.png", "errors.jsonl", "index.html", "label_f1.png", "scores.json"}


def test_predict_output(files, monkeypatch, capsys) -> None:
    gold, _, out = files
    argv = ["predict", "quote-marks", "--input", gold, "-o", str(out / "pred.jsonl"),
            "--quiet"]
    assert check_write_faults(monkeypatch, capsys, argv, out) == 1


def test_corpus_diff_json(built_corpus, monkeypatch, capsys, tmp_path) -> None:
    data = str(built_corpus / "data")
    argv = ["corpus", "diff", data, data, "--json", str(tmp_path / "diff.json"),
            "--corpus", str(built_corpus)]
    check_write_faults(monkeypatch, capsys, argv, tmp_path,
                       faults=((errno.ENOSPC, "fsync"), (errno.EROFS, "open")))


def test_corpus_export(built_corpus, monkeypatch, capsys, tmp_path) -> None:
    argv = ["corpus", "export", "--format", "conll", str(tmp_path / "export"),
            "--corpus", str(built_corpus)]
    writes = check_write_faults(monkeypatch, capsys, argv, tmp_path,
                                faults=((errno.ENOSPC, "fsync"), (errno.EROFS, "open")))
    # three splits, README.md, CARD.md, LICENSES.md and MANIFEST
    assert writes == 7 and (tmp_path / "export" / "MANIFEST").is_file()


def test_score_writes_nothing(files, monkeypatch) -> None:
    """score prints to stdout only: there is no write to fail."""
    gold, pred, _ = files
    assert count_writes(monkeypatch, ["score", gold, pred, "--format", "json"]) == 0
