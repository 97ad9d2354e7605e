"""Plug-in extractors of the tests (registered by them): ``Sloppy`` makes the two mistakes of a
real one, a mention kind outside the inventory ("pronominal"; the inventory says "pronoun") and
quotes with both ``speaker`` and ``speaker_span``; ``Tidy``, with a long name, writes valid
PERSON mentions and quotes."""

from __future__ import annotations

import re

from dateline.baselines import predictions
from dateline.schemas import Document, Mention, Quote, Span


class Sloppy:
    """Pronouns as PERSON mentions of kind "pronominal"; each quoted stretch a quote whose
    speaker is given twice."""

    name, version, layers = "sloppy", "0.1", ("entities", "quotes")

    def extract(self, doc: Document) -> Document:
        """Predict ``doc``."""
        mentions = [Mention(id=f"m{i}", start=m.start(), end=m.end(), text=m.group(),
                            label="PERSON", kind="pronominal")
                    for i, m in enumerate(re.finditer(r"\b(?:He|She|he|she)\b", doc.text))]
        quotes = []
        if mentions:
            for i, m in enumerate(re.finditer(r"“([^”]+)”", doc.text)):
                first = mentions[0]
                quotes.append(Quote(
                    id=f"q{i}", kind="direct", speaker=first.id,
                    speaker_span=Span(start=first.start, end=first.end, text=first.text),
                    content=(Span(start=m.start(1), end=m.end(1), text=m.group(1)),)))
        return predictions(doc, self, entities=(mentions, ("PERSON",)),
                           quotes=(quotes, ("direct",)))


class Tidy:
    """Capitalised word pairs as PERSON mentions, each quoted stretch a direct quote."""

    name, version, layers = "myspacy-ner-and-regex-quotes", "0.1", ("entities", "quotes")

    def extract(self, doc: Document) -> Document:
        """Predict ``doc``."""
        mentions = [Mention(id=f"m{i}", start=m.start(), end=m.end(), text=m.group(),
                            label="PERSON", kind="named")
                    for i, m in enumerate(re.finditer(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b",
                                                      doc.text))]
        quotes = [Quote(id=f"q{i}", kind="direct",
                        content=(Span(start=m.start(1), end=m.end(1), text=m.group(1)),))
                  for i, m in enumerate(re.finditer(r"“([^”]+)”", doc.text))]
        return predictions(doc, self, entities=(mentions, ("PERSON",)),
                           quotes=(quotes, ("direct",)))
