"""Adjudicated stand-off annotations in corpus/annotations/ are applied by the next build."""

import json

import pytest

from dateline.annotations import apply_annotations
from dateline.build import build
from dateline.loading import documents
from dateline.schemas import DatelineError, LayerInfo, standoff_json
from dateline.schemas.standoff import text_sha256
from dateline.sources.seed import DOC_ID as SEED_ID

SPLITS = ("train", "validation", "test")


def corpus_docs(corpus):
    return {d.id: d for sp in SPLITS for d in documents(sp, corpus=corpus)}


def lines_by_id(corpus, config):
    out = {}
    for f in sorted((corpus / "data" / config).glob("*.jsonl")):
        for line in f.read_text("utf-8").splitlines():
            out[json.loads(line)["id"]] = line
    return out


@pytest.fixture(scope="module")
def docs(built):
    return corpus_docs(built[0])


@pytest.fixture(scope="module")
def target(docs):
    """The smallest GUM document with a named PERSON mention, and an adjudicated version of
    its entity layer: that mention relabelled, new provenance; events and quotes absent (kept)."""
    doc = min((d for d in docs.values() if d.meta.collection == "gum"
               and any(m.label == "PERSON" and m.kind == "named" for m in d.entities)),
              key=lambda d: len(d.text))
    k = next(i for i, m in enumerate(doc.entities) if m.label == "PERSON" and m.kind == "named")
    entities = list(doc.entities)
    entities[k] = entities[k].model_copy(update={"label": "ORGANIZATION"})
    info = doc.layers.entities.model_copy(update={
        "status": "gold", "annotators": ("ann-a", "ann-b"),
        "source": "adjudicator ann-a: labelstudio:project/1/task/7/annotation/9"})
    ann = doc.model_copy(update={
        "entities": tuple(entities),
        "events": (), "quotes": (),
        "layers": doc.layers.model_copy(update={"entities": info, "events": LayerInfo(),
                                                "quotes": LayerInfo()})})
    return doc, ann


def test_next_build_applies_it_to_that_document_only(built, target, docs, tmp_path,
                                                     sources_dir, make_corpus):
    doc, ann = target
    corpus = make_corpus(tmp_path / "corpus")
    (corpus / "annotations" / f"{doc.id}.json").write_text(standoff_json(ann), "utf-8")
    # a raw pull of another document is not a corpus annotation
    (corpus / "annotations" / "labelstudio" / "x").mkdir(parents=True)
    (corpus / "annotations" / "labelstudio" / "x" / "a.json").write_text("{}")
    build(corpus, sources_dir, update=True)  # the output changes: MANIFEST of this copy only
    after = corpus_docs(corpus)
    new = after[doc.id]
    assert new.entities == ann.entities and new.layers.entities == ann.layers.entities
    # absent layers of the annotation leave the source's layers as they were
    assert new.events == doc.events and new.quotes == doc.quotes
    assert new.layers.events == doc.layers.events and new.layers.quotes == doc.layers.quotes
    assert new.text == doc.text and new.meta == doc.meta
    assert {i for i in after if after[i] != docs[i]} == {doc.id}
    for config in ("default", "tokens"):
        before, now = lines_by_id(built[0], config), lines_by_id(corpus, config)
        assert before.keys() == now.keys()
        assert {i for i in now if now[i] != before[i]} <= {doc.id}
    assert lines_by_id(corpus, "default")[doc.id] != lines_by_id(built[0], "default")[doc.id]


def test_unknown_document_fails_the_build(tmp_path, sources_dir, make_corpus, target):
    _, ann = target
    corpus = make_corpus(tmp_path / "corpus")
    path = corpus / "annotations" / "gum_news_nonesuch.json"
    path.write_text(standoff_json(ann.model_copy(update={"id": "gum_news_nonesuch"})))
    with pytest.raises(DatelineError) as exc:
        build(corpus, sources_dir, update=True)
    assert exc.value.code == "annotation-unknown-document"
    assert str(path) in exc.value.where and "corpus/splits" in exc.value.fix
    assert not (corpus / "data").exists()


def _apply(tmp_path, docs, name, data):
    (tmp_path / name).write_text(json.dumps(data) if isinstance(data, dict) else data)
    with pytest.raises(DatelineError) as exc:
        apply_annotations(list(docs.values()), tmp_path)
    assert str(tmp_path / name) in exc.value.where and exc.value.fix
    return exc.value


def test_changed_text_is_a_coded_error(tmp_path, docs, target):
    doc, ann = target
    data = json.loads(standoff_json(ann))
    data["text_sha256"] = text_sha256(doc.text + " ")
    err = _apply(tmp_path, docs, f"{doc.id}.json", data)
    assert err.code == "annotation-text-changed"
    assert text_sha256(doc.text)[:12] in err.message


def test_partial_replacement_leaving_dangling_ids_is_refused(tmp_path, docs):
    doc = next(d for d in docs.values() if any(q.speaker for q in d.quotes))
    ann = doc.model_copy(update={"entities": (), "layers": doc.layers.model_copy(
        update={"events": LayerInfo(), "quotes": LayerInfo()})})
    err = _apply(tmp_path, docs, f"{doc.id}.json", json.loads(standoff_json(ann)))
    assert err.code == "annotation-invalid" and "dangling-mention-id" in err.message


def test_files_holding_text_or_misnamed_are_refused(tmp_path, docs, target):
    _, ann = target
    err = _apply(tmp_path, docs, f"{ann.id}.json", ann.model_dump_json())
    assert err.code == "annotation-not-standoff"
    (tmp_path / f"{ann.id}.json").unlink()
    err = _apply(tmp_path, docs, "other-name.json", json.loads(standoff_json(ann)))
    assert err.code == "annotation-file-name"


def test_founding_article_file_is_left_to_its_importer(tmp_path, docs, repo):
    (tmp_path / f"{SEED_ID}.json").write_bytes(
        (repo / "corpus" / "annotations" / f"{SEED_ID}.json").read_bytes())
    assert apply_annotations(list(docs.values()), tmp_path) == list(docs.values())
