"""The label inventory and the generated JSON Schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from dateline.schemas import Document, inventory
from dateline.schemas.jsonschema import SCHEMA_FILE, document_schema, render
from dateline.schemas.labels import labels_json

DATA = Path(__file__).parent.parent / "data"


def test_json_schema_file_is_up_to_date() -> None:
    """Golden test: regenerate with `make schemas` after changing the model."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), (
        "schemas/document.schema.json is stale: run `make schemas` and commit it")


def test_schema_fields_are_exactly_the_design() -> None:
    defs = document_schema()["$defs"]
    assert set(Document.model_fields) == {
        "id", "text", "meta", "entities", "events", "quotes", "layers"}
    assert set(defs["Mention"]["properties"]) == {
        "id", "start", "end", "text", "label", "kind", "entity", "link", "source_label"}
    assert set(defs["Event"]["properties"]) == {
        "id", "trigger", "type", "arguments", "attributes", "source_label"}
    assert set(defs["Quote"]["properties"]) == {
        "id", "content", "cue", "speaker", "speaker_span", "kind"}
    assert set(defs["LayerInfo"]["properties"]) == {
        "status", "source", "annotators", "guidelines", "labels", "regions",
        "coverage", "not_annotated"}
    assert set(defs["Meta"]["properties"]) == {
        "title", "publisher", "url", "published", "language", "genre", "collection",
        "license", "annotation_license", "attribution", "text_rule", "sentences"}


def test_examples_validate_against_the_json_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    doc = json.loads((DATA / "valid" / "example.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    bad = json.loads((DATA / "invalid" / "unknown-label.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_inventory_is_the_design() -> None:
    inv = inventory()
    assert inv.entity_labels == (
        "PERSON", "ORGANIZATION", "LOCATION", "PRODUCT", "FINANCIAL", "EVENT", "TIME",
        "OBJECT", "ABSTRACT", "SUBSTANCE", "ANIMAL", "PLANT")
    assert inv.core_entity_labels == ("PERSON", "ORGANIZATION", "LOCATION")
    assert inv.mention_kinds == ("named", "nominal", "pronoun")
    assert inv.quote_kinds == ("direct", "indirect", "mixed")
    assert inv.layer_statuses == ("gold", "draft", "silver", "absent")
    types = {t.split(".")[0] for t in inv.event_types}
    assert types == {"Life", "Movement", "Transaction", "Business", "Conflict", "Contact",
                     "Personnel", "Justice"}
    assert len(inv.event_types) == 33
    assert inv.event_roles["Conflict.Attack"] == (
        "Attacker", "Target", "Instrument", "Time", "Place")
    assert inv.event_roles["Justice.Sentence"] == (
        "Defendant", "Adjudicator", "Crime", "Sentence", "Time", "Place")


def test_every_label_has_a_definition_and_a_version() -> None:
    data = labels_json()
    for key, items in data.items():
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            continue
        for item in items:
            assert item["definition"].strip(), (key, item["name"])
            # 0.1.0: the first inventory; 0.2.0: layer parts (LayerInfo.not_annotated)
            assert item["since"] == (
                "0.2.0" if key in ("layer_parts", "layer_coverages") else "0.1.0"), (
                key, item["name"])
    roles = {r for t in data["event_types"] for r in t["roles"]}
    assert roles == {r["name"] for r in data["event_roles"]}
    names = [item["name"] for key in ("entity_labels", "event_types") for item in data[key]]
    assert len(names) == len(set(names))
