"""Quotation marks: find them, pair them into direct quotes, and the ``quote-marks`` reference.

Steps 2 and 3 of ``quotes-rules`` (:mod:`dateline.baselines.quotes`):

2. Find quotation marks of every style (straight, curly, single, guillemets, low-9, CJK
   brackets) and decide from the characters around each one whether it can open or close.
3. Pair marks left to right. Single marks inside a double quote (and the reverse) are nested
   quotes and stay part of the content. A quote still open at a line break continues when the
   next paragraph opens with the same style of mark (news style for multi-paragraph quotes);
   otherwise it is dropped: unbalanced marks degrade to the quotes that can be closed.

The reference point ``quote-marks`` (:class:`QuoteMarks`) stops there: every closed pair is a
direct quote, with no cue and no speaker.

>>> text = 'He said “it is ‘fine’” and “never'
>>> [[text[a:b] for a, b in pieces] for pieces in direct_quote_spans(text)]
[['it is ‘fine’']]
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from dateline.baselines.base import predictions
from dateline.baselines.text import snap
from dateline.schemas import Document, Quote, Span

__all__ = [
    "QUOTE_MARKS",
    "QuoteMarks",
    "direct_quote_spans",
    "direct_quotes",
    "paragraph_starts",
]

# Opening/closing glyphs per style; the straight marks are decided by their context.
_DOUBLE_OPEN = frozenset("“„‟«「『")
_DOUBLE_CLOSE = frozenset("”»」』")
_SINGLE_OPEN = frozenset("‘‚‹")
_SINGLE_CLOSE = frozenset("’›")
QUOTE_MARKS = _DOUBLE_OPEN | _DOUBLE_CLOSE | _SINGLE_OPEN | _SINGLE_CLOSE | frozenset("\"'")
_OPEN_BEFORE = frozenset("([{—–-/")
_TRAILING = frozenset(",.;:")


@dataclass
class _Mark:
    pos: int
    style: str  # "double" or "single"
    can_open: bool
    can_close: bool


def _marks(text: str) -> list[_Mark]:
    """Step 2: every quotation mark that can open or close a quote, in text order."""
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch not in QUOTE_MARKS:
            continue
        left = text[i - 1] if i > 0 else " "
        right = text[i + 1] if i + 1 < n else " "
        left_open = left.isspace() or left in _OPEN_BEFORE or left in QUOTE_MARKS
        right_close = right.isspace() or not right.isalnum()
        if ch in "'’" and left.isalnum() and right.isalnum():
            continue  # an apostrophe: don't, it's, O'Brien
        style = "single" if ch in "'‘‚‹’›" else "double"
        if ch in _DOUBLE_OPEN or ch in _SINGLE_OPEN:
            # A misused opening glyph acting as a closer ("word“ ") still closes.
            can_open = not right.isspace()
            can_close = not left_open and right_close and right != ch
        elif ch in _DOUBLE_CLOSE or ch in _SINGLE_CLOSE:
            can_close = not left.isspace() or right_close
            can_open = left_open and not right.isspace() and ch != "’"
        else:  # straight marks: the context decides
            can_open = left_open and not right.isspace()
            can_close = not left.isspace() and right_close
        if can_open or can_close:
            out.append(_Mark(i, style, can_open, can_close))
    return out


def paragraph_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts (a paragraph is a line).

    >>> paragraph_starts("One.\\n\\nTwo.")
    [0, 5, 6]
    """
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def direct_quote_spans(text: str, *, with_marks: bool = False) -> list[list[tuple[int, int]]]:
    r"""Content spans of the direct quotes that close, in text order, inside the marks or (with
    ``with_marks``) with them, the corpus convention.

    >>> direct_quote_spans('He said "yes" and \'no\'. "Broken')
    [[(9, 12)], [(19, 21)]]
    >>> direct_quote_spans('He said "yes."'), direct_quote_spans('He said "yes."', with_marks=True)
    ([[(9, 12)]], [[(8, 14)]])
    >>> t = '“First paragraph.\n\n“Second one.”'
    >>> [[t[a:b] for a, b in q] for q in direct_quote_spans(t)]
    [['First paragraph', 'Second one']]
    """
    return [pieces for _, _, pieces in direct_quotes(text, with_marks=with_marks)]


def direct_quotes(text: str, *, with_marks: bool = False,
                  ) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Step 3: (opening mark position, closing mark position, content spans) of each closed quote.

    >>> direct_quotes('“Go,” she said.')
    [(0, 4, [(1, 3)])]
    """
    para_starts = paragraph_starts(text)
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    current: _Mark | None = None
    content_start = 0
    pieces: list[tuple[int, int]] = []

    def para_of(pos: int) -> int:
        return bisect_right(para_starts, pos) - 1

    for m in _marks(text):
        if current is not None and para_of(m.pos) != para_of(content_start):
            # The open quote's paragraph ended. Blank lines may follow; then a paragraph that
            # opens with the same style of mark continues the quote (news style).
            para_end = text.find("\n", content_start)
            if not text[para_end:m.pos].strip() and m.style == current.style and m.can_open:
                pieces.append((content_start - with_marks, para_end))
                content_start = m.pos + 1
                continue
            current, pieces = None, []  # unclosed: give it up
        if current is None:
            if m.can_open:
                current, content_start, pieces = m, m.pos + 1, []
            continue
        if m.style != current.style:
            continue  # a nested quote stays inside the content
        if m.can_close:
            pieces.append((content_start - with_marks, m.pos + with_marks))
            spans = [s for a, b in pieces if (s := _content(text, a, b, with_marks)) is not None]
            if spans:
                out.append((current.pos, m.pos, spans))
            current, pieces = None, []
        elif m.can_open:
            current, content_start, pieces = m, m.pos + 1, []
    return out


def _content(text: str, a: int, b: int, with_marks: bool) -> tuple[int, int] | None:
    """A content span on character boundaries; without the marks, the punctuation that ends
    the quoted clause ("…,” she said) is left out too, as in the corpus."""
    span = snap(text, a, b)
    if span is None or with_marks:
        return span
    end = span[1]
    while end > span[0] and text[end - 1] in _TRAILING:
        end -= 1
    return snap(text, span[0], end)


class QuoteMarks:
    """Reference point ``quote-marks``: every closed pair of quotation marks is a direct quote.

    No cue, no speaker: it shows what quotation marks alone give on content (the content
    convention is the corpus's, as for ``quotes-rules``).

    >>> out = QuoteMarks().extract(Document(id="d", text='She said "go home." twice.'))
    >>> [(q.content[0].text, q.speaker) for q in out.quotes]
    [('go home', None)]
    """

    name = "quote-marks"
    version = "0.1.0"
    layers = ("quotes",)

    def extract(self, doc: Document) -> Document:
        """Every closed pair of quotation marks of ``doc``."""
        quotes = [
            Quote(id=f"q{i + 1}", kind="direct",
                  content=tuple(Span(start=a, end=b, text=doc.text[a:b]) for a, b in pieces))
            for i, pieces in enumerate(direct_quote_spans(doc.text))
        ]
        return predictions(doc, self, quotes=(quotes, ("direct",)))
