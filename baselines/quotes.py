"""``quotes-rules``: direct, indirect and mixed quotes with cue and speaker, by rules.

The pipeline, step by step:

1. Tokenize with spaCy's rule-based tokenizer and sentencizer (:mod:`.text`).
2. Find quotation marks of every style (straight, curly, single, guillemets, low-9, CJK
   brackets) and decide from the characters around each one whether it can open or close.
3. Pair marks left to right. Single marks inside a double quote (and the reverse) are nested
   quotes and stay part of the content. A quote still open at a line break continues when the
   next paragraph opens with the same style of mark (news style for multi-paragraph quotes);
   otherwise it is dropped: unbalanced marks degrade to the quotes that can be closed.
4. Look for a cue (a speech verb from ``speech_verbs.json``) just after the closing mark
   ("…,” said X / “…,” X said) or just before the opening one (X said: “…”), and take the
   nearest suitable mention as the speaker (:mod:`.mentions`: names, titles + names, role
   nouns, pronouns resolved to the last person named). A quote split by its cue ("A," he said,
   "B.") becomes one quote with two content spans; an uncued quote in the same paragraph as a
   cued one inherits its speaker.
5. Indirect quotes: sentences "X said (that) …", "…, X said.", "according to X, …" and
   "…, according to X." outside direct quotes. An indirect quote whose content holds a direct
   quote without its own cue is a mixed quote.
6. Speakers become PERSON/ORGANIZATION mentions in the entities layer (a pronoun speaker shares
   its ``entity`` cluster id with the name it resolves to), so a scorer can match speakers at
   mention and at entity level. The extractor is scored on its quotes layer only.

>>> from dateline.schemas import Document, check_document
>>> doc = Document(id="d", text='“We will win,” said Ann Lee. She added that the vote was close.')
>>> out = QuoteRules().extract(doc)
>>> for q in out.quotes:
...     print(q.kind, [c.text for c in q.content], q.cue.text, out.mention(q.speaker).text)
direct ['We will win'] said Ann Lee
indirect ['the vote was close'] added She
>>> check_document(out)
[]
"""

from __future__ import annotations

import itertools
import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from dateline.baselines.base import predictions
from dateline.baselines.mentions import Candidate, find_mentions
from dateline.baselines.text import Tokens, snap, tokenize
from dateline.schemas import Document, Mention, Quote, Span

__all__ = ["QuoteMarks", "QuoteRules", "direct_quote_spans", "speech_lexicon"]

# Opening/closing glyphs per style; the straight marks are decided by their context.
_DOUBLE_OPEN = frozenset("“„‟«「『")
_DOUBLE_CLOSE = frozenset("”»」』")
_SINGLE_OPEN = frozenset("‘‚‹")
_SINGLE_CLOSE = frozenset("’›")
_ALL_MARKS = _DOUBLE_OPEN | _DOUBLE_CLOSE | _SINGLE_OPEN | _SINGLE_CLOSE | frozenset("\"'")
_OPEN_BEFORE = frozenset("([{—–-/")
_SENTENCE_END = frozenset({".", "!", "?", ";"})
_TRAILING = frozenset(",.;:")
_WINDOW = 12
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


@dataclass
class _Mark:
    pos: int
    style: str  # "double" or "single"
    can_open: bool
    can_close: bool


@dataclass
class _Direct:
    pieces: list[tuple[int, int]]
    open_pos: int
    close_pos: int
    cue: tuple[int, int] | None = None  # token range
    speaker: Candidate | None = None
    merged: bool = False
    extra_pieces: list[tuple[int, int]] = field(default_factory=list)


def _marks(text: str) -> list[_Mark]:
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch not in _ALL_MARKS:
            continue
        left = text[i - 1] if i > 0 else " "
        right = text[i + 1] if i + 1 < n else " "
        left_open = left.isspace() or left in _OPEN_BEFORE or left in _ALL_MARKS
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


def _paragraph_starts(text: str) -> list[int]:
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
    return [pieces for _, _, pieces in _direct_quotes(text, with_marks=with_marks)]


def _direct_quotes(text: str, *, with_marks: bool = False,
                   ) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """(opening mark position, closing mark position, content spans) of each closed quote."""
    para_starts = _paragraph_starts(text)
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


def _suitable(c: Candidate) -> bool:
    return c.label in ("PERSON", "ORGANIZATION")


class QuoteRules:
    """Rule-based quote extractor (see the module docstring for its steps).

    Settings: ``min_uncued_words`` (a direct quote with neither cue nor inherited speaker is
    kept only when it has at least this many words; None, the default, drops them all: on the
    train and validation splits they are mostly scare quotes and titles, and dropping them
    raises quote F1 from 0.674 to 0.710), ``indirect`` (find indirect and mixed quotes),
    ``with_marks`` (direct quote content includes its quotation marks; by default it does
    not, nor the comma or full stop that ends the quoted clause, as in the corpus).
    """

    name = "quotes-rules"
    version = "0.1.0"
    layers = ("quotes",)

    def __init__(self, *, min_uncued_words: int | None = None, indirect: bool = True,
                 with_marks: bool = False) -> None:
        self.min_uncued_words = min_uncued_words
        self.indirect = indirect
        self.with_marks = with_marks

    def extract(self, doc: Document) -> Document:
        """Find the quotes of ``doc``."""
        text = doc.text
        toks = tokenize(text)
        cands = find_mentions(toks)
        lex = speech_lexicon()
        lower = [w.lower() for w in toks.words]
        cue_forms: dict[str, str] = lex["forms"]
        # Candidates by first and by last token, for "said X" and "X said".
        by_first = {c.first: c for c in cands if _suitable(c)}
        by_last = {c.last: c for c in cands if _suitable(c)}

        # Steps 2-3: the direct quotes.
        directs = [_Direct(pieces, open_pos, close_pos)
                   for open_pos, close_pos, pieces in _direct_quotes(
                       text, with_marks=self.with_marks)]
        used_cues: set[int] = set()

        def newline_between(k: int) -> bool:
            return 0 < k < len(toks) and "\n" in text[toks.ends[k - 1]:toks.starts[k]]

        # Step 4: cue and speaker of each direct quote.
        for dq in directs:
            after = bisect_left(toks.starts, dq.close_pos + 1)
            window: list[int] = []
            k = after
            while k < len(toks) and len(window) < _WINDOW and not newline_between(k):
                w = toks.words[k]
                if w in _SENTENCE_END or w[:1] in _ALL_MARKS:
                    break
                window.append(k)
                k += 1
            found = self._attribute(window, lower, cue_forms, by_first, by_last, after=True)
            if found is None:
                before_end = bisect_left(toks.starts, dq.open_pos)
                window = []
                k = before_end - 1
                while k >= 0 and len(window) < _WINDOW and not newline_between(k + 1):
                    w = toks.words[k]
                    if w in _SENTENCE_END or w[:1] in _ALL_MARKS:
                        break
                    window.insert(0, k)
                    k -= 1
                lead = lower[window[-1]] if window else ""
                if lead in (":", ",", "that") or lead in cue_forms:
                    found = self._attribute(window, lower, cue_forms, by_first, by_last,
                                            after=False, weak_ok=False)
            if found is not None:
                dq.cue, dq.speaker = found
                used_cues.add(found[0][0])

        # A quote split by its cue: "A," he said, "B." is one quote.
        for prev, nxt in itertools.pairwise(directs):
            if prev.merged or prev.cue is None or nxt.cue not in (None, prev.cue):
                continue
            between = text[prev.close_pos + 1:nxt.open_pos]
            if "\n" not in between and between.rstrip().endswith(",") and not any(
                    p in between for p in ".!?"):
                prev.extra_pieces.extend(nxt.pieces)
                nxt.merged = True

        # An uncued quote inherits the speaker of the quote before it when both are in one
        # paragraph, or when nothing but white space separates them (the next paragraph of
        # the same speech).
        para_starts = _paragraph_starts(text)
        last_speaker: dict[int, Candidate] = {}
        previous: _Direct | None = None
        for dq in directs:
            para = bisect_right(para_starts, dq.open_pos) - 1
            if dq.speaker is None and not dq.merged:
                if para in last_speaker:
                    dq.speaker = last_speaker[para]
                elif previous is not None and previous.speaker is not None and not text[
                        previous.close_pos + 1:dq.open_pos].strip():
                    dq.speaker = previous.speaker
            if dq.speaker is not None:
                last_speaker[para] = dq.speaker
            previous = dq

        # Step 5: indirect and mixed quotes.
        indirect: list[tuple[list[tuple[int, int]], tuple[int, int], Candidate | None]] = []
        inside = [False] * len(toks)
        for dq in directs:
            a = bisect_left(toks.starts, dq.open_pos)
            b = bisect_left(toks.starts, dq.close_pos + 1)
            for k in range(a, b):
                inside[k] = True
        if self.indirect:
            for a, b in toks.sentences:
                found_ind = self._indirect(toks, a, b, lower, inside, used_cues, by_first,
                                           by_last)
                if found_ind is not None:
                    indirect.append(found_ind)

        # Step 6: build the Document.
        mentions: dict[tuple[int, int], Mention] = {}
        clusters: dict[str, str] = {}
        named_by_cluster: dict[str, list[Candidate]] = {}
        for c in cands:
            if c.kind == "named" and c.cluster is not None:
                named_by_cluster.setdefault(c.cluster, []).append(c)

        def mention_id(c: Candidate) -> str | None:
            key = (c.first, c.last)
            if key in mentions:
                return mentions[key].id
            span = snap(text, toks.starts[c.first], toks.ends[c.last - 1])
            if span is None:
                return None
            entity = None
            if c.cluster is not None:
                entity = clusters.setdefault(c.cluster, f"e{len(clusters) + 1}")
            m = Mention(id=f"m{len(mentions) + 1}", start=span[0], end=span[1],
                        text=text[span[0]:span[1]], label=c.label, kind=c.kind,
                        entity=entity)
            mentions[key] = m
            if c.kind == "pronoun" and c.cluster is not None:
                # Show what the pronoun resolves to: the last name of its cluster before it.
                names = named_by_cluster.get(c.cluster, [])
                k = bisect_right([x.last for x in names], c.first)
                if k:
                    mention_id(names[k - 1])
            return m.id

        def span_of(a: int, b: int) -> Span | None:
            s = snap(text, a, b)
            return None if s is None else Span(start=s[0], end=s[1], text=text[s[0]:s[1]])

        def cue_span(cue: tuple[int, int]) -> Span | None:
            return span_of(toks.starts[cue[0]], toks.ends[cue[1] - 1])

        quotes: list[tuple[int, Quote]] = []
        absorbed: set[int] = set()
        opens = [dq.open_pos for dq in directs]
        for content, cue, speaker in indirect:
            lo, hi = content[0][0], content[-1][1]
            kind = "indirect"
            # Direct quotes without a cue inside the indirect content make it a mixed quote.
            for i in range(bisect_left(opens, lo), bisect_right(opens, hi)):
                dq = directs[i]
                if dq.cue is None and dq.close_pos < hi + 2:
                    kind = "mixed"
                    absorbed.add(i)
            spans = [s for a, b in content if (s := span_of(a, b)) is not None]
            if not spans:
                continue
            quotes.append((spans[0].start, Quote(
                id="", content=tuple(spans), cue=cue_span(cue),
                speaker=mention_id(speaker) if speaker is not None else None, kind=kind)))
        for i, dq in enumerate(directs):
            if dq.merged or i in absorbed:
                continue
            pieces = dq.pieces + dq.extra_pieces
            if dq.cue is None and dq.speaker is None:
                n_words = sum(len(text[a:b].split()) for a, b in pieces)
                if self.min_uncued_words is None or n_words < self.min_uncued_words:
                    continue
            spans = [Span(start=a, end=b, text=text[a:b]) for a, b in pieces]
            quotes.append((spans[0].start, Quote(
                id="", content=tuple(spans),
                cue=cue_span(dq.cue) if dq.cue is not None else None,
                speaker=mention_id(dq.speaker) if dq.speaker is not None else None,
                kind="direct")))
        quotes.sort(key=lambda x: x[0])
        out_quotes = [q.model_copy(update={"id": f"q{i + 1}"})
                      for i, (_, q) in enumerate(quotes)]
        ents = sorted(mentions.values(), key=lambda m: (m.start, m.end))
        labels = sorted({m.label for m in ents}) or ["PERSON"]
        return predictions(doc, self, entities=(ents, labels),
                           quotes=(out_quotes, ("direct", "indirect", "mixed")))

    @staticmethod
    def _attribute(window: Sequence[int], lower: Sequence[str], cue_forms: dict[str, str],
                   by_first: dict[int, Candidate], by_last: dict[int, Candidate], *,
                   after: bool, weak_ok: bool = True,
                   ) -> tuple[tuple[int, int], Candidate | None] | None:
        """Cue token range and speaker in a window of token indexes next to a quote."""
        verbs = [k for k in window if lower[k] in cue_forms
                 and (weak_ok or lower[k] not in speech_lexicon()["weak"])]
        if not verbs:
            return None
        # The cue nearest to the quote.
        v = verbs[0] if after else verbs[-1]
        lo, hi = window[0], window[-1] + 1
        # "said X": a mention right after the verb.
        if v + 1 in by_first and by_first[v + 1].last <= hi:
            return (v, v + 1), by_first[v + 1]
        # "X said": the nearest mention ending before the verb, skipping adverbs and commas.
        k = v
        while k > lo and lower[k - 1] in _ADVERBS:
            k -= 1
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

    @staticmethod
    def _indirect(toks: Tokens, a: int, b: int, lower: Sequence[str], inside: Sequence[bool],
                  used_cues: set[int], by_first: dict[int, Candidate],
                  by_last: dict[int, Candidate],
                  ) -> tuple[list[tuple[int, int]], tuple[int, int], Candidate | None] | None:
        """Content char spans, cue token range and speaker of an indirect quote in a sentence."""
        lex = speech_lexicon()
        end = b
        while end > a and (toks.words[end - 1] in _SENTENCE_END
                           or (toks.words[end - 1][:1] in _ALL_MARKS and not inside[end - 1])):
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

        for k in range(a, end):
            if inside[k] or k in used_cues:
                continue
            w = lower[k]
            # "according to X, ..." and "..., according to X."
            if w == "according" and k + 1 < end and lower[k + 1] == "to":
                spk = by_first.get(k + 2)
                if spk is None:
                    continue
                if k == a or (k > a and lower[k - 1] in ("but", "and")):
                    content = chars(spk.last, end)
                else:
                    content = chars(a, k)
                if content:
                    return content, (k, k + 2), spk
                continue
            if w not in lex["forms"] or w in lex["weak"]:
                continue
            # "X said (that) ...": a speaker right before the verb, the content after it.
            j = k
            while j > a and lower[j - 1] in _ADVERBS:
                j -= 1
            speaker = by_last.get(j)
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
                if start < end and toks.words[start][:1] in _ALL_MARKS and inside[start]:
                    return None  # X said "…": a direct quote, handled already
                if start < end and toks.words[start] in (":",):
                    return None
                content = chars(start, end)
                if content:
                    return content, (k, k + 1), speaker
            # "..., X said." / "..., said X."
            if end - k <= 5 and k > a + 3:
                after = by_first.get(k + 1)
                before = by_last.get(j)
                spk = after if after is not None and after.last <= end else before
                if spk is None:
                    continue
                comma = min(k, spk.first) - 1
                if comma > a and toks.words[comma] == ",":
                    content = chars(a, comma)
                    if content:
                        return content, (k, k + 1), spk
        return None


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
