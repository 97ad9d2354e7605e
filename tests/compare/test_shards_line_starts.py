"""The line offsets that --engine dask cuts a JSONL file by: exact for any block size, and
never stale when the file changes (they are kept by path, size and modification time)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dateline import shards
from dateline.shards import line_starts


@pytest.mark.parametrize("data", [b"", b"a", b"a\n", b"ab\ncd\ne", b"\n\n\nxyz\n" * 7])
def test_offsets_are_the_line_starts_for_any_block_size(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    expected = [0, *(i + 1 for i, b in enumerate(data) if b == 10)]
    if expected[-1] != len(data):
        expected.append(len(data))
    for block in (1, 2, 3, 5, 1 << 24):
        shards._STARTS.clear()  # read the file with this block size, not from the cache
        assert line_starts(str(path), block=block).tolist() == expected


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


def test_a_range_read_in_blocks_gives_the_lines_of_its_bytes(tmp_path: Path) -> None:
    """A shard's range is read a block at a time; its lines are those of the range's bytes,
    whatever the block size (lines longer than a block, CR LF across two blocks, no newline
    at the end), and of the bytes still there when the file is shorter than the range."""
    import random

    from dateline.shards import Part

    rng = random.Random(0)
    path = tmp_path / "x.jsonl"
    for _ in range(200):
        data = b"".join(rng.choice([b"a" * rng.randint(0, 12), b"", b"x\r"])
                        + rng.choice([b"\n", b"\r\n", b"\r"]) for _ in range(rng.randint(0, 8)))
        data += rng.choice([b"", b"tail"])
        path.write_bytes(data)
        start = rng.randint(0, len(data))
        end = rng.randint(start, len(data) + 5)  # past the size: the file was cut short
        for block in (1, 2, 3, 5, 1 << 22):
            assert list(Part(str(path), start, end)._lines(block)) == \
                data[start:end].splitlines(keepends=True)
