"""Loading the corpus: ``load`` (Hugging Face ``datasets``, offline) and ``documents`` (Documents).

The corpus folder is the ``corpus`` argument, else the one :func:`dateline.corpus_path`
resolves (``$DATELINE_CORPUS``, the checkout's ``corpus/``, the per-user data folder: see
:mod:`dateline.location`). ``load`` forces offline mode and gives
``datasets`` its own cache folder per corpus version and built-data digest: the datasets cache
of a local folder is keyed by the card only and would otherwise serve old rows after a rebuild.
Both check the built files against ``MANIFEST`` first (:mod:`dateline.manifest`).

>>> default_corpus_dir().name
'corpus'
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dateline.location import corpus_path, sources_path
from dateline.manifest import verify_manifest
from dateline.schemas import DatelineError, Document, read_jsonl
from dateline.schemas.validate import SPLITS

__all__ = [
    "all_documents",
    "corpus_version",
    "default_corpus_dir",
    "default_sources_dir",
    "documents",
    "load",
    "repository_root",
    "split_files",
]

CONFIGS = ("default", "tokens")


def repository_root() -> Path:
    """The folder that holds the ``dateline`` package folder (the repository root in a
    checkout, ``site-packages`` in an installed wheel).

    >>> (repository_root() / "dateline" / "loading.py").is_file()
    True
    """
    return Path(__file__).resolve().parent.parent


def default_corpus_dir() -> Path:
    """The corpus folder when none is given: :func:`dateline.location.corpus_path`.

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"DATELINE_CORPUS": "/data/corpus"}):
    ...     default_corpus_dir().as_posix()
    '/data/corpus'
    """
    return corpus_path()


def default_sources_dir() -> Path:
    """The sources folder when none is given: :func:`dateline.location.sources_path`.

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"DATELINE_SOURCES": "/data/sources"}):
    ...     default_sources_dir().as_posix()
    '/data/sources'
    """
    return sources_path()


def corpus_version(corpus: str | os.PathLike[str] | None = None) -> str:
    """The corpus version, read from the card's ``configs[].version``.

    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / "README.md").write_text(
    ...     "---\\nconfigs:\\n- config_name: default\\n  version: 2.1.0\\n---\\n# Card\\n")
    >>> corpus_version(corpus)
    '2.1.0'
    """
    from dateline.build import card_version

    return card_version(corpus_path(corpus) / "README.md")


def _check_split(split: str | None) -> None:
    if split is not None and split not in SPLITS:
        raise DatelineError("unknown-split", f"split {split!r} is not one of "
                            f"{', '.join(SPLITS)}", fix="use train, validation or test",
                            exit_code=2)


def _data_files(corpus: Path, config: str, split: str | None) -> list[Path]:
    if config not in CONFIGS:
        raise DatelineError("unknown-config", f"config {config!r} is not one of "
                            f"{', '.join(CONFIGS)}", fix="use config='default' or 'tokens'",
                            exit_code=2)
    _check_split(split)
    splits = SPLITS if split is None else (split,)
    files = sorted(f for sp in splits for f in (corpus / "data" / config).glob(f"{sp}-*.jsonl"))
    if not files:
        raise DatelineError("corpus-not-built", f"no built files in {corpus / 'data' / config}",
                            where=str(corpus),
                            fix=f"run `dateline corpus build --corpus {corpus}` (sources: "
                                "--sources DIR or $DATELINE_SOURCES)")
    verify_manifest(corpus, files)  # a corrupted or hand-edited built file fails here
    return files


def documents(split: str, *, config: str = "default",
              corpus: str | os.PathLike[str] | None = None) -> Iterator[Document]:
    """Yield the Documents of one split (``train``, ``validation`` or ``test``), sorted by id.

    Only the ``default`` config holds Documents.

    >>> import tempfile
    >>> from dateline.manifest import write_manifest
    >>> from dateline.schemas import write_jsonl
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / "README.md").write_text(
    ...     "---\\nconfigs:\\n- config_name: default\\n  version: 0.0.1\\n  data_files:\\n"
    ...     "  - split: test\\n    path: data/default/test-*.jsonl\\n---\\n# Card\\n")
    >>> rel = "data/default/test-00000-of-00001.jsonl"
    >>> write_jsonl([Document(id="a", text="Hi."), Document(id="b", text="Yo.")], corpus / rel)
    2
    >>> write_manifest(corpus, [rel])
    >>> [d.id for d in documents("test", corpus=corpus)]
    ['a', 'b']
    >>> list(documents("validation", corpus=corpus))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [corpus-not-built] ...: no built files in ...
    """
    if config != "default":
        raise DatelineError("unknown-config", f"config {config!r} holds no Documents",
                            fix="use config='default' (or load(config='tokens') for tokens)",
                            exit_code=2)
    for path in _data_files(corpus_path(corpus), config, split):
        yield from read_jsonl(path)


def split_files(split: str, *, corpus: str | os.PathLike[str] | None = None) -> list[Path]:
    """The built JSONL files of one split of the ``default`` config, in the order
    :func:`documents` reads them (checked against ``MANIFEST`` first): what a map over
    shards reads instead of the documents.

    >>> split_files("dev")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-split] split 'dev' is not one of ...
    """
    return _data_files(corpus_path(corpus), "default", split)


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def all_documents(corpus: str | os.PathLike[str] | None = None) -> list[Document]:
    """Every Document of every split, sorted by id: the gold of the ``all`` and ``cv``
    protocols.

    >>> import tempfile
    >>> from dateline.manifest import write_manifest
    >>> from dateline.schemas import write_jsonl
    >>> corpus = Path(tempfile.mkdtemp())
    >>> files = [f"data/default/{s}-00000-of-00001.jsonl" for s in SPLITS]
    >>> for k, rel in enumerate(files):
    ...     _ = write_jsonl([Document(id="cba"[k], text="Hi.")], corpus / rel)
    >>> write_manifest(corpus, files)
    >>> [d.id for d in all_documents(corpus)]
    ['a', 'b', 'c']
    """
    return sorted((d for s in SPLITS for d in documents(s, corpus=corpus)), key=lambda d: d.id)


def load(split: str | None = None, config: str = "default", *,
         corpus: str | os.PathLike[str] | None = None,
         cache_dir: str | os.PathLike[str] | None = None) -> Any:
    """The corpus as a ``datasets.DatasetDict`` (or a ``Dataset`` for one ``split``), offline.

    The cache lives in ``cache_dir`` (default ``$DATELINE_CACHE`` or ``~/.cache/dateline``)
    under ``<version>/<digest of the built files>``, so a rebuilt corpus is never served stale.

    >>> import tempfile
    >>> from dateline.manifest import write_manifest
    >>> from dateline.schemas import write_jsonl
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / "README.md").write_text(
    ...     "---\\nconfigs:\\n- config_name: default\\n  version: 0.0.1\\n  data_files:\\n"
    ...     "  - split: test\\n    path: data/default/test-*.jsonl\\n---\\n# Card\\n")
    >>> rel = "data/default/test-00000-of-00001.jsonl"
    >>> write_jsonl([Document(id="a", text="Hi."), Document(id="b", text="Yo.")], corpus / rel)
    2
    >>> write_manifest(corpus, [rel])
    >>> ds = load("test", corpus=corpus, cache_dir=tempfile.mkdtemp())
    >>> ds.num_rows, ds[1]["id"], ds.column_names[:3]
    (2, 'b', ['id', 'text', 'meta'])
    >>> load("nope", corpus=corpus)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-split] split 'nope' is not one of train, ...
    """
    _check_split(split)  # before datasets, whose ValueError would name no fix
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    import datasets

    datasets.config.HF_HUB_OFFLINE = True
    datasets.config.HF_DATASETS_OFFLINE = True
    folder = corpus_path(corpus).resolve()
    files = _data_files(folder, config, None)
    root = Path(cache_dir or os.environ.get("DATELINE_CACHE")
                or Path.home() / ".cache" / "dateline")
    cache = root / corpus_version(folder) / _digest(files)
    return datasets.load_dataset(str(folder), config, split=split, cache_dir=str(cache))
