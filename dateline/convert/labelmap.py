"""The map file of ``dateline convert``: source labels to dateline labels, per section.

A map file is a JSON object with up to four sections::

    {"entities": {"PER": "PERSON", "GPE": "LOCATION", "*": null},
     "events": {"Conflict:Attack": "Conflict.Attack"},
     "roles": {"Attacker": "Attacker"},
     "quotes": {"events": ["Attribution"], "content": ["Content"], "cue": ["Cue"],
                "speaker": ["Source"]}}

In ``entities``, ``events`` and ``roles`` a source label maps to a dateline label, or to null
(dropped). A label the section does not list is kept when it is a dateline label already
(for events also after writing ``:`` as ``.``, so ``Conflict:Attack`` is ``Conflict.Attack``),
else dropped; ``"*"`` maps every unlisted label (``"*": null`` drops them all). Every dropped
label is counted in the conversion report with its reason. A value that is no label of
``schemas/labels.json`` is a coded error (``map-unknown-label``).

``quotes`` names the source's attribution event (or relation) types (``events``) and the
argument roles that hold the content, the cue and the speaker.

>>> m = LabelMap.from_json({"entities": {"PER": "PERSON", "MISC": None}})
>>> m.entity("PER"), m.entity("MISC"), m.entity("LOCATION"), m.entity("GPE")
(('PERSON', ''), (None, 'mapped to null'), ('LOCATION', ''), (None, 'not in the map'))
>>> m.event("Conflict:Attack")
('Conflict.Attack', '')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, inventory

__all__ = ["LabelMap", "QuoteRoles", "read_map"]

SECTIONS = ("entities", "events", "roles", "quotes")
QUOTE_KEYS = ("events", "content", "cue", "speaker")


@dataclass(frozen=True)
class QuoteRoles:
    """The ``quotes`` section: attribution types and their content, cue and speaker roles.

    >>> QuoteRoles(("Attribution",), ("Content",), ("Cue",), ("Source",)).part("Source")
    'speaker'
    """

    events: tuple[str, ...] = ()
    content: tuple[str, ...] = ()
    cue: tuple[str, ...] = ()
    speaker: tuple[str, ...] = ()

    def part(self, role: str) -> str | None:
        """Which part of a quote an argument ``role`` fills (None: no part).

        >>> QuoteRoles(content=("Arg2",)).part("Arg2"), QuoteRoles().part("Arg2")
        ('content', None)
        """
        for name in ("content", "cue", "speaker"):
            if role in getattr(self, name):
                return name
        return None


def _known(section: str) -> tuple[str, ...]:
    inv = inventory()
    return {"entities": inv.entity_labels, "events": inv.event_types, "roles": inv.roles}[section]


@dataclass(frozen=True)
class LabelMap:
    """Source labels to dateline labels (the module docstring gives the rules).

    >>> LabelMap().entity("PERSON"), LabelMap().role("Time-Within")
    (('PERSON', ''), (None, 'not a dateline label (map it with --map)'))
    """

    entities: dict[str, str | None] | None = None
    events: dict[str, str | None] | None = None
    roles: dict[str, str | None] | None = None
    quotes: QuoteRoles = field(default_factory=QuoteRoles)

    @classmethod
    def from_json(cls, data: Any, where: str = "<map>") -> LabelMap:
        """A map from the parsed JSON of a map file (``map-malformed``/``map-unknown-label``
        for a bad one).

        >>> LabelMap.from_json({"entities": {"PER": "PEOPLE"}})
        Traceback (most recent call last):
        ...
        dateline.schemas.errors.DatelineError: [map-unknown-label] <map>: $.entities.PER: ...
        """
        if not isinstance(data, dict):
            raise DatelineError("map-malformed", "a map file is a JSON object", where=where)
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise DatelineError("map-malformed", f"unknown section {unknown[0]!r}; the "
                                f"sections are {', '.join(SECTIONS)}", where=where)
        parts: dict[str, Any] = {}
        for section in ("entities", "events", "roles"):
            table = data.get(section)
            if table is None:
                continue
            if not isinstance(table, dict):
                raise DatelineError("map-malformed", f"$.{section} must be an object of "
                                    "source label -> dateline label or null", where=where)
            known = _known(section)
            for key, value in table.items():
                if value is not None and (not isinstance(value, str) or value not in known):
                    raise DatelineError(
                        "map-unknown-label", f"$.{section}.{key}: {value!r} is not a "
                        f"dateline {section[:-1] if section != 'entities' else 'entity'} "
                        "label of schemas/labels.json", where=where,
                        fix=f"map {key!r} to one of {', '.join(known[:8])}, ... or to null")
            parts[section] = dict(table)
        quotes = data.get("quotes") or {}
        if not isinstance(quotes, dict) or set(quotes) - set(QUOTE_KEYS) or not all(
                isinstance(v, list) and all(isinstance(x, str) for x in v)
                for v in quotes.values()):
            raise DatelineError("map-malformed", "$.quotes must be an object whose keys "
                                f"({', '.join(QUOTE_KEYS)}) hold lists of names", where=where)
        parts["quotes"] = QuoteRoles(**{k: tuple(v) for k, v in quotes.items()})
        return cls(**parts)

    def _lookup(self, section: str, label: str, *alternatives: str) -> tuple[str | None, str]:
        table: dict[str, str | None] | None = getattr(self, section)
        known = _known(section)
        if table is not None and label in table:
            value = table[label]
            return (value, "") if value is not None else (None, "mapped to null")
        if table is not None and "*" in table:
            value = table["*"]
            return (value, "") if value is not None else (None, "mapped to null by '*'")
        for candidate in (label, *alternatives):
            if candidate in known:
                return candidate, ""
        if table is not None:
            return None, "not in the map"
        return None, "not a dateline label (map it with --map)"

    def entity(self, label: str) -> tuple[str | None, str]:
        """The dateline entity label of ``label`` and, when None, why it is dropped."""
        return self._lookup("entities", label)

    def event(self, label: str) -> tuple[str | None, str]:
        """The dateline event type of ``label`` (``:`` read as ``.``) or why it is dropped."""
        return self._lookup("events", label, label.replace(":", "."))

    def role(self, label: str) -> tuple[str | None, str]:
        """The dateline argument role of ``label`` or why it is dropped."""
        return self._lookup("roles", label)


def read_map(path: str | Path | None) -> LabelMap:
    """The map of a map file (the identity map for None).

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "map.json"
    >>> _ = p.write_text('{"entities": {"PER": "PERSON"}}')
    >>> read_map(p).entity("PER"), read_map(None).entity("PER")[0]
    (('PERSON', ''), None)
    """
    if path is None:
        return LabelMap()
    p = Path(path)
    if not p.is_file():
        raise DatelineError("no-such-file", f"map file {str(p)!r} does not exist", where=str(p),
                            exit_code=2)
    try:
        data = json.loads(p.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise DatelineError("map-malformed", f"not JSON: {exc.msg}",
                            where=f"{p}:{exc.lineno}") from exc
    return LabelMap.from_json(data, str(p))
