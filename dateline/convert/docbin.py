"""spaCy ``DocBin`` files (``.spacy``) to Documents.

Each Doc becomes a Document with the Doc's text exactly; entities from ``doc.ents`` and,
with ``span_group``, also from ``doc.spans[span_group]`` (a span of both is read once; a
group that no Doc has is an error);
labels go through the map file. The id is ``doc.user_data["id"]`` when set (as
``dateline corpus export --format docbin`` writes it), else the file's stem and the Doc's
number from 1. Sentence boundaries, when the Doc has them, are kept in ``meta.sentences``.
Mentions have ``kind: named`` only when ``kind="named"`` says so.

>>> import tempfile, spacy
>>> from spacy.tokens import Doc, DocBin
>>> nlp = spacy.blank("en")
>>> doc = Doc(nlp.vocab, words=["Ann", "ran", "."], spaces=[True, False, False])
>>> doc.ents = [doc.char_span(0, 3, label="PERSON")]
>>> path = Path(tempfile.mkdtemp()) / "a.spacy"
>>> DocBin(docs=[doc]).to_disk(path)
>>> out, = read_docbin([path])
>>> out.id, out.text, [(m.text, m.label) for m in out.entities]
('a-1', 'Ann ran.', [('Ann', 'PERSON')])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.convert.common import Draft, Provenance, Report, finish
from dateline.convert.labelmap import LabelMap
from dateline.convert.text import input_files
from dateline.schemas import DatelineError, Document, Mention, Region

__all__ = ["read_docbin"]


def _docs(path: Path) -> list[Any]:
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError as exc:
        raise DatelineError("missing-dependency", "spaCy is not installed",
                            fix="pip install spacy", exit_code=2) from exc
    try:
        return list(DocBin().from_bytes(path.read_bytes()).get_docs(spacy.blank("en").vocab))
    except (ValueError, KeyError, TypeError) as exc:
        raise DatelineError("convert-malformed", f"not a spaCy DocBin ({type(exc).__name__})",
                            where=str(path), fix="give a file written by DocBin.to_disk") \
            from exc


def read_docbin(inputs: Sequence[str | os.PathLike[str]], *, labels: LabelMap | None = None,
                report: Report | None = None, provenance: Provenance | None = None,
                span_group: str | None = None, kind: str | None = None) -> list[Document]:
    """Documents of DocBin files (the module docstring gives the rules).

    >>> read_docbin(["no/such.spacy"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [no-such-file] no/such.spacy: ...
    """
    labels = labels or LabelMap()
    report = report if report is not None else Report("spacy")
    drafts = []
    groups = 0  # Docs that have the span group
    files = input_files(inputs, ".spacy")
    for path in files:
        report.inputs.append(str(path))
        for n, doc in enumerate(_docs(path), 1):
            where = f"{path} (Doc {n})"
            spans = list(doc.ents)
            if span_group is not None and span_group in doc.spans:
                groups += 1
                spans += list(doc.spans[span_group])
            seen: set[tuple[int, int, str]] = set()
            mentions = []
            for s in spans:
                key = (s.start_char, s.end_char, s.label_)
                if key in seen:
                    continue
                seen.add(key)
                label, why = labels.entity(s.label_)
                if label is None:
                    report.drop("entities", s.label_, why)
                    continue
                mentions.append(Mention(id=f"m{len(mentions) + 1}", start=s.start_char,
                                        end=s.end_char, text=s.text, label=label, kind=kind,
                                        source_label=s.label_))
                report.keep("entities", label)
            mentions.sort(key=lambda m: (m.start, -m.end))
            meta: dict[str, Any] = {}
            if doc.has_annotation("SENT_START"):
                meta["sentences"] = tuple(Region(start=s.start_char, end=s.end_char)
                                          for s in doc.sents)
            doc_id = doc.user_data.get("id") or f"{path.stem}-{n}"
            drafts.append(Draft(str(doc_id), doc.text, where, entities=mentions, meta=meta))
    if span_group is not None and not groups:
        raise DatelineError("convert-malformed", f"no Doc has a span group {span_group!r}",
                            where=", ".join(map(str, files)),
                            fix="name a span group of the Docs (doc.spans)")
    parts = ("coreference", "link") if kind else ("kind", "coreference", "link")
    return finish(drafts, provenance or Provenance(), report, {"entities": parts})
