"""Where pulled annotations live: the folder, and one file name per document and annotator.

The folder is ``annotations/labelstudio/`` inside the corpus folder (``corpus/`` of the
repository, or ``$DATELINE_CORPUS``), whatever the current directory; a folder given on the
command line is taken as given. Inside it, ``<doc id>/<annotator>.json``, each name made
filesystem-safe and one-to-one by :func:`file_name`.

>>> annotation_path("ann", "news/1", "ann-6dc30f94c67d").as_posix()
'ann/news%2F1/ann-6dc30f94c67d.json'
>>> annotations_dir().relative_to(annotations_dir().parents[2]).as_posix()
'corpus/annotations/labelstudio'
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["ANNOTATIONS_DIR", "MAX_NAME", "adjudicated_dir", "annotation_path", "annotations_dir",
           "file_name"]

ANNOTATIONS_DIR = Path("annotations") / "labelstudio"  # inside the corpus folder
MAX_NAME = 200  # bytes: NAME_MAX is 255, less ".json" and the atomic writer's temp affixes
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-")
_HASH = 16


def _corpus() -> Path:
    from dateline.location import corpus_path

    return corpus_path()


def annotations_dir() -> Path:
    """The default folder of pulled annotations, inside the configured corpus folder.

    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"DATELINE_CORPUS": "/data/corpus"}):
    ...     annotations_dir().as_posix()
    '/data/corpus/annotations/labelstudio'
    """
    return _corpus() / ANNOTATIONS_DIR


def adjudicated_dir() -> Path:
    """The default folder of adjudicated annotations (the build applies them).

    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"DATELINE_CORPUS": "/data/corpus"}):
    ...     adjudicated_dir().as_posix()
    '/data/corpus/annotations'
    """
    return _corpus() / "annotations"


def file_name(name: str) -> str:
    """The file-name form of a document id or annotator name: one-to-one, so that no two
    names share a file, and at most :data:`MAX_NAME` bytes. Every character outside
    ``A-Z a-z 0-9 . _ @ + -`` (``%`` included) becomes ``%XX`` per UTF-8 byte, as does a
    leading ``.``; the empty name is ``%``. A longer form is cut and ends in ``~`` and 16 hex
    digits of the name's sha256 (``~`` is escaped everywhere else, so a cut name never equals
    an uncut one).

    >>> [file_name(n) for n in ("news/1", "news_1", "a b@x.org", "50%", "..", "a~b")]
    ['news%2F1', 'news_1', 'a%20b@x.org', '50%25', '%2E.', 'a%7Eb']
    >>> long = file_name("é" * 300)
    >>> len(long.encode()), long[-17:]
    (197, '~7250b66610f8b7db')
    """
    out = "".join(c if c in _SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8",
                                                                             "surrogatepass"))
                  for c in name)
    out = "%2E" + out[1:] if out.startswith(".") else out or "%"
    if len(out) <= MAX_NAME:
        return out
    cut = MAX_NAME - _HASH - 2
    while "%" in out[max(cut - 2, 0):cut]:  # never inside a %XX escape
        cut -= 1
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH]
    return f"{out[:cut]}~{digest}"


def annotation_path(root: str | Path, doc_id: str, annotator: str) -> Path:
    """Where the annotation of ``doc_id`` by ``annotator`` is kept (see :func:`file_name`).

    >>> annotation_path("ann", "gum_news_x", "user-3").as_posix()
    'ann/gum_news_x/user-3.json'
    """
    return Path(root) / file_name(doc_id) / f"{file_name(annotator)}.json"
