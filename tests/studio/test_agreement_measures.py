"""Agreement measures and adjudication on hand-made annotations (no server)."""

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from dateline.baselines.tokens import grapheme_tokens
from dateline.evaluation.agreement import agreement as _agreement
from dateline.evaluation.agreement import token_labels
from dateline.schemas import Document, LayerInfo, Layers, Mention, check_document, write_jsonl
from dateline.schemas.standoff import from_standoff, is_standoff, standoff_json
from dateline.studio.adjudicate import adjudicate
from dateline.studio.convert import tasks_documents
from dateline.studio.sync import read_pulled, write_pulled

# The tokenizer the `agreement` command uses.
agreement = partial(_agreement, tokenizer=grapheme_tokens)

DATA = Path(__file__).parents[1] / "data" / "studio"
TEXT = "Ann Lee met Bo Chan in Rome on Monday."
SPANS = {"Ann Lee": "PERSON", "Bo Chan": "PERSON", "Rome": "LOCATION", "Monday": "TIME"}


def ann(who, labels, doc_id="d1", status="gold"):
    ents = []
    for i, (sub, lab) in enumerate(labels.items()):
        s = TEXT.index(sub)
        ents.append(Mention(id=f"m{i}", start=s, end=s + len(sub), text=sub, label=lab))
    info = LayerInfo(status=status, labels=("PERSON", "LOCATION", "TIME", "ORGANIZATION"),
                     source=f"labelstudio:project/1/task/1/annotation/{who}", annotators=(who,))
    return Document(id=doc_id, text=TEXT, entities=tuple(ents), layers=Layers(entities=info))


def test_perfect_agreement():
    r = agreement({"d1": {"a": ann("a", SPANS), "b": ann("b", SPANS)}}, layers=("entities",))
    pair = r["pairs"]["a | b"]["entities"]
    assert pair["f1"] == 1.0 and pair["kappa"] == 1.0 and pair["f1_interval"] == [1.0, 1.0]
    assert r["alpha"]["entities"]["alpha"] == 1.0


def test_kappa_and_alpha_are_the_libraries_values():
    b_labels = dict(SPANS, **{"Rome": "ORGANIZATION"})
    del b_labels["Monday"]
    a, b = ann("a", SPANS), ann("b", b_labels)
    r = agreement({"d1": {"a": a, "b": b}}, layers=("entities",))
    ta, tb = token_labels(a, "entities", grapheme_tokens(a.text)), token_labels(
        b, "entities", grapheme_tokens(b.text))
    assert r["pairs"]["a | b"]["entities"]["kappa"] == pytest.approx(cohen_kappa_score(ta, tb))
    codes = {v: i for i, v in enumerate(sorted(set(ta) | set(tb)))}
    data = np.array([[codes[t] for t in ta], [codes[t] for t in tb]], dtype=float)
    want = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert r["alpha"]["entities"]["alpha"] == pytest.approx(want)
    assert r["pairs"]["a | b"]["entities"]["f1"] == pytest.approx(2 * 2 / (4 + 3))


def test_single_and_unannotated_documents_are_counted():
    anns = {"d1": {"a": ann("a", SPANS), "b": ann("b", SPANS)},
            "d2": {"a": ann("a", SPANS, doc_id="d2")}}
    r = agreement(anns, expected=["d1", "d2", "d3"], layers=("entities",))
    assert r["documents"] == {"annotated_by_2_or_more": 1, "annotated_by_1": 1,
                              "annotated_by_none": 1, "single": ["d2"], "none": ["d3"]}


def test_missing_annotator_is_missing_not_disagreeing():
    anns = {"d1": {"a": ann("a", SPANS), "b": ann("b", SPANS)},
            "d2": {"a": ann("a", SPANS, doc_id="d2"), "c": ann("c", SPANS, doc_id="d2")}}
    r = agreement(anns, layers=("entities",))
    assert r["alpha"]["entities"]["alpha"] == 1.0
    assert set(r["pairs"]) == {"a | b", "a | c"}


def test_majority_keeps_what_most_annotators_agree_on():
    c_labels = dict(SPANS)
    del c_labels["Monday"]
    docs = {"a": ann("a", SPANS), "b": ann("b", dict(SPANS, Rome="ORGANIZATION")),
            "c": ann("c", c_labels)}
    out = adjudicate(docs, policy="majority")
    assert [(m.text, m.label) for m in out.doc.entities] == [
        ("Ann Lee", "PERSON"), ("Bo Chan", "PERSON"), ("Rome", "LOCATION"),
        ("Monday", "TIME")]
    assert [(c.item, c.annotators) for c in out.conflicts] == [
        ("ORGANIZATION 'Rome' [23, 27)", ("b",))]
    assert out.doc.layers.entities.status == "gold"
    assert out.doc.layers.entities.source.startswith("majority: labelstudio:")
    assert check_document(out.doc) == []


def test_gold_only_when_people_made_every_part():
    docs = {"a": ann("a", SPANS), "b": ann("b", SPANS, status="silver")}
    assert adjudicate(docs, policy="majority").doc.layers.entities.status == "silver"


def test_policies_that_cannot_apply_say_why():
    assert "a majority needs two" in adjudicate({"a": ann("a", SPANS)}, policy="majority").reason
    out = adjudicate({"a": ann("a", SPANS)}, policy="adjudicator", adjudicator="z")
    assert out.doc is None and "not annotated by the adjudicator z" in out.reason


def test_cli_adjudicate_is_idempotent(tmp_path):
    tasks = json.loads((DATA / "export.json").read_text("utf-8"))
    write_pulled(tasks_documents(tasks), tmp_path / "ann")
    texts = {t["data"]["doc_id"]: t["data"]["text"] for t in tasks}
    write_jsonl([Document(id=k, text=v) for k, v in texts.items()], tmp_path / "docs.jsonl")
    run = [sys.executable, "-m", "dateline", "adjudicate", str(tmp_path / "ann"), "--policy",
           "adjudicator", "--adjudicator", "user-1", "--out", str(tmp_path / "corpus"),
           "--documents", str(tmp_path / "docs.jsonl")]
    first = subprocess.run(run, capture_output=True, text=True)
    assert first.returncode == 0 and "new 1" in first.stdout, first.stderr
    path = tmp_path / "corpus" / "studio-unicode.json"
    before = path.read_bytes()
    again = subprocess.run(run, capture_output=True, text=True)
    assert "unchanged 1" in again.stdout and path.read_bytes() == before
    data = json.loads(before)
    assert is_standoff(data) and b'"text":' not in before
    doc = from_standoff(data, texts["studio-unicode"], where=str(path))
    assert doc.layers.quotes.annotators == ("user-1", "user-2")
    assert read_pulled(tmp_path / "ann", texts)["studio-unicode"]["user-1"].entities \
        == doc.entities


def test_next_build_reads_adjudicated_annotations(tmp_path):
    """What `dateline adjudicate` writes is what the build applies (dateline.annotations)."""
    from dateline.annotations import apply_annotations

    tasks = json.loads((DATA / "export.json").read_text("utf-8"))
    write_pulled(tasks_documents(tasks), tmp_path / "ann")
    texts = {t["data"]["doc_id"]: t["data"]["text"] for t in tasks}
    docs = read_pulled(tmp_path / "ann", texts)["studio-unicode"]
    merged = adjudicate(docs, policy="adjudicator", adjudicator="user-1").doc
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "studio-unicode.json").write_text(standoff_json(merged))
    source = Document(id="studio-unicode", text=texts["studio-unicode"], meta=merged.meta)
    other = Document(id="other", text="Untouched.")
    built = apply_annotations([source, other], tmp_path / "corpus")
    assert built == [merged, other]
