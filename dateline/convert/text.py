"""Reading the converters' input files: UTF-8 text, lines numbered from 1, CRLF read as LF.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = path.write_bytes(b"one\\r\\ntwo\\n")
>>> list(read_lines(path))
[(1, 'one'), (2, 'two')]
>>> read_text(path)
'one\\r\\ntwo\\n'
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from dateline.schemas import DatelineError

__all__ = ["input_files", "read_lines", "read_text"]


def read_text(path: Path) -> str:
    """The file's text exactly (line ends kept: stand-off offsets count them); a missing file
    is ``no-such-file``, bytes that are no UTF-8 ``invalid-utf8`` with the line.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"ok\\n\\xff")
    >>> read_text(path)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [invalid-utf8] ...a.txt:2: bytes b'\\xff' are no UTF-8...
    """
    if not path.is_file():
        raise DatelineError("no-such-file", f"{str(path)!r} does not exist or is no file",
                            where=str(path), exit_code=2)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode()
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DatelineError("invalid-utf8", f"bytes {data[exc.start:exc.start + 4]!r} are no "
                            "UTF-8", where=f"{path}:{line}",
                            fix="re-encode the file as UTF-8") from exc


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a text file, without line ends (``\\r\\n`` or ``\\n``).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"a\\r\\n\\r\\nb")
    >>> list(read_lines(path))
    [(1, 'a'), (2, ''), (3, 'b')]
    """
    lines = read_text(path).split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the end of the last line
    for n, line in enumerate(lines, 1):
        yield n, line.removesuffix("\r")


def input_files(inputs: Sequence[str | os.PathLike[str]], suffix: str) -> list[Path]:
    """The files named in ``inputs``, and those ending in ``suffix`` in the folders named;
    ``no-such-file`` for a missing path, ``convert-no-input`` when none is found.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "b.txt").write_text(""); _ = (d / "a.txt").write_text("")
    >>> [p.name for p in input_files([d], ".txt")]
    ['a.txt', 'b.txt']
    """
    out: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(p.glob(f"*{suffix}")))
        elif p.exists():
            out.append(p)
        else:
            raise DatelineError("no-such-file", f"{str(p)!r} does not exist", where=str(p),
                                exit_code=2)
    if not out:
        raise DatelineError("convert-no-input", f"no {suffix} file in the inputs",
                            where=", ".join(map(str, inputs)))
    return out
