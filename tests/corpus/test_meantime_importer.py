"""MEANTIME importer pieces on small inputs written for this test."""

from collections import Counter

import pytest

from dateline.schemas import DatelineError
from dateline.sources import SourceReader
from dateline.sources.meantime import import_meantime, sentence_regions, split_by_topic


def test_split_by_topic_is_deterministic_and_covers_every_topic():
    docs = {f"meantime_{i}": f"topic{i % 4}" for i in range(120)}
    a = split_by_topic(docs)
    assert a == split_by_topic(dict(reversed(list(docs.items()))))
    assert Counter(a.values()) == {"train": 96, "validation": 12, "test": 12}
    assert {(a[d], t) for d, t in docs.items()} == {
        (sp, f"topic{k}") for sp in ("train", "validation", "test") for k in range(4)}


def test_sentence_regions():
    assert sentence_regions([["Apple", "rose"], ["."]]) == [(0, 10), (11, 12)]


def test_malformed_conll_line_is_a_coded_error(tmp_path):
    root = tmp_path / "meantime" / "output_data" / "en"
    root.mkdir(parents=True)
    (tmp_path / "meantime" / "LICENSE.txt").write_text("x")
    (root / "meantime.conll").write_text("corpus_x/1\t0\t0\tApple\t-\ncorpus_x/1\tzero\n")
    with pytest.raises(DatelineError) as exc:
        import_meantime(SourceReader(tmp_path, record=True))
    assert exc.value.code == "malformed-conll" and exc.value.where.endswith("meantime.conll:2")
