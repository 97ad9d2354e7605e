"""Reporting structures and non-person sources of ``quotes-rules``: its five optional rules.

Each rule has a name, and the ``rules`` setting of :class:`~dateline.baselines.quotes.QuoteRules`
lists those it uses (by default :data:`DEFAULT_RULES`: all but ``statement-frame``, which added
no matched quote on the train and validation splits and lowered quote F1 there;
``benchmarks/quote_rules_ablation.py`` measures each rule's effect on those splits):

``relative-clause``
    "X, who …, says …" and "X, a spokesman for Y, said …": the speaker is the mention before a
    comma-delimited clause between it and the verb, not the nearest mention (:func:`parenthetical`).
``statement-frame``
    "In a statement (to Y), X …": the sentence opens with a frame naming a statement, an
    interview, a letter…; its subject is the speaker and the content follows its verb, a
    speech verb or not ("In a statement, Acme called the ruling unfair").
``spokesperson``
    "X's spokesperson told …": the possessor and the representative are one speaker mention.
``organisations``
    An organisation as the source: a name or an organisation noun right before a speech verb
    ("Microsoft says", "the court ruled"), a place name used for its government ("Moscow
    said"), "according to the Interior Ministry"; with such a source the ``source_verbs`` count
    too ("ruled", "recommends").
``documents``
    A document as the source ("the report said", "the letter reads", "recent studies found"),
    an ABSTRACT mention; with such a source the ``source_verbs`` count too.

The word lists are data, in ``reporting.json``.

>>> from dateline.baselines.mentions import find_mentions
>>> from dateline.baselines.text import tokenize
>>> toks = tokenize("Acme's spokesperson told reporters that the plant would close.")
>>> lower = [w.lower() for w in toks.words]
>>> [(toks.words[c.first:c.last], c.label) for c in sources(toks, lower, [], RULES)]
[(['Acme', "'s", 'spokesperson'], 'PERSON')]
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from functools import cache
from importlib import resources
from typing import Any

from dateline.baselines.mentions import Candidate, word_lists
from dateline.baselines.text import Tokens

__all__ = ["DEFAULT_RULES", "RULES", "SOURCE_LABELS", "parenthetical", "reporting_words", "sources",
           "statement_frame"]

RULES = ("relative-clause", "statement-frame", "spokesperson", "organisations", "documents")
# The rules used by default: those that did not lower quote F1 on train + validation.
DEFAULT_RULES = ("relative-clause", "spokesperson", "organisations", "documents")
# Labels of the sources the organisation and document rules make: with them, source verbs count.
SOURCE_LABELS = frozenset({"ORGANIZATION", "ABSTRACT"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_ADJECTIVES = frozenset({"recent", "new", "latest", "final", "annual", "official", "joint",
                         "internal", "separate", "written", "leaked", "federal", "local"})
_IRREGULAR_PAST = frozenset({"said", "told", "wrote", "written"})
_MAX_PARENTHETICAL = 16  # tokens of "X, who …, says" between the two commas


@cache
def reporting_words() -> dict[str, frozenset[str]]:
    """The word lists of ``reporting.json`` as frozensets.

    >>> "spokesperson" in reporting_words()["representatives"]
    True
    """
    raw: dict[str, Any] = json.loads(resources.files("dateline.baselines").joinpath(
        "reporting.json").read_text("utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


def _verb_follows(lower: Sequence[str], k: int, end: int, verbs: Collection[str]) -> bool:
    """Whether a verb of ``verbs`` starts at ``k``, after auxiliaries."""
    aux = reporting_words()["auxiliaries"]
    while k < end and lower[k] in aux:
        k += 1
    return k < end and lower[k] in verbs


def sources(toks: Tokens, lower: Sequence[str], cands: Sequence[Candidate],
            rules: Collection[str], verbs: Collection[str] = ()) -> list[Candidate]:
    """``cands`` with the source mentions the ``spokesperson``, ``organisations`` and
    ``documents`` rules find (in token order; a new source replaces the candidates it
    overlaps). ``verbs``: the speech verbs (the lexicon's forms), which a source must precede.

    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("Microsoft says it is safe. The report states that it is not.")
    >>> lower = [w.lower() for w in toks.words]
    >>> [(toks.words[c.first:c.last], c.label)
    ...  for c in sources(toks, lower, [], RULES, verbs={"says"})]
    [(['Microsoft'], 'ORGANIZATION'), (['The', 'report'], 'ABSTRACT')]
    """
    words = reporting_words()
    wl = word_lists()
    said = frozenset(verbs) | words["source_verbs"]
    finite = _finite(verbs)
    extra: list[Candidate] = []
    relabel: dict[tuple[int, int], Candidate] = {}
    for a, b in toks.sentences:
        k = a
        while k < b:
            found = None
            w = lower[k]
            according = k >= 2 and lower[k - 2] == "according" and lower[k - 1] == "to"
            if "spokesperson" in rules and w in words["representatives"] and k > a and \
                    lower[k - 1] in _POSSESSIVE:
                first = _possessor(toks, lower, a, k - 1)
                if first is not None:
                    found = Candidate(first, k + 1, "PERSON", "nominal")
            elif ("documents" in rules and w in words["document_nouns"]
                  and (_verb_follows(lower, k + 1, b, said) or according)):
                found = Candidate(_modifiers(toks, lower, a, k), k + 1, "ABSTRACT", "nominal")
            elif ("organisations" in rules and w in words["organisation_nouns"]
                  and (_verb_follows(lower, k + 1, b, said) or according)):
                found = Candidate(_modifiers(toks, lower, a, k), k + 1, "ORGANIZATION",
                                  "nominal")
            elif ("organisations" in rules and k == a and _lone_name(toks.words[k])
                  and w not in wl["sentence_starters"]
                  and _verb_follows(lower, k + 1, b, finite)):
                found = Candidate(k, k + 1, "ORGANIZATION", "named")  # "Microsoft says"
            if found is not None:
                extra.append(found)
                k = found.last
            else:
                k += 1
    if "organisations" in rules:
        # A place name as the subject of a speech verb stands for its government.
        for c in cands:
            if c.label == "LOCATION" and _verb_follows(lower, c.last, len(lower), said):
                relabel[(c.first, c.last)] = Candidate(c.first, c.last, "ORGANIZATION",
                                                       c.kind, c.cluster)
    covered = bytearray(len(lower))  # tokens of the new sources
    for c in extra:
        covered[c.first:c.last] = b"\x01" * (c.last - c.first)
    kept = [relabel.get((c.first, c.last), c) for c in cands
            if not any(covered[c.first:c.last])]
    return sorted(kept + extra, key=lambda c: (c.first, c.last))


def _lone_name(word: str) -> bool:
    """A capitalised word that can be a one-word name opening a sentence (not "Probably")."""
    return word[:1].isupper() and word.isalpha() and not word.lower().endswith("ly")


def _finite(verbs: Collection[str]) -> frozenset[str]:
    """The finite forms among speech verb forms: third person ("says") and past ("said"),
    so that an imperative or a plural ("Take say") does not follow a lone name."""
    return frozenset(v for v in verbs if v.endswith(("s", "ed")) or v in _IRREGULAR_PAST)


def _possessor(toks: Tokens, lower: Sequence[str], a: int, end: int) -> int | None:
    """First token of the possessor ending before ``end`` ("Acme", "the company")."""
    first = end
    while first > a and toks.words[first - 1][:1].isupper():
        first -= 1
    if first < end:
        return first
    return _modifiers(toks, lower, a, end - 1) if end - 1 > a else None


def _modifiers(toks: Tokens, lower: Sequence[str], a: int, head: int) -> int:
    """First token of the noun phrase of ``head``: back over up to three modifiers to a
    determiner ("the new report"), else over capitalised words and a few adjectives ("Home
    Office letter", "recent reports").

    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("He read the new report. Greek court rules.")
    >>> lower = [w.lower() for w in toks.words]
    >>> _modifiers(toks, lower, 0, 4), _modifiers(toks, lower, 6, 7)
    (2, 6)
    """
    det = word_lists()["determiners"]
    plain = head  # the start without a determiner: capitalised words and plain adjectives
    for k in range(head - 1, max(a, head - 4) - 1, -1):
        w, word = lower[k], toks.words[k]
        if w in det:
            return k
        if not (word.isalpha() or "-" in word) or w in reporting_words()["auxiliaries"] \
                or w in word_lists()["sentence_starters"]:
            break
        if plain == k + 1 and (word[:1].isupper() or w in _ADJECTIVES):
            plain = k
    return plain


def parenthetical(lower: Sequence[str], a: int, comma: int,
                  by_last: dict[int, Candidate]) -> Candidate | None:
    """The speaker before a parenthetical clause that ends with the comma at ``comma``:
    "Ann Lee, who chairs the board, says" -> Ann Lee (a mention ending at the clause's opening
    comma, the clause opened by a relative pronoun, a determiner, a title or another word in
    lower case: "Bo Chan, editor of the Gazette, said").

    >>> from dateline.baselines.mentions import find_mentions
    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("Ann Lee, who chairs the board, says no.")
    >>> lower = [w.lower() for w in toks.words]
    >>> c = parenthetical(lower, 0, 7, {c.last: c for c in find_mentions(toks)})
    >>> toks.words[c.first:c.last]
    ['Ann', 'Lee']
    """
    if comma <= a or lower[comma] != ",":
        return None
    openers = reporting_words()["parenthetical_openers"] | word_lists()["titles"] \
        | word_lists()["role_nouns"]
    for opening in range(comma - 2, max(a, comma - _MAX_PARENTHETICAL) - 1, -1):
        if lower[opening] in (".", ";", ":", "!", "?"):
            return None
        if lower[opening] != ",":
            continue
        speaker = by_last.get(opening)
        follows = lower[opening + 1]
        if speaker is not None and speaker.first >= a and (
                follows in openers or (follows.isalpha() and follows.islower())):
            return speaker
        return None
    return None


def statement_frame(toks: Tokens, a: int, end: int, lower: Sequence[str],
                    by_first: dict[int, Candidate],
                    ) -> tuple[int, tuple[int, int], Candidate] | None:
    """"In a statement (to Y), X <verb> …": the first content token, the verb's token range
    and the speaker; None when the sentence does not open with such a frame.

    >>> from dateline.baselines.mentions import find_mentions
    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("In a statement, the company called the ruling unfair.")
    >>> start, verb, spk = statement_frame(toks, 0, 10, [w.lower() for w in toks.words],
    ...                                    {c.first: c for c in find_mentions(toks)})
    >>> toks.words[start:10], toks.words[verb[0]], toks.words[spk.first:spk.last]
    (['the', 'ruling', 'unfair'], 'called', ['the', 'company'])
    """
    words = reporting_words()
    if end - a < 6 or lower[a] != "in" or lower[a + 1] not in words["frame_determiners"]:
        return None
    if not any(lower[k] in words["frame_nouns"] for k in range(a + 2, min(end, a + 5))):
        return None
    comma = next((k for k in range(a + 3, min(end, a + 12)) if lower[k] == ","), None)
    if comma is None or comma + 1 not in by_first:
        return None
    speaker = by_first[comma + 1]
    verb = speaker.last
    while verb < end and lower[verb] in words["auxiliaries"]:
        verb += 1
    if verb >= end - 1 or not toks.words[verb].isalpha() or toks.words[verb][:1].isupper():
        return None
    start = verb + 1
    if lower[start] == "that":
        start += 1
    return start, (verb, verb + 1), speaker
