"""Round trips through `dateline corpus export`: `convert conll` of the CoNLL export and
`convert spacy` of the DocBin export give back the exported mentions exactly; `convert hf` of
the Parquet export gives back the Documents."""

import json

import pytest

from dateline.convert import read_conll, read_docbin, read_hf
from dateline.export import bio_spans
from dateline.schemas import read_jsonl

SPLITS = ("train", "validation", "test")


def token_rows(corpus, split):
    path = corpus / "data" / "tokens" / f"{split}-00000-of-00001.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def documents(corpus, split):
    return list(read_jsonl(corpus / "data" / "default" / f"{split}-00000-of-00001.jsonl"))


def exported_mentions(row):
    """The exported mentions of a tokens row: (first token, end token, label)."""
    ends = {s + len(t): k for k, (s, t) in enumerate(zip(row["token_starts"], row["tokens"],
                                                         strict=True))}
    starts = {s: k for k, s in enumerate(row["token_starts"])}
    offsets = [(s, s + len(t)) for s, t in zip(row["token_starts"], row["tokens"], strict=True)]
    return [(starts[a], ends[b] + 1, lab) for a, b, lab in bio_spans(offsets, row["ner_tags"])]


@pytest.mark.parametrize("split", SPLITS)
def test_conll_export_converts_back_to_its_mentions(exported, built_corpus, split):
    rows = token_rows(built_corpus, split)
    docs = read_conll([exported / "conll" / f"{split}.conll"])
    assert [d.id for d in docs] == [r["id"] for r in rows]
    total = 0
    for doc, row in zip(docs, rows, strict=True):
        assert doc.text.split() == row["tokens"]
        want = [(" ".join(row["tokens"][a:b]), lab) for a, b, lab in exported_mentions(row)]
        assert [(m.text, m.label) for m in doc.entities] == want
        total += len(want)
    assert total > 0


@pytest.mark.parametrize("split", SPLITS)
def test_docbin_export_converts_back_to_its_mentions_at_the_same_offsets(exported, built_corpus,
                                                                       split):
    rows = {r["id"]: r for r in token_rows(built_corpus, split)}
    texts = {d.id: d.text for d in documents(built_corpus, split)}
    docs = read_docbin([exported / "docbin" / f"{split}.spacy"])
    assert sorted(d.id for d in docs) == sorted(rows)
    for doc in docs:
        row = rows[doc.id]
        assert doc.text == texts[doc.id]
        offsets = [(s, s + len(t)) for s, t in zip(row["token_starts"], row["tokens"],
                                                   strict=True)]
        assert [(m.start, m.end, m.label) for m in doc.entities] == bio_spans(
            offsets, row["ner_tags"])


def test_parquet_export_converts_back_to_the_documents(exported, built_corpus):
    docs = read_hf([exported / "parquet"], config="default")
    want = [d for split in SPLITS for d in documents(built_corpus, split)]
    assert len(docs) == len(want) > 100
    assert docs == want
