"""Push documents to a Label Studio project and pull annotations back into the repository.

Pulled annotations are stand-off files (:mod:`dateline.schemas.standoff`: the Document without
its text, anchored by the text's sha256) under ``corpus/annotations/labelstudio/``, one per
document and annotator (``<doc id>/<annotator>.json``), with the Label Studio project, task
and annotation ids in ``layers.*.source`` and region ids as item ids. The text comes with the
export and every annotation is checked against it before writing; only the file leaves it out,
so no corpus text is committed. Reading them back needs the texts (:func:`document_texts`).
Writing is idempotent: an unchanged annotation leaves its file byte for byte; an edited one
replaces it and is reported as changed; a document whose text differs from the earlier pull
is refused.

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
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document, Incident, atomic_write_text, read_documents
from dateline.schemas.standoff import from_standoff, is_standoff, read_standoff, standoff_json
from dateline.studio.client import Connection, api_errors
from dateline.studio.config import labeling_config
from dateline.studio.convert import Pulled, tasks_documents
from dateline.studio.tasks import document_task, text_hash

__all__ = [
    "ANNOTATIONS_DIR",
    "PullReport",
    "PushReport",
    "annotation_path",
    "document_texts",
    "ensure_project",
    "export_tasks",
    "find_project",
    "pull",
    "push",
    "read_pulled",
    "write_pulled",
]

ANNOTATIONS_DIR = Path("corpus/annotations/labelstudio")
BATCH = 250
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).lstrip(".") or "_"


def annotation_path(root: str | Path, doc_id: str, annotator: str) -> Path:
    """Where the annotation of ``doc_id`` by ``annotator`` is kept.

    >>> annotation_path("ann", "gum_news_x", "a b@example.org").as_posix()
    'ann/gum_news_x/a_b@example.org.json'
    """
    return Path(root) / _safe(doc_id) / f"{_safe(annotator)}.json"


def document_texts(files: Sequence[str | os.PathLike[str]] = (), *,
                   corpus: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Texts by document id, to read stand-off annotations with: from Document ``files`` when
    given, else from every split of the built corpus (empty when it is not built yet: reading
    an annotation then names the document that has no text).

    >>> import pathlib, tempfile
    >>> from dateline.schemas import write_jsonl
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> write_jsonl([Document(id="d1", text="Bo.")], f)
    1
    >>> document_texts([f])
    {'d1': 'Bo.'}
    """
    if files:
        return {d.id: d.text for d in read_documents(files)}
    from dateline.loading import documents
    from dateline.schemas.validate import SPLITS

    try:
        return {d.id: d.text for split in SPLITS for d in documents(split, corpus=corpus)}
    except DatelineError as exc:
        if exc.code == "corpus-not-built":
            return {}
        raise


def read_pulled(root: str | Path, texts: Mapping[str, str]) -> dict[str, dict[str, Document]]:
    """Every pulled annotation under ``root``: doc id -> annotator -> Document.

    ``texts`` maps document ids to their texts (:func:`document_texts`); an annotation of a
    document not in it, or made on another text, is a coded error. The annotator is the first
    of ``layers.entities.annotators`` (the file name is only a filesystem-safe form of it).

    >>> read_pulled("no/such/dir", {})
    {}
    """
    out: dict[str, dict[str, Document]] = {}
    base = Path(root)
    if not base.is_dir():
        return out
    for path in sorted(base.glob("*/*.json")):
        data = read_standoff(path)
        if not is_standoff(data):
            raise DatelineError("studio-bad-pull-file", f"{path} is no stand-off annotation "
                                "(an older pull holding the text?)", where=str(path),
                                fix="delete the file and pull again: pulls are written as "
                                "stand-off now")
        doc_id = data.get("id")
        if not isinstance(doc_id, str) or doc_id not in texts:
            raise DatelineError("annotation-document-missing", f"no text for document "
                                f"{doc_id!r}, which this file annotates", where=f"{path} $.id",
                                fix="build the corpus (`dateline corpus build`) if it is a "
                                "corpus document, else pass the documents pushed to Label "
                                "Studio with --documents FILE.jsonl")
        doc = from_standoff(data, texts[doc_id], where=str(path))
        who = (doc.layers.entities.annotators or (path.stem,))[0]
        out.setdefault(doc.id, {})[who] = doc
    return out


@dataclass(frozen=True)
class PullEntry:
    """What happened to one annotation: ``new``, ``changed``, ``unchanged``, ``invalid``,
    ``refused`` or ``skipped``, with a short detail."""

    doc_id: str
    annotator: str
    ls_id: int | None
    status: str
    detail: str = ""


@dataclass
class PullReport:
    """Entries per annotation, and every problem found.

    >>> report = PullReport([PullEntry("d1", "ann", 5, "new"), PullEntry("d2", "ann", 6, "new"),
    ...                      PullEntry("d1", "bob", 7, "unchanged")])
    >>> report.count("new"), report.count("changed"), report.problems
    (2, 0, [])
    """

    entries: list[PullEntry] = field(default_factory=list)
    problems: list[Incident] = field(default_factory=list)
    tasks: int = 0

    def count(self, status: str) -> int:
        """How many entries have ``status``."""
        return sum(e.status == status for e in self.entries)


def _summary(doc: Document | dict[str, Any]) -> str:
    """Item counts of a Document or of an earlier pull's JSON."""
    n = [getattr(doc, k) if isinstance(doc, Document) else doc.get(k)
         for k in ("entities", "events", "quotes")]
    e, v, q = (len(x) if isinstance(x, list | tuple) else 0 for x in n)
    return f"{e} entities, {v} events, {q} quotes"


def write_pulled(pulled: Iterable[Pulled], root: str | Path,
                 corpus_texts: Mapping[str, str] | None = None) -> PullReport:
    """Write the Documents of ``pulled`` under ``root`` as stand-off files (atomic,
    idempotent) and report.

    When one annotator has several annotations of a task, the latest (highest id) wins and
    the others are reported as skipped. ``corpus_texts`` (doc id -> text), when given, refuses
    annotations of documents whose corpus text has changed since the push.

    >>> import tempfile
    >>> from dateline.studio.convert import task_documents
    >>> task = {"id": 1, "data": {"text": "Bo.", "doc_id": "d1"}, "annotations": [
    ...     {"id": 5, "completed_by": 1, "result": []},
    ...     {"id": 8, "completed_by": 1, "result": []}]}
    >>> root = Path(tempfile.mkdtemp())
    >>> for e in write_pulled(task_documents(task), root).entries:
    ...     print(e.status, e.doc_id, e.annotator, e.ls_id, e.detail)
    skipped d1 user-1 5 superseded by annotation 8
    new d1 user-1 8 0 entities, 0 events, 0 quotes
    >>> report = write_pulled(task_documents(task), root, corpus_texts={"d1": "Bo!"})
    >>> [e.status for e in report.entries], [i.check for i in report.problems]
    (['skipped', 'refused'], ['studio-text-hash'])
    """
    report = PullReport()
    latest: dict[tuple[str, str], Pulled] = {}
    for p in pulled:
        if p.origin != "annotation":
            continue
        if p.skipped is not None:
            report.entries.append(PullEntry(p.doc_id, p.annotator, p.ls_id, "skipped",
                                            p.skipped))
            continue
        key = (p.doc_id, p.annotator)
        prev = latest.get(key)
        if prev is not None:
            older, p = sorted((prev, p), key=lambda x: x.ls_id or 0)
            report.entries.append(PullEntry(older.doc_id, older.annotator, older.ls_id,
                                            "skipped", f"superseded by annotation {p.ls_id}"))
        latest[key] = p
    for (doc_id, who), p in sorted(latest.items()):
        if p.doc is None:
            report.problems.extend(p.problems)
            report.entries.append(PullEntry(doc_id, who, p.ls_id, "invalid",
                                            f"{len(p.problems)} problems"))
            continue
        if corpus_texts is not None and doc_id in corpus_texts \
                and corpus_texts[doc_id] != p.doc.text:
            report.problems.append(Incident(
                2, "studio-text-hash", "the corpus text of this document differs from the text "
                "the task was pushed with; offsets cannot be carried over. Re-push it as a new "
                "task", f"task {p.task_id} annotation {p.ls_id}", None, doc_id, "$.data.text"))
            report.entries.append(PullEntry(doc_id, who, p.ls_id, "refused", "corpus text "
                                            "changed"))
            continue
        path = annotation_path(root, doc_id, who)
        new = standoff_json(p.doc)
        if path.exists():
            old_bytes = path.read_bytes()
            if old_bytes == new.encode("utf-8"):
                report.entries.append(PullEntry(doc_id, who, p.ls_id, "unchanged"))
                continue
            old = read_standoff(path)
            # A pull of an earlier version holds the text itself: compare its hash all the same.
            was = text_hash(old["text"]) if isinstance(old.get("text"), str) \
                else str(old.get("text_sha256"))
            if was != text_hash(p.doc.text):
                report.problems.append(Incident(
                    2, "studio-text-hash", f"the text differs from the earlier pull in {path} "
                    f"(sha256 {was[:12]}… → {text_hash(p.doc.text)[:12]}…); "
                    "refusing to replace it", f"task {p.task_id} annotation {p.ls_id}", None,
                    doc_id, "$.text_sha256"))
                report.entries.append(PullEntry(doc_id, who, p.ls_id, "refused", "text changed"))
                continue
            atomic_write_text(path, new)
            report.entries.append(PullEntry(doc_id, who, p.ls_id, "changed",
                                            f"{_summary(old)} → {_summary(p.doc)}"))
            continue
        atomic_write_text(path, new)
        report.entries.append(PullEntry(doc_id, who, p.ls_id, "new", _summary(p.doc)))
    return report


# --- server side -------------------------------------------------------------------------------


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
    tasks: list[Any] = json.loads(body)
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
         batch: int = BATCH) -> PushReport:
    """Create or update ``project`` and import one task per document, idempotently.

    ``predictions`` (doc id -> predicted Document) are attached with ``model_version``; a
    document already in the project gains only a prediction of a model version it lacks. A
    document whose text differs from its task's is refused (reported), never overwritten.

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
    for doc in docs:
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
        stored = (task.get("data") or {}).get("text_sha256")
        if stored != text_hash(doc.text):
            report.problems.append(Incident(
                2, "studio-text-hash", f"task {task.get('id')} holds another text for this "
                f"document (sha256 {str(stored)[:12]}… vs {text_hash(doc.text)[:12]}…); "
                "annotations on the old text stay there. Push the new text to a new project",
                f"project {proj.id}", None, doc.id, "$.text"))
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
    for chunk in _batches(new_tasks, batch):
        with api_errors(conn, f"importing {len(chunk)} tasks into project {proj.id}"):
            conn.client.projects.import_tasks(id=proj.id, request=[t for _, t in chunk])
        report.created.extend(doc_id for doc_id, _ in chunk)
    if model_version and predictions is not None and proj.model_version != model_version:
        # The project's model version picks which predictions annotators start from.
        with api_errors(conn, f"setting the model version of project {proj.id}"):
            conn.client.projects.update(id=proj.id, model_version=model_version)
    return report


def pull(conn: Connection, *, project: str, root: str | Path = ANNOTATIONS_DIR,
         corpus_texts: Mapping[str, str] | None = None) -> PullReport:
    """Export ``project`` and write every annotation as a stand-off file per annotator.

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
    with api_errors(conn, "listing users"):
        users = {u.id: u.email for u in conn.client.users.list() if u.email}
    tasks = export_tasks(conn, proj.id)
    report = write_pulled(tasks_documents(tasks, users=users), root, corpus_texts)
    report.tasks = len(tasks)
    return report
