"""Hand-computed entity cases: every counter is asserted."""

import pytest

from dateline.evaluation.entities import score_entities, score_entity_spans
from dateline.evaluation.matching import Overlap
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, Mention, Region

ZERO = {"correct": 0, "incorrect": 0, "partial": 0, "missed": 0, "spurious": 0}


def counts(**kw):
    c = {**ZERO, **kw}
    c["possible"] = c["correct"] + c["incorrect"] + c["partial"] + c["missed"]
    c["actual"] = c["correct"] + c["incorrect"] + c["partial"] + c["spurious"]
    return c


# One gold/pred document exercising every pair class:
#   (0,5,PER)   ~ (0,5,PER)   identical
#   (10,15,ORG) ~ (10,15,LOC) same boundaries, other label
#   (20,30,LOC) ~ (22,30,LOC) overlap, same label
#   (40,50,PER) ~ (40,45,ORG) overlap, other label
#   (60,65,ORG)               missed
#               ~ (70,72,PER) spurious
GOLD = [[(0, 5, "PER"), (10, 15, "ORG"), (20, 30, "LOC"), (40, 50, "PER"), (60, 65, "ORG")]]
PRED = [[(0, 5, "PER"), (10, 15, "LOC"), (22, 30, "LOC"), (40, 45, "ORG"), (70, 72, "PER")]]


@pytest.mark.parametrize("mode,expected", [
    ("strict", counts(correct=1, incorrect=3, missed=1, spurious=1)),
    ("exact", counts(correct=2, incorrect=2, missed=1, spurious=1)),
    ("partial", counts(correct=2, partial=2, missed=1, spurious=1)),
    ("type", counts(correct=2, incorrect=2, missed=1, spurious=1)),
])
def test_every_class_every_mode(mode, expected):
    s = score_entity_spans(GOLD, PRED)
    assert s.mode_counts(mode) == expected


def test_ratios_hand_computed():
    s = score_entity_spans(GOLD, PRED)
    assert s.scores("strict") == {"precision": 0.2, "recall": 0.2, "f1": pytest.approx(0.2)}
    # partial: (2 + 0.5 * 2) / 5
    assert s.scores("partial")["precision"] == pytest.approx(0.6)
    assert s.scores("partial")["recall"] == pytest.approx(0.6)


def test_per_label_two_sided():
    s = score_entity_spans(GOLD, PRED)
    d = s.to_dict()["modes"]["exact"]["per_label"]
    # gold ORG at (10,15) predicted LOC: ORG's recall gets the exact-mode credit ...
    assert d["ORG"]["counts"]["correct"] == 1 and d["ORG"]["counts"]["missed"] == 1
    assert d["ORG"]["counts"]["possible"] == 2 and d["ORG"]["counts"]["pred_correct"] == 0
    # ... and LOC's precision.
    assert d["LOC"]["counts"]["pred_correct"] == 1
    assert d["LOC"]["counts"]["actual"] == 2 and d["LOC"]["counts"]["possible"] == 1
    assert d["ORG"]["recall"] == 0.5 and d["ORG"]["precision"] == 0.0


def test_two_labels_with_equal_counts_sum_correctly():
    # A set-based sum of per-label counts ({1, 1} -> 1) loses one of them (scispacy #592).
    gold = [[(0, 1, "PER"), (2, 3, "LOC")]]
    s = score_entity_spans(gold, gold)
    assert s.mode_counts("strict", "PER")["correct"] == 1
    assert s.mode_counts("strict", "LOC")["correct"] == 1
    assert s.mode_counts("strict")["correct"] == 2


def test_order_dependence_case():
    # nervaluate 1.2.1 scores these F1 0.0 and 0.667: its greedy matching depends on order.
    gold = [[(0, 4, "PER")]]
    p1 = [[(0, 2, "PER"), (0, 4, "PER")]]
    p2 = [[(0, 4, "PER"), (0, 2, "PER")]]
    a, b = score_entity_spans(gold, p1), score_entity_spans(gold, p2)
    for mode in ("strict", "exact", "partial", "type"):
        assert a.mode_counts(mode) == b.mode_counts(mode)
    assert a.mode_counts("strict") == counts(correct=1, spurious=1)
    assert a.scores("strict")["f1"] == pytest.approx(2 / 3)


def test_gold_order_does_not_matter_either():
    # nervaluate #40: one prediction overlapping two golds.
    g1 = [[(0, 5, "PER"), (3, 9, "LOC")]]
    g2 = [[(3, 9, "LOC"), (0, 5, "PER")]]
    pred = [[(2, 8, "LOC")]]
    for mode in ("strict", "exact", "partial", "type"):
        assert (score_entity_spans(g1, pred).mode_counts(mode)
                == score_entity_spans(g2, pred).mode_counts(mode))
    assert score_entity_spans(g1, pred).mode_counts("type") == counts(correct=1, missed=1)


def test_one_to_one_when_one_gold_overlaps_two_predictions():
    s = score_entity_spans([[(0, 10, "PER")]], [[(0, 4, "PER"), (5, 10, "PER")]])
    assert s.mode_counts("partial") == counts(partial=1, spurious=1)


def test_optimal_not_greedy():
    # A greedy first-fit matcher pairs gold A with the first prediction and misses B.
    gold = [[(0, 10, "PER"), (8, 12, "PER")]]
    pred = [[(5, 11, "PER"), (0, 6, "PER")]]
    s = score_entity_spans(gold, pred)
    assert s.mode_counts("type") == counts(correct=2)


def test_duplicates_count_once_each():
    s = score_entity_spans([[(0, 2, "A")]], [[(0, 2, "A"), (0, 2, "A")]])
    assert s.mode_counts("strict") == counts(correct=1, spurious=1)
    s = score_entity_spans([[(0, 2, "A"), (0, 2, "A")]], [[(0, 2, "A")]])
    assert s.mode_counts("strict") == counts(correct=1, missed=1)


def test_overlap_threshold():
    gold, pred = [[(0, 10, "A")]], [[(0, 3, "A")]]
    assert score_entity_spans(gold, pred).mode_counts("type") == counts(correct=1)
    s = score_entity_spans(gold, pred, overlap=Overlap(0.5))
    assert s.mode_counts("type") == counts(missed=1, spurious=1)
    s = score_entity_spans(gold, pred, overlap=Overlap(0.5, "pred"))
    assert s.mode_counts("type") == counts(correct=1)
    with pytest.raises(DatelineError) as e:
        Overlap(1.5)
    assert e.value.code == "bad-overlap-threshold"


def test_empty_everything_is_null_not_zero():
    s = score_entity_spans([[]], [[]])
    assert s.scores("strict") == {"precision": None, "recall": None, "f1": None}
    assert s.macro("strict") == {"precision": None, "recall": None, "f1": None}
    s = score_entity_spans([[]], [[(0, 1, "A")]])
    assert s.scores("strict") == {"precision": 0.0, "recall": None, "f1": 0.0}


def test_macro_average():
    gold = [[(0, 1, "A"), (2, 3, "B"), (4, 5, "B")]]
    pred = [[(0, 1, "A"), (2, 3, "B")]]
    s = score_entity_spans(gold, pred)
    assert s.macro("strict")["recall"] == pytest.approx((1.0 + 0.5) / 2)
    assert s.macro("strict")["f1"] == pytest.approx((1.0 + 2 / 3) / 2)


def test_confusion_matrix():
    s = score_entity_spans(GOLD, PRED)
    labels, m = s.confusion_matrix()
    assert labels == ["LOC", "ORG", "PER"]
    assert m == [[0, 0, 0], [1, 0, 0], [0, 0, 1]]  # ORG->LOC once, PER->PER once


def test_per_document_counts_sum_to_totals():
    s = score_entity_spans(GOLD + GOLD, [*PRED, []], doc_ids=["a", "b"])
    assert s.counts.doc_ids == ("a", "b")
    row_b = dict(zip(s.counts.fields, s.counts.values[1], strict=True))
    assert sum(v for k, v in row_b.items() if k.endswith("|missed")) == 5
    assert s.counts.sum().tolist() == s.counts.values.sum(axis=0).tolist()
    assert s.mode_counts("strict")["missed"] == 6


def test_outcomes_list_every_item():
    s = score_entity_spans(GOLD, PRED, doc_ids=["d"])
    rows = [(o.side, o.item, o.outcome) for o in s.outcomes()]
    assert ("gold", (0, 5, "PER"), "correct") in rows
    assert ("gold", (10, 15, "ORG"), "incorrect_label") in rows
    assert ("pred", (22, 30, "LOC"), "partial") in rows
    assert ("gold", (40, 50, "PER"), "partial_incorrect_label") in rows
    assert ("gold", (60, 65, "ORG"), "missed") in rows
    assert ("pred", (70, 72, "PER"), "spurious") in rows
    assert len(rows) == 10


# --- Documents: coverage, statuses, filters ------------------------------------------------

TEXT = "Ann Lee met Bo Chan in Rome on Monday with the mayor."


def mention(mid, start, end, label, kind=None, entity=None):
    return Mention(id=mid, start=start, end=end, text=TEXT[start:end], label=label, kind=kind,
                   entity=entity)


def doc(did, mentions, status="gold", labels=(), regions=None):
    layers = Layers(entities=LayerInfo(status=status, labels=labels, regions=regions))
    return Document(id=did, text=TEXT, entities=tuple(mentions), layers=layers)


def test_uncovered_label_and_outside_region_are_not_spurious():
    g = doc("d", [mention("m1", 0, 7, "PERSON")], labels=("PERSON", "LOCATION"),
            regions=(Region(start=0, end=28),))
    p = doc("d", [mention("x1", 0, 7, "PERSON"),
                  mention("x2", 31, 37, "TIME"),         # label not covered
                  mention("x3", 12, 19, "PERSON"),       # covered: spurious
                  mention("x4", 43, 52, "PERSON")],      # outside the regions
            status="silver")
    s = score_entities([g], [p])
    assert s.mode_counts("strict") == counts(correct=1, spurious=1)
    outcomes = {o.item_id: o.outcome for o in s.outcomes() if o.side == "pred"}
    assert outcomes == {"x1": "correct", "x2": "ignored", "x3": "spurious", "x4": "ignored"}


def test_uncovered_prediction_can_still_match():
    g = doc("d", [mention("m1", 31, 37, "PERSON")], labels=("PERSON",))
    p = doc("d", [mention("x1", 31, 37, "TIME")])
    s = score_entities([g], [p])
    assert s.mode_counts("exact") == counts(correct=1)
    assert s.mode_counts("strict") == counts(incorrect=1)


def test_skipped_documents_are_counted():
    docs = [doc("a", [mention("m1", 0, 7, "PERSON")]), doc("b", [], status="absent"),
            doc("c", [], status="silver"), doc("e", [], status="draft")]
    s = score_entities(docs, docs)
    assert s.to_dict()["documents"] == {"scored": 1, "skipped": {"absent": 1, "silver": 1,
                                                                 "draft": 1},
                                        "precision": 1, "recall": 1}
    s = score_entities(docs, docs, statuses=("gold", "draft"))
    assert s.to_dict()["documents"]["scored"] == 2


def test_kind_filter_named_only():
    g = doc("d", [mention("m1", 0, 7, "PERSON", "named"), mention("m2", 43, 52, "PERSON",
                                                                   "nominal")])
    p = doc("d", [mention("x1", 0, 7, "PERSON"), mention("x2", 47, 52, "PERSON"),
                  mention("x3", 12, 19, "PERSON", "nominal")])
    s = score_entities([g], [p], kinds=["named"])
    # x2 overlaps an excluded nominal gold mention: ignored; x3 states an excluded kind.
    assert s.mode_counts("strict") == counts(correct=1)
    all_kinds = score_entities([g], [p])
    assert all_kinds.mode_counts("strict") == counts(correct=1, incorrect=1, spurious=1)


def test_label_filter():
    g = doc("d", [mention("m1", 0, 7, "PERSON"), mention("m2", 23, 27, "LOCATION")])
    p = doc("d", [mention("x1", 0, 7, "PERSON"), mention("x2", 31, 37, "TIME")])
    s = score_entities([g], [p], labels=["PERSON"])
    assert s.mode_counts("strict") == counts(correct=1)
    assert s.labels == ("PERSON",)


def test_refuses_different_ids_and_texts():
    g = [doc("a", []), doc("b", [])]
    with pytest.raises(DatelineError) as e:
        score_entities(g, [doc("a", [])])
    assert e.value.code == "document-ids-differ" and "'b'" in str(e.value)
    other = Document(id="b", text=TEXT[:5] + "X" + TEXT[6:])
    with pytest.raises(DatelineError) as e:
        score_entities(g, [doc("a", []), other])
    assert e.value.code == "document-text-differs"
    assert e.value.where == "document 'b', offset 5"
    with pytest.raises(DatelineError) as e:
        score_entities(g, [doc("a", []), doc("a", []), doc("b", [])])
    assert e.value.code == "duplicate-document-id"
