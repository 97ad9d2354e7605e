"""The card describes every field, shows an example instance that is a valid Document, and has
the sections a dataset card needs (tasks and protocol, personal information, curators,
licences per source)."""

import re
from pathlib import Path

from dateline.card_fields import FIELDS, example_document, example_section, feature_paths
from dateline.hf import from_hf, to_hf
from dateline.schemas import validate_paths, write_jsonl

REPO = Path(__file__).resolve().parents[2]


def test_every_field_of_both_configs_is_described():
    paths = feature_paths()
    assert len(paths) == len(set(paths)) > 90
    assert [p for p in paths if p not in FIELDS] == []
    assert [p for p in FIELDS if p not in paths] == []
    assert all(len(text) > 3 for text in FIELDS.values())


def test_example_instance_is_a_valid_document_with_every_layer(tmp_path):
    doc = example_document()
    write_jsonl([doc], tmp_path / "example.jsonl")
    report = validate_paths([tmp_path / "example.jsonl"], level=3)
    assert report.valid, [str(i) for i in report.incidents]
    assert doc.entities and doc.events and doc.events[0].arguments and doc.quotes
    assert from_hf(to_hf(doc)) == doc
    content = doc.quotes[0].content[0].text
    assert content[0].isalnum() and content[-1].isalnum()  # the corpus's content convention


def test_built_card_has_the_sections_of_a_dataset_card(built):
    corpus, _ = built
    card = (corpus / "README.md").read_text("utf-8")
    for heading in ("## Dataset structure", "### Fields", "### Example instance",
                    "## Supported tasks and evaluation protocol",
                    "## Personal and sensitive information", "## Curators",
                    "## Licensing and attribution", "## Citation"):
        assert f"\n{heading}\n" in card, heading
    assert example_section() in card
    assert "| default | `quotes.speaker` | string |" in card
    assert "real, named people" in card
    # licences per source, as SPDX identifiers
    table = card[card.index("<!-- licenses:start"):card.index("<!-- licenses:end")]
    for source in ("gum", "meantime", "seed"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {source} |"))
        assert re.search(r"`(CC-BY-\d\.\d|NOASSERTION)` \| `CC-BY-4\.0`", row), row
