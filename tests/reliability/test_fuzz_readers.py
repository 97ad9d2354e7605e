"""Fuzz every reader: a mutated input (any part replaced, removed or duplicated; bytes cut,
inserted or flipped) gives success or a registered :class:`DatelineError`, never another
exception.

The readers: ``validate`` (JSONL documents), the gold and prediction inputs of ``score``, a
Label Studio export (``studio import``), a stand-off annotation file, ``sources.lock`` and
``stats.json``. Each starts from a valid input (written here, or the repository's committed
lock and statistics, which hold names and hashes only) and mutates it.

``DATELINE_FUZZ_EXAMPLES`` sets the examples per reader (default 40, a few seconds in all; the
slow run: ``DATELINE_FUZZ_EXAMPLES=10000 pytest tests/reliability/test_fuzz_readers.py``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.cli import main
from dateline.commands.corpus import read_stats
from dateline.commands.options import load_gold, load_predictions
from dateline.fetch import read_lock
from dateline.schemas import DatelineError, Document, read_documents, validate_paths
from dateline.schemas.codes import CODES
from dateline.schemas.standoff import from_standoff, read_standoff, standoff_json
from dateline.studio.tasks import document_task

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "valid"
EXAMPLES = int(os.environ.get("DATELINE_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# Values that replace a part of a valid input: wrong types, edge numbers, hostile strings.
SCALARS = (st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
           | st.sampled_from([0, -1, 1, 2 ** 31, 2 ** 63, 1e308, -0.0, 0.5])
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=8)
           | st.sampled_from(["", "\x00", "\ud800", "é", "e\u0301", "👍🏽", "\r\n", "../x",
                              "PERSON", "gold", "exhaustive", "named", "{", "9" * 30]))
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=6)
BYTES = st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xef\xbb\xbf", b"\n", b"\r", b"{",
                         b"}", b"]", b'"', b",", b"\\", b"\\u", b"\xed\xa0\x80", b"1e999"])


def _parts(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (the value itself first)."""
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _parts(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _parts(v, (*path, i))
    return out


def _set(value: Any, path: tuple[Any, ...], new: Any, *, delete: bool = False) -> Any:
    if not path:
        return new
    node = value
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = new
    return value


def _escaped(raw: bytes) -> bytes:
    """The same JSON with every non-ASCII character written as a ``\\uXXXX`` escape (a lone
    surrogate becomes the escape that JSON parsers let through)."""
    out = []
    for c in raw.decode("utf-8", "surrogatepass"):
        o = ord(c)
        if o < 128:
            out.append(c)
        elif o > 0xFFFF:
            o -= 0x10000
            out.append(f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}")
        else:
            out.append(f"\\u{o:04x}")
    return "".join(out).encode("ascii")


@st.composite
def mutated(draw: st.DrawFn, value: Any, dumps: Callable[[Any], bytes]) -> bytes:
    """The bytes of ``value`` after one structural and/or one byte-level mutation."""
    value = json.loads(json.dumps(value))  # a private copy
    how = draw(st.sampled_from(["replace", "delete", "duplicate", "none"]))
    paths = _parts(value)
    path = draw(st.sampled_from(paths))
    if how == "replace":
        value = _set(value, path, draw(JSONISH))
    elif how == "delete" and path:
        value = _set(value, path, None, delete=True)
    raw = dumps(value)
    if draw(st.booleans()):
        raw = _escaped(raw)
    if how == "duplicate" and path and isinstance(path[-1], str):
        key = json.dumps(path[-1]).encode()
        at = raw.find(key + b":")
        if at > 0:  # the same key twice in one object
            raw = raw[:at] + key + b": " + json.dumps(draw(JSONISH)).encode() + b", " + raw[at:]
    edit = draw(st.sampled_from(["none", "none", "truncate", "insert", "flip"]))
    if raw and edit != "none":
        at = draw(st.integers(0, len(raw) - 1))
        if edit == "truncate":
            raw = raw[:at]
        elif edit == "insert":
            raw = raw[:at] + draw(BYTES) + raw[at:]
        else:
            raw = raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1:]
    return raw


def _coded(read: Callable[[], Any]) -> None:
    """Run a reader: success, or a DatelineError with a registered code."""
    try:
        read()
    except DatelineError as exc:
        assert exc.code in CODES, exc.code


def _dumps(value: Any, indent: int | None = None) -> bytes:
    # surrogatepass: a lone surrogate becomes the invalid UTF-8 it would be in a file
    return json.dumps(value, ensure_ascii=False, indent=indent).encode("utf-8", "surrogatepass")


def _jsonl(docs: Any) -> bytes:
    """One line per document (a value that is no list is one line of its own)."""
    return b"".join(_dumps(d) + b"\n" for d in (docs if isinstance(docs, list) else [docs]))


DOCS = [json.loads(line) for line in (VALID / "examples.jsonl").read_text().splitlines()]
DOCS.append(json.loads((VALID / "example.json").read_text()))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(folder: Path, name: str, raw: bytes) -> Path:
    path = folder / name
    path.write_bytes(raw)
    return path


@SETTINGS
@given(raw=mutated(DOCS, _jsonl))
def test_validate(folder: Path, raw: bytes) -> None:
    path = _write(folder, "docs.jsonl", raw)
    _coded(lambda: validate_paths([path], level=4))


@SETTINGS
@given(raw=mutated(DOCS, _jsonl))
def test_score_inputs(folder: Path, raw: bytes) -> None:
    gold_path = _write(folder, "gold.jsonl", _jsonl(DOCS))
    gold = list(read_documents(gold_path))
    path = _write(folder, "pred.jsonl", raw)
    _coded(lambda: load_predictions(str(path), gold, strict=True))
    _coded(lambda: load_gold(str(path)))


def _export() -> list[Any]:
    docs = [Document.model_validate(d) for d in DOCS]
    tasks = [document_task(doc) for doc in docs]
    for k, task in enumerate(tasks):
        task["id"] = k + 1
        for ann in task.get("annotations", []):
            ann["completed_by"] = {"id": 1, "email": "annotator@example.org"}
    return tasks


@SETTINGS
@given(raw=mutated(_export(), _dumps))
def test_studio_import(folder: Path, raw: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(folder, "export.json", raw)
    code = main(["studio", "import", str(path), "--out", str(folder / "pulled")])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err  # 70 is the internal error
    assert "Traceback" not in err


def _standoff() -> tuple[dict[str, Any], str]:
    doc = Document.model_validate(DOCS[-1])
    return json.loads(standoff_json(doc)), doc.text


STANDOFF, STANDOFF_TEXT = _standoff()


@SETTINGS
@given(raw=mutated(STANDOFF, _dumps))
def test_standoff_file(folder: Path, raw: bytes) -> None:
    path = _write(folder, "doc.json", raw)

    def read() -> None:
        data = read_standoff(path)
        from_standoff(data, STANDOFF_TEXT, where=str(path))

    _coded(read)


def _committed(name: str) -> Any:
    return json.loads((ROOT / "corpus" / name).read_text())


@SETTINGS
@given(raw=mutated(_committed("sources.lock"), lambda v: _dumps(v, indent=1)))
def test_sources_lock(folder: Path, raw: bytes) -> None:
    path = _write(folder, "sources.lock", raw)
    _coded(lambda: read_lock(path))


@SETTINGS
@given(raw=mutated(_committed("stats.json"), lambda v: _dumps(v, indent=1)))
def test_stats_json(folder: Path, raw: bytes) -> None:
    path = _write(folder, "stats.json", raw)
    _coded(lambda: read_stats(path))


def test_the_mutations_reach_every_reader_with_bad_input(folder: Path) -> None:
    """The fuzzing is not vacuous: a truncated input of each kind is refused with a code."""
    cases: list[tuple[str, Callable[[Path], Any]]] = [
        ("docs.jsonl", lambda p: load_gold(str(p))),
        ("doc.json", lambda p: from_standoff(read_standoff(p), STANDOFF_TEXT, where=str(p))),
        ("sources.lock", read_lock),
        ("stats.json", read_stats),
    ]
    sources = {"docs.jsonl": _jsonl(DOCS), "doc.json": json.dumps(STANDOFF).encode(),
               "sources.lock": (ROOT / "corpus" / "sources.lock").read_bytes(),
               "stats.json": (ROOT / "corpus" / "stats.json").read_bytes()}
    for name, read in cases:
        path = _write(folder, name, sources[name][: len(sources[name]) // 2])
        with pytest.raises(DatelineError) as info:
            read(path)
        assert info.value.code in CODES
    assert not validate_paths([_write(folder, "v.jsonl", _jsonl(DOCS)[:-40])]).valid
