"""GUM importer: the news and interview documents of GUM (Wikinews) as Documents.

Mappings (corpus/GUIDELINES.md has the tables with counts):

- Text: rebuilt from ``dep/*.conllu``: surface tokens (multiword tokens as written) joined by
  one space unless ``SpaceAfter=No``; paragraphs (``# newpar``) are separated by a blank line
  (:mod:`dateline.sources.gum_parse`).
- Entities: every ``Entity=`` mention, label mapped from GUM's ``etype`` (``source_label`` keeps
  it). Kind from the mention's head word (the word of the mention whose dependency head lies
  outside it): PROPN → named, PRON → pronoun, NOUN → nominal, any other head → null. Cluster:
  the GUM group id when the group has two or more mentions (singletons: null). Link: GUM's
  Wikipedia identity.
- Events: each ``event`` mention becomes an untyped trigger on its head word; pronoun-headed
  event mentions (``it``, ``that``) are no triggers and are counted as excluded.
- Quotes: one per attribution relation of the RST tree (``rst/rstweb/*.rs4``) whose cue is a
  speech or writing verb (``speech_cues.json``); see :func:`quotes_from_rst`
  (:mod:`dateline.sources.gum_rst`).
- Coverage (``LayerInfo.coverage``; the figures are the build's coverage audit,
  :mod:`dateline.audit`, printed by ``dateline corpus build``): see :data:`COVERAGE`.

>>> parse_entity_field("(4-object-giv:act-snsnn-cf1-1-coref)6)")  # doctest: +NORMALIZE_WHITESPACE
[('open', '4', ['object', 'giv:act', 'snsnn', 'cf1', '1', 'coref'], True),
 ('close', '6', [], False)]
>>> COVERAGE["entities"], COVERAGE["events"], COVERAGE["quotes"]
('exhaustive', 'partial', 'partial')
"""

from __future__ import annotations

import json
import re
from collections import Counter
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
)
from dateline.sources import ImportResult, SourceInfo, SourceReader
from dateline.sources.gum_parse import _head, _kind, _Mention, _parse_doc, _Parsed, _span
from dateline.sources.gum_parse import parse_entity_field as parse_entity_field
from dateline.sources.gum_rst import _Node, _rst_nodes
from dateline.sources.gum_rst import quotes_from_rst as quotes_from_rst

__all__ = [
    "COVERAGE",
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
    # GUM's LICENSE.txt: "Wikinews/interviews: http://creativecommons.org/licenses/by/2.5/"
    # and "All annotations are licensed under the Creative Commons Attribution (CC-BY)
    # version 4.0, although the texts themselves follow the licenses above."
    text_license="CC-BY-2.5",
    annotation_license="CC-BY-4.0",
    license_evidence="GUM's LICENSE.txt: Wikinews texts CC BY 2.5 (Wikinews:Copyright); all "
                     "annotations CC BY 4.0",
    files=("dep/*.conllu", "rst/rstweb/*.rs4", "splits.md", "LICENSE.txt"),
)
SOURCE = f"gum@{INFO.commit[:7]}"
GENRES = ("news", "interview")

# What each layer claims, and why (figures of corpus 0.1.0's sources):
# - entities, exhaustive: GUM annotates every mention of its ten entity types, named or not.
#   The audit agrees: 13 of the 2,256 capitalised mid-sentence word sequences (0.6%) lie in
#   no mention, and all 13 are non-names (demonyms: Chinese, Muslim, Buddhist; sentence starts
#   the sentencizer missed, as in unpunctuated verse: Let, In, On, However, Winning, Cheer;
#   emphasis in capitals: AND, UNLESS; the currency prefix NZ). This rate sets the audit's
#   threshold (dateline.audit.THRESHOLD).
# - events, partial: GUM marks events only as entity mentions of type `event` (noun phrases:
#   "the election", "the talks"); the guidelines' triggers include verbs and adjectives,
#   which GUM never marks. Audit: 388 of 480 occurrences of ACE trigger keywords (81%) are no
#   trigger, e.g. "elected" 21, "met" 8, "born" 8, "killing" 6.
# - quotes, partial: a quote is an RST attribution relation, and GUM's RST attaches the
#   attribution to the unit next to the cue; a quoted sentence that follows (in an invented
#   example, '"We are ready," the mayor said. "The city is too."') hangs from another
#   relation (joint, elaboration) and yields no quote. Audit: 11 of the 69 speech-like
#   quotation-mark pairs next to a speech verb (16%) lie in no quote, all 11 checked by hand
#   to be attributed direct speech.
COVERAGE = {"entities": "exhaustive", "events": "partial", "quotes": "partial"}

ETYPE_LABELS = {
    "person": "PERSON", "organization": "ORGANIZATION", "place": "LOCATION",
    "event": "EVENT", "time": "TIME", "object": "OBJECT", "abstract": "ABSTRACT",
    "substance": "SUBSTANCE", "animal": "ANIMAL", "plant": "PLANT",
}
GUIDELINES = "corpus/GUIDELINES.md@0.1.0"
ANNOTATORS = ("GUM annotators (Georgetown University LING-4427)",)


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
                license=INFO.text_license, annotation_license=INFO.annotation_license,
                attribution=f"Text: Wikinews contributors ({p.meta.get('sourceURL', '')}), "
                            "CC BY 2.5. Annotation: the GUM corpus (Zeldes 2017, "
                            "amir-zeldes/gum), CC BY 4.0.")
    base = {"status": "gold", "source": SOURCE, "annotators": ANNOTATORS,
            "guidelines": "GUM annotation guidelines (gucorpling.org/gum)"}
    layers = Layers(  # coverage: see COVERAGE for the reasons
        entities=LayerInfo(**base, labels=tuple(ETYPE_LABELS.values()),
                           coverage=COVERAGE["entities"]),
        # GUM marks event mentions as entities: untyped triggers, no arguments or attributes.
        events=LayerInfo(**base, labels=(), not_annotated=("type", "arguments", "attributes"),
                         coverage=COVERAGE["events"]),
        quotes=LayerInfo(**base, labels=("direct", "indirect", "mixed"),
                         coverage=COVERAGE["quotes"]),
    )
    return Document(id=name, text=p.text, meta=meta, entities=tuple(m for _, m in pairs),
                    events=tuple(events), quotes=tuple(quotes), layers=layers)


def import_gum(reader: SourceReader) -> ImportResult:
    """Read the GUM news and interview documents; return Documents, tokens and the report.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp()) / "gum"
    >>> conllu = ("1 Bo Bo PROPN NNP _ 2 nsubj _ Entity=(1-person)\\n"
    ...           "2 left leave VERB VBD _ 0 root _ _\\n\\n").replace(" ", "\\t")
    >>> rst = '<rst><body><segment id="1">Bo left</segment></body></rst>'
    >>> for rel, text in (("LICENSE.txt", ""), ("dep/GUM_news_x.conllu", conllu),
    ...                   ("rst/rstweb/GUM_news_x.rs4", rst)):
    ...     (root / rel).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (root / rel).write_text(text)
    >>> d = import_gum(SourceReader(root.parent, record=True)).documents[0]
    >>> d.text, [(m.text, m.label, m.kind) for m in d.entities], d.layers.events.coverage
    ('Bo left', [('Bo', 'PERSON', 'named')], 'partial')
    """
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
