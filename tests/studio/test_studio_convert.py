"""Document <-> Label Studio JSON, on hand-written exports (no server)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.schemas import DatelineError, Document, check_document, read_jsonl
from dateline.schemas.standoff import from_standoff, is_standoff, text_sha256
from dateline.studio.config import choice_controls, control_labels, labeling_config
from dateline.studio.convert import task_documents
from dateline.studio.results import STUDIO_CHECKS, results_document
from dateline.studio.sync import annotation_path, document_texts, read_pulled, write_pulled
from dateline.studio.tasks import document_task, text_hash

DATA = Path(__file__).parents[1] / "data"
EXPORT = DATA / "studio" / "export.json"
INVALID = DATA / "studio" / "export-invalid.json"


def _export(path=EXPORT):
    return json.loads(path.read_text("utf-8"))


def _texts(tasks):
    """doc id -> text of an export: what the pulled stand-off files are read back with."""
    return {t["data"]["doc_id"]: t["data"]["text"] for t in tasks}


def _no_text(data):
    """True when no "text" key appears anywhere in a JSON value."""
    if isinstance(data, dict):
        return "text" not in data and all(_no_text(v) for v in data.values())
    return all(_no_text(v) for v in data) if isinstance(data, list) else True


def _lossy_fields_cleared(doc: Document) -> Document:
    """What Label Studio cannot carry: source labels (clusters and links travel)."""
    return doc.model_copy(update={
        "entities": tuple(m.model_copy(update={"source_label": None}) for m in doc.entities),
        "events": tuple(e.model_copy(update={"source_label": None}) for e in doc.events)})


def test_config_lists_every_inventory_label():
    from dateline.schemas import inventory

    inv = inventory()
    xml = labeling_config()
    for label in (*inv.entity_labels, *inv.event_types, *inv.roles, *inv.quote_kinds,
                  *inv.mention_kinds):
        assert f'value="{label}"' in xml or f'value="arg:{label}"' in xml \
            or f'value="QUOTE:{label}"' in xml, label
    assert set(control_labels()) == {"entity", "event", "quote"}
    assert set(choice_controls()) == {"kind", *(f"event_{a}" for a in inv.event_attributes)}


def test_config_is_well_formed_xml():
    import xml.etree.ElementTree as ET

    root = ET.fromstring(labeling_config())
    names = [e.get("name") for e in root.iter() if e.get("name")]
    assert len(names) == len(set(names))


def test_example_document_round_trips():
    for doc in read_jsonl(DATA / "valid" / "example.json"):
        task = document_task(doc)
        back = results_document(task["data"], task["annotations"][0]["result"], where="t")
        assert back.problems == []
        want = _lossy_fields_cleared(doc)
        assert back.doc.entities == want.entities
        assert back.doc.events == want.events
        assert back.doc.quotes == want.quotes  # incl. a discontinuous quote and a speaker span
        assert back.doc.meta == doc.meta
        assert task["data"]["text_sha256"] == text_hash(doc.text)


def test_unicode_offsets_survive_exactly():
    [task] = _export()
    pulled = {p.annotator: p for p in task_documents(task)}
    doc = pulled["user-1"].doc
    text = task["data"]["text"]
    for m in doc.entities:
        assert text[m.start:m.end] == m.text
    zoe = doc.mention("m1")
    assert zoe.text == "Dr. Zoë Müller" and zoe.kind == "named"
    assert zoe.start == text.index("Dr.")  # code points: the ZWJ emoji counts 5
    [quote] = doc.quotes
    assert quote.content[0].text == "“We won’t close.”"
    assert quote.speaker == "m1" and quote.cue.text == "said"  # cue drawn right to left
    [event] = doc.events
    assert event.type == "Justice.Arrest-Jail" and event.attributes == {"polarity": "positive"}
    assert [(a.role, a.mention) for a in event.arguments] == [
        ("Agent", "m5"), ("Person", "m2"), ("Place", "m3"), ("Time", "m4")]
    # again through Document -> task -> Document
    again = task_documents({**task, "annotations": document_task(doc)["annotations"]})
    assert again[0].doc.model_copy(update={"layers": doc.layers}) == doc


def test_second_annotator_speaker_span_argument_span_and_ui_ids():
    [task] = _export()
    doc = {p.annotator: p for p in task_documents(task)}["user-2"].doc
    assert doc.entities[0].id == "Xk3lP0aQ1z"
    assert doc.quotes[0].speaker is None
    assert doc.quotes[0].speaker_span.text == "the cafe\u0301 owner"
    [arg] = doc.events[0].arguments  # drawn from the argument to the trigger: turned round
    assert arg.role == "Person" and arg.span.text == "two men" and arg.mention is None
    assert check_document(doc) == []


def test_provenance_and_cancelled_annotations(pseudo):
    [task] = _export()
    pulled = task_documents(task, users={1: "ann@example.org"}, predictions=True)
    by = {(p.origin, p.annotator): p for p in pulled}
    gold = by["annotation", pseudo("ann@example.org")].doc.layers
    assert gold.entities.status == "gold"
    assert gold.quotes.source == "labelstudio:project/3/task/41/annotation/101"
    assert gold.events.annotators == (pseudo("ann@example.org"),)
    assert by["annotation", "user-3"].doc is None
    assert by["annotation", "user-3"].skipped.startswith("cancelled")
    silver = by["prediction", "quotes-rules-0.1"].doc.layers
    assert silver.quotes.status == "silver" and silver.quotes.source == "quotes-rules-0.1"


def test_every_problem_is_reported_with_its_location():
    [task] = _export(INVALID)
    [p] = task_documents(task)
    assert p.doc is None
    found = {(i.check, i.path) for i in p.problems}
    assert found == {
        ("studio-unknown-label", "$.result[1].value.labels[0]"),
        ("studio-bad-offsets", "$.result[2].value"),
        ("studio-text-mismatch", "$.result[3].value.text"),
        ("studio-unknown-control", "$.result[4].from_name"),
        ("studio-duplicate-region", "$.result[5].id"),
        ("studio-dangling-relation", "$.result[8]"),
        ("studio-unlabeled-relation", "$.result[9]"),
        ("studio-relation-kinds", "$.result[10]"),
        ("studio-unknown-control", "$.result[11].from_name"),  # a text box not in the config
        ("studio-orphan-region", "$.result[7]"),
    }
    assert all(i.file == "task 42 annotation 201" and i.doc_id == "studio-bad"
               for i in p.problems)
    assert {i.check for i in p.problems} <= STUDIO_CHECKS.keys()


def test_text_hash_mismatch_refuses_the_task():
    [task] = _export()
    task["data"]["text"] = task["data"]["text"].replace("Monday", "Sunday")
    pulled = task_documents(task)
    assert all(p.doc is None for p in pulled)
    assert {i.check for p in pulled for i in p.problems} == {"studio-text-hash"}


def test_inventory_checks_apply_to_pulled_documents():
    [task] = _export()
    result = task["annotations"][0]["result"]
    for r in result:
        if r.get("labels") == ["arg:Time"]:
            r["labels"] = ["arg:Victim"]  # not a role of Justice.Arrest-Jail
    [p, *_] = task_documents(task)
    assert [i.check for i in p.problems] == ["unknown-role"]


def test_write_pulled_is_idempotent_and_reports_edits(tmp_path):
    [task] = _export()
    first = write_pulled(task_documents(task), tmp_path)
    assert sorted(e.status for e in first.entries) == ["new", "new", "skipped"]
    files = sorted(tmp_path.rglob("*.json"))
    before = {f: f.read_bytes() for f in files}
    for f in files:  # stand-off: the text stays out of the repository
        data = json.loads(f.read_bytes())
        assert is_standoff(data) and _no_text(data)
        assert data["text_sha256"] == text_hash(task["data"]["text"])
    pulled = read_pulled(tmp_path, _texts([task]))["studio-unicode"]
    assert pulled["user-1"] == {p.annotator: p for p in task_documents(task)}["user-1"].doc
    again = write_pulled(task_documents(task), tmp_path)
    assert sorted(e.status for e in again.entries) == ["skipped", "unchanged", "unchanged"]
    assert {f: f.read_bytes() for f in files} == before
    # the annotator edits a label in Label Studio: the file is replaced, the change reported
    task["annotations"][0]["result"][2]["value"]["labels"] = ["ORGANIZATION"]
    edited = write_pulled(task_documents(task), tmp_path)
    changed = [e for e in edited.entries if e.status == "changed"]
    assert [(e.doc_id, e.annotator, e.ls_id) for e in changed] == [
        ("studio-unicode", "user-1", 101)]
    path = annotation_path(tmp_path, "studio-unicode", "user-1")
    doc = from_standoff(json.loads(path.read_bytes()), task["data"]["text"], where=str(path))
    assert doc.mention("m2").label == "ORGANIZATION"
    assert set(read_pulled(tmp_path, _texts([task]))["studio-unicode"]) == {"user-1", "user-2"}


def test_write_pulled_refuses_a_changed_text(tmp_path):
    [task] = _export()
    write_pulled(task_documents(task), tmp_path)
    path = annotation_path(tmp_path, "studio-unicode", "user-2")
    old = json.loads(path.read_bytes())
    path.write_text(json.dumps({**old, "text_sha256": text_sha256(task["data"]["text"] + " ")}))
    report = write_pulled(task_documents(task), tmp_path)
    assert [e.status for e in report.entries if e.annotator == "user-2"] == ["refused"]
    assert [i.check for i in report.problems] == ["studio-text-hash"]


def test_cli_export_then_import(tmp_path):
    out = tmp_path / "tasks.json"
    run = [sys.executable, "-m", "dateline", "studio"]
    done = subprocess.run([*run, "export", str(DATA / "valid" / "example.json"), "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*run, "import", str(out), "--out", str(tmp_path / "ann")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    texts = document_texts([DATA / "valid" / "example.json"])
    [doc] = [d for docs in read_pulled(tmp_path / "ann", texts).values() for d in docs.values()]
    assert len(doc.quotes) == 4 and doc.layers.quotes.status == "gold"
    bad = subprocess.run([*run, "import", str(INVALID), "--out", str(tmp_path / "ann")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "studio-dangling-relation" in bad.stdout


def test_write_pulled_replaces_a_pull_that_held_the_text(tmp_path):
    [task] = _export()
    pulled = {p.annotator: p for p in task_documents(task)}
    path = annotation_path(tmp_path, "studio-unicode", "user-1")
    path.parent.mkdir(parents=True)
    path.write_text(pulled["user-1"].doc.model_dump_json())  # a pull of an earlier version
    with pytest.raises(DatelineError) as exc:
        read_pulled(tmp_path, _texts([task]))
    assert exc.value.code == "studio-bad-pull-file" and "pull again" in exc.value.fix
    report = write_pulled(task_documents(task), tmp_path)
    assert [e.status for e in report.entries if e.annotator == "user-1"] == ["changed"]
    assert is_standoff(json.loads(path.read_bytes()))


def test_reading_pulls_needs_the_texts(tmp_path):
    [task] = _export()
    write_pulled(task_documents(task), tmp_path)
    with pytest.raises(DatelineError) as exc:
        read_pulled(tmp_path, {})
    err = exc.value
    assert err.code == "annotation-document-missing" and "'studio-unicode'" in err.message
    assert "dateline corpus build" in err.fix and "--documents" in err.fix
    with pytest.raises(DatelineError) as exc:
        read_pulled(tmp_path, {"studio-unicode": task["data"]["text"] + "!"})
    assert exc.value.code == "annotation-text-changed"


def test_cli_agreement_without_texts_names_the_document(tmp_path):
    [task] = _export()
    write_pulled(task_documents(task), tmp_path / "ann")
    env = {**os.environ, "DATELINE_CORPUS": str(tmp_path / "unbuilt")}
    done = subprocess.run([sys.executable, "-m", "dateline", "agreement", str(tmp_path / "ann")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "[annotation-document-missing]" in done.stderr and "studio-unicode" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_result_item_of_an_unknown_type_is_reported():
    rating = {"id": "r1", "type": "rating", "from_name": "stars", "to_name": "text",
              "value": {"rating": 4}}
    conv = results_document({"text": "Bo.", "doc_id": "d"}, [rating], where="task 1")
    assert conv.doc is None
    assert [(i.check, i.path) for i in conv.problems] == [("studio-bad-result", "$.result[0]")]
