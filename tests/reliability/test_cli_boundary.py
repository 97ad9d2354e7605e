"""One place where every error leaves the program (dateline.cli.main): operating-system
errors, bad bytes, deep nesting and bugs become coded one-line errors, never tracebacks."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.cli import coded, main
from dateline.schemas import Document, write_jsonl
from dateline.schemas.io import atomic_write_text, make_dirs
from dateline.schemas.oserrors import os_error


@pytest.fixture
def gold(tmp_path: Path) -> str:
    path = tmp_path / "gold.jsonl"
    write_jsonl([Document(id="d", text="Hi.")], path)
    return str(path)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(("number", "code", "exit_code"), [
    (errno.ENOSPC, "disk-full", 1), (errno.EDQUOT, "disk-full", 1),
    (errno.EROFS, "read-only", 1), (errno.EACCES, "permission-denied", 1),
    (errno.EPERM, "permission-denied", 1), (errno.EISDIR, "is-a-directory", 2),
    (errno.ENOTDIR, "not-a-directory", 2), (errno.ENOENT, "no-such-file", 2),
    (errno.EEXIST, "path-exists", 2), (errno.ENAMETOOLONG, "bad-path", 2),
    (errno.EIO, "os-error", 1),
])
def test_errno_classes_map_to_codes(number: int, code: str, exit_code: int) -> None:
    err = os_error(OSError(number, os.strerror(number)), "out/x.md", "write")
    assert (err.code, err.exit_code, err.where) == (code, exit_code, "out/x.md")
    assert err.fix and "cannot write" in err.message


def test_the_path_of_a_rename_is_the_target_not_the_source() -> None:
    exc = OSError(errno.EXDEV, "Invalid cross-device link", ".tmp123", None, "final.jsonl")
    assert coded(exc).where == "final.jsonl"


def test_score_a_directory(gold: str, tmp_path: Path, capsys) -> None:
    code, err = _run(["score", gold, str(tmp_path)], capsys)
    assert code == 2 and "[is-a-directory]" in err and str(tmp_path) in err


def test_compare_output_is_an_existing_directory(gold: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "out").mkdir()
    code, err = _run(["compare", gold, gold, "--resamples", "5", "--trials", "5",
                      "-o", str(tmp_path / "out")], capsys)
    assert code == 2 and "[is-a-directory]" in err and "out" in err
    assert list((tmp_path / "out").iterdir()) == []


def test_compare_output_under_a_file(gold: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("keep")
    code, err = _run(["compare", gold, gold, "--resamples", "5", "--trials", "5",
                      "-o", str(tmp_path / "file" / "out.md")], capsys)
    assert code == 2 and "[not-a-directory]" in err and "file/out.md" in err
    assert (tmp_path / "file").read_text() == "keep"


def test_report_into_an_existing_file(gold: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("keep")
    code, err = _run(["report", gold, gold, "--resamples", "5", "--output-dir",
                      str(tmp_path / "file")],
                     capsys)
    assert code == 2 and "[not-a-directory]" in err
    assert (tmp_path / "file").read_text() == "keep"


def test_predict_into_a_directory(gold: str, tmp_path: Path, capsys) -> None:
    code, err = _run(["predict", "quote-marks", "--input", gold, "-o", str(tmp_path),
                      "--quiet"], capsys)
    assert code == 2 and "[is-a-directory]" in err


def test_corpus_diff_json_into_a_directory(built_corpus: Path, tmp_path: Path, capsys) -> None:
    data = str(built_corpus / "data")
    code, err = _run(["corpus", "diff", data, data, "--json", str(tmp_path),
                      "--corpus", str(built_corpus)], capsys)
    assert code == 2 and "[is-a-directory]" in err


def test_permission_denied_names_the_path(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    locked = make_dirs(tmp_path / "locked")
    locked.chmod(0o500)
    with pytest.raises(Exception, match=r"\[permission-denied\] .*locked/x"):
        atomic_write_text(locked / "x", "x")


def test_a_file_that_is_not_utf8_at_the_boundary(capsys) -> None:
    err = coded(b"\xffabc".decode("utf-8", "strict") if False else
                UnicodeDecodeError("utf-8", b"\xffabc", 0, 1, "invalid start byte"))
    assert (err.code, err.exit_code) == ("invalid-utf8", 1) and "\\xff" in err.message


def test_deep_nesting_is_coded(tmp_path: Path, capsys) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    assert main(["validate", str(deep)]) == 1
    out = capsys.readouterr()
    assert "[L1 invalid-json]" in out.out and "Traceback" not in out.err
    assert coded(RecursionError("maximum recursion depth exceeded")).code == "too-deep"


def _boom(args: object) -> int:
    raise KeyError("unexpected")


def test_an_unexpected_exception_is_an_internal_error(gold: str, monkeypatch, capsys) -> None:
    monkeypatch.setattr("dateline.commands.score.run", _boom)
    code, err = _run(["score", gold, gold], capsys)
    assert code == 70
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: [internal-error] dateline ")
    assert "KeyError" in lines[0] and "report" in lines[0] and "--debug" in lines[0]


def test_debug_shows_the_traceback(gold: str, monkeypatch, capsys) -> None:
    monkeypatch.setattr("dateline.commands.score.run", _boom)
    assert main(["--debug", "score", gold, gold]) == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "[internal-error]" in err


def test_a_coded_error_is_not_an_internal_one(capsys) -> None:
    code, err = _run(["validate", "no/such/file.jsonl"], capsys)
    assert code == 2 and "[no-such-file]" in err


def test_the_console_script_exits_70_without_traceback(tmp_path: Path) -> None:
    script = ("import sys, dateline.commands.validate as v\n"
              "def boom(args): raise ZeroDivisionError('x')\n"
              "v.run = boom\n"
              "from dateline.cli import main\n"
              "sys.exit(main(['validate', 'x']))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 70 and "[internal-error]" in done.stderr
    assert "Traceback" not in done.stderr
