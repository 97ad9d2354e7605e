"""Where the gold documents of a score come from: the corpus part and the protocol of its
signature (:mod:`dateline.evaluation.signature`).

The evaluation library never reads the corpus; this module does, and hands it the hashes:

- ``corpus:SPLIT``: the corpus version, the sha256 of ``corpus/MANIFEST`` (which pins every
  built file) and the split as the protocol (``test``, ``validation``, ``train``);
- a gold file: no version, the sha256 of the file's bytes, and the protocol ``test`` (the
  default; the hash identifies the documents);
- a glob of gold shards (``--engine stream|dask|processes``): the sha256 of the files'
  bytes one after the other in sorted order, the hash of the file they would make (JSONL
  shards cut from one file hash as that file).

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "gold.jsonl"
>>> _ = path.write_bytes(b"")
>>> gold_source(str(path))
GoldSource(corpus_version=None, manifest_hash='e3b0c442...', protocol='test')
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from dateline.manifest import file_sha256, files_sha256, manifest_hash
from dateline.schemas import DatelineError

__all__ = ["GoldSource", "gold_source"]


@dataclass(frozen=True)
class GoldSource:
    """The corpus version (None for a file), the sha256 of the MANIFEST or of the gold file,
    and the protocol: what the scorers' signature functions take.

    >>> GoldSource(None, "ab" * 32, "test")
    GoldSource(corpus_version=None, manifest_hash='abababab...', protocol='test')
    """

    corpus_version: str | None
    manifest_hash: str
    protocol: str

    def __repr__(self) -> str:
        return (f"GoldSource(corpus_version={self.corpus_version!r}, "
                f"manifest_hash='{self.manifest_hash[:8]}...', protocol={self.protocol!r})")


def gold_source(spec: str) -> GoldSource:
    """The source of ``spec``, a gold file, a glob of them or ``corpus:SPLIT`` (as the
    scoring commands take).

    >>> gold_source("missing.jsonl")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [no-such-file] missing.jsonl: ...
    """
    if spec.startswith("corpus:"):
        from dateline import loading

        folder = loading.default_corpus_dir()
        return GoldSource(loading.corpus_version(folder), manifest_hash(folder),
                          spec.removeprefix("corpus:"))
    if glob.has_magic(spec):
        files = sorted(f for f in glob.glob(spec) if Path(f).is_file())
        if files:
            return GoldSource(None, files_sha256(files), "test")
    if not Path(spec).is_file():
        raise DatelineError("no-such-file", f"{spec!r} does not exist", where=spec,
                            fix="give a .jsonl file of Documents or corpus:SPLIT", exit_code=2)
    return GoldSource(None, file_sha256(spec), "test")
