"""Push documents to a Label Studio project and pull annotations back into the repository.

Pulled annotations are stand-off files in ``annotations/labelstudio/`` of the corpus folder
(:func:`~dateline.studio.names.annotations_dir`), one per document and pseudonymous annotator
(:mod:`dateline.studio.files` writes and reads them; its names are re-exported here), with
the Label Studio project, task and annotation ids in ``layers.*.source`` and region ids as
item ids. The text comes with the export and every annotation is checked against it before
writing; only the file leaves it out, so no corpus text is committed. Reading them back needs
the texts (:func:`document_texts`). A pull mirrors the project: an unchanged annotation leaves
its file byte for byte; an edited one replaces it and is reported as changed; one deleted on
the server, or no longer valid, loses its file; a document whose text differs from the
earlier pull is refused.

>>> import tempfile, pathlib
>>> from dateline.studio.convert import task_documents
>>> task = {"id": 1, "project": 1, "data": {"text": "Bo.", "doc_id": "d1"},
...         "annotations": [{"id": 5, "completed_by": 1, "result": []}]}
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> [e.status for e in write_pulled(task_documents(task), root).entries]
['new']
>>> [e.status for e in write_pulled(task_documents(task), root).entries]
['unchanged']
>>> read_pulled(root, {"d1": "Bo."})["d1"]["user-1"].text
'Bo.'
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document, Incident
from dateline.studio.client import Connection, api_errors
from dateline.studio.config import labeling_config
from dateline.studio.convert import Progress, tasks_documents
from dateline.studio.files import (
    PullEntry,
    PullReport,
    document_texts,
    read_pulled,
    write_pulled,
)
from dateline.studio.names import annotation_path, annotations_dir
from dateline.studio.pseudonyms import team_key, user_pseudonyms
from dateline.studio.tasks import document_task, text_hash

__all__ = [
    "PullEntry",
    "PullReport",
    "PushReport",
    "annotation_path",
    "annotations_dir",
    "document_texts",
    "ensure_project",
    "export_tasks",
    "find_project",
    "pull",
    "push",
    "read_pulled",
    "set_instructions",
    "write_pulled",
]

BATCH = 250


def find_project(conn: Connection, title: str) -> Any | None:
    """The project titled ``title``, or None; two projects with that title is an error.

    With a stand-in for the SDK client (the server filters by title; its list may not):

    >>> from types import SimpleNamespace as NS
    >>> from dateline.studio.client import Connection
    >>> projects = [NS(id=1, title="news"), NS(id=2, title="news (old)")]
    >>> conn = Connection(NS(projects=NS(list=lambda title: projects)), "http://ls", "token")
    >>> find_project(conn, "news").id, find_project(conn, "sports")
    (1, None)
    """
    with api_errors(conn, f"listing projects to find {title!r}"):
        found = [p for p in conn.client.projects.list(title=title) if p.title == title]
    if len(found) > 1:
        raise DatelineError("studio-ambiguous-project",
                            f"{len(found)} projects are titled {title!r} "
                            f"(ids {', '.join(str(p.id) for p in found)})",
                            where=conn.url, fix="rename all but one in Label Studio")
    return found[0] if found else None


def ensure_project(conn: Connection, title: str) -> tuple[Any, str]:
    """Create the project or bring its labeling config up to date; return it and what was
    done (``created``, ``updated`` or ``unchanged``).

    The config is checked by the server's strict validation before any update, which refuses
    to drop a label that existing annotations use.

    With a stand-in for the SDK client that keeps one project in memory:

    >>> from types import SimpleNamespace as NS
    >>> from dateline.studio.client import Connection
    >>> store = []
    >>> def create(title, description):
    ...     store.append(NS(id=len(store) + 1, title=title, label_config=""))
    ...     return store[-1]
    >>> def update(id, label_config):
    ...     store[id - 1].label_config = label_config
    ...     return store[id - 1]
    >>> client = NS(projects=NS(list=lambda title: store, create=create, update=update,
    ...                         validate_label_config=lambda id, label_config: None))
    >>> conn = Connection(client, "http://ls", "token")
    >>> [(p.id, done) for p, done in (ensure_project(conn, "news"), ensure_project(conn, "news"))]
    [(1, 'created'), (1, 'unchanged')]
    """
    config = labeling_config()
    project = find_project(conn, title)
    done = "unchanged"
    if project is None:
        with api_errors(conn, f"creating project {title!r}"):
            project = conn.client.projects.create(title=title, description="dateline: news "
                                                  "entities, events and quotes")
        done = "created"
    if (project.label_config or "").strip() != config.strip():
        with api_errors(conn, f"validating the labeling config of project {project.id}"):
            conn.client.projects.validate_label_config(id=project.id, label_config=config)
        with api_errors(conn, f"updating the labeling config of project {project.id}"):
            project = conn.client.projects.update(id=project.id, label_config=config)
        done = "updated" if done == "unchanged" else done
    return project, done


def set_instructions(conn: Connection, project: Any, guidelines: str | Path) -> str:
    """Show the Markdown file ``guidelines`` as the project's instructions (as HTML, opened
    before each task); return ``updated`` or ``unchanged``.

    With a stand-in for the SDK client:

    >>> import tempfile
    >>> from types import SimpleNamespace as NS
    >>> from dateline.studio.client import Connection
    >>> md = Path(tempfile.mkdtemp()) / "GUIDELINES.md"
    >>> _ = md.write_text("# Entities\\n\\nMark *every* person.\\n")
    >>> proj = NS(id=1, expert_instruction="", show_instruction=False)
    >>> def update(id, **fields):
    ...     proj.__dict__.update(fields)
    ...     return proj
    >>> conn = Connection(NS(projects=NS(update=update)), "http://ls", "token")
    >>> set_instructions(conn, proj, md), set_instructions(conn, proj, md)
    ('updated', 'unchanged')
    >>> proj.expert_instruction
    '<h1>Entities</h1>\\n<p>Mark <em>every</em> person.</p>\\n'
    """
    from markdown_it import MarkdownIt

    from dateline.schemas.oserrors import os_error

    try:
        source = Path(guidelines).read_text("utf-8")
    except OSError as exc:
        raise os_error(exc, guidelines, "read") from None
    html = MarkdownIt("commonmark").enable("table").render(source)
    if getattr(project, "expert_instruction", None) == html \
            and getattr(project, "show_instruction", False):
        return "unchanged"
    with api_errors(conn, f"setting the instructions of project {project.id}"):
        conn.client.projects.update(id=project.id, expert_instruction=html,
                                    show_instruction=True)
    return "updated"


def export_tasks(conn: Connection, project_id: int, timeout: float = 600.0) -> list[Any]:
    """Every task of a project with annotations and full predictions (a snapshot export:
    the quick export gives prediction ids only).

    With a stand-in for the SDK's export API whose snapshot is ready at once:

    >>> from types import SimpleNamespace as NS
    >>> from dateline.studio.client import Connection
    >>> exports = NS(create=lambda project_id, **options: NS(id=3),
    ...              get=lambda project_id, export_pk: NS(status="completed"),
    ...              download=lambda project_id, export_pk, export_type: [b'[{"id": 7}]'],
    ...              delete=lambda project_id, export_pk: None)
    >>> export_tasks(Connection(NS(projects=NS(exports=exports)), "http://ls", "token"), 1)
    [{'id': 7}]
    """
    exports = conn.client.projects.exports
    with api_errors(conn, f"exporting project {project_id}"):
        snap = exports.create(project_id, title="dateline pull",
                              task_filter_options={"only_with_annotations": False},
                              serialization_options={"predictions": {"only_id": False}})
        deadline = time.monotonic() + timeout
        while (status := exports.get(project_id, export_pk=snap.id).status) not in (
                "completed", "failed"):
            if time.monotonic() > deadline:
                raise DatelineError("studio-export-timeout", f"export {snap.id} of project "
                                    f"{project_id} not ready after {timeout:.0f} s",
                                    where=conn.url, fix="retry later")
            time.sleep(0.2)
        if status == "failed":
            raise DatelineError("studio-export-failed", f"export {snap.id} of project "
                                f"{project_id} failed on the server", where=conn.url,
                                fix="look at the server log")
        body = b"".join(exports.download(project_id, export_pk=snap.id, export_type="JSON"))
        exports.delete(project_id, export_pk=snap.id)
    tasks: list[Any] = json.loads(body)  # pull() checks that it is a list
    return tasks


@dataclass
class PushReport:
    """What a push did.

    >>> report = PushReport(3, "news", "created", created=["d1", "d2"])
    >>> report.project_id, report.created, report.unchanged, report.problems
    (3, ['d1', 'd2'], [], [])
    """

    project_id: int
    project: str
    config: str
    created: list[str] = field(default_factory=list)
    predictions_added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Incident] = field(default_factory=list)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for k in range(0, len(items), size):
        yield items[k:k + size]


def push(conn: Connection, docs: Iterable[Document], *, project: str, split: str | None = None,
         predictions: Mapping[str, Document] | None = None, model_version: str | None = None,
         batch: int = BATCH, progress: Progress | None = None) -> PushReport:
    """Create or update ``project`` and import one task per document, idempotently.

    ``predictions`` (doc id -> predicted Document) are attached with ``model_version``; a
    document already in the project gains only a prediction of a model version it lacks. A
    document whose text differs from its task's (as pushed, or as edited on the server since)
    is refused (reported), never overwritten. ``progress`` is called with ``(step, done,
    total)`` as documents are compared and tasks imported.

    Skipped here, as it needs a running Label Studio server (a second push creates nothing):

    >>> from dateline.studio.client import connect
    >>> docs = [Document(id="d1", text="Bo left."), Document(id="d2", text="Al came.")]
    >>> push(connect(), docs, project="news").created  # doctest: +SKIP
    ['d1', 'd2']
    >>> push(connect(), docs, project="news").unchanged  # doctest: +SKIP
    ['d1', 'd2']
    """
    proj, done = ensure_project(conn, project)
    report = PushReport(proj.id, project, done)
    if predictions is not None and not model_version:
        raise DatelineError("studio-no-model-version", "predictions need a model version",
                            fix="pass --model-version NAME-VERSION", exit_code=2)
    existing: dict[str, dict[str, Any]] = {}
    for task in export_tasks(conn, proj.id):
        doc_id = (task.get("data") or {}).get("doc_id")
        if doc_id is not None:
            existing[str(doc_id)] = task
    new_tasks: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    docs = list(docs)
    for done, doc in enumerate(docs):
        if progress is not None:
            progress("comparing documents", done, len(docs))
        if doc.id in seen:
            raise DatelineError("duplicate-document-id", f"document {doc.id!r} is given twice",
                                fix="push each document once")
        seen.add(doc.id)
        pred = predictions.get(doc.id) if predictions is not None else None
        pairs = [(pred, str(model_version))] if pred is not None else []
        task = existing.get(doc.id)
        if task is None:
            new_tasks.append((doc.id, document_task(doc, split=split, predictions=pairs,
                                                    as_annotation=False)))
            continue
        data = task.get("data") or {}
        stored, now = data.get("text_sha256"), text_hash(doc.text)
        server = text_hash(data["text"]) if isinstance(data.get("text"), str) else None
        if stored != now or server != now:
            what = (f"holds another text for this document (sha256 {str(stored)[:12]}… vs "
                    f"{now[:12]}…)" if stored != now else
                    f"has a text edited on the server since the push (sha256 "
                    f"{str(server)[:12]}… vs the pushed {now[:12]}…)")
            report.problems.append(Incident(
                2, "studio-text-hash", f"task {task.get('id')} {what}; annotations made on it "
                "cannot be carried over. Push the document to a new project (or restore the "
                "task's text in Label Studio)", f"project {proj.id}", None, doc.id, "$.text"))
            continue
        versions = {p.get("model_version") for p in task.get("predictions") or ()
                    if isinstance(p, dict)}
        if pairs and model_version not in versions:
            result = document_task(doc, predictions=pairs, as_annotation=False)["predictions"]
            with api_errors(conn, f"adding a prediction to task {task.get('id')}"):
                conn.client.predictions.create(task=task["id"], result=result[0]["result"],
                                               model_version=model_version)
            report.predictions_added.append(doc.id)
        else:
            report.unchanged.append(doc.id)
    if progress is not None:
        progress("comparing documents", len(docs), len(docs))
    for chunk in _batches(new_tasks, batch):
        if progress is not None:
            progress("importing tasks", len(report.created), len(new_tasks))
        with api_errors(conn, f"importing {len(chunk)} tasks into project {proj.id}"):
            conn.client.projects.import_tasks(id=proj.id, request=[t for _, t in chunk])
        report.created.extend(doc_id for doc_id, _ in chunk)
    if progress is not None and new_tasks:
        progress("importing tasks", len(report.created), len(new_tasks))
    if model_version and predictions is not None and proj.model_version != model_version:
        # The project's model version picks which predictions annotators start from.
        with api_errors(conn, f"setting the model version of project {proj.id}"):
            conn.client.projects.update(id=proj.id, model_version=model_version)
    return report


def pull(conn: Connection, *, project: str, root: str | Path | None = None,
         corpus_texts: Mapping[str, str] | None = None, dry_run: bool = False,
         key: bytes | None = None, progress: Progress | None = None) -> PullReport:
    """Export ``project`` and mirror its annotations as stand-off files per annotator under
    ``root`` (default :func:`~dateline.studio.names.annotations_dir`), annotators named by
    their pseudonyms under the team ``key`` (default
    :func:`~dateline.studio.pseudonyms.team_key`); ``dry_run`` only reports; ``progress`` as
    in :func:`~dateline.studio.files.write_pulled`.

    A project that does not exist is refused (here with a stand-in for the SDK client):

    >>> from types import SimpleNamespace as NS
    >>> from dateline.studio.client import Connection
    >>> conn = Connection(NS(projects=NS(list=lambda title: [])), "http://ls", "token")
    >>> pull(conn, project="news")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-no-project] ...: no project titled 'news'...

    Skipped here, as it needs a running Label Studio server with annotations:

    >>> from dateline.studio.client import connect
    >>> pull(connect(), project="news").count("new")  # doctest: +SKIP
    2
    """
    proj = find_project(conn, project)
    if proj is None:
        raise DatelineError("studio-no-project", f"no project titled {project!r}",
                            where=conn.url, fix="push documents first, or check the title",
                            exit_code=2)
    key = team_key() if key is None else key
    with api_errors(conn, "listing users"):
        users = user_pseudonyms(((u.id, u.email) for u in conn.client.users.list()), key)
    if progress is not None:
        progress("exporting the project", 0, 1)
    tasks = export_tasks(conn, proj.id)
    if progress is not None:
        progress("exporting the project", 1, 1)
    if not isinstance(tasks, list):
        raise DatelineError("studio-bad-export", f"the export of project {proj.id} holds no "
                            "list of tasks", where=conn.url, fix="look at the server log")
    report = write_pulled(tasks_documents(tasks, users=users, key=key, progress=progress),
                          annotations_dir() if root is None else root, corpus_texts,
                          project=proj.id, dry_run=dry_run, progress=progress)
    report.tasks = len(tasks)
    return report
