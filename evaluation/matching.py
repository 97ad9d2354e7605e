"""The matching engine shared by every layer: optimal one-to-one gold-prediction matching.

Rule (written once, used for entities, event triggers and arguments, quotes):

1. Items that are identical (same position and label) are paired first, by dictionary lookup.
2. The remaining items form a bipartite graph whose edges join a gold and a predicted item that
   overlap enough (:class:`Overlap`). Each edge has a lexicographic weight: same position
   (boundaries) first, then same label, then overlap (intersection over union). A
   maximum-weight matching of each connected component is found with
   ``scipy.optimize.linear_sum_assignment``, so the result is optimal and never depends on the
   order of the input lists (greedy first-fit matchers such as nervaluate's do; see its issues
   #29, #39, #40, #84). Rows and columns are sorted by content before solving, so ties are
   broken the same way whatever the input order.

The objective is therefore: most identical pairs, then most pairs with equal boundaries, then
most pairs with equal labels, then the largest total overlap. Step 1 is exact for that
objective: identical items are interchangeable, and taking all of them never lowers the number
of boundary-equal pairs still possible.

*Ties are broken by content, never by list position.* Span items ``(start, end, label)`` are
their whole content: equal tuples are interchangeable, so which of them is paired changes no
count. Richer items (an event with its arguments, a quote with its speaker and cue) can be
identical for the objective (the same ``key``) and still differ in what is scored after
matching. :func:`match_items` takes two rules for them: a ``sort_key``, a canonical key of
each item's whole content, orders every step (so a remaining tie falls the same way for any
input order), and a ``tie`` score of a pair (how well it agrees beyond the objective, e.g.
attached arguments): items with one key are interchangeable for the objective, so after
matching they are shared out among the pairs and non-pairs that their key got, the way that
maximises the total tie score. The objective, and so which keys are paired with which, is
never changed by it.

>>> gold = [(0, 3, "PER")]
>>> match_spans(gold, [(0, 1, "PER"), (0, 3, "PER")]).gold_to_pred
(1,)
>>> match_spans(gold, [(0, 3, "PER"), (0, 1, "PER")]).gold_to_pred
(0,)
>>> m = match_spans([(0, 4, "PER"), (5, 9, "ORG")], [(0, 9, "ORG")])
>>> m.gold_to_pred, m.pred_to_gold
((-1, 0), (1,))
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np

from dateline.evaluation.ties import _by_key, _pair_identical, _share_out
from dateline.schemas.errors import DatelineError

__all__ = ["ANY_OVERLAP", "EXACT", "Item", "Matching", "Overlap", "Tie", "match_items",
           "match_spans", "solve_spans", "span_edge"]

Item = tuple[int, int, Any]
"""A span item ``(start, end, label)``: half-open character offsets and a hashable label."""

T = TypeVar("T")
# An edge's weight as (same position, same label, overlap in (0, 1]); None: no edge.
Edge = tuple[bool, bool, float]
Tie = Callable[[Any, Any], float]
"""A pair's agreement beyond the objective (higher is better): ``tie(gold item, pred item)``."""


@dataclass(frozen=True)
class Overlap:
    """When a gold and a predicted span overlap enough to be matched at all.

    They must share at least one character, and the shared length divided by the length of
    ``relative_to`` (``gold`` span, ``pred`` span, or their ``union``, i.e. IoU) must be at
    least ``threshold``. ``Overlap()`` admits any shared character (nervaluate's default);
    ``Overlap(0.5)`` needs half the gold span (nervaluate's ``min_overlap_percentage=50``);
    ``Overlap(1.0, "union")`` (:data:`EXACT`) admits identical boundaries only.

    >>> Overlap(0.5).admits(0, 10, 5, 20), Overlap(0.5, "pred").admits(0, 10, 5, 20)
    (True, False)
    """

    threshold: float = 0.0
    relative_to: Literal["gold", "pred", "union"] = "gold"

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise DatelineError("bad-overlap-threshold",
                                f"overlap threshold {self.threshold!r} is outside [0, 1]",
                                fix="give a fraction such as 0.5", exit_code=2)
        if self.relative_to not in ("gold", "pred", "union"):
            raise DatelineError("bad-overlap-basis",
                                f"overlap basis {self.relative_to!r} is not gold, pred or union",
                                fix="use gold, pred or union", exit_code=2)

    def admits(self, gs: int, ge: int, ps: int, pe: int) -> bool:
        """Whether gold ``[gs, ge)`` and predicted ``[ps, pe)`` overlap enough."""
        shared = min(ge, pe) - max(gs, ps)
        if shared <= 0:
            return False
        if self.threshold == 0.0:
            return True
        if self.relative_to == "gold":
            den = ge - gs
        elif self.relative_to == "pred":
            den = pe - ps
        else:
            den = max(ge, pe) - min(gs, ps)
        return shared >= self.threshold * den - 1e-9

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON."""
        return {"threshold": self.threshold, "relative_to": self.relative_to}


ANY_OVERLAP = Overlap()
EXACT = Overlap(1.0, "union")


@dataclass(frozen=True)
class Matching:
    """A one-to-one matching: ``gold_to_pred[i]`` is the predicted index paired with gold item
    ``i`` (-1: missed); ``pred_to_gold[j]`` the gold index of prediction ``j`` (-1: unmatched)."""

    gold_to_pred: tuple[int, ...]
    pred_to_gold: tuple[int, ...]

    def pairs(self) -> list[tuple[int, int]]:
        """Matched ``(gold, pred)`` index pairs in gold order.

        >>> Matching((1, -1), (-1, 0)).pairs()
        [(0, 1)]
        """
        return [(i, j) for i, j in enumerate(self.gold_to_pred) if j >= 0]


def span_edge(overlap: Overlap) -> Callable[[Item, Item], Edge | None]:
    """The edge function of span items under ``overlap``: ``(same boundaries, same label,
    intersection over union)``, or None when the pair does not overlap enough.

    >>> edge = span_edge(Overlap())
    >>> edge((0, 4, "A"), (2, 6, "A")), edge((0, 4, "A"), (4, 6, "A"))
    ((False, True, 0.3333333333333333), None)
    """
    def edge(g: Item, p: Item) -> Edge | None:
        gs, ge, gl = g
        ps, pe, pl = p
        if not overlap.admits(gs, ge, ps, pe):
            return None
        iou = (min(ge, pe) - max(gs, ps)) / (max(ge, pe) - min(gs, ps))
        return (gs == ps and ge == pe, gl == pl, iou)
    return edge


def _sort_key(item: Any) -> tuple[Any, ...]:
    # Content order, robust to None labels mixed with strings.
    return tuple((x is None, str(x)) if not isinstance(x, int) else (False, x)
                 for x in (item if isinstance(item, tuple) else (item,)))


def solve(gold: Sequence[T], pred: Sequence[T], gold_idx: Sequence[int],
          pred_idx: Sequence[int], edges: dict[tuple[int, int], Edge],
          sort_key: Callable[[T], Any] = _sort_key) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one matching of the items ``gold_idx`` x ``pred_idx`` over
    ``edges`` (keyed by ``(gold index, pred index)``); return the matched pairs.

    Components of the edge graph are solved separately (they are tiny in practice); a
    component with one gold or one predicted item takes its best edge directly. Rows and
    columns are ordered by ``sort_key`` (content), so ties fall the same way for any order.

    >>> e = {(0, 0): (False, True, 0.5), (0, 1): (False, False, 0.9), (1, 1): (False, True, 0.2)}
    >>> solve(["a", "b"], ["x", "y"], [0, 1], [0, 1], e)
    [(0, 0), (1, 1)]
    """
    if not edges:
        return []
    g_adj: dict[int, list[int]] = {}
    p_adj: dict[int, list[int]] = {}
    for i, j in edges:
        g_adj.setdefault(i, []).append(j)
        p_adj.setdefault(j, []).append(i)
    out: list[tuple[int, int]] = []
    seen_g: set[int] = set()
    for start in sorted(g_adj):
        if start in seen_g:
            continue
        js = g_adj[start]
        if len(js) == 1 and len(p_adj[js[0]]) == 1:  # an isolated edge: the common case
            seen_g.add(start)
            out.append((start, js[0]))
            continue
        comp_g, comp_p = [start], []
        seen_g.add(start)
        seen_p: set[int] = set()
        stack = [start]
        while stack:
            i = stack.pop()
            for j in g_adj[i]:
                if j not in seen_p:
                    seen_p.add(j)
                    comp_p.append(j)
                    for i2 in p_adj[j]:
                        if i2 not in seen_g:
                            seen_g.add(i2)
                            comp_g.append(i2)
                            stack.append(i2)
        out.extend(_solve_component(gold, pred, comp_g, comp_p, edges, sort_key))
    return out


def _solve_component(gold: Sequence[T], pred: Sequence[T], comp_g: list[int],
                     comp_p: list[int], edges: dict[tuple[int, int], Edge],
                     sort_key: Callable[[T], Any]) -> list[tuple[int, int]]:
    # The index only orders items with equal sort keys, which the caller guarantees are
    # interchangeable: their rows (columns) are equal, so the solution's content is the same
    # for any input order.
    comp_g.sort(key=lambda i: (sort_key(gold[i]), i))
    comp_p.sort(key=lambda j: (sort_key(pred[j]), j))
    k = min(len(comp_g), len(comp_p)) + 1
    # Lexicographic weights: one more boundary match outweighs any number of label matches,
    # one more label match outweighs any total overlap.
    w = np.zeros((len(comp_g), len(comp_p)))
    for a, i in enumerate(comp_g):
        for b, j in enumerate(comp_p):
            e = edges.get((i, j))
            if e is not None:
                w[a, b] = e[0] * k * k + e[1] * k + e[2]
    if len(comp_g) == 1 or len(comp_p) == 1:
        a, b = np.unravel_index(int(np.argmax(w)), w.shape)  # first maximum in content order
        return [(comp_g[int(a)], comp_p[int(b)])]
    # Imported here: scipy.optimize costs about a second to import, and most documents
    # never get this far.
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(w, maximize=True)
    return [(comp_g[a], comp_p[b]) for a, b in zip(rows, cols, strict=True) if w[a, b] > 0]


def _exact_first(gold: Sequence[Hashable], pred: Sequence[Hashable],
                 g2p: list[int], p2g: list[int]) -> None:
    # For span items, whose key is their whole content: which of several equal items is
    # paired changes no count, so the cheapest order is used (match_items orders by content).
    index: dict[Hashable, list[int]] = {}
    for i, key in enumerate(gold):
        index.setdefault(key, []).append(i)
    for j, key in enumerate(pred):
        free = index.get(key)
        if free:
            i = free.pop()
            g2p[i] = j
            p2g[j] = i


def match_spans(gold: Sequence[Item], pred: Sequence[Item],
                overlap: Overlap = ANY_OVERLAP) -> Matching:
    """Match span items ``(start, end, label)`` of one document one to one (see module doc).

    >>> match_spans([(0, 5, "PER"), (0, 5, "ORG")], [(0, 5, "ORG"), (1, 5, "PER")]).pairs()
    [(0, 1), (1, 0)]
    """
    g2p = [-1] * len(gold)
    p2g = [-1] * len(pred)
    if gold and pred:
        _exact_first(gold, pred, g2p, p2g)
        left_g = [i for i, j in enumerate(g2p) if j < 0]
        left_p = [j for j, i in enumerate(p2g) if i < 0]
        if left_g and left_p:
            for i, j in solve_spans(gold, pred, left_g, left_p, overlap):
                g2p[i] = j
                p2g[j] = i
    return Matching(tuple(g2p), tuple(p2g))


def solve_spans(gold: Sequence[Item], pred: Sequence[Item], gold_idx: Sequence[int],
                pred_idx: Sequence[int], overlap: Overlap) -> list[tuple[int, int]]:
    """:func:`solve` on the :func:`span_edges` of span items: pair by pair in Python for
    small leftovers, with numpy and scipy for large ones
    (:mod:`dateline.evaluation.large_matching`: the same matching, a bounded cost, and
    ``too-many-candidates`` past the limit of candidate pairs per document).

    >>> solve_spans([(0, 4, "A"), (5, 9, "B")], [(1, 4, "A")], [0, 1], [0], Overlap())
    [(0, 0)]
    """
    from dateline.evaluation.large_matching import SMALL, solve_large

    if len(gold_idx) * len(pred_idx) > SMALL:
        return solve_large(gold, pred, gold_idx, pred_idx, overlap)
    return solve(gold, pred, gold_idx, pred_idx,
                 span_edges(gold, pred, gold_idx, pred_idx, overlap))


def span_edges(gold: Sequence[Item], pred: Sequence[Item], gold_idx: Sequence[int],
               pred_idx: Sequence[int], overlap: Overlap) -> dict[tuple[int, int], Edge]:
    """The admissible edges between the given gold and predicted span items (a sweep over
    predictions sorted by start, so long documents do not cost a full cross product).

    >>> span_edges([(0, 4, "A")], [(2, 6, "A"), (4, 8, "A")], [0], [0, 1], Overlap())
    {(0, 0): (False, True, 0.3333333333333333)}
    """
    edge = span_edge(overlap)
    order = sorted(pred_idx, key=lambda j: pred[j][0])
    starts = [pred[j][0] for j in order]
    out: dict[tuple[int, int], Edge] = {}
    for i in gold_idx:
        g = gold[i]
        for j in order[:bisect.bisect_left(starts, g[1])]:
            p = pred[j]
            if p[1] > g[0]:
                e = edge(g, p)
                if e is not None:
                    out[(i, j)] = e
    return out


def match_items(gold: Sequence[T], pred: Sequence[T], *, key: Callable[[T], Hashable],
                edge: Callable[[T, T], Edge | None] | None = None,
                sort_key: Callable[[T], Any] = _sort_key,
                tie: Tie | None = None,
                edges: Callable[[list[int], list[int]], dict[tuple[int, int], Edge]]
                | None = None) -> Matching:
    """Match arbitrary items (e.g. discontinuous quotes) with the same rule as spans.

    ``key(item)`` is the identity used in the exact-first step; ``edge(g, p)`` returns
    ``(same position, same label, overlap)`` or None when the pair is inadmissible, and must
    depend on the two keys only. All leftover pairs are tried, so keep this for layers with
    few items per document, or give ``edges(gold indices, pred indices)`` instead of ``edge``:
    the admissible edges among the leftover items, keyed by index pairs (e.g.
    :func:`span_edges` on the items' spans, a sweep).

    Ties are broken by content, never by list position (see the module doc): ``sort_key`` is a
    canonical key of everything about an item that is scored after matching (items with equal
    sort keys must be interchangeable), and ``tie(g, p)``, if given, scores how well a pair
    agrees beyond the objective. Items sharing a key are interchangeable for the objective;
    once it is solved, they are shared out among the partners (and non-partners) their key
    got so that the total tie score is largest (exactly, unless both sides repeat keys in
    more than 720 ways: then by alternating exact steps on each side until neither improves;
    :mod:`dateline.evaluation.ties`). Which keys are paired with which is never changed by it.

    >>> m = match_items(["ab", "cd"], ["cd", "b"], key=str,
    ...                 edge=lambda g, p: (g == p, True, 0.5) if set(g) & set(p) else None)
    >>> m.gold_to_pred
    (1, 0)

    Two predictions identical for the objective (key ``x[0]``): the one whose second field
    agrees with the gold item's is paired, whatever the order.

    >>> same = dict(key=lambda x: x[0], edge=lambda g, p: (True, True, 1.0) if g[0] == p[0]
    ...             else None, sort_key=lambda x: x, tie=lambda g, p: float(g[1] == p[1]))
    >>> match_items([("q", 2)], [("q", 1), ("q", 2)], **same).pairs()
    [(0, 1)]
    >>> match_items([("q", 2)], [("q", 2), ("q", 1)], **same).pairs()
    [(0, 0)]
    """
    g2p = [-1] * len(gold)
    p2g = [-1] * len(pred)
    if gold and pred:
        gold_index, gold_repeats = _by_key(gold, [key(g) for g in gold], sort_key)
        pred_index, pred_repeats = _by_key(pred, [key(p) for p in pred], sort_key)
        _pair_identical(gold_index, pred_index, g2p, p2g)
        left_g = [i for i, j in enumerate(g2p) if j < 0]
        left_p = [j for j, i in enumerate(p2g) if i < 0]
        found: dict[tuple[int, int], Edge] = {}
        if not (left_g and left_p):
            pass
        elif edges is not None:
            found = edges(left_g, left_p)
        elif edge is not None:
            for i in left_g:
                for j in left_p:
                    e = edge(gold[i], pred[j])
                    if e is not None:
                        found[(i, j)] = e
        else:
            raise TypeError("match_items needs edge or edges")
        for i, j in solve(gold, pred, left_g, left_p, found, sort_key):
            g2p[i] = j
            p2g[j] = i
        if tie is not None and (gold_repeats or pred_repeats):
            _share_out(gold, pred, (gold_repeats, pred_repeats), g2p, p2g, tie)
    return Matching(tuple(g2p), tuple(p2g))
