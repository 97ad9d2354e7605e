"""The built corpus: validity, counts, provenance, splits, determinism, loading, bad input."""

import hashlib
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from dateline.build import build, default_features, tokens_features
from dateline.cli import main
from dateline.loading import corpus_version, documents, load
from dateline.schemas import DatelineError, Document, validate_paths
from dateline.sources.seed import DOC_ID as SEED_ID

REPO = Path(__file__).resolve().parents[2]


def all_docs(corpus):
    return [d for sp in ("train", "validation", "test") for d in documents(sp, corpus=corpus)]


def test_every_document_validates_at_level_4(built):
    corpus, _ = built
    report = validate_paths([corpus / "data" / "default"], level=4)
    assert report.valid, [str(i) for i in report.incidents[:5]]
    assert report.documents >= 160


def test_counts_match_the_sources(built):
    corpus, result = built
    docs = all_docs(corpus)
    gum = [d for d in docs if d.meta.collection == "gum"]
    assert len(gum) == 43 and len(docs) >= 160
    assert sum(len(d.entities) for d in gum) == 10229  # every GUM mention, none excluded
    gold_events = [e for d in docs if d.layers.events.status == "gold" for e in d.events]
    assert len(gold_events) >= 1000
    gold_quotes = [q for d in docs if d.layers.quotes.status == "gold" for q in d.quotes]
    # The honest count of speech/writing attributions (quotes only), not the ≥ 300 estimate.
    assert 180 <= len(gold_quotes) <= 260
    assert all(q.speaker is not None or q.speaker_span is not None for q in gold_quotes)
    counts = result.stats["build_report"]["gum"]["counts"]
    assert counts["attribution relations"] == 452
    assert sum(v for k, v in counts.items() if k.startswith("quotes: ")) == len(gold_quotes)
    assert result.stats["by_source"]["gum"]["quotes"]["with_cue"] == counts["quotes with a cue"]


def test_quote_cues_are_speech_verbs(built):
    corpus, result = built
    assert result.stats["build_report"]["gum"]["unclassified cue lemmas"] in ([], ["happy"])
    cues = Counter(q.cue.text.lower() for d in all_docs(corpus) for q in d.quotes if q.cue)
    assert not {"think", "thought", "know", "knew", "show", "shows", "believe"} & set(cues)


def test_provenance(built):
    corpus, _ = built
    for d in all_docs(corpus):
        layers = d.layers
        if d.meta.collection == "gum":
            assert {layers.entities.status, layers.events.status, layers.quotes.status} == {"gold"}
            assert layers.entities.source.startswith("gum@72ce5ac")
        elif d.meta.collection == "meantime":
            assert layers.entities.status == layers.events.status == "gold"
            assert layers.quotes.status == "absent" and not d.quotes
            assert layers.entities.regions is not None  # only part of each article
            assert set(layers.entities.labels) == {"PERSON", "ORGANIZATION", "LOCATION",
                                                   "PRODUCT", "FINANCIAL"}
            assert all(e.type is None and e.source_label for e in d.events)


def test_founding_article_is_draft_on_all_layers(built):
    corpus, _ = built
    seed = [d for d in documents("test", corpus=corpus) if d.id == SEED_ID]
    assert len(seed) == 1
    doc = seed[0]
    for layer in ("entities", "events", "quotes"):
        info = getattr(doc.layers, layer)
        assert info.status == "draft", layer
        assert info.annotators and getattr(doc, layer)
    assert doc.meta.published == "2025-08-06"


def test_splits(built):
    corpus, _ = built
    split_of = {d.id: sp for sp in ("train", "validation", "test")
                for d in documents(sp, corpus=corpus)}
    assert split_of["GUM_news_nasa"] == "test"  # GUM's official splits are kept
    assert split_of["GUM_news_homeopathic"] == "validation"
    assert split_of["GUM_news_afghan"] == "train"
    assert split_of[SEED_ID] == "test"
    listed = {i: sp for sp in ("train", "validation", "test")
              for i in (corpus / "splits" / f"{sp}.txt").read_text().split()}
    assert listed == split_of


def test_meantime_topics_in_every_split(built, sources_dir):
    from dateline.sources import SourceReader
    from dateline.sources.meantime import import_meantime

    lock = json.loads((REPO / "corpus" / "sources.lock").read_text())
    reader = SourceReader(sources_dir, lock={s["name"]: s["files"] for s in lock["sources"]})
    topics = import_meantime(reader).report["topics"]
    splits = {line: sp for sp in ("train", "validation", "test")
              for line in (built[0] / "splits" / f"{sp}.txt").read_text().split()}
    seen = {(splits[d], t) for d, t in topics.items()}
    assert len(seen) == 3 * 4


def test_second_build_is_byte_identical(built, tmp_path, sources_dir, make_corpus):
    corpus, first = built
    again = make_corpus(tmp_path / "corpus")
    second = build(again, sources_dir)
    assert second.files == first.files
    for name in ("stats.json", "README.md", "MANIFEST"):
        assert (again / name).read_bytes() == (corpus / name).read_bytes(), name


def test_committed_card_stats_and_manifest_are_current(built):
    corpus, _ = built
    for name in ("stats.json", "README.md", "MANIFEST"):
        assert (corpus / name).read_bytes() == (REPO / "corpus" / name).read_bytes(), (
            f"corpus/{name} is stale: run `dateline corpus build --update` and commit it")


def test_manifest_lists_every_built_file(built):
    corpus, _ = built
    lines = (corpus / "MANIFEST").read_text().splitlines()
    for line in lines:
        digest, rel = line.split("  ")
        assert hashlib.sha256((corpus / rel).read_bytes()).hexdigest() == digest
    assert len(lines) == 6


def test_no_built_file_is_tracked_by_git():
    out = subprocess.run(["git", "ls-files", "corpus/data"], cwd=REPO, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        pytest.skip("not a git work tree")
    assert out.stdout == ""


def test_card_declares_the_python_features(built):
    from datasets import Features

    corpus, _ = built
    text = (corpus / "README.md").read_text()
    card = yaml.safe_load(text.split("---\n")[1])
    infos = {i["config_name"]: i for i in card["dataset_info"]}
    assert Features._from_yaml_list(infos["default"]["features"]) == default_features()
    assert Features._from_yaml_list(infos["tokens"]["features"]) == tokens_features()
    assert {c["version"] for c in card["configs"]} == {corpus_version(corpus)}


def _keys(feature):
    from datasets import List

    if isinstance(feature, List):
        return _keys(feature.feature)
    if isinstance(feature, dict):
        return {k: _keys(v) for k, v in feature.items()}
    return None


def test_features_mirror_the_document_model(built):
    corpus, _ = built
    doc = next(documents("test", corpus=corpus))
    assert set(default_features()) == set(Document.model_fields)
    row = json.loads(doc.model_dump_json())
    feats = _keys(default_features())
    for key in ("meta", "layers"):
        assert set(feats[key]) == set(row[key])
    assert set(feats["entities"]) == set(row["entities"][0])


def test_load_dataset_offline_gives_the_declared_features(built, tmp_path, monkeypatch):
    import datasets

    corpus, _ = built
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    ds = datasets.load_dataset(str(corpus), cache_dir=str(tmp_path / "cache"))
    assert set(ds) == {"train", "validation", "test"}
    assert ds["train"].features == default_features()
    assert ds["test"].info.version.version_str == corpus_version(corpus)
    total = sum(ds[sp].num_rows for sp in ds)
    assert total >= 160
    row = ds["test"][0]
    for m in row["entities"]:
        assert row["text"][m["start"]:m["end"]] == m["text"]
    tokens = datasets.load_dataset(str(corpus), "tokens", cache_dir=str(tmp_path / "cache"))
    assert tokens["train"].features == tokens_features()
    names = tokens["train"].features["ner_tags"].feature.names
    tags = Counter(names[t] for r in tokens["train"] for t in r["ner_tags"])
    assert tags["B-PERSON"] > 100 and tags["B-LOCATION"] > 50


def test_dateline_load_and_documents(built, tmp_path):
    corpus, _ = built
    test = load(split="test", corpus=corpus, cache_dir=tmp_path)
    ids = [d.id for d in documents("test", corpus=corpus)]
    assert sorted(test["id"]) == sorted(ids)
    # the cache folder is keyed by version and built-data digest
    assert (tmp_path / corpus_version(corpus)).is_dir()
    dd = load(config="tokens", corpus=corpus, cache_dir=tmp_path)
    assert set(dd) == {"train", "validation", "test"}


def test_missing_sources_is_a_coded_error(tmp_path, capsys, make_corpus):
    corpus = make_corpus(tmp_path / "corpus")
    code = main(["corpus", "build", "--quiet", "--corpus", str(corpus),
                 "--sources", str(tmp_path / "nowhere")])
    assert code == 1
    err = capsys.readouterr().err
    assert "[sources-missing]" in err and "Traceback" not in err


def test_changed_source_file_is_refused(tmp_path, sources_dir, make_corpus):
    src = tmp_path / "sources"
    shutil.copytree(sources_dir, src)
    target = src / "meantime" / "output_data" / "en" / "event_mentions.json"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"\n")
    corpus = make_corpus(tmp_path / "corpus")
    with pytest.raises(DatelineError) as exc:
        build(corpus, src)
    assert exc.value.code == "source-hash-mismatch"
    assert "event_mentions.json" in str(exc.value)


def test_manifest_difference_fails_without_update(tmp_path, sources_dir, make_corpus):
    corpus = make_corpus(tmp_path / "corpus")
    (corpus / "MANIFEST").write_text("0" * 64 + "  data/default/test-00000-of-00001.jsonl\n")
    with pytest.raises(DatelineError) as exc:
        build(corpus, sources_dir)
    assert exc.value.code == "manifest-mismatch"
    build(corpus, sources_dir, update=True)
    assert (corpus / "MANIFEST").read_text() == (REPO / "corpus" / "MANIFEST").read_text()


def test_corpus_stats_command(built, capsys):
    corpus, _ = built
    assert main(["corpus", "stats", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "total" in out and "quotes" in out


def test_sources_lock_pins_every_file_with_sha256():
    lock = json.loads((REPO / "corpus" / "sources.lock").read_text())
    names = {s["name"] for s in lock["sources"]}
    assert names == {"gum", "meantime", "seed"}
    for s in lock["sources"]:
        assert s["repository"] and s["commit"] and s["license"] and s["files"]
        assert all(len(h) == 64 for h in s["files"].values())
        assert all(not Path(f).is_absolute() for f in s["files"])
