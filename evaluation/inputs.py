"""Input checks: gold and predicted Documents are paired by id, and must have the same text.

Scoring refuses (a coded :class:`DatelineError`, CLI exit code 1) rather than guessing when the
two collections hold different document ids, an id repeats, or a document's text differs: the
error names the document and the first differing offset, as the UD scorer does.

>>> from dateline.schemas import Document
>>> pairs = pair_documents([Document(id="a", text="Hi.")], [Document(id="a", text="Hi.")])
>>> [(g.id, p.id) for g, p in pairs]
[('a', 'a')]
>>> pair_documents([Document(id="a", text="Hi.")], [Document(id="a", text="Ho.")])
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [document-text-differs] document 'a', offset 1: ...
"""

from __future__ import annotations

from collections.abc import Iterable

from dateline.schemas.errors import DatelineError, quote_value
from dateline.schemas.model import Document

__all__ = ["first_difference", "pair_documents"]


def first_difference(a: str, b: str) -> int | None:
    """The first offset where two strings differ (the shorter length if one is a prefix), or
    None when they are equal.

    >>> first_difference("abc", "abd"), first_difference("ab", "abc"), first_difference("a", "a")
    (2, 2, None)
    """
    if a == b:
        return None
    n = min(len(a), len(b))
    # Binary search on prefix equality: O(log n) slice compares instead of a Python loop.
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _index(docs: Iterable[Document], side: str) -> dict[str, Document]:
    docs = list(docs)
    out = {doc.id: doc for doc in docs}
    if len(out) != len(docs):  # rare: find the first repeated id for the message
        seen: set[str] = set()
        for doc in docs:
            if doc.id in seen:
                raise DatelineError("duplicate-document-id",
                                    f"document id {doc.id!r} occurs twice in the {side} "
                                    "collection", where=f"{side} document {doc.id!r}",
                                    fix="give every document a unique id, or remove the copy")
            seen.add(doc.id)
    return out


def _listing(ids: Iterable[str], limit: int = 5) -> str:
    ids = sorted(ids)
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(repr(i) for i in ids[:limit]) + more


def pair_documents(gold: Iterable[Document],
                   pred: Iterable[Document]) -> list[tuple[Document, Document]]:
    """Pair gold and predicted Documents by id, in gold order, after checking them.

    Raises
    ------
    DatelineError
        ``duplicate-document-id``, ``document-ids-differ`` (names the ids missing on each
        side) or ``document-text-differs`` (names the document and the first differing offset).

    >>> pair_documents([Document(id="a", text="x")], [Document(id="b", text="x")])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [document-ids-differ] 1 gold document(s) have no ...
    """
    g = _index(gold, "gold")
    p = _index(pred, "predicted")
    if g.keys() != p.keys():
        parts = []
        if missing := g.keys() - p.keys():
            parts.append(f"{len(missing)} gold document(s) have no prediction: "
                         f"{_listing(missing)}")
        if extra := p.keys() - g.keys():
            parts.append(f"{len(extra)} predicted document(s) are not in gold: "
                         f"{_listing(extra)}")
        raise DatelineError("document-ids-differ", "; ".join(parts),
                            fix="predict every gold document and only those (the same ids); "
                                "score a subset by filtering the gold file first")
    out = []
    for doc_id, gd in g.items():
        pd = p[doc_id]
        if gd.text != pd.text:
            k = first_difference(gd.text, pd.text) or 0
            raise DatelineError(
                "document-text-differs",
                f"the predicted text differs from the gold text: gold has "
                f"{quote_value(gd.text[k:k + 20], 30)}, prediction has "
                f"{quote_value(pd.text[k:k + 20], 30)}",
                where=f"document {doc_id!r}, offset {k}",
                fix="copy Document.text unchanged from the gold file into the prediction "
                    "(offsets are only comparable over the same text)")
        out.append((gd, pd))
    return out
