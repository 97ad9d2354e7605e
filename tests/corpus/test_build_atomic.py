"""A refused or interrupted build leaves the previous build loadable and byte-identical: the
built files are staged beside ``corpus/data`` and swapped in only after every check
(:mod:`dateline.staging`)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tiny_sources import SEED_TEXT, built_tiny, seed_annotation

import dateline.build as build_module
import dateline.staging as staging
from dateline.build import build
from dateline.loading import documents
from dateline.schemas import DatelineError
from dateline.sources.seed import DOC_ID
from dateline.staging import leftovers


def snapshot(corpus: Path) -> dict[str, bytes]:
    """Every file under ``corpus`` (data, MANIFEST, card, stats, splits, folds, ...)."""
    return {p.relative_to(corpus).as_posix(): p.read_bytes()
            for p in sorted(corpus.rglob("*")) if p.is_file()}


def new_annotation(corpus: Path) -> None:
    """A new, valid annotation of the founding document: its build differs from MANIFEST."""
    start = SEED_TEXT.index("Bo Ek")
    entity = {"id": "m1", "start": start, "end": start + 5, "label": "PERSON", "kind": "named"}
    (corpus / "annotations" / f"{DOC_ID}.json").write_text(
        json.dumps(seed_annotation(entities=(entity,))), encoding="utf-8")


def assert_untouched(corpus: Path, before: dict[str, bytes]) -> None:
    after = snapshot(corpus)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed <= {f"annotations/{DOC_ID}.json"}
    assert leftovers(corpus) == []
    assert [d.id for d in documents("test", corpus=corpus)]  # still loadable


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    return built_tiny(tmp_path)


def test_manifest_mismatch_leaves_the_previous_build(tiny) -> None:
    corpus, src = tiny
    before = snapshot(corpus)
    new_annotation(corpus)
    with pytest.raises(DatelineError) as exc:
        build(corpus, src)
    assert exc.value.code == "manifest-mismatch"
    assert_untouched(corpus, before)
    old_test = before["data/default/test-00000-of-00001.jsonl"]
    assert (corpus / "data/default/test-00000-of-00001.jsonl").read_bytes() == old_test


def test_the_refused_change_is_accepted_with_update(tiny) -> None:
    corpus, src = tiny
    before = snapshot(corpus)
    new_annotation(corpus)
    assert build(corpus, src, update=True).manifest_changed
    after = snapshot(corpus)
    assert after["MANIFEST"] != before["MANIFEST"] and leftovers(corpus) == []
    doc = next(d for d in documents("test", corpus=corpus) if d.id == DOC_ID)
    assert [e.label for e in doc.entities] == ["PERSON"]


def test_a_validation_failure_leaves_the_previous_build(tiny, monkeypatch) -> None:
    corpus, src = tiny
    before = snapshot(corpus)
    new_annotation(corpus)
    invalid = SimpleNamespace(valid=False, incidents=["L4 invented-check: planted"])
    monkeypatch.setattr(build_module, "validate_paths", lambda *a, **k: invalid)
    with pytest.raises(DatelineError) as exc:
        build(corpus, src, update=True)
    assert exc.value.code == "built-data-invalid"
    assert_untouched(corpus, before)


def test_an_audit_failure_leaves_the_previous_build(tiny, monkeypatch) -> None:
    corpus, src = tiny
    before = snapshot(corpus)
    new_annotation(corpus)

    def refuse(*_: Any) -> None:
        raise DatelineError("coverage-audit-failed", "planted", fix="none")

    monkeypatch.setattr(build_module, "check_audit", refuse)
    with pytest.raises(DatelineError) as exc:
        build(corpus, src, update=True)
    assert exc.value.code == "coverage-audit-failed"
    assert_untouched(corpus, before)


def test_changed_folds_refuse_before_anything_is_written(tiny) -> None:
    corpus, src = tiny
    folds = corpus / "splits" / "folds.json"
    data = json.loads(folds.read_text())
    data["folds"] = [data["folds"][-1], *data["folds"][:-1]]
    folds.write_text(json.dumps(data))
    before = snapshot(corpus)
    with pytest.raises(DatelineError) as exc:
        build(corpus, src)
    assert exc.value.code == "folds-changed"
    assert_untouched(corpus, before)


class Killed(BaseException):
    """A stand-in for the build dying (not an Exception: nothing may swallow it)."""


def _kill_after(n: int) -> Any:
    calls = {"n": 0}

    def counting(real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == n + 1:  # once: the clean-up after it runs normally
                raise Killed(f"killed at call {calls['n']}")
            return real(*args, **kwargs)
        return wrapper
    return counting


@pytest.mark.parametrize("where", [
    "writing-data-first", "writing-data-later", "validating", "rendering-card",
    "writing-manifest", "writing-card", "writing-journal"])
def test_a_killed_build_leaves_the_old_build_and_no_temp_folder(tiny, monkeypatch,
                                                                 where: str) -> None:
    corpus, src = tiny
    before = snapshot(corpus)
    new_annotation(corpus)
    if where.startswith("writing-data"):
        n = 0 if where.endswith("first") else 3
        monkeypatch.setattr(build_module, "atomic_write_text",
                            _kill_after(n)(build_module.atomic_write_text))
    elif where == "validating":
        monkeypatch.setattr(build_module, "validate_paths", _kill_after(0)(lambda: None))
    elif where == "rendering-card":
        monkeypatch.setattr(build_module, "render_card", _kill_after(0)(lambda: None))
    else:  # the new files are staged in order (MANIFEST, stats.json, README.md, ...), then
        # the journal, the commit point
        if where == "writing-journal":
            real = staging.atomic_write

            def journal_killed(path: Any, *args: Any, **kwargs: Any) -> Any:
                if Path(path).name == staging.JOURNAL:
                    raise Killed("killed writing the journal")
                return real(path, *args, **kwargs)
            monkeypatch.setattr(staging, "atomic_write", journal_killed)
        else:
            n = 0 if where == "writing-manifest" else 2
            monkeypatch.setattr(staging, "atomic_write", _kill_after(n)(staging.atomic_write))
    with pytest.raises(Killed):
        build(corpus, src, update=True)
    monkeypatch.undo()
    assert_untouched(corpus, before)


@pytest.mark.parametrize("rename", [0, 1, 2, 4])
def test_a_build_killed_after_its_commit_point_is_finished_by_the_next(tiny, monkeypatch,
                                                                       rename: int) -> None:
    """A hard kill between the renames (the journal written, data or files half swapped):
    recover_build, which every build runs first, finishes the commit."""
    corpus, src = tiny
    new_annotation(corpus)
    monkeypatch.setattr(staging, "_rename", _kill_after(rename)(staging._rename))
    monkeypatch.setattr(staging, "_journaled", lambda root, name: True)  # a kill runs no clean-up
    with pytest.raises(Killed):
        build(corpus, src, update=True)
    monkeypatch.undo()
    assert any(name.startswith(staging.COMMIT_PREFIX) for name in leftovers(corpus))
    assert staging.recover_build(corpus)
    assert leftovers(corpus) == []
    recovered = snapshot(corpus)
    assert [d.id for d in documents("test", corpus=corpus)]  # loadable: MANIFEST matches data
    build(corpus, src)  # a build without --update: the recovered corpus is the new build
    assert snapshot(corpus) == recovered and leftovers(corpus) == []


def test_an_error_during_the_renames_is_rolled_back(tiny, monkeypatch) -> None:
    corpus, src = tiny
    before = snapshot(corpus)
    new_annotation(corpus)
    calls = {"n": 0}
    real = staging._rename

    def failing(a: Any, b: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # data swapped in, the first committed file refused
            raise PermissionError(13, "Permission denied", str(b))
        real(a, b)

    monkeypatch.setattr(staging, "_rename", failing)
    with pytest.raises(DatelineError) as exc:
        build(corpus, src, update=True)
    assert exc.value.code == "permission-denied"
    monkeypatch.undo()
    assert_untouched(corpus, before)


def test_a_refused_first_build_leaves_no_data(tmp_path) -> None:
    from tiny_sources import tiny_corpus, write_sources

    src = write_sources(tmp_path / "src")
    corpus = tiny_corpus(tmp_path / "corpus", src)
    before = snapshot(corpus)
    with pytest.raises(DatelineError) as exc:
        build(corpus, src)  # no MANIFEST yet: every built file differs
    assert exc.value.code == "manifest-mismatch"
    assert snapshot(corpus) == before and not (corpus / "data").exists()
    assert leftovers(corpus) == []
