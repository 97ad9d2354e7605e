"""Nothing is silently accepted or skipped: a key named twice in one JSON object, and files
of a folder that look like Documents but are not read."""

import gzip
import json
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.schemas import DatelineError, read_jsonl, validate_paths
from dateline.schemas.jsonl import duplicate_key


@pytest.mark.parametrize(("line", "path", "key"), [
    ('{"id": "a", "id": "b", "text": "Hi."}', "$.id", "id"),
    ('{"id": "a", "text": "Hi.", "text": "Yo."}', "$.text", "text"),
    ('{"id": "a", "text": "Hi.", "meta": {"genre": "news", "genre": "blog"}}',
     "$.meta.genre", "genre"),
    ('{"id": "a", "text": "Ann", "entities": [{"id": "m", "start": 0, "end": 3, "end": 2, '
     '"text": "Ann", "label": "PERSON"}]}', "$.entities[0].end", "end"),
])
def test_a_duplicate_key_is_refused_with_file_line_and_path(line, path, key, tmp_path) -> None:
    file = tmp_path / "docs.jsonl"
    file.write_text('{"id": "ok", "text": "Fine."}\n' + line + "\n", encoding="utf-8")
    assert duplicate_key(line) == (path, key)
    report = validate_paths([file])
    (inc,) = report.incidents
    assert (inc.check, inc.level, inc.line, inc.path) == ("duplicate-key", 1, 2, path)
    assert inc.file == str(file) and f"'{key}'" in inc.message
    with pytest.raises(DatelineError) as err:
        list(read_jsonl(file))
    assert err.value.code == "duplicate-key" and f"{file}:2" in str(err.value)


def test_a_json_file_with_a_duplicate_key(tmp_path: Path, capsys) -> None:
    file = tmp_path / "doc.json"
    file.write_text('{"id": "a",\n "text": "Hi.",\n "id": "b"}', encoding="utf-8")
    assert main(["validate", str(file)]) == 1
    assert "[L1 duplicate-key]" in capsys.readouterr().out


def test_no_duplicate_no_incident(tmp_path: Path) -> None:
    file = tmp_path / "docs.jsonl"
    file.write_text(json.dumps({"id": "a", "text": "Hi.", "meta": {"genre": "news"}}) + "\n")
    assert validate_paths([file]).valid
    assert duplicate_key('{"a": {"x": 1}, "b": {"x": 2}}') is None  # same key, two objects


def test_skipped_files_of_a_folder_are_reported(tmp_path: Path, capsys) -> None:
    (tmp_path / "good.jsonl").write_text('{"id": "a", "text": "Hi."}\n')
    (tmp_path / "bad.JSONL").write_text('{"id": "b", "text": "Hi."}\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.jsonl.gz").write_bytes(gzip.compress(b'{"id": "c"}\n'))
    (tmp_path / "notes.txt").write_text("not documents")
    report = validate_paths([tmp_path])
    assert sorted((i.check, Path(i.file).name) for i in report.incidents) == [
        ("skipped-file", "bad.JSONL"), ("skipped-file", "bad.jsonl.gz")]
    assert report.documents == 1
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.JSONL: [L1 skipped-file]" in out and "bad.jsonl.gz: [L1 skipped-file]" in out


def test_a_folder_of_only_skipped_files_names_them(tmp_path: Path, capsys) -> None:
    (tmp_path / "docs.JSON").write_text('{"id": "b", "text": "Hi."}')
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "[no-documents]" in err and "docs.JSON" in err


def test_a_file_named_explicitly_is_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Hi."}\n')
    assert validate_paths([tmp_path / "a.jsonl"]).valid
