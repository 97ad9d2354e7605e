"""The spacy adapter (skipped without spaCy's model), events-rules and crf behaviour."""

from __future__ import annotations

import pytest
from baseline_fixtures import TRAIN

from dateline.baselines import get_extractor
from dateline.baselines.events import EventRules
from dateline.baselines.spacy_ner import mapping
from dateline.schemas import DatelineError, Document, check_document, inventory


def test_ontonotes_mapping_targets_our_labels() -> None:
    ours = set(inventory().entity_labels)
    assert {v for v in mapping().values() if v is not None} <= ours
    assert mapping()["GPE"] == mapping()["FAC"] == "LOCATION"
    assert mapping()["NORP"] is None


def test_spacy_adapter_maps_labels() -> None:
    try:
        ext = get_extractor("spacy")
    except DatelineError as err:
        pytest.skip(f"spaCy model not installed: {err}")
    out = ext.extract(Document(id="d", text="Angela Merkel spoke in Berlin on Monday."))
    assert [(m.text, m.label, m.source_label) for m in out.entities] == [
        ("Angela Merkel", "PERSON", "PERSON"), ("Berlin", "LOCATION", "GPE"),
        ("Monday", "TIME", "DATE")]
    assert check_document(out) == []
    assert out.layers.entities.source.startswith("spacy@")


def test_spacy_model_name_is_a_setting() -> None:
    with pytest.raises(DatelineError) as err:
        get_extractor("spacy", model="no_such_spacy_pipeline_xyz")
    assert err.value.code == "extractor-unavailable"


def test_events_rules_keywords_without_training() -> None:
    out = EventRules().extract(Document(id="d", text="Rebels attacked the town. Talks failed."))
    assert [(e.trigger.text, e.type) for e in out.events] == [
        ("attacked", "Conflict.Attack"), ("Talks", "Contact.Meet")]
    assert check_document(out) == []


def test_events_rules_learns_and_tunes_on_validation(tmp_path) -> None:
    rules = EventRules()
    report = rules.train(TRAIN * 2, TRAIN)
    assert report["learned_forms"] >= 3 and 0 <= report["validation_f1"] <= 1
    rules.save(tmp_path)
    again = EventRules()
    again.load(tmp_path)
    doc = Document(id="d", text="Ann Lee left Oslo.")
    assert again.extract(doc) == rules.extract(doc)
    # "left" is an untyped trigger in train: learned without a type.
    assert [(e.trigger.text, e.type) for e in rules.extract(doc).events] == [("left", None)]


def test_crf_learns_the_tiny_training_set(extractors) -> None:
    crf = extractors["crf"]
    out = crf.extract(Document(id="d", text="Ann Lee met Bob Day in Rome on Monday."))
    assert ("Ann Lee", "PERSON") in [(m.text, m.label) for m in out.entities]
    assert [e.trigger.text for e in out.events] == ["met"]
    assert out.layers.entities.source == f"crf@{crf.version}"
    assert check_document(out) == []


def test_crf_predicts_the_same_trained_or_loaded(extractors, tmp_path) -> None:
    """A model used right after training and the same model saved and loaded agree (the
    order rule for spans both entity models tag is tested with fixed taggers below)."""
    from dateline.baselines import get_extractor

    crf = extractors["crf"]
    crf.save(tmp_path)
    loaded = get_extractor("crf")
    loaded.load(tmp_path)
    loaded._taggers = dict(reversed(list(loaded._taggers.items())))
    docs = [*TRAIN, Document(id="x", text="Bob Day met Ann Lee in Oslo. Zed Inc left Rome.")]
    for doc in docs:
        bare = Document(id=doc.id, text=doc.text)
        assert loaded.extract(bare) == crf.extract(bare)


class _FixedTagger:
    """A stand-in CRFsuite tagger that tags every sentence with the same tags."""

    def __init__(self, first: str) -> None:
        self.first = first

    def tag(self, feats) -> list[str]:
        return [self.first] + ["O"] * (len(feats) - 1)


def test_crf_outer_model_wins_a_span_both_entity_models_tag(extractors, tmp_path) -> None:
    from dateline.baselines import get_extractor

    extractors["crf"].save(tmp_path)
    crf = get_extractor("crf")
    crf.load(tmp_path)
    crf._use = ("entities-outer", "entities-inner")
    doc = Document(id="d", text="Ann met Bo.")
    for order in (("entities-inner", "entities-outer"), ("entities-outer", "entities-inner")):
        crf._taggers = {m: _FixedTagger("B-ORGANIZATION" if m == "entities-inner" else
                                        "B-PERSON") for m in order}
        assert [(m.text, m.label) for m in crf.extract(doc).entities] == [("Ann", "PERSON")]
