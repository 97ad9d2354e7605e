"""Token sequences to text and chunk tags to spans (CoNLL, Hugging Face ``tokens``, OneIE).

The text rule of every token-based source: tokens joined by single spaces, sentences by
``\\n`` (:data:`TEXT_RULE`, written into each Document's ``meta.text_rule``).

Tags: IOB1 (CoNLL-2003: ``I-`` opens a chunk, ``B-`` only between two chunks of one type),
IOB2 (``B-`` opens every chunk), BIOES/BILOU (``E-``/``L-`` ends, ``S-``/``U-`` is a one-token
chunk). One decoder reads them all: ``B``/``S`` open a chunk, ``I``/``E`` continue the open
chunk of their label or open one, ``E``/``S`` close it.

>>> text, offsets, sentences = join_sentences([["Ann", "Lee"], ["Hi", "."]])
>>> text, offsets[2], sentences
('Ann Lee\\nHi .', (8, 10), [(0, 7), (8, 12)])
>>> chunks(["I-PER", "I-PER", "B-PER", "O", "S-LOC"])
([(0, 2, 'PER'), (2, 3, 'PER'), (4, 5, 'LOC')], 1)
"""

from __future__ import annotations

from collections.abc import Sequence

from dateline.convert.common import Report
from dateline.convert.labelmap import LabelMap
from dateline.schemas import DatelineError, Mention

__all__ = ["TEXT_RULE", "chunk_mentions", "chunks", "join_sentences", "parse_tag"]

TEXT_RULE = "tokens joined by single spaces, sentences by line breaks"
PREFIXES = {"B": "B", "I": "I", "E": "E", "L": "E", "S": "S", "U": "S"}


def join_sentences(sentences: Sequence[Sequence[str]]) -> tuple[str, list[tuple[int, int]],
                                                                list[tuple[int, int]]]:
    """The text of token ``sentences`` (:data:`TEXT_RULE`), each token's ``(start, end)`` and
    each sentence's.

    >>> join_sentences([["Bo"], ["Yes", "!"]])
    ('Bo\\nYes !', [(0, 2), (3, 6), (7, 8)], [(0, 2), (3, 8)])
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    regions: list[tuple[int, int]] = []
    pos = 0
    for k, sentence in enumerate(sentences):
        if k:
            parts.append("\n")
            pos += 1
        begin = pos
        for i, token in enumerate(sentence):
            if i:
                parts.append(" ")
                pos += 1
            parts.append(token)
            offsets.append((pos, pos + len(token)))
            pos += len(token)
        regions.append((begin, pos))
    return "".join(parts), offsets, regions


def parse_tag(tag: str, where: str) -> tuple[str, str]:
    """``(prefix, label)`` of a tag (prefix ``O``, ``B``, ``I``, ``E`` or ``S``); a tag of no
    scheme is ``convert-malformed``.

    >>> parse_tag("L-ORG", "f:1"), parse_tag("O", "f:2")
    (('E', 'ORG'), ('O', ''))
    >>> parse_tag("PER", "f:3")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [convert-malformed] f:3: tag 'PER' is not O ...
    """
    if tag == "O":
        return "O", ""
    prefix, dash, label = tag.partition("-")
    if not dash or prefix not in PREFIXES or not label:
        raise DatelineError("convert-malformed", f"tag {tag!r} is not O nor a B-, I-, E-, "
                            "S- (or L-, U-) prefix with a label", where=where,
                            fix="correct the tag, or choose the tag column with --column")
    return PREFIXES[prefix], label


def chunks(tags: Sequence[str], where: Sequence[str] | None = None
           ) -> tuple[list[tuple[int, int, str]], int]:
    """Chunks ``(first token, end token, label)`` of ``tags`` and how many an ``I-`` or
    ``E-`` opened (IOB1's rule; in IOB2 data a sign of an error).

    >>> chunks(["B-PER", "E-PER", "S-LOC", "I-LOC", "B-LOC"])
    ([(0, 2, 'PER'), (2, 3, 'LOC'), (3, 4, 'LOC'), (4, 5, 'LOC')], 1)
    """
    out: list[tuple[int, int, str]] = []
    opened_by_inside = 0
    start, label_open = -1, ""  # the open chunk's first token (-1: none) and label
    for i, tag in enumerate(tags):
        prefix, label = parse_tag(tag, where[i] if where is not None else f"tag {i + 1}")
        if not (prefix in ("I", "E") and start >= 0 and label_open == label):
            if start >= 0:
                out.append((start, i, label_open))
                start = -1
            if prefix != "O":
                start, label_open = i, label
                opened_by_inside += prefix in ("I", "E")
        if prefix in ("E", "S") and start >= 0:
            out.append((start, i + 1, label_open))
            start = -1
    if start >= 0:
        out.append((start, len(tags), label_open))
    return out, opened_by_inside


def chunk_mentions(tags: Sequence[str], where: Sequence[str], text: str,
                   offsets: Sequence[tuple[int, int]], labels: LabelMap, report: Report,
                   kind: str | None) -> list[Mention]:
    """The mentions of ``tags`` over tokens at ``offsets`` of ``text``, labels mapped (the
    dropped ones and the chunks opened by ``I-`` counted in ``report``).

    >>> rep = Report("conll")
    >>> ms = chunk_mentions(["I-PERSON", "O"], ["l1", "l2"], "Bo ran", [(0, 2), (3, 6)],
    ...                     LabelMap(), rep, None)
    >>> [(m.text, m.label) for m in ms], rep.notes["chunks opened by I-"]
    ([('Bo', 'PERSON')], 1)
    """
    found, opened = chunks(tags, where)
    report.notes["chunks opened by I-"] += opened
    mentions = []
    for first, end, source in found:
        label, why = labels.entity(source)
        if label is None:
            report.drop("entities", source, why)
            continue
        a, b = offsets[first][0], offsets[end - 1][1]
        mentions.append(Mention(id=f"m{len(mentions) + 1}", start=a, end=b, text=text[a:b],
                                label=label, kind=kind, source_label=source))
        report.keep("entities", label)
    return mentions
