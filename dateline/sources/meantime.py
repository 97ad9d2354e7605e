"""MEANTIME importer: the 120 English MEANTIME articles (Wikinews) of the derived form as Documents.

Mappings (corpus/GUIDELINES.md has the tables with counts):

- Text: the whitespace tokens of ``meantime.conll`` joined by one space, one sentence per line
  (the derived form keeps no original spacing; ``\\`\\``/``''`` stay as written).
- Entities: every mention of ``entities_mentions.json``; label from ``mention_full_type``
  (FINANCE → FINANCIAL), kept in ``source_label``; kind null (the derived form lost MEANTIME's
  syntactic type; its head POS is an automatic parse); cluster = the coreference chain when it
  has two or more mentions in the document; no link. Discontinuous mentions are excluded.
- Events: every mention of ``event_mentions.json`` as an untyped trigger; its class (OTHER,
  SPEECH_COGNITIVE, GRAMMATICAL) in ``source_label``. No arguments (not in the derived form).
- Quotes: absent (MEANTIME does not annotate quotes).
- Regions: both layers declare one region, from the start of the text to the end of the last
  sentence that carries a mention of either layer (a document without any: no region). The
  region says where the annotation lies, not that it is complete there: both layers are
  ``partial`` (see :data:`COVERAGE` for what was measured).

>>> sentence_regions([["A", "b"], ["C"]])
[(0, 3), (4, 5)]
>>> COVERAGE
{'entities': 'partial', 'events': 'partial'}
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections import Counter, defaultdict
from typing import Any

from dateline.schemas import (
    DatelineError,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Meta,
    Region,
    Span,
)
from dateline.sources import ImportResult, SourceInfo, SourceReader

__all__ = ["COVERAGE", "INFO", "LABELS", "import_meantime", "sentence_regions",
           "split_by_topic"]

# Licences. MEANTIME's LICENSE.txt is the CC BY 4.0 licence and its README.txt says the
# corpus is distributed under CC BY 4.0 ("(c) 2015, Fondazione Bruno Kessler, VU University
# Amsterdam, Universidad Del Pais Vasco"): that is the annotations' licence. The same README
# says "The English section of the corpus comes from Wikinews", whose texts are CC BY 2.5
# (Wikinews:Copyright, the licence GUM's LICENSE.txt gives its Wikinews texts too); CC BY 2.5
# lets a collection redistribute the texts only under CC BY 2.5 itself, so the texts keep it.
INFO = SourceInfo(
    name="meantime",
    repository="https://github.com/anastasia-zhukova/Diverse_CDCR_datasets",
    commit="9dfb46284593bdd35d1a5b5c758c9aa71cb43f1a",
    text_license="CC-BY-2.5",
    annotation_license="CC-BY-4.0",
    license_evidence="MEANTIME's LICENSE.txt and README.txt: the corpus, CC BY 4.0; its "
                     "English texts come from Wikinews (CC BY 2.5, Wikinews:Copyright)",
    files=("output_data/en/meantime.conll", "output_data/en/entities_mentions.json",
           "output_data/en/event_mentions.json", "output_data/test_parsing_en/*/*.json",
           "LICENSE.txt"),
    path="MEANTIME-prep/",
)
SOURCE = f"meantime@{INFO.commit[:7]}"
LABELS = {"PERSON": "PERSON", "ORGANIZATION": "ORGANIZATION", "LOCATION": "LOCATION",
          "PRODUCT": "PRODUCT", "FINANCE": "FINANCIAL"}
ANNOTATORS = ("MEANTIME annotators (NewsReader: FBK, VU Amsterdam, UPV/EHU)",)

# Coverage: both layers are partial. Every mention of the derived form has a REFERS_TO link
# to an instance (its chain named cross_* for corpus-level, intra_* for document-level ones:
# 3,033 entity and 455 event mentions); mentions without an instance are not in it. What is
# missing, measured by the build's coverage audit (dateline.audit; figures of corpus 0.1.0,
# inside the declared regions; GUM's layers, built the same way, for comparison):
# - entities: 1,017 of the 2,241 capitalised mid-sentence word sequences (45%) lie in no
#   mention (Apple 51, US 31, Jobs 27, U.S. 21, Boeing 11, Europe 10, United States 9, ...);
#   GUM: 13 of 2,256 (0.6%). 281 of 597 third-person pronouns (47%) lie in no mention; GUM:
#   19 of 861 (2.2%, expletive "it").
# - Are some sentences demonstrably exhaustive? Of the 985 sentences with a capitalised
#   sequence, 472 have every one annotated: 358 of the 404 in the title and the first four
#   body sentences (lines 0 and 2-5; line 1, the dateline, has none), 114 of the 581 later
#   ones. Lines 0-5 would be the tempting region, but there 71 of 926 sequences (7.7%, 13
#   times GUM's rate) and 21 of 206 pronouns (10%) are still in no mention. Even in the 472
#   sentences whose names are all annotated, 34 of 207 third-person pronouns (16%; GUM 2.4%)
#   are in no mention, most of them MEANTIME entities (it = Ford Motor Company, they = the
#   aircraft, its = the S&P 500, him, her), and the nominal mentions MEANTIME annotates ("the
#   company") have no surface signal at all. Choosing those sentences as regions would pass
#   the audit by construction without showing them complete. No sentence is demonstrably
#   exhaustive, so there are no exhaustive regions: the entity layer is partial.
# - events: MEANTIME's guidelines annotate every event mention, speech included
#   (SPEECH_COGNITIVE), yet 79 of the 97 forms of say, tell, announce, state and add in
#   lines 0-5 are no trigger (226 of 282 in the regions); 494 of 560 occurrences of ACE
#   trigger keywords (88%) are no trigger (GUM 81%, its layer partial too; the founding
#   article 3 of 14).
COVERAGE = {"entities": "partial", "events": "partial"}
GUIDELINES = "NewsReader Guidelines for Annotation at Document Level NWR-2014-2-2"


def sentence_regions(sentences: list[list[str]]) -> list[tuple[int, int]]:
    """Character ranges of sentences whose tokens are joined by spaces, one sentence per line.

    >>> sentence_regions([["Apple", "rose", "."], []])
    [(0, 12), (13, 13)]
    """
    out = []
    pos = 0
    for toks in sentences:
        length = len(" ".join(toks))
        out.append((pos, pos + length))
        pos += length + 1
    return out


def split_by_topic(doc_topics: dict[str, str], n_test: int = 3,
                   n_validation: int = 3) -> dict[str, str]:
    """Deterministic split: within each topic, documents ordered by the sha256 of their id; the
    first ``n_test`` go to test, the next ``n_validation`` to validation, the rest to train.

    >>> s = split_by_topic({f"d{i}": "t" for i in range(8)}, 1, 1)
    >>> sorted(Counter(s.values()).items())
    [('test', 1), ('train', 6), ('validation', 1)]
    """
    by_topic: dict[str, list[str]] = defaultdict(list)
    for doc_id, topic in doc_topics.items():
        by_topic[topic].append(doc_id)
    out = {}
    for ids in by_topic.values():
        ids.sort(key=lambda d: hashlib.sha256(d.encode()).hexdigest())
        for i, doc_id in enumerate(ids):
            out[doc_id] = ("test" if i < n_test else
                           "validation" if i < n_test + n_validation else "train")
    return out


def _published(tokens: list[str]) -> str | None:
    try:
        return _dt.datetime.strptime(" ".join(tokens), "%B %d , %Y").date().isoformat()
    except ValueError:
        return None


def import_meantime(reader: SourceReader) -> ImportResult:
    """Read MEANTIME (derived form); return Documents, tokens and the report (with topics).

    >>> import pathlib, tempfile
    >>> src = pathlib.Path(tempfile.mkdtemp()); en = src / "meantime/output_data/en"
    >>> en.mkdir(parents=True); _ = (src / "meantime/LICENSE.txt").write_text("")
    >>> m = {"conll_doc_key": "t/7", "sent_id": 0, "tokens_number": [0], "tokens_str": "Apple",
    ...      "mention_id": "x", "mention_full_type": "ORGANIZATION", "coref_chain": "c1"}
    >>> for f, text in (("event_mentions.json", "[]"), ("entities_mentions.json", json.dumps([m])),
    ...                 ("meantime.conll", "t/7\\t0\\t0\\tApple\\t-\\nt/7\\t0\\t1\\trose\\t-\\n")):
    ...     _ = (en / f).write_text(text)
    >>> d = import_meantime(SourceReader(src, record=True)).documents[0]
    >>> d.id, d.text, d.entities[0].label, d.layers.entities.regions
    ('meantime_7', 'Apple rose', 'ORGANIZATION', (Region(start=0, end=10),))
    """
    reader.read_bytes("meantime", "LICENSE.txt")
    rel = "output_data/en/meantime.conll"
    where = str(reader.path("meantime", rel))
    sents: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for n, line in enumerate(reader.read_text("meantime", rel).split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 5 or not cols[1].isdigit() or not cols[2].isdigit():
            raise DatelineError("malformed-conll", f"expected 5 tab-separated columns "
                                "(document, sentence, token, form, coreference) with integer "
                                f"positions, got {line[:60]!r}", where=f"{where}:{n}",
                                fix="restore the pinned source file")
        toks = sents[cols[0]][int(cols[1])]
        if int(cols[2]) != len(toks):
            raise DatelineError("malformed-conll", f"token {cols[2]} out of order",
                                where=f"{where}:{n}", fix="restore the pinned source file")
        toks.append(cols[3])
    titles: dict[str, tuple[str, str]] = {}  # subtopic number -> (title, folder)
    for f in reader.glob("meantime", "output_data/test_parsing_en/*/*.json"):
        data = json.loads(reader.read_text("meantime", f))
        titles[f.rsplit("/", 1)[1].split("_", 1)[0]] = (data.get("title") or "", f)
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, layer in (("entities_mentions.json", "entities"),
                        ("event_mentions.json", "events")):
        for m in json.loads(reader.read_text("meantime", f"output_data/en/{name}")):
            mentions[m["conll_doc_key"]].append({**m, "_layer": layer})
    report: Counter[str] = Counter()
    docs: list[Document] = []
    tokens: dict[str, list[tuple[int, int]]] = {}
    topics: dict[str, str] = {}
    for key in sorted(sents):
        topic, sub = key.split("/")
        doc_id = f"meantime_{sub}"
        sentences = [sents[key][i] for i in sorted(sents[key])]
        if sorted(sents[key]) != list(range(len(sentences))):
            raise DatelineError("malformed-conll", f"{key}: sentence numbers have gaps",
                                where=where, fix="restore the pinned source file")
        ranges = sentence_regions(sentences)
        text = "\n".join(" ".join(s) for s in sentences)
        starts = []
        for (a, _), toks in zip(ranges, sentences, strict=True):
            pos, row = a, []
            for t in toks:
                row.append((pos, pos + len(t)))
                pos += len(t) + 1
            starts.append(row)
        seen: set[tuple[str, int, int, str]] = set()
        ents: list[tuple[int, int, str, str, str]] = []
        evs: list[tuple[int, int, str]] = []
        annotated: set[int] = set()
        chains = Counter(m["coref_chain"] for m in mentions[key] if m["_layer"] == "entities")
        for m in mentions[key]:
            s, nums = m["sent_id"], sorted(m["tokens_number"])
            if s >= len(sentences) or not nums or nums[-1] >= len(sentences[s]):
                raise DatelineError("meantime-mismatch", f"mention {m['mention_id']} points "
                                    "outside its sentence", where=f"{key} sentence {s}",
                                    fix="restore the pinned source files")
            if nums != list(range(nums[0], nums[-1] + 1)):
                report[f"{m['_layer']} excluded: discontinuous mention"] += 1
                continue
            a, b = starts[s][nums[0]][0], starts[s][nums[-1]][1]
            if text[a:b] != m["tokens_str"]:
                raise DatelineError("meantime-mismatch", f"mention {m['mention_id']} reads "
                                    f"{text[a:b]!r}, the source says {m['tokens_str']!r}",
                                    where=key, fix="restore the pinned source files")
            label = m["mention_full_type"]
            sig = (m["_layer"], a, b, label)
            if sig in seen:
                report[f"{m['_layer']} excluded: duplicate of an identical mention"] += 1
                continue
            seen.add(sig)
            annotated.add(s)
            if m["_layer"] == "entities":
                if label not in LABELS:
                    raise DatelineError("unknown-source-label", f"MEANTIME type {label!r}",
                                        where=key, fix="map it in dateline/sources/meantime.py")
                chain = m["coref_chain"] if chains[m["coref_chain"]] > 1 else None
                ents.append((a, b, label, chain or "", m["mention_id"]))
            else:
                evs.append((a, b, label))
        ents.sort()
        evs.sort()
        entity_ids: dict[str, str] = {}
        mention_objs = []
        for i, (a, b, label, chain, _) in enumerate(ents, start=1):
            eid = None
            if chain:
                eid = entity_ids.setdefault(chain, f"e{len(entity_ids) + 1}")
            mention_objs.append(Mention(id=f"m{i}", start=a, end=b, text=text[a:b],
                                        label=LABELS[label], kind=None, entity=eid,
                                        source_label=label))
        event_objs = [Event(id=f"v{i}", trigger=Span(start=a, end=b, text=text[a:b]),
                            type=None, source_label=label)
                      for i, (a, b, label) in enumerate(evs, start=1)]
        regions = (Region(start=0, end=ranges[max(annotated)][1]),) if annotated else ()
        report["documents"] += 1
        report["documents without any annotation (empty regions)"] += not annotated
        report["entities"] += len(mention_objs)
        report["events"] += len(event_objs)
        title, folder = titles.get(sub, ("", ""))
        base = {"status": "gold", "source": SOURCE, "annotators": ANNOTATORS,
                "guidelines": GUIDELINES, "regions": regions}
        doc = Document(
            id=doc_id, text=text,
            meta=Meta(title=title or " ".join(sentences[0]), publisher="Wikinews",
                      published=_published(sentences[1]) if len(sentences) > 1 else None,
                      language="en", genre="news", collection="meantime",
                      license=INFO.text_license, annotation_license=INFO.annotation_license,
                      attribution="Text: Wikinews contributors, CC BY 2.5. Annotation: the "
                                  "NewsReader MEANTIME corpus (Minard et al. 2016; FBK, VU "
                                  "Amsterdam, UPV/EHU), CC BY 4.0; derived form by Zhukova et "
                                  "al. (Diverse_CDCR_datasets)."),
            entities=tuple(mention_objs), events=tuple(event_objs),
            # The derived form gives no mention kinds or links, and events without types,
            # arguments (participant links) or attributes.
            layers=Layers(entities=LayerInfo(**base, labels=tuple(LABELS.values()),
                                             not_annotated=("kind", "link"),
                                             coverage=COVERAGE["entities"]),
                          events=LayerInfo(**base, labels=(),
                                           not_annotated=("type", "arguments", "attributes"),
                                           coverage=COVERAGE["events"]),
                          quotes=LayerInfo(status="absent")))
        if not folder:
            report["documents without a title file"] += 1
        docs.append(doc)
        tokens[doc_id] = [t for row in starts for t in row]
        topics[doc_id] = topic
    return ImportResult(docs, tokens, {"counts": dict(sorted(report.items())), "topics": topics})
