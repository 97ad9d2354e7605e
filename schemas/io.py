"""Atomic file writes: a reader never sees half a file, and a failed write leaves the old one.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_write(path) as f:
...     _ = f.write(b"hello")
>>> path.read_bytes()
b'hello'
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from dateline.schemas.errors import DatelineError
from dateline.schemas.oserrors import os_error

__all__ = ["atomic_write", "atomic_write_text", "make_dirs", "new_file_mode"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(path: str | os.PathLike[str]) -> int:
    """The permissions a plain ``open(path, "w")`` would leave: those of the file it replaces,
    else ``0o666`` less the umask (``mkstemp`` alone would give ``0o600``).

    >>> import os, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "new.txt"
    >>> old = os.umask(0o022)
    >>> oct(new_file_mode(path))
    '0o644'
    >>> _ = path.write_text("x"); path.chmod(0o600); _ = os.umask(old)
    >>> oct(new_file_mode(path))
    '0o600'
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def make_dirs(path: str | os.PathLike[str]) -> Path:
    """Make the folder ``path`` and its parents (none is an error when present); a coded
    error when a part of it is a file, or the system refuses.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> make_dirs(folder / "a" / "b").is_dir()
    True
    >>> _ = (folder / "file").write_text("x")
    >>> make_dirs(folder / "file" / "c")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [not-a-directory] .../file/c: cannot create the folder...
    """
    target = Path(path)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:  # exist_ok: a file is in the way
        raise DatelineError("not-a-directory", "cannot create the folder: a part of the path "
                            "is a file", where=str(target),
                            fix="remove that file, or choose another folder") from exc
    except OSError as exc:
        raise os_error(exc, target, "create the folder") from exc
    return target


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temp file beside ``path`` for binary writing; rename it over ``path`` on success.

    The file gets the permissions a plain ``open()`` would give it (:func:`new_file_mode`).
    An operating-system error (a full disk, a read-only mount, ``path`` a folder, ...) is
    raised as a coded :class:`~dateline.schemas.DatelineError` naming ``path``. Any error
    inside the block leaves the old file as it was, and no temp file behind:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> _ = path.write_text("old")
    >>> with atomic_write(path) as f:
    ...     _ = f.write(b"half")
    ...     raise ValueError("stopped half-way")
    Traceback (most recent call last):
    ValueError: stopped half-way
    >>> path.read_text(), [p.name for p in path.parent.iterdir()]
    ('old', ['out.txt'])
    >>> with atomic_write(path.parent) as f:
    ...     _ = f.write(b"x")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [is-a-directory] ...: cannot write: is a directory...
    """
    target = Path(path)
    if target.parent.exists() and not target.parent.is_dir():
        raise DatelineError("not-a-directory", f"cannot write: {target.parent} is a file, not "
                            "a folder", where=str(target),
                            fix="choose a path in a folder, or remove that file")
    make_dirs(target.parent)
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise os_error(exc, target, "write") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), new_file_mode(target))
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename not in (None, tmp):  # raised about another file, inside the block
            raise os_error(exc) from exc
        raise os_error(exc, target, "write") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (missing folders are made).

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "new" / "note.txt"
    >>> atomic_write_text(path, "naïve")
    >>> path.read_bytes()
    b'na\\xc3\\xafve'
    """
    with atomic_write(path) as f:
        f.write(text.encode("utf-8"))
