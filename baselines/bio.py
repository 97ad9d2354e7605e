"""BIO tags for the ``crf`` tagger: gold spans to token tags and back.

>>> from dateline.baselines.text import tokenize
>>> toks = tokenize("Ann Lee met Bob.")
>>> tags = bio_tags(toks, [(0, 7, "PERSON", True), (12, 15, "PERSON", True)])
>>> tags
['B-PERSON', 'I-PERSON', 'O', 'B-PERSON', 'O']
>>> list(bio_spans(tags))
[(0, 2, 'PERSON'), (3, 4, 'PERSON')]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from dateline.baselines.text import Tokens

__all__ = ["bio_spans", "bio_tags", "in_regions"]


def in_regions(regions: Sequence[tuple[int, int]] | None, start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside one of ``regions`` (None: the whole text).

    >>> in_regions(None, 3, 4), in_regions([(0, 5)], 3, 4), in_regions([], 3, 4)
    (True, True, False)
    """
    return regions is None or any(r0 <= start and end <= r1 for r0, r1 in regions)


# Which of overlapping gold spans become tags: "outer" keeps named mentions first, then the
# longer ones; "inner" keeps the shorter ones first.
_POLICIES: dict[str, Callable[[tuple[int, int, str, bool]], tuple[Any, ...]]] = {
    "outer": lambda s: (not s[3], -(s[1] - s[0]), s[0]),
    "inner": lambda s: (s[1] - s[0], s[0]),
}


def bio_tags(toks: Tokens, spans: list[tuple[int, int, str, bool]],
             policy: str = "outer") -> list[str]:
    """BIO tags from ``(start, end, tag, named)`` character spans, non-overlapping, chosen by
    ``policy`` (``outer``: named, then longer spans first; ``inner``: shorter first).

    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("the mayor of Rome")
    >>> spans = [(0, 17, "PERSON", False), (13, 17, "LOCATION", True)]
    >>> bio_tags(toks, spans, "outer"), bio_tags(toks, spans, "inner")[3]
    (['O', 'O', 'O', 'B-LOCATION'], 'B-LOCATION')
    """
    tags = ["O"] * len(toks)
    spans = sorted(spans, key=_POLICIES[policy])
    taken = [False] * len(toks)
    for start, end, tag, _ in spans:
        # Tokens fully inside the span; a span not on token boundaries is skipped.
        first = bisect_left(toks.starts, start)
        if first >= len(toks) or toks.starts[first] != start:
            continue
        last = first
        while last < len(toks) and toks.ends[last] <= end:
            last += 1
        if last == first or toks.ends[last - 1] != end or any(taken[first:last]):
            continue
        tags[first] = "B-" + tag
        for i in range(first + 1, last):
            tags[i] = "I-" + tag
        for i in range(first, last):
            taken[i] = True
    return tags


def bio_spans(tags: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """BIO tags back to ``(first, last, tag)`` token ranges (a stray I- opens a span).

    >>> list(bio_spans(["I-X", "I-X", "B-Y", "O"]))
    [(0, 2, 'X'), (2, 3, 'Y')]
    """
    if tags.count("O") == len(tags):  # most sentences of most models: nothing tagged
        return
    start: int | None = None
    label = ""
    for i, t in enumerate(tags):
        if t == "O":
            if start is not None:
                yield start, i, label
                start = None
        elif t.startswith("B-") or (t.startswith("I-") and (start is None or t[2:] != label)):
            if start is not None:
                yield start, i, label
            start, label = i, t[2:]
    if start is not None:
        yield start, len(tags), label
