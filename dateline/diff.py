"""What changed between two built corpora: documents, then each layer's items, by id.

The core is pure: :func:`diff_documents` compares two ``{id: (split, Document)}`` maps and
returns a :class:`CorpusDiff`; :func:`read_built` reads a built folder into such a map. Git
revisions are a thin layer on top (:mod:`dateline.gitrev` builds a revision into a folder).
A change of a document's text is reported apart (``text_changed``), because every offset into
that text may have moved with it.

>>> from dateline.schemas import Document, Mention
>>> m = Mention(id="m1", start=0, end=3, text="Ann", label="PERSON")
>>> a = {"d1": ("train", Document(id="d1", text="Ann ran.", entities=(m,)))}
>>> b = {"d1": ("train", Document(id="d1", text="Ann ran.",
...                               entities=(m.model_copy(update={"label": "LOCATION"}),))),
...      "d2": ("test", Document(id="d2", text="New."))}
>>> d = diff_documents(a, b)
>>> d.documents_added, d.documents_changed
(['d2'], ['d1'])
>>> c = d.layers["entities"].changed[0]
>>> (c.doc, c.id, c.before, c.after, c.fields)
('d1', 'm1', 'PERSON', 'LOCATION', ['label'])
>>> d.summary()["entities"]
{'added': 0, 'removed': 0, 'changed': 1}
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document, read_jsonl
from dateline.schemas.model import LAYERS
from dateline.schemas.validate import SPLITS

__all__ = [
    "LAYERS",
    "CorpusDiff",
    "DocumentChange",
    "ItemChange",
    "ItemRef",
    "LayerDiff",
    "describe_change",
    "diff_documents",
    "diff_folders",
    "find_data",
    "read_built",
]

Built = dict[str, tuple[str, Document]]  # document id -> (split, Document)

# The label shown for an item of each layer.
_LABEL: dict[str, Callable[[Any], str]] = {
    "entities": lambda m: m.label,
    "events": lambda e: e.type or "untyped",
    "quotes": lambda q: q.kind,
}


def _span(item: Any) -> tuple[int, int]:
    if hasattr(item, "start"):
        return item.start, item.end
    if hasattr(item, "trigger"):
        return item.trigger.start, item.trigger.end
    return (item.content[0].start, item.content[-1].end) if item.content else (0, 0)


@dataclass(frozen=True)
class ItemRef:
    """An item added or removed: document, id, label and character span.

    >>> from dateline.schemas import Mention
    >>> ann = Mention(id="m1", start=0, end=3, text="Ann", label="PERSON")
    >>> a = {"d": ("test", Document(id="d", text="Ann ran."))}
    >>> b = {"d": ("test", Document(id="d", text="Ann ran.", entities=(ann,)))}
    >>> diff_documents(a, b).layers["entities"].added
    [ItemRef(doc='d', id='m1', label='PERSON', start=0, end=3)]
    """

    doc: str
    id: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class ItemChange:
    """An item present on both sides whose fields differ; labels before and after.

    >>> from dateline.schemas import Mention
    >>> ann = Mention(id="m1", start=0, end=3, text="Ann", label="PERSON")
    >>> a = {"d": ("test", Document(id="d", text="Ann ran.", entities=(ann,)))}
    >>> b = {"d": ("test", Document(id="d", text="Ann ran.", entities=(
    ...     ann.model_copy(update={"kind": "named"}),)))}
    >>> diff_documents(a, b).layers["entities"].changed
    [ItemChange(doc='d', id='m1', before='PERSON', after='PERSON', fields=['kind'])]
    """

    doc: str
    id: str
    before: str
    after: str
    fields: list[str]


@dataclass
class LayerDiff:
    """Items added, removed and changed in one layer (documents present on both sides).

    Items of documents that are added or removed as a whole are only counted
    (``CorpusDiff.items_in_added``, ``items_in_removed``):

    >>> from dateline.schemas import Mention
    >>> ann = Mention(id="m1", start=0, end=3, text="Ann", label="PERSON")
    >>> d = diff_documents({}, {"d": ("test", Document(id="d", text="Ann.", entities=(ann,)))})
    >>> d.layers["entities"], d.items_in_added["entities"]
    (LayerDiff(added=[], removed=[], changed=[]), 1)
    """

    added: list[ItemRef] = field(default_factory=list)
    removed: list[ItemRef] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentChange:
    """A change of a document outside its items: ``kind`` is ``text``, ``split``, ``meta`` or
    ``layer:<name>`` (provenance: status, source, labels, regions...).

    >>> a = {"d": ("train", Document(id="d", text="Hi."))}
    >>> b = {"d": ("test", Document(id="d", text="Hi."))}
    >>> diff_documents(a, b).document_changes
    [DocumentChange(doc='d', kind='split', before='train', after='test')]
    """

    doc: str
    kind: str
    before: Any
    after: Any


@dataclass
class CorpusDiff:
    """Documents added, removed and changed; per layer, item changes; document-level changes.

    ``text_changed`` lists documents whose text differs (offsets may all have moved).
    ``items_in_added`` / ``items_in_removed`` count the items of whole added/removed documents.

    >>> a = {"d": ("test", Document(id="d", text="Ann ran."))}
    >>> b = {"d": ("test", Document(id="d", text="Ann runs."))}
    >>> d = diff_documents(a, b, a_name="v1", b_name="v2")
    >>> d.empty, d.documents_changed, d.text_changed[0].after
    (False, ['d'], {'length': 9, 'at': 5, 'excerpt': 'uns.'})
    >>> d.to_dict()["summary"]["documents"], diff_documents(a, a).empty
    ({'added': 0, 'removed': 0, 'changed': 1}, True)
    """

    a: str = "A"
    b: str = "B"
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    documents_changed: list[str] = field(default_factory=list)
    documents_unchanged: int = 0
    text_changed: list[DocumentChange] = field(default_factory=list)
    document_changes: list[DocumentChange] = field(default_factory=list)
    layers: dict[str, LayerDiff] = field(default_factory=lambda: {k: LayerDiff() for k in LAYERS})
    items_in_added: dict[str, int] = field(default_factory=dict)
    items_in_removed: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.documents_added or self.documents_removed or self.documents_changed)

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts: documents and each layer's items added, removed and changed."""
        out = {"documents": {"added": len(self.documents_added),
                             "removed": len(self.documents_removed),
                             "changed": len(self.documents_changed)}}
        for name, ld in self.layers.items():
            out[name] = {"added": len(ld.added), "removed": len(ld.removed),
                         "changed": len(ld.changed)}
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``summary`` first)."""
        return {"a": self.a, "b": self.b, "summary": self.summary(),
                "text_changed": [asdict(c) for c in self.text_changed],
                "documents": {"added": self.documents_added, "removed": self.documents_removed,
                              "changed": self.documents_changed,
                              "unchanged": self.documents_unchanged,
                              "items_in_added": self.items_in_added,
                              "items_in_removed": self.items_in_removed},
                "document_changes": [asdict(c) for c in self.document_changes],
                "layers": {k: asdict(v) for k, v in self.layers.items()}}


def _fields(model: Any) -> dict[str, Any]:
    """Every field of a model, JSON-ready: also those its dump leaves out at their default
    (``coverage: exhaustive``, ``not_annotated: []``, a null ``meta`` field), whose change
    would otherwise show as ``{} → {}``."""
    dumped = model.model_dump(mode="json")
    return {k: dumped[k] if k in dumped else _plain(getattr(model, k))
            for k in type(model).model_fields}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _changed(x: Any, y: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields of two models of one type that differ: (before, after)."""
    fx, fy = _fields(x), _fields(y)
    keys = [k for k in fx if fx[k] != fy[k]]
    return {k: fx[k] for k in keys}, {k: fy[k] for k in keys}


# How a field holding character ranges reads when it is null.
_RANGES = {"regions": "whole text", "sentences": "none"}


def _show(key: str, value: Any, exact: bool = False) -> str:
    if value is None:
        return _RANGES.get(key, "none")
    if key in _RANGES and not exact:
        return f"{len(value)} {key if len(value) != 1 else key[:-1]}"
    if key in _RANGES:  # as many ranges on both sides: which they are
        shown = ", ".join(f"[{r['start']}, {r['end']})" for r in value[:3])
        return shown + (f" … ({len(value)})" if len(value) > 3 else "")
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "none"
    return str(value)


def _field_change(key: str, before: Any, after: Any) -> str:
    x, y = _show(key, before), _show(key, after)
    if x == y:
        x, y = _show(key, before, exact=True), _show(key, after, exact=True)
    return f"{key}: {x} → {y}"


def describe_change(change: DocumentChange) -> str:
    """A document change in words: per field ``name: before → after``; character ranges by
    their number (``regions: whole text → 2 regions``).

    >>> from dateline.schemas import Document, LayerInfo, Layers, Region
    >>> whole = Layers(entities=LayerInfo(status="gold"))
    >>> part = Layers(entities=LayerInfo(status="gold", coverage="partial",
    ...                                  regions=(Region(start=0, end=3), Region(start=5, end=9))))
    >>> a = {"d": ("test", Document(id="d", text="Ann ran.", layers=whole))}
    >>> b = {"d": ("test", Document(id="d", text="Ann ran.", layers=part))}
    >>> [describe_change(c) for c in diff_documents(a, b).document_changes]
    ['regions: whole text → 2 regions; coverage: exhaustive → partial']
    >>> describe_change(DocumentChange("d", "layer:entities",
    ...     {"regions": [{"start": 0, "end": 3}]}, {"regions": [{"start": 0, "end": 5}]}))
    'regions: [0, 3) → [0, 5)'
    >>> describe_change(DocumentChange("d", "split", "train", "test"))
    'train → test'
    """
    if not isinstance(change.before, dict) or not isinstance(change.after, dict):
        return f"{change.before} → {change.after}"
    return "; ".join(_field_change(k, change.before.get(k), change.after.get(k))
                     for k in change.before)


def _first_difference(a: str, b: str) -> int:
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def _diff_layer(doc: str, name: str, before: Iterable[Any], after: Iterable[Any],
                out: LayerDiff) -> None:
    old = {x.id: x for x in before}
    new = {x.id: x for x in after}
    label = _LABEL[name]
    for i in sorted(old.keys() - new.keys()):
        out.removed.append(ItemRef(doc, i, label(old[i]), *_span(old[i])))
    for i in sorted(new.keys() - old.keys()):
        out.added.append(ItemRef(doc, i, label(new[i]), *_span(new[i])))
    for i in sorted(old.keys() & new.keys()):
        if old[i] != new[i]:
            x, y = old[i].model_dump(), new[i].model_dump()
            fields = [k for k in x if x[k] != y[k]]
            out.changed.append(ItemChange(doc, i, label(old[i]), label(new[i]), fields))


def diff_documents(a: Built, b: Built, *, a_name: str = "A", b_name: str = "B") -> CorpusDiff:
    """Compare two built corpora given as ``{id: (split, Document)}``.

    >>> a = {"d1": ("test", Document(id="d1", text="One.")),
    ...      "d2": ("test", Document(id="d2", text="Two."))}
    >>> d = diff_documents(a, {"d1": a["d1"]})
    >>> d.documents_removed, d.documents_unchanged
    (['d2'], 1)
    """
    d = CorpusDiff(a_name, b_name)
    d.documents_added = sorted(b.keys() - a.keys())
    d.documents_removed = sorted(a.keys() - b.keys())
    for side, ids, counts in ((b, d.documents_added, d.items_in_added),
                              (a, d.documents_removed, d.items_in_removed)):
        for name in LAYERS:
            counts[name] = sum(len(getattr(side[i][1], name)) for i in ids)
    for doc_id in sorted(a.keys() & b.keys()):
        (sa, x), (sb, y) = a[doc_id], b[doc_id]
        if sa == sb and x == y:
            d.documents_unchanged += 1
            continue
        d.documents_changed.append(doc_id)
        if x.text != y.text:
            at = _first_difference(x.text, y.text)
            d.text_changed.append(DocumentChange(
                doc_id, "text", {"length": len(x.text), "at": at, "excerpt": x.text[at:at + 40]},
                {"length": len(y.text), "at": at, "excerpt": y.text[at:at + 40]}))
        if sa != sb:
            d.document_changes.append(DocumentChange(doc_id, "split", sa, sb))
        if x.meta != y.meta:
            d.document_changes.append(DocumentChange(doc_id, "meta", *_changed(x.meta, y.meta)))
        for name in LAYERS:
            lx, ly = getattr(x.layers, name), getattr(y.layers, name)
            if lx != ly:
                d.document_changes.append(DocumentChange(doc_id, f"layer:{name}",
                                                         *_changed(lx, ly)))
            _diff_layer(doc_id, name, getattr(x, name), getattr(y, name), d.layers[name])
    return d


def find_data(folder: str | os.PathLike[str]) -> Path:
    """The folder of ``{split}-*.jsonl`` Documents inside a built folder: ``data/default/``, or
    ``default/``, or the folder itself.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()); (root / "data" / "default").mkdir(parents=True)
    >>> find_data(root).relative_to(root).as_posix()
    'data/default'
    """
    root = Path(folder)
    for cand in (root / "data" / "default", root / "default", root):
        if cand.is_dir() and any(cand.glob("*.jsonl")):
            return cand
    if (root / "data" / "default").is_dir():
        return root / "data" / "default"
    raise DatelineError("diff-not-built", f"no built Documents (*.jsonl) in {root}",
                        where=str(root), fix="pass a built corpus folder (run `dateline corpus "
                        "build`), a git tag or a commit", exit_code=2)


def read_built(folder: str | os.PathLike[str]) -> Built:
    """``{id: (split, Document)}`` of a built folder (split taken from each file's name).

    >>> import tempfile
    >>> from dateline.schemas import write_jsonl
    >>> root = Path(tempfile.mkdtemp())
    >>> write_jsonl([Document(id="d", text="Hi.")], root / "test-00000-of-00001.jsonl")
    1
    >>> {i: (split, doc.text) for i, (split, doc) in read_built(root).items()}
    {'d': ('test', 'Hi.')}
    """
    out: Built = {}
    for path in sorted(find_data(folder).glob("*.jsonl")):
        m = re.match(r"([a-z]+)-", path.name)
        split = m.group(1) if m and m.group(1) in SPLITS else path.stem
        for doc in read_jsonl(path):
            if doc.id in out:
                raise DatelineError("duplicate-id", f"document {doc.id} appears twice",
                                    where=str(path), fix="rebuild the corpus")
            out[doc.id] = (split, doc)
    return out


def diff_folders(a: str | os.PathLike[str], b: str | os.PathLike[str], *,
                 a_name: str | None = None, b_name: str | None = None) -> CorpusDiff:
    """Diff two built folders.

    >>> import tempfile
    >>> from dateline.schemas import write_jsonl
    >>> a, b = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> write_jsonl([Document(id="d", text="Hi.")], a / "train.jsonl")
    1
    >>> write_jsonl([Document(id="d", text="Hi.")], b / "test.jsonl")
    1
    >>> d = diff_folders(a, b, a_name="old", b_name="new")
    >>> d.a, d.b, [(c.kind, c.before, c.after) for c in d.document_changes]
    ('old', 'new', [('split', 'train', 'test')])
    """
    return diff_documents(read_built(a), read_built(b), a_name=a_name or str(a),
                          b_name=b_name or str(b))
