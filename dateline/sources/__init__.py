"""Source importers: each converts one pinned external source into Documents.

Every source file is read through :class:`SourceReader`, which refuses a file that is missing
or whose sha256 differs from ``corpus/sources.lock``, so a build can only use what the lock pins.
In ``record`` mode (``dateline corpus lock``) it computes the hashes instead of checking them.

>>> import pathlib, tempfile
>>> root = pathlib.Path(tempfile.mkdtemp()); (root / "demo").mkdir()
>>> _ = (root / "demo" / "a.txt").write_text("hi")
>>> reader = SourceReader(root, record=True)
>>> reader.read_text("demo", "a.txt")
'hi'
>>> sorted(reader.hashes["demo"])
['a.txt']
>>> SourceReader(root, lock={"demo": {"a.txt": "0" * 64}}).read_text("demo", "a.txt")
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [source-hash-mismatch] ...
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document

__all__ = ["ImportResult", "SourceInfo", "SourceReader", "sha256_bytes"]


def sha256_bytes(data: bytes) -> str:
    """The hex sha256 of ``data``.

    >>> sha256_bytes(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SourceInfo:
    """What ``sources.lock`` says about a source besides its file hashes, its licences and
    its coverage-audit exemptions.

    ``text_license`` and ``annotation_license`` are SPDX identifiers (``NOASSERTION`` when no
    licence is known); ``license_evidence`` says in words where each licence is stated.
    ``audit_exemptions`` maps a layer to the reason it may claim ``exhaustive`` coverage
    although its coverage audit (:mod:`dateline.audit`) is above the threshold.

    >>> info = SourceInfo(name="demo", repository="-", commit="-", text_license="CC-BY-2.5",
    ...                   annotation_license="CC-BY-4.0", files=("*.txt",))
    >>> info.license
    'text CC-BY-2.5; annotations CC-BY-4.0'
    """

    name: str
    repository: str
    commit: str
    text_license: str
    annotation_license: str
    files: tuple[str, ...]  # glob patterns, relative to the source folder, of the files read
    path: str = ""  # folder of the repository that holds the source folder's files ("" = root)
    license_evidence: str = ""
    audit_exemptions: dict[str, str] = field(default_factory=dict)

    @property
    def license(self) -> str:
        """Both licences in one line (the ``license`` of ``sources.lock``)."""
        return f"text {self.text_license}; annotations {self.annotation_license}"


@dataclass
class ImportResult:
    """Documents of one source, the tokens of each document, and the importer's report.

    >>> r = ImportResult([Document(id="d", text="Hi all")], {"d": [(0, 2), (3, 6)]})
    >>> [r.documents[0].text[s:e] for s, e in r.tokens["d"]], r.report
    (['Hi', 'all'], {})
    """

    documents: list[Document]
    tokens: dict[str, list[tuple[int, int]]]  # document id -> token (start, end) offsets
    report: dict[str, Any] = field(default_factory=dict)


class SourceReader:
    """Reads source files under ``root``, checking each against the lock (or recording it).

    ``lock`` maps source name -> {relative path: sha256}.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp()); (root / "demo").mkdir()
    >>> _ = (root / "demo" / "a.txt").write_bytes(b"")
    >>> reader = SourceReader(root, lock={"demo": {"a.txt": sha256_bytes(b"")}})
    >>> reader.glob("demo", "*.txt"), reader.read_text("demo", "a.txt")
    (['a.txt'], '')
    >>> reader.read_text("demo", "b.txt")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [source-missing] ...b.txt: cannot read ...
    """

    def __init__(self, root: str | os.PathLike[str], *,
                 lock: dict[str, dict[str, str]] | None = None, record: bool = False) -> None:
        self.root = Path(root)
        self.lock = lock or {}
        self.record = record
        self.hashes: dict[str, dict[str, str]] = {}
        if not self.root.is_dir():
            raise DatelineError(
                "sources-missing", f"the sources folder {self.root} does not exist",
                fix="pass --sources DIR or set $DATELINE_SOURCES to the folder holding gum/, "
                    "meantime/ and seed/ (default: ../shared/sources beside a checkout, else "
                    "the per-user folder), or fetch them there with `dateline corpus "
                    "fetch-sources`")

    def path(self, source: str, rel: str) -> Path:
        """The absolute path of a source file."""
        return self.root / source / rel

    def glob(self, source: str, pattern: str) -> list[str]:
        """Relative paths (sorted) of the files of ``source`` matching ``pattern``."""
        base = self.root / source
        if not base.is_dir():
            raise DatelineError("sources-missing", f"no folder {base}",
                                fix="check --sources / $DATELINE_SOURCES")
        return sorted(p.relative_to(base).as_posix() for p in base.glob(pattern) if p.is_file())

    def read_bytes(self, source: str, rel: str) -> bytes:
        """The bytes of a source file, after checking its sha256 against the lock."""
        path = self.path(source, rel)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DatelineError("source-missing", f"cannot read {path}: {exc.strerror}",
                                where=str(path),
                                fix="restore the pinned sources (see corpus/sources.lock)") from exc
        digest = sha256_bytes(data)
        if self.record:
            self.hashes.setdefault(source, {})[rel] = digest
            return data
        expected = self.lock.get(source, {}).get(rel)
        if expected is None:
            raise DatelineError("source-unlocked", f"{source}/{rel} is not in corpus/sources.lock",
                                where=str(path),
                                fix="run `dateline corpus lock` to pin it, and commit the lock")
        if expected != digest:
            raise DatelineError(
                "source-hash-mismatch",
                f"{source}/{rel} has sha256 {digest[:12]}…, the lock pins {expected[:12]}…",
                where=str(path),
                fix="restore the pinned file, or re-pin deliberately with `dateline corpus lock` "
                    "and bump the corpus version")
        self.hashes.setdefault(source, {})[rel] = digest
        return data

    def read_text(self, source: str, rel: str) -> str:
        """The UTF-8 text of a source file (checked against the lock)."""
        data = self.read_bytes(source, rel)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DatelineError("source-not-utf8", f"byte {exc.start} is not UTF-8",
                                where=str(self.path(source, rel)),
                                fix="restore the pinned file") from exc
