"""Documents as JSON Lines: one Document per line, UTF-8, streamed.

``read_jsonl`` yields Documents and raises a coded :class:`DatelineError` naming file and line
at the first problem; :func:`iter_records` is the tolerant form the validator uses: it never
raises for bad content and reports each problem as an :class:`Incident`.

>>> import pathlib, tempfile
>>> from dateline.schemas import Document
>>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
>>> write_jsonl([Document(id="a", text="Hi."), Document(id="b", text="Yo.")], path)
2
>>> [d.id for d in read_jsonl(path)]
['a', 'b']
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dateline.schemas.errors import DatelineError, Incident, quote_value
from dateline.schemas.io import atomic_write
from dateline.schemas.oserrors import os_error

if TYPE_CHECKING:  # pydantic and the model are imported by the first line parsed with them
    from pydantic import ValidationError

    from dateline.schemas.model import Document

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "Record",
    "decode_line",
    "dumps",
    "duplicate_key",
    "iter_records",
    "lines",
    "parse_document",
    "raise_first",
    "read_documents",
    "read_jsonl",
    "read_lines",
    "write_jsonl",
]

DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


@dataclass
class Record:
    """One line of a JSONL file (or one ``.json`` file): the Document, or why there is none.

    >>> rec = parse_document('{"id": "d"}', file="a.jsonl", line=3)
    >>> rec.doc, rec.doc_id, [(i.check, i.location()) for i in rec.incidents]
    (None, 'd', [('missing-field', 'a.jsonl:3 d $.text')])
    """

    file: str
    line: int | None
    doc: Any  # a Document (a FastDocument on the fast path), or None
    doc_id: str | None = None
    incidents: list[Incident] = field(default_factory=list)


def dumps(doc: Document) -> str:
    """One Document as one line of JSON (every field written, non-ASCII kept as UTF-8).

    >>> from dateline.schemas import Document
    >>> dumps(Document(id="a", text="é"))[:30]
    '{"id":"a","text":"é","meta":{"'
    """
    return doc.model_dump_json()


def write_jsonl(docs: Iterable[Document], path: str | os.PathLike[str]) -> int:
    """Write Documents to ``path`` atomically, one per line; return how many were written.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> from dateline.schemas import Document
    >>> write_jsonl([Document(id="a", text="Hi.")], path)
    1
    >>> path.read_text("utf-8").count("\\n")
    1
    """
    n = 0
    with atomic_write(path) as f:
        for doc in docs:
            f.write(dumps(doc).encode("utf-8"))
            f.write(b"\n")
            n += 1
    return n


def _json_path(loc: tuple[int | str, ...]) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _raw_id(raw: bytes | str) -> str | None:
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can go
        return None
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return obj["id"]
    return None


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _schema_incidents(exc: ValidationError, file: str, line: int | None,
                      doc_id: str | None, raw: str | None = None) -> list[Incident]:
    out = []
    for err in exc.errors(include_url=False):
        loc: tuple[Any, ...] = tuple(err["loc"])
        path = _json_path(loc)
        kind = err["type"]
        name = loc[-1] if loc else None
        if kind == "json_invalid":
            check = "invalid-json"
            detail = err["msg"].removeprefix("Invalid JSON: ")
            if line is not None:  # one line per document: the line is known, give the column
                detail = detail.replace(" at line 1 column ", " at column ")
            message = (f"not valid JSON ({detail}); "
                       "write exactly one JSON object per line")
            if "hex escape" in detail and raw is not None and _SURROGATE.search(raw):
                message = (f"not valid JSON ({detail}): a \\uD800-\\uDFFF escape that is not "
                           "half of a surrogate pair stands for no character; write the "
                           "character itself (or both halves of its pair)")
            path = None
        elif kind == "missing":
            check = "missing-field"
            message = f"required field {name!r} is missing; add it"
        elif kind == "extra_forbidden":
            check = "unknown-field"
            message = (f"unknown field {name!r} = {quote_value(err['input'])}; remove it or "
                       "correct its name (see schemas/document.schema.json)")
        else:
            check = "invalid-value"
            message = (f"{err['msg'].lower()}, got {quote_value(err['input'])}; "
                       "see schemas/document.schema.json for the expected type")
        out.append(Incident(1, check, message, file, line, doc_id, path))
    return out


def parse_document(raw: bytes | str, *, file: str = "<string>",
                   line: int | None = None) -> Record:
    """Parse one JSON document; schema problems become level-1 incidents.

    >>> rec = parse_document('{"id": "d", "text": "x", "colour": 1}')
    >>> [(i.check, i.path) for i in rec.incidents]
    [('unknown-field', '$.colour')]
    """
    from pydantic import ValidationError

    from dateline.schemas.model import Document

    try:
        doc = Document.model_validate_json(raw)
    except ValidationError as exc:
        doc_id = _raw_id(raw)
        text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        return Record(file, line, None, doc_id,
                      _schema_incidents(exc, file, line, doc_id, text))
    duplicate = duplicate_key(raw)
    if duplicate is not None:
        path, key = duplicate
        return Record(file, line, None, doc.id, [Incident(
            1, "duplicate-key", f"key {key!r} appears twice in one object (JSON keeps only the "
            "last, silently); keep one", file, line, doc.id, path)])
    return Record(file, line, doc, doc.id)


class _Twice(dict):  # type: ignore[type-arg]
    """A JSON object in which ``key`` appeared more than once."""

    key: str


def _pairs_hook(found: list[_Twice]) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        twice = _Twice(obj)
        keys = [k for k, _ in pairs]
        twice.key = next(k for i, k in enumerate(keys) if k in keys[:i])
        found.append(twice)
        return twice
    return hook


def _find_twice(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, _Twice):
        return f"{path}.{value.key}", value.key
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        found = _find_twice(v, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}")
        if found is not None:
            return found
    return None


def duplicate_key(raw: bytes | str) -> tuple[str, str] | None:
    """The JSON path and name of the first key named twice in one object, or None.

    >>> duplicate_key('{"id": "a", "meta": {"genre": "news", "genre": "blog"}}')
    ('$.meta.genre', 'genre')
    >>> duplicate_key('{"id": "a", "id": "b"}'), duplicate_key('{"id": "a"}')
    (('$.id', 'id'), None)
    """
    found: list[_Twice] = []
    try:
        obj = json.loads(raw, object_pairs_hook=_pairs_hook(found))
    except (ValueError, RecursionError):
        return None
    return _find_twice(obj, "$") if found else None


def _incident(check: str, message: str, file: str, line: int | None) -> Record:
    return Record(file, line, None, None, [Incident(1, check, message, file, line)])


Parser = Callable[..., Record]
"""``parse(raw, file=..., line=...) -> Record``: :func:`parse_document` or the fast path's."""


def iter_records(path: str | os.PathLike[str], *,
                 max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
                 parse: Parser = parse_document) -> Iterator[Record]:
    """Yield one Record per line of a ``.jsonl`` file, or one for a ``.json`` file.

    Never raises on bad content: invalid UTF-8, invalid JSON, blank lines, lines longer than
    ``max_line_bytes`` and empty files are reported as level-1 incidents. Memory stays bounded
    by ``max_line_bytes`` whatever the line length. ``parse`` parses one document
    (default :func:`parse_document`).

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = path.write_text('{"id": "a", "text": "Hi."}\\n\\n{"id": "b"', encoding="utf-8")
    >>> [(r.line, r.doc_id, [i.check for i in r.incidents]) for r in iter_records(path)]
    [(1, 'a', []), (2, None, ['blank-line']), (3, None, ['invalid-json'])]
    """
    name = str(path)
    if Path(path).suffix == ".json":
        yield from _iter_json_file(name, max_line_bytes, parse)
        return
    for lineno, chunk in lines(path, max_line_bytes=max_line_bytes):
        yield chunk if isinstance(chunk, Record) else _decode_and_parse(chunk, name, lineno,
                                                                        parse)


def lines(path: str | os.PathLike[str], *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
          ) -> Iterator[tuple[int | None, bytes | Record]]:
    """The lines of a ``.jsonl`` file as ``(number, bytes)`` (a first line's byte-order mark
    left out, the newline kept), with a :class:`Record` of its incident in place of the bytes
    of a line longer than ``max_line_bytes`` (and for an empty file): the reading part of
    :func:`iter_records`, for a caller that parses lines its own way first.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = path.write_bytes(b'\\xef\\xbb\\xbf{"id": "a"}\\n{}')
    >>> list(lines(path))
    [(1, b'{"id": "a"}\\n'), (2, b'{}')]
    """
    name = str(path)
    # A 1 MiB buffer: with the default 8 KiB, readline refills every few lines (half the
    # time of reading a file of 20,000 documents).
    with open(path, "rb", buffering=1 << 20) as f:
        lineno = 0
        for lineno, chunk in read_lines(f, name, max_line_bytes=max_line_bytes):
            yield lineno, chunk
        if lineno == 0:
            yield None, _incident("empty-file",
                                  "the file holds no document; remove it or add documents",
                                  name, None)


def read_lines(f: BinaryIO, name: str, *, first: int = 1, limit: int | None = None,
               max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
               ) -> Iterator[tuple[int, bytes | Record]]:
    """The lines of an open JSONL file from where it stands, as :func:`lines` gives them
    (numbered from ``first``; a byte-order mark left out of line 1; a line longer than
    ``max_line_bytes`` replaced by the Record of its ``line-too-long`` incident), reading at
    most ``limit`` bytes: the range of lines a shard of the file holds.

    >>> import io
    >>> list(read_lines(io.BytesIO(b'{"id": "a"}\\n{"id": "b"}\\n'), "d.jsonl", limit=12))
    [(1, b'{"id": "a"}\\n')]
    >>> [r.incidents[0].check for _, r in read_lines(io.BytesIO(b"x" * 9), "d.jsonl",
    ...                                               max_line_bytes=8)]
    ['line-too-long']
    """
    lineno, left = first - 1, limit

    def read(size: int) -> bytes:
        nonlocal left
        chunk = f.readline(size if left is None else min(size, left))
        if left is not None:
            left -= len(chunk)
        return chunk

    while left is None or left > 0:
        chunk = read(max_line_bytes + 1)
        if not chunk:
            break
        lineno += 1
        if lineno == 1 and chunk.startswith(_BOM):
            chunk = chunk[len(_BOM):]
        if len(chunk) > max_line_bytes and len(chunk.rstrip(b"\r\n")) > max_line_bytes:
            size = len(chunk)
            while not chunk.endswith(b"\n") and (chunk := read(1 << 20)):
                size += len(chunk)
            yield lineno, _incident(
                "line-too-long",
                f"line is {size:,} bytes, over the limit of {max_line_bytes:,}; split the "
                "document, or raise the limit (--max-line-bytes) if it is meant to be this big",
                name, lineno)
            continue
        yield lineno, chunk


def _decode_and_parse(chunk: bytes, name: str, lineno: int | None, parse: Parser) -> Record:
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = chunk[exc.start:exc.start + 4]
        return _incident(
            "invalid-utf8",
            f"byte {exc.start} is not UTF-8 (bytes {bad!r}); re-encode the file as UTF-8",
            name, lineno)
    if lineno is not None:
        text = text.rstrip("\r\n")
    if not text.strip():
        if lineno is None:
            return _incident("empty-file", "the file holds no document; remove it or add one",
                             name, None)
        return _incident("blank-line",
                         "blank line; remove it (JSON Lines has one document on every line)",
                         name, lineno)
    return parse(text, file=name, line=lineno)


def decode_line(chunk: bytes, file: str, line: int | None,
                parse: Parser = parse_document) -> Record:
    """One line's bytes (its newline included or not) as a Record: UTF-8 decoded, blank lines
    and invalid UTF-8 reported as :func:`iter_records` reports them, then ``parse``\\d.

    >>> [i.check for i in decode_line(b"\\n", "f.jsonl", 4).incidents]
    ['blank-line']
    """
    return _decode_and_parse(chunk, file, line, parse)


def _iter_json_file(name: str, max_bytes: int, parse: Parser) -> Iterator[Record]:
    size = os.path.getsize(name)
    if size > max_bytes:
        yield _incident("line-too-long",
                        f"file is {size:,} bytes, over the limit of {max_bytes:,}; raise the "
                        "limit (--max-line-bytes) if it is meant to be this big", name, None)
        return
    with open(name, "rb") as f:
        data = f.read()
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    yield _decode_and_parse(data, name, None, parse)


def read_jsonl(path: str | os.PathLike[str], *,
               max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[Document]:
    """Yield the Documents of a ``.jsonl`` (or ``.json``) file; raise at the first bad line.

    Only level-1 problems (syntax and schema) stop reading; run the validator for the rest.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = path.write_text('{"id": "a", "text": "Hi."}\\n{"id": "b"}\\n', encoding="utf-8")
    >>> docs = read_jsonl(path)
    >>> next(docs).id
    'a'
    >>> next(docs)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [missing-field] ...docs.jsonl:2 b $.text: ...
    >>> next(read_jsonl(path.parent))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [is-a-directory] ...: cannot read: is a directory...
    """
    return raise_first(iter_records(path, max_line_bytes=max_line_bytes), path)


def raise_first(records: Iterator[Record], path: str | os.PathLike[str]) -> Iterator[Any]:
    """The documents of ``records``; a coded :class:`DatelineError` at the first record
    without one (its first incident, with file and line), or for an OS error reading ``path``.

    >>> next(raise_first(iter([Record("f.jsonl", 2, None, None, [Incident(
    ...     1, "blank-line", "blank line", "f.jsonl", 2)])]), "f.jsonl"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [blank-line] f.jsonl:2: blank line. Fix: ...
    """
    while True:
        try:
            rec = next(records, None)
        except OSError as exc:  # a folder, a missing file, ...: coded, naming the path
            raise os_error(exc, path, "read") from exc
        if rec is None:
            return
        if rec.doc is None:
            first = rec.incidents[0]
            where = first.location()
            raise DatelineError(first.check, first.message, where=where,
                                fix=f"run `dateline validate {path}` to list every problem")
        yield rec.doc


def read_documents(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]
                   ) -> Iterator[Document]:
    """Yield the Documents of several files in order (``.jsonl`` or ``.json``); one path
    alone is one file (never its characters).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> from dateline.schemas import Document
    >>> write_jsonl([Document(id="a", text="Hi.")], folder / "a.jsonl")
    1
    >>> _ = (folder / "b.json").write_text('{"id": "b", "text": "Yo."}', encoding="utf-8")
    >>> [d.id for d in read_documents([folder / "a.jsonl", folder / "b.json"])]
    ['a', 'b']
    >>> [d.id for d in read_documents(str(folder / "b.json"))]
    ['b']
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        yield from read_jsonl(path)
