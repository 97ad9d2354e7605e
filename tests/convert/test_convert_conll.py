"""`dateline convert conll`: IOB1 (chunks opened by I-), IOB2, BIOES and two-column files,
the text rule, document splits, the map file, and the report's counts on the fixtures."""

import json
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.convert import LabelMap, Provenance, Report, convert, read_conll, read_map
from dateline.schemas import DatelineError, read_jsonl

DATA = Path(__file__).resolve().parents[1] / "data" / "convert" / "conll"
MAP = read_map(DATA / "map.json")


def mentions(doc):
    return [(m.text, m.label) for m in doc.entities]


def test_iob1_with_crlf_docstart_and_a_combining_accent():
    report = Report("conll")
    first, second = read_conll([DATA / "iob1.conll"], labels=MAP, report=report, kind="named")
    assert (first.id, second.id) == ("iob1-1", "iob1-2")
    assert first.text == ("Mira Tanaka visited Port Selby .\nJose\u0301 Ruiz met Orin Hale at "
                          "the Euro Cup .\nSponsors : Delta Works Karo Foods .")
    assert "\r" not in first.text
    # I- opens a chunk; B- separates two adjacent chunks of one type (IOB1)
    assert mentions(first) == [
        ("Mira Tanaka", "PERSON"), ("Port Selby", "LOCATION"), ("Jose\u0301 Ruiz", "PERSON"),
        ("Orin Hale", "PERSON"), ("Delta Works", "ORGANIZATION"), ("Karo Foods", "ORGANIZATION")]
    assert mentions(second) == [("Velmont", "LOCATION"), ("Karo Foods", "ORGANIZATION")]
    assert {m.kind for m in first.entities} == {"named"}
    assert [m.source_label for m in second.entities] == ["LOC", "ORG"]
    assert first.meta.text_rule == "tokens joined by single spaces, sentences by line breaks"
    s0 = first.meta.sentences[0]
    assert first.text[s0.start:s0.end] == "Mira Tanaka visited Port Selby ."
    info = first.layers.entities
    assert (info.status, info.coverage, info.labels) == (
        "gold", "partial", ("PERSON", "ORGANIZATION", "LOCATION"))
    assert info.not_annotated == ("coreference", "link")
    assert second.layers.events.status == "absent"
    assert report.to_dict() == {
        "format": "conll", "inputs": [str(DATA / "iob1.conll")], "documents": 2,
        "items": {"entities": {"LOCATION": 2, "ORGANIZATION": 3, "PERSON": 3}},
        "dropped": [{"layer": "entities", "label": "MISC", "reason": "mapped to null",
                     "count": 1}],
        "notes": {"chunks opened by I-": 8}}


def test_iob2_two_columns_and_bioes_one_document_per_file_or_per_n_sentences():
    m = LabelMap.from_json({"entities": {"PER": "PERSON", "ORG": "ORGANIZATION",
                                         "LOC": "LOCATION"}})
    iob2, = read_conll([DATA / "iob2.tsv"], labels=m)
    assert iob2.id == "iob2" and iob2.text.count("\n") == 2
    assert mentions(iob2) == [("Lena Okafor", "PERSON"), ("Karo Foods", "ORGANIZATION"),
                              ("Velmont", "LOCATION"), ("Ravi", "PERSON")]
    assert iob2.entities[0].kind is None and "kind" in iob2.layers.entities.not_annotated
    parts = read_conll([DATA / "iob2.tsv"], labels=m, sentences_per_document=2)
    assert [(d.id, len(d.meta.sentences)) for d in parts] == [("iob2-1", 2), ("iob2-2", 1)]
    marked = read_conll([DATA / "iob1.conll"], sentences_per_document=1)
    assert [len(d.meta.sentences) for d in marked] == [3, 1]  # -DOCSTART- decides
    bioes, = read_conll([DATA / "bioes.conll"], labels=m)
    assert mentions(bioes) == [("Tomas", "PERSON"), ("New Port Selby", "LOCATION")]


def test_the_tag_column_is_chosen_with_column(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text("Ann B-PERSON NNP\nran O VBD\n")
    doc, = read_conll([path], column=1)
    assert mentions(doc) == [("Ann", "PERSON")]
    with pytest.raises(DatelineError) as err:
        read_conll([path], column=5)
    assert err.value.code == "bad-option"


def test_labels_absent_from_a_section_are_kept_only_when_they_are_dateline_labels(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text("Ann B-PERSON\nin O\nRome B-LOC\nat O\nNoon B-TIME\n")
    keep, = read_conll([path], labels=LabelMap.from_json({"entities": {"LOC": "LOCATION"}}))
    assert mentions(keep) == [("Ann", "PERSON"), ("Rome", "LOCATION"), ("Noon", "TIME")]
    report = Report("conll")
    star, = read_conll([path], report=report, labels=LabelMap.from_json(
        {"entities": {"LOC": "LOCATION", "*": None}}))
    assert mentions(star) == [("Rome", "LOCATION")]
    assert star.layers.entities.labels == ("LOCATION",)
    other, = read_conll([path], labels=LabelMap.from_json({"entities": {"*": "OBJECT"}}))
    assert [m.label for m in other.entities] == ["OBJECT"] * 3
    assert report.to_dict()["dropped"] == [
        {"layer": "entities", "label": "PERSON", "reason": "mapped to null by '*'", "count": 1},
        {"layer": "entities", "label": "TIME", "reason": "mapped to null by '*'", "count": 1}]


@pytest.mark.parametrize(("content", "code", "line"), [
    ("Ann B-PER\nran XO\n", "convert-malformed", 2),          # a tag of no scheme
    ("Ann B-\n", "convert-malformed", 1),                    # a prefix without a label
    ("Ann NNP B-PER\nran O\n", "convert-malformed", 2),       # fewer columns than the first line
    ("Ann\n", "convert-malformed", 1),                        # a token without a tag
    ("Ann B-PER\n\xff\n", "invalid-utf8", 2),                 # bytes that are no UTF-8
])
def test_malformed_lines_are_coded_errors_with_file_and_line(tmp_path, content, code, line):
    path = tmp_path / "bad.conll"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(DatelineError) as err:
        read_conll([path])
    assert err.value.code == code
    assert err.value.where == f"{path}:{line}"


def test_documents_with_one_id_are_refused(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text("# id = x\nAnn B-PERSON\n\n# id = x\nBo B-PERSON\n")
    with pytest.raises(DatelineError) as err:
        read_conll([path])
    assert err.value.code == "convert-duplicate-id" and err.value.where == f"{path}:4"


def test_the_command_writes_documents_and_the_report(tmp_path, capsys):
    out, rep = tmp_path / "out.jsonl", tmp_path / "report.json"
    assert main(["convert", "conll", str(DATA / "iob1.conll"), "-o", str(out), "--map",
                 str(DATA / "map.json"), "--source", "demo-ner", "--annotators", "ann1,ann2",
                 "--status", "draft", "--report", str(rep)]) == 0
    printed = capsys.readouterr().out
    assert "2 documents converted from conll" in printed
    assert "entities: 8 (LOCATION 2, ORGANIZATION 3, PERSON 3)" in printed
    assert "dropped 1 entities 'MISC': mapped to null" in printed
    docs = list(read_jsonl(out))
    info = docs[0].layers.entities
    assert (info.status, info.source, info.annotators) == ("draft", "demo-ner", ("ann1", "ann2"))
    assert docs[0].meta.collection == "demo-ner"
    assert json.loads(rep.read_text())["items"]["entities"]["PERSON"] == 3
    assert main(["validate", str(out)]) == 0


def test_a_missing_input_and_no_input_are_usage_errors(tmp_path, capsys):
    assert main(["convert", "conll", str(tmp_path / "nope.conll"), "-o",
                 str(tmp_path / "o.jsonl")]) == 2
    assert "[no-such-file]" in capsys.readouterr().err
    with pytest.raises(DatelineError) as err:
        convert("conll", [])
    assert err.value.code == "convert-no-input"


def test_provenance_flags_are_checked():
    with pytest.raises(DatelineError) as err:
        Provenance(status="platinum")
    assert err.value.code == "bad-option"

