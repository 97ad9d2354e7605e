"""The settings an extractor takes, for ``dateline extractors --verbose``: each parameter of its
factory with its type, its default and its meaning.

The meaning comes from the class docstring's ``Settings:`` paragraph, written as
````name`` (what it does)`` items (nested parentheses allowed), the convention of the built-in
extractors; a setting it does not describe says so.

>>> from dateline.baselines.crf import CRFTagger
>>> [(s.name, s.type, s.default) for s in settings_of(CRFTagger)][:2]
[('c1', 'float', '0.1'), ('c2_grid', 'Sequence[float]', '(0.1,)')]
>>> settings_of(CRFTagger)[0].meaning
'L1 penalty'
"""

from __future__ import annotations

import inspect
import re
import typing
from dataclasses import dataclass
from typing import Any

__all__ = ["Setting", "meanings", "settings_of"]

UNDOCUMENTED = "(not described in the extractor's docstring)"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default (``required`` when it has none) and meaning.

    >>> Setting("c1", "float", "0.1", "L1 penalty").to_dict()["default"]
    '0.1'
    """

    name: str
    type: str
    default: str
    meaning: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form."""
        return {"name": self.name, "type": self.type, "default": self.default,
                "meaning": self.meaning}


def meanings(doc: str | None) -> dict[str, str]:
    """Setting name -> meaning from a docstring's ``Settings:`` paragraph.

    >>> meanings("Settings: ``a`` (one (or two)), ``b`` and ``c`` (the others).\\n\\nMore.")
    {'a': 'one (or two)', 'b': 'the others', 'c': 'the others'}
    """
    text = inspect.cleandoc(doc or "")
    m = re.search(r"Settings:(.*?)(?:\n\s*\n|$)", text, re.DOTALL)
    if m is None:
        return {}
    para = " ".join(m.group(1).split())
    out: dict[str, str] = {}
    for found in re.finditer(r"``\w+``(?:,?(?:\s+and)?\s+``\w+``)*\s*\(", para):
        depth, k = 1, found.end()
        while k < len(para) and depth:
            depth += {"(": 1, ")": -1}.get(para[k], 0)
            k += 1
        for name in re.findall(r"``(\w+)``", found.group()):
            out.setdefault(name, para[found.end():k - 1].strip())
    return out


def _type_name(hint: Any) -> str:
    if hint is inspect.Parameter.empty or hint is None:
        return "any"
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("collections.abc.", "")


def settings_of(factory: Any) -> list[Setting]:
    """The settings of an extractor class or factory (none for a ready instance, or a
    factory without an introspectable signature).

    >>> from dateline.baselines.lexicon import LabelLexicon
    >>> settings_of(LabelLexicon)
    []
    """
    if not callable(factory):
        return []
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return []
    try:
        hints = typing.get_type_hints(factory.__init__ if isinstance(factory, type) else factory)
    except Exception:  # unresolvable annotations: no types
        hints = {}
    described = meanings(factory.__doc__)
    out = []
    for name, p in params.items():
        if p.kind not in (inspect.Parameter.KEYWORD_ONLY,
                          inspect.Parameter.POSITIONAL_OR_KEYWORD):
            continue
        default = "required" if p.default is inspect.Parameter.empty else repr(p.default)
        out.append(Setting(name, _type_name(hints.get(name, p.annotation)), default,
                           described.get(name, UNDOCUMENTED)))
    return out
