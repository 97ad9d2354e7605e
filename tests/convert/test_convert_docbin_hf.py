"""`dateline convert spacy` (DocBin: doc.ents, a span group, sentence boundaries) and
`dateline convert hf` (tokens config with ClassLabel names, tag strings, the default config)."""

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span

from dateline.cli import main
from dateline.convert import LabelMap, Provenance, Report, read_docbin, read_hf
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, Mention, read_jsonl

NLP = spacy.blank("en")


def invented_docbin(path: Path) -> Path:
    a = Doc(NLP.vocab, words=["Lena", "Okafor", "visited", "Velmont", ".", "She", "smiled", "."],
            spaces=[True, True, True, False, True, True, False, False],
            sent_starts=[True, False, False, False, False, True, False, False])
    a.ents = [Span(a, 0, 2, label="PER"), Span(a, 3, 4, label="GPE")]
    a.spans["sc"] = [Span(a, 0, 2, label="PER"), Span(a, 5, 6, label="PER")]
    a.user_data["id"] = "visit"
    b = Doc(NLP.vocab, words=["Jose\u0301", "sold", "Karo", "Foods", "."],
            spaces=[True, True, True, False, False])
    b.ents = [Span(b, 0, 1, label="PER"), Span(b, 2, 4, label="ORG"), Span(b, 4, 5, label="X")]
    DocBin(docs=[a, b], store_user_data=True).to_disk(path)
    return path


MAP = LabelMap.from_json({"entities": {"PER": "PERSON", "ORG": "ORGANIZATION",
                                       "GPE": "LOCATION"}})


def test_docbin_entities_span_group_sentences_and_ids(tmp_path):
    path = invented_docbin(tmp_path / "news.spacy")
    report = Report("spacy")
    visit, sale = read_docbin([path], labels=MAP, report=report)
    assert (visit.id, visit.text) == ("visit", "Lena Okafor visited Velmont. She smiled.")
    assert [(m.text, m.label) for m in visit.entities] == [("Lena Okafor", "PERSON"),
                                                           ("Velmont", "LOCATION")]
    assert [visit.text[r.start:r.end] for r in visit.meta.sentences] == [
        "Lena Okafor visited Velmont.", "She smiled."]
    assert (sale.id, [m.text for m in sale.entities]) == ("news-2", ["Jose\u0301", "Karo Foods"])
    assert sale.meta.sentences is None
    assert report.to_dict()["dropped"] == [{"layer": "entities", "label": "X",
                                            "reason": "not in the map", "count": 1}]
    grouped, _ = read_docbin([path], labels=MAP, span_group="sc", kind="named")
    assert [m.text for m in grouped.entities] == ["Lena Okafor", "Velmont", "She"]
    assert grouped.entities[0].kind == "named"
    with pytest.raises(DatelineError) as err:
        read_docbin([path], span_group="nope")
    assert err.value.code == "convert-malformed" and err.value.where == str(path)


def test_a_file_that_is_no_docbin_is_a_coded_error(tmp_path, capsys):
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(b"not a docbin")
    assert main(["convert", "spacy", str(bad), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert f"[convert-malformed] {bad}" in capsys.readouterr().err
    assert main(["convert", "spacy", str(tmp_path / "none"), "-o", str(tmp_path / "o.jsonl")]) == 2


def test_hf_tokens_config_with_classlabel_names_from_parquet(tmp_path):
    from datasets import ClassLabel, Dataset, Features, List, Value

    names = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    features = Features({"id": Value("string"), "tokens": List(Value("string")),
                         "ner_tags": List(ClassLabel(names=names))})
    ds = Dataset.from_dict({"id": ["s1", "s2"],
                            "tokens": [["Ravi", "Das", "left", "Ostrava"], ["Hi", "Jose\u0301"]],
                            "ner_tags": [[1, 2, 0, 3], [0, 2]]}, features=features)
    path = tmp_path / "train.parquet"
    ds.to_parquet(str(path))
    report = Report("hf")
    s1, s2 = read_hf([path], labels=MAP.__class__.from_json(
        {"entities": {"PER": "PERSON", "LOC": "LOCATION"}}), report=report)
    assert (s1.id, s1.text) == ("s1", "Ravi Das left Ostrava")
    assert [(m.text, m.label) for m in s1.entities] == [("Ravi Das", "PERSON"),
                                                        ("Ostrava", "LOCATION")]
    assert [m.text for m in s2.entities] == ["Jose\u0301"]
    assert report.notes["chunks opened by I-"] == 1
    assert s1.layers.entities.labels == ("PERSON", "LOCATION")


def test_hf_tokens_as_json_with_tag_strings_and_token_starts(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "r1", "tokens": ["Ann", "Lee", "ran"],
                                "token_starts": [0, 5, 9],
                                "ner_tags": ["B-PERSON", "I-PERSON", "O"]}) + "\n")
    doc, = read_hf([path])
    assert doc.text == "Ann  Lee ran"
    assert [m.text for m in doc.entities] == ["Ann  Lee"]
    path.write_text(json.dumps({"tokens": ["Ann"], "ner_tags": ["B-PERSON", "O"]}) + "\n")
    with pytest.raises(DatelineError) as err:
        read_hf([path])
    assert err.value.code == "convert-malformed" and err.value.where.endswith("row 1")


def test_hf_default_config_rows_are_documents_with_their_provenance(tmp_path):
    doc = Document(id="d1", text="Ann ran.", entities=(
        Mention(id="m1", start=0, end=3, text="Ann", label="PERSON", kind="named"),),
        layers=Layers(entities=LayerInfo(status="draft", labels=("PERSON",))))
    path = tmp_path / "docs.jsonl"
    path.write_text(doc.model_dump_json() + "\n")
    back, = read_hf([path], config="default")
    assert back == doc
    relabelled, = read_hf([path], config="default", provenance=Provenance(source="mine"))
    assert (relabelled.layers.entities.status, relabelled.layers.entities.source) == (
        "gold", "mine")
    assert relabelled.layers.events.status == "absent"
    path.write_text(json.dumps({"id": "d", "text": 3}) + "\n")
    with pytest.raises(DatelineError) as err:
        read_hf([path], config="default")
    assert err.value.code == "convert-malformed" and "$.text" in err.value.message
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n")
    with pytest.raises(DatelineError) as err:
        read_hf([bad])
    assert err.value.code == "convert-no-input"


def test_hf_command(tmp_path, capsys):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"tokens": ["Bo", "ran"], "ner_tags": ["B-PERSON", "O"]}) + "\n")
    out = tmp_path / "o.jsonl"
    assert main(["convert", "hf", str(path), "-o", str(out), "--kind", "named"]) == 0
    doc, = read_jsonl(out)
    assert doc.entities[0].kind == "named" and doc.id == f"{path} row 1"


def test_a_row_that_fails_validation_is_convert_invalid(tmp_path):
    doc = Document(id="d1", text="Ann ran.", entities=(
        Mention(id="m1", start=0, end=3, text="Ann", label="HERO"),),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    path = tmp_path / "docs.jsonl"
    path.write_text(doc.model_dump_json() + "\n")
    with pytest.raises(DatelineError) as err:
        read_hf([path], config="default")
    assert err.value.code == "convert-invalid" and "unknown-label" in err.value.message


@pytest.mark.parametrize(("name", "content"), [
    ("bad.parquet", b"garbage"),
    ("bad.jsonl", b'{"tokens": '),
    ("ints.jsonl", b'{"tokens": [1, 2], "ner_tags": ["O", "O"]}\n'),
])
def test_unreadable_hf_files_are_coded_errors(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DatelineError) as err:
        read_hf([path])
    assert err.value.code == "convert-malformed" and str(path) in err.value.where


def test_a_folder_without_data_is_a_coded_error(tmp_path):
    with pytest.raises(DatelineError) as err:
        read_hf([tmp_path])
    assert err.value.code == "convert-malformed" and err.value.where == str(tmp_path)
