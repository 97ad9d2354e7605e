"""Cross-validation folds: reproducible, stratified, and refused when edited."""

import json
import random

import pytest

from dateline.folds import check_folds, make_folds, read_folds, train_folds, write_folds
from dateline.schemas import DatelineError, Document, Quote, Span


def doc(i, collection, quoted):
    quotes = (Quote(id="q", content=(Span(start=0, end=1, text="x"),), kind="direct"),)
    return Document(id=f"{collection}-{i}", text="x", meta={"collection": collection},
                    quotes=quotes if quoted else ())


DOCS = ([doc(i, "gum", i % 3 == 0) for i in range(43)]
        + [doc(i, "meantime", False) for i in range(120)] + [doc(0, "seed", True)])


def test_folds_do_not_depend_on_document_order():
    folds = make_folds(DOCS, 5)
    shuffled = DOCS[:]
    random.Random(7).shuffle(shuffled)
    assert make_folds(shuffled, 5) == folds
    assert sorted(d for f in folds for d in f) == sorted(d.id for d in DOCS)


def test_folds_are_stratified_by_source_and_quotes():
    folds = make_folds(DOCS, 5)
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    quoted = {d.id for d in DOCS if d.quotes}
    per_fold = [len(quoted & set(f)) for f in folds]
    assert max(per_fold) - min(per_fold) <= 1
    meantime = [sum(x.startswith("meantime") for x in f) for f in folds]
    assert meantime == [24] * 5


def test_inner_validation_fold_is_never_the_held_out_one():
    for k in (2, 3, 5, 10):
        for i in range(k):
            trained_on, inner = train_folds(k, i)
            assert i not in trained_on and inner != i
            assert sorted((*trained_on, inner)) == [f for f in range(k) if f != i]


def test_edited_or_malformed_folds_are_refused(tmp_path):
    path = tmp_path / "folds.json"
    folds = make_folds(DOCS, 5)
    write_folds(folds, path)
    assert read_folds(path) == folds
    check_folds(read_folds(path), DOCS, 5, str(path))
    moved = [f[:] for f in folds]
    moved[1].append(moved[0].pop())
    with pytest.raises(DatelineError, match="folds-changed") as exc:
        check_folds(moved, DOCS, 5, str(path))
    assert exc.value.where == str(path)
    path.write_text(json.dumps({"folds": [1, 2]}))
    with pytest.raises(DatelineError, match="folds-changed"):
        read_folds(path)
    with pytest.raises(DatelineError, match="no-such-file"):
        read_folds(tmp_path / "missing.json")
    with pytest.raises(DatelineError, match="bad-option"):
        make_folds(DOCS[:3], 5)


def test_published_folds_are_the_folds_of_the_built_corpus(built):
    from dateline.folds import FOLDS_FILE
    from dateline.loading import all_documents

    corpus, _ = built
    docs = all_documents(corpus)
    path = corpus / "splits" / FOLDS_FILE
    folds = read_folds(path)
    check_folds(folds, docs, 5, str(path))
    assert sorted(d for f in folds for d in f) == sorted(d.id for d in docs)
