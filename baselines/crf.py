"""``crf``: a linear-chain CRF tagger for entity mentions and event triggers.

Why CRFsuite through ``python-crfsuite``: it is the standard CRF library for this task (the
CoNLL NER baseline), trains with deterministic L-BFGS in C in seconds on a corpus this size,
tags far faster than any neural model on one core, and saves its model in CRFsuite's own
binary format, so no pickle is involved (``sklearn-crfsuite`` is a thin wrapper around the
same binding whose models are saved by pickling the wrapper).

The pipeline, step by step:

1. Tokenize with spaCy's rule-based tokenizer and cut the text into sentences (:mod:`.text`).
2. Turn each token into string features: the word, its lower case, prefix and suffix, shape,
   capitalisation, digits, membership in the title and time word lists of ``people.json``,
   the same for the neighbouring words, and the label of a longest match in a lexicon of the
   train split's mention strings (jackknifed over five folds during training, so the model
   learns how far such a match can be trusted on unseen text).
3. Training: convert gold mentions (and triggers) to BIO tags on tokens. Overlapping mentions
   cannot all be tags, so named mentions are kept first, then longer ones. Sentences outside a
   layer's annotated regions are left out, so unannotated text does not teach "no entity".
4. Train one model for entities and one for triggers on the train split, and choose the
   L2 penalty ``c2`` on the validation split (exact-span F1); train once more is not needed,
   the chosen model is kept as trained.
5. Prediction: tag each sentence, read BIO spans back into Mentions and Events (the trigger tag
   carries the ACE type, or ``EVENT`` for untyped triggers).

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> text = "Ann Lee met Bob Day in Rome."
>>> gold = Document(id="g", text=text, entities=(
...     Mention(id="m1", start=0, end=7, text="Ann Lee", label="PERSON"),
...     Mention(id="m2", start=12, end=19, text="Bob Day", label="PERSON"),
...     Mention(id="m3", start=23, end=27, text="Rome", label="LOCATION")),
...     layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON", "LOCATION"))))
>>> crf = CRFTagger(c2_grid=(0.1,))
>>> crf.train([gold] * 5, [gold])["entities"]["validation_f1"]
1.0
>>> [(m.text, m.label) for m in crf.extract(Document(id="d", text=text)).entities]
[('Ann Lee', 'PERSON'), ('Bob Day', 'PERSON'), ('Rome', 'LOCATION')]
"""

from __future__ import annotations

import json
import tempfile
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from dateline.baselines.base import predictions, require_trained
from dateline.baselines.lexicon import heads_of, label_table, match_tags
from dateline.baselines.mentions import word_lists
from dateline.baselines.text import Tokens, snap, tokenize
from dateline.schemas import DatelineError, Document, Event, LayerInfo, Mention, Span

__all__ = ["CRFTagger", "token_features"]

SETTINGS_FILE = "crf.json"
LEXICON_FILE = "lexicon.json"
_FOLDS = 5
UNTYPED = "EVENT"


def _shape(word: str) -> str:
    out = []
    for ch in word[:6]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def token_features(toks: Tokens, a: int, b: int,
                   lex: Sequence[str] | None = None) -> list[list[str]]:
    """Step 2: string features of the tokens ``[a, b)`` of a sentence.

    ``lex`` holds the document's lexicon-match tags (``B-PERSON``, ``O``...), one per token.

    >>> from dateline.baselines.text import tokenize
    >>> token_features(tokenize("Mr. Obama spoke."), 0, 4)[1][:4]
    ['b', 'w=Obama', 'l=obama', 's3=ama']
    """
    wl = word_lists()
    titles, times = wl["titles"], wl["time_words"]
    words = toks.words[a:b]
    lower = [w.lower() for w in words]
    shapes = [_shape(w) for w in words]
    n = len(words)
    out: list[list[str]] = []
    for i in range(n):
        w, lw, sh = words[i], lower[i], shapes[i]
        f = ["b", "w=" + w, "l=" + lw, "s3=" + lw[-3:], "p3=" + lw[:3], "sh=" + sh]
        if w[:1].isupper():
            f.append("cap")
        if lw in titles:
            f.append("title")
        if lw in times:
            f.append("time")
        if i == 0:
            f.append("BOS")
        else:
            f += ["-1l=" + lower[i - 1], "-1sh=" + shapes[i - 1]]
            if lower[i - 1] in titles:
                f.append("-1title")
        if i + 1 < n:
            f += ["+1l=" + lower[i + 1], "+1sh=" + shapes[i + 1]]
        else:
            f.append("EOS")
        if i > 1:
            f.append("-2l=" + lower[i - 2])
        if i + 2 < n:
            f.append("+2l=" + lower[i + 2])
        if lex is not None:
            f.append("lx=" + lex[a + i])
            if i + 1 < n:
                f.append("+1lx=" + lex[a + i + 1][:1])
        out.append(f)
    return out


def _in(regions: Sequence[tuple[int, int]] | None, start: int, end: int) -> bool:
    return regions is None or any(r0 <= start and end <= r1 for r0, r1 in regions)


def _bio(toks: Tokens, spans: list[tuple[int, int, str, bool]]) -> list[str]:
    """Step 3: BIO tags from ``(start, end, tag, named)`` spans, non-overlapping first-come."""
    tags = ["O"] * len(toks)
    spans = sorted(spans, key=lambda s: (not s[3], -(s[1] - s[0]), s[0]))
    taken = [False] * len(toks)
    for start, end, tag, _ in spans:
        # Tokens fully inside the span; a span not on token boundaries is skipped.
        first = bisect_left(toks.starts, start)
        if first >= len(toks) or toks.starts[first] != start:
            continue
        last = first
        while last < len(toks) and toks.ends[last] <= end:
            last += 1
        if last == first or toks.ends[last - 1] != end or any(taken[first:last]):
            continue
        tags[first] = "B-" + tag
        for i in range(first + 1, last):
            tags[i] = "I-" + tag
        for i in range(first, last):
            taken[i] = True
    return tags


def _spans(tags: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """BIO tags back to ``(first, last, tag)`` token ranges (a stray I- opens a span)."""
    start, label = None, None
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != label):
            if start is not None and label is not None:
                yield start, i, label
            start, label = (i, t[2:]) if t != "O" else (None, None)
    return


class CRFTagger:
    """CRF entity and trigger tagger (see the module docstring).

    Settings: ``c1`` (L1 penalty), ``c2_grid`` (L2 penalties tried on validation),
    ``max_iterations`` (L-BFGS), ``events`` (also tag event triggers).
    """

    name = "crf"
    version = "0.1.0"
    layers = ("entities", "events")

    def __init__(self, *, c1: float = 0.05, c2_grid: Sequence[float] = (0.01, 0.1),
                 max_iterations: int = 80, events: bool = True) -> None:
        self.c1 = c1
        self.c2_grid = tuple(c2_grid)
        self.max_iterations = max_iterations
        self.events = events
        self._taggers: dict[str, Any] = {}
        self._labels: dict[str, tuple[str, ...]] = {}
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._files: dict[str, Path] = {}
        self._lexicon: dict[str, str] = {}
        self._heads: dict[str, int] = {}

    @property
    def trained(self) -> bool:
        """True once a model is trained or loaded."""
        return bool(self._taggers)

    # -- data ------------------------------------------------------------------------------

    @staticmethod
    def _sequences(docs: Sequence[Document], layer: str,
                   tables: Sequence[dict[str, str]] | dict[str, str],
                   ) -> Iterator[tuple[list[list[str]], list[str]]]:
        """(features, tags) per annotated sentence of ``layer`` in ``docs``.

        ``tables``: the lexicon for the lexicon features, or one lexicon per document.
        """
        for k, doc in enumerate(docs):
            info: LayerInfo = getattr(doc.layers, layer)
            if info.status not in ("gold", "draft"):
                continue
            regions = None if info.regions is None else [(r.start, r.end)
                                                           for r in info.regions]
            if layer == "entities":
                spans = [(m.start, m.end, m.label, m.kind == "named") for m in doc.entities]
            else:
                spans = [(e.trigger.start, e.trigger.end, e.type or UNTYPED, True)
                         for e in doc.events]
            toks = tokenize(doc.text)
            tags = _bio(toks, spans)
            table = tables if isinstance(tables, dict) else tables[k]
            lex = match_tags(toks.words, table)
            for a, b in toks.sentences:
                if _in(regions, toks.starts[a], toks.ends[b - 1]):
                    yield token_features(toks, a, b, lex), tags[a:b]

    # -- training --------------------------------------------------------------------------

    def train(self, train_docs: Sequence[Document],
              validation_docs: Sequence[Document]) -> dict[str, Any]:
        """Steps 3-4: train each layer's model on train, choose ``c2`` on validation."""
        import pycrfsuite

        self._dir = tempfile.TemporaryDirectory(prefix="dateline-crf-")
        report: dict[str, Any] = {}
        # The lexicon feature of a train document comes from the other folds' mentions
        # (jackknifing), so the model learns how far a lexicon match can be trusted on
        # unseen text; validation and test use the lexicon of the whole train split.
        docs = list(train_docs)
        folds = [label_table([d for j, d in enumerate(docs) if j % _FOLDS != f])
                 for f in range(_FOLDS)]
        per_doc = [folds[j % _FOLDS] for j in range(len(docs))]
        self._lexicon = label_table(docs)
        self._heads = heads_of(self._lexicon)
        for layer in ("entities", "events") if self.events else ("entities",):
            train = list(self._sequences(docs, layer, per_doc))
            if not train:
                continue
            valid = list(self._sequences(validation_docs, layer, self._lexicon))
            best: tuple[float, float, Path] | None = None
            for c2 in self.c2_grid:
                trainer = pycrfsuite.Trainer(verbose=False)
                for xs, ys in train:
                    trainer.append(xs, ys)
                trainer.set_params({"c1": self.c1, "c2": c2,
                                    "max_iterations": self.max_iterations,
                                    "feature.possible_transitions": True})
                path = Path(self._dir.name) / f"{layer}-c2-{c2}.crfsuite"
                trainer.train(str(path))
                tagger = pycrfsuite.Tagger()
                tagger.open(str(path))
                f1 = self._f1(tagger, valid) if valid else 0.0
                if best is None or f1 > best[0]:
                    best = (f1, c2, path)
            assert best is not None
            tagger = pycrfsuite.Tagger()
            tagger.open(str(best[2]))
            self._taggers[layer] = tagger
            self._files[layer] = best[2]
            self._labels[layer] = tuple(sorted({t[2:] for _, ys in train for t in ys
                                                if t != "O"}))
            report[layer] = {"c2": best[1], "validation_f1": round(best[0], 4),
                             "train_sentences": len(train), "labels": list(self._labels[layer])}
        return report

    @staticmethod
    def _f1(tagger: Any, data: list[tuple[list[list[str]], list[str]]]) -> float:
        tp = fp = fn = 0
        for xs, ys in data:
            gold = set(_spans(ys))
            pred = set(_spans(tagger.tag(xs)))
            tp += len(gold & pred)
            fp += len(pred - gold)
            fn += len(gold - pred)
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    def save(self, directory: Path) -> None:
        """Write each model in CRFsuite's binary format, plus the settings as JSON."""
        require_trained(self)
        directory.mkdir(parents=True, exist_ok=True)
        for layer, path in self._files.items():
            (directory / f"{layer}.crfsuite").write_bytes(path.read_bytes())
        settings = {"extractor": self.name, "version": self.version, "c1": self.c1,
                    "labels": {k: list(v) for k, v in self._labels.items()}}
        (directory / SETTINGS_FILE).write_text(json.dumps(settings, indent=1, sort_keys=True),
                                               encoding="utf-8")
        (directory / LEXICON_FILE).write_text(json.dumps(self._lexicon, sort_keys=True),
                                              encoding="utf-8")

    def load(self, directory: Path) -> None:
        """Open the models that :meth:`save` wrote."""
        import pycrfsuite

        try:
            settings = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
            self._lexicon = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))
            self._heads = heads_of(self._lexicon)
            for layer, labels in settings["labels"].items():
                tagger = pycrfsuite.Tagger()
                tagger.open(str(directory / f"{layer}.crfsuite"))
                self._taggers[layer] = tagger
                self._files[layer] = directory / f"{layer}.crfsuite"
                self._labels[layer] = tuple(labels)
        except (OSError, ValueError, KeyError) as exc:
            raise DatelineError("model-unreadable", f"cannot read the CRF model in "
                                f"{directory}: {exc}",
                                fix="retrain with `dateline train crf --force`") from exc

    # -- prediction ------------------------------------------------------------------------

    def extract(self, doc: Document) -> Document:
        """Step 5: tag ``doc``'s sentences and read the spans back."""
        require_trained(self)
        text = doc.text
        toks = tokenize(text)
        lex = match_tags(toks.words, self._lexicon, self._heads)
        found: dict[str, list[tuple[int, int, str]]] = {layer: [] for layer in self._taggers}
        for a, b in toks.sentences:
            feats = token_features(toks, a, b, lex)
            for layer, tagger in self._taggers.items():
                for first, last, tag in _spans(tagger.tag(feats)):
                    span = snap(text, toks.starts[a + first], toks.ends[a + last - 1])
                    if span is not None:
                        found[layer].append((span[0], span[1], tag))
        entities = events = None
        if "entities" in found:
            entities = ([Mention(id=f"m{i + 1}", start=s, end=e, text=text[s:e], label=t)
                         for i, (s, e, t) in enumerate(found["entities"])],
                        self._labels["entities"])
        if "events" in found:
            events = ([Event(id=f"ev{i + 1}", trigger=Span(start=s, end=e, text=text[s:e]),
                             type=None if t == UNTYPED else t)
                       for i, (s, e, t) in enumerate(found["events"])],
                      tuple(t for t in self._labels["events"] if t != UNTYPED))
        return predictions(doc, self, entities=entities, events=events)
