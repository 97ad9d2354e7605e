"""The validator's levels 2 and 3 at the cost of a pass over the items: the fast path of
:func:`~dateline.schemas.check_document` for the files ``score``, ``compare`` and ``report``
read.

Why a second checker and not a faster first one: :func:`~dateline.schemas.check_document`
is the reference (it names each problem, with its message and JSON path, and the tests of
every check id hold it), and it walks every item through generators, path strings and the
inventory's tuples; on 20,000 predicted documents that was most of ``dateline score``. Almost
every document of such a file has no problem at all, so :func:`is_clean` answers only that
question, in one loop per layer over the structs (or the pydantic objects: attributes only),
with the inventory as sets. A document it is not sure of (any condition failed) is checked by
the reference, so the incidents are always exactly the reference's: :func:`check_fast` returns
``check_document(doc)`` for it and ``[]`` otherwise. ``is_clean(doc)`` is True only when the
reference finds nothing; a differential test holds the two equal on every invalid fixture and
on mutated documents.

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> ok = Document(id="d", text="Ann left.", entities=(
...     Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),),
...     layers=Layers(entities=LayerInfo(status="silver", labels=("PERSON",))))
>>> is_clean(ok), check_fast(ok)
(True, [])
>>> bad = ok.model_copy(update={"entities": (
...     Mention(id="m1", start=0, end=3, text="Ann", label="HERO"),)})
>>> is_clean(bad), [(i.check, i.path) for i in check_fast(bad)]
(False, [('unknown-label', '$.entities[0].label')])
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from dateline.schemas.checks import check_document
from dateline.schemas.errors import Incident
from dateline.schemas.fast import FastLayers as _STRUCT_LAYERS
from dateline.schemas.labels import Inventory, inventory

__all__ = ["InventorySets", "check_fast", "inventory_sets", "is_clean"]


@dataclass(frozen=True)
class InventorySets:
    """The label inventory as sets, for membership tests in the inner loops.

    >>> sets = inventory_sets(inventory())
    >>> "PERSON" in sets.entity_labels, "pronoun" in sets.mention_kinds
    (True, True)
    """

    entity_labels: frozenset[str]
    mention_kinds: frozenset[str]
    event_types: frozenset[str]
    event_roles: dict[str, frozenset[str]]
    roles: frozenset[str]
    event_attributes: dict[str, frozenset[str]]
    quote_kinds: frozenset[str]
    layer_statuses: frozenset[str]
    layer_coverages: frozenset[str]
    layer_labels: dict[str, frozenset[str]]
    layer_parts: dict[str, frozenset[str]]


_SETS: dict[int, tuple[Inventory, InventorySets]] = {}  # by id: an Inventory is unhashable


def inventory_sets(inv: Inventory) -> InventorySets:
    """:class:`InventorySets` of an inventory (computed once per inventory).

    >>> inventory_sets(inventory()) is inventory_sets(inventory())
    True
    """
    known = _SETS.get(id(inv))
    if known is not None and known[0] is inv:
        return known[1]
    sets = InventorySets(
        entity_labels=frozenset(inv.entity_labels),
        mention_kinds=frozenset(inv.mention_kinds),
        event_types=frozenset(inv.event_types),
        event_roles={t: frozenset(r) for t, r in inv.event_roles.items()},
        roles=frozenset(inv.roles),
        event_attributes={a: frozenset(v) for a, v in inv.event_attributes.items()},
        quote_kinds=frozenset(inv.quote_kinds),
        layer_statuses=frozenset(inv.layer_statuses),
        layer_coverages=frozenset(inv.layer_coverages),
        layer_labels={layer: frozenset(inv.layer_labels(layer))
                      for layer in ("entities", "events", "quotes")},
        layer_parts={layer: frozenset(p) for layer, p in inv.layer_parts.items()},
    )
    _SETS[id(inv)] = (inv, sets)  # the inventory is kept, so its id is not reused
    return sets


_NONE: frozenset[str] = frozenset()


def _span_ok(span: Any, text: str, n: int) -> bool:
    # Level 2 of one span: inside the text, not inverted, not empty, its text the slice.
    s, e = span.start, span.end
    return 0 <= s < e <= n and text[s:e] == span.text


def _inside(regions: Any, span: Any) -> bool:
    # Not outside the layer's annotated regions (None: the whole text is annotated).
    if regions is None:
        return True
    s, e = span.start, span.end
    return any(r.start <= s and e <= r.end for r in regions)


def _layer_ok(layer: str, info: Any, items: Any, sets: InventorySets, n: int) -> bool:
    # The layer's own checks: its regions (level 2), status, coverage, labels, parts.
    if info.regions is not None and not all(0 <= r.start < r.end <= n for r in info.regions):
        return False
    if info.status not in sets.layer_statuses:
        return False
    if info.coverage not in sets.layer_coverages:
        return False
    if info.status == "absent" and items:
        return False
    if not sets.layer_labels[layer].issuperset(info.labels):
        return False
    return not info.not_annotated or sets.layer_parts.get(layer, _NONE).issuperset(
        info.not_annotated)


# The last layers checked, with what they gave: a file's documents mostly have equal layers
# (one shared object when read by dateline.schemas.fast.sharing; structs compare in C), whose
# checks need not be run again. Kept only when no layer has regions (whose bounds depend on
# the text).
_LAST: list[Any] = [None, None, None, None]  # layers, sets, which layers are empty, labels


def _layers_ok(layers: Any, sets: InventorySets, n: int, empty: tuple[bool, bool, bool]
               ) -> frozenset[str] | None:
    # The three layers' own checks (_layer_ok; ``empty``: whether each has no items); if they
    # pass, the entity labels an item may carry (_covered), else None.
    last = _LAST
    if sets is last[1] and empty == last[2] and (
            layers is last[0] or (type(layers) is _STRUCT_LAYERS and layers == last[0])):
        return last[3]  # type: ignore[no-any-return]
    entities, events, quotes = layers.entities, layers.events, layers.quotes
    labels = (_covered(entities, sets.entity_labels)
              if _layer_ok("entities", entities, not empty[0], sets, n)
              and _layer_ok("events", events, not empty[1], sets, n)
              and _layer_ok("quotes", quotes, not empty[2], sets, n) else None)
    if entities.regions is None and events.regions is None and quotes.regions is None:
        last[:] = layers, sets, empty, labels
    return labels


def _covered(info: Any, known: frozenset[str]) -> frozenset[str]:
    # The values an item of the layer may carry: in the inventory and declared by the layer
    # (a layer with items is not absent, or _layer_ok refused it already).
    return known.intersection(info.labels)


def is_clean(doc: Any, inv: Inventory | None = None) -> bool:
    """Whether :func:`~dateline.schemas.check_document` (levels 2 and 3) finds nothing in
    ``doc`` (a Document or a :class:`~dateline.schemas.fast.FastDocument`). False means "not
    sure": the reference decides.

    >>> from dateline.schemas import Document
    >>> is_clean(Document(id="d", text="Hi.")), is_clean(Document(id="", text="Hi."))
    (True, False)
    """
    sets = inventory_sets(inv or inventory())
    if not doc.id:
        return False
    published = doc.meta.published
    if published is not None:
        try:
            _dt.date.fromisoformat(published)
        except ValueError:
            return False
    layers = doc.layers
    entities, events, quotes = doc.entities, doc.events, doc.quotes
    text = doc.text
    n = len(text)
    labels = _layers_ok(layers, sets, n, (not entities, not events, not quotes))
    if labels is None:
        return False
    mention_ids: set[str] = set()
    if entities:
        kinds = sets.mention_kinds
        add = mention_ids.add
        for m in entities:
            s, e = m.start, m.end
            if not (0 <= s < e <= n) or text[s:e] != m.text or m.label not in labels:
                return False
            if m.kind is not None and m.kind not in kinds:
                return False
            add(m.id)
        regions = layers.entities.regions
        if regions is not None and not all(_inside(regions, m) for m in entities):
            return False
    ids = set(mention_ids)
    if events and not _events_ok(events, layers.events, text, n, mention_ids, sets, ids):
        return False
    if quotes and not _quotes_ok(quotes, layers.quotes, text, n, mention_ids, sets, ids):
        return False
    return "" not in ids and len(ids) == len(entities) + len(events) + len(quotes)


def _events_ok(events: Any, info: Any, text: str, n: int, mention_ids: set[str],
               sets: InventorySets, ids: set[str]) -> bool:
    types = _covered(info, sets.event_types)
    for ev in events:
        if not _span_ok(ev.trigger, text, n) or not _inside(info.regions, ev.trigger):
            return False
        if ev.type is not None and ev.type not in types:
            return False
        allowed = sets.event_roles.get(ev.type or "", sets.roles)
        for a in ev.arguments:
            if a.role not in allowed or (a.mention is None) == (a.span is None):
                return False
            if a.mention is not None:
                if a.mention not in mention_ids:
                    return False
            elif not _span_ok(a.span, text, n):
                return False
        for name, value in ev.attributes.items():
            values = sets.event_attributes.get(name)
            if values is None or value not in values:
                return False
        ids.add(ev.id)
    return True


def _quotes_ok(quotes: Any, info: Any, text: str, n: int, mention_ids: set[str],
               sets: InventorySets, ids: set[str]) -> bool:
    kinds = _covered(info, sets.quote_kinds)
    for q in quotes:
        if not q.content or q.kind not in kinds:
            return False
        if not all(_span_ok(s, text, n) and _inside(info.regions, s) for s in q.content):
            return False
        if q.cue is not None and not (_span_ok(q.cue, text, n) and _inside(info.regions, q.cue)):
            return False
        if q.speaker is not None:
            if q.speaker_span is not None or q.speaker not in mention_ids:
                return False
        elif q.speaker_span is not None and not _span_ok(q.speaker_span, text, n):
            return False
        ids.add(q.id)
    return True


def check_fast(doc: Any, *, level: int = 3, inv: Inventory | None = None) -> list[Incident]:
    """The incidents of :func:`~dateline.schemas.check_document` (levels 2 up to ``level``),
    found by the reference only for a document :func:`is_clean` is not sure of.

    >>> from dateline.schemas import Document, Mention
    >>> doc = Document(id="d", text="Ann", entities=(
    ...     Mention(id="m1", start=0, end=3, text="Bob", label="PERSON"),))
    >>> [i.check for i in check_fast(doc, level=2)]
    ['text-mismatch']
    """
    if level >= 3 and is_clean(doc, inv):
        return []
    return check_document(doc, level=level, inv=inv)
