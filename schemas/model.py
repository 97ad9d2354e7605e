"""The document model: one type for gold annotation and for system predictions.

Why pydantic v2 and not frozen dataclasses plus a checker: the same class must (1) parse JSON
at the I/O boundary with exact, located errors (``loc`` tuples become JSON paths in incidents),
(2) refuse unknown fields (``extra="forbid"``), (3) generate the JSON Schema that we pin in
``schemas/*.schema.json``, and (4) stay fast for 20,000-document collections (pydantic-core
parses JSON in Rust). Dataclasses would need a hand-written parser, a hand-written schema
generator and a hand-written checker for all three. Models are frozen and use tuples, so a
Document read from a file cannot be changed by accident, and spans and mentions are hashable;
build new ones with ``model_copy(update=...)``.

What the model enforces is *structure* (level 1: types, required and unknown fields). What
needs the text or the label inventory (offsets inside the text, ``text`` equal to the slice,
ids that resolve, known labels) is checked by :mod:`dateline.schemas.validate` at levels 2-3,
so that one bad offset yields an incident with its JSON path instead of refusing the file.

Spans are half-open character offsets ``[start, end)`` into ``Document.text`` (Python slicing,
Label Studio, spaCy):

>>> doc = Document(id="d1", text="Ann Lee said hi.",
...                entities=(Mention(id="m1", start=0, end=7, text="Ann Lee", label="PERSON"),))
>>> doc.text[doc.entities[0].start:doc.entities[0].end]
'Ann Lee'
>>> doc.layers.entities.status
'absent'
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from dateline.schemas.names import LAYERS

__all__ = [
    "LAYERS",
    "Argument",
    "Document",
    "Event",
    "LayerInfo",
    "Layers",
    "Mention",
    "Meta",
    "Quote",
    "Region",
    "Span",
]

# Types only: ranges, emptiness and inventories are validator checks (levels 2-3), which report
# every problem with its own check id instead of refusing the whole document.
Offset = Annotated[StrictInt, Field(description="Character offset into Document.text.")]
Id = Annotated[StrictStr, Field(description="Identifier, unique in its document.")]
OptStr = StrictStr | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)


class Region(_Model):
    """A character range ``[start, end)`` a layer annotates (exhaustively when the layer's
    coverage is ``exhaustive``).

    >>> r = Region(start=0, end=120)
    >>> r.end - r.start
    120
    """

    start: Offset
    end: Offset


class Span(_Model):
    """A half-open character span ``[start, end)`` with the text it covers.

    >>> s = Span(start=4, end=8, text="said")
    >>> "Ann said hi."[s.start:s.end] == s.text
    True
    """

    start: Offset
    end: Offset
    text: StrictStr = Field(description="Must equal Document.text[start:end].")


class Mention(_Model):
    """An entity mention.

    ``kind`` is ``named``, ``nominal`` or ``pronoun``, or null when the source does not say;
    ``entity`` is the coreference cluster id (null when unclustered); ``link`` a Wikipedia or
    Wikidata identifier; ``source_label`` the source corpus's own label, verbatim.

    >>> m = Mention(id="m1", start=0, end=4, text="Kyiv", label="LOCATION", kind="named")
    >>> m.label, m.entity
    ('LOCATION', None)
    """

    id: Id
    start: Offset
    end: Offset
    text: StrictStr
    label: StrictStr
    kind: OptStr = None
    entity: OptStr = None
    link: OptStr = None
    source_label: OptStr = None


class Argument(_Model):
    """An event argument: a ``role`` filled by exactly one of ``mention`` (an id) or ``span``.

    >>> Argument(role="Place", mention="m2").span is None
    True
    """

    role: StrictStr
    mention: OptStr = None
    span: Span | None = None


class Event(_Model):
    """An event mention: a trigger span, an ACE ``Type.Subtype`` (or null), and its arguments.

    ``attributes`` maps attribute names (``polarity``, ``tense``, ``genericity``, ``modality``,
    ``realis``; see ``labels.json``) to values.

    >>> e = Event(id="e1", trigger=Span(start=4, end=7, text="met"), type="Contact.Meet",
    ...           arguments=(Argument(role="Entity", mention="m1"),))
    >>> e.type, e.arguments[0].role, e.attributes
    ('Contact.Meet', 'Entity', {})
    """

    id: Id
    trigger: Span
    type: OptStr = None
    arguments: tuple[Argument, ...] = ()
    attributes: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    source_label: OptStr = None


class Quote(_Model):
    """An attribution of speech or writing.

    ``content`` has one or more spans (quotes can be discontinuous). The speaker is a mention
    id (``speaker``) or, when the speaker is no annotated mention, a bare ``speaker_span``;
    both null for an unattributed quote.

    >>> q = Quote(id="q1", kind="direct", speaker="m1",
    ...           content=(Span(start=9, end=13, text="Yes."),))
    >>> [c.text for c in q.content], q.cue
    (['Yes.'], None)
    """

    id: Id
    content: tuple[Span, ...]
    cue: Span | None = None
    speaker: OptStr = None
    speaker_span: Span | None = None
    kind: StrictStr


class LayerInfo(_Model):
    """How one annotation layer of a document was made.

    ``status``: ``gold`` (made or corrected by human annotators), ``draft`` (written by hand by
    the maintainers, awaiting independent review), ``silver`` (machine output) or ``absent``.
    ``labels``: the labels this layer annotates. ``regions``: the character ranges annotated
    (null: the whole text). ``coverage``: ``exhaustive`` (every item of ``labels`` inside
    ``regions`` is annotated, so an unmatched prediction there is wrong) or ``partial`` (what
    is there is right, what is missing is unknown: the layer gives recall, never precision).
    ``not_annotated``: the parts of the layer its annotators did not annotate
    (``labels.json``'s ``layer_parts``: e.g. an event layer with ``["type", "arguments"]``
    marks triggers only), so the metrics that need them are not applicable rather than 0.

    >>> LayerInfo(status="gold", not_annotated=("type",)).not_annotated
    ('type',)
    >>> LayerInfo(status="gold").coverage
    'exhaustive'
    """

    status: StrictStr = "absent"
    source: OptStr = None
    annotators: tuple[StrictStr, ...] = ()
    guidelines: OptStr = None
    labels: tuple[StrictStr, ...] = ()
    regions: tuple[Region, ...] | None = None
    # Written only when not the default, so the files of exhaustive, fully annotated layers
    # keep their bytes.
    coverage: StrictStr = Field(default="exhaustive", exclude_if=lambda v: v == "exhaustive")
    not_annotated: tuple[StrictStr, ...] = Field(default=(), exclude_if=lambda v: not v)


class Layers(_Model):
    """Provenance of the three layers (:data:`LAYERS` names them).

    >>> Layers(entities=LayerInfo(status="gold")).entities.status, Layers().quotes.status
    ('gold', 'absent')
    """

    entities: LayerInfo = Field(default_factory=LayerInfo)
    events: LayerInfo = Field(default_factory=LayerInfo)
    quotes: LayerInfo = Field(default_factory=LayerInfo)


if tuple(Layers.model_fields) != LAYERS:  # the fields are the layers, in their order
    raise ImportError(f"Layers has the fields {tuple(Layers.model_fields)}, not {LAYERS}")


class Meta(_Model):
    """Document metadata. ``published`` is an ISO date (``YYYY-MM-DD``).

    ``license`` is the SPDX identifier of the text's licence and ``annotation_license`` that
    of the annotation's (they differ: Wikinews text is ``CC-BY-2.5``, the annotations of GUM
    and MEANTIME ``CC-BY-4.0``); ``NOASSERTION`` (SPDX) when no licence is known.
    ``attribution`` says whom to credit, in words. ``text_rule`` says how the text was
    rebuilt when the source holds tokens, not text (``dateline convert``), and ``sentences``
    are the source's sentence boundaries, when it has them.

    >>> Meta(license="CC-BY-2.5", annotation_license="CC-BY-4.0").annotation_license
    'CC-BY-4.0'
    >>> "annotation_license" in Meta().model_dump()
    False
    """

    title: OptStr = None
    publisher: OptStr = None
    url: OptStr = None
    published: OptStr = None
    language: StrictStr = "en"
    genre: OptStr = None
    collection: OptStr = None
    license: OptStr = None
    # Written only when set, so documents made before it keep their bytes.
    annotation_license: OptStr = Field(default=None, exclude_if=lambda v: v is None)
    attribution: OptStr = None
    # Written only when set (by `dateline convert`), so other documents keep their bytes.
    text_rule: OptStr = Field(default=None, exclude_if=lambda v: v is None)
    sentences: tuple[Region, ...] | None = Field(default=None, exclude_if=lambda v: v is None)


class Document(_Model):
    """A news document with its entity, event and quote layers."""

    id: Id
    text: StrictStr
    meta: Meta = Field(default_factory=Meta)
    entities: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()
    quotes: tuple[Quote, ...] = ()
    layers: Layers = Field(default_factory=Layers)

    def mention(self, mention_id: str) -> Mention | None:
        """Return the mention with this id, or None.

        >>> d = Document(id="d", text="Bo", entities=(
        ...     Mention(id="m1", start=0, end=2, text="Bo", label="PERSON"),))
        >>> d.mention("m1").text, d.mention("m9")
        ('Bo', None)
        """
        for m in self.entities:
            if m.id == mention_id:
                return m
        return None
