"""A heuristic mention finder shared by ``quotes-rules`` and ``events-rules``.

It finds the mentions those extractors attach things to, with no model and no parser:
capitalised name sequences (with a title before them: "Prime Minister John Howard"), role
nouns after a determiner ("the minister"), person pronouns, and time expressions. Labels come
from word lists kept as data in ``people.json``. Named persons share a cluster key (their last
word), so "Donald Trump", "President Trump" and "Trump" are one entity, and a pronoun is
resolved to the last person named before it.

>>> from dateline.baselines.text import tokenize
>>> toks = tokenize("Prime Minister John Howard arrived in Sydney on Monday. He spoke.")
>>> for c in find_mentions(toks):
...     print(toks.text[toks.starts[c.first]:toks.ends[c.last - 1]], c.label, c.kind)
Prime Minister John Howard PERSON named
Sydney LOCATION named
Monday TIME None
He PERSON pronoun
>>> [c.cluster for c in find_mentions(toks)][::3]
['howard', 'howard']
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from dateline.baselines.text import Tokens

__all__ = ["Candidate", "find_mentions", "word_lists"]


@cache
def word_lists() -> dict[str, frozenset[str]]:
    """The word lists of ``people.json`` as frozensets of lowercased words.

    >>> "spokesman" in word_lists()["titles"]
    True
    """
    raw: dict[str, Any] = json.loads(
        resources.files("dateline.baselines").joinpath("people.json").read_text("utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


@dataclass(frozen=True)
class Candidate:
    """A mention found by the heuristics: tokens ``[first, last)``, label, kind, cluster key.

    >>> from dateline.baselines.text import tokenize
    >>> toks = tokenize("Ms Lee left.")
    >>> [c] = [c for c in find_mentions(toks) if c.label == "PERSON"]
    >>> c, toks.words[c.first:c.last]
    (Candidate(first=0, last=2, label='PERSON', kind='named', cluster='lee'), ['Ms', 'Lee'])
    """

    first: int
    last: int
    label: str
    kind: str | None
    cluster: str | None = None


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and any(c.isalpha() for c in word)


def find_mentions(toks: Tokens) -> list[Candidate]:
    """Mentions in token order; pronouns carry the cluster of the last named person before them.

    >>> from dateline.baselines.text import tokenize
    >>> find_mentions(tokenize(""))
    []
    """
    wl = word_lists()
    words = toks.words
    lower = [w.lower() for w in words]
    sent_start = {a for a, _ in toks.sentences}
    out: list[Candidate] = []
    last_person: str | None = None
    persons: set[str] = set()
    i, n = 0, len(words)
    while i < n:
        w, lw = words[i], lower[i]
        # 1. Person pronouns, resolved to the last person named before them.
        if lw in wl["person_pronouns"] and not (w.isupper() and len(w) > 1):
            cluster = last_person if lw in wl["resolvable_pronouns"] else None
            out.append(Candidate(i, i + 1, "PERSON", "pronoun", cluster))
            i += 1
            continue
        # 2. Time expressions: weekdays, months, years, "last week" and the like.
        if lw in wl["time_words"] or (len(w) == 4 and w.isdigit() and w[:2] in ("19", "20")):
            j = i + 1
            while j < n and (lower[j] in wl["time_words"] or words[j].isdigit()
                             or (words[j] == "," and j + 1 < n and words[j + 1].isdigit())):
                j += 1
            first = i - 1 if i > 0 and lower[i - 1] in wl["time_modifiers"] else i
            if w[:1].isupper() or w.isdigit() or first < i:
                out.append(Candidate(first, j, "TIME", None))
                i = j
                continue
        # 3. Capitalised sequences (names), allowing "of"/"de" inside: "Bank of England".
        if _capitalised(w) and not (i in sent_start and lw in wl["sentence_starters"]):
            j = i + 1
            while j < n:
                if _capitalised(words[j]) and lower[j] not in wl["person_pronouns"]:
                    j += 1
                elif (lower[j] in wl["name_connectors"] and j + 1 < n
                      and _capitalised(words[j + 1]) and lower[j] != "and"):
                    j += 2
                elif words[j] == "." and len(words[j - 1]) == 1:
                    j += 1  # initials: "George W. Bush"
                else:
                    break
            # A lone capitalised word opening a sentence is usually no name ("Afterwards").
            if j == i + 1 and i in sent_start and lw not in persons:
                i += 1
                continue
            # The title before the name joins it, in lower case too ("envoy Steve Witkoff").
            first = i
            while first > 0 and lower[first - 1] in wl["titles"]:
                first -= 1
            span_lower = lower[first:j]
            has_title = any(x in wl["titles"] for x in span_lower[:-1])
            prev = lower[first - 1] if first > 0 else ""
            acronym = j - i == 1 and w.isupper() and len(w) > 1
            if acronym or any(x in wl["org_words"] for x in span_lower):
                label, kind = "ORGANIZATION", "named"
            elif has_title or (j - i >= 2 and all(words[k].isalpha() for k in range(i, j))):
                label, kind = "PERSON", "named"
            elif prev in wl["location_preps"]:
                label, kind = "LOCATION", "named"
            elif lower[j - 1] in persons:
                label, kind = "PERSON", "named"
            else:
                label, kind = "ORGANIZATION", "named"
            cluster = None
            if label == "PERSON":
                cluster = lower[j - 1]
                persons.add(cluster)
                last_person = cluster
            out.append(Candidate(first, j, label, kind, cluster))
            i = j
            continue
        # 4. A role noun after a determiner: "the minister", "a spokesperson".
        if lw in wl["determiners"] and i + 1 < n:
            j = i + 1
            while (j < n and j - i <= 3 and lower[j] not in wl["role_nouns"]
                   and lower[j].isalpha()):
                j += 1
            if j < n and lower[j] in wl["role_nouns"] and words[j].islower():
                out.append(Candidate(i, j + 1, "PERSON", "nominal"))
                i = j + 1
                continue
        i += 1
    return out
