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

from dataclasses import asdict, dataclass
from typing import Any

from dateline.schemas.codes import error_code

__all__ = ["DatelineError", "Incident", "quote_value"]


def quote_value(value: Any, limit: int = 60) -> str:
    """``repr`` of a value, shortened to ``limit`` characters.

    >>> quote_value("x" * 100, limit=10)
    "'xxxxxxxx…"
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
