"""Atomic writes leave files with the permissions a plain open() would: 0666 less the umask
for a new file, the old mode for a replaced one (mkstemp alone gives 0600)."""

import os
import stat
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.schemas import Document, atomic_write_text, write_jsonl
from dateline.schemas.io import new_file_mode


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)
    old = os.umask(0o022)
    yield set_mask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600),
                                            (0o000, 0o666)])
def test_a_new_file_follows_the_umask(mask: int, mode: int, umask, tmp_path: Path) -> None:
    umask(mask)
    atomic_write_text(tmp_path / "new.txt", "x")
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert _mode(tmp_path / "new.txt") == mode == _mode(plain)


def test_a_replaced_file_keeps_its_mode(umask, tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new")
    assert (_mode(path), path.read_text()) == (0o640, "new")
    assert new_file_mode(path) == 0o640


def test_command_outputs_follow_the_umask(umask, tmp_path: Path, capsys) -> None:
    umask(0o022)
    gold = tmp_path / "gold.jsonl"
    write_jsonl([Document(id="d", text="Hi.")], gold)
    assert _mode(gold) == 0o644
    assert main(["predict", "quote-marks", "--input", str(gold), "-o",
                 str(tmp_path / "pred.jsonl"), "--quiet"]) == 0
    assert main(["report", str(gold), str(tmp_path / "pred.jsonl"), "--resamples", "2",
                 "--output-dir", str(tmp_path / "report")]) == 0
    files = [tmp_path / "pred.jsonl", *(tmp_path / "report").iterdir()]
    assert files and {_mode(p) for p in files} == {0o644}


def test_a_written_manifest_is_not_private(umask, tmp_path: Path) -> None:
    """corpus/MANIFEST is committed: writing it must not make it 0600."""
    from dateline.manifest import write_manifest
    umask(0o022)
    (tmp_path / "a.txt").write_text("a")
    write_manifest(tmp_path, ["a.txt"])
    assert _mode(tmp_path / "MANIFEST") == 0o644
