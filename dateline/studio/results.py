"""Label Studio results back to Documents, every problem checked (pure functions, no server).

Label Studio validates nothing inside ``result``: unknown labels, offsets outside the text,
``text`` that differs from the slice and relations to missing regions are all stored. So every
result is checked here and each problem becomes an :class:`~dateline.schemas.Incident` with a
``studio-*`` check id (:data:`STUDIO_CHECKS`), the task and annotation ids and the JSON path; a
result with problems yields no Document.

>>> data = {"text": "Bo left.", "doc_id": "d"}
>>> result = [{"id": "m1", "type": "labels", "from_name": "entity", "to_name": "text",
...            "value": {"start": 0, "end": 3, "text": "Bob", "labels": ["PERSON"]}}]
>>> [(i.check, i.path) for i in results_document(data, result, where="task 1").problems]
[('studio-text-mismatch', '$.result[0].value.text')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from dateline.schemas import (
    Argument,
    Document,
    Event,
    Incident,
    LayerInfo,
    Layers,
    Mention,
    Meta,
    Quote,
    Span,
    check_document,
    inventory,
)
from dateline.schemas.errors import quote_value
from dateline.studio.config import (
    ARGUMENT,
    CUE,
    ENTITY,
    EVENT,
    KIND,
    REL_ARG,
    REL_CUE,
    REL_PART,
    REL_SPEAKER,
    SPEAKER,
    TEXT,
    UNTYPED,
    attribute_control,
    choice_controls,
    control_labels,
    quote_label,
    relation_labels,
)
from dateline.studio.coref import mention_fields, read_note
from dateline.studio.regiontext import mismatch_message, region_text_matches
from dateline.studio.shape import result_problems

__all__ = ["STUDIO_CHECKS", "Converted", "results_document"]

STUDIO_CHECKS: dict[str, tuple[int, str]] = {
    "studio-missing-text": (1, "The task has no data.text."),
    "studio-bad-shape": (1, "A part of the export has the wrong JSON type (a list for an "
                         "object, a string for a number, ...)."),
    "studio-bad-result": (1, "A result item is not an object of a known type."),
    "studio-bad-meta": (1, "data.meta is not valid Document metadata."),
    "studio-text-hash": (2, "data.text differs from the text the task was pushed with."),
    "studio-bad-offsets": (2, "A region's start/end are missing, inverted or outside the text."),
    "studio-text-mismatch": (2, "A region's text differs from the task text at its offsets."),
    "studio-unknown-control": (3, "A result names a control the labeling config lacks."),
    "studio-unknown-label": (3, "A region, choice or relation label not in the inventory."),
    "studio-label-count": (3, "A region or relation with no label or several labels."),
    "studio-duplicate-region": (3, "Two regions of one result share an id."),
    "studio-dangling-relation": (3, "A relation or choice names a region id that does not exist."),
    "studio-unlabeled-relation": (3, "A relation drawn without a role."),
    "studio-relation-kinds": (3, "A relation joins regions its role cannot join."),
    "studio-conflicting-relation": (3, "A quote with two speakers or cues, or mixed kinds."),
    "studio-orphan-region": (3, "A cue, speaker or argument span that no relation uses."),
}


@dataclass(frozen=True)
class _Region:
    control: str
    label: str
    span: Span
    path: str

    @property
    def kind(self) -> str:
        if self.control == ENTITY:
            return "mention"
        if self.control == EVENT:
            return "argspan" if self.label == ARGUMENT else "event"
        return {CUE: "cue", SPEAKER: "speaker"}.get(self.label, "quote")


# role -> (from kind, allowed to kinds); arg:* roles share one entry
_PAIRS = {
    REL_SPEAKER: ("quote", {"mention", "speaker"}),
    REL_CUE: ("quote", {"cue"}),
    REL_PART: ("quote", {"quote"}),
    REL_ARG: ("event", {"mention", "argspan"}),
}


@dataclass
class Converted:
    """The Document made from one result list, or the problems that prevented it.

    >>> conv = results_document({"text": "Bo.", "doc_id": "d"}, [], where="task 1")
    >>> conv.problems, conv.doc.id, conv.doc.layers.entities.status
    ([], 'd', 'gold')
    """

    doc: Document | None
    problems: list[Incident] = field(default_factory=list)


class _Problems:
    def __init__(self, where: str, doc_id: str | None) -> None:
        self.where, self.doc_id = where, doc_id
        self.items: list[Incident] = []

    def add(self, check: str, message: str, path: str) -> None:
        level = STUDIO_CHECKS[check][0]
        self.items.append(Incident(level, check, message, self.where, None, self.doc_id, path))


def _full_layers() -> Layers:
    inv = inventory()
    return Layers(**{layer: LayerInfo(status="gold", labels=inv.layer_labels(layer))
                     for layer in ("entities", "events", "quotes")})


def _read_region(item: dict[str, Any], text: str, path: str, out: _Problems,
                 spans: Mapping[str, tuple[str, ...]]) -> _Region | None:
    control = item.get("from_name")
    if control not in spans or item.get("to_name") != TEXT:
        out.add("studio-unknown-control",
                f"span control {quote_value(control)} on {quote_value(item.get('to_name'))} is "
                f"not in the labeling config ({', '.join(spans)} on {TEXT!r}); relabel the region "
                "or update the project with `dateline studio config`", f"{path}.from_name")
        return None
    value = item.get("value")
    value = value if isinstance(value, dict) else {}
    start, end = value.get("start"), value.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        out.add("studio-bad-offsets",
                f"region [{quote_value(start)}, {quote_value(end)}) is not a non-empty range of "
                f"the text [0, {len(text)}]; redraw the region", f"{path}.value")
        return None
    labels = value.get("labels")
    if not isinstance(labels, list) or len(labels) != 1:
        out.add("studio-label-count",
                f"region has labels {quote_value(labels)}; give it exactly one label",
                f"{path}.value.labels")
        return None
    label = labels[0]
    if label not in spans[control]:
        out.add("studio-unknown-label",
                f"{control} label {quote_value(label)} is not in schemas/labels.json; relabel "
                "the region", f"{path}.value.labels[0]")
        return None
    piece = text[start:end]
    if "text" in value and not region_text_matches(value["text"], piece):
        out.add("studio-text-mismatch", f"{mismatch_message(value['text'], piece, start, end)}"
                "; redraw the region", f"{path}.value.text")
        return None
    return _Region(control, label, Span(start=start, end=end, text=piece), path)


def results_document(data: Mapping[str, Any], result: Sequence[Any], *, where: str,
                     layers: Layers | None = None, doc_id: str | None = None) -> Converted:
    """Convert one ``result`` list (an annotation's or a prediction's) on a task's ``data``.

    ``where`` names the result in problems (``project 3 task 12 annotation 40``); ``layers``
    is the provenance to record (default: all three layers gold over the whole inventory).
    Problems of the conversion and of :func:`~dateline.schemas.check_document` are returned;
    the Document is None when there is any.

    >>> region = {"id": "q1", "type": "labels", "from_name": "quote", "to_name": "text",
    ...           "value": {"start": 0, "end": 2, "text": "Go", "labels": ["QUOTE:direct"]}}
    >>> speaker = {"from_id": "q1", "to_id": "m9", "type": "relation", "labels": ["speaker"]}
    >>> conv = results_document({"text": "Go now."}, [region, speaker], where="task 2",
    ...                         doc_id="d")
    >>> conv.doc, [(i.check, i.path) for i in conv.problems]
    (None, [('studio-dangling-relation', '$.result[1]')])
    >>> results_document({"text": "Go now.", "doc_id": "d"}, [region], where="task 2").doc.quotes
    (Quote(id='q1', content=(Span(start=0, end=2, text='Go'),), ..., kind='direct'),)
    """
    doc_id = doc_id or str(data.get("doc_id") or "")
    out = _Problems(where, doc_id or None)
    text = data.get(TEXT)
    if not isinstance(text, str):
        out.add("studio-missing-text", "the task has no text in data.text; re-import the task "
                "with `dateline studio push`", "$.data.text")
        return Converted(None, out.items)
    spans, choices, rels = control_labels(), choice_controls(), set(relation_labels())
    regions: dict[str, _Region] = {}
    bad: set[str] = set()
    misshapen: set[int] = set()
    for where_, message in result_problems(result):
        out.add("studio-bad-shape", f"{message}; correct or delete this part of the export",
                where_)
        index = where_.removeprefix("$.result[").split("]")[0]
        if not index.isdigit():  # the result list itself is no list of objects
            return Converted(None, out.items)
        misshapen.add(int(index))
        item = result[int(index)]
        if isinstance(item, dict) and item.get("type") == "labels" \
                and isinstance(item.get("id"), str):
            bad.add(item["id"])
    picks: list[tuple[str, str, str, str]] = []  # region id, control, value, path
    notes: list[tuple[str, str, str, str]] = []  # the same, of text boxes (coreference)
    links: list[tuple[str, str, str, str]] = []  # from, to, role, path
    for i, item in enumerate(result):
        if i in misshapen:
            continue
        path = f"$.result[{i}]"
        kind = item.get("type")
        if kind == "labels":
            rid = item.get("id")
            region = _read_region(item, text, path, out, spans)
            if not isinstance(rid, str) or not rid:
                out.add("studio-bad-result", f"region id {quote_value(rid)} is not a non-empty "
                        "string; give the region an id", f"{path}.id")
            elif region is None:
                bad.add(rid)
            elif rid in regions:
                out.add("studio-duplicate-region",
                        f"region id {quote_value(rid)} is already used at {regions[rid].path}; "
                        "give each region its own id", f"{path}.id")
            else:
                regions[rid] = region
        elif kind == "choices":
            control = item.get("from_name")
            values = (item.get("value") or {}).get("choices")
            if control not in choices:
                out.add("studio-unknown-control", f"choice control {quote_value(control)} is not "
                        f"in the labeling config ({', '.join(choices)})", f"{path}.from_name")
            elif not isinstance(values, list) or len(values) != 1:
                out.add("studio-label-count", f"choice {control} has {quote_value(values)}; "
                        "pick exactly one value", f"{path}.value.choices")
            elif values[0] not in choices[control][1]:
                out.add("studio-unknown-label", f"{control} value {quote_value(values[0])} is not "
                        f"one of {', '.join(choices[control][1])}", f"{path}.value.choices[0]")
            else:
                picks.append((str(item.get("id")), control, values[0], path))
        elif kind == "relation":
            labels = item.get("labels")
            src, dst = item.get("from_id"), item.get("to_id")
            if item.get("direction") == "left":
                src, dst = dst, src
            if not labels:
                out.add("studio-unlabeled-relation",
                        f"relation {quote_value(src)} → {quote_value(dst)} has no role; pick one "
                        f"({', '.join(sorted(rels)[:4])}, ...)", path)
            elif not isinstance(labels, list) or len(labels) != 1:
                out.add("studio-label-count", f"relation has roles {quote_value(labels)}; keep "
                        "exactly one", f"{path}.labels")
            elif labels[0] not in rels:
                out.add("studio-unknown-label", f"relation role {quote_value(labels[0])} is not "
                        "in the labeling config", f"{path}.labels[0]")
            else:
                links.append((str(src), str(dst), labels[0], path))
        elif kind == "textarea":
            note = read_note(item, path, out.add)
            notes += [note] if note is not None else []
        else:
            out.add("studio-bad-result", f"result item of type {quote_value(kind)} is not a "
                    "labels, choices, textarea or relation item; remove it", path)

    # Per-region choices: mention kind and event attributes.
    kinds: dict[str, str] = {}
    attrs: dict[str, dict[str, str]] = {}
    for rid, control, value, path in picks:
        region = regions.get(rid)
        target = choices[control][0]
        if region is None:
            if rid not in bad:
                out.add("studio-dangling-relation", f"choice {control} names region "
                        f"{quote_value(rid)}, which is not in the result", f"{path}.id")
        elif region.control != target or region.kind == "argspan":
            out.add("studio-relation-kinds", f"choice {control} qualifies {target} regions, not "
                    f"a {region.label} region; remove it", f"{path}.from_name")
        elif control == KIND:
            kinds[rid] = value
        else:
            attrs.setdefault(rid, {})[control.removeprefix(attribute_control(""))] = value

    # Relations: check the ids and region kinds; an arrow drawn backwards is turned round,
    # since the kinds at its ends say which end is the quote or the event.
    groups = {rid: rid for rid, r in regions.items() if r.kind == "quote"}

    def head(rid: str) -> str:
        while groups[rid] != rid:
            rid = groups[rid]
        return rid

    attached: set[str] = set()
    typed: list[tuple[str, str, str, str]] = []
    for src, dst, role, path in links:
        missing = [x for x in (src, dst) if x not in regions]
        if missing:
            if not set(missing) <= bad:
                out.add("studio-dangling-relation",
                        f"relation {role} names region {quote_value(missing[0])}, which is not in "
                        "the result; redraw the relation", path)
            continue
        key = REL_ARG if role.startswith(REL_ARG) else role
        want_from, want_to = _PAIRS[key]
        a, b = regions[src].kind, regions[dst].kind
        if not (a == want_from and b in want_to):
            if b == want_from and a in want_to:
                src, dst = dst, src
            else:
                out.add("studio-relation-kinds",
                        f"relation {role!r} joins regions labelled {regions[src].label} and "
                        f"{regions[dst].label}; it must join {want_from} and "
                        f"{' or '.join(sorted(want_to))} regions. Redraw it", path)
                continue
        if key == REL_PART:
            ra, rb = head(src), head(dst)
            if ra != rb:
                first, second = sorted((ra, rb), key=lambda r: (regions[r].span.start, r))
                groups[second] = first
            continue
        attached.add(dst)
        typed.append((src, dst, role, path))

    coref = mention_fields(notes, {rid: r.kind for rid, r in regions.items()}, bad, out.add)
    mentions = tuple(
        Mention(id=rid, start=r.span.start, end=r.span.end, text=r.span.text, label=r.label,
                kind=kinds.get(rid), **coref.get(rid, {}))
        for rid, r in regions.items() if r.kind == "mention")
    arguments: dict[str, list[Argument]] = {}
    speakers: dict[str, list[tuple[str, str]]] = {}
    cues: dict[str, list[tuple[str, str]]] = {}
    for src, dst, role, path in typed:
        if role.startswith(REL_ARG):
            target = regions[dst]
            arg = (Argument(role=role.removeprefix(REL_ARG), mention=dst)
                   if target.kind == "mention" else
                   Argument(role=role.removeprefix(REL_ARG), span=target.span))
            arguments.setdefault(src, []).append(arg)
        else:
            (speakers if role == REL_SPEAKER else cues).setdefault(head(src), []).append(
                (dst, path))
    events = tuple(
        Event(id=rid, trigger=r.span, type=None if r.label == UNTYPED else r.label,
              arguments=tuple(arguments.get(rid, ())), attributes=attrs.get(rid, {}))
        for rid, r in regions.items() if r.kind == "event")

    members: dict[str, list[str]] = {}
    for rid in groups:
        members.setdefault(head(rid), []).append(rid)
    quotes = []
    for hid, rids in members.items():
        rids.sort(key=lambda r: (regions[r].span.start, regions[r].span.end))
        labels = {regions[r].label for r in rids}
        said, cue = speakers.get(hid, []), cues.get(hid, [])
        if len(labels) > 1:
            out.add("studio-conflicting-relation", f"quote {quote_value(hid)} joins parts of "
                    f"kinds {', '.join(sorted(labels))}; give its parts one kind",
                    regions[hid].path)
            continue
        if len(said) > 1 or len(cue) > 1:
            out.add("studio-conflicting-relation",
                    f"quote {quote_value(hid)} has {len(said)} speakers and {len(cue)} cues; "
                    "keep at most one of each", (said[1:] or cue[1:])[0][1])
            continue
        speaker = said[0][0] if said else None
        sp_region = regions[speaker] if speaker is not None else None
        quotes.append(Quote(
            id=hid, content=tuple(regions[r].span for r in rids),
            cue=regions[cue[0][0]].span if cue else None,
            speaker=speaker if sp_region is not None and sp_region.kind == "mention" else None,
            speaker_span=sp_region.span if sp_region is not None
            and sp_region.kind == "speaker" else None,
            kind=regions[hid].label.removeprefix(quote_label(""))))
    for rid, r in regions.items():
        if r.kind in ("cue", "speaker", "argspan") and rid not in attached:
            out.add("studio-orphan-region", f"{r.label} region {quote_value(r.span.text)} is "
                    "not attached to a quote or event; draw its relation or delete it", r.path)

    try:
        meta = Meta.model_validate(data.get("meta") or {})
    except ValidationError as exc:
        out.add("studio-bad-meta", f"data.meta is not Document metadata "
                f"({exc.errors()[0]['msg']}); re-push the document", "$.data.meta")
        return Converted(None, out.items)
    doc = Document(id=doc_id, text=text, meta=meta, entities=mentions, events=events,
                   quotes=tuple(quotes), layers=layers or _full_layers())
    for inc in check_document(doc):
        out.items.append(Incident(inc.level, inc.check, inc.message, where, None, doc_id,
                                  inc.path))
    return Converted(None if out.items else doc, out.items)
