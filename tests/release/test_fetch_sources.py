"""`dateline corpus fetch-sources`: pinned commits fetched from a local git repository made in
the test (no network), every sha256 checked, nothing written on a mismatch."""

import hashlib
import json

import pytest
from release_helpers import REPO, commit_all, git, init_repo

from dateline.cli import main
from dateline.fetch import fetch_sources, fetchable, read_lock
from dateline.schemas import DatelineError

FILES = {"LICENSE.txt": b"license text\n", "dep/a,b 45%.conllu": b"# tiny\n1\tHi\n",
         "out/[x].json": b'{"x": 1}\n'}


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def upstream(tmp_path):
    """A repository whose pinned commit holds FILES under sub/; the tip changes them."""
    repo = init_repo(tmp_path / "upstream")
    for rel, data in FILES.items():
        (repo / "sub" / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / "sub" / rel).write_bytes(data)
    (repo / "unpinned.bin").write_bytes(b"x" * 1000)
    pinned = commit_all(repo, "pinned")
    (repo / "sub" / "LICENSE.txt").write_bytes(b"changed later\n")
    commit_all(repo, "tip")
    return repo, pinned


def write_lock(folder, repo, commit, files=None, path="sub/"):
    folder.mkdir(parents=True, exist_ok=True)
    lock = {"sources": [
        {"name": "demo", "repository": "https://example.invalid/demo", "path": path,
         "commit": commit, "license": "CC BY 4.0",
         "files": {rel: sha(data) for rel, data in (files or FILES).items()}},
        {"name": "seed", "repository": "supplied with the project (the founding article)",
         "path": "", "commit": "-", "license": "supplied",
         "files": {"article.txt": sha(b"hand-copied\n")}}]}
    (folder / "sources.lock").write_text(json.dumps(lock))
    return folder


def test_fetches_the_pinned_commit_and_checks_every_hash(upstream, tmp_path, capsys):
    repo, pinned = upstream
    corpus = write_lock(tmp_path / "corpus", repo, pinned)
    dest = tmp_path / "sources"
    code = main(["corpus", "fetch-sources", str(dest), "--corpus", str(corpus),
                 "--repo", f"demo=file://{repo}"])
    out = capsys.readouterr().out
    assert code == 0
    for rel, data in FILES.items():
        assert (dest / "demo" / rel).read_bytes() == data  # pinned, not the tip
    assert sorted(p.name for p in dest.iterdir()) == ["demo"]  # only pinned files, no temp
    assert not (dest / "demo" / "unpinned.bin").exists()
    assert "every sha256 matches" in out
    assert "seed: not in a public repository" in out and "by hand" in out
    # a second run keeps what matches
    again = fetch_sources(corpus / "sources.lock", dest, repos={"demo": str(repo)})
    assert again[0] == "demo: present, 3 files match the lock"


def test_a_hash_mismatch_is_refused_and_nothing_is_written(upstream, tmp_path):
    repo, pinned = upstream
    files = {**FILES, "LICENSE.txt": b"changed later\n"}  # the lock pins other bytes
    corpus = write_lock(tmp_path / "corpus", repo, pinned, files)
    dest = tmp_path / "sources"
    with pytest.raises(DatelineError) as err:
        fetch_sources(corpus / "sources.lock", dest, repos={"demo": f"file://{repo}"})
    e = err.value
    assert e.code == "fetch-hash-mismatch" and "demo/LICENSE.txt" in e.message
    assert sha(b"changed later\n") in e.message and sha(FILES["LICENSE.txt"]) in e.message
    assert list(dest.iterdir()) == []


def test_missing_file_wrong_commit_and_existing_folder(upstream, tmp_path):
    repo, pinned = upstream
    dest = tmp_path / "sources"
    corpus = write_lock(tmp_path / "c1", repo, pinned, path="elsewhere/")
    with pytest.raises(DatelineError, match="fetch-file-missing"):
        fetch_sources(corpus / "sources.lock", dest, repos={"demo": f"file://{repo}"})
    corpus = write_lock(tmp_path / "c2", repo, "0" * 40)
    with pytest.raises(DatelineError, match="fetch-failed"):
        fetch_sources(corpus / "sources.lock", dest, repos={"demo": f"file://{repo}"})
    (dest / "demo").mkdir(parents=True)
    (dest / "demo" / "LICENSE.txt").write_text("edited")
    corpus = write_lock(tmp_path / "c3", repo, pinned)
    with pytest.raises(DatelineError, match="fetch-target-exists"):
        fetch_sources(corpus / "sources.lock", dest, repos={"demo": f"file://{repo}"})
    with pytest.raises(DatelineError, match="bad-option"):
        fetch_sources(corpus / "sources.lock", dest, repos={"nope": "x"})
    assert sorted(p.name for p in dest.iterdir()) == ["demo"]
    git(repo, "status")  # the upstream repository is untouched


def test_the_projects_lock_says_where_each_source_lives():
    sources = {s.name: s for s in read_lock(REPO / "corpus" / "sources.lock")}
    assert fetchable(sources["gum"]) and fetchable(sources["meantime"])
    assert sources["gum"].repository == "https://github.com/amir-zeldes/gum"
    assert sources["meantime"].path == "MEANTIME-prep/"
    assert not fetchable(sources["seed"])
