"""Pairwise F1 of `dateline agreement` on the scoring engine: hand-computed cases per layer."""

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from dateline.baselines.tokens import grapheme_tokens
from dateline.evaluation.agreement import LAYER_UNITS, UNIT_METRICS
from dateline.evaluation.agreement import agreement as _agreement
from dateline.schemas import (
    Argument,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Quote,
    Span,
    write_jsonl,
)
from dateline.studio.convert import tasks_documents
from dateline.studio.sync import write_pulled

# The tokenizer the `agreement` command uses.
agreement = partial(_agreement, tokenizer=grapheme_tokens)

DATA = Path(__file__).parents[1] / "data" / "studio"
ALL_GOLD = Layers(entities=LayerInfo(status="gold"), events=LayerInfo(status="gold"),
                  quotes=LayerInfo(status="gold"))


def span(text, sub, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Span(start=start, end=start + len(sub), text=sub)


def mention(text, id_, sub, label, entity=None, nth=0):
    s = span(text, sub, nth)
    return Mention(id=id_, start=s.start, end=s.end, text=sub, label=label, entity=entity)


def run(a, b, units, **kw):
    r = agreement({"d": {"a": a, "b": b}}, layers=units, bootstrap=100, **kw)
    return r["pairs"]["a | b"]


# -- events ---------------------------------------------------------------------------------

EV_TEXT = "Troops attacked the town and arrested Ann."


def event(id_, trigger, type_, args):
    return Event(id=id_, trigger=span(EV_TEXT, trigger), type=type_, arguments=tuple(
        Argument(role=role, span=span(EV_TEXT, sub)) for role, sub in args))


def events_doc(events):
    return Document(id="d", text=EV_TEXT, layers=ALL_GOLD, events=tuple(events))


EV_A = events_doc([
    event("e1", "attacked", "Conflict.Attack", [("Attacker", "Troops"), ("Target", "town")]),
    event("e2", "arrested", "Justice.Arrest-Jail", [("Person", "Ann")])])
# b: the target role is Attacker; the arrest is typed Conflict.Attack
EV_B = events_doc([
    event("x1", "attacked", "Conflict.Attack", [("Attacker", "Troops"), ("Attacker", "town")]),
    event("x2", "arrested", "Conflict.Attack", [("Person", "Ann")])])


def test_events_every_metric_by_hand():
    pair = run(EV_A, EV_B, ("events", "arguments"))
    f1 = {u: {m: x["f1"] for m, x in pair[u]["metrics"].items()} for u in ("events", "arguments")}
    # triggers: both found (2/2), one type right (1/2)
    assert f1["events"] == {"trigger_identification": 1.0, "trigger_classification": 0.5}
    # arguments match within the event type: Troops and town (Conflict.Attack) of 3 and 3;
    # Ann hangs on another type. Roles: Troops right, town wrong. Attached: the same here.
    assert f1["arguments"] == pytest.approx({
        "argument_identification": 2 / 3, "argument_classification": 1 / 3,
        "argument_identification_attached": 2 / 3, "argument_classification_attached": 1 / 3})
    assert pair["arguments"]["metrics"]["argument_classification"]["counts"] == {
        "tp": 1, "pred": 3, "gold": 3}
    assert pair["events"]["main"] == "trigger_classification"
    assert pair["arguments"]["main"] == "argument_classification"


def test_events_per_type_and_role():
    pair = run(EV_A, EV_B, ("events", "arguments"))
    types = pair["events"]["per_label"]
    # Conflict.Attack: a has 1, b has 2, one shared -> P 1/2, R 1/1
    assert types["Conflict.Attack"]["f1"] == pytest.approx(2 / 3)
    assert types["Conflict.Attack"]["items"] == [1, 2]
    assert types["Justice.Arrest-Jail"]["f1"] == 0.0
    assert types["Justice.Arrest-Jail"]["items"] == [1, 0]
    roles = pair["arguments"]["per_label"]
    assert roles["Attacker"]["f1"] == pytest.approx(2 / 3) and roles["Attacker"]["items"] == [1, 2]
    assert roles["Target"]["f1"] == 0.0
    assert roles["Person"]["f1"] == 0.0  # same span and role, on an event of another type


def test_untyped_triggers_fall_back_to_identification():
    a = events_doc([event("e1", "attacked", None, [])])
    pair = run(a, a, ("events",))
    assert pair["events"]["main"] == "trigger_identification" and pair["events"]["f1"] == 1.0
    assert "not_applicable" in pair["events"]["metrics"]["trigger_classification"]
    assert pair["events"]["per_label"]["untyped"]["f1"] == 1.0


# -- quotes ---------------------------------------------------------------------------------

Q_TEXT = 'Ann Lee said "we won". Lee added "no".'
Q_ENTS = (mention(Q_TEXT, "m1", "Ann Lee", "PERSON", "e1"),
          mention(Q_TEXT, "m2", "Lee", "PERSON", "e1", nth=1))


def quotes_doc(quotes):
    return Document(id="d", text=Q_TEXT, layers=ALL_GOLD, entities=Q_ENTS, quotes=tuple(quotes))


Q_A = quotes_doc([
    Quote(id="q1", content=(span(Q_TEXT, "we won"),), cue=span(Q_TEXT, "said"), speaker="m1",
          kind="direct"),
    Quote(id="q2", content=(span(Q_TEXT, "no"),), cue=span(Q_TEXT, "added"), speaker="m2",
          kind="direct")])
# b: q1's speaker is the other mention of the same person; q2 takes the quotation marks in,
# has no cue and is called mixed
Q_B = quotes_doc([
    Quote(id="p1", content=(span(Q_TEXT, "we won"),), cue=span(Q_TEXT, "said"), speaker="m2",
          kind="direct"),
    Quote(id="p2", content=(span(Q_TEXT, '"no"'),), speaker="m2", kind="mixed")])


def test_quotes_every_metric_by_hand():
    pair = run(Q_A, Q_B, ("quotes",))
    f1 = {m: x["f1"] for m, x in pair["quotes"]["metrics"].items()}
    assert f1 == pytest.approx({
        "quote": 1.0,              # both quotes matched
        "content_exact": 0.5,      # q1 only
        "content_tokens": 0.75,    # shared 2 + 1 tokens; gold 3, prediction 5: P .6, R 1
        "cue_exact": 2 / 3,        # q1's cue; b has 1 cue, a 2
        "cue_overlap": 2 / 3,
        "speaker_mention": 0.5,    # q2 only: "Lee" is not "Ann Lee"
        "speaker_entity": 1.0})    # both: the same person
    assert pair["quotes"]["f1"] == 0.5 and pair["quotes"]["main"] == "content_exact"


def test_quotes_per_kind():
    kinds = run(Q_A, Q_B, ("quotes",))["quotes"]["per_label"]
    assert set(kinds) == {"direct", "mixed"}
    assert kinds["direct"]["items"] == [2, 1] and kinds["direct"]["f1"] == pytest.approx(2 / 3)
    assert kinds["direct"]["metrics"]["speaker_entity"]["f1"] == pytest.approx(2 / 3)
    assert kinds["mixed"]["items"] == [0, 1] and kinds["mixed"]["f1"] == 0.0


# -- entities -------------------------------------------------------------------------------

E_TEXT = "Ann Lee met Bo Chan in Rome on Monday."


def entities_doc(labels, doc_id="d", status="gold"):
    return Document(id=doc_id, text=E_TEXT, layers=Layers(entities=LayerInfo(status=status)),
                    entities=tuple(mention(E_TEXT, f"m{i}", sub, lab)
                                   for i, (sub, lab) in enumerate(labels.items())))


E_A = {"Ann Lee": "PERSON", "Bo Chan": "PERSON", "Rome": "LOCATION", "Monday": "TIME"}
E_B = {"Ann Lee": "PERSON", "Bo": "PERSON", "Rome": "ORGANIZATION"}


def test_entities_strict_micro_and_per_label():
    pair = run(entities_doc(E_A), entities_doc(E_B), ("entities",))
    ent = pair["entities"]
    # strict: Ann Lee only, of 4 and 3
    assert ent["f1"] == pytest.approx(2 / 7)
    assert ent["metrics"]["strict"]["counts"]["correct"] == 1 and ent["items"] == [4, 3]
    labels = ent["per_label"]
    assert labels["PERSON"]["f1"] == 0.5 and labels["PERSON"]["items"] == [2, 2]
    assert labels["LOCATION"]["f1"] == 0.0 and labels["LOCATION"]["items"] == [1, 0]
    assert labels["ORGANIZATION"]["f1"] == 0.0 and labels["ORGANIZATION"]["items"] == [0, 1]
    assert labels["TIME"]["f1"] == 0.0


def test_the_first_annotator_plays_gold_and_precision_recall_swap():
    r = agreement({"d": {"zed": entities_doc(E_A), "amy": entities_doc(E_B)}},
                  layers=("entities",), bootstrap=50)
    pair = r["pairs"]["amy | zed"]
    assert (pair["gold"], pair["prediction"]) == ("amy", "zed")
    m = pair["entities"]["metrics"]["strict"]
    assert (m["precision"], m["recall"]) == (0.25, pytest.approx(1 / 3))  # b's view: 1/4, 1/3
    r2 = agreement({"d": {"a": entities_doc(E_A), "b": entities_doc(E_B)}},
                   layers=("entities",), bootstrap=50)
    m2 = r2["pairs"]["a | b"]["entities"]["metrics"]["strict"]
    assert (m2["precision"], m2["recall"]) == (m["recall"], m["precision"])
    assert m2["f1"] == m["f1"]


def test_every_status_of_the_annotators_is_scored_absent_is_counted():
    anns = {"d1": {"a": entities_doc(E_A, "d1", "draft"), "b": entities_doc(E_A, "d1")},
            "d2": {"a": entities_doc(E_A, "d2", "absent"), "b": entities_doc(E_A, "d2")}}
    ent = agreement(anns, layers=("entities",), bootstrap=50)["pairs"]["a | b"]["entities"]
    assert ent["documents"] == {"scored": 1, "skipped": {"absent": 1},
                                "statuses": ["draft", "gold"]}
    assert ent["f1"] == 1.0


# -- every layer together -------------------------------------------------------------------

def test_identical_annotators_agree_fully_with_degenerate_intervals():
    docs = {"ev": EV_A, "q": Q_A, "e": entities_doc(E_A).model_copy(update={"layers": ALL_GOLD})}
    anns = {k: {"a": d.model_copy(update={"id": k}), "b": d.model_copy(update={"id": k})}
            for k, d in docs.items()}
    pair = agreement(anns, bootstrap=100)["pairs"]["a | b"]
    seen = 0
    for unit in LAYER_UNITS:
        assert set(pair[unit]["metrics"]) == set(UNIT_METRICS[unit])
        for entry in [pair[unit], *pair[unit]["per_label"].values()]:
            for name, m in entry["metrics"].items():
                if m["f1"] is None:  # nothing to score (cues of the event document)
                    assert m["f1_interval"] is None, (unit, name)
                    continue
                assert m["f1"] == 1.0 and m["f1_interval"] == [1.0, 1.0], (unit, name)
                seen += 1
    assert seen > 20


def test_intervals_contain_the_value_and_vary_over_documents():
    # 8 documents: in half of them b misses Bo Chan and Monday
    anns = {}
    for i in range(8):
        b = E_A if i % 2 else {"Ann Lee": "PERSON", "Rome": "LOCATION"}
        anns[f"d{i}"] = {"a": entities_doc(E_A, f"d{i}"), "b": entities_doc(b, f"d{i}")}
    ent = agreement(anns, layers=("entities",), bootstrap=300)["pairs"]["a | b"]["entities"]
    lo, hi = ent["f1_interval"]
    assert ent["f1"] == pytest.approx(2 * 24 / (32 + 24))
    assert lo < ent["f1"] < hi <= 1.0
    for lab, x in ent["per_label"].items():
        lo, hi = x["f1_interval"]
        assert lo <= x["f1"] <= hi, lab
    assert ent["per_label"]["LOCATION"]["f1_interval"] == [1.0, 1.0]


def test_same_seed_same_intervals():
    anns = {f"d{i}": {"a": entities_doc(E_A, f"d{i}"),
                      "b": entities_doc(E_B if i % 3 else E_A, f"d{i}")} for i in range(6)}
    r1 = agreement(anns, layers=("entities",), bootstrap=100, seed=3)
    r2 = agreement(anns, layers=("entities",), bootstrap=100, seed=3)
    assert r1["pairs"] == r2["pairs"] and "seed 3" in r1["settings"]["interval"]


# -- the command ----------------------------------------------------------------------------

@pytest.fixture
def pulled(tmp_path):
    tasks = json.loads((DATA / "export.json").read_text("utf-8"))
    write_pulled(tasks_documents(tasks), tmp_path / "ann")
    texts = {t["data"]["doc_id"]: t["data"]["text"] for t in tasks}
    write_jsonl([Document(id=k, text=v) for k, v in texts.items()], tmp_path / "docs.jsonl")
    return tmp_path


def cli(tmp, *extra):
    done = subprocess.run([sys.executable, "-m", "dateline", "agreement", str(tmp / "ann"),
                           "--documents", str(tmp / "docs.jsonl"), "--bootstrap", "100",
                           *extra], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_json(pulled):
    report = json.loads(cli(pulled, "--format", "json"))
    pair = report["pairs"]["user-1 | user-2"]
    assert (pair["gold"], pair["prediction"]) == ("user-1", "user-2")
    assert set(pair) == {"gold", "prediction", "documents", *LAYER_UNITS}
    for unit in LAYER_UNITS:
        for name, m in pair[unit]["metrics"].items():
            if m["f1"] is not None:
                lo, hi = m["f1_interval"]
                assert lo <= m["f1"] <= hi, (unit, name)
    # user-2 labels 2 of user-1's 5 mentions, one of them alike: P 1/2, R 1/5
    assert pair["entities"]["metrics"]["strict"]["counts"]["correct"] == 1
    assert pair["entities"]["f1"] == pytest.approx(2 / 7)
    assert "score_events" in report["settings"]["f1"]
    assert report["alpha"]["entities"]["level_of_measurement"] == "nominal"


def test_cli_table(pulled):
    out = cli(pulled)
    assert "user-1 (gold) vs user-2 (prediction), 1 documents" in out
    for name in ("strict", "trigger_classification", "argument_classification_attached",
                 "content_tokens", "speaker_entity", "95% interval", "kappa",
                 "Krippendorff's alpha (nominal)"):
        assert name in out, name
    assert "…" not in out  # nothing cut short
