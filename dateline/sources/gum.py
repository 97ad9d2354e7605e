"""GUM importer: the news and interview documents of GUM (Wikinews) as Documents.

Mappings (corpus/GUIDELINES.md has the tables with counts):

- Text: rebuilt from ``dep/*.conllu``: surface tokens (multiword tokens as written) joined by
  one space unless ``SpaceAfter=No``; paragraphs (``# newpar``) are separated by a blank line.
- Entities: every ``Entity=`` mention, label mapped from GUM's ``etype`` (``source_label`` keeps
  it). Kind from the mention's head word (the word of the mention whose dependency head lies
  outside it): PROPN → named, PRON → pronoun, NOUN → nominal, any other head → null. Cluster:
  the GUM group id when the group has two or more mentions (singletons: null). Link: GUM's
  Wikipedia identity.
- Events: each ``event`` mention becomes an untyped trigger on its head word; pronoun-headed
  event mentions (``it``, ``that``) are no triggers and are counted as excluded.
- Quotes: one per attribution relation of the RST tree (``rst/rstweb/*.rs4``) whose cue is a
  speech or writing verb (``speech_cues.json``); see :func:`quotes_from_rst`.

>>> parse_entity_field("(4-object-giv:act-snsnn-cf1-1-coref)6)")  # doctest: +NORMALIZE_WHITESPACE
[('open', '4', ['object', 'giv:act', 'snsnn', 'cf1', '1', 'coref'], True),
 ('close', '6', [], False)]
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import unquote

from dateline.schemas import (
    DatelineError,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Meta,
    Quote,
    Span,
)
from dateline.sources import ImportResult, SourceInfo, SourceReader
from dateline.sources.conllu import parse_conllu, parse_misc

__all__ = [
    "ETYPE_LABELS",
    "INFO",
    "import_gum",
    "load_speech_cues",
    "parse_entity_field",
    "quotes_from_rst",
    "read_splits",
]

INFO = SourceInfo(
    name="gum",
    repository="https://github.com/amir-zeldes/gum",
    commit="72ce5ac14978a324c2fd18d49484e65292cbe316",
    license="text CC BY 2.5 (Wikinews); annotations CC BY 4.0",
    files=("dep/*.conllu", "rst/rstweb/*.rs4", "splits.md", "LICENSE.txt"),
)
SOURCE = f"gum@{INFO.commit[:7]}"
GENRES = ("news", "interview")

ETYPE_LABELS = {
    "person": "PERSON", "organization": "ORGANIZATION", "place": "LOCATION",
    "event": "EVENT", "time": "TIME", "object": "OBJECT", "abstract": "ABSTRACT",
    "substance": "SUBSTANCE", "animal": "ANIMAL", "plant": "PLANT",
}
QUOTE_MARKS = frozenset({'"', "“", "”", "‘", "’", "``", "''", "'", "«", "»"})
GUIDELINES = "corpus/GUIDELINES.md@0.1.0"
ANNOTATORS = ("GUM annotators (Georgetown University LING-4427)",)

_ENTITY_RE = re.compile(r"\((\d+)-([^()]*)(\))?|(\d+)\)")


def parse_entity_field(value: str) -> list[tuple[str, str, list[str], bool]]:
    """Split an ``Entity=`` value into opens and closes, in order.

    Each item: (``open``/``close``, group id, the open's fields after the group, closes at once).
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


def load_speech_cues() -> dict[str, frozenset[str]]:
    """The speech/writing cue lexicon (``speech_cues.json``).

    >>> cues = load_speech_cues()
    >>> "say" in cues["speech"], "think" in cues["speech"], "think" in cues["not_speech"]
    (True, False, True)
    """
    raw = json.loads(resources.files("dateline.sources").joinpath("speech_cues.json")
                     .read_text("utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


def read_splits(text: str) -> dict[str, str]:
    """Document name -> split (``train``/``validation``/``test``) from GUM's ``splits.md``.

    Documents not listed under dev/test/test2 are train (as GUM's README says).

    >>> read_splits("## dev\\n  * GUM_news_a\\n## test\\n  * GUM_news_b\\n")
    {'GUM_news_a': 'validation', 'GUM_news_b': 'test'}
    """
    names = {"dev": "validation", "test": "test", "test2": "test2"}
    out: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = names.get(line[3:].strip())
        elif line.strip().startswith("* ") and current:
            out[line.strip()[2:].strip()] = current
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


# ---------------------------------------------------------------------------------------------
# Quotes from the RST attribution relations


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


# ---------------------------------------------------------------------------------------------


def _document(name: str, p: _Parsed, rst: tuple[dict[str, _Node], dict[str, list[dict[str, str]]]],
              cues: dict[str, frozenset[str]], report: Counter[str],
              lemmas: Counter[str]) -> Document:
    sizes = Counter(m.group for m in p.mentions)
    ordered = sorted(p.mentions, key=lambda m: (p.words[m.first - 1].start,
                                                -p.words[m.last - 1].end, int(m.group)))
    pairs: list[tuple[_Mention, Mention]] = []
    events: list[Event] = []
    for i, m in enumerate(ordered, start=1):
        etype = m.fields[0]
        if etype not in ETYPE_LABELS:
            raise DatelineError("unknown-source-label", f"GUM entity type {etype!r} has no "
                                "mapping", where=name, fix="add it to ETYPE_LABELS in "
                                "dateline/sources/gum.py and to corpus/GUIDELINES.md")
        head = _head(p.words, m.first, m.last)
        identity = unquote(m.fields[6]) if len(m.fields) > 6 and m.fields[6] else None
        span = _span(p, m.first, m.last)
        mention = Mention(id=f"m{i}", start=span.start, end=span.end, text=span.text,
                          label=ETYPE_LABELS[etype], kind=_kind(head),
                          entity=f"e{m.group}" if sizes[m.group] > 1 else None,
                          link=identity, source_label=etype)
        pairs.append((m, mention))
        report["mentions"] += 1
        if etype == "event":
            if head.upos == "PRON":
                report["event mentions excluded: pronoun head (no trigger word)"] += 1
                continue
            trig = _span(p, head.index, head.index)
            events.append(Event(id=f"v{len(events) + 1}", trigger=trig, type=None,
                                source_label="event"))
    quotes = quotes_from_rst(p, *rst, pairs, cues, report, lemmas)
    genre = p.meta.get("genre", name.split("_")[1])
    created = p.meta.get("dateCreated")
    meta = Meta(title=p.meta.get("title"), publisher="Wikinews", url=p.meta.get("sourceURL"),
                published=created if created and re.fullmatch(r"\d{4}-\d\d-\d\d", created)
                else None,
                language="en", genre=genre, collection="gum",
                license="text CC BY 2.5 (Wikinews); annotations CC BY 4.0 (GUM)",
                attribution=f"Text: Wikinews contributors ({p.meta.get('sourceURL', '')}), "
                            "CC BY 2.5. Annotation: the GUM corpus (Zeldes 2017, "
                            "amir-zeldes/gum), CC BY 4.0.")
    base = {"status": "gold", "source": SOURCE, "annotators": ANNOTATORS,
            "guidelines": "GUM annotation guidelines (gucorpling.org/gum)"}
    layers = Layers(
        entities=LayerInfo(**base, labels=tuple(ETYPE_LABELS.values())),
        # GUM marks event mentions as entities: untyped triggers, no arguments or attributes.
        events=LayerInfo(**base, labels=(), not_annotated=("type", "arguments", "attributes")),
        quotes=LayerInfo(**base, labels=("direct", "indirect", "mixed")),
    )
    return Document(id=name, text=p.text, meta=meta, entities=tuple(m for _, m in pairs),
                    events=tuple(events), quotes=tuple(quotes), layers=layers)


def import_gum(reader: SourceReader) -> ImportResult:
    """Read the GUM news and interview documents; return Documents, tokens and the report."""
    cues = load_speech_cues()
    report: Counter[str] = Counter()
    lemmas: Counter[str] = Counter()
    docs: list[Document] = []
    tokens: dict[str, list[tuple[int, int]]] = {}
    reader.read_bytes("gum", "LICENSE.txt")
    names = [f[4:-7] for f in reader.glob("gum", "dep/*.conllu")
             if f.split("_")[1] in GENRES]
    if not names:
        raise DatelineError("sources-missing", "no GUM news/interview files in gum/dep/",
                            where=str(reader.path("gum", "dep")),
                            fix="check --sources / $DATELINE_SOURCES")
    for name in names:
        rel = f"dep/{name}.conllu"
        p = _parse_doc(reader.read_text("gum", rel), str(reader.path("gum", rel)))
        rrel = f"rst/rstweb/{name}.rs4"
        rst = _rst_nodes(reader.read_text("gum", rrel), str(reader.path("gum", rrel)),
                         len(p.words))
        doc = _document(name, p, rst, cues, report, lemmas)
        docs.append(doc)
        tokens[doc.id] = p.tokens
    unclassified = sorted(lm for lm in lemmas
                          if not any(x in cues["speech"] | cues["not_speech"]
                                     for x in [lm, *lm.split()]))
    rep: dict[str, Any] = {
        "documents": len(docs),
        "counts": dict(sorted(report.items())),
        "cue lemmas": dict(sorted(lemmas.items())),
        "unclassified cue lemmas": unclassified,
    }
    return ImportResult(docs, tokens, rep)
