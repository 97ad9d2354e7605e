"""Tokens and sentences for the baselines, from spaCy's rule-based English tokenizer.

``spacy.blank("en")`` plus the rule-based ``sentencizer`` need no model download and run at
about 200,000 tokens per second on one core. Sentences are also cut at line breaks, because a
news headline or paragraph rarely ends with a full stop that the sentencizer would see.
spaCy's offsets are code-point offsets into the text, the same as ours.

>>> toks = tokenize("Ann said: “Hi.”\\nBob left.")
>>> toks.words
['Ann', 'said', ':', '“', 'Hi', '.', '”', 'Bob', 'left', '.']
>>> [toks.words[a:b] for a, b in toks.sentences]
[['Ann', 'said', ':', '“', 'Hi', '.', '”'], ['Bob', 'left', '.']]
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "MAX_SENTENCE_TOKENS",
    "Tokens",
    "is_cluster_continuation",
    "nlp",
    "snap",
    "spacy_safe",
    "tokenize",
]

# A "sentence" longer than this is cut into pieces, so a megabyte without a full stop cannot
# make any per-sentence step quadratic.
MAX_SENTENCE_TOKENS = 200


@cache
def nlp() -> Language:
    """The shared blank English pipeline: tokenizer plus the rule-based sentencizer.

    >>> nlp().pipe_names
    ['sentencizer']
    """
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    # The tokenizer streams; the limit only guards spaCy's neural components, which we never run.
    pipeline.max_length = sys.maxsize
    return pipeline


@dataclass
class Tokens:
    """The non-space tokens of a text, their offsets, and sentences as token index ranges.

    >>> toks = tokenize("Hi, Bo. Bye.")
    >>> len(toks), toks.starts[:3], toks.ends[:3], toks.sentences
    (6, [0, 2, 4], [2, 3, 6], [(0, 4), (4, 6)])
    """

    text: str
    words: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.words)


def tokenize(text: str) -> Tokens:
    """Tokenize ``text`` and split it into sentences (never more than MAX_SENTENCE_TOKENS long).

    >>> tokenize("   ").sentences
    []
    """
    out = Tokens(text)
    if not text.strip():
        return out
    safe = spacy_safe(text)
    doc = nlp()(safe)
    # Read offsets and flags as arrays: creating a Python Token object per token costs more
    # than the tokenizer itself.
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    rows = doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START]).tolist()
    words, starts, ends = out.words, out.starts, out.ends
    sentences = out.sentences
    begin = 0
    for idx, length, is_space, sent_start in rows:
        end = idx + length
        # 1. A sentence starts where spaCy's sentencizer says so (1), or after a line break.
        if sent_start == 1 and len(words) > begin:
            sentences.append((begin, len(words)))
            begin = len(words)
        if is_space:
            if "\n" in text[idx:end] and len(words) > begin:
                sentences.append((begin, len(words)))
                begin = len(words)
            continue
        # 2. Keep the non-space tokens with their code-point offsets.
        words.append(safe[idx:end])
        starts.append(idx)
        ends.append(end)
    if len(words) > begin:
        sentences.append((begin, len(words)))
    # 3. Cut over-long sentences into bounded pieces.
    if any(b - a > MAX_SENTENCE_TOKENS for a, b in sentences):
        out.sentences = [(i, min(i + MAX_SENTENCE_TOKENS, b))
                         for a, b in sentences for i in range(a, b, MAX_SENTENCE_TOKENS)]
    return out


def spacy_safe(text: str) -> str:
    """``text`` with lone surrogates (which spaCy cannot encode) replaced by U+FFFD.

    One code point replaces one, so offsets stay the same.

    >>> spacy_safe("a" + chr(0xD83D) + "b") == "a" + chr(0xFFFD) + "b"
    True
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


_EXTENDERS = {0x200D, 0x20E3}  # zero-width joiner, combining enclosing keycap


def is_cluster_continuation(text: str, i: int) -> bool:
    """True when a span boundary at ``i`` would cut a user-perceived character in two.

    That is: ``text[i]`` is a combining mark, a variation selector, an emoji skin-tone
    modifier or a tag character, or follows a zero-width joiner.

    >>> is_cluster_continuation("e\\u0301", 1), is_cluster_continuation("ab", 1)
    (True, False)
    """
    if i <= 0 or i >= len(text):
        return False
    cp = ord(text[i])
    if (cp in _EXTENDERS or 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF
            or 0xE0020 <= cp <= 0xE007F or 0xE0100 <= cp <= 0xE01EF):
        return True
    if ord(text[i - 1]) == 0x200D:
        return True
    if unicodedata.category(text[i]) in ("Mn", "Me", "Mc"):
        return True
    # Regional indicators pair up into flags: never cut between the two of a pair.
    if 0x1F1E6 <= cp <= 0x1F1FF:
        run = 0
        j = i - 1
        while j >= 0 and 0x1F1E6 <= ord(text[j]) <= 0x1F1FF:
            run += 1
            j -= 1
        return run % 2 == 1
    return False


def snap(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Move ``[start, end)`` onto character-cluster boundaries and strip outer whitespace.

    The start moves right past a dangling combining mark, the end moves right to take the marks
    of its last character. Returns None when nothing is left.

    >>> snap("a \\u0301bc\\u0301 d", 2, 5)
    (3, 6)
    >>> snap("   ", 0, 3) is None
    True
    """
    n = len(text)
    start, end = max(0, start), min(n, end)
    while start < end and (text[start].isspace() or is_cluster_continuation(text, start)):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end < n and is_cluster_continuation(text, end):
        end += 1
    if start >= end:
        return None
    return start, end
