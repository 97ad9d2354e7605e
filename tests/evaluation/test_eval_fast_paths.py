"""The scorer's fast paths (equal lists, one-sided and isolated leftovers, Documents read in one
pass) give the counts of the general engine: ``match_spans`` on every document, which is what
``EntityScores.outcomes`` replays."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.evaluation.coverage import FULL_SCOPE, Scope
from dateline.evaluation.entities import score_entities, score_entity_spans
from dateline.evaluation.matching import EXACT, Overlap
from dateline.schemas import Document, LayerInfo, Layers, Mention

LABELS = ["A", "B", "C"]
# Short texts and short spans: many overlaps, repeats, nested and empty spans.
span = st.tuples(st.integers(0, 14), st.integers(0, 4), st.sampled_from(LABELS)).map(
    lambda t: (t[0], t[0] + t[1], t[2]))
doc_items = st.lists(span, max_size=7)
overlaps = st.sampled_from([Overlap(), Overlap(0.5), Overlap(0.5, "union"), Overlap(0.3, "pred"),
                            EXACT])
scopes = st.sampled_from([FULL_SCOPE, Scope(frozenset({"A"})), Scope(None, ((0, 8),)),
                          Scope(None, None, ((3, 6),))])

# outcome of a replayed item -> class counted (under the item's own label); a pair's "both"
# class is counted once, from the gold side
GOLD_CLASS = {"correct": "same_both", "incorrect_label": "label_gold", "partial": "overlap_both",
              "partial_incorrect_label": "overlap_label_gold", "missed": "missed"}
PRED_CLASS = {"incorrect_label": "label_pred", "partial_incorrect_label": "overlap_label_pred",
              "spurious": "spurious"}


def replayed_counts(s):
    out = Counter()
    for o in s.outcomes():
        cls = (GOLD_CLASS if o.side == "gold" else PRED_CLASS).get(o.outcome)
        if cls is not None:
            out[(o.doc_id, f"{o.item[2]}|{cls}")] += 1
    return out


def table_counts(s):
    out = Counter()
    for d, doc_id in enumerate(s.counts.doc_ids):
        for k, f in enumerate(s.counts.fields):
            if s.counts.values[d, k]:
                out[(doc_id, f)] += int(s.counts.values[d, k])
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(doc_items, doc_items, scopes), min_size=1, max_size=5), overlaps,
       st.booleans())
def test_fast_paths_count_as_the_general_engine(docs, overlap, same):
    gold = [g for g, _, _ in docs]
    pred = [list(g) if same and k % 2 else p for k, (g, p, _) in enumerate(docs)]
    s = score_entity_spans(gold, pred, scopes=[sc for _, _, sc in docs], overlap=overlap)
    assert table_counts(s) == replayed_counts(s)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(doc_items, doc_items), min_size=1, max_size=5), overlaps,
       st.randoms(use_true_random=False))
def test_documents_in_any_order_score_as_spans(docs, overlap, rnd):
    def doc(k, items, gold):
        ents = tuple(Mention(id=f"m{i}", start=s, end=e, text="x" * (e - s), label=lab)
                     for i, (s, e, lab) in enumerate(items))
        return Document(id=f"d{k}", text="x" * 20, entities=ents,
                        layers=Layers(entities=LayerInfo(status="gold")) if gold else Layers())

    g_docs = [doc(k, g, True) for k, (g, _) in enumerate(docs)]
    p_docs = [doc(k, p, False) for k, (_, p) in enumerate(docs)]
    spans = score_entity_spans([g for g, _ in docs], [p for _, p in docs], overlap=overlap,
                               doc_ids=[d.id for d in g_docs])
    for preds in (p_docs, rnd.sample(p_docs, len(p_docs))):  # zipped, or paired by id
        s = score_entities(g_docs, preds, overlap=overlap)
        assert s.labels == spans.labels and s.counts.doc_ids == spans.counts.doc_ids
        assert (s.counts.values == spans.counts.values).all()
        assert s.confusion == spans.confusion
        assert table_counts(s) == replayed_counts(s)
