"""``events-rules``: event triggers from a lexicon, arguments by nearest-mention heuristics.

The pipeline, step by step:

1. Tokenize (:mod:`.text`) and find candidate mentions (:mod:`.mentions`).
2. Look every token n-gram (n ≤ 3, longest first) up in the trigger lexicon: the part learned
   from the train split (trigger forms that are annotated as triggers in at least
   ``min_ratio`` of their occurrences, with their most frequent type) overrides the ACE-style
   keyword lists kept as data in ``event_keywords.json``. ``min_ratio`` and whether to use the
   keyword lists at all are chosen on the validation split, never on test.
3. Keep only the event types the gold covers: the ``types`` setting, and in a benchmark the
   event labels of the gold layers scored (:mod:`.gold_coverage`; told through :meth:`cover`).
   Against typed gold an untyped or uncovered trigger is dropped; against untyped gold every
   trigger is kept, untyped, without arguments.
4. Give a typed trigger its arguments without syntax: for each role that ``schemas/labels.json``
   allows for its type, the nearest unused mention of a fitting label in the same sentence
   (agent-like roles look left of the trigger first, the others right). No arguments when the
   ``arguments`` setting is off or no scored gold layer annotates them.
5. Write the events layer (silver) and the argument mentions in the entities layer.

>>> from dateline.schemas import Document, check_document
>>> out = EventRules().extract(Document(id="d", text="Ann Lee was arrested in Homs on Monday."))
>>> e = out.events[0]
>>> e.trigger.text, e.type, [(a.role, out.mention(a.mention).text) for a in e.arguments]
('arrested', 'Justice.Arrest-Jail', [('Person', 'Ann Lee'), ('Time', 'Monday'), ('Place', 'Homs')])
>>> check_document(out)
[]
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from dateline.baselines.base import predictions
from dateline.baselines.gold_coverage import Coverage
from dateline.baselines.mentions import Candidate, find_mentions
from dateline.baselines.text import Tokens, snap, tokenize
from dateline.schemas import Argument, DatelineError, Document, Event, Mention, Span, inventory

__all__ = ["EventRules", "event_keywords", "trigger_f1"]

_MAX_N = 3
MODEL_FILE = "events-rules.json"


@cache
def event_keywords() -> dict[str, Any]:
    """``event_keywords.json``: ``triggers`` (form → type), ``role_labels``, ``subject_roles``.

    >>> event_keywords()["triggers"]["attacked"]
    'Conflict.Attack'
    """
    raw = json.loads(resources.files("dateline.baselines").joinpath("event_keywords.json")
                     .read_text("utf-8"))
    forms = {form: etype for etype, words in raw["triggers"].items() for form in words}
    return {"triggers": forms, "role_labels": raw["role_labels"],
            "subject_roles": frozenset(raw["subject_roles"])}


def _in_regions(doc: Document, start: int, end: int) -> bool:
    regions = doc.layers.events.regions
    return regions is None or any(r.start <= start and end <= r.end for r in regions)


def _annotated(doc: Document) -> bool:
    return doc.layers.events.status in ("gold", "draft")


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def trigger_f1(gold: Iterable[Document], predicted: Iterable[Document]) -> float:
    """Exact-span trigger identification F1 inside the gold layer's regions (for tuning only;
    the scorers of ``dateline.evaluation`` make the reported numbers).

    >>> d = Document(id="d", text="x")
    >>> trigger_f1([d], [d])
    0.0
    """
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=True):
        if not _annotated(g):
            continue
        gs = {(e.trigger.start, e.trigger.end) for e in g.events}
        ps = {(e.trigger.start, e.trigger.end) for e in p.events
              if _in_regions(g, e.trigger.start, e.trigger.end)}
        tp += len(gs & ps)
        fp += len(ps - gs)
        fn += len(gs - ps)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


class EventRules:
    """Rule-based event extractor; ``train`` learns its lexicon, ``extract`` works untrained.

    Settings: ``keywords`` (use the ACE keyword lists), ``min_ratio`` and ``min_count`` (how
    reliably and how often a form must be a trigger in train to be learned), ``arguments``
    (attach arguments to the triggers), ``types`` (predict only these event types; default:
    every type of the lexicon, narrowed in a benchmark to what the gold covers).

    >>> rules = EventRules(types=["Life.Die"])
    >>> [e.type for e in rules.extract(Document(id="d", text="He died after the attack.")).events]
    ['Life.Die']
    """

    name = "events-rules"
    version = "0.1.0"
    layers = ("events",)

    def __init__(self, *, keywords: bool = True, min_ratio: float = 0.5, min_count: int = 2,
                 arguments: bool = True, types: list[str] | None = None) -> None:
        unknown = sorted(set(types or ()) - set(inventory().event_types))
        if unknown:
            raise DatelineError("bad-setting", f"extractor 'events-rules': setting types names "
                                f"{', '.join(unknown)}, not an event type of schemas/labels.json",
                                fix="give ACE Type.Subtype names, e.g. --set "
                                    "'types=[\"Conflict.Attack\"]'", exit_code=2)
        self.types = types
        self.coverage = Coverage()  # what the gold covers (see cover); default: anything
        self.keywords = keywords
        self.min_ratio = min_ratio
        self.min_count = min_count
        self.arguments = arguments
        # Learned from train: form -> (times annotated as a trigger, occurrences, type or None).
        self.learned: dict[str, tuple[int, int, str | None]] = {}
        self._trained = False
        self._table: dict[str, str | None] | None = None
        self._first_words: tuple[dict[str, str | None], dict[str, int]] | None = None

    def cover(self, coverage: dict[str, Coverage]) -> None:
        """Predict only what the gold covers (called by the benchmark before training).

        >>> rules = EventRules()
        >>> rules.cover({"events": Coverage(frozenset(), frozenset({"type", "arguments"}))})
        >>> out = rules.extract(Document(id="d", text="Ann died."))
        >>> [(e.type, e.arguments) for e in out.events]
        [(None, ())]
        """
        self.coverage = coverage.get("events", Coverage())

    @property
    def trained(self) -> bool:
        """True once a learned lexicon is trained or loaded."""
        return self._trained

    # -- training -------------------------------------------------------------------------

    def train(self, train_docs: Sequence[Document],
              validation_docs: Sequence[Document]) -> dict[str, Any]:
        """Learn trigger forms from ``train_docs``; pick ``min_ratio``/``keywords`` on validation.

        >>> from dateline.schemas import LayerInfo, Layers
        >>> gold = Document(id="g", text="The talks ended. More talks.", events=(
        ...     Event(id="e1", trigger=Span(start=4, end=9, text="talks")),
        ...     Event(id="e2", trigger=Span(start=22, end=27, text="talks"))),
        ...     layers=Layers(events=LayerInfo(status="gold")))
        >>> report = EventRules().train([gold], [gold])
        >>> report["learned_forms"], report["validation_f1"]
        (1, 1.0)
        """
        triggers: Counter[str] = Counter()
        types: dict[str, Counter[str]] = defaultdict(Counter)
        for doc in train_docs:
            if not _annotated(doc):
                continue
            for e in doc.events:
                key = _key(e.trigger.text)
                if 0 < len(key.split()) <= _MAX_N:
                    triggers[key] += 1
                    if e.type is not None:
                        types[key][e.type] += 1
        # How often each trigger form occurs at all, inside the annotated regions.
        occurrences: Counter[str] = Counter()
        for doc in train_docs:
            if not _annotated(doc):
                continue
            toks = tokenize(doc.text)
            lower = [w.lower() for w in toks.words]
            for i in range(len(lower)):
                for n in range(1, _MAX_N + 1):
                    key = " ".join(lower[i:i + n])
                    if key in triggers and i + n <= len(lower) and _in_regions(
                            doc, toks.starts[i], toks.ends[i + n - 1]):
                        occurrences[key] += 1
        self.learned = {
            key: (count, max(occurrences[key], count),
                  types[key].most_common(1)[0][0] if types[key] else None)
            for key, count in sorted(triggers.items())
        }
        self._trained = True
        # Tune on validation only: the ratio threshold and the use of the keyword lists.
        # The model does not depend on the benchmark's coverage: tune without it.
        best: tuple[float, float, bool] | None = None
        gold = [d for d in validation_docs if _annotated(d)]
        coverage, self.coverage = self.coverage, Coverage()
        for keywords in (False, True):
            for ratio in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                self.keywords, self.min_ratio, self._table = keywords, ratio, None
                f1 = trigger_f1(gold, [self.extract(d) for d in gold])
                if best is None or f1 > best[0]:
                    best = (f1, ratio, keywords)
        assert best is not None
        self.coverage = coverage
        self.keywords, self.min_ratio, self._table = best[2], best[1], None
        return {"learned_forms": sum(1 for _ in self._lexicon_learned()),
                "min_ratio": best[1], "keywords": best[2], "validation_f1": round(best[0], 4)}

    def _lexicon_learned(self) -> Iterable[tuple[str, str | None]]:
        for key, (count, occ, etype) in self.learned.items():
            if count >= self.min_count and count / occ >= self.min_ratio:
                yield key, etype

    def _lexicon(self) -> dict[str, str | None]:
        if self._table is None:
            table: dict[str, str | None] = {}
            if self.keywords:
                table.update(event_keywords()["triggers"])
            for key, etype in self._lexicon_learned():
                table[key] = etype if etype is not None else table.get(key)
            self._table = table
        return self._table

    def _heads(self) -> dict[str, int]:
        """First word of each lexicon entry -> the most words an entry starting with it has."""
        if self._first_words is None or self._first_words[0] is not self._lexicon():
            heads: dict[str, int] = {}
            for key in self._lexicon():
                words = key.split(" ")
                heads[words[0]] = max(heads.get(words[0], 0), len(words))
            self._first_words = (self._lexicon(), heads)
        return self._first_words[1]

    def save(self, directory: Path) -> None:
        """Write the learned lexicon and the chosen settings as JSON."""
        directory.mkdir(parents=True, exist_ok=True)
        data = {"extractor": self.name, "version": self.version, "keywords": self.keywords,
                "min_ratio": self.min_ratio, "min_count": self.min_count,
                "learned": {k: list(v) for k, v in self.learned.items()}}
        (directory / MODEL_FILE).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n",
                                            encoding="utf-8")

    def load(self, directory: Path) -> None:
        """Read what :meth:`save` wrote."""
        path = directory / MODEL_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DatelineError("model-unreadable", f"cannot read {path}: {exc}",
                                fix="retrain with `dateline train events-rules`") from exc
        self.keywords, self.min_ratio = data["keywords"], data["min_ratio"]
        self.min_count = data["min_count"]
        self.learned = {k: (v[0], v[1], v[2]) for k, v in data["learned"].items()}
        self._trained, self._table = True, None

    # -- extraction -----------------------------------------------------------------------

    def extract(self, doc: Document) -> Document:
        """Find the events of ``doc``."""
        text = doc.text
        toks = tokenize(text)
        lower = [w.lower() for w in toks.words]
        table = self._lexicon()
        untyped = self.coverage.labels is not None and not self.coverage.labels
        with_args = (self.arguments and not untyped
                     and "arguments" not in self.coverage.missing)
        cands = find_mentions(toks) if with_args else []
        mentions: dict[tuple[int, int], Mention] = {}
        events: list[Event] = []
        c = 0
        heads = self._heads()
        next_cand = 0
        for a, b in toks.sentences:
            # Candidates are in token order: walk them alongside the sentences.
            while next_cand < len(cands) and cands[next_cand].first < a:
                next_cand += 1
            in_sentence = []
            k = next_cand
            while k < len(cands) and cands[k].first < b:
                if cands[k].last <= b:
                    in_sentence.append(cands[k])
                k += 1
            i = a
            while i < b:
                # Step 2: the longest lexicon entry starting here.
                hit = None
                longest = heads.get(lower[i], 0)
                for n in range(min(longest, b - i), 0, -1):
                    key = lower[i] if n == 1 else " ".join(lower[i:i + n])
                    if key in table:
                        hit = (n, table[key])
                        break
                if hit is None:
                    i += 1
                    continue
                n, etype = hit
                span = snap(text, toks.starts[i], toks.ends[i + n - 1])
                if not self._covers(etype):
                    span = None
                elif untyped:
                    etype = None
                if span is not None:
                    c += 1
                    args = self._arguments(toks, etype, i, i + n, in_sentence, mentions)
                    events.append(Event(id=f"ev{c}", type=etype, arguments=tuple(args),
                                        trigger=Span(start=span[0], end=span[1],
                                                     text=text[span[0]:span[1]])))
                i += n
        ents = sorted(mentions.values(), key=lambda m: (m.start, m.end))
        labels = [] if untyped else sorted(
            {t for t in self._lexicon().values() if t is not None and self._covers(t)})
        if ents:
            return predictions(doc, self, events=(events, labels),
                               entities=(ents, sorted({m.label for m in ents})))
        return predictions(doc, self, events=(events, labels))

    def _covers(self, etype: str | None) -> bool:
        """Whether a trigger of ``etype`` is predicted: a type of the ``types`` setting (when
        set) that the gold covers (an untyped trigger only when the gold is untyped)."""
        if self.types is not None and etype not in self.types:
            return False
        return self.coverage.allows(etype) or not self.coverage.labels

    def _arguments(self, toks: Tokens, etype: str | None, first: int, last: int,
                   cands: list[Candidate], mentions: dict[tuple[int, int], Mention],
                   ) -> list[Argument]:
        """Step 3: the nearest fitting mention for each role of the event type."""
        if etype is None or not cands:
            return []
        kw = event_keywords()
        used: set[tuple[int, int]] = set()
        out: list[Argument] = []
        for role in inventory().event_roles.get(etype, ()):
            allowed = kw["role_labels"].get(role, ())
            fits = [x for x in cands if x.label in allowed and (x.first, x.last) not in used
                    and (x.last <= first or x.first >= last)]
            if not fits:
                continue
            left = [x for x in fits if x.last <= first]
            right = [x for x in fits if x.first >= last]
            near_left = max(left, key=lambda x: x.last) if left else None
            near_right = min(right, key=lambda x: x.first) if right else None
            if role in kw["subject_roles"]:
                pick = near_left or near_right
            elif role in ("Place", "Time", "Destination", "Origin"):
                pick = min(fits, key=lambda x: min(abs(x.first - last), abs(first - x.last)))
            else:
                pick = near_right or near_left
            if pick is None:
                continue
            used.add((pick.first, pick.last))
            mention = self._mention(toks, pick, mentions)
            if mention is not None:
                out.append(Argument(role=role, mention=mention.id))
        return out

    @staticmethod
    def _mention(toks: Tokens, c: Candidate,
                 mentions: dict[tuple[int, int], Mention]) -> Mention | None:
        key = (c.first, c.last)
        if key not in mentions:
            span = snap(toks.text, toks.starts[c.first], toks.ends[c.last - 1])
            if span is None:
                return None
            mentions[key] = Mention(id=f"m{len(mentions) + 1}", start=span[0], end=span[1],
                                    text=toks.text[span[0]:span[1]], label=c.label,
                                    kind=c.kind)
        return mentions[key]
