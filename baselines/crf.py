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
4. Train two entity models (one keeps the outer of nested mentions, one the inner) and one
   trigger model on the train split; choose each model's L2 penalty ``c2``, and whether to use
   one entity model or both together, on the validation split (exact-span F1).
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
>>> crf.train([gold] * 5, [gold])["entities-outer"]["validation_f1"]
1.0
>>> [(m.text, m.label) for m in crf.extract(Document(id="d", text=text)).entities]
[('Ann Lee', 'PERSON'), ('Bob Day', 'PERSON'), ('Rome', 'LOCATION')]
"""

from __future__ import annotations

import json
import tempfile
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
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


# Which of overlapping gold spans become tags: "outer" keeps named mentions first, then the
# longer ones; "inner" keeps the shorter ones first.
_POLICIES: dict[str, Callable[[tuple[int, int, str, bool]], tuple[Any, ...]]] = {
    "outer": lambda s: (not s[3], -(s[1] - s[0]), s[0]),
    "inner": lambda s: (s[1] - s[0], s[0]),
}
# (model, layer, policy): two entity models see the nested mentions from both sides.
MODELS = (("entities-outer", "entities", "outer"), ("entities-inner", "entities", "inner"),
          ("events", "events", "outer"))


def _bio(toks: Tokens, spans: list[tuple[int, int, str, bool]],
         policy: str = "outer") -> list[str]:
    """Step 3: BIO tags from ``(start, end, tag, named)`` spans, non-overlapping, by policy."""
    tags = ["O"] * len(toks)
    spans = sorted(spans, key=_POLICIES[policy])
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

    >>> import pathlib, tempfile
    >>> crf = CRFTagger(events=False)
    >>> crf.trained, crf.layers
    (False, ('entities', 'events'))
    >>> crf.load(pathlib.Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [model-unreadable] cannot read the CRF model in ...
    """

    name = "crf"
    version = "0.2.1"
    layers = ("entities", "events")

    def __init__(self, *, c1: float = 0.1, c2_grid: Sequence[float] = (0.01, 0.1),
                 max_iterations: int = 100, events: bool = True) -> None:
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
        self._use: tuple[str, ...] = ("entities-outer", "entities-inner")

    @property
    def trained(self) -> bool:
        """True once a model is trained or loaded."""
        return bool(self._taggers)

    # -- data ------------------------------------------------------------------------------

    @staticmethod
    def _sequences(docs: Sequence[Document], layer: str,
                   tables: Sequence[dict[str, str]] | dict[str, str], policy: str = "outer",
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
            tags = _bio(toks, spans, policy)
            table = tables if isinstance(tables, dict) else tables[k]
            lex = match_tags(toks.words, table)
            for a, b in toks.sentences:
                if _in(regions, toks.starts[a], toks.ends[b - 1]):
                    yield token_features(toks, a, b, lex), tags[a:b]

    # -- training --------------------------------------------------------------------------

    def train(self, train_docs: Sequence[Document],
              validation_docs: Sequence[Document]) -> dict[str, Any]:
        """Steps 3-4: train each model on train; choose ``c2`` and the entity models on
        validation."""
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
        for model, layer, policy in MODELS:
            if layer == "events" and not self.events:
                continue
            train = list(self._sequences(docs, layer, per_doc, policy))
            if not train:
                continue
            valid = list(self._sequences(validation_docs, layer, self._lexicon, policy))
            best: tuple[float, float, Path] | None = None
            for c2 in self.c2_grid:
                trainer = pycrfsuite.Trainer(verbose=False)
                for xs, ys in train:
                    trainer.append(xs, ys)
                trainer.set_params({"c1": self.c1, "c2": c2,
                                    "max_iterations": self.max_iterations,
                                    "feature.possible_transitions": True})
                path = Path(self._dir.name) / f"{model}-c2-{c2}.crfsuite"
                trainer.train(str(path))
                tagger = pycrfsuite.Tagger()
                tagger.open(str(path))
                f1 = self._f1(tagger, valid) if valid else 0.0
                if best is None or f1 > best[0]:
                    best = (f1, c2, path)
            assert best is not None
            tagger = pycrfsuite.Tagger()
            tagger.open(str(best[2]))
            self._taggers[model] = tagger
            self._files[model] = best[2]
            labels = {t[2:] for _, ys in train for t in ys if t != "O"}
            self._labels[layer] = tuple(sorted(labels | set(self._labels.get(layer, ()))))
            report[model] = {"c2": best[1], "validation_f1": round(best[0], 4),
                             "train_sentences": len(train), "labels": sorted(labels)}
        # Which entity models to use, alone or together: chosen on validation, all mentions.
        choices = [c for c in (("entities-outer",), ("entities-inner",),
                               ("entities-outer", "entities-inner"))
                   if all(m in self._taggers for m in c)]
        scored = []
        for choice in choices:
            self._use = choice
            scored.append((self._entity_f1(validation_docs), choice))
        if scored:
            f1, self._use = max(scored, key=lambda x: x[0])
            report["entities"] = {"models": list(self._use), "validation_f1": round(f1, 4),
                                  "choices": {"+".join(c): round(v, 4) for v, c in scored}}
        return report

    def _entity_f1(self, docs: Sequence[Document]) -> float:
        """Exact-span F1 of the entity predictions on gold documents, inside their regions."""
        tp = fp = fn = 0
        for doc in docs:
            info = doc.layers.entities
            if info.status not in ("gold", "draft"):
                continue
            regions = None if info.regions is None else [(r.start, r.end)
                                                           for r in info.regions]
            gold = {(m.start, m.end, m.label) for m in doc.entities}
            pred = {(m.start, m.end, m.label) for m in self.extract(doc).entities
                    if _in(regions, m.start, m.end)}
            tp += len(gold & pred)
            fp += len(pred - gold)
            fn += len(gold - pred)
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

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
        for model, path in self._files.items():
            (directory / f"{model}.crfsuite").write_bytes(path.read_bytes())
        settings = {"extractor": self.name, "version": self.version, "c1": self.c1,
                    "models": sorted(self._files), "entity_models": list(self._use),
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
            for model in settings["models"]:
                tagger = pycrfsuite.Tagger()
                tagger.open(str(directory / f"{model}.crfsuite"))
                self._taggers[model] = tagger
                self._files[model] = directory / f"{model}.crfsuite"
            self._labels = {k: tuple(v) for k, v in settings["labels"].items()}
            self._use = tuple(settings["entity_models"])
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
        # A fixed model order (outer first): where both entity models tag a span, the first
        # one's label is kept, whether the models were just trained or loaded from disk.
        models = [m for m, _, _ in MODELS
                  if m in self._taggers and (m in self._use or m == "events")]
        found: dict[str, list[tuple[int, int, str]]] = {"entities": [], "events": []}
        seen: set[tuple[int, int]] = set()
        import pycrfsuite

        for a, b in toks.sentences:
            # Convert the features once; every model tags the same item sequence.
            feats = pycrfsuite.ItemSequence(token_features(toks, a, b, lex))
            for model in models:
                layer = "events" if model == "events" else "entities"
                for first, last, tag in _spans(self._taggers[model].tag(feats)):
                    span = snap(text, toks.starts[a + first], toks.ends[a + last - 1])
                    if span is None:
                        continue
                    if layer == "entities":
                        # The two entity models often agree: keep one mention per span.
                        if span in seen:
                            continue
                        seen.add(span)
                    found[layer].append((span[0], span[1], tag))
        entities = events = None
        if "entities" in self._labels:
            found["entities"].sort()
            entities = ([Mention(id=f"m{i + 1}", start=s, end=e, text=text[s:e], label=t)
                         for i, (s, e, t) in enumerate(found["entities"])],
                        self._labels["entities"])
        if "events" in self._taggers:
            events = ([Event(id=f"ev{i + 1}", trigger=Span(start=s, end=e, text=text[s:e]),
                             type=None if t == UNTYPED else t)
                       for i, (s, e, t) in enumerate(found["events"])],
                      tuple(t for t in self._labels["events"] if t != UNTYPED))
        return predictions(doc, self, entities=entities, events=events)
