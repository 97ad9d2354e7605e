"""OneIE (and TextEE) JSON lines to Documents.

Each line is one sentence (or window): ``doc_id``, ``tokens``, ``entity_mentions``
(``id``, token offsets ``start``/``end``, ``entity_type``, ``mention_type``),
``event_mentions`` (``id``, ``event_type``, ``trigger`` with token offsets, ``arguments``
with ``entity_id`` or token offsets, and ``role``). Lines of one ``doc_id`` (``wnd_id`` or
``sent_id`` when it has none) make one Document, in the file's order.

Text rule: each line's tokens joined by single spaces, the lines of a document joined by
``\\n`` (``meta.text_rule``; each line's span in ``meta.sentences``), so a token ``i`` of a
line has the character offsets of its place in that line. Types go through the map file
(``Conflict:Attack`` is ``Conflict.Attack`` without one); ``mention_type`` NAM, NOM and PRO
are the kinds named, nominal and pronoun. An argument whose entity is dropped keeps its span.

>>> import json, tempfile
>>> line = {"doc_id": "d", "tokens": ["Rebels", "attacked", "Kobe"],
...         "entity_mentions": [{"id": "e1", "start": 0, "end": 1, "entity_type": "PER",
...                              "mention_type": "NOM"}],
...         "event_mentions": [{"event_type": "Conflict:Attack", "trigger":
...                             {"start": 1, "end": 2}, "arguments": [
...                             {"entity_id": "e1", "role": "Attacker"}]}]}
>>> path = Path(tempfile.mkdtemp()) / "a.json"
>>> _ = path.write_text(json.dumps(line) + "\\n")
>>> doc, = read_oneie([path], labels=LabelMap.from_json({"entities": {"PER": "PERSON"}}))
>>> doc.text, doc.entities[0].kind, doc.events[0].type, doc.events[0].arguments[0].mention
('Rebels attacked Kobe', 'nominal', 'Conflict.Attack', 'm1')
"""

from __future__ import annotations

import json
import os
import tempfile  # noqa: F401 - the examples use it
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.convert.common import Draft, Provenance, Report, finish
from dateline.convert.labelmap import LabelMap
from dateline.convert.tags import TEXT_RULE, join_sentences
from dateline.convert.text import read_lines
from dateline.schemas import Argument, DatelineError, Document, Event, Mention, Region, Span
from dateline.schemas.labels import inventory

__all__ = ["read_oneie"]

KINDS = {"NAM": "named", "NOM": "nominal", "PRO": "pronoun", "PRON": "pronoun"}


def _bad(message: str, where: str) -> DatelineError:
    return DatelineError("convert-malformed", message, where=where,
                         fix="write one OneIE object per line (tokens, entity_mentions, "
                             "event_mentions)")


def _tokens_span(item: Any, n: int, what: str, where: str) -> tuple[int, int]:
    start, end = (item.get("start"), item.get("end")) if isinstance(item, dict) else (None, None)
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n):
        raise _bad(f"{what} has token offsets {start!r}, {end!r}, not 0 <= start < end <= {n}",
                   where)
    return start, end


def _records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for lineno, line in read_lines(path):
        where = f"{path}:{lineno}"
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(f"not JSON: {exc.msg}", where) from exc
        tokens = rec.get("tokens") if isinstance(rec, dict) else None
        if not (isinstance(tokens, list) and tokens and all(isinstance(t, str) and t and
                                                            not t.isspace() for t in tokens)):
            raise _bad("'tokens' must be a non-empty list of non-blank strings", where)
        for key in ("entity_mentions", "event_mentions"):
            if not isinstance(rec.get(key) or [], list):
                raise _bad(f"{key!r} must be a list", where)
        for event in rec.get("event_mentions") or []:
            if isinstance(event, dict) and not isinstance(event.get("arguments") or [], list):
                raise _bad("'arguments' must be a list", where)
        out.append((where, rec))
    return out


class _Doc:
    def __init__(self, doc_id: str, where: str) -> None:
        self.id, self.where = doc_id, where
        self.lines: list[tuple[str, dict[str, Any]]] = []


def _convert(doc: _Doc, labels: LabelMap, report: Report) -> Draft:
    text, offsets, regions = join_sentences([rec["tokens"] for _, rec in doc.lines])
    inv = inventory()
    mentions: list[Mention] = []
    events: list[Event] = []
    base = 0
    for where, rec in doc.lines:
        n = len(rec["tokens"])

        def span(a: int, b: int, base: int = base) -> Span:
            s, e = offsets[base + a][0], offsets[base + b - 1][1]
            return Span(start=s, end=e, text=text[s:e])

        by_id: dict[str, Mention | Span] = {}
        for item in rec.get("entity_mentions") or []:
            a, b = _tokens_span(item, n, "an entity mention", where)
            s = span(a, b)
            source = str(item.get("entity_type"))
            label, why = labels.entity(source)
            by_id[str(item.get("id"))] = s
            if label is None:
                report.drop("entities", source, why)
                continue
            m = Mention(id=f"m{len(mentions) + 1}", start=s.start, end=s.end, text=s.text,
                        label=label, kind=KINDS.get(str(item.get("mention_type"))),
                        source_label=source)
            mentions.append(m)
            by_id[str(item.get("id"))] = m
            report.keep("entities", label)
        for item in rec.get("event_mentions") or []:
            if not isinstance(item, dict):
                raise _bad("an event mention is no JSON object", where)
            source = str(item.get("event_type"))
            trigger = span(*_tokens_span(item.get("trigger"), n, "a trigger", where))
            etype, why = labels.event(source)
            if etype is None:
                report.drop("events", source, why)
                continue
            args = []
            for arg in item.get("arguments") or []:
                if not isinstance(arg, dict):
                    raise _bad("an argument is no JSON object", where)
                role, why = labels.role(str(arg.get("role")))
                if role is not None and role not in inv.event_roles[etype]:
                    role, why = None, f"no role of {etype}"
                if role is None:
                    report.drop("arguments", str(arg.get("role")), why)
                    continue
                if "entity_id" in arg:
                    target = by_id.get(str(arg["entity_id"]))
                    if target is None:
                        raise DatelineError("convert-bad-reference", f"argument entity_id "
                                            f"{arg['entity_id']!r} is no entity mention of the "
                                            "line", where=where)
                else:
                    target = span(*_tokens_span(arg, n, "an argument", where))
                args.append(Argument(role=role, mention=target.id) if isinstance(
                    target, Mention) else Argument(role=role, span=target))
                report.keep("arguments", role)
            events.append(Event(id=f"e{len(events) + 1}", trigger=trigger, type=etype,
                                arguments=tuple(args), source_label=source))
            report.keep("events", etype)
        base += n
    return Draft(doc.id, text, doc.where, entities=mentions, events=events,
                 layers=("entities", "events"), meta={
                     "text_rule": TEXT_RULE,
                     "sentences": tuple(Region(start=a, end=b) for a, b in regions)})


def read_oneie(inputs: Sequence[str | os.PathLike[str]], *, labels: LabelMap | None = None,
               report: Report | None = None,
               provenance: Provenance | None = None) -> list[Document]:
    """Documents of OneIE/TextEE JSON-lines files (the module docstring gives the rules).

    >>> path = Path(tempfile.mkdtemp()) / "b.json"
    >>> _ = path.write_text('{"doc_id": "x", "tokens": ["Hi"]}\\n'
    ...                     '{"doc_id": "x", "tokens": ["Yo"]}\\n')
    >>> [(d.id, d.text) for d in read_oneie([path])]
    [('x', 'Hi\\nYo')]
    """
    labels = labels or LabelMap()
    report = report if report is not None else Report("oneie")
    docs: dict[str, _Doc] = {}
    for raw in inputs:
        path = Path(raw)
        report.inputs.append(str(path))
        for where, rec in _records(path):
            doc_id = rec.get("doc_id") or rec.get("wnd_id") or rec.get("sent_id")
            if not isinstance(doc_id, str) or not doc_id:
                raise _bad("the line has no doc_id (nor wnd_id, sent_id)", where)
            docs.setdefault(doc_id, _Doc(doc_id, where)).lines.append((where, rec))
    drafts = [_convert(d, labels, report) for d in docs.values()]
    return finish(drafts, provenance or Provenance(), report,
                  {"entities": ("coreference", "link"), "events": ("attributes",)})
