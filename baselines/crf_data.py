"""The ``crf`` tagger's training data: gold layers as (features, tags) sentences, per model.

Each model (:data:`.crf_tagging.MODELS`) learns from one layer: ``entities`` (every mention,
by its label), ``kinds`` (the same spans, by mention kind), ``named`` (named mentions alone, by
label) or ``events`` (triggers, by type). Overlapping spans cannot all be tags: the model's
policy chooses (:func:`.bio.bio_tags`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

from dateline.baselines.bio import bio_spans, bio_tags, in_regions
from dateline.baselines.crf_features import document_tags, normalised_words, token_features
from dateline.baselines.crf_tagging import capitalised
from dateline.baselines.lexicon import match_tags
from dateline.baselines.text import Tokens, tokenize
from dateline.schemas import Document, LayerInfo

__all__ = ["CORE", "UNTYPED", "doc_tags", "entity_f1", "span_f1", "training_sequences"]

UNTYPED = "EVENT"  # the trigger tag of an event without a type
CORE = ("PERSON", "ORGANIZATION", "LOCATION")  # the labels a guessed name may have


def doc_tags(toks: Tokens, spans: Iterable[tuple[int, int, str]],
             features: Collection[str]) -> list[str] | None:
    """The document-consistency tags of ``toks`` from named ``spans`` (None when the
    ``document`` features are off).

    >>> from dateline.baselines.text import tokenize
    >>> doc_tags(tokenize("Ann left."), [(0, 1, "PERSON")], ("word",)) is None
    True
    """
    if "document" not in features:
        return None
    return document_tags(normalised_words(toks), toks.sentences, set(spans))


def training_sequences(docs: Sequence[Document], layer: str,
                       tables: Sequence[dict[str, str]] | dict[str, str], policy: str = "outer",
                       *, features: Collection[str], partial: str = "mentions",
                       guessed: bool = False) -> Iterator[tuple[list[list[str]], list[str]]]:
    """(features, tags) per annotated sentence of ``layer`` in ``docs`` (see the module doc).

    ``tables``: the gazetteer for the gazetteer features, or one per document; ``partial``:
    what an entity layer of ``partial`` coverage trains (the crf's setting). The ``kinds``
    and ``named`` layers read only documents whose gold states kinds; with ``guessed`` the
    ``named`` layer also reads the others, their capitalised PERSON, ORGANIZATION and LOCATION
    mentions taken as the names
    (:func:`.crf_tagging.capitalised`), only in their sentences that hold one.

    >>> from dateline.schemas import LayerInfo, Layers, Mention
    >>> doc = Document(id="d", text="Ann Lee met the mayor.", entities=(
    ...     Mention(id="a", start=0, end=7, text="Ann Lee", label="PERSON", kind="named"),
    ...     Mention(id="b", start=12, end=21, text="the mayor", label="PERSON", kind="nominal")),
    ...     layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    >>> [tags for _, tags in training_sequences([doc], "named", {}, features=("word",))]
    [['B-PERSON', 'I-PERSON', 'O', 'O', 'O', 'O']]
    >>> [tags for _, tags in training_sequences([doc], "kinds", {}, features=("word",))]
    [['B-named', 'I-named', 'O', 'B-nominal', 'I-nominal', 'O']]
    """
    for k, doc in enumerate(docs):
        info: LayerInfo = getattr(doc.layers, "events" if layer == "events" else "entities")
        unkinded = "kind" in info.not_annotated
        if info.status not in ("gold", "draft") or (
                layer in ("kinds", "named") and unkinded and not (layer == "named" and guessed)):
            continue
        if (part := layer == "entities" and info.coverage == "partial") and partial == "none":
            continue
        regions = None if info.regions is None else [(r.start, r.end) for r in info.regions]
        if layer == "events":
            spans = [(e.trigger.start, e.trigger.end, e.type or UNTYPED, True)
                     for e in doc.events]
        elif layer == "named" and unkinded:
            part = True  # only the sentences holding a guessed name
            spans = [(m.start, m.end, m.label, True) for m in doc.entities
                     if m.label in CORE and capitalised(tokenize(m.text).words, False)]
        elif layer == "named":
            spans = [(m.start, m.end, m.label, True) for m in doc.entities if m.kind == "named"]
        else:
            # The kind model tags exactly the spans the entity model of its policy tags.
            spans = [(m.start, m.end, (m.kind or "nominal") if layer == "kinds" else m.label,
                      m.kind == "named") for m in doc.entities]
        toks = tokenize(doc.text)
        tags = bio_tags(toks, spans, policy)
        table = tables if isinstance(tables, dict) else tables[k]
        lex = match_tags(normalised_words(toks), table)
        # Document consistency from the gold names of the other sentences.
        named = [(m.start, m.end, m.label, True) for m in doc.entities
                 if m.kind == "named"] if layer != "events" else []
        dc = doc_tags(toks, bio_spans(bio_tags(toks, named)), features)
        for a, b in toks.sentences:
            if in_regions(regions, toks.starts[a], toks.ends[b - 1]) and not (
                    part and (partial == "mentions" or layer == "named")
                    and set(tags[a:b]) == {"O"}):
                yield token_features(toks, a, b, lex, dc, features), tags[a:b]


def span_f1(tagger: Any, data: Iterable[tuple[list[list[str]], list[str]]]) -> float:
    """Exact-span F1 of a CRFsuite tagger on (features, gold tags) sentences.

    >>> class Echo:
    ...     def tag(self, xs): return ["B-X" if x == ["w=Ann"] else "O" for x in xs]
    >>> span_f1(Echo(), [([["w=Ann"], ["w=Bob"]], ["B-X", "B-X"])])
    0.6666666666666666
    """
    tp = fp = fn = 0
    for xs, ys in data:
        gold = set(bio_spans(ys))
        pred = set(bio_spans(tagger.tag(xs)))
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def entity_f1(docs: Sequence[Document], extract: Callable[[Document], Document]) -> float:
    """Exact-span F1 of ``extract``'s entity predictions on gold documents, inside their
    annotated regions.

    >>> from dateline.schemas import LayerInfo, Layers, Mention
    >>> gold = Document(id="d", text="Ann", layers=Layers(entities=LayerInfo(status="gold")),
    ...                 entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
    >>> entity_f1([gold], lambda d: d), entity_f1([gold], lambda d: Document(id="d", text="Ann"))
    (1.0, 0.0)
    """
    tp = fp = fn = 0
    for doc in docs:
        info = doc.layers.entities
        if info.status not in ("gold", "draft"):
            continue
        regions = None if info.regions is None else [(r.start, r.end) for r in info.regions]
        gold = {(m.start, m.end, m.label) for m in doc.entities}
        pred = {(m.start, m.end, m.label) for m in extract(doc).entities
                if in_regions(regions, m.start, m.end)}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
