"""One corpus build per test session, into a temporary copy of corpus/ (never into the repo)."""

import shutil
from pathlib import Path

import pytest

from dateline.build import build
from dateline.loading import default_sources_dir

REPO = Path(__file__).resolve().parents[2]
COMMITTED = ("README.md", "sources.lock", "MANIFEST", "splits", "annotations")


def copy_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in COMMITTED:
        src = REPO / "corpus" / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
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
    """(corpus folder, BuildResult) of a build checked against the committed MANIFEST."""
    corpus = copy_corpus(tmp_path_factory.mktemp("corpus") / "corpus")
    result = build(corpus, sources_dir)  # no update: must match the committed MANIFEST
    return corpus, result
