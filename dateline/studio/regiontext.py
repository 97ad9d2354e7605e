"""A region's ``text`` as Label Studio's web page stores it, and how it differs from the text.

A region's offsets are the truth; its ``text`` is a check that they point where the annotator
looked. A region made through the API carries the exact slice of the task text. A region drawn
in the web page (Label Studio 1.23.2, text shown with ``white-space: normal``) carries what the
browser shows of that slice, measured with regions selected by mouse in headless Chromium:

- each line break character, ``\\n`` or ``\\r``, becomes the two characters backslash and
  ``n`` (so ``\\r\\n`` becomes two of them, as the page shows it as two line breaks);
- a run of spaces and tabs becomes one space, and none is left beside a line break;
- everything else is kept as is: emoji and ZWJ sequences, combining marks, no-break and
  zero-width spaces, soft hyphens, ``\\f``, ``\\v``, U+2028.

:func:`region_text_matches` accepts either form; :func:`mismatch_message` says where the first
real difference is, with the code points around it.

>>> web_form("two.\\r\\nGamma  double\\tspace")
'two.\\\\n\\\\nGamma double space'
>>> region_text_matches("one.\\\\nBeta", "one.\\nBeta"), region_text_matches("Bob", "Bo.")
(True, False)
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["first_difference", "mismatch_message", "region_text_matches", "web_form"]

_BREAK = re.compile(r"[\r\n]")
_BLANKS = re.compile(r"[ \t]+")
# Spaces beside an (escaped) line break or at either end are not shown.
_EDGE = re.compile(r" ?\\n ?")
_CONTEXT = 12  # code points shown on each side of a difference


def web_form(text: str) -> str:
    """``text`` the way Label Studio's web page stores a region drawn over it (see above).

    It is idempotent, so it also normalises a region text that is already in web form:

    >>> web_form("x.  \\n   Spaced"), web_form(web_form("x.  \\n   Spaced"))
    ('x.\\\\nSpaced', 'x.\\\\nSpaced')
    >>> web_form("  a\\u00a0b  ")
    'a\\xa0b'
    """
    folded = _BLANKS.sub(" ", _BREAK.sub(r"\\n", text))
    return _EDGE.sub(r"\\n", folded).strip(" ")


def region_text_matches(stored: object, piece: str) -> bool:
    """True when a region's ``stored`` text fits ``piece``, the task text at its offsets:
    equal, or equal in the web page's form (:func:`web_form`) of both (never when ``stored``
    is no string).

    >>> region_text_matches("two.\\\\n\\\\nGamma", "two.\\r\\nGamma")
    True
    >>> region_text_matches("two.\\\\nGamma", "two.\\r\\nGamma")  # CRLF shows as two breaks
    False
    >>> region_text_matches("Gamma double", "Gamma  double"), region_text_matches("ab", "a b")
    (True, False)
    >>> region_text_matches(None, "None")
    False
    """
    return isinstance(stored, str) and (stored == piece or web_form(stored) == web_form(piece))


def first_difference(a: str, b: str) -> int | None:
    """The first code-point index where ``a`` and ``b`` differ (the shorter one's length when
    one is a prefix of the other), or None when they are equal.

    >>> first_difference("abc", "abd"), first_difference("ab", "abc"), first_difference("a", "a")
    (2, 2, None)
    """
    if a == b:
        return None
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


def _point(text: str, i: int) -> str:
    if i >= len(text):
        return "the end"
    ch = text[i]
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def _around(text: str, i: int) -> str:
    lo, hi = max(0, i - _CONTEXT), i + _CONTEXT
    return ("…" if lo else "") + repr(text[lo:hi]) + ("…" if hi < len(text) else "")


def mismatch_message(stored: object, piece: str, start: int, end: int) -> str:
    """Why ``stored`` (a region's text) does not fit ``piece`` (the task text at
    ``[start, end)``): where the first difference is and the code points around it.

    When the region text is in the web page's form (no raw line break in it, but one or a
    run of blanks in the slice), both are compared in that form, so the difference shown is
    a real one, not an escaped line break:

    >>> print(mismatch_message("one.\\\\nBete", "one.\\nBeta", 5, 15))
    region text differs from the task text at [5, 15) at code point 9 of both in the web page's \
form (line breaks as \\n, blanks collapsed): U+0065 LATIN SMALL LETTER E in the region, U+0061 \
LATIN SMALL LETTER A in the task text; region 'one.\\\\nBete', task text 'one.\\\\nBeta'
    >>> print(mismatch_message("Bob", "Bo.", 0, 3))
    region text differs from the task text at [0, 3) at code point 2 (text offset 2): \
U+0062 LATIN SMALL LETTER B in the region, U+002E FULL STOP in the task text; region 'Bob', \
task text 'Bo.'
    >>> print(mismatch_message(7, "Bo.", 0, 3))
    region text 7 is no string; the task text at [0, 3) is 'Bo.'
    """
    if not isinstance(stored, str):
        return (f"region text {stored!r:.60} is no string; the task text at [{start}, {end}) "
                f"is {_around(piece, 0)}")
    web = not _BREAK.search(stored) and bool(_BREAK.search(piece) or re.search(r"[ \t]{2}|\t",
                                                                              piece))
    a, b = (web_form(stored), web_form(piece)) if web else (stored, piece)
    i = first_difference(a, b)
    if i is None:  # equal in one form only: cannot happen for a refused region; say so
        i = first_difference(stored, piece) or 0
        a, b, web = stored, piece, False
    where = (f"at code point {i} of both in the web page's form (line breaks as \\n, blanks "
             "collapsed)" if web else f"at code point {i} (text offset {start + i})")
    return (f"region text differs from the task text at [{start}, {end}) {where}: "
            f"{_point(a, i)} in the region, {_point(b, i)} in the task text; "
            f"region {_around(a, i)}, task text {_around(b, i)}")
