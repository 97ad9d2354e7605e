"""One corpus location everywhere (dateline.corpus_path): the Label Studio commands read and
write annotations/ of the corpus folder, from whatever folder they run in; a build into a new
folder copies the committed corpus files first."""

import json
from pathlib import Path

import pytest

import dateline
from dateline.cli import main
from dateline.location import corpus_path, seed_corpus, template_files
from dateline.schemas import DatelineError, Document, write_jsonl
from dateline.studio.names import annotations_dir

STUDIO = Path(__file__).resolve().parents[1] / "data" / "studio"
EXPORT = STUDIO / "export.json"


def test_explicit_beats_environment_beats_checkout(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_CORPUS", str(tmp_path / "env"))
    assert dateline.corpus_path() == tmp_path / "env"
    assert corpus_path(tmp_path / "given") == tmp_path / "given"
    monkeypatch.delenv("DATELINE_CORPUS")
    assert corpus_path() == Path(__file__).resolve().parents[2] / "corpus"  # a checkout


def test_studio_import_agreement_adjudicate_default_to_the_corpus_folder(tmp_path, monkeypatch,
                                                                        capsys):
    corpus = tmp_path / "corpus"
    monkeypatch.setenv("DATELINE_CORPUS", str(corpus))
    monkeypatch.chdir(tmp_path)  # the commands do not look in the current folder
    assert main(["studio", "import", str(EXPORT)]) == 0
    pulled = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.json"))
    assert pulled and all(p.startswith("annotations/labelstudio/") for p in pulled)
    assert annotations_dir() == corpus / "annotations" / "labelstudio"
    tasks = json.loads(EXPORT.read_text("utf-8"))
    docs = tmp_path / "docs.jsonl"
    write_jsonl([Document(id=t["data"]["doc_id"], text=t["data"]["text"]) for t in tasks], docs)
    capsys.readouterr()
    assert main(["agreement", "--format", "json", "--documents", str(docs)]) == 0
    assert '"user-1"' in capsys.readouterr().out  # the pulled pair was found and measured
    assert main(["adjudicate", "--policy", "adjudicator", "--adjudicator", "user-1",
                 "--documents", str(docs)]) == 0
    assert (corpus / "annotations" / "studio-unicode.json").is_file()
    assert not (tmp_path / "corpus" / "corpus").exists()


def test_seed_refuses_a_folder_that_is_no_corpus(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(DatelineError) as err:
        seed_corpus(tmp_path)
    assert err.value.code == "card-missing" and "not a corpus folder" in err.value.message
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    fresh = tmp_path / "new" / "corpus"
    written = seed_corpus(fresh)
    assert len(written) == len(template_files()) and (fresh / "sources.lock").is_file()
    assert not [p for p in fresh.parent.iterdir() if p.name.endswith(".tmp")]


def test_fetch_sources_before_a_first_build_reads_the_installed_lock(tmp_path, monkeypatch):
    import dateline.fetch
    from dateline.location import template_dir

    seen = []
    monkeypatch.setattr(dateline.fetch, "fetch_sources",
                        lambda lock, dest, **kw: seen.append((lock, dest)) or ["done"])
    assert main(["corpus", "fetch-sources", str(tmp_path / "src"), "--corpus",
                 str(tmp_path / "new corpus")]) == 0
    assert seen == [(template_dir() / "sources.lock", tmp_path / "src")]
    assert not (tmp_path / "new corpus").exists()  # fetching makes no corpus folder
