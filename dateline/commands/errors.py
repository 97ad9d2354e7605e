"""``dateline errors [CODE]``: list every error code with its exit code, meaning and fix.

Without CODE, a table of every registered code (``--area`` narrows it; ``--format json`` or
``markdown`` for machines and docs: ``docs/errors.md`` is the Markdown form). With CODE, what
that code means (as text or JSON); a validator check id is explained too (see ``dateline validate
--list-checks``). Exit codes: 0 listed, 2 unknown code.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> a = p.parse_args(["errors", "no-such-file", "--format", "json"])
>>> a.code, a.format, a.area
('no-such-file', 'json', None)
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from dateline.schemas import CHECKS, DatelineError
from dateline.schemas.codes import AREAS
from dateline.schemas.codes_docs import (
    EXIT_CODES,
    code_rows,
    describe,
    render_json,
    render_markdown,
    similar_names,
)

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``errors`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["errors", "--area", "scoring"])
    >>> args.func is run, args.code, args.area
    (True, None, 'scoring')
    """
    p = sub.add_parser("errors", help="list the error codes: exit code, meaning, fix",
                       description="List every error code dateline can report, with its exit "
                                   "code (1 bad data, 2 usage error), meaning and general fix; "
                                   "or explain one CODE.")
    p.add_argument("code", nargs="?", default=None, metavar="CODE",
                   help="one error code (or validator check id) to explain")
    p.add_argument("--area", choices=tuple(AREAS), default=None,
                   help="list only the codes of this area")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    p.set_defaults(func=run, parser=p)


def _one(name: str, fmt: str, console: Console) -> int:
    try:
        found = describe(name)
    except KeyError:
        close = similar_names(name)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise DatelineError("unknown-code", f"{name!r} is neither an error code nor a check "
                            f"id{hint}") from None
    if fmt == "json":
        sys.stdout.write(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
        return 0
    lines = []
    if "error" in found:
        e = found["error"]
        lines += [f"error code {e['code']} (area {e['area']}, exit code {e['exit_code']})",
                  f"  meaning: {e['meaning']}", f"  fix: {e['fix']}"]
    if "check" in found:
        c = found["check"]
        lines += [f"validator check {c['check']} (level {c['level']})",
                  f"  meaning: {c['meaning']}",
                  "  see `dateline validate --list-checks` for every check"]
    console.print("\n".join(lines), markup=False)
    return 0


def run(args: argparse.Namespace) -> int:
    """Print the codes (or one); return the exit code.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["errors", "layer-registered"]))
    error code layer-registered (area scoring, exit code 2)
      meaning: A layer of that name is registered already.
      fix: choose another name, or register it with replace=True
    0
    """
    console = Console(highlight=False, soft_wrap=True)
    if args.code is not None:
        return _one(args.code, args.format, console)
    if args.format == "json":
        sys.stdout.write(render_json(args.area))
        return 0
    if args.format == "markdown":
        sys.stdout.write(render_markdown(args.area))
        return 0
    rows = code_rows(args.area)
    table = Table(title=f"dateline error codes ({len(rows)})")
    table.add_column("code", no_wrap=True)
    for name in ("exit", "area", "meaning", "fix"):
        table.add_column(name)
    for r in rows:
        table.add_row(r["code"], str(r["exit_code"]), r["area"], r["meaning"], r["fix"])
    console.print(table)
    console.print("exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()),
                  markup=False)
    console.print(f"validator check ids ({len(CHECKS)}): `dateline validate --list-checks`; "
                  "`dateline errors CODE` explains one code or check", markup=False)
    return 0
