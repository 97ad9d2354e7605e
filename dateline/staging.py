"""All-or-nothing build output: built files are staged beside ``corpus/data``, checked there,
then swapped in together with the committed files (MANIFEST, stats, card, splits, folds).

A build that refuses (a check fails) or dies (an exception, a kill signal caught as
``KeyboardInterrupt``) before the swap leaves ``corpus/data`` and every committed file as they
were and no temporary folder behind. An exception *during* the swap is rolled back: the old
``data/`` folder is moved back and the old bytes of every committed file are restored.

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

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from dateline.schemas import atomic_write
from dateline.schemas.io import make_dirs
from dateline.schemas.oserrors import os_error

__all__ = ["TEMP_PREFIX", "commit_build", "leftovers", "staged_data"]

TEMP_PREFIX = ".data."  # + random + ".tmp": matched by the ``.*.tmp`` line of .gitignore


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


def _temp_dir(corpus: Path, tag: str = "") -> Path:
    make_dirs(corpus)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{tag}", suffix=".tmp", dir=corpus))
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
        shutil.rmtree(tmp, ignore_errors=True)  # gone already after a swap


def _restore(path: Path, old: bytes | None) -> None:
    if old is None:
        if path.is_file():
            path.unlink()
        return
    with atomic_write(path) as f:
        f.write(old)


def commit_build(corpus: str | os.PathLike[str], staged: str | os.PathLike[str],
                 files: Mapping[Path, str]) -> None:
    """Make ``staged`` the new ``corpus/data`` and write ``files`` (path -> UTF-8 text), all
    or nothing: on an exception the old ``data/`` and the old bytes of every file come back.

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
    root, data = Path(corpus), Path(corpus) / "data"
    backup = {p: (p.read_bytes() if p.is_file() else None) for p in files}
    old: Path | None = None
    swapped = False
    try:
        if data.exists():
            old = _temp_dir(root, "old.")
            os.replace(data, old / "data")
        os.replace(staged, data)
        swapped = True
        for path, text in files.items():
            with atomic_write(path) as f:
                f.write(text.encode("utf-8"))
    except BaseException as exc:
        if swapped:
            shutil.rmtree(data, ignore_errors=True)
        if old is not None and (old / "data").exists():
            os.replace(old / "data", data)
        for path, content in backup.items():
            _restore(path, content)
        if isinstance(exc, OSError):
            raise os_error(exc, data, "replace") from exc
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
