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
    """Run ``git -C repo args``; return stdout; raise a coded error on failure.

    >>> import pathlib, tempfile
    >>> repo = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(repo, "init", "--quiet")
    >>> _ = (repo / "a.txt").write_text("one")
    >>> for key, value in (("user.name", "Ann"), ("user.email", "ann@example.org"),
    ...                    ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
    ...     _ = git(repo, "config", key, value)
    >>> _ = git(repo, "add", "a.txt")
    >>> _ = git(repo, "commit", "--quiet", "-m", "one")
    >>> git(repo, "log", "--format=%an: %s")
    'Ann: one\\n'
    """
    return git_bytes(repo, *args).decode("utf-8", "replace")


def git_bytes(repo: str | os.PathLike[str], *args: str) -> bytes:
    """Run ``git -C repo args``; return stdout as bytes; raise a coded error on failure.

    >>> import pathlib, tempfile
    >>> repo = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(repo, "init", "--quiet")
    >>> _ = (repo / "a.txt").write_text("one")
    >>> for key, value in (("user.name", "Ann"), ("user.email", "ann@example.org"),
    ...                    ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
    ...     _ = git(repo, "config", key, value)
    >>> _ = git(repo, "add", "a.txt")
    >>> _ = git(repo, "commit", "--quiet", "-m", "one")
    >>> git_bytes(repo, "show", "HEAD:a.txt")
    b'one'
    >>> git_bytes(repo, "show", "HEAD:b.txt")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [git-failed] ...: git show HEAD:b.txt failed: ...
    """
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
    """True when ``path`` is inside a git work tree.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(folder, "init", "--quiet")
    >>> (folder / "sub").mkdir(); is_git_repo(folder / "sub")
    True
    >>> is_git_repo(folder / "no-such-folder")
    False
    """
    try:
        return git(path, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except DatelineError:
        return False


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``(major, minor, patch)`` of an ``X.Y.Z`` version (what the card accepts), else None.

    >>> parse_version("0.10.2"), parse_version("01.0.0"), parse_version("1.0.0-rc1")
    ((0, 10, 2), None, None)
    """
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() and (p == "0" or not p.startswith("0"))
                                  for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def tag_name(version: str) -> str:
    """The git tag of a corpus release.

    >>> tag_name("1.0.0")
    'corpus-v1.0.0'
    """
    return f"{TAG_PREFIX}{version}"


def release_tags(repo: str | os.PathLike[str]) -> list[tuple[tuple[int, int, int], str]]:
    """``corpus-vX.Y.Z`` tags of ``repo``, oldest version first.

    >>> import pathlib, tempfile
    >>> repo = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(repo, "init", "--quiet")
    >>> _ = (repo / "a.txt").write_text("one")
    >>> for key, value in (("user.name", "Ann"), ("user.email", "ann@example.org"),
    ...                    ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
    ...     _ = git(repo, "config", key, value)
    >>> _ = git(repo, "add", "a.txt")
    >>> _ = git(repo, "commit", "--quiet", "-m", "one")
    >>> for tag in ("corpus-v0.10.0", "corpus-v0.9.0", "corpus-vnext", "v1.0.0"):
    ...     _ = git(repo, "tag", tag)
    >>> release_tags(repo)
    [((0, 9, 0), 'corpus-v0.9.0'), ((0, 10, 0), 'corpus-v0.10.0')]
    """
    out = []
    for name in git(repo, "tag", "--list", f"{TAG_PREFIX}*").split():
        v = parse_version(name[len(TAG_PREFIX):])
        if v is not None:
            out.append((v, name))
    return sorted(out)


def status_porcelain(repo: str | os.PathLike[str]) -> list[str]:
    """``git status --porcelain`` lines (modified, staged and untracked paths).

    >>> import pathlib, tempfile
    >>> repo = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(repo, "init", "--quiet")
    >>> _ = (repo / "a.txt").write_text("one")
    >>> for key, value in (("user.name", "Ann"), ("user.email", "ann@example.org"),
    ...                    ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
    ...     _ = git(repo, "config", key, value)
    >>> _ = git(repo, "add", "a.txt")
    >>> _ = git(repo, "commit", "--quiet", "-m", "one")
    >>> status_porcelain(repo)
    []
    >>> _ = (repo / "a.txt").write_text("two"); _ = (repo / "new.txt").write_text("")
    >>> status_porcelain(repo)
    [' M a.txt', '?? new.txt']
    """
    return [line for line in git(repo, "status", "--porcelain").splitlines() if line.strip()]


def resolve_revision(repo: str | os.PathLike[str], rev: str) -> str | None:
    """The full commit id of ``rev`` (tag, branch, commit) in ``repo``, or None.

    >>> import pathlib, tempfile
    >>> repo = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(repo, "init", "--quiet")
    >>> _ = (repo / "a.txt").write_text("one")
    >>> for key, value in (("user.name", "Ann"), ("user.email", "ann@example.org"),
    ...                    ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
    ...     _ = git(repo, "config", key, value)
    >>> _ = git(repo, "add", "a.txt")
    >>> _ = git(repo, "commit", "--quiet", "-m", "one")
    >>> _ = git(repo, "tag", "corpus-v0.1.0")
    >>> head = resolve_revision(repo, "HEAD")
    >>> len(head), resolve_revision(repo, "corpus-v0.1.0") == head
    (40, True)
    >>> resolve_revision(repo, "no-such-tag") is None
    True
    """
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except DatelineError:
        return None


def export_revision(repo: str | os.PathLike[str], commit: str, dest: Path) -> Path:
    """Extract the tree of ``commit`` into ``dest`` (``git archive``, no worktree to clean).

    >>> import pathlib, tempfile
    >>> repo = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(repo, "init", "--quiet")
    >>> _ = (repo / "a.txt").write_text("one")
    >>> for key, value in (("user.name", "Ann"), ("user.email", "ann@example.org"),
    ...                    ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
    ...     _ = git(repo, "config", key, value)
    >>> _ = git(repo, "add", "a.txt")
    >>> _ = git(repo, "commit", "--quiet", "-m", "one")
    >>> _ = (repo / "a.txt").write_text("not committed")
    >>> out = export_revision(repo, "HEAD", pathlib.Path(tempfile.mkdtemp()) / "tree")
    >>> [(f.name, f.read_text()) for f in out.iterdir()]
    [('a.txt', 'one')]
    """
    data = git_bytes(repo, "archive", "--format=tar", commit)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def python_builder(checkout: Path, sources: Path) -> Path:
    """Run the checkout's own ``dateline corpus build`` (its code, not the installed one).

    The package-dir mapping of its ``pyproject.toml`` (``dateline.schemas`` = ``schemas/``...)
    is recreated with symlinks so ``python -m dateline`` imports only the checkout's code.
    A checkout that cannot be built that way is refused before anything runs:

    >>> import tempfile
    >>> python_builder(Path(tempfile.mkdtemp()), Path("sources"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [revision-not-buildable] ...: the revision has no ...
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
    if not (corpus / "README.md").is_file():  # else the build would seed a card of its own
        raise DatelineError("revision-build-failed", "the build of the revision failed: "
                            f"[card-missing] {corpus / 'README.md'}: the revision has no "
                            "corpus card", where=str(checkout),
                            fix="diff a revision that has corpus/README.md, or built folders")
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
    """Build the corpus of revision ``rev`` of ``repo`` inside ``workdir``; return the folder.

    With a builder that lists the checkout instead of building it:

    >>> import pathlib, tempfile
    >>> repo = pathlib.Path(tempfile.mkdtemp())
    >>> _ = git(repo, "init", "--quiet")
    >>> _ = (repo / "a.txt").write_text("one")
    >>> for key, value in (("user.name", "Ann"), ("user.email", "ann@example.org"),
    ...                    ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
    ...     _ = git(repo, "config", key, value)
    >>> _ = git(repo, "add", "a.txt")
    >>> _ = git(repo, "commit", "--quiet", "-m", "one")
    >>> def listing(checkout, sources):
    ...     _ = (checkout / "files.txt").write_text(" ".join(p.name for p in checkout.iterdir()))
    ...     return checkout
    >>> built = build_revision(repo, "HEAD", ".", Path(tempfile.mkdtemp()), builder=listing)
    >>> (built / "files.txt").read_text()
    'a.txt'
    """
    commit = resolve_revision(repo, rev)
    if commit is None:
        raise DatelineError("unknown-revision", f"{rev!r} is neither a folder nor a git "
                            f"revision of {repo}", fix="pass a built folder, a tag "
                            "(corpus-vX.Y.Z) or a commit", exit_code=2)
    checkout = export_revision(repo, commit, workdir / commit[:12])
    return builder(checkout, Path(sources).resolve())
