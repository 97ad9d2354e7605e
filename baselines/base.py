"""The Extractor protocol and the helpers every extractor uses to build its output.

An extractor reads a Document (only ``id``, ``text`` and ``meta`` matter) and returns the same
Document type holding its predictions: the layers it predicts are marked ``silver`` with
``source = "<name>@<version>"`` and ``labels`` = exactly the labels it can predict; every other
layer is ``absent``, so gold and predictions are never mixed in one document.

>>> from dateline.schemas import Document, Mention, check_document
>>> class Shouty:
...     name, version, layers = "shouty", "0.1", ("entities",)
...     def extract(self, doc):
...         found = [Mention(id=f"m{i}", start=0, end=len(doc.text), text=doc.text,
...                          label="PERSON") for i in range(doc.text.isupper())]
...         return predictions(doc, self, entities=(found, ("PERSON",)))
>>> isinstance(Shouty(), Extractor)
True
>>> out = Shouty().extract(Document(id="d", text="BOB"))
>>> out.layers.entities.status, out.layers.entities.source, len(out.entities)
('silver', 'shouty@0.1', 1)
>>> check_document(out)
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from dateline.schemas import DatelineError, Document, Event, LayerInfo, Layers, Mention, Quote
from dateline.schemas.model import LAYERS

__all__ = [
    "LAYERS",
    "Extractor",
    "Trainable",
    "extract_all",
    "layers_of",
    "mark_unscored",
    "predictions",
    "require_trained",
    "strip",
]


@runtime_checkable
class Extractor(Protocol):
    """What the benchmark needs of an extractor.

    ``extract_batch(docs) -> list[Document]`` is optional: :func:`extract_all` uses it when
    present. An optional ``layers`` attribute names the layers the extractor is scored on
    (default: the layers its output marks ``silver``). An optional ``cover(coverage)`` method
    is told what the benchmark's gold layers cover (:mod:`.gold_coverage`) before training.

    >>> from dateline.baselines.quote_marks import QuoteMarks
    >>> isinstance(QuoteMarks(), Extractor), isinstance(object(), Extractor)
    (True, False)
    """

    name: str
    version: str

    def extract(self, doc: Document) -> Document:
        """Return ``doc``'s text and meta with this extractor's predictions."""
        ...


@runtime_checkable
class Trainable(Protocol):
    """An extractor that learns from the train split (tuned on validation only).

    ``train`` returns a small JSON-able report (e.g. the settings validation chose);
    ``save``/``load`` write and read the model in ``directory`` without pickle.

    >>> from dateline.baselines.lexicon import LabelLexicon
    >>> from dateline.baselines.quote_marks import QuoteMarks
    >>> isinstance(LabelLexicon(), Trainable), isinstance(QuoteMarks(), Trainable)
    (True, False)
    """

    @property
    def trained(self) -> bool:
        """True when a model is loaded or trained."""
        ...

    def train(self, train_docs: Sequence[Document],
              validation_docs: Sequence[Document]) -> dict[str, Any]:
        """Learn from ``train_docs``; choose settings on ``validation_docs``."""
        ...

    def save(self, directory: Path) -> None:
        """Write the model into ``directory``."""
        ...

    def load(self, directory: Path) -> None:
        """Read the model from ``directory``."""
        ...


def predictions(doc: Document, extractor: Extractor, *,
                entities: tuple[Iterable[Mention], Sequence[str]] | None = None,
                events: tuple[Iterable[Event], Sequence[str]] | None = None,
                quotes: tuple[Iterable[Quote], Sequence[str]] | None = None) -> Document:
    """``doc``'s id, text and meta with the given layers as silver ``(items, labels)`` pairs;
    a given layer outside the extractor's declared ``layers`` (the mentions its quotes point
    to) has ``partial`` coverage, so it is not scored as a prediction of that layer.

    >>> class E: name, version = "e", "1"
    >>> d = predictions(Document(id="d", text="x"), E(), quotes=([], ("direct",)))
    >>> d.layers.quotes.status, d.layers.quotes.labels, d.layers.events.status
    ('silver', ('direct',), 'absent')
    >>> class Q: name, version, layers = "q", "1", ("quotes",)
    >>> d = predictions(Document(id="d", text="x"), Q(), entities=([], ()), quotes=([], ()))
    >>> d.layers.entities.coverage, d.layers.quotes.coverage
    ('partial', 'exhaustive')
    """
    source = f"{extractor.name}@{extractor.version}"
    scored = getattr(extractor, "layers", None)
    update: dict[str, Any] = {}
    layer_info: dict[str, LayerInfo] = {}
    for layer, given in (("entities", entities), ("events", events), ("quotes", quotes)):
        if given is None:
            update[layer] = ()
            layer_info[layer] = LayerInfo()
        else:
            items, labels = given
            update[layer] = tuple(items)
            # A layer the extractor is not scored on (speaker mentions of quotes): partial.
            coverage = "partial" if scored and layer not in scored else "exhaustive"
            layer_info[layer] = LayerInfo(status="silver", source=source, labels=tuple(labels),
                                          coverage=coverage)
    return Document(id=doc.id, text=doc.text, meta=doc.meta, layers=Layers(**layer_info),
                    **update)


def strip(doc: Document) -> Document:
    """The document with every layer removed: what an extractor gets to see in a benchmark.

    >>> strip(Document(id="d", text="x", layers=Layers(quotes=LayerInfo(status="gold")))).layers
    Layers(entities=LayerInfo(...), events=LayerInfo(...), quotes=LayerInfo(status='absent', ...))
    """
    return Document(id=doc.id, text=doc.text, meta=doc.meta)


def mark_unscored(doc: Document, scored: Sequence[str]) -> Document:
    """``doc`` with every silver layer outside ``scored`` (the layers its extractor declares)
    of ``partial`` coverage: a plug-in that writes the mentions its quotes point to is not
    scored as an entity tagger. Unchanged when nothing is to mark.

    >>> d = Document(id="d", text="x", layers=Layers(entities=LayerInfo(status="silver")))
    >>> mark_unscored(d, ("quotes",)).layers.entities.coverage
    'partial'
    >>> mark_unscored(d, ("entities",)) is d
    True
    """
    update = {layer: getattr(doc.layers, layer).model_copy(update={"coverage": "partial"})
              for layer in LAYERS if layer not in scored
              and getattr(doc.layers, layer).status == "silver"
              and getattr(doc.layers, layer).coverage != "partial"}
    if not update:
        return doc
    return doc.model_copy(update={"layers": doc.layers.model_copy(update=update)})


def layers_of(extractor: Extractor) -> tuple[str, ...]:
    """The layers an extractor is scored on: its ``layers`` attribute, or what it outputs.

    >>> class E:
    ...     name, version = "e", "1"
    ...     def extract(self, doc): return predictions(doc, self, events=([], ()))
    >>> layers_of(E())
    ('events',)
    """
    declared = getattr(extractor, "layers", None)
    if declared:
        return tuple(declared)
    probe = extractor.extract(Document(id="probe", text="Probe."))
    return tuple(layer for layer in LAYERS if getattr(probe.layers, layer).status == "silver")


def extract_all(extractor: Extractor, docs: Iterable[Document], *,
                batch_size: int = 32) -> Iterator[Document]:
    """Run ``extractor`` over ``docs`` in order, through ``extract_batch`` when it has one.

    >>> class E:
    ...     name, version = "e", "1"
    ...     def extract(self, doc): return predictions(doc, self)
    >>> [d.id for d in extract_all(E(), [Document(id="a", text=""), Document(id="b", text="")])]
    ['a', 'b']
    """
    batch_fn = getattr(extractor, "extract_batch", None)
    if batch_fn is None:
        for doc in docs:
            yield extractor.extract(doc)
        return
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= batch_size:
            yield from batch_fn(batch)
            batch = []
    if batch:
        yield from batch_fn(batch)


def require_trained(extractor: Any) -> None:
    """Raise a coded error when a trainable extractor is used before training or loading.

    >>> class T: name, trained = "crf", False
    >>> require_trained(T())
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: ...
    """
    if not getattr(extractor, "trained", True):
        raise DatelineError(
            "extractor-not-trained",
            f"extractor {extractor.name!r} has no model",
            fix=f"run `dateline train {extractor.name}` (or `dateline benchmark`, which "
                "trains what it needs)",
            exit_code=2)
