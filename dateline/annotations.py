"""Annotation written in this repository, applied to the built corpus documents.

``corpus/annotations/<doc id>.json`` files are stand-off annotations
(:mod:`dateline.schemas.standoff`), mostly written by ``dateline adjudicate`` from Label Studio
pulls. After the sources are imported, the build applies each to the corpus document with that
id: every layer of the annotation whose status is not ``absent`` replaces the document's layer
whole (its provenance and its items); the other layers stay as the source gave them. Only the
top-level files count (``labelstudio/`` holds the raw pulls), and not the founding article's,
which its importer applies (:mod:`dateline.sources.seed`).

>>> import pathlib, tempfile
>>> from dateline.schemas import Document, LayerInfo, Layers, Mention, standoff_json
>>> doc = Document(id="d1", text="Bo met Al.")
>>> ann = doc.model_copy(update={
...     "entities": (Mention(id="m1", start=0, end=2, text="Bo", label="PERSON"),),
...     "layers": Layers(entities=LayerInfo(status="gold", labels=("PERSON",)))})
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "d1.json").write_text(standoff_json(ann))
>>> [m.text for m in apply_annotations([doc], folder)[0].entities]
['Bo']
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from pathlib import Path

from dateline.schemas import LAYERS, DatelineError, Document, check_document
from dateline.schemas.standoff import from_standoff, is_standoff, read_standoff
from dateline.sources.seed import DOC_ID as SEED_ID

__all__ = ["APPLIED_BY_IMPORTERS", "apply_annotation", "apply_annotations"]

# The founding article's annotation is its importer's input, not an override.
APPLIED_BY_IMPORTERS = frozenset({SEED_ID})


def apply_annotation(doc: Document, ann: Document) -> Document:
    """``doc`` with every layer of ``ann`` whose status is not ``absent`` put in its place.

    >>> from dateline.schemas import Document, LayerInfo, Layers
    >>> gold = Layers(quotes=LayerInfo(status="gold"))
    >>> out = apply_annotation(Document(id="d", text="x"), Document(id="d", text="x",
    ...                        layers=gold))
    >>> out.layers.quotes.status, out.layers.entities.status
    ('gold', 'absent')
    """
    update: dict[str, object] = {}
    layers = {}
    for layer in LAYERS:
        info = getattr(ann.layers, layer)
        if info.status != "absent":
            update[layer] = getattr(ann, layer)
        layers[layer] = info if info.status != "absent" else getattr(doc.layers, layer)
    update["layers"] = doc.layers.model_copy(update=layers)
    return doc.model_copy(update=update)


def apply_annotations(docs: Sequence[Document], folder: str | os.PathLike[str], *,
                      skip: Collection[str] = APPLIED_BY_IMPORTERS) -> list[Document]:
    """``docs`` (in order) with the stand-off files ``folder/*.json`` applied, but those of
    the document ids in ``skip``.

    Raises a coded :class:`DatelineError` naming the file for a file holding text, a file
    name that is not its document id, a document no source produced
    (``annotation-unknown-document``), a text that changed since the annotation
    (``annotation-text-changed``) and a result that does not validate (``annotation-invalid``).

    >>> import tempfile
    >>> from dateline.schemas import LayerInfo, Layers, Quote, Span, standoff_json
    >>> doc = Document(id="d1", text="“Go,” she said.")
    >>> ann = doc.model_copy(update={
    ...     "quotes": (Quote(id="q1", content=(Span(start=1, end=3, text="Go"),), kind="direct"),),
    ...     "layers": Layers(quotes=LayerInfo(status="gold", labels=("direct",)))})
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "d1.json").write_text(standoff_json(ann))
    >>> [out] = apply_annotations([doc], folder)
    >>> out.layers.quotes.status, out.quotes[0].content[0].text
    ('gold', 'Go')
    >>> _ = (folder / "d2.json").write_text(standoff_json(ann.model_copy(update={"id": "d2"})))
    >>> apply_annotations([doc], folder)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [annotation-unknown-document] ...: no source ...
    """
    by_id = {d.id: d for d in docs}
    for path in sorted(Path(folder).glob("*.json")):
        if path.stem in skip:
            continue
        data = read_standoff(path)
        if not is_standoff(data):
            raise DatelineError("annotation-not-standoff", "the file holds the document text "
                                "(or no text_sha256)", where=str(path),
                                fix="keep no text in corpus/annotations/: write it with "
                                "`dateline adjudicate`, or as dateline.schemas.standoff_json")
        doc_id = data.get("id")
        if doc_id != path.stem:
            raise DatelineError("annotation-file-name", f"the file annotates {doc_id!r} but is "
                                f"named {path.name!r}", where=f"{path} $.id",
                                fix=f"name the file {doc_id}.json (one file per document)")
        doc = by_id.get(path.stem)
        if doc is None:
            raise DatelineError("annotation-unknown-document", f"no source produces a document "
                                f"with id {path.stem!r}", where=f"{path} $.id",
                                fix="correct the id (corpus/splits/*.txt list every corpus "
                                "document), or remove the file if the document left the corpus")
        new = apply_annotation(doc, from_standoff(data, doc.text, where=str(path)))
        problems = check_document(new)
        if problems:
            first = problems[0]
            raise DatelineError("annotation-invalid", f"{len(problems)} problem(s) once applied, "
                                f"first: [{first.check}] {first.message}",
                                where=f"{path} {first.path or ''}".rstrip(),
                                fix="a layer is replaced whole: items of the other layers may "
                                "only name mentions of the new entity layer; correct the file")
        by_id[path.stem] = new
    return [by_id[d.id] for d in docs]
