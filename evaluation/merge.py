"""Results of parts of a collection merged into the result of the whole: the reduce step of
streaming and of distributed scoring.

Every score is a function of summed per-document counts (:mod:`dateline.evaluation.counts`),
so the documents can be scored a chunk (or a shard) at a time and the chunks' results merged:
their count tables are laid on the union of their fields (a label one chunk never saw counts
0 there) and stacked, or, with ``collapse``, summed to one row (what ``score`` needs: memory
then stays one row per layer whatever the number of documents). Skips, confusion counts and
details add up; a metric is not applicable to the whole when it is to every chunk that
scored a document (each chunk decides from its own documents).

>>> from dateline.evaluation.entities import score_entity_spans
>>> a = score_entity_spans([[(0, 3, "PER")]], [[(0, 3, "PER")]], doc_ids=["a"])
>>> b = score_entity_spans([[(0, 3, "LOC")]], [[(0, 2, "ORG")]], doc_ids=["b"])
>>> whole = score_entity_spans([[(0, 3, "PER")], [(0, 3, "LOC")]],
...                            [[(0, 3, "PER")], [(0, 2, "ORG")]], doc_ids=["a", "b"])
>>> merged = merge_results([a, b])
>>> merged.to_dict() == whole.to_dict(), merged.counts.doc_ids
(True, ('a', 'b'))
>>> merge_results([a, b], collapse=True).to_dict() == whole.to_dict()
True
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from dateline.evaluation.counts import PARTIAL, PARTIAL_DOCUMENTS, DocCounts
from dateline.evaluation.entity_scores import EntityScores, entity_fields
from dateline.evaluation.results import LayerScores, Result

__all__ = ["merge_results"]


def _lay_out(counts: DocCounts, fields: tuple[str, ...], collapse: bool) -> np.ndarray:
    index = {f: k for k, f in enumerate(fields)}
    cols = np.fromiter((index[f] for f in counts.fields), dtype=np.intp,
                       count=len(counts.fields))
    values = counts.values.sum(axis=0, keepdims=True) if collapse else counts.values
    out = np.zeros((values.shape[0], len(fields)), dtype=np.int64)
    out[:, cols] = values
    return out


def _merged_counts(parts: Sequence[Result], fields: tuple[str, ...], collapse: bool
                   ) -> tuple[DocCounts, int]:
    n_docs = sum(p.documents()["scored"] for p in parts)
    blocks = [_lay_out(p.counts, fields, collapse) for p in parts]
    values = np.vstack(blocks) if blocks else np.zeros((0, len(fields)), dtype=np.int64)
    if collapse:
        values = values.sum(axis=0, keepdims=True)
        return DocCounts(("*",), fields, values), n_docs
    ids = tuple(i for p in parts for i in p.counts.doc_ids)
    return DocCounts(ids, fields, values), n_docs


def _skipped(parts: Sequence[Result]) -> dict[str, int]:
    out: Counter[str] = Counter()
    for p in parts:
        out.update(p.skipped)
    return dict(out)


def _not_applicable(parts: Sequence[Result]) -> dict[str, str]:
    scoring = [p for p in parts if p.documents()["scored"]] or list(parts[:1])
    if not scoring:
        return {}
    common = set(scoring[0].not_applicable)
    for p in scoring[1:]:
        common &= set(p.not_applicable)
    return {k: v for k, v in scoring[0].not_applicable.items() if k in common}


def _details(parts: Sequence[LayerScores]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in parts:
        for key, value in p.details.items():
            if isinstance(value, dict):
                acc = out.setdefault(key, {})
                for k, v in value.items():
                    acc[k] = acc.get(k, 0) + v
            else:
                out[key] = value
    return out


def merge_results(parts: Sequence[Result], *, collapse: bool = False) -> Result:
    """The result of the documents of every part (results of one layer, scored with the same
    options); ``collapse``: counts summed to one row (``documents`` still counts them all).

    >>> merge_results([])
    Traceback (most recent call last):
    ...
    ValueError: nothing to merge
    """
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0]
    if isinstance(first, EntityScores):
        ents = [p for p in parts if isinstance(p, EntityScores)]
        labels = tuple(sorted({lab for p in ents for lab in p.labels}, key=str))
        base = entity_fields(labels)
        fields = (*base, *(PARTIAL + f for f in base), PARTIAL_DOCUMENTS)
        counts, n = _merged_counts(parts, fields, collapse)
        confusion: Counter[tuple[Any, Any]] = Counter()
        for p in ents:
            confusion.update(p.confusion)
        return EntityScores(labels, counts, confusion, dict(first.settings), _skipped(parts),
                            None, _not_applicable(parts), scored=n)
    if isinstance(first, LayerScores):
        layer = [p for p in parts if isinstance(p, LayerScores)]
        fields = tuple(dict.fromkeys(f for p in parts for f in p.counts.fields))
        counts, n = _merged_counts(parts, fields, collapse)
        return dataclasses.replace(first, counts=counts, skipped=_skipped(parts),
                                   not_applicable=_not_applicable(parts),
                                   details=_details(layer), scored=n)
    raise TypeError(f"cannot merge results of type {type(first).__name__}")
