"""The pulled-annotations folder: writing what a pull brought as a mirror of the server
(idempotent, every change reported) and reading it back with the texts.

Pulled annotations are stand-off files (:mod:`dateline.schemas.standoff`: the Document without
its text, anchored by the text's sha256) in :func:`~dateline.studio.names.annotations_dir`,
one per document and annotator (``<doc id>/<annotator>.json``,
:func:`~dateline.studio.names.annotation_path`); the annotator is a pseudonymous id
(:mod:`dateline.studio.pseudonyms`). The text comes with the export and every annotation is
checked against it before writing; only the file leaves it out, so no corpus text is
committed. Reading them back needs the texts (:func:`document_texts`).

A pull of a project is a mirror (``project`` given): afterwards the folder holds, of that
project's files, exactly the annotations the server holds and dateline accepts. A file whose
annotation was deleted (or cancelled) on the server is removed (``deleted``); one whose
annotation became invalid or was refused is removed (``superseded``); one of an earlier
naming (an e-mail address in the name) is replaced by the current name (``renamed``). Files
are removed, not moved aside: the folder is committed, so git keeps every earlier version
(``git log --diff-filter=D -- corpus/annotations/labelstudio`` lists them). Files of other
projects are left alone. ``dry_run`` reports the same without writing or removing anything.

>>> import tempfile, pathlib
>>> from dateline.studio.convert import task_documents
>>> task = {"id": 1, "project": 1, "data": {"text": "Bo.", "doc_id": "d1"},
...         "annotations": [{"id": 5, "completed_by": 1, "result": []}]}
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> [e.status for e in write_pulled(task_documents(task), root, project=1).entries]
['new']
>>> read_pulled(root, {"d1": "Bo."})["d1"]["user-1"].text
'Bo.'
>>> [(e.status, e.detail) for e in write_pulled([], root, project=1).entries]
[('deleted', 'annotation 5 is no longer on the server')]
>>> read_pulled(root, {"d1": "Bo."})
{}
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document, Incident, atomic_write_text, read_documents
from dateline.schemas.standoff import from_standoff, is_standoff, read_standoff, standoff_json
from dateline.studio.changes import describe_change, summary
from dateline.studio.convert import Progress, Pulled
from dateline.studio.names import annotation_path
from dateline.studio.pseudonyms import is_address
from dateline.studio.tasks import text_hash

__all__ = ["STATUSES", "PullEntry", "PullReport", "document_texts", "read_pulled",
           "write_pulled"]

STATUSES = ("new", "changed", "renamed", "unchanged", "deleted", "superseded", "invalid",
            "refused", "skipped")
_SOURCE = re.compile(r"labelstudio:project/(\d+)/task/(\d+)/annotation/(\d+)")


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


def _annotator(data: Mapping[str, Any], path: Path) -> str:
    """The annotator of a pulled file's JSON: the first of ``layers.entities.annotators``."""
    layers = data.get("layers") if isinstance(data.get("layers"), dict) else {}
    ents = layers.get("entities") if isinstance(layers.get("entities"), dict) else {}
    who = ents.get("annotators") if isinstance(ents.get("annotators"), list) else []
    return str(who[0]) if who else path.stem


def _origin(data: Mapping[str, Any]) -> tuple[int, int, int] | None:
    """(project, task, annotation) ids of a pulled file's JSON, from its entity layer's source."""
    layers = data.get("layers") if isinstance(data.get("layers"), dict) else {}
    ents = layers.get("entities") if isinstance(layers.get("entities"), dict) else {}
    found = _SOURCE.fullmatch(str(ents.get("source") or ""))
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


_PULL_FIX = ("run `dateline studio pull --project TITLE` (or `dateline studio import "
             "EXPORT.json`) first, or pass the folder the annotations were pulled to")


def read_pulled(root: str | Path, texts: Mapping[str, str], *,
                required: bool = False) -> dict[str, dict[str, Document]]:
    """Every pulled annotation under ``root``: doc id -> annotator -> Document.

    ``texts`` maps document ids to their texts (:func:`document_texts`); an annotation of a
    document not in it, or made on another text, is a coded error, and so are two files of
    one document and annotator (both would count) and a file that names its annotator by an
    e-mail address (an earlier version's, renamed by the next pull). The annotator is the first of
    ``layers.entities.annotators`` (the file name is only a one-to-one, filesystem-safe form
    of it). A missing folder, or one without files, holds nothing; with ``required`` (a
    command that measures the annotations) it is a coded error naming the folder instead
    (``studio-no-pulls``, ``studio-empty-pulls``).

    >>> read_pulled("no/such/dir", {})
    {}
    >>> read_pulled("no/such/dir", {}, required=True)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [studio-no-pulls] no/such/dir: no folder of pulled ...
    """
    out: dict[str, dict[str, Document]] = {}
    seen: dict[tuple[str, str], Path] = {}
    base = Path(root)
    if not base.is_dir():
        if required:
            raise DatelineError("studio-no-pulls", "a file, not a folder of pulled "
                                "annotations" if base.exists() else "no folder of pulled "
                                "annotations (nothing was pulled there yet)",
                                where=str(base), fix=_PULL_FIX, exit_code=2)
        return out
    paths = sorted(base.glob("*/*.json"))
    if required and not paths:
        top = " (its *.json files at the top are adjudicated annotations, not pulls)" \
            if any(base.glob("*.json")) else ""
        raise DatelineError("studio-empty-pulls", "the folder holds no pulled annotation "
                            f"(no <document>/<annotator>.json file){top}", where=str(base),
                            fix=_PULL_FIX, exit_code=2)
    for path in paths:
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
        who = _annotator(data, path)
        if is_address(who):
            raise DatelineError("studio-address-in-file", "the annotator is named by an e-mail "
                                "address (a file of an earlier version)", where=str(path),
                                fix="pull the project again: the pull renames the file to the "
                                "annotator's pseudonymous id (or delete the file)")
        if (doc_id, who) in seen:
            raise DatelineError("studio-duplicate-pull", f"{seen[doc_id, who]} and {path} both "
                                f"hold the annotation of {doc_id!r} by {who!r}",
                                where=str(path), fix="pull the project again (a pull keeps "
                                "one file per document and annotator), or delete the older")
        seen[doc_id, who] = path
        out.setdefault(doc_id, {})[who] = from_standoff(data, texts[doc_id], where=str(path))
    return out


@dataclass(frozen=True)
class PullEntry:
    """What happened to one annotation (one of :data:`STATUSES`), with a short detail.

    >>> PullEntry("d1", "user-1", 5, "new").status
    'new'
    """

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
    dry_run: bool = False

    def count(self, status: str) -> int:
        """How many entries have ``status``."""
        return sum(e.status == status for e in self.entries)


def _latest(pulled: Iterable[Pulled], report: PullReport) -> dict[tuple[str, str], Pulled]:
    """Each annotator's latest annotation per document; the rest reported."""
    latest: dict[tuple[str, str], Pulled] = {}
    for p in pulled:
        if p.origin == "task":  # a task refused as a whole
            report.problems.extend(p.problems)
            report.entries.append(PullEntry(p.doc_id, p.annotator, None, "invalid",
                                            f"task refused: {_problems(len(p.problems))}"))
            continue
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
    return latest


def _problems(n: int) -> str:
    return f"{n} problem" if n == 1 else f"{n} problems"


def _check_paths(root: str | Path, keys: Iterable[tuple[str, str]]) -> None:
    paths: dict[str, tuple[str, str]] = {}
    for doc_id, who in keys:
        # Injective names collide only where the file system folds case or normalises.
        key = os.path.normcase(str(annotation_path(root, doc_id, who))).casefold()
        if key in paths:
            raise DatelineError("studio-path-clash", f"the annotations of {paths[key]!r} and "
                                f"{(doc_id, who)!r} would be written to one file, {key}",
                                where=str(root), fix="rename one of the documents or "
                                "annotators in Label Studio")
        paths[key] = (doc_id, who)


def _owned(root: Path, project: int) -> dict[Path, tuple[dict[str, Any], tuple[int, int, int]]]:
    """The files under ``root`` that a pull of ``project`` wrote: path -> (JSON, origin)."""
    out = {}
    for path in sorted(root.glob("*/*.json")) if root.is_dir() else ():
        data = read_standoff(path)
        origin = _origin(data)
        if origin is not None and origin[0] == project:
            out[path] = (data, origin)
    return out


class _Writer:
    """Writes and removes files, or only counts what it would do (a dry run)."""

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run

    def write(self, path: Path, text: str) -> None:
        if not self.dry_run:
            atomic_write_text(path, text)

    def remove(self, path: Path) -> None:
        if not self.dry_run:
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # when it was the folder's last file


def write_pulled(pulled: Iterable[Pulled], root: str | Path,
                 corpus_texts: Mapping[str, str] | None = None, *, project: int | None = None,
                 dry_run: bool = False, progress: Progress | None = None) -> PullReport:
    """Write the Documents of ``pulled`` under ``root`` as stand-off files (atomic,
    idempotent) and report; with ``project``, mirror that project (see the module docstring).

    When one annotator has several annotations of a task, the latest (highest id) wins and
    the others are reported as skipped. ``corpus_texts`` (doc id -> text), when given, refuses
    annotations of documents whose corpus text has changed since the push. ``progress`` is
    called with ``("writing annotations", done, total)`` after each annotation.

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
    report = PullReport(dry_run=dry_run)
    out = _Writer(dry_run)
    base = Path(root)
    latest = _latest(pulled, report)
    _check_paths(root, latest)
    owned = _owned(base, project) if project is not None else {}
    by_annotation: dict[int, list[Path]] = {}
    for path, (_, origin) in owned.items():
        by_annotation.setdefault(origin[2], []).append(path)
    kept: set[Path] = set()

    def gone(doc_id: str, who: str, ls_id: int | None, why: str) -> None:
        """Remove the earlier file(s) of an annotation that is no longer valid."""
        olds = [annotation_path(root, doc_id, who), *by_annotation.get(ls_id or -1, [])]
        for old in dict.fromkeys(olds):
            if old.is_file() and old not in kept and (project is None or old in owned):
                out.remove(old)
                report.entries.append(PullEntry(doc_id, who, ls_id, "superseded",
                                                f"its earlier file {old.name} removed: {why}"))
                kept.add(old)  # handled

    for done, ((doc_id, who), p) in enumerate(sorted(latest.items())):
        if progress is not None:
            progress("writing annotations", done, len(latest))
        path = annotation_path(root, doc_id, who)
        if p.doc is None:
            report.problems.extend(p.problems)
            why = _problems(len(p.problems))
            report.entries.append(PullEntry(doc_id, who, p.ls_id, "invalid", why))
            if project is not None:
                gone(doc_id, who, p.ls_id, f"annotation {p.ls_id} is invalid ({why})")
            continue
        if corpus_texts is not None and doc_id in corpus_texts \
                and corpus_texts[doc_id] != p.doc.text:
            report.problems.append(Incident(
                2, "studio-text-hash", "the corpus text of this document differs from the text "
                "the task was pushed with; offsets cannot be carried over. Re-push it as a new "
                "task", f"task {p.task_id} annotation {p.ls_id}", None, doc_id, "$.data.text"))
            report.entries.append(PullEntry(doc_id, who, p.ls_id, "refused", "corpus text "
                                            "changed"))
            if project is not None:
                gone(doc_id, who, p.ls_id, "the corpus text changed")
            continue
        earlier = [q for q in by_annotation.get(p.ls_id or -1, []) if q != path]
        previous = path if path.exists() else (earlier[0] if earlier else None)
        new = standoff_json(p.doc)
        status, detail = "new", summary(json.loads(new))
        if previous is not None:
            old_bytes = previous.read_bytes()
            old = read_standoff(previous)
            # A pull of an earlier version holds the text itself: compare its hash all the same.
            was = text_hash(old["text"]) if isinstance(old.get("text"), str) \
                else str(old.get("text_sha256"))
            if was != text_hash(p.doc.text):
                report.problems.append(Incident(
                    2, "studio-text-hash", f"the text differs from the earlier pull in "
                    f"{previous} (sha256 {was[:12]}… → {text_hash(p.doc.text)[:12]}…); "
                    "refusing to write this annotation", f"task {p.task_id} annotation "
                    f"{p.ls_id}", None, doc_id, "$.text_sha256"))
                report.entries.append(PullEntry(doc_id, who, p.ls_id, "refused", "text changed"))
                if project is not None:
                    gone(doc_id, who, p.ls_id, "the task's text changed")
                continue
            same = old_bytes == new.encode("utf-8")
            status, detail = ("unchanged", "") if same else \
                ("changed", describe_change(old, json.loads(new)))
            if earlier:
                names = ", ".join(f"{q.parent.name}/{q.name}" for q in earlier)
                status, detail = "renamed", f"from {names}" + (f"; {detail}" if detail else "")
        if not (path.is_file() and path.read_bytes() == new.encode("utf-8")):
            out.write(path, new)
        kept.add(path)
        for q in earlier:
            out.remove(q)
            kept.add(q)
        report.entries.append(PullEntry(doc_id, who, p.ls_id, status, detail))
    if progress is not None:
        progress("writing annotations", len(latest), len(latest))
    for path, (data, origin) in owned.items():
        if path in kept:
            continue
        out.remove(path)
        doc_id, who = str(data.get("id")), _annotator(data, path)
        refused = any(e.status == "invalid" and e.ls_id is None and e.doc_id == doc_id
                      for e in report.entries)
        why = next((f"annotation {e.ls_id} {e.detail}" for e in report.entries
                    if e.status == "skipped" and (e.doc_id, e.annotator) == (doc_id, who)
                    and e.detail.startswith("cancelled")),
                   f"annotation {origin[2]} is no longer on the server")
        report.entries.append(PullEntry(doc_id, who, origin[2], "superseded", "its file removed: "
                                        "the task is refused") if refused else
                              PullEntry(doc_id, who, origin[2], "deleted", why))
    return report
