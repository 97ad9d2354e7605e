"""Corpus, source and annotation errors, provoked on tiny sources written for the tests
(``tiny_sources``) through the build, the importers, the loader and the CLI."""

import shutil

import pytest
from tiny_sources import (
    CONLL,
    GUM,
    SEED_TEXT,
    built_tiny,
    meantime_mention,
    seed_annotation,
    tiny_corpus,
    write_sources,
)

from dateline.build import build, card_version
from dateline.cli import main
from dateline.export import parquet_card
from dateline.loading import documents, load
from dateline.schemas import DatelineError
from dateline.sources import SourceReader
from dateline.sources.gum import import_gum
from dateline.sources.meantime import import_meantime
from dateline.sources.seed import DOC_ID, import_seed


def _raised(fn, *args, **kwargs) -> DatelineError:
    with pytest.raises(DatelineError) as exc:
        result = fn(*args, **kwargs)
        if hasattr(result, "__next__"):
            list(result)
    return exc.value


@pytest.fixture
def tiny(tmp_path):
    """(corpus, sources) of a tiny corpus, built."""
    return built_tiny(tmp_path)


# --------------------------------------------------------------------------- the card and lock


def test_a_missing_card(tmp_path, capsys) -> None:
    # an empty or new folder gets the committed corpus files; one holding other files is no
    # corpus folder
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["corpus", "build", "--corpus", str(tmp_path), "--sources", str(tmp_path)]) == 1
    assert "[card-missing]" in capsys.readouterr().err


@pytest.mark.parametrize("card, code", [
    ("# no front matter\n", "card-malformed"),
    ("---\nconfigs:\n- config_name: default\n  version: 1.0\n---\n", "card-version"),
    ("---\nconfigs:\n- version: 1.0.0\n- version: 1.1.0\n---\n", "card-version"),
])
def test_a_malformed_card(tmp_path, card, code) -> None:
    (tmp_path / "README.md").write_text(card, encoding="utf-8")
    err = _raised(card_version, tmp_path / "README.md")
    assert (err.code, err.exit_code) == (code, 1)
    err = _raised(build, tmp_path, tmp_path)
    assert err.code == code


def test_a_card_without_front_matter_cannot_become_a_parquet_card() -> None:
    assert _raised(parquet_card, "# Body only\n").code == "card-malformed"
    card = "---\nconfigs:\n- data_files:\n  - path: data/train.csv\n---\n"
    assert _raised(parquet_card, card).code == "card-malformed"


def test_a_missing_lock(tiny, capsys) -> None:
    corpus, sources = tiny
    (corpus / "sources.lock").unlink()
    assert main(["corpus", "build", "--corpus", str(corpus), "--sources", str(sources)]) == 1
    err = capsys.readouterr().err
    assert "[lock-missing]" in err and "dateline corpus lock" in err


# --------------------------------------------------------------------------- reading sources


def test_a_locked_source_file_that_is_gone(tiny) -> None:
    corpus, sources = tiny
    (sources / "gum" / "LICENSE.txt").unlink()
    err = _raised(build, corpus, sources)
    assert (err.code, err.exit_code) == ("source-missing", 1) and "LICENSE.txt" in err.where


def test_a_source_file_that_is_not_in_the_lock(tiny) -> None:
    corpus, sources = tiny
    shutil.copy(sources / "gum" / "dep" / "GUM_news_tiny.conllu",
                sources / "gum" / "dep" / "GUM_news_other.conllu")
    err = _raised(build, corpus, sources)
    assert err.code == "source-unlocked" and "GUM_news_other" in err.message


def test_a_source_file_that_is_not_utf8(tmp_path) -> None:
    (tmp_path / "gum").mkdir()
    (tmp_path / "gum" / "notes.txt").write_bytes("café".encode("latin-1"))
    err = _raised(SourceReader(tmp_path, record=True).read_text, "gum", "notes.txt")
    assert (err.code, err.exit_code) == ("source-not-utf8", 1)


def test_gum_entity_brackets_that_never_close(tmp_path) -> None:
    src = write_sources(tmp_path, gum=GUM.replace("Entity=1)", "_"))
    err = _raised(import_gum, SourceReader(src, record=True))
    assert err.code == "malformed-entity" and "never closed" in err.message
    src = write_sources(tmp_path, gum=GUM.replace("Entity=(1-person-new-s-cf1-1-coref-Ann_Lee",
                                                  "_"))
    err = _raised(import_gum, SourceReader(src, record=True))
    assert err.code == "malformed-entity" and "without an open mention" in err.message
    src = write_sources(tmp_path, gum=GUM.replace("Entity=1)", "Entity=(x"))
    assert _raised(import_gum, SourceReader(src, record=True)).code == "malformed-entity"


def test_a_gum_entity_type_without_a_label(tmp_path) -> None:
    src = write_sources(tmp_path, gum=GUM.replace("-person-", "-martian-"))
    err = _raised(import_gum, SourceReader(src, record=True))
    assert (err.code, err.exit_code) == ("unknown-source-label", 1) and "martian" in err.message


@pytest.mark.parametrize("rst, code", [
    ("<rst><body><segment", "malformed-rst"),
    ("<rst><header/></rst>", "malformed-rst"),
    ('<rst><body><segment id="1">Ann Lee</segment></body></rst>', "gum-rst-mismatch"),
])
def test_a_bad_gum_rst_file(tmp_path, rst, code) -> None:
    src = write_sources(tmp_path, rst=rst)
    assert _raised(import_gum, SourceReader(src, record=True)).code == code


@pytest.mark.parametrize("mention, code", [
    (meantime_mention("corpus_a/1", 0, "Pear"), "meantime-mismatch"),
    ({**meantime_mention("corpus_a/1", 0, "Apple"), "sent_id": 5}, "meantime-mismatch"),
    (meantime_mention("corpus_a/1", 0, "Apple", label="FRUIT"), "unknown-source-label"),
])
def test_a_meantime_mention_that_disagrees_with_its_tokens(tmp_path, mention, code) -> None:
    src = write_sources(tmp_path, mentions=[mention])
    assert _raised(import_meantime, SourceReader(src, record=True)).code == code


def test_a_missing_annotation_of_the_founding_document(tmp_path) -> None:
    src = write_sources(tmp_path / "src")
    (tmp_path / "annotations").mkdir()
    err = _raised(import_seed, SourceReader(src, record=True), tmp_path / "annotations")
    assert (err.code, err.exit_code) == ("annotation-missing", 1)


# --------------------------------------------------------------------------- the build


def test_a_split_without_documents_fails_validation(tmp_path) -> None:
    src = write_sources(tmp_path / "src", conll=CONLL.split("corpus_a/2")[0])  # one document
    corpus = tiny_corpus(tmp_path / "corpus", src)
    err = _raised(build, corpus, src, update=True)
    assert err.code == "built-data-invalid" and "empty-file" in err.message


def test_two_sources_giving_one_document_id(tmp_path) -> None:
    twin = CONLL + "corpus_b/1\t0\t0\tApple\t-\n"  # meantime_1 again, in another topic
    src = write_sources(tmp_path / "src", conll=twin)
    corpus = tiny_corpus(tmp_path / "corpus", src)
    err = _raised(build, corpus, src, update=True)
    # The message lists the ids in one set and not the other: none, for a duplicate.
    assert (err.code, err.exit_code) == ("splits-mismatch", 1)


def test_a_named_mention_off_the_token_boundaries(tmp_path) -> None:
    src = write_sources(tmp_path / "src")
    start = SEED_TEXT.index("Ann")
    inside = {"id": "m1", "start": start, "end": start + 2, "label": "PERSON", "kind": "named"}
    corpus = tiny_corpus(tmp_path / "corpus", src, seed_annotation(entities=(inside,)))
    err = _raised(build, corpus, src, update=True)
    assert (err.code, err.where) == ("token-misaligned", DOC_ID)


def test_edited_split_lists(tiny) -> None:
    corpus, sources = tiny
    test, train = corpus / "splits" / "test.txt", corpus / "splits" / "train.txt"
    kept = test.read_text()
    test.write_text(kept + train.read_text())
    err = _raised(build, corpus, sources)
    assert err.code == "split-overlap" and err.where.startswith(str(test))
    test.write_text(kept)
    train.write_text("meantime_99\n")
    err = _raised(build, corpus, sources)
    assert err.code == "splits-changed" and "--update" in err.fix


# --------------------------------------------------------------------------- loading


def test_an_unbuilt_corpus(tmp_path, monkeypatch, capsys) -> None:
    assert _raised(documents, "test", corpus=tmp_path).code == "corpus-not-built"
    assert main(["corpus", "stats", "--corpus", str(tmp_path)]) == 1
    assert "[corpus-not-built]" in capsys.readouterr().err
    monkeypatch.setenv("DATELINE_CORPUS", str(tmp_path))
    pred = tmp_path / "pred.jsonl"
    pred.write_text("", encoding="utf-8")
    assert main(["score", "corpus:test", str(pred)]) == 1
    assert "[corpus-not-built]" in capsys.readouterr().err


def test_an_unknown_split_or_config(tiny, monkeypatch, capsys) -> None:
    corpus, _ = tiny
    err = _raised(documents, "dev", corpus=corpus)
    assert (err.code, err.exit_code) == ("unknown-split", 2)
    monkeypatch.setenv("DATELINE_CORPUS", str(corpus))
    assert main(["score", "corpus:dev", str(corpus / "MANIFEST")]) == 2
    assert "[unknown-split]" in capsys.readouterr().err
    for config in ("tokens", "bio"):
        err = _raised(documents, "test", config=config, corpus=corpus)
        assert (err.code, err.exit_code) == ("unknown-config", 2), config
    assert _raised(load, config="bio", corpus=corpus).code == "unknown-config"
