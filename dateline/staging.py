"""All-or-nothing build output: built files are staged beside ``corpus/data``, checked there,
then swapped in together with the committed files (MANIFEST, stats, card, splits, folds).

A build that refuses (a check fails) or dies (an exception, a kill signal caught as
``KeyboardInterrupt``) before the commit point leaves ``corpus/data`` and every committed file
as they were and no temporary folder behind. After the commit point (a journal written
atomically) the swap is a few renames with SIGINT/SIGTERM held; a hard kill (SIGKILL, power
loss) in between leaves the journal, and the next build finishes the commit first
(:func:`recover_build`). An error during the renames is rolled back: the old ``data/`` folder
is moved back and the old bytes of every committed file are restored.

Temporary names start with a dot and end in ``.tmp`` (``corpus/.data.*.tmp``), the pattern
``.gitignore`` ignores, like the temp files of :func:`dateline.schemas.atomic_write`.

>>> import tempfile
>>> corpus = Path(tempfile.mkdtemp())
>>> with staged_data(corpus) as tmp:
...     _ = (tmp / "a.jsonl").write_text("{}\\n")
...     commit_build(corpus, tmp, {corpus / "MANIFEST": "m\\n"})
>>> sorted(p.name for p in corpus.iterdir()), (corpus / "data" / "a.jsonl").read_text()
(['MANIFEST', 'data'], '{}\\n')
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from dateline.schemas import atomic_write
from dateline.schemas.io import make_dirs
from dateline.schemas.oserrors import os_error

__all__ = ["COMMIT_PREFIX", "TEMP_PREFIX", "commit_build", "leftovers", "recover_build",
           "staged_data"]

TEMP_PREFIX = ".data."  # + random + ".tmp": matched by the ``.*.tmp`` line of .gitignore
COMMIT_PREFIX = ".commit."  # the folder of a commit's new files and journal
JOURNAL = "journal.json"
_rename = os.replace  # every rename of a commit (a seam for the kill tests)


def leftovers(corpus: str | os.PathLike[str]) -> list[str]:
    """The names of temporary files and folders a build left in ``corpus`` (none, normally).

    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / ".README.md.x1.tmp").write_text("")
    >>> leftovers(corpus)
    ['.README.md.x1.tmp']
    """
    return sorted(p.name for p in Path(corpus).iterdir()
                  if p.name.startswith(".") and p.name.endswith(".tmp"))


def _temp_dir(corpus: Path, tag: str = "", prefix: str = TEMP_PREFIX) -> Path:
    make_dirs(corpus)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{tag}", suffix=".tmp", dir=corpus))
    except OSError as exc:
        raise os_error(exc, corpus, "write") from exc


@contextmanager
def staged_data(corpus: str | os.PathLike[str]) -> Iterator[Path]:
    """A new empty temporary folder beside ``corpus/data``, removed when the block ends
    (whatever happens) unless :func:`commit_build` has swapped it in.

    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp())
    >>> with staged_data(corpus) as tmp:
    ...     tmp.name.startswith(".data."), tmp.parent == corpus
    (True, True)
    >>> leftovers(corpus)
    []
    """
    tmp = _temp_dir(Path(corpus))
    try:
        yield tmp
    finally:
        if not _journaled(Path(corpus), tmp.name):  # else recover_build moves it in
            shutil.rmtree(tmp, ignore_errors=True)  # gone already after a swap


def _journaled(root: Path, staged: str) -> bool:
    for journal in root.glob(f"{COMMIT_PREFIX}*.tmp/{JOURNAL}"):
        try:
            if json.loads(journal.read_text(encoding="utf-8")).get("staged") == staged:
                return True
        except (OSError, ValueError):
            continue
    return False


def _restore(path: Path, old: bytes | None) -> None:
    if old is None:
        if path.is_file():
            path.unlink()
        return
    with atomic_write(path) as f:
        f.write(old)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the renames of a commit run (microseconds): the commit
    then finishes, and the signal is raised as ``KeyboardInterrupt`` after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda n, _frame: received.append(n))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            raise KeyboardInterrupt


def _apply(root: Path, commit: Path) -> list[Path]:
    """Carry out the journal in ``commit``: each step is skipped when already done, so running
    it again after a kill finishes the commit. Returns the files replaced."""
    journal = json.loads((commit / JOURNAL).read_text(encoding="utf-8"))
    staged, data, old = root / journal["staged"], root / "data", commit / "old-data"
    if staged.exists():
        if data.exists():
            _rename(data, old)
        _rename(staged, data)
    done = []
    for name, target in journal["files"].items():
        if (commit / name).exists():
            make_dirs((root / target).parent)
            _rename(commit / name, root / target)
            done.append(root / target)
    return done


def recover_build(corpus: str | os.PathLike[str]) -> list[str]:
    """Finish a build commit that a kill interrupted (its journal is in ``corpus``), then
    remove what builds left behind; returns the names removed or finished. A build calls it
    first, so a corpus is never left half old and half new.

    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / ".data.x.tmp").mkdir()
    >>> recover_build(corpus), leftovers(corpus)
    (['.data.x.tmp'], [])
    """
    root = Path(corpus)
    if not root.is_dir():
        return []
    names = leftovers(root)
    try:
        for name in names:
            if name.startswith(COMMIT_PREFIX) and (root / name / JOURNAL).is_file():
                _apply(root, root / name)  # the commit was decided: finish it
        for name in names:
            target = root / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    except OSError as exc:
        raise os_error(exc, root, "replace") from exc
    return names


def commit_build(corpus: str | os.PathLike[str], staged: str | os.PathLike[str],
                 files: Mapping[Path, str]) -> None:
    """Make ``staged`` the new ``corpus/data`` and write ``files`` (path -> UTF-8 text), all
    or nothing.

    The new files' bytes and a journal are written to a temporary folder first; writing the
    journal is the commit point. Then renames swap in ``data/`` and each file (signals held);
    a process killed during them leaves the journal, and :func:`recover_build` finishes the
    commit. On an exception before the commit point nothing has changed; on one during the
    renames the old ``data/`` and the old bytes of every file come back.

    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp())
    >>> (corpus / "data").mkdir(); _ = (corpus / "data" / "old.jsonl").write_text("old")
    >>> _ = (corpus / "stats.json").write_text("old"); (corpus / "README.md").mkdir()
    >>> with staged_data(corpus) as tmp:
    ...     commit_build(corpus, tmp, {corpus / "stats.json": "new",
    ...                                corpus / "README.md": "card"})
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [is-a-directory] .../README.md: cannot write: ...
    >>> [p.name for p in (corpus / "data").iterdir()], (corpus / "stats.json").read_text()
    (['old.jsonl'], 'old')
    """
    root, staged = Path(corpus), Path(staged)
    backup = {p: (p.read_bytes() if p.is_file() else None) for p in files}
    commit = _temp_dir(root, "", COMMIT_PREFIX)
    try:
        names = {}
        for k, (path, text) in enumerate(files.items()):
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            with atomic_write(commit / str(k)) as f:
                f.write(text.encode("utf-8"))
            names[str(k)] = os.path.relpath(path, root)
        with atomic_write(commit / JOURNAL) as f:  # the commit point
            f.write(json.dumps({"staged": staged.name, "files": names}).encode("utf-8"))
    except BaseException as exc:
        shutil.rmtree(commit, ignore_errors=True)
        if isinstance(exc, OSError):
            raise os_error(exc, Path(exc.filename or root), "write") from exc
        raise
    with _signals_deferred():
        try:
            _apply(root, commit)
        except OSError as exc:
            _roll_back(root, commit, backup)
            raise os_error(exc, Path(exc.filename2 or exc.filename or root / "data"),
                           "replace") from exc
        shutil.rmtree(commit, ignore_errors=True)


def _roll_back(root: Path, commit: Path, backup: Mapping[Path, bytes | None]) -> None:
    data, old = root / "data", commit / "old-data"
    if old.exists():
        shutil.rmtree(data, ignore_errors=True)
        _rename(old, data)
    for path, content in backup.items():
        _restore(path, content)
    shutil.rmtree(commit, ignore_errors=True)
