"""Quotes from GUM's RST attribution relations (``rst/rstweb/*.rs4``).

One Quote per attribution relation whose cue is a speech or writing verb; see
:func:`quotes_from_rst` for the rules.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass

from dateline.schemas import DatelineError, Mention, Quote, Span
from dateline.sources.gum_parse import _head, _Mention, _Parsed, _span

__all__ = ["QUOTE_MARKS", "quotes_from_rst"]

QUOTE_MARKS = frozenset({'"', "“", "”", "‘", "’", "``", "''", "'", "«", "»"})


@dataclass
class _Node:
    id: str
    kind: str  # segment / span / multinuc
    parent: str | None
    relname: str | None
    words: tuple[int, ...] = ()  # segments only


def _rst_nodes(xml_text: str, file: str, n_words: int) -> tuple[dict[str, _Node],
                                                                 dict[str, list[dict[str, str]]]]:
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise DatelineError("malformed-rst", f"not well-formed XML: {exc}", where=file,
                            fix="restore the pinned source file") from exc
    nodes: dict[str, _Node] = {}
    next_word = 1
    body = root.find("body")
    if body is None:
        raise DatelineError("malformed-rst", "no <body>", where=file,
                            fix="restore the pinned source file")
    for el in body:
        if el.tag == "segment":
            count = len((el.text or "").split())
            words = tuple(range(next_word, next_word + count))
            next_word += count
            nodes[el.get("id", "")] = _Node(el.get("id", ""), "segment", el.get("parent"),
                                            el.get("relname"), words)
        elif el.tag == "group":
            nodes[el.get("id", "")] = _Node(el.get("id", ""), el.get("type", "span"),
                                            el.get("parent"), el.get("relname"))
    if next_word - 1 != n_words:
        raise DatelineError("gum-rst-mismatch",
                            f"the RST segments hold {next_word - 1} tokens, the CoNLL-U file "
                            f"{n_words}", where=file, fix="restore the pinned source files")
    signals: dict[str, list[dict[str, str]]] = defaultdict(list)
    for s in root.iter("signal"):
        signals[s.get("source", "")].append(dict(s.attrib))
    # A secondary edge is one more relation between two existing nodes; as a node of its own
    # (id "source-target") it carries the source's own words and points at its target.
    for e in root.iter("secedge"):
        src = nodes.get(e.get("source", ""))
        if src is not None:
            sid = e.get("id", "")
            nodes[sid] = _Node(sid, "secedge", e.get("target"), e.get("relname"), src.words)
    return nodes, signals


def _signal_tokens(sig: dict[str, str]) -> list[int]:
    return [int(t) for t in sig.get("tokens", "").split(",") if t.strip().isdigit()]


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive integers, as (first, last)."""
    out: list[tuple[int, int]] = []
    for i in sorted(set(indices)):
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def quotes_from_rst(p: _Parsed, nodes: dict[str, _Node], signals: dict[str, list[dict[str, str]]],
                    mentions: list[tuple[_Mention, Mention]], cues: dict[str, frozenset[str]],
                    report: Counter[str], lemmas: Counter[str]) -> list[Quote]:
    """One Quote per speech/writing attribution relation of one document.

    - content: the EDUs of the attributed nucleus (the ``span`` children of the satellite's
      parent group; or the parent itself when the satellite attaches to a segment or a multinuclear
      group), minus attribution satellites attached to it; each run of consecutive tokens is a
      span, without punctuation at either end.
    - speaker: the ``attribution_source`` signal tokens; linked to the mention with exactly those
      tokens, else the smallest mention containing them, else kept as ``speaker_span``.
    - cue: the ``indicative_word``/``indicative_phrase`` signal whose lemma is a speech cue.
      A relation without a cue signal is a quote when its satellite's head word is a speech cue
      lemma; it then has no cue (nothing is guessed).
    - kind: direct when quotation marks (or ``<quote>``) enclose every content span, mixed when
      some quotation mark touches or lies inside the content, indirect otherwise.

    A document without RST nodes has no quotes:

    >>> from dateline.sources.gum_parse import _Parsed
    >>> quotes_from_rst(_Parsed("", [], [], [], {}), {}, {}, [], {"speech": frozenset()},
    ...                 Counter(), Counter())
    []
    """
    children: dict[str, list[_Node]] = defaultdict(list)
    for n in nodes.values():
        if n.parent and n.kind != "secedge":
            children[n.parent].append(n)

    def edus(node: _Node) -> list[int]:
        out = list(node.words)
        for c in children[node.id]:
            out += edus(c)
        return out

    def content_words(nucleus: _Node) -> list[int]:
        out = list(nucleus.words)
        for c in children[nucleus.id]:
            if not (c.relname or "").startswith("attribution"):
                out += edus(c)
        return out

    words = p.words
    out: list[Quote] = []
    for node in sorted(nodes.values(), key=lambda n: (min(edus(n) or [0]), n.id)):
        rel = node.relname or ""
        if not rel.startswith("attribution"):
            continue
        report["attribution relations"] += 1
        sat_words = list(node.words) if node.kind == "secedge" else edus(node)
        sigs = signals.get(node.id, [])
        src = sorted({t for s in sigs if s.get("subtype") == "attribution_source"
                      for t in _signal_tokens(s)})
        cue_sigs = [s for s in sigs if s.get("subtype") in ("indicative_word",
                                                            "indicative_phrase")]
        if cue_sigs:
            report["with a cue signal"] += 1
        if rel != "attribution-positive":
            report["excluded: negated attribution (attribution-negative)"] += 1
            continue
        cue_span: Span | None = None
        speech = False
        all_cue = sorted({t for s in cue_sigs for t in _signal_tokens(s)})
        joined = " ".join(words[t - 1].lemma for t in all_cue)
        if len(cue_sigs) > 1 and joined in cues["speech"]:  # a cue split over signals: "be like"
            speech = True
            first, last = _runs(all_cue)[0]
            cue_span = _span(p, first, last)
            lemmas[joined] += 1
        for s in [] if speech else cue_sigs:
            toks = _signal_tokens(s)
            lem = [words[t - 1].lemma for t in toks]
            hits = [t for t, lm in zip(toks, lem, strict=True) if lm in cues["speech"]]
            if " ".join(lem) in cues["speech"]:
                hits = toks
            lemmas[" ".join(lem)] += 1
            if hits and not speech:
                speech = True
                phrase = s.get("subtype") == "indicative_phrase"
                first, last = _runs(toks if phrase else hits)[0]
                cue_span = _span(p, first, last)
        if not cue_sigs and sat_words:
            head = _head(words, min(sat_words), max(sat_words))
            speech = head.lemma in cues["speech"]
            if speech:
                report["quotes without a cue signal (speech verb as head of the source unit)"] += 1
        if not speech:
            reason = ("excluded: cue is no speech or writing verb" if cue_sigs
                      else "excluded: no cue signal and no speech verb in the source unit")
            report[reason] += 1
            continue
        parent = nodes.get(node.parent or "")
        if parent is None:
            report["excluded: attribution without a parent node"] += 1
            continue
        if parent.kind == "span" and node.kind != "secedge":
            nuclei = [c for c in children[parent.id] if c.relname == "span"]
        else:
            nuclei = [parent]
        cw = sorted({w for n in nuclei for w in content_words(n)} - set(sat_words))
        spans: list[tuple[int, int]] = []
        for first, last in _runs(cw):
            while first <= last and words[first - 1].upos == "PUNCT":
                first += 1
            while last >= first and words[last - 1].upos == "PUNCT":
                last -= 1
            if first <= last:
                spans.append((first, last))
        if not spans:
            report["excluded: empty content"] += 1
            continue
        speaker: str | None = None
        speaker_span: Span | None = None
        if src:
            sf, sl = _runs(src)[0]
            exact = [m for pm, m in mentions if (pm.first, pm.last) == (sf, sl)]
            containing = sorted(((pm.last - pm.first, m.id, m) for pm, m in mentions
                                 if pm.first <= sf and sl <= pm.last), key=lambda x: x[:2])
            if exact:
                speaker = sorted(exact, key=lambda m: m.id)[0].id
            elif containing:
                speaker = containing[0][2].id
                report["speaker linked to a mention containing the source tokens"] += 1
            else:
                speaker_span = _span(p, sf, sl)
                report["speaker kept as a span (no mention)"] += 1
        else:
            report["quotes without a source signal"] += 1

        def quoted(first: int, last: int) -> bool:
            if all(w in p.in_quote for w in range(first, last + 1)):
                return True
            i, before = first - 1, False
            while i >= 1 and words[i - 1].upos == "PUNCT":
                before = before or words[i - 1].form in QUOTE_MARKS
                i -= 1
            j, after = last + 1, False
            while j <= len(words) and words[j - 1].upos == "PUNCT":
                after = after or words[j - 1].form in QUOTE_MARKS
                j += 1
            return before and after

        enclosed = [quoted(a, b) for a, b in spans]
        inner = any(words[w - 1].form in QUOTE_MARKS and words[w - 1].upos == "PUNCT"
                    for a, b in spans for w in range(a, b + 1))
        if all(enclosed):
            kind = "direct"
        elif any(enclosed) or inner:
            kind = "mixed"
        else:
            kind = "indirect"
        report[f"quotes: {kind}"] += 1
        if cue_span is not None:
            report["quotes with a cue"] += 1
        out.append(Quote(id="", content=tuple(_span(p, a, b) for a, b in spans), cue=cue_span,
                         speaker=speaker, speaker_span=speaker_span, kind=kind))
    out.sort(key=lambda q: (q.content[0].start, q.content[0].end))
    return [q.model_copy(update={"id": f"q{i}"}) for i, q in enumerate(out, start=1)]
