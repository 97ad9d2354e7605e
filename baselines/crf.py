"""``crf``: a linear-chain CRF tagger for entity mentions and event triggers.

Why CRFsuite through ``python-crfsuite``: it is the standard CRF library for this task (the
CoNLL NER baseline), trains with deterministic L-BFGS in C in seconds on a corpus this size,
tags far faster than any neural model on one core, and saves its model in CRFsuite's own
binary format, so no pickle is involved (``sklearn-crfsuite`` is a thin wrapper around the
same binding whose models are saved by pickling the wrapper).

The pipeline, step by step:

1. Tokenize with spaCy's rule-based tokenizer and cut the text into sentences (:mod:`.text`).
2. Turn each token into string features (:mod:`.crf_features`, in groups: the word, its
   shape and capitalisation, prefixes and suffixes, the neighbouring words, the position in
   the sentence, a gazetteer of the train split's mention strings, jackknifed over five folds
   during training so the model learns how far such a match can be trusted on unseen text,
   external lexicons from packages' data (:mod:`.crf_lexicons`), and document consistency,
   off by default).
3. Training: convert gold mentions (and triggers) to BIO tags on tokens (:mod:`.bio`).
   Overlapping mentions cannot all be tags, so named mentions are kept first, then longer
   ones. Sentences outside a layer's annotated regions are left out, so unannotated text does
   not teach "no entity"; of an entity layer of ``partial`` coverage only the sentences that
   hold one of its mentions train (``partial`` setting, chosen by cross-validation).
4. Train two entity models (one keeps the outer of nested mentions, one the inner), two name
   models on the named mentions alone (outer and inner again: names inside names; trained
   on documents whose gold gives kinds), and one trigger model on the train split; choose
   each model's L2 penalty ``c2``, and whether to use one entity model or both together, on
   the validation split (exact-span F1). (Kind models beside the entity models, tagging the
   same spans by kind, were 0.4's way to kinds: ``kinds`` setting, off by default since 0.5.)
5. Prediction: tag each sentence (model by model over a batch of documents:
   :mod:`.crf_tagging`), read BIO spans back into Mentions (a span a name model tagged is
   named; any other is a pronoun if the train split's gold calls that string a pronoun, else
   nominal, so every mention can be scored on the core task, named mentions, as the gold is)
   and Events (the trigger tag carries the ACE type, or ``EVENT``
   for untyped triggers). With the ``document`` features,
   a first pass finds the names of the document and a second tags the sentences where a name
   found elsewhere in the document occurs.

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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from dateline.baselines.base import predictions, require_trained
from dateline.baselines.crf_data import (
    UNTYPED,
    doc_tags,
    entity_f1,
    span_f1,
    training_sequences,
)
from dateline.baselines.crf_features import (
    DEFAULT_GROUPS,
    check_groups,
    normalised_words,
    token_features,
)
from dateline.baselines.crf_lexicons import preload
from dateline.baselines.crf_tagging import (
    CHUNK_TOKENS,
    MODELS,
    PROPAGATED,
    BilouReader,
    Tagged,
    capitalised,
    chunks,
    pronoun_table,
    propagate,
    tag_sentences,
    to_bilou,
)
from dateline.baselines.lexicon import heads_of, label_table, match_tags
from dateline.baselines.text import Tokens, snap, tokenize
from dateline.schemas import DatelineError, Document, Event, Mention, Span

__all__ = ["MODELS", "CRFTagger"]

SETTINGS_FILE = "crf.json"
LEXICON_FILE = "lexicon.json"
_FOLDS = 5
PARTIAL = ("all", "mentions", "none")
NAMED = ("off", "add", "decide", "decide-label")
# Settings added in 0.5, with the value that reads a model saved before them.
LATER: dict[str, Any] = {"named": "off", "propagate": False, "capitalised": False,
                         "guessed": False, "scheme": "bio"}
SCHEMES = ("bio", "bilou")

class CRFTagger:
    """CRF entity and trigger tagger (see the module docstring).

    Settings: ``c1`` (L1 penalty), ``c2_grid`` (L2 penalties tried on validation),
    ``max_iterations`` (L-BFGS), ``events`` (also tag event triggers), ``features`` (the
    feature groups of :mod:`.crf_features`), ``kinds`` (also predict mention kinds),
    ``partial`` (what an entity layer of ``partial`` coverage trains: ``all`` its annotated
    regions, ``mentions`` only its sentences holding one of its mentions, ``none`` nothing),
    ``named`` (the two name models: ``off``; ``add``, their spans are named mentions beside
    the entity models' own; ``decide``, as ``add``, and an entity model's span is named only
    where a name model tagged it too, else nominal; ``decide-label``, and a name takes the
    name model's label; without kind models, a span no name model tagged is a pronoun when
    the train split's gold calls its string one, else nominal:
    :func:`.crf_tagging.pronoun_table`), ``propagate`` (a document's names are named
    mentions where they recur untagged: :func:`.crf_tagging.propagate`), ``capitalised``
    (without kind models, a span no name model tagged is named when its words are
    capitalised: :func:`.crf_tagging.capitalised`), ``guessed`` (entity layers without
    kinds train the name models too, their capitalised mentions taken as names), ``scheme``
    (the name models' tags: ``bio``, or ``bilou``, :func:`.crf_tagging.to_bilou`).

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
    version = "0.5.0"
    layers = ("entities", "events")

    def __init__(self, *, c1: float = 0.1, c2_grid: Sequence[float] = (0.1,),
                 max_iterations: int = 100, events: bool = True,
                 features: Sequence[str] = DEFAULT_GROUPS, kinds: bool = False,
                 partial: str = "mentions", named: str = "decide",
                 propagate: bool = False, capitalised: bool = False,
                 guessed: bool = False, scheme: str = "bio") -> None:
        self.c1 = c1
        self.c2_grid = tuple(c2_grid)
        self.max_iterations = max_iterations
        self.events = events
        self.features = check_groups(features)
        self.kinds = kinds
        for key, value, allowed in (("partial", partial, PARTIAL), ("named", named, NAMED),
                                    ("scheme", scheme, SCHEMES)):
            if value not in allowed:
                raise DatelineError("bad-setting", f"extractor 'crf': unknown {key} {value!r}",
                                    fix=f"use one of {', '.join(allowed)}", exit_code=2)
        self.partial, self.named, self.scheme = partial, named, scheme
        self.propagate = propagate
        self.capitalised = capitalised
        self.guessed = guessed
        self._taggers: dict[str, Any] = {}
        self._labels: dict[str, tuple[str, ...]] = {}
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._files: dict[str, Path] = {}
        self._lexicon: dict[str, str] = {}
        self._heads: dict[str, int] = {}
        self._pronouns: frozenset[str] = frozenset()
        self._use: tuple[str, ...] = ("entities-outer", "entities-inner")

    @property
    def trained(self) -> bool:
        """True once a model is trained or loaded."""
        return bool(self._taggers)

    # -- data ------------------------------------------------------------------------------

    def _sequences(self, docs: Sequence[Document], layer: str,
                   tables: Sequence[dict[str, str]] | dict[str, str], policy: str = "outer",
                   ) -> Iterator[tuple[list[list[str]], list[str]]]:
        """(features, tags) per annotated sentence of ``layer`` in ``docs``
        (:func:`.crf_data.training_sequences`)."""
        return training_sequences(docs, layer, tables, policy, features=self.features,
                                  partial=self.partial, guessed=self.guessed)

    def _doc_tags(self, toks: Tokens, spans: Iterable[tuple[int, int, str]]) -> list[str] | None:
        """The document-consistency tags of ``toks`` from named ``spans`` (None when the
        ``document`` features are off)."""
        return doc_tags(toks, spans, self.features)

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
        self._pronouns = pronoun_table(docs)
        for model, layer, policy in MODELS:
            if (layer == "events" and not self.events) or (
                    layer == "kinds" and not self.kinds) or (
                    layer == "named" and self.named == "off"):
                continue
            train = list(self._sequences(docs, layer, per_doc, policy))
            if not train:
                continue
            valid = list(self._sequences(validation_docs, layer, self._lexicon, policy))
            best: tuple[float, float, Path] | None = None
            # A kind model takes the c2 chosen for the entity model of its policy.
            grid = self.c2_grid if layer != "kinds" else (
                report.get(f"entities-{policy}", {}).get("c2", self.c2_grid[-1]),)
            for c2 in grid:
                trainer = pycrfsuite.Trainer(verbose=False)
                bilou = layer == "named" and self.scheme == "bilou"
                for xs, ys in train:
                    trainer.append(xs, to_bilou(ys) if bilou else ys)
                trainer.set_params({"c1": self.c1, "c2": c2,
                                    "max_iterations": self.max_iterations,
                                    "feature.possible_transitions": True})
                path = Path(self._dir.name) / f"{model}-c2-{c2}.crfsuite"
                trainer.train(str(path))
                tagger = pycrfsuite.Tagger()
                tagger.open(str(path))
                f1 = span_f1(BilouReader(tagger) if bilou else tagger, valid) if valid else 0.0
                if best is None or f1 > best[0]:
                    best = (f1, c2, path)
            assert best is not None
            tagger = pycrfsuite.Tagger()
            tagger.open(str(best[2]))
            self._taggers[model] = BilouReader(tagger) if (
                layer == "named" and self.scheme == "bilou") else tagger
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
            scored.append((entity_f1(validation_docs, self.extract), choice))
        if scored:
            f1, self._use = max(scored, key=lambda x: x[0])
            report["entities"] = {"models": list(self._use), "validation_f1": round(f1, 4),
                                  "choices": {"+".join(c): round(v, 4) for v, c in scored}}
        return report

    def save(self, directory: Path) -> None:
        """Write each model in CRFsuite's binary format, plus the settings as JSON."""
        require_trained(self)
        directory.mkdir(parents=True, exist_ok=True)
        for model, path in self._files.items():
            (directory / f"{model}.crfsuite").write_bytes(path.read_bytes())
        settings = {"extractor": self.name, "version": self.version, "c1": self.c1,
                    "models": sorted(self._files), "entity_models": list(self._use),
                    "features": list(self.features), "kinds": self.kinds,
                    "partial": self.partial, **{k: getattr(self, k) for k in LATER},
                    "labels": {k: list(v) for k, v in self._labels.items()},
                    "pronouns": sorted(self._pronouns)}
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
            self.features = check_groups(settings["features"])
            self.kinds = bool(settings["kinds"])
            self.partial = str(settings["partial"])
            for key, default in LATER.items():  # a 0.4 model has none of them
                setattr(self, key, type(default)(settings.get(key, default)))
            if self.scheme == "bilou":
                for model in [m for m in self._taggers if m.startswith("named-")]:
                    self._taggers[model] = BilouReader(self._taggers[model])
            self._pronouns = frozenset(settings.get("pronouns", ()))
            preload(self.features)  # the external lexicons load with the model
        except (OSError, ValueError, KeyError) as exc:
            raise DatelineError("model-unreadable", f"cannot read the CRF model in "
                                f"{directory}: {exc}",
                                fix="retrain with `dateline train crf --force`") from exc

    # -- prediction ------------------------------------------------------------------------

    def extract(self, doc: Document) -> Document:
        """Step 5: tag ``doc``'s sentences and read the spans back."""
        return self.extract_batch([doc])[0]

    def extract_batch(self, docs: Sequence[Document]) -> list[Document]:
        """Step 5 for several documents at once: each model tags the sentences of all of them
        in turn (:mod:`.crf_tagging`), in chunks of at most ``CHUNK_TOKENS`` tokens."""
        require_trained(self)
        toks = [tokenize(doc.text) for doc in docs]
        words = [normalised_words(t) for t in toks]
        lex = [match_tags(w, self._lexicon, self._heads) for w in words]
        where = [(k, a, b) for k, t in enumerate(toks) for a, b in t.sentences]
        # Without the ``document`` features, nothing reads the kind of a span that an earlier
        # entity model already tagged (_read keeps the first); with them, the first pass's
        # kinds of every span choose the document's names.
        tagged = self._tag_where(toks, lex, None, where, every="document" in self.features)
        if "document" in self.features:
            self._second_pass(toks, lex, where, tagged)
        per_doc: list[list[Tagged]] = [[] for _ in docs]
        for (k, _, _), sent in zip(where, tagged, strict=True):
            per_doc[k] += sent
        if self.propagate:
            for k, spans in enumerate(per_doc):
                spans += propagate(words[k], spans, names_only=self.named.startswith("decide"))
        return [self._read(doc, t, spans) for doc, t, spans in zip(docs, toks, per_doc,
                                                                    strict=True)]

    def _tag_where(self, toks: Sequence[Tokens], lex: Sequence[Sequence[str]],
                   dc: Sequence[Sequence[str] | None] | None,
                   where: Sequence[tuple[int, int, int]], *, events: bool = True,
                   every: bool = False) -> list[list[Tagged]]:
        """What the models tag in the sentences ``where`` (document, first, last token), a
        chunk at a time: the features of a chunk are all that is held at once."""
        import pycrfsuite

        out: list[list[Tagged]] = []
        for chunk in chunks(where, CHUNK_TOKENS):
            feats = [pycrfsuite.ItemSequence(token_features(
                toks[k], a, b, lex[k], None if dc is None else dc[k], self.features))
                for k, a, b in chunk]
            out += tag_sentences(self._taggers, self._use, feats, [a for _, a, _ in chunk],
                                 events=events, every=every)
        return out

    def _second_pass(self, toks: Sequence[Tokens], lex: Sequence[Sequence[str]],
                     where: Sequence[tuple[int, int, int]],
                     tagged: list[list[Tagged]]) -> None:
        """The ``document`` features' second pass, only over the sentences where a name found
        elsewhere in their document occurs; the trigger model never saw document features
        (training gives them no names), so its first-pass triggers stand."""
        names: list[list[tuple[int, int, str]]] = [[] for _ in toks]
        for (k, _, _), sent in zip(where, tagged, strict=True):
            names[k] += [(f, last, t) for m, f, last, t, kind in sent
                         if m != "events" and kind == "named"]
        dc = [self._doc_tags(t, spans) for t, spans in zip(toks, names, strict=True)]
        again = [j for j, (k, a, b) in enumerate(where)
                 if any(t != "O" for t in (dc[k] or ())[a:b])]
        second = self._tag_where(toks, lex, dc, [where[j] for j in again], events=False)
        for j, sent in zip(again, second, strict=True):
            tagged[j] = [*sent, *(t for t in tagged[j] if t[0] == "events")]

    def _read(self, doc: Document, toks: Tokens, tagged: Sequence[Tagged]) -> Document:
        """Tagged token ranges as Mentions and Events."""
        text = doc.text
        found: dict[str, list[tuple[int, int, str, str | None]]] = {"entities": [],
                                                                     "events": []}
        seen: set[tuple[int, int]] = set()
        names: dict[tuple[int, int], str] = {}
        starts = {a for a, _ in toks.sentences} if self.capitalised else set()
        for model, first, last, tag, _ in tagged:
            if model.startswith("named-") and (
                    span := snap(text, toks.starts[first], toks.ends[last - 1])) is not None:
                names.setdefault(span, tag)
        for model, first, last, tag, kind in tagged:
            layer = "events" if model == "events" else "entities"
            span = snap(text, toks.starts[first], toks.ends[last - 1])
            if span is None:
                continue
            if layer == "entities":
                # A span a name model tagged is named; with ``decide`` only such spans are.
                if span in names:
                    kind = "named"
                    if self.named == "decide-label":
                        tag = names[span]
                elif kind == "named" and self.named.startswith("decide") and (
                        model != PROPAGATED):
                    kind = "nominal"
                elif kind is None and self.named != "off":
                    # No kind models: the name models' spans are the names, the rest are
                    # pronouns when the train split's gold calls that string a pronoun.
                    kind = ("pronoun" if text[span[0]:span[1]].lower() in self._pronouns
                            else "named" if self.capitalised and capitalised(
                                toks.words[first:last], first in starts) else "nominal")
                # The two entity models often agree: keep one mention per span.
                if span in seen:
                    continue
                seen.add(span)
            found[layer].append((span[0], span[1], tag, kind))
        entities = events = None
        if "entities" in self._labels:
            entities = ([Mention(id=f"m{i + 1}", start=s, end=e, text=text[s:e], label=t,
                                 kind=kind)
                         for i, (s, e, t, kind) in enumerate(sorted(
                             found["entities"], key=lambda x: (x[0], x[1], x[2])))],
                        self._labels["entities"])
        if "events" in self._taggers:
            events = ([Event(id=f"ev{i + 1}", trigger=Span(start=s, end=e, text=text[s:e]),
                             type=None if t == UNTYPED else t)
                       for i, (s, e, t, _) in enumerate(found["events"])],
                      tuple(t for t in self._labels["events"] if t != UNTYPED))
        return predictions(doc, self, entities=entities, events=events)
