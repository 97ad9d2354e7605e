"""The layer registry: every scored layer's name, scorer, headline metrics and table columns.

Every consumer of scores — :func:`~dateline.evaluation.report.score`, the comparison, the
benchmark tables, annotator agreement and the error report — iterates this registry; nothing
else spells the list of scored layers. A new layer is one :class:`LayerSpec` (registered with
:func:`register_layer`) and one scorer module returning a
:class:`~dateline.evaluation.results.Result`.

A spec names the Document layer it reads (``data``, one of
:data:`dateline.schemas.model.LAYERS`): that layer's :class:`~dateline.schemas.LayerInfo`
says whether a document is scored (its status) and what it covers, and a system is scored on
the spec only when it predicts that layer.

>>> [spec.name for spec in layers()]
['entities', 'events', 'quotes']
>>> get_layer("quotes").headline
('quote.f1', 'content_tokens.f1', 'speaker_entity.f1')
>>> [c.metric for c in get_layer("entities").columns][:3]
['strict.precision', 'strict.recall', 'strict.f1']
>>> get_layer("relations")
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [unknown-layer] unknown layer 'relations'. Fix: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dateline.evaluation.entities import EntityScores, score_entities
from dateline.evaluation.errors import entity_records, event_records, quote_records
from dateline.evaluation.events import score_events
from dateline.evaluation.matching import ANY_OVERLAP, Overlap
from dateline.evaluation.quotes import score_quotes
from dateline.evaluation.results import LayerScores, Result
from dateline.schemas.errors import DatelineError
from dateline.schemas.names import LAYERS

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import Document

__all__ = [
    "Column",
    "LayerSpec",
    "ScoreOptions",
    "check_layers",
    "get_layer",
    "layer_names",
    "layers",
    "register_layer",
    "registered",
    "score_layers",
    "unregister_layer",
]


@dataclass(frozen=True)
class ScoreOptions:
    """What is scored, for every layer: gold ``statuses``; entity ``labels`` and ``kinds``
    filters; the ``overlap`` a matched pair needs (entities, and quotes in tokens);
    ``keep_items`` keeps what error analysis needs (entity outcomes).

    >>> ScoreOptions(labels=("PERSON",)).to_dict()["labels"]
    ['PERSON']
    """

    statuses: tuple[str, ...] = ("gold",)
    labels: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    overlap: Overlap = ANY_OVERLAP
    keep_items: bool = False

    @classmethod
    def of(cls, statuses: Sequence[str] = ("gold",), labels: Sequence[str] | None = None,
           kinds: Sequence[str] | None = None, overlap: Overlap = ANY_OVERLAP, *,
           keep_items: bool = False) -> ScoreOptions:
        """The options from any sequences (the scoring functions' keyword arguments).

        >>> ScoreOptions.of(["gold", "draft"], kinds=["named"]).kinds
        ('named',)
        """
        return cls(tuple(statuses), tuple(labels) if labels is not None else None,
                   tuple(kinds) if kinds is not None else None, overlap, keep_items)

    def to_dict(self) -> dict[str, object]:
        """The settings as JSON (``keep_items`` changes no number and is left out)."""
        return {"statuses": list(self.statuses),
                "labels": sorted(self.labels) if self.labels is not None else None,
                "kinds": sorted(self.kinds) if self.kinds is not None else None,
                "overlap": self.overlap.to_dict()}


# "Document" quoted: these aliases are built at run time, and the model is not imported
Scorer = Callable[[Sequence["Document"], Sequence["Document"], ScoreOptions], Result]
# (gold, pred, options, the layer's result) -> error-analysis records
Records = Callable[[Sequence["Document"], Sequence["Document"], ScoreOptions, Result],
                   Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class Column:
    """One column of a layer's comparison table: its heading and the flat metric it shows.

    >>> get_layer("quotes").columns[0]
    Column(heading='quote F1', metric='quote.f1')
    """

    heading: str
    metric: str


@dataclass(frozen=True)
class LayerSpec:
    """A scored layer.

    ``name``: how users and reports call it; ``data``: the Document layer it reads;
    ``scorer``: ``(gold, pred, options) -> Result``; ``headline``: the metrics a summary
    shows; ``columns``: the benchmark table; ``per_label``: what the layer's per-label groups
    are keyed by; ``result``: the result type (its ``rows_of`` renders the JSON report);
    ``description``: one line for help texts (``--layer``); ``records``: the error-analysis
    records of the layer (None: none);
    ``recall_columns``: the columns a table adds when documents of partial coverage were
    scored (their recall over all documents: partial coverage gives recall, never precision).

    >>> import dataclasses
    >>> get_layer("events").data, get_layer("events").per_label
    ('events', 'type')
    >>> dataclasses.replace(get_layer("events"), name="toy", data="relations")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-layer] layer spec 'toy' reads Document ...
    """

    name: str
    data: str
    scorer: Scorer
    headline: tuple[str, ...]
    columns: tuple[Column, ...]
    per_label: str
    result: type[Result]
    description: str = ""
    records: Records | None = None
    recall_columns: tuple[Column, ...] = ()

    def __post_init__(self) -> None:
        if self.data not in LAYERS:
            raise DatelineError("unknown-layer", f"layer spec {self.name!r} reads Document "
                                f"layer {self.data!r}", fix=f"use one of {', '.join(LAYERS)}")

    def score(self, gold: Sequence[Document], pred: Sequence[Document],
              options: ScoreOptions | None = None) -> Result:
        """Score ``pred`` against ``gold`` on this layer."""
        return self.scorer(gold, pred, options or ScoreOptions())


def _entities(gold: Sequence[Document], pred: Sequence[Document], o: ScoreOptions) -> Result:
    return score_entities(gold, pred, statuses=o.statuses, labels=o.labels, kinds=o.kinds,
                          overlap=o.overlap, keep_items=o.keep_items)


def _events(gold: Sequence[Document], pred: Sequence[Document], o: ScoreOptions) -> Result:
    return score_events(gold, pred, statuses=o.statuses)


def _quotes(gold: Sequence[Document], pred: Sequence[Document], o: ScoreOptions) -> Result:
    return score_quotes(gold, pred, statuses=o.statuses, overlap=o.overlap)


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(h, m) for h, m in pairs)


_REGISTRY: dict[str, LayerSpec] = {}


def register_layer(spec: LayerSpec, *, replace: bool = False) -> LayerSpec:
    """Add a layer to the registry (``replace``: overwrite one of the same name).

    >>> register_layer(get_layer("quotes"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [layer-registered] a layer called 'quotes' is ...
    >>> register_layer(get_layer("quotes"), replace=True).name
    'quotes'
    """
    if spec.name in _REGISTRY and not replace:
        raise DatelineError("layer-registered", f"a layer called {spec.name!r} is registered "
                            "already", fix="choose another name, or pass replace=True")
    _REGISTRY[spec.name] = spec
    return spec


def unregister_layer(name: str) -> None:
    """Remove a layer from the registry (``unknown-layer`` for a name not registered).

    >>> import dataclasses
    >>> _ = register_layer(dataclasses.replace(get_layer("quotes"), name="toy"))
    >>> unregister_layer("toy")
    >>> "toy" in layer_names()
    False
    """
    get_layer(name)
    del _REGISTRY[name]


@contextmanager
def registered(spec: LayerSpec) -> Iterator[LayerSpec]:
    """Register ``spec`` for the duration of a block (tests, plug-ins tried out).

    >>> spec = LayerSpec("toy", "entities", get_layer("entities").scorer, ("strict.f1",),
    ...                  (Column("F1", "strict.f1"),), "label", EntityScores)
    >>> with registered(spec):
    ...     "toy" in layer_names()
    True
    >>> "toy" in layer_names()
    False
    """
    register_layer(spec)
    try:
        yield spec
    finally:
        _REGISTRY.pop(spec.name, None)


def layers() -> tuple[LayerSpec, ...]:
    """Every registered layer, in registration order.

    >>> [(spec.name, spec.result.__name__) for spec in layers()][0]
    ('entities', 'EntityScores')
    """
    return tuple(_REGISTRY.values())


def layer_names() -> tuple[str, ...]:
    """The names of every registered layer.

    >>> layer_names()
    ('entities', 'events', 'quotes')
    """
    return tuple(_REGISTRY)


def get_layer(name: str) -> LayerSpec:
    """The spec of one layer; ``unknown-layer`` (a usage error) for a name not registered.

    >>> get_layer("entities").headline
    ('strict.f1', 'partial.f1')
    """
    spec = _REGISTRY.get(name)
    if spec is None:
        raise DatelineError("unknown-layer", f"unknown layer {name!r}",
                            fix=f"use one of {', '.join(_REGISTRY)}", exit_code=2)
    return spec


def check_layers(names: Iterable[str]) -> tuple[str, ...]:
    """The names, each checked against the registry.

    >>> check_layers(["quotes", "entities"])
    ('quotes', 'entities')
    """
    return tuple(get_layer(n).name for n in names)


def score_layers(gold: Sequence[Document], pred: Sequence[Document],
                 layers: Sequence[str] | None = None,
                 options: ScoreOptions | None = None) -> dict[str, Result]:
    """Score every requested layer (default: all registered ones) once.

    >>> from dateline.schemas import Document, LayerInfo, Layers, Mention
    >>> g = Document(id="d", text="Ann", layers=Layers(entities=LayerInfo(status="gold")),
    ...              entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
    >>> r = score_layers([g], [g], ("entities",))
    >>> r["entities"].value("strict.f1")
    1.0
    """
    names = check_layers(layers if layers is not None else layer_names())
    gold, pred = list(gold), list(pred)
    return {n: get_layer(n).score(gold, pred, options) for n in names}


register_layer(LayerSpec(
    "entities", "entities", _entities,
    headline=("strict.f1", "partial.f1"),
    columns=_columns(("strict P", "strict.precision"), ("strict R", "strict.recall"),
                     ("strict F1", "strict.f1"), ("partial P", "partial.precision"),
                     ("partial R", "partial.recall"), ("partial F1", "partial.f1")),
    per_label="label", result=EntityScores,
    description="entity mentions: the four SemEval-2013 modes",
    records=entity_records,
    recall_columns=_columns(("strict R (all docs)", "strict.recall_all"),
                            ("partial R (all docs)", "partial.recall_all"))))
register_layer(LayerSpec(
    "events", "events", _events,
    headline=("trigger_identification.f1", "trigger_classification.f1",
              "argument_classification.f1"),
    columns=_columns(("trigger id P", "trigger_identification.precision"),
                     ("trigger id R", "trigger_identification.recall"),
                     ("trigger id F1", "trigger_identification.f1"),
                     ("trigger cls F1", "trigger_classification.f1"),
                     ("arg id F1", "argument_identification.f1"),
                     ("arg cls F1", "argument_classification.f1")),
    per_label="type", result=LayerScores, description="event triggers and arguments",
    records=event_records,
    recall_columns=_columns(("trigger id R (all docs)", "trigger_identification.recall_all"),
                            ("arg id R (all docs)", "argument_identification.recall_all"))))
register_layer(LayerSpec(
    "quotes", "quotes", _quotes,
    headline=("quote.f1", "content_tokens.f1", "speaker_entity.f1"),
    columns=_columns(("quote F1", "quote.f1"), ("content tok P", "content_tokens.precision"),
                     ("content tok R", "content_tokens.recall"),
                     ("content tok F1", "content_tokens.f1"),
                     ("content exact F1", "content_exact.f1"), ("cue F1", "cue_exact.f1"),
                     ("speaker mention F1", "speaker_mention.f1"),
                     ("speaker entity F1", "speaker_entity.f1")),
    per_label="kind", result=LayerScores, description="quotes: content, cue and speaker",
    records=quote_records,
    recall_columns=_columns(("quote R (all docs)", "quote.recall_all"),
                            ("content tok R (all docs)", "content_tokens.recall_all"),
                            ("speaker entity R (all docs)", "speaker_entity.recall_all"))))
