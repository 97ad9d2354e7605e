"""Stand-off annotation: exact round trip, no text kept, every problem a coded error."""

import json
from pathlib import Path

import pytest
from document_strategies import documents
from hypothesis import HealthCheck, given, settings

from dateline.schemas import DatelineError, Document, Mention, read_jsonl
from dateline.schemas.standoff import (
    from_standoff,
    is_standoff,
    read_standoff,
    standoff_json,
    text_sha256,
    to_standoff,
)

DATA = Path(__file__).parent.parent / "data"


def _texts(data):
    """Every "text" key anywhere in a JSON value."""
    if isinstance(data, dict):
        return [k for k in data if k == "text"] + [t for v in data.values() for t in _texts(v)]
    if isinstance(data, list):
        return [t for v in data for t in _texts(v)]
    return []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_round_trip_and_no_text_kept(doc: Document) -> None:
    data = to_standoff(doc)
    assert _texts(data) == [] and is_standoff(data)
    assert data["text_sha256"] == text_sha256(doc.text)
    assert from_standoff(data, doc.text, where="f.json") == doc
    # through the file form too, byte-stable
    raw = standoff_json(doc)
    assert from_standoff(json.loads(raw), doc.text, where="f.json") == doc
    assert standoff_json(from_standoff(json.loads(raw), doc.text, where="f.json")) == raw


def test_everything_but_text_kept_verbatim():
    [doc] = read_jsonl(DATA / "valid" / "example.json")
    full, data = doc.model_dump(mode="json"), to_standoff(doc)
    assert set(full) - {"text"} == set(data) - {"text_sha256"}
    assert data["meta"] == full["meta"] and data["layers"] == full["layers"]
    assert [{k: v for k, v in m.items() if k != "text"} for m in full["entities"]] \
        == data["entities"]
    assert from_standoff(data, doc.text, where="x") == doc


def _coded(data, text, code):
    with pytest.raises(DatelineError) as exc:
        from_standoff(data, text, where="ann/d.json")
    assert exc.value.code == code, exc.value
    assert str(exc.value).startswith(f"[{code}] ann/d.json") and exc.value.fix
    return exc.value


def _data():
    doc = Document(id="d", text="Ann met Bo.", entities=(
        Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),))
    return to_standoff(doc)


def test_another_text_is_refused_with_both_hashes():
    err = _coded(_data(), "Ann met Bob.", "annotation-text-changed")
    assert text_sha256("Ann met Bo.")[:12] in err.message
    assert text_sha256("Ann met Bob.")[:12] in err.message


@pytest.mark.parametrize("change, code, path", [
    (lambda d: d["entities"][0].update(end=40), "offset-out-of-range", "$.entities[0].end"),
    (lambda d: d["entities"][0].update(start=-1), "offset-out-of-range", "$.entities[0].start"),
    (lambda d: d["entities"][0].update(start=3, end=1), "inverted-offset", "$.entities[0].start"),
    (lambda d: d["entities"][0].update(text="Ann"), "unknown-field", "$.entities[0].text"),
    (lambda d: d.update(text="Ann met Bo."), "unknown-field", "$.text"),
    (lambda d: d["entities"][0].update(colour=1), "unknown-field", "$.entities[0].colour"),
    (lambda d: d["entities"][0].pop("label"), "missing-field", "$.entities[0].label"),
    (lambda d: d["entities"][0].update(start="0"), "invalid-value", "$.entities[0].start"),
    (lambda d: d.pop("id"), "missing-field", "$.id"),
    (lambda d: d.pop("text_sha256"), "missing-field", "$.text_sha256"),
    (lambda d: d["layers"]["quotes"].update(status=3), "invalid-value",
     "$.layers.quotes.status"),
])
def test_bad_files_name_file_and_json_path(change, code, path):
    data = _data()
    change(data)
    err = _coded(data, "Ann met Bo.", code)
    assert err.where == f"ann/d.json {path}"


def test_input_is_not_changed():
    data = _data()
    before = json.dumps(data)
    from_standoff(data, "Ann met Bo.", where="x")
    assert json.dumps(data) == before


def test_read_standoff_errors_are_coded(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"id": ')
    with pytest.raises(DatelineError, match=r"^\[invalid-json\] .*bad\.json"):
        read_standoff(bad)
    bad.write_bytes(b"[1]")
    with pytest.raises(DatelineError, match=r"^\[invalid-value\]"):
        read_standoff(bad)
    with pytest.raises(DatelineError, match=r"^\[annotation-unreadable\]"):
        read_standoff(tmp_path / "none.json")
