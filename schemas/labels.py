"""The label inventories, read from ``labels.json`` (the single place where labels are listed).

>>> inv = inventory()
>>> inv.core_entity_labels
('PERSON', 'ORGANIZATION', 'LOCATION')
>>> len(inv.event_types), len({t.split(".")[0] for t in inv.event_types})
(33, 8)
>>> inv.event_roles["Contact.Meet"]
('Entity', 'Time', 'Place')
>>> inv.layer_parts["events"]
('type', 'arguments', 'attributes')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Inventory", "inventory", "labels_json"]


@dataclass(frozen=True)
class Inventory:
    """Label names by inventory, in the order of ``labels.json``; definitions in ``definitions``."""

    entity_labels: tuple[str, ...]
    core_entity_labels: tuple[str, ...]
    mention_kinds: tuple[str, ...]
    event_types: tuple[str, ...]
    event_roles: dict[str, tuple[str, ...]]
    roles: tuple[str, ...]
    event_attributes: dict[str, tuple[str, ...]]
    quote_kinds: tuple[str, ...]
    layer_statuses: tuple[str, ...]
    layer_parts: dict[str, tuple[str, ...]]
    layer_coverages: tuple[str, ...]
    definitions: dict[tuple[str, str], str]

    def layer_labels(self, layer: str) -> tuple[str, ...]:
        """The labels a layer's ``LayerInfo.labels`` may name.

        >>> inventory().layer_labels("quotes")
        ('direct', 'indirect', 'mixed')
        """
        return {
            "entities": self.entity_labels,
            "events": self.event_types,
            "quotes": self.quote_kinds,
        }[layer]


def labels_json() -> dict[str, Any]:
    """The raw content of ``labels.json``.

    >>> labels_json()["core_entity_labels"]
    ['PERSON', 'ORGANIZATION', 'LOCATION']
    """
    text = resources.files("dateline.schemas").joinpath("labels.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def inventory() -> Inventory:
    """The label inventory (read once).

    >>> inventory() is inventory(), inventory().quote_kinds
    (True, ('direct', 'indirect', 'mixed'))
    """
    d = labels_json()

    def names(key: str) -> tuple[str, ...]:
        return tuple(item["name"] for item in d[key])

    definitions = {
        (key, item["name"]): item["definition"]
        for key, items in d.items()
        if isinstance(items, list)
        for item in items
        if isinstance(item, dict)
    }
    return Inventory(
        entity_labels=names("entity_labels"),
        core_entity_labels=tuple(d["core_entity_labels"]),
        mention_kinds=names("mention_kinds"),
        event_types=names("event_types"),
        event_roles={t["name"]: tuple(t["roles"]) for t in d["event_types"]},
        roles=names("event_roles"),
        event_attributes={a["name"]: tuple(a["values"]) for a in d["event_attributes"]},
        quote_kinds=names("quote_kinds"),
        layer_statuses=names("layer_statuses"),
        layer_parts={layer: tuple(p["name"] for p in d["layer_parts"] if p["layer"] == layer)
                     for layer in dict.fromkeys(p["layer"] for p in d["layer_parts"])},
        layer_coverages=names("layer_coverages"),
        definitions=definitions,
    )
