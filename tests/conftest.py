"""Fixtures shared by every test folder: one corpus build per session, in a temporary copy of
the committed parts of corpus/ (never into the repository, which a fresh clone has unbuilt)."""

import shutil
from pathlib import Path

import pytest

from dateline.build import build
from dateline.loading import default_sources_dir

REPO = Path(__file__).resolve().parents[1]
COMMITTED = ("README.md", "CHANGELOG.md", "sources.lock", "MANIFEST", "stats.json", "splits",
             "annotations")


def copy_corpus(dest: Path) -> Path:
    """Copy the committed parts of corpus/ into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COMMITTED:
        src = REPO / "corpus" / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def make_corpus():
    """A function that copies the committed parts of corpus/ into a folder."""
    return copy_corpus


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    path = default_sources_dir()
    if not path.is_dir():
        pytest.skip(f"the corpus sources are not at {path} (set DATELINE_SOURCES)")
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory, sources_dir):
    """(corpus folder, BuildResult) of a build checked against the committed MANIFEST.

    Tests must not change this folder: copy it first (``shutil.copytree``).
    """
    corpus = copy_corpus(tmp_path_factory.mktemp("corpus") / "corpus")
    result = build(corpus, sources_dir)  # no update: must match the committed MANIFEST
    return corpus, result


@pytest.fixture(scope="session")
def built_corpus(built) -> Path:
    """The folder of the session's built corpus."""
    return built[0]


@pytest.fixture
def corpus_env(built_corpus, monkeypatch) -> Path:
    """Point ``dateline.loading`` (and so ``corpus:SPLIT`` arguments) at the built corpus."""
    monkeypatch.setenv("DATELINE_CORPUS", str(built_corpus))
    return built_corpus


@pytest.fixture(scope="module")
def exported(built_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built corpus exported in every format (``parquet``, ``conll``, ``docbin``)."""
    from dateline.cli import main

    root = tmp_path_factory.mktemp("export")
    for fmt in ("parquet", "conll", "docbin"):
        assert main(["corpus", "export", "--format", fmt, str(root / fmt),
                     "--corpus", str(built_corpus)]) == 0
    return root
