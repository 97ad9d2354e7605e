"""The founding article's stand-off annotation: anchored by text hash, never holding text."""

import json

import pytest

from dateline.schemas import DatelineError, check_document, is_standoff
from dateline.sources import SourceReader, sha256_bytes
from dateline.sources.seed import DOC_ID, FILE, import_seed


def write_seed(tmp_path, text, ann):
    (tmp_path / "src" / "seed").mkdir(parents=True)
    (tmp_path / "src" / "seed" / FILE).write_text(f" date 2025-08-06 {text}\n")
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / f"{DOC_ID}.json").write_text(json.dumps(ann))
    return SourceReader(tmp_path / "src", record=True), tmp_path / "ann"


def annotation(text, **extra):
    draft = {"status": "draft", "annotators": ["dateline-maintainers"]}
    return {"id": DOC_ID, "text_sha256": sha256_bytes(text.encode()),
            "meta": {"title": "T", "genre": "news", "collection": "seed"},
            "layers": {"entities": {**draft, "labels": ["PERSON"]},
                       "events": {"status": "absent"},
                       "quotes": {**draft, "labels": ["direct"]}},
            **extra}


def test_stand_off_annotation_is_applied(tmp_path):
    text = '"Hi," Ann said.'
    ann = annotation(text,
                     entities=[{"id": "m1", "start": 6, "end": 9, "label": "PERSON",
                                "kind": "named"}],
                     quotes=[{"id": "q1", "content": [{"start": 1, "end": 3}],
                              "cue": {"start": 10, "end": 14}, "speaker": "m1",
                              "kind": "direct"}])
    reader, folder = write_seed(tmp_path, text, ann)
    doc = import_seed(reader, folder).documents[0]
    assert doc.text == text and doc.meta.published == "2025-08-06" and doc.meta.title == "T"
    assert doc.entities[0].text == "Ann" and doc.quotes[0].content[0].text == "Hi"
    assert doc.layers.quotes.status == "draft"
    assert check_document(doc) == []


def test_annotation_on_another_text_is_refused(tmp_path):
    reader, folder = write_seed(tmp_path, "New text.", annotation("Old text."))
    with pytest.raises(DatelineError) as exc:
        import_seed(reader, folder)
    assert exc.value.code == "annotation-text-changed"


@pytest.mark.parametrize("extra, code", [
    ({"id": "seed_other"}, "annotation-unknown-document"),
    ({"meta": {"published": "2020-01-01"}}, "annotation-meta-conflict"),
    ({"entities": [{"id": "m1", "start": 0, "end": 99, "label": "PERSON"}]},
     "offset-out-of-range"),
])
def test_bad_annotation_is_a_coded_error(tmp_path, extra, code):
    reader, folder = write_seed(tmp_path, "Ann.", annotation("Ann.", **extra))
    with pytest.raises(DatelineError) as exc:
        import_seed(reader, folder)
    assert exc.value.code == code and str(folder) in exc.value.where


def test_committed_annotation_holds_no_text(repo):
    ann = json.loads((repo / "corpus" / "annotations" / f"{DOC_ID}.json").read_text())
    assert is_standoff(ann) and ann["meta"]["published"] is None
    spans = [m for m in ann["entities"]] + [e["trigger"] for e in ann["events"]]
    spans += [s for q in ann["quotes"] for s in q["content"]]
    assert spans and all("text" not in s for s in spans)
    statuses = {layer["status"] for layer in ann["layers"].values()}
    assert statuses == {"draft"}
