"""Coded errors and validation incidents.

Every problem a user can cause has a stable kebab-case code, registered in
:mod:`dateline.schemas.codes` (``dateline errors`` lists them), says where it is (file and line,
or document id and JSON path), quotes the bad value and says how to fix it. Without a ``fix``,
the registry's hint is used; an unregistered code is a programming error (``ValueError``).

>>> err = DatelineError("invalid-json", "expected a value", where="a.jsonl:3",
...                     fix="write one JSON object per line")
>>> print(err)
[invalid-json] a.jsonl:3: expected a value. Fix: write one JSON object per line.
>>> err = DatelineError("no-such-file", "docs.jsonl does not exist")
>>> print(err)
[no-such-file] docs.jsonl does not exist. Fix: check the path.
>>> err.exit_code
2
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from dateline.schemas.codes import error_code

__all__ = ["DatelineError", "Incident", "contrast", "first_difference", "quote_value"]


def quote_value(value: Any, limit: int = 60) -> str:
    """``repr`` of a value, shortened to ``limit`` characters.

    >>> quote_value("x" * 100, limit=10)
    "'xxxxxxxx…"
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_difference(a: str, b: str) -> int | None:
    """The first offset where two strings differ (the shorter length if one is a prefix), or
    None when they are equal.

    >>> first_difference("abc", "abd"), first_difference("ab", "abc"), first_difference("a", "a")
    (2, 2, None)
    """
    if a == b:
        return None
    n = min(len(a), len(b))
    # Binary search on prefix equality: O(log n) slice compares instead of a Python loop.
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _code_points(text: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in text)


def contrast(a: str, b: str, limit: int = 60) -> tuple[str, str]:
    """Display forms of two strings that show where they differ: each shortened around the
    first difference and, when the two would print alike (NFC against NFD, an invisible or a
    look-alike character), followed by the code points from there on.

    >>> contrast("Zo\u00e9", "Zoe\u0301")
    ("'Zoé' (from offset 2: U+00E9)", "'Zoé' (from offset 2: U+0065 U+0301)")
    >>> contrast("a long text that ends here", "a long text that ends there", limit=14)
    ("…'nds here'", "…'nds there'")
    """
    k = first_difference(a, b)
    if k is None:
        return quote_value(a, limit), quote_value(b, limit)
    start = 0 if k < limit // 2 else k - 4
    lead = "…" if start else ""
    shown_a, shown_b = (lead + quote_value(s[start:], limit) for s in (a, b))
    if shown_a != shown_b and (unicodedata.normalize("NFC", a)
                               != unicodedata.normalize("NFC", b)):
        return shown_a, shown_b
    return (f"{shown_a} (from offset {k}: {_code_points(a[k:k + 4])})",
            f"{shown_b} (from offset {k}: {_code_points(b[k:k + 4])})")


class DatelineError(Exception):
    """An error with a stable code, a location and a fix; the CLI prints it without traceback.

    ``code`` must be registered in :data:`dateline.schemas.codes.CODES` (else ``ValueError``).
    ``fix`` defaults to the registry's hint for the code; ``exit_code``, what the CLI exits
    with (1 for bad data, 2 for a usage error), to the registry's exit code for it.

    >>> err = DatelineError("no-such-file", "x.jsonl does not exist", fix="check the path")
    >>> err.code, err.exit_code, str(err)
    ('no-such-file', 2, '[no-such-file] x.jsonl does not exist. Fix: check the path.')
    """

    def __init__(self, code: str, message: str, *, where: str | None = None,
                 fix: str | None = None, exit_code: int | None = None) -> None:
        entry = error_code(code)
        self.code = code
        self.exit_code = entry.exit_code if exit_code is None else exit_code
        self.message = message
        self.where = where
        self.fix = entry.fix if fix is None else fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        fix = f". Fix: {self.fix.rstrip('.')}." if self.fix else ""
        return f"[{self.code}] {where}{self.message.rstrip('.')}{fix}"


@dataclass(frozen=True)
class Incident:
    """One validation problem.

    ``level``: 1 syntax and schema, 2 offsets and text, 3 cross-references and label inventory,
    4 collection-wide. ``check``: the stable check id. ``path``: JSON path inside the document.
    """

    level: int
    check: str
    message: str
    file: str | None = None
    line: int | None = None
    doc_id: str | None = None
    path: str | None = None

    def location(self) -> str:
        """``file:line`` or ``file``, then document id and JSON path when known.

        >>> Incident(2, "text-mismatch", "m", "a.jsonl", 3, "d1", "$.entities[0]").location()
        'a.jsonl:3 d1 $.entities[0]'
        """
        parts = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line is not None else self.file)
        if self.doc_id is not None:
            parts.append(self.doc_id)
        if self.path is not None:
            parts.append(self.path)
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: [L{self.level} {self.check}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)
