"""The layer registry: a fourth layer is one registry entry and one scorer, and it goes through
score, compare, the error report and the benchmark table without touching anything else."""

import io
import json

import numpy as np
import pytest
from rich.console import Console

from dateline.benchmark import benchmark
from dateline.benchmark_render import tables
from dateline.cli import main
from dateline.evaluation import (
    Column,
    LayerSpec,
    compare_systems,
    get_layer,
    layer_names,
    score,
    score_layers,
)
from dateline.evaluation.counts import DocCounts
from dateline.evaluation.coverage import skip_reason
from dateline.evaluation.error_report import write_error_report
from dateline.evaluation.inputs import pair_documents
from dateline.evaluation.layers import registered
from dateline.evaluation.report import render
from dateline.evaluation.results import LayerScores, count_fields
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, Mention, write_jsonl

PEOPLE = {"person": "prf"}


def score_people(gold, pred, options):
    """A toy layer: PERSON mentions matched on exact offsets, read from the entity layer."""
    rows, ids, skipped = [], [], {}
    for g, p in pair_documents(gold, pred):
        reason = skip_reason(g.layers.entities, options.statuses)
        if reason is not None:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        gs = {(m.start, m.end) for m in g.entities if m.label == "PERSON"}
        ps = {(m.start, m.end) for m in p.entities if m.label == "PERSON"}
        rows.append([len(gs & ps), len(ps), len(gs)])
        ids.append(g.id)
    values = np.asarray(rows, dtype=np.int64).reshape(len(rows), 3)
    return LayerScores("people", dict(PEOPLE), DocCounts(tuple(ids), count_fields(PEOPLE), values),
                       {"statuses": list(options.statuses)}, skipped)


SPEC = LayerSpec("people", "entities", score_people, headline=("person.f1",),
                 columns=(Column("person P", "person.precision"), Column("person F1", "person.f1")),
                 per_label="label", result=LayerScores, description="toy: PERSON offsets")

TEXT = "Ann met Bo and Cy in Rome."


def doc(i, spans, status="gold"):
    info = LayerInfo(status=status, labels=("PERSON", "LOCATION"))
    return Document(id=f"d{i}", text=TEXT, layers=Layers(entities=info), entities=tuple(
        Mention(id=f"m{k}", start=s, end=e, text=TEXT[s:e], label=lab)
        for k, (s, e, lab) in enumerate(spans)))


ANN, BO, CY, ROME = (0, 3, "PERSON"), (8, 10, "PERSON"), (15, 17, "PERSON"), (21, 25, "LOCATION")
GOLD = [doc(i, [ANN, BO, CY, ROME]) for i in range(12)]
# good finds every person; half finds Ann only and calls Rome a person
GOOD = [doc(i, [ANN, BO, CY], "silver") for i in range(12)]
HALF = [doc(i, [ANN, (21, 25, "PERSON")], "silver") for i in range(12)]


class Replay:
    """An extractor returning fixed predictions."""

    def __init__(self, name, docs):
        self.name, self.version, self.layers = name, "1", ("entities",)
        self._by_id = {d.id: d for d in docs}

    def extract(self, d):
        return self._by_id[d.id]


def test_builtin_registry():
    assert layer_names() == ("entities", "events", "quotes")
    for name in layer_names():
        spec = get_layer(name)
        r = spec.score([], [])
        names = set(r.metric_names(per_label=True))
        # every headline metric and table column names a metric the layer answers
        assert set(spec.headline) <= names
        assert {c.metric for c in spec.columns} <= names


def test_fourth_layer_through_score_and_the_cli(tmp_path, capsys):
    with registered(SPEC):
        r = score(GOLD, GOOD)
        # GOOD predicts entities only: its events and quotes are not scored (n/a), not 0
        assert list(r["layers"]) == ["entities", "people"]
        assert set(r["not_predicted"]) == {"events", "quotes"}
        people = r["layers"]["people"]
        assert people["metrics"]["person"]["counts"] == {"tp": 36, "pred": 36, "gold": 36}
        assert people["scores"]["person.f1"] == 1.0
        assert "people,person,all,0.5,0.3333333333333333,0.4," in render(score(GOLD, HALF), "csv")
        g, p = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
        write_jsonl(GOLD, g)
        write_jsonl(HALF, p)
        assert main(["score", str(g), str(p), "--layer", "people", "--format", "json"]) == 0
        out = json.loads(capsys.readouterr().out)["layers"]["people"]["metrics"]["person"]
        # Ann right in every document; "Rome" as PERSON is wrong: P = 1/2, R = 1/3
        assert (out["precision"], out["recall"]) == (0.5, 1 / 3)
        # the error report scores it too (no records: the spec defines none)
        rep = write_error_report(GOLD, HALF, tmp_path / "report", layers=("people",),
                                 resamples=20)
        assert rep["scores"][0].startswith("people person.f1: 0.4000 [")
    assert "people" not in layer_names()


def test_fourth_layer_through_compare_and_the_benchmark_table(tmp_path):
    with registered(SPEC):
        res = compare_systems(GOLD, {"good": GOOD, "half": HALF}, layers=("people",),
                              resamples=200, trials=500, seed=1)
        m = res["layers"]["people"]["metrics"]["person.f1"]
        assert m["systems"]["good"]["value"] == 1.0
        assert m["differences"]["half"]["significant"] is True
        report = benchmark([Replay("good", GOOD), Replay("half", HALF)], gold=GOLD,
                           corpus_version="x", output_dir=tmp_path, resamples=100, trials=200,
                           reference="good")
        assert "people" in report["comparison"]
        console = Console(file=io.StringIO(), width=250)
        for t in tables(report):
            console.print(t)
        text = console.file.getvalue()
        assert "people — test split" in text and "person F1" in text
        people = text[text.index("people — test split"):]
        row = people[people.index("│ half"):].splitlines()[0]
        assert "0.400*" in row  # F1 of P 1/2, R 1/3, significantly below good


def test_a_column_naming_a_missing_metric_is_an_error(tmp_path):
    bad = LayerSpec("people", "entities", score_people, headline=("person.f1",),
                    columns=(Column("typo", "person.f11"),), per_label="label",
                    result=LayerScores)
    with registered(bad):
        report = benchmark([Replay("good", GOOD)], gold=GOLD, corpus_version="x",
                           output_dir=tmp_path, resamples=20, trials=20)
        with pytest.raises(DatelineError, match="unknown-metric"):
            tables(report)


def test_a_wrong_metric_name_is_an_error_never_a_blank():
    r = score_layers(GOLD, GOOD, ("entities",))["entities"]
    assert r.value("strict.precision") == 1.0 and r.value("strict.recall") == 0.75  # Rome
    assert r.value("strict.PERSON.recall") == 1.0 and r.value("strict.LOCATION.recall") == 0.0
    with pytest.raises(DatelineError, match=r"unknown-metric.*did you mean strict\.f1"):
        r.value("strict.f11")


def test_registering_twice_or_an_unknown_data_layer_is_refused():
    with registered(SPEC), pytest.raises(DatelineError, match="layer-registered"), \
            registered(SPEC):
        pass
    with pytest.raises(DatelineError, match="unknown-layer"):
        LayerSpec("x", "relations", score_people, (), (), "label", LayerScores)
    with pytest.raises(DatelineError, match="unknown-layer"):
        score(GOLD, GOOD, layers=("people",))
