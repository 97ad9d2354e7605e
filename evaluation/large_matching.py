"""Matching many overlapping spans at a bounded cost: the same optimal matching as
:func:`~dateline.evaluation.matching.solve`, with the work done by numpy and scipy.

A document whose leftover gold and predicted spans all overlap one another (a faulty
extractor that emits every n-gram, say) makes one connected component with n x m candidate
pairs. Built pair by pair in Python, its edges and weight matrix cost about n^2.2 (2,000 spans
a side: 17 s). Here, for leftovers of more than :data:`SMALL` pairs:

1. The candidate pairs are counted first, in O(n log n) (two binary searches per span), and
   a document with more than :data:`MAX_CANDIDATES` of them is refused
   (``too-many-candidates``, naming the document when the caller knows it) before any
   quadratic work. Realistic documents have a few candidates per span.
2. The pairs are listed without a cross product: a prediction overlaps a gold span when it
   starts inside it, or starts before it and covers its start (two ranges in start order).
3. Components come from ``scipy.sparse.csgraph.connected_components``. A component of at
   most :data:`DENSE_CELLS` cells is solved exactly as ``solve`` solves it: the same weights,
   rows and columns in the same content order, the same ``linear_sum_assignment`` (or argmax
   for a single row or column), so the matching, ties included, is the same. A larger one
   (it cannot occur below the limit of step 1 with spans of realistic length) is solved on
   its edges only by ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``, through the
   usual reduction of a maximum-weight matching to a minimum-cost perfect one (a dummy
   partner for every item): optimal for the same objective; a tie may fall differently.

>>> from dateline.evaluation.matching import ANY_OVERLAP
>>> gold = [(0, 10, "A"), (20, 30, "B")]
>>> pred = [(5, 25, "A"), (25, 35, "B"), (0, 9, "A")]
>>> sorted(solve_large(gold, pred, [0, 1], [0, 1, 2], ANY_OVERLAP))
[(0, 2), (1, 1)]
>>> count_candidates(gold, pred, [0, 1], [0, 1, 2])
4
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dateline.schemas.errors import DatelineError

__all__ = ["DENSE_CELLS", "MAX_CANDIDATES", "SMALL", "check_candidates", "count_candidates",
           "max_candidates", "solve_large"]

MAX_CANDIDATES = 1_000_000
"""Candidate pairs (overlapping leftover gold and predicted spans) allowed in one document;
``$DATELINE_MAX_CANDIDATES`` overrides it. 1,000 spans a side that all overlap take about a
second; the limit keeps a faulty extractor from stalling a whole benchmark."""
DENSE_CELLS = 4_000_000
"""Components up to this many cells (gold x predicted) are solved densely, exactly as
:func:`~dateline.evaluation.matching.solve` does."""
SMALL = 256
"""Leftovers of up to this many gold x predicted pairs stay on the pure-Python path."""

Pairs = list[tuple[int, int]]


def max_candidates() -> int:
    """The candidate limit in force (``$DATELINE_MAX_CANDIDATES`` or :data:`MAX_CANDIDATES`).

    >>> max_candidates() > 0
    True
    """
    raw = os.environ.get("DATELINE_MAX_CANDIDATES")
    if raw is None:
        return MAX_CANDIDATES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise DatelineError("bad-option", f"DATELINE_MAX_CANDIDATES={raw!r} is not a positive "
                            "whole number", fix="unset it, or give e.g. 1000000", exit_code=2)
    return value


def _ends(items: Sequence[Any], idx: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    arr = np.array([items[i][:2] for i in idx], dtype=np.int64).reshape(len(idx), 2)
    return arr[:, 0], arr[:, 1]


def count_candidates(gold: Sequence[Any], pred: Sequence[Any], gold_idx: Sequence[int],
                     pred_idx: Sequence[int]) -> int:
    """How many (gold, predicted) pairs among the given items share a character (an upper
    bound of the matching's edges), in O(n log n).

    >>> count_candidates([(0, 4, "A")], [(2, 6, "A"), (4, 8, "A")], [0], [0, 1])
    1
    """
    gs, ge = _ends(gold, gold_idx)
    ps, pe = _ends(pred, pred_idx)
    # pairs with ps < ge, less those with pe <= gs (which start before ge too)
    before_end = np.searchsorted(np.sort(ps), ge, side="left")
    ended = np.searchsorted(np.sort(pe), gs, side="right")
    return int(np.maximum(before_end - ended, 0).sum())


def check_candidates(gold: Sequence[Any], pred: Sequence[Any], gold_idx: Sequence[int],
                     pred_idx: Sequence[int]) -> None:
    """Refuse (``too-many-candidates``) leftovers with more candidate pairs than the limit.

    >>> import os
    >>> os.environ["DATELINE_MAX_CANDIDATES"] = "3"
    >>> spans = [(0, 9, "A"), (1, 9, "A")]
    >>> check_candidates(spans, [(0, 8, "B"), (2, 9, "B")], [0, 1], [0, 1])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [too-many-candidates] 4 candidate pairs ...
    >>> del os.environ["DATELINE_MAX_CANDIDATES"]
    """
    n = count_candidates(gold, pred, gold_idx, pred_idx)
    limit = max_candidates()
    if n > limit:
        raise DatelineError(
            "too-many-candidates",
            f"{n:,} candidate pairs of overlapping gold and predicted spans "
            f"({len(gold_idx):,} gold x {len(pred_idx):,} predicted left after identical "
            f"pairs) exceed the limit of {limit:,} per document",
            fix="the predictions overlap one another massively (an extractor emitting every "
                "n-gram?): remove overlapping duplicates, or raise $DATELINE_MAX_CANDIDATES")


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # (owner, position) for every position in [lo[k], hi[k]), without a Python loop
    counts = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(lo)), counts)
    starts = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return owner, starts + np.arange(int(counts.sum()))


def _candidate_pairs(gs: np.ndarray, ge: np.ndarray, ps: np.ndarray, pe: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    # Predictions starting inside a gold span: a range in prediction start order.
    p_order = np.argsort(ps, kind="stable")
    p_sorted = ps[p_order]
    g1, k1 = _ranges(np.searchsorted(p_sorted, gs, "left"), np.searchsorted(p_sorted, ge, "left"))
    # Gold spans starting strictly inside a prediction: a range in gold start order.
    g_order = np.argsort(gs, kind="stable")
    g_sorted = gs[g_order]
    p2, k2 = _ranges(np.searchsorted(g_sorted, ps, "right"), np.searchsorted(g_sorted, pe, "left"))
    return (np.concatenate((g1, g_order[k2])), np.concatenate((p_order[k1], p2)))


def solve_large(gold: Sequence[Any], pred: Sequence[Any], gold_idx: Sequence[int],
                pred_idx: Sequence[int], overlap: Any,
                sort_key: Callable[[Any], Any] | None = None) -> Pairs:
    """The optimal one-to-one matching of the span items ``gold_idx`` x ``pred_idx`` under
    ``overlap`` (an :class:`~dateline.evaluation.matching.Overlap`): the pairs ``solve``
    returns for :func:`~dateline.evaluation.matching.span_edges`' edges (see the module doc).

    >>> from dateline.evaluation.matching import Overlap
    >>> solve_large([(0, 4, "A")], [(2, 6, "A")], [0], [0], Overlap(0.75))
    []
    """
    from dateline.evaluation.matching import _sort_key

    key = sort_key or _sort_key
    check_candidates(gold, pred, gold_idx, pred_idx)
    gi = np.asarray(gold_idx, dtype=np.int64)
    pi = np.asarray(pred_idx, dtype=np.int64)
    gs, ge = _ends(gold, gold_idx)
    ps, pe = _ends(pred, pred_idx)
    a, b = _candidate_pairs(gs, ge, ps, pe)
    shared = np.minimum(ge[a], pe[b]) - np.maximum(gs[a], ps[b])
    ok = shared > 0
    if overlap.threshold > 0.0:
        den = {"gold": ge[a] - gs[a], "pred": pe[b] - ps[b]}.get(
            overlap.relative_to, np.maximum(ge[a], pe[b]) - np.minimum(gs[a], ps[b]))
        ok &= shared >= overlap.threshold * den - 1e-9
    a, b = a[ok], b[ok]
    if len(a) == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_g, n_p = len(gi), len(pi)
    graph = coo_matrix((np.ones(len(a)), (a, n_g + b)), shape=(n_g + n_p, n_g + n_p))
    _, comp = connected_components(graph, directed=False)
    edge_comp = comp[a]
    order = np.argsort(edge_comp, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_comp[order])) + 1
    out: Pairs = []
    for chunk in np.split(order, bounds):
        ca, cb = a[chunk], b[chunk]
        if len(chunk) == 1:  # an isolated edge: paired as it is
            out.append((int(gi[ca[0]]), int(pi[cb[0]])))
            continue
        out.extend(_component(gold, pred, gi, pi, ca, cb, (gs, ge, ps, pe), key))
    return out


def _component(gold: Sequence[Any], pred: Sequence[Any], gi: np.ndarray, pi: np.ndarray,
               ca: np.ndarray, cb: np.ndarray, ends: tuple[np.ndarray, ...],
               key: Callable[[Any], Any]) -> Pairs:
    gs, ge, ps, pe = ends
    # rows and columns in content order, then index (as _solve_component sorts them)
    rows = sorted(set(ca.tolist()), key=lambda r: (key(gold[gi[r]]), int(gi[r])))
    cols = sorted(set(cb.tolist()), key=lambda c: (key(pred[pi[c]]), int(pi[c])))
    row_of = np.full(len(gi), -1, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    col_of = np.full(len(pi), -1, dtype=np.int64)
    col_of[cols] = np.arange(len(cols))
    k = min(len(rows), len(cols)) + 1
    same_bounds = (gs[ca] == ps[cb]) & (ge[ca] == pe[cb])
    same_label = np.fromiter((gold[gi[x]][2] == pred[pi[y]][2] for x, y in zip(ca, cb,
                                                                             strict=True)),
                             dtype=bool, count=len(ca))
    iou = ((np.minimum(ge[ca], pe[cb]) - np.maximum(gs[ca], ps[cb]))
           / (np.maximum(ge[ca], pe[cb]) - np.minimum(gs[ca], ps[cb])))
    # the integer part first, then the overlap, as solve adds them
    weight = (same_bounds.astype(np.int64) * (k * k) + same_label.astype(np.int64) * k) + iou
    r, c = row_of[ca], col_of[cb]
    rg = [int(gi[x]) for x in rows]
    cp = [int(pi[y]) for y in cols]
    if len(rows) * len(cols) <= DENSE_CELLS:
        w = np.zeros((len(rows), len(cols)))
        w[r, c] = weight
        if len(rows) == 1 or len(cols) == 1:
            x, y = np.unravel_index(int(np.argmax(w)), w.shape)
            return [(rg[int(x)], cp[int(y)])]
        from scipy.optimize import linear_sum_assignment

        sol_r, sol_c = linear_sum_assignment(w, maximize=True)
        return [(rg[x], cp[y]) for x, y in zip(sol_r, sol_c, strict=True) if w[x, y] > 0]
    return _sparse(r, c, weight, rg, cp)


def _sparse(r: np.ndarray, c: np.ndarray, weight: np.ndarray, rg: list[int],
            cp: list[int]) -> Pairs:
    # Maximum-weight matching as a minimum-cost perfect matching: rows are the gold items and
    # one dummy per prediction, columns the predictions and one dummy per gold item. A gold
    # item left alone takes its dummy, so does a prediction; a matched pair's dummies take
    # each other. Costs (top - weight) are positive, every perfect matching has n + m edges.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n, m = len(rg), len(cp)
    top = float(weight.max()) + 1.0
    eye_n, eye_m = np.arange(n), np.arange(m)
    rows = np.concatenate((r, eye_n, n + eye_m, n + c))
    cols = np.concatenate((c, m + eye_n, eye_m, m + r))
    cost = np.concatenate((top - weight, np.full(n + m, top), np.full(len(r), top)))
    graph = coo_matrix((cost, (rows, cols)), shape=(n + m, n + m)).tocsr()
    sol_r, sol_c = min_weight_full_bipartite_matching(graph)
    return [(rg[x], cp[y]) for x, y in zip(sol_r, sol_c, strict=True) if x < n and y < m]
