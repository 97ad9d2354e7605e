"""The crf's fast prediction path against plain reference implementations (invented text):
the same feature strings in the same order, and the same predictions as tagging each sentence
through every model."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from dateline.baselines.bio import bio_spans
from dateline.baselines.crf import CRFTagger
from dateline.baselines.crf_features import (
    ALL_GROUPS,
    DEFAULT_GROUPS,
    is_caps_sentence,
    normalised_words,
    shape,
    token_features,
)
from dateline.baselines.crf_lexicons import GROUPS as LEXICON_GROUPS
from dateline.baselines.crf_lexicons import external_features
from dateline.baselines.crf_tagging import MODELS
from dateline.baselines.lexicon import match_tags
from dateline.baselines.mentions import word_lists
from dateline.baselines.text import Tokens, tokenize
from dateline.schemas import Document, Event, LayerInfo, Layers, Mention, Span

TEXTS = [
    "Mr. Ann Lee, the mayor of Rome, met Bob Day in Rome on Monday.",
    "POLICE ARRESTED CARL BERG IN OSLO\nCarl Berg was held.",
    "Acme Corp - based Carl Berg 's U.S. - based firm met Ann Lee in Rome .",
    "He said she left. It rained.\n\nTeam P W\nRome 3 2\n",
    "x",
    "Dr. O'Neill (1990s) e-mailed the well-known Acme-Zed Inc. at 5 p.m. Tuesday.",
    "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z",
    "",
]


def reference_features(toks: Tokens, a: int, b: int, lex: list[str] | None,
                       doc: list[str] | None, groups: tuple[str, ...]) -> list[list[str]]:
    """The features written out token by token, with nothing cached or shared."""
    wl = word_lists()
    raw = toks.words[a:b]
    letters = [w for w in raw if any(c.isalpha() for c in w)]
    caps = len(letters) >= 3 and sum(w.isupper() for w in letters) >= 0.8 * len(letters)
    words = [w.title() if caps and w.isupper() else w for w in raw]
    lower = [w.lower() for w in raw]
    shapes = [shape(w) for w in words]
    n = len(words)
    # the external lexicons' features (their own module and tests), appended last
    ext = external_features(words, groups) if set(groups) & set(LEXICON_GROUPS) else None
    out = []
    for i, (w, lw) in enumerate(zip(words, lower, strict=True)):
        f = ["b"]
        if "word" in groups:
            f += ["w=" + w, "l=" + lw]
        if "shape" in groups:
            f.append("sh=" + shapes[i])
            f += ["cap"] * w[:1].isupper() + ["allcap"] * (w.isupper() and len(w) > 1)
            f += ["digit"] * any(c.isdigit() for c in w) + ["hyphen"] * ("-" in w[1:])
            f += ["dot"] * ("." in w) + ["capsent"] * caps
            f += ["title"] * (lw in wl["titles"]) + ["time"] * (lw in wl["time_words"])
        if "affix" in groups:
            for k in range(1, 5):
                f += [f"p{k}={lw[:k]}", f"s{k}={lw[-k:]}"]
        if "context" in groups:
            if i > 0:
                f += ["-1l=" + lower[i - 1], "-1sh=" + shapes[i - 1]]
                f += ["-1title"] * (lower[i - 1] in wl["titles"])
            if i + 1 < n:
                f += ["+1l=" + lower[i + 1], "+1sh=" + shapes[i + 1]]
            if i > 1:
                f.append("-2l=" + lower[i - 2])
            if i + 2 < n:
                f.append("+2l=" + lower[i + 2])
        if "position" in groups:
            f += ["BOS"] * (i == 0) + ["DOC0"] * (i == 0 and a == 0) + ["EOS"] * (i + 1 == n)
            f.append(f"pos={3 * i // n}")
        if "gazetteer" in groups and lex is not None:
            f.append("lx=" + lex[a + i])
            if i + 1 < n:
                f.append("+1lx=" + lex[a + i + 1][:1])
        if "document" in groups and doc is not None and doc[a + i] != "O":
            f.append("dc=" + doc[a + i])
        if ext is not None:
            f += ext[i]
        out.append(f)
    return out


def test_token_features_are_the_reference_features() -> None:
    table = {"Rome": "LOCATION", "Ann Lee": "PERSON", "Acme Corp": "ORGANIZATION"}
    group_sets = [ALL_GROUPS, DEFAULT_GROUPS, (), *((g,) for g in ALL_GROUPS),
                  *itertools.combinations(("word", "shape", "context", "gazetteer"), 2)]
    checked = 0
    for text in TEXTS:
        toks = tokenize(text)
        lex = match_tags(normalised_words(toks), table)
        doc = ["B-PERSON" if i % 5 == 0 else "O" for i in range(len(toks))]
        for (a, b), groups, (lx, dc) in itertools.product(
                toks.sentences, group_sets, ((lex, doc), (None, None), (lex, None))):
            got = token_features(toks, a, b, lx, dc, groups)
            assert got == reference_features(toks, a, b, lx, dc, groups), (text, a, groups)
            checked += 1
    assert checked > 500


@pytest.mark.parametrize("words", [["OBAMA", "VISITS", "PARIS"], ["The", "US", "won"],
                                   ["A", "B", ",", "C"], ["A", "B"], ["1", "2", "3", "X"],
                                   ["Ü", "É", "Ö", ":", "ok"], ["AB", "CD", "EF", "GH", "ij"]])
def test_caps_sentence_is_the_reference_count(words: list[str]) -> None:
    letters = [w for w in words if any(c.isalpha() for c in w)]
    want = len(letters) >= 3 and sum(w.isupper() for w in letters) >= 0.8 * len(letters)
    assert is_caps_sentence(words) == want


def _gold(doc_id: str, text: str, mentions: list[tuple[str, str, str, int]],
          triggers: list[str]) -> Document:
    """(substring, label, kind, occurrence) mentions and trigger words of one document."""
    ents = []
    for i, (sub, label, kind, nth) in enumerate(mentions):
        start = -1
        for _ in range(nth + 1):
            start = text.index(sub, start + 1)
        ents.append(Mention(id=f"m{i}", start=start, end=start + len(sub), text=sub,
                            label=label, kind=kind))
    events = [Event(id=f"e{i}", trigger=Span(start=text.index(w), end=text.index(w) + len(w),
                                             text=w), type="Contact.Meet")
              for i, w in enumerate(triggers)]
    return Document(id=doc_id, text=text, entities=tuple(ents), events=tuple(events),
                    layers=Layers(entities=LayerInfo(status="gold",
                                                     labels=("LOCATION", "PERSON")),
                                  events=LayerInfo(status="gold", labels=("Contact.Meet",))))


TRAIN = [
    _gold("t1", "The mayor of Rome met Ann Lee. She left Rome.",
          [("The mayor of Rome", "PERSON", "nominal", 0), ("Rome", "LOCATION", "named", 0),
           ("Ann Lee", "PERSON", "named", 0), ("She", "PERSON", "pronoun", 0),
           ("Rome", "LOCATION", "named", 1)], ["met"]),
    _gold("t2", "Bob Day met the mayor of Oslo in Oslo. He smiled.",
          [("Bob Day", "PERSON", "named", 0), ("the mayor of Oslo", "PERSON", "nominal", 0),
           ("Oslo", "LOCATION", "named", 0), ("Oslo", "LOCATION", "named", 1),
           ("He", "PERSON", "pronoun", 0)], ["met"]),
    _gold("t3", "ANN LEE MEETS BOB DAY\nAnn Lee and Bob Day met in Paris.",
          [("ANN LEE", "PERSON", "named", 0), ("BOB DAY", "PERSON", "named", 0),
           ("Ann Lee", "PERSON", "named", 0), ("Bob Day", "PERSON", "named", 0),
           ("Paris", "LOCATION", "named", 0)], ["MEETS"]),
]
NEW = [Document(id="n1", text="The mayor of Paris met Carl Berg in Oslo. He left Paris.\n"
                              "Later Berg and the mayor met again."),
       Document(id="n2", text=""),
       Document(id="n3", text="ANN LEE AND BOB DAY MET IN ROME\nShe said Rome was calm.")]


def reference_extract(crf: CRFTagger, doc: Document) -> Document:
    """Each sentence through every model in turn, every span kept until the read-back."""
    toks = tokenize(doc.text)
    lex = match_tags(normalised_words(toks), crf._lexicon, crf._heads)

    def tag(a: int, b: int, dc: list[str] | None, events: bool = True) -> list[tuple]:
        feats = token_features(toks, a, b, lex, dc, crf.features)
        out = []
        for model, layer, policy in MODELS:
            if layer == "kinds" or model not in crf._taggers or (
                    layer == "entities" and model not in crf._use) or (
                    layer == "events" and not events):
                continue
            spans = list(bio_spans(crf._taggers[model].tag(feats)))
            kinds = (crf._taggers[f"kinds-{policy}"].tag(feats) if spans and layer == "entities"
                     and f"kinds-{policy}" in crf._taggers else None)
            for first, last, label in spans:
                kind = "named" if layer == "named" else None  # a name model's spans
                if kinds is not None:
                    counts = Counter(t[2:] for t in kinds[first:last] if t != "O")
                    kind = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] \
                        if counts else None
                out.append((model, a + first, a + last, label, kind))
        return out

    tagged = [tag(a, b, None) for a, b in toks.sentences]
    dc = crf._doc_tags(toks, [(f, last, t) for sent in tagged for m, f, last, t, kind in sent
                              if m != "events" and kind == "named"])
    if dc is not None:
        for k, (a, b) in enumerate(toks.sentences):
            if any(t != "O" for t in dc[a:b]):
                tagged[k] = [*tag(a, b, dc, events=False),
                             *(t for t in tagged[k] if t[0] == "events")]
    return crf._read(doc, toks, [span for sent in tagged for span in sent])


@pytest.mark.parametrize("groups", [DEFAULT_GROUPS, ALL_GROUPS])
@pytest.mark.parametrize("chunk", [5_000, 7])  # 7: chunks cut inside documents
@pytest.mark.parametrize("names", [{"named": "off", "kinds": True}, {"named": "add"},
                                   {"named": "decide", "kinds": False}])
def test_batched_tagging_predicts_what_each_sentence_through_every_model_does(
        groups, chunk, names, monkeypatch) -> None:
    monkeypatch.setattr("dateline.baselines.crf.CHUNK_TOKENS", chunk)
    crf = CRFTagger(features=groups, c2_grid=(0.1,), max_iterations=40, **names)
    crf.train(TRAIN * 4, TRAIN)
    inputs = NEW + [Document(id=f"s{d.id}", text=d.text) for d in TRAIN]
    want = [reference_extract(crf, d) for d in inputs]
    assert any(d.entities for d in want) and any(d.events for d in want)
    assert any(m.kind not in (None, "named") for d in want for m in d.entities)
    for use in (("entities-outer",), ("entities-inner",), ("entities-outer", "entities-inner")):
        crf._use = use
        want = [reference_extract(crf, d) for d in inputs]
        assert crf.extract_batch(inputs) == want
        assert [crf.extract(d) for d in inputs] == want


def test_chunks_keep_every_sentence_once_in_order() -> None:
    from dateline.baselines.crf_tagging import chunks

    where = [(k, a, a + n) for k, sizes in enumerate([[3, 9, 1], [], [2, 2, 2, 30]])
             for a, n in zip(itertools.accumulate([0, *sizes]), sizes, strict=False)]
    for limit in (1, 4, 5, 12, 1000):
        parts = list(chunks(where, limit))
        assert [s for part in parts for s in part] == where
        assert all(len(p) == 1 or sum(b - a for _, a, b in p) <= limit for p in parts)


class _Stub:
    """A tagger that gives each token the tag of its word (``O`` for others), and counts."""

    def __init__(self, tags: dict[str, str]) -> None:
        self.tags, self.calls = tags, 0

    def tag(self, feats: list[list[str]]) -> list[str]:
        self.calls += 1
        return [self.tags.get(f[0], "O") for f in feats]


def test_a_span_two_entity_models_tag_keeps_the_first_models_kind() -> None:
    from dateline.baselines.crf_tagging import tag_sentences

    def taggers() -> dict[str, _Stub]:
        return {"entities-outer": _Stub({"Ann": "B-PERSON", "Lee": "I-PERSON"}),
                "entities-inner": _Stub({"Ann": "B-PERSON", "Lee": "I-PERSON",
                                         "Rome": "B-LOCATION"}),
                "kinds-outer": _Stub({"Ann": "B-nominal", "Lee": "I-nominal",
                                      "Rome": "B-nominal"}),
                "kinds-inner": _Stub({"Ann": "B-named", "Lee": "I-named", "Rome": "B-named"}),
                "events": _Stub({"met": "B-EVENT"})}

    sentences = [[["Ann"], ["Lee"], ["met"], ["Rome"]], [["It"], ["rained"]]]
    use = ("entities-outer", "entities-inner")
    models = taggers()
    first = tag_sentences(models, use, sentences, [0, 4])
    assert first == [[("entities-outer", 0, 2, "PERSON", "nominal"),
                      ("entities-inner", 3, 4, "LOCATION", "named"),
                      ("events", 2, 3, "EVENT", None)], []]
    assert models["kinds-outer"].calls == 1  # not on the sentence without a mention
    every = tag_sentences(taggers(), use, sentences, [0, 4], every=True)
    assert ("entities-inner", 0, 2, "PERSON", "named") in every[0] and len(every[0]) == 4
    inner_only = tag_sentences(taggers(), ("entities-inner",), sentences, [0, 4], events=False)
    assert inner_only == [[("entities-inner", 0, 2, "PERSON", "named"),
                           ("entities-inner", 3, 4, "LOCATION", "named")], []]


def _reference_spans(tags: tuple[str, ...]) -> list[tuple[int, int, str]]:
    out, start, label = [], None, None
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != label):
            if start is not None and label is not None:
                out.append((start, i, label))
            start, label = (i, t[2:]) if t != "O" else (None, None)
    return out


def test_bio_spans_is_the_reference_reading_on_every_short_sequence() -> None:
    alphabet = ("O", "B-X", "I-X", "B-Y", "I-Y", "X", "B-", "I-", "I-O")
    for n in range(5):
        for tags in itertools.product(alphabet, repeat=n):
            assert list(bio_spans(list(tags))) == _reference_spans(tags), tags
