"""GUM's CoNLL-U files: the document text, its syntactic words and its entity mentions.

The text is rebuilt from the surface tokens (multiword tokens as written) joined by one space
unless ``SpaceAfter=No``; paragraphs (``# newpar``) are separated by a blank line. Mentions are
read from the ``Entity=`` brackets of the MISC column (:func:`parse_entity_field`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dateline.schemas import DatelineError, Span
from dateline.sources.conllu import parse_conllu, parse_misc

__all__ = ["parse_entity_field"]

_ENTITY_RE = re.compile(r"\((\d+)-([^()]*)(\))?|(\d+)\)")


def parse_entity_field(value: str) -> list[tuple[str, str, list[str], bool]]:
    """Split an ``Entity=`` value into opens and closes, in order.

    Each item: (``open``/``close``, group id, the open's fields after the group, closes at once).

    >>> parse_entity_field("(3-place-new-s)")
    [('open', '3', ['place', 'new', 's'], True)]
    """
    out: list[tuple[str, str, list[str], bool]] = []
    pos = 0
    for m in _ENTITY_RE.finditer(value):
        if m.start() != pos:
            break
        pos = m.end()
        if m.group(4) is not None:
            out.append(("close", m.group(4), [], False))
        else:
            out.append(("open", m.group(1), m.group(2).split("-", 6), m.group(3) is not None))
    if pos != len(value):
        raise ValueError(f"cannot parse Entity={value!r} at character {pos}")
    return out


@dataclass
class _Word:
    index: int  # 1-based over the document's syntactic words
    form: str
    lemma: str
    upos: str
    head: int  # document-level index, 0 for root
    start: int
    end: int
    sent: int
    misc: dict[str, str]


@dataclass
class _Mention:
    group: str
    fields: list[str]
    first: int  # word indices, inclusive
    last: int
    id: str = ""


@dataclass
class _Parsed:
    text: str
    words: list[_Word]
    tokens: list[tuple[int, int]]
    mentions: list[_Mention]
    meta: dict[str, str]
    in_quote: set[int] = field(default_factory=set)


def _parse_doc(text: str, file: str) -> _Parsed:
    sentences = parse_conllu(text, file)
    parts: list[str] = []
    pos = 0
    words: list[_Word] = []
    meta: dict[str, str] = {}
    mentions: list[_Mention] = []
    stack: list[_Mention] = []
    in_quote: set[int] = set()
    quote_depth = 0
    sep = ""
    for si, sent in enumerate(sentences):
        for c in sent.comments:
            if c.startswith("meta::"):
                key, _, value = c[6:].partition(" = ")
                meta[key.strip()] = value.strip()
        if si > 0:
            sep = "\n\n" if any(c == "newpar" or c.startswith("newpar ") for c in sent.comments) \
                else sep
        base = len(words)
        local: dict[int, int] = {}
        mwt_end = 0
        mwt_start = 0
        mwt_form = ""
        mwt_offset = 0
        rows = [r for r in sent.rows if "." not in r.id]
        for r in rows:
            if "-" in r.id:
                _a, b = (int(x) for x in r.id.split("-"))
                parts.append(sep)
                pos += len(sep)
                mwt_start, mwt_end, mwt_form, mwt_offset = pos, b, r.form, 0
                parts.append(r.form)
                pos += len(r.form)
                sep = "" if parse_misc(r.misc).get("SpaceAfter") == "No" else " "
                continue
            n = int(r.id)
            misc = parse_misc(r.misc)
            if n <= mwt_end:
                # A word inside a multiword token: exact offsets when the forms concatenate
                # to the surface token, else the whole token.
                if mwt_form[mwt_offset:mwt_offset + len(r.form)] == r.form:
                    start = mwt_start + mwt_offset
                    end = start + len(r.form)
                    mwt_offset += len(r.form)
                else:
                    start, end = mwt_start, mwt_start + len(mwt_form)
            else:
                parts.append(sep)
                pos += len(sep)
                start, end = pos, pos + len(r.form)
                parts.append(r.form)
                pos = end
                sep = "" if misc.get("SpaceAfter") == "No" else " "
            local[n] = len(words) + 1
            head = int(r.head) if r.head.isdigit() else 0
            words.append(_Word(len(words) + 1, r.form, r.lemma, r.upos, head, start, end, si, misc))
            xml = misc.get("XML", "")
            quote_depth += xml.count("<quote")
            if quote_depth > 0:
                in_quote.add(len(words))
            quote_depth -= xml.count("</quote>")
            if "Entity" in misc:
                try:
                    items = parse_entity_field(misc["Entity"])
                except ValueError as exc:
                    raise DatelineError("malformed-entity", str(exc), where=f"{file}:{r.line}",
                                        fix="restore the pinned source file") from exc
                for kind, group, fields, closes in items:
                    if kind == "open":
                        m = _Mention(group, fields, len(words), len(words))
                        if closes:
                            mentions.append(m)
                        else:
                            stack.append(m)
                    else:
                        for k in range(len(stack) - 1, -1, -1):
                            if stack[k].group == group:
                                m = stack.pop(k)
                                m.last = len(words)
                                mentions.append(m)
                                break
                        else:
                            raise DatelineError(
                                "malformed-entity", f"closing bracket of group {group} without "
                                "an open mention", where=f"{file}:{r.line}",
                                fix="restore the pinned source file")
        for w in words[base:]:
            w.head = local.get(w.head, 0)
    if stack:
        raise DatelineError("malformed-entity", f"{len(stack)} mention(s) never closed",
                            where=file, fix="restore the pinned source file")
    text_out = "".join(parts)
    tokens = [(w.start, w.end) for w in words]
    return _Parsed(text_out, words, tokens, mentions, meta, in_quote)


def _head(words: list[_Word], first: int, last: int) -> _Word:
    """The word of [first, last] whose dependency head lies outside the span (first such)."""
    for i in range(first, last + 1):
        w = words[i - 1]
        if not first <= w.head <= last:
            return w
    return words[first - 1]


def _kind(head: _Word) -> str | None:
    return {"PROPN": "named", "PRON": "pronoun", "NOUN": "nominal"}.get(head.upos)


def _span(p: _Parsed, first: int, last: int) -> Span:
    start, end = p.words[first - 1].start, p.words[last - 1].end
    return Span(start=start, end=end, text=p.text[start:end])
