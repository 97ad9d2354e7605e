"""Hand-computed quote cases."""

from pathlib import Path

import pytest

from dateline.evaluation.quotes import score_quotes, token_spans
from dateline.schemas import Document, LayerInfo, Layers, Mention, Quote, Span, read_jsonl

DATA = Path(__file__).resolve().parents[1] / "data"

TEXT = 'Mayor Ruiz said the bridge would reopen. "We are ready," she told reporters.'
#       0     6    11   16                      40 41                57  61   66


def sp(start, end):
    return Span(start=start, end=end, text=TEXT[start:end])


MENTIONS = (Mention(id="m1", start=0, end=10, text="Mayor Ruiz", label="PERSON", entity="e1"),
            Mention(id="m2", start=57, end=60, text="she", label="PERSON", entity="e1"),
            Mention(id="m3", start=66, end=75, text="reporters", label="PERSON"))


def doc(quotes, labels=(), status="gold"):
    return Document(id="d", text=TEXT, entities=MENTIONS, quotes=tuple(quotes),
                    layers=Layers(quotes=LayerInfo(status=status, labels=labels)))


def q(qid, content, kind, cue=None, speaker=None, speaker_span=None):
    return Quote(id=qid, content=tuple(sp(*c) for c in content), kind=kind,
                 cue=sp(*cue) if cue else None, speaker=speaker,
                 speaker_span=sp(*speaker_span) if speaker_span else None)


GOLD = doc([q("q1", [(16, 39)], "indirect", cue=(11, 15), speaker="m1"),
            q("q2", [(41, 55)], "direct", cue=(61, 65), speaker="m2")])


def counts(s, name):
    return s.metric(name)["counts"]


def test_token_rule():
    sub = TEXT[41:56]
    assert [sub[s:e] for s, e in token_spans(sub)] == ['"', "We", "are", "ready", ",", '"']


def test_hand_computed():
    pred = doc([
        # q1 found with a shorter content, right cue, speaker "Ruiz" (a substring: overlap)
        q("p1", [(20, 39)], "indirect", cue=(11, 15), speaker_span=(6, 10)),
        # q2 found exactly, no cue, speaker "Mayor Ruiz" where gold says "she": the wrong
        # mention of the right entity
        q("p2", [(41, 55)], "direct", speaker="m1"),
        # spurious quote attributed to reporters
        q("p3", [(66, 75)], "direct", speaker="m3"),
    ])
    s = score_quotes([GOLD], [pred])
    assert counts(s, "quote") == {"tp": 2, "pred": 3, "gold": 2}
    assert counts(s, "content_exact") == {"tp": 1, "pred": 3, "gold": 2}
    # gold tokens: q1 "the bridge would reopen" 4, q2 '"We are ready,' 5 (no closing quote
    # mark in 41-55) -> 9; pred: 3 + 5 + 1 = 9; shared 3 + 5 = 8
    assert counts(s, "content_tokens") == {"tp": 8, "pred": 9, "gold": 9}
    assert counts(s, "cue_exact") == {"tp": 1, "pred": 1, "gold": 2}
    assert counts(s, "cue_overlap") == {"tp": 1, "pred": 1, "gold": 2}
    assert counts(s, "speaker_mention") == {"tp": 1, "pred": 3, "gold": 2}
    assert counts(s, "speaker_entity") == {"tp": 2, "pred": 3, "gold": 2}
    assert counts(s, "speaker_accuracy_mention") == {"correct": 1, "total": 2}
    assert counts(s, "speaker_accuracy_entity") == {"correct": 2, "total": 2}
    assert counts(s, "direct.quote") == {"pred_tp": 1, "pred": 2, "gold_tp": 1, "gold": 1}
    assert counts(s, "indirect.content_exact") == {"pred_tp": 0, "pred": 1, "gold_tp": 0,
                                                   "gold": 1}
    assert counts(s, "mixed.quote") == {"pred_tp": 0, "pred": 0, "gold_tp": 0, "gold": 0}
    assert s.metric("mixed.quote")["f1"] is None
    assert s.metric("content_tokens")["f1"] == pytest.approx(8 / 9)


def test_unattributed_on_both_sides_is_a_right_speaker():
    gold = doc([q("q1", [(16, 39)], "indirect")])
    pred = doc([q("p1", [(16, 39)], "indirect")])
    s = score_quotes([gold], [pred])
    assert counts(s, "speaker_accuracy_entity") == {"correct": 1, "total": 1}
    assert s.metric("speaker_entity")["f1"] is None


def test_order_and_uncovered_kind():
    preds = [q("p1", [(16, 39)], "indirect", speaker="m1"),
             q("p2", [(66, 75)], "mixed"), q("p3", [(41, 55)], "direct")]
    gold = doc(GOLD.quotes, labels=("direct", "indirect"))
    a = score_quotes([gold], [doc(preds)]).to_dict()
    b = score_quotes([gold], [doc(preds[::-1])]).to_dict()
    assert a == b
    assert a["metrics"]["quote"]["counts"] == {"tp": 2, "pred": 2, "gold": 2}  # mixed ignored


def test_example_document_scores_perfectly():
    docs = list(read_jsonl(DATA / "valid" / "example.json"))
    s = score_quotes(docs, docs, statuses=("gold", "draft"))
    for name in ("quote", "content_exact", "content_tokens", "speaker_entity"):
        assert s.metric(name)["f1"] == 1.0


# Two quotes with identical content and kind: which one is paired must follow how well cue and
# speaker agree, never the order of the lists.
@pytest.mark.parametrize("content", [(41, 55), (42, 55)], ids=["identical", "overlapping"])
def test_duplicate_predicted_quotes_pair_by_cue_and_speaker_in_any_order(content):
    gold = doc([q("q2", [(41, 55)], "direct", cue=(61, 65), speaker="m2")])
    preds = [q("p1", [content], "direct", speaker="m3"),
             q("p2", [content], "direct", cue=(61, 65), speaker_span=(57, 60))]
    for p in (preds, preds[::-1]):
        s = score_quotes([gold], [doc(p)])
        assert counts(s, "quote") == {"tp": 1, "pred": 2, "gold": 1}
        assert counts(s, "cue_exact") == {"tp": 1, "pred": 1, "gold": 1}
        assert counts(s, "speaker_mention") == {"tp": 1, "pred": 2, "gold": 1}
        assert counts(s, "speaker_accuracy_entity") == {"correct": 1, "total": 1}


def test_duplicate_gold_quotes_pair_by_cue_and_speaker_in_any_order():
    golds = [q("q1", [(41, 55)], "direct", speaker="m3"),
             q("q2", [(41, 55)], "direct", cue=(61, 65), speaker="m2")]
    pred = doc([q("p1", [(41, 55)], "direct", cue=(61, 65), speaker="m1")])
    for g in (golds, golds[::-1]):
        s = score_quotes([doc(g)], [pred])
        assert counts(s, "cue_exact") == {"tp": 1, "pred": 1, "gold": 1}
        assert counts(s, "speaker_entity") == {"tp": 1, "pred": 1, "gold": 2}
