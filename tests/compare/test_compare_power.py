"""Minimum detectable differences: the formula on the comparison's own resamples, the JSON and
every rendering, and a simulation: at the estimated MDD the approximate-randomisation test is
significant in about 80% of simulated corpora, at half of it in far fewer.

The simulation runs 400 corpora per setting (a few seconds); ``DATELINE_SLOW=1`` (or the
suite's ``DATELINE_SLOW_TESTS=1``) runs 2,000 per setting and corpora of 50, 200 and 800
documents. ``-s`` prints the figures.
"""

import csv
import io
import json
import os

import numpy as np
import pytest
from compare_data import corpus as example_corpus
from compare_data import perturb

from dateline.cli import main
from dateline.evaluation.compare import compare_scores, compare_systems, layer_metrics
from dateline.evaluation.counts import DocCounts
from dateline.evaluation.power import mdd_factor
from dateline.evaluation.results import LayerScores
from dateline.evaluation.significance import paired_bootstrap, stream
from dateline.schemas import write_jsonl

SLOW = bool(os.environ.get("DATELINE_SLOW") or os.environ.get("DATELINE_SLOW_TESTS"))
CORPORA = 2000 if SLOW else 400
PILOTS = 40 if SLOW else 10
SIZES = (50, 200, 800) if SLOW else (200,)
METRIC = "acc.accuracy"


def layer(correct, sizes):
    ids = tuple(f"d{i}" for i in range(len(sizes)))
    return LayerScores("sim", {"acc": "accuracy"},
                       DocCounts(ids, ("acc|correct", "acc|total"),
                                 np.stack([correct, sizes], axis=1)))


def simulated(rng, n_docs, delta, *, heterogeneous=True):
    """Two systems on ``n_docs`` documents of 1 + Poisson(8) items. A document has its own
    difficulty: system a gets each item right with probability q ~ U(0.3, 0.7) (0.5 for every
    document when not ``heterogeneous``), system b with q + delta: the true difference of the
    accuracy is ``delta``. Errors are independent given the document."""
    sizes = 1 + rng.poisson(8, n_docs)
    q = rng.uniform(0.3, 0.7, n_docs) if heterogeneous else np.full(n_docs, 0.5)
    return {"a": {"sim": layer(rng.binomial(sizes, q), sizes)},
            "b": {"sim": layer(rng.binomial(sizes, q + delta), sizes)}}


def estimated_mdd(rng, n_docs, *, paired=True, heterogeneous=True):
    """The MDD the comparison reports (the mean over a few pilot corpora with no difference:
    the estimator, not one draw of it, is what the simulation checks)."""
    out = []
    for i in range(PILOTS):
        r = compare_scores(simulated(rng, n_docs, 0.0, heterogeneous=heterogeneous),
                           resamples=1000, trials=1, seed=i)
        m = r["layers"]["sim"]["metrics"][METRIC]
        out.append(m["differences"]["b"]["mdd"] if paired else m["systems"]["a"]["mdd"])
    return float(np.mean(out))


def detection_rate(rng, n_docs, delta, *, heterogeneous=True):
    """Share of simulated corpora in which b differs significantly from a (1,000 trials)."""
    hits = 0
    for _ in range(CORPORA):
        r = compare_scores(simulated(rng, n_docs, delta, heterogeneous=heterogeneous),
                           resamples=1, trials=1000, seed=int(rng.integers(2**31)))
        hits += r["layers"]["sim"]["metrics"][METRIC]["differences"]["b"]["significant"]
    return hits / CORPORA


@pytest.mark.parametrize("n_docs", SIZES)
def test_simulated_power_at_the_mdd_is_about_80_percent(n_docs):
    rng = np.random.default_rng([2024, n_docs])
    mdd = estimated_mdd(rng, n_docs)
    at_mdd = detection_rate(rng, n_docs, mdd)
    at_half = detection_rate(rng, n_docs, mdd / 2)
    print(f"\n{n_docs} documents, {CORPORA} corpora: MDD {mdd:.4f}; significant in "
          f"{at_mdd:.3f} at the MDD, {at_half:.3f} at MDD/2 (normal theory 0.80, 0.29)")
    assert 0.65 <= at_mdd <= 0.95
    assert at_half < 0.45


def test_single_system_mdd_holds_for_independent_errors_and_pairing_gains():
    rng = np.random.default_rng(99)
    # Without document difficulty the two systems' errors are independent: the single-system
    # MDD (sqrt(2) x its own SD) is the paired one, and detects with about 80% power.
    single = estimated_mdd(rng, 200, paired=False, heterogeneous=False)
    paired = estimated_mdd(rng, 200, paired=True, heterogeneous=False)
    assert abs(single / paired - 1) < 0.1
    rate = detection_rate(rng, 200, single, heterogeneous=False)
    print(f"\nindependent errors: single-system MDD {single:.4f}, paired {paired:.4f}; "
          f"significant in {rate:.3f} at the single-system MDD")
    assert 0.65 <= rate <= 0.95
    # With documents hard for both systems, pairing cancels the difficulty: smaller MDD.
    assert estimated_mdd(rng, 200, paired=True) < 0.85 * estimated_mdd(rng, 200, paired=False)


def test_mdd_is_the_factor_times_the_bootstrap_sd_of_the_comparisons_resamples():
    gold = example_corpus(40)
    systems = {"a": perturb(gold, 1, 0.2), "b": perturb(gold, 2, 0.4)}
    res = compare_systems(gold, systems, layers=("entities",), resamples=300, trials=10, seed=4)
    m = res["layers"]["entities"]["metrics"]["strict.f1"]
    from dateline.evaluation.layers import score_layers

    scores = [score_layers(gold, systems[s], ("entities",))["entities"] for s in ("a", "b")]
    values, fn = layer_metrics(scores)
    boot = paired_bootstrap(values, fn, n_docs=40, resamples=300,
                            rng=stream(4, "bootstrap", "entities", "all"))
    a, b = boot.samples[0]["strict.f1"], boot.samples[1]["strict.f1"]
    assert m["differences"]["b"]["mdd"] == pytest.approx(mdd_factor() * np.std(b - a, ddof=1))
    assert m["systems"]["a"]["mdd"] == pytest.approx(
        np.sqrt(2) * mdd_factor() * np.std(a, ddof=1))
    power = res["layers"]["entities"]["power"]
    assert power["mdd"] == {"strict.f1": {"b": m["differences"]["b"]["mdd"]},
                            "partial.f1": {"b": res["layers"]["entities"]["metrics"][
                                "partial.f1"]["differences"]["b"]["mdd"]}}
    assert (power["alpha"], power["power"]) == (0.05, 0.8)


def test_identical_systems_have_no_mdd_and_alpha_moves_it():
    gold = example_corpus(30)
    a = perturb(gold, 1, 0.3)
    res = compare_systems(gold, {"a": a, "copy": list(a)}, layers=("quotes",), resamples=100,
                          trials=10)
    assert all(e["differences"]["copy"]["mdd"] is None
               for e in res["layers"]["quotes"]["metrics"].values())
    strict = compare_systems(gold, {"a": a}, layers=("quotes",), resamples=100, alpha=0.01)
    loose = compare_systems(gold, {"a": a}, layers=("quotes",), resamples=100, alpha=0.05)
    s, lo = (r["layers"]["quotes"]["metrics"]["quote.f1"]["systems"]["a"]["mdd"]
             for r in (strict, loose))
    assert s == pytest.approx(lo * mdd_factor(0.01) / mdd_factor(0.05))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("power")
    gold = example_corpus(30)
    paths = [str(d / "gold.jsonl")]
    write_jsonl(gold, paths[0])
    for name, seed, p in (("base", 1, 0.2), ("worse", 2, 0.5)):
        write_jsonl(perturb(gold, seed, p), d / f"{name}.jsonl")
        paths.append(str(d / f"{name}.jsonl"))
    return paths


def compare(capsys, *argv):
    assert main(["compare", *argv, "--resamples", "100", "--trials", "100",
                 "--reference", "base"]) == 0
    return capsys.readouterr().out


def test_mdd_next_to_every_interval_and_in_every_format(files, capsys):
    res = json.loads(compare(capsys, *files, "--by", "genre", "--format", "json"))
    parts = [res["layers"], *(s["layers"] for s in res["slices"].values())]
    for layers in parts:
        for lres in layers.values():
            assert set(lres["power"]["mdd"]) <= set(lres["metrics"])
            for entry in lres["metrics"].values():
                for e in entry["systems"].values():
                    assert list(e)[:3] == ["value", "interval", "mdd"]
                for d in entry["differences"].values():
                    assert list(d)[:3] == ["difference", "interval", "mdd"]
    assert res["settings"]["power"] == 0.8 and "z_{power}" in res["settings"]["mdd"]
    line = "cannot be detected (α 0.05, power 0.8)"
    argv = [*files, "--layer", "entities", "--metric", "strict.f1"]
    table = compare(capsys, *argv)
    md = compare(capsys, *argv, "--format", "markdown")
    tex = compare(capsys, *argv, "--format", "latex")
    for text in (table, md, tex):
        assert "entities strict.f1: differences smaller than" in text and line in text
        assert "entities partial.f1:" in text  # every headline metric of the layer
        assert "quotes" not in text  # layers the table does not show are left out
    assert tex.split("\\end{tabular}\n")[1].startswith("% entities strict.f1: differences")
    rows = list(csv.DictReader(io.StringIO(compare(capsys, *argv, "--format", "csv"))))
    assert [r["system"] for r in rows] == ["base", "worse"]
    assert float(rows[0]["mdd"]) > 0 and rows[0]["diff_mdd"] == ""
    assert float(rows[1]["diff_mdd"]) > 0
    assert rows[0]["signature"] == rows[1]["signature"] == res["signature"].replace(
        "layer:entities,events,quotes", "layer:entities")
