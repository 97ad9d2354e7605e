"""Metrics whose gold was not annotated are not applicable, never 0 (LayerInfo.not_annotated),
and a document without gold events follows the collection's typing (it no longer drops out of
trigger classification)."""

from dateline.evaluation import compare_systems, score_entities, score_events, score_quotes
from dateline.schemas import (
    Argument,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Quote,
    Span,
)

TEXT = "Rebels attacked Aleppo and the army shelled it."
#       0     6 7     15 16   22      30   35      43


def sp(start, end):
    return Span(start=start, end=end, text=TEXT[start:end])


def ev(eid, start, end, type_, args=()):
    return Event(id=eid, trigger=sp(start, end), type=type_,
                 arguments=tuple(Argument(role=r, span=sp(*x)) for r, x in args))


def doc(i, events, *, status="gold", not_annotated=(), labels=()):
    return Document(id=f"d{i}", text=TEXT, events=tuple(events), layers=Layers(
        events=LayerInfo(status=status, labels=labels, not_annotated=not_annotated)))


def counts(scores, name):
    c = scores.metric(name)["counts"]
    return c["tp"], c["pred"], c["gold"]


def test_empty_gold_document_stays_in_trigger_classification():
    # Bug: doc b (no gold events, no labels) counted as untyped, so its two spurious typed
    # predictions left trigger classification, which then exceeded identification.
    gold = [doc("a", [ev("g", 7, 15, "Conflict.Attack")]), doc("b", [])]
    pred = [doc("a", [ev("p", 7, 15, "Conflict.Attack")], status="silver"),
            doc("b", [ev("p1", 7, 15, "Conflict.Attack"), ev("p2", 36, 43, "Conflict.Attack")],
                status="silver")]
    s = score_events(gold, pred)
    assert counts(s, "trigger_identification") == (1, 3, 1)
    assert counts(s, "trigger_classification") == (1, 3, 1)
    assert s.value("trigger_classification.precision") == 1 / 3
    assert s.details["details"]["untyped_documents"] == 0


def test_declared_untyped_layer_has_no_trigger_classification():
    gold = [doc("a", [ev("g", 7, 15, None)], not_annotated=("type", "arguments"))]
    pred = [doc("a", [ev("p", 7, 15, "Conflict.Attack", [("Attacker", (0, 6))])],
                status="silver")]
    s = score_events(gold, pred)
    assert counts(s, "trigger_identification") == (1, 1, 1)
    for name in ("trigger_classification", "argument_identification",
                 "argument_classification", "argument_identification_attached",
                 "argument_classification_attached"):
        m = s.metric(name)
        why = "untyped" if name == "trigger_classification" else "not annotate"
        assert m["f1"] is None and why in m["not_applicable"], name
        assert s.value(f"{name}.f1") is None
        assert s.reason(f"{name}.f1") == m["not_applicable"]


def test_arguments_not_annotated_are_not_applicable_never_zero():
    # Bug: on typed gold without argument annotation, argument F1 was 0.000 with an interval.
    gold = [doc(i, [ev("g", 7, 15, "Conflict.Attack")], not_annotated=("arguments",))
            for i in range(6)]
    pred = [doc(i, [ev("p", 7, 15, "Conflict.Attack", [("Attacker", (0, 6))])],
                status="silver") for i in range(6)]
    s = score_events(gold, pred)
    assert s.value("trigger_classification.f1") == 1.0
    assert s.value("argument_classification.f1") is None
    assert counts(s, "argument_classification") == (0, 0, 0)
    r = compare_systems(gold, {"x": pred, "y": pred}, layers=("events",), resamples=50,
                        trials=50)
    entry = r["layers"]["events"]["metrics"]["argument_classification.f1"]
    assert entry["not_applicable"] and entry["systems"]["x"]["interval"] is None
    assert entry["differences"]["y"]["p"] is None


def test_documents_that_annotate_arguments_still_count():
    with_args = doc(1, [ev("g", 7, 15, "Conflict.Attack", [("Attacker", (0, 6))])])
    without = doc(2, [ev("g", 7, 15, "Conflict.Attack")], not_annotated=("arguments",))
    p = [doc(i, [ev("p", 7, 15, "Conflict.Attack", [("Attacker", (0, 6))])], status="silver")
         for i in (1, 2)]
    s = score_events([with_args, without], p)
    # only document 1 enters the argument metrics
    assert counts(s, "argument_classification") == (1, 1, 1)


QTEXT = 'Ann said: "We won."'


def qdoc(i, quotes, *, status="gold", not_annotated=()):
    ann = Mention(id="m1", start=0, end=3, text="Ann", label="PERSON")
    return Document(id=f"q{i}", text=QTEXT, entities=(ann,), quotes=tuple(quotes),
                    layers=Layers(quotes=LayerInfo(status=status, not_annotated=not_annotated)))


def quote(qid, cue=True, speaker=True):
    return Quote(id=qid, content=(Span(start=11, end=17, text="We won"),), kind="direct",
                 cue=Span(start=4, end=8, text="said") if cue else None,
                 speaker="m1" if speaker else None)


def test_quotes_without_cues_or_speakers_annotated():
    gold = [qdoc(1, [quote("g", cue=False, speaker=False)], not_annotated=("cue", "speaker"))]
    pred = [qdoc(1, [quote("p")], status="silver")]
    s = score_quotes(gold, pred)
    assert s.value("quote.f1") == 1.0
    for name in ("cue_exact", "cue_overlap", "speaker_mention", "speaker_entity",
                 "speaker_accuracy_mention", "speaker_accuracy_entity",
                 "direct.speaker_accuracy_entity"):
        assert s.metric(name)["not_applicable"], name
    assert s.value("cue_exact.f1") is None and s.value("speaker_entity.recall") is None


KTEXT = "Ann met Bo."


def kdoc(kind_annotated):
    ms = (Mention(id="m1", start=0, end=3, text="Ann", label="PERSON",
                  kind="named" if kind_annotated else None),)
    return Document(id="k", text=KTEXT, entities=ms, layers=Layers(entities=LayerInfo(
        status="gold", not_annotated=() if kind_annotated else ("kind",))))


def test_kind_filter_skips_documents_without_kinds():
    pred = Document(id="k", text=KTEXT, entities=(
        Mention(id="x", start=8, end=10, text="Bo", label="PERSON", kind="named"),))
    s = score_entities([kdoc(False)], [pred], kinds=("named",))
    assert s.skipped == {"kind not annotated": 1} and s.counts.doc_ids == ()
    assert score_entities([kdoc(True)], [pred], kinds=("named",)).mode_counts("strict")[
        "spurious"] == 1
    assert score_entities([kdoc(False)], [pred]).mode_counts("strict")["spurious"] == 1
