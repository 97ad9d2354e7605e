"""pytest-benchmark suite of the extractors: throughput in tokens per second on the test split.

Run by hand (the normal test run disables benchmarks), on one core, timing CPU time so that
other work on the machine does not count:

    .venv/bin/pytest benchmarks/test_bench_extractors.py --benchmark-enable \\
        --benchmark-timer time.process_time --benchmark-columns median,rounds -s

Targets (issue 5): rule-based extractors at least 100,000 tokens/s, the CRF at least
30,000 tokens/s. Tokens are spaCy's rule-based tokens (``dateline.baselines.text``), the unit
the extractors themselves work in. Each test prints and stores ``tokens_per_second`` (from the
median round) in ``extra_info``; the corpus must be built (``dateline corpus build``) and the
trainable extractors are trained on first use (cached per corpus version).
"""

from __future__ import annotations

import pytest

from dateline.baselines import get_extractor, is_trainable, load_or_train, strip
from dateline.baselines.text import tokenize
from dateline.schemas import DatelineError

TARGETS = {"quotes-rules": 100_000, "events-rules": 100_000, "quote-marks": 100_000,
           "lexicon": 100_000, "crf": 30_000, "spacy": None, "spacy-trained": None}


@pytest.fixture(scope="module")
def test_split():
    from dateline import loading

    try:
        docs = [strip(d) for d in loading.documents("test")]
    except DatelineError as err:
        pytest.skip(f"corpus not built: {err}")
    return loading, docs, sum(len(tokenize(d.text)) for d in docs)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_bench_extractor_throughput(benchmark, test_split, name):
    loading, docs, n_tokens = test_split
    try:
        extractor = get_extractor(name)
    except DatelineError as err:
        pytest.skip(str(err))
    if is_trainable(extractor):
        load_or_train(extractor, loading.corpus_version(), lambda: list(loading.documents("train")),
                      lambda: list(loading.documents("validation")))
    batch = getattr(extractor, "extract_batch", None)

    def run():
        if batch is not None:
            return batch(docs)
        return [extractor.extract(d) for d in docs]

    run()  # warm up: lazy imports, lexicon tables, spaCy's tokenizer cache
    out = benchmark.pedantic(run, rounds=5, iterations=1)
    assert len(out) == len(docs)
    if benchmark.stats is None:  # --benchmark-disable: ran once, nothing measured
        return
    rate = n_tokens / benchmark.stats.stats.median
    benchmark.extra_info.update({"tokens": n_tokens, "tokens_per_second": round(rate),
                                 "target": TARGETS[name]})
    print(f"\n{name}: {rate:,.0f} tokens/s on {n_tokens:,} tokens "
          f"(target {TARGETS[name] or '-'})")
