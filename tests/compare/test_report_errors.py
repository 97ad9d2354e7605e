"""Error records: every item once, outcomes and boundary subtypes, agreement with the scorer."""

from collections import Counter

import pytest
from compare_data import corpus, perturb

from dateline.evaluation import score_entities
from dateline.evaluation.errors import boundary_error, error_records, summarise
from dateline.schemas import Document, LayerInfo, Layers, Mention, Quote, Span

TEXT = "Mayor Ana Ruiz met Bo Li in Lyon on Monday."


def m(i, s, e, label):
    return Mention(id=i, start=s, end=e, text=TEXT[s:e], label=label)


def doc(*ents, labels=()):
    return Document(id="d", text=TEXT, entities=ents,
                    layers=Layers(entities=LayerInfo(status="gold", labels=labels)))


def outcomes(gold, pred, **kw):
    return [(r["outcome"], r["boundary"], r["gold"] and r["gold"]["id"],
             r["pred"] and r["pred"]["id"]) for r in error_records([gold], [pred], **kw)]


def test_boundary_subtypes():
    g = doc(m("g1", 6, 14, "PERSON"), m("g2", 19, 24, "PERSON"), m("g3", 28, 32, "LOCATION"))
    p = doc(m("p1", 0, 14, "PERSON"), m("p2", 19, 21, "PERSON"), m("p3", 30, 35, "LOCATION"))
    assert outcomes(g, p, layers=("entities",)) == [
        ("boundary", "too_long", "g1", "p1"), ("boundary", "too_short", "g2", "p2"),
        ("boundary", "shifted", "g3", "p3")]
    assert boundary_error((0, 4), (0, 4)) is None


def test_label_missed_spurious_ignored():
    g = doc(m("g1", 6, 14, "PERSON"), m("g2", 19, 24, "PERSON"), m("g3", 28, 32, "LOCATION"),
            labels=("PERSON", "LOCATION"))
    p = doc(m("p1", 6, 14, "ORGANIZATION"), m("p2", 19, 23, "LOCATION"),
            m("p4", 0, 5, "PERSON"), m("p5", 36, 42, "TIME"))
    got = outcomes(g, p, layers=("entities",))
    assert ("incorrect_label", None, "g1", "p1") in got
    assert ("boundary_and_label", "too_short", "g2", "p2") in got
    assert ("missed", None, "g3", None) in got
    assert ("spurious", None, None, "p4") in got
    assert ("ignored", None, None, "p5") in got  # TIME: a label the gold layer does not cover
    assert len(got) == 5


def test_records_agree_with_the_scorer_and_list_every_item_once():
    gold = corpus(30)
    pred = perturb(gold, 4, 0.4)
    recs = [r for r in error_records(gold, pred) if r["layer"] == "entities"]
    c = Counter(r["outcome"] for r in recs)
    strict = score_entities(gold, pred).mode_counts("strict")
    assert c["correct"] == strict["correct"]
    assert c["incorrect_label"] + c["boundary"] + c["boundary_and_label"] == strict["incorrect"]
    assert c["missed"] == strict["missed"] and c["spurious"] == strict["spurious"]
    for side, docs in (("gold", gold), ("pred", pred)):
        listed = Counter((r["doc_id"], r[side]["id"]) for r in recs if r[side])
        assert listed == Counter((d.id, x.id) for d in docs for x in d.entities)
    for r in recs:  # offsets and text are those of the document
        for side in ("gold", "pred"):
            if r[side]:
                text = next(d for d in gold if d.id == r["doc_id"]).text
                assert text[r[side]["start"]:r[side]["end"]] == r[side]["text"]


def test_events_and_quotes_with_speakers():
    gold = corpus(3)
    g = gold[0]
    q_wrong = g.quotes[0].model_copy(update={"speaker": "m10"})  # the minister, not Ruiz
    q_short = g.quotes[2].model_copy(update={"content": (Span(start=231, end=259,
                                                              text=g.text[231:259]),)})
    extra = Quote(id="x", content=(Span(start=0, end=11, text=g.text[0:11]),), kind="direct")
    ev = g.events[1].model_copy(update={"trigger": Span(start=174, end=176,
                                                        text=g.text[174:176])})
    p = g.model_copy(update={"quotes": (q_wrong, g.quotes[1], q_short, extra),
                             "events": (g.events[0], ev)})
    recs = error_records([g], [p], layers=("events", "quotes"))
    quotes = {(r["gold"] or r["pred"])["id"]: r for r in recs if r["layer"] == "quotes"}
    assert quotes["q1"]["outcome"] == "correct" and quotes["q1"]["speaker_outcome"] == "wrong"
    assert quotes["q2"]["speaker_outcome"] == "correct"
    assert quotes["q3"]["outcome"] == "boundary" and quotes["q3"]["boundary"] == "too_short"
    assert quotes["q4"]["outcome"] == "missed" and quotes["x"]["outcome"] == "spurious"
    assert quotes["q1"]["gold"]["speaker"]["text"] == "Mayor Ana Ruiz of Porto Verde"
    assert quotes["q2"]["gold"]["spans"] == [[114, 129], [140, 168]]
    events = [(r["outcome"], r["boundary"]) for r in recs if r["layer"] == "events"]
    assert events == [("correct", None), ("boundary", "too_short")]


def test_summarise_counts(tmp_path):
    gold = corpus(6)
    s = summarise(error_records(gold, perturb(gold, 1, 0.5)))
    assert set(s) == {"entities", "events", "quotes"}
    assert s["entities"]["boundary"] == s["entities"].get("boundary:too_short", 0)


@pytest.mark.parametrize("layer", ["entities", "events", "quotes"])
def test_perfect_prediction_is_all_correct(layer):
    gold = corpus(3)
    recs = error_records(gold, gold, layers=(layer,))
    assert recs and {r["outcome"] for r in recs} == {"correct"}


def test_report_scores_carry_the_gold_files_signature(tmp_path):
    import json

    from dateline.cli import main
    from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl

    text = "Ann met Bo."
    gold = [Document(id="d", text=text, layers=Layers(entities=LayerInfo(
        status="gold", labels=("PERSON",))), entities=(
        Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))]
    write_jsonl(gold, tmp_path / "gold.jsonl")
    write_jsonl(gold, tmp_path / "pred.jsonl")
    assert main(["report", str(tmp_path / "gold.jsonl"), str(tmp_path / "pred.jsonl"),
                 "--output-dir", str(tmp_path / "out"), "--resamples", "10", "--layer",
                 "entities"]) == 0
    scores = json.loads((tmp_path / "out" / "scores.json").read_text())
    assert "|corpus:unknown|" not in scores["signature"]
    assert "|protocol:test|" in scores["signature"]
