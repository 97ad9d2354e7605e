"""Licences per document: SPDX identifiers for the text and the annotation, and the card."""

import re

import pytest
import yaml

from dateline.card import LICENSES, card_licenses
from dateline.loading import documents
from dateline.schemas import DatelineError, Document, Meta

ALLOWED = {"CC-BY-2.5", "CC-BY-4.0", "NOASSERTION"}
EXPECTED = {"gum": ("CC-BY-2.5", "CC-BY-4.0"), "meantime": ("CC-BY-2.5", "CC-BY-4.0"),
            "seed": ("NOASSERTION", "CC-BY-4.0")}


def all_docs(corpus):
    return [d for sp in ("train", "validation", "test") for d in documents(sp, corpus=corpus)]


def test_every_document_has_spdx_licences(built):
    corpus, _ = built
    docs = all_docs(corpus)
    assert len(docs) >= 160 and set(LICENSES) == ALLOWED
    for d in docs:
        pair = (d.meta.license, d.meta.annotation_license)
        assert set(pair) <= ALLOWED, (d.id, pair)
        assert all(re.fullmatch(r"[A-Za-z0-9.-]+", x) for x in pair)
        assert pair == EXPECTED[d.meta.collection], d.id


def test_the_card_lists_every_licence(built):
    corpus, _ = built
    text = (corpus / "README.md").read_text()
    card = yaml.safe_load(text.split("---\n")[1])
    assert card["license"] == ["cc-by-2.5", "cc-by-4.0", "unknown"]
    table = text[text.index("<!-- licenses:start"):text.index("<!-- licenses:end")]
    for source, (text_lic, ann_lic) in EXPECTED.items():
        assert re.search(rf"\| {source} \| [\d,]+ \| `{text_lic}` \| `{ann_lic}` \|", table)


def test_an_unknown_licence_is_refused():
    doc = Document(id="d", text="x", meta=Meta(license="CC BY 4.0", annotation_license="MIT"))
    with pytest.raises(DatelineError) as exc:
        card_licenses([doc])
    assert exc.value.code == "license-unknown" and exc.value.where == "d $.meta.license"
