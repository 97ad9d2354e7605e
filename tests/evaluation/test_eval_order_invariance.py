"""Order never matters (hypothesis): on data with many duplicates (repeated spans, events on one
trigger with different arguments, quotes with one content and different speakers or cues),
shuffling the gold items, the predicted items and the documents changes no count of any layer.

Every per-document count is compared (``counts.values``, rows put back in one document order),
not only the totals. ``DATELINE_HYPOTHESIS_EXAMPLES`` sets the number of examples per test
(default 200; e.g. 5000 for a long run).
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.evaluation.entities import score_entities, score_entity_spans
from dateline.evaluation.events import score_events
from dateline.evaluation.matching import ANY_OVERLAP, EXACT, Overlap
from dateline.evaluation.quotes import score_quotes
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

SETTINGS = settings(max_examples=int(os.environ.get("DATELINE_HYPOTHESIS_EXAMPLES", "200")),
                    deadline=None)

# Twelve two-letter words: word k is [3k, 3k + 2).
TEXT = " ".join(c * 2 for c in "abcdefghijkl")
MENTIONS = (Mention(id="m0", start=0, end=2, text="aa", label="PERSON", entity="e1"),
            Mention(id="m1", start=3, end=5, text="bb", label="PERSON", entity="e1"),
            Mention(id="m2", start=6, end=8, text="cc", label="PERSON"),
            Mention(id="m3", start=9, end=11, text="dd", label="ORGANIZATION", entity="e2"))


def sp(start, end):
    return Span(start=start, end=end, text=TEXT[start:end])


def shuffled(rnd, items):
    return rnd.sample(list(items), len(items))


def rows_by_id(counts):
    return {d: counts.values[k] for k, d in enumerate(counts.doc_ids)}


def assert_same_counts(a, b):
    assert a.counts.fields == b.counts.fields
    assert sorted(a.counts.doc_ids) == sorted(b.counts.doc_ids)
    ra, rb = rows_by_id(a.counts), rows_by_id(b.counts)
    for d in ra:
        np.testing.assert_array_equal(ra[d], rb[d], err_msg=f"document {d}")


def shuffle_docs(rnd, gold, pred, field):
    """Gold and predicted documents with their items shuffled, and each list of documents in
    its own random order (documents are paired by id)."""
    g = [d.model_copy(update={field: tuple(shuffled(rnd, getattr(d, field)))}) for d in gold]
    p = [d.model_copy(update={field: tuple(shuffled(rnd, getattr(d, field)))}) for d in pred]
    return shuffled(rnd, g), shuffled(rnd, p)


# --- entities ---------------------------------------------------------------------------

# A small pool of spans and labels: repeats on either side are common.
entity = st.tuples(st.sampled_from([(0, 2), (0, 5), (1, 5), (3, 5), (3, 8), (6, 8)]),
                   st.sampled_from(["A", "B"])).map(lambda t: (*t[0], t[1]))
entity_docs = st.lists(st.tuples(st.lists(entity, max_size=6), st.lists(entity, max_size=6)),
                       min_size=1, max_size=5)
overlaps = st.sampled_from([ANY_OVERLAP, Overlap(0.5), Overlap(0.5, "union"), EXACT])


@SETTINGS
@given(entity_docs, overlaps, st.randoms(use_true_random=False))
def test_entity_counts_ignore_every_order(docs, overlap, rnd):
    ids = [f"d{k}" for k in range(len(docs))]
    base = score_entity_spans([g for g, _ in docs], [p for _, p in docs], doc_ids=ids,
                              overlap=overlap)
    order = shuffled(rnd, range(len(docs)))
    other = score_entity_spans([shuffled(rnd, docs[k][0]) for k in order],
                               [shuffled(rnd, docs[k][1]) for k in order],
                               doc_ids=[ids[k] for k in order], overlap=overlap)
    assert base.labels == other.labels
    assert_same_counts(base, other)
    assert base.confusion == other.confusion


@SETTINGS
@given(entity_docs, overlaps, st.randoms(use_true_random=False))
def test_entity_documents_ignore_every_order(docs, overlap, rnd):
    def doc(k, items, gold):
        ents = tuple(Mention(id=f"m{i}", start=s, end=e, text=TEXT[s:e], label=lab)
                     for i, (s, e, lab) in enumerate(items))
        return Document(id=f"d{k}", text=TEXT, entities=ents,
                        layers=Layers(entities=LayerInfo(status="gold")) if gold else Layers())

    gold = [doc(k, g, True) for k, (g, _) in enumerate(docs)]
    pred = [doc(k, p, False) for k, (_, p) in enumerate(docs)]
    base = score_entities(gold, pred, overlap=overlap)
    other = score_entities(*shuffle_docs(rnd, gold, pred, "entities"), overlap=overlap)
    assert base.labels == other.labels
    assert_same_counts(base, other)
    assert base.confusion == other.confusion


# --- events -----------------------------------------------------------------------------

# Few triggers and arguments, so that events share triggers (with different arguments) and
# arguments repeat; arguments name a mention or a bare span.
trigger = st.sampled_from([(12, 14), (15, 17), (12, 17), (13, 14)])
argument = st.tuples(st.sampled_from(["R1", "R2"]),
                     st.sampled_from(["m0", "m1", "m3", (0, 2), (3, 5), (0, 5), (6, 8)]))
event = st.tuples(trigger, st.sampled_from(["A", "B"]), st.lists(argument, max_size=3),
                  st.sampled_from([{}, {"realis": "actual"}]))
event_doc = st.tuples(st.lists(event, max_size=5), st.lists(event, max_size=5),
                      st.booleans(), st.sampled_from([(), ("A",)]))


def events_of(prefix, specs, typed=True):
    return tuple(
        Event(id=f"{prefix}{k}", trigger=sp(*trig), type=type_ if typed else None,
              attributes=attrs,
              arguments=tuple(Argument(role=r, mention=x) if isinstance(x, str)
                              else Argument(role=r, span=sp(*x)) for r, x in args))
        for k, (trig, type_, args, attrs) in enumerate(specs))


def event_docs(specs):
    gold, pred = [], []
    for k, (g, p, typed, labels) in enumerate(specs):
        layers = Layers(events=LayerInfo(status="gold", labels=labels))
        gold.append(Document(id=f"d{k}", text=TEXT, entities=MENTIONS, layers=layers,
                             events=events_of("g", g, typed)))
        pred.append(Document(id=f"d{k}", text=TEXT, entities=MENTIONS,
                             events=events_of("p", p)))
    return gold, pred


@SETTINGS
@given(st.lists(event_doc, min_size=1, max_size=4), st.sampled_from([EXACT, ANY_OVERLAP]),
       st.randoms(use_true_random=False))
def test_event_counts_ignore_every_order(specs, overlap, rnd):
    gold, pred = event_docs(specs)
    base = score_events(gold, pred, trigger_overlap=overlap)
    other = score_events(*shuffle_docs(rnd, gold, pred, "events"), trigger_overlap=overlap)
    assert_same_counts(base, other)


# --- quotes -----------------------------------------------------------------------------

content = st.lists(st.sampled_from([(18, 20), (21, 23), (18, 23), (19, 23), (24, 26)]),
                   min_size=1, max_size=2, unique=True)
speaker = st.sampled_from([None, "m0", "m1", "m2", "m3", (0, 2), (1, 5), (6, 8)])
quote = st.tuples(content, st.sampled_from(["direct", "indirect"]),
                  st.sampled_from([None, (27, 29), (27, 32), (30, 32)]), speaker)
quote_doc = st.tuples(st.lists(quote, max_size=5), st.lists(quote, max_size=5),
                      st.sampled_from([(), ("direct",)]))


def quotes_of(prefix, specs):
    return tuple(
        Quote(id=f"{prefix}{k}", content=tuple(sp(*c) for c in spans), kind=kind,
              cue=None if cue is None else sp(*cue),
              speaker=who if isinstance(who, str) else None,
              speaker_span=sp(*who) if isinstance(who, tuple) else None)
        for k, (spans, kind, cue, who) in enumerate(specs))


@SETTINGS
@given(st.lists(quote_doc, min_size=1, max_size=4), st.sampled_from([ANY_OVERLAP, Overlap(0.5)]),
       st.randoms(use_true_random=False))
def test_quote_counts_ignore_every_order(specs, overlap, rnd):
    gold, pred = [], []
    for k, (g, p, labels) in enumerate(specs):
        gold.append(Document(id=f"d{k}", text=TEXT, entities=MENTIONS, quotes=quotes_of("g", g),
                             layers=Layers(quotes=LayerInfo(status="gold", labels=labels))))
        pred.append(Document(id=f"d{k}", text=TEXT, entities=MENTIONS, quotes=quotes_of("p", p)))
    base = score_quotes(gold, pred, overlap=overlap)
    other = score_quotes(*shuffle_docs(rnd, gold, pred, "quotes"), overlap=overlap)
    assert_same_counts(base, other)


@pytest.mark.parametrize("reverse", ["gold", "pred"])
def test_reversing_a_side_with_twin_events_changes_no_count(reverse):
    # The reported case: two gold events on one trigger, paired by list order before.
    g = [((12, 14), "A", [("R1", "m0")], {}), ((12, 14), "A", [("R2", (6, 8))], {})]
    p = [((12, 14), "A", [("R2", (6, 8))], {}), ((12, 14), "A", [("R1", (0, 2))], {})]
    gold, pred = event_docs([(g, p, True, ())])
    base = score_events(gold, pred)
    flip = [d.model_copy(update={"events": d.events[::-1]})
            for d in (gold if reverse == "gold" else pred)]
    other = score_events(flip, pred) if reverse == "gold" else score_events(gold, flip)
    assert_same_counts(base, other)
    assert base.metric("argument_classification_attached")["counts"]["tp"] == 2
