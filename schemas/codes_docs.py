"""The error-code registry as data and as a Markdown page (``docs/errors.md``, ``dateline errors``).

The page is generated, pinned by a golden test: regenerate it after changing
:mod:`dateline.schemas.codes` with ``make docs`` (``python -m dateline.schemas.codes_docs``).

>>> [row["code"] for row in code_rows(area="baselines")][:2]
['bad-setting', 'extractor-not-trained']
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dateline.schemas.codes import AREAS, CODES, ErrorCode, error_code
from dateline.schemas.io import atomic_write_text
from dateline.schemas.validate import CHECKS

__all__ = ["DOCS_PATH", "EXIT_CODES", "check_row", "code_rows", "describe", "render_json",
           "render_markdown", "similar_names", "write"]

DOCS_PATH = Path("docs") / "errors.md"

EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "the data has a problem (invalid documents, refused scoring, a failed check)",
    2: "a usage error (an unknown option or name, a missing path)",
}


def code_rows(area: str | None = None) -> list[dict[str, Any]]:
    """The registered codes as JSON-ready dicts, by code; only those of ``area`` if given.

    >>> code_rows(area="input")[0]
    {'code': 'bad-option', 'area': 'input', 'exit_code': 2, 'meaning': "An option's value is \
malformed or out of range.", 'fix': 'run the command with --help for the accepted values'}
    """
    if area is not None and area not in AREAS:
        raise ValueError(f"unknown area {area!r}; use one of {', '.join(AREAS)}")
    return [_row(e) for e in CODES.values() if area is None or e.area == area]


def _row(e: ErrorCode) -> dict[str, Any]:
    return {"code": e.code, "area": e.area, "exit_code": e.exit_code, "meaning": e.meaning,
            "fix": e.fix}


def check_row(check: str) -> dict[str, Any]:
    """A validator check as a JSON-ready dict (``KeyError`` when there is no such check).

    >>> check_row("text-mismatch")["level"]
    2
    """
    level, meaning = CHECKS[check]
    return {"check": check, "level": level, "meaning": meaning}


def describe(name: str) -> dict[str, Any]:
    """What ``name`` is: ``error`` (its registry row) and/or ``check`` (its validator row).

    A level-1 validator check id is both: reading a file stops at it with that error code.
    ``KeyError`` when it is neither.

    >>> sorted(describe("invalid-json")), sorted(describe("usage"))
    (['check', 'error'], ['error'])
    """
    out: dict[str, Any] = {}
    if name in CODES:
        out["error"] = _row(error_code(name))
    if name in CHECKS:
        out["check"] = check_row(name)
    if not out:
        raise KeyError(name)
    return out


def similar_names(name: str, n: int = 3) -> list[str]:
    """Error codes and check ids that look like ``name`` (for a "did you mean" hint).

    >>> similar_names("no-such-path")
    ['no-such-file']
    """
    return difflib.get_close_matches(name, [*CODES, *CHECKS], n=n)


def render_json(area: str | None = None) -> str:
    """The registry (and the validator's checks) as indented JSON text.

    >>> data = json.loads(render_json())
    >>> sorted(data), data["exit_codes"]["2"][:15]
    (['areas', 'checks', 'codes', 'exit_codes'], 'a usage error (')
    """
    data = {
        "exit_codes": {str(k): v for k, v in EXIT_CODES.items()},
        "areas": AREAS if area is None else {area: AREAS[area]},
        "codes": code_rows(area),
        "checks": [check_row(c) for c in CHECKS],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(area: str | None = None) -> str:
    """The page ``docs/errors.md``: exit codes, every code by area, the validator's checks.

    With ``area``, only that area's codes (and no checks).

    >>> page = render_markdown()
    >>> page.splitlines()[0], "| `no-such-file` | 2 |" in page
    ('# Errors', True)
    """
    lines = [
        "# Errors",
        "",
        "<!-- Generated from schemas/codes.py by `make docs`; do not edit by hand. -->",
        "",
        "Every error dateline reports has a stable code, printed as",
        "`error: [code] where: message. Fix: hint.` (never a traceback). `dateline errors`",
        "lists the codes (`--format json|markdown`), `dateline errors CODE` explains one.",
        "",
        "| exit code | meaning |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in EXIT_CODES.items()),
        "",
        f"{len(CODES)} error codes in {len(AREAS)} areas. The fix below is the general one;",
        "the message of an error often names a more precise one.",
    ]
    for name, about in AREAS.items():
        if area is not None and name != area:
            continue
        lines += ["", f"## {name}", "", f"{about[0].upper()}{about[1:]}.", "",
                  "| code | exit | meaning | fix |", "| --- | --- | --- | --- |"]
        lines += [f"| `{r['code']}` | {r['exit_code']} | {_cell(r['meaning'])} | "
                  f"{_cell(r['fix'])} |" for r in code_rows(name)]
    if area is not None:
        return "\n".join(lines) + "\n"
    lines += [
        "",
        "## Validation checks",
        "",
        "`dateline validate` reports incidents, not errors: each has a check id and a level",
        "(1 syntax and schema, 2 offsets and text, 3 cross-references and labels,",
        "4 collection-wide); `dateline validate --list-checks` lists them. Reading a file of",
        "Documents stops at the first level-1 incident with an error of the same code.",
        "",
        "| check id | level | meaning |",
        "| --- | --- | --- |",
        *(f"| `{c}` | {level} | {_cell(meaning)} |" for c, (level, meaning) in CHECKS.items()),
    ]
    return "\n".join(lines) + "\n"


def write(path: str | Path = DOCS_PATH, render: Callable[[], str] | None = None) -> Path:
    """Write the page ``render`` makes (default :func:`render_markdown`) to ``path``
    (relative to the working directory) atomically.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write(Path(d) / "errors.md").read_text("utf-8").startswith("# Errors")
    True
    """
    out = Path(path)
    atomic_write_text(out, (render or render_markdown)())
    return out


if __name__ == "__main__":
    sys.stdout.write(f"wrote {write(*sys.argv[1:2])}\n")
