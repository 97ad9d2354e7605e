"""The fast read path (msgspec structs) accepts exactly what the pydantic model accepts, gives
the same values, and refuses with the same incidents (code, file, line, JSON path, message)."""

import json
from pathlib import Path

import pytest

from dateline.schemas import DatelineError, check_document, read_jsonl
from dateline.schemas import model as m
from dateline.schemas.fast import (
    FastArgument,
    FastDocument,
    FastEvent,
    FastLayerInfo,
    FastLayers,
    FastMention,
    FastMeta,
    FastQuote,
    FastRegion,
    FastSpan,
    parse_fast,
    read_fast,
    to_document,
)
from dateline.schemas.jsonl import dumps, iter_records, parse_document

DATA = Path(__file__).parent.parent / "data"
PAIRS = [(m.Region, FastRegion), (m.Span, FastSpan), (m.Mention, FastMention),
         (m.Argument, FastArgument), (m.Event, FastEvent), (m.Quote, FastQuote),
         (m.LayerInfo, FastLayerInfo), (m.Layers, FastLayers), (m.Meta, FastMeta),
         (m.Document, FastDocument)]


@pytest.mark.parametrize(("model", "struct"), PAIRS, ids=lambda x: x.__name__)
def test_structs_mirror_the_model(model, struct) -> None:
    assert struct.__struct_fields__ == tuple(model.model_fields)
    # Optional in the struct: exactly the fields the writer leaves out at their default.
    optional = dict(zip(struct.__struct_fields__[len(struct.__struct_fields__)
                                                  - len(struct.__struct_defaults__):],
                        struct.__struct_defaults__, strict=True))
    if struct is FastMeta:  # keyword-only: its defaults are read from the encoder
        optional = {"annotation_license": None, "text_rule": None, "sentences": None}
    excluded = {name for name, f in model.model_fields.items() if f.exclude_if is not None}
    assert set(optional) == excluded
    for name, default in optional.items():
        assert model.model_fields[name].get_default(call_default_factory=True) == default


def _same(raw: str) -> None:
    slow = parse_document(raw, file="f.jsonl", line=3)
    fast = parse_fast(raw, file="f.jsonl", line=3)
    assert fast.incidents == slow.incidents
    assert fast.doc_id == slow.doc_id
    if slow.doc is None:
        assert fast.doc is None
    else:
        assert isinstance(fast.doc, FastDocument)
        assert to_document(fast.doc) == slow.doc


def _valid_lines() -> list[str]:
    return [dumps(d) for d in read_jsonl(DATA / "valid" / "examples.jsonl")]


def test_valid_documents_read_the_same() -> None:
    lines = _valid_lines()
    assert lines
    for line in lines:
        _same(line)
        assert _fast_path_taken(line)


def _fast_path_taken(raw: str) -> bool:
    from dateline.schemas.fast import _DECODER, _keys_ok
    return _keys_ok(raw, _DECODER.decode(raw))


def test_every_key_named_twice_is_found() -> None:
    """A key repeated anywhere (each object, each field) is the pydantic path's
    duplicate-key incident, never a silently kept last value."""
    for line in _valid_lines()[:3]:
        obj = json.loads(line)
        for path, parent, key in _objects(obj, "$"):
            raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            # repeat the key by writing its object again with the key twice
            twice = _with_repeated(obj, parent, key)
            rec = parse_fast(twice, file="f.jsonl", line=1)
            assert [i.check for i in rec.incidents] == ["duplicate-key"], (path, key)
            _same(twice)
            assert parse_fast(raw).doc is not None


def _objects(value, path):
    if isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.{k}", value, k
            yield from _objects(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _objects(v, f"{path}[{i}]")


class _Twice:
    def __init__(self, obj, key) -> None:
        self.obj, self.key = obj, key


def _with_repeated(root, parent, key) -> str:
    def enc(v) -> str:
        if isinstance(v, dict):
            items = [f"{json.dumps(k)}:{enc(x)}" for k, x in v.items()]
            if v is parent:
                items.append(f"{json.dumps(key)}:{enc(v[key])}")
            return "{" + ",".join(items) + "}"
        if isinstance(v, list):
            return "[" + ",".join(enc(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)
    return enc(root)


TRICKY = [
    '{"id": "a", "text": "x"}',  # defaults left out: the pydantic path fills them in
    '{"id": "a", "text": "x", "meta": {"title": "T: \\"a\\": b"}}',
    '{"id" : "a", "text" :"x"}',
    '{"id": "a", "text": "x", "text" : "y"}',
    '{"id": "a", "text": "x\\u0022:", "id": "b"}',
    '{"id": "a", "text": "\\ud800"}',
    '{"id": "a", "text": "\\u0000 é \\ud83d\\ude00"}',
    '{"id": "a", "text": "x", "entities": [{"id": "m", "start": 99999999999999999999999, '
    '"end": 0, "text": "", "label": "A"}]}',
    '{"id": "a", "text": "x", "entities": [{"id": "m", "start": 1.0, "end": 0, "text": "", '
    '"label": "A"}]}',
    '{"id": "a", "text": "x", "entities": [{"id": "m", "start": true, "end": 0, "text": "", '
    '"label": "A"}]}',
    '{"id": "a", "text": "x", "meta": null}',
    '{"id": "a", "text": "x", "colour": 1}',
    '{"id": 1, "text": "x"}',
    '["a"]',
    '{"id": "a", "text": "x", "events": [{"id": "e", "trigger": {"start": 0, "end": 1, '
    '"text": "x"}, "attributes": {"tense": "past", "tense": "future"}}]}',
    '{"id": "a", "text": "x", "layers": {"entities": {"status": "gold", "coverage": '
    '"partial", "coverage": "exhaustive"}}}',
    '{"id": "a", "text": "x", "layers": {"entities": {"coverage": "exhaustive"}}}',
    '{"id":"a","text":"x","meta":{"title":null,"publisher":null,"url":null,"published":null,'
    '"language":"en","genre":null,"collection":null,"license":null,"attribution":null,'
    '"annotation_license":null},"entities":[],"events":[],"quotes":[],"layers":{'
    '"entities":{"status":"absent","source":null,"annotators":[],"guidelines":null,'
    '"labels":[],"regions":null},"events":{"status":"absent","source":null,"annotators":[],'
    '"guidelines":null,"labels":[],"regions":null},"quotes":{"status":"absent","source":null,'
    '"annotators":[],"guidelines":null,"labels":[],"regions":null}}}',
    '{"id": "a", "text": "x", "meta": {"language": "en", "language": "fr"}}',
    '{"id": "a"}',
    '{"id": "a", "text": "x"',
]


@pytest.mark.parametrize("raw", TRICKY)
def test_tricky_lines_read_the_same(raw: str) -> None:
    _same(raw)


def test_written_files_take_the_fast_path(tmp_path: Path) -> None:
    lines = _valid_lines()
    assert all(_fast_path_taken(line) for line in lines)
    doc = json.loads(TRICKY[-4])
    assert parse_fast(json.dumps(doc)).doc is not None  # spaced keys: counted


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "invalid").iterdir()
                                        if p.suffix in (".json", ".jsonl")))
def test_invalid_fixtures_refused_alike(name: str) -> None:
    path = DATA / "invalid" / name
    slow = list(iter_records(path))
    fast = list(iter_records(path, parse=parse_fast))
    assert [r.incidents for r in fast] == [r.incidents for r in slow]
    for s, f in zip(slow, fast, strict=True):
        assert (f.doc is None) == (s.doc is None)
        if s.doc is not None:  # the checks of levels 2-3 find the same on either
            assert check_document(f.doc) == check_document(s.doc)
    try:
        list(read_jsonl(path))
    except DatelineError as exc:
        with pytest.raises(DatelineError) as err:
            list(read_fast(path))
        assert str(err.value) == str(exc)
    else:
        assert [to_document(d) for d in read_fast(path)] == list(read_jsonl(path))


def test_key_counts_are_not_fooled() -> None:
    """The two-count shortcut of the key check: a spaced duplicate key, colons and '":'
    inside strings (which could make up for a missing count) are still found, or read
    alike."""
    line = _valid_lines()[0]
    assert line.startswith('{"id":') and ',"meta":{"title":' in line
    variants = [
        line.replace(',"meta":', ',"id" :"z","meta":', 1),  # a spaced duplicate
        line.replace(',"meta":{"title":', ',"id" :"z","meta":{"title":"a\\":",'
                                          '"title":', 1),  # ... and a '":' in a string
        line.replace(',"meta":{"title":', ',"meta":{"title":"a\\":",'
                                          '"title":', 1),  # a duplicate and a '":'
        line.replace(',"meta":{"title":', ',"meta":{"title":"10:30",'
                                          '"title":', 1),
        line.replace(',"meta":{"title":', ',"meta" : {"title":', 1),  # spaced, valid
    ]
    for raw in variants:
        assert raw != line
        _same(raw)
    assert parse_fast(variants[-1]).doc is not None
    assert [i.check for i in parse_fast(variants[0]).incidents] == ["duplicate-key"]


_GOOD = b'{"id": "a", "text": "Hi."}'
BYTE_LINES = [
    b"\xef\xbb\xbf" + _GOOD + b"\n",  # a byte-order mark
    _GOOD + b"\r\n" + _GOOD.replace(b'"a"', b'"b"') + b"\r\n",  # CRLF
    _GOOD + b"\n\n",  # a blank line
    _GOOD + b"\n \t\n",  # a line of spaces
    b'{"id": "a", "text": "H\xffi."}\n',  # a bad byte inside a string
    b'{"id": "a", "text": "H\xed\xa0\x80i."}\n',  # an encoded surrogate
    b'{"id": "a", "text": "H\xc0\x80i."}\n',  # an overlong form
    b'{"id": "a", "text": "H\\ud800i."}\n',  # a lone surrogate escape
    b'{"id": "a", "text": "Hi."}\xff\n',  # a bad byte after the object
    b'{"id": "a", "text": "' + b"x" * 200 + b'"}\n',  # longer than the limit below
    b"",  # an empty file
    _GOOD.replace(b'"Hi."', b'"Hi.", "id": "b"') + b"\n",  # a key named twice
    dumps(m.Document(id="a", text="x")).replace(',"meta":', ',"id":"b","meta":').encode()
    + b"\n",  # ... in a line with every field
    dumps(m.Document(id="a", text="x: y")).replace(',"meta":', ',"id":"b","meta":').encode()
    + b"\n",  # ... and a colon in a string
]


@pytest.mark.parametrize("data", BYTE_LINES)
def test_read_fast_reads_bytes_as_read_jsonl(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_bytes(data)
    try:
        want = list(read_jsonl(path, max_line_bytes=100))
    except DatelineError as exc:
        with pytest.raises(DatelineError) as err:
            list(read_fast(path, max_line_bytes=100))
        assert str(err.value) == str(exc)
    else:
        assert [to_document(d) for d in read_fast(path, max_line_bytes=100)] == want


def test_read_fast_names_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DatelineError) as err:
        list(read_fast(tmp_path))
    with pytest.raises(DatelineError) as want:
        list(read_jsonl(tmp_path))
    assert str(err.value) == str(want.value) and err.value.code == "is-a-directory"


def test_colons_inside_strings_keep_the_fast_path() -> None:
    """One count settles a line with no colon inside a string; one with colons (a URL, a time)
    is settled by the second count, without the pydantic path."""
    for title in (None, "10:30: news"):
        doc = m.Document(id="d", text="At 10:30: rain.", meta=m.Meta(title=title,
                                                                      url="https://x.org/a"))
        line = dumps(doc)
        assert _fast_path_taken(line)
        _same(line)
    quoted = dumps(m.Document(id="d", text="x", meta=m.Meta(title='a "b": c')))
    assert not _fast_path_taken(quoted)  # a '":' inside a string: the exact check decides
    _same(quoted)
