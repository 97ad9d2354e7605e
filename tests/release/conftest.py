"""Fixtures of the release tests: one built corpus per session (a copy of the repository's
built corpus when it matches its MANIFEST, else one build into a temporary folder), and a fresh
Hugging Face cache per test."""

import shutil
from pathlib import Path

import pytest
from release_helpers import REPO

from dateline.build import build
from dateline.loading import default_sources_dir
from dateline.manifest import verify_manifest
from dateline.schemas import DatelineError

COMMITTED = ("README.md", "CHANGELOG.md", "sources.lock", "MANIFEST", "stats.json", "splits",
             "annotations")


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    path = default_sources_dir()
    if not path.is_dir():
        pytest.skip(f"the corpus sources are not at {path} (set DATELINE_SOURCES)")
    return path


@pytest.fixture(scope="session")
def built_corpus(tmp_path_factory, sources_dir) -> Path:
    """A built corpus folder in a temporary directory (never the repository's)."""
    dest = tmp_path_factory.mktemp("release") / "corpus"
    dest.mkdir()
    for name in COMMITTED:
        src = REPO / "corpus" / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    try:  # the repository's own build, when it is exactly what the MANIFEST pins
        verify_manifest(REPO / "corpus")
        shutil.copytree(REPO / "corpus" / "data", dest / "data")
    except DatelineError:
        shutil.rmtree(dest / "data", ignore_errors=True)
        build(dest, sources_dir, update=True)
    return dest


@pytest.fixture
def hf_home(tmp_path, monkeypatch):
    """A fresh Hugging Face cache per test (the stale-cache trap)."""
    home = tmp_path / "hf"
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(home / "datasets"))
    return home

