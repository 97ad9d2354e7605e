"""`dateline convert`'s two writes (Documents, report) each failing with ENOSPC and EROFS: the
registered code, the earlier output kept, no temp file left."""

from pathlib import Path

from faults import check_write_faults

DATA = Path(__file__).resolve().parents[1] / "data" / "convert" / "conll"


def test_convert_outputs(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    argv = ["convert", "conll", str(DATA / "iob1.conll"), "--map", str(DATA / "map.json"),
            "-o", str(out / "gold.jsonl"), "--report", str(out / "report.json")]
    assert check_write_faults(monkeypatch, capsys, argv, out) == 2
