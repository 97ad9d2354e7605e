"""Fixed document folds for the cross-validation protocol (``--protocol cv``).

Every document of every split is dealt to one of ``k`` folds, stratified by collection (the
source) and by whether the document has quotes, so each fold holds a like share of each
source and of the rare quote documents. Within a stratum documents are ordered by the sha256 of
their id and dealt round-robin, the deal continuing from one stratum to the next so that fold
sizes differ by at most one. Nothing random is involved: the same documents always give the
same folds, whatever their order. The build publishes the folds for the default ``k``
(``corpus/splits/folds.json``) so they are fixed in the repository and visible in a diff.

Training for fold ``i`` uses the other folds, tuned on fold ``(i + 1) % k`` (the *inner*
validation fold) and trained on the remaining ``k - 2``: the held-out fold is never seen.

>>> from dateline.schemas import Document, Quote, Span
>>> def doc(i, source, quoted=False):
...     q = (Quote(id="q", content=(Span(start=0, end=1, text="x"),), kind="direct"),)
...     return Document(id=f"{source}{i}", text="x", meta={"collection": source},
...                     quotes=q if quoted else ())
>>> docs = [doc(i, "a", i < 2) for i in range(6)] + [doc(i, "b") for i in range(4)]
>>> folds = make_folds(docs, 3)
>>> [len(f) for f in folds]
[4, 3, 3]
>>> sorted(len({d for d in f if d in ("a0", "a1")}) for f in folds)  # quotes spread out
[0, 1, 1]
>>> make_folds(list(reversed(docs)), 3) == folds
True
>>> train_folds(3, 0)
((2,), 1)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document, atomic_write_text

__all__ = ["DEFAULT_FOLDS", "FOLDS_FILE", "check_folds", "folds_json", "make_folds",
           "planned_folds", "publish_folds", "read_folds", "train_folds", "write_folds"]

DEFAULT_FOLDS = 5
FOLDS_FILE = "folds.json"


def _stratum(doc: Document) -> tuple[str, bool]:
    return (doc.meta.collection or "", bool(doc.quotes))


def _key(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode("utf-8")).hexdigest()


def make_folds(docs: Sequence[Document], k: int = DEFAULT_FOLDS) -> list[list[str]]:
    """The ``k`` folds of ``docs`` as lists of document ids (see the module doc).

    >>> make_folds([Document(id=i, text="") for i in "abcde"], 2)
    [['a', 'b', 'd'], ['c', 'e']]
    """
    if not 2 <= k <= max(2, len(docs)):
        raise DatelineError("bad-option", f"--folds {k} is out of range for {len(docs)} "
                            "documents", fix="give a number of folds from 2 to the number of "
                            "documents (default 5)", exit_code=2)
    strata: dict[tuple[str, bool], list[str]] = {}
    for d in docs:
        strata.setdefault(_stratum(d), []).append(d.id)
    folds: list[list[str]] = [[] for _ in range(k)]
    turn = 0
    for key in sorted(strata):
        for doc_id in sorted(strata[key], key=_key):
            folds[turn % k].append(doc_id)
            turn += 1
    return [sorted(f) for f in folds]


def train_folds(k: int, held_out: int) -> tuple[tuple[int, ...], int]:
    """The folds trained on and the inner validation fold when ``held_out`` is predicted.

    >>> train_folds(5, 4)
    ((1, 2, 3), 0)
    """
    inner = (held_out + 1) % k
    return tuple(f for f in range(k) if f not in (held_out, inner)), inner


def folds_json(folds: Sequence[Sequence[str]]) -> str:
    """The text of a folds file: JSON with ``k``, how the folds were made, and their ids.

    >>> text = folds_json([["a"], ["b"]])
    >>> json.loads(text)["k"], json.loads(text)["folds"], text.endswith("\\n")
    (2, [['a'], ['b']], True)
    """
    data: dict[str, Any] = {
        "k": len(folds),
        "made_by": "dateline.folds.make_folds: stratified by collection and by whether the "
                   "document has quotes; sha256 of the id, dealt round-robin",
        "folds": [list(f) for f in folds]}
    return json.dumps(data, indent=2) + "\n"


def write_folds(folds: Sequence[Sequence[str]], path: str | os.PathLike[str]) -> None:
    """Write folds as JSON (:func:`folds_json`).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_folds([["a"], ["b"]], Path(tmp) / FOLDS_FILE)
    ...     read_folds(Path(tmp) / FOLDS_FILE)
    [['a'], ['b']]
    """
    atomic_write_text(path, folds_json(folds))


def read_folds(path: str | os.PathLike[str]) -> list[list[str]]:
    """The folds of a file written by :func:`write_folds`.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / FOLDS_FILE
    >>> _ = path.write_text('{"folds": [["a", "b"], ["c"]]}')
    >>> read_folds(path)
    [['a', 'b'], ['c']]
    >>> _ = path.write_text('{"folds": 3}')
    >>> read_folds(path)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [folds-changed] ...: ... is not a folds file: ...
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        folds = data["folds"]
        if not isinstance(folds, list) or not all(
                isinstance(f, list) and all(isinstance(x, str) for x in f) for f in folds):
            raise TypeError("folds must be a list of lists of ids")
    except FileNotFoundError:
        raise DatelineError("no-such-file", f"{p} does not exist", where=str(p),
                            fix="rebuild the corpus with `dateline corpus build`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DatelineError("folds-changed", f"{p} is not a folds file: {exc}", where=str(p),
                            fix="rebuild the corpus with `dateline corpus build`") from None
    return [list(f) for f in folds]


def check_folds(folds: Sequence[Sequence[str]], docs: Sequence[Document], k: int,
                where: str) -> None:
    """Refuse published folds that differ from the folds of ``docs`` (a hand edit, or a
    corpus changed without rebuilding).

    >>> from dateline.schemas import Document
    >>> docs = [Document(id=i, text="") for i in "abcd"]
    >>> check_folds(make_folds(docs, 2), docs, 2, "folds.json") is None
    True
    >>> check_folds([["a", "b", "c"], ["d"]], docs, 2, "folds.json")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [folds-changed] folds.json: the published folds ...
    """
    if [list(f) for f in folds] != make_folds(docs, k):
        raise DatelineError("folds-changed", f"the published folds are not the folds of the "
                            f"corpus's {len(docs)} documents", where=where,
                            fix="rebuild the corpus with `dateline corpus build` (folds are "
                                "generated, never edited)")


def planned_folds(corpus: str | os.PathLike[str], docs: Sequence[Document], *,
                  update: bool = False) -> dict[Path, str]:
    """Check the published folds as :func:`publish_folds` does, writing nothing: return
    ``{path: text}`` of the folds file to write (empty when the published folds stand).

    >>> import tempfile
    >>> from dateline.schemas import Document
    >>> corpus = Path(tempfile.mkdtemp())
    >>> docs = [Document(id=i, text="") for i in "abc"]
    >>> [p.name for p in planned_folds(corpus, docs)], (corpus / "splits").exists()
    (['folds.json'], False)
    """
    path = Path(corpus) / "splits" / FOLDS_FILE
    k = max(2, min(DEFAULT_FOLDS, len(docs)))
    if update or not path.exists():
        return {path: folds_json(make_folds(docs, k))}
    try:
        check_folds(read_folds(path), docs, k, str(path))
    except DatelineError as err:
        raise DatelineError("folds-changed", err.message, where=str(path),
                            fix="run `dateline corpus build --update` to publish the folds of "
                                "the new documents") from None
    return {}


def publish_folds(corpus: str | os.PathLike[str], docs: Sequence[Document], *,
                  update: bool = False) -> Path:
    """Write the folds of ``docs`` to ``corpus/splits/folds.json`` when they are missing or
    ``update`` is set; otherwise refuse published folds that differ (the build's step). A
    corpus of fewer documents than :data:`DEFAULT_FOLDS` gets one fold per document.

    >>> import tempfile
    >>> from dateline.schemas import Document
    >>> corpus = Path(tempfile.mkdtemp())
    >>> docs = [Document(id=i, text="") for i in "abcdefghij"]
    >>> publish_folds(corpus, docs).name
    'folds.json'
    >>> publish_folds(corpus, docs[:9])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [folds-changed] ... Fix: run `dateline corpus ...
    """
    path = Path(corpus) / "splits" / FOLDS_FILE
    for target, text in planned_folds(corpus, docs, update=update).items():
        atomic_write_text(target, text)
    return path
