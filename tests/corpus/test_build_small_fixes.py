"""Coded errors for a malformed lock, garbage statistics, an unknown split and unreadable
JSON Lines paths; build temp files ignored by git; MANIFEST hashes that follow the content."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tiny_sources import built_tiny

from dateline.build import build
from dateline.cli import main
from dateline.fetch import read_lock
from dateline.loading import documents, load
from dateline.manifest import file_sha256, verify_manifest, write_manifest
from dateline.schemas import DatelineError, read_jsonl

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["{}", '{"sources": 5}', "not json {", "[1, 2]",
                                  '{"sources": [{"name": "gum"}]}'])
def test_a_malformed_lock_is_one_code_for_the_build_and_fetch(tmp_path, text) -> None:
    corpus, src = built_tiny(tmp_path)
    (corpus / "sources.lock").write_text(text)
    for call in (lambda: build(corpus, src), lambda: read_lock(corpus / "sources.lock")):
        with pytest.raises(DatelineError) as exc:
            call()
        assert exc.value.code == "lock-malformed"
        assert exc.value.where == str(corpus / "sources.lock") and "corpus lock" in exc.value.fix


@pytest.mark.parametrize("text", ["garbage", "[]", '{"total": 1}', '{"corpus_version": "1"}'])
def test_garbage_statistics_are_a_coded_error(tmp_path, capsys, text) -> None:
    (tmp_path / "stats.json").write_text(text)
    assert main(["corpus", "stats", "--corpus", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "[stats-malformed]" in err and "stats.json" in err and "Traceback" not in err


def test_an_unknown_split_is_coded_for_load_and_documents(tmp_path) -> None:
    corpus, _ = built_tiny(tmp_path)
    for call in (lambda: load("nope", corpus=corpus, cache_dir=tmp_path / "cache"),
                 lambda: list(documents("nope", corpus=corpus)),
                 lambda: load("Train", corpus=corpus, cache_dir=tmp_path / "cache")):
        with pytest.raises(DatelineError) as exc:
            call()
        assert (exc.value.code, exc.value.exit_code) == ("unknown-split", 2)


def test_read_jsonl_of_a_folder_or_a_missing_file(tmp_path) -> None:
    cases = {tmp_path: "is-a-directory", tmp_path / "missing.jsonl": "no-such-file",
             tmp_path / "missing.json": "no-such-file"}
    for path, code in cases.items():
        with pytest.raises(DatelineError) as exc:
            list(read_jsonl(path))
        assert (exc.value.code, exc.value.where) == (code, str(path))


@pytest.mark.parametrize("name", [".README.md.k2j4.tmp", ".stats.json.a1.tmp",
                                  ".data.x9y8.tmp/default/test-00000-of-00001.jsonl",
                                  "splits/.folds.json.zz.tmp"])
def test_build_temp_files_are_ignored_by_git(name) -> None:
    out = subprocess.run(["git", "check-ignore", "--no-index", "-q", f"corpus/{name}"],
                         cwd=REPO, check=False)
    assert out.returncode == 0


def test_the_atomic_writer_and_the_staging_names_match_the_ignored_pattern(tmp_path) -> None:
    from dateline.staging import staged_data

    with staged_data(tmp_path) as tmp:
        assert tmp.name.startswith(".") and tmp.name.endswith(".tmp")


@pytest.mark.parametrize("new", [b"{ }\n", b"{}\r", b"[]\n"])
def test_a_same_size_edit_with_the_mtime_restored_is_caught(tmp_path, new) -> None:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "a.jsonl"
    path.write_bytes(b"{}!\n"[:len(new) - 1] + b"\n")
    write_manifest(tmp_path, ["data/a.jsonl"])
    assert verify_manifest(tmp_path) == ["data/a.jsonl"]
    st = path.stat()
    path.write_bytes(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    if file_sha256(path) == (tmp_path / "MANIFEST").read_text()[:64]:
        return  # no edit after all
    with pytest.raises(DatelineError) as exc:
        verify_manifest(tmp_path)
    assert exc.value.code == "built-file-mismatch"
