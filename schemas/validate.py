"""The validator: reads files of Documents and runs every check on them, never raising on bad
content; every problem is an :class:`~dateline.schemas.Incident` with a level and a stable
check id (the catalogue and the checks themselves: :mod:`dateline.schemas.checks`).

Level 1 (syntax and schema) is reported while reading (:mod:`dateline.schemas.jsonl`), levels
2 and 3 per document, level 4 over the whole collection: the split of each file comes from its
name (:func:`split_of`).

>>> import pathlib, tempfile
>>> from dateline.schemas import Document, write_jsonl
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_jsonl([Document(id="a", text="Hi.")], folder / "train.jsonl")
1
>>> write_jsonl([Document(id="a", text="Hi.")], folder / "test.jsonl")
1
>>> [i.check for i in validate_paths([folder]).incidents]
['split-overlap']
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dateline.schemas.checks import CHECKS, check_collection, check_document
from dateline.schemas.errors import DatelineError, Incident
from dateline.schemas.jsonl import DEFAULT_MAX_LINE_BYTES, iter_records
from dateline.schemas.labels import inventory
from dateline.schemas.names import LAYERS

__all__ = [
    "SPLITS",
    "ValidationReport",
    "find_files",
    "skipped_files",
    "split_of",
    "validate_paths",
]

SPLITS = ("train", "validation", "test")

_SPLIT_RE = re.compile(r"^(train|validation|test)(?:[-_.]|$)")


def split_of(path: str | os.PathLike[str]) -> str | None:
    """The split a data file belongs to, from its name (``train-00000-of-00001.jsonl``).

    >>> split_of("data/default/test-00000-of-00001.jsonl"), split_of("docs.jsonl")
    ('test', None)
    """
    m = _SPLIT_RE.match(Path(path).name)
    return m.group(1) if m else None


def find_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The ``.json``/``.jsonl`` files named by ``paths`` (directories searched recursively).

    Raises a coded error for a path that does not exist or a directory without such files.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.jsonl", "sub/a.json", "notes.txt"):
    ...     (folder / name).parent.mkdir(exist_ok=True)
    ...     _ = (folder / name).write_text("{}")
    >>> [p.relative_to(folder).as_posix() for p in find_files([folder])]
    ['b.jsonl', 'sub/a.json']
    >>> find_files([folder / "missing.jsonl"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [no-such-file] ... does not exist. Fix: check the path.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix in (".json", ".jsonl")
                           and f.is_file())
            if not found:
                skipped = ", ".join(f.name for f in skipped_files(p)[:5])
                also = f" (not read: {skipped}; only .json and .jsonl are)" if skipped else ""
                raise DatelineError("no-documents", f"no .json or .jsonl file under {p}{also}",
                                    fix="name a file or a directory holding documents", exit_code=2)
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise DatelineError("no-such-file", f"{p} does not exist",
                                fix="check the path", exit_code=2)
    return out


_LOOKS_LIKE_DOCUMENTS = re.compile(r"\.jsonl?(\.[a-z0-9]+)?$", re.IGNORECASE)


def skipped_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The files under ``folder`` that look like Documents but that :func:`find_files` skips:
    another case (``.JSONL``) or a compressed file (``.jsonl.gz``).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("a.jsonl", "b.JSONL", "c.jsonl.gz", "notes.txt"):
    ...     _ = (folder / name).write_text("{}")
    >>> [p.name for p in skipped_files(folder)]
    ['b.JSONL', 'c.jsonl.gz']
    """
    return sorted(f for f in Path(folder).rglob("*") if f.suffix not in (".json", ".jsonl")
                  and _LOOKS_LIKE_DOCUMENTS.search(f.name) and f.is_file())


@dataclass
class ValidationReport:
    """What :func:`validate_paths` found, and counts of what it read.

    >>> report = ValidationReport(documents=2)
    >>> report.valid, report.documents, report.truncated
    (True, 2, False)
    """

    files: list[str] = field(default_factory=list)
    documents: int = 0
    incidents: list[Incident] = field(default_factory=list)
    truncated: bool = False
    items: Counter[str] = field(default_factory=Counter)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def valid(self) -> bool:
        """True when no incident was found."""
        return not self.incidents


class _Full(Exception):
    pass


def validate_paths(paths: Sequence[str | os.PathLike[str]], *, level: int = 4,
                   exclude: Iterable[str] = (), max_errors: int | None = None,
                   max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> ValidationReport:
    """Validate files of Documents up to ``level``; never raises on bad content.

    ``exclude``: check ids to ignore. ``max_errors``: stop after that many incidents.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = path.write_text('{"id": "a", "text": "Hi."}\\n{"id": "a", "text": "Yo."}\\n')
    >>> report = validate_paths([path])
    >>> report.documents, [(i.line, i.check) for i in report.incidents]
    (2, [(2, 'duplicate-document-id')])
    >>> validate_paths([path], exclude=["duplicate-document-id"]).valid
    True
    """
    skip = set(exclude)
    unknown = skip - CHECKS.keys()
    if unknown:
        raise DatelineError("unknown-check", f"unknown check id(s): {', '.join(sorted(unknown))}",
                            fix="run `dateline validate --list-checks` for the ids", exit_code=2)
    report = ValidationReport()
    inv = inventory()
    entries: list[tuple[str, str | None, str, int | None]] = []

    def add(incidents: Iterable[Incident], file: str, line: int | None) -> None:
        for inc in incidents:
            if inc.check in skip:
                continue
            if max_errors is not None and len(report.incidents) >= max_errors:
                report.truncated = True
                raise _Full
            if inc.file is None:
                inc = Incident(inc.level, inc.check, inc.message, file, line, inc.doc_id, inc.path)
            report.incidents.append(inc)

    try:
        for folder in (p for p in map(Path, paths) if p.is_dir()):
            for f in skipped_files(folder):
                add([Incident(1, "skipped-file", "not read: only .json and .jsonl files are; "
                              "rename it (decompress it first), or move it out of the folder",
                              str(f))], str(f), None)
        for path in find_files(paths):
            name = str(path)
            report.files.append(name)
            split = split_of(path)
            try:
                for rec in iter_records(path, max_line_bytes=max_line_bytes):
                    add(rec.incidents, name, rec.line)
                    if rec.doc_id is not None:
                        entries.append((rec.doc_id, split, name, rec.line))
                    if rec.doc is None:
                        continue
                    report.documents += 1
                    for layer in LAYERS:
                        report.items[layer] += len(getattr(rec.doc, layer))
                        report.statuses[layer, getattr(rec.doc.layers, layer).status] += 1
                    add(check_document(rec.doc, level=level, inv=inv), name, rec.line)
            except OSError as exc:
                raise DatelineError("unreadable-file", f"{name}: {exc.strerror}",
                                    fix="check that the file exists and is readable") from exc
        if level >= 4:
            add(check_collection(entries), "", None)
    except _Full:
        pass
    return report

