"""Parsing brat ``.ann`` stand-off files into their annotations (no mapping yet).

Line kinds (tab-separated): ``T`` text-bound (``T1<TAB>Type start end[;start end...]<TAB>text``),
``E`` event (``E1<TAB>Type:T1 Role:T2 Role2:E3``), ``R`` relation
(``R1<TAB>Type Arg1:T1 Arg2:T2``), ``A``/``M`` attribute (``A1<TAB>Name E1 [Value]``),
``*`` equivalence (``*<TAB>Coref T1 T2``), ``#`` note (ignored). Any other line, or a line of
the wrong shape, is ``convert-malformed`` with file and line; a span outside the text, or
whose text differs from the ``.ann``'s, is ``convert-bad-offset``.

>>> ann = parse_ann("T1\\tPerson 0 3\\tAnn\\nE1\\tSay:T1\\n#1\\tNote T1\\tfine\\n", "Ann", "a.ann")
>>> ann.spans["T1"].fragments, ann.events["E1"].args, ann.notes
([(0, 3)], [], 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dateline.schemas import DatelineError

__all__ = ["Ann", "Relation", "TextBound", "check_references", "parse_ann"]

_ID = re.compile(r"[TERAMN#*]\w*$")


@dataclass
class TextBound:
    """A ``T`` annotation: its type and ``(start, end)`` fragments as written; ``line``
    where it is.

    >>> TextBound("Person", [(0, 3)], "a.ann:1").fragments
    [(0, 3)]
    """

    type: str
    fragments: list[tuple[int, int]]
    line: str


@dataclass
class Relation:
    """An ``E`` event (``trigger`` set) or an ``R`` relation: type, ``(role, id)``
    arguments, ``line``.

    >>> Relation("Attack", "T1", [("Target", "T2")], "a.ann:3").args
    [('Target', 'T2')]
    """

    type: str
    trigger: str | None
    args: list[tuple[str, str]]
    line: str


@dataclass
class Ann:
    """Every annotation of one ``.ann`` file, by id.

    >>> Ann().spans, Ann().notes
    ({}, 0)
    """

    spans: dict[str, TextBound] = field(default_factory=dict)
    events: dict[str, Relation] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    attributes: list[tuple[str, str, str, str]] = field(default_factory=list)
    equivalences: list[tuple[str, list[str], str]] = field(default_factory=list)
    notes: int = 0


def _bad(message: str, where: str) -> DatelineError:
    return DatelineError("convert-malformed", message, where=where,
                         fix="correct the line (brat's formats: T, E, R, A, M, * and # lines)")


def _args(items: list[str], where: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        role, colon, ref = item.partition(":")
        if not colon or not role or not _ID.match(ref):
            raise _bad(f"argument {item!r} is not ROLE:ID", where)
        out.append((role.rstrip("0123456789") if role[-1:].isdigit() and
                    not role.startswith("Arg") else role, ref))
    return out


def _text_bound(fields: list[str], text: str, where: str) -> TextBound:
    if len(fields) != 3:
        raise _bad("a T line is ID<TAB>TYPE START END[;START END]<TAB>TEXT", where)
    kind, _, offsets = fields[1].partition(" ")
    fragments = []
    for part in offsets.split(";"):
        bits = part.split()
        if not kind or len(bits) != 2 or not all(b.isdigit() for b in bits):
            raise _bad(f"offsets {offsets!r} are not START END[;START END...]", where)
        fragments.append((int(bits[0]), int(bits[1])))
    for start, end in fragments:
        if not 0 <= start < end <= len(text):
            raise DatelineError("convert-bad-offset", f"fragment [{start}, {end}) is outside "
                                f"the text (length {len(text)}) or empty", where=where)
    # brat writes the fragments' texts joined by one space.
    expected = " ".join(text[a:b] for a, b in fragments)
    if fields[2] != expected and fields[2].replace(" ", "") != expected.replace(" ", ""):
        raise DatelineError("convert-bad-offset", f"the annotation's text {fields[2]!r} differs "
                            f"from the text at its offsets, {expected!r}", where=where)
    return TextBound(kind, fragments, where)


def parse_ann(content: str, text: str, name: str) -> Ann:
    """The annotations of the ``.ann`` file ``content`` (called ``name``) over ``text``
    (brat's repeated roles ``Theme2``, ``Theme3`` are read as ``Theme``; ``Arg1``/``Arg2``
    stay).

    >>> ann = parse_ann("T1\\tPerson 0 2\\tBo\\nT2\\tPerson 7 9\\tAl\\nT3\\tMeet 3 6\\tmet\\n"
    ...                 "E1\\tMeet:T3 Entity:T1 Entity2:T2\\n", "Bo met Al", "a.ann")
    >>> ann.events["E1"].args
    [('Entity', 'T1'), ('Entity', 'T2')]
    """
    ann = Ann()
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(content.split("\n"), 1):
        line = raw.removesuffix("\r")
        where = f"{name}:{lineno}"
        if not line.strip():
            continue
        fields = line.split("\t")
        ident = fields[0]
        head = ident[:1]
        if head == "#":
            ann.notes += 1
            continue
        if not _ID.match(ident) or len(fields) < 2:
            raise _bad(f"{ident!r} is no annotation id (T, E, R, A, M, * or #)", where)
        if ident != "*" and ident in seen:
            raise _bad(f"id {ident!r} is used already at line {seen[ident]}", where)
        seen[ident] = lineno
        if head == "T":
            ann.spans[ident] = _text_bound(fields, text, where)
        elif head == "E":
            parts = fields[1].split()
            if not parts or ":" not in parts[0]:
                raise _bad("an E line is ID<TAB>TYPE:TRIGGER ROLE:ID ...", where)
            kind, _, trigger = parts[0].partition(":")
            ann.events[ident] = Relation(kind, trigger, _args(parts[1:], where), where)
        elif head == "R":
            parts = fields[1].split()
            if len(parts) < 3:
                raise _bad("an R line is ID<TAB>TYPE ARG1:ID ARG2:ID", where)
            ann.relations[ident] = Relation(parts[0], None, _args(parts[1:], where), where)
        elif head in "AM":
            parts = fields[1].split()
            if len(parts) not in (2, 3):
                raise _bad("an A/M line is ID<TAB>NAME TARGET [VALUE]", where)
            value = parts[2] if len(parts) == 3 else "true"
            ann.attributes.append((parts[0], parts[1], value, where))
        elif head == "*":
            parts = fields[1].split()
            if len(parts) < 3:
                raise _bad("a * line is *<TAB>TYPE ID ID ...", where)
            ann.equivalences.append((parts[0], parts[1:], where))
        else:  # N (normalisation): no place in a Document
            ann.notes += 1
    return ann


def check_references(ann: Ann) -> None:
    """Refuse a trigger, argument, attribute target or equivalence member that names no
    annotation of the file (``convert-bad-reference``).

    >>> check_references(parse_ann("T1\\tPerson 0 2\\tBo\\n*\\tCoref T1 T4\\n", "Bo", "a.ann"))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [convert-bad-reference] a.ann:2: 'T4' names no ...
    """
    known = set(ann.spans) | set(ann.events) | set(ann.relations)
    checks: list[tuple[str, str]] = []
    for rel in [*ann.events.values(), *ann.relations.values()]:
        if rel.trigger is not None:
            checks.append((rel.trigger, rel.line))
            if rel.trigger not in ann.spans:
                raise DatelineError("convert-bad-reference", f"trigger {rel.trigger!r} is no "
                                    "T annotation of the file", where=rel.line)
        checks.extend((ref, rel.line) for _, ref in rel.args)
    checks.extend((target, where) for _, target, _, where in ann.attributes)
    checks.extend((ref, where) for _, refs, where in ann.equivalences for ref in refs)
    for ref, where in checks:
        if ref not in known:
            raise DatelineError("convert-bad-reference", f"{ref!r} names no annotation of the "
                                "file", where=where)
