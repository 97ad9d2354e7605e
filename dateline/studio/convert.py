"""Label Studio exports back to Documents: every annotation (and prediction) of a task.

The round trip: :func:`dateline.studio.tasks.document_task` makes a task of a Document,
:func:`dateline.studio.results.results_document` turns one ``result`` list back into a
Document with every problem checked, and :func:`task_documents` does that for each annotation
of an exported task, recording who made it and the Label Studio ids as the layers' provenance.

>>> from dateline.schemas import Document, Mention, Quote, Span
>>> from dateline.studio.results import results_document
>>> from dateline.studio.tasks import document_task
>>> doc = Document(id="d1", text="“Go,” said Ann 🙂.", entities=(
...     Mention(id="m1", start=11, end=14, text="Ann", label="PERSON", kind="named"),),
...     quotes=(Quote(id="q1", content=(Span(start=0, end=5, text="“Go,”"),), cue=Span(
...     start=6, end=10, text="said"), speaker="m1", kind="direct"),))
>>> task = document_task(doc)
>>> [(r.get("id") or r["labels"][0], r["type"]) for r in task["annotations"][0]["result"]]
[('m1', 'labels'), ('m1', 'choices'), ('q1', 'labels'), ('q1-cue', 'labels'),
 ('cue', 'relation'), ('speaker', 'relation')]
>>> back = results_document(task["data"], task["annotations"][0]["result"], where="t")
>>> back.problems, back.doc.quotes == doc.quotes, back.doc.entities == doc.entities
([], True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dateline.schemas import Document, Incident, LayerInfo, Layers, inventory
from dateline.studio.config import TEXT
from dateline.studio.coref import unfilled_parts
from dateline.studio.pseudonyms import is_address, pseudonym, team_key
from dateline.studio.results import results_document
from dateline.studio.shape import (
    ANNOTATION,
    PREDICTION,
    TASK,
    TASK_WITH_PREDICTIONS,
    shape_problems,
)
from dateline.studio.tasks import text_hash

__all__ = ["Progress", "Pulled", "annotator_key", "task_documents", "tasks_documents"]

Progress = Callable[[str, int, int], None]
"""Called with (step, done, total) as a long operation advances (a progress display)."""


def annotator_key(user: Any, users: Mapping[int, str] | None = None,
                  key: bytes | None = None) -> str:
    """A stable annotator name from a ``completed_by`` value (an id or a user object), never
    an e-mail address: an address (of the user object, or in ``users``, id -> address or
    name) becomes its pseudonym under the team ``key`` (default
    :func:`~dateline.studio.pseudonyms.team_key`), a bare user id ``user-<id>``.

    >>> k = b"team key of at least sixteen bytes"
    >>> annotator_key({"id": 3, "email": "ann@example.org"}, key=k)
    'ann-6dc30f94c67d'
    >>> annotator_key(3, {3: "ann@example.org"}, k), annotator_key(4), annotator_key(None)
    ('ann-6dc30f94c67d', 'user-4', 'unknown')
    """
    name = None
    if isinstance(user, dict):
        name = str(user["email"]) if user.get("email") else None
        user = user.get("id")
    if name is None and isinstance(user, int) and users and user in users:
        name = users[user]
    if name is None:
        return "unknown" if user is None else f"user-{user}"
    return pseudonym(name, team_key() if key is None else key) if is_address(name) else name


@dataclass(frozen=True)
class Pulled:
    """One annotation (or prediction) of a task, converted.

    ``origin`` is ``annotation`` or ``prediction``; ``annotator`` the annotator's name (or the
    model version); ``ls_id`` the annotation or prediction id; ``skipped`` says why there is
    no Document although there are no problems (a cancelled annotation).

    >>> task = {"id": 4, "data": {"text": "Hi.", "doc_id": "d"},
    ...         "annotations": [{"id": 2, "completed_by": 1, "was_cancelled": True}],
    ...         "predictions": [{"id": 3, "model_version": "quote-marks-0.1.0", "result": []}]}
    >>> for p in task_documents(task, predictions=True):
    ...     print(p.origin, p.annotator, p.doc is None, p.skipped)
    annotation user-1 True cancelled (skipped) by the annotator
    prediction quote-marks-0.1.0 False None
    """

    doc_id: str
    task_id: int | None
    origin: str
    ls_id: int | None
    annotator: str
    doc: Document | None
    problems: tuple[Incident, ...] = ()
    skipped: str | None = None


def _source(project: Any, task_id: Any, origin: str, ls_id: Any) -> str:
    parts = ["labelstudio:"]
    if project is not None:
        parts.append(f"project/{project}/")
    parts.append(f"task/{task_id}/{origin}/{ls_id}")
    return "".join(parts)


def task_documents(task: Any, *, users: Mapping[int, str] | None = None,
                   predictions: bool = False, label: str = "",
                   index: int | None = None, key: bytes | None = None) -> list[Pulled]:
    """Every annotation of an exported task (and its predictions if asked) as a Document.

    Annotations become layers of status ``gold`` (made by a person in Label Studio) with the
    annotator and the Label Studio ids in ``layers.*.source`` (an entity layer whose text
    boxes were left empty declares ``coreference`` or ``link`` not annotated); predictions
    become ``silver`` layers whose source is their ``model_version``. A task whose text no
    longer matches the hash it was pushed with is refused as a whole. A task or annotation
    with a part of the wrong JSON type (:mod:`dateline.studio.shape`) is refused with a
    ``studio-bad-shape`` problem per part; a refused task is one ``Pulled`` of origin
    ``task``. ``index`` (the task's place in the export) names a task without a usable id.
    Annotators are named by :func:`annotator_key` (``users`` and ``key`` are passed on).

    >>> task = {"id": 7, "project": 2, "data": {"text": "Bo.", "doc_id": "d"},
    ...         "annotations": [{"id": 9, "completed_by": 1, "result": [
    ...             {"id": "m1", "type": "labels", "from_name": "entity", "to_name": "text",
    ...              "value": {"start": 0, "end": 2, "text": "Bo", "labels": ["PERSON"]}}]}]}
    >>> [p] = task_documents(task, users={1: "ann@example.org"}, key=b"sixteen bytes or more")
    >>> p.annotator, p.doc.layers.entities.source, p.doc.entities[0].text
    ('ann-872189c69989', 'labelstudio:project/2/task/7/annotation/9', 'Bo')
    >>> [p] = task_documents({"data": ["Bo."]}, index=3)
    >>> p.origin, p.doc_id, [(i.file, i.check, i.path) for i in p.problems]
    ('task', 'labelstudio-task-#3', [('task #3', 'studio-bad-shape', '$.data')])
    """
    shape = TASK_WITH_PREDICTIONS if predictions else TASK
    broken = [Incident(1, "studio-bad-shape", f"{message}; correct or delete this part of the "
                       "export", "", None, None, path)
              for path, message in shape_problems(task, shape)]
    if not isinstance(task, dict):
        task = {}
    task_id = task.get("id") if type(task.get("id")) is int else None
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    project = task.get("project")
    prefix = f"{label}task {task_id}" if task_id is not None or index is None \
        else f"{label}task #{index}"
    raw_id = data.get("doc_id")
    doc_id = str(raw_id if type(raw_id) in (str, int) and raw_id != "" else
                 f"labelstudio-task-{task_id if task_id is not None else f'#{index}'}")
    if broken:
        return [Pulled(doc_id, task_id, "task", None, "unknown", None, tuple(
            Incident(i.level, i.check, i.message, prefix, None, doc_id, i.path)
            for i in broken))]
    text = data.get(TEXT)
    refused: list[Incident] = []
    if isinstance(text, str) and "text_sha256" in data and data["text_sha256"] != text_hash(text):
        refused.append(Incident(2, "studio-text-hash",
                                "the task text differs from the text it was pushed with "
                                f"(sha256 {str(data['text_sha256'])[:12]}…); offsets made on "
                                "it cannot be trusted. Re-push the document as a new task",
                                prefix, None, doc_id, "$.data.text"))
    items: list[tuple[str, Mapping[str, Any]]] = [("annotation", a)
                                                  for a in task.get("annotations") or ()]
    if predictions:
        items += [("prediction", p) for p in task.get("predictions") or ()]
    out = []
    for k, (origin, item) in enumerate(items):
        bad = shape_problems(item, ANNOTATION if origin == "annotation" else PREDICTION)
        ls_id = item.get("id") if type(item.get("id")) is int else None
        where = f"{prefix} {origin} {ls_id if ls_id is not None else f'#{k}'}"
        if bad:
            out.append(Pulled(doc_id, task_id, origin, ls_id, "unknown", None, tuple(
                Incident(1, "studio-bad-shape", f"{message}; correct or delete this part of "
                         "the export", where, None, doc_id, path) for path, message in bad)))
            continue
        if origin == "annotation":
            who = annotator_key(item.get("completed_by"), users, key)
            info = LayerInfo(status="gold", source=_source(project, task_id, origin, ls_id),
                             annotators=(who,))
        else:
            who = str(item.get("model_version") or "unknown-model")
            info = LayerInfo(status="silver", source=who)
        if refused:
            out.append(Pulled(doc_id, task_id, origin, ls_id, who, None,
                              tuple(Incident(i.level, i.check, i.message, where, None, doc_id,
                                             i.path) for i in refused)))
            continue
        if item.get("was_cancelled"):
            out.append(Pulled(doc_id, task_id, origin, ls_id, who, None,
                              skipped="cancelled (skipped) by the annotator"))
            continue
        inv = inventory()
        layers = Layers(**{layer: info.model_copy(update={"labels": inv.layer_labels(layer)})
                           for layer in ("entities", "events", "quotes")})
        conv = results_document(data, item.get("result") or [], where=where, layers=layers,
                                doc_id=doc_id)
        doc = None if conv.doc is None else unfilled_parts(conv.doc)
        out.append(Pulled(doc_id, task_id, origin, ls_id, who, doc, tuple(conv.problems)))
    return out


def tasks_documents(tasks: Sequence[Any], *, progress: Progress | None = None,
                    **kwargs: Any) -> list[Pulled]:
    """:func:`task_documents` over a whole export (each task named by its index too);
    ``progress`` is called with ``("reading tasks", done, total)`` after each task.

    >>> [(p.origin, p.problems[0].file) for p in tasks_documents([{"id": 1}, 7])]
    [('task', 'task #1')]
    >>> _ = tasks_documents([{"id": 1}], progress=lambda *step: print(step))
    ('reading tasks', 1, 1)
    """
    out = []
    for k, task in enumerate(tasks):
        out.extend(task_documents(task, index=k, **kwargs))
        if progress is not None:
            progress("reading tasks", k + 1, len(tasks))
    return out
