"""The entity scorer's tally: one pass over ``(gold, pred, scope)`` rows of span items, the
optimal matching of :mod:`dateline.evaluation.matching` where it is needed, and the class counts
of every document coded with numpy at the end.

>>> from dateline.evaluation.matching import ANY_OVERLAP
>>> labels, values, confusion = tally([([(0, 3, "PER")], [(0, 3, "PER"), (4, 6, "LOC")],
...                                     FULL_SCOPE)], ANY_OVERLAP)
>>> labels, values.tolist(), dict(confusion)
(('LOC', 'PER'), [[0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]], {('PER', 'PER'): 1})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np

from dateline.evaluation.coverage import FULL_SCOPE, Scope
from dateline.evaluation.entity_scores import _BG, _BP, _E, _MIS, _NC, _ODG, _ODP, _OL, _SPU
from dateline.evaluation.matching import Item, Overlap, match_spans, solve_spans

__all__ = ["tally"]

def tally(rows: Iterable[tuple[Sequence[Item], Sequence[Item], Scope]], overlap: Overlap
           ) -> tuple[tuple[Any, ...], np.ndarray, Counter[tuple[Any, Any]]]:
    """Labels (sorted by ``str``), per-document class counts (documents x labels*classes) and
    the confusion counter of the documents ``rows`` yields as ``(gold, pred, scope)``.

    Single pass, so a caller may generate rows lazily (``score_entities`` reads each Document
    once). Per-document work is kept to a few set operations: most items are identical pairs,
    and most leftovers are one gold and one predicted item, or isolated pairs.

    >>> from dateline.evaluation.matching import ANY_OVERLAP
    >>> tally([([(0, 3, "PER")], [(0, 3, "ORG")], FULL_SCOPE)], ANY_OVERLAP)[2]
    Counter({('PER', 'ORG'): 1})
    """
    any_overlap = overlap.threshold == 0.0
    admits = overlap.admits
    # Events other than identical pairs: a label and its position (document * _NC + class),
    # coded with numpy at the end; identical pairs are gathered in bulk the same way.
    ev_lab: list[Any] = []
    ev_pos: list[int] = []
    lab_app = ev_lab.append
    pos_app = ev_pos.append
    same_items: list[Item] = []
    same_lens: list[int] = []
    same_extend = same_items.extend
    len_app = same_lens.append
    confusion: Counter[tuple[Any, Any]] = Counter()
    d = -1
    for g, p, scope in rows:
        d += 1
        base = d * _NC
        if not p:
            len_app(0)
            for it in g:
                lab_app(it[2])
                pos_app(base + _MIS)
            continue
        full = scope is FULL_SCOPE
        if not g:
            len_app(0)
            for it in p:
                if full or scope.counts_spurious(*it):
                    lab_app(it[2])
                    pos_app(base + _SPU)
            continue
        if g == p:  # identical lists (repeats pair with each other): all identical pairs
            same_extend(g)
            len_app(len(g))
            continue
        gset = set(g)
        pset = set(p)
        if len(gset) == len(g) and len(pset) == len(p):
            common = gset & pset
            same_extend(common)
            len_app(len(common))
            nc = len(common)
            if nc == len(g):  # every gold item paired: the other predictions are unmatched
                for it in pset - common:
                    if full or scope.counts_spurious(*it):
                        lab_app(it[2])
                        pos_app(base + _SPU)
                continue
            if nc == len(p):  # every prediction paired: the other gold items are missed
                for it in gset - common:
                    lab_app(it[2])
                    pos_app(base + _MIS)
                continue
            # Leftovers in content order: the result cannot depend on input order.
            lg: Sequence[Item] = sorted(gset - common)
            lp: Sequence[Item] = sorted(pset - common)
            pairs = _isolated_pairs(lg, lp, any_overlap, admits)
            if pairs is None:  # some item has two candidates: the optimal matching decides
                pairs = solve_spans(lg, lp, range(len(lg)), range(len(lp)), overlap)
        else:  # duplicate items: the general path
            len_app(0)
            lg, lp = g, p
            pairs = match_spans(g, p, overlap).pairs()
        matched_g = [False] * len(lg)
        matched_p = [False] * len(lp)
        for i, j in pairs:
            gi, pj = lg[i], lp[j]
            matched_g[i] = matched_p[j] = True
            same_bounds = gi[0] == pj[0] and gi[1] == pj[1]
            if gi[2] == pj[2]:
                lab_app(gi[2])
                pos_app(base + (_E if same_bounds else _OL))
            elif same_bounds:
                lab_app(gi[2])
                pos_app(base + _BG)
                lab_app(pj[2])
                pos_app(base + _BP)
                confusion[(gi[2], pj[2])] += 1
            else:
                lab_app(gi[2])
                pos_app(base + _ODG)
                lab_app(pj[2])
                pos_app(base + _ODP)
        for i, it in enumerate(lg):
            if not matched_g[i]:
                lab_app(it[2])
                pos_app(base + _MIS)
        for j, it in enumerate(lp):
            if not matched_p[j] and (full or scope.counts_spurious(*it)):
                lab_app(it[2])
                pos_app(base + _SPU)

    n = d + 1
    same_labels = list(map(itemgetter(2), same_items))
    labels = tuple(sorted(dict.fromkeys(chain(ev_lab, same_labels)), key=str))
    lab = {x: k for k, x in enumerate(labels)}
    n_lab = len(labels)
    # code = (document * _NC + class) * labels + label
    codes = np.concatenate([
        np.asarray(ev_pos, dtype=np.int64) * n_lab
        + np.fromiter(map(lab.__getitem__, ev_lab), dtype=np.int64, count=len(ev_lab)),
        np.repeat(np.arange(n, dtype=np.int64) * (_NC * n_lab) + _E * n_lab,
                  np.asarray(same_lens, dtype=np.int64))
        + np.fromiter(map(lab.__getitem__, same_labels), dtype=np.int64,
                      count=len(same_labels))])
    cube = np.bincount(codes, minlength=n * _NC * n_lab).reshape(n, _NC, n_lab)
    values = np.ascontiguousarray(cube.transpose(0, 2, 1)).reshape(n, n_lab * _NC)
    # Diagonal of the confusion matrix: identical pairs, counted from the class table.
    diag = cube[:, _E, :].sum(axis=0)
    for k, lab_ in enumerate(labels):
        if diag[k]:
            confusion[(lab_, lab_)] += int(diag[k])
    return labels, values.astype(np.int64, copy=False), confusion


def _isolated_pairs(lg: Sequence[Item], lp: Sequence[Item], any_overlap: bool,
                    admits: Callable[[int, int, int, int], bool]
                    ) -> list[tuple[int, int]] | None:
    """The admissible pairs of small leftovers when no item has two of them (then each is its
    own component and ``solve`` would take it as is), else None (also for large leftovers,
    which the sweep of ``span_edges`` handles)."""
    if len(lg) * len(lp) > 16:
        return None
    pairs: list[tuple[int, int]] = []
    for i, (gs, ge, _) in enumerate(lg):
        for j, (ps, pe, _) in enumerate(lp):
            # shared length > 0, as Overlap.admits tests first (empty spans share nothing)
            if ((ge if ge < pe else pe) > (gs if gs > ps else ps)
                    and (any_overlap or admits(gs, ge, ps, pe))):
                pairs.append((i, j))
    if len(pairs) > 1 and (len({i for i, _ in pairs}) < len(pairs)
                           or len({j for _, j in pairs}) < len(pairs)):
        return None
    return pairs


