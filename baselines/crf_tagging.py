"""The ``crf`` tagger's prediction step: the trained models tag item sequences, model by model.

Each model tags all the sentences of a batch in turn, rather than each sentence going through
every model: a model's weights then stay in the processor's caches while it works, which
makes tagging faster and changes no tag (each sentence is tagged on its own either way).

>>> import pathlib, tempfile, pycrfsuite
>>> trainer = pycrfsuite.Trainer(verbose=False)
>>> trainer.append([["w=Ann"], ["w=met"], ["w=Bob"]], ["B-PERSON", "O", "B-PERSON"])
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "m.crfsuite")
>>> trainer.train(path)
>>> tagger = pycrfsuite.Tagger()
>>> _ = tagger.open(path)
>>> feats = [pycrfsuite.ItemSequence([["w=Bob"], ["w=met"]])]
>>> tag_sentences({"entities-outer": tagger}, ("entities-outer",), feats, [10])
[[('entities-outer', 10, 11, 'PERSON', None)]]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from dateline.baselines.bio import bio_spans
from dateline.baselines.lexicon import heads_of, match_tags
from dateline.schemas import Document

__all__ = [
    "CHUNK_TOKENS",
    "MODELS",
    "PROPAGATED",
    "BilouReader",
    "Tagged",
    "capitalised",
    "chunks",
    "majority_kind",
    "pronoun_table",
    "propagate",
    "tag_sentences",
    "to_bilou",
]

# Sentences tagged together: enough for the caches to pay, few enough that the features of a
# chunk (about a kilobyte a token) stay small however long the documents are.
CHUNK_TOKENS = 5_000

# (model, layer, policy): two entity models see the nested mentions from both sides; a kind
# model per entity model tags the mention kinds of the same spans; two name models (the
# ``named`` setting) tag named mentions alone, nested ones from both sides.
MODELS = (("entities-outer", "entities", "outer"), ("entities-inner", "entities", "inner"),
          ("kinds-outer", "kinds", "outer"), ("kinds-inner", "kinds", "inner"),
          ("named-outer", "named", "outer"), ("named-inner", "named", "inner"),
          ("events", "events", "outer"))

# (model, first token, last token + 1, tag, kind): one span a model tagged.
Tagged = tuple[str, int, int, str, str | None]
PROPAGATED = "propagated"  # the "model" of the spans :func:`propagate` adds


def chunks(where: Sequence[tuple[int, int, int]], limit: int,
           ) -> Iterator[Sequence[tuple[int, int, int]]]:
    """Consecutive runs of ``(document, first, last)`` sentences holding at most ``limit``
    tokens (a longer sentence is a run of its own).

    >>> list(chunks([(0, 0, 3), (0, 3, 5), (1, 0, 4), (1, 4, 5)], 5))
    [[(0, 0, 3), (0, 3, 5)], [(1, 0, 4), (1, 4, 5)]]
    """
    start, size = 0, 0
    for i, (_, a, b) in enumerate(where):
        if size + b - a > limit and i > start:
            yield where[start:i]
            start, size = i, 0
        size += b - a
    if start < len(where):
        yield where[start:]


def majority_kind(tags: Sequence[str]) -> str | None:
    """The most frequent kind among a span's kind tags (None when all are ``O``; a tie goes
    to the alphabetically first kind).

    >>> majority_kind(["B-named", "I-nominal", "I-named"]), majority_kind(["O"])
    ('named', None)
    """
    if len(tags) == 1:  # most mentions are one token long
        return None if tags[0] == "O" else tags[0][2:]
    counts = Counter(t[2:] for t in tags if t != "O")
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None


def tag_sentences(taggers: Mapping[str, Any], use: Collection[str], feats: Sequence[Any],
                  starts: Sequence[int], *, events: bool = True, every: bool = False,
                  ) -> list[list[Tagged]]:
    """The spans the models tag in each sentence, in :data:`MODELS` order.

    ``taggers``: the open CRFsuite taggers by model name; ``use``: the entity models to use;
    ``feats``: one item sequence per sentence; ``starts``: each sentence's first token in its
    document. The kind model of an entity model (``kinds-outer`` beside ``entities-outer``)
    runs only on sentences where the entity model found a span, and gives each span the
    majority of its tokens' kinds; a name model's spans are of kind ``named``. A token range
    that an earlier entity model tagged too is left out (the first one's label and kind are
    kept), unless ``every``: then each model's spans all come, with their kinds. ``events``:
    also run the trigger model.

    >>> tag_sentences({}, (), [], [])
    []
    """
    # A fixed model order (outer first): where both entity models tag a span, the first
    # one's label is kept, whether the models were just trained or loaded from disk.
    out: list[list[Tagged]] = [[] for _ in feats]
    taken: list[set[tuple[int, int]]] = [set() for _ in feats]
    for model, layer, policy in MODELS:
        if layer == "kinds" or model not in taggers or (
                layer == "entities" and model not in use) or (layer == "events" and not events):
            continue
        tagger = taggers[model]
        found = [list(bio_spans(tagger.tag(x))) for x in feats]
        if layer == "named":
            for j, spans in enumerate(found):
                out[j] += [(model, starts[j] + first, starts[j] + last, tag, "named")
                           for first, last, tag in spans]
            continue
        if layer == "entities" and not every:
            for spans, seen in zip(found, taken, strict=True):
                spans[:] = [s for s in spans if s[:2] not in seen]
                seen.update(s[:2] for s in spans)
        # The kind model runs only where the entity model found a mention.
        kinds = taggers.get(f"kinds-{policy}") if layer == "entities" else None
        for j, spans in enumerate(found):
            tags = kinds.tag(feats[j]) if kinds is not None and spans else None
            out[j] += [(model, starts[j] + first, starts[j] + last, tag,
                        majority_kind(tags[first:last]) if tags is not None else None)
                       for first, last, tag in spans]
    return out


def propagate(words: Sequence[str], tagged: Sequence[Tagged], *, names_only: bool = False,
              ) -> list[Tagged]:
    """Names repeated where no model tagged anything: every other occurrence in the document
    of a string tagged as a name (the longest match), and of the last word of a person's name
    of several words (``Lee`` after ``Ann Lee``), as a named mention of the same label.

    ``words``: the document's words; ``tagged``: the spans tagged in it. ``names_only``: only
    the name models' spans count as names (the ``decide`` reading of kinds).

    >>> words = "Ann Lee met Bob . Lee and Bob left .".split()
    >>> propagate(words, [("entities-outer", 0, 2, "PERSON", "named"),
    ...                   ("entities-outer", 3, 4, "PERSON", "named")])
    [('propagated', 5, 6, 'PERSON', 'named'), ('propagated', 7, 8, 'PERSON', 'named')]
    """
    table: dict[str, str] = {}
    covered = bytearray(len(words))
    for model, first, last, tag, kind in tagged:
        if model == "events":
            continue
        covered[first:last] = b"\x01" * (last - first)
        if kind != "named" or (names_only and not model.startswith("named-")):
            continue
        table.setdefault(" ".join(words[first:last]), tag)
        surname = words[last - 1]
        if tag == "PERSON" and last - first > 1 and surname[:1].isupper() and len(surname) > 1:
            table.setdefault(surname, tag)
    if not table:
        return []
    return [(PROPAGATED, first, last, tag, "named")
            for first, last, tag in bio_spans(match_tags(words, table, heads_of(table)))
            if not any(covered[first:last])]


def pronoun_table(docs: Sequence[Document]) -> frozenset[str]:
    """The mention strings (lower case) that ``docs``' gold calls pronouns more often than
    any other kind: what tells a pronoun from a nominal mention without a kind model.

    >>> from dateline.schemas import Mention
    >>> doc = Document(id="d", text="She saw it. It rained.", entities=(
    ...     Mention(id="a", start=0, end=3, text="She", label="PERSON", kind="pronoun"),
    ...     Mention(id="b", start=8, end=10, text="it", label="OBJECT", kind="pronoun"),
    ...     Mention(id="c", start=12, end=14, text="It", label="EVENT", kind="nominal")))
    >>> sorted(pronoun_table([doc]))  # "it" is a pronoun once and nominal once: not a pronoun
    ['she']
    """
    counts: dict[str, Counter[str]] = {}
    for doc in docs:
        for m in doc.entities:
            if m.kind is not None:
                counts.setdefault(m.text.lower(), Counter())[m.kind] += 1
    return frozenset(t for t, c in counts.items()
                     if min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] == "pronoun")


def capitalised(words: Sequence[str], sentence_start: bool) -> bool:
    """Whether a span's words read as a name: every word with letters begins with a capital,
    and it is not one word at the start of a sentence (where any word has a capital).

    >>> capitalised(["Acme", "Corp"], True), capitalised(["Scientists"], True)
    (True, False)
    >>> capitalised(["Oslo"], False), capitalised(["the", "Oslo", "office"], False)
    (True, False)
    >>> capitalised(["$", "25"], False)  # no word with letters
    False
    """
    if sentence_start and len(words) == 1:
        return False
    lettered = [w for w in words if any(c.isalpha() for c in w)]
    return bool(lettered) and all(w[:1].isupper() for w in lettered)


def to_bilou(tags: Sequence[str]) -> list[str]:
    """BIO tags as BILOU: a span's last token ``L-``, a one-token span ``U-``.

    >>> to_bilou(["B-X", "I-X", "I-X", "O", "B-Y", "B-Y", "I-Y"])
    ['B-X', 'I-X', 'L-X', 'O', 'U-Y', 'B-Y', 'L-Y']
    """
    out = list(tags)
    for i, t in enumerate(tags):
        if t == "O":
            continue
        ends = i + 1 == len(tags) or not tags[i + 1].startswith("I-")
        if ends:
            out[i] = ("U-" if t.startswith("B-") else "L-") + t[2:]
    return out


class BilouReader:
    """A tagger trained on BILOU tags, read as BIO (``U-`` as ``B-``, ``L-`` as ``I-``).

    >>> class Fixed:
    ...     def tag(self, xs): return ["U-X", "B-Y", "L-Y", "O"]
    >>> BilouReader(Fixed()).tag([])
    ['B-X', 'B-Y', 'I-Y', 'O']
    """

    def __init__(self, tagger: Any) -> None:
        self.tagger = tagger

    def tag(self, xs: Any) -> list[str]:
        """The tagger's tags, in BIO."""
        return [("B-" if t[0] == "U" else "I-" if t[0] == "L" else t[:2]) + t[2:]
                if t != "O" else t for t in self.tagger.tag(xs)]
