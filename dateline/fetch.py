"""``fetch-sources``: fetch every source pinned in ``sources.lock`` at its commit, check it.

For users outside this repository. For each source with a public repository: ``git init``,
a sparse checkout of only the pinned files, ``git fetch --depth 1 <repository> <commit>``
(``--filter=blob:none`` where the server allows it), checkout; then each pinned file is copied
from ``<path><file>`` in the repository to ``DIR/<source>/<file>`` (the layout the build reads)
and its sha256 checked. Everything happens in a temporary folder inside ``DIR``; sources move
into place only when every hash of every source matches. A source without a public repository
(the founding article: commit ``-``) is reported with what to copy by hand.

>>> parse_overrides(["gum=file:///srv/gum"])
{'gum': 'file:///srv/gum'}
>>> fetchable(LockedSource("seed", "supplied with the project", "", "-", {}))
False
>>> sparse_pattern("dir/a[1]*.json")
'/dir/a\\\\[1\\\\]\\\\*.json'
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dateline.schemas import DatelineError
from dateline.schemas.oserrors import os_error

__all__ = ["LockedSource", "fetch_sources", "fetchable", "parse_overrides", "read_lock",
           "sparse_pattern"]


@dataclass(frozen=True)
class LockedSource:
    """One entry of ``sources.lock``: where the files come from and their sha256.

    >>> src = LockedSource("gum", "https://example.org/gum.git", "data/", "ab" * 20,
    ...                    {"a.conllu": "0" * 64})
    >>> fetchable(src), sorted(src.files)
    (True, ['a.conllu'])
    """

    name: str
    repository: str
    path: str  # folder of the repository holding the files ("" = root)
    commit: str
    files: dict[str, str]  # path relative to the source folder -> sha256


def read_lock(path: str | os.PathLike[str]) -> list[LockedSource]:
    """The sources of a ``sources.lock`` file.

    >>> import tempfile
    >>> lock = Path(tempfile.mkdtemp()) / "sources.lock"
    >>> _ = lock.write_text(json.dumps({"sources": [{"name": "seed", "repository": "by hand",
    ...                                              "commit": "-", "files": {"a.txt": "0"}}]}))
    >>> read_lock(lock)
    [LockedSource(name='seed', repository='by hand', path='', commit='-', files={'a.txt': '0'})]
    >>> _ = lock.write_text("{}")
    >>> read_lock(lock)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [lock-malformed] ...: cannot read the lock: missing ...
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text("utf-8"))
        return [LockedSource(s["name"], s["repository"], s.get("path", ""), s["commit"],
                             dict(s["files"])) for s in data["sources"]]
    except FileNotFoundError as exc:
        raise DatelineError("lock-missing", f"no {p}", where=str(p),
                            fix="pass --corpus DIR of a corpus folder with sources.lock",
                            exit_code=2) from exc
    except OSError as exc:
        raise os_error(exc, p, "read") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise DatelineError("lock-malformed", f"cannot read the lock: {reason}", where=str(p),
                            fix="restore corpus/sources.lock from git, or run `dateline "
                                "corpus lock`") from exc


def parse_overrides(items: list[str]) -> dict[str, str]:
    """``NAME=URL`` options as a dict.

    >>> parse_overrides(["gum=file:///srv/gum", "meantime=https://example.org/m.git"])
    {'gum': 'file:///srv/gum', 'meantime': 'https://example.org/m.git'}
    >>> parse_overrides(["gum"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] --repo 'gum' is not NAME=URL...
    """
    out = {}
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or not name or not url:
            raise DatelineError("bad-option", f"--repo {item!r} is not NAME=URL",
                                fix="e.g. --repo gum=https://github.com/amir-zeldes/gum",
                                exit_code=2)
        out[name] = url
    return out


def fetchable(src: LockedSource) -> bool:
    """True when the lock names a commit (40 hex digits) of a repository to fetch it from.

    >>> fetchable(LockedSource("gum", "https://example.org/gum.git", "", "0" * 40, {}))
    True
    >>> fetchable(LockedSource("gum", "https://example.org/gum.git", "", "main", {}))
    False
    """
    return re.fullmatch(r"[0-9a-f]{40}", src.commit) is not None


def sparse_pattern(rel: str) -> str:
    """A no-cone sparse-checkout pattern matching exactly the file ``rel``.

    >>> print(sparse_pattern("data/#notes?.txt"))
    /data/\\#notes\\?.txt
    """
    return "/" + re.sub(r"([\\*?\[\]!#])", r"\\\1", rel)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}  # a wrong URL fails, never prompts
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              text=True, env=env, check=False)
    except FileNotFoundError as exc:
        raise DatelineError("git-missing", "git is not installed", fix="install git") from exc
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [str(proc.returncode)])[-1]
        raise DatelineError("fetch-failed", f"git {args[0]} failed: {last}", where=str(cwd),
                            fix="check the network and the repository URL (override it with "
                                "--repo NAME=URL)")
    return proc.stdout


def _mismatch(folder: Path, src: LockedSource) -> tuple[str, str, str] | None:
    """The first pinned file missing or differing under ``folder``: (file, expected, actual)."""
    for rel, expected in sorted(src.files.items()):
        path = folder / rel
        actual = _sha256(path) if path.is_file() else "missing"
        if actual != expected:
            return rel, expected, actual
    return None


def _fetch_one(src: LockedSource, url: str, work: Path, out: Path) -> None:
    repo = work / f"git-{src.name}"
    repo.mkdir()
    prefix = src.path.strip("/") + "/" if src.path.strip("/") else ""
    _git(repo, "init", "-q")
    _git(repo, "sparse-checkout", "set", "--no-cone", "--stdin",
         stdin="".join(sparse_pattern(prefix + rel) + "\n" for rel in sorted(src.files)))
    _git(repo, "-c", "advice.detachedHead=false", "fetch", "-q", "--depth", "1",
         "--filter=blob:none", url, src.commit)
    _git(repo, "-c", "advice.detachedHead=false", "checkout", "-q", "FETCH_HEAD")
    for rel, expected in sorted(src.files.items()):
        found = repo / prefix / rel
        if not found.is_file():
            raise DatelineError("fetch-file-missing", f"{src.name}: {prefix}{rel} is not in "
                                f"{url} at {src.commit[:12]}", where=f"{src.name}/{rel}",
                                fix="check the lock's repository, path and commit")
        target = out / src.name / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, target)
        actual = _sha256(target)
        if actual != expected:
            raise DatelineError("fetch-hash-mismatch", f"{src.name}/{rel} fetched from {url} at "
                                f"{src.commit[:12]} has sha256 {actual}, the lock pins "
                                f"{expected}", where=f"{src.name}/{rel}",
                                fix="nothing was written; check --repo and the lock (a source "
                                    "is used only when every hash matches)")


def fetch_sources(lock: str | os.PathLike[str], dest: str | os.PathLike[str], *,
                  repos: dict[str, str] | None = None,
                  say: Callable[[str], None] | None = None) -> list[str]:
    """Fetch the sources of ``lock`` into ``dest``; return one report line per source.

    ``repos`` overrides a source's repository URL by name. A source folder already in
    ``dest`` is kept when all its pinned files match, and refused when one differs.

    Without network: one source already in place, one that is copied by hand.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "out" / "gum").mkdir(parents=True)
    >>> _ = (folder / "out" / "gum" / "a.txt").write_text("abc")
    >>> sha = hashlib.sha256(b"abc").hexdigest()
    >>> _ = (folder / "sources.lock").write_text(json.dumps({"sources": [
    ...     {"name": "gum", "repository": "https://example.org/gum.git", "commit": "0" * 40,
    ...      "files": {"a.txt": sha}},
    ...     {"name": "seed", "repository": "supplied with the project", "commit": "-",
    ...      "files": {"seed.json": sha}}]}))
    >>> for line in fetch_sources(folder / "sources.lock", folder / "out"):
    ...     print(line)
    gum: present, 1 files match the lock
    seed: not in a public repository (supplied with the project); copy its 1 pinned file(s)
    into .../out/seed/ by hand (seed.json); sha256 in sources.lock
    """
    sources = read_lock(lock)
    repos = dict(repos or {})
    unknown = sorted(set(repos) - {s.name for s in sources})
    if unknown:
        raise DatelineError("bad-option", f"--repo names unknown source(s) {unknown}",
                            fix=f"use one of {', '.join(s.name for s in sources)}", exit_code=2)
    out_dir = Path(dest)
    out_dir.mkdir(parents=True, exist_ok=True)
    step = say or (lambda _: None)
    report: list[str] = []
    todo: list[LockedSource] = []
    for src in sources:
        have = out_dir / src.name
        if have.exists():
            bad = _mismatch(have, src)
            if bad is None:
                report.append(f"{src.name}: present, {len(src.files)} files match the lock")
                continue
            if any(have.iterdir()):
                raise DatelineError("fetch-target-exists", f"{have} exists and {bad[0]} does not "
                                    f"match the lock (expected {bad[1]}, found {bad[2]})",
                                    where=str(have), fix="remove that folder (or choose "
                                    "another DIR) to fetch it again")
        if not fetchable(src):
            report.append(f"{src.name}: not in a public repository ({src.repository}); copy its "
                          f"{len(src.files)} pinned file(s) into {have}/ by hand "
                          f"({', '.join(sorted(src.files)[:3])}); sha256 in sources.lock")
            continue
        todo.append(src)
    if not todo:
        return report
    work = Path(tempfile.mkdtemp(prefix=".fetch-", dir=out_dir))
    try:
        staged = work / "out"
        for src in todo:
            url = repos.get(src.name, src.repository)
            step(f"{src.name}: {url} @ {src.commit[:12]} ({len(src.files)} files)")
            _fetch_one(src, url, work, staged)
        for src in todo:  # every hash matched: move into place
            (staged / src.name).rename(out_dir / src.name)
            report.append(f"{src.name}: fetched {len(src.files)} files at {src.commit[:12]}, "
                          "every sha256 matches the lock")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report
