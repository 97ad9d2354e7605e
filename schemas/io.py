"""Atomic file writes: a reader never sees half a file, and a failed write leaves the old one.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_write(path) as f:
...     _ = f.write(b"hello")
>>> path.read_bytes()
b'hello'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write", "atomic_write_text"]


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temp file beside ``path`` for binary writing; rename it over ``path`` on success.

    An error inside the block leaves the old file as it was, and no temp file behind:

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
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
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
