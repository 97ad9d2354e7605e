"""The token features of the ``crf`` tagger, in groups that can be switched off one by one.

Each group is a setting value of ``CRFTagger(features=...)``, so the effect of each on
validation can be measured (``benchmarks/crf_ablation.py``):

- ``word``: the word and its lower case;
- ``shape``: the word shape (``Xxxx``, ``XX``, ``dd``...), capitalisation pattern, digits,
  hyphen, full stop, membership in the title and time word lists of ``people.json``;
- ``affix``: lower-case prefixes and suffixes of one to four characters;
- ``context``: the lower case and shape of the neighbouring words (two on each side), and
  whether the word before is a title;
- ``position``: first / last token of the sentence, first of the document, and the relative
  position of the token in the sentence (in thirds);
- ``gazetteer``: the label of a longest match in the train split's mention strings
  (jackknifed during training: :class:`~dateline.baselines.crf.CRFTagger`);
- ``document``: document-level consistency: a string tagged as a name in another sentence of
  the document marks every occurrence of it here (gold in training, the tagger's own first
  pass when predicting);
- ``frequency``, ``names``, ``places``, ``orgwords``: external lexicons read from PyPI
  packages' data (:mod:`.crf_lexicons`).

Features are case-normalised where text conventions differ: in a sentence written in
capitals (a headline in all caps) the case-sensitive features (word, shape, capitalisation)
are computed on the title-cased word, so ``OBAMA`` looks like ``Obama`` does elsewhere.

>>> from dateline.baselines.text import tokenize
>>> toks = tokenize("Mr. Obama spoke.")
>>> token_features(toks, 0, 4)[1][:5]
['b', 'w=Obama', 'l=obama', 'sh=Xx', 'cap']
>>> loud = tokenize("PRESIDENT OBAMA SPOKE.")
>>> [f for f in token_features(loud, 0, 4)[1] if f.startswith(("w=", "sh=", "caps"))]
['w=Obama', 'sh=Xx', 'capsent']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache

from dateline.baselines.crf_lexicons import GROUPS as LEXICON_GROUPS
from dateline.baselines.crf_lexicons import external_features
from dateline.baselines.lexicon import heads_of, match_tags
from dateline.baselines.mentions import word_lists
from dateline.baselines.text import Tokens
from dateline.schemas import DatelineError

__all__ = ["ALL_GROUPS", "DEFAULT_GROUPS", "check_groups", "document_tags", "is_caps_sentence",
           "normalised_words", "shape", "token_features"]

ALL_GROUPS = ("word", "shape", "affix", "context", "position", "gazetteer", "document",
              *LEXICON_GROUPS)
# The default: every group but ``document``, which on validation was a wash (+0.007 strict F1
# on all mentions, -0.008 on the core task) and costs a second tagging pass, without which the
# tagger meets its speed target; the four external-lexicon groups joined it together in 0.4,
# by cross-validation (+0.059 core-task F1; docs/baselines.md).
DEFAULT_GROUPS = tuple(g for g in ALL_GROUPS if g != "document")


def check_groups(groups: Sequence[str]) -> tuple[str, ...]:
    """The feature groups, checked (``bad-setting`` names an unknown group).

    >>> check_groups(["word", "shape"])
    ('word', 'shape')
    >>> check_groups(["colour"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-setting] extractor 'crf': unknown feature ...
    """
    if isinstance(groups, str):
        groups = [groups]
    for g in groups:
        if g not in ALL_GROUPS:
            raise DatelineError("bad-setting", f"extractor 'crf': unknown feature group {g!r}",
                                fix=f"use some of {', '.join(ALL_GROUPS)}, e.g. --set "
                                    '\'features=["word", "shape"]\'', exit_code=2)
    return tuple(groups)


def shape(word: str) -> str:
    """The word's shape: ``X`` upper, ``x`` lower, ``d`` digit, other characters kept, runs
    collapsed, over the first eight characters.

    >>> shape("O'Neill"), shape("U.S."), shape("1990s")
    ("X'Xx", 'X.X.', 'dx')
    """
    out: list[str] = []
    for ch in word[:8]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def is_caps_sentence(words: Sequence[str]) -> bool:
    """True when the words with letters are (nearly) all in capitals: a headline in all caps.

    >>> is_caps_sentence(["OBAMA", "VISITS", "PARIS"]), is_caps_sentence(["The", "US", "won"])
    (True, False)
    """
    cased = upper = 0
    for w in words:
        # ``isalpha`` answers for most words at once; the rest are looked at letter by letter.
        if w.isalpha() or any(c.isalpha() for c in w):
            cased += 1
            upper += w.isupper()
    return cased >= 3 and upper >= 0.8 * cased


def normalised_words(toks: Tokens) -> list[str]:
    """The words of ``toks`` with the sentences in capitals title-cased: what the gazetteer
    and document-consistency matches look up, so ``ROME`` in a headline matches ``Rome``.

    >>> from dateline.baselines.text import tokenize
    >>> normalised_words(tokenize("TALKS IN ROME END\\nRome and the US agree."))
    ['Talks', 'In', 'Rome', 'End', 'Rome', 'and', 'the', 'US', 'agree', '.']
    """
    words = list(toks.words)
    for a, b in toks.sentences:
        if is_caps_sentence(words[a:b]):
            words[a:b] = [_norm(w, True) for w in words[a:b]]
    return words


def document_tags(words: Sequence[str], sentences: Sequence[tuple[int, int]],
                  spans: Collection[tuple[int, int, str]]) -> list[str]:
    """Step "document": BIO tags marking every occurrence of a tagged string, where the same
    string (its words) was tagged in *another* sentence of the document.

    ``spans``: ``(first, last, label)`` token ranges tagged as names. A string tagged only in
    its own sentence marks nothing there, so training (gold spans) sees what prediction
    (the tagger's first pass) sees: evidence from elsewhere in the document.

    >>> words = ["Ann", "Lee", "left", ".", "Lee", "and", "Ann", "Lee", "met", "."]
    >>> document_tags(words, [(0, 4), (4, 10)], {(0, 2, "PERSON")})
    ['O', 'O', 'O', 'O', 'O', 'O', 'B-PERSON', 'I-PERSON', 'O', 'O']
    """
    if not spans:
        return ["O"] * len(words)
    sent_of = [0] * len(words)
    for k, (a, b) in enumerate(sentences):
        for i in range(a, b):
            sent_of[i] = k
    where: dict[str, set[int]] = {}
    table: dict[str, str] = {}
    for first, last, label in sorted(spans):
        key = " ".join(words[first:last])
        where.setdefault(key, set()).add(sent_of[first])
        table.setdefault(key, label)
    tags = match_tags(words, table, heads_of(table))
    i = 0
    while i < len(tags):
        if tags[i].startswith("B-"):
            j = i + 1
            while j < len(tags) and tags[j].startswith("I-"):
                j += 1
            if not where[" ".join(words[i:j])] - {sent_of[i]}:
                tags[i:j] = ["O"] * (j - i)
            i = j
        else:
            i += 1
    return tags


def _norm(w: str, caps: bool) -> str:
    return w.title() if caps and w.isupper() else w


@lru_cache(maxsize=1 << 16)
def _static(w: str, lw: str, sh: str, caps: bool, g_word: bool, g_shape: bool,
            g_affix: bool) -> tuple[str, ...]:
    """The features of one word that do not depend on its neighbours (cached: most words
    repeat)."""
    f: list[str] = []
    if g_word:
        f += ["w=" + w, "l=" + lw]
    if g_shape:
        f.append("sh=" + sh)
        if w[:1].isupper():
            f.append("cap")
        if w.isupper() and len(w) > 1:
            f.append("allcap")
        if any(c.isdigit() for c in w):
            f.append("digit")
        if "-" in w[1:]:
            f.append("hyphen")
        if "." in w:
            f.append("dot")
        if caps:
            f.append("capsent")
        wl = word_lists()
        if lw in wl["titles"]:
            f.append("title")
        if lw in wl["time_words"]:
            f.append("time")
    if g_affix:
        for k in range(1, 5):
            f += [f"p{k}={lw[:k]}", f"s{k}={lw[-k:]}"]
    return tuple(f)


# What one token gives its own features and its neighbours' (the ``context`` group): its
# own features (``b`` first), ``-1l=``, ``-1sh=``, ``+1l=``, ``+1sh=``, ``-2l=``, ``+2l=``
# of its lower case and shape, and whether it is a title word.
_Word = tuple[tuple[str, ...], str, str, str, str, str, str, bool]


@lru_cache(maxsize=1 << 16)
def _word(raw: str, caps: bool, g_word: bool, g_shape: bool, g_affix: bool) -> _Word:
    """Everything token features need of one word, computed once per distinct word (and
    sentence case): the features are then put together from these strings, never rebuilt."""
    lw = raw.lower()
    sh = shape(_norm(raw, caps))
    return (("b", *_static(_norm(raw, caps), lw, sh, caps, g_word, g_shape, g_affix)),
            "-1l=" + lw, "-1sh=" + sh, "+1l=" + lw, "+1sh=" + sh, "-2l=" + lw, "+2l=" + lw,
            lw in word_lists()["titles"])


_POS = ("pos=0", "pos=1", "pos=2")  # 3 * i // n for 0 <= i < n
_NEXT_LX = {"O": "+1lx=O"}  # "+1lx=" and a gazetteer tag's first letter, by the tag


def token_features(toks: Tokens, a: int, b: int, lex: Sequence[str] | None = None,
                   doc: Sequence[str] | None = None,
                   groups: Collection[str] = ALL_GROUPS) -> list[list[str]]:
    """String features of the tokens ``[a, b)`` of a sentence, for the feature ``groups``.

    ``lex`` holds the document's gazetteer tags and ``doc`` its document-consistency tags
    (``B-PERSON``, ``O``...), one per token of the document.

    >>> from dateline.baselines.text import tokenize
    >>> f = token_features(tokenize("Ann Lee won."), 0, 4, groups=("affix", "position"))
    >>> f[0][:5], f[0][-3:]
    (['b', 'p1=a', 's1=n', 'p2=an', 's2=nn'], ['BOS', 'DOC0', 'pos=0'])
    """
    raw = toks.words[a:b]
    caps = is_caps_sentence(raw)
    g_word, g_shape, g_affix = "word" in groups, "shape" in groups, "affix" in groups
    g_ctx, g_pos = "context" in groups, "position" in groups
    g_lex = "gazetteer" in groups and lex is not None
    g_doc = "document" in groups and doc is not None
    info = [_word(w, caps, g_word, g_shape, g_affix) for w in raw]
    n = len(info)
    ext = (external_features([_norm(w, caps) for w in raw], groups)
           if any(g in groups for g in LEXICON_GROUPS) else None)
    out: list[list[str]] = []
    for i in range(n):
        f = list(info[i][0])
        if g_ctx:
            if i > 0:
                before = info[i - 1]
                f += before[1:3]
                if before[7]:
                    f.append("-1title")
            if i + 1 < n:
                f += info[i + 1][3:5]
            if i > 1:
                f.append(info[i - 2][5])
            if i + 2 < n:
                f.append(info[i + 2][6])
        if g_pos:
            if i == 0:
                f.append("BOS")
                if a == 0:
                    f.append("DOC0")
            if i + 1 == n:
                f.append("EOS")
            f.append(_POS[3 * i // n])
        if g_lex and lex is not None:
            f.append("lx=" + lex[a + i])
            if i + 1 < n:
                tag = lex[a + i + 1]
                nxt = _NEXT_LX.get(tag)
                if nxt is None:
                    nxt = _NEXT_LX[tag] = "+1lx=" + tag[:1]
                f.append(nxt)
        if g_doc and doc is not None and doc[a + i] != "O":
            f.append("dc=" + doc[a + i])
        if ext is not None:
            f += ext[i]
        out.append(f)
    return out
