"""One tiny invalid fixture per check id; each yields exactly its own check id."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.schemas import CHECKS, validate_paths

DATA = Path(__file__).parent.parent / "data"
INVALID = DATA / "invalid"
FIXTURE_LIMIT = 4096  # the line-too-long fixture is over it; all others are under it


def fixture_path(check: str) -> Path:
    found = [p for p in INVALID.iterdir() if p.name.split(".")[0] == check]
    assert len(found) == 1, f"expected one fixture for {check}, found {found}"
    return found[0]


def test_every_fixture_is_named_after_a_check() -> None:
    names = {p.name.split(".")[0] for p in INVALID.iterdir()}
    assert names == set(CHECKS)


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_fixture_yields_exactly_its_check(check: str) -> None:
    report = validate_paths([fixture_path(check)], max_line_bytes=FIXTURE_LIMIT)
    assert {i.check for i in report.incidents} == {check}
    for inc in report.incidents:
        assert inc.level == CHECKS[check][0]
        assert inc.file and inc.message
        if inc.level >= 2:
            assert inc.doc_id == "fixture" and inc.path and inc.path.startswith("$")


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_cli_exits_1_and_names_the_check(check: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--max-line-bytes", str(FIXTURE_LIMIT), str(fixture_path(check))])
    out = capsys.readouterr().out
    assert code == 1
    assert f" {check}] " in out


def test_valid_examples_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "valid")]) == 0
    assert "valid: no incidents" in capsys.readouterr().out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--format", "json", str(fixture_path("text-mismatch"))])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["valid"] is False
    (inc,) = report["incidents"]
    assert inc == {
        "level": 2,
        "check": "text-mismatch",
        "message": "text 'Ann' differs from the document text at [0, 7), 'Ann Lee'; "
                   "correct the offsets or the text",
        "file": str(fixture_path("text-mismatch")),
        "line": None,
        "doc_id": "fixture",
        "path": "$.entities[0].text",
    }


def test_level_limits_the_checks() -> None:
    path = fixture_path("unknown-label")
    assert validate_paths([path], level=2).valid
    assert not validate_paths([path], level=3).valid
    dup = fixture_path("duplicate-document-id")
    assert validate_paths([dup], level=3).valid
    assert not validate_paths([dup], level=4).valid


def test_exclude_and_max_errors(capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_path("unknown-label")
    # PATHs first: --exclude takes every word after it
    assert main(["validate", str(path), "--exclude", "unknown-label", "label-not-covered"]) == 0
    report = validate_paths(sorted(INVALID.glob("*.json")), max_errors=3)
    assert len(report.incidents) == 3 and report.truncated
    capsys.readouterr()
    assert main(["validate", "--max-errors", "2", str(INVALID)]) == 1
    assert "stopped at --max-errors" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["validate", "no/such/path.jsonl"],
    ["validate", "--exclude", "no-such-check", "tests"],
    ["validate", "--level", "7", "x"],
    ["validate"],
    ["validate", "--max-errors", "0", "x"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\xff\xfe not json\n")
    done = subprocess.run([sys.executable, "-m", "dateline", "validate", str(bad)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "[L1 invalid-utf8]" in done.stdout and f"{bad}:1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_list_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--list-checks"]) == 0
    out = capsys.readouterr().out
    assert all(check in out for check in CHECKS)


def test_directory_without_documents_is_a_usage_error(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "[no-documents]" in capsys.readouterr().err


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`dateline validate ... | head` ends without a traceback, however long the output."""
    bad = json.loads((INVALID / "text-mismatch.json").read_text(encoding="utf-8"))
    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({**bad, "id": f"d{i}"}) + "\n" for i in range(3000)),
                    encoding="utf-8")
    cmd = f"{sys.executable} -m dateline validate --format json {many} | head -c 10"
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True,
                          text=True, check=False)
    assert done.stdout == '{\n  "valid'
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
