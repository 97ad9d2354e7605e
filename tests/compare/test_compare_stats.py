"""System comparison: intervals, p-values and Holm's correction, checked against direct
computations (naive re-scoring per resample, exact enumeration) and known properties."""

import itertools
import math

import numpy as np
import pytest
from compare_data import corpus, perturb

from dateline.evaluation import score_entity_spans
from dateline.evaluation.compare import compare_scores, compare_systems, layer_metrics
from dateline.evaluation.report import score
from dateline.evaluation.significance import (
    approximate_randomisation,
    bootstrap_rows,
    holm,
    paired_bootstrap,
    stream,
)

FAST = {"resamples": 200, "trials": 500}


@pytest.fixture(scope="module")
def data():
    gold = corpus(60)
    return gold, {"a": perturb(gold, 1, 0.2), "b": perturb(gold, 2, 0.4),
                  "c": perturb(gold, 3, 0.2)}


@pytest.fixture(scope="module")
def result(data):
    gold, systems = data
    return compare_systems(gold, systems, **FAST, seed=7, by="genre")


def all_metrics(res):
    for layer, lres in res["layers"].items():
        for name, entry in lres["metrics"].items():
            yield layer, name, entry


def test_identical_systems_p_is_one_and_interval_zero(data):
    gold, systems = data
    res = compare_systems(gold, {"a": systems["a"], "copy": list(systems["a"])}, **FAST, seed=3)
    seen = 0
    for _, name, entry in all_metrics(res):
        d = entry["differences"]["copy"]
        if entry["systems"]["a"]["value"] is None:
            assert d["p"] is None and d["difference"] is None, name
            continue
        assert d["p"] == 1.0 and d["p_holm"] == 1.0 and d["difference"] == 0.0, name
        assert d["interval"] == [0.0, 0.0], name
        assert d["significant"] is False
        seen += 1
    assert seen > 50  # every layer's metrics were checked


def test_values_equal_the_scorer_report(data, result):
    """The compared value of every metric is the scorer's own number."""
    gold, systems = data
    for name, pred in systems.items():
        rep = score(gold, pred)["layers"]
        ent = result["layers"]["entities"]["metrics"]
        for mode in ("strict", "exact", "partial", "type"):
            for r in ("precision", "recall", "f1"):
                assert ent[f"{mode}.{r}"]["systems"][name]["value"] == pytest.approx(
                    rep["entities"]["modes"][mode]["micro"][r])
                assert ent[f"{mode}.macro.{r}"]["systems"][name]["value"] == pytest.approx(
                    rep["entities"]["modes"][mode]["macro"][r])
        for layer in ("events", "quotes"):
            for metric, v in rep[layer]["metrics"].items():
                for r in ("precision", "recall", "f1", "accuracy"):
                    if r in v:
                        got = result["layers"][layer]["metrics"][f"{metric}.{r}"]
                        assert got["systems"][name]["value"] == pytest.approx(v[r])


def test_same_seed_same_numbers_other_seed_other_intervals(data, result):
    gold, systems = data
    again = compare_systems(gold, systems, **FAST, seed=7, by="genre")
    assert again == result
    other = compare_systems(gold, systems, **FAST, seed=8, by="genre")
    m, o = (r["layers"]["entities"]["metrics"]["strict.f1"] for r in (result, other))
    assert m["systems"]["b"]["value"] == o["systems"]["b"]["value"]
    assert m["systems"]["b"]["interval"] != o["systems"]["b"]["interval"]
    assert result["settings"]["seed"] == 7 and result["settings"]["resamples"] == 200
    assert result["settings"]["trials"] == 500 and "p = (c + 1)" in result["settings"]["p_value"]


def random_spans(n_docs, seed, p_err):
    rng = np.random.default_rng(seed)
    gold, pred = [], []
    for _ in range(n_docs):
        g = [(10 * k, 10 * k + 5, "A" if rng.random() < 0.5 else "B") for k in range(8)]
        gold.append(g)
        pred.append([it if rng.random() > p_err else (it[0], it[1] + 1, it[2]) for it in g])
    return gold, pred


def test_intervals_shrink_as_documents_grow():
    widths = []
    for n in (50, 200, 800):
        g, p = random_spans(n, seed=n, p_err=0.3)
        s = score_entity_spans(g, p, keep_items=False)
        res = compare_scores({"x": {"entities": s}}, resamples=500, seed=1)
        lo, hi = res["layers"]["entities"]["metrics"]["strict.f1"]["systems"]["x"]["interval"]
        widths.append(hi - lo)
    assert widths[0] > widths[1] > widths[2] > 0
    # The width falls like 1/sqrt(n): a fourfold corpus halves it (within sampling noise).
    assert 0.35 < widths[2] / widths[1] < 0.7 and 0.35 < widths[1] / widths[0] < 0.7


def test_bootstrap_interval_equals_naive_rescoring():
    """The vectorised interval equals re-scoring every resample with the scorer's own sums."""
    g, p = random_spans(40, seed=5, p_err=0.3)
    s = score_entity_spans(g, p, keep_items=False)
    res = compare_scores({"x": {"entities": s}}, resamples=300, seed=11)
    got = res["layers"]["entities"]["metrics"]["strict.f1"]["systems"]["x"]["interval"]
    rng = stream(11, "bootstrap", "entities", "all")
    f1 = [s.flat_scores(s.counts.sum(rows))["strict.f1"]
          for block in bootstrap_rows(40, 300, rng) for rows in block]
    assert got == pytest.approx(list(np.quantile(f1, [0.025, 0.975])), abs=1e-12)


def test_bootstrap_distribution_matches_exact_enumeration():
    """For 4 documents every one of the 4**4 resamples can be listed: the bootstrap's mean,
    spread and interval agree with the exact bootstrap distribution."""
    v = np.array([[3, 4], [1, 4], [4, 4], [0, 2]])  # [correct, total] per document

    def acc(t):
        return {"acc": t[..., 0] / t[..., 1]}

    exact = np.array([acc(v[list(rows)].sum(axis=0))["acc"]
                      for rows in itertools.product(range(4), repeat=4)])
    boot = paired_bootstrap([v], acc, n_docs=4, resamples=40000, rng=stream(0, "t"))
    samples = boot.samples[0]["acc"]
    assert samples.mean() == pytest.approx(exact.mean(), abs=0.003)
    assert samples.std() == pytest.approx(exact.std(), abs=0.003)
    lo, hi = boot.interval(0, "acc")
    # each end cuts off about 2.5% of the exact distribution
    assert (exact < lo).mean() <= 0.025 + 0.01 and (exact <= lo).mean() >= 0.025 - 0.01
    assert (exact > hi).mean() <= 0.025 + 0.01 and (exact >= hi).mean() >= 0.025 - 0.01


def test_randomisation_p_matches_exact_enumeration():
    """With 10 documents all 2**10 swap patterns can be listed: the exact p-value."""
    rng = np.random.default_rng(4)
    a = np.stack([rng.integers(2, 6, 10), np.full(10, 6)], axis=1)
    b = np.stack([rng.integers(1, 5, 10), np.full(10, 6)], axis=1)

    def acc(t):
        return {"acc": t[..., 0] / t[..., 1]}

    obs = abs(acc(a.sum(0))["acc"] - acc(b.sum(0))["acc"])
    count = 0
    for mask in itertools.product((0, 1), repeat=10):
        m = np.array(mask)[:, None]
        sa, sb = (a * (1 - m) + b * m).sum(0), (b * (1 - m) + a * m).sum(0)
        count += abs(acc(sa)["acc"] - acc(sb)["acc"]) >= obs - 1e-12
    exact = count / 2**10
    trials = 20000
    r = approximate_randomisation(a, b, acc, trials=trials, rng=stream(0, "ar"))["acc"]
    se = math.sqrt(exact * (1 - exact) / trials)
    assert 0.01 < exact < 0.5
    assert abs(r.p_value - exact) < 4 * se + 1 / trials


def test_holm():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.01]) == pytest.approx([0.5, 0.02])
    assert holm([0.02, 0.3, 0.04]) == pytest.approx([0.06, 0.3, 0.08])
    assert holm([0.9, 0.8, 0.7]) == [1.0, 1.0, 1.0]
    assert holm([None, 0.2]) == [None, 0.2]
    assert holm([]) == []


def test_holm_applied_across_systems(result):
    for _, _, entry in all_metrics(result):
        diffs = entry["differences"]
        assert set(diffs) == {"b", "c"}  # the baseline is the first system
        raw = [diffs[s]["p"] for s in ("b", "c")]
        assert [diffs[s]["p_holm"] for s in ("b", "c")] == holm(raw)


def test_clearly_worse_system_is_significant_and_noise_is_not(result):
    m = result["layers"]["entities"]["metrics"]["strict.f1"]
    worse, same = m["differences"]["b"], m["differences"]["c"]
    assert worse["difference"] < 0 and worse["significant"] is True
    assert worse["interval"][1] < 0 and worse["p"] < 0.01
    assert same["interval"][0] < 0 < same["interval"][1] or same["significant"] is False


def test_slices_resample_only_their_documents(data):
    gold, systems = data
    # Documents of genre "news" are predicted perfectly by b; the others badly.
    b = [g if g.meta.genre == "news" else p for g, p in zip(gold, systems["b"], strict=True)]
    res = compare_systems(gold, {"a": systems["a"], "b": b}, layers=("entities",), **FAST, seed=1,
                  by="genre")
    news = res["slices"]["news"]["layers"]["entities"]
    assert news["documents"]["scored"] == 20
    f1 = news["metrics"]["strict.f1"]["systems"]["b"]
    assert f1["value"] == 1.0 and f1["interval"] == [1.0, 1.0]
    overall = res["layers"]["entities"]["metrics"]["strict.f1"]["systems"]["b"]["interval"]
    assert overall[1] - overall[0] > 0
    # A slice's numbers are those of comparing the slice's documents alone.
    sub = [i for i, g in enumerate(gold) if g.meta.genre == "opinion"]
    alone = compare_systems([gold[i] for i in sub], {"a": [systems["a"][i] for i in sub],
                                             "b": [b[i] for i in sub]},
                    layers=("entities",), **FAST, seed=1)
    sliced = res["slices"]["opinion"]["layers"]["entities"]["metrics"]["strict.f1"]
    assert sliced["systems"]["b"]["value"] == \
        alone["layers"]["entities"]["metrics"]["strict.f1"]["systems"]["b"]["value"]


def test_label_sets_are_aligned_across_systems():
    gold = [[(0, 3, "A"), (5, 8, "B")]] * 5
    a = score_entity_spans(gold, [[(0, 3, "A"), (5, 8, "C")]] * 5, keep_items=False)
    b = score_entity_spans(gold, [[(0, 3, "D"), (5, 8, "B")]] * 5, keep_items=False)
    values, fn = layer_metrics([a, b], per_label=True)
    for s, v in zip((a, b), values, strict=True):
        got = fn(v.sum(axis=0))
        for mode in ("strict", "exact"):
            assert float(got[f"{mode}.f1"]) == pytest.approx(s.scores(mode)["f1"])
            assert float(got[f"{mode}.macro.f1"]) == pytest.approx(s.macro(mode)["f1"])
            for lab in s.labels:
                want = s.scores(mode, lab)["f1"]
                assert float(got[f"{mode}.{lab}.f1"]) == pytest.approx(want)


def test_bad_input_is_refused(data):
    from dateline.schemas import DatelineError

    gold, systems = data
    with pytest.raises(DatelineError, match="reference 'zzz'"):
        compare_systems(gold, systems, baseline="zzz", **FAST)
    with pytest.raises(DatelineError, match="not a document metadata field"):
        compare_systems(gold, systems, by="colour", **FAST)
    with pytest.raises(DatelineError, match="document-ids-differ"):
        compare_systems(gold, {"a": systems["a"][:-1]}, **FAST)


def precision(t):
    return {"p": t[..., 0] / t[..., 1]}  # [tp, predicted]: undefined when nothing is predicted


def exact_randomisation(a, b, metric):
    """(p over the swap patterns where the metric is defined on both sides, share of patterns
    where it is undefined), by listing all 2**k patterns."""
    k = len(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        obs = abs(metric(a.sum(0)) - metric(b.sum(0)))
        extreme = defined = 0
        for mask in itertools.product((0, 1), repeat=k):
            m = np.array(mask)[:, None]
            x = metric((a * (1 - m) + b * m).sum(0))
            y = metric((b * (1 - m) + a * m).sum(0))
            if np.isnan(x) or np.isnan(y):
                continue
            defined += 1
            extreme += abs(x - y) >= obs - 1e-12
    return extreme / defined, 1 - defined / 2**k


def test_randomisation_skips_trials_where_the_metric_is_undefined():
    # Swapping one of the two documents leaves one system with nothing predicted: those trials
    # say nothing. Both defined patterns are as extreme as the observed one: exact p = 1.
    a = np.array([[1, 1], [0, 0]])
    b = np.array([[0, 0], [0, 1]])
    assert exact_randomisation(a, b, lambda t: precision(t)["p"]) == (1.0, 0.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = approximate_randomisation(a, b, precision, trials=4000, rng=stream(0, "ar"))["p"]
    assert r.difference == 1.0 and r.p_value == 1.0
    assert r.extreme == r.trials - r.undefined
    assert abs(r.undefined - 2000) < 4 * math.sqrt(4000 * 0.25)


@pytest.mark.parametrize("seed", range(4))
def test_randomisation_with_undefined_swaps_matches_exact_enumeration(seed):
    """Small systems that often predict nothing in a document: the p-value estimates the exact
    p over the defined swap patterns, and the skipped share is the undefined patterns'."""
    rng = np.random.default_rng(seed)
    k = 7
    while True:
        pred_a, pred_b = rng.integers(0, 3, k) * (rng.random(k) < 0.6), rng.integers(0, 3, k)
        pred_b = pred_b * (rng.random(k) < 0.6)
        a = np.stack([rng.integers(0, pred_a + 1), pred_a], axis=1)
        b = np.stack([rng.integers(0, pred_b + 1), pred_b], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            defined = not np.isnan(precision(a.sum(0))["p"] - precision(b.sum(0))["p"])
        if defined:
            exact, undefined_share = exact_randomisation(a, b, lambda t: precision(t)["p"])
            if 0.05 < undefined_share < 0.95:
                break
    trials = 20000
    with np.errstate(invalid="ignore", divide="ignore"):
        r = approximate_randomisation(a, b, precision, trials=trials, rng=stream(seed, "ar"))["p"]
    n = trials * (1 - undefined_share)  # expected number of defined trials
    se = math.sqrt(max(exact * (1 - exact), 1e-4) / n)
    assert abs(r.p_value - exact) < 4 * se + 1 / n
    assert abs(r.undefined / trials - undefined_share) < 4 * math.sqrt(0.25 / trials)
    assert r.p_value == (r.extreme + 1) / (r.trials - r.undefined + 1)


def test_comparison_reports_skipped_randomisation_trials():
    gold = [[(0, 1, "A")], [(0, 1, "A")]]
    a = score_entity_spans(gold, [[(0, 1, "A")], []], keep_items=False)
    b = score_entity_spans(gold, [[], [(5, 6, "A")]], keep_items=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        res = compare_scores({"a": {"entities": a}, "b": {"entities": b}}, resamples=50,
                             trials=400, seed=1)
    d = res["layers"]["entities"]["metrics"]["strict.precision"]["differences"]["b"]
    assert d["difference"] == -1.0 and d["p"] == 1.0
    assert 100 < d["undefined_trials"] < 300
    recall = res["layers"]["entities"]["metrics"]["strict.recall"]["differences"]["b"]
    assert "undefined_trials" not in recall  # recall is defined in every trial
