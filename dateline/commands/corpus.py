"""``dateline corpus build|stats|lock``: build the corpus from pinned sources, show its numbers.

``release``, ``diff``, ``export`` and ``fetch-sources`` are in :mod:`.corpus_release`.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["corpus", "build", "--sources", "src", "--update"])
>>> args.action, args.sources, args.update
('build', 'src', True)
>>> p.parse_args(["corpus", "stats", "--update"])  # an option of another action
Traceback (most recent call last):
...
SystemExit: 2
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.errors import NotRenderableError
from rich.table import Table

from dateline.commands import corpus_release
from dateline.schemas import DatelineError
from dateline.schemas.oserrors import os_error

__all__ = ["print_stats", "read_stats", "register", "run", "stats_tables"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``corpus`` subcommand: one sub-parser per action, each with its own options
    (an option another action takes is refused, a usage error).

    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["corpus", "stats", "--json"])
    >>> args.func is run, args.action, args.corpus, args.sources, args.json
    (True, 'stats', None, None, True)
    """
    p = sub.add_parser("corpus", help="build the corpus from its pinned sources; show statistics",
                       description="Build corpus/data from the pinned sources (corpus/"
                                   "sources.lock), validate it, and update stats.json, the "
                                   "card and MANIFEST; show its statistics; pin the sources; "
                                   "release, diff and export versions; fetch the sources.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sources", metavar="DIR", default=None,
                        help="folder of the sources (default $DATELINE_SOURCES, else "
                             "../shared/sources beside the repository)")
    common.add_argument("--corpus", metavar="DIR", default=None,
                        help="corpus folder (default $DATELINE_CORPUS, else corpus/ in the "
                             "repository)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser("build", parents=[common], help="build and check the corpus",
                               description="Build corpus/data from the pinned sources, check "
                                           "it, and update stats.json, the card and MANIFEST.")
    build.add_argument("--update", action="store_true",
                       help="accept built files that differ from corpus/MANIFEST (and new "
                            "splits)")
    build.add_argument("--quiet", action="store_true", help="no progress, no table")
    stats = actions.add_parser("stats", parents=[common], help="print the corpus statistics",
                               description="Print the statistics of the built corpus "
                                           "(stats.json) and its coverage audit.")
    stats.add_argument("--json", action="store_true", help="print stats.json as JSON")
    actions.add_parser("lock", parents=[common], help="pin the source files",
                       description="Pin the source files: rewrite corpus/sources.lock.")
    corpus_release.add_actions(actions, common)
    p.set_defaults(func=run, parser=p)


def print_stats(stats: dict[str, Any], console: Console) -> None:
    """Print the statistics table of a ``stats.json`` dict, and its coverage audit.

    >>> part = {"documents": 1, "tokens": 1200, "clusters": 2, "events": {"total": 0},
    ...         "mentions": {"total": 3, "named_core_outermost": 2},
    ...         "quotes": {"total": 1, "with_cue": 1}}
    >>> stats = {"corpus_version": "9.9.9", "by_split": {"test": part}, "by_source": {},
    ...          "total": part}
    >>> print_stats(stats, Console(width=100))
                                 dateline corpus 9.9.9
    ┏━━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┓
    ┃ part  ┃ docs ┃ tokens ┃ mentions ┃ named core ┃ clusters ┃ quotes ┃ with cue ┃ events ┃
    ┡━━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━┩
    │ test  │ 1    │ 1,200  │ 3        │ 2          │ 2        │ 1      │ 1        │ 0      │
    │ total │ 1    │ 1,200  │ 3        │ 2          │ 2        │ 1      │ 1        │ 0      │
    └───────┴──────┴────────┴──────────┴────────────┴──────────┴────────┴──────────┴────────┘
    """
    for table in stats_tables(stats):
        console.print(table)


def stats_tables(stats: dict[str, Any]) -> list[Table]:
    """The tables :func:`print_stats` prints (statistics, then the coverage audit if any).

    >>> part = {"documents": 1, "tokens": 1200, "clusters": 2, "events": {"total": 0},
    ...         "mentions": {"total": 3, "named_core_outermost": 2},
    ...         "quotes": {"total": 1, "with_cue": 1}}
    >>> [t.title for t in stats_tables({"corpus_version": "9.9.9", "by_split": {},
    ...                                 "by_source": {}, "total": part})]
    ['dateline corpus 9.9.9']
    """
    from dateline.build import render_stats_table
    from dateline.card import render_audit_table

    rows = render_stats_table(stats)
    table = Table(*rows[0], title=f"dateline corpus {stats['corpus_version']}")
    for r in rows[1:]:
        table.add_row(*r)
    tables = [table]
    audit = stats.get("coverage_audit")
    if audit:
        rows = render_audit_table(audit["sources"])
        table = Table(*rows[0], title=f"coverage audit (threshold {audit['threshold']:.0%} for "
                                      "exhaustive layers; signals in stats.json)")
        for r in rows[1:]:
            table.add_row(*r)
        tables.append(table)
    return tables


def read_stats(path: Path) -> dict[str, Any]:
    """The statistics of a built corpus's ``stats.json``, checked to render: a coded error
    (``stats-malformed``) for a file that is not JSON or lacks the parts a build writes.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "stats.json"
    >>> _ = path.write_text('{"total": 3}')
    >>> read_stats(path)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [stats-malformed] .../stats.json: not the statistics...
    """
    try:
        stats = json.loads(path.read_text("utf-8"))
        if not isinstance(stats, dict):
            raise TypeError(f"a JSON {type(stats).__name__}, not an object")
        stats_tables(stats)
    except OSError as exc:
        raise os_error(exc, path, "read") from exc
    except (ValueError, KeyError, TypeError, AttributeError, IndexError,
            NotRenderableError) as exc:  # NotRenderableError: a cell that is no text
        reason = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise DatelineError("stats-malformed", f"not the statistics of a build: {reason}",
                            where=str(path), fix="rebuild with `dateline corpus build` (or "
                            "restore corpus/stats.json from git)") from exc
    return stats


def run(args: argparse.Namespace) -> int:
    """Run one corpus action; return the exit code.

    ``stats`` prints the table of a built corpus's ``stats.json``:

    >>> import tempfile
    >>> part = {"documents": 1, "tokens": 1200, "clusters": 2, "events": {"total": 0},
    ...         "mentions": {"total": 3, "named_core_outermost": 2},
    ...         "quotes": {"total": 1, "with_cue": 1}}
    >>> stats = {"corpus_version": "9.9.9", "by_split": {"test": part}, "by_source": {},
    ...          "total": part}
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / "stats.json").write_text(json.dumps(stats))
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["corpus", "stats", "--corpus", str(corpus)]))
                                 dateline corpus 9.9.9
    ┏━━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┓
    ┃ part  ┃ docs ┃ tokens ┃ mentions ┃ named core ┃ clusters ┃ quotes ┃ with cue ┃ events ┃
    ┡━━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━┩
    │ test  │ 1    │ 1,200  │ 3        │ 2          │ 2        │ 1      │ 1        │ 0      │
    │ total │ 1    │ 1,200  │ 3        │ 2          │ 2        │ 1      │ 1        │ 0      │
    └───────┴──────┴────────┴──────────┴────────────┴──────────┴────────┴──────────┴────────┘
    0
    >>> run(p.parse_args(["corpus", "stats", "--corpus", str(corpus / "new")]))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [corpus-not-built] no .../new/stats.json. Fix: ...
    """
    from dateline.build import build, lock_sources
    from dateline.location import corpus_path, sources_path

    console = Console(highlight=False)
    if not console.is_terminal:  # logs and CI: room for the whole table
        console = Console(highlight=False, width=110)
    corpus, sources = corpus_path(args.corpus), sources_path(args.sources)
    if args.action in corpus_release.ACTIONS:
        return corpus_release.run(args, corpus, sources)
    if args.action == "stats":
        path = corpus / "stats.json"
        if not path.exists():
            raise DatelineError("corpus-not-built", f"no {path}",
                                fix="run `dateline corpus build`")
        stats = read_stats(path)
        if args.json:
            sys.stdout.write(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
        else:
            print_stats(stats, console)
        return 0
    if args.action == "lock":
        lock = lock_sources(corpus, sources)
        n = sum(len(s["files"]) for s in lock["sources"])
        console.print(f"pinned {n} files of {len(lock['sources'])} sources in "
                      f"{corpus / 'sources.lock'}")
        return 0
    with console.status("building", spinner="dots") as status:
        def step(name: str) -> None:
            if not args.quiet:
                console.print(f"[dim]·[/dim] {name}")
            status.update(f"building: {name}")

        result = build(corpus, sources, update=args.update, step=step)
    if not args.quiet:
        print_stats(result.stats, console)
        counts = result.stats["build_report"]["gum"]["counts"]
        table = Table("GUM attribution relations → quotes", "count",
                      title="quote layer (speech and writing only; details in stats.json)")
        for key in ("attribution relations", "with a cue signal"):
            table.add_row(key, str(counts.get(key, 0)))
        for key, n in counts.items():
            if key.startswith(("excluded:", "quotes")):
                table.add_row(key, str(n))
        console.print(table)
        note = " (MANIFEST updated)" if result.manifest_changed else ""
        console.print(f"built {len(result.files)} files in {result.seconds:.1f} s{note}")
    return 0
