"""The pulled-annotations folder: where each document's and annotator's stand-off file lives,
writing what a pull brought (idempotent, edits reported) and reading it back with the texts.

Pulled annotations are stand-off files (:mod:`dateline.schemas.standoff`: the Document without
its text, anchored by the text's sha256) under ``corpus/annotations/labelstudio/``, one per
document and annotator (``<doc id>/<annotator>.json``, each name percent-encoded outside a
safe set by :func:`file_name`, so that no two documents or annotators share a file; a file
of the earlier, lossy naming is moved to its new name by the next pull). The text comes with
the export and every annotation is checked against it before writing; only the file leaves it
out, so no corpus text is committed. Reading them back needs the texts (:func:`document_texts`).

>>> import tempfile, pathlib
>>> from dateline.studio.convert import task_documents
>>> task = {"id": 1, "project": 1, "data": {"text": "Bo.", "doc_id": "d1"},
...         "annotations": [{"id": 5, "completed_by": 1, "result": []}]}
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> [e.status for e in write_pulled(task_documents(task), root).entries]
['new']
>>> read_pulled(root, {"d1": "Bo."})["d1"]["user-1"].text
'Bo.'
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document, Incident, atomic_write_text, read_documents
from dateline.schemas.standoff import from_standoff, is_standoff, read_standoff, standoff_json
from dateline.studio.convert import Pulled
from dateline.studio.tasks import text_hash

__all__ = ["ANNOTATIONS_DIR", "PullEntry", "PullReport", "annotation_path", "document_texts",
           "file_name", "legacy_annotation_path", "legacy_file_name", "read_pulled",
           "write_pulled"]

ANNOTATIONS_DIR = Path("corpus/annotations/labelstudio")
_LEGACY_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-")


def file_name(name: str) -> str:
    """The file-name form of a document id or annotator name: one-to-one, so that no two
    names share a file. Every character outside ``A-Z a-z 0-9 . _ @ + -`` (``%`` included)
    becomes ``%XX`` per UTF-8 byte, as does a leading ``.``; the empty name is ``%``.

    >>> [file_name(n) for n in ("news/1", "news_1", "a b@x.org", "a_b@x.org", "50%", "..")]
    ['news%2F1', 'news_1', 'a%20b@x.org', 'a_b@x.org', '50%25', '%2E.']
    """
    out = "".join(c if c in _SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8",
                                                                             "surrogatepass"))
                  for c in name)
    return "%2E" + out[1:] if out.startswith(".") else out or "%"


def legacy_file_name(name: str) -> str:
    """The file-name form of earlier pulls (not one-to-one), to find their files.

    >>> legacy_file_name("news/1"), legacy_file_name("news_1")
    ('news_1', 'news_1')
    """
    return _LEGACY_UNSAFE.sub("_", name).lstrip(".") or "_"


def annotation_path(root: str | Path, doc_id: str, annotator: str) -> Path:
    """Where the annotation of ``doc_id`` by ``annotator`` is kept (see :func:`file_name`).

    >>> annotation_path("ann", "gum_news_x", "a b@example.org").as_posix()
    'ann/gum_news_x/a%20b@example.org.json'
    """
    return Path(root) / file_name(doc_id) / f"{file_name(annotator)}.json"


def legacy_annotation_path(root: str | Path, doc_id: str, annotator: str) -> Path:
    """Where an earlier pull kept it; such a file is moved to :func:`annotation_path` by the
    next pull when it holds this document and annotator (else it is another's, left alone).

    >>> legacy_annotation_path("ann", "news/1", "a b@example.org").as_posix()
    'ann/news_1/a_b@example.org.json'
    """
    return Path(root) / legacy_file_name(doc_id) / f"{legacy_file_name(annotator)}.json"


def _holds(path: Path, doc_id: str, annotator: str) -> bool:
    """True when the pulled file at ``path`` is the annotation of ``doc_id`` by ``annotator``."""
    data = read_standoff(path)
    layers = data.get("layers") if isinstance(data.get("layers"), dict) else {}
    ents = layers.get("entities") if isinstance(layers.get("entities"), dict) else {}
    who = ents.get("annotators") if isinstance(ents.get("annotators"), list) else []
    return data.get("id") == doc_id and (who[:1] or [path.stem]) == [annotator]


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
    of ``layers.entities.annotators`` (the file name is only a one-to-one, filesystem-safe
    form of it).

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
    ``refused`` or ``skipped``, with a short detail.

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
        if p.origin == "task":  # a task refused as a whole
            report.problems.extend(p.problems)
            report.entries.append(PullEntry(p.doc_id, p.annotator, None, "invalid",
                                            f"task refused: {len(p.problems)} problems"))
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
    paths: dict[str, tuple[str, str]] = {}
    for doc_id, who in latest:
        # Injective names collide only where the file system folds case or normalises.
        key = os.path.normcase(str(annotation_path(root, doc_id, who))).casefold()
        if key in paths:
            raise DatelineError("studio-path-clash", f"the annotations of {paths[key]!r} and "
                                f"{(doc_id, who)!r} would be written to one file, {key}",
                                where=str(root), fix="rename one of the documents or "
                                "annotators in Label Studio")
        paths[key] = (doc_id, who)
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
        legacy = legacy_annotation_path(root, doc_id, who)
        if not path.exists() and legacy != path and legacy.is_file() \
                and _holds(legacy, doc_id, who):
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(legacy, path)  # the one-time rename of an earlier pull's file
            with contextlib.suppress(OSError):
                legacy.parent.rmdir()  # when it was the folder's last file
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
