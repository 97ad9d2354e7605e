"""pytest-benchmark suite of the scorers (run by hand; the normal test run disables benchmarks):

    .venv/bin/pytest benchmarks/test_bench_scoring.py --benchmark-enable

On a 2,000-document slice of the standard workload (``scoring_workload.py``); the full-size
side-by-side comparison with nervaluate and seqeval is ``side_by_side_scoring.py``.
"""

import pytest
from scoring_workload import generate, to_documents

from dateline.evaluation import score_entities, score_entity_spans

N_DOCS = 2000


@pytest.fixture(scope="module")
def workload():
    docs = generate(N_DOCS)["docs"]
    return ([d["gold"] for d in docs], [d["pred"] for d in docs]), to_documents(docs)


def test_bench_entity_spans_full_report(benchmark, workload):
    spans, _ = workload
    report = benchmark(lambda: score_entity_spans(*spans, keep_items=False).to_dict())
    assert report["modes"]["strict"]["micro"]["counts"]["possible"] > 10000


def test_bench_entity_documents_full_report(benchmark, workload):
    _, docs = workload
    report = benchmark(lambda: score_entities(*docs, keep_items=False).to_dict())
    assert report["documents"]["scored"] == N_DOCS


def test_bench_outcomes(benchmark, workload):
    spans, _ = workload
    scores = score_entity_spans(*spans)
    n = benchmark(lambda: sum(1 for _ in scores.outcomes()))
    assert n > 20000
