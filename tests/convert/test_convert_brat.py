"""`dateline convert brat`: T (discontinuous, merged), E (two arguments of one role), R, A/M,
* and # lines; attributions (with and without a source); annotator-suffixed .ann files; CRLF;
--ann-dir; the map file's errors; a malformed line of each kind."""

import json
import shutil
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.convert import LabelMap, Report, read_brat, read_map
from dateline.schemas import DatelineError, read_jsonl

DATA = Path(__file__).resolve().parents[1] / "data" / "convert" / "brat"
MAP = read_map(DATA / "map.json")


@pytest.fixture(scope="module")
def converted():
    report = Report("brat")
    docs = {d.id: d for d in read_brat([DATA], labels=MAP, report=report)}
    return docs, report


def test_entities_fragments_merged_discontinuous_dropped_and_coreference(converted):
    docs, _ = converted
    news1 = docs["news1"]
    assert [(m.id, m.text, m.label) for m in news1.entities] == [
        ("T1", "Mira Tanaka", "PERSON"), ("T2", "Port Selby", "LOCATION"),
        ("T3", "The council", "ORGANIZATION"), ("T4", "Delta Works", "ORGANIZATION"),
        ("T5", "Orin Hale", "PERSON"), ("T6", "March", "TIME"), ("T7", "a spokesman", "PERSON"),
        ("T14", "Tanaka", "PERSON")]
    assert news1.mention("T1").entity == news1.mention("T14").entity == "c1"
    assert news1.mention("T2").entity is None
    assert news1.layers.entities.not_annotated == ("kind", "link")


def test_an_event_with_two_arguments_of_one_role_and_its_attribute(converted):
    docs, _ = converted
    event, = docs["news1"].events
    assert (event.type, event.trigger.text, event.source_label) == ("Justice.Fine", "fined",
                                                                    "Fine")
    assert [(a.role, a.mention) for a in event.arguments] == [
        ("Adjudicator", "T3"), ("Entity", "T4"), ("Entity", "T5"), ("Time", "T6")]
    assert event.attributes == {"realis": "actual"}
    assert docs["news1"].layers.events.labels == ("Justice.Fine",)


def test_attributions_speaker_mention_discontinuous_content_and_no_source(converted):
    docs, _ = converted
    said, appeal, claimed = docs["news1"].quotes
    assert (said.speaker, said.cue.text, said.kind) == ("T1", "said", "indirect")
    assert [c.text for c in appeal.content] == ['"We will appeal,"', '"and we will win."']
    assert (appeal.speaker, appeal.kind) == ("T7", "direct")
    assert (claimed.speaker, claimed.speaker_span, claimed.cue.text) == (None, None, "claimed")
    # A relation attribution without a cue, the speaker a mention of the same offsets.
    rel, = docs["news2"].quotes
    assert (rel.id, rel.speaker, rel.cue) == ("R1", "T4", None)
    # A layer's labels are those the collection annotates, in every document.
    assert docs["news2"].layers.quotes.labels == ("direct", "indirect")


def test_crlf_text_and_a_combining_accent_keep_their_offsets(converted):
    docs, _ = converted
    news2 = docs["news2"]
    assert "\r\n" in news2.text
    assert [m.text for m in news2.entities] == ["Ana Lu\u0301cia Reis", "Velmont", "Italy", "She"]
    italy = news2.entities[2]
    assert news2.text[italy.start:italy.end] == "Italy"
    assert news2.layers.entities.annotators == ("alice",)  # the first annotator by name


def test_report_counts(converted):
    _, report = converted
    data = report.to_dict()
    assert data["documents"] == 2
    assert data["items"] == {
        "arguments": {"Adjudicator": 1, "Entity": 2, "Time": 1},
        "entities": {"LOCATION": 3, "ORGANIZATION": 2, "PERSON": 6, "TIME": 1},
        "events": {"Justice.Fine": 1}, "quotes": {"direct": 1, "indirect": 3}}
    assert {(d["layer"], d["label"], d["reason"]): d["count"] for d in data["dropped"]} == {
        ("attributes", "Negation=true", "no dateline event attribute"): 1,
        ("entities", "Organization", "discontinuous (a mention is one span)"): 1,
        ("entities", "Vehicle", "not in the map"): 1,
        ("events", "Reopen", "not in the map"): 1,
        ("relations", "Located", "dateline has no relation layer"): 1}
    assert data["notes"] == {"attributions without a speaker": 1, "notes ignored": 1}


def test_annotator_choice_all_gives_one_document_per_annotator(tmp_path):
    docs = read_brat([DATA / "news2.txt"], labels=MAP, annotator_choice="all")
    assert [(d.id, d.layers.entities.annotators, len(d.entities)) for d in docs] == [
        ("news2_alice", ("alice",), 4), ("news2_bob", ("bob",), 2)]
    with pytest.raises(DatelineError) as err:
        read_brat([DATA], annotator_choice="best")
    assert err.value.code == "bad-option"


def test_ann_files_in_another_folder(tmp_path):
    texts, anns = tmp_path / "txt", tmp_path / "ann"
    texts.mkdir()
    anns.mkdir()
    shutil.copy(DATA / "news1.txt", texts)
    shutil.copy(DATA / "news1.ann", anns)
    doc, = read_brat([texts], labels=MAP, ann_dir=anns)
    assert len(doc.quotes) == 3
    with pytest.raises(DatelineError) as err:
        read_brat([texts], labels=MAP)
    assert err.value.code == "convert-no-input" and err.value.where.endswith("news1.txt")


def test_the_speaker_without_a_mention_is_a_speaker_span(tmp_path):
    (tmp_path / "a.txt").write_text("Aides said no.")
    (tmp_path / "a.ann").write_text("T1\tSource 0 5\tAides\nT2\tContent 11 13\tno\n"
                                    "R1\tAttr Arg1:T1 Arg2:T2\n")
    m = LabelMap.from_json({"quotes": {"events": ["Attr"], "speaker": ["Arg1"],
                                       "content": ["Arg2"]}})
    doc, = read_brat([tmp_path], labels=m)
    q, = doc.quotes
    assert (q.speaker, q.speaker_span.text, q.content[0].text) == (None, "Aides", "no")
    assert doc.layers.quotes.not_annotated == ("cue",)


TEXT = "Ann met Bo in Rome."
BAD = [
    ("T1\tPerson 0 3 Ann\n", "convert-malformed"),                 # T without its text field
    ("T1\tPerson 0 x\tAnn\n", "convert-malformed"),                # offsets no numbers
    ("T1\tPerson 0 3\tAnn\nE1\tMeet T1\n", "convert-malformed"),    # E without TYPE:TRIGGER
    ("T1\tPerson 0 3\tAnn\nE1\tMeet:T1 Entity\n", "convert-malformed"),  # argument no ROLE:ID
    ("T1\tPerson 0 3\tAnn\nR1\tKnows Arg1:T1\n", "convert-malformed"),  # R with one argument
    ("T1\tPerson 0 3\tAnn\nA1\tNegation\n", "convert-malformed"),   # A without a target
    ("T1\tPerson 0 3\tAnn\n*\tCoref\n", "convert-malformed"),       # * without members
    ("X1\tPerson 0 3\tAnn\n", "convert-malformed"),                 # no brat id
    ("T1\tPerson 0 99\tAnn\n", "convert-bad-offset"),               # outside the text
    ("T1\tPerson 0 3\tBob\n", "convert-bad-offset"),                # text differs
    ("T1\tPerson 0 3\tAnn\nE1\tMeet:T1 Entity:T9\n", "convert-bad-reference"),
    ("T1\tPerson 0 3\tAnn\nE1\tMeet:T7\n", "convert-bad-reference"),
    ("T1\tPerson 0 3\tAnn\nT1\tPerson 8 10\tBo\n", "convert-malformed"),  # an id twice
]


@pytest.mark.parametrize(("ann", "code"), BAD)
def test_a_malformed_line_of_each_kind_is_a_coded_error_with_file_and_line(tmp_path, ann, code):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "a.ann").write_text(ann)
    with pytest.raises(DatelineError) as err:
        read_brat([tmp_path])
    assert err.value.code == code
    assert err.value.where == f"{tmp_path / 'a.ann'}:{ann.count(chr(10))}"


@pytest.mark.parametrize(("content", "code"), [
    ('{"entities": {"Person": "HUMAN"}}', "map-unknown-label"),
    ('{"roles": {"Agent": "Doer"}}', "map-unknown-label"),
    ('{"people": {}}', "map-malformed"),
    ('{"quotes": {"events": "Attribution"}}', "map-malformed"),
    ('["entities"]', "map-malformed"),
    ('{"entities": ', "map-malformed"),
])
def test_bad_map_files(tmp_path, content, code, capsys):
    path = tmp_path / "map.json"
    path.write_text(content)
    assert main(["convert", "brat", str(DATA), "-o", str(tmp_path / "o.jsonl"),
                 "--map", str(path)]) == 1
    assert f"[{code}] {path}" in capsys.readouterr().err


def test_the_command_and_the_report_file(tmp_path, capsys):
    out, rep = tmp_path / "o.jsonl", tmp_path / "r.json"
    assert main(["convert", "brat", str(DATA), "-o", str(out), "--map", str(DATA / "map.json"),
                 "--report", str(rep), "--source", "invented-brat"]) == 0
    assert "quotes: 4 (direct 1, indirect 3)" in capsys.readouterr().out
    assert [d.id for d in read_jsonl(out)] == ["news1", "news2"]
    assert json.loads(rep.read_text())["items"]["quotes"] == {"direct": 1, "indirect": 3}


def test_attributes_off_events_and_equivalences_with_no_mention_are_counted(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "a.ann").write_text("T1\tPerson 0 3\tAnn\nT2\tPlace 14 18\tRome\n"
                                    "A1\tGeneric T1\n*\tCoref T1 T2\n")
    report = Report("brat")
    doc, = read_brat([tmp_path], report=report, labels=LabelMap.from_json(
        {"entities": {"Person": "PERSON"}}))
    assert doc.entities[0].entity == "c1"
    data = report.to_dict()
    assert {"layer": "attributes", "label": "Generic=true", "count": 1,
            "reason": "not on an event (no place in a Document)"} in data["dropped"]
    assert data["notes"]["equivalence members that are no mention"] == 1
