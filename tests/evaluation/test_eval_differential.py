"""Differential tests: the same numbers as nervaluate (all four modes) where its greedy matching
is unambiguous, and as seqeval in strict IOB2 mode via BIO conversion."""

import random

import pytest

from dateline.evaluation.entities import score_entity_spans

nervaluate = pytest.importorskip("nervaluate")
seqeval_metrics = pytest.importorskip("seqeval.metrics")
from seqeval.scheme import IOB2  # noqa: E402

TYPES = ["PER", "ORG", "LOC", "MISC"]
NV_MODE = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def unambiguous_corpus(seed, n_docs=60):
    """Flat gold spans at least 2 tokens apart; each prediction overlaps at most one gold span
    and each gold span at most one prediction (the regime where greedy matching is optimal)."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        n = rng.randint(20, 60)
        gold, pos = [], 0
        while True:
            pos += rng.randint(2, 8)
            ln = rng.randint(1, 4)
            if pos + ln + 1 >= n:
                break
            gold.append((pos, pos + ln, rng.choice(TYPES)))
            pos += ln
        occupied = set()
        for s, e, _ in gold:
            occupied.update(range(s - 1, e + 1))
        pred = []
        for s, e, t in gold:
            r = rng.random()
            if r < 0.5:
                pred.append((s, e, t))
            elif r < 0.65:
                pred.append((s, e, rng.choice([x for x in TYPES if x != t])))
            elif r < 0.85:
                s2, e2 = rng.choice([(s + 1, e), (s, e - 1), (s, e + 1), (s - 1, e)])
                if e2 > s2:
                    pred.append((s2, e2, rng.choice([t, t, rng.choice(TYPES)])))
        for _ in range(rng.randint(0, 2)):
            s = rng.randrange(0, n - 1)
            if s not in occupied and s + 1 not in occupied:
                pred.append((s, s + 1, rng.choice(TYPES)))
                occupied.update((s, s + 1))
        rng.shuffle(pred)
        docs.append((n, gold, pred))
    return docs


def to_bio(n, spans):
    tags = ["O"] * n
    for s, e, t in spans:
        tags[s] = "B-" + t
        for i in range(s + 1, e):
            tags[i] = "I-" + t
    return tags


@pytest.mark.parametrize("seed", range(8))
def test_same_counts_as_nervaluate_in_all_four_modes(seed):
    docs = unambiguous_corpus(seed)
    gold = [g for _, g, _ in docs]
    pred = [p for _, _, p in docs]
    ours = score_entity_spans(gold, pred)
    # nervaluate spans have an inclusive end
    nv_true = [[{"label": t, "start": s, "end": e - 1} for s, e, t in d] for d in gold]
    nv_pred = [[{"label": t, "start": s, "end": e - 1} for s, e, t in d] for d in pred]
    res = nervaluate.Evaluator(nv_true, nv_pred, tags=TYPES, loader="dict").evaluate()
    for mode, nv in NV_MODE.items():
        theirs = res["overall"][nv]
        mine = ours.mode_counts(mode)
        assert (mine["correct"], mine["incorrect"], mine["partial"], mine["missed"],
                mine["spurious"]) == (theirs.correct, theirs.incorrect, theirs.partial,
                                      theirs.missed, theirs.spurious), mode
        scores = ours.scores(mode)
        assert scores["precision"] == pytest.approx(theirs.precision)
        assert scores["recall"] == pytest.approx(theirs.recall)
        assert scores["f1"] == pytest.approx(theirs.f1)


@pytest.mark.parametrize("seed", range(8))
def test_same_strict_scores_as_seqeval_iob2(seed):
    docs = unambiguous_corpus(100 + seed)
    gold = [g for _, g, _ in docs]
    pred = [p for _, _, p in docs]
    y_true = [to_bio(n, g) for n, g, _ in docs]
    y_pred = [to_bio(n, sorted(p)) for n, _, p in docs]
    ours = score_entity_spans(gold, pred)
    kw = {"mode": "strict", "scheme": IOB2}
    assert ours.scores("strict")["precision"] == pytest.approx(
        seqeval_metrics.precision_score(y_true, y_pred, **kw))
    assert ours.scores("strict")["recall"] == pytest.approx(
        seqeval_metrics.recall_score(y_true, y_pred, **kw))
    assert ours.scores("strict")["f1"] == pytest.approx(
        seqeval_metrics.f1_score(y_true, y_pred, **kw))
    report = seqeval_metrics.classification_report(y_true, y_pred, output_dict=True, **kw)
    for label in ours.labels:
        if label in report:
            assert ours.scores("strict", label)["recall"] == pytest.approx(
                report[label]["recall"])
            assert ours.scores("strict", label)["precision"] == pytest.approx(
                report[label]["precision"])
