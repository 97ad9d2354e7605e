"""Partial coverage (LayerInfo.coverage = "partial"): what is annotated is right, what is
missing is unknown. Such a document enters recall, never precision: a prediction there with no
gold partner counts nowhere, and precision and F1 are read from exhaustive documents only."""

import pytest

from dateline.evaluation import compare_systems, score, score_entities, score_events, score_quotes
from dateline.schemas import Document, Event, LayerInfo, Layers, Mention, Quote, Span

TEXT = "Ann met Bo in Rome and said: we won."
#       0   4   8  11 14   19  23   28  32


def ment(i, s, e, lab="PERSON"):
    return Mention(id=f"m{i}", start=s, end=e, text=TEXT[s:e], label=lab)


def edoc(i, mentions, coverage="exhaustive", status="gold"):
    return Document(id=f"d{i}", text=TEXT, entities=tuple(mentions), layers=Layers(
        entities=LayerInfo(status=status, coverage=coverage)))


ANN, BO, ROME = ment(0, 0, 3), ment(1, 8, 10), ment(2, 14, 18, "LOCATION")


def test_hand_computed_entities():
    # d0 exhaustive: gold Ann, Bo; predicted Ann and a spurious "met" -> P 1/2, R 1/2
    # d1 partial: gold Ann only (Bo is a person the source left out); predicted Ann, Bo
    # and Rome: Bo and Rome have no partner and count nowhere; recall_partial 1/1
    gold = [edoc(0, [ANN, BO]), edoc(1, [ANN], "partial")]
    pred = [edoc(0, [ANN, ment(9, 4, 7)], status="silver"),
            edoc(1, [ANN, BO, ROME], status="silver")]
    s = score_entities(gold, pred)
    assert s.mode_counts("strict") == {"correct": 1, "incorrect": 0, "partial": 0, "missed": 1,
                                       "spurious": 1, "possible": 2, "actual": 2}
    f = s.flat()
    assert (f["strict.precision"], f["strict.recall"], f["strict.f1"]) == (0.5, 0.5, 0.5)
    assert f["strict.recall_partial"] == 1.0
    assert f["strict.recall_all"] == 2 / 3
    assert s.documents() == {"scored": 2, "skipped": {}, "precision": 1, "recall": 2}
    micro = s.to_dict()["modes"]["strict"]["micro"]
    assert micro["partial_coverage_counts"]["actual"] == 1  # Ann; Bo and Rome are ignored
    assert [o.outcome for o in s.outcomes() if o.doc_id == "d1" and o.side == "pred"] == [
        "correct", "ignored", "ignored"]


def test_a_prediction_on_a_partial_layer_changes_recall_only():
    gold = [edoc(0, [ANN, BO]), edoc(1, [ANN], "partial")]
    base = [edoc(0, [ANN], status="silver"), edoc(1, [], status="silver")]
    more = [edoc(0, [ANN], status="silver"), edoc(1, [ANN, BO, ROME], status="silver")]
    a, b = score_entities(gold, base).flat(), score_entities(gold, more).flat()
    for mode in ("strict", "exact", "partial", "type"):
        assert a[f"{mode}.precision"] == b[f"{mode}.precision"] == 1.0
        assert a[f"{mode}.f1"] == b[f"{mode}.f1"]
        assert a[f"{mode}.recall_partial"] == 0.0 and b[f"{mode}.recall_partial"] == 1.0


def test_a_collection_of_partial_layers_has_no_precision():
    gold = [edoc(0, [ANN], "partial")]
    s = score_entities(gold, [edoc(0, [ANN, BO], status="silver")])
    assert s.value("strict.precision") is None and s.value("strict.f1") is None
    assert s.value("strict.recall_all") == 1.0


def test_events_and_quotes_follow_the_same_rule():
    def vdoc(i, events, coverage="exhaustive", status="gold"):
        return Document(id=f"v{i}", text=TEXT, events=tuple(events), layers=Layers(
            events=LayerInfo(status=status, coverage=coverage, not_annotated=("type",))))

    def ev(s, e):
        return Event(id=f"e{s}", trigger=Span(start=s, end=e, text=TEXT[s:e]))

    gold = [vdoc(0, [ev(4, 7)]), vdoc(1, [ev(4, 7)], "partial")]
    pred = [vdoc(0, [ev(4, 7), ev(23, 27)], status="silver"),
            vdoc(1, [ev(4, 7), ev(23, 27)], status="silver")]
    m = score_events(gold, pred).metric("trigger_identification")
    assert (m["precision"], m["recall"], m["recall_partial"], m["recall_all"]) == (
        0.5, 1.0, 1.0, 1.0)
    assert m["partial_coverage_counts"] == {"tp": 1, "pred": 1, "gold": 1}

    def qdoc(i, quotes, coverage="exhaustive", status="gold"):
        return Document(id=f"q{i}", text=TEXT, quotes=tuple(quotes), layers=Layers(
            quotes=LayerInfo(status=status, coverage=coverage)))

    def q(s, e):
        return Quote(id=f"q{s}", content=(Span(start=s, end=e, text=TEXT[s:e]),),
                     kind="indirect")

    gold = [qdoc(0, []), qdoc(1, [q(29, 35)], "partial")]
    pred = [qdoc(0, [q(0, 3)], status="silver"), qdoc(1, [q(29, 35), q(0, 3)], status="silver")]
    s = score_quotes(gold, pred)
    assert s.metric("quote")["precision"] == 0.0  # d0's spurious quote
    assert s.metric("quote")["recall_partial"] == 1.0
    assert s.documents()["precision"] == 1 and s.documents()["recall"] == 2


def test_reports_and_comparisons_say_how_many_documents_entered_each():
    gold = [edoc(i, [ANN, BO], "partial" if i % 2 else "exhaustive") for i in range(10)]
    pred = [edoc(i, [ANN], status="silver") for i in range(10)]
    r = score(gold, pred, layers=("entities",))["layers"]["entities"]
    assert r["documents"] == {"scored": 10, "skipped": {}, "precision": 5, "recall": 10}
    res = compare_systems(gold, {"a": pred}, layers=("entities",), resamples=50, trials=10)
    v = res["layers"]["entities"]["metrics"]["strict.recall_partial"]["systems"]["a"]
    assert v["value"] == 0.5 and v["interval"] == [0.5, 0.5]
    assert res["layers"]["entities"]["documents"]["precision"] == 5


@pytest.mark.parametrize("coverage", ["exhaustive", "partial"])
def test_blocks_keep_totals(coverage):
    """Either block holds a document's counts; the sum over blocks is the old table."""
    gold = [edoc(0, [ANN, BO], coverage)]
    pred = [edoc(0, [ANN, ROME], status="silver")]
    s = score_entities(gold, pred)
    main = s.mode_counts("strict")
    part = s.to_dict()["modes"]["strict"]["micro"]["partial_coverage_counts"]
    assert main["correct"] + part["correct"] == 1
    assert main["missed"] + part["missed"] == 1


def test_a_slice_without_exhaustive_documents_has_no_precision_to_show():
    gold = [edoc(i, [ANN, BO], "partial" if i % 2 else "exhaustive") for i in range(10)]
    gold = [g.model_copy(update={"meta": g.meta.model_copy(update={
        "collection": "p" if i % 2 else "e"})}) for i, g in enumerate(gold)]
    pred = [edoc(i, [ANN], status="silver") for i in range(10)]
    res = compare_systems(gold, {"a": pred}, layers=("entities",), resamples=50, trials=10,
                          by="collection")
    sliced = res["slices"]["p"]["layers"]["entities"]["metrics"]
    assert "exhaustive coverage" in sliced["strict.precision"]["not_applicable"]
    assert "not_applicable" not in sliced["strict.recall_all"]
    assert sliced["strict.recall_all"]["systems"]["a"]["value"] == 0.5
    assert "not_applicable" not in res["slices"]["e"]["layers"]["entities"]["metrics"][
        "strict.precision"]
