"""Grapheme-aware token offsets: spaCy's rule-based English tokenizer (:mod:`.text`), never
cutting a user-perceived character, and one token per character in CJK script.

spaCy's rules split an emoji from its skin-tone modifier, a ZWJ family into its members and a
flag into its two regional indicators, and keep a run of Chinese or Japanese (written without
spaces) as one token. Here a token that begins inside a character cluster joins the token
before it, and a token holding CJK ideographs, kana or Hangul is cut into one token per
character (with its combining marks), other characters of it staying together.

>>> text = "Ann 👍🏽 東京に"
>>> [text[s:e] for s, e in grapheme_tokens(text)]
['Ann', '👍🏽', '東', '京', 'に']
>>> grapheme_tokens("Cafe\\u0301 🇫🇷!")  # the accent is a combining mark
[(0, 5), (6, 8), (8, 9)]
"""

from __future__ import annotations

from dateline.baselines.text import is_cluster_continuation, tokenize

__all__ = ["grapheme_tokens", "is_cjk"]

_CJK = ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3100, 0x312F),
        (0x3130, 0x318F), (0x31A0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
        (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
        (0x20000, 0x3FFFF))


def is_cjk(char: str) -> bool:
    """True for a Chinese, Japanese or Korean letter (ideograph, kana, Hangul, bopomofo).

    >>> is_cjk("東"), is_cjk("カ"), is_cjk("한"), is_cjk("a"), is_cjk("。")
    (True, True, True, False, False)
    """
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in _CJK)


def _split_cjk(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut into one piece per CJK character (with its marks), the other
    characters between them staying together."""
    out: list[tuple[int, int]] = []
    i = start
    while i < end:
        j = i + 1
        if not is_cjk(text[i]):
            while j < end and not is_cjk(text[j]):
                j += 1
        while j < end and is_cluster_continuation(text, j):
            j += 1
        out.append((i, j))
        i = j
    return out


def grapheme_tokens(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` code-point offsets of the tokens of ``text`` (see module doc).

    >>> grapheme_tokens("Hi 👨‍👩‍👧!")
    [(0, 2), (3, 8), (8, 9)]
    >>> grapheme_tokens("")
    []
    """
    toks = tokenize(text)
    merged: list[list[int]] = []
    for start, end in zip(toks.starts, toks.ends, strict=True):
        if merged and merged[-1][1] == start and is_cluster_continuation(text, start):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    out: list[tuple[int, int]] = []
    for start, end in merged:
        if any(is_cjk(c) for c in text[start:end]):
            out.extend(_split_cjk(text, start, end))
        else:
            out.append((start, end))
    return out
