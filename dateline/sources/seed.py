"""The founding article: the seed text plus the maintainers' hand annotation (status draft).

The source file holds a ``date YYYY-MM-DD`` prefix, then the article (its first line is a photo
caption). The document text is the file after that prefix, with surrounding whitespace removed.
The annotation lives in ``corpus/annotations/<id>.json`` as stand-off: offsets, labels and links
only, keyed by the document id and the sha256 of the text, so no source text is committed; the
build fills in each span's text from the offsets.

>>> split_date_prefix(" date 2025-08-06 Caption line.\\n\\nBody.\\n")
('2025-08-06', 'Caption line.\\n\\nBody.')
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from dateline.schemas import (
    Argument,
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
from dateline.sources import ImportResult, SourceInfo, SourceReader, sha256_bytes

__all__ = ["DOC_ID", "INFO", "import_seed", "split_date_prefix", "tokenize"]

INFO = SourceInfo(
    name="seed",
    repository="supplied with the project (the founding article)",
    commit="-",
    license="supplied for this corpus by the project's requester",
    files=("trump-putin-meeting-2025-08-06.txt",),
)
FILE = "trump-putin-meeting-2025-08-06.txt"
DOC_ID = "seed_trump-putin-meeting-2025-08-06"
_DATE = re.compile(r"\s*date (\d{4}-\d\d-\d\d)\s+")


def split_date_prefix(raw: str) -> tuple[str | None, str]:
    """(published date or None, text) of the seed file."""
    m = _DATE.match(raw)
    if m is None:
        return None, raw.strip()
    return m.group(1), raw[m.end():].strip()


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token offsets by spaCy's rule-based English tokenizer (no model needed).

    >>> tokenize("Trump's plan.")
    [(0, 5), (5, 7), (8, 12), (12, 13)]
    """
    import spacy  # the corpus extra; imported here so `import dateline` stays light

    nlp = _nlp_cache.get("en") or _nlp_cache.setdefault("en", spacy.blank("en"))
    return [(t.idx, t.idx + len(t.text)) for t in nlp.make_doc(text) if not t.is_space]


_nlp_cache: dict[str, Any] = {}


def _span(text: str, raw: dict[str, Any], where: str) -> Span:
    start, end = raw.get("start"), raw.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise DatelineError("bad-annotation-offsets", f"span [{start}, {end}) is outside the "
                            f"text (length {len(text)})", where=where,
                            fix="correct the offsets in the annotation file")
    return Span(start=start, end=end, text=text[start:end])


def _layer(raw: dict[str, Any]) -> LayerInfo:
    return LayerInfo(status=raw["status"], source=raw.get("source"),
                     annotators=tuple(raw.get("annotators", ())),
                     guidelines=raw.get("guidelines"), labels=tuple(raw.get("labels", ())),
                     regions=None)


def import_seed(reader: SourceReader, annotations: str | Path) -> ImportResult:
    """The founding article as a Document, with the stand-off annotation applied."""
    date, text = split_date_prefix(reader.read_text("seed", FILE))
    path = Path(annotations) / f"{DOC_ID}.json"
    try:
        ann = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise DatelineError("annotation-missing", f"no annotation file {path}", where=str(path),
                            fix="restore corpus/annotations/ from git") from exc
    except ValueError as exc:
        raise DatelineError("invalid-json", str(exc), where=str(path),
                            fix="correct the JSON of the annotation file") from exc
    digest = sha256_bytes(text.encode("utf-8"))
    if ann.get("text_sha256") != digest:
        raise DatelineError("annotation-text-changed",
                            f"the annotation was made on a text with sha256 "
                            f"{str(ann.get('text_sha256'))[:12]}…, the source text has "
                            f"{digest[:12]}…", where=str(path),
                            fix="re-anchor the annotation on the new text, then update "
                                "text_sha256")
    w = str(path)
    mentions = tuple(
        Mention(id=m["id"], **_span(text, m, f"{w} {m['id']}").model_dump(), label=m["label"],
                kind=m.get("kind"), entity=m.get("entity"), link=m.get("link"),
                source_label=m.get("source_label"))
        for m in ann.get("entities", ()))
    events = tuple(
        Event(id=e["id"], trigger=_span(text, e["trigger"], f"{w} {e['id']}"),
              type=e.get("type"),
              arguments=tuple(Argument(role=a["role"], mention=a.get("mention"),
                                       span=_span(text, a["span"], f"{w} {e['id']}")
                                       if a.get("span") else None)
                              for a in e.get("arguments", ())),
              attributes=dict(e.get("attributes", {})), source_label=e.get("source_label"))
        for e in ann.get("events", ()))
    quotes = tuple(
        Quote(id=q["id"], content=tuple(_span(text, s, f"{w} {q['id']}") for s in q["content"]),
              cue=_span(text, q["cue"], f"{w} {q['id']}") if q.get("cue") else None,
              speaker=q.get("speaker"),
              speaker_span=_span(text, q["speaker_span"], f"{w} {q['id']}")
              if q.get("speaker_span") else None,
              kind=q["kind"])
        for q in ann.get("quotes", ()))
    layers = Layers(**{k: _layer(v) for k, v in ann["layers"].items()})
    meta = Meta(title=ann.get("title"), publisher=ann.get("publisher"), url=ann.get("url"),
                published=date, language="en", genre="news", collection="seed",
                license=INFO.license, attribution=ann.get("attribution"))
    doc = Document(id=DOC_ID, text=text, meta=meta, entities=mentions, events=events,
                   quotes=quotes, layers=layers)
    return ImportResult([doc], {DOC_ID: tokenize(text)}, {"documents": 1})
