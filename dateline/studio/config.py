"""The Label Studio labeling config, generated from ``labels.json``.

Label Studio has one global set of relation labels, not one per pair of region kinds, so a
relation's role is its label (``speaker``, ``cue``, ``part``, ``arg:<Role>``) and which region
kinds it may join is checked by :mod:`dateline.studio.results` on the way back.

Span controls, all on the one ``text`` object:

- ``entity``: one label per entity label (``PERSON``, ...); per-region choice ``kind``.
- ``event``: one label per event type (``Conflict.Attack``, ...), ``untyped`` for a trigger
  without type, and ``ARGUMENT`` for an argument span that is no entity mention; per-region
  choices ``event_<attribute>`` (polarity, tense, ...).
- ``quote``: ``QUOTE:direct`` / ``QUOTE:indirect`` / ``QUOTE:mixed`` for quote content,
  ``CUE``, and ``SPEAKER`` for a speaker that is no entity mention.

Per-region text boxes ``entity_cluster`` and ``entity_link`` carry a mention's coreference
cluster and link (:mod:`dateline.studio.coref`).

>>> xml = labeling_config()
>>> '<Label value="Conflict.Attack"/>' in xml, '<Relation value="arg:Victim"/>' in xml
(True, True)
>>> spec = control_labels()
>>> spec["quote"]
('QUOTE:direct', 'QUOTE:indirect', 'QUOTE:mixed', 'CUE', 'SPEAKER')
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from dateline.schemas import Inventory, inventory
from dateline.studio.coref import config_lines

__all__ = [
    "ARGUMENT",
    "CUE",
    "ENTITY",
    "EVENT",
    "KIND",
    "QUOTE",
    "SPEAKER",
    "TEXT",
    "UNTYPED",
    "attribute_control",
    "choice_controls",
    "control_labels",
    "labeling_config",
    "quote_label",
    "relation_labels",
]

TEXT = "text"
ENTITY, EVENT, QUOTE, KIND = "entity", "event", "quote", "kind"
UNTYPED, ARGUMENT = "untyped", "ARGUMENT"
CUE, SPEAKER = "CUE", "SPEAKER"
REL_SPEAKER, REL_CUE, REL_PART, REL_ARG = "speaker", "cue", "part", "arg:"


def quote_label(kind: str) -> str:
    """The span label of quote content of a kind.

    >>> quote_label("direct")
    'QUOTE:direct'
    """
    return f"QUOTE:{kind}"


def attribute_control(name: str) -> str:
    """The per-region choice control of an event attribute.

    >>> attribute_control("polarity")
    'event_polarity'
    """
    return f"event_{name}"


def control_labels(inv: Inventory | None = None) -> dict[str, tuple[str, ...]]:
    """Span control name -> the label values it offers.

    >>> labels = control_labels()
    >>> sorted(labels), "PERSON" in labels["entity"], labels["event"][-2:]
    (['entity', 'event', 'quote'], True, ('untyped', 'ARGUMENT'))
    """
    inv = inv or inventory()
    return {
        ENTITY: inv.entity_labels,
        EVENT: (*inv.event_types, UNTYPED, ARGUMENT),
        QUOTE: (*(quote_label(k) for k in inv.quote_kinds), CUE, SPEAKER),
    }


def choice_controls(inv: Inventory | None = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Per-region choice control name -> (span control it qualifies, allowed values).

    >>> choice_controls()["kind"]
    ('entity', ('named', 'nominal', 'pronoun'))
    """
    inv = inv or inventory()
    out = {KIND: (ENTITY, inv.mention_kinds)}
    out.update({attribute_control(a): (EVENT, v) for a, v in inv.event_attributes.items()})
    return out


def relation_labels(inv: Inventory | None = None) -> tuple[str, ...]:
    """Every relation label: quote roles, then ``arg:<Role>`` for each event role.

    >>> relation_labels()[:4]
    ('speaker', 'cue', 'part', 'arg:Adjudicator')
    """
    inv = inv or inventory()
    return (REL_SPEAKER, REL_CUE, REL_PART, *(f"{REL_ARG}{r}" for r in inv.roles))


def _labels(name: str, values: tuple[str, ...]) -> list[str]:
    out = [f"  <Labels name={quoteattr(name)} toName={quoteattr(TEXT)}>"]
    out += [f"    <Label value={quoteattr(v)}/>" for v in values]
    return [*out, "  </Labels>"]


def labeling_config(inv: Inventory | None = None) -> str:
    """The labeling config XML for ``inv`` (default: ``labels.json``).

    >>> xml = labeling_config()
    >>> xml.splitlines()[:3]
    ['<View>', '  <Relations>', '    <Relation value="speaker"/>']
    >>> '<Text name="text" value="$text" granularity="symbol"/>' in xml
    True
    """
    inv = inv or inventory()
    spans = control_labels(inv)
    lines = ["<View>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(v)}/>" for v in relation_labels(inv)]
    lines.append("  </Relations>")
    for header, name in (("Entities", ENTITY), ("Event triggers and arguments", EVENT),
                         ("Quotes: content, cue, speaker", QUOTE)):
        lines.append(f"  <Header value={quoteattr(header)}/>")
        lines += _labels(name, spans[name])
    lines.append(f"  <Text name={quoteattr(TEXT)} value=\"$text\" granularity=\"symbol\"/>")
    for name, (target, values) in choice_controls(inv).items():
        # Shown only while a region of the qualified control is selected.
        lines.append(f"  <View visibleWhen=\"region-selected\" whenTagName={quoteattr(target)}>")
        lines.append(f"    <Header value={quoteattr(name)}/>")
        lines.append(f"    <Choices name={quoteattr(name)} toName={quoteattr(TEXT)} "
                     "perRegion=\"true\" choice=\"single\">")
        lines += [f"      <Choice value={quoteattr(v)}/>" for v in values]
        lines += ["    </Choices>", "  </View>"]
    lines += config_lines(ENTITY, TEXT)
    lines.append("</View>")
    return "\n".join(lines) + "\n"
