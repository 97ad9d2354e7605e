"""``spacy-trained``: spaCy's own NER training on the train split, the baseline most readers
know.

Steps:

1. Training data: each document of the train split whose entity layer is gold or draft, with
   mention kinds, and covers the whole text (``regions`` None) becomes a spaCy ``Doc`` tokenized
   by the blank English tokenizer; its mentions become entity spans labelled
   ``LABEL/kind`` (``PERSON/named``...), so the pipeline predicts kinds and can be scored on the
   core task. spaCy's entities cannot overlap: named mentions are kept first, then longer ones
   (the crf's outer policy); spans not on token boundaries are dropped. Validation documents
   are the dev set (spaCy keeps the best model on it). Both are written as ``DocBin`` files.
2. The config is spaCy's own CPU config for ``ner`` (``spacy init config --pipeline ner
   --optimize efficiency``: a ``tok2vec`` with hash embeddings of norm, prefix, suffix and
   shape, no pretrained vectors, so nothing is downloaded), with the number of steps and the
   evaluation frequency as settings.
3. ``spacy train`` (``spacy.cli.train.train``) runs in a temporary folder; :meth:`save` copies
   spaCy's ``model-best`` folder (its own format: ``config.cfg``, ``meta.json``, weights; no
   pickle) into the model directory and renames it into place, so a model folder is always
   complete or absent.
4. Prediction: ``nlp.pipe`` over the texts; ``LABEL/kind`` back to label and kind.

>>> SpacyTrained(max_steps=10).name, SpacyTrained().trained
('spacy-trained', False)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.baselines.base import predictions, require_trained
from dateline.baselines.text import snap, spacy_safe
from dateline.schemas import DatelineError, Document, Mention

__all__ = ["PIPELINE_DIR", "SpacyTrained", "training_spans"]

PIPELINE_DIR = "pipeline"


def training_spans(doc: Document) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, "LABEL/kind")`` spans of a gold document: named mentions
    first, then longer ones.

    >>> from dateline.schemas import Mention
    >>> text = "the mayor of Rome"
    >>> d = Document(id="d", text=text, entities=(
    ...     Mention(id="a", start=0, end=17, text=text, label="PERSON", kind="nominal"),
    ...     Mention(id="b", start=13, end=17, text="Rome", label="LOCATION", kind="named")))
    >>> training_spans(d)
    [(13, 17, 'LOCATION/named')]
    """
    order = sorted(doc.entities, key=lambda m: (m.kind != "named", m.start - m.end, m.start))
    taken: list[tuple[int, int, str]] = []
    for m in order:
        if all(m.end <= s or e <= m.start for s, e, _ in taken):
            taken.append((m.start, m.end, f"{m.label}/{m.kind or 'nominal'}"))
    return sorted(taken)


class SpacyTrained:
    """A spaCy ``tok2vec`` + ``ner`` pipeline trained on the train split (module docstring).

    Settings: ``max_steps`` (training steps), ``eval_frequency`` (steps between evaluations on
    validation; the best is kept), ``patience`` (steps without improvement before stopping),
    ``seed``, ``batch_size`` (documents per batch when predicting).

    >>> import pathlib, tempfile
    >>> SpacyTrained().load(pathlib.Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [model-unreadable] cannot read the spaCy pipeline ...
    """

    name = "spacy-trained"
    version = "0.1.0"
    layers = ("entities",)

    def __init__(self, *, max_steps: int = 600, eval_frequency: int = 100,
                 patience: int = 400, seed: int = 0, batch_size: int = 32) -> None:
        self.max_steps = max_steps
        self.eval_frequency = eval_frequency
        self.patience = patience
        self.seed = seed
        self.batch_size = batch_size
        self.nlp: Any = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._best: Path | None = None

    @property
    def trained(self) -> bool:
        """True once a pipeline is trained or loaded."""
        return self.nlp is not None

    @staticmethod
    def _docbin(nlp: Any, docs: Sequence[Document], path: Path) -> int:
        """Step 1: write the usable gold documents as a DocBin; return how many."""
        from spacy.tokens import DocBin

        out = DocBin()
        n = 0
        for doc in docs:
            info = doc.layers.entities
            if info.status not in ("gold", "draft") or info.regions is not None or (
                    "kind" in info.not_annotated):
                continue
            parsed = nlp.make_doc(spacy_safe(doc.text))
            spans = [parsed.char_span(s, e, label=label) for s, e, label in training_spans(doc)]
            parsed.ents = [s for s in spans if s is not None]
            out.add(parsed)
            n += 1
        out.to_disk(path)
        return n

    def config(self, train: Path, dev: Path) -> Any:
        """Step 2: spaCy's CPU ``ner`` config with this extractor's settings.

        >>> c = SpacyTrained(max_steps=7).config(Path("t.spacy"), Path("d.spacy"))
        >>> c["nlp"]["pipeline"], c["training"]["max_steps"]
        (['tok2vec', 'ner'], 7)
        >>> c["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"]
        False
        """
        from spacy.cli.init_config import init_config

        config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
        config["paths"]["train"], config["paths"]["dev"] = str(train), str(dev)
        config["system"]["seed"] = self.seed
        training = config["training"]
        training["max_steps"], training["max_epochs"] = self.max_steps, 0
        training["eval_frequency"] = max(1, min(self.eval_frequency, self.max_steps))
        training["patience"] = self.patience
        return config

    def train(self, train_docs: Sequence[Document],
              validation_docs: Sequence[Document]) -> dict[str, Any]:
        """Steps 1-3: write the data and config, run ``spacy train`` in a temporary folder."""
        import spacy
        from spacy.cli.train import train as spacy_train

        self._dir = tempfile.TemporaryDirectory(prefix="dateline-spacy-")
        work = Path(self._dir.name)
        blank = spacy.blank("en")
        n_train = self._docbin(blank, train_docs, work / "train.spacy")
        n_dev = self._docbin(blank, validation_docs, work / "dev.spacy")
        if not n_train or not n_dev:
            raise DatelineError(
                "no-training-data",
                f"spacy-trained needs train and validation documents with a gold entity layer "
                f"that gives mention kinds over the whole text (found {n_train} and {n_dev})",
                fix="train on a corpus with such documents (the GUM documents of dateline's)")
        self.config(work / "train.spacy", work / "dev.spacy").to_disk(work / "config.cfg")
        started = time.perf_counter()
        # spaCy's training log goes to stderr: stdout is the command's output (a markdown or
        # JSON table may be on it).
        with contextlib.redirect_stdout(sys.stderr):
            spacy_train(work / "config.cfg", work / "out", use_gpu=-1)
        seconds = time.perf_counter() - started
        self._best = work / "out" / "model-best"
        self.nlp = spacy.load(self._best)
        meta = self.nlp.meta.get("performance", {})
        return {"train_documents_used": n_train, "validation_documents_used": n_dev,
                "max_steps": self.max_steps, "spacy_train_seconds": round(seconds, 1),
                "validation_ents_f": round(float(meta.get("ents_f") or 0.0), 4),
                "labels": sorted(self.nlp.get_pipe("ner").labels)}

    def save(self, directory: Path) -> None:
        """Copy spaCy's ``model-best`` into ``directory/pipeline`` atomically (copy beside it,
        then rename into place)."""
        require_trained(self)
        assert self._best is not None
        directory.mkdir(parents=True, exist_ok=True)
        final = directory / PIPELINE_DIR
        staging = Path(tempfile.mkdtemp(prefix=".pipeline-", dir=directory))
        try:
            shutil.copytree(self._best, staging, dirs_exist_ok=True)
            if final.exists():
                old = Path(tempfile.mkdtemp(prefix=".old-", dir=directory))
                os.replace(final, old / PIPELINE_DIR)
                shutil.rmtree(old)
            os.replace(staging, final)
        finally:
            if staging.exists():
                shutil.rmtree(staging)

    def load(self, directory: Path) -> None:
        """Load the pipeline that :meth:`save` wrote."""
        import spacy

        try:
            self.nlp = spacy.load(directory / PIPELINE_DIR)
        except (OSError, ValueError, KeyError) as exc:
            raise DatelineError("model-unreadable", f"cannot read the spaCy pipeline in "
                                f"{directory / PIPELINE_DIR}: {exc}",
                                fix="retrain with `dateline train spacy-trained --force`") from exc
        self._best = directory / PIPELINE_DIR

    def extract(self, doc: Document) -> Document:
        """Entity mentions of one document."""
        return self.extract_batch([doc])[0]

    def extract_batch(self, docs: Sequence[Document]) -> list[Document]:
        """Step 4: run the pipeline over a batch and read label and kind back."""
        require_trained(self)
        labels = tuple(sorted({lab.partition("/")[0] for lab in self.nlp.get_pipe("ner").labels}))
        out = []
        for doc, parsed in zip(docs, self.nlp.pipe([spacy_safe(d.text) for d in docs],
                                                   batch_size=self.batch_size), strict=True):
            mentions = []
            for ent in parsed.ents:
                span = snap(doc.text, ent.start_char, ent.end_char)
                if span is None:
                    continue
                label, _, kind = ent.label_.partition("/")
                mentions.append(Mention(id=f"m{len(mentions) + 1}", start=span[0], end=span[1],
                                        text=doc.text[span[0]:span[1]], label=label,
                                        kind=kind or None))
            out.append(predictions(doc, self, entities=(mentions, labels)))
        return out
