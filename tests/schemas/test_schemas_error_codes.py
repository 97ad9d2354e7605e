"""Input errors, provoked through the public API and the CLI: each test asserts the code and the
exit code (1 the data has a problem, 2 a usage error)."""

import errno
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.schemas import DatelineError, Document, read_jsonl, validate_paths
from dateline.schemas.standoff import read_standoff


def _raised(fn, *args, **kwargs) -> DatelineError:
    with pytest.raises(DatelineError) as exc:
        result = fn(*args, **kwargs)
        if hasattr(result, "__next__"):
            list(result)
    return exc.value


def _docs(path: Path, *lines: str) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_blank_line_stops_reading(tmp_path, capsys) -> None:
    one = Document(id="a", text="x").model_dump_json()
    path = _docs(tmp_path / "docs.jsonl", one, "", one.replace('"a"', '"b"'))
    err = _raised(read_jsonl, path)
    assert (err.code, err.exit_code) == ("blank-line", 1) and f"{path}:2" in err.where
    assert main(["score", str(path), str(path)]) == 1
    assert "[blank-line]" in capsys.readouterr().err


def test_invalid_json_in_documents_and_in_a_standoff_file(tmp_path, capsys) -> None:
    path = _docs(tmp_path / "docs.jsonl", '{"id": "a", "text": ')
    err = _raised(read_jsonl, path)
    assert (err.code, err.exit_code) == ("invalid-json", 1)
    gold = _docs(tmp_path / "gold.jsonl", Document(id="a", text="x").model_dump_json())
    assert main(["score", str(gold), str(path)]) == 1
    assert "[invalid-json]" in capsys.readouterr().err
    ann = tmp_path / "a.json"
    ann.write_text("{not json", encoding="utf-8")
    err = _raised(read_standoff, ann)
    assert (err.code, err.where) == ("invalid-json", str(ann))


def test_a_missing_standoff_file_is_unreadable(tmp_path) -> None:
    err = _raised(read_standoff, tmp_path / "nothing.json")
    assert (err.code, err.exit_code) == ("annotation-unreadable", 1)


def test_validate_names_a_missing_path(tmp_path, capsys) -> None:
    missing = tmp_path / "missing.jsonl"
    assert main(["validate", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"[no-such-file] {missing} does not exist" in err and "Fix: check the path." in err


def test_an_unknown_check_id_is_a_usage_error(tmp_path, capsys) -> None:
    path = _docs(tmp_path / "docs.jsonl", Document(id="a", text="x").model_dump_json())
    assert main(["validate", str(path), "--exclude", "no-such-check"]) == 2
    assert "[unknown-check]" in capsys.readouterr().err
    assert _raised(validate_paths, [path], exclude=["x"]).exit_code == 2


def test_an_unreadable_file_is_reported(tmp_path, monkeypatch, capsys) -> None:
    path = _docs(tmp_path / "docs.jsonl", Document(id="a", text="x").model_dump_json())

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    # As root a chmod does not stop reading: make the reader fail as it would for a user.
    monkeypatch.setattr("dateline.schemas.validate.iter_records", refuse)
    err = _raised(validate_paths, [path])
    assert (err.code, err.exit_code) == ("unreadable-file", 1)
    assert "Permission denied" in err.message
    assert main(["validate", str(path)]) == 1
    assert "[unreadable-file]" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["corpus", "stats", "extra"], ["corpus", "release"],
                                  ["corpus", "diff", "only-one"]])
def test_wrong_arguments_are_a_usage_error(argv, tmp_path, capsys) -> None:
    assert main([*argv, "--corpus", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "error: [usage]" in err and "Fix:" in err
