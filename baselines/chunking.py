"""Cut a long text into bounded pieces for a pipeline whose cost grows with the document.

spaCy's parser and entity recognizer need about 1 GB of temporary memory per 100,000
characters of one document (its ``nlp.max_length`` guard refuses texts over 1,000,000
characters for that reason). :func:`chunk_spans` cuts a text into ``(start, end)`` pieces of
at most ``size`` characters that cover it exactly, at the best boundary available inside each
window: a paragraph break (a blank line), else a line break, else a sentence end (``.``, ``!``
or ``?`` then white space), else white space, else anywhere that does not split a
user-perceived character. Offsets found in a piece map back by adding its ``start``.

>>> text = "One two.\\n\\nThree four five. Six seven."
>>> [text[a:b] for a, b in chunk_spans(text, 20)]
['One two.\\n\\n', 'Three four five. ', 'Six seven.']
"""

from __future__ import annotations

import re

from dateline.baselines.text import is_cluster_continuation

__all__ = ["chunk_spans"]

# Boundaries, best first: a piece ends just after the match.
_BOUNDARIES = (re.compile(r"\n[ \t\r\f\v]*\n\s*"), re.compile(r"\n\s*"),
               re.compile(r"[.!?][\"'”’)\]]*\s+"), re.compile(r"\s+"))


def chunk_spans(text: str, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of ``text``, each at most ``size`` characters, in order, that
    together cover it exactly (an empty text has no piece).

    >>> chunk_spans("abcdef", 4), chunk_spans("", 4), chunk_spans("short", 100)
    ([(0, 4), (4, 6)], [], [(0, 5)])
    """
    if size < 1:
        raise ValueError("a chunk holds at least one character")
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        if n - start <= size:
            out.append((start, n))
            break
        end = _cut(text, start, start + size)
        out.append((start, end))
        start = end
    return out


def _cut(text: str, start: int, limit: int) -> int:
    """The end of the piece starting at ``start``: the last boundary of the best kind found in
    the window's second half, else of the best kind anywhere in it, else the last position
    before ``limit`` that splits no user-perceived character."""
    window = text[start:limit]
    half = len(window) // 2
    for lowest in (half, 1):
        for pattern in _BOUNDARIES:
            ends = [m.end() for m in pattern.finditer(window) if m.end() >= lowest]
            if ends:
                return start + ends[-1]
    end = limit
    while end > start + 1 and is_cluster_continuation(text, end):
        end -= 1
    return end
