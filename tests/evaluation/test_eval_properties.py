"""Property tests of the entity scorer (hypothesis)."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.evaluation.entities import MODES, score_entity_spans
from dateline.evaluation.entity_scores import FIELDS

LABELS = ["A", "B", "C"]

span = st.tuples(st.integers(0, 40), st.integers(1, 6), st.sampled_from(LABELS)).map(
    lambda t: (t[0], t[0] + t[1], t[2]))
doc_items = st.lists(span, max_size=8)
corpus = st.lists(st.tuples(doc_items, doc_items), min_size=1, max_size=6)

SETTINGS = settings(max_examples=150, deadline=None)


def split(c):
    return [g for g, _ in c], [p for _, p in c]


@SETTINGS
@given(corpus)
def test_micro_is_sum_of_per_label(c):
    s = score_entity_spans(*split(c))
    for mode in MODES:
        total = s.mode_counts(mode)
        for key in total:
            assert total[key] == sum(s.mode_counts(mode, lab)[key] for lab in s.labels)
        per_label = s.mode_fields(mode)
        # gold-side and predicted-side credit agree in the micro totals
        for a, b in (("correct", "pred_correct"), ("partial", "pred_partial")):
            assert per_label[:, FIELDS.index(a)].sum() == per_label[:, FIELDS.index(b)].sum()


@SETTINGS
@given(st.lists(doc_items, min_size=1, max_size=6))
def test_perfect_prediction_scores_one(gold):
    s = score_entity_spans(gold, gold)
    for mode in MODES:
        expected = None if not any(gold) else 1.0
        assert s.scores(mode) == {"precision": expected, "recall": expected, "f1": expected}


@SETTINGS
@given(corpus, st.randoms(use_true_random=False))
def test_shuffling_changes_nothing(c, rnd):
    g, p = split(c)
    base = score_entity_spans(g, p)
    order = list(range(len(c)))
    rnd.shuffle(order)
    g2 = [rnd.sample(g[i], len(g[i])) for i in order]
    p2 = [rnd.sample(p[i], len(p[i])) for i in order]
    other = score_entity_spans(g2, p2)
    for mode in MODES:
        assert base.mode_counts(mode) == other.mode_counts(mode)
        for lab in base.labels:
            assert base.mode_counts(mode, lab) == other.mode_counts(mode, lab)
    assert base.confusion == other.confusion


@SETTINGS
@given(corpus, st.sampled_from(LABELS), st.integers(1, 3))
def test_a_spurious_prediction_never_raises_precision(c, label, length):
    g, p = split(c)
    before = score_entity_spans(g, p)
    free = 100  # beyond every generated span
    p2 = [list(x) for x in p]
    p2[0].append((free, free + length, label))
    after = score_entity_spans(g, p2)
    for mode in MODES:
        b, a = before.scores(mode)["precision"], after.scores(mode)["precision"]
        assert a is not None
        assert b is None or a <= b
        assert after.mode_counts(mode)["spurious"] == before.mode_counts(mode)["spurious"] + 1


@SETTINGS
@given(corpus)
def test_relations_between_modes(c):
    s = score_entity_spans(*split(c))
    cor = {m: s.mode_counts(m)["correct"] + 0.5 * s.mode_counts(m)["partial"] for m in MODES}
    assert cor["strict"] <= cor["exact"] <= cor["partial"]
    assert cor["strict"] <= cor["type"]
    # every mode counts the same items
    assert len({(s.mode_counts(m)["possible"], s.mode_counts(m)["actual"]) for m in MODES}) == 1


def test_type_can_exceed_partial():
    # Not a relation that holds: an overlap with the right label is full credit in type mode
    # and half credit in partial mode.
    s = score_entity_spans([[(0, 4, "A")]], [[(1, 4, "A")]])
    assert s.scores("type")["f1"] == 1.0 and s.scores("partial")["f1"] == 0.5


@pytest.mark.parametrize("seed", range(5))
def test_random_order_stress(seed):
    rnd = random.Random(seed)
    gold = [[(s, s + rnd.randint(1, 5), rnd.choice(LABELS)) for s in rnd.sample(range(60), 15)]
            for _ in range(20)]
    pred = [[(s + rnd.randint(-2, 2), e + rnd.randint(-2, 2), rnd.choice(LABELS))
             for s, e, _ in d if rnd.random() < 0.9] for d in gold]
    pred = [[(max(0, s), max(s + 1, e), t) for s, e, t in d] for d in pred]
    base = score_entity_spans(gold, pred)
    for _ in range(5):
        shuffled = [rnd.sample(d, len(d)) for d in pred]
        other = score_entity_spans(gold, shuffled)
        for mode in MODES:
            assert base.mode_counts(mode) == other.mode_counts(mode)
