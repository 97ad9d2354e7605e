"""Merge several annotators' Documents into one corpus annotation, by a stated policy.

- ``adjudicator``: a designated annotator's Document is taken as it is (the adjudicator
  reviews the others in Label Studio and submits the final version).
- ``majority``: an item is kept when more than half of the document's annotators have it
  (mentions by span and label, events by trigger and type, quotes by content and kind); its
  arguments, speaker, cue, mention kind, link and attributes by the same rule, and two kept
  mentions share a coreference cluster when a majority put them in one (clusters get new ids,
  ``e1``, ``e2``, ... in text order). Everything with
  support but no majority is listed as a conflict for review. Needs two or more annotators.

Provenance: the layers name every annotator, the Label Studio ids of the merged annotations,
and the policy; a layer is ``gold`` only when every merged layer was (made by people).

Coverage: a layer with an unresolved conflict is ``coverage: partial``. What it holds had a
majority, so it stays ``gold`` (people made every label); what a conflict dropped (a person
marked by one annotator of two) is neither confirmed nor ruled out, so the layer cannot say
that an unmatched prediction is wrong: scorers read its recall, never its precision. Once the
conflicts are resolved (an adjudicator's version in Label Studio, ``--policy adjudicator``),
the layer is exhaustive again. ``draft`` would be wrong here: it means written by the
maintainers, not by the annotators.

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> lay = Layers(entities=LayerInfo(status="gold", labels=("PERSON", "LOCATION"),
...              source="labelstudio:project/1/task/1/annotation/1"))
>>> def ann(*labels):
...     return Document(id="d", text="Ann met Bo.", layers=lay, entities=tuple(
...         Mention(id=f"m{i}", start=s, end=e, text="Ann met Bo."[s:e], label=lab)
...         for i, (s, e, lab) in enumerate(zip((0, 8), (3, 10), labels))))
>>> merged = adjudicate({"a": ann("PERSON", "PERSON"), "b": ann("PERSON", "LOCATION"),
...                      "c": ann("PERSON", "PERSON")}, policy="majority")
>>> [m.text for m in merged.doc.entities], merged.conflicts[0].item
(['Ann', 'Bo'], "LOCATION 'Bo' [8, 10)")
>>> merged.doc.layers.entities.status, merged.doc.layers.entities.annotators
('gold', ('a', 'b', 'c'))
>>> merged.doc.layers.entities.coverage, merged.doc.layers.quotes.coverage
('partial', 'exhaustive')
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dateline.schemas import (
    Argument,
    DatelineError,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Quote,
    Span,
)
from dateline.schemas.model import LAYERS
from dateline.studio.pseudonyms import is_address, pseudonym, team_key

__all__ = ["POLICIES", "Adjudicated", "Conflict", "adjudicate", "resolve_adjudicator"]

POLICIES = ("adjudicator", "majority")
_RANK = {"gold": 0, "draft": 1, "silver": 2, "absent": 3}


@dataclass(frozen=True)
class Conflict:
    """An item or value some annotators gave and no majority agreed on.

    >>> print(Conflict("d1", "entities", "PERSON 'Bo' [8, 10)", ("b",), 3))
    d1 entities: PERSON 'Bo' [8, 10) — 1 of 3 (b)
    """

    doc_id: str
    layer: str
    item: str
    annotators: tuple[str, ...]
    of: int

    def __str__(self) -> str:
        return (f"{self.doc_id} {self.layer}: {self.item} — {len(self.annotators)} of "
                f"{self.of} ({', '.join(self.annotators)})")


@dataclass
class Adjudicated:
    """The merged Document (None when the policy cannot apply) and what needs review.

    >>> from dateline.schemas import Document
    >>> adjudicate({"a": Document(id="d", text="Hi.")}, policy="majority")
    Adjudicated(doc=None, conflicts=[], reason='one annotator (a); a majority needs two or more')
    """

    doc: Document | None
    conflicts: list[Conflict] = field(default_factory=list)
    reason: str | None = None

    @property
    def partial_layers(self) -> list[str]:
        """The layers of the merged Document that are not exhaustive (unresolved conflicts).

        >>> Adjudicated(None).partial_layers
        []
        """
        if self.doc is None:
            return []
        return [k for k in LAYERS if getattr(self.doc.layers, k).coverage != "exhaustive"]


def _provenance(docs: Mapping[str, Document], policy: str, chosen: Document) -> Layers:
    out = {}
    for layer in LAYERS:
        infos = [getattr(d.layers, layer) for d in docs.values()]
        status = max((i.status for i in infos), key=lambda s: _RANK.get(s, 9))
        sources = sorted({i.source for i in infos if i.source})
        base: LayerInfo = getattr(chosen.layers, layer)
        labels = [lab for lab in base.labels if all(lab in i.labels for i in infos)]
        coverage = "exhaustive" if all(i.coverage == "exhaustive" for i in infos) \
            else "partial"
        out[layer] = base.model_copy(update={
            "status": status, "annotators": tuple(sorted(docs)), "labels": tuple(labels),
            "coverage": coverage,
            "source": f"{policy}: {'; '.join(sources)}" if sources else policy})
    return Layers(**out)


def _span_key(s: Span | Mention) -> tuple[int, int]:
    return (s.start, s.end)


def _describe(label: str, text: str, start: int, end: int) -> str:
    return f"{label} {text!r} [{start}, {end})"


def _clusters(kept: Sequence[Hashable], by_key: Mapping[str, Mapping[Hashable, Mention]],
              need: int, conflict: Any) -> dict[Hashable, str]:
    """Cluster ids (``e1``, ``e2``, ... in text order) of the ``kept`` mention keys: two share
    a cluster when ``need`` annotators put them in one (and so on, transitively); a pair with
    support but no majority is a ``conflict(pair, annotators)``. Unclustered: no id."""
    pairs: dict[tuple[Hashable, Hashable], list[str]] = {}
    order = {k: i for i, k in enumerate(kept)}
    for a, mentions in by_key.items():
        groups: dict[str, list[Hashable]] = {}
        for key, m in mentions.items():
            if m.entity is not None and key in order:
                groups.setdefault(m.entity, []).append(key)
        for members in groups.values():
            for pair in itertools.combinations(sorted(members, key=order.__getitem__), 2):
                pairs.setdefault(pair, []).append(a)
    parent = {k: k for k in kept}

    def root(k: Hashable) -> Hashable:
        while parent[k] != k:
            k = parent[k]
        return k

    for (x, y), who in pairs.items():
        if len(who) >= need:
            rx, ry = sorted((root(x), root(y)), key=order.__getitem__)
            parent[ry] = rx
        else:
            conflict((x, y), who)
    members: dict[Hashable, list[Hashable]] = {}
    for k in kept:
        members.setdefault(root(k), []).append(k)
    ids = [group for group in members.values() if len(group) > 1]
    return {k: f"e{i}" for i, group in enumerate(ids, 1) for k in group}


def _majority(doc_id: str, docs: Mapping[str, Document]) -> Adjudicated:
    names = sorted(docs)
    n = len(names)
    need = n // 2 + 1
    conflicts: list[Conflict] = []

    def vote(layer: str, support: Mapping[Hashable, list[str]], describe: Any) -> list[Hashable]:
        kept = []
        for key, who in support.items():
            if len(who) >= need:
                kept.append(key)
            else:
                conflicts.append(Conflict(doc_id, layer, describe(key), tuple(who), n))
        return kept

    def pick(layer: str, what: str, values: Mapping[str, Any]) -> Any:
        counts = Counter(values.values())
        if not counts:
            return None
        value, k = counts.most_common(1)[0]
        if k >= need:
            return value
        for v in counts:
            conflicts.append(Conflict(doc_id, layer, f"{what} = {v!r}",
                                      tuple(a for a in names if values.get(a) == v), n))
        return None

    # Mentions, keyed by (start, end, label).
    m_support: dict[Hashable, list[str]] = {}
    m_first: dict[Hashable, Mention] = {}
    m_key_of: dict[tuple[str, str], Hashable] = {}
    for a in names:
        for m in docs[a].entities:
            key = (m.start, m.end, m.label)
            m_support.setdefault(key, []).append(a)
            m_first.setdefault(key, m)
            m_key_of[a, m.id] = key
    kept_m = vote("entities", m_support, lambda k: _describe(k[2], m_first[k].text, k[0], k[1]))
    used: set[str] = set()

    def fresh(wanted: str) -> str:
        rid, k = wanted, 1
        while rid in used:
            rid, k = f"{wanted}-{k}", k + 1
        used.add(rid)
        return rid

    mention_id: dict[Hashable, str] = {}
    mentions = []
    by_key = {a: {(mm.start, mm.end, mm.label): mm for mm in docs[a].entities} for a in names}
    clusters = _clusters(sorted(kept_m, key=lambda k: (k[0], -k[1], k[2])), by_key, need,
                         lambda k, who: conflicts.append(Conflict(
                             doc_id, "entities", f"coreference of {m_first[k[0]].text!r} and "
                             f"{m_first[k[1]].text!r}", tuple(who), n)))
    for key in sorted(kept_m, key=lambda k: (k[0], -k[1], k[2])):
        m = m_first[key]
        kinds = {a: mm.kind for a in names for mm in docs[a].entities
                 if (mm.start, mm.end, mm.label) == key}
        links = {a: by_key[a][key].link for a in names if key in by_key[a]}
        rid = fresh(m.id)
        mention_id[key] = rid
        mentions.append(m.model_copy(update={
            "id": rid, "kind": pick("entities", f"kind of {m.text!r}", kinds),
            "link": pick("entities", f"link of {m.text!r}", links),
            "entity": clusters.get(key)}))

    def target(a: str, mention: str | None, span: Span | None) -> Hashable:
        if mention is not None:
            return ("mention", m_key_of.get((a, mention)))
        return ("span", _span_key(span)) if span is not None else None

    # Events, keyed by (trigger start, end, type).
    e_support: dict[Hashable, list[str]] = {}
    e_of: dict[Hashable, dict[str, Event]] = {}
    for a in names:
        for e in docs[a].events:
            key = (e.trigger.start, e.trigger.end, e.type)
            e_support.setdefault(key, []).append(a)
            e_of.setdefault(key, {})[a] = e
    kept_e = vote("events", e_support, lambda k: _describe(
        str(k[2]), next(iter(e_of[k].values())).trigger.text, k[0], k[1]))
    events = []
    for key in sorted(kept_e, key=lambda k: (k[0], k[1], str(k[2]))):
        by = e_of[key]
        first = by[min(by)]
        a_support: dict[Hashable, list[str]] = {}
        a_first: dict[Hashable, Argument] = {}
        for a, e in by.items():
            for arg in e.arguments:
                akey = (arg.role, target(a, arg.mention, arg.span))
                a_support.setdefault(akey, []).append(a)
                a_first.setdefault(akey, arg)
        args = []
        for akey in vote("events", a_support,
                         lambda k, t=first.trigger.text: f"argument {k[0]} of {t!r}"):
            role, (kind, ref) = akey
            if kind == "mention":
                if ref not in mention_id:
                    conflicts.append(Conflict(doc_id, "events", f"argument {role} of "
                                              f"{first.trigger.text!r} names a mention without "
                                              "majority", tuple(a_support[akey]), n))
                    continue
                args.append(Argument(role=role, mention=mention_id[ref]))
            else:
                args.append(Argument(role=role, span=a_first[akey].span))
        attrs = {}
        for name in sorted({k for e in by.values() for k in e.attributes}):
            value = pick("events", f"{name} of {first.trigger.text!r}",
                         {a: e.attributes.get(name) for a, e in by.items()})
            if value is not None:
                attrs[name] = value
        events.append(first.model_copy(update={"id": fresh(first.id), "arguments": tuple(args),
                                               "attributes": attrs}))

    # Quotes, keyed by (content spans, kind).
    q_support: dict[Hashable, list[str]] = {}
    q_of: dict[Hashable, dict[str, Quote]] = {}
    for a in names:
        for q in docs[a].quotes:
            key = (tuple(_span_key(s) for s in q.content), q.kind)
            q_support.setdefault(key, []).append(a)
            q_of.setdefault(key, {})[a] = q
    kept_q = vote("quotes", q_support, lambda k: _describe(
        k[1], next(iter(q_of[k].values())).content[0].text, k[0][0][0], k[0][-1][1]))
    quotes = []
    for key in sorted(kept_q, key=lambda k: (k[0], k[1])):
        by = q_of[key]
        first = by[min(by)]
        what = f"quote {first.content[0].text[:30]!r}"
        cue = pick("quotes", f"cue of {what}",
                   {a: _span_key(q.cue) if q.cue else None for a, q in by.items()})
        said = pick("quotes", f"speaker of {what}",
                    {a: target(a, q.speaker, q.speaker_span) for a, q in by.items()})
        speaker, speaker_span = None, None
        if said is not None and said[0] == "mention":
            if said[1] in mention_id:
                speaker = mention_id[said[1]]
            else:
                conflicts.append(Conflict(doc_id, "quotes", f"speaker of {what} is a mention "
                                          "without majority", tuple(by), n))
        elif said is not None:
            speaker_span = next(q.speaker_span for q in by.values() if q.speaker_span
                                and _span_key(q.speaker_span) == said[1])
        quotes.append(first.model_copy(update={
            "id": fresh(first.id), "speaker": speaker, "speaker_span": speaker_span,
            "cue": next((q.cue for q in by.values() if q.cue and _span_key(q.cue) == cue),
                        None)}))

    base = docs[names[0]]
    layers = _provenance(docs, "majority", base)
    # A part counts as annotated only when every merged layer annotated it.
    layers = layers.model_copy(update={layer: getattr(layers, layer).model_copy(update={
        "not_annotated": tuple(sorted({p for d in docs.values()
                                       for p in getattr(d.layers, layer).not_annotated}))})
        for layer in LAYERS})
    unresolved = {c.layer for c in conflicts}
    layers = layers.model_copy(update={
        layer: getattr(layers, layer).model_copy(update={"coverage": "partial"})
        for layer in LAYERS if layer in unresolved})
    doc = base.model_copy(update={"entities": tuple(mentions), "events": tuple(events),
                                  "quotes": tuple(quotes), "layers": layers})
    return Adjudicated(doc, conflicts)


def adjudicate(docs: Mapping[str, Document], *, policy: str,
               adjudicator: str | None = None) -> Adjudicated:
    """Merge one document's annotations (annotator -> Document) by ``policy``.

    >>> lay = Layers(entities=LayerInfo(status="gold", labels=("PERSON",)))
    >>> bo = Mention(id="m1", start=0, end=2, text="Bo", label="PERSON")
    >>> docs = {"a": Document(id="d", text="Bo left.", layers=lay, entities=(bo,)),
    ...         "b": Document(id="d", text="Bo left.", layers=lay)}
    >>> merged = adjudicate(docs, policy="adjudicator", adjudicator="b")
    >>> merged.doc.entities, merged.doc.layers.entities.annotators, merged.conflicts
    ((), ('a', 'b'), [])
    >>> adjudicate(docs, policy="adjudicator", adjudicator="c").reason
    'not annotated by the adjudicator c'
    """
    if policy not in POLICIES:
        raise DatelineError("unknown-policy", f"unknown adjudication policy {policy!r}",
                            fix=f"use one of {', '.join(POLICIES)}", exit_code=2)
    if not docs:
        return Adjudicated(None, reason="no annotation")
    doc_id = next(iter(docs.values())).id
    if len({d.text for d in docs.values()}) > 1:
        return Adjudicated(None, reason="annotators saw different texts")
    if policy == "adjudicator":
        if adjudicator is None:
            raise DatelineError("no-adjudicator", "the adjudicator policy needs a name",
                                fix="pass --adjudicator NAME", exit_code=2)
        chosen = docs.get(adjudicator)
        if chosen is None:
            return Adjudicated(None, reason=f"not annotated by the adjudicator {adjudicator}")
        return Adjudicated(chosen.model_copy(update={
            "layers": _provenance(docs, f"adjudicator {adjudicator}", chosen)}))
    if len(docs) < 2:
        return Adjudicated(None, reason=f"one annotator ({next(iter(docs))}); a majority "
                           "needs two or more")
    return _majority(doc_id, docs)


def resolve_adjudicator(name: str, pulled: Mapping[str, Mapping[str, Any]]) -> str:
    """The pseudonymous id of an adjudicator given by id or e-mail address (hashed with the
    team key); one who annotated none of the ``pulled`` documents is refused.

    >>> resolve_adjudicator("user-2", {"d": {"user-1": None, "user-2": None}})
    'user-2'
    >>> resolve_adjudicator("user-3", {"d": {"user-1": None, "user-2": None}})
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-adjudicator] ...; the pulled annotations
    know user-1, user-2. Fix: ...
    """
    who = pseudonym(name, team_key()) if is_address(name) else name
    known = sorted({a for docs in pulled.values() for a in docs})
    if who not in known:
        said = f"{name} ({who})" if who != name else name
        raise DatelineError("unknown-adjudicator", f"no pulled annotation is by {said}; the "
                            f"pulled annotations know {', '.join(known) or 'nobody'}",
                            where="--adjudicator", fix="pass one of these ids, or the address "
                            "its pseudonym was made from (with the same team key)",
                            exit_code=2)
    return who
