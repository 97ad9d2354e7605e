"""Coreference clusters and entity links travel through Label Studio and back exactly, and a
cluster id in the wrong place is a located problem."""

import pytest

from dateline.schemas import Document, Mention, Quote, Span
from dateline.studio.config import labeling_config
from dateline.studio.convert import task_documents
from dateline.studio.results import results_document
from dateline.studio.tasks import document_task

TEXT = "Ann Lee arrived. “We stay,” she said. Lee’s firm, Acme, agreed."


def _doc():
    def m(mid, text, label, entity=None, link=None, start=None):
        s = TEXT.index(text) if start is None else start
        return Mention(id=mid, start=s, end=s + len(text), text=text, label=label,
                       entity=entity, link=link)

    return Document(id="d", text=TEXT, entities=(
        m("m1", "Ann Lee", "PERSON", "e1", "Q123"),
        m("m2", "she", "PERSON", "e1"),
        m("m3", "Lee", "PERSON", "e1", start=TEXT.index("Lee’s")),
        m("m4", "Acme", "ORGANIZATION", "e2", "https://en.wikipedia.org/wiki/Acme"),
        m("m5", "firm", "ORGANIZATION", "e2")), quotes=(Quote(
            id="q1", content=(Span(start=18, end=25, text=TEXT[18:25]),), speaker="m2",
            kind="direct"),))


def test_clusters_and_links_round_trip_exactly():
    doc = _doc()
    task = dict(document_task(doc), id=1, project=1)
    [pulled] = task_documents(task)
    assert pulled.problems == ()
    assert pulled.doc.entities == doc.entities and pulled.doc.quotes == doc.quotes
    # the speaker at entity level: the quote's speaker mention is in cluster e1
    speaker = pulled.doc.mention(pulled.doc.quotes[0].speaker)
    assert speaker.entity == "e1"


def test_the_config_offers_the_two_text_boxes_for_entity_regions():
    xml = labeling_config()
    assert '<TextArea name="entity_cluster" toName="text" perRegion="true"' in xml
    assert '<TextArea name="entity_link" toName="text" perRegion="true"' in xml


def _box(rid, control="entity_cluster", values=("e1",)):
    return {"id": rid, "type": "textarea", "from_name": control, "to_name": "text",
            "value": {"start": 0, "end": 3, "text": list(values)}}


def _region(rid="m1", control="entity", label="PERSON"):
    return {"id": rid, "type": "labels", "from_name": control, "to_name": "text",
            "value": {"start": 0, "end": 3, "text": "Ann", "labels": [label]}}


@pytest.mark.parametrize(("result", "check", "path"), [
    ([_region(), _box("m1", values=())], "studio-label-count", "$.result[1].value.text"),
    ([_region(), _box("m1", values=("e1", "e2"))], "studio-label-count",
     "$.result[1].value.text"),
    ([_region(), _box("m1", values=("  ",))], "studio-label-count", "$.result[1].value.text"),
    ([_region(), _box("m1", control="cluster")], "studio-unknown-control",
     "$.result[1].from_name"),
    ([_region(), _box("m9")], "studio-dangling-relation", "$.result[1].id"),
    ([_region("v1", "event", "Conflict.Attack"), _box("v1")], "studio-relation-kinds",
     "$.result[1].from_name"),
    ([_region(), _box("m1"), _box("m1", values=("e2",))], "studio-label-count",
     "$.result[2].id"),
])
def test_a_misplaced_cluster_id_is_a_located_problem(result, check, path):
    conv = results_document({"text": "Ann left.", "doc_id": "d"}, result, where="task 1")
    assert conv.doc is None
    assert [(i.check, i.path) for i in conv.problems] == [(check, path)]


def test_an_annotation_without_clusters_declares_coreference_not_annotated():
    plain = _doc().model_copy(update={"entities": tuple(
        m.model_copy(update={"entity": None, "link": None}) for m in _doc().entities)})
    [pulled] = task_documents(dict(document_task(plain), id=1, project=1))
    assert pulled.doc.layers.entities.not_annotated == ("coreference", "link")
    [pulled] = task_documents(dict(document_task(_doc()), id=1, project=1))
    assert pulled.doc.layers.entities.not_annotated == ()
