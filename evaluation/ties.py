"""Ties in matching broken by content: items of one key (interchangeable for the objective)
paired first in content order, then shared out among the partners their key got so that a
tie score (how well a pair agrees beyond the objective) is largest. The second half of
:func:`dateline.evaluation.matching.match_items`, whose docstring has the rule and examples.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
Tie = Callable[[Any, Any], float]

def _by_key(items: Sequence[T], keys: Sequence[Hashable], sort_key: Callable[[T], Any]
            ) -> tuple[dict[Hashable, list[int]], list[list[int]]]:
    # Item indices per key, and the keys held by two or more items, each in content order.
    index: dict[Hashable, list[int]] = {}
    for i, k in enumerate(keys):
        index.setdefault(k, []).append(i)
    repeated = []
    if len(index) < len(keys):
        for ids in index.values():
            if len(ids) > 1:
                ids.sort(key=lambda i: (sort_key(items[i]), i))
                repeated.append(ids)
    return index, repeated


def _pair_identical(gold_index: dict[Hashable, list[int]],
                    pred_index: dict[Hashable, list[int]], g2p: list[int],
                    p2g: list[int]) -> None:
    # The exact-first step: items with equal keys are paired in content order (the indices
    # are sorted so); when one side has more of them, the last in content order are left to
    # the solver.
    for k, gi in gold_index.items():
        pj = pred_index.get(k)
        if pj is not None:
            for i, j in zip(gi, pj, strict=False):
                g2p[i] = j
                p2g[j] = i


def _share_out(gold: Sequence[T], pred: Sequence[T],
               classes: tuple[list[list[int]], list[list[int]]], g2p: list[int],
               p2g: list[int], tie: Tie) -> None:
    """Reassign the items of each repeated key (``classes``: gold, predicted; indices in
    content order) among the partners their key got, for the largest total tie score.
    Swapping two items of one key keeps every edge weight, so the objective and the pairs of
    keys are unchanged.

    With one side fixed, the other side's best reassignment is an assignment problem per key.
    So when only one side repeats a key, one step is exact; when both do, every arrangement
    of the side with fewer is tried with the other side's best (exact), or, past
    ``_MAX_ARRANGEMENTS``, the sides alternate until neither improves.
    """
    memo: dict[tuple[int, int], float] = {}

    def pair_tie(i: int, j: int) -> float:
        # Tie scores by index pair, each computed once (the search asks for them repeatedly).
        v = memo.get((i, j))
        if v is None:
            v = memo[(i, j)] = tie(gold[i], pred[j])
        return v

    if not classes[0] or not classes[1]:
        side = 0 if classes[0] else 1
        for members in classes[side]:
            _best_shares(members, g2p, p2g, pair_tie, side)
        return
    n = [math.prod(math.factorial(len(c)) for c in cl) for cl in classes]
    side = 0 if n[0] <= n[1] else 1
    if n[side] > _MAX_ARRANGEMENTS:
        _alternate(classes, g2p, p2g, pair_tie)
        return
    start = (list(g2p), list(p2g))
    best: tuple[float, list[int], list[int]] | None = None
    # The identity arrangement comes first, and only a strictly better one replaces the best:
    # equal totals keep the content order.
    for perms in itertools.product(*(itertools.permutations(range(len(c)))
                                     for c in classes[side])):
        g, p = list(start[0]), list(start[1])
        for members, perm in zip(classes[side], perms, strict=True):
            _apply(members, perm, g, p, side)
        for members in classes[1 - side]:
            _best_shares(members, g, p, pair_tie, 1 - side)
        total = sum(pair_tie(i, j) for i, j in enumerate(g) if j >= 0)
        if best is None or total > best[0] + 1e-9 * max(1.0, abs(best[0])):
            best = (total, g, p)
    if best is not None:
        g2p[:], p2g[:] = best[1], best[2]


# Arrangements of one side tried when both sides repeat keys (6! for one key held by six
# items); beyond, alternating steps (each exact for one side) stand in for the search.
_MAX_ARRANGEMENTS = 720


def _alternate(classes: tuple[list[list[int]], list[list[int]]], g2p: list[int],
               p2g: list[int], pair_tie: Callable[[int, int], float]) -> None:
    still = [False, False]  # whether a side's last step changed nothing
    side = 1
    for _ in range(100):  # each step raises the total: this bound is never reached in practice
        if all(still):
            break
        changed = False
        for members in classes[side]:
            changed |= _best_shares(members, g2p, p2g, pair_tie, side)
        still[side] = not changed
        if changed:
            still[1 - side] = False
        side = 1 - side


def _apply(members: list[int], perm: Sequence[int], g2p: list[int], p2g: list[int],
           side: int) -> None:
    # members[a] takes the partner of members[perm[a]] (side 0: gold items, 1: predicted).
    own, other = (p2g, g2p) if side else (g2p, p2g)
    slots = [own[m] for m in members]
    for a, m in enumerate(members):
        s = slots[perm[a]]
        own[m] = s
        if s >= 0:
            other[s] = m


def _best_shares(members: list[int], g2p: list[int], p2g: list[int],
                 pair_tie: Callable[[int, int], float], side: int) -> bool:
    # The items ``members`` of one key (side 0: gold, 1: predicted) take the best assignment
    # to their current partners (-1: none). Returns whether it changed anything.
    own = p2g if side else g2p
    slots = [own[m] for m in members]
    if all(s < 0 for s in slots):
        return False

    def score(m: int, s: int) -> float:
        if s < 0:
            return 0.0
        return pair_tie(s, m) if side else pair_tie(m, s)

    w = np.array([[score(m, s) for s in slots] for m in members])
    current = float(np.trace(w))
    from scipy.optimize import linear_sum_assignment  # slow to import: only when needed

    rows, cols = linear_sum_assignment(w, maximize=True)
    # Strictly better only (beyond rounding): an equal total keeps the content order.
    if float(w[rows, cols].sum()) <= current + 1e-9 * max(1.0, abs(current)):
        return False
    perm = [0] * len(members)
    for a, b in zip(rows, cols, strict=True):
        perm[int(a)] = int(b)
    _apply(members, perm, g2p, p2g, side)
    return True
