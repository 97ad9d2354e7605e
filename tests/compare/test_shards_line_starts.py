"""The line offsets that --engine dask|processes cut a JSONL file by: exact for short lines
(numpy's comparison of every byte) and long ones (a search from newline to newline), and
never stale when the file changes (they are kept by path, size and modification time)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dateline import shards
from dateline.shards import line_starts

LONG = b"x" * 700  # one newline in more than 512 bytes: the search from newline to newline


@pytest.mark.parametrize("data", [b"", b"a", b"a\n", b"ab\ncd\ne", b"\n\n\nxyz\n" * 7,
                                  LONG, LONG + b"\n", (LONG + b"\n") * 5 + b"\n" + LONG,
                                  b"\n" + (LONG + b"\n") * 3])
def test_offsets_are_the_line_starts(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    expected = [0, *(i + 1 for i, b in enumerate(data) if b == 10)]
    if expected[-1] != len(data):
        expected.append(len(data))
    shards._STARTS.clear()
    assert line_starts(str(path)).tolist() == expected


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"a\nb\n")
    assert line_starts(str(path)).tolist() == [0, 2, 4]
    path.write_bytes(b"aa\nbb\ncc\n")
    os.utime(path, ns=(1, 1))  # a new size and modification time
    assert line_starts(str(path)).tolist() == [0, 3, 6, 9]
    path.write_bytes(b"ab\ncd\nef\n")  # the same size: the modification time tells
    os.utime(path, ns=(2, 2))
    assert line_starts(str(path)).tolist() == [0, 3, 6, 9]
    path.write_bytes(b"abcdefgh\n")
    os.utime(path, ns=(3, 3))
    assert line_starts(str(path)).tolist() == [0, 9]


def test_every_range_of_line_starts_reads_the_documents_of_its_lines(tmp_path: Path) -> None:
    """A shard reads the lines of its byte range one at a time, ended by b"\\n" alone (a
    "\\r" between JSON tokens is whitespace; CR LF ends a line as the whole file's reader
    ends it): any range of line starts gives the documents of those lines, in order."""
    import random

    from dateline.shards import Part

    rng = random.Random(0)
    lines = [(f'{{"id": "d{i}",{rng.choice([" ", chr(13), ""])}"text": '
              f'"{"x" * rng.randint(1, 40)}"}}' + rng.choice(["\n", "\r\n"])).encode()
             for i in range(30)]
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"".join(lines))
    starts = line_starts(str(path)).tolist()
    for _ in range(100):
        i = rng.randint(0, len(lines) - 1)
        j = rng.randint(i + 1, len(lines))
        ids = [d.id for d in Part(str(path), starts[i], starts[j], i + 1).documents()]
        assert ids == [f"d{k}" for k in range(i, j)]


def test_a_line_over_the_limit_is_refused_in_a_shard_as_in_memory(tmp_path: Path) -> None:
    """A shard refuses a line longer than the reader's limit (64 MiB) with the whole file's
    ``line-too-long`` error, the same message, not by reading it whole."""
    from dateline.columnar import iter_documents
    from dateline.schemas import DatelineError
    from dateline.schemas.jsonl import DEFAULT_MAX_LINE_BYTES
    from dateline.shards import Part

    path = tmp_path / "x.jsonl"
    with open(path, "wb") as f:
        f.write(b'{"id": "a", "text": "x"}\n{"id": "b", "text": "')
        f.write(b"x" * DEFAULT_MAX_LINE_BYTES)
        f.write(b'"}\n{"id": "c", "text": "x"}\n')
    starts = line_starts(str(path)).tolist()
    with pytest.raises(DatelineError) as whole:
        list(iter_documents(str(path)))
    with pytest.raises(DatelineError) as part:
        list(Part(str(path), starts[1], starts[3], 2).documents())
    assert whole.value.code == part.value.code == "line-too-long"
    assert str(part.value) == str(whole.value)
    assert [d.id for d in Part(str(path), starts[2], starts[3], 3).documents()] == ["c"]
