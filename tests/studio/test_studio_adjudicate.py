"""Adjudication says what it does not know: a majority of two annotators who disagree leaves
layers of partial coverage (scored for recall, never precision), lists the conflicts, and an
adjudicator nobody knows is an error that names the annotators."""

import json

import pytest

from dateline.cli import main
from dateline.evaluation import score_entities
from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl
from dateline.schemas.standoff import from_standoff
from dateline.studio.adjudicate import adjudicate
from dateline.studio.convert import tasks_documents
from dateline.studio.files import write_pulled

TEXT = "Ann met Bo in Rome."
LAYERS = Layers(entities=LayerInfo(status="gold", labels=("PERSON", "LOCATION")),
                quotes=LayerInfo(status="gold", labels=("direct",)))


def _doc(*spans):
    return Document(id="d", text=TEXT, layers=LAYERS, entities=tuple(
        Mention(id=f"m{k}", start=s, end=e, text=TEXT[s:e], label=lab)
        for k, (s, e, lab) in enumerate(spans)))


def test_a_majority_of_two_with_conflicts_is_partial_gold():
    # Both mark Ann; only "a" marks Bo, only "b" marks Rome: two conflicts.
    merged = adjudicate({"a": _doc((0, 3, "PERSON"), (8, 10, "PERSON")),
                         "b": _doc((0, 3, "PERSON"), (14, 18, "LOCATION"))}, policy="majority")
    assert [m.text for m in merged.doc.entities] == ["Ann"]
    assert sorted(c.item for c in merged.conflicts) == ["LOCATION 'Rome' [14, 18)",
                                                         "PERSON 'Bo' [8, 10)"]
    info = merged.doc.layers.entities
    assert (info.status, info.coverage) == ("gold", "partial")
    assert merged.doc.layers.quotes.coverage == "exhaustive"  # no conflict there
    assert merged.partial_layers == ["entities"]
    # A system that finds Bo and Rome is not punished for them: no precision is read.
    pred = _doc((0, 3, "PERSON"), (8, 10, "PERSON"), (14, 18, "LOCATION"))
    scores = score_entities([merged.doc], [pred])
    assert scores.mode_counts("strict")["spurious"] == 0
    assert scores.scores("strict")["precision"] is None


def test_agreeing_annotators_give_exhaustive_gold():
    merged = adjudicate({"a": _doc((0, 3, "PERSON")), "b": _doc((0, 3, "PERSON"))},
                        policy="majority")
    assert merged.conflicts == [] and merged.partial_layers == []


def _pulled(tmp_path):
    def ann(ann_id, user, end):
        return {"id": ann_id, "completed_by": {"id": user, "email": f"user{user}@example.org"},
                "result": [{"id": "m1", "type": "labels", "from_name": "entity",
                            "to_name": "text", "value": {"start": 0, "end": end,
                                                         "text": TEXT[:end],
                                                         "labels": ["PERSON"]}}]}
    task = {"id": 1, "project": 1, "data": {"text": TEXT, "doc_id": "d"},
            "annotations": [ann(1, 1, 3), ann(2, 2, 7)]}
    write_pulled(tasks_documents([task]), tmp_path / "pulled")
    write_jsonl([Document(id="d", text=TEXT)], tmp_path / "docs.jsonl")
    return ["adjudicate", str(tmp_path / "pulled"), "--documents", str(tmp_path / "docs.jsonl"),
            "--out", str(tmp_path / "out")]


def test_the_command_writes_partial_layers_and_the_conflicts(tmp_path, capsys):
    args = _pulled(tmp_path)
    assert main([*args, "--policy", "majority", "--conflicts", str(tmp_path / "c.json")]) == 0
    out = capsys.readouterr().out
    assert "2 conflicts for review (1 document with layers of partial coverage" in out
    data = json.loads((tmp_path / "out" / "d.json").read_text())
    doc = from_standoff(data, TEXT, where="d.json")
    assert doc.layers.entities.coverage == "partial" and doc.entities == ()
    assert len(json.loads((tmp_path / "c.json").read_text())) == 2


def test_an_unknown_adjudicator_is_an_error_naming_the_annotators(tmp_path, capsys, pseudo):
    args = _pulled(tmp_path)
    code = main([*args, "--policy", "adjudicator", "--adjudicator", "usr1@example.org"])
    err = capsys.readouterr().err
    assert code == 2 and "[unknown-adjudicator]" in err
    assert pseudo("user1@example.org") in err and pseudo("user2@example.org") in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["user1@example.org", "USER1@example.org", None])
def test_the_adjudicator_is_named_by_address_or_pseudonym(tmp_path, capsys, pseudo, name):
    args = _pulled(tmp_path)
    name = name or pseudo("user1@example.org")
    assert main([*args, "--policy", "adjudicator", "--adjudicator", name]) == 0
    data = json.loads((tmp_path / "out" / "d.json").read_text())
    assert data["entities"][0]["end"] == 3  # user 1's version
    assert data["layers"]["entities"].get("coverage", "exhaustive") == "exhaustive"


def _clustered(*clusters):
    text = "Ann met Bo. She left; he stayed."
    spans = [(0, 3), (8, 10), (12, 15), (22, 24)]  # Ann, Bo, She, he
    return Document(id="d", text=text, layers=LAYERS, entities=tuple(
        Mention(id=f"m{k}", start=s, end=e, text=text[s:e], label="PERSON", entity=c)
        for k, ((s, e), c) in enumerate(zip(spans, clusters, strict=True))))


def test_coreference_clusters_are_merged_by_majority():
    # a and b: Ann = She, Bo = he; c: Ann = She = he (wrong), Bo alone
    merged = adjudicate({"a": _clustered("x", "y", "x", "y"), "b": _clustered("p", "q", "p", "q"),
                         "c": _clustered("k", None, "k", "k")}, policy="majority")
    assert [m.entity for m in merged.doc.entities] == ["e1", "e2", "e1", "e2"]
    assert sorted(c.item for c in merged.conflicts) == [
        "coreference of 'Ann' and 'he'", "coreference of 'She' and 'he'"]


def test_two_annotators_who_cluster_differently_leave_the_pair_unresolved():
    merged = adjudicate({"a": _clustered("x", None, "x", None),
                         "b": _clustered("p", None, None, None)}, policy="majority")
    assert [m.entity for m in merged.doc.entities] == [None] * 4
    assert [c.item for c in merged.conflicts] == ["coreference of 'Ann' and 'She'"]
    assert merged.partial_layers == ["entities"]
