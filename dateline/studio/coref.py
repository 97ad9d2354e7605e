"""Coreference clusters and entity links through Label Studio: a text box per entity region.

Two per-region text controls qualify entity regions (shown while one is selected):
``entity_cluster`` holds the mention's coreference cluster id (``Mention.entity``: mentions
with one id are one entity, so a quote's speaker mention names its entity too) and
``entity_link`` its link (``Mention.link``: a Wikidata id or Wikipedia title). Each is one
``textarea`` result item with the region's id and offsets and the value as a one-string list,
so ids come back exactly as they were pushed or typed. On the way back, a value on a region
that is no entity mention, on a missing region, twice on one region, or empty is a problem
(:mod:`dateline.studio.results` reports it like any other). An annotation in which no
mention has a cluster id (or a link) declares ``coreference`` (or ``link``) not annotated
(``LayerInfo.not_annotated``), so that no coreference metric reads its empty boxes as "every
mention a singleton".

>>> from dateline.schemas import Document, Mention
>>> m = Mention(id="m1", start=0, end=3, text="Ann", label="PERSON", entity="e1", link="Q42")
>>> [(r["from_name"], r["value"]["text"]) for r in mention_results(m)]
[('entity_cluster', ['e1']), ('entity_link', ['Q42'])]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dateline.schemas import Document, Mention
from dateline.schemas.errors import quote_value

__all__ = ["CLUSTER", "FIELDS", "LINK", "config_lines", "mention_fields", "mention_results",
           "read_note", "unfilled_parts"]

CLUSTER, LINK = "entity_cluster", "entity_link"
FIELDS = {CLUSTER: "entity", LINK: "link"}  # control -> Mention field
_HELP = {CLUSTER: "coreference cluster (one id per entity, e.g. e1)",
         LINK: "link (Wikidata id or Wikipedia title)"}
Add = Callable[[str, str, str], None]  # (check id, message, JSON path) -> reported


def config_lines(entity_control: str, text: str) -> list[str]:
    """The labeling-config XML lines of the two text boxes, shown with an entity region.

    >>> config_lines("entity", "text")[1]
    '    <Header value="coreference cluster (one id per entity, e.g. e1)"/>'
    """
    lines = [f'  <View visibleWhen="region-selected" whenTagName="{entity_control}">']
    for name, help_ in _HELP.items():
        lines.append(f'    <Header value="{help_}"/>')
        lines.append(f'    <TextArea name="{name}" toName="{text}" perRegion="true" '
                     'maxSubmissions="1" editable="true" rows="1"/>')
    return [*lines, "  </View>"]


def mention_results(m: Mention, text: str = "text") -> list[dict[str, Any]]:
    """The ``textarea`` result items of a mention's cluster and link (none when unset).

    >>> mention_results(Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"))
    []
    """
    return [{"id": m.id, "from_name": name, "to_name": text, "type": "textarea",
             "value": {"start": m.start, "end": m.end, "text": [value]}}
            for name, value in ((CLUSTER, m.entity), (LINK, m.link)) if value is not None]


def read_note(item: Mapping[str, Any], path: str, add: Add,
              text: str = "text") -> tuple[str, str, str, str] | None:
    """``(region id, control, value, path)`` of a ``textarea`` result item, or None after
    reporting why it cannot be read.

    >>> found = []
    >>> def add(check, message, path):
    ...     found.append((check, path))
    >>> read_note({"id": "m1", "from_name": "entity_cluster", "to_name": "text",
    ...            "value": {"text": [" e1 "]}}, "$.result[3]", add)
    ('m1', 'entity_cluster', 'e1', '$.result[3]')
    >>> read_note({"id": "m1", "from_name": "entity_cluster", "to_name": "text",
    ...            "value": {"text": ["e1", "e2"]}}, "$.result[3]", add), found
    (None, [('studio-label-count', '$.result[3].value.text')])
    """
    control = item.get("from_name")
    if control not in FIELDS or item.get("to_name") != text:
        add("studio-unknown-control", f"text control {quote_value(control)} is not in the "
            f"labeling config ({', '.join(FIELDS)} on {text!r}); update the project with "
            "`dateline studio config`", f"{path}.from_name")
        return None
    values = (item.get("value") or {}).get("text")
    if not isinstance(values, list) or len(values) != 1 or not str(values[0]).strip():
        add("studio-label-count", f"{control} has {quote_value(values)}; keep exactly one "
            "value", f"{path}.value.text")
        return None
    return str(item.get("id")), control, str(values[0]).strip(), path


def mention_fields(notes: Sequence[tuple[str, str, str, str]], kinds: Mapping[str, str],
                   bad: set[str], add: Add) -> dict[str, dict[str, str]]:
    """Region id -> the Mention fields (``entity``, ``link``) its notes set; ``kinds`` maps
    region ids to their kinds (``mention``, ``event``, ...), ``bad`` holds ids of regions
    already refused (whose notes are not reported again).

    >>> found = []
    >>> def add(check, message, path):
    ...     found.append((check, path))
    >>> mention_fields([("m1", "entity_cluster", "e1", "$.result[2]")], {"m1": "mention"},
    ...                set(), add)
    {'m1': {'entity': 'e1'}}
    >>> mention_fields([("v1", "entity_link", "Q1", "$.result[2]")], {"v1": "event"}, set(),
    ...                add), found
    ({}, [('studio-relation-kinds', '$.result[2].from_name')])
    """
    out: dict[str, dict[str, str]] = {}
    for rid, control, value, path in notes:
        kind = kinds.get(rid)
        if kind is None:
            if rid not in bad:
                add("studio-dangling-relation", f"{control} names region {quote_value(rid)}, "
                    "which is not in the result", f"{path}.id")
        elif kind != "mention":
            add("studio-relation-kinds", f"{control} qualifies entity regions only, and "
                f"region {quote_value(rid)} is no entity; remove it", f"{path}.from_name")
        elif FIELDS[control] in out.get(rid, {}):
            add("studio-label-count", f"region {quote_value(rid)} has two {control} values; "
                "keep one", f"{path}.id")
        else:
            out.setdefault(rid, {})[FIELDS[control]] = value
    return out


def unfilled_parts(doc: Document) -> Document:
    """``doc`` with ``coreference`` / ``link`` declared not annotated in its entity layer when
    no mention has a cluster id / a link.

    >>> from dateline.schemas import LayerInfo, Layers
    >>> doc = Document(id="d", text="Ann left.", layers=Layers(entities=LayerInfo(
    ...     status="gold")), entities=(Mention(id="m1", start=0, end=3, text="Ann",
    ...     label="PERSON", entity="e1"),))
    >>> unfilled_parts(doc).layers.entities.not_annotated
    ('link',)
    """
    info = doc.layers.entities
    missing = [part for part, field in (("coreference", "entity"), ("link", "link"))
               if part not in info.not_annotated
               and all(getattr(m, field) is None for m in doc.entities)]
    if not missing:
        return doc
    entities = info.model_copy(update={"not_annotated": (*info.not_annotated, *missing)})
    return doc.model_copy(update={"layers": doc.layers.model_copy(update={
        "entities": entities})})
