"""Hand-computed event cases."""

import pytest

from dateline.evaluation.events import score_events
from dateline.evaluation.matching import EXACT, Overlap
from dateline.schemas import (
    Argument,
    DatelineError,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Span,
)

TEXT = "Rebels attacked Aleppo on Monday and the army met envoys in Paris."
#       0     6 7     15 16   22    28   34       41   45   50       59 62


def sp(start, end):
    return Span(start=start, end=end, text=TEXT[start:end])


def ev(eid, start, end, type_, args=()):
    arguments = tuple(Argument(role=r, mention=x) if isinstance(x, str)
                      else Argument(role=r, span=sp(*x)) for r, x in args)
    return Event(id=eid, trigger=sp(start, end), type=type_, arguments=arguments)


MENTIONS = (Mention(id="m1", start=0, end=6, text="Rebels", label="PERSON"),
            Mention(id="m2", start=16, end=22, text="Aleppo", label="LOCATION"))


def doc(events, status="gold", labels=(), mentions=MENTIONS):
    return Document(id="d", text=TEXT, entities=mentions, events=tuple(events),
                    layers=Layers(events=LayerInfo(status=status, labels=labels)))


def m(scores, name):
    r = scores.metric(name)
    return r["counts"]["tp"], r["counts"]["pred"], r["counts"]["gold"]


GOLD = doc([
    ev("g1", 7, 15, "Conflict.Attack", [("Attacker", "m1"), ("Place", "m2"),
                                         ("Time", (26, 32))]),
    ev("g2", 46, 49, "Contact.Meet", [("Entity", (37, 45)), ("Place", (60, 65))]),
])


def test_hand_computed_end_to_end():
    pred = doc([
        # right trigger, right type; Attacker right, Place labelled Target, Time missing
        ev("p1", 7, 15, "Conflict.Attack", [("Attacker", (0, 6)), ("Target", (16, 22))]),
        # right trigger offsets, wrong type; its Place argument is right but hangs on a
        # wrongly typed event
        ev("p2", 46, 49, "Contact.Phone-Write", [("Place", (60, 65))]),
        # spurious trigger with one argument
        ev("p3", 33, 36, "Conflict.Attack", [("Place", (60, 65))]),
    ])
    s = score_events([GOLD], [pred])
    assert m(s, "trigger_identification") == (2, 3, 2)
    assert m(s, "trigger_classification") == (1, 3, 2)
    # by (event type, offsets): (Attack, 0-6), (Attack, 16-22) match; (Attack, 60-65) from p3
    # does not match gold's (Meet, 60-65); p2's (Phone-Write, 60-65) neither.
    assert m(s, "argument_identification") == (2, 4, 5)
    assert m(s, "argument_classification") == (1, 4, 5)
    assert m(s, "argument_identification_attached") == (2, 4, 5)
    assert m(s, "argument_classification_attached") == (1, 4, 5)
    assert s.metric("trigger_classification")["precision"] == pytest.approx(1 / 3)


def test_attached_needs_the_right_trigger():
    # The argument is right by (type, offsets, role) but sits on a trigger that matched no gold
    # trigger: counted by the ACE-style metric, not by the attached one.
    gold = doc([ev("g1", 7, 15, "Conflict.Attack", [("Attacker", "m1")])])
    pred = doc([ev("p1", 37, 45, "Conflict.Attack", [("Attacker", (0, 6))])])
    s = score_events([gold], [pred])
    assert m(s, "trigger_identification") == (0, 1, 1)
    assert m(s, "argument_classification") == (1, 1, 1)
    assert m(s, "argument_classification_attached") == (0, 1, 1)


def test_untyped_gold_triggers_classification_not_applicable():
    gold = doc([ev("g1", 7, 15, None, [("Attacker", "m1")])])
    pred = doc([ev("p1", 7, 15, "Conflict.Attack", [("Attacker", (0, 6))])])
    s = score_events([gold], [pred])
    assert m(s, "trigger_identification") == (1, 1, 1)
    tc = s.metric("trigger_classification")
    assert tc["f1"] is None and tc["not_applicable"] == "the gold triggers are untyped"
    # types are ignored for arguments when the gold is untyped
    assert m(s, "argument_classification_attached") == (1, 1, 1)
    assert s.to_dict()["details"]["untyped_documents"] == 1


def test_uncovered_type_is_ignored_with_its_arguments():
    gold = doc([ev("g1", 7, 15, "Conflict.Attack")], labels=("Conflict.Attack",))
    pred = doc([ev("p1", 7, 15, "Conflict.Attack"),
                ev("p2", 46, 49, "Contact.Meet", [("Place", (60, 65))])])
    s = score_events([gold], [pred])
    assert m(s, "trigger_identification") == (1, 1, 1)
    assert m(s, "argument_identification") == (0, 0, 0)
    assert s.metric("argument_identification")["f1"] is None


def test_order_of_events_does_not_matter():
    pred = [ev("p1", 7, 15, "Conflict.Attack", [("Attacker", (0, 6))]),
            ev("p2", 7, 15, "Contact.Meet", [("Place", (60, 65))]),
            ev("p3", 46, 49, "Contact.Meet", [("Place", (60, 65)), ("Entity", (37, 45))])]
    a = score_events([GOLD], [doc(pred)]).to_dict()
    b = score_events([GOLD], [doc(pred[::-1])]).to_dict()
    assert a == b


def test_unresolved_mention_is_refused():
    bad = doc([ev("p1", 7, 15, "Conflict.Attack", [("Attacker", "m9")])])
    with pytest.raises(DatelineError) as e:
        score_events([GOLD], [bad])
    assert e.value.code == "unresolved-mention"


def test_skipped_documents():
    s = score_events([doc([], status="absent")], [doc([])])
    assert s.to_dict()["documents"] == {"scored": 0, "skipped": {"absent": 1},
                                        "precision": 0, "recall": 0}
    assert s.metric("trigger_identification")["f1"] is None


# Two events on one trigger (same offsets and type): which gold event a prediction is paired
# with must follow the events' content (their arguments), never the order of the lists.
TWIN_GOLD = [ev("g1", 7, 15, "Conflict.Attack", [("Attacker", "m1")]),
             ev("g2", 7, 15, "Conflict.Attack", [("Target", "m2")])]
TWIN_PRED = [ev("p1", 7, 15, "Conflict.Attack", [("Attacker", (0, 6))]),
             ev("p2", 7, 15, "Conflict.Attack", [("Target", (16, 22))])]


def test_duplicate_triggers_are_paired_by_their_arguments_in_any_order():
    for g in (TWIN_GOLD, TWIN_GOLD[::-1]):
        for p in (TWIN_PRED, TWIN_PRED[::-1]):
            s = score_events([doc(g)], [doc(p)])
            assert m(s, "argument_identification_attached") == (2, 2, 2)
            assert m(s, "argument_classification_attached") == (2, 2, 2)


@pytest.mark.parametrize("overlap", [EXACT, Overlap()], ids=["exact", "any-overlap"])
def test_one_gold_event_takes_the_duplicate_prediction_with_its_arguments(overlap):
    # One gold event, two predictions on one trigger (identical to the gold trigger, or only
    # overlapping it): the prediction carrying the gold arguments is the one paired.
    start = 7 if overlap == EXACT else 8
    gold = [ev("g1", 7, 15, "Conflict.Attack", [("Attacker", "m1"), ("Target", "m2")])]
    pred = [ev("p1", start, 15, "Conflict.Attack", [("Place", (26, 32))]),
            ev("p2", start, 15, "Conflict.Attack", [("Attacker", (0, 6)), ("Target", (16, 22))])]
    for p in (pred, pred[::-1]):
        s = score_events([doc(gold)], [doc(p)], trigger_overlap=overlap)
        assert m(s, "trigger_identification") == (1, 2, 1)
        assert m(s, "argument_classification_attached") == (2, 3, 2)


def test_untyped_duplicate_triggers_are_paired_by_their_arguments():
    gold = [e.model_copy(update={"type": None}) for e in TWIN_GOLD]
    for g in (gold, gold[::-1]):
        for p in (TWIN_PRED, TWIN_PRED[::-1]):
            s = score_events([doc(g)], [doc(p)])
            assert m(s, "argument_classification_attached") == (2, 2, 2)
