"""`dateline corpus release`: refusals (version, dirty tree, no issue, failing validation, no
previous release) and a release in a temporary repository; one end-to-end release of a clone
of this repository (never this work tree)."""

import json
import shutil
import subprocess

import pytest
from release_helpers import REPO, commit_all, doc, git, init_repo

from dateline.build import card_version
from dateline.cli import main
from dateline.manifest import verify_manifest, write_manifest
from dateline.release import release
from dateline.schemas import DatelineError, write_jsonl

CARD = """---
pretty_name: tiny
configs:
- config_name: default
  default: true
  version: 0.1.0
  data_files:
  - split: train
    path: data/default/train-*.jsonl
- config_name: tokens
  version: 0.1.0
  data_files:
  - split: train
    path: data/tokens/train-*.jsonl
---
# tiny corpus (version 0.1.0 mentioned in prose stays)
"""
CHANGELOG = "# Changelog\n\nNewest first.\n\n## 0.1.0 — 2026-01-01\n\n- First (#1).\n"
DATA = "data/default/train-00000-of-00001.jsonl"


def fake_build(corpus, sources, *, update, step=None):
    """The tiny repository's build: docs.jsonl -> corpus/data, stats.json, MANIFEST."""
    (corpus / DATA).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(corpus.parent / "docs.jsonl", corpus / DATA)
    (corpus / "stats.json").write_text(json.dumps({"corpus_version": card_version(
        corpus / "README.md")}))
    write_manifest(corpus, [DATA])


def fake_builder(checkout, sources):
    fake_build(checkout / "corpus", sources, update=True)
    return checkout / "corpus"


@pytest.fixture
def repo(tmp_path):
    """A released (corpus-v0.1.0) tiny repository with one later commit for issue #5."""
    r = init_repo(tmp_path / "repo")
    (r / ".gitignore").write_text("corpus/data/\n")
    (r / "corpus").mkdir()
    (r / "corpus" / "README.md").write_text(CARD)
    (r / "corpus" / "CHANGELOG.md").write_text(CHANGELOG)
    write_jsonl([doc("d1"), doc("d2")], r / "docs.jsonl")
    fake_build(r / "corpus", None, update=True)
    commit_all(r, "first release (#1)")
    git(r, "tag", "corpus-v0.1.0")
    write_jsonl([doc("d1", labels=("PERSON", "ORGANIZATION", "LOCATION")), doc("d2"),
                 doc("d3")], r / "docs.jsonl")
    commit_all(r, "relabel Bo, add d3 (#5)")
    return r


def run(repo, version, **kw):
    return release(repo / "corpus", repo, version, builder=fake_builder, build_fn=fake_build,
                   date="2026-12-01", **kw)


def test_release_bumps_rebuilds_diffs_and_writes_the_changelog(repo):
    result = run(repo, "0.2.0")
    corpus = repo / "corpus"
    card = (corpus / "README.md").read_text()
    assert card_version(corpus / "README.md") == "0.2.0"
    assert card.count("version: 0.2.0") == 2 and "version 0.1.0 mentioned in prose" in card
    assert json.loads((corpus / "stats.json").read_text())["corpus_version"] == "0.2.0"
    verify_manifest(corpus)
    log = (corpus / "CHANGELOG.md").read_text()
    assert log.index("## 0.2.0 — 2026-12-01") < log.index("## 0.1.0 — 2026-01-01")
    entry = result.entry
    assert entry.startswith("## 0.2.0 — 2026-12-01\n\n- ")
    bullets = [ln for ln in entry.splitlines() if ln.startswith("- ")]
    assert bullets and all(ln.endswith(" (#5).") for ln in bullets)  # each linked
    assert "1 added (`d3`; 3 entities, 1 events, 1 quotes)" in entry
    assert "Entities in documents of both versions: 0 added, 0 removed, 1 changed (labels: " \
           "PERSON → ORGANIZATION ×1)" in entry
    assert "Ann Lee" not in entry  # ids, labels and counts only: never document text
    assert (result.since, result.previous_version, result.issues) == ("corpus-v0.1.0", "0.1.0",
                                                                      [5])
    assert result.tag_command == "git tag corpus-v0.2.0"
    assert "corpus-v0.2.0" not in git(repo, "tag")  # printed, never created
    changed = {ln[3:] for ln in git(repo, "status", "--porcelain").splitlines()}
    # the commit for #5 changed the documents without a rebuild: the release regenerated MANIFEST
    assert changed == {"corpus/README.md", "corpus/CHANGELOG.md", "corpus/stats.json",
                       "corpus/MANIFEST"}


def test_refusals_write_nothing(repo):
    before = git(repo, "status", "--porcelain")
    for version, code in (("0.2", "release-bad-version"), ("v0.2.0", "release-bad-version"),
                          ("0.1.0", "release-version-not-greater"),
                          ("0.0.9", "release-version-not-greater")):
        with pytest.raises(DatelineError) as err:
            run(repo, version)
        assert err.value.code == code and err.value.exit_code == 2
    with pytest.raises(DatelineError, match="release-bad-date"):
        release(repo / "corpus", repo, "0.2.0", date="01/12/2026", build_fn=fake_build)
    git(repo, "tag", "corpus-v0.3.0")
    with pytest.raises(DatelineError, match="release-tag-exists"):
        run(repo, "0.3.0")
    git(repo, "tag", "-d", "corpus-v0.3.0")

    def failing_build(*args, **kw):
        raise DatelineError("built-data-invalid", "3 validation incidents")

    with pytest.raises(DatelineError, match="built-data-invalid"):
        release(repo / "corpus", repo, "0.2.0", builder=fake_builder, build_fn=failing_build)
    assert git(repo, "status", "--porcelain") == before == ""  # card restored
    (repo / "notes.txt").write_text("untracked")
    with pytest.raises(DatelineError) as err:
        run(repo, "0.2.0")
    assert err.value.code == "release-dirty-tree" and "notes.txt" in err.value.message


def test_no_issue_no_previous_release_and_since(repo):
    (repo / "x.txt").write_text("x")
    commit_all(repo, "an unreferenced change")
    git(repo, "tag", "corpus-v0.1.1")
    with pytest.raises(DatelineError) as err:
        run(repo, "0.2.0")  # since corpus-v0.1.1: no commit references an issue
    assert err.value.code == "release-no-issue" and "--issue N" in err.value.fix
    result = run(repo, "0.2.0", issues=[8, 7])
    assert result.issues == [7, 8] and result.diff.empty
    assert "- No change to the built documents since corpus-v0.1.1" in result.entry
    assert result.entry.rstrip().endswith("(#7, #8).")
    git(repo, "checkout", "-q", "--", "corpus")
    for tag in ("corpus-v0.1.0", "corpus-v0.1.1"):
        git(repo, "tag", "-d", tag)
    with pytest.raises(DatelineError, match="release-no-previous"):
        run(repo, "0.2.0")
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    assert run(repo, "0.2.0", since=first).issues == [5]


def test_end_to_end_on_a_clone_of_this_repository(tmp_path, sources_dir, capsys):
    """The real build and the previous release built at its own revision (a clean clone)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    # The previous release is the clone's HEAD (-f: the repository may carry the tag already).
    git(clone, "tag", "-f", "corpus-v" + card_version(clone / "corpus" / "README.md"))
    old = card_version(clone / "corpus" / "README.md")
    major, minor, patch = (int(x) for x in old.split("."))
    new = f"{major}.{minor}.{patch + 1}"
    code = main(["corpus", "release", new, "--issue", "8", "--corpus", str(clone / "corpus"),
                 "--sources", str(sources_dir), "--date", "2026-12-01"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"git tag corpus-v{new}" in out
    assert card_version(clone / "corpus" / "README.md") == new
    assert f"## {new} — 2026-12-01" in (clone / "corpus" / "CHANGELOG.md").read_text()
    verify_manifest(clone / "corpus")
