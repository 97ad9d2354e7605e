"""The matching engine's tie rules (``match_items`` with ``sort_key`` and ``tie``), checked
against brute force over every one-to-one matching of small cases.

Items are ``(span item, payload)``: the span item is the key the objective sees, the payload
what a tie score reads (as an event's arguments or a quote's speaker are).
"""

import os
from fractions import Fraction
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.evaluation import ties
from dateline.evaluation.matching import ANY_OVERLAP, EXACT, Overlap, match_items, span_edge

SETTINGS = settings(max_examples=int(os.environ.get("DATELINE_HYPOTHESIS_EXAMPLES", "150")),
                    deadline=None)

SPANS = [(0, 2, "A"), (0, 2, "B"), (0, 3, "A"), (1, 3, "A"), (1, 3, "B"), (4, 6, "A")]
# A tie table with no structure the engine could lean on.
TIE = [[3.0, 0.0, 1.0], [0.0, 2.0, 0.5], [1.0, 1.0, 0.0]]
item = st.tuples(st.sampled_from(SPANS), st.integers(0, 2))
sides = st.tuples(st.lists(item, max_size=4), st.lists(item, max_size=4))
overlaps = st.sampled_from([ANY_OVERLAP, Overlap(0.5, "union"), EXACT])


def tie(g, p):
    return TIE[g[1]][p[1]]


def match(gold, pred, overlap):
    edge = span_edge(overlap)
    return match_items(gold, pred, key=lambda x: x[0], edge=lambda g, p: edge(g[0], p[0]),
                       sort_key=lambda x: x, tie=tie)


def objective(gold, pred, pairs):
    """(identical pairs, equal boundaries, equal labels, total IoU), exactly."""
    out = [0, 0, 0, Fraction(0)]
    for i, j in pairs:
        (gs, ge, gl), (ps, pe, pl) = gold[i][0], pred[j][0]
        out[0] += gold[i][0] == pred[j][0]
        out[1] += (gs, ge) == (ps, pe)
        out[2] += gl == pl
        out[3] += Fraction(min(ge, pe) - max(gs, ps), max(ge, pe) - min(gs, ps))
    return tuple(out)


def all_matchings(gold, pred, overlap):
    edge = span_edge(overlap)

    def rec(i, used):
        if i == len(gold):
            yield []
            return
        yield from rec(i + 1, used)
        for j in range(len(pred)):
            if j not in used and edge(gold[i][0], pred[j][0]) is not None:
                for rest in rec(i + 1, used | {j}):
                    yield [(i, j), *rest]

    yield from rec(0, frozenset())


def key_pairs(gold, pred, pairs):
    return sorted((gold[i][0], pred[j][0]) for i, j in pairs)


def agreement(gold, pred, pairs):
    return sum(tie(gold[i], pred[j]) for i, j in pairs)


@SETTINGS
@given(sides, overlaps)
def test_ties_follow_the_tie_score_as_brute_force_does(s, overlap):
    gold, pred = s
    got = match(gold, pred, overlap).pairs()
    every = list(all_matchings(gold, pred, overlap))
    best = max(objective(gold, pred, m) for m in every)
    # The objective is optimal, and the tie score never trades any of it away.
    assert objective(gold, pred, got) == best
    # Among the optimal matchings that pair the same keys, none agrees better.
    same = [m for m in every if objective(gold, pred, m) == best
            and key_pairs(gold, pred, m) == key_pairs(gold, pred, got)]
    assert agreement(gold, pred, got) == max(agreement(gold, pred, m) for m in same)


@SETTINGS
@given(sides, overlaps, st.randoms(use_true_random=False))
def test_the_pairs_content_ignores_the_order_of_either_side(s, overlap, rnd):
    gold, pred = s
    g2, p2 = rnd.sample(gold, len(gold)), rnd.sample(pred, len(pred))

    def content(g, p):
        m = match(g, p, overlap)
        return (sorted((g[i], p[j]) for i, j in m.pairs()),
                sorted(g[i] for i, j in enumerate(m.gold_to_pred) if j < 0),
                sorted(p[j] for j, i in enumerate(m.pred_to_gold) if i < 0))

    assert content(gold, pred) == content(g2, p2)


def test_a_tie_never_outweighs_the_objective():
    # The second prediction agrees perfectly but overlaps less: the objective decides.
    gold = [((0, 3, "A"), 0)]
    pred = [((0, 2, "A"), 1), ((1, 2, "A"), 0)]
    assert match(gold, pred, ANY_OVERLAP).pairs() == [(0, 0)]


def test_without_repeats_the_tie_changes_nothing():
    # Two different predictions tie on the objective (same IoU, same label); the tie score
    # would prefer the second, but only repeats of one key are shared out by it: the content
    # order decides, as without a tie score.
    gold = [((1, 3, "A"), 0)]
    pred = [((0, 2, "A"), 1), ((2, 4, "A"), 0)]
    edge = span_edge(ANY_OVERLAP)
    plain = match_items(gold, pred, key=lambda x: x[0], edge=lambda g, p: edge(g[0], p[0]),
                        sort_key=lambda x: x)
    assert match(gold, pred, ANY_OVERLAP).pairs() == plain.pairs() == [(0, 0)]


@SETTINGS
@given(sides, overlaps, st.randoms(use_true_random=False))
def test_past_the_search_bound_alternating_steps_keep_order_free_and_optimal_keys(s, overlap,
                                                                                  rnd):
    # Both sides repeating keys in many items: the sides alternate instead of trying every
    # arrangement. The objective and the key pairs stay optimal, the result order-free.
    gold, pred = s
    with mock.patch.object(ties, "_MAX_ARRANGEMENTS", 0):
        got = match(gold, pred, overlap)
        g2, p2 = rnd.sample(gold, len(gold)), rnd.sample(pred, len(pred))
        other = match(g2, p2, overlap)
    best = max(objective(gold, pred, m) for m in all_matchings(gold, pred, overlap))
    assert objective(gold, pred, got.pairs()) == best
    assert sorted((gold[i], pred[j]) for i, j in got.pairs()) == \
        sorted((g2[i], p2[j]) for i, j in other.pairs())


@SETTINGS
@given(sides, overlaps)
def test_when_no_key_repeats_the_tie_score_changes_nothing(s, overlap):
    # Every number of inputs without repeats stays what it was before tie scores existed.
    gold = list({x[0]: x for x in s[0]}.values())
    pred = list({x[0]: x for x in s[1]}.values())
    edge = span_edge(overlap)
    plain = match_items(gold, pred, key=lambda x: x[0], edge=lambda g, p: edge(g[0], p[0]),
                        sort_key=lambda x: x)
    assert match(gold, pred, overlap) == plain


@SETTINGS
@given(sides, overlaps, st.randoms(use_true_random=False))
def test_without_a_tie_score_items_of_one_key_pair_in_content_order(s, overlap, rnd):
    # The exact-first step pairs items of one key in sort-key order, not in list order.
    edge = span_edge(overlap)

    def content(g, p):
        m = match_items(g, p, key=lambda x: x[0], edge=lambda a, b: edge(a[0], b[0]),
                        sort_key=lambda x: x)
        return sorted((g[i], p[j]) for i, j in m.pairs())

    gold, pred = s
    assert content(gold, pred) == content(rnd.sample(gold, len(gold)), rnd.sample(pred, len(pred)))
