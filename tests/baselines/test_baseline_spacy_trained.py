"""``spacy-trained``: spaCy's own training on a tiny invented set (a few steps, seconds), its
model folder written atomically in spaCy's format, and its coded errors.

A full training on the corpus takes minutes: it runs only with DATELINE_SPACY_TRAIN_FULL=1."""

from __future__ import annotations

import os
from itertools import pairwise

import pytest
from baseline_fixtures import TRAIN

from dateline.baselines import get_extractor
from dateline.baselines.spacy_trained import PIPELINE_DIR, SpacyTrained, training_spans
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, check_document


@pytest.fixture(scope="module")
def tiny() -> SpacyTrained:
    ext = get_extractor("spacy-trained", max_steps=4, eval_frequency=2)
    assert isinstance(ext, SpacyTrained)
    report = ext.train(TRAIN * 3, TRAIN)
    assert report["train_documents_used"] == 12 and report["max_steps"] == 4
    assert "PERSON/named" in report["labels"]
    return ext


def test_tiny_training_predicts_valid_documents(tiny) -> None:
    out = tiny.extract(Document(id="d", text="Ann Lee met Bob Day in Rome on Monday."))
    assert check_document(out) == []
    assert out.layers.entities.status == "silver"
    assert out.layers.entities.source == "spacy-trained@0.1.0"
    assert set(out.layers.entities.labels) == {"LOCATION", "ORGANIZATION", "PERSON"}
    assert all(m.kind in ("named", "nominal", "pronoun") for m in out.entities)


def test_saved_in_spacys_format_atomically_and_loaded_back(tiny, tmp_path) -> None:
    tiny.save(tmp_path)
    tiny.save(tmp_path)  # replacing a saved pipeline leaves no staging folder behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [PIPELINE_DIR]
    files = {p.name for p in (tmp_path / PIPELINE_DIR).iterdir()}
    assert {"config.cfg", "meta.json", "ner", "tok2vec"} <= files
    assert not any(p.suffix in (".pkl", ".pickle") for p in (tmp_path / PIPELINE_DIR).rglob("*"))
    again = SpacyTrained()
    again.load(tmp_path)
    doc = Document(id="d", text="Carl Berg left Oslo.")
    assert again.extract(doc) == tiny.extract(doc)


def test_unreadable_model_and_unusable_training_data_are_coded(tmp_path) -> None:
    with pytest.raises(DatelineError) as err:
        SpacyTrained().load(tmp_path)
    assert err.value.code == "model-unreadable"
    partial = [d.model_copy(update={"layers": Layers(entities=LayerInfo(
        status="gold", regions=(), coverage="partial"))}) for d in TRAIN]
    with pytest.raises(DatelineError) as err:
        SpacyTrained(max_steps=1).train(partial, partial)
    assert err.value.code == "no-training-data"


def test_training_spans_never_overlap() -> None:
    spans = training_spans(TRAIN[3])
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    assert {label for *_, label in spans} == {"LOCATION/named", "PERSON/named"}


@pytest.mark.skipif(os.environ.get("DATELINE_SPACY_TRAIN_FULL") != "1",
                    reason="full training on the corpus takes minutes")
def test_full_training_on_the_corpus_learns_names() -> None:
    from dateline import loading

    ext = SpacyTrained()
    report = ext.train(list(loading.documents("train")), list(loading.documents("validation")))
    assert report["validation_ents_f"] > 0.2
