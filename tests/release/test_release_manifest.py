"""Loading checks the built files against the MANIFEST and fails clearly on a mismatch."""

import shutil

import pytest

from dateline.cli import main
from dateline.loading import documents, load
from dateline.manifest import file_sha256, read_manifest, verify_manifest
from dateline.schemas import DatelineError

TEST = "data/default/test-00000-of-00001.jsonl"


@pytest.fixture
def corpus(built_corpus, tmp_path):
    return shutil.copytree(built_corpus, tmp_path / "corpus")


def test_a_faithful_build_loads(corpus):
    checked = verify_manifest(corpus)
    assert set(checked) == set(read_manifest(corpus)) and len(checked) == 6
    assert next(documents("test", corpus=corpus)).id


def test_a_hand_edited_file_is_refused_with_both_hashes(corpus, hf_home, capsys, monkeypatch):
    path = corpus / TEST
    expected = read_manifest(corpus)[TEST]
    path.write_bytes(path.read_bytes().replace(b'"label":"PERSON"', b'"label":"LOCATION"', 1))
    actual = file_sha256(path)
    assert actual != expected
    with pytest.raises(DatelineError) as err:
        list(documents("test", corpus=corpus))
    e = err.value
    assert e.code == "built-file-mismatch" and e.where == str(path)
    assert expected in e.message and actual in e.message and "dateline corpus build" in e.fix
    with pytest.raises(DatelineError, match="built-file-mismatch"):
        load(corpus=corpus, cache_dir=hf_home)
    list(documents("train", corpus=corpus))  # only the files loaded are checked
    monkeypatch.setenv("DATELINE_CORPUS", str(corpus))  # the CLI: a coded error, no traceback
    assert main(["score", "corpus:test", str(path)]) == 1
    assert "[built-file-mismatch]" in capsys.readouterr().err


def test_a_truncated_file_and_an_unlisted_file_are_refused(corpus):
    (corpus / TEST).write_bytes((corpus / TEST).read_bytes()[:100])
    with pytest.raises(DatelineError, match="built-file-mismatch"):
        verify_manifest(corpus)
    shutil.copy(corpus / "data/default/validation-00000-of-00001.jsonl",
                corpus / "data/default/train-00001-of-00002.jsonl")
    with pytest.raises(DatelineError, match="built-file-unlisted"):
        list(documents("train", corpus=corpus))


def test_a_missing_manifest_or_file_is_refused(corpus):
    (corpus / TEST).unlink()
    with pytest.raises(DatelineError, match="built-file-missing"):
        verify_manifest(corpus)
    (corpus / "MANIFEST").unlink()
    with pytest.raises(DatelineError, match="manifest-missing"):
        list(documents("train", corpus=corpus))
