"""Release, git, diff, export and fetch errors, provoked through the public functions and the
CLI on tiny corpora and temporary folders (see ``tiny_sources``)."""

import json
import sys

import pytest
from release_helpers import doc
from tiny_sources import built_tiny

from dateline.cli import main
from dateline.diff import read_built
from dateline.export import export
from dateline.fetch import read_lock
from dateline.gitrev import git, python_builder
from dateline.manifest import read_manifest, write_manifest
from dateline.release import bump_card_version, release
from dateline.schemas import DatelineError, write_jsonl

TOKENS = "data/tokens/validation-00000-of-00001.jsonl"  # the GUM document


def _raised(fn, *args, **kwargs) -> DatelineError:
    with pytest.raises(DatelineError) as exc:
        fn(*args, **kwargs)
    return exc.value


@pytest.fixture
def tiny(tmp_path):
    """(corpus, sources) of a tiny corpus, built."""
    return built_tiny(tmp_path)


def _tamper(corpus, rel, change) -> None:
    """Rewrite the rows of a built file, and its MANIFEST line (as a faithful build would)."""
    path = corpus / rel
    rows = [change(json.loads(line)) for line in path.read_text("utf-8").splitlines()]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    write_manifest(corpus, sorted(p.relative_to(corpus).as_posix()
                                  for p in (corpus / "data").rglob("*.jsonl")))


# --------------------------------------------------------------------------- git


def test_git_failing(tmp_path) -> None:
    err = _raised(git, tmp_path, "rev-parse", "HEAD")  # not a repository
    assert (err.code, err.exit_code, err.where) == ("git-failed", 1, str(tmp_path))


def test_git_not_installed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on it
    err = _raised(git, tmp_path, "status")
    assert (err.code, err.exit_code) == ("git-missing", 1)


def test_a_revision_whose_build_fails(tmp_path) -> None:
    """Its own `dateline corpus build` finds no corpus card in the checkout: exit 1."""
    (tmp_path / "pyproject.toml").write_text("[tool.setuptools]\npackages = []\n")
    err = _raised(python_builder, tmp_path, tmp_path / "sources")
    assert (err.code, err.exit_code) == ("revision-build-failed", 1)
    assert "card-missing" in err.message


# --------------------------------------------------------------------------- release


def test_releasing_outside_a_git_repository(tiny, capsys) -> None:
    corpus, sources = tiny
    err = _raised(release, corpus, sources, "9.0.0")
    assert (err.code, err.exit_code) == ("release-not-git", 1)
    assert main(["corpus", "release", "9.0.0", "--corpus", str(corpus), "--sources",
                 str(sources)]) == 1
    assert "[release-not-git]" in capsys.readouterr().err


def test_bumping_a_card_without_the_version() -> None:
    err = _raised(bump_card_version, "---\nconfigs:\n- version: 1.0.0\n---\n", "0.9.0", "1.1.0")
    assert err.code == "card-version" and "0.9.0" in err.message
    assert _raised(bump_card_version, "# no front matter\n", "1.0.0", "1.1.0").code == \
        "card-malformed"


# --------------------------------------------------------------------------- diff


def test_a_built_folder_with_a_document_twice(tmp_path, capsys) -> None:
    folder = tmp_path / "a" / "data" / "default"
    write_jsonl([doc("d1")], folder / "train-00000-of-00001.jsonl")
    write_jsonl([doc("d1")], folder / "test-00000-of-00001.jsonl")
    err = _raised(read_built, tmp_path / "a")
    assert (err.code, err.exit_code) == ("duplicate-id", 1) and "d1" in err.message
    assert main(["corpus", "diff", str(tmp_path / "a"), str(tmp_path / "a"), "--corpus",
                 str(tmp_path)]) == 1
    assert "[duplicate-id]" in capsys.readouterr().err


# --------------------------------------------------------------------------- export


def test_an_unknown_export_format(tiny, tmp_path) -> None:
    corpus, _ = tiny
    err = _raised(export, corpus, tmp_path / "out", "xml")
    assert (err.code, err.exit_code) == ("unknown-format", 2)


def test_docbin_export_without_spacy(tiny, tmp_path, monkeypatch) -> None:
    corpus, _ = tiny
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if not installed
    err = _raised(export, corpus, tmp_path / "out", "docbin")
    assert (err.code, err.exit_code) == ("missing-dependency", 2)
    assert not (tmp_path / "out").exists()


def test_docbin_export_of_overlapping_tokens(tiny, tmp_path) -> None:
    """Tokens that overlap cannot rebuild the text (a broken tokens config)."""
    corpus, _ = tiny

    def overlap(row):
        row["token_starts"] = [0] * len(row["token_starts"])
        return row

    _tamper(corpus, TOKENS, overlap)
    assert (corpus / TOKENS).read_text().count("token_starts") == 1
    err = _raised(export, corpus, tmp_path / "out", "docbin")
    assert (err.code, err.exit_code) == ("export-text-mismatch", 1)


def test_docbin_export_of_a_span_off_the_tokens(tiny, tmp_path, monkeypatch) -> None:
    """The tokens config's BIO spans always fall on its tokens, so this check guards the
    exporter itself: a span computed one character short must be refused, not exported."""
    corpus, _ = tiny
    from dateline import export_tokens as export_module

    spans = export_module.bio_spans
    monkeypatch.setattr(export_module, "bio_spans",
                        lambda toks, tags: [(a, b - 1, lab) for a, b, lab in spans(toks, tags)])
    err = _raised(export, corpus, tmp_path / "out", "docbin")
    assert (err.code, err.exit_code) == ("export-misaligned", 1)


def test_a_malformed_manifest_line(tiny, capsys, monkeypatch) -> None:
    corpus, _ = tiny
    manifest = corpus / "MANIFEST"
    manifest.write_text(manifest.read_text() + "not-a-digest  data/default/x.jsonl\n")
    err = _raised(read_manifest, corpus)
    assert (err.code, err.where) == ("manifest-malformed", f"{manifest}:7")
    monkeypatch.setenv("DATELINE_CORPUS", str(corpus))
    assert main(["score", "corpus:test", str(corpus / TOKENS)]) == 1
    assert "[manifest-malformed]" in capsys.readouterr().err


# --------------------------------------------------------------------------- fetch


def test_fetch_with_a_missing_or_broken_lock(tmp_path, capsys) -> None:
    err = _raised(read_lock, tmp_path / "sources.lock")
    assert (err.code, err.exit_code) == ("lock-missing", 2)
    (tmp_path / "sources.lock").write_text('{"sources": [{"name": "gum"}]}')
    err = _raised(read_lock, tmp_path / "sources.lock")
    assert (err.code, err.exit_code) == ("lock-malformed", 1)
    assert main(["corpus", "fetch-sources", str(tmp_path / "out"), "--corpus",
                 str(tmp_path)]) == 1
    assert "[lock-malformed]" in capsys.readouterr().err
