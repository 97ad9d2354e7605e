"""`dateline convert oneie`: OneIE/TextEE lines grouped into documents, the text rule, ACE types
through the map, mention kinds, arguments by entity id or by offsets, malformed records."""

import json
from pathlib import Path

import pytest

from dateline.convert import Report, read_map, read_oneie
from dateline.schemas import DatelineError

DATA = Path(__file__).resolve().parents[1] / "data" / "convert" / "oneie"
MAP = read_map(DATA / "map.json")


def test_lines_of_one_doc_id_make_one_document_with_the_text_rule():
    report = Report("oneie")
    wire1, wire2 = read_oneie([DATA / "sample.json"], labels=MAP, report=report)
    assert wire1.id == "wire-1"
    assert wire1.text == ("Rebels shelled the port of Kaldera on Monday .\n"
                          "Two guards and a driver were hurt .")
    assert [wire1.text[r.start:r.end] for r in wire1.meta.sentences] == wire1.text.split("\n")
    assert [(m.text, m.label, m.kind) for m in wire1.entities] == [
        ("Rebels", "PERSON", "nominal"), ("the port of Kaldera", "LOCATION", "nominal"),
        ("Kaldera", "LOCATION", "named"), ("Two guards", "PERSON", "nominal"),
        ("a driver", "PERSON", "nominal")]
    attack, injure = wire1.events
    assert (attack.type, attack.trigger.text, attack.source_label) == (
        "Conflict.Attack", "shelled", "Conflict:Attack")
    # The TIME entity is dropped by the map's "*": its argument keeps the span.
    assert [(a.role, a.mention, a.span.text if a.span else None) for a in attack.arguments] == [
        ("Attacker", "m1", None), ("Target", "m2", None), ("Place", "m3", None),
        ("Time", None, "Monday")]
    assert [(a.role, a.mention) for a in injure.arguments] == [("Victim", "m4"),
                                                              ("Victim", "m5")]
    meet, = wire2.events
    assert [(a.role, a.mention, a.span.text if a.span else None) for a in meet.arguments] == [
        ("Entity", "m1", None), ("Entity", "m2", None), ("Place", None, "Ostrava")]
    assert wire2.layers.events.labels == ("Life.Injure", "Conflict.Attack", "Contact.Meet")
    assert wire2.layers.events.not_annotated == ("attributes",)
    data = report.to_dict()
    assert data["items"]["events"] == {"Conflict.Attack": 1, "Contact.Meet": 1, "Life.Injure": 1}
    assert data["items"]["entities"] == {"LOCATION": 3, "PERSON": 5}
    assert data["dropped"] == [
        {"layer": "entities", "label": "TIME", "reason": "mapped to null by '*'", "count": 1},
        {"layer": "events", "label": "Movement:Arrive", "reason": "not in the map", "count": 1}]


def test_roles_outside_the_event_type_are_dropped_and_counted(tmp_path):
    line = {"doc_id": "d", "tokens": ["Bo", "met", "Al"],
            "entity_mentions": [{"id": "a", "start": 0, "end": 1, "entity_type": "PERSON"}],
            "event_mentions": [{"event_type": "Contact:Meet", "trigger": {"start": 1, "end": 2},
                                "arguments": [{"entity_id": "a", "role": "Victim"}]}]}
    path = tmp_path / "a.json"
    path.write_text(json.dumps(line) + "\n")
    report = Report("oneie")
    doc, = read_oneie([path], report=report)
    assert doc.events[0].arguments == ()
    assert report.to_dict()["dropped"] == [{"layer": "arguments", "label": "Victim",
                                            "reason": "no role of Contact.Meet", "count": 1}]


GOOD = {"doc_id": "d", "tokens": ["Bo", "ran"], "entity_mentions": [], "event_mentions": []}


@pytest.mark.parametrize(("record", "code"), [
    ("{not json", "convert-malformed"),
    (json.dumps({**GOOD, "tokens": []}), "convert-malformed"),
    (json.dumps({**GOOD, "doc_id": None}), "convert-malformed"),
    (json.dumps({**GOOD, "entity_mentions": [{"id": "a", "start": 1, "end": 5,
                                              "entity_type": "PER"}]}), "convert-malformed"),
    (json.dumps({**GOOD, "event_mentions": [{"event_type": "Life:Die",
                                             "trigger": {"start": 1}}]}), "convert-malformed"),
    (json.dumps({**GOOD, "event_mentions": ["x"]}), "convert-malformed"),
    (json.dumps({**GOOD, "entity_mentions": 3}), "convert-malformed"),
    (json.dumps({**GOOD, "event_mentions": [{"arguments": 1}]}), "convert-malformed"),
    (json.dumps({**GOOD, "event_mentions": [{"event_type": "Life:Die", "trigger": {
        "start": 1, "end": 2}, "arguments": [{"entity_id": "zz", "role": "Victim"}]}]}),
     "convert-bad-reference"),
])
def test_malformed_records_are_coded_errors_with_file_and_line(tmp_path, record, code):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(GOOD) + "\n" + record + "\n")
    with pytest.raises(DatelineError) as err:
        read_oneie([path])
    assert (err.value.code, err.value.where) == (code, f"{path}:2")
