"""``dateline validate PATH...``: check files of Documents; exit 0 when valid, 1 when not.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["validate", "--level", "2", "docs.jsonl"])
>>> args.level, args.paths
(2, ['docs.jsonl'])
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from dateline.commands.types import positive_int
from dateline.schemas import CHECKS, LAYERS, ValidationReport, validate_paths
from dateline.schemas.jsonl import DEFAULT_MAX_LINE_BYTES

__all__ = ["register", "report_dict", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``validate`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["validate", "docs.jsonl"])
    >>> args.func is run, args.level, args.max_errors, args.format
    (True, 4, None, 'text')
    """
    p = sub.add_parser("validate", help="check Documents (.json/.jsonl files or folders)",
                       description="Check Documents at four levels: 1 syntax and schema, "
                                   "2 offsets and text, 3 cross-references and labels, "
                                   "4 collection-wide (duplicate ids, split overlap).")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of documents")
    p.add_argument("--level", type=int, choices=(1, 2, 3, 4), default=4,
                   help="highest level to check (default 4)")
    p.add_argument("--exclude", nargs="+", default=[], metavar="ID", help="check ids to skip")
    p.add_argument("--max-errors", type=positive_int, default=None, metavar="N",
                   help="stop after N incidents")
    p.add_argument("--max-line-bytes", type=positive_int, default=DEFAULT_MAX_LINE_BYTES,
                   metavar="N",
                   help=f"longest accepted line (default {DEFAULT_MAX_LINE_BYTES:,} bytes)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--list-checks", action="store_true", help="list the check ids and exit")
    p.set_defaults(func=run, parser=p)


def report_dict(report: ValidationReport) -> dict[str, Any]:
    """The JSON form of a validation report.

    >>> out = report_dict(ValidationReport(documents=1))
    >>> out["valid"], out["documents"], out["items"], out["incidents"]
    (True, 1, {'entities': 0, 'events': 0, 'quotes': 0}, [])
    """
    return {
        "valid": report.valid,
        "files": report.files,
        "documents": report.documents,
        "items": {layer: report.items[layer] for layer in LAYERS},
        "statuses": {layer: {s: n for (lay, s), n in sorted(report.statuses.items())
                             if lay == layer} for layer in LAYERS},
        "truncated": report.truncated,
        "incidents": [i.to_dict() for i in report.incidents],
    }


def run(args: argparse.Namespace) -> int:
    """Validate and print the report; return the exit code.

    >>> import argparse, contextlib, io, json, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = path.write_text('{"id": "a", "text": "Hi."}\\n{"id": "a", "text": "Yo."}\\n')
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     code = run(p.parse_args(["validate", str(path), "--format", "json"]))
    >>> code, [i["check"] for i in json.loads(out.getvalue())["incidents"]]
    (1, ['duplicate-document-id'])
    """
    console = Console(highlight=False, soft_wrap=True)
    if args.list_checks:
        table = Table("level", "check id", "meaning", title="validation checks")
        for check, (level, meaning) in CHECKS.items():
            table.add_row(str(level), check, meaning)
        console.print(table)
        return 0
    if not args.paths:
        args.parser.error("name at least one PATH")
    if args.max_errors is not None and args.max_errors < 1:
        args.parser.error("--max-errors must be at least 1")
    report = validate_paths(args.paths, level=args.level, exclude=args.exclude,
                            max_errors=args.max_errors, max_line_bytes=args.max_line_bytes)
    if args.format == "json":
        json.dump(report_dict(report), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0 if report.valid else 1
    for incident in report.incidents:
        console.print(str(incident), markup=False)
    table = Table("layer", "items", "statuses", title=(
        f"{report.documents} documents in {len(report.files)} files, checked to level {args.level}"
    ))
    for layer in LAYERS:
        statuses = ", ".join(f"{s} {n}" for (lay, s), n in sorted(report.statuses.items())
                             if lay == layer)
        table.add_row(layer, str(report.items[layer]), statuses)
    console.print(table)
    if report.valid:
        console.print("valid: no incidents")
        return 0
    more = " (stopped at --max-errors)" if report.truncated else ""
    console.print(f"invalid: {len(report.incidents)} incidents{more}")
    return 1
