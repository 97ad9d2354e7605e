"""Large leftovers are matched by numpy and scipy with the same result as the pure-Python
path, at a bounded cost; past the candidate limit a document is refused with a coded error."""

import random
import time

import pytest

from dateline.evaluation import score_entity_spans
from dateline.evaluation.large_matching import count_candidates, solve_large
from dateline.evaluation.matching import Overlap, solve, span_edges
from dateline.schemas import DatelineError

OVERLAPS = [Overlap(), Overlap(0.5), Overlap(0.5, "pred"), Overlap(0.3, "union"),
            Overlap(1.0, "union")]


def _spans(rng: random.Random, n: int, length: int, labels: str) -> list[tuple[int, int, str]]:
    out = set()
    while len(out) < n:
        s = rng.randrange(0, length)
        out.add((s, s + rng.randint(1, 12), rng.choice(labels)))
    return sorted(out)


@pytest.mark.parametrize("seed", range(12))
def test_same_pairs_as_the_python_path(seed: int) -> None:
    rng = random.Random(seed)
    gold = _spans(rng, rng.randint(5, 60), rng.choice([30, 80, 400]), "AB")
    pred = _spans(rng, rng.randint(5, 60), rng.choice([30, 80, 400]), "ABC")
    gi, pi = list(range(len(gold))), list(range(len(pred)))
    for overlap in OVERLAPS:
        expected = solve(gold, pred, gi, pi, span_edges(gold, pred, gi, pi, overlap))
        assert sorted(solve_large(gold, pred, gi, pi, overlap)) == sorted(expected)
    assert count_candidates(gold, pred, gi, pi) >= len(span_edges(gold, pred, gi, pi,
                                                                  Overlap()))


def test_candidate_count_is_exact_for_nonempty_spans() -> None:
    rng = random.Random(5)
    gold, pred = _spans(rng, 80, 200, "A"), _spans(rng, 90, 200, "A")
    gi, pi = list(range(len(gold))), list(range(len(pred)))
    assert count_candidates(gold, pred, gi, pi) == len(span_edges(gold, pred, gi, pi,
                                                                  Overlap()))


def _nested(n: int) -> tuple[list, list]:
    # every gold span overlaps every prediction: one component of n x n candidates
    gold = [(i, 10 * n - i, "A") for i in range(n)]
    pred = [(i, 10 * n - i - 1, "A" if i % 2 else "B") for i in range(n)]
    return gold, pred


def test_all_overlapping_spans_at_bounded_cost() -> None:
    gold, pred = _nested(120)
    small = score_entity_spans([gold], [pred], keep_items=False)
    gi = list(range(len(gold)))
    pairs = solve(gold, pred, gi, gi, span_edges(gold, pred, gi, gi, Overlap()))
    assert sorted(solve_large(gold, pred, gi, gi, Overlap())) == sorted(pairs)
    assert small.mode_counts("partial")["possible"] == 120
    gold, pred = _nested(600)  # 360,000 candidate pairs; pair by pair this took ~1.5 s
    start = time.process_time()
    s = score_entity_spans([gold], [pred], keep_items=False)
    assert time.process_time() - start < 20  # a loose bound for a loaded machine
    assert s.mode_counts("exact")["correct"] == 0 and s.mode_counts("partial")["partial"] == 600


def test_past_the_limit_the_document_is_refused(monkeypatch) -> None:
    from dateline.evaluation import score_entities
    from dateline.schemas import Document, LayerInfo, Layers, Mention

    monkeypatch.setenv("DATELINE_MAX_CANDIDATES", "10000")
    gold, pred = _nested(200)
    with pytest.raises(DatelineError) as err:
        score_entity_spans([gold], [pred])
    assert err.value.code == "too-many-candidates"
    assert "40,000 candidate pairs" in str(err.value)
    text = "x" * 2000

    def doc(items):
        return Document(id="long-one", text=text, layers=Layers(entities=LayerInfo(
            status="gold")), entities=tuple(Mention(id=f"m{k}", start=s, end=e,
                                                    text=text[s:e], label=lab)
                                            for k, (s, e, lab) in enumerate(items)))
    with pytest.raises(DatelineError) as err:
        score_entities([doc(gold)], [doc(pred)])
    assert err.value.code == "too-many-candidates" and "'long-one'" in str(err.value)
    monkeypatch.setenv("DATELINE_MAX_CANDIDATES", "lots")
    with pytest.raises(DatelineError) as err:
        score_entity_spans([gold], [pred])
    assert err.value.code == "bad-option"


def test_a_component_too_big_for_a_dense_matrix(monkeypatch) -> None:
    """Past DENSE_CELLS the sparse solver finds a matching of the same (optimal) weight."""
    import dateline.evaluation.large_matching as lm

    rng = random.Random(2)
    gold = _spans(rng, 60, 120, "AB")
    pred = _spans(rng, 70, 120, "AB")
    gi, pi = list(range(len(gold))), list(range(len(pred)))
    dense = solve_large(gold, pred, gi, pi, Overlap())
    monkeypatch.setattr(lm, "DENSE_CELLS", 0)
    sparse = solve_large(gold, pred, gi, pi, Overlap())

    def weight(pairs):
        e = span_edges(gold, pred, gi, pi, Overlap())
        k = min(len(gold), len(pred)) + 1
        return sum(e[p][0] * k * k + e[p][1] * k + e[p][2] for p in pairs)
    assert weight(sparse) == pytest.approx(weight(dense))
    assert len({i for i, _ in sparse}) == len(sparse) == len({j for _, j in sparse})
