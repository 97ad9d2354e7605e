"""Two generated sections of the card: every field of both configs described (``fields``), and
an example instance (``example``) in the exact shape of a ``default`` row.

:data:`FIELDS` describes each feature path of :func:`dateline.card.default_features` and
:func:`dateline.card.tokens_features`; :func:`feature_paths` lists those paths, and
``tests/corpus/test_card.py`` checks that the two agree, so a field added to the model without
a description fails the tests. The example is an invented document (the card reproduces no
text of the sources), validated at level 3 by the tests, and shown as :func:`dateline.to_hf`
gives its row.

>>> feature_paths()[:4]
['id', 'text', 'meta', 'meta.title']
>>> fields_section().splitlines()[0]
'| config | field | type | description |'
"""

from __future__ import annotations

import json
from typing import Any

from dateline.schemas import Document, Event, LayerInfo, Layers, Mention, Meta, Quote, Span

__all__ = ["FIELDS", "example_document", "example_section", "feature_paths", "fields_section"]

_SPAN = "a span: `start`, `end` (half-open character offsets into `text`) and its `text`"
_LAYER = ("how the {0} layer was made: `status`, `source`, `annotators`, `guidelines`, the "
          "`labels` it covers, its `regions`, `coverage` and the parts `not_annotated`")

FIELDS: dict[str, str] = {
    "id": "document id, unique in the corpus (`GUM_news_…`, `GUM_interview_…`, `meantime_…`, "
          "`seed_…`)",
    "text": "the document text; every offset counts characters of this string",
    "meta": "document metadata",
    "meta.title": "headline",
    "meta.publisher": "publisher of the text (`Wikinews`; null when not stated)",
    "meta.url": "where the text was published",
    "meta.published": "publication date (`date32`: a `datetime.date` in `datasets`, the string "
                      "`YYYY-MM-DD` in the Document JSON)",
    "meta.language": "language code (`en`)",
    "meta.genre": "genre of the source (`news`, `interview`)",
    "meta.collection": "the source (`gum`, `meantime`, `seed`)",
    "meta.license": "SPDX identifier of the text's licence (`CC-BY-2.5`, `NOASSERTION`)",
    "meta.annotation_license": "SPDX identifier of the annotation's licence (`CC-BY-4.0`)",
    "meta.attribution": "whom to credit for the text and the annotation",
    "entities": "entity mentions (nested mentions allowed)",
    "entities.id": "mention id, unique in the document",
    "entities.start": "first character offset",
    "entities.end": "offset after the last character",
    "entities.text": "`text[start:end]`",
    "entities.label": "entity label of `schemas/labels.json` (`PERSON`, `ORGANIZATION`, "
                      "`LOCATION`, ...)",
    "entities.kind": "`named`, `nominal` or `pronoun`; null when the source does not say",
    "entities.entity": "coreference cluster id (mentions of one entity share it); null when "
                       "unclustered",
    "entities.link": "Wikipedia title or Wikidata id; null when none",
    "entities.source_label": "the source corpus's own label, verbatim",
    "events": "event mentions",
    "events.id": "event id, unique in the document",
    "events.trigger": f"the trigger word(s): {_SPAN}",
    "events.trigger.start": "first character offset of the trigger",
    "events.trigger.end": "offset after the trigger",
    "events.trigger.text": "the trigger's text",
    "events.type": "ACE `Type.Subtype` (`Personnel.Elect`); null when untyped (GUM, MEANTIME)",
    "events.arguments": "the event's arguments",
    "events.arguments.role": "ACE role allowed for the event type (`Person`, `Place`, ...)",
    "events.arguments.mention": "id of the entity mention that fills the role (or null)",
    "events.arguments.span": f"the argument as a bare span when no mention fills it: {_SPAN}",
    "events.arguments.span.start": "first character offset",
    "events.arguments.span.end": "offset after the last character",
    "events.arguments.span.text": "the span's text",
    "events.attributes": "ACE/ERE attributes (`polarity`, `tense`, `genericity`, `modality`, "
                         "`realis`); every name is present in a row, null when not set",
    "events.attributes.polarity": "`positive` or `negative`",
    "events.attributes.tense": "`past`, `present`, `future` or `unspecified`",
    "events.attributes.genericity": "`specific` or `generic`",
    "events.attributes.modality": "`asserted` or `other`",
    "events.attributes.realis": "ERE realis (`actual`, `generic`, `other`)",
    "events.source_label": "the source corpus's own label, verbatim",
    "quotes": "attributions of speech or writing",
    "quotes.id": "quote id, unique in the document",
    "quotes.content": "the attributed words, one span per continuous stretch; no quotation "
                      "mark or punctuation at either end",
    "quotes.content.start": "first character offset",
    "quotes.content.end": "offset after the last character",
    "quotes.content.text": "the span's text",
    "quotes.cue": f"the speech or writing verb or phrase (`said`, `according to`): {_SPAN}",
    "quotes.cue.start": "first character offset of the cue",
    "quotes.cue.end": "offset after the cue",
    "quotes.cue.text": "the cue's text",
    "quotes.speaker": "id of the entity mention of the speaker (its cluster is `entity`)",
    "quotes.speaker_span": f"the speaker as a bare span when no mention is annotated: {_SPAN}",
    "quotes.speaker_span.start": "first character offset",
    "quotes.speaker_span.end": "offset after the last character",
    "quotes.speaker_span.text": "the span's text",
    "quotes.kind": "`direct`, `indirect` or `mixed`",
    "layers": "provenance and coverage of each layer",
    **{f"layers.{layer}": _LAYER.format(layer) for layer in ("entities", "events", "quotes")},
    **{f"layers.{layer}.{key}": text for layer in ("entities", "events", "quotes")
       for key, text in (
           ("status", "`gold` (human annotators), `draft` (by hand, awaiting review), "
                      "`silver` (machine output) or `absent` (not annotated)"),
           ("source", "the source and its commit (`gum@72ce5ac`)"),
           ("annotators", "who annotated it (teams or pseudonymous ids)"),
           ("guidelines", "the guidelines followed, with their version"),
           ("labels", "the labels the layer covers; a prediction of another label is "
                      "not counted"),
           ("regions", "the character ranges the layer covers (null: the whole text)"),
           ("regions.start", "first character offset of a region"),
           ("regions.end", "offset after a region"),
           ("coverage", "`partial` (recall only); null means `exhaustive`"),
           ("not_annotated", "parts the annotators left out (`type`, `arguments`, `cue`, ...)"
                             "; null when none"))},
    "tokens:id": "document id (the documents whose entity layer covers PERSON, ORGANIZATION "
                 "and LOCATION over the whole text and marks kinds)",
    "tokens:tokens": "the tokens (GUM's own; spaCy's rule-based English tokenizer for the "
                     "founding article)",
    "tokens:token_starts": "character offset of each token in the `default` row's `text`",
    "tokens:ner_tags": "BIO tags of the named PERSON, ORGANIZATION and LOCATION mentions "
                       "(outermost of nested ones), a `ClassLabel` sequence",
}
"""Feature path (``a.b.c``, ``tokens:`` for the ``tokens`` config) -> description."""


def _walk(feature: Any, prefix: str) -> list[str]:
    from datasets import LargeList, List, Sequence

    while isinstance(feature, List | LargeList | Sequence):
        feature = feature.feature
    if not isinstance(feature, dict):
        return []
    out = []
    for key, sub in feature.items():
        path = f"{prefix}{key}"
        out.append(path)
        out += _walk(sub, path + ".")
    return out


def feature_paths() -> list[str]:
    """Every field path of both configs, in feature order (``tokens:`` marks that config).

    >>> [p for p in feature_paths() if p.startswith("tokens:")]
    ['tokens:id', 'tokens:tokens', 'tokens:token_starts', 'tokens:ner_tags']
    """
    from dateline.card import default_features, tokens_features

    return _walk(default_features(), "") + [f"tokens:{p}" for p in _walk(tokens_features(), "")]


def _type(feature: Any) -> str:
    from datasets import ClassLabel, LargeList, List, Sequence, Value

    if isinstance(feature, List | LargeList | Sequence):
        return f"list of {_type(feature.feature)}"
    if isinstance(feature, dict):
        return "struct"
    if isinstance(feature, ClassLabel):
        return "class label"
    return str(feature.dtype) if isinstance(feature, Value) else type(feature).__name__


def _feature_at(path: str) -> Any:
    from datasets import LargeList, List, Sequence

    from dateline.card import default_features, tokens_features

    config, _, rest = path.rpartition(":")
    feature: Any = tokens_features() if config else default_features()
    for key in rest.split("."):
        while isinstance(feature, List | LargeList | Sequence):
            feature = feature.feature
        feature = feature[key]
    return feature


def fields_section() -> str:
    """The card's field table: config, field, ``datasets`` type, description.

    >>> [r for r in fields_section().splitlines() if "| `meta.published` |" in r][0][:53]
    '| default | `meta.published` | date32 | publication d'
    """
    rows = ["| config | field | type | description |", "|---|---|---|---|"]
    for path in feature_paths():
        config, _, name = path.rpartition(":")
        rows.append(f"| {config or 'default'} | `{name}` | {_type(_feature_at(path))} | "
                    f"{FIELDS.get(path, '')} |")
    return "\n".join(rows)


def example_document() -> Document:
    """An invented document with every layer, in the corpus's conventions.

    >>> doc = example_document()
    >>> doc.quotes[0].content[0].text
    'The bridge joins our two halves'
    """
    text = ('Ana Ruiz was elected mayor of Riverton in May. "The bridge joins our two halves," '
            "Ruiz said on Monday.")

    def span(part: str, start: int = 0) -> Span:
        a = text.index(part, start)
        return Span(start=a, end=a + len(part), text=part)

    def mention(mid: str, part: str, label: str, kind: str, entity: str | None,
                start: int = 0) -> Mention:
        s = span(part, start)
        return Mention(id=mid, start=s.start, end=s.end, text=s.text, label=label, kind=kind,
                       entity=entity)

    from dateline.schemas import Argument

    def layer(*labels: str) -> LayerInfo:
        return LayerInfo(status="draft", source="invented example", annotators=("example",),
                         guidelines="corpus/GUIDELINES.md@0.1.0", labels=labels)

    return Document(
        id="example_riverton", text=text,
        meta=Meta(title="Riverton's new bridge (an invented example)", published="2025-06-02",
                  language="en", genre="news", collection="example", license="CC-BY-4.0",
                  annotation_license="CC-BY-4.0", attribution="An invented example."),
        entities=(mention("m1", "Ana Ruiz", "PERSON", "named", "e1"),
                  mention("m2", "mayor of Riverton", "PERSON", "nominal", "e1"),
                  mention("m3", "Riverton", "LOCATION", "named", None),
                  mention("m4", "May", "TIME", "named", None),
                  mention("m5", "The bridge", "OBJECT", "nominal", None),
                  mention("m6", "Ruiz", "PERSON", "named", "e1", 10)),
        events=(Event(id="v1", trigger=span("elected"), type="Personnel.Elect",
                      arguments=(Argument(role="Person", mention="m1"),
                                 Argument(role="Place", mention="m3"),
                                 Argument(role="Time", mention="m4")),
                      attributes={"polarity": "positive", "tense": "past"}),),
        quotes=(Quote(id="q1", content=(span("The bridge joins our two halves"),),
                      cue=span("said"), speaker="m6", kind="direct"),),
        layers=Layers(entities=layer("PERSON", "ORGANIZATION", "LOCATION", "TIME", "OBJECT"),
                      events=layer("Personnel.Elect"), quotes=layer("direct", "indirect", "mixed")),
    )


def example_section() -> str:
    """The example instance as its ``datasets`` row, one field (or list item) per line.

    >>> example_section().splitlines()[1]
    '{"id": "example_riverton",'
    """
    from dateline.hf import to_hf

    row = to_hf(example_document())
    lines = []
    for key, value in row.items():
        if isinstance(value, list) and value:
            items = ",\n  ".join(json.dumps(v, ensure_ascii=False, default=str) for v in value)
            lines.append(f'"{key}": [\n  {items}]')
        else:
            lines.append(f'"{key}": {json.dumps(value, ensure_ascii=False, default=str)}')
    return "```json\n{" + ",\n ".join(lines) + "}\n```"
