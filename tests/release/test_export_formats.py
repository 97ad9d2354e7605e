"""`dateline corpus export`: Parquet with its own card (same rows as the JSONL corpus), CoNLL/BIO
and spaCy DocBin of the tokens config (entities' char offsets equal the JSONL's)."""

import json

import pytest
import yaml

from dateline.cli import main
from dateline.export import bio_spans, conll_block, export, words_and_spaces
from dateline.loading import corpus_version, documents
from dateline.manifest import verify_manifest
from dateline.schemas import DatelineError

SPLITS = ("train", "validation", "test")
CORE = ("PERSON", "ORGANIZATION", "LOCATION")


def card(folder):
    return yaml.safe_load((folder / "README.md").read_text().split("---\n")[1])


def named_core(doc):
    """Named core mentions, outermost wins (the tokens config's rule, written out again)."""
    out = []
    for start, neg_end, label in sorted((m.start, -m.end, m.label) for m in doc.entities
                                        if m.kind == "named" and m.label in CORE):
        if not out or start >= out[-1][1]:
            out.append((start, -neg_end, label))
    return out


def jsonl(corpus, config, split):
    path = corpus / "data" / config / f"{split}-00000-of-00001.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_parquet_card_is_the_corpus_card_with_parquet_files(exported, built_corpus):
    pq, src = card(exported / "parquet"), card(built_corpus)
    assert pq["dataset_info"] == src["dataset_info"]  # same features and split sizes
    for a, b in zip(pq["configs"], src["configs"], strict=True):
        assert a["version"] == b["version"] == corpus_version(built_corpus)
        assert [f["path"] for f in a["data_files"]] == [
            f["path"].replace(".jsonl", ".parquet") for f in b["data_files"]]
    assert len(verify_manifest(exported / "parquet")) == 6


def test_parquet_loads_to_the_same_rows_as_the_jsonl_corpus(exported, built_corpus, tmp_path):
    from datasets import load_dataset

    for config in ("default", "tokens"):
        pq = load_dataset(str(exported / "parquet"), config, cache_dir=str(tmp_path / "a"))
        js = load_dataset(str(built_corpus), config, cache_dir=str(tmp_path / "b"))
        assert pq["train"].info.builder_name == "parquet"
        assert str(pq["train"].info.version) == corpus_version(built_corpus)
        for split in SPLITS:
            assert pq[split].features == js[split].features
            rows_pq, rows_js = pq[split].to_list(), js[split].to_list()
            assert len(rows_pq) == len(rows_js) > 0
            if config == "tokens":
                assert rows_pq == rows_js
                names = pq[split].features["ner_tags"].feature.names
                raw = jsonl(built_corpus, config, split)
                assert [[names[t] for t in r["ner_tags"]] for r in rows_pq] == [
                    r["ner_tags"] for r in raw]
                continue
            # Both load `published` as a date (the card declares date32), from the same value.
            assert rows_pq == rows_js
            assert [str(r["meta"]["published"]) if r["meta"]["published"] else None
                    for r in rows_pq] == [
                r["meta"]["published"] for r in jsonl(built_corpus, config, split)]


def conll_documents(path):
    """(id, [sentence: [(token, tag)]]) per document of a CoNLL export."""
    docs = []
    for line in path.read_text().split("\n"):
        if line.startswith("# id = "):
            docs.append((line.removeprefix("# id = "), [[]]))
        elif not line:
            if docs and docs[-1][1][-1]:
                docs[-1][1].append([])
        else:
            docs[-1][1][-1].append(tuple(line.split("\t")))
    return [(i, [s for s in sents if s]) for i, sents in docs]


def test_conll_round_trips_the_tokens_config_with_sentence_breaks(exported, built_corpus):
    n_sentences = n_docs = longest = 0
    for split in SPLITS:
        text = (exported / "conll" / f"{split}.conll").read_text()
        assert text.endswith("\n\n") and "\n\n\n" not in text
        docs = conll_documents(exported / "conll" / f"{split}.conll")
        raw = jsonl(built_corpus, "tokens", split)
        assert [i for i, _ in docs] == [r["id"] for r in raw]
        for (_, sents), r in zip(docs, raw, strict=True):
            assert [p for s in sents for p in s] == list(zip(r["tokens"], r["ner_tags"],
                                                             strict=True))
            n_sentences, n_docs = n_sentences + len(sents), n_docs + 1
            longest = max(longest, *(len(s) for s in sents))
    # documents of up to ~1,900 tokens come in sentences now
    assert n_sentences > 20 * n_docs and longest < 300
    with pytest.raises(DatelineError, match="export-bad-token"):
        conll_block("d", ["a b"], ["O"])


def test_conll_with_every_label_and_kind(built_corpus, tmp_path):
    from collections import Counter

    assert main(["corpus", "export", "--format", "conll", str(tmp_path / "all"), "--labels",
                 "all", "--kinds", "all", "--corpus", str(built_corpus)]) == 0
    tags = Counter(tag.split("-", 1)[-1] for split in SPLITS
                   for _, sents in conll_documents(tmp_path / "all" / f"{split}.conll")
                   for s in sents for _, tag in s if tag != "O")
    for label in ("PERSON", "ORGANIZATION", "LOCATION", "EVENT", "TIME", "OBJECT", "ABSTRACT"):
        assert tags[label] > 50, label
    readme = (tmp_path / "all" / "README.md").read_text()
    # the founding article's layer covers three labels: its O would not mean "no entity"
    assert "Left out:\n- `seed_trump-putin-meeting-2025-08-06`: its entity layer does not " \
        "cover EVENT" in readme
    assert "seed_trump" not in (tmp_path / "all" / "test.conll").read_text()
    assert main(["corpus", "export", "--format", "conll", str(tmp_path / "pl"), "--labels",
                 "PERSON,LOCATION", "--corpus", str(built_corpus)]) == 0
    labels = {tag.split("-", 1)[-1] for _, sents in conll_documents(tmp_path / "pl" /
                                                                     "test.conll")
              for s in sents for _, tag in s if tag != "O"}
    assert labels == {"PERSON", "LOCATION"}


def test_export_option_errors(built_corpus, tmp_path, capsys):
    assert main(["corpus", "export", "--format", "conll", str(tmp_path / "x"), "--labels",
                 "PERSONS", "--corpus", str(built_corpus)]) == 2
    assert "[bad-option] unknown entity label PERSONS" in capsys.readouterr().err
    assert main(["corpus", "export", "--format", "parquet", str(tmp_path / "y"), "--labels",
                 "all", "--corpus", str(built_corpus)]) == 2
    assert "[usage]" in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_every_export_carries_the_card_and_the_licences(exported, built_corpus):
    card = (built_corpus / "README.md").read_text()
    for fmt in ("parquet", "conll", "docbin"):
        folder = exported / fmt
        licences = (folder / "LICENSES.md").read_text()
        for spdx in ("`CC-BY-2.5`", "`CC-BY-4.0`", "`NOASSERTION`"):
            assert spdx in licences, (fmt, spdx)
        assert "| gum | 43 |" in licences
        readme = (folder / "README.md").read_text()
        assert "corpus/README.md" not in readme
        if fmt != "parquet":
            assert (folder / "CARD.md").read_text() == card
            assert "`CARD.md`" in readme and "`LICENSES.md`" in readme
        assert {"README.md", "LICENSES.md", "MANIFEST"} <= {p.name for p in folder.iterdir()}


def test_docbin_entities_have_the_jsonl_char_offsets(exported, built_corpus):
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    n_docs = n_ents = 0
    for split in SPLITS:
        gold = {d.id: d for d in documents(split, corpus=built_corpus)}
        docs = list(DocBin().from_disk(exported / "docbin" / f"{split}.spacy").get_docs(vocab))
        assert [d.user_data["id"] for d in docs] == [r["id"] for r in jsonl(
            built_corpus, "tokens", split)]
        for d in docs:
            ref = gold[d.user_data["id"]]
            assert d.text == ref.text
            assert d.has_annotation("SENT_START") and len(list(d.sents)) > 1
            assert not any(t.is_sent_start for t in d if t.is_space)
            tokens = [t.text for t in d if not t.is_space]  # whitespace tokens: the gaps
            row = next(r for r in jsonl(built_corpus, "tokens", split) if r["id"] == ref.id)
            assert tokens == row["tokens"]
            got = [(e.start_char, e.end_char, e.label_) for e in d.ents]
            assert got == named_core(ref)
            assert all(e.text == ref.text[e.start_char:e.end_char] for e in d.ents)
            n_docs, n_ents = n_docs + 1, n_ents + len(got)
    assert n_docs >= 40 and n_ents >= 1000


def test_export_refuses_a_folder_it_did_not_write_and_replaces_its_own(built_corpus, tmp_path,
                                                                        capsys):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    assert main(["corpus", "export", "--format", "conll", str(other), "--corpus",
                 str(built_corpus)]) == 2
    assert "[export-target-not-empty]" in capsys.readouterr().err
    assert (other / "notes.txt").read_text() == "keep me"
    out = tmp_path / "conll"
    export(built_corpus, out, "conll")
    (out / "stale.conll").write_text("x")
    export(built_corpus, out, "conll")
    assert not (out / "stale.conll").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conll", "mine"]  # no temp left


def test_helpers():
    assert bio_spans([(0, 1), (2, 3), (4, 5)], ["I-PERSON", "B-LOCATION", "I-PERSON"]) == [
        (0, 1, "PERSON"), (2, 3, "LOCATION"), (4, 5, "PERSON")]
    words, spaces = words_and_spaces(" a  b", [(1, 2), (4, 5)])
    assert "".join(w + " " * s for w, s in zip(words, spaces, strict=True)) == " a  b"
