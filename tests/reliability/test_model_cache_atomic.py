"""A trained model reaches the cache whole or not at all: saving goes to a temporary folder
that is moved into place, so a save that fails or is interrupted leaves the old model (or no
model, and the next run trains again), never a mix of files."""

import errno
import os

import pytest

from dateline.baselines.cache import REPORT_FILE, load_or_train, model_dir
from dateline.baselines.lexicon import LabelLexicon
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, Mention

DOCS = [Document(id="d", text="Ann left.", layers=Layers(entities=LayerInfo(status="gold")),
                 entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))]


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_CACHE", str(tmp_path))
    return tmp_path


def _train(force=False):
    return load_or_train(LabelLexicon(), "0.0.1", lambda: DOCS, lambda: [], force=force)


def _left(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_an_interrupted_save_leaves_no_model_and_the_next_run_trains(monkeypatch, cache):
    def killed(self, directory):
        (directory / "half").write_text("x")
        raise KeyboardInterrupt

    with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
        m.setattr(LabelLexicon, "save", killed)
        _train()
    directory = model_dir("lexicon", LabelLexicon().version, "0.0.1")
    assert directory.is_relative_to(cache)
    assert not directory.exists() and _left(directory.parent) == []
    assert _train()["cached"] is False and _train()["cached"] is True


def test_a_retrain_that_fails_keeps_the_old_model(monkeypatch):
    first = _train()
    directory = model_dir("lexicon", LabelLexicon().version, "0.0.1")
    before = {p.name: p.read_bytes() for p in directory.iterdir()}

    def full(self, directory):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(directory / "lexicon.json"))

    monkeypatch.setattr(LabelLexicon, "save", full)
    with pytest.raises(DatelineError) as info:
        _train(force=True)
    assert info.value.code == "disk-full"
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    assert _left(directory.parent) == [] and first["cached"] is False


def test_a_retrain_replaces_the_model_whole():
    _train()
    directory = model_dir("lexicon", LabelLexicon().version, "0.0.1")
    (directory / "stale").write_text("from an older model")
    again = _train(force=True)
    assert again["cached"] is False
    assert sorted(p.name for p in directory.iterdir()) == sorted(["lexicon.json", REPORT_FILE])
    assert _left(directory.parent) == []
