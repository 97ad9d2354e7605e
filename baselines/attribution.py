"""Who said it: the speech-verb lexicon, the cue and speaker of a direct quote, indirect quotes.

Steps 4 and 5 of ``quotes-rules`` (:mod:`dateline.baselines.quotes`):

4. Look for a cue (a speech verb from ``speech_verbs.json``) just after the closing mark
   ("…,” said X / “…,” X said) or just before the opening one (X said: “…”), and take the
   nearest suitable mention as the speaker (:func:`direct_cue`).
5. Indirect quotes: sentences "X said (that) …", "…, X said.", "according to X, …" and
   "…, according to X." outside direct quotes (:func:`indirect_quote`).

Both take the reporting-structure rules in use (``rules``, names of
:data:`dateline.baselines.reporting.RULES`): "X, who …, says", "In a statement, X …", and
organisations or documents as sources, whose ``source_verbs`` count as cues.

Both work on token indexes (:class:`~dateline.baselines.text.Tokens`) and on the candidate
speakers (:class:`~dateline.baselines.mentions.Candidate`) indexed by their first and by their
last token, so that "said X" and "X said" are one dictionary look-up each.

>>> from dateline.baselines.mentions import find_mentions
>>> from dateline.baselines.text import tokenize
>>> toks = tokenize("The minister said that the vote was close.")
>>> lower = [w.lower() for w in toks.words]
>>> people = find_mentions(toks)
>>> by_first, by_last = {c.first: c for c in people}, {c.last: c for c in people}
>>> content, cue, speaker = indirect_quote(toks, 0, len(toks), lower, [False] * len(toks),
...                                        set(), by_first, by_last)
>>> [toks.text[a:b] for a, b in content], toks.words[cue[0]], speaker.label
(['the vote was close'], 'said', 'PERSON')
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from dateline.baselines.mentions import Candidate
from dateline.baselines.quote_marks import QUOTE_MARKS
from dateline.baselines.reporting import (
    SOURCE_LABELS,
    parenthetical,
    reporting_words,
    statement_frame,
)
from dateline.baselines.text import Tokens

__all__ = ["direct_cue", "indirect_quote", "speech_lexicon"]

_SENTENCE_END = frozenset({".", "!", "?", ";"})
_WINDOW = 12  # tokens searched for a cue on each side of a direct quote
_ADVERBS = frozenset({"also", "has", "had", "have", "would", "will", "later", "then", "further",
                      "once", "previously", "earlier", "recently", "again", "reportedly",
                      "simply", "finally", "quickly", "immediately", "repeatedly", ",", "is",
                      "was", "were", "are", "did", "does", "allegedly", "publicly"})


@cache
def speech_lexicon() -> dict[str, Any]:
    """The speech-verb lexicon: ``forms`` (word form → lemma), ``object`` and ``weak`` forms.

    >>> lex = speech_lexicon()
    >>> lex["forms"]["said"], "told" in lex["object"], "think" in lex["forms"]
    ('say', True, False)
    """
    raw = json.loads(resources.files("dateline.baselines").joinpath("speech_verbs.json")
                     .read_text("utf-8"))
    forms = {f: v["lemma"] for v in raw["verbs"] for f in v["forms"]}
    objects = frozenset(f for v in raw["verbs"] if v.get("object") for f in v["forms"])
    return {"forms": forms, "object": objects, "weak": frozenset(raw["weak"])}


def direct_cue(toks: Tokens, lower: Sequence[str], open_pos: int, close_pos: int,
               by_first: dict[int, Candidate], by_last: dict[int, Candidate],
               rules: frozenset[str] = frozenset(),
               ) -> tuple[tuple[int, int], Candidate | None] | None:
    """Cue token range and speaker of the direct quote whose marks are at ``open_pos`` and
    ``close_pos``: first in the words after the closing mark, then in those before the opening
    one (only when they lead into the quote: "X said:", "X said that"). None without a cue.

    >>> from dateline.baselines.mentions import find_mentions
    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("“We will win,” said Ann Lee.")
    >>> lower = [w.lower() for w in toks.words]
    >>> cands = find_mentions(toks)
    >>> cue, speaker = direct_cue(toks, lower, 0, 13, {c.first: c for c in cands},
    ...                           {c.last: c for c in cands})
    >>> toks.words[cue[0]], toks.words[speaker.first:speaker.last]
    ('said', ['Ann', 'Lee'])
    """
    text = toks.text
    cue_forms: dict[str, str] = speech_lexicon()["forms"]

    def newline_between(k: int) -> bool:
        return 0 < k < len(toks) and "\n" in text[toks.ends[k - 1]:toks.starts[k]]

    # The words after the closing mark, up to the end of the sentence or the next quote.
    after = bisect_left(toks.starts, close_pos + 1)
    window: list[int] = []
    k = after
    while k < len(toks) and len(window) < _WINDOW and not newline_between(k):
        w = toks.words[k]
        if w in _SENTENCE_END or w[:1] in QUOTE_MARKS:
            break
        window.append(k)
        k += 1
    found = _attribute(window, lower, cue_forms, by_first, by_last, after=True, rules=rules)
    if found is None:
        # The words before the opening mark, back to the start of the sentence.
        before_end = bisect_left(toks.starts, open_pos)
        window = []
        k = before_end - 1
        while k >= 0 and len(window) < _WINDOW and not newline_between(k + 1):
            w = toks.words[k]
            if w in _SENTENCE_END or w[:1] in QUOTE_MARKS:
                break
            window.insert(0, k)
            k -= 1
        lead = lower[window[-1]] if window else ""
        if lead in (":", ",", "that") or lead in cue_forms or (
                window and _sourced(lower, window[-1], window[0], by_last, rules)):
            found = _attribute(window, lower, cue_forms, by_first, by_last,
                               after=False, weak_ok=False, rules=rules)
    return found


def _sourced(lower: Sequence[str], k: int, lo: int, by_last: dict[int, Candidate],
             rules: frozenset[str]) -> bool:
    """Whether token ``k`` is a source verb ("ruled", or a weak speech verb such as "states")
    whose subject, just before it, is an organisation or a document (organisations and
    documents rules)."""
    if not rules & {"organisations", "documents"} or not (
            lower[k] in reporting_words()["source_verbs"] or lower[k] in speech_lexicon()["forms"]):
        return False
    j = k
    while j > lo and lower[j - 1] in reporting_words()["auxiliaries"]:
        j -= 1
    subject = by_last.get(j)
    return subject is not None and subject.first >= lo and subject.label in SOURCE_LABELS


def _before_parenthetical(lower: Sequence[str], lo: int, j: int, k: int,
                          by_last: dict[int, Candidate], rules: frozenset[str],
                          ) -> Candidate | None:
    """The speaker of "X, who …, said" when tokens ``[j, k)`` before the verb hold the comma
    that closes the clause (relative-clause rule)."""
    if "relative-clause" not in rules:
        return None
    comma = max((c for c in range(j, k) if lower[c] == ","), default=None)
    return None if comma is None else parenthetical(lower, lo, comma, by_last)


def _attribute(window: Sequence[int], lower: Sequence[str], cue_forms: dict[str, str],
               by_first: dict[int, Candidate], by_last: dict[int, Candidate], *,
               after: bool, weak_ok: bool = True, rules: frozenset[str] = frozenset(),
               ) -> tuple[tuple[int, int], Candidate | None] | None:
    """Cue token range and speaker in a window of token indexes next to a quote."""
    verbs = [k for k in window if (lower[k] in cue_forms
             and (weak_ok or lower[k] not in speech_lexicon()["weak"]))
             or _sourced(lower, k, window[0], by_last, rules)]
    if not verbs:
        return None
    # The cue nearest to the quote.
    v = verbs[0] if after else verbs[-1]
    lo, hi = window[0], window[-1] + 1
    # "said X": a mention right after the verb.
    if v + 1 in by_first and by_first[v + 1].last <= hi:
        return (v, v + 1), by_first[v + 1]
    # "X said": the nearest mention ending before the verb, skipping adverbs and commas
    # (or, for "X, who …, said", the mention before the clause).
    k = v
    while k > lo and lower[k - 1] in _ADVERBS:
        k -= 1
    spk = _before_parenthetical(lower, lo, k, v, by_last, rules)
    if spk is not None:
        return (v, v + 1), spk
    for end in range(k, lo, -1):
        if end in by_last and by_last[end].first >= lo:
            return (v, v + 1), by_last[end]
        if end < k - 6:
            break
    # A mention a little after the verb ("said on Tuesday the minister").
    for start in range(v + 1, min(hi, v + 5)):
        if start in by_first:
            return (v, v + 1), by_first[start]
    return (v, v + 1), None


def indirect_quote(toks: Tokens, a: int, b: int, lower: Sequence[str], inside: Sequence[bool],
                   used_cues: set[int], by_first: dict[int, Candidate],
                   by_last: dict[int, Candidate], rules: frozenset[str] = frozenset(),
                   ) -> tuple[list[tuple[int, int]], tuple[int, int], Candidate | None] | None:
    """Content char spans, cue token range and speaker of an indirect quote in the sentence of
    tokens ``[a, b)``; ``inside`` marks the tokens of direct quotes, ``used_cues`` the cues
    they took. None when the sentence reports no speech.

    >>> from dateline.baselines.mentions import find_mentions
    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("Prices rose again, according to Ann Lee.")
    >>> cands = find_mentions(toks)
    >>> content, cue, speaker = indirect_quote(
    ...     toks, 0, len(toks), [w.lower() for w in toks.words], [False] * len(toks), set(),
    ...     {c.first: c for c in cands}, {c.last: c for c in cands})
    >>> [toks.text[s:e] for s, e in content], toks.words[cue[0]:cue[1]]
    (['Prices rose again'], ['according', 'to'])
    >>> indirect_quote(toks, 0, 3, [w.lower() for w in toks.words], [False] * len(toks),
    ...                set(), {}, {}) is None
    True
    """
    lex = speech_lexicon()
    end = b
    while end > a and (toks.words[end - 1] in _SENTENCE_END
                       or (toks.words[end - 1][:1] in QUOTE_MARKS and not inside[end - 1])):
        end -= 1
    if end - a < 4:
        return None

    def chars(i: int, j: int) -> list[tuple[int, int]]:
        while j > i and toks.words[j - 1] in (",", ":", ";", "-", "—"):
            j -= 1
        while i < j and toks.words[i] in (",", ":", ";", "that"):
            i += 1
        if j - i < 3:
            return []
        return [(toks.starts[i], toks.ends[j - 1])]

    # "In a statement (to Y), X <verb> ..." (statement-frame rule).
    frame = statement_frame(toks, a, end, lower, by_first) if "statement-frame" in rules \
        else None
    if frame is not None and not any(inside[frame[1][0]:end]) and frame[1][0] not in used_cues:
        content = chars(frame[0], end)
        if content:
            return content, frame[1], frame[2]
    for k in range(a, end):
        if inside[k] or k in used_cues:
            continue
        w = lower[k]
        # "according to X, ..." and "..., according to X."
        if w == "according" and k + 1 < end and lower[k + 1] == "to":
            spk = by_first.get(k + 2)
            if spk is None and "organisations" in rules and k + 2 < end and \
                    lower[k + 2] == "the":
                spk = by_first.get(k + 3)  # "according to the Interior Ministry"
            if spk is None:
                continue
            if k == a or (k > a and lower[k - 1] in ("but", "and")):
                content = chars(spk.last, end)
            else:
                content = chars(a, k)
            if content:
                return content, (k, k + 2), spk
            continue
        sourced = _sourced(lower, k, a, by_last, rules)
        if (w not in lex["forms"] or w in lex["weak"]) and not sourced:
            continue
        # "X said (that) ...": a speaker right before the verb, the content after it.
        j = k
        while j > a and lower[j - 1] in _ADVERBS:
            j -= 1
        speaker = _before_parenthetical(lower, a, j, k, by_last, rules) or by_last.get(j)
        if speaker is not None and speaker.first >= a:
            start = k + 1
            if w in lex["object"] and start in by_first:
                start = by_first[start].last  # told reporters / told him
            # Skip a short phrase before "that": "told reporters that", "shared on X that".
            for t in range(start, min(end, k + 6)):
                if lower[t] == "that":
                    start = t + 1
                    break
                if lower[t] in (",", ":"):
                    break
            if start < end and toks.words[start][:1] in QUOTE_MARKS and inside[start]:
                return None  # X said "…": a direct quote, handled already
            if start < end and toks.words[start] in (":",):
                return None
            content = chars(start, end)
            if content:
                return content, (k, k + 1), speaker
        # "..., X said." / "..., said X."
        if end - k <= 5 and k > a + 3:
            after = by_first.get(k + 1)
            before = _before_parenthetical(lower, a, j, k, by_last, rules) or by_last.get(j)
            spk = after if after is not None and after.last <= end else before
            if spk is None:
                continue
            comma = min(k, spk.first) - 1
            if comma > a and toks.words[comma] == ",":
                content = chars(a, comma)
                if content:
                    return content, (k, k + 1), spk
    return None
