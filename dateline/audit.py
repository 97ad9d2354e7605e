"""Coverage audit: measurable signals of annotation a layer is missing, per source and layer.

A layer whose ``coverage`` is ``exhaustive`` says that everything of its labels inside its
regions is annotated, so a scorer may count every unmatched prediction there as wrong. The
audit looks for things that are very likely annotatable but lie in no item of the layer, inside
the layer's regions, and reports for each source and layer (separately for the documents that
claim ``exhaustive`` and those that claim ``partial``) how many candidates it found and how
many no item covers (``missed``; ``rate`` = missed / candidates):

- **entities**: capitalised word sequences. A word is capitalised when it starts with an
  upper-case letter and is made of letters, digits and ``. ' ’ & -`` (``U.S.``, ``O'Brien``;
  not ``US$``). A sequence is a maximal run of capitalised words in one sentence; the words
  that start a sentence or follow a quotation mark (capitalised by position, not as names),
  month and day names (time expressions, not names) and ``I`` break runs and are never
  counted. Missed: no mention overlaps the sequence. It undercounts (a partly annotated name
  counts as covered) and overcounts: it is blind to labels (a product in a PERSON/
  ORGANIZATION/LOCATION layer counts as missed) and takes demonyms (*Chinese*) and words in
  capitals for emphasis for names. Reported too, not
  gated: third-person pronouns (:data:`PRONOUNS`) in no mention, over the whole layer and in
  the sentences whose every capitalised sequence is covered (``sentences`` in the details):
  a sentence can only count as exhaustively annotated if its pronouns are annotated as well.
- **events**: occurrences of the single-word ACE 2005 trigger keywords of
  ``baselines/event_keywords.json`` (the ``events-rules`` baseline's lists: *elected*, *met*,
  *attack*, *born*, ...) that no trigger overlaps; capitalised month and day names (*March*)
  are skipped. Keywords are polysemous (*former*, *called*), so the signal has a noise floor
  even on an exhaustive layer; a layer above the threshold needs a hand-checked exemption.
- **quotes**: closed quotation-mark pairs (:func:`dateline.baselines.quotes.direct_quote_spans`)
  whose content looks like speech (at least :data:`QUOTE_MIN_WORDS` words, or ending with
  ``.``, ``!`` or ``?``: scare quotes and titles are short and unpunctuated) with a speech-verb
  form (``baselines/speech_verbs.json``) among the :data:`QUOTE_WINDOW` tokens before the
  opening or after the closing mark, on the same line. Missed: no content span of a quote
  overlaps the pair. Indirect speech has no surface signal and is not audited.

Tokens and sentences come from spaCy's rule-based tokenizer and sentencizer
(:func:`dateline.baselines.text.tokenize`, no model download), not from a regex: the entity
signal needs sentence starts, and this tokenizer also cuts sentences at line breaks (headlines,
MEANTIME's one sentence per line) and is what the baselines see.

The build refuses (``coverage-audit-failed``) to publish a layer as ``exhaustive`` when the
rate of its exhaustive documents is above :data:`THRESHOLD`, unless the source names the
reason (``SourceInfo.audit_exemptions``).

>>> from dateline.schemas import Mention
>>> doc = Document(id="d", text="Yesterday Ann Lee met Bo Chan in Rome.", entities=(
...     Mention(id="m1", start=10, end=17, text="Ann Lee", label="PERSON"),),
...     layers={"entities": {"status": "gold"}})
>>> [doc.text[a:b] for a, b, _ in capitalised_sequences(doc.text)]
['Ann Lee', 'Bo Chan', 'Rome']
>>> signals(doc)["entities"]["sequences"].missed
2
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from dateline.baselines.text import Tokens, tokenize
from dateline.schemas import DatelineError, Document, LayerInfo
from dateline.schemas.model import LAYERS

__all__ = [
    "PRONOUNS",
    "QUOTE_MIN_WORDS",
    "QUOTE_WINDOW",
    "SIGNALS",
    "THRESHOLD",
    "Tally",
    "audit",
    "capitalised_sequences",
    "check_audit",
    "event_keywords",
    "quote_candidates",
    "signals",
]

# The rule: three times the rate of the one layer known to be exhaustive, GUM's entities
# (13 missed of 2,256 capitalised sequences in corpus 0.1.0, 0.58%, all 13 non-names: the
# signal's noise floor), rounded up to a whole percent: 3 x 0.58% = 1.7% -> 2%. That leaves
# room for sampling noise (the 95% upper bound of GUM's rate is about 1.0%) while MEANTIME's
# 45% is 20 times over. GUM annotates no layer exhaustively for the quote and event signals,
# so the same threshold applies to them; their noise floors are higher (scare quotes beside
# a speech verb, polysemous keywords), and an exhaustive layer above it needs a reason.
THRESHOLD = 0.02

SIGNALS = {
    "entities": "capitalised mid-sentence word sequences in no mention",
    "events": "ACE trigger keywords that are no trigger",
    "quotes": "speech-like quotation-mark pairs next to a speech verb in no quote",
}
"""The main signal of each layer (the one the threshold applies to)."""

PRONOUNS = frozenset({"he", "him", "his", "she", "her", "it", "its", "they", "them", "their"})
QUOTE_WINDOW = 8
QUOTE_MIN_WORDS = 6

_MONTHS_AND_DAYS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_NOT_NAMES = _MONTHS_AND_DAYS | {"i"}
_QUOTE_CHARS = frozenset("\"'`“”‘’«»„‚‹›")
_WORD = re.compile(r"[^\W\d_][\w.'’&-]*")
_MAIN = {"entities": "sequences", "events": "keywords", "quotes": "quotations"}


@dataclass
class Tally:
    """Candidates and how many of them no item covers; ``examples``: the missed texts.

    >>> t = Tally(); t.add(True, "Rome"); t.add(False, "Ann"); t.rate, t.to_dict()["missed"]
    (0.5, 1)
    """

    candidates: int = 0
    missed: int = 0
    examples: Counter[str] = field(default_factory=Counter)

    def add(self, missed: bool, text: str = "") -> None:
        """Count one candidate, missed or not."""
        self.candidates += 1
        if missed:
            self.missed += 1
            self.examples[text] += 1

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts to these.

        >>> t = Tally(1, 1); t.merge(Tally(3, 0)); (t.candidates, t.missed)
        (4, 1)
        """
        self.candidates += other.candidates
        self.missed += other.missed
        self.examples.update(other.examples)

    @property
    def rate(self) -> float | None:
        """missed / candidates, or None without candidates."""
        return self.missed / self.candidates if self.candidates else None

    def to_dict(self) -> dict[str, Any]:
        """Counts and rate (rounded to 4 places), without the examples."""
        rate = self.rate
        return {"candidates": self.candidates, "missed": self.missed,
                "rate": None if rate is None else round(rate, 4)}


# --------------------------------------------------------------------------- the signals


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and _WORD.fullmatch(word) is not None


def _starts_sentence(toks: Tokens, i: int, first: int) -> bool:
    return i == first or (i > 0 and set(toks.words[i - 1]) <= _QUOTE_CHARS)


def capitalised_sequences(text: str, toks: Tokens | None = None) -> list[tuple[int, int, int]]:
    """(start, end, sentence index) of the capitalised word sequences of ``text``.

    >>> t = 'On Monday Jo Ray said: "We like Paris." I agree with Dr. Ray.'
    >>> [t[a:b] for a, b, _ in capitalised_sequences(t)]
    ['Jo Ray', 'Paris', 'Dr. Ray']
    """
    toks = toks or tokenize(text)
    words = toks.words
    out = []
    for k, (a, b) in enumerate(toks.sentences):
        first = a
        while first < b and not any(c.isalnum() for c in words[first]):
            first += 1
        i = a
        while i < b:
            if (_starts_sentence(toks, i, first) or not _capitalised(words[i])
                    or words[i].lower() in _NOT_NAMES):
                i += 1
                continue
            j = i + 1
            while j < b and _capitalised(words[j]) and words[j].lower() not in _NOT_NAMES:
                j += 1
            out.append((toks.starts[i], toks.ends[j - 1], k))
            i = j
    return out


@cache
def event_keywords() -> frozenset[str]:
    """The single-word ACE trigger keywords (lower case) of ``baselines/event_keywords.json``.

    >>> {"elected", "meeting", "attack"} <= event_keywords()
    True
    """
    raw = json.loads(resources.files("dateline.baselines").joinpath("event_keywords.json")
                     .read_text("utf-8"))
    return frozenset(w for words in raw["triggers"].values() for w in words if " " not in w)


def quote_candidates(text: str, toks: Tokens | None = None) -> list[tuple[int, int]]:
    """Extents (quotation marks included) of the speech-like quotation-mark pairs of ``text``
    with a speech verb nearby.

    >>> t = 'Bo said "we will win the final on Sunday." Its "logo" was shown.'
    >>> [t[a:b] for a, b in quote_candidates(t)]
    ['"we will win the final on Sunday."']
    """
    from dateline.baselines.attribution import speech_lexicon
    from dateline.baselines.quote_marks import direct_quote_spans

    toks = toks or tokenize(text)
    forms = speech_lexicon()["forms"]
    out = []
    for pieces in direct_quote_spans(text, with_marks=True):
        a, b = pieces[0][0], pieces[-1][1]
        inner = text[a:b].strip("".join(_QUOTE_CHARS) + " \n")
        if len(re.findall(r"\w+", inner)) < QUOTE_MIN_WORDS and not inner.endswith(
                (".", "!", "?")):
            continue
        first, last = bisect_left(toks.starts, a), bisect_left(toks.starts, b)
        near = [*range(max(0, first - QUOTE_WINDOW), first),
                *range(last, min(len(toks), last + QUOTE_WINDOW))]
        if any(toks.words[i].lower() in forms
               and "\n" not in text[min(toks.starts[i], a):max(toks.ends[i], b)]
               for i in near):
            out.append((a, b))
    return out


def _inside(info: LayerInfo, start: int, end: int) -> bool:
    return info.regions is None or any(r.start <= start and end <= r.end for r in info.regions)


def _covered(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _entity_signals(doc: Document, toks: Tokens) -> dict[str, Tally]:
    info, text = doc.layers.entities, doc.text
    spans = [(m.start, m.end) for m in doc.entities]
    seqs, pronouns, clean_pronouns = Tally(), Tally(), Tally()
    per_sentence: dict[int, list[bool]] = {}
    for a, b, k in capitalised_sequences(text, toks):
        if _inside(info, a, b):
            missed = not _covered(spans, a, b)
            seqs.add(missed, text[a:b])
            per_sentence.setdefault(k, []).append(missed)
    clean = {k for k, missed in per_sentence.items() if not any(missed)}
    sentences = Tally()  # candidates: sentences with sequences; missed: those with a miss
    for k in sorted(per_sentence):
        sentences.add(k not in clean)
    for k, (first, last) in enumerate(toks.sentences):
        for i in range(first, last):
            a, b = toks.starts[i], toks.ends[i]
            if toks.words[i].lower() in PRONOUNS and _inside(info, a, b):
                missed = not _covered(spans, a, b)
                pronouns.add(missed, toks.words[i].lower())
                if k in clean:
                    clean_pronouns.add(missed, toks.words[i].lower())
    return {"sequences": seqs, "pronouns": pronouns, "sentences": sentences,
            "pronouns_in_covered_sentences": clean_pronouns}


def _event_signals(doc: Document, toks: Tokens) -> dict[str, Tally]:
    info, keywords = doc.layers.events, event_keywords()
    spans = [(e.trigger.start, e.trigger.end) for e in doc.events]
    out = Tally()
    for w, a, b in zip(toks.words, toks.starts, toks.ends, strict=True):
        low = w.lower()
        month = w[:1].isupper() and low in _MONTHS_AND_DAYS  # "March", no demonstration
        if low in keywords and not month and _inside(info, a, b):
            out.add(not _covered(spans, a, b), low)
    return {"keywords": out}


def _quote_signals(doc: Document, toks: Tokens) -> dict[str, Tally]:
    info = doc.layers.quotes
    spans = [(s.start, s.end) for q in doc.quotes for s in q.content]
    out = Tally()
    for a, b in quote_candidates(doc.text, toks):
        if _inside(info, a, b):
            out.add(not _covered(spans, a, b), doc.text[a:b])
    return {"quotations": out}


def signals(doc: Document) -> dict[str, dict[str, Tally]]:
    """The audit's tallies of one document, for each layer that is not ``absent``.

    >>> signals(Document(id="d", text="No layers here."))
    {}
    """
    present = [layer for layer in LAYERS if getattr(doc.layers, layer).status != "absent"]
    if not present:
        return {}
    toks = tokenize(doc.text)
    fns = {"entities": _entity_signals, "events": _event_signals, "quotes": _quote_signals}
    return {layer: fns[layer](doc, toks) for layer in present}


# --------------------------------------------------------------------------- the audit


def audit(sources: Mapping[str, Sequence[Document]]) -> dict[str, Any]:
    """The audit of each source's documents: ``{source: {layer: {coverage: figures}}}``.

    ``figures``: documents, the main signal's candidates, missed and rate, and ``details``
    (the layer's other tallies: for entities ``pronouns``, ``sentences`` (candidates: the
    sentences with capitalised sequences; missed: those where one is missed) and
    ``pronouns_in_covered_sentences``). Absent layers are left out; :func:`check_audit` adds
    the verdicts.

    >>> from dateline.schemas import Mention
    >>> doc = Document(id="d", text="Then Bo met Al.", entities=(
    ...     Mention(id="m1", start=5, end=7, text="Bo", label="PERSON"),),
    ...     layers={"entities": {"status": "gold", "coverage": "partial"}})
    >>> audit({"demo": [doc]})["demo"]["entities"]["partial"]["missed"]
    1
    """
    out: dict[str, Any] = {}
    for source, docs in sources.items():
        groups: dict[tuple[str, str], dict[str, Tally]] = {}
        counts: Counter[tuple[str, str]] = Counter()
        for doc in docs:
            for layer, tallies in signals(doc).items():
                key = (layer, getattr(doc.layers, layer).coverage)
                counts[key] += 1
                total = groups.setdefault(key, {})
                for name, tally in tallies.items():
                    total.setdefault(name, Tally()).merge(tally)
        for (layer, coverage) in sorted(groups):
            tallies = groups[(layer, coverage)]
            entry = {"documents": counts[(layer, coverage)],
                     **tallies[_MAIN[layer]].to_dict()}
            details = {name: t.to_dict() for name, t in tallies.items() if name != _MAIN[layer]}
            if details:
                entry["details"] = details
            out.setdefault(source, {}).setdefault(layer, {})[coverage] = entry
    return out


def check_audit(report: dict[str, Any], exemptions: Mapping[str, Mapping[str, str]],
                threshold: float = THRESHOLD) -> dict[str, Any]:
    """Add a ``verdict`` to every figure of ``report`` (in place, and return it): ``pass``,
    ``exempt`` (with the ``exemption`` reason) or ``not gated (partial)``; raise
    ``coverage-audit-failed`` for an exhaustive layer above ``threshold`` that
    ``exemptions[source][layer]`` names no reason for.

    >>> report = {"demo": {"entities": {"exhaustive": {"documents": 1, "candidates": 10,
    ...                                                "missed": 5, "rate": 0.5}}}}
    >>> fig = check_audit(report, {"demo": {"entities": "the names are products"}})[
    ...     "demo"]["entities"]["exhaustive"]
    >>> fig["verdict"], fig["exemption"]
    ('exempt', 'the names are products')
    >>> check_audit(report, {})
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [coverage-audit-failed] ...
    """
    for source, layers in report.items():
        for layer, groups in layers.items():
            for coverage, fig in groups.items():
                rate = fig.get("rate")
                fig.pop("exemption", None)
                if coverage != "exhaustive":
                    fig["verdict"] = "not gated (partial)"
                elif rate is None or rate <= threshold:
                    fig["verdict"] = "pass"
                elif exemptions.get(source, {}).get(layer):
                    fig["verdict"], fig["exemption"] = "exempt", exemptions[source][layer]
                else:
                    raise DatelineError(
                        "coverage-audit-failed",
                        f"the {layer} layer claims exhaustive coverage, but {fig['missed']} of "
                        f"{fig['candidates']} {SIGNALS[layer]} ({rate:.1%}) lie in no item "
                        f"of it, above the threshold of {threshold:.0%}",
                        where=f"source {source}, layer {layer} ({fig['documents']} documents)",
                        fix="set the layer's coverage to 'partial' in the importer, annotate "
                            "what is missing, or name the reason in the source's "
                            "SourceInfo.audit_exemptions")
    return report

