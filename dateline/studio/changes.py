"""What changed between two versions of one pulled annotation, said per layer.

Items are matched by id (Label Studio keeps a region's id when it is edited): an id only in
the new version was added, one only in the old was removed, one whose label (an entity's
label, an event's type, a quote's kind) changed was relabelled, and one that differs
otherwise was edited. Coreference clusters count as entity edits.

>>> old = {"entities": [{"id": "m1", "start": 0, "end": 2, "label": "PERSON"}]}
>>> new = {"entities": [{"id": "m1", "start": 0, "end": 2, "label": "LOCATION"},
...                     {"id": "m2", "start": 7, "end": 9, "label": "PERSON"}]}
>>> describe_change(old, new)
'entities: 1 added (m2), 1 relabelled (m1 PERSON → LOCATION)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["describe_change", "summary"]

_LABEL = {"entities": "label", "events": "type", "quotes": "kind"}
_SHOWN = 3  # ids named per kind of change


def _items(doc: Mapping[str, Any], layer: str) -> dict[str, dict[str, Any]]:
    items = doc.get(layer)
    return {str(i.get("id")): i for i in items if isinstance(i, dict)} \
        if isinstance(items, list) else {}


def _ids(ids: list[str]) -> str:
    more = f", … {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else ""
    return ", ".join(ids[:_SHOWN]) + more


def summary(doc: Mapping[str, Any]) -> str:
    """Item counts of an annotation's JSON.

    >>> summary({"entities": [{"id": "m1"}], "quotes": []})
    '1 entities, 0 events, 0 quotes'
    """
    return ", ".join(f"{len(_items(doc, layer))} {layer}" for layer in _LABEL)


def describe_change(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """The items added, removed, relabelled and edited per layer (``"no item changed"``
    when only the provenance did: another annotation id, another annotator name).

    >>> describe_change({"quotes": [{"id": "q1", "kind": "direct"}]}, {"quotes": []})
    'quotes: 1 removed (q1)'
    >>> describe_change({"quotes": []}, {"quotes": []})
    'no item changed'
    """
    parts = []
    for layer, key in _LABEL.items():
        a, b = _items(old, layer), _items(new, layer)
        added = [i for i in b if i not in a]
        removed = [i for i in a if i not in b]
        relabelled, edited = [], []
        for i in a.keys() & b.keys():
            if a[i] == b[i]:
                continue
            rest_a = {k: v for k, v in a[i].items() if k != key}
            rest_b = {k: v for k, v in b[i].items() if k != key}
            if rest_a == rest_b:
                relabelled.append(f"{i} {a[i].get(key)} → {b[i].get(key)}")
            else:
                edited.append(i)
        said = [f"{len(ids)} {what} ({_ids(sorted(ids))})" for what, ids in (
            ("added", added), ("removed", removed), ("relabelled", relabelled),
            ("edited", edited)) if ids]
        if said:
            parts.append(f"{layer}: {', '.join(said)}")
    return "; ".join(parts) or "no item changed"
