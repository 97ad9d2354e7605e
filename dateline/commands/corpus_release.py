"""``dateline corpus release|diff|export|fetch-sources``: the CLI side of corpus releases.

The work is done in :mod:`dateline.release`, :mod:`dateline.diff`, :mod:`dateline.export` and
:mod:`dateline.fetch`; these functions parse arguments and print.

>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_actions(p.add_subparsers(dest="action"), argparse.ArgumentParser(add_help=False))
>>> a = p.parse_args(["diff", "corpus-v0.1.0", "HEAD", "--json", "out.json"])
>>> a.targets, a.json
(['corpus-v0.1.0', 'HEAD'], 'out.json')
>>> p.parse_args(["fetch-sources", "--repo", "gum=file:///srv/git/gum"]).repo
['gum=file:///srv/git/gum']
>>> p.parse_args(["export", "--format", "conll", "out"]).targets
['out']
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from dateline.commands.types import non_negative_int, positive_int
from dateline.diff import LAYERS, CorpusDiff, describe_change, diff_folders
from dateline.schemas import DatelineError, atomic_write_text

__all__ = ["ACTIONS", "add_actions", "render_diff", "resolve_side", "run"]

ACTIONS = ("release", "diff", "export", "fetch-sources")


def add_actions(actions: argparse._SubParsersAction, common: argparse.ArgumentParser  # type: ignore[type-arg]
                ) -> None:
    """Add the sub-parsers of :data:`ACTIONS` to ``corpus``'s, each with its own positional
    ARGs (``targets``) and options only (``common``: the options every action takes).

    >>> p = argparse.ArgumentParser(); add_actions(p.add_subparsers(dest="action"),
    ...                                            argparse.ArgumentParser(add_help=False))
    >>> a = p.parse_args(["export", "--format", "conll", "out"])
    >>> a.targets, a.format
    (['out'], 'conll')
    """
    release = actions.add_parser("release", parents=[common], help="tag a corpus release",
                                 description="Release the built corpus as VERSION: CHANGELOG "
                                             "entry, card, MANIFEST and a corpus-vVERSION tag.")
    release.add_argument("targets", nargs="*", metavar="VERSION", help="the new version")
    release.add_argument("--issue", action="append", type=positive_int, default=[],
                         metavar="N", help="issue the changes link to (repeatable; default: "
                                           "the (#N) references of the commits since the last "
                                           "corpus-v* tag)")
    release.add_argument("--since", default=None, metavar="REV",
                         help="the previous release (default: the highest corpus-v* tag)")
    release.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                         help="date of the CHANGELOG entry (default: today, UTC)")
    release.add_argument("--limit", type=non_negative_int, default=20, metavar="N",
                         help="rows of the table of changes since the previous release "
                              "(default 20)")
    diff = actions.add_parser("diff", parents=[common], help="what changed between two "
                              "corpus versions", description="Compare two corpus versions (a "
                              "tag, a commit or a built folder each): documents and items "
                              "added, removed and changed.")
    diff.add_argument("targets", nargs="*", metavar="A B",
                      help="two versions: a tag, a commit or a built folder")
    diff.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE",
                      help="write JSON to FILE (or to stdout instead of the table)")
    diff.add_argument("--limit", type=non_negative_int, default=20, metavar="N",
                      help="rows of the details table (default 20; the JSON has all)")
    export = actions.add_parser("export", parents=[common], help="export the corpus",
                                description="Export the built corpus to DIR as Parquet, "
                                            "CoNLL or spaCy DocBin files.")
    export.add_argument("targets", nargs="*", metavar="DIR", help="the folder to write")
    export.add_argument("--format", choices=("parquet", "conll", "docbin"), default="parquet",
                        help="file format (default parquet)")
    export.add_argument("--labels", default=None, metavar="L[,L...]|all",
                        help="conll/docbin: the entity labels to tag (default PERSON,"
                             "ORGANIZATION,LOCATION; all: every label the layers cover)")
    export.add_argument("--kinds", default=None, metavar="K[,K...]|all",
                        help="conll/docbin: the mention kinds to tag (default named; all: "
                             "every kind)")
    fetch = actions.add_parser("fetch-sources", parents=[common], help="fetch the pinned "
                               "sources", description="Fetch the source files pinned in "
                               "corpus/sources.lock into DIR (default: --sources).")
    fetch.add_argument("targets", nargs="*", metavar="DIR", help="where to put them")
    fetch.add_argument("--repo", action="append", default=[], metavar="NAME=URL",
                       help="fetch source NAME from URL instead of the lock's repository "
                            "(repeatable)")
    for parser in (release, diff, export, fetch):
        _positionals_after_options(parser)


def _positionals_after_options(p: argparse.ArgumentParser) -> None:
    """Let ARGs follow options (``export --format parquet DIR``): argparse assigns all
    positionals at the first one, so later ones come back unrecognized; collect them."""
    parse = p.parse_known_args

    def parse_known_args(args: Any = None, namespace: Any = None) -> Any:
        ns, extra = parse(args, namespace)
        if getattr(ns, "targets", None) is not None:
            ns.targets = [*ns.targets, *(a for a in extra if not a.startswith("-"))]
            extra = [a for a in extra if a.startswith("-")]
        return ns, extra

    p.parse_known_args = parse_known_args  # type: ignore[method-assign]


def _console() -> Console:
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=120)


def _names(value: str | None) -> list[str] | str | None:
    """``--labels``/``--kinds``: None, ``"all"``, or the comma-separated names."""
    if value is None or value == "all":
        return value
    return [v.strip() for v in value.split(",") if v.strip()]


def _need(args: argparse.Namespace, low: int, high: int, usage: str) -> list[str]:
    targets: list[str] = args.targets
    if not low <= len(targets) <= high:
        raise DatelineError("usage", f"`dateline corpus {args.action}` takes {usage}, got "
                            f"{len(targets)} argument(s)", fix=f"dateline corpus {args.action} "
                            f"{usage}", exit_code=2)
    return targets


def run(args: argparse.Namespace, corpus: Path, sources: Path) -> int:
    """Run one of :data:`ACTIONS`; return the exit code.

    ``diff`` of two built folders, with the JSON written beside the table:

    >>> import contextlib, io
    >>> from dateline.schemas import Document, write_jsonl
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_jsonl([Document(id="d1", text="One.")], folder / "a" / "test.jsonl")
    1
    >>> write_jsonl([Document(id="d1", text="One.")], folder / "b" / "test.jsonl")
    1
    >>> p = argparse.ArgumentParser()
    >>> add_actions(p.add_subparsers(dest="action"), argparse.ArgumentParser(add_help=False))
    >>> args = p.parse_args(["diff", str(folder / "a"), str(folder / "b"),
    ...                      "--json", str(folder / "diff.json")])
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     code = run(args, folder, folder)
    >>> code, json.loads((folder / "diff.json").read_text())["summary"]["documents"]
    (0, {'added': 0, 'removed': 0, 'changed': 0})
    >>> out.getvalue().splitlines()[-1]
    '1 document(s) unchanged'
    """
    console = _console()
    if args.action == "diff":
        a, b = _need(args, 2, 2, "A B")
        return run_diff(a, b, corpus, sources, args, console)
    if args.action == "export":
        (out,) = _need(args, 1, 1, "DIR")
        from dateline.export import export

        written = export(corpus, out, args.format, labels=_names(args.labels),
                         kinds=_names(args.kinds))
        console.print(f"exported {len(written)} files ({args.format}) to {out}")
        for path in written:
            console.print(f"  {path}")
        return 0
    if args.action == "fetch-sources":
        dest = _need(args, 0, 1, "[DIR]")
        return run_fetch(Path(dest[0]) if dest else sources, corpus, args, console)
    (version,) = _need(args, 1, 1, "VERSION")
    return run_release(version, corpus, sources, args, console)


# --------------------------------------------------------------------------- diff


def resolve_side(spec: str, corpus: Path, sources: Path, workdir: Path) -> tuple[Path, str]:
    """A built folder for ``spec`` (a folder, else a git revision built in ``workdir``) and its
    display name.

    >>> folder = Path(tempfile.mkdtemp())
    >>> resolve_side(str(folder), folder, folder, folder / "work") == (folder, str(folder))
    True
    >>> resolve_side("no-such-revision", folder, folder, folder / "work")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-revision] 'no-such-revision' is neither a...
    """
    from dateline.gitrev import build_revision, git, resolve_revision

    if Path(spec).is_dir():
        return Path(spec), spec
    repo = corpus if corpus.is_dir() else Path.cwd()
    commit = resolve_revision(repo, spec)
    if commit is None:
        raise DatelineError("unknown-revision", f"{spec!r} is neither a folder nor a git "
                            "revision", fix="pass a built folder, a tag (corpus-vX.Y.Z) or a "
                            "commit", exit_code=2)
    top = Path(git(repo, "rev-parse", "--show-toplevel").strip())
    folder = build_revision(top, commit, sources, workdir)
    return folder, spec if commit.startswith(spec) else f"{spec} ({commit[:7]})"


def render_diff(d: CorpusDiff, console: Console, limit: int = 20) -> None:
    """Print a diff: loud text changes first, then counts, then details (``limit`` rows).

    >>> from dateline.diff import diff_documents
    >>> from dateline.schemas import Document, Mention
    >>> ann = Mention(id="m1", start=0, end=3, text="Ann", label="PERSON")
    >>> a = {"d1": ("test", Document(id="d1", text="Ann ran."))}
    >>> b = {"d1": ("test", Document(id="d1", text="Ann ran.", entities=(ann,))),
    ...      "d2": ("test", Document(id="d2", text="New."))}
    >>> render_diff(diff_documents(a, b, a_name="v1", b_name="v2"), Console(width=80))
                     v1 → v2
    ┏━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┓
    ┃           ┃ added ┃ removed ┃ changed ┃
    ┡━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━╇━━━━━━━━━┩
    │ documents │ 1     │ 0       │ 1       │
    │ entities  │ 1     │ 0       │ 0       │
    │ events    │ 0     │ 0       │ 0       │
    │ quotes    │ 0     │ 0       │ 0       │
    └───────────┴───────┴─────────┴─────────┘
    0 document(s) unchanged
                           details
    ┏━━━━━━━━━━┳━━━━━━━━━━┳━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━┓
    ┃ document ┃ part     ┃ id ┃ change ┃ labels        ┃
    ┡━━━━━━━━━━╇━━━━━━━━━━╇━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━┩
    │ d2       │ document │    │ added  │               │
    │ d1       │ entities │ m1 │ added  │ PERSON [0, 3) │
    └──────────┴──────────┴────┴────────┴───────────────┘
    """
    if d.text_changed:
        console.print(f"[bold red]TEXT CHANGED in {len(d.text_changed)} document(s): offsets "
                      "into these texts may all have moved[/bold red]")
        for c in d.text_changed:
            console.print(f"[red]  {c.doc}: length {c.before['length']} → "
                          f"{c.after['length']}, first difference at {c.before['at']}: "
                          f"{c.before['excerpt']!r} → {c.after['excerpt']!r}[/red]")
    table = Table("", "added", "removed", "changed", title=f"{d.a} → {d.b}")
    for name, counts in d.summary().items():
        extra = ""
        if name != "documents" and (d.items_in_added.get(name) or d.items_in_removed.get(name)):
            extra = (f" (+{d.items_in_added.get(name, 0)} / −{d.items_in_removed.get(name, 0)}"
                     " in added/removed documents)")
        table.add_row(name + extra, *(str(counts[k]) for k in ("added", "removed", "changed")))
    console.print(table)
    console.print(f"{d.documents_unchanged} document(s) unchanged")
    if d.empty:
        return
    rows: list[tuple[str, ...]] = [(i, "document", "", "added", "") for i in d.documents_added]
    rows += [(i, "document", "", "removed", "") for i in d.documents_removed]
    rows += [(c.doc, c.kind, "", "changed", describe_change(c)) for c in d.document_changes]
    for name in LAYERS:
        ld = d.layers[name]
        rows += [(r.doc, name, r.id, "added", f"{r.label} [{r.start}, {r.end})") for r in ld.added]
        rows += [(r.doc, name, r.id, "removed", f"{r.label} [{r.start}, {r.end})")
                 for r in ld.removed]
        rows += [(c.doc, name, c.id, "changed",
                  f"{c.before} → {c.after}" + (f" ({', '.join(c.fields)})" if c.fields else ""))
                 for c in ld.changed]
    details = Table("document", "part", "id", "change", "labels", title="details")
    for r in rows[:limit]:
        details.add_row(*r)
    console.print(details)
    if len(rows) > limit:
        console.print(f"… and {len(rows) - limit} more rows (--limit N, or --json for all)")


def run_diff(a: str, b: str, corpus: Path, sources: Path, args: argparse.Namespace,
             console: Console) -> int:
    """``dateline corpus diff A B``."""
    with tempfile.TemporaryDirectory(prefix="dateline-diff-") as tmp:
        fa, na = resolve_side(a, corpus, sources, Path(tmp) / "a")
        fb, nb = resolve_side(b, corpus, sources, Path(tmp) / "b")
        d = diff_folders(fa, fb, a_name=na, b_name=nb)
    payload = json.dumps(d.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if args.json == "-":
        sys.stdout.write(payload)
        return 0
    if args.json:
        atomic_write_text(args.json, payload)
    render_diff(d, console, args.limit)
    return 0


# --------------------------------------------------------------------------- fetch, release


def run_fetch(dest: Path, corpus: Path, args: argparse.Namespace, console: Console) -> int:
    """``dateline corpus fetch-sources [DIR]``: the sources the corpus folder's lock pins (the
    installed lock when the folder has none yet, as before a first build)."""
    from dateline.fetch import fetch_sources, parse_overrides
    from dateline.location import template_dir

    lock = corpus / "sources.lock"
    if not lock.exists():
        lock = template_dir() / "sources.lock"
    report = fetch_sources(lock, dest, repos=parse_overrides(args.repo),
                           say=lambda s: console.print(f"[dim]·[/dim] {s}"))
    for line in report:
        console.print(line)
    return 0


def run_release(version: str, corpus: Path, sources: Path, args: argparse.Namespace,
                console: Console) -> int:
    """``dateline corpus release X.Y.Z``."""
    from dateline.release import release

    result: Any = release(corpus, sources, version, issues=args.issue, since=args.since,
                          date=args.date, say=lambda s: console.print(f"[dim]·[/dim] {s}"))
    render_diff(result.diff, console, args.limit)
    console.print(f"\n[bold]corpus {version}[/bold]: card, CHANGELOG, stats.json and MANIFEST "
                  "updated. Review, commit, then tag:\n")
    rel = os.path.relpath(corpus)
    console.print(f"  git commit -m 'corpus {version}' -- {rel}/README.md {rel}/CHANGELOG.md "
                  f"{rel}/stats.json {rel}/MANIFEST")
    console.print(f"  {result.tag_command}")
    return 0
