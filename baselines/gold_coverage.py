"""What the gold of a benchmark covers, told to the extractors that can use it.

An extractor never sees the gold items, but it may learn the gold layers' *declarations*: which
labels they annotate (``LayerInfo.labels``) and which parts no document annotates
(``LayerInfo.not_annotated``). That is the task definition, not the answer: an event extractor
scored against gold that annotates only ``Conflict.Attack`` should not predict marriages, and
one scored against untyped triggers has no type to predict.

An extractor that wants this has a ``cover(coverage)`` method, called by the benchmark before
any training or prediction with a :class:`Coverage` per layer (:func:`tell_coverage`).

>>> from dateline.schemas import Document, LayerInfo, Layers
>>> typed = Document(id="a", text="", layers=Layers(events=LayerInfo(
...     status="gold", labels=("Conflict.Attack",), not_annotated=("arguments",))))
>>> untyped = Document(id="b", text="", layers=Layers(events=LayerInfo(
...     status="gold", not_annotated=("type", "arguments"))))
>>> c = gold_coverage([typed, untyped], ("gold",))["events"]
>>> sorted(c.labels), sorted(c.missing)
(['Conflict.Attack'], ['arguments'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dateline.schemas import Document
from dateline.schemas.model import LAYERS

__all__ = ["LABEL_PART", "Coverage", "gold_coverage", "tell_coverage"]

# The layer part whose values are the layer's labels, when labels are an annotated part.
LABEL_PART = {"events": "type"}


@dataclass(frozen=True)
class Coverage:
    """What the scored gold documents of one layer cover together.

    ``documents``: how many gold documents are scored on the layer (0: none, the layer is not
    annotated by the gold and not scored). ``labels``: the labels some scored document
    annotates; None when one of them covers every label (its ``labels`` is empty) or no
    document is scored (``documents`` tells the two apart); an empty set when no document
    annotates labels at all (e.g. untyped event triggers). ``missing``: the layer parts
    (``not_annotated`` names) that no scored document annotates.

    >>> Coverage().allows("Life.Die"), Coverage(frozenset({"Life.Die"})).allows("Life.Marry")
    (True, False)
    >>> Coverage().scored, Coverage(documents=2).scored
    (False, True)
    """

    labels: frozenset[str] | None = None
    missing: frozenset[str] = frozenset()
    documents: int = 0

    @property
    def scored(self) -> bool:
        """Whether some gold document is scored on the layer (the gold annotates it).

        >>> Coverage(frozenset({"PERSON"}), documents=1).scored
        True
        """
        return self.documents > 0

    def allows(self, label: str | None) -> bool:
        """Whether a prediction of ``label`` is inside the coverage (None: an unlabelled
        item, allowed only where no label is annotated or coverage is unknown).

        >>> Coverage(frozenset()).allows(None), Coverage(frozenset({"x"})).allows(None)
        (True, False)
        """
        if self.labels is None:
            return True
        if label is None:
            return not self.labels
        return label in self.labels


def gold_coverage(gold: Iterable[Document], statuses: Sequence[str]) -> dict[str, Coverage]:
    """Layer name -> the :class:`Coverage` of the documents whose layer has a status in
    ``statuses`` (the documents a benchmark scores; an ``absent`` layer is never scored).
    The one place that says which layers the gold annotates (``Coverage.scored``).

    >>> from dateline.schemas import LayerInfo, Layers
    >>> d = Document(id="d", text="", layers=Layers(quotes=LayerInfo(status="gold",
    ...              labels=("direct",))))
    >>> cov = gold_coverage([d], ("gold",))
    >>> sorted(cov["quotes"].labels), cov["quotes"].documents, cov["entities"]
    (['direct'], 1, Coverage(labels=None, missing=frozenset(), documents=0))
    """
    labels: dict[str, set[str] | None] = {layer: set() for layer in LAYERS}
    missing: dict[str, set[str]] = {}
    scored = dict.fromkeys(LAYERS, 0)
    for doc in gold:
        for layer in LAYERS:
            info = getattr(doc.layers, layer)
            if info.status == "absent" or info.status not in statuses:
                continue
            scored[layer] += 1
            gaps = set(info.not_annotated)
            missing[layer] = missing[layer] & gaps if layer in missing else gaps
            known = labels[layer]
            if known is None or LABEL_PART.get(layer) in gaps:
                continue
            labels[layer] = known | set(info.labels) if info.labels else None
    out = {}
    for layer in LAYERS:
        found = labels[layer] if layer in missing else None  # None: no document scored
        out[layer] = Coverage(None if found is None else frozenset(found),
                              frozenset(missing.get(layer, ())), scored[layer])
    return out


def tell_coverage(extractor: Any, coverage: Mapping[str, Coverage]) -> bool:
    """Give ``coverage`` to an extractor that has a ``cover`` method; True when it had one.

    >>> class E:
    ...     name, version = "e", "1"
    ...     def cover(self, coverage): self.told = coverage["events"].labels
    >>> e = E()
    >>> tell_coverage(e, {"events": Coverage(frozenset({"Life.Die"}))}), e.told
    (True, frozenset({'Life.Die'}))
    """
    cover = getattr(extractor, "cover", None)
    if not callable(cover):
        return False
    cover(dict(coverage))
    return True
