"""``dateline studio config|push|pull|import|export|server``: the Label Studio round trip.

``push`` and ``pull`` talk to a server (URL from ``--url`` or ``$LABEL_STUDIO_URL``, token from
``$LABEL_STUDIO_API_KEY``); ``import`` and ``export`` do the same conversion on Label Studio
JSON export files, for users without API access. ``pull`` mirrors the project into
``annotations/labelstudio/`` of the corpus folder (``$DATELINE_CORPUS`` or the repository's
``corpus/``, whatever the current directory): files of annotations deleted or invalid on the
server are removed; ``--dry-run`` shows what would change. Annotators are pseudonymous ids
(a team key outside the repository: ``$DATELINE_ANNOTATOR_KEY`` or
``~/.config/dateline/annotator-key``), never e-mail addresses.

>>> import argparse
>>> p = argparse.ArgumentParser(); register(p.add_subparsers())
>>> args = p.parse_args(["studio", "pull", "--project", "news", "--dry-run"])
>>> args.action, args.project, args.out, args.dry_run
('pull', 'news', None, True)
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from dateline.commands import studio_server
from dateline.schemas import DatelineError, Document, atomic_write_text, read_documents
from dateline.studio.config import labeling_config
from dateline.studio.convert import Progress as Step
from dateline.studio.convert import tasks_documents
from dateline.studio.files import STATUSES
from dateline.studio.names import annotations_dir
from dateline.studio.pseudonyms import is_user_id
from dateline.studio.sync import PullReport, write_pulled
from dateline.studio.tasks import document_task

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``studio`` subcommand and its actions.

    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> args = p.parse_args(["studio", "export", "docs.jsonl", "-o", "tasks.json"])
    >>> args.func is run, args.action, args.as_, args.split
    (True, 'export', 'annotations', None)
    """
    p = sub.add_parser("studio", help="annotate in Label Studio: config, push, pull, import, "
                       "export, server", description=__doc__.split("\n\n")[1] if __doc__ else None)
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def server(q: argparse.ArgumentParser) -> None:
        q.add_argument("--url", default=None, help="server URL (default $LABEL_STUDIO_URL or "
                       "http://localhost:8080); the token is read from $LABEL_STUDIO_API_KEY")

    def quiet(q: argparse.ArgumentParser) -> None:
        q.add_argument("--quiet", action="store_true", help="no progress display (there is "
                       "none either when stderr is no terminal)")

    def out(q: argparse.ArgumentParser) -> None:
        quiet(q)
        q.add_argument("--out", default=None, help="where to write (default: "
                       "annotations/labelstudio in the corpus folder)")
        q.add_argument("--dry-run", action="store_true", help="report what would change, "
                       "write and remove nothing")

    q = acts.add_parser("config", help="print the labeling config generated from labels.json")
    q.add_argument("-o", "--output", type=Path, help="write it to this file")
    q.add_argument("--project", help="also validate it on the server and update this project")
    q.add_argument("--guidelines", type=Path, metavar="FILE.md", help="with --project: show "
                   "this Markdown file as the project's instructions in the labeling interface")
    server(q)

    q = acts.add_parser("push", help="create or update a project; import one task per document")
    q.add_argument("--project", required=True, help="project title")
    q.add_argument("--split", help="corpus split to push (train, validation, test)")
    q.add_argument("--docs", nargs="+", type=Path, metavar="FILE",
                   help="push these Document files instead of a corpus split")
    q.add_argument("--predictions", metavar="EXTRACTOR",
                   help="pre-annotate: a registered extractor name or a JSONL of predictions")
    q.add_argument("--model-version", help="model version of file predictions (default: the "
                   "source of their silver layers)")
    quiet(q)
    server(q)

    q = acts.add_parser("pull", help="mirror a project's annotations as Documents per "
                        "annotator")
    q.add_argument("--project", required=True, help="project title")
    out(q)
    server(q)

    q = acts.add_parser("import", help="convert a Label Studio JSON export file (like pull, "
                        "but removing nothing)")
    q.add_argument("file", type=Path, help="JSON export (a list of tasks)")
    q.add_argument("--users", type=Path, metavar="FILE", help="the server's users (its answer "
                   "to GET /api/users/): annotators are then named by pseudonym, as a pull "
                   "names them (an export holds user ids only)")
    out(q)

    q = acts.add_parser("export", help="write Documents as Label Studio tasks (JSON import file)")
    q.add_argument("docs", nargs="+", type=Path, metavar="FILE", help="Document files")
    q.add_argument("-o", "--output", type=Path, required=True, help="JSON file to write")
    q.add_argument("--as", dest="as_", choices=("annotations", "predictions"),
                   default="annotations", help="import the items as annotations (default) or "
                   "as predictions")
    q.add_argument("--model-version", help="model version of predictions")
    q.add_argument("--split", help="split to record in each task's data")
    studio_server.register(acts)
    p.set_defaults(func=run, parser=p)


def _corpus(split: str) -> Iterator[Document]:
    try:
        loading = importlib.import_module("dateline.loading")
    except ImportError:
        raise DatelineError("no-corpus", "the corpus loader (dateline.loading) is not available",
                            fix="pass the documents with --docs FILE", exit_code=2) from None
    docs: Iterator[Document] = loading.documents(split)
    return docs


def _model_version_of(doc: Document) -> str | None:
    for layer in (doc.layers.entities, doc.layers.events, doc.layers.quotes):
        if layer.status == "silver" and layer.source:
            return layer.source
    return None


def _predictions(spec: str, docs: list[Document],
                 model_version: str | None) -> tuple[dict[str, Document], str]:
    path = Path(spec)
    if path.is_file():
        preds = {d.id: d for d in read_documents([path])}
        version = model_version or next(
            (v for d in preds.values() if (v := _model_version_of(d))), None)
        if not version:
            raise DatelineError("studio-no-model-version", f"cannot tell the model version of "
                                f"{path}", fix="pass --model-version NAME-VERSION", exit_code=2)
        return preds, version
    registry = importlib.import_module("dateline.baselines")
    if not hasattr(registry, "get_extractor"):
        raise DatelineError("no-such-file", f"{spec} is no file, and no extractor registry is "
                            "installed", fix="pass a JSONL file of predicted Documents",
                            exit_code=2)
    extractor = registry.get_extractor(spec)
    return ({d.id: extractor.extract(d) for d in docs},
            model_version or f"{extractor.name}-{extractor.version}")


def _print_pull(console: Console, report: PullReport) -> int:
    for inc in report.problems:
        console.print(str(inc), markup=False)
    for e in report.entries:
        if e.status != "unchanged":
            detail = f": {e.detail}" if e.detail else ""
            console.print(f"{e.status:<10} {e.doc_id} by {e.annotator} (annotation {e.ls_id})"
                          f"{detail}", markup=False)
    counts = ", ".join(f"{s} {report.count(s)}" for s in STATUSES)
    n = len(report.entries)
    dry = "dry run, nothing written or removed: " if report.dry_run else ""
    console.print(f"{dry}{n} {'annotation' if n == 1 else 'annotations'}: {counts}")
    return 1 if report.problems else 0


@contextmanager
def _progress(quiet: bool) -> Iterator[Step | None]:
    """A progress display on stderr for long operations; none with --quiet or off a terminal."""
    console = Console(stderr=True, highlight=False)
    if quiet or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        steps: dict[str, TaskID] = {}

        def step(what: str, done: int, total: int) -> None:
            if what not in steps:
                steps[what] = bar.add_task(what, total=total)
            bar.update(steps[what], completed=done, total=total)

        yield step


def run(args: argparse.Namespace) -> int:
    """Run one studio action and return the exit code.

    Without a server: ``export`` writes Documents as an import file of tasks, and ``import``
    converts an export file of tasks (here the same file) into pulled annotations:

    >>> import tempfile
    >>> from dateline.schemas import write_jsonl
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_jsonl([Document(id="d", text="Bo left.")], folder / "docs.jsonl")
    1
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> run(p.parse_args(["studio", "export", str(folder / "docs.jsonl"),
    ...                   "-o", str(folder / "tasks.json")]))
    wrote 1 tasks to .../tasks.json
    0
    >>> run(p.parse_args(["studio", "import", str(folder / "tasks.json"),
    ...                   "--out", str(folder / "pulled")]))
    new        d by unknown (annotation None): 0 entities, 0 events, 0 quotes
    1 annotation: new 1, changed 0, renamed 0, unchanged 0, deleted 0, superseded 0,
    invalid 0, refused 0, skipped 0
    0
    """
    if args.action == "server":
        return studio_server.run(args)
    console = Console(highlight=False, soft_wrap=True)
    if args.action == "config":
        xml = labeling_config()
        if args.output:
            atomic_write_text(args.output, xml)
        elif not args.project:
            sys.stdout.write(xml)
        if args.project:
            from dateline.studio.client import connect
            from dateline.studio.sync import ensure_project

            conn = connect(args.url)
            project, done = ensure_project(conn, args.project)
            console.print(f"project {args.project!r} (id {project.id}): config valid, {done}")
            if args.guidelines:
                from dateline.studio.sync import set_instructions

                shown = set_instructions(conn, project, args.guidelines)
                console.print(f"instructions from {args.guidelines}: {shown}")
        elif args.guidelines:
            args.parser.error("--guidelines needs --project")
        return 0
    if args.action == "export":
        docs = list(read_documents(args.docs))
        tasks: list[dict[str, Any]] = []
        for doc in docs:
            if args.as_ == "annotations":
                tasks.append(document_task(doc, split=args.split))
                continue
            version = args.model_version or _model_version_of(doc) or "unknown-model"
            tasks.append(document_task(doc, split=args.split, predictions=[(doc, version)],
                                       as_annotation=False))
        atomic_write_text(args.output, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
        console.print(f"wrote {len(tasks)} tasks to {args.output}")
        return 0
    if args.action == "import":
        try:
            tasks = json.loads(args.file.read_bytes())
        except (OSError, ValueError) as exc:
            raise DatelineError("studio-bad-export", f"cannot read {args.file}: {exc}",
                                where=str(args.file), fix="pass a Label Studio JSON export "
                                "(Export > JSON), not JSON_MIN or CSV", exit_code=2) from None
        if not isinstance(tasks, list):
            raise DatelineError("studio-bad-export", "the file holds no list of tasks",
                                where=str(args.file), fix="export as JSON (a list of tasks)",
                                exit_code=2)
        users = None
        if args.users:
            from dateline.studio.pseudonyms import read_users, team_key, user_pseudonyms

            users = user_pseudonyms(read_users(args.users), team_key())
        with _progress(args.quiet) as progress:
            report = write_pulled(tasks_documents(tasks, label=f"{args.file}: ", users=users,
                                                  progress=progress),
                                  args.out or annotations_dir(), dry_run=args.dry_run,
                                  progress=progress)
        code = _print_pull(console, report)
        bare = sorted({e.annotator for e in report.entries if is_user_id(e.annotator)})
        if bare:
            console.print(f"note: {len(bare)} annotator(s) named by Label Studio user id only "
                          f"({', '.join(bare)}): the export holds no e-mail address, while a "
                          "pull names annotators by pseudonym; pass --users FILE (the server's "
                          "GET /api/users/) to name them alike", markup=False)
        return code

    from dateline.studio.client import connect
    from dateline.studio.sync import pull, push

    if args.action == "pull":
        conn = connect(args.url)
        with _progress(args.quiet) as progress:
            report = pull(conn, project=args.project, root=args.out, dry_run=args.dry_run,
                          progress=progress)
        return _print_pull(console, report)
    if args.docs:
        docs = list(read_documents(args.docs))
    elif args.split:
        docs = list(_corpus(args.split))
    else:
        args.parser.error("push needs --split or --docs")
    preds, version = (None, None)
    if args.predictions:
        preds, version = _predictions(args.predictions, docs, args.model_version)
    conn = connect(args.url)
    with _progress(args.quiet) as progress:
        result = push(conn, docs, project=args.project, split=args.split, predictions=preds,
                      model_version=version, progress=progress)
    for inc in result.problems:
        console.print(str(inc), markup=False)
    console.print(f"project {result.project!r} (id {result.project_id}, config "
                  f"{result.config}): {len(result.created)} tasks created, "
                  f"{len(result.predictions_added)} predictions added, "
                  f"{len(result.unchanged)} unchanged, {len(result.problems)} refused")
    return 1 if result.problems else 0
