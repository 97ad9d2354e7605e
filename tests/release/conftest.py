"""Fixtures of the release tests: offline mode and a fresh Hugging Face cache per test (the
session's built corpus, ``built_corpus``, comes from ``tests/conftest.py``)."""

import pytest


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


@pytest.fixture
def hf_home(tmp_path, monkeypatch):
    """A fresh Hugging Face cache per test (the stale-cache trap)."""
    home = tmp_path / "hf"
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(home / "datasets"))
    return home

