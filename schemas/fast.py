"""The fast read path: Documents decoded and type-checked in one pass by msgspec.

Why msgspec structs next to the pydantic model, and not a faster pydantic call: reading a
Document with ``Document.model_validate_json`` costs about six times a bare ``json.loads``
of the line, and scoring 20,000 documents a side spent two thirds of its time there.
``msgspec.json.Decoder`` decodes into typed structs and checks every type in the same pass,
for less than a ``json.loads``. The structs below mirror :mod:`dateline.schemas.model` field
for field (same names, types, defaults and refusal of unknown fields; a test holds them
equal), so the scorers and the validator's checks, which read attributes only, take either.

The guarantees stay those of :func:`dateline.schemas.read_jsonl`: a line the fast decoder
refuses, for any reason, is parsed again by the pydantic path, which gives the very incident
(check id, file, line, JSON path, message) it always gave. msgspec keeps the last of two equal
keys silently, so keys are counted: a line whose raw key count differs from its decoded one
goes to the pydantic path too, which names the duplicate. :func:`to_document` builds the
pydantic Document of a struct when a caller needs the model itself (writing, ``model_copy``).

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
>>> _ = path.write_text('{"id": "a", "text": "Hi."}\\n{"id": "b", "text": 3}\\n')
>>> docs = read_fast(path)
>>> doc = next(docs); doc.id, doc.layers.entities.status, type(to_document(doc)).__name__
('a', 'absent', 'Document')
>>> next(docs)
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [invalid-value] ...docs.jsonl:2 b $.text: ...
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import msgspec

from dateline.schemas.jsonl import (
    DEFAULT_MAX_LINE_BYTES,
    Record,
    decode_line,
    iter_records,
    lines,
    parse_document,
    raise_first,
)
from dateline.schemas.oserrors import os_error

if TYPE_CHECKING:  # the model is imported only to build one (to_document, a refused line)
    from dateline.schemas.model import Document

__all__ = ["AnyDocument", "FastDocument", "fast_lines", "parse_fast", "read_fast", "sharing",
           "to_document"]

OptStr = str | None


class _S(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """Base of the structs: immutable, unknown fields refused, no cycles (so gc=False)."""


# Every field is required (null where the model allows None) except the three the writer
# leaves out when they hold their default (``exclude_if`` in the model): so every key of a
# decoded line is known to be present, and counting them finds a duplicate (see _keys_ok). A
# line that leaves out another field goes to the pydantic path, which fills in the default.
class FastRegion(_S):
    """:class:`~dateline.schemas.Region`."""

    start: int
    end: int


class FastSpan(_S):
    """:class:`~dateline.schemas.Span`."""

    start: int
    end: int
    text: str


class FastMention(_S):
    """:class:`~dateline.schemas.Mention`."""

    id: str
    start: int
    end: int
    text: str
    label: str
    kind: OptStr
    entity: OptStr
    link: OptStr
    source_label: OptStr


class FastArgument(_S):
    """:class:`~dateline.schemas.Argument`."""

    role: str
    mention: OptStr
    span: FastSpan | None


class FastEvent(_S):
    """:class:`~dateline.schemas.Event`."""

    id: str
    trigger: FastSpan
    type: OptStr
    arguments: tuple[FastArgument, ...]
    attributes: dict[str, str]
    source_label: OptStr


class FastQuote(_S):
    """:class:`~dateline.schemas.Quote`."""

    id: str
    content: tuple[FastSpan, ...]
    cue: FastSpan | None
    speaker: OptStr
    speaker_span: FastSpan | None
    kind: str


class FastLayerInfo(_S):
    """:class:`~dateline.schemas.LayerInfo`."""

    status: str
    source: OptStr
    annotators: tuple[str, ...]
    guidelines: OptStr
    labels: tuple[str, ...]
    regions: tuple[FastRegion, ...] | None
    coverage: str = "exhaustive"
    not_annotated: tuple[str, ...] = ()


class FastLayers(_S):
    """:class:`~dateline.schemas.Layers`."""

    entities: FastLayerInfo
    events: FastLayerInfo
    quotes: FastLayerInfo


class FastMeta(_S, kw_only=True):
    """:class:`~dateline.schemas.Meta`."""

    title: OptStr
    publisher: OptStr
    url: OptStr
    published: OptStr
    language: str
    genre: OptStr
    collection: OptStr
    license: OptStr
    annotation_license: OptStr = None
    attribution: OptStr
    text_rule: OptStr = None
    sentences: tuple[FastRegion, ...] | None = None


class FastDocument(_S):
    """:class:`~dateline.schemas.Document`, as read by :func:`read_fast`.

    >>> from dateline.schemas import Document, dumps
    >>> doc = parse_fast(dumps(Document(id="d", text="Bo"))).doc
    >>> type(doc).__name__, doc.mention("m1"), doc.meta.language
    ('FastDocument', None, 'en')
    """

    id: str
    text: str
    meta: FastMeta
    entities: tuple[FastMention, ...]
    events: tuple[FastEvent, ...]
    quotes: tuple[FastQuote, ...]
    layers: FastLayers

    def mention(self, mention_id: str) -> FastMention | None:
        """Return the mention with this id, or None (as :meth:`Document.mention`)."""
        for m in self.entities:
            if m.id == mention_id:
                return m
        return None


# "Document" by name: the alias is built at import, and the structs are read without pydantic.
AnyDocument = Union["Document", FastDocument]
"""What the scorers and the validator's checks read: they use attributes only."""

_DECODER = msgspec.json.Decoder(FastDocument)
# JSON allows whitespace between a key and its colon; such a line is counted by the regex.
_SPACED_KEY = re.compile(r'"[ \t\r\n]+:')
_SPAN_KEYS = len(FastSpan.__struct_fields__)


_MENTION_KEYS = len(FastMention.__struct_fields__)
_FIXED_KEYS = 7 + 9 + 3 + 3 * 6  # document, meta (less the optional), layers, 3 layer infos


def _required_keys(doc: FastDocument) -> int:
    # Keys of the line when it holds each required field once (optional ones: _keys_ok).
    n = _FIXED_KEYS + len(doc.entities) * _MENTION_KEYS
    layers = doc.layers
    if layers.entities.regions or layers.events.regions or layers.quotes.regions:
        for info in (layers.entities, layers.events, layers.quotes):
            if info.regions:
                n += 2 * len(info.regions)
    if not doc.events and not doc.quotes:
        return n
    for e in doc.events:
        n += 6 + _SPAN_KEYS + len(e.attributes)
        for a in e.arguments:
            n += 3 + (_SPAN_KEYS if a.span is not None else 0)
    for q in doc.quotes:
        n += 6 + _SPAN_KEYS * (len(q.content) + (q.cue is not None)
                               + (q.speaker_span is not None))
    return n


def _fields_present(doc: FastDocument) -> int:
    """The fields of the decoded structs that the line holds: the required ones and the
    optional ones not at their default (the writer leaves those out).

    Let K be the keys of the line and S the colons inside its strings: its count of ``:`` is
    K + S (JSON has no other colon), and K >= this number (each of these fields occurs). So
    a count of ``:`` equal to it means K is exactly it (no duplicate key, no optional field
    written at its default) and S = 0: no key is named twice. The count is the same in the
    line's bytes (a ``:`` byte is a colon in UTF-8)."""
    layers = doc.layers
    le, lv, lq = layers.entities, layers.events, layers.quotes
    return (_required_keys(doc) + (le.coverage != "exhaustive") + (lv.coverage != "exhaustive")
            + (lq.coverage != "exhaustive") + bool(le.not_annotated)
            + bool(lv.not_annotated) + bool(lq.not_annotated)
            + (doc.meta.annotation_license is not None))


def _keys_ok(raw: str, doc: FastDocument) -> bool:
    """Whether the line names no key twice in one object.

    Every key ends in ``"`` and ``:`` (whitespace between them is counted by a regex); the
    only other places ``":`` occurs are inside strings. So the count is at least the number
    of keys, and it equals the number of fields of the decoded structs only when each key
    occurs once and no string hides a match: every required field is present (the decoder
    checked), and each optional one is written exactly where it differs from its default
    (as the writer does), so it occurs once in the objects where its value says it is there,
    and nowhere else. Any other line, duplicate or not, goes to the exact check of the
    pydantic path."""
    layers = doc.layers
    infos = (layers.entities, layers.events, layers.quotes)
    # The common case in one count (see _fields_present).
    required = _required_keys(doc)
    present = _fields_present(doc) - required
    colons = raw.count(":")
    if colons == required + present:
        return True
    # Colons inside strings (a URL, a time in the text). Let W be the keys spaced from their
    # colon and P the '":' inside strings (P <= S: each holds one of them). Then
    # n = K - W + P; equal to count(":"), it gives W = 0 and S = P; equal to the fields
    # present too, it leaves no room for a duplicate or a '":' inside a string.
    n = raw.count('":')
    if n == required + present and colons == n:
        return True
    coverage = raw.count('"coverage":')
    if coverage != sum(1 for i in infos if i.coverage != "exhaustive"):
        return False
    not_annotated = raw.count('"not_annotated":')
    if not_annotated != sum(1 for i in infos if i.not_annotated):
        return False
    licence = raw.count('"annotation_license":')
    if licence != (doc.meta.annotation_license is not None):
        return False
    if _SPACED_KEY.search(raw) is not None:
        n += len(_SPACED_KEY.findall(raw))
    return n == required + coverage + not_annotated + licence


def parse_fast(raw: bytes | str, *, file: str = "<string>", line: int | None = None) -> Record:
    """Parse one JSON document into a :class:`FastDocument`; anything the fast decoder does
    not accept as it stands is parsed by :func:`~dateline.schemas.jsonl.parse_document`
    (pydantic), so problems are the same incidents as there.

    >>> parse_fast('{"id": "d", "text": "x"}').doc.text
    'x'
    >>> [(i.check, i.path) for i in parse_fast('{"id": "d", "text": "x", "text": "y"}').incidents]
    [('duplicate-key', '$.text')]
    """
    try:
        doc = _DECODER.decode(raw)
        if _keys_ok(raw if isinstance(raw, str) else raw.decode("utf-8"), doc):
            return Record(file, line, doc, doc.id)
    except (msgspec.MsgspecError, RecursionError, UnicodeDecodeError):
        pass
    rec = parse_document(raw, file=file, line=line)
    if rec.doc is not None:  # accepted by the model after all: keep its values
        rec.doc = msgspec.convert(rec.doc.model_dump(), FastDocument)
    return rec


def read_fast(path: str | os.PathLike[str], *,
              max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[FastDocument]:
    """Yield the documents of a ``.jsonl`` (or ``.json``) file as :class:`FastDocument`;
    raise at the first bad line with the code, place and message of
    :func:`~dateline.schemas.read_jsonl`.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = path.write_text('{"id": "a", "text": "Hi."}\\n')
    >>> [d.text for d in read_fast(path)]
    ['Hi.']
    """
    if Path(path).suffix == ".json":
        yield from raise_first(iter_records(path, max_line_bytes=max_line_bytes,
                                            parse=parse_fast), path)
        return
    try:
        yield from fast_lines(lines(path, max_line_bytes=max_line_bytes), str(path))
    except OSError as exc:  # a folder, a missing file, ...: coded, naming the path
        raise os_error(exc, path, "read") from exc


def fast_lines(numbered: Iterable[tuple[int | None, bytes | Record]], name: str
               ) -> Iterator[FastDocument]:
    """The documents of numbered JSONL lines (as :func:`~dateline.schemas.jsonl.lines` or
    :func:`~dateline.schemas.jsonl.read_lines` give them) of the file ``name``; raise at the
    first bad line as :func:`read_fast` does (it reads a whole file with this loop; a shard
    reads its range of lines).

    >>> [d.id for d in fast_lines([(1, b'{"id": "a", "text": "x"}\\n')], "d.jsonl")]
    ['a']
    >>> next(fast_lines([(7, b'{"id": "a"}')], "d.jsonl"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [missing-field] d.jsonl:7 a $.text: ...
    """
    # The loop of iter_records and raise_first, with the common line (decoded by msgspec from
    # its bytes, its keys counted) taking no detour: msgspec checks the UTF-8 of the bytes as
    # the reference does (an encoded surrogate, an overlong form and a bad byte are refused),
    # so a line it accepts is one the reference reads. Any other line is read as there.
    decode = _DECODER.decode
    for lineno, chunk in numbered:
        if not isinstance(chunk, Record):
            try:
                doc = decode(chunk)
                if (chunk.count(b":") == _fields_present(doc)
                        or _keys_ok(chunk.decode("utf-8"), doc)):
                    yield doc
                    continue
            except (msgspec.MsgspecError, RecursionError, UnicodeDecodeError):
                pass
            chunk = decode_line(chunk, name, lineno, parse_fast)
        yield from raise_first(iter((chunk,)), name)


def sharing(texts: Mapping[str, str] | None = None) -> Callable[[AnyDocument], AnyDocument]:
    """A function that makes a document hold its repeated values once (and returns it), for a
    collection kept in memory (apply it to each document as it is read): equal ``meta`` and
    ``layers`` (most documents of a file have the same), item ids and labels (``m1``,
    ``PERSON``, ... in every document). With ``texts`` (id -> text, e.g. of the gold
    documents), a document whose text is equal to its entry's takes that string, so gold and
    predictions hold one copy. The values set are equal to those they replace, so nothing can
    tell a shared value from a copy; a pydantic Document is returned as it is.

    >>> a, b = (parse_fast('{"id": "%s", "text": "Hi."}' % i).doc for i in "ab")
    >>> share = sharing({"a": "Hi."})
    >>> x, y = share(a), share(b)
    >>> x == a and y == b, x.layers is y.layers
    (True, True)
    """
    seen: dict[Any, Any] = {}
    keep = seen.setdefault
    # In place: a struct just decoded is held by no one else, and every value set is equal
    # to the one it replaces (about a fifth of the time of building new structs).
    put = msgspec.structs.force_setattr
    intern = sys.intern
    known = texts or {}

    def share(doc: AnyDocument) -> AnyDocument:
        if not isinstance(doc, FastDocument):
            return doc
        for m in doc.entities:
            put(m, "id", intern(m.id))
            put(m, "label", intern(m.label))
        text = known.get(doc.id)
        if text is not None and text == doc.text:
            put(doc, "text", text)
        put(doc, "meta", keep(doc.meta, doc.meta))
        put(doc, "layers", keep(doc.layers, doc.layers))
        return doc

    return share


def to_document(doc: FastDocument | Document) -> Document:
    """The pydantic :class:`~dateline.schemas.Document` of a struct (built on demand; a
    Document is returned as it is).

    >>> fast = parse_fast('{"id": "d", "text": "x"}').doc
    >>> to_document(fast).model_dump()["layers"]["quotes"]["status"]
    'absent'
    """
    from dateline.schemas.model import Document

    if isinstance(doc, Document):
        return doc
    return Document.model_validate(msgspec.to_builtins(doc))
