"""brat stand-off collections (``.txt`` + ``.ann``) to Documents.

- Files: each ``.txt`` (named, or found in a named folder) is read exactly, line ends kept
  (brat counts ``\\r\\n`` as two characters). Its annotations are ``<stem>.ann`` and
  ``<stem>_<annotator>.ann`` beside it or in ``ann_dir``; with several, ``annotator_choice``
  ``first`` (the unsuffixed file, else the first annotator by name) or ``all`` (one Document
  per ``.ann``, its id the ``.ann``'s stem, for agreement). The annotator names the layers'
  ``annotators`` unless ``--annotators`` is given.
- ``T`` annotations: fragments sorted and merged where they touch or overlap. A ``T`` that is
  an event trigger, or an attribution's content or cue, is no mention; any other is a
  mention when its type maps to an entity label and it has one fragment left.
- ``E`` events: type, trigger and role-typed arguments (a role written twice is one role:
  brat's ``Theme2`` is read as ``Theme``); an argument is the mention of its ``T`` or, when
  that ``T`` is no mention, its span. ``A``/``M`` attributes of events whose name and value
  are dateline event attributes (``polarity``, ``realis``, ...) are kept.
- Attributions: ``E`` or ``R`` types named in the map's ``quotes.events``; their arguments'
  roles give the content (fragments merged: a quote may be discontinuous), the cue (an
  event's trigger when no argument is) and the speaker: the mention of the same offsets when
  there is one, else ``speaker_span``. The kind comes from quotation marks
  (:func:`~dateline.convert.common.quote_kind`).
- ``*`` equivalences become coreference clusters (``Mention.entity``); ``#`` notes are
  ignored; other relations are dropped (dateline has no relation layer), counted.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from dateline.convert.brat_ann import Ann, Relation, check_references, parse_ann
from dateline.convert.common import (
    Draft,
    Provenance,
    Report,
    finish,
    merge_fragments,
    quote_kind,
)
from dateline.convert.labelmap import LabelMap
from dateline.convert.text import input_files, read_text
from dateline.schemas import (
    Argument,
    DatelineError,
    Document,
    Event,
    Mention,
    Quote,
    Span,
    inventory,
)

__all__ = ["find_pairs", "read_brat"]


def find_pairs(inputs: Sequence[str | os.PathLike[str]], ann_dir: str | os.PathLike[str] |
               None = None) -> list[tuple[Path, list[tuple[str | None, Path]]]]:
    """Each ``.txt`` with its ``(annotator or None, .ann path)`` list, plain file first.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("a.txt", "a_zoe.ann", "a.ann", "a_kim.ann"):
    ...     _ = (d / name).write_text("")
    >>> [(who, p.name) for who, p in find_pairs([d])[0][1]]
    [(None, 'a.ann'), ('kim', 'a_kim.ann'), ('zoe', 'a_zoe.ann')]
    """
    texts = [p.with_suffix(".txt") if p.suffix == ".ann" else p
             for p in input_files(inputs, ".txt")]
    stems = {t.stem for t in texts}
    out = []
    for txt in texts:
        folder = Path(ann_dir) if ann_dir is not None else txt.parent
        found: list[tuple[str | None, Path]] = []
        plain = folder / f"{txt.stem}.ann"
        if plain.is_file():
            found.append((None, plain))
        for ann in sorted(folder.glob(f"{txt.stem}_*.ann")):
            if ann.stem not in stems:  # not the .ann of another text
                found.append((ann.stem[len(txt.stem) + 1:], ann))
        if not found:
            raise DatelineError("convert-no-input", f"no {txt.stem}.ann nor "
                                f"{txt.stem}_<annotator>.ann in {folder}", where=str(txt),
                                fix="put the .ann files beside the .txt, or pass --ann-dir")
        out.append((txt, found))
    return out


class _Converter:
    def __init__(self, labels: LabelMap, report: Report) -> None:
        self.labels, self.report = labels, report
        self.inv = inventory()
        self.used = {"coreference": False, "arguments": False, "attributes": False,
                     "events": False, "cue": False}

    def spans(self, text: str, fragments: list[tuple[int, int]]) -> list[Span]:
        return [Span(start=a, end=b, text=text[a:b]) for a, b in merge_fragments(fragments)]

    def document(self, doc_id: str, text: str, ann: Ann, where: str,
                 annotator: str | None) -> Draft:
        q = self.labels.quotes
        attributions = [r for r in [*ann.events.values(), *ann.relations.values()]
                        if r.type in q.events]
        not_mentions = {e.trigger for e in ann.events.values()}
        for r in attributions:
            not_mentions.update(ref for role, ref in r.args if q.part(role) in ("content", "cue"))
        draft = Draft(doc_id, text, where, layers=("entities", "events", "quotes"),
                      annotators=(annotator,) if annotator else ())
        by_t: dict[str, Mention] = {}
        for tid, t in ann.spans.items():
            if tid in not_mentions:
                continue
            label, why = self.labels.entity(t.type)
            is_speaker = any(ref == tid for r in attributions for _, ref in r.args)
            if label is None:
                if not is_speaker:
                    self.report.drop("entities", t.type, why)
                continue
            spans = self.spans(text, t.fragments)
            if len(spans) > 1:
                self.report.drop("entities", t.type, "discontinuous (a mention is one span)")
                continue
            s = spans[0]
            by_t[tid] = Mention(id=tid, start=s.start, end=s.end, text=s.text, label=label,
                                source_label=t.type)
        for n, (_, refs, _) in enumerate(ann.equivalences, 1):
            self.used["coreference"] = True
            for ref in refs:
                if ref in by_t:
                    by_t[ref] = by_t[ref].model_copy(update={"entity": f"c{n}"})
                else:
                    self.report.notes["equivalence members that are no mention"] += 1
        events = {k for k, e in ann.events.items() if e.type not in q.events}
        for name, target, value, _ in ann.attributes:
            if target not in events:
                self.report.drop("attributes", f"{name}={value}",
                                 "not on an event (no place in a Document)")
        draft.entities = list(by_t.values())
        for m in draft.entities:
            self.report.keep("entities", m.label)
        for eid, e in ann.events.items():
            if e.type not in q.events:
                self.used["events"] = True
                event = self.event(eid, e, ann, text, by_t)
                if event is not None:
                    draft.events.append(event)
        for r in ann.relations.values():
            if r.type not in q.events:
                self.report.drop("relations", r.type, "dateline has no relation layer")
        for r in attributions:
            quote = self.quote(r, ann, text, draft.entities)
            if quote is not None:
                draft.quotes.append(quote)
        return draft

    def event(self, eid: str, e: Relation, ann: Ann, text: str,
              by_t: dict[str, Mention]) -> Event | None:
        etype, why = self.labels.event(e.type)
        if etype is None:
            self.report.drop("events", e.type, why)
            return None
        assert e.trigger is not None
        trigger = self.spans(text, ann.spans[e.trigger].fragments)
        if len(trigger) > 1:
            self.report.drop("events", e.type, "discontinuous trigger (a trigger is one span)")
            return None
        args = []
        for role, ref in e.args:
            self.used["arguments"] = True
            mapped, why = self.labels.role(role)
            if mapped is not None and mapped not in self.inv.event_roles[etype]:
                mapped, why = None, f"no role of {etype}"
            if mapped is None:
                self.report.drop("arguments", role, why)
                continue
            if ref in by_t:
                args.append(Argument(role=mapped, mention=ref))
            elif ref in ann.spans and len(spans := self.spans(
                    text, ann.spans[ref].fragments)) == 1:
                args.append(Argument(role=mapped, span=spans[0]))
            else:
                self.report.drop("arguments", role, "an event or a discontinuous span")
                continue
            self.report.keep("arguments", mapped)
        attributes = {}
        for name, target, value, _ in ann.attributes:
            if target != eid:
                continue
            self.used["attributes"] = True
            key, val = name.lower(), value.lower()
            if val in self.inv.event_attributes.get(key, ()):
                attributes[key] = val
            else:
                self.report.drop("attributes", f"{name}={value}", "no dateline event attribute")
        self.report.keep("events", etype)
        return Event(id=eid, trigger=trigger[0], type=etype, arguments=tuple(args),
                     attributes=attributes, source_label=e.type)

    def quote(self, r: Relation, ann: Ann, text: str, mentions: list[Mention]) -> Quote | None:
        q = self.labels.quotes
        parts: dict[str, list[tuple[int, int]]] = {"content": [], "cue": [], "speaker": []}
        for role, ref in r.args:
            part = q.part(role)
            if part is None:
                self.report.drop("quotes", role, "role not in the map's quotes section")
            elif ref not in ann.spans:
                self.report.drop("quotes", role, "names an event or relation, not a span")
            else:
                parts[part].extend(ann.spans[ref].fragments)
        if not parts["cue"] and r.trigger is not None:
            parts["cue"] = list(ann.spans[r.trigger].fragments)
        content = self.spans(text, parts["content"])
        if not content:
            self.report.drop("quotes", r.type, "no content")
            return None
        cue = self.spans(text, parts["cue"])
        if len(cue) > 1:
            self.report.notes["cue fragments after the first dropped"] += len(cue) - 1
        speaker = self.spans(text, parts["speaker"])
        speaker_id, speaker_span = None, None
        if len(speaker) > 1:
            self.report.notes["discontinuous speakers dropped"] += 1
        elif speaker:
            s = speaker[0]
            same = [m.id for m in mentions if (m.start, m.end) == (s.start, s.end)]
            speaker_id, speaker_span = (same[0], None) if same else (None, s)
        else:
            self.report.notes["attributions without a speaker"] += 1
        kind = quote_kind(content)
        self.report.keep("quotes", kind)
        if cue:
            self.used["cue"] = True
        return Quote(id=_quote_id(r, ann), content=tuple(content),
                     cue=cue[0] if cue else None, speaker=speaker_id,
                     speaker_span=speaker_span, kind=kind)


def _quote_id(r: Relation, ann: Ann) -> str:
    for table in (ann.events, ann.relations):
        for key, value in table.items():
            if value is r:
                return key
    raise AssertionError("a relation of the file")


def read_brat(inputs: Sequence[str | os.PathLike[str]], *, labels: LabelMap | None = None,
              report: Report | None = None, provenance: Provenance | None = None,
              ann_dir: str | os.PathLike[str] | None = None,
              annotator_choice: str = "first") -> list[Document]:
    """Documents of brat collections (the module docstring gives the rules).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text('Ann said "no".')
    >>> _ = (d / "a.ann").write_text("T1\\tPerson 0 3\\tAnn\\nT2\\tCue 4 8\\tsaid\\n"
    ...                              'T3\\tContent 9 14\\t"no".\\n'
    ...                              "E1\\tAttribution:T2 Source:T1 Content:T3\\n")
    >>> m = LabelMap.from_json({"entities": {"Person": "PERSON"}, "quotes": {
    ...     "events": ["Attribution"], "content": ["Content"], "speaker": ["Source"]}})
    >>> doc, = read_brat([d], labels=m)
    >>> q = doc.quotes[0]
    >>> q.kind, q.speaker, q.cue.text, [c.text for c in q.content]
    ('direct', 'T1', 'said', ['"no".'])
    """
    if annotator_choice not in ("first", "all"):
        raise DatelineError("bad-option", f"--annotator-choice {annotator_choice!r} is not "
                            "first or all", exit_code=2)
    labels = labels or LabelMap()
    report = report if report is not None else Report("brat")
    conv = _Converter(labels, report)
    drafts = []
    for txt, anns in find_pairs(inputs, ann_dir):
        report.inputs.append(str(txt))
        text = read_text(txt)
        chosen = anns if annotator_choice == "all" else anns[:1]
        for annotator, path in chosen:
            ann = parse_ann(read_text(path), text, str(path))
            check_references(ann)
            report.notes["notes ignored"] += ann.notes
            doc_id = path.stem if annotator_choice == "all" else txt.stem
            drafts.append(conv.document(doc_id, text, ann, str(path), annotator))
    layers = ("entities",) + (("events",) if conv.used["events"] else ()) + (
        ("quotes",) if labels.quotes.events else ())
    for d in drafts:
        d.layers = layers
    parts = {"entities": ("kind", "link") + (() if conv.used["coreference"] else
                                            ("coreference",)),
             "events": tuple(p for p in ("arguments", "attributes") if not conv.used[p]),
             "quotes": (() if conv.used["cue"] else ("cue",)) + (
                 () if labels.quotes.speaker else ("speaker",))}
    return finish(drafts, provenance or Provenance(), report, parts)
