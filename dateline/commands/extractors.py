"""``dateline extractors``: list the installed extractors (built-in and plug-ins).

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> p.parse_args(["extractors", "--format", "json"]).format
'json'
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dateline.baselines import available, get_extractor, is_trainable, layers_of
from dateline.baselines.settings import settings_of
from dateline.schemas import DatelineError

__all__ = ["describe", "register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``extractors`` subcommand.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["extractors"])
    >>> args.func is run, args.format
    (True, 'table')
    """
    p = sub.add_parser("extractors", help="list the installed extractors",
                       description="List built-in extractors and those that installed packages "
                                   "register in the dateline.extractors entry-point group.")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list each extractor's settings (for --set): name, type, default "
                        "and meaning")
    p.set_defaults(func=run, parser=p)


def describe() -> list[dict[str, Any]]:
    """One row per extractor: name, origin, version, layers, trainable, status and its
    ``settings`` (name, type, default, meaning: :mod:`dateline.baselines.settings`).

    >>> rows = {r["name"]: r for r in describe()}
    >>> rows["quotes-rules"]["layers"], rows["crf"]["trainable"]
    (['quotes'], True)
    >>> rows["quotes-rules"]["settings"][1]["name"], rows["quotes-rules"]["settings"][1]["type"]
    ('indirect', 'bool')
    """
    rows = []
    for name, info in available().items():
        row: dict[str, Any] = {"name": name, "origin": info.origin, "target": info.target,
                               "reference": info.reference, "version": None, "layers": [],
                               "trainable": False, "status": "ok", "settings": []}
        try:
            row["settings"] = [x.to_dict() for x in settings_of(info.load())]
            ext = get_extractor(name)
            row["version"] = ext.version
            row["trainable"] = is_trainable(ext)
            declared = getattr(ext, "layers", None)
            if declared or not row["trainable"]:
                row["layers"] = list(declared or layers_of(ext))
        except DatelineError as err:
            row["status"] = f"unavailable: {err.message}"
        rows.append(row)
    return rows


def run(args: argparse.Namespace) -> int:
    """Print the list.

    >>> import argparse, contextlib, io, json
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     code = run(p.parse_args(["extractors", "--format", "json"]))
    >>> rows = {r["name"]: r for r in json.loads(out.getvalue())}
    >>> code, rows["quote-marks"]["reference"], rows["quote-marks"]["status"]
    (0, True, 'ok')
    """
    rows = describe()
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    console = Console(highlight=False)
    table = Table("name", "version", "layers", "trainable", "origin", "status",
                  title="dateline extractors")
    for r in rows:
        name = r["name"] + (" (reference)" if r["reference"] else "")
        table.add_row(name, r["version"] or "-", ", ".join(r["layers"]) or "-",
                      "yes" if r["trainable"] else "no", r["origin"], r["status"])
    console.print(table)
    if args.verbose:
        console.print("settings: --set NAME.SETTING=VALUE in benchmark, --set SETTING=VALUE in "
                      "train and predict (VALUE is JSON when it parses as JSON)", markup=False)
        for r in rows:
            if not r["settings"]:
                console.print(f"{r['name']}: no settings", markup=False)
                continue
            t = Table("setting", "type", "default", "meaning", title=f"{r['name']} settings")
            for x in r["settings"]:
                t.add_row(*(escape(x[k]) for k in ("name", "type", "default", "meaning")))
            console.print(t)
    return 0
