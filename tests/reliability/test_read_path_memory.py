"""The in-memory read path keeps the values it reads, with repeated ones held once: equal
``meta`` and ``layers`` objects, interned item ids and labels, and a prediction's text the
very string of its gold's (so a 20,000-document run stays under nervaluate's peak memory)."""

import pytest

from dateline.commands.options import load_gold, load_predictions
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, Mention, write_jsonl
from dateline.schemas.fast import read_fast, to_document

INFO = LayerInfo(status="silver", labels=("PERSON", "LOCATION"))


def _doc(k: int, text: str) -> Document:
    return Document(id=f"d{k}", text=text, layers=Layers(entities=INFO), entities=(
        Mention(id="m1", start=0, end=3, text=text[:3], label="PERSON"),))


def test_values_kept_and_repeats_shared(tmp_path) -> None:
    gold = [_doc(k, f"Ann met Bo {k}.") for k in range(3)]
    pred = [*gold[:2], _doc(2, "Ann met Bo 2.")]
    write_jsonl(gold, tmp_path / "gold.jsonl")
    write_jsonl(pred, tmp_path / "pred.jsonl")
    g, _ = load_gold(str(tmp_path / "gold.jsonl"))
    p = load_predictions(str(tmp_path / "pred.jsonl"), g)
    assert [to_document(d) for d in g] == gold
    assert [to_document(d) for d in p] == pred
    assert list(p) == list(read_fast(tmp_path / "pred.jsonl"))  # the values as read
    assert all(a.text is b.text for a, b in zip(g, p, strict=True))
    assert p[0].layers is p[1].layers is p[2].layers and g[0].meta is g[2].meta
    assert p[0].entities[0].label is g[1].entities[0].label
    assert p[0].entities[0].id is p[2].entities[0].id


def test_a_different_text_is_kept_and_refused(tmp_path) -> None:
    write_jsonl([_doc(0, "Ann met Bo.")], tmp_path / "gold.jsonl")
    write_jsonl([_doc(0, "Ann saw Bo.")], tmp_path / "pred.jsonl")
    g, _ = load_gold(str(tmp_path / "gold.jsonl"))
    with pytest.raises(DatelineError) as err:
        load_predictions(str(tmp_path / "pred.jsonl"), g)
    assert err.value.code == "document-text-differs" and "offset 4" in str(err.value)
