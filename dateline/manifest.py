"""The MANIFEST of a built corpus: the sha256 of every built file, checked before loading.

A built file is never edited by hand; a corrupted, truncated or hand-edited one fails here,
naming the file, the expected and the actual hash, instead of loading wrong rows. Hashes are
never cached: hashing the built files (3.4 MB) takes about 4 ms, and a cache keyed by
(path, mtime, size) would serve a same-size edit whose mtime was restored.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp()); (root / "data").mkdir()
>>> _ = (root / "data" / "a.jsonl").write_text("{}\\n")
>>> write_manifest(root, ["data/a.jsonl"])
>>> verify_manifest(root)
['data/a.jsonl']
>>> _ = (root / "data" / "a.jsonl").write_text("{ }\\n")
>>> verify_manifest(root)
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [built-file-mismatch] ...
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from dateline.schemas import DatelineError, atomic_write_text

__all__ = ["file_sha256", "files_sha256", "manifest_hash", "read_manifest", "verify_manifest",
           "write_manifest"]


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file's bytes (read each time: see the module doc).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> file_sha256(path)[:16]
    'ba7816bf8f01cfea'
    """
    return files_sha256([path])


def files_sha256(paths: Iterable[str | os.PathLike[str]]) -> str:
    """The hex sha256 of the bytes of several files one after the other (that of the file
    they would make together).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a").write_bytes(b"ab"), (folder / "b").write_bytes(b"c")
    >>> files_sha256([folder / "a", folder / "b"])[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    for path in paths:
        with Path(path).open("rb") as f:
            for chunk in iter(lambda f=f: f.read(1 << 20), b""):  # type: ignore[misc]
                h.update(chunk)
    return h.hexdigest()


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, str]:
    """``{path relative to folder: sha256}`` from ``folder/MANIFEST`` (``<sha256>  <path>``).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "MANIFEST").write_text("# built files\\n" + "0" * 64 + "  data/a.jsonl\\n")
    >>> read_manifest(root) == {"data/a.jsonl": "0" * 64}
    True
    >>> read_manifest(root / "elsewhere")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [manifest-missing] ...MANIFEST: no ...MANIFEST: ...
    """
    path = Path(folder) / "MANIFEST"
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError as exc:
        raise DatelineError("manifest-missing", f"no {path}: the built files cannot be checked",
                            where=str(path), fix="restore MANIFEST from the release (git "
                            "checkout corpus/MANIFEST), then `dateline corpus build`") from exc
    out = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            raise DatelineError("manifest-malformed", f"line {n} is not '<sha256>  <path>'",
                                where=f"{path}:{n}", fix="restore MANIFEST from the release")
        out[rel] = digest
    return out


def manifest_hash(folder: str | os.PathLike[str]) -> str:
    """The hex sha256 of ``folder/MANIFEST`` (which lists the sha256 of every built file, so
    its hash pins the built data): the corpus part of a score's signature.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "MANIFEST").write_text("")
    >>> manifest_hash(root)[:8]  # the sha256 of no bytes
    'e3b0c442'
    """
    read_manifest(folder)  # a missing or malformed MANIFEST is a coded error
    return file_sha256(Path(folder) / "MANIFEST")


def write_manifest(folder: str | os.PathLike[str], files: Iterable[str]) -> None:
    """Write ``folder/MANIFEST`` for ``files`` (paths relative to ``folder``), sorted.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("b.txt", "a.txt"):
    ...     _ = (root / name).write_bytes(b"abc")
    >>> write_manifest(root, ["b.txt", "a.txt"])
    >>> [line[:8] + "…" + line[64:] for line in (root / "MANIFEST").read_text().splitlines()]
    ['ba7816bf…  a.txt', 'ba7816bf…  b.txt']
    """
    root = Path(folder)
    atomic_write_text(root / "MANIFEST",
                      "".join(f"{file_sha256(root / f)}  {f}\n" for f in sorted(files)))


def verify_manifest(folder: str | os.PathLike[str],
                    files: Iterable[str | os.PathLike[str]] | None = None) -> list[str]:
    """Check built ``files`` (default: every file under ``folder/data``) against the MANIFEST;
    return the checked paths (relative), or raise a coded error on the first mismatch.

    A file under ``data/`` that the MANIFEST does not list is refused too: ``datasets`` would
    load it along with the others.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()); (root / "data").mkdir()
    >>> _ = (root / "data" / "a.jsonl").write_text("{}\\n")
    >>> write_manifest(root, ["data/a.jsonl"])
    >>> verify_manifest(root)
    ['data/a.jsonl']
    >>> _ = (root / "data" / "extra.jsonl").write_text("{}\\n")
    >>> verify_manifest(root)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [built-file-unlisted] ...: data/extra.jsonl is not in...
    """
    root = Path(folder)
    manifest = read_manifest(root)
    where = root / "MANIFEST"
    paths = ([Path(f) for f in files] if files is not None else
             sorted(p for p in (root / "data").rglob("*") if p.is_file()
                    and not p.name.startswith(".")))
    checked = []
    for path in paths:
        full = path if path.is_absolute() else root / path
        rel = os.path.relpath(full, root).replace(os.sep, "/")
        expected = manifest.get(rel)
        if expected is None:
            raise DatelineError("built-file-unlisted", f"{rel} is not in MANIFEST",
                                where=str(full), fix="delete it and rebuild with `dateline "
                                "corpus build` (built files are never added by hand)")
        try:
            actual = file_sha256(full)
        except FileNotFoundError as exc:
            raise DatelineError("built-file-missing", f"{rel} is listed in MANIFEST but missing",
                                where=str(full), fix="rebuild with `dateline corpus build`"
                                ) from exc
        if actual != expected:
            raise DatelineError("built-file-mismatch", f"{rel} has sha256 {actual}, MANIFEST "
                                f"expects {expected} (a corrupted or hand-edited built file)",
                                where=str(full), fix="rebuild with `dateline corpus build` "
                                "(never edit built files; change the sources or annotations)")
        checked.append(rel)
    if files is None:
        missing = sorted(set(manifest) - set(checked))
        if missing:
            raise DatelineError("built-file-missing", f"{missing[0]} is listed in MANIFEST but "
                                "missing", where=str(where), fix="rebuild with `dateline corpus "
                                "build`")
    return checked
