"""Property tests: random valid documents round-trip exactly; corrupted ones yield incidents."""

import json
from pathlib import Path

from document_strategies import documents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.schemas import Document, check_document, read_jsonl, validate_paths, write_jsonl

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(st.lists(documents(), min_size=1, max_size=3, unique_by=lambda d: d.id))
def test_valid_documents_round_trip_exactly(tmp_path_factory, docs: list[Document]) -> None:
    path = tmp_path_factory.mktemp("rt") / "docs.jsonl"
    write_jsonl(docs, path)
    back = list(read_jsonl(path))
    assert back == docs
    for doc in back:
        assert check_document(doc) == []
    assert validate_paths([path]).valid
    again = path.with_name("again.jsonl")
    write_jsonl(back, again)
    assert again.read_bytes() == path.read_bytes()


def _mutations(draw, raw: dict) -> dict | bytes:
    """Change a valid document's JSON so that it must be invalid."""
    kind = draw(st.sampled_from(["drop", "extra", "offset", "text", "label", "truncate",
                                 "bytes", "type"]))
    line = json.dumps(raw, ensure_ascii=False)
    if kind == "drop":
        del raw[draw(st.sampled_from(["id", "text"]))]
    elif kind == "extra":
        raw[draw(st.sampled_from(["colour", "Text", "entity"]))] = 1
    elif kind == "type":
        raw["text"] = draw(st.sampled_from([None, 3, ["a"]]))
    elif kind in ("offset", "text", "label") and raw["entities"]:
        m = raw["entities"][draw(st.integers(0, len(raw["entities"]) - 1))]
        if kind == "offset":
            m["end"] = len(raw["text"]) + draw(st.integers(1, 5))
        elif kind == "text":
            m["text"] += "#"
        else:
            m["label"] = "NOT-A-LABEL"
    elif kind == "truncate":
        return line.encode()[: draw(st.integers(0, len(line.encode()) - 1))]
    elif kind == "bytes" or not raw["entities"]:
        data = line.encode()
        cut = draw(st.integers(0, len(data)))
        return data[:cut] + b"\xff" + data[cut:]
    return raw


@SETTINGS
@given(documents(), st.data())
def test_corrupted_documents_yield_incidents_not_exceptions(tmp_path_factory, doc: Document,
                                                            data: st.DataObject) -> None:
    raw = json.loads(doc.model_dump_json())
    bad = _mutations(data.draw, raw)
    path: Path = tmp_path_factory.mktemp("bad") / "bad.jsonl"
    path.write_bytes(bad if isinstance(bad, bytes) else json.dumps(bad).encode())
    report = validate_paths([path])
    assert report.incidents, "a corrupted document passed validation"
    for inc in report.incidents:
        assert inc.check and inc.message and inc.file == str(path)
