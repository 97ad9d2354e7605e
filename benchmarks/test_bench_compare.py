"""pytest-benchmark suite of system comparison (run by hand; the normal test run disables
benchmarks), timing CPU time so that other work on the machine does not count:

    .venv/bin/pytest benchmarks/test_bench_compare.py --benchmark-enable \\
        --benchmark-timer time.process_time --benchmark-columns min,median,max,rounds

On the standard 20,000-document workload (``scoring_workload.py`` plus system B of
``side_by_side_compare.py``): 1,000 paired-bootstrap resamples plus 10,000
approximate-randomisation trials for two systems, from per-document counts. Target (issue 6):
under 2 s of CPU. The bootstrap and the randomisation test are also timed on their own.
"""

import pytest
from scoring_workload import generate
from side_by_side_compare import system_b

from dateline.evaluation import compare_scores, score_entity_spans
from dateline.evaluation.compare import layer_metrics
from dateline.evaluation.significance import approximate_randomisation, paired_bootstrap, stream

N_DOCS = 20000


@pytest.fixture(scope="module")
def scores():
    docs = generate(N_DOCS)["docs"]
    gold = [d["gold"] for d in docs]
    a = score_entity_spans(gold, [d["pred"] for d in docs], keep_items=False)
    b = score_entity_spans(gold, system_b(docs), keep_items=False)
    return a, b


def test_bench_compare_two_systems(benchmark, scores):
    a, b = scores
    res = benchmark.pedantic(
        lambda: compare_scores({"A": {"entities": a}, "B": {"entities": b}}, resamples=1000,
                               trials=10000, seed=12345), rounds=5, iterations=1)
    m = res["layers"]["entities"]["metrics"]["strict.f1"]
    assert m["differences"]["B"]["significant"] is True
    if benchmark.enabled:
        assert benchmark.stats.stats.median < 2.0, "issue 6 target: < 2 s of CPU"


def test_bench_bootstrap_only(benchmark, scores):
    values, fn = layer_metrics(list(scores))
    boot = benchmark.pedantic(
        lambda: paired_bootstrap(values, fn, n_docs=N_DOCS, resamples=1000,
                                 rng=stream(1, "bench")), rounds=5, iterations=1)
    assert boot.samples[0]["strict.f1"].shape == (1000,)


def test_bench_randomisation_only(benchmark, scores):
    values, fn = layer_metrics(list(scores))
    ar = benchmark.pedantic(
        lambda: approximate_randomisation(values[1], values[0], fn, trials=10000,
                                          rng=stream(1, "bench")), rounds=5, iterations=1)
    assert ar["strict.f1"].p_value < 0.001
