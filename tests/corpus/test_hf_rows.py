"""``dateline.from_hf`` / ``dateline.to_hf`` are exact inverses over the whole built corpus, and
``load_dataset(<corpus folder>)`` works from any folder with a fresh cache, offline."""

import os
import subprocess
import sys

import pytest

import dateline
from dateline.loading import all_documents, load
from dateline.schemas import DatelineError


@pytest.fixture(scope="module")
def rows(built_corpus, tmp_path_factory):
    dd = load(corpus=built_corpus, cache_dir=tmp_path_factory.mktemp("cache"))
    return [row for split in dd for row in dd[split]]


def test_every_document_round_trips_exactly(built_corpus, rows):
    docs = {d.id: d for d in all_documents(built_corpus)}
    assert len(rows) == len(docs) > 160
    for row in rows:
        doc = dateline.from_hf(row)
        assert doc == docs[row["id"]], row["id"]
        assert dateline.to_hf(doc) == row, row["id"]
        assert dateline.from_hf(dateline.to_hf(docs[row["id"]])) == docs[row["id"]]


def test_the_row_types_datasets_gives_are_kept(rows):
    import datetime

    dated = [r for r in rows if r["meta"]["published"] is not None]
    assert dated and all(isinstance(r["meta"]["published"], datetime.date) for r in dated)
    doc = dateline.from_hf(dated[0])
    assert isinstance(doc.meta.published, str)
    assert dateline.to_hf(doc)["meta"]["published"] == dated[0]["meta"]["published"]
    # a row's None-padded event attributes are no attributes of the Document
    events = [e for r in rows for e in r["events"]]
    assert any(v is None for e in events for v in e["attributes"].values())


def test_a_row_that_is_no_document_is_refused_with_its_path(rows):
    row = dict(rows[0])
    row["quotes"] = [{"id": "q1", "content": "not a list of spans"}]
    with pytest.raises(DatelineError) as err:
        dateline.from_hf(row)
    assert err.value.code == "invalid-value"
    assert err.value.where == f"{row['id']} $.quotes[0].content"


def test_load_dataset_of_a_path_from_another_folder_with_a_fresh_cache(built_corpus, tmp_path):
    # The README's call: a path, not the bare name "corpus" (which names a folder of the
    # current directory, or, offline with a warm cache, whatever dataset was cached as "corpus").
    code = ("import sys, datasets; ds = datasets.load_dataset(sys.argv[1], split='test', "
            "cache_dir='fresh'); print(ds.num_rows, ds.features['meta']['published'].dtype)")
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run([sys.executable, "-c", code, str(built_corpus)], cwd=elsewhere,
                         env=env, capture_output=True, text=True, timeout=300, check=True)
    n, dtype = out.stdout.split()[-2:]
    assert int(n) == len(list(dateline.documents("test", corpus=built_corpus)))
    assert dtype == "date32"
    assert (elsewhere / "fresh").is_dir()


def test_dateline_load_never_serves_stale_rows(built_corpus, tmp_path):
    # load_dataset(folder) keeps serving its cache after a built file is edited in place;
    # dateline.load refuses the edited file, and once MANIFEST says so (a rebuild with --update
    # rewrites it) serves the new rows from the same, warm cache_dir.
    import json
    import shutil

    from dateline.manifest import read_manifest, write_manifest

    corpus = tmp_path / "corpus"
    shutil.copytree(built_corpus, corpus)
    cache = tmp_path / "cache"
    first = load("test", corpus=corpus, cache_dir=cache)[0]
    path = corpus / "data" / "default" / "test-00000-of-00001.jsonl"
    lines = path.read_text("utf-8").splitlines()
    doc = json.loads(lines[0])
    doc["meta"]["title"] = "Edited title"
    path.write_text("\n".join([json.dumps(doc, ensure_ascii=False), *lines[1:]]) + "\n", "utf-8")
    with pytest.raises(DatelineError) as err:
        load("test", corpus=corpus, cache_dir=cache)
    assert err.value.code == "built-file-mismatch"
    write_manifest(corpus, sorted(read_manifest(corpus)))
    again = load("test", corpus=corpus, cache_dir=cache)[0]
    assert again["id"] == first["id"] and first["meta"]["title"] != "Edited title"
    assert again["meta"]["title"] == "Edited title"
