"""JSON Lines reading and writing: streaming, exact round trips, located errors."""

import os
from pathlib import Path

import pytest

from dateline.schemas import DatelineError, Document, Mention, read_jsonl, write_jsonl
from dateline.schemas.jsonl import iter_records

VALID = Path(__file__).parent.parent / "data" / "valid"


def test_round_trip_is_byte_identical(tmp_path: Path) -> None:
    src = VALID / "examples.jsonl"
    out = tmp_path / "out.jsonl"
    write_jsonl(read_jsonl(src), out)
    assert out.read_bytes() == src.read_bytes()
    again = tmp_path / "again.jsonl"
    write_jsonl(read_jsonl(out), again)
    assert again.read_bytes() == out.read_bytes()


def test_json_file_reads_as_one_document() -> None:
    (doc,) = read_jsonl(VALID / "example.json")
    assert doc.id == "example-porto-verde"
    assert doc.quotes[1].content[1].text == "“and the city is ready too.”"


def test_reader_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    good = Document(id="a", text="x").model_dump_json()
    path.write_text(f"{good}\n{{\"id\": \"b\"}}\n", encoding="utf-8")
    docs = read_jsonl(path)
    assert next(docs).id == "a"
    with pytest.raises(DatelineError) as err:
        next(docs)
    assert err.value.code == "missing-field"
    assert f"{path}:2 b $.text" in str(err.value)
    assert "dateline validate" in str(err.value)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    line = Document(id="a", text="x").model_dump_json()
    other = line.replace('"a"', '"b"')
    path.write_bytes(b"\xef\xbb\xbf" + line.encode() + b"\r\n" + other.encode())
    assert [d.id for d in read_jsonl(path)] == ["a", "b"]


def test_non_utf8_is_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(Document(id="a", text="café").model_dump_json().encode("latin-1") + b"\n")
    (rec,) = iter_records(path)
    (inc,) = rec.incidents
    assert (inc.check, inc.line) == ("invalid-utf8", 1)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.touch()
    (rec,) = iter_records(path)
    assert rec.incidents[0].check == "empty-file"


def test_200_mb_line_is_reported_with_bounded_memory(tmp_path: Path) -> None:
    """A 200 MB line yields `line-too-long` and reading goes on with the next line."""
    path = tmp_path / "huge.jsonl"
    block = b"x" * (1 << 20)
    with open(path, "wb") as f:
        f.write(b'{"id": "huge", "text": "')
        for _ in range(200):
            f.write(block)
        f.write(b'"}\n')
        f.write(Document(id="after", text="ok").model_dump_json().encode() + b"\n")
    assert os.path.getsize(path) > 200 * (1 << 20)
    recs = list(iter_records(path, max_line_bytes=1 << 20))
    assert [r.incidents[0].check if r.incidents else r.doc.id for r in recs] == [
        "line-too-long", "after"]
    assert recs[0].line == 1 and recs[1].line == 2
    assert "209,715,2" in recs[0].incidents[0].message  # the size, reported


def test_write_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    write_jsonl([Document(id="a", text="x")], path)
    before = path.read_bytes()

    def broken():
        yield Document(id="b", text="y")
        raise RuntimeError("extractor crashed")

    with pytest.raises(RuntimeError):
        write_jsonl(broken(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.jsonl"]


def test_models_are_frozen_and_hashable() -> None:
    m = Mention(id="m", start=0, end=1, text="x", label="PERSON")
    with pytest.raises(ValueError):
        m.start = 3  # type: ignore[misc]
    assert hash(m) == hash(Mention(id="m", start=0, end=1, text="x", label="PERSON"))
