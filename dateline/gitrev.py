"""Git, thinly: run git, resolve revisions, list release tags, and build a revision's corpus.

Built data is git-ignored, so "the corpus at revision R" means: extract R's tree into a
temporary folder (``git archive``) and run *R's own* build there against the same sources.
The builder is a parameter, so tests can build a tiny hand-written repository.

>>> parse_version("1.2.3")
(1, 2, 3)
>>> parse_version("v1.2") is None
True
>>> tag_name("0.2.0")
'corpus-v0.2.0'
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Callable
from pathlib import Path

from dateline.schemas import DatelineError

__all__ = [
    "TAG_PREFIX",
    "Builder",
    "build_revision",
    "export_revision",
    "git",
    "git_bytes",
    "is_git_repo",
    "parse_version",
    "python_builder",
    "release_tags",
    "resolve_revision",
    "status_porcelain",
    "tag_name",
]

TAG_PREFIX = "corpus-v"
# (checkout of the revision, sources folder) -> the built corpus folder inside the checkout
Builder = Callable[[Path, Path], Path]


def git(repo: str | os.PathLike[str], *args: str) -> str:
    """Run ``git -C repo args``; return stdout; raise a coded error on failure."""
    return git_bytes(repo, *args).decode("utf-8", "replace")


def git_bytes(repo: str | os.PathLike[str], *args: str) -> bytes:
    """Run ``git -C repo args``; return stdout as bytes; raise a coded error on failure."""
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                              check=False)
    except FileNotFoundError as exc:
        raise DatelineError("git-missing", "git is not installed",
                            fix="install git") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DatelineError("git-failed", f"git {' '.join(args[:3])} failed: "
                            f"{err[-1] if err else proc.returncode}", where=str(repo))
    out: bytes = proc.stdout
    return out


def is_git_repo(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is inside a git work tree."""
    try:
        return git(path, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except DatelineError:
        return False


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``(major, minor, patch)`` of an ``X.Y.Z`` version (what the card accepts), else None."""
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() and (p == "0" or not p.startswith("0"))
                                  for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def tag_name(version: str) -> str:
    """The git tag of a corpus release."""
    return f"{TAG_PREFIX}{version}"


def release_tags(repo: str | os.PathLike[str]) -> list[tuple[tuple[int, int, int], str]]:
    """``corpus-vX.Y.Z`` tags of ``repo``, oldest version first."""
    out = []
    for name in git(repo, "tag", "--list", f"{TAG_PREFIX}*").split():
        v = parse_version(name[len(TAG_PREFIX):])
        if v is not None:
            out.append((v, name))
    return sorted(out)


def status_porcelain(repo: str | os.PathLike[str]) -> list[str]:
    """``git status --porcelain`` lines (modified, staged and untracked paths)."""
    return [line for line in git(repo, "status", "--porcelain").splitlines() if line.strip()]


def resolve_revision(repo: str | os.PathLike[str], rev: str) -> str | None:
    """The full commit id of ``rev`` (tag, branch, commit) in ``repo``, or None."""
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except DatelineError:
        return None


def export_revision(repo: str | os.PathLike[str], commit: str, dest: Path) -> Path:
    """Extract the tree of ``commit`` into ``dest`` (``git archive``, no worktree to clean)."""
    data = git_bytes(repo, "archive", "--format=tar", commit)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def python_builder(checkout: Path, sources: Path) -> Path:
    """Run the checkout's own ``dateline corpus build`` (its code, not the installed one).

    The package-dir mapping of its ``pyproject.toml`` (``dateline.schemas`` = ``schemas/``...)
    is recreated with symlinks so ``python -m dateline`` imports only the checkout's code.
    """
    try:
        meta = tomllib.loads((checkout / "pyproject.toml").read_text("utf-8"))
        mapping = meta["tool"]["setuptools"].get("package-dir", {})
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise DatelineError("revision-not-buildable", "the revision has no readable "
                            "pyproject.toml with [tool.setuptools]", where=str(checkout),
                            fix="diff built folders instead") from exc
    for module, folder in mapping.items():
        parts = module.split(".")
        if len(parts) == 2 and parts[0] == "dateline" and folder != "dateline":
            link = checkout / "dateline" / parts[1]
            if not link.exists():
                link.symlink_to(Path("..") / folder, target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": str(checkout), "DATELINE_SOURCES": str(sources)}
    env.pop("DATELINE_CORPUS", None)
    corpus = checkout / "corpus"
    proc = subprocess.run([sys.executable, "-m", "dateline", "corpus", "build", "--corpus",
                           str(corpus), "--sources", str(sources), "--update", "--quiet"],
                          cwd=checkout, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise DatelineError("revision-build-failed", f"the build of the revision failed: "
                            f"{' | '.join(tail)}", where=str(checkout),
                            fix="check that the sources match that revision's "
                                "corpus/sources.lock, or diff built folders instead")
    return corpus


def build_revision(repo: str | os.PathLike[str], rev: str, sources: str | os.PathLike[str],
                   workdir: Path, *, builder: Builder = python_builder) -> Path:
    """Build the corpus of revision ``rev`` of ``repo`` inside ``workdir``; return the folder."""
    commit = resolve_revision(repo, rev)
    if commit is None:
        raise DatelineError("unknown-revision", f"{rev!r} is neither a folder nor a git "
                            f"revision of {repo}", fix="pass a built folder, a tag "
                            "(corpus-vX.Y.Z) or a commit", exit_code=2)
    checkout = export_revision(repo, commit, workdir / commit[:12])
    return builder(checkout, Path(sources).resolve())
